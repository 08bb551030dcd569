"""Navigation in `Cargo.toml` (issue 5 §2–4): go to definition, find references, document links.

* ``definition(ctx, path, offset)``: from
  - a dependency's `workspace = true` (its key, its `workspace` key or value) → the
    `[workspace.dependencies]` entry it inherits (and, on the name of an inherited path
    dependency, also that package's manifest);
  - a path dependency (its name or its `path`), or a `[workspace.dependencies]` entry with a
    `path` → that package's manifest;
  - a `workspace.members` / `default-members` entry → every manifest it matches; an `exclude`
    entry → every package manifest at or below that prefix;
  - `package.workspace` → the root manifest's `[workspace]`;
  - `version.workspace = true` (any `[package]` key) → the root's `[workspace.package]` key;
    `[lints] workspace = true` → `[workspace.lints]`;
  - the `[package]` header or `package.name` of a member → why it is a member: for an implicit
    member the dependency declarations that pull it in (the reason chain first, then any other
    member's path dependency on it); for a listed member its `members` entry.
* ``references(ctx, path, offset, include_declaration=True)``: from
  - `package.name` (or the `[package]` header) → every manifest of the workspace that depends on
    this package (by `path`, or through `workspace = true` of an entry whose `path` is this
    package), and the root's `[workspace.dependencies]` entries that point to it;
  - the name of a path dependency → the same, for the package it points to;
  - a `[workspace.dependencies]` entry (or a member's inherited dependency) → every
    `x.workspace = true` that inherits it.
* ``document_links(ctx, path)``: dependency and `[workspace.dependencies]` `path`s (to the
  package's manifest), `readme`, `license-file`, `build`, `package.workspace`, target `path`s and
  `members` / `default-members` entries that match one directory; only to files that exist, and
  never a registry URL.

All answers are ``Location(file, span)`` lists (absolute paths, code-point spans), read through
``ctx`` so unsaved buffers count. Never raises: bad input gives ``[]``. The other features live
in ``completion`` (completion), ``lenses`` (inlay hints, code lens) and ``outline`` (symbols,
folding); they are re-exported here.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from .completion import CompletionItem, complete
from .cursor import Hit, item_at
from .fs import join, normalize
from .lenses import CodeLens, InlayHint, code_lenses, inlay_hints
from .manifest import DependencyDecl, Manifest
from .membership import member_edges
from .outline import DocumentSymbol, FoldingRange, document_symbols, folding_ranges
from .toml_doc import Scalar, Table
from .workspace import MANIFEST, Context
from .wsview import Location, WorkspaceView, key_span

Span = tuple[int, int]

__all__ = [
    "Location",
    "DocumentLink",
    "definition",
    "references",
    "document_links",
    # re-exported
    "CompletionItem",
    "complete",
    "InlayHint",
    "inlay_hints",
    "CodeLens",
    "code_lenses",
    "DocumentSymbol",
    "document_symbols",
    "FoldingRange",
    "folding_ranges",
]

_MAX_LOCATIONS = 500
_PACKAGE = ("package", "project")
_TARGET_TABLES = ("lib", "bin", "example", "test", "bench")


@dataclass(frozen=True)
class DocumentLink:
    """A clickable path: ``span`` (the string's content) opens ``target`` (an existing file)."""

    span: Span
    target: str
    tooltip: str = ""


def _setup(ctx: Context, path: str, offset: int) -> tuple[WorkspaceView, Hit] | None:
    if not path or not isinstance(offset, int) or offset < 0:
        return None
    path = normalize(path)
    if posixpath.basename(path) != MANIFEST:
        return None
    view = WorkspaceView(ctx, path)
    if view.m.doc is None or view.m.text is None or offset > len(view.m.text):
        return None
    hit = item_at(view.m.doc, offset)
    if hit is None:
        return None
    return view, hit


def _decl_at(m: Manifest, path: tuple) -> tuple[DependencyDecl, tuple] | None:
    """The dependency a key path is inside of, and the rest of the path below it."""
    for decl in m.deps:
        kp = decl.key_path
        if path[: len(kp)] == kp:
            return decl, path[len(kp) :]
    return None


def _dedupe(locs: list[Location]) -> list[Location]:
    seen: set = set()
    out = []
    for loc in locs:
        if loc is not None and loc not in seen:
            seen.add(loc)
            out.append(loc)
    return out[:_MAX_LOCATIONS]


# -- definition --------------------------------------------------------------------------------


def definition(ctx: Context, path: str, offset: int) -> list[Location]:
    """Where the thing at ``offset`` is defined (see the module docstring). Never raises."""
    try:
        found = _setup(ctx, path, offset)
        if found is None:
            return []
        return _dedupe(_definition(*found))
    except (Exception, RecursionError):
        return []


def _definition(view: WorkspaceView, hit: Hit) -> list[Location]:
    m = view.m
    p = hit.path
    found = _decl_at(m, p)
    if found is not None:
        decl, rest = found
        return _dep_definition(view, decl, rest)
    if len(p) >= 3 and p[:2] == ("workspace", "dependencies") and p[3:] in ((), ("path",)):
        item = m.doc.lookup(p[:3])
        target = _ws_entry_target(view, m, item)
        return [view.anchor(target)] if target else []
    if len(p) == 3 and p[0] == "workspace" and p[1] in ("members", "default-members", "exclude") and hit.part == "value":
        if isinstance(hit.item, Scalar) and isinstance(hit.item.value, str):
            return _entry_matches(view, p[1], hit.item.value)
        return []
    if len(p) >= 1 and p[0] in _PACKAGE:
        if len(p) == 2 and p[1] == "workspace" and isinstance(hit.item, Scalar):
            return _pointer_target(view)
        if len(p) >= 2 and _inherits_key(m, p[:2]):
            if p[2:] in ((), ("workspace",)):
                return _workspace_package_key(view, p[1])
        if p == (p[0],) or (p[1:] == ("name",)):
            return _why_member(view)
        return []
    if p[:1] == ("lints",) and p[1:] in ((), ("workspace",)):
        lints = m.doc.lookup(("lints", "workspace"))
        if isinstance(lints, Scalar) and lints.value is True:
            rc = view.inherit_root
            if rc is not None:
                loc = view.item_location(rc.manifest, ("workspace", "lints"))
                return [loc] if loc else []
    return []


def _inherits_key(m: Manifest, path: tuple) -> bool:
    item = m.doc.lookup(path)
    return isinstance(item, Table) and isinstance(item.get("workspace"), Scalar) and item.get("workspace").value is True


def _dep_definition(view: WorkspaceView, decl: DependencyDecl, rest: tuple) -> list[Location]:
    out: list[Location] = []
    if decl.inherited and rest in ((), ("workspace",)):
        found = view.ws_dependency(decl.key)
        if found is not None:
            root_m, item = found
            out.append(Location(root_m.path, key_span(item)))
        if rest == ():
            target = view.dep_target(decl)
            if target and view.is_manifest(target):
                out.append(view.anchor(target))
        return out
    if rest in ((), ("path",)) and not decl.inherited:
        target = view.dep_target(decl)
        if target and view.is_manifest(target):
            out.append(view.anchor(target))
    return out


def _ws_entry_target(view: WorkspaceView, root_m: Manifest, item) -> str | None:
    if not isinstance(item, Table) or "git" in item:
        return None
    p = item.get("path")
    if not isinstance(p, Scalar) or not isinstance(p.value, str):
        return None
    target = normalize(join(normalize(join(root_m.dir, p.value)), MANIFEST))
    return target if view.is_manifest(target) else None


def _entry_matches(view: WorkspaceView, key: str, entry: str) -> list[Location]:
    root_dir = view.m.dir
    fs = view.ctx.fs
    if key == "exclude":
        return [view.anchor(p) for p in _manifests_below(view, normalize(join(root_dir, entry)))]
    dirs, _literal = view.expand(root_dir, entry)
    out = []
    for d in dirs:
        man = normalize(join(d, MANIFEST))
        if fs.is_file(man):
            out.append(view.anchor(man))
    return out


def _manifests_below(view: WorkspaceView, prefix: str, max_depth: int = 4, max_dirs: int = 2000) -> list[str]:
    """Package manifests at or below a directory (breadth first, bounded; skips `target`, dot dirs)."""
    fs = view.ctx.fs
    out: list[str] = []
    queue = [(prefix, 0)]
    seen = 0
    while queue and seen < max_dirs:
        d, depth = queue.pop(0)
        seen += 1
        if not fs.is_dir(d):
            continue
        man = join(d, MANIFEST)
        if fs.is_file(man):
            out.append(man)
        if depth >= max_depth:
            continue
        for name in fs.list_dir(d):
            if name.startswith(".") or name == "target":
                continue
            child = join(d, name)
            if fs.is_dir(child):
                queue.append((child, depth + 1))
    return out


def _pointer_target(view: WorkspaceView) -> list[Location]:
    m = view.m
    if m.pointer is None:
        return []
    root = normalize(join(join(m.dir, m.pointer), MANIFEST))
    if not view.is_manifest(root):
        return []
    rm = view.manifest(root)
    if rm.doc is not None:
        ws = rm.doc.root.get("workspace")
        if isinstance(ws, Table):
            return [Location(root, ws.header_span or key_span(ws))]
    return [Location(root, (0, 0))]


def _workspace_package_key(view: WorkspaceView, key: str) -> list[Location]:
    rc = view.inherit_root
    if rc is None:
        return []
    loc = view.item_location(rc.manifest, ("workspace", "package", key))
    return [loc] if loc else []


def _why_member(view: WorkspaceView) -> list[Location]:
    """Where the membership of this package comes from: the dependency chain or the members entry."""
    if not view.m.has_package:
        return []
    res = view.res
    me = view.path
    reason = res.reasons.get(me)
    if reason is None or res.root_manifest is None:
        return []
    explicit = view.explicit_members(res)
    out: list[Location] = []
    if me in explicit or reason.kind == "members":
        entry = explicit.get(me, reason.entry)
        rm = view.manifest(res.root_manifest)
        for value, item in (rm.workspace.members or []) if rm.workspace else []:
            if value == entry:
                out.append(Location(rm.path, item.span))
        return out
    if reason.kind != "path-dep":
        return []
    cur, seen = me, set()
    while cur not in seen and cur in res.reasons and res.reasons[cur].kind == "path-dep":
        seen.add(cur)
        r = res.reasons[cur]
        out.append(view.decl_location(view.manifest(r.via), r.dep))
        if r.via in explicit:
            break
        cur = r.via
    for e in member_edges(res):
        if e.dst == me:
            out.append(view.decl_location(view.manifest(e.src), e.decl))
    return out


# -- references --------------------------------------------------------------------------------


def references(ctx: Context, path: str, offset: int, include_declaration: bool = True) -> list[Location]:
    """Every place that refers to the package or entry at ``offset``. Never raises."""
    try:
        found = _setup(ctx, path, offset)
        if found is None:
            return []
        return _dedupe(_references(*found, include_declaration))
    except (Exception, RecursionError):
        return []


def _references(view: WorkspaceView, hit: Hit, include_declaration: bool) -> list[Location]:
    m = view.m
    p = hit.path
    if len(p) == 3 and p[:2] == ("workspace", "dependencies") and hit.part in ("key", "header"):
        return _inheritors(view, m, p[2], include_declaration)
    if p[:1] in (("package",), ("project",)) and (p[1:] == ("name",) or (len(p) == 1 and hit.part == "header")):
        return _dependents(view, view.path, include_declaration)
    found = _decl_at(m, p)
    if found is not None and hit.part in ("key", "header"):
        decl, rest = found
        if rest != ():
            return []
        if decl.inherited:
            rc = view.inherit_root
            if rc is None:
                return []
            return _inheritors(view, rc.manifest, decl.key, include_declaration)
        target = view.dep_target(decl)
        if target and view.is_manifest(target):
            return _dependents(view, target, include_declaration)
    return []


def _dependents(view: WorkspaceView, target: str, include_declaration: bool) -> list[Location]:
    out: list[Location] = []
    tm = view.manifest(target)
    if include_declaration and tm.doc is not None:
        name = tm.doc.lookup(("package", "name")) or tm.doc.lookup(("project", "name"))
        if name is not None:
            out.append(Location(target, name.span))
    rc = view.inherit_root if target == view.path else view.inherit_root_of(tm)
    if rc is None:
        return out
    for m, decl in view.workspace_graph(rc).by_target.get(target, ()):
        out.append(view.decl_location(m, decl))
    wdeps = rc.manifest.doc.lookup(("workspace", "dependencies"))
    if isinstance(wdeps, Table):
        for key, item in wdeps.entries.items():
            if _ws_entry_target(view, rc.manifest, item) == target:
                out.append(Location(rc.manifest.path, key_span(item)))
    return out


def _inheritors(view: WorkspaceView, root_m: Manifest, key: str, include_declaration: bool) -> list[Location]:
    out: list[Location] = []
    if include_declaration:
        loc = view.item_location(root_m, ("workspace", "dependencies", key))
        if loc is not None:
            out.append(loc)
    if root_m.workspace is None:
        return out
    rc = view.ctx.root_config(root_m)
    for m, decl in view.workspace_graph(rc).inheriting.get(key, ()):
        out.append(view.decl_location(m, decl))
    return out


# -- document links ----------------------------------------------------------------------------


def document_links(ctx: Context, path: str) -> list[DocumentLink]:
    """Clickable file paths in the manifest at ``path``. Never raises."""
    try:
        if not path:
            return []
        path = normalize(path)
        if posixpath.basename(path) != MANIFEST:
            return []
        view = WorkspaceView(ctx, path)
        if view.m.doc is None:
            return []
        return _links(view)
    except (Exception, RecursionError):
        return []


def _content_span(text: str, item: Scalar) -> Span:
    s, e = item.span
    q = 3 if text.startswith(('"""', "'''"), s) else 1 if text[s : s + 1] in ('"', "'") else 0
    return (s + q, max(s + q, e - q))


def _links(view: WorkspaceView) -> list[DocumentLink]:
    m = view.m
    doc = m.doc
    fs = view.ctx.fs
    text = m.text or ""
    out: list[DocumentLink] = []

    def link(item, target: str | None, tooltip: str) -> None:
        if isinstance(item, Scalar) and isinstance(item.value, str) and target and fs.is_file(target):
            out.append(DocumentLink(_content_span(text, item), target, tooltip))

    for decl in m.deps:
        if decl.inherited or decl.path is None or decl.has_git:
            continue
        item = doc.lookup(decl.key_path + ("path",))
        link(item, view.dep_target(decl), f"the manifest of path dependency `{decl.key}`")
    wdeps = doc.lookup(("workspace", "dependencies"))
    if isinstance(wdeps, Table):
        for key, item in wdeps.entries.items():
            if isinstance(item, Table):
                link(item.get("path"), _ws_entry_target(view, m, item), f"the manifest of `{key}`")
    for table_path in (("package",), ("project",), ("workspace", "package")):
        t = doc.lookup(table_path)
        if not isinstance(t, Table):
            continue
        for key in ("readme", "license-file", "build"):
            it = t.get(key)
            if isinstance(it, Scalar) and isinstance(it.value, str):
                link(it, normalize(join(m.dir, it.value)), key)
        if table_path[0] != "workspace":
            it = t.get("workspace")
            if isinstance(it, Scalar) and isinstance(it.value, str):
                link(it, normalize(join(join(m.dir, it.value), MANIFEST)), "the workspace root")
    for name in _TARGET_TABLES:
        node = doc.root.get(name)
        tables = [node] if isinstance(node, Table) else list(getattr(node, "tables", []) or [])
        for t in tables:
            if isinstance(t, Table):
                it = t.get("path")
                if isinstance(it, Scalar) and isinstance(it.value, str):
                    link(it, normalize(join(m.dir, it.value)), f"the `{name}` target's source")
    ws = m.workspace
    if ws is not None:
        for key, entries in (("members", ws.members or []), ("default-members", ws.default_members or [])):
            for entry, item in entries:
                dirs, _literal = view.expand(m.dir, entry)
                if len(dirs) == 1:
                    link(item, normalize(join(dirs[0], MANIFEST)), f"the manifest `{key}` entry `{entry}` names")
    out.sort(key=lambda dl: dl.span)
    return out
