"""CL204: `default-members` lists a path that is not a workspace member."""

from ._base import CheckContext, Rule, failure_diagnostics

RULE = Rule("CL204", "default-member-not-member", "error", "A `default-members` entry is not a member of the workspace.")


def check(cx: CheckContext):
    return failure_diagnostics(cx, RULE, lambda f: f.code == "default-member-not-member")
