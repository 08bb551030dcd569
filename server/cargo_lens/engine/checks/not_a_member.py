"""CL206: the package lies under a workspace root that does not include it."""

from ._base import CheckContext, Rule, failure_diagnostics, rel_dir, text_of

RULE = Rule(
    "CL206",
    "not-a-member",
    "error",
    "The package sits under a workspace root that does not list it: \"believes it's in a workspace when it's not\".",
)


def _fixes(cx: CheckContext, failure) -> list:
    from .. import fixes  # tomlkit: loaded only when a fix is asked for

    root, current = failure.facts["root"], failure.facts["current"]
    rel = rel_dir(current, root)
    return [
        fixes.fix_add_member(root, text_of(cx, root), rel, preferred=True),
        fixes.fix_exclude(root, text_of(cx, root), rel),
        fixes.fix_empty_workspace(current, text_of(cx, current)),
    ]


def check(cx: CheckContext):
    return failure_diagnostics(cx, RULE, lambda f: f.code == "not-a-member", fixes=_fixes)
