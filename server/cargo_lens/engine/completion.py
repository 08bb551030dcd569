"""Completion in `Cargo.toml` (issue 5 §1), from the text being typed and the workspace around it.

``complete(ctx, path, offset)`` returns ``CompletionItem``s for:

* enumerated values (`edition`, `resolver`, profile `panic`/`lto`/`strip`/`opt-level`/…): from
  ``schema.enum_values`` when that module exists, else a small built-in table;
* paths: `workspace.members` / `exclude` / `default-members` entries (directories, relative to
  the root), dependency `path` values (directories, relative to the manifest), target `path`,
  `package.build` / `readme` / `license-file` (files) and `package.workspace` (directories);
  directories holding a `Cargo.toml` say which package is there;
* `name.workspace = true` (or `name = { workspace = true }`, following the file's style) for the
  root's `[workspace.dependencies]` entries, when a dependency key is typed in a manifest that
  inherits from a root; `workspace = true` inside such a dependency;
* feature names of path and workspace dependencies inside their `features = [...]`, and of the
  package itself inside `[features]` arrays;
* crate names and versions from the local cargo registry cache (``registry_cache``; offline,
  nothing when there is no cache);
* keys, from ``schema.completions(table_path, existing_keys)`` when that module exists (not
  otherwise: key documentation belongs there).

Everything is read through ``ctx`` (unsaved buffers count). Never raises: bad input gives ``[]``.
"""

from __future__ import annotations

import importlib
import json
import posixpath
import re
from dataclasses import dataclass

from . import registry_cache
from .cursor import DEP_TABLES, CompletionContext, completion_context, is_dependency_table
from .fs import join, normalize
from .toml_doc import Array, Scalar, Table
from .workspace import MANIFEST, Context
from .wsview import WorkspaceView

Span = tuple[int, int]

__all__ = ["CompletionItem", "complete", "ENUMS"]


@dataclass(frozen=True)
class CompletionItem:
    """One proposal. ``insert_text`` replaces ``replace`` (code-point offsets in the file).

    ``kind``: "key" | "value" | "path" | "crate" | "feature" | "version". ``sort_text`` keeps an
    order the client should not change (versions newest first).
    """

    label: str
    kind: str
    detail: str = ""
    insert_text: str = ""
    replace: Span = (0, 0)
    sort_text: str | None = None
    documentation: str | None = None


# Enumerations cargo accepts, used only when the schema module cannot be imported (it is the
# source of truth: ``schema.enum_values``). `*` matches any one key.
_EDITIONS = ("2015", "2018", "2021", "2024")
ENUMS: dict[tuple, tuple] = {
    ("package", "edition"): _EDITIONS,
    ("workspace", "package", "edition"): _EDITIONS,
    ("lib", "edition"): _EDITIONS,
    ("bin", "edition"): _EDITIONS,
    ("example", "edition"): _EDITIONS,
    ("test", "edition"): _EDITIONS,
    ("bench", "edition"): _EDITIONS,
    ("package", "resolver"): ("1", "2", "3"),
    ("workspace", "resolver"): ("1", "2", "3"),
    ("profile", "*", "panic"): ("unwind", "abort"),
    ("profile", "*", "strip"): ("none", "debuginfo", "symbols", True, False),
    ("profile", "*", "lto"): (False, True, "thin", "fat", "off"),
    ("profile", "*", "opt-level"): (0, 1, 2, 3, "s", "z"),
    ("profile", "*", "debug"): (0, 1, 2, True, False, "none", "line-directives-only", "line-tables-only", "limited", "full"),
    ("profile", "*", "split-debuginfo"): ("off", "packed", "unpacked"),
    ("lib", "crate-type"): ("lib", "rlib", "dylib", "cdylib", "staticlib", "proc-macro"),
}

_DIR_KEYS = {("workspace", "members"), ("workspace", "exclude"), ("workspace", "default-members")}
_FILE_KEYS = {("package", "build"), ("package", "readme"), ("package", "license-file"),
              ("workspace", "package", "readme"), ("workspace", "package", "license-file")}
_TARGET_TABLES = ("lib", "bin", "example", "test", "bench")
_SKIP_DIRS = frozenset(("target", "node_modules"))
_MAX_ITEMS = 1000


def complete(ctx: Context, path: str, offset: int) -> list[CompletionItem]:
    """Completion items at ``offset`` of the manifest at ``path``. Never raises."""
    try:
        if not path or not isinstance(offset, int) or offset < 0:
            return []
        path = normalize(path)
        if posixpath.basename(path) != MANIFEST:
            return []
        view = WorkspaceView(ctx, path)
        m = view.m
        if m.text is None or m.doc is None or offset > len(m.text):
            return []
        cc = completion_context(m.doc, offset)
        if cc.position == "key":
            items = _keys(view, cc)
        elif cc.position == "value":
            items = _values(view, cc)
        elif cc.position == "header":
            items = _schema_keys(view, cc, set(), tables_only=True)
        else:
            items = []
        return items[:_MAX_ITEMS]
    except (Exception, RecursionError):
        return []


# -- the schema module (written separately; used when present) ---------------------------------

_schema_mod = None
_schema_tried = False


def _schema():
    global _schema_mod, _schema_tried
    if not _schema_tried:
        _schema_tried = True
        try:
            _schema_mod = importlib.import_module(__package__ + ".schema")
        except Exception:
            _schema_mod = None
    return _schema_mod


def _schema_path(cc: CompletionContext, key_path: tuple) -> tuple:
    """The schema's key path: an array of tables (`[[bin]]`) is indexed (`("bin", 0, …)`)."""
    if cc.array_table and cc.table_path and key_path[: len(cc.table_path)] == cc.table_path:
        n = len(cc.table_path)
        return key_path[:n] + (0,) + key_path[n:]
    return key_path


def _schema_keys(view: WorkspaceView, cc: CompletionContext, offered: set[str], tables_only: bool = False) -> list[CompletionItem]:
    """Keys from ``schema.completions``: ``(key, detail, docs, snippet or None)`` each."""
    mod = _schema()
    fn = getattr(mod, "completions", None) if mod is not None else None
    if fn is None:
        return []
    try:
        found = fn(_schema_path(cc, tuple(cc.key_path)), set(cc.existing))
    except Exception:
        return []
    dep = _dependency_of(tuple(cc.key_path))
    inheritable = True
    if dep is not None and dep[2] == ():
        inheritable = dep[0] != ("workspace", "dependencies") and view.ws_dependency(dep[1]) is not None
    bare = _followed_by_value(view, cc)
    out = []
    for entry in found or ():
        if not isinstance(entry, (tuple, list)) or not entry:
            continue
        key = str(entry[0])
        detail = str(entry[1]) if len(entry) > 1 and entry[1] is not None else ""
        docs = entry[2] if len(entry) > 2 and isinstance(entry[2], str) else None
        snippet = entry[3] if len(entry) > 3 else None
        if key in offered or key in cc.existing:
            continue
        if tables_only and snippet is not None:
            continue
        if key == "workspace" and dep is not None and not inheritable:
            continue  # no `[workspace.dependencies]` entry to inherit: `workspace = true` would fail
        text = _key_text(key)
        if snippet is not None and not bare and cc.position == "key":
            text = f"{text} = {snippet}"
        out.append(CompletionItem(key, "key", detail, text, cc.replace, documentation=docs))
    return out


def _literal(lit):
    """A TOML literal from ``schema.enum_values`` as a Python value."""
    if not isinstance(lit, str):
        return lit
    if lit in ("true", "false"):
        return lit == "true"
    if lit[:1] in ('"', "'"):
        if lit[0] == "'":
            return lit[1:-1]
        try:
            return json.loads(lit)
        except ValueError:
            return lit[1:-1]
    try:
        return int(lit)
    except ValueError:
        try:
            return float(lit)
        except ValueError:
            return lit


def _enum_values(cc: CompletionContext, key_path: tuple) -> list | None:
    mod = _schema()
    fn = getattr(mod, "enum_values", None) if mod is not None else None
    if fn is not None:
        try:
            found = fn(_schema_path(cc, tuple(key_path)))
        except Exception:
            found = None
        return [_literal(v) for v in found] if found else None
    for pattern, values in ENUMS.items():  # no schema module: the built-in table
        if len(pattern) == len(key_path) and all(p == "*" or p == k for p, k in zip(pattern, key_path)):
            return list(values)
    return None


# -- values --------------------------------------------------------------------------------------


def _toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return str(v)
    return '"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _string_item(cc: CompletionContext, label: str, kind: str, detail: str = "", sort: str | None = None,
                 doc: str | None = None) -> CompletionItem:
    """An item whose value is the string ``label``: bare inside quotes, quoted outside."""
    if cc.quote:
        text = label.replace("\\", "\\\\").replace('"', '\\"') if cc.quote == '"' else label
    else:
        text = _toml_value(label)
    return CompletionItem(label, kind, detail, text, cc.replace, sort, doc)


def _values(view: WorkspaceView, cc: CompletionContext) -> list[CompletionItem]:
    kp = tuple(cc.key_path)
    items: list[CompletionItem] = []
    # paths
    if kp in _DIR_KEYS and cc.in_array:
        items.extend(_paths(view, cc, view.m.dir, dirs_only=True, glob=kp[-1] != "exclude"))
        return items
    dep = _dependency_of(kp)
    if dep is not None:
        table, name, rest = dep
        if rest == ("path",) and not cc.in_array:
            return _paths(view, cc, view.m.dir, dirs_only=True, parent=True)
        if rest == ("features",) and cc.in_array:
            return _dep_features(view, cc, table, name)
        if rest in ((), ("version",)) and not cc.in_array:
            return _versions(view, cc, name, rest == ())
        # other keys of a dependency (`default-features`, `optional`, …): the schema's values
    if kp in _FILE_KEYS and not cc.in_array:
        return _paths(view, cc, view.m.dir, dirs_only=False, parent=True)
    if kp == ("package", "workspace") and not cc.in_array:
        return _paths(view, cc, view.m.dir, dirs_only=True, parent=True)
    if len(kp) == 2 and kp[0] in _TARGET_TABLES and kp[1] == "path" and not cc.in_array:
        return _paths(view, cc, view.m.dir, dirs_only=False, parent=False)
    if len(kp) == 2 and kp[0] == "features" and cc.in_array:
        return _own_features(view, cc, kp[1])
    values = _enum_values(cc, kp)
    if values is None:
        return items
    for i, v in enumerate(values):
        if isinstance(v, bool) or not isinstance(v, str):
            if cc.quote:
                continue  # a bool or number inside quotes would be a string
            label = _toml_value(v)
            items.append(CompletionItem(label, "value", "", label, cc.replace, f"{i:03d}"))
            continue
        if cc.in_array and v in cc.array_items:
            continue
        items.append(_string_item(cc, v, "value", "", f"{i:03d}"))
    return items


def _dependency_of(kp: tuple) -> tuple | None:
    """(dependency table path, dependency key, rest of the key path) for a path inside a dependency."""
    if len(kp) >= 2 and kp[0] in DEP_TABLES:
        return kp[:1], kp[1], kp[2:]
    if len(kp) >= 4 and kp[0] == "target" and kp[2] in DEP_TABLES:
        return kp[:3], kp[3], kp[4:]
    if len(kp) >= 3 and kp[:2] == ("workspace", "dependencies"):
        return kp[:2], kp[2], kp[3:]
    return None


def _paths(view: WorkspaceView, cc: CompletionContext, base: str, *, dirs_only: bool, glob: bool = False,
           parent: bool = False) -> list[CompletionItem]:
    fs = view.ctx.fs
    typed = cc.prefix
    dirpart = typed[: typed.rfind("/") + 1] if "/" in typed else ""
    listing_dir = normalize(join(base, dirpart)) if dirpart else base
    if not fs.is_dir(listing_dir):
        return []
    out: list[CompletionItem] = []
    if parent and (not dirpart or dirpart.rstrip("/").split("/")[-1] == ".."):
        out.append(_string_item(cc, dirpart + "../", "path", "parent directory", "0"))
    packages = 0
    for name in fs.list_dir(listing_dir):
        if name.startswith(".") or name in _SKIP_DIRS:
            continue
        full = join(listing_dir, name)
        rel = dirpart + name
        if fs.is_dir(full):
            man = join(full, MANIFEST)
            if fs.is_file(man):
                m = view.manifest(man)
                what = f"package `{m.name}`" if m.name else ("workspace root" if m.workspace is not None else "Cargo.toml")
                packages += 1
                if cc.in_array and rel in cc.array_items:
                    continue
                out.append(_string_item(cc, rel, "path", f"{what} (has Cargo.toml)", "1" + name))
            else:
                if cc.in_array and rel in cc.array_items:
                    continue
                out.append(_string_item(cc, rel, "path", "directory", "2" + name))
        elif not dirs_only and name != MANIFEST:
            out.append(_string_item(cc, rel, "path", "file", "3" + name))
    if glob and packages >= 2 and (dirpart + "*") not in cc.array_items:
        out.append(_string_item(cc, dirpart + "*", "path", f"glob: the {packages} packages here", "0"))
    return out


def _dep_target_dir(view: WorkspaceView, cc: CompletionContext, table: tuple, name: str) -> str | None:
    """The directory of the package a dependency points to (path, or workspace entry's path)."""
    sib = cc.siblings
    if isinstance(sib.get("path"), str) and "git" not in sib:
        base = view.m.dir
        return normalize(join(base, sib["path"]))
    if sib.get("workspace") is True and table != ("workspace", "dependencies"):
        found = view.ws_dependency(name)
        if found is None:
            return None
        root_m, item = found
        p = item.get("path") if isinstance(item, Table) else None
        if isinstance(p, Scalar) and isinstance(p.value, str) and "git" not in item:
            return normalize(join(root_m.dir, p.value))
    return None


def _feature_items(view: WorkspaceView, cc: CompletionContext, manifest_path: str, skip: set[str],
                   where: str) -> list[CompletionItem]:
    dm = view.manifest(manifest_path)
    if dm.read_error is not None or dm.doc is None:
        return []
    feats = dm.doc.root.get("features")
    out: list[CompletionItem] = []
    named = set()
    if isinstance(feats, Table):
        for key, item in feats.entries.items():
            named.add(key)
            if key in skip or key in cc.array_items:
                continue
            detail = "= " + _snippet(dm.text, item.span) if isinstance(item, Array) else ""
            out.append(_string_item(cc, key, "feature", detail, "1" + key, f"feature of {where}"))
    # optional dependencies are features too, unless a feature names them with `dep:`
    used_dep = set()
    if isinstance(feats, Table):
        for item in feats.entries.values():
            if isinstance(item, Array):
                for v in item.items:
                    if isinstance(v, Scalar) and isinstance(v.value, str) and v.value.startswith("dep:"):
                        used_dep.add(v.value[4:])
    for decl in dm.deps:
        spec = _lookup_data(dm.data, decl.key_path)
        if isinstance(spec, dict) and spec.get("optional") is True:
            if decl.key in used_dep or decl.key in named or decl.key in skip or decl.key in cc.array_items:
                continue
            named.add(decl.key)
            out.append(_string_item(cc, decl.key, "feature", "optional dependency", "2" + decl.key, f"feature of {where}"))
    return out


def _dep_features(view: WorkspaceView, cc: CompletionContext, table: tuple, name: str) -> list[CompletionItem]:
    d = _dep_target_dir(view, cc, table, name)
    if d is None:
        return []
    man = join(d, MANIFEST)
    if not view.ctx.fs.is_file(man):
        return []
    return _feature_items(view, cc, man, {"default"}, f"`{name}`")


def _own_features(view: WorkspaceView, cc: CompletionContext, feature: str) -> list[CompletionItem]:
    items = _feature_items(view, cc, view.m.path, {feature}, "this package")
    out = []
    for it in items:
        if it.detail == "optional dependency":
            label = "dep:" + it.label
            if label in cc.array_items:
                continue
            it = _string_item(cc, label, "feature", "optional dependency", it.sort_text, it.documentation)
        out.append(it)
    return out


def _versions(view: WorkspaceView, cc: CompletionContext, name: str, short_form: bool) -> list[CompletionItem]:
    sib = {} if short_form else cc.siblings
    if any(k in sib for k in ("path", "git", "registry", "workspace")):
        return []
    crate = sib.get("package") if isinstance(sib.get("package"), str) else name
    versions = registry_cache.crate_versions(view.ctx.cargo_home, view.ctx.fs, crate)
    return [
        _string_item(cc, v, "version", f"`{crate}` {v} (local registry cache)", f"{i:04d}")
        for i, v in enumerate(versions)
    ]


def _lookup_data(data, path):
    node = data
    for p in path:
        if not isinstance(node, dict):
            return None
        node = node.get(p)
    return node


def _snippet(text: str | None, span) -> str:
    if text is None:
        return ""
    s = " ".join(text[span[0] : span[1]].split())
    return s if len(s) <= 60 else s[:59] + "…"


# -- keys ----------------------------------------------------------------------------------------


def _followed_by_value(view: WorkspaceView, cc: CompletionContext) -> bool:
    """Whether the key being typed already has `=` or `.` after it (then insert only the name)."""
    text = view.m.text or ""
    return re.match(r"[ \t]*[=.]", text[cc.replace[1] : cc.replace[1] + 200]) is not None


def _inline_style(view: WorkspaceView) -> bool:
    """Whether this file writes `x = { workspace = true }` rather than `x.workspace = true`."""
    inline = dotted = 0
    doc = view.m.doc
    for decl in view.m.deps:
        if not decl.inherited:
            continue
        item = doc.lookup(decl.key_path)
        if isinstance(item, Table):
            if item.origin == "inline":
                inline += 1
            elif item.origin == "dotted":
                dotted += 1
    return inline > dotted


def _keys(view: WorkspaceView, cc: CompletionContext) -> list[CompletionItem]:
    kp = tuple(cc.key_path)
    items: list[CompletionItem] = []
    if is_dependency_table(kp) and not cc.inline:
        items.extend(_dependency_names(view, cc, kp))
    else:
        dep = _dependency_of(kp)
        if dep is not None and dep[2] == () and "workspace" not in cc.existing:
            table, name, _ = dep
            if table != ("workspace", "dependencies") and view.ws_dependency(name) is not None:
                root_m, item = view.ws_dependency(name)
                items.append(CompletionItem(
                    "workspace", "key", f"inherit `{name}` from {view.rel(root_m.path)}",
                    "workspace" if _followed_by_value(view, cc) else "workspace = true", cc.replace,
                ))
    items.extend(_schema_keys(view, cc, {i.label for i in items}))
    return items


def _dependency_names(view: WorkspaceView, cc: CompletionContext, table: tuple) -> list[CompletionItem]:
    out: list[CompletionItem] = []
    bare = _followed_by_value(view, cc)
    offered: set[str] = set()
    if table != ("workspace", "dependencies"):
        rc = view.inherit_root
        wdeps = rc.manifest.doc.lookup(("workspace", "dependencies")) if rc is not None else None
        if isinstance(wdeps, Table):
            inline = _inline_style(view)
            where = view.rel(rc.manifest.path)
            for key, item in wdeps.entries.items():
                if key in cc.existing:
                    continue
                offered.add(key.lower().replace("_", "-"))
                summary = entry_summary(rc.manifest.text, item)
                if bare:
                    text = key
                elif inline:
                    text = f"{_key_text(key)} = {{ workspace = true }}"
                else:
                    text = f"{_key_text(key)}.workspace = true"
                out.append(CompletionItem(
                    key, "key", f"workspace: {summary}", text, cc.replace, "0" + key,
                    f"Inherits `[workspace.dependencies]` `{key}` from {where}: `{summary}`",
                ))
    if cc.prefix and not cc.quote:
        for name in registry_cache.crate_names(view.ctx.cargo_home, view.ctx.fs, cc.prefix):
            norm = name.lower().replace("_", "-")
            if norm in offered or name in cc.existing:
                continue
            versions = registry_cache.crate_versions(view.ctx.cargo_home, view.ctx.fs, name)
            latest = versions[0] if versions else None
            text = name if bare or latest is None else f'{name} = "{latest}"'
            detail = f"{latest} (local registry cache)" if latest else "(local registry cache)"
            out.append(CompletionItem(name, "crate", detail, text, cc.replace, "1" + name))
    return out


def _key_text(key: str) -> str:
    bare = bool(key) and all(c.isascii() and (c.isalnum() or c in "-_") for c in key)
    return key if bare else '"' + key.replace("\\", "\\\\").replace('"', '\\"') + '"'


def entry_summary(text: str | None, item) -> str:
    """A `[workspace.dependencies]` entry as one short inline table: `{ version = "1" }`."""
    if isinstance(item, Scalar):
        if isinstance(item.value, str):
            return f'{{ version = {_toml_value(item.value)} }}'
        return _snippet(text, item.span)
    if isinstance(item, Table):
        if item.origin == "inline":
            return _snippet(text, item.span)
        parts = [f"{_key_text(k)} = {_snippet(text, v.span)}" for k, v in item.entries.items()]
        s = "{ " + ", ".join(parts) + " }"
        return s if len(s) <= 60 else s[:59] + "…"
    return ""
