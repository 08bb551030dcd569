"""Authoring help (issue 5) and the server's commands, as thin handlers over the engine.

Every handler answers from the open buffers (the engine reads them through the overlay), runs
the engine in the analysis worker so typing is never blocked, and turns bad positions or
files outside any workspace into empty answers.

A request is answered for the text it was made against. The handlers are generators: pygls
runs one up to its first ``yield`` as soon as the request is read, in message order, so the
buffers (and the line index that turns the engine's offsets back into positions) are taken
before any later ``didChange`` is applied; the engine then runs in the worker. An async
handler would only start on the next turn of the event loop, after a ``didChange`` that came
in the same read, and so read the request's position against a newer text (and convert its
answer with yet another one).
"""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass

from lsprotocol import types as lsp

from ..engine.text import LineIndex
from ..engine.workspace import Context
from . import convert
from .documents import path_to_uri, uri_to_path

COMPLETION_KIND = {
    "key": lsp.CompletionItemKind.Property,
    "value": lsp.CompletionItemKind.Value,
    "path": lsp.CompletionItemKind.Folder,
    "crate": lsp.CompletionItemKind.Module,
    "feature": lsp.CompletionItemKind.EnumMember,
    "version": lsp.CompletionItemKind.Constant,
}
# the engine names kinds in lower case ("namespace", "package"); lsprotocol's names are CamelCase
SYMBOL_KIND = {k.name.lower(): k for k in lsp.SymbolKind}
EXPLAIN = "cargoLens.explain"
SUMMARY = "cargoLens.workspaceSummary"


def _context(ls) -> Context:
    overlay = {d.path: d.text for d in ls.docs.all()}
    return Context(ls.disk.with_overlay(overlay), shared=ls.shared)


async def _run(ls, fn, *args):
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(ls._request_pool, fn, *args)


@dataclass(frozen=True)
class _Request:
    """What a request is answered against, taken when it is read: the document (its path, URI,
    text and line index), every open buffer (in ``ctx``) and the position encoding."""

    uri: str
    path: str
    index: LineIndex
    ctx: Context
    encoding: str
    uri_of: dict  # path -> URI of every open document (the client's own spelling)

    def offset(self, position: lsp.Position) -> int:
        return self.index.offset(position.line, position.character, self.encoding)

    def range(self, span) -> lsp.Range:
        return convert.lsp_range(self.index, span, self.encoding)

    def uri_for(self, path: str) -> str:
        return self.uri_of.get(path) or path_to_uri(path)


def _request(ls, uri: str) -> _Request | None:
    """The snapshot a request on ``uri`` is answered against (None: not an open document)."""
    doc = ls.docs.get(uri)
    if doc is None:
        return None
    return _Request(doc.uri, doc.path, doc.index, _context(ls), ls.encoding, {d.path: d.uri for d in ls.docs.all()})


def _locations(req: _Request, found) -> list[lsp.Location]:
    indexes: dict[str, LineIndex] = {req.path: req.index}
    out = []
    for loc in found:
        index = indexes.get(loc.file)
        if index is None:
            index = indexes[loc.file] = LineIndex(req.ctx.manifest(loc.file).text or "")
        out.append(lsp.Location(req.uri_for(loc.file), convert.lsp_range(index, loc.span, req.encoding)))
    return out


def register(ls) -> None:
    """Add the authoring features and commands to ``ls`` (a CargoLensServer).

    Each feature is a generator (see the module docstring): the part before ``yield`` runs when
    the request is read; ``yield (coroutine function, args, None)`` has pygls run the rest on
    the event loop and send its result back, which the generator returns."""
    from ..engine import navigation as nav

    async def _completion(ls, req: _Request, offset: int):
        items = await _run(ls, nav.complete, req.ctx, req.path, offset)
        out = []
        for it in items:
            out.append(
                lsp.CompletionItem(
                    label=it.label,
                    kind=COMPLETION_KIND.get(it.kind, lsp.CompletionItemKind.Text),
                    detail=it.detail or None,
                    documentation=lsp.MarkupContent(lsp.MarkupKind.Markdown, it.documentation) if it.documentation else None,
                    sort_text=it.sort_text,
                    filter_text=it.label,
                    text_edit=lsp.TextEdit(req.range(it.replace), it.insert_text or it.label),
                )
            )
        return lsp.CompletionList(is_incomplete=False, items=out)

    @ls.feature(lsp.TEXT_DOCUMENT_COMPLETION, lsp.CompletionOptions(trigger_characters=['"', "/", ".", "=", " "]))
    def completion(ls, params: lsp.CompletionParams):
        req = _request(ls, params.text_document.uri)
        if req is None:
            return None
        return (yield _completion, (ls, req, req.offset(params.position)), None)

    async def _goto(ls, req: _Request, offset: int):
        found = await _run(ls, nav.definition, req.ctx, req.path, offset)
        return _locations(req, found) or None

    @ls.feature(lsp.TEXT_DOCUMENT_DEFINITION)
    def definition(ls, params: lsp.DefinitionParams):
        req = _request(ls, params.text_document.uri)
        if req is None:
            return None
        return (yield _goto, (ls, req, req.offset(params.position)), None)

    @ls.feature(lsp.TEXT_DOCUMENT_DECLARATION)
    def declaration(ls, params: lsp.DeclarationParams):
        req = _request(ls, params.text_document.uri)
        if req is None:
            return None
        return (yield _goto, (ls, req, req.offset(params.position)), None)

    async def _references(ls, req: _Request, offset: int, include_declaration: bool):
        found = await _run(ls, nav.references, req.ctx, req.path, offset, include_declaration)
        return _locations(req, found)

    @ls.feature(lsp.TEXT_DOCUMENT_REFERENCES)
    def references(ls, params: lsp.ReferenceParams):
        req = _request(ls, params.text_document.uri)
        if req is None:
            return None
        include = bool(params.context.include_declaration) if params.context is not None else True
        return (yield _references, (ls, req, req.offset(params.position), include), None)

    async def _document_link(ls, req: _Request):
        links = await _run(ls, nav.document_links, req.ctx, req.path)
        return [lsp.DocumentLink(req.range(link.span), target=req.uri_for(link.target), tooltip=link.tooltip or None) for link in links]

    @ls.feature(lsp.TEXT_DOCUMENT_DOCUMENT_LINK, lsp.DocumentLinkOptions(resolve_provider=False))
    def document_link(ls, params: lsp.DocumentLinkParams):
        req = _request(ls, params.text_document.uri)
        if req is None:
            return None
        return (yield _document_link, (ls, req), None)

    async def _inlay_hint(ls, req: _Request, span):
        hints = await _run(ls, nav.inlay_hints, req.ctx, req.path, span)
        out = []
        for h in hints:
            line, ch = req.index.position(h.offset, req.encoding)
            out.append(
                lsp.InlayHint(
                    position=lsp.Position(line, ch),
                    label=h.label,
                    kind=lsp.InlayHintKind.Type if h.kind == "inherited" else None,
                    tooltip=h.tooltip or None,
                    padding_left=h.padding_left,
                )
            )
        return out

    @ls.feature(lsp.TEXT_DOCUMENT_INLAY_HINT, lsp.InlayHintOptions(resolve_provider=False))
    def inlay_hint(ls, params: lsp.InlayHintParams):
        req = _request(ls, params.text_document.uri)
        if req is None:
            return None
        start, end = req.offset(params.range.start), req.offset(params.range.end)
        return (yield _inlay_hint, (ls, req, (min(start, end), max(start, end))), None)

    async def _code_lens(ls, req: _Request):
        lenses = await _run(ls, nav.code_lenses, req.ctx, req.path)
        return [
            lsp.CodeLens(
                range=req.range(lens.span),
                command=lsp.Command(title=lens.title, command=EXPLAIN, arguments=[req.uri]),
            )
            for lens in lenses
        ]

    @ls.feature(lsp.TEXT_DOCUMENT_CODE_LENS, lsp.CodeLensOptions(resolve_provider=False))
    def code_lens(ls, params: lsp.CodeLensParams):
        req = _request(ls, params.text_document.uri)
        if req is None:
            return None
        return (yield _code_lens, (ls, req), None)

    def _symbol(req: _Request, s) -> lsp.DocumentSymbol:
        return lsp.DocumentSymbol(
            name=s.name or "(empty)",
            kind=SYMBOL_KIND.get(s.kind, lsp.SymbolKind.Field),
            range=req.range(s.span),
            selection_range=req.range(s.selection_span),
            detail=s.detail or None,
            children=[_symbol(req, c) for c in s.children] or None,
        )

    async def _document_symbol(ls, req: _Request):
        symbols = await _run(ls, nav.document_symbols, req.ctx, req.path)
        return [_symbol(req, s) for s in symbols]

    @ls.feature(lsp.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    def document_symbol(ls, params: lsp.DocumentSymbolParams):
        req = _request(ls, params.text_document.uri)
        if req is None:
            return None
        return (yield _document_symbol, (ls, req), None)

    async def _folding_range(ls, req: _Request):
        ranges = await _run(ls, nav.folding_ranges, req.ctx, req.path)
        kinds = {"comment": lsp.FoldingRangeKind.Comment, "imports": lsp.FoldingRangeKind.Imports}
        return [lsp.FoldingRange(start_line=r.start_line, end_line=r.end_line, kind=kinds.get(r.kind, lsp.FoldingRangeKind.Region)) for r in ranges]

    @ls.feature(lsp.TEXT_DOCUMENT_FOLDING_RANGE)
    def folding_range(ls, params: lsp.FoldingRangeParams):
        req = _request(ls, params.text_document.uri)
        if req is None:
            return None
        return (yield _folding_range, (ls, req), None)

    @ls.command(EXPLAIN)
    async def explain_command(ls, *args):
        """Plain text: why the manifest at args[0] (a URI) is or is not a member."""
        from ..engine.explain import explain

        path = _path_arg(args)
        if path is None:
            return "cargo-lens: no manifest given"
        ctx = _context(ls)
        text, _ = await _run(ls, lambda: explain(path, allow_rustc=ls.settings.rustc_allowed, ctx=ctx, display=_rel_display(ls)))
        return text

    @ls.command(SUMMARY)
    async def summary_command(ls, *args):
        """{root, members, error} for the status bar."""
        from ..engine.workspace import Session

        path = _path_arg(args)
        if path is None:
            return {"root": None, "members": 0, "error": "no manifest given"}
        ctx = _context(ls)

        def work():
            res = Session(ctx, path).run()
            if res.error is not None:
                return {"root": None, "members": 0, "error": res.error.first_line}
            members = [m for m in res.members if not res.packages[m].is_virtual]
            return {"root": os.path.dirname(res.root_manifest or res.current), "members": len(members), "error": None}

        return await _run(ls, work)


def _path_arg(args) -> str | None:
    if not args:
        return None
    first = args[0]
    if isinstance(first, dict):
        first = first.get("uri")
    if not isinstance(first, str):
        return None
    path = uri_to_path(first) if first.startswith("file:") else first
    if path and os.path.isdir(path):
        path = os.path.join(path, "Cargo.toml")
    return path


def _rel_display(ls):
    folders = list(ls.folders)

    def display(p: str) -> str:
        for f in folders:
            if p.startswith(f.rstrip("/") + "/"):
                return os.path.relpath(p, f)
        return p

    return display
