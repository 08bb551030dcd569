"""CL210: two members have the same package name."""

from ._base import CheckContext, Rule, failure_diagnostics

RULE = Rule("CL210", "duplicate-package-name", "error", "Two members of one workspace have the same package name.")


def check(cx: CheckContext):
    return failure_diagnostics(cx, RULE, lambda f: f.code == "duplicate-package-name")
