"""CL201: a `members` entry names a directory without a Cargo.toml (or a glob matches nothing)."""

import posixpath

from ._base import CheckContext, Rule, failure_diagnostics, text_of, wrapped_by

RULE = Rule(
    "CL201",
    "member-manifest-missing",
    "error",
    "A `workspace.members` entry (or a directory its glob matches) has no Cargo.toml.",
)


def check(cx: CheckContext):
    return failure_diagnostics(
        cx,
        RULE,
        lambda f: f.code == "manifest-unreadable"
        and wrapped_by(f, "failed to load manifest for workspace member")
        and len(f.chain) > 1
        and f.chain[1].startswith("failed to read"),
        outermost=True,
        fixes=_fixes,
    )


def _fixes(cx: CheckContext, failure) -> list:
    from .. import fixes  # tomlkit: loaded only when a fix is asked for

    facts = failure.facts
    if not facts.get("glob"):
        return []  # a literal entry beats `exclude`: the entry itself must go
    root = facts["root"]
    rel = posixpath.relpath(facts["member_dir"], posixpath.dirname(root))
    return [fixes.fix_exclude(root, text_of(cx, root), rel, preferred=True)]
