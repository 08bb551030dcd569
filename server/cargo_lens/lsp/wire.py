"""Engine results as LSP JSON (plain dicts), without lsprotocol.

Diagnostics are what the server sends most; building them as dicts skips lsprotocol's attrs
objects and cattrs' unstructuring on every keystroke, and lets the start-up path (startup.py)
publish before pygls and lsprotocol are imported. ``convert.py`` turns these dicts into
lsprotocol objects where a response needs them (code actions)."""

from __future__ import annotations

import hashlib
import json
from typing import Any, Callable

from .. import __version__
from ..engine.diagnostics import Diagnostic
from ..engine.text import Encoding, LineIndex
from .documents import path_to_uri

SEVERITY = {"error": 1, "warning": 2, "information": 3, "hint": 4}
ENCODINGS = ("utf-8", "utf-16", "utf-32")


def range_json(index: LineIndex, span: tuple[int, int], encoding: Encoding) -> dict:
    sl, sc = index.position(span[0], encoding)
    el, ec = index.position(span[1], encoding)
    return {"start": {"line": sl, "character": sc}, "end": {"line": el, "character": ec}}


def diagnostic_json(d: Diagnostic, index_of: Callable[[str], LineIndex], encoding: Encoding,
                    related_support: bool, uri_of: Callable[[str], str] = path_to_uri) -> dict:
    message = d.message
    if d.help:
        message += "\n" + "\n".join(f"help: {h}" for h in d.help)
    out = {
        "range": range_json(index_of(d.file), d.span, encoding),
        "message": message,
        "severity": SEVERITY.get(d.severity, 2),
        "code": d.code,
        "source": "cargo-lens",
        "data": {"code": d.code, "name": d.name},
    }
    if related_support and d.related:
        out["relatedInformation"] = [
            {"location": {"uri": uri_of(r.file), "range": range_json(index_of(r.file), r.span, encoding)},
             "message": r.message}
            for r in d.related
        ]
    return out


def publish_key(diags: list[Diagnostic], text: str | None) -> tuple:
    """What a publishDiagnostics shows, compared between runs: offsets alone do not say where
    a diagnostic is shown, the text's lines matter too."""
    key = tuple((d.code, d.span, d.message, d.severity) for d in diags)
    return key + (hash(text),) if key else key


def result_id(items: list[dict]) -> str:
    """A pull report's id: a digest of what the client would show."""
    blob = json.dumps(items, sort_keys=True, ensure_ascii=False).encode("utf-8", "surrogatepass")
    return hashlib.blake2b(blob, digest_size=12).hexdigest()


def publish(uri: str, items: list[dict], version: int | None) -> dict:
    params: dict[str, Any] = {"uri": uri, "diagnostics": items}
    if version is not None:
        params["version"] = version
    return {"jsonrpc": "2.0", "method": "textDocument/publishDiagnostics", "params": params}


def document_report(items: list[dict], rid: str, previous: str | None) -> dict:
    if previous == rid:
        return {"kind": "unchanged", "resultId": rid}
    return {"kind": "full", "resultId": rid, "items": items}


def workspace_report(uri: str, version: int | None, items: list[dict], rid: str, previous: str | None) -> dict:
    report = document_report(items, rid, previous)
    report["uri"] = uri
    if version is not None:
        report["version"] = version
    return report


# -- initialize -------------------------------------------------------------------------------

# What pygls answers to `initialize` for the features create_server() registers; the start-up
# path answers with this before pygls is loaded. tests/lsp/test_startup.py compares the two for
# several client capability sets: a feature added to the server must be added here.
_CAPABILITIES = {
    "codeActionProvider": {"codeActionKinds": ["quickfix"]},
    "codeLensProvider": {"resolveProvider": False},
    "completionProvider": {"triggerCharacters": ["\"", "/", ".", "=", " "]},
    "declarationProvider": True,
    "definitionProvider": True,
    "diagnosticProvider": {"identifier": "cargo-lens", "interFileDependencies": True, "workspaceDiagnostics": True},
    "documentLinkProvider": {"resolveProvider": False},
    "documentSymbolProvider": True,
    "executeCommandProvider": {"commands": ["cargoLens.explain", "cargoLens.workspaceSummary"]},
    "foldingRangeProvider": True,
    "hoverProvider": True,
    "inlayHintProvider": {"resolveProvider": False},
    "referencesProvider": True,
    "workspace": {"fileOperations": {}, "workspaceFolders": {"changeNotifications": True, "supported": True}},
}


def capability(node: Any, *path: str) -> Any:
    """The value at ``path`` in client-capabilities JSON, or None."""
    for key in path:
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node


def position_encoding(client_capabilities: dict) -> str:
    """The client's first encoding that we support, else UTF-16 (pygls' choice, and LSP's default)."""
    for enc in capability(client_capabilities, "general", "positionEncodings") or ():
        if enc in ENCODINGS:
            return enc
    return "utf-16"


def initialize_result(client_capabilities: dict) -> dict:
    sync: dict[str, Any] = {"change": 2, "openClose": True, "save": True}
    for cap, key in (("willSave", "willSave"), ("willSaveWaitUntil", "willSaveWaitUntil")):
        if capability(client_capabilities, "textDocument", "synchronization", cap) is not None:
            sync[key] = False  # pygls: "the client can" and "we registered it" -> we did not
    caps = {**_CAPABILITIES, "positionEncoding": position_encoding(client_capabilities), "textDocumentSync": sync}
    return {"capabilities": caps, "serverInfo": {"name": "cargo-lens", "version": __version__}}
