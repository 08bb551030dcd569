"""CL102: `workspace = true` inherits something the workspace root does not define."""

import posixpath
import re

from ..manifest import value_at
from ..workspace import Session, _Lookup
from ._base import CheckContext, Rule, diagnostic, text_of

_DEP = re.compile(r"error inheriting `([^`]+)` from workspace root manifest's `workspace\.dependencies\.")

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
                m = _DEP.match(problem.lines[0])
                factory = (lambda path=path, name=m.group(1): _fixes(cx, path, name)) if m else None
                yield diagnostic(RULE, path, span, "\n".join(problem.lines), fix_factory=factory)


def _fixes(cx: CheckContext, path: str, name: str) -> list:
    """Add the missing `[workspace.dependencies]` entry, when we can tell what it should be:
    a workspace package of that name (a path), or the version another member asks for."""
    from .. import fixes  # tomlkit: loaded only when a fix is asked for

    m = cx.ctx.manifest(path)
    kind, cfg = _Lookup(Session(cx.ctx, path), m).resolve()
    if kind != "root":
        return []
    root = cfg.manifest.path
    res = cx.result(root)
    spec = None
    # Look through what the `members` entries name, not the loaded member list: that list stops
    # at the first member that fails to load, which may be the very manifest being fixed.
    candidates = [cfg.manifest.path]
    for entry in cfg.members or []:
        found, err = cx.ctx.expand(posixpath.join(cfg.root_dir, entry))
        candidates.extend(posixpath.join(d, "Cargo.toml") for d in found if err is None)
    candidates.extend(res.members)
    for member in candidates:
        if cx.ctx.fs.is_file(member) and cx.ctx.manifest(member).name == name:
            spec = {"path": posixpath.relpath(posixpath.dirname(member), cfg.root_dir)}
            break
    if spec is None:
        for member in res.members:
            for decl in cx.ctx.manifest(member).deps:
                value = value_at(cx.ctx.manifest(member).data, decl.key_path)
                if decl.package == name and not decl.inherited and isinstance(value, (str, dict)):
                    version = value if isinstance(value, str) else value.get("version")
                    if isinstance(version, str):
                        spec = {"version": version}
                        break
            if spec:
                break
    if spec is None:
        return []
    return [fixes.fix_workspace_dependency(root, text_of(cx, root), name, spec, preferred=True)]

