"""Bad input (issue 3, "Bad input"): malformed JSON-RPC on the wire (a raw subprocess, no LSP
library in between), edits for documents never opened, positions out of range, and 1,000 edits
in a burst. The server answers with the JSON-RPC/LSP error the protocol has, never dies, and the
last edit wins."""

import asyncio
import json
import queue
import subprocess
import threading
import time

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from lsp_support import (
    SERVER_COMMAND,
    TIMEOUT,
    Doc,
    capabilities,
    diags,
    gated_workspace,
    initialize,
    last_published,
    package,
    server_config,
    settle,
    uri,
    wait_until,
    write_layout,
)

# -- the wire: a raw subprocess --------------------------------------------------------------------


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


@pytest.fixture
def raw(tmp_path):
    write_layout(tmp_path, {"Cargo.toml": package("raw")})
    server = RawServer(tmp_path)
    server.initialize(tmp_path)
    yield server
    if server.proc.poll() is None:
        server.proc.kill()
        server.proc.wait()


DOC = "file:///nonexistent/Cargo.toml"


@pytest.mark.parametrize("junk", [
    b"garbage without any line break",
    b"garbage\r\n\r\n",
    b"Content-Length: abc\r\n\r\n",
    b"\x00\xff\xfe binary \r\n \x80\x81",
    b"Content-Type: text/plain\r\n\r\n",
], ids=["no-newline", "fake-header-block", "non-numeric-length", "binary", "no-length"])
def test_junk_between_messages_is_skipped(raw: RawServer, junk):
    raw.send(junk + raw.request(2, "textDocument/hover",
                                {"textDocument": {"uri": DOC}, "position": {"line": 0, "character": 0}}))
    assert raw.response(2)["result"] is None
    raw.alive_check(3, DOC)
    assert raw.finish() == 0


def test_body_that_is_not_json_gets_a_parse_error(raw: RawServer):
    raw.send(frame(b'{"jsonrpc": "2.0", "id": 7, "method": '))
    reply = raw.response(None)
    assert reply["error"]["code"] == -32700
    raw.send(frame(b"\xff\xfe not utf-8"))
    assert raw.response(None)["error"]["code"] == -32700
    raw.alive_check(8, DOC)
    assert raw.finish() == 0


@pytest.mark.parametrize("body", [[1, 2, 3], 42, "text", {"id": 9, "method": "textDocument/hover"}, {"jsonrpc": "2.0"}],
                         ids=["array", "number", "string", "no-jsonrpc-version", "no-method"])
def test_json_that_is_not_json_rpc_gets_invalid_request(raw: RawServer, body):
    raw.send(frame(body))
    reply = raw.response(9 if isinstance(body, dict) and "id" in body else None)
    assert reply["error"]["code"] == -32600
    raw.alive_check(10, DOC)
    assert raw.finish() == 0


def test_request_with_invalid_params_gets_invalid_params(raw: RawServer):
    raw.send(raw.request(11, "textDocument/hover", {"textDocument": {"uri": DOC}, "position": "the top"}))
    reply = raw.response(11)
    assert reply["error"]["code"] == -32602
    raw.send(raw.request(12, "textDocument/codeAction", {"textDocument": 5}))
    assert raw.response(12)["error"]["code"] == -32602
    # a notification with bad params cannot be answered; it must not break anything either
    raw.send(frame({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"contentChanges": "x"}}))
    raw.alive_check(13, DOC)
    assert raw.finish() == 0


def test_unknown_method_gets_method_not_found(raw: RawServer):
    raw.send(raw.request(14, "cargoLens/noSuchThing", {}))
    assert raw.response(14)["error"]["code"] == -32601
    raw.alive_check(15, DOC)
    assert raw.finish() == 0


def test_wrong_content_lengths_resynchronise(raw: RawServer):
    hover = {"textDocument": {"uri": DOC}, "position": {"line": 0, "character": 0}}
    too_long = frame({"jsonrpc": "2.0", "id": 16, "method": "textDocument/hover", "params": hover}, length_delta=25)
    too_short = frame({"jsonrpc": "2.0", "id": 17, "method": "textDocument/hover", "params": hover}, length_delta=-10)
    raw.send(too_long + raw.request(18, "textDocument/hover", hover))
    assert raw.response(None)["error"]["code"] == -32700  # 16 swallowed the start of 18
    assert raw.response(18)["result"] is None  # ...which is read again from its header
    raw.send(too_short + raw.request(19, "textDocument/hover", hover))
    assert raw.response(None)["error"]["code"] == -32700
    assert raw.response(19)["result"] is None
    assert raw.finish() == 0


def test_absurd_content_length_does_not_kill_the_server(raw: RawServer):
    raw.send(b"Content-Length: 999999999999\r\n\r\n{}")
    raw.send(b"Content-Length: 99999999999999999999999999999\r\n\r\n")
    raw.alive_check(20, DOC)
    assert raw.finish() == 0


def test_a_flood_of_junk_then_a_request(raw: RawServer):
    raw.send(bytes(range(256)) * 2000)  # 512 KB without a message in it
    raw.alive_check(21, DOC)
    assert raw.finish() == 0


# -- bad LSP input through a real client ----------------------------------------------------------------


@pytest_lsp.fixture(scope="module", config=server_config())
async def client(lsp_client: LanguageClient, tmp_path_factory):
    await initialize(lsp_client, [tmp_path_factory.mktemp("bad-empty")], capabilities("neovim@v0.7.0"))
    yield
    await lsp_client.shutdown_session()


@pytest.mark.asyncio(loop_scope="module")
async def test_did_change_for_a_document_never_opened(client: LanguageClient, tmp_path):
    gated_workspace(tmp_path)
    path = tmp_path / "crates/entry/Cargo.toml"
    shown = len(client.messages)
    client.text_document_did_change(lsp.DidChangeTextDocumentParams(
        text_document=lsp.VersionedTextDocumentIdentifier(uri=uri(path), version=7),
        content_changes=[lsp.TextDocumentContentChangePartial(
            range=lsp.Range(lsp.Position(0, 0), lsp.Position(0, 0)), text="garbage that was never opened\n")]))
    # Still answering, nothing shown to the user, and the stray edit left no trace:
    doc = Doc(client, path)
    await wait_until(client, lambda: (p := last_published(client, path)) is not None and p.version == 1)
    assert [d.code for d in diags(client, path)] == ["CL301"]
    assert diags(client, path)[0].range.start == lsp.Position(6, 0)
    assert client.messages[shown:] == []
    doc.close()


@pytest.mark.asyncio(loop_scope="module")
async def test_positions_out_of_range(client: LanguageClient, tmp_path):
    gated_workspace(tmp_path)
    doc = Doc(client, tmp_path / "crates/entry/Cargo.toml")
    await settle(client, doc.uri)
    td = lsp.TextDocumentIdentifier(doc.uri)
    for pos in (lsp.Position(9999, 0), lsp.Position(0, 9999), lsp.Position(9999, 9999), lsp.Position(6, 2**31 - 1)):
        h = await client.text_document_hover_async(lsp.HoverParams(td, pos))
        # clamped to the end of the line / file: nothing there, or the key the line ends in
        assert h is None or h.range.end.line <= 7
    # A range past the end of the file, and one whose end is before its start.
    for rng in (lsp.Range(lsp.Position(6, 0), lsp.Position(9999, 9999)), lsp.Range(lsp.Position(6, 9), lsp.Position(6, 1))):
        actions = await client.text_document_code_action_async(lsp.CodeActionParams(td, rng, lsp.CodeActionContext([])))
        assert sorted(a.title for a in actions) == sorted([
            'Add "crates/dep" to workspace.exclude in Cargo.toml',
            'Set workspace.default-members to ["crates/entry"] in Cargo.toml',
            'Add "crates/dep" to workspace.members in Cargo.toml'])
    far = await client.text_document_code_action_async(lsp.CodeActionParams(
        td, lsp.Range(lsp.Position(9000, 0), lsp.Position(9999, 9)), lsp.CodeActionContext([])))
    assert list(far) == []
    # Requests about documents never opened: null or empty, not errors.
    nowhere = lsp.TextDocumentIdentifier(uri(tmp_path / "nope/Cargo.toml"))
    assert await client.text_document_hover_async(lsp.HoverParams(nowhere, lsp.Position(0, 0))) is None
    assert not await client.text_document_code_action_async(lsp.CodeActionParams(
        nowhere, lsp.Range(lsp.Position(0, 0), lsp.Position(0, 0)), lsp.CodeActionContext([])))
    untitled = lsp.TextDocumentIdentifier("untitled:Untitled-1")
    assert await client.text_document_hover_async(lsp.HoverParams(untitled, lsp.Position(0, 0))) is None
    doc.close()


@pytest.mark.asyncio(loop_scope="module")
async def test_a_thousand_edits_in_a_burst(client: LanguageClient, tmp_path):
    """1,000 incremental edits without waiting: typing a comment, deleting it again, then the
    gated dependency typed in; the last publish is for the final version and matches its text."""
    gated_workspace(tmp_path)
    path = tmp_path / "crates/entry/Cargo.toml"
    path.write_text(package("entry", "[target.'cfg(any())'.dependencies]\n"))
    doc = Doc(client, path)
    await settle(client, doc.uri)
    first = len(client.published)
    line = 'dep = { path = "../dep" }\n'
    started = time.perf_counter()
    typed = 0
    while doc.version < 1 + 1000 - len(line):  # a comment typed and erased, one character per edit
        at = doc.find("[target")
        if typed < 300:
            doc.insert(at, "#")
            typed += 1
        else:
            doc.edit(at - 1, at, "") if doc.text[at - 1] == "#" else doc.insert(at, "#")
    for ch in line:
        doc.insert(len(doc.text), ch)
    assert doc.version == 1001
    await wait_until(client, lambda: last_published(client, path).version == doc.version, what="the final version")
    elapsed = time.perf_counter() - started
    final = last_published(client, path)
    (d,) = final.diagnostics
    line_no = doc.text[:doc.find("dep = ")].count("\n")
    assert d.code == "CL301" and d.range == lsp.Range(lsp.Position(line_no, 0), lsp.Position(line_no, 3))
    versions = [p.version for p in client.published[first:] if p.uri == doc.uri]
    assert versions == sorted(versions)
    assert len(versions) < 1000, "every edit was analysed on its own: bursts must coalesce"
    assert elapsed < 30, f"1,000 edits took {elapsed:.1f}s to settle"
    await settle(client, doc.uri)
    assert last_published(client, path) is final  # nothing older arrived afterwards
    doc.close()
