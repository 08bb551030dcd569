"""Where engine results become lsprotocol objects (diagnostics are built as JSON in wire.py)."""

from __future__ import annotations

from lsprotocol import types as lsp

from ..engine.diagnostics import Diagnostic, Fix
from ..engine.text import Encoding, LineIndex
from . import wire
from .documents import path_to_uri

_converter = None


def lsp_range(index: LineIndex, span: tuple[int, int], encoding: Encoding) -> lsp.Range:
    sl, sc = index.position(span[0], encoding)
    el, ec = index.position(span[1], encoding)
    return lsp.Range(lsp.Position(sl, sc), lsp.Position(el, ec))


def lsp_diagnostic(d: Diagnostic, index_of, encoding: Encoding, related_support: bool, uri_of=path_to_uri) -> lsp.Diagnostic:
    """wire.diagnostic_json as an lsprotocol object, for responses that embed diagnostics."""
    global _converter
    if _converter is None:
        from lsprotocol.converters import get_converter

        _converter = get_converter()
    return _converter.structure(wire.diagnostic_json(d, index_of, encoding, related_support, uri_of), lsp.Diagnostic)


def workspace_edit(fix: Fix, index_of, encoding: Encoding, versions: dict[str, int | None], document_changes: bool,
                   uri_of=path_to_uri) -> lsp.WorkspaceEdit:
    """A fix's edits, grouped per file; versioned where the client supports it, so an edit
    computed for an older buffer is refused rather than applied to the wrong text."""
    per_file: dict[str, list[lsp.TextEdit]] = {}
    for e in fix.edits:
        per_file.setdefault(e.file, []).append(lsp.TextEdit(lsp_range(index_of(e.file), e.span, encoding), e.new_text))
    if document_changes:
        return lsp.WorkspaceEdit(
            document_changes=[
                lsp.TextDocumentEdit(
                    lsp.OptionalVersionedTextDocumentIdentifier(uri_of(f), versions.get(f)), edits
                )
                for f, edits in per_file.items()
            ]
        )
    return lsp.WorkspaceEdit(changes={uri_of(f): edits for f, edits in per_file.items()})
