"""CL206: the package lies under a workspace root that does not include it."""

from ._base import CheckContext, Rule, failure_diagnostics

RULE = Rule(
    "CL206",
    "not-a-member",
    "error",
    "The package sits under a workspace root that does not list it: \"believes it's in a workspace when it's not\".",
)


def check(cx: CheckContext):
    return failure_diagnostics(cx, RULE, lambda f: f.code == "not-a-member")
