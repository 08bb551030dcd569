"""CL101: a manifest's own content makes cargo refuse to load it (names, versions, targets, ...)."""

from ._base import CheckContext, Rule, diagnostic
from .inherited_missing import is_inheritance_problem

RULE = Rule(
    "CL101",
    "invalid-manifest",
    "error",
    "Cargo fails to load this manifest: a bad name, version, edition, target, dependency or feature.",
)


def problem_span(cx: CheckContext, path: str, problem):
    m = cx.ctx.manifest(path)
    return m.span(tuple(problem.key_path), problem.at) if problem.key_path else None


def check(cx: CheckContext):
    for path in cx.files():
        for problem in cx.problems(path):
            if is_inheritance_problem(problem):
                continue
            span = problem_span(cx, path, problem) or (0, 0)
            message = "\n".join(problem.lines)
            yield diagnostic(RULE, path, span, message)
