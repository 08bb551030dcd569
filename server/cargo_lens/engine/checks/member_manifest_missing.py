"""CL201: a `members` entry names a directory without a Cargo.toml (or a glob matches nothing)."""

from ._base import CheckContext, Rule, failure_diagnostics, wrapped_by

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
        and f.chain[1].startswith("failed to read"),
        outermost=True,
    )
