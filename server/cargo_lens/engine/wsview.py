"""The workspace around one manifest, as navigation, completion and lenses need it.

A ``WorkspaceView`` is made per request. Every fact is computed lazily and at most once: the
inheritance root (cheap: an upward walk, no member discovery) and the full workspace result
(cargo's member discovery, the expensive part) are separate, so a completion that only needs
``[workspace.dependencies]`` never runs member discovery. Everything is read through the
``Context`` (so through its FileSystem overlay of unsaved buffers).

Across requests: a ``Context`` built over a long-lived ``SharedCache`` keeps parsed manifests,
and the workspace results and graphs computed here are kept per ``SharedCache`` and reused by a
later request (even with a fresh ``Context``, as the language server makes one per request)
while everything they read is unchanged: same cache generation (the server bumps it on every
file-system event), disk view, boundary, environment and unsaved buffers, and the same text for
every manifest read. See ``_cross_request``.
"""

from __future__ import annotations

import posixpath
import threading
import weakref
from dataclasses import dataclass
from functools import cached_property

from . import globs
from . import manifest as manifest_mod
from .cursor import entry_span
from .fs import FileSystem, FsError, join, normalize
from .manifest import DependencyDecl, Manifest, value_at
from .toml_doc import Item, Table
from .workspace import MANIFEST, Context, RootConfig, Session, SharedCache, WorkspaceResult, starts_with

Span = tuple[int, int]

__all__ = ["Location", "WorkspaceView", "key_span", "manifest_anchor"]


@dataclass(frozen=True)
class Location:
    """A place in a file: an absolute path and a code-point span in its text."""

    file: str
    span: Span


def key_span(item: Item) -> Span:
    """The span that names an entry: its key, or the last segment of its ``[header]``."""
    if isinstance(item, Table) and item.header_keys:
        return item.header_keys[-1][1]
    if item.key_span is not None:
        return item.key_span
    return item.span


def manifest_anchor(m: Manifest) -> Span:
    """Where to land in a manifest: its ``[package]`` header, else ``[workspace]``, else the start."""
    doc = m.doc
    if doc is not None:
        for key in ("package", "project", "workspace"):
            t = doc.root.get(key)
            if isinstance(t, Table):
                if t.header_span is not None:
                    return t.header_span
                if t.key_span is not None:
                    return t.key_span
    return (0, 0)


class WorkspaceView:
    """Lazily computed facts about the workspace of the manifest at ``path``."""

    def __init__(self, ctx: Context, path: str):
        self.ctx = ctx
        self.path = normalize(path)
        self.m: Manifest = ctx.manifest(self.path)
        self._results: dict = {}  # manifest path -> WorkspaceResult; ("graph", root) -> WorkspaceGraph

    # -- the workspace -----------------------------------------------------------------------

    def result_for(self, manifest_path: str) -> WorkspaceResult:
        """cargo's verdict run at ``manifest_path`` (memoised for this view, and across requests
        while no file it read has changed: see ``_cross_request``)."""
        manifest_path = normalize(manifest_path)
        res = self._results.get(manifest_path)
        if res is None:
            res = _cross_request(self.ctx, ("result", manifest_path), lambda: Session(self.ctx, manifest_path).run())
            self._results[manifest_path] = res
        return res

    @property
    def res(self) -> WorkspaceResult:
        """cargo's verdict for this manifest (the expensive part: member discovery)."""
        return self.result_for(self.path)

    @cached_property
    def inherit_root(self) -> RootConfig | None:
        """The `[workspace]` this manifest inherits from (`workspace = true`), or None."""
        return self.inherit_root_of(self.m)

    def inherit_root_of(self, m: Manifest) -> RootConfig | None:
        try:
            kind, value = Session(self.ctx, m.path)._inheritance_source(m)
        except (Exception, RecursionError):
            return None
        if kind != "root" or value.manifest.doc is None:
            return None
        return value

    # -- files -------------------------------------------------------------------------------

    def manifest(self, path: str) -> Manifest:
        return self.ctx.manifest(path)

    def is_manifest(self, path: str) -> bool:
        return self.ctx.fs.is_file(path)

    def rel(self, path: str, base: str | None = None) -> str:
        rel = posixpath.relpath(normalize(path), base or self.m.dir)
        return "." if rel in ("", ".") else rel

    def anchor(self, manifest_path: str) -> Location:
        return Location(manifest_path, manifest_anchor(self.manifest(manifest_path)))

    def item_location(self, m: Manifest, path: tuple) -> Location | None:
        item = m.doc.lookup(path) if m.doc is not None else None
        if item is None:
            return None
        return Location(m.path, key_span(item))

    # -- dependencies ------------------------------------------------------------------------

    def ws_dependency(self, key: str, m: Manifest | None = None) -> tuple[Manifest, Item] | None:
        """The `[workspace.dependencies]` entry `key` that ``m`` (default: this manifest) inherits."""
        rc = self.inherit_root if m is None or m is self.m else self.inherit_root_of(m)
        if rc is None:
            return None
        item = rc.manifest.doc.lookup(("workspace", "dependencies", key))
        return (rc.manifest, item) if item is not None else None

    def dep_target(self, decl: DependencyDecl, m: Manifest | None = None) -> str | None:
        """The manifest a path dependency points to (`workspace = true` resolved at the root).

        None for registry and git dependencies, and for an inherited entry without `path`.
        """
        m = m or self.m
        spec = value_at(m.data, decl.key_path)
        rel, base = decl.path, m.dir
        if decl.inherited:
            rc = self.inherit_root if m is self.m else self.inherit_root_of(m)
            if rc is None:
                return None
            entry = manifest_mod.workspace_dependency(rc.manifest.data.get("workspace", {}), decl.key)
            if entry is None or "git" in entry:
                return None
            rel = entry.get("path") if isinstance(entry.get("path"), str) else None
            base = rc.root_dir
        if rel is None or decl.has_git or (isinstance(spec, dict) and "git" in spec):
            return None
        return normalize(join(normalize(join(base, rel)), MANIFEST))

    def decl_item(self, m: Manifest, decl: DependencyDecl) -> Item | None:
        return m.doc.lookup(decl.key_path) if m.doc is not None else None

    def decl_location(self, m: Manifest, decl: DependencyDecl) -> Location | None:
        item = self.decl_item(m, decl)
        return Location(m.path, key_span(item)) if item is not None else None

    def decl_entry_span(self, m: Manifest, decl: DependencyDecl) -> Span | None:
        item = self.decl_item(m, decl)
        return entry_span(item) if item is not None else None

    # -- membership --------------------------------------------------------------------------

    def workspace_graph(self, rc: RootConfig) -> "WorkspaceGraph":
        """The manifests of the workspace rooted at ``rc`` and their path dependencies, found the
        way cargo's `find_members` walks (`members` entries, the root, then path dependencies
        inside the root or pointing back to it, minus `exclude`), without loading or checking
        any of them.

        This is what references search: cheap (no load checks, so an edit of the root does not
        re-check every member), kept across requests while no file it read changes, and
        complete even where cargo would stop at a broken member. Use ``res`` when cargo's exact
        verdict matters (membership reasons, errors).
        """
        key = ("graph", rc.manifest.path)
        graph = self._results.get(key)
        if graph is None:
            graph = _cross_request(self.ctx, key, lambda: _walk_graph(self, rc))
            self._results[key] = graph
        return graph

    def explicit_members(self, res: WorkspaceResult) -> dict[str, str]:
        """Member manifests a `members` entry names (glob or literal) -> that entry."""
        out: dict[str, str] = {}
        root = res.packages.get(res.root_manifest) if res.root_manifest else None
        ws = root.manifest.workspace if root is not None else None
        if ws is None:
            return out
        for entry, _ in ws.members or []:
            for d in self.expand(root.manifest.dir, entry)[0]:
                out.setdefault(normalize(join(d, MANIFEST)), entry)
        return out

    def expand(self, root_dir: str, entry: str) -> tuple[list[str], bool]:
        """(directories, literal) for one `members`-style entry, as cargo's `members_paths` does."""
        joined = join(root_dir, entry)
        if not globs.has_glob_chars(entry):
            # no metacharacter: the glob would give the path itself or nothing (the common case,
            # and much cheaper than globbing: reth lists 140 literal members)
            norm = normalize(joined)
            return ([norm], False) if self.ctx.fs.is_dir(norm) else ([joined], True)
        found, err = self.ctx.expand(joined)
        if err is not None:
            return [], False
        if not found:
            return [joined], True
        return [p for p in found if self.ctx.fs.is_dir(p)], False



# -- workspace results across requests ---------------------------------------------------------
#
# The language server makes a fresh Context per request over one long-lived SharedCache, so
# cargo's member discovery (~10 ms on a 150-member workspace) would run again on every request.
# A result is kept per SharedCache and reused while it is provably the same: same generation of
# the SharedCache (the server bumps it on every file-system event), same disk view, boundary and
# environment, same unsaved buffers, and the same text for every manifest the run read.


class _Entry:
    __slots__ = ("res", "key", "env", "overlay", "texts")

    def __init__(self, res, key, env, overlay, texts):
        self.res = res
        self.key = key
        self.env = env
        self.overlay = overlay
        self.texts = texts


_CACHES: "weakref.WeakKeyDictionary[SharedCache, dict[str, _Entry]]" = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()
_MAX_ENTRIES = 64


def _text_or_none(fs: FileSystem, path: str) -> str | None:
    try:
        return fs.read_text(path)
    except FsError:
        return None


def _overlay_of(fs: FileSystem) -> dict[str, str]:
    return {p: _text_or_none(fs, p) for p in fs.overlay_paths()}


def _cache_key(ctx: Context) -> tuple:
    # `_text` is the disk cache a FileSystem shares with its `with_overlay` views: a new disk
    # view (files re-read) must not reuse answers made from the old one.
    return (ctx.shared.generation, id(getattr(ctx.fs, "_text", None)), ctx.fs.boundary, ctx.cargo_home)


def _cross_request(ctx: Context, what: tuple, compute):
    """``compute()``, or the value an earlier request computed while everything it read is unchanged."""
    shared = ctx.shared
    if shared is None:
        return compute()
    key = _cache_key(ctx)
    with _LOCK:
        entries = _CACHES.setdefault(shared, {})
        entry = entries.get(what)
    if entry is not None and entry.key == key and entry.env == ctx.env and entry.overlay == _overlay_of(ctx.fs):
        fs = ctx.fs
        if all(_text_or_none(fs, p) == t for p, t in entry.texts.items()):
            return entry.res
    value = compute()
    # every manifest this context has read (the computation's and any read before it): its text now
    texts = {p: m.text for p, m in list(ctx._manifests.items())}
    with _LOCK:
        if len(entries) >= _MAX_ENTRIES:
            entries.pop(next(iter(entries)))
        entries[what] = _Entry(value, key, dict(ctx.env), _overlay_of(ctx.fs), texts)
    return value


class WorkspaceGraph:
    """Manifests of one workspace and their path-dependency edges (see ``workspace_graph``)."""

    def __init__(self, manifests: list[Manifest], edges: list[tuple[Manifest, DependencyDecl, str]]):
        self.manifests = manifests
        self.edges = edges

    @cached_property
    def by_target(self) -> dict[str, list[tuple[Manifest, DependencyDecl]]]:
        """Dependency manifest -> the declarations that point to it."""
        out: dict[str, list[tuple[Manifest, DependencyDecl]]] = {}
        for m, decl, dst in self.edges:
            out.setdefault(dst, []).append((m, decl))
        return out

    @cached_property
    def inheriting(self) -> dict[str, list[tuple[Manifest, DependencyDecl]]]:
        """`[workspace.dependencies]` key -> the `workspace = true` declarations that use it."""
        out: dict[str, list[tuple[Manifest, DependencyDecl]]] = {}
        for m in self.manifests:
            for decl in m.deps:
                if decl.inherited:
                    out.setdefault(decl.key, []).append((m, decl))
        return out


def _ws_dep_paths(rc: RootConfig) -> dict[str, str | None]:
    """`[workspace.dependencies]` key -> the manifest its `path` names (None: not a path entry)."""
    deps = rc.manifest.data.get("workspace", {}).get("dependencies")
    out: dict[str, str | None] = {}
    if not isinstance(deps, dict):
        return out
    for key in deps:
        entry = manifest_mod.workspace_dependency(rc.manifest.data.get("workspace", {}), key)
        if entry is None or "git" in entry or not isinstance(entry.get("path"), str):
            out[key] = None
        else:
            out[key] = normalize(join(normalize(join(rc.root_dir, entry["path"])), MANIFEST))
    return out


def _walk_graph(view: "WorkspaceView", rc: RootConfig) -> WorkspaceGraph:
    fs = view.ctx.fs
    root_dir = rc.root_dir
    root_path = rc.manifest.path
    inherited = _ws_dep_paths(rc)
    stack: list[str] = [root_path]
    for entry in reversed(rc.members or []):
        if globs.has_glob_chars(entry):
            dirs = view.expand(root_dir, entry)[0]
        else:
            dirs = [normalize(join(root_dir, entry))]
        stack.extend(normalize(join(d, MANIFEST)) for d in reversed(dirs))
    seen: set[str] = set()
    manifests: list[Manifest] = []
    edges: list[tuple[Manifest, DependencyDecl, str]] = []
    while stack:
        p = stack.pop()
        if p in seen:
            continue
        seen.add(p)
        if p != root_path and rc.is_excluded(p):
            continue
        if not fs.is_file(p):
            continue
        m = view.ctx.manifest(p)
        if m.doc is None:
            continue
        manifests.append(m)
        for decl in m.deps:
            if decl.has_git:
                continue
            if decl.inherited:
                dst = inherited.get(decl.key)
            elif decl.path is not None:
                spec = value_at(m.data, decl.key_path)
                if isinstance(spec, dict) and "git" in spec:
                    continue
                dst = normalize(join(normalize(join(m.dir, decl.path)), MANIFEST))
            else:
                continue
            if dst is None:
                continue
            edges.append((m, decl, dst))
            if dst in seen:
                continue
            if not starts_with(posixpath.dirname(dst), root_dir):
                dm = view.ctx.manifest(dst) if fs.is_file(dst) else None
                if dm is None or dm.pointer is None:
                    continue
                if normalize(join(join(dm.dir, dm.pointer), MANIFEST)) != root_path:
                    continue
            stack.append(dst)
    return WorkspaceGraph(manifests, edges)
