"""CL203: a member (or a member's path dependency) fails to load, so the whole workspace fails."""

from ._base import CheckContext, Rule, failure_diagnostics, wrapped_by

RULE = Rule(
    "CL203",
    "member-load-failure",
    "error",
    "A workspace member fails to load, which makes every cargo command in the workspace fail.",
)


def check(cx: CheckContext):
    return failure_diagnostics(
        cx,
        RULE,
        lambda f: f.code != "manifest-unreadable"
        and len(f.origins) > 1
        and (wrapped_by(f, "failed to load manifest for workspace member") or f.shape == "D"),
        outermost=True,
    )
