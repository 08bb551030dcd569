"""CL202: a `members` / `default-members` entry is not a valid glob pattern."""

from ._base import CheckContext, Rule, failure_diagnostics

RULE = Rule("CL202", "member-glob-invalid", "error", "A `members` or `default-members` entry is not a valid glob pattern.")


def check(cx: CheckContext):
    return failure_diagnostics(cx, RULE, lambda f: f.code in ("member-glob-invalid", "member-glob-too-large"))
