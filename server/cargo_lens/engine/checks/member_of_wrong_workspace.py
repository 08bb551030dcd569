"""CL208: a member finds a different workspace root on its own."""

from ._base import CheckContext, Rule, failure_diagnostics

RULE = Rule("CL208", "member-of-wrong-workspace", "error", "A member's own root discovery finds a different workspace root.")


def check(cx: CheckContext):
    return failure_diagnostics(cx, RULE, lambda f: f.code == "member-of-wrong-workspace")
