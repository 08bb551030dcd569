"""One Cargo.toml read into the facts the workspace engine needs, with source ranges.

Everything here depends only on the file's own text, so a ``Manifest`` is cached by text and
shared by every analysis; what depends on other files (the workspace root, inheritance) is the
workspace engine's business.
"""

from __future__ import annotations

import posixpath

from . import toml_doc
from .fs import FileSystem, FsError, normalize
from .record import Record
from .toml_doc import Array, Item, Scalar, Table, TomlDocument

TYPE_CHECKING = False  # typing is not imported at run time (start-up cost)
if TYPE_CHECKING:
    from typing import Any

# Dependency tables in the order cargo gathers them (`to_real_manifest`): each table's entries
# are visited in name order (a BTreeMap), targets in key order, and within a target normal,
# build, then dev dependencies.
DEP_KINDS = (
    ("normal", ("dependencies",)),
    ("dev", ("dev-dependencies", "dev_dependencies")),
    ("build", ("build-dependencies", "build_dependencies")),
)
TARGET_DEP_KINDS = (
    ("normal", ("dependencies",)),
    ("build", ("build-dependencies", "build_dependencies")),
    ("dev", ("dev-dependencies", "dev_dependencies")),
)


class DependencyDecl(Record):
    """One dependency entry as written (immutable)."""

    __slots__ = ("key", "package", "kind", "table_path", "platform", "path", "inherited", "has_git")

    def __init__(self, key: str, package: str, kind: str, table_path: tuple, platform: str | None,
                 path: str | None, inherited: bool, has_git: bool):
        self.key = key  # the name in the table
        self.package = package  # `package = "…"` rename, else the key
        self.kind = kind  # normal | dev | build
        self.table_path = table_path  # e.g. ("target", "cfg(any())", "dependencies")
        self.platform = platform  # the `[target.<platform>]` key, if any
        self.path = path  # `path = "…"` as written
        self.inherited = inherited  # `workspace = true`
        self.has_git = has_git

    def renamed(self, package: str) -> "DependencyDecl":
        return DependencyDecl(self.key, package, self.kind, self.table_path, self.platform, self.path,
                              self.inherited, self.has_git)

    @property
    def key_path(self) -> tuple:
        return self.table_path + (self.key,)

    @property
    def table_display(self) -> str:
        if self.platform is None:
            return f"[{self.table_path[0]}]"
        quoted = self.platform if _is_bare(self.platform) else f"'{self.platform}'"
        return f"[target.{quoted}.{self.table_path[-1]}]"


class WorkspaceDecl(Record):
    """The `[workspace]` table's membership keys, raw."""

    __slots__ = ("members", "exclude", "default_members", "table")
    __hash__ = None  # type: ignore[assignment]  # mutable

    def __init__(
        self,
        members: list[tuple[str, Item]] | None,
        exclude: list[tuple[str, Item]],
        default_members: list[tuple[str, Item]] | None,
        table: Table,
    ):
        self.members = members
        self.exclude = exclude
        self.default_members = default_members
        self.table = table


class Manifest:
    # A plain class rather than a dataclass (see record.py); equality and repr as the
    # dataclass had them: every field but problem_cache.
    _FIELDS = ("path", "dir", "text", "read_error", "doc", "data", "has_package", "workspace", "pointer", "name", "deps", "inherits")
    __hash__ = None  # type: ignore[assignment]  # mutable

    def __init__(
        self,
        path: str,
        dir: str,
        text: str | None,
        read_error: str | None = None,
        doc: TomlDocument | None = None,
        data: dict | None = None,
        has_package: bool = False,
        workspace: WorkspaceDecl | None = None,
        pointer: str | None = None,
        name: str | None = None,
        deps: list[DependencyDecl] | None = None,
        inherits: bool = False,
        problem_cache: dict | None = None,
    ):
        self.path = path
        self.dir = dir
        self.text = text
        self.read_error = read_error
        self.doc = doc
        self.data = {} if data is None else data
        self.has_package = has_package
        self.workspace = workspace
        self.pointer = pointer  # package.workspace
        self.name = name
        self.deps = [] if deps is None else deps
        self.inherits = inherits  # uses `workspace = true` somewhere
        self.problem_cache = {} if problem_cache is None else problem_cache  # see SharedCache

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return tuple(getattr(self, f) for f in self._FIELDS) == tuple(getattr(other, f) for f in self._FIELDS)

    def __repr__(self) -> str:
        return f"Manifest({', '.join(f'{f}={getattr(self, f)!r}' for f in self._FIELDS)})"

    @property
    def syntax_errors(self) -> list:
        return self.doc.errors if self.doc else []

    @property
    def is_virtual(self) -> bool:
        return self.workspace is not None and not self.has_package

    def workspace_fingerprint(self) -> str:
        """The `[workspace]` table as text, the part of a root its members' problems depend on:
        editing anything else in the root (its own package, comments) keeps member caches."""
        fp = self.problem_cache.get("__workspace_fingerprint__")
        if fp is None:
            # repr, not json (whose import the CLI would pay for): a key only ever compared
            # with other keys of this process; equal tables give equal texts.
            fp = repr(self.data.get("workspace"))
            self.problem_cache["__workspace_fingerprint__"] = fp
        return fp

    def span(self, key_path: tuple, at: str = "value"):
        return self.doc.span_of(key_path, at) if self.doc else None


def _is_bare(key: str) -> bool:
    return bool(key) and all(c.isascii() and (c.isalnum() or c in "-_") for c in key)


def read(path: str, fs: FileSystem, *, plain: bool = False) -> Manifest:
    """Read and digest one manifest. Never raises. See `from_text` for ``plain``."""
    path = normalize(path)
    mdir = posixpath.dirname(path)
    try:
        text = fs.read_text(path)
    except FsError as err:
        return Manifest(path, mdir, None, read_error=str(err))
    return from_text(path, text, plain=plain)


def from_text(path: str, text: str, *, plain: bool = False) -> Manifest:
    """``plain``: when the text is of the usual shape (`toml_doc.parse_plain`), read it without
    source positions: ``doc`` is None and the workspace entries carry no items. The facts are
    the same; only a caller that never shows a position may ask for it."""
    path = normalize(path)
    if plain:
        data = toml_doc.parse_plain(text)
        if data is not None:
            return _from_plain(path, text, data)
    m = Manifest(path, posixpath.dirname(path), text)
    doc = toml_doc.parse(text)
    m.doc = doc
    root = doc.root
    m.data = root.to_python()
    pkg = root.get("package")
    if pkg is None:
        pkg = root.get("project")  # the pre-2024 spelling
    m.has_package = isinstance(pkg, Table)
    if m.has_package:
        name = pkg.get("name")
        if isinstance(name, Scalar) and isinstance(name.value, str):
            m.name = name.value
        ws_ptr = pkg.get("workspace")
        if isinstance(ws_ptr, Scalar) and isinstance(ws_ptr.value, str):
            m.pointer = ws_ptr.value
        m.inherits = any(
            isinstance(v, Table) and _is_true(v.get("workspace")) for v in pkg.entries.values()
        )
    ws = root.get("workspace")
    if isinstance(ws, Table):
        m.workspace = WorkspaceDecl(
            members=_string_list(ws.get("members")),
            exclude=_string_list(ws.get("exclude")) or [],
            default_members=_string_list(ws.get("default-members")),
            table=ws,
        )
    lints = root.get("lints")
    if isinstance(lints, Table) and _is_true(lints.get("workspace")):
        m.inherits = True
    m.deps = list(_dependencies(root))
    if any(d.inherited for d in m.deps):
        m.inherits = True
    return m


def _from_plain(path: str, text: str, data: dict) -> Manifest:
    """`from_text` over plain values (no document, no items): the same facts."""
    m = Manifest(path, posixpath.dirname(path), text)
    m.data = data
    pkg = data.get("package")
    if pkg is None:
        pkg = data.get("project")
    m.has_package = isinstance(pkg, dict)
    if m.has_package:
        name = pkg.get("name")
        if isinstance(name, str):
            m.name = name
        ws_ptr = pkg.get("workspace")
        if isinstance(ws_ptr, str):
            m.pointer = ws_ptr
        m.inherits = any(isinstance(v, dict) and v.get("workspace") is True for v in pkg.values())
    ws = data.get("workspace")
    if isinstance(ws, dict):
        m.workspace = WorkspaceDecl(
            members=_plain_string_list(ws.get("members")),
            exclude=_plain_string_list(ws.get("exclude")) or [],
            default_members=_plain_string_list(ws.get("default-members")),
            table=None,  # type: ignore[arg-type]
        )
    lints = data.get("lints")
    if isinstance(lints, dict) and lints.get("workspace") is True:
        m.inherits = True
    m.deps = list(_plain_dependencies(data))
    if not m.inherits and any(d.inherited for d in m.deps):
        m.inherits = True
    return m


def _plain_string_list(value: Any) -> list[tuple[str, Item]] | None:
    if not isinstance(value, list):
        return None
    return [(v, None) for v in value if isinstance(v, str)]  # type: ignore[misc]


def _plain_table_of(parent: dict, names: tuple[str, ...]) -> tuple[str, dict] | None:
    for n in names:
        t = parent.get(n)
        if isinstance(t, dict):
            return n, t
    return None


def _plain_dependencies(data: dict):
    for kind, names in DEP_KINDS:
        found = _plain_table_of(data, names)
        if found:
            yield from _plain_entries(found[1], kind, (found[0],), None)
    targets = data.get("target")
    if isinstance(targets, dict):
        for platform in sorted(targets):
            ptable = targets[platform]
            if not isinstance(ptable, dict):
                continue
            for kind, names in TARGET_DEP_KINDS:
                found = _plain_table_of(ptable, names)
                if found:
                    yield from _plain_entries(found[1], kind, ("target", platform, found[0]), platform)


# A DependencyDecl is never changed once made: the same plain entry (`name.workspace = true`, a
# version string) written by many members of a workspace is one object.
_PLAIN_DECLS: dict[tuple, DependencyDecl] = {}


def _plain_entries(table: dict, kind: str, table_path: tuple, platform: str | None):
    shared = _PLAIN_DECLS
    if len(shared) > 65536:
        shared.clear()
    for key in sorted(table):
        spec = table[key]
        if isinstance(spec, dict):
            if len(spec) == 1 and spec.get("workspace") is True:
                k = (key, kind, table_path, True)
                decl = shared.get(k)
                if decl is None:
                    decl = shared[k] = DependencyDecl(key, key, kind, table_path, platform, None, True, False)
                yield decl
                continue
            p = spec.get("path")
            pk = spec.get("package")
            yield DependencyDecl(key, pk if isinstance(pk, str) else key, kind, table_path, platform,
                                 p if isinstance(p, str) else None, spec.get("workspace") is True, "git" in spec)
        else:
            k = (key, kind, table_path, False)
            decl = shared.get(k)
            if decl is None:
                decl = shared[k] = DependencyDecl(key, key, kind, table_path, platform, None, False, False)
            yield decl


def _is_true(item: Any) -> bool:
    return isinstance(item, Scalar) and item.value is True


def _string_list(item: Any) -> list[tuple[str, Item]] | None:
    if not isinstance(item, Array):
        return None
    return [(i.value, i) for i in item.items if isinstance(i, Scalar) and isinstance(i.value, str)]


def _table_of(parent: Table, names: tuple[str, ...]) -> tuple[str, Table] | None:
    for n in names:
        t = parent.get(n)
        if isinstance(t, Table):
            return n, t
    return None


def _dependencies(root: Table):
    for kind, names in DEP_KINDS:
        found = _table_of(root, names)
        if found:
            yield from _entries(found[1], kind, (found[0],), None)
    targets = root.get("target")
    if isinstance(targets, Table):
        for platform in sorted(targets.entries):
            ptable = targets.entries[platform]
            if not isinstance(ptable, Table):
                continue
            for kind, names in TARGET_DEP_KINDS:
                found = _table_of(ptable, names)
                if found:
                    yield from _entries(found[1], kind, ("target", platform, found[0]), platform)


def _entries(table: Table, kind: str, table_path: tuple, platform: str | None):
    for key in sorted(table.entries):
        spec = table.entries[key]
        path = None
        inherited = False
        package = key
        has_git = False
        if isinstance(spec, Table):
            p = spec.get("path")
            if isinstance(p, Scalar) and isinstance(p.value, str):
                path = p.value
            inherited = _is_true(spec.get("workspace"))
            pk = spec.get("package")
            if isinstance(pk, Scalar) and isinstance(pk.value, str):
                package = pk.value
            has_git = "git" in spec
        yield DependencyDecl(key, package, kind, table_path, platform, path, inherited, has_git)


def workspace_dependency(ws_table: dict, key: str) -> dict | None:
    """The `[workspace.dependencies]` entry a `key.workspace = true` dependency inherits."""
    deps = ws_table.get("dependencies")
    if not isinstance(deps, dict):
        return None
    entry = deps.get(key)
    return entry if isinstance(entry, dict) else ({"version": entry} if isinstance(entry, str) else None)


def value_at(data, key_path: tuple):
    """The plain value at ``key_path`` in a manifest's data, or None."""
    node = data
    for part in key_path:
        if not isinstance(node, dict):
            return None
        node = node.get(part)
    return node
