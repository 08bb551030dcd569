"""CL102: `workspace = true` inherits something the workspace root does not define."""

from ._base import CheckContext, Rule, diagnostic

RULE = Rule(
    "CL102",
    "inherited-value-missing",
    "error",
    "A `workspace = true` key inherits from a root that lacks the entry, or from no root at all.",
)


def is_inheritance_problem(problem) -> bool:
    return any(line.startswith("error inheriting") for line in problem.lines)


def check(cx: CheckContext):
    from .invalid_manifest import problem_span

    for path in cx.files():
        for problem in cx.problems(path):
            if is_inheritance_problem(problem):
                span = problem_span(cx, path, problem) or (0, 0)
                yield diagnostic(RULE, path, span, "\n".join(problem.lines))
