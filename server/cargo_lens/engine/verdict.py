"""Cargo's verdict for every manifest under a directory, in the corpus `expected.json` shape.

The directory is the boundary of the world: nothing above it is read, as if it were the file
system's root (`cargo-lens workspaces DIR`).
"""

from __future__ import annotations

import os
import posixpath

from .fs import FileSystem, normalize
from .workspace import MANIFEST, Context, WorkspaceResult, analyze

SKIP_DIRS = frozenset({".git", ".hg", ".svn"})


def find_manifests(root_dir: str, fs: FileSystem | None = None) -> list[str]:
    """Every `Cargo.toml` below ``root_dir`` (directory symlinks are not followed), sorted."""
    found = []
    for dirpath, dirnames, filenames in os.walk(root_dir):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        if MANIFEST in filenames:
            found.append(normalize(posixpath.join(dirpath, MANIFEST)))
    if fs is not None:
        # Unsaved editor buffers can hold manifests that are not on disk yet.
        found.extend(p for p in fs.overlay_paths() if p.endswith("/" + MANIFEST) and p not in found)
    return sorted(found)


class _Rel:
    def __init__(self, root_dir: str):
        self.root = normalize(os.path.abspath(root_dir))

    def path(self, p: str) -> str:
        if p == self.root:
            return "."
        prefix = self.root.rstrip("/") + "/"
        return p[len(prefix):] if p.startswith(prefix) else posixpath.relpath(p, self.root)

    def text(self, s: str | None) -> str | None:
        return None if s is None else s.replace(self.root, "$ROOT")


def _result_dict(res: WorkspaceResult, rel: _Rel) -> dict:
    if res.error is not None:
        return {
            "workspace_root": None,
            "members": [],
            "default_members": [],
            "error": rel.text(res.error.first_line),
            "error_cause": rel.text(res.error.innermost),
        }
    packages = res.packages
    return {
        "workspace_root": rel.path(res.workspace_root),
        "members": sorted(rel.path(m) for m in res.members if not packages[m].is_virtual),
        "default_members": sorted(rel.path(m) for m in res.default_members if not packages[m].is_virtual),
        "error": None,
        "error_cause": None,
    }


def manifest_verdict(root_dir: str, manifest: str, *, ctx: Context | None = None) -> dict:
    """The verdict for one manifest (path relative to ``root_dir``)."""
    rel = _Rel(root_dir)
    if ctx is None:
        ctx = Context(FileSystem(boundary=rel.root), plain=True)  # a verdict shows no positions
    res = analyze(ctx, posixpath.join(rel.root, manifest))
    return _result_dict(res, rel)


def workspaces_verdict(root_dir: str, *, ctx: Context | None = None) -> dict:
    rel = _Rel(root_dir)
    if ctx is None:
        ctx = Context(FileSystem(boundary=rel.root), plain=True)  # a verdict shows no positions
    roots: dict[str, dict] = {}
    packages: dict[str, dict] = {}
    for path in find_manifests(rel.root):
        m = ctx.manifest(path)
        res = analyze(ctx, path)
        verdict = _result_dict(res, rel)
        key = rel.path(path)
        is_root = m.workspace is not None
        if is_root:
            roots[key] = verdict
        if m.has_package or not is_root:
            packages[key] = {
                "root": None if verdict["error"] else normalize(posixpath.join(verdict["workspace_root"], MANIFEST)),
                "error": verdict["error"],
                "error_cause": verdict["error_cause"],
            }
    return {"roots": roots, "packages": packages}
