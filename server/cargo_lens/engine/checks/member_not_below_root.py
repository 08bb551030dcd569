"""CL209: a member outside the root directory does not point back with `package.workspace`."""

from ._base import CheckContext, Rule, failure_diagnostics

RULE = Rule(
    "CL209",
    "member-not-below-root",
    "error",
    "A member outside the root's directory does not point back to it with `package.workspace`.",
)


def check(cx: CheckContext):
    return failure_diagnostics(cx, RULE, lambda f: f.code == "member-not-below-root")
