"""Authoring help (issue 5) and the server's commands, as thin handlers over the engine.

Every handler answers from the open buffers (the engine reads them through the overlay), runs
the engine in the analysis worker so typing is never blocked, and turns bad positions or
files outside any workspace into empty answers.
"""

from __future__ import annotations

import asyncio
import os

from lsprotocol import types as lsp

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
SYMBOL_KIND = {k.name: k for k in lsp.SymbolKind}
EXPLAIN = "cargoLens.explain"
SUMMARY = "cargoLens.workspaceSummary"


def _context(ls) -> Context:
    overlay = {d.path: d.text for d in ls.docs.all()}
    return Context(ls.disk.with_overlay(overlay), shared=ls.shared)


async def _run(ls, fn, *args):
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(ls._pool, fn, *args)


def _doc_and_offset(ls, uri: str, position: lsp.Position | None):
    doc = ls.docs.get(uri)
    if doc is None:
        return None, None
    if position is None:
        return doc, None
    return doc, doc.index.offset(position.line, position.character, ls.encoding)


def _location(ctx: Context, ls, loc) -> lsp.Location:
    from ..engine.text import LineIndex

    text = ctx.manifest(loc.file).text or ""
    return lsp.Location(path_to_uri(loc.file), convert.lsp_range(LineIndex(text), loc.span, ls.encoding))


def register(ls) -> None:
    """Add the authoring features and commands to ``ls`` (a CargoLensServer)."""
    from ..engine import navigation as nav

    @ls.feature(lsp.TEXT_DOCUMENT_COMPLETION, lsp.CompletionOptions(trigger_characters=['"', "/", ".", "=", " "]))
    async def completion(ls, params: lsp.CompletionParams):
        doc, offset = _doc_and_offset(ls, params.text_document.uri, params.position)
        if doc is None:
            return None
        ctx = _context(ls)
        items = await _run(ls, nav.complete, ctx, doc.path, offset)
        out = []
        for it in items:
            rng = convert.lsp_range(doc.index, it.replace, ls.encoding)
            out.append(
                lsp.CompletionItem(
                    label=it.label,
                    kind=COMPLETION_KIND.get(it.kind, lsp.CompletionItemKind.Text),
                    detail=it.detail or None,
                    documentation=lsp.MarkupContent(lsp.MarkupKind.Markdown, it.documentation) if it.documentation else None,
                    sort_text=it.sort_text,
                    filter_text=it.label,
                    text_edit=lsp.TextEdit(rng, it.insert_text or it.label),
                )
            )
        return lsp.CompletionList(is_incomplete=False, items=out)

    async def _goto(ls, params):
        doc, offset = _doc_and_offset(ls, params.text_document.uri, params.position)
        if doc is None:
            return None
        ctx = _context(ls)
        found = await _run(ls, nav.definition, ctx, doc.path, offset)
        return [_location(ctx, ls, loc) for loc in found] or None

    @ls.feature(lsp.TEXT_DOCUMENT_DEFINITION)
    async def definition(ls, params: lsp.DefinitionParams):
        return await _goto(ls, params)

    @ls.feature(lsp.TEXT_DOCUMENT_DECLARATION)
    async def declaration(ls, params: lsp.DeclarationParams):
        return await _goto(ls, params)

    @ls.feature(lsp.TEXT_DOCUMENT_REFERENCES)
    async def references(ls, params: lsp.ReferenceParams):
        doc, offset = _doc_and_offset(ls, params.text_document.uri, params.position)
        if doc is None:
            return None
        ctx = _context(ls)
        found = await _run(ls, nav.references, ctx, doc.path, offset, params.context.include_declaration)
        return [_location(ctx, ls, loc) for loc in found]

    @ls.feature(lsp.TEXT_DOCUMENT_DOCUMENT_LINK, lsp.DocumentLinkOptions(resolve_provider=False))
    async def document_link(ls, params: lsp.DocumentLinkParams):
        doc, _ = _doc_and_offset(ls, params.text_document.uri, None)
        if doc is None:
            return None
        links = await _run(ls, nav.document_links, _context(ls), doc.path)
        return [
            lsp.DocumentLink(convert.lsp_range(doc.index, link.span, ls.encoding), target=path_to_uri(link.target), tooltip=link.tooltip or None)
            for link in links
        ]

    @ls.feature(lsp.TEXT_DOCUMENT_INLAY_HINT, lsp.InlayHintOptions(resolve_provider=False))
    async def inlay_hint(ls, params: lsp.InlayHintParams):
        doc, _ = _doc_and_offset(ls, params.text_document.uri, None)
        if doc is None:
            return None
        r = params.range
        span = (
            doc.index.offset(r.start.line, r.start.character, ls.encoding),
            doc.index.offset(r.end.line, r.end.character, ls.encoding),
        )
        hints = await _run(ls, nav.inlay_hints, _context(ls), doc.path, span)
        out = []
        for h in hints:
            line, ch = doc.index.position(h.offset, ls.encoding)
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

    @ls.feature(lsp.TEXT_DOCUMENT_CODE_LENS, lsp.CodeLensOptions(resolve_provider=False))
    async def code_lens(ls, params: lsp.CodeLensParams):
        doc, _ = _doc_and_offset(ls, params.text_document.uri, None)
        if doc is None:
            return None
        lenses = await _run(ls, nav.code_lenses, _context(ls), doc.path)
        return [
            lsp.CodeLens(
                range=convert.lsp_range(doc.index, lens.span, ls.encoding),
                command=lsp.Command(title=lens.title, command=EXPLAIN, arguments=[params.text_document.uri]),
            )
            for lens in lenses
        ]

    def _symbol(doc, s) -> lsp.DocumentSymbol:
        return lsp.DocumentSymbol(
            name=s.name or "(empty)",
            kind=SYMBOL_KIND.get(s.kind, lsp.SymbolKind.Field),
            range=convert.lsp_range(doc.index, s.span, ls.encoding),
            selection_range=convert.lsp_range(doc.index, s.selection_span, ls.encoding),
            detail=s.detail or None,
            children=[_symbol(doc, c) for c in s.children] or None,
        )

    @ls.feature(lsp.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    async def document_symbol(ls, params: lsp.DocumentSymbolParams):
        doc, _ = _doc_and_offset(ls, params.text_document.uri, None)
        if doc is None:
            return None
        symbols = await _run(ls, nav.document_symbols, _context(ls), doc.path)
        return [_symbol(doc, s) for s in symbols]

    @ls.feature(lsp.TEXT_DOCUMENT_FOLDING_RANGE)
    async def folding_range(ls, params: lsp.FoldingRangeParams):
        doc, _ = _doc_and_offset(ls, params.text_document.uri, None)
        if doc is None:
            return None
        ranges = await _run(ls, nav.folding_ranges, _context(ls), doc.path)
        kinds = {"comment": lsp.FoldingRangeKind.Comment, "imports": lsp.FoldingRangeKind.Imports}
        return [lsp.FoldingRange(start_line=r.start_line, end_line=r.end_line, kind=kinds.get(r.kind, lsp.FoldingRangeKind.Region)) for r in ranges]

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
