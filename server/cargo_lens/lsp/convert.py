"""The only place where engine results become lsprotocol objects (and positions get encoded)."""

from __future__ import annotations

from lsprotocol import types as lsp

from ..engine.diagnostics import Diagnostic, Fix
from ..engine.text import Encoding, LineIndex
from .documents import path_to_uri

SEVERITY = {
    "error": lsp.DiagnosticSeverity.Error,
    "warning": lsp.DiagnosticSeverity.Warning,
    "information": lsp.DiagnosticSeverity.Information,
    "hint": lsp.DiagnosticSeverity.Hint,
}


def lsp_range(index: LineIndex, span: tuple[int, int], encoding: Encoding) -> lsp.Range:
    sl, sc = index.position(span[0], encoding)
    el, ec = index.position(span[1], encoding)
    return lsp.Range(lsp.Position(sl, sc), lsp.Position(el, ec))


def lsp_diagnostic(d: Diagnostic, index_of, encoding: Encoding, related_support: bool, uri_of=path_to_uri) -> lsp.Diagnostic:
    message = d.message
    if d.help:
        message += "\n" + "\n".join(f"help: {h}" for h in d.help)
    related = None
    if related_support and d.related:
        related = [
            lsp.DiagnosticRelatedInformation(
                lsp.Location(uri_of(r.file), lsp_range(index_of(r.file), r.span, encoding)), r.message
            )
            for r in d.related
        ]
    return lsp.Diagnostic(
        range=lsp_range(index_of(d.file), d.span, encoding),
        message=message,
        severity=SEVERITY.get(d.severity, lsp.DiagnosticSeverity.Warning),
        code=d.code,
        source="cargo-lens",
        related_information=related,
        data={"code": d.code, "name": d.name},
    )


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
