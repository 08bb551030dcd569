"""One analysis run over a view of the open buffers, as the server publishes it (no pygls here:
the start-up path runs it before pygls is loaded)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..engine.analysis import Options, run_checks
from ..engine.diagnostics import Diagnostic
from ..engine.fs import FileSystem
from ..engine.text import LineIndex
from ..engine.workspace import Context, SharedCache


@dataclass
class Snapshot:
    """One analysis run's output: diagnostics per file, and the texts they index into."""

    generation: int
    diagnostics: dict[str, list[Diagnostic]]
    texts: dict[str, str]
    versions: dict[str, int | None]  # open documents' versions the run saw
    ctx: Context | None = None
    _indexes: dict[str, LineIndex] = field(default_factory=dict)

    def index(self, path: str) -> LineIndex:
        idx = self._indexes.get(path)
        if idx is None:
            text = self.texts.get(path)
            if text is None and self.ctx is not None:  # e.g. a root manifest a fix edits
                text = self.ctx.manifest(path).text
            idx = LineIndex(text or "")
            self._indexes[path] = idx
        return idx


def analyse(generation: int, disk: FileSystem, shared: SharedCache, overlay: dict[str, str],
            versions: dict[str, int | None], manifests: list[str], options: Options,
            per_file_only: bool = False) -> Snapshot:
    """Every diagnostic of ``manifests`` and their workspaces, grouped per file; each of
    ``manifests`` gets an entry even when it has nothing to report (so it is cleared).
    ``per_file_only``: see analysis.run_checks."""
    ctx = Context(disk.with_overlay(overlay), env=_environment(), shared=shared)
    by_file: dict[str, list[Diagnostic]] = {m: [] for m in manifests}
    for d in run_checks(ctx, manifests, options, per_file_only=per_file_only):
        by_file.setdefault(d.file, []).append(d)
    texts = {f: ctx.manifest(f).text or "" for f in by_file}
    return Snapshot(generation, by_file, texts, versions, ctx)


_ENV: dict[str, str] | None = None


def _environment() -> dict[str, str]:
    """The server's environment (CARGO_HOME, HOME), read once: copying os.environ on every
    keystroke is a measurable part of a small workspace's analysis."""
    global _ENV
    if _ENV is None:
        import os

        _ENV = dict(os.environ)
    return _ENV


def is_manifest(path: str) -> bool:
    return path.endswith("/Cargo.toml")
