"""Hover content for `Cargo.toml` and `.cargo/config.toml` (issue 3, section 4).

``hover(ctx, path, offset)`` finds what the cursor is on and explains the cargo rule behind it:

* a dependency (key, `path` value, `workspace = true`, `[dependencies.x]` header): is its package a
  workspace member and why, does a plain `cargo check` at the root build it, what its target gate
  means, which `[workspace.dependencies]` entry it inherits;
* a `[target.<key>]` key: what the cfg means, whether it is constant, its value on the host and on
  common targets, and that membership ignores it (rust-lang/cargo#15023);
* `workspace.members` / `exclude` / `default-members` entries and keys: what each entry matches
  and which members are implicit;
* `package.build`, `package.links`, `[build-dependencies]` and `[env] CARGO` in
  `.cargo/config.toml`: which path cargo hands out as `CARGO` (spec section 5).

Pure engine code: no pygls / lsprotocol; the LSP adapter turns a ``HoverResult`` into a Hover.
Spans and offsets are code-point offsets into the hovered file's text (as ``toml_doc`` keeps them).
Everything is read through ``ctx.fs`` / ``ctx.manifest``, so unsaved buffers count.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

from . import cfg, globs
from . import manifest as manifest_mod
from .fs import FsError, join, normalize
from .host import host_target
from .manifest import DependencyDecl, Manifest, value_at
from .membership import check_selection, gated_only, reason_chain
from .toml_doc import Array, Item, Scalar, Table, TomlDocument
from .toml_doc import parse as parse_toml
from .toml_doc import walk
from .workspace import MANIFEST, Context, Session, WorkspaceResult, starts_with

__all__ = ["HoverResult", "hover", "COMMON_TARGETS"]


@dataclass(frozen=True)
class HoverResult:
    markdown: str
    span: tuple[int, int]  # code-point offsets in the hovered file: what the hover is about


# The targets every `[target.…]` hover shows besides the host.
COMMON_TARGETS = (
    "x86_64-unknown-linux-gnu",
    "x86_64-pc-windows-msvc",
    "aarch64-apple-darwin",
    "wasm32-unknown-unknown",
)

_GH = "https://github.com/rust-lang/cargo"
L15023 = f"[cargo#15023]({_GH}/issues/15023)"
L6745 = f"[cargo#6745]({_GH}/issues/6745)"
L17194 = f"[cargo#17194]({_GH}/issues/17194)"
L15099 = f"[#15099]({_GH}/issues/15099)"
L15208 = f"[PR #15208]({_GH}/pull/15208)"
L10119 = f"[#10119]({_GH}/issues/10119)"
L10113 = f"[#10113]({_GH}/issues/10113)"
L11285 = f"[PR #11285]({_GH}/pull/11285)"
DOC_WS = "https://doc.rust-lang.org/cargo/reference/workspaces.html"
DOC_MEMBERS = f"[workspaces: members and exclude]({DOC_WS}#the-members-and-exclude-fields)"
DOC_DEFAULT = f"[default-members]({DOC_WS}#the-default-members-field)"
DOC_INHERIT = f"[inheriting a dependency]({DOC_WS}#the-dependencies-table)"
DOC_PLATFORM = (
    "[platform-specific dependencies]"
    "(https://doc.rust-lang.org/cargo/reference/specifying-dependencies.html#platform-specific-dependencies)"
)
DOC_CARGO_ENV = (
    "[reference: `CARGO`]"
    "(https://doc.rust-lang.org/cargo/reference/environment-variables.html#environment-variables-cargo-sets-for-crates)"
)
DOC_ENV_TABLE = "[`[env]`](https://doc.rust-lang.org/cargo/reference/config.html#env)"
DOC_TOOLCHAIN = "[rustup overrides](https://rust-lang.github.io/rustup/overrides.html#the-toolchain-file)"

_DEP_TABLES = ("dependencies", "dev-dependencies", "dev_dependencies", "build-dependencies", "build_dependencies")
_BUILD_DEP_TABLES = ("build-dependencies", "build_dependencies")
_MAX_LIST = 12
_MAX_SNIPPET = 160


def hover(
    ctx: Context,
    path: str,
    offset: int,
    *,
    allow_rustc: bool = False,
    env: Mapping[str, str] | None = None,
) -> HoverResult | None:
    """The hover for ``offset`` in the file at ``path``, or None when there is nothing to say.

    ``path``: a `Cargo.toml` or a `.cargo/config.toml` (`.cargo/config`); its text comes from
    ``ctx`` (unsaved buffers included). ``env``: the server's environment, for the live `CARGO`
    and `RUSTUP_TOOLCHAIN` facts (default: ``ctx.env``). Never raises.
    """
    try:
        if not isinstance(offset, int) or offset < 0 or not path:
            return None
        path = normalize(path)
        w = _World(ctx, path, allow_rustc, ctx.env if env is None else env)
        return _hover(w, offset)
    except (Exception, RecursionError):
        return None


# -- what is under the cursor ------------------------------------------------------------------


@dataclass(frozen=True)
class _Target:
    span: tuple[int, int]
    kind: str  # dep | wdep | cfg | ws-entry | ws-key | cargo
    data: tuple


def _hover(w: "_World", offset: int) -> HoverResult | None:
    base = posixpath.basename(w.path)
    if base == MANIFEST:
        m = w.ctx.manifest(w.path)
        if m.doc is None or offset > len(m.text or ""):
            return None
        targets = _manifest_targets(m)
        doc = m.doc
    elif _is_cargo_config(w.path):
        try:
            text = w.ctx.fs.read_text(w.path)
        except FsError:
            return None
        if offset > len(text):
            return None
        doc = parse_toml(text)
        m = None
        targets = _config_targets(doc)
    else:
        return None
    hits = [t for t in targets if t.span[0] <= offset < t.span[1]]
    if not hits:
        return None
    best = min(hits, key=lambda t: t.span[1] - t.span[0])
    render = _RENDER[best.kind]
    md = render(w, m, doc, best)
    if not md:
        return None
    return HoverResult(md.rstrip() + "\n", best.span)


def _is_cargo_config(path: str) -> bool:
    parent = posixpath.basename(posixpath.dirname(path))
    return parent == ".cargo" and posixpath.basename(path) in ("config.toml", "config")


def _add(out: list, span, kind: str, *data) -> None:
    if span is not None and span[1] > span[0]:
        out.append(_Target(tuple(span), kind, data))


def _manifest_targets(m: Manifest) -> list[_Target]:
    doc = m.doc
    root = doc.root
    out: list[_Target] = []
    # Dependencies: the key, `path` / `workspace` inside the entry.
    for decl in m.deps:
        item = doc.lookup(decl.key_path)
        if item is None:
            continue
        _add(out, item.key_span, "dep", decl)
        if isinstance(item, Table):
            for sub in ("path", "workspace"):
                s = item.get(sub)
                if isinstance(s, Item):
                    _add(out, s.key_span, "dep", decl)
                    _add(out, s.span, "dep", decl)
    # Header segments and `[target.…]` keys.
    for _, item in walk(root):
        if not isinstance(item, Table) or not item.header_keys:
            continue
        keys = item.header_keys
        names = [k for k, _ in keys]
        if names[0] in ("target",) and len(keys) >= 2:
            _add(out, keys[1][1], "cfg", names[1])
            if len(keys) >= 3 and names[2] in _BUILD_DEP_TABLES:
                _add(out, keys[2][1], "cargo", "build-deps")
        if names[0] in _BUILD_DEP_TABLES:
            _add(out, keys[0][1], "cargo", "build-deps")
            if len(keys) == 1:
                _add(out, item.header_span, "cargo", "build-deps")
    targets = root.get("target")
    if isinstance(targets, Table):
        for key, item in targets.entries.items():
            _add(out, item.key_span, "cfg", key)
    for name in _BUILD_DEP_TABLES:
        t = root.get(name)
        if isinstance(t, Table):
            _add(out, t.key_span, "cargo", "build-deps")
    # [package] build / links.
    pkg = root.get("package")
    if not isinstance(pkg, Table):
        pkg = root.get("project")
    if isinstance(pkg, Table):
        for key in ("build", "links"):
            it = pkg.get(key)
            if isinstance(it, Item):
                _add(out, it.key_span, "cargo", key)
                _add(out, it.span, "cargo", key)
    # [workspace]: membership arrays and [workspace.dependencies].
    ws = root.get("workspace")
    if isinstance(ws, Table):
        for key in ("members", "exclude", "default-members"):
            arr = ws.get(key)
            if isinstance(arr, Item):
                _add(out, arr.key_span, "ws-key", key)
            if isinstance(arr, Array):
                for it in arr.items:
                    if isinstance(it, Scalar) and isinstance(it.value, str):
                        _add(out, it.span, "ws-entry", key, it.value)
        wdeps = ws.get("dependencies")
        if isinstance(wdeps, Table):
            for key, it in wdeps.entries.items():
                _add(out, it.key_span, "wdep", key)
                if isinstance(it, Table):
                    p = it.get("path")
                    if isinstance(p, Item):
                        _add(out, p.span, "wdep", key)
    return out


def _config_targets(doc: TomlDocument) -> list[_Target]:
    out: list[_Target] = []
    root = doc.root
    env = root.get("env")
    if isinstance(env, Table):
        it = env.get("CARGO")
        if isinstance(it, Item):
            _add(out, it.key_span, "cargo", "env")
            _add(out, it.span, "cargo", "env")
    for _, item in walk(root):
        if isinstance(item, Table) and len(item.header_keys) >= 2 and item.header_keys[0][0] == "target":
            _add(out, item.header_keys[1][1], "cfg", item.header_keys[1][0])
    targets = root.get("target")
    if isinstance(targets, Table):
        for key, item in targets.entries.items():
            _add(out, item.key_span, "cfg", key)
    return out


# -- the workspace around the hovered file -----------------------------------------------------


class _World:
    """The hovered file's workspace, computed lazily (each property runs cargo's model once)."""

    def __init__(self, ctx: Context, path: str, allow_rustc: bool, env: Mapping[str, str]):
        self.ctx = ctx
        self.path = path
        self.allow_rustc = allow_rustc
        self.env = env

    @cached_property
    def manifest_path(self) -> str | None:
        """The Cargo.toml the workspace is computed for (for a config: next to `.cargo/`)."""
        if posixpath.basename(self.path) == MANIFEST:
            return self.path
        cand = join(posixpath.dirname(posixpath.dirname(self.path)), MANIFEST)
        return cand if self.ctx.fs.is_file(cand) else None

    @cached_property
    def res(self) -> WorkspaceResult | None:
        mp = self.manifest_path
        return Session(self.ctx, mp).run() if mp else None

    @cached_property
    def root(self) -> str | None:
        return self.res.root_manifest if self.res else None

    @cached_property
    def root_res(self) -> WorkspaceResult | None:
        """What cargo decides when run at the workspace root (None without a workspace)."""
        if self.root is None:
            return None
        if self.root == self.res.current:
            return self.res
        return Session(self.ctx, self.root).run()

    @cached_property
    def root_dir(self) -> str:
        """The directory paths are shown relative to: the workspace root, or (when cargo fails
        before finding it) the nearest `[workspace]` at or above, else the package itself."""
        if self.root is not None:
            return posixpath.dirname(self.root)
        start = (
            posixpath.dirname(self.manifest_path)
            if self.manifest_path is not None
            else posixpath.dirname(posixpath.dirname(self.path))
        )
        fs = self.ctx.fs
        d = start
        for _ in range(256):
            if not fs.inside_boundary(d):
                break
            cand = join(d, MANIFEST)
            if fs.is_file(cand) and self.ctx.manifest(cand).workspace is not None:
                return d
            parent = posixpath.dirname(d)
            if parent == d:
                break
            d = parent
        return start

    @cached_property
    def host(self):
        return host_target(self.allow_rustc)

    def rel(self, path: str) -> str:
        rel = posixpath.relpath(normalize(path), self.root_dir)
        return "." if rel in ("", ".") else rel

    def rel_dir(self, manifest: str) -> str:
        return self.rel(posixpath.dirname(manifest))

    def name_of(self, manifest: str) -> str | None:
        m = self.ctx.manifest(manifest)
        return m.name if m.read_error is None else None

    def pkg_label(self, manifest: str) -> str:
        name = self.name_of(manifest)
        rel = self.rel_dir(manifest)
        if not name or (rel != "." and name == posixpath.basename(posixpath.dirname(manifest))):
            return f"`{rel}`"
        return f"`{rel}` (package `{name}`)"

    def where(self, manifest: str, span) -> str:
        m = self.ctx.manifest(manifest)
        rel = self.rel(manifest)
        if span is None or m.text is None:
            return rel
        return f"{rel}:{m.text.count(chr(10), 0, span[0]) + 1}"


def _error_text(w: "_World", err) -> str:
    """cargo's first error line, and its innermost cause, paths relative to the root."""
    text = err.first_line
    inner = err.innermost
    if inner and inner != text:
        text += ": " + inner
    text = text.replace(w.root_dir.rstrip("/") + "/", "")
    return text if len(text) <= 240 else text[:239] + "…"


def _snippet(text: str, span) -> str:
    s = " ".join(text[span[0] : span[1]].split())
    return s if len(s) <= _MAX_SNIPPET else s[: _MAX_SNIPPET - 1] + "…"


def _code(s: str) -> str:
    """`s` as inline code, whatever backticks it holds."""
    s = s.replace("\n", " ")
    fence = "``" if "`" in s else "`"
    pad = " " if s.startswith("`") or s.endswith("`") else ""
    return f"{fence}{pad}{s}{pad}{fence}"


def _key_text(key: str) -> str:
    bare = bool(key) and all(c.isascii() and (c.isalnum() or c in "-_") for c in key)
    return key if bare else "'" + key + "'"


def _more(items: list[str], limit: int = _MAX_LIST) -> list[str]:
    if len(items) <= limit:
        return items
    return items[:limit] + [f"… and {len(items) - limit} more"]


def _selection_text(w: _World, res: WorkspaceResult, manifest: str, sel: dict[str, str], at: str) -> str:
    why = sel.get(manifest)
    if why is None:
        return f"a plain `cargo check` {at} (`{w.host.triple}`) does **not** build it"
    if why == "selected":
        root = res.packages.get(res.root_manifest) if res.root_manifest else None
        ws = root.manifest.workspace if root is not None else None
        every = ""
        if root is not None and root.is_virtual and ws is not None and ws.default_members is None:
            every = " (a virtual root without `default-members` builds every member)"
        return f"a plain `cargo check` {at} (`{w.host.triple}`) **builds** it: it is a default member{every}"
    m = re.match(r"dependency `(.*)` of (.*)$", why)
    src = f" of {w.pkg_label(m.group(2))}" if m else ""
    return f"a plain `cargo check` {at} (`{w.host.triple}`) **builds** it, as an active dependency{src}"


# -- dependencies ------------------------------------------------------------------------------


def _classify(spec) -> str:
    if isinstance(spec, dict):
        if "git" in spec:
            return "a git dependency"
        if isinstance(spec.get("registry"), str):
            return f"a dependency from registry `{spec['registry']}`"
    return "a registry dependency (crates.io)"


def _render_dep(w: _World, m: Manifest, doc: TomlDocument, t: _Target) -> str | None:
    decl: DependencyDecl = t.data[0]
    lines: list[str] = []
    bullets: list[str] = []
    rel_path = decl.path
    base = m.dir
    spec = value_at(m.data, decl.key_path)
    if decl.inherited:
        rel_path, base, spec, inherit_lines = _inherited(w, m, decl)
        bullets.extend(inherit_lines)
    is_path = rel_path is not None and not (decl.has_git or (isinstance(spec, dict) and "git" in spec))
    table = decl.table_display
    kind = {"normal": "dependency", "dev": "dev-dependency", "build": "build-dependency"}[decl.kind]
    renamed = f" (package `{decl.package}`)" if decl.package != decl.key else ""
    if not is_path:
        source = "`workspace = true`" if decl.inherited and spec is None else _classify(spec)
        title = f"**{kind} `{decl.key}`{renamed}** in `{table}`: {source}"
        lines.append(title)
        if spec is not None or not decl.inherited:
            bullets.append("Not a path dependency, so it is **never** a workspace member.")
        bullets.extend(_gate_lines(w, decl, path_dep=False))
        return _md(lines, bullets)
    dep_manifest = normalize(join(normalize(join(base, rel_path)), MANIFEST))
    lines.append(f"**path {kind} `{decl.key}`{renamed}** → {_code(w.rel_dir(dep_manifest))} in `{table}`")
    member_lines = _membership_lines(w, dep_manifest, decl, m)
    bullets.extend(member_lines)
    said = any("only through `[target.…]` tables" in b for b in member_lines)
    bullets.extend(_gate_lines(w, decl, path_dep=not said))
    bullets.append(f"See {DOC_MEMBERS}.")
    return _md(lines, bullets)



def _inherited(w: _World, m: Manifest, decl: DependencyDecl):
    """(path, base dir, entry, bullets) for a `workspace = true` dependency."""
    session = w.res.session if w.res is not None else None
    source = session._inheritance_source(m) if session is not None else ("error", ("no workspace",))
    if source[0] != "root":
        why = (source[1][-1] if source[1] else "no workspace root").split("\n", 1)[0]
        why = why.replace(w.root_dir.rstrip("/") + "/", "")
        return None, m.dir, None, [
            f"`workspace = true`, but there is no workspace root to inherit from ({why}): cargo fails "
            "(CL102)."
        ]
    rc = source[1]
    root_m = rc.manifest
    item = root_m.doc.lookup(("workspace", "dependencies", decl.key)) if root_m.doc else None
    entry = manifest_mod.workspace_dependency(root_m.data.get("workspace", {}), decl.key)
    if item is None or entry is None:
        return None, m.dir, None, [
            f"`workspace = true`, but {_code(w.rel(root_m.path))} has no `[workspace.dependencies]` entry "
            f"`{decl.key}`: cargo fails (CL102). See {DOC_INHERIT}."
        ]
    if isinstance(item, Table) and item.origin == "header":
        text = f"[workspace.dependencies.{_key_text(decl.key)}] " + ", ".join(
            f"{k} = {_snippet(root_m.text, v.span)}" for k, v in item.entries.items()
        )
        span = item.header_span
    else:
        span = (item.key_span[0] if item.key_span else item.span[0], item.span[1])
        text = _snippet(root_m.text, span)
    where = w.where(root_m.path, span)
    path = entry.get("path") if isinstance(entry.get("path"), str) else None
    note = " (its `path` is relative to the workspace root)" if path is not None else ""
    return path, rc.root_dir, entry, [f"Inherits {_code(text)} from `[workspace.dependencies]` at `{where}`{note}."]


def _membership_lines(w: _World, dep_manifest: str, decl: DependencyDecl | None, declared_in: Manifest | None) -> list[str]:
    fs = w.ctx.fs
    out: list[str] = []
    res = w.res
    if res is not None and res.root_manifest is None and res.error is not None:
        return [f"cargo fails before it can decide membership: {_code(_error_text(w, res.error))}"]
    if not fs.is_file(dep_manifest):
        return [
            f"There is no `Cargo.toml` at {_code(w.rel_dir(dep_manifest))}: cargo fails to load this "
            "dependency (CL205)."
        ]
    if w.root is None:
        out.append(
            "**Not a workspace member**: no `[workspace]` claims this package, so it is its own "
            "workspace with one member; path dependencies join only a real workspace."
        )
        if res is not None and res.error is None:
            sel = check_selection(res, w.host)
            out.append(_cap(_selection_text(w, res, dep_manifest, sel, "here")) + ".")
        return out
    rres = w.root_res
    if rres.error is not None:
        out.append(f"cargo fails at the workspace root, so membership is not settled: {_code(_error_text(w, rres.error))}")
        return out
    if res is not None and res.error is not None and res is not rres:
        out.append(f"cargo fails in this package: {_code(_error_text(w, res.error))}")
    if dep_manifest in rres.reasons:
        listed = _explicit(w, rres).get(dep_manifest)
        if listed is not None:
            how = "matched by" if globs.has_glob_chars(listed) else "listed as"
            out.append(f"**Workspace member**: {how} {_code(listed)} in `workspace.members`.")
        else:
            chain = reason_chain(rres, dep_manifest, w.ctx.manifest)
            out.append("**Workspace member**, because it is:")
            for i, line in enumerate(chain):
                if i == 0:
                    out.append("  - " + line)
                else:
                    out.append("  - ← which is " + (line[6:] if line.startswith("it is ") else line))
        gated = gated_only(rres)
        if dep_manifest in gated:
            out.append(
                f"It joins **only through `[target.…]` tables**: cargo ignores the gate for membership ({L15023}). "
                f"To keep it out: `exclude = [\"{w.rel_dir(dep_manifest)}\"]` in the root, or `default-members` "
                "without it."
            )
    else:
        out.append(f"**Not a workspace member**: {_why_not(w, rres, dep_manifest, declared_in)}")
    sel = check_selection(rres, w.host)
    line = _cap(_selection_text(w, rres, dep_manifest, sel, "at the root"))
    if dep_manifest not in sel and dep_manifest in rres.reasons:
        line += " (`cargo check --workspace` does)"
    out.append(line + ".")
    return out


def _explicit(w: _World, rres: WorkspaceResult) -> dict[str, str]:
    """Member manifests that a `members` entry names (glob or literal) -> that entry."""
    root = rres.packages.get(rres.root_manifest) if rres.root_manifest else None
    ws = root.manifest.workspace if root is not None else None
    out: dict[str, str] = {}
    if ws is None:
        return out
    for entry, _ in ws.members or []:
        dirs, _, _, _ = _expand(w, root.manifest.dir, entry)
        for d in dirs:
            out.setdefault(normalize(join(d, MANIFEST)), entry)
    return out


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def _why_not(w: _World, rres: WorkspaceResult, dep_manifest: str, declared_in: Manifest | None) -> str:
    root_pkg = rres.packages.get(rres.root_manifest)
    rc = root_pkg.root_config if root_pkg is not None else None
    if rc is not None:
        entry = rc.excluding_entry(dep_manifest)
        if entry is not None:
            return f"kept out by `exclude` entry {_code(entry)} (it is still compiled as a dependency)."
    if not starts_with(posixpath.dirname(dep_manifest), w.root_dir):
        return "it lies outside the workspace root and does not point back to it with `package.workspace`."
    if declared_in is not None and declared_in.path not in rres.reasons:
        return (
            f"{_code(w.rel(declared_in.path))} is not a member itself, so cargo never explores its path "
            "dependencies."
        )
    return "cargo does not reach it from any member."


def _gate_lines(w: _World, decl: DependencyDecl, path_dep: bool) -> list[str]:
    if decl.platform is None:
        return []
    try:
        plat = cfg.parse_platform(decl.platform)
    except cfg.PlatformError as err:
        return [f"Gate `{_key_text(decl.platform)}`: cargo rejects it: {_code(err.message())} (CL401)."]
    if plat.cfg is not None:
        meaning = cfg.describe(plat.cfg)
    else:
        meaning = f"only when building for `{plat.target_name}`"
    on_host = "active" if cfg.platform_matches(plat, w.host) else "inactive"
    line = f"Gate {_code(decl.platform)}: {meaning}; **{on_host}** on the host (`{w.host.triple}`)."
    if path_dep:
        line += f" It decides only whether the dependency is compiled; membership ignores it ({L15023})."
    return [line]


def _md(lines: list[str], bullets: list[str]) -> str:
    out = list(lines)
    for b in bullets:
        out.append(b if b.startswith("  - ") or b.startswith("|") else f"- {b}")
    return "\n".join(out)


# -- [workspace.dependencies] entries ----------------------------------------------------------


def _render_wdep(w: _World, m: Manifest, doc: TomlDocument, t: _Target) -> str | None:
    key = t.data[0]
    entry = manifest_mod.workspace_dependency(m.data.get("workspace", {}), key)
    lines = [f"**`[workspace.dependencies]` entry `{key}`**: a template for `{key}.workspace = true`"]
    bullets = [f"By itself it makes nothing a member ({L17194})."]
    users = []
    rres = w.root_res if w.root == w.path else None
    if rres is not None:
        for member in rres.members:
            mm = w.ctx.manifest(member)
            if any(d.inherited and d.key == key for d in mm.deps):
                users.append(w.pkg_label(member))
    bullets.append("Inherited by: " + (", ".join(_more(users)) if users else "no member") + ".")
    path = entry.get("path") if isinstance(entry, dict) and isinstance(entry.get("path"), str) else None
    if path is None or "git" in (entry or {}):
        bullets.append(f"{_cap(_classify(entry))}: never a workspace member.")
        return _md(lines, bullets)
    dep_manifest = normalize(join(normalize(join(m.dir, path)), MANIFEST))
    bullets.append(f"Path {_code(path)} (relative to the workspace root) → {_code(w.rel_dir(dep_manifest))}.")
    if rres is not None and not users and dep_manifest not in rres.reasons:
        bullets.append("**Not a member**: no member inherits it.")
    else:
        bullets.extend(_membership_lines(w, dep_manifest, None, None))
    bullets.append(f"See {DOC_INHERIT}.")
    return _md(lines, bullets)


# -- [target.<key>] ----------------------------------------------------------------------------


def _dep_manifest(w: _World, m: Manifest, decl: DependencyDecl) -> str | None:
    """The manifest a path dependency points to (inherited ones resolved at the root), else None."""
    rel, base = decl.path, m.dir
    spec = value_at(m.data, decl.key_path)
    if decl.inherited:
        rel, base, spec, _ = _inherited(w, m, decl)
    if rel is None or decl.has_git or (isinstance(spec, dict) and "git" in spec):
        return None
    return normalize(join(normalize(join(base, rel)), MANIFEST))


def _render_cfg(w: _World, m: Manifest | None, doc: TomlDocument, t: _Target) -> str | None:
    key = t.data[0]
    shown = _key_text(key if len(key) <= 60 else key[:59] + "…")
    try:
        plat = cfg.parse_platform(key)
    except cfg.PlatformError as err:
        return _md([f"**{_code(f'[target.{shown}]')}**: cargo rejects this key"], [f"{_code(err.message())} (CL401).", f"See {DOC_PLATFORM}."])
    bullets: list[str] = []
    if plat.cfg is not None:
        meaning = cfg.describe(plat.cfg)
        if len(meaning) > 120:
            meaning = meaning[:119] + "…"
        lines = [f"**{_code(f'[target.{shown}]')}**: {meaning}"]
        const = cfg.constant_value(plat.cfg)
        if const is True:
            bullets.append("**Always true**, on every target.")
        elif const is False:
            bullets.append("**Always false**: nothing in this table is ever compiled.")
        else:
            bullets.append("Depends on the target:")
    else:
        lines = [f"**{_code(f'[target.{shown}]')}**: a target name, true only when building for exactly `{plat.target_name}`"]
        if plat.target_name not in cfg.KNOWN_TARGETS:
            bullets.append(f"`{plat.target_name}` is not a built-in target: only a custom target of that name matches.")
    rows = [(w.host.triple, w.host)]
    for triple in COMMON_TARGETS:
        if triple != w.host.triple:
            rows.append((triple, cfg.BUILTIN_TARGETS[triple]))
    table = ["", "| target | active |", "|---|---|"]
    for label, tc in rows:
        host = " (host)" if tc is w.host else ""
        table.append(f"| `{label}`{host} | {'yes' if cfg.platform_matches(plat, tc) else 'no'} |")
    table.append("")
    for lint in cfg.lint(plat)[:3]:
        if lint.code in ("cargo-unsupported-name", "cargo-unsupported-feature", "unknown-value", "unknown-name", "unknown-key"):
            bullets.append(f"Note: {lint.message}.")
    path_deps = []
    if m is not None:
        for d in m.deps:
            if d.platform == key and _dep_manifest(w, m, d) is not None:
                path_deps.append(f"`{d.key}`")
    body = _md(lines, bullets) + "\n" + "\n".join(table)
    tail = []
    if path_deps:
        tail.append(
            f"Membership ignores this gate: the path dependencies here ({', '.join(_more(path_deps, 6))}) "
            f"join the workspace whatever the cfg says ({L15023}); it only decides whether they are compiled."
        )
    tail.append(f"See {DOC_PLATFORM}.")
    return body + "\n" + "\n".join(f"- {x}" for x in tail)


# -- workspace.members / exclude / default-members ---------------------------------------------


def _render_ws_entry(w: _World, m: Manifest, doc: TomlDocument, t: _Target) -> str | None:
    key, entry = t.data
    if m.workspace is None:
        return None
    if key == "exclude":
        return _render_exclude_entry(w, m, entry)
    return _render_members_entry(w, m, key, entry)


def _expand(w: _World, root_dir: str, entry: str):
    """(member dirs, ignored files, error, literal) as `members_paths` expands the entry."""
    joined = join(root_dir, entry)
    found, err = w.ctx.expand(joined)
    if err is not None:
        return [], [], err, False
    if not found:
        return [joined], [], None, True
    dirs = [p for p in found if w.ctx.fs.is_dir(p)]
    files = [p for p in found if not w.ctx.fs.is_dir(p)]
    return dirs, files, None, False


def _render_members_entry(w: _World, m: Manifest, key: str, entry: str) -> str:
    rres = w.root_res if w.root == m.path else None
    root_dir = m.dir
    is_glob = globs.has_glob_chars(entry)
    dirs, files, err, literal = _expand(w, root_dir, entry)
    head = f"**`workspace.{key}` entry {_code(entry)}**"
    bullets: list[str] = []
    if err is not None:
        return _md([head + ": not a valid glob"], [f"cargo fails: {_code(str(err))} (CL202)."])
    if literal:
        what = "matches nothing → cargo uses it as a literal path" if is_glob else "a literal path"
        head += f": {what}"
    elif is_glob:
        head += f": glob, {len(dirs)} director{'y' if len(dirs) == 1 else 'ies'}"
    else:
        head += ": a literal path"
    rc = w.ctx.root_config(m)
    if rres is not None and rres.error is not None:
        rres = None  # cargo fails: say what the entry matches, not what cargo would decide
    items = []
    for d in dirs:
        man = normalize(join(d, MANIFEST))
        rel = _code(posixpath.relpath(normalize(d), root_dir) or ".")
        if not w.ctx.fs.is_file(man):
            items.append(f"{rel}: no `Cargo.toml`, cargo fails to load it (CL201)")
            continue
        name = w.name_of(man)
        label = rel if not name or name == posixpath.basename(normalize(d)) else f"{rel} (package `{name}`)"
        if key == "members":
            if rres is not None and man in rres.reasons:
                items.append(f"{label}: member")
            elif rc.excluding_entry(man) is not None:
                ex = rc.excluding_entry(man)
                why = " (a glob entry never protects from `exclude`)" if is_glob else ""
                items.append(f"{label}: kept out by `exclude` entry {_code(ex)}{why}")
            elif rres is not None:
                items.append(f"{label}: not a member")
            else:
                items.append(label)
        elif rres is None:
            items.append(label)
        else:
            if rres is not None and man in rres.default_members:
                items.append(f"{label}: selected by a plain `cargo check` at the root")
            elif rres is not None and man not in rres.reasons:
                items.append(f"{label}: **not a member**, cargo fails: listed in default-members but not a member (CL204)")
            else:
                items.append(f"{label}: not selected")
    bullets.extend(_more(items))
    if files:
        shown = ", ".join(_code(posixpath.relpath(normalize(f), root_dir)) for f in files[:3])
        bullets.append(f"{len(files)} file match{'es' if len(files) > 1 else ''} ignored ({shown}{', …' if len(files) > 3 else ''}): only directories count.")
    if key == "members" and not is_glob and rc.exclude:
        inert = [e for e in rc.exclude if starts_with(join(root_dir, e), join(root_dir, entry))]
        if inert:
            bullets.append(
                f"As a literal prefix it overrides `exclude` below it: {', '.join(_code(e) for e in inert)} "
                f"cannot keep anything out there ({L6745})."
            )
    failed = w.root_res if w.root == m.path else None
    if failed is not None and failed.error is not None:
        bullets.append(f"cargo currently fails at this root: {_code(_error_text(w, failed.error))}")
    bullets.append(f"See {DOC_MEMBERS if key == 'members' else DOC_DEFAULT}.")
    return _md([head], bullets)


def _candidates(w: _World, m: Manifest) -> list[str]:
    """Package manifests an `exclude` entry could concern: what `members` expands to, every path
    dependency cargo loaded, and packages at or just below each exclude prefix."""
    fs = w.ctx.fs
    found: dict[str, None] = {}
    ws = m.workspace
    for entry, _ in ws.members or []:
        dirs, _, err, _ = _expand(w, m.dir, entry)
        for d in dirs:
            found[normalize(join(d, MANIFEST))] = None
    rres = w.root_res if w.root == m.path else None
    if rres is not None:
        for pkg in rres.packages.values():
            for _, dst in pkg.deps:
                found[normalize(dst)] = None
    for entry, _ in ws.exclude:
        base = normalize(join(m.dir, entry))
        found[join(base, MANIFEST)] = None
        for name in fs.list_dir(base)[:500]:
            found[join(join(base, name), MANIFEST)] = None
    return [p for p in found if p != m.path and fs.is_file(p)]


def _render_exclude_entry(w: _World, m: Manifest, entry: str) -> str:
    root_dir = m.dir
    prefix = join(root_dir, entry)
    rc = w.ctx.root_config(m)
    head = f"**`workspace.exclude` entry {_code(entry)}**: a path prefix, not a glob"
    bullets: list[str] = []
    if globs.has_glob_chars(entry):
        bullets.append("`*`, `?` and `[` are taken literally here: it matches only a directory with exactly that name.")
    kept, stays = [], []
    for man in sorted(_candidates(w, m)):
        if not starts_with(man, prefix):
            continue
        protector = None
        if rc.members is not None:
            protector = next((e for e in rc.members if starts_with(man, join(root_dir, e))), None)
        if protector is not None:
            stays.append(f"{w.pkg_label(man)} stays: the literal `members` entry {_code(protector)} is a prefix of it and wins ({L6745})")
        else:
            kept.append(w.pkg_label(man))
    if kept:
        bullets.append("Keeps out: " + ", ".join(_more(kept)) + " (an excluded path dependency is still compiled as a dependency).")
    bullets.extend(_more(stays, 6))
    if not kept and not stays:
        bullets.append(f"Keeps out nothing: no package at or below {_code(entry)}.")
    elif not kept:
        bullets.append("So it keeps out nothing.")
    bullets.append("A prefix covers the directory and everything below it (`crates/a` does not cover `crates/ab`).")
    bullets.append(f"See {DOC_MEMBERS}.")
    return _md([head], bullets)


def _render_ws_key(w: _World, m: Manifest, doc: TomlDocument, t: _Target) -> str | None:
    key = t.data[0]
    if m.workspace is None:
        return None
    rres = w.root_res if w.root == m.path else None
    if rres is None:
        return None
    if rres.error is not None:
        return _md([f"**`workspace.{key}`**"], [f"cargo fails at this root: {_code(_error_text(w, rres.error))}"])
    members = [p for p in rres.members if not rres.packages[p].is_virtual]
    if key == "members":
        listed = _explicit(w, rres)
        explicit = [w.pkg_label(p) for p in members if rres.reasons[p].kind == "members" or p in listed]
        implicit = [p for p in members if rres.reasons[p].kind == "path-dep" and p not in listed]
        rootpkg = [w.pkg_label(p) for p in members if rres.reasons[p].kind == "root"]
        head = f"**`workspace.members`**: {len(members)} member{'s' if len(members) != 1 else ''}"
        bullets = ["Listed: " + (", ".join(_more(explicit)) if explicit else "none") + "."]
        if rootpkg:
            bullets.append(f"Root package: {rootpkg[0]} (always a member).")
        if implicit:
            bullets.append("**Implicit** (path dependencies inside the root always join):")
            gated = gated_only(rres)
            for p in implicit[:_MAX_LIST]:
                chain = reason_chain(rres, p, w.ctx.manifest)
                tag = f" (only through a target gate, {L15023})" if p in gated else ""
                bullets.append(f"  - {w.pkg_label(p)} ← {chain[0] if chain else ''}{tag}")
            if len(implicit) > _MAX_LIST:
                bullets.append(f"  - … and {len(implicit) - _MAX_LIST} more")
        else:
            bullets.append("No implicit members.")
        bullets.append(f"See {DOC_MEMBERS}.")
        return _md([head], bullets)
    if key == "default-members":
        sel = [w.pkg_label(p) for p in rres.default_members]
        return _md(
            [f"**`workspace.default-members`**: what a plain `cargo check` at the root selects"],
            ["Selected: " + (", ".join(_more(sel)) if sel else "nothing (cargo fails: no packages to compile)") + ".",
             "`--workspace` still builds every member.", f"See {DOC_DEFAULT}."],
        )
    rc = w.ctx.root_config(m)
    out = [w.pkg_label(p) for p in sorted(_candidates(w, m)) if rc.is_excluded(p)]
    return _md(
        ["**`workspace.exclude`**: path prefixes kept out of the workspace"],
        ["Keeps out: " + (", ".join(_more(out)) if out else "nothing") + ".",
         f"A literal `members` entry that is a prefix of a path beats `exclude` ({L6745}); a glob entry does not.",
         f"See {DOC_MEMBERS}."],
    )


# -- the CARGO executable ----------------------------------------------------------------------


_PRECEDENCE = (
    "Since cargo 1.87 ({l1}, {l2}) the value is: (1) cargo's own executable if its file stem is "
    "`cargo`; else (2) `argv[0]` if named `cargo`; else (3) an existing `$CARGO`; else (4) its own "
    "executable; else (5) `argv[0]`."
).format(l1=L15099, l2=L15208)
_LIBRARY = (
    "So the real `cargo` binary ignores a pre-set `$CARGO`. Programs that link cargo as a library "
    "(executable not named cargo) keep the 1.67–1.86 order, `$CARGO` first ({a}, {b}, {c}); "
    "the {doc} still describes that older behaviour."
).format(a=L10119, b=L10113, c=L11285, doc=DOC_CARGO_ENV)


def _render_cargo(w: _World, m: Manifest | None, doc: TomlDocument, t: _Target) -> str | None:
    what = t.data[0]
    fs = w.ctx.fs
    bullets: list[str] = []
    if what == "env":
        head = "**`[env] CARGO`: has no effect on what cargo hands out as `CARGO`**"
        bullets.append(
            f"{DOC_ENV_TABLE} adds variables to the processes cargo runs (build scripts, rustc, "
            "`cargo run` / `cargo test`) but never replaces one cargo sets itself, and cargo always sets "
            "`CARGO` there; `force = true` does not change that. External subcommands get no `[env]` at "
            "all, and step (3) below reads the real environment, not `[env]`."
        )
        bullets.append(
            "Observed with cargo 1.95: with `CARGO = \"/bogus\"` here (also with `force = true`) a build "
            "script, `env!(\"CARGO\")` and `cargo run` still saw the toolchain's `…/bin/cargo`."
        )
    else:
        mdir = m.dir if m is not None else posixpath.dirname(w.path)
        build = (m.data.get("package") or m.data.get("project") or {}).get("build") if m is not None else None
        has_script = build is not False and (isinstance(build, str) or build is True or fs.is_file(join(mdir, "build.rs")))
        head = "**`CARGO`: the cargo path given to build scripts, `cargo run` and subcommands**"
        if what == "build":
            if build is False:
                bullets.append("`build = false`: no build script runs; `CARGO` matters here only for `cargo run` / `cargo test` processes.")
            else:
                script = build if isinstance(build, str) else "build.rs"
                bullets.append(f"The build script {_code(script)} runs with `CARGO` set as below.")
        elif what == "links":
            bullets.append(
                "`links` needs a build script; it runs with `CARGO` as below (and `CARGO_MANIFEST_LINKS`)."
                + ("" if has_script else " No build script found for this package: cargo rejects `links` without one.")
            )
        else:
            bullets.append(
                "Build-dependencies are compiled for the build script, which runs with `CARGO` as below."
                + ("" if has_script else " No build script found (no `build.rs`, no `package.build`): cargo does not build them.")
            )
    bullets.append(_PRECEDENCE)
    bullets.append(_LIBRARY)
    bullets.extend(_live_facts(w))
    return _md([head], bullets)


_VERSION = re.compile(r"^(\d+)\.(\d+)(?:\.\d+)?(?:-.*)?$")


def _order_for(channel: str) -> str | None:
    mt = _VERSION.match(channel)
    if mt is None:
        return None
    minor = (int(mt.group(1)), int(mt.group(2)))
    if minor >= (1, 87):
        return "a 1.87+ cargo: the order above"
    if minor >= (1, 67):
        return "a 1.67–1.86 cargo: `$CARGO` first, then its own executable, then `argv[0]`"
    return "a pre-1.67 cargo: its own executable, then `argv[0]`; `$CARGO` is not read"


def _live_facts(w: _World) -> list[str]:
    out: list[str] = []
    env = w.env or {}
    value = env.get("CARGO")
    if value:
        out.append(
            f"Server environment: `CARGO={value}`: a cargo 1.87+ binary ignores it; cargo 1.67–1.86 and "
            "tools linking cargo as a library forward it."
        )
    else:
        out.append("Server environment: `CARGO` is not set.")
    start = posixpath.dirname(w.manifest_path) if w.manifest_path else posixpath.dirname(posixpath.dirname(w.path))
    found = _find_toolchain(w, start)
    rustup = env.get("RUSTUP_TOOLCHAIN")
    if found is None:
        out.append(
            "No `rust-toolchain(.toml)` here or above: rustup uses a directory override or the default "
            f"toolchain ({DOC_TOOLCHAIN})."
        )
    else:
        file, both, channel = found
        pin = f"pins {_code(channel)}" if channel else "names no channel cargo-lens can read"
        line = f"{_code(w.rel(file))} {pin}: via rustup, `cargo` runs that toolchain's cargo, so `CARGO` is its `…/bin/cargo`"
        order = _order_for(channel) if channel else None
        if order:
            line += f" ({order})"
        line += "."
        if both:
            line += " Both `rust-toolchain` and `rust-toolchain.toml` exist there: rustup uses `rust-toolchain` (and warns)."
        out.append(line + f" See {DOC_TOOLCHAIN}.")
    if rustup:
        out.append(f"`RUSTUP_TOOLCHAIN={rustup}` in the server environment overrides any toolchain file.")
    return out


def _find_toolchain(w: _World, start: str):
    fs = w.ctx.fs
    d = normalize(start)
    for _ in range(256):
        if not fs.inside_boundary(d):
            return None
        legacy, modern = join(d, "rust-toolchain"), join(d, "rust-toolchain.toml")
        has_legacy, has_modern = fs.is_file(legacy), fs.is_file(modern)
        if has_legacy or has_modern:
            file = legacy if has_legacy else modern
            return file, has_legacy and has_modern, _toolchain_channel(fs, file)
        parent = posixpath.dirname(d)
        if parent == d:
            return None
        d = parent
    return None


def _toolchain_channel(fs, file: str) -> str | None:
    try:
        text = fs.read_text(file)
    except FsError:
        return None
    stripped = text.strip()
    if stripped and "\n" not in stripped and "=" not in stripped and "[" not in stripped:
        return stripped  # the legacy one-line format
    data = parse_toml(text).to_python()
    tc = data.get("toolchain")
    if isinstance(tc, dict):
        if isinstance(tc.get("channel"), str):
            return tc["channel"]
        if isinstance(tc.get("path"), str):
            return f"path {tc['path']}"
    return None


_RENDER = {
    "dep": _render_dep,
    "wdep": _render_wdep,
    "cfg": _render_cfg,
    "ws-entry": _render_ws_entry,
    "ws-key": _render_ws_key,
    "cargo": _render_cargo,
}
