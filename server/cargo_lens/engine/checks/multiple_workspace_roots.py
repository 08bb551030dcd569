"""CL207: a member has its own `[workspace]` table."""

from ._base import CheckContext, Rule, failure_diagnostics

RULE = Rule("CL207", "multiple-workspace-roots", "error", "A member of the workspace has its own `[workspace]` table.")


def check(cx: CheckContext):
    return failure_diagnostics(cx, RULE, lambda f: f.code == "multiple-workspace-roots")
