"""Cancellation of a pending request, and the end of a session: shutdown + exit (status 0), exit
without shutdown (status 1, as LSP asks), requests after shutdown (InvalidRequest), end of input."""

import asyncio
import time

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcInvalidRequest, JsonRpcRequestCancelled
from pytest_lsp import LanguageClient

from lsp_support import (
    TIMEOUT,
    Doc,
    capabilities,
    initialize,
    last_published,
    package,
    server_config,
    settle,
    wait_until,
    write_layout,
)

MEMBERS = 300


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    """A workspace large enough that one analysis takes a while (a few hundred ms here)."""
    files = {"Cargo.toml": '[workspace]\nresolver = "2"\nmembers = ["crates/*"]\n'}
    for i in range(MEMBERS):
        files[f"crates/c{i}/Cargo.toml"] = package(f"c{i}", f'[dependencies]\nc{i + 1} = {{ path = "../c{i + 1}" }}'
                                                   if i + 1 < MEMBERS else "")
    return write_layout(tmp_path_factory.mktemp("big"), files)


@pytest_lsp.fixture(scope="module", config=server_config())
async def client(lsp_client: LanguageClient, big):
    await initialize(lsp_client, [big], capabilities("neovim@v0.7.0"))
    yield
    await lsp_client.shutdown_session()


def code_action_params(doc: Doc) -> lsp.CodeActionParams:
    return lsp.CodeActionParams(text_document=lsp.TextDocumentIdentifier(doc.uri),
                                range=lsp.Range(lsp.Position(0, 0), lsp.Position(0, 0)),
                                context=lsp.CodeActionContext(diagnostics=[]))


@pytest.mark.asyncio(loop_scope="module")
async def test_cancel_a_pending_request(client: LanguageClient, big):
    doc = Doc(client, big / "crates/c0/Cargo.toml")
    await settle(client, doc.uri)
    # An edit starts a re-analysis of the whole workspace; the code action waits for it. The three
    # messages go out in one write (send_request writes at once, unlike send_request_async), so
    # the cancel reaches the server while the request is pending, whatever the machine's load.
    started = time.perf_counter()
    doc.insert(len(doc.text), 'edition2 = "x"\n')
    pending = client.protocol.send_request(lsp.TEXT_DOCUMENT_CODE_ACTION, code_action_params(doc),
                                           msg_id="please-cancel-me")
    client.protocol.notify(lsp.CANCEL_REQUEST, lsp.CancelParams(id="please-cancel-me"))
    with pytest.raises(JsonRpcRequestCancelled):
        await asyncio.wait_for(asyncio.wrap_future(pending), TIMEOUT)
    cancelled_after = time.perf_counter() - started
    # The analysis itself was not abandoned: the new version's diagnostics still arrive...
    await wait_until(client, lambda: (p := last_published(client, doc.path)) is not None and p.version == doc.version)
    analysed_after = time.perf_counter() - started
    assert cancelled_after < analysed_after, "the cancel was answered only after the analysis it waited for"
    # ...and the server answers the same request when it is not cancelled.
    again = await client.text_document_code_action_async(code_action_params(doc))
    assert again is not None and len(again) == 0


@pytest.mark.asyncio(loop_scope="module")
async def test_cancel_for_a_finished_or_unknown_request_is_harmless(client: LanguageClient, big):
    doc = Doc(client, big / "crates/c1/Cargo.toml")
    await settle(client, doc.uri)
    client.protocol.notify(lsp.CANCEL_REQUEST, lsp.CancelParams(id=123456))
    client.protocol.notify(lsp.CANCEL_REQUEST, lsp.CancelParams(id="never-sent"))
    hover = await client.text_document_hover_async(lsp.HoverParams(
        lsp.TextDocumentIdentifier(doc.uri), doc.position(doc.find("c2 =") + 1)))
    assert hover is not None and "path dependency `c2`" in hover.contents.value


# -- the end of a session: one server per test ---------------------------------------------------------


@pytest_lsp.fixture(config=server_config())
async def fresh(lsp_client: LanguageClient, tmp_path):
    write_layout(tmp_path, {"Cargo.toml": package("solo")})
    await initialize(lsp_client, [tmp_path], capabilities("visual-studio-code"))
    yield


async def test_shutdown_then_exit_ends_with_status_0(fresh: LanguageClient):
    await fresh.shutdown_session()  # shutdown, exit, and wait for the process
    assert fresh._server.returncode == 0


async def test_exit_without_shutdown_ends_with_status_1(fresh: LanguageClient):
    fresh.exit(None)
    assert await asyncio.wait_for(fresh._server.wait(), TIMEOUT) == 1


async def test_requests_after_shutdown_are_refused(fresh: LanguageClient, tmp_path):
    doc = Doc(fresh, tmp_path / "Cargo.toml")
    await fresh.shutdown_async(None)
    with pytest.raises(JsonRpcInvalidRequest):
        await asyncio.wait_for(fresh.text_document_hover_async(lsp.HoverParams(
            lsp.TextDocumentIdentifier(doc.uri), lsp.Position(0, 1))), TIMEOUT)
    fresh.exit(None)
    assert await asyncio.wait_for(fresh._server.wait(), TIMEOUT) == 0


async def test_end_of_input_stops_the_server(fresh: LanguageClient):
    fresh._server.stdin.close()
    assert await asyncio.wait_for(fresh._server.wait(), TIMEOUT) == 0
