"""Inlay hints and code lenses for `Cargo.toml` (issue 5 §5–6).

* ``inlay_hints(ctx, path, span=None)``:
  - after a path dependency whose package joins the workspace only through `[target.…]` tables
    (``membership.gated_only`` on cargo's member discovery): ``implicit member``;
  - after `version.workspace = true` (any `[package]` key): the value inherited from the root's
    `[workspace.package]`, as ``= "0.1.0"``;
  - after a dependency's `workspace = true`: the root entry it inherits, as ``{ version = "1" }``.
* ``code_lenses(ctx, path)``:
  - on `[workspace]`: ``N members · K implicit · G gated``, with the lists (``data``) for the
    explain view; ``cargo fails: …`` when cargo rejects the workspace;
  - on `[package]`: ``member of <root, relative>`` (``workspace root`` for the root package), or
    ``not a member: <reason>`` (cargo's first error line, ``excluded by `x` in <root>``, or
    ``no workspace`` for a package that is its own one-package workspace).

Read through ``ctx`` (unsaved buffers count). Never raises: bad input gives ``[]``.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field

from .completion import entry_summary
from .cursor import entry_span
from .fs import normalize
from .membership import gated_only, reason_chain
from .toml_doc import Scalar, Table
from .workspace import MANIFEST, Context
from .wsview import WorkspaceView, key_span

Span = tuple[int, int]

__all__ = ["InlayHint", "CodeLens", "inlay_hints", "code_lenses", "EXPLAIN_COMMAND"]

EXPLAIN_COMMAND = "cargo-lens.explain"
_MAX_LABEL = 60


@dataclass(frozen=True)
class InlayHint:
    """Text shown at ``offset`` (a code-point offset). ``kind``: "membership" | "inherited"."""

    offset: int
    label: str
    kind: str
    tooltip: str = ""
    padding_left: bool = True


@dataclass(frozen=True)
class CodeLens:
    """A lens over ``span``: ``title`` runs ``command`` with ``arguments``; ``data`` holds the
    details the explain view shows (absolute manifest paths)."""

    span: Span
    title: str
    command: str = EXPLAIN_COMMAND
    arguments: tuple = ()
    data: dict = field(default_factory=dict, compare=False, hash=False)


def _view(ctx: Context, path: str) -> WorkspaceView | None:
    if not path:
        return None
    path = normalize(path)
    if posixpath.basename(path) != MANIFEST:
        return None
    view = WorkspaceView(ctx, path)
    if view.m.doc is None or view.m.text is None:
        return None
    return view


def _short(s: str) -> str:
    s = " ".join(s.split())
    return s if len(s) <= _MAX_LABEL else s[: _MAX_LABEL - 1] + "…"


# -- inlay hints -------------------------------------------------------------------------------


def inlay_hints(ctx: Context, path: str, span: Span | None = None) -> list[InlayHint]:
    """Hints for the manifest at ``path`` (only those inside ``span`` when given). Never raises."""
    try:
        view = _view(ctx, path)
        if view is None:
            return []
        hints = _inherited_package_hints(view) + _inherited_dependency_hints(view) + _gated_hints(view)
        if span is not None:
            hints = [h for h in hints if span[0] <= h.offset <= span[1]]
        hints.sort(key=lambda h: (h.offset, h.kind))
        return hints
    except (Exception, RecursionError):
        return []


def _inherited_package_hints(view: WorkspaceView) -> list[InlayHint]:
    m = view.m
    out: list[InlayHint] = []
    for pkg_key in ("package", "project"):
        pkg = m.doc.root.get(pkg_key)
        if not isinstance(pkg, Table):
            continue
        for key, item in pkg.entries.items():
            if not (isinstance(item, Table) and isinstance(item.get("workspace"), Scalar) and item.get("workspace").value is True):
                continue
            rc = view.inherit_root
            if rc is None:
                return out
            value = rc.manifest.doc.lookup(("workspace", "package", key))
            if value is None:
                continue
            text = rc.manifest.text or ""
            shown = _short(text[value.span[0] : value.span[1]])
            out.append(InlayHint(
                entry_span(item)[1], f"= {shown}", "inherited",
                f"`{key}` inherited from `[workspace.package]` in {view.rel(rc.manifest.path)}",
            ))
    return out


def _inherited_dependency_hints(view: WorkspaceView) -> list[InlayHint]:
    m = view.m
    out: list[InlayHint] = []
    for decl in m.deps:
        if not decl.inherited:
            continue
        found = view.ws_dependency(decl.key)
        if found is None:
            continue
        root_m, entry = found
        end = view.decl_entry_span(m, decl)
        if end is None:
            continue
        out.append(InlayHint(
            end[1], entry_summary(root_m.text, entry), "inherited",
            f"`{decl.key}` inherited from `[workspace.dependencies]` in {view.rel(root_m.path)}",
        ))
    return out


def _gated_hints(view: WorkspaceView) -> list[InlayHint]:
    m = view.m
    if not any(d.platform is not None for d in m.deps):
        return []  # no `[target.…]` dependency here: nothing to say, and no member discovery
    res = view.res
    if res.root_manifest is None or view.path not in res.reasons:
        return []
    out: list[InlayHint] = []
    for dst, edges in gated_only(res).items():
        for e in edges:
            if e.src != view.path:
                continue
            span = view.decl_entry_span(m, e.decl)
            if span is None:
                continue
            out.append(InlayHint(
                span[1], "implicit member", "membership",
                f"{view.rel(posixpath.dirname(dst))} joins the workspace only through "
                f"`{e.decl.table_display}`: cargo ignores the target gate for membership "
                "(rust-lang/cargo#15023)",
            ))
    return out


# -- code lenses -------------------------------------------------------------------------------


def code_lenses(ctx: Context, path: str) -> list[CodeLens]:
    """Lenses for the `[workspace]` and `[package]` headers of the manifest at ``path``. Never raises."""
    try:
        view = _view(ctx, path)
        if view is None:
            return []
        out = []
        ws = view.m.doc.root.get("workspace")
        if isinstance(ws, Table) and view.m.workspace is not None:
            lens = _workspace_lens(view, ws.header_span or key_span(ws))
            if lens is not None:
                out.append(lens)
        for key in ("package", "project"):
            pkg = view.m.doc.root.get(key)
            if isinstance(pkg, Table) and view.m.has_package:
                out.append(_package_lens(view, pkg.header_span or key_span(pkg)))
                break
        out.sort(key=lambda lens: lens.span)
        return out
    except (Exception, RecursionError):
        return []


def _ancestor_root(view: WorkspaceView) -> str | None:
    """The nearest manifest above this one with a `[workspace]` table (read tolerantly)."""
    fs = view.ctx.fs
    d = posixpath.dirname(view.m.dir)
    for _ in range(256):
        if not fs.inside_boundary(d):
            return None
        cand = posixpath.join(d, MANIFEST)
        if fs.is_file(cand) and view.manifest(cand).workspace is not None:
            return cand
        parent = posixpath.dirname(d)
        if parent == d:
            return None
        d = parent
    return None


def _first_line(err, res) -> str:
    """cargo's first error line, its trailing colon dropped, paths shown relative to the root."""
    line = err.first_line.rstrip()
    line = line[:-1] if line.endswith(":") else line
    base = posixpath.dirname(res.root_manifest or res.current)
    return line.replace(base.rstrip("/") + "/", "")


def _workspace_lens(view: WorkspaceView, span: Span) -> CodeLens | None:
    res = view.res
    if res.root_manifest != view.path:
        return None
    args = (view.path,)
    if res.error is not None:  # the member lists would be partial: say what cargo says
        return CodeLens(span, f"cargo fails: {_short(_first_line(res.error, res))}", arguments=args,
                        data={"root": view.path, "error": res.error.text(), "members": list(res.members)})
    packages = [p for p in res.members if p in res.packages and not res.packages[p].is_virtual]
    explicit = view.explicit_members(res)
    implicit = [p for p in packages if res.reasons[p].kind == "path-dep" and p not in explicit]
    gated = [p for p in gated_only(res) if p in res.reasons]
    n = len(packages)
    title = f"{n} member{'s' if n != 1 else ''} · {len(implicit)} implicit · {len(gated)} gated"
    data = {
        "root": view.path,
        "members": packages,
        "implicit": implicit,
        "gated": gated,
        "default_members": list(res.default_members),
        "reasons": {p: reason_chain(res, p, view.ctx.manifest) for p in implicit},
    }
    return CodeLens(span, title, arguments=args, data=data)


def _package_lens(view: WorkspaceView, span: Span) -> CodeLens:
    res = view.res
    me = view.path
    args = (me,)
    if res.root_manifest is None:
        err = res.error
        if err is not None and _ancestor_root(view) is not None:
            # there is a `[workspace]` above, but cargo stops before deciding (it cannot read it, …)
            return CodeLens(span, f"not a member: {_short(_first_line(err, res))}", arguments=args,
                            data={"error": err.text()})
        session = res.session
        for root_dir, cfg in (session.ws_roots.items() if session is not None else ()):
            entry = cfg.excluding_entry(me)
            if entry is not None:
                root = posixpath.join(root_dir, MANIFEST)
                return CodeLens(span, f"not a member: excluded by `{entry}` in {view.rel(root)}", arguments=args,
                                data={"root": root, "exclude": entry})
        title, data = "not a member: no workspace", {}
        if err is not None:  # its own problem: say so too
            title += f" · cargo fails: {_short(_first_line(err, res))}"
            data["error"] = err.text()
        return CodeLens(span, title, arguments=args, data=data)
    root = res.root_manifest
    if me in res.reasons:
        if root == me:
            title = "workspace root package"
        else:
            title = f"member of {view.rel(root)}"
            explicit = view.explicit_members(res)
            if res.reasons[me].kind == "path-dep" and me not in explicit:
                title += " (implicit)"
        data = {"root": root, "reasons": reason_chain(res, me, view.ctx.manifest)}
        if res.error is not None:
            title += f" · cargo fails: {_short(_first_line(res.error, res))}"
            data["error"] = res.error.text()
        return CodeLens(span, title, arguments=args, data=data)
    err = res.error
    reason = _short(_first_line(err, res)) if err is not None else "cargo does not reach it from any member"
    return CodeLens(span, f"not a member: {reason}", arguments=args,
                    data={"root": root, "error": err.text() if err is not None else None})
