"""The engine's façade: run every enabled rule over some manifests and collect diagnostics."""

from __future__ import annotations

import logging
import os
import posixpath
from dataclasses import dataclass, field

from .checks import MODULES, RULES, CheckContext
from .checks._base import dedupe
from .diagnostics import SEVERITIES, Diagnostic
from .fs import FileSystem, normalize
from .host import host_target
from .verdict import find_manifests
from .workspace import MANIFEST, Context

log = logging.getLogger("cargo_lens")


@dataclass
class Options:
    """What the user chose: per-rule severity ("off" disables) and whether rustc may run."""

    severity: dict[str, str] = field(default_factory=dict)  # code or name -> severity | "off"
    allow_rustc: bool = False


def rule_severity(code: str, options: Options) -> str | None:
    rule = RULES[code]
    chosen = options.severity.get(code) or options.severity.get(rule.name) or rule.severity
    return None if chosen == "off" else chosen


def manifests_under(paths: list[str], fs: FileSystem) -> list[str]:
    """Every manifest a PATH argument names: a Cargo.toml itself, or all under a directory."""
    found: dict[str, None] = {}
    for p in paths:
        p = normalize(os.path.abspath(p))
        if fs.is_dir(p):
            for m in find_manifests(p, fs):
                found.setdefault(m)
        elif posixpath.basename(p) == MANIFEST or fs.is_file(p):
            found.setdefault(p)
    return list(found)


def run_checks(ctx: Context, manifests: list[str], options: Options | None = None, *,
               per_file_only: bool = False) -> list[Diagnostic]:
    """All diagnostics for ``manifests`` and the manifests of their workspaces. With
    ``per_file_only`` the rules about one file's own content look at ``manifests`` only (the
    workspace's verdict is still whole): the language server's first answer, for the open
    documents, before it analyses everything."""
    options = options or Options()
    cx = CheckContext(ctx, manifests, host=host_target(options.allow_rustc), files_only_asked=per_file_only)
    out: list[Diagnostic] = []
    for mod in MODULES:
        severity = rule_severity(mod.RULE.code, options)
        if severity is None:
            continue
        try:
            found = list(mod.check(cx))
        except Exception:  # one broken rule must not hide the others' findings
            log.exception("rule %s failed; its diagnostics are missing", mod.RULE.code)
            continue
        for d in found:
            d.severity = severity if severity in SEVERITIES else d.severity
        out.extend(found)
    return sorted(dedupe(out), key=Diagnostic.sort_key)
