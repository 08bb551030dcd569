"""Bad input (issue 3, "Bad input"): malformed JSON-RPC on the wire (a raw subprocess, no LSP
library in between), edits for documents never opened, positions out of range, and 1,000 edits
in a burst. The server answers with the JSON-RPC/LSP error the protocol has, never dies, and the
last edit wins."""

import time

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from lsp_support import (
    TIMEOUT,
    Doc,
    RawServer,
    capabilities,
    diags,
    frame,
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
