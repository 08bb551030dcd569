"""The diagnostic rules. One module per rule; this list is the registry (code order).

Every rule module defines ``RULE`` (code, name, default severity, one-line summary) and
``check(cx)`` yielding ``Diagnostic``s. Codes are stable: never reuse a retired one.
Families: CL0xx TOML/file, CL1xx a manifest's own content, CL2xx workspace structure,
CL3xx membership surprises, CL4xx `cfg(...)` target keys.
"""

from __future__ import annotations

from . import (
    cfg_syntax,
    cfg_unknown_value,
    cfg_unsupported,
    default_member_not_member,
    duplicate_package_name,
    gated_implicit_member,
    inherited_missing,
    invalid_manifest,
    member_glob_invalid,
    member_load_failure,
    member_manifest_missing,
    member_not_below_root,
    member_of_wrong_workspace,
    multiple_workspace_roots,
    not_a_member,
    path_dependency_missing,
    pointer_not_a_root,
    schema_unknown_key,
    schema_wrong_type,
    toml_syntax,
    unreadable_manifest,
)
from ._base import CheckContext, Rule

MODULES = (
    toml_syntax,
    unreadable_manifest,
    invalid_manifest,
    inherited_missing,
    schema_unknown_key,
    schema_wrong_type,
    member_manifest_missing,
    member_glob_invalid,
    member_load_failure,
    default_member_not_member,
    path_dependency_missing,
    not_a_member,
    multiple_workspace_roots,
    member_of_wrong_workspace,
    member_not_below_root,
    duplicate_package_name,
    pointer_not_a_root,
    gated_implicit_member,
    cfg_syntax,
    cfg_unsupported,
    cfg_unknown_value,
)

RULES: dict[str, Rule] = {}
for _mod in MODULES:
    _rule = _mod.RULE
    if _rule.code in RULES or any(r.name == _rule.name for r in RULES.values()):
        raise RuntimeError(f"duplicate rule code or name: {_rule.code} {_rule.name}")
    RULES[_rule.code] = _rule

__all__ = ["RULES", "MODULES", "CheckContext", "Rule"]
