"""What every rule shares: the rule record, the check context, and failure placement."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

from ..diagnostics import Diagnostic, Related
from ..workspace import CargoFailure, Context, Origin, Session, WorkspaceResult


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: str
    summary: str  # one line, shown in the README table and `cargo-lens rules`


@dataclass
class CheckContext:
    """The inputs of one check run: a file view, the manifests asked about, the target to
    evaluate `cfg` for, and per-rule severity overrides ("off" disables a rule)."""

    ctx: Context
    manifests: list[str]
    host: object = None  # cfg.TargetCfg
    severity: dict[str, str] = field(default_factory=dict)
    _results: dict[str, WorkspaceResult] = field(default_factory=dict)
    files_only_asked: bool = False  # files(): the asked manifests only, not their workspaces'
    _files: list[str] | None = None
    _problems: dict[str, list] = field(default_factory=dict)

    def result(self, manifest: str) -> WorkspaceResult:
        res = self._results.get(manifest)
        if res is None:
            res = Session(self.ctx, manifest).run()
            self._results[manifest] = res
        return res

    def results(self) -> list[WorkspaceResult]:
        return [self.result(m) for m in self.manifests]

    def root_results(self) -> list[WorkspaceResult]:
        """One successful result per workspace root reached from the checked manifests."""
        roots: dict[str, WorkspaceResult] = {}
        for res in self.results():
            root = res.root_manifest
            if res.error is None and root is not None and root not in roots:
                roots[root] = self.result(root)
        return [r for r in roots.values() if r.error is None]

    def files(self) -> list[str]:
        """The checked manifests and the manifests of their workspaces (computed once)."""
        if self._files is None:
            seen = dict.fromkeys(self.manifests)
            for res in self.results():
                if not self.files_only_asked:
                    for p in res.packages:
                        seen.setdefault(p)
            self._files = list(seen)
        return self._files

    def failures(self) -> list[CargoFailure]:
        """Every distinct error cargo would report for the checked manifests."""
        out: dict[tuple, CargoFailure] = {}
        for res in self.results():
            if res.error is not None:
                out.setdefault((res.error.key, res.error.code), res.error)
        return list(out.values())

    def problems(self, path: str) -> list:
        """Every load problem of one manifest (not only the first, which cargo prints)."""
        found = self._problems.get(path)
        if found is None:  # two rules ask for each file; resolving inheritance walks up dirs
            found = self._problems[path] = self.ctx.load_problems(path)
        return found

    def readable(self, path: str) -> bool:
        m = self.ctx.manifest(path)
        return m.read_error is None

    def span(self, origin: Origin) -> tuple[int, int]:
        if origin.span is not None:
            return origin.span
        m = self.ctx.manifest(origin.manifest)
        span = m.span(origin.key_path, origin.at) if origin.key_path else None
        return span or (0, 0)

    def place(self, failure: CargoFailure, outermost: bool = False) -> tuple[str, tuple[int, int]] | None:
        """The readable file and range that best show a failure (innermost cause first)."""
        origins = list(reversed(failure.origins)) if outermost else failure.origins
        for o in origins:
            if self.readable(o.manifest):
                return o.manifest, self.span(o)
        return None


def diagnostic(rule: Rule, file: str, span, message: str, **kw) -> Diagnostic:
    return Diagnostic(file, span, rule.severity, rule.code, message, name=rule.name, **kw)


def failure_diagnostics(
    cx: CheckContext,
    rule: Rule,
    match: Callable[[CargoFailure], bool],
    *,
    outermost: bool = False,
    message: Callable[[CargoFailure], str] | None = None,
    fixes: Callable[[CheckContext, CargoFailure], list] | None = None,
) -> Iterator[Diagnostic]:
    """Diagnostics for the failures a rule owns, one per distinct place."""
    for failure in cx.failures():
        if not match(failure):
            continue
        where = cx.place(failure, outermost)
        if where is None:
            continue
        related = [
            Related(o.manifest, cx.span(o), "involved here")
            for o in failure.origins
            if o.manifest != where[0] and cx.readable(o.manifest)
        ]
        text = message(failure) if message else failure.text()
        factory = (lambda f=failure: fixes(cx, f)) if fixes else None
        yield diagnostic(rule, where[0], where[1], text, related=related, fix_factory=factory)


def wrapped_by(failure: CargoFailure, prefix: str) -> bool:
    return bool(failure.chain) and failure.chain[0].startswith(prefix)


def text_of(cx: CheckContext, path: str) -> str:
    return cx.ctx.manifest(path).text or ""


def rel_dir(manifest: str, root_manifest: str) -> str:
    """A package's directory relative to the root's, as `members`/`exclude` entries are written."""
    return posixpath.relpath(posixpath.dirname(manifest), posixpath.dirname(root_manifest))




def dedupe(diags: Iterable[Diagnostic]) -> list[Diagnostic]:
    seen = set()
    out = []
    for d in diags:
        key = (d.file, d.span, d.code, d.message)
        if key not in seen:
            seen.add(key)
            out.append(d)
    return out
