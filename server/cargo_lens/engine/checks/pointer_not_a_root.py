"""CL211: `package.workspace` points to a manifest without `[workspace]`."""

from ._base import CheckContext, Rule, failure_diagnostics

RULE = Rule("CL211", "pointer-not-a-root", "error", "`package.workspace` points to a manifest that has no `[workspace]` table.")


def check(cx: CheckContext):
    return failure_diagnostics(cx, RULE, lambda f: f.code == "pointer-not-a-root")
