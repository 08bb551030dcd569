"""Helpers shared by the end-to-end language-server tests (imported as ``lsp_support``: pytest
puts this directory on ``sys.path`` for the test modules in it).

Nothing here imports cargo-lens: the tests talk to ``cargo-lens serve --stdio`` in a subprocess,
and the position arithmetic below is written independently of ``engine/text.py`` so that it can
disagree with the server.
"""

import asyncio
import json
import os
import queue
import re
import subprocess
import sys
import threading
import time
import textwrap
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from lsprotocol import types as lsp
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

SERVER_COMMAND = [sys.executable, "-m", "cargo_lens", "serve", "--stdio"]
PUBLISH = lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS
TIMEOUT = 15.0  # generous: CI machines have 2 cores and run other things


# -- the client --------------------------------------------------------------------------------


def make_client() -> LanguageClient:
    """pytest-lsp's test client, which also keeps every publishDiagnostics in order
    (``client.published``) and every window/showMessage (``client.messages``, as upstream)."""
    client = LanguageClient(converter_factory=default_converter)
    client.published = []  # type: ignore[attr-defined]
    features = dict(DEFAULT_CLIENT_FEATURES)

    def publish(ls, params: lsp.PublishDiagnosticsParams):
        ls.diagnostics[params.uri] = params.diagnostics
        ls.published.append(params)

    features[PUBLISH] = publish
    client.registrations = []  # type: ignore[attr-defined]

    def register_capability(ls, params: lsp.RegistrationParams):
        ls.registrations.extend(params.registrations)

    features[lsp.CLIENT_REGISTER_CAPABILITY] = register_capability
    client.configuration_requests = []  # type: ignore[attr-defined]
    client.configuration_waiters = []  # type: ignore[attr-defined]

    def configuration(ls, params: lsp.ConfigurationParams):
        """Answer workspace/configuration from ``client.set_configuration(...)`` (as pytest-lsp
        does), and keep the requests."""
        ls.configuration_requests.append(params)
        for fut in ls.configuration_waiters:
            if not fut.done():
                fut.set_result(params)
        ls.configuration_waiters.clear()
        return [ls.get_configuration(section=item.section, scope_uri=item.scope_uri) for item in params.items]

    features[lsp.WORKSPACE_CONFIGURATION] = configuration
    register_lsp_features(client, features)
    return client


def server_config(env: Mapping[str, str] | None = None) -> ClientServerConfig:
    """How pytest-lsp starts ``cargo-lens serve --stdio``; ``env``: the server's whole environment."""
    return ClientServerConfig(server_command=SERVER_COMMAND, client_factory=make_client,
                              server_env=dict(env) if env is not None else None)


def capabilities(name: str, *, encodings: list[str] | None = None, pull: bool = False) -> lsp.ClientCapabilities:
    """A real client's capabilities (pytest-lsp's recordings). ``pull=True`` adds what newer VS Code
    (1.67+; the recording is 1.65) says about pull diagnostics, refresh included."""
    caps = client_capabilities(name)
    if pull:
        caps.text_document.diagnostic = lsp.DiagnosticClientCapabilities(dynamic_registration=True, related_document_support=False)
        caps.workspace.diagnostics = lsp.DiagnosticWorkspaceClientCapabilities(refresh_support=True)
    if encodings is not None:
        caps.general = lsp.GeneralClientCapabilities(position_encodings=encodings)
    return caps


async def initialize(client: LanguageClient, folders: Iterable[Path], caps: lsp.ClientCapabilities,
                     initialization_options: Any = None) -> lsp.InitializeResult:
    params = lsp.InitializeParams(
        capabilities=caps,
        workspace_folders=[lsp.WorkspaceFolder(uri=Path(f).as_uri(), name=Path(f).name) for f in folders],
        initialization_options=initialization_options,
    )
    return await client.initialize_session(params)


async def wait_until(client: LanguageClient, predicate: Callable[[], bool], method: str = PUBLISH,
                     timeout: float = TIMEOUT, what: str = "") -> None:
    """Wait for notifications of ``method`` until ``predicate()`` holds (checked first, so a
    notification that already arrived counts). Fails with a TimeoutError otherwise."""
    try:
        async with asyncio.timeout(timeout):
            while not predicate():
                await client.wait_for_notification(method)
    except TimeoutError:
        raise AssertionError(f"timed out after {timeout}s waiting for {what or method}") from None


async def wait_for_configuration_request(client: LanguageClient, seen: int, timeout: float = TIMEOUT) -> None:
    """Wait until the client has answered more than ``seen`` workspace/configuration requests
    (a request, so ``wait_for_notification`` cannot see it)."""
    if len(client.configuration_requests) > seen:
        return
    fut = asyncio.get_running_loop().create_future()
    client.configuration_waiters.append(fut)
    try:
        await asyncio.wait_for(fut, timeout)
    except TimeoutError:
        raise AssertionError(f"no workspace/configuration request within {timeout}s") from None


def diags(client: LanguageClient, path: Path | str) -> list[lsp.Diagnostic]:
    return list(client.diagnostics.get(uri(path), ()))


def codes(client: LanguageClient, path: Path | str) -> list[str]:
    return sorted(str(d.code) for d in diags(client, path))


async def wait_codes(client: LanguageClient, path: Path | str, expected: list[str], timeout: float = TIMEOUT):
    """Wait until the last diagnostics pushed for ``path`` have exactly these codes."""
    want = sorted(expected)
    await wait_until(client, lambda: uri(path) in client.diagnostics and codes(client, path) == want,
                     timeout=timeout, what=f"codes {want} for {path} (have {codes(client, path)})")


def last_published(client: LanguageClient, path: Path | str) -> lsp.PublishDiagnosticsParams | None:
    u = uri(path)
    for p in reversed(client.published):
        if p.uri == u:
            return p
    return None


# -- documents ---------------------------------------------------------------------------------


def uri(path: Path | str) -> str:
    return Path(path).as_uri()


class Doc:
    """An open document as the client sees it: its text and version, kept in step with the
    edits sent (applied with this module's own position arithmetic)."""

    def __init__(self, client: LanguageClient, path: Path, encoding: str = "utf-16", text: str | None = None,
                 language_id: str = "toml"):
        self.client = client
        self.path = Path(path)
        self.uri = uri(path)
        self.encoding = encoding
        self.text = self.path.read_text() if text is None else text
        self.version = 1
        client.text_document_did_open(lsp.DidOpenTextDocumentParams(
            lsp.TextDocumentItem(uri=self.uri, language_id=language_id, version=self.version, text=self.text)))

    def position(self, offset: int) -> lsp.Position:
        line, ch = offset_to_position(self.text, offset, self.encoding)
        return lsp.Position(line, ch)

    def find(self, needle: str, nth: int = 0) -> int:
        at = -1
        for _ in range(nth + 1):
            at = self.text.index(needle, at + 1)
        return at

    def range_of(self, needle: str, nth: int = 0) -> lsp.Range:
        at = self.find(needle, nth)
        return lsp.Range(self.position(at), self.position(at + len(needle)))

    def edit(self, start: int, end: int, new: str) -> None:
        """Replace text[start:end] (code-point offsets) with ``new``, as one incremental change."""
        rng = lsp.Range(self.position(start), self.position(end))
        self.change([lsp.TextDocumentContentChangePartial(range=rng, text=new)])

    def change(self, changes: list) -> None:
        for ch in changes:
            if isinstance(ch, lsp.TextDocumentContentChangeWholeDocument):
                self.text = ch.text
            else:
                s = position_to_offset(self.text, ch.range.start, self.encoding)
                e = position_to_offset(self.text, ch.range.end, self.encoding)
                self.text = self.text[:s] + ch.text + self.text[e:]
        self.version += 1
        self.client.text_document_did_change(lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=self.uri, version=self.version),
            content_changes=changes,
        ))

    def replace(self, old: str, new: str, nth: int = 0) -> None:
        at = self.find(old, nth)
        self.edit(at, at + len(old), new)

    def insert(self, offset: int, new: str) -> None:
        self.edit(offset, offset, new)

    def set_text(self, text: str) -> None:
        self.change([lsp.TextDocumentContentChangeWholeDocument(text=text)])

    def close(self) -> None:
        self.client.text_document_did_close(lsp.DidCloseTextDocumentParams(lsp.TextDocumentIdentifier(self.uri)))


# -- positions, written independently of the server ----------------------------------------------

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def line_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in _LINE_BREAK.finditer(text)]


def _width(ch: str, encoding: str) -> int:
    if encoding == "utf-8":
        return len(ch.encode("utf-8"))
    if encoding == "utf-16":
        return 2 if ord(ch) > 0xFFFF else 1
    return 1


def offset_to_position(text: str, offset: int, encoding: str) -> tuple[int, int]:
    starts = line_starts(text)
    line = max(i for i, s in enumerate(starts) if s <= offset)
    return line, sum(_width(c, encoding) for c in text[starts[line]:offset])


def position_to_offset(text: str, pos: lsp.Position, encoding: str) -> int:
    starts = line_starts(text)
    if pos.line >= len(starts):
        return len(text)
    start = starts[pos.line]
    end = starts[pos.line + 1] if pos.line + 1 < len(starts) else len(text)
    content = text[start:end].rstrip("\r\n")
    units = 0
    for i, ch in enumerate(content):
        if units >= pos.character:
            assert units == pos.character, f"position {pos} falls inside a character in {encoding}"
            return start + i
        units += _width(ch, encoding)
    assert units >= pos.character, f"position {pos} is past the end of line {pos.line}"
    return start + len(content)


def apply_text_edits(text: str, edits: list[lsp.TextEdit], encoding: str) -> str:
    spans = sorted(((position_to_offset(text, e.range.start, encoding), position_to_offset(text, e.range.end, encoding),
                     e.new_text) for e in edits), reverse=True)
    for i in range(len(spans) - 1):
        assert spans[i + 1][1] <= spans[i][0], f"overlapping edits: {spans}"
    for s, e, new in spans:
        text = text[:s] + new + text[e:]
    return text


def edits_by_file(edit: lsp.WorkspaceEdit) -> dict[Path, list[lsp.TextEdit]]:
    out: dict[Path, list[lsp.TextEdit]] = {}
    if edit.document_changes:
        for dc in edit.document_changes:
            assert isinstance(dc, lsp.TextDocumentEdit), f"unexpected resource operation {dc}"
            out.setdefault(uri_path(dc.text_document.uri), []).extend(dc.edits)
    for u, edits in (edit.changes or {}).items():
        out.setdefault(uri_path(u), []).extend(edits)
    return out


def apply_workspace_edit(edit: lsp.WorkspaceEdit, encoding: str) -> dict[Path, tuple[str, str]]:
    """Apply a WorkspaceEdit to the files on disk; returns {path: (before, after)}."""
    done = {}
    for path, edits in edits_by_file(edit).items():
        before = path.read_text()
        after = apply_text_edits(before, edits, encoding)
        path.write_text(after)
        done[path] = (before, after)
    return done


def uri_path(u: str) -> Path:
    from urllib.parse import unquote, urlparse

    parsed = urlparse(u)
    assert parsed.scheme == "file", u
    return Path(unquote(parsed.path))


def changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    """The lines only in ``before`` and only in ``after`` (a minimal edit touches few)."""
    import difflib

    removed, added = [], []
    for op in difflib.ndiff(before.splitlines(), after.splitlines()):
        if op.startswith("- "):
            removed.append(op[2:])
        elif op.startswith("+ "):
            added.append(op[2:])
    return removed, added


# -- layouts -----------------------------------------------------------------------------------


def package(name: str, body: str = "", version: str = "0.1.0") -> str:
    """A Cargo.toml for a library package (its src/lib.rs comes from ``write_layout``)."""
    head = f'[package]\nname = "{name}"\nversion = "{version}"\nedition = "2021"\n'
    body = textwrap.dedent(body).strip("\n")
    return head + ("\n" + body + "\n" if body else "")


def write_layout(root: Path, files: Mapping[str, str]) -> Path:
    """Write ``{relative path: text}`` under ``root``; every Cargo.toml with a [package] gets a
    src/lib.rs, as cargo needs a target to load it."""
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text) if text.startswith("\n") else text)
        if p.name == "Cargo.toml" and "[package]" in text and not (p.parent / "src").exists():
            (p.parent / "src").mkdir()
            (p.parent / "src" / "lib.rs").write_text("")
    return root


def gated_workspace(root: Path, extra_root: str = "") -> Path:
    """The cargo#15023 shape: a virtual root lists crates/entry, whose never-true
    `[target.'cfg(any())'.dependencies]` path dependency pulls crates/dep into the workspace."""
    return write_layout(root, {
        "Cargo.toml": '[workspace]\nresolver = "2"\nmembers = ["crates/entry"]\n' + extra_root,
        "crates/entry/Cargo.toml": package("entry", """
            [target.'cfg(any())'.dependencies]
            dep = { path = "../dep" }
        """),
        "crates/dep/Cargo.toml": package("dep"),
    })


async def settle(client: LanguageClient, doc_uri: str) -> None:
    """A barrier: the server answers a code action only after the analysis of everything sent
    before it has finished, and publishes before it answers."""
    await asyncio.wait_for(client.text_document_code_action_async(lsp.CodeActionParams(
        text_document=lsp.TextDocumentIdentifier(doc_uri),
        range=lsp.Range(lsp.Position(0, 0), lsp.Position(0, 0)),
        context=lsp.CodeActionContext(diagnostics=[]),
    )), TIMEOUT)


# -- the wire: a raw subprocess, no LSP library --------------------------------------------------------------------


def frame(obj, *, length_delta: int = 0) -> bytes:
    body = json.dumps(obj).encode() if not isinstance(obj, bytes) else obj
    return b"Content-Length: %d\r\n\r\n" % (len(body) + length_delta) + body


class RawServer:
    """``cargo-lens serve --stdio`` driven byte by byte; responses are parsed by a reader thread
    written here (not pygls), so what the server writes is checked too."""

    def __init__(self, cwd):
        self.proc = subprocess.Popen(SERVER_COMMAND, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, cwd=cwd)
        self.messages: queue.Queue = queue.Queue()
        self.stderr = b""
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._drain_stderr, daemon=True).start()

    def _read(self):
        out = self.proc.stdout
        while True:
            header = b""
            while not header.endswith(b"\r\n\r\n"):
                ch = out.read(1)
                if not ch:
                    self.messages.put(None)
                    return
                header += ch
            lengths = [int(line.split(b":")[1]) for line in header.split(b"\r\n") if line.lower().startswith(b"content-length:")]
            assert len(lengths) == 1, f"bad header from the server: {header!r}"
            body = out.read(lengths[0])
            self.messages.put(json.loads(body))  # a server body must always be valid JSON

    def _drain_stderr(self):
        self.stderr = self.proc.stderr.read()

    def send(self, data: bytes):
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def request(self, msg_id, method, params=None) -> bytes:
        return frame({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params})

    def response(self, msg_id, timeout: float = TIMEOUT) -> dict:
        """The response with this id (other messages — logs, notifications — are skipped)."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            assert left > 0, f"no response with id {msg_id!r} within {timeout}s"
            msg = self.messages.get(timeout=left)
            assert msg is not None, f"the server closed its output (exit status {self.proc.poll()})"
            if "id" in msg and "method" not in msg and msg["id"] == msg_id:
                return msg

    def initialize(self, root):
        self.send(self.request(1, "initialize", {"processId": None, "rootUri": None, "capabilities": {},
                                                 "workspaceFolders": [{"uri": uri(root), "name": "w"}]}))
        assert "capabilities" in self.response(1)["result"]
        self.send(frame({"jsonrpc": "2.0", "method": "initialized", "params": {}}))

    def alive_check(self, msg_id, doc_uri) -> None:
        """A valid request after the bad input is answered, correctly."""
        self.send(self.request(msg_id, "textDocument/hover",
                               {"textDocument": {"uri": doc_uri}, "position": {"line": 0, "character": 0}}))
        reply = self.response(msg_id)
        assert "error" not in reply and reply["result"] is None, reply

    def finish(self) -> int:
        self.send(self.request("bye", "shutdown"))
        assert self.response("bye")["result"] is None
        self.send(frame({"jsonrpc": "2.0", "method": "exit"}))
        return self.proc.wait(TIMEOUT)
