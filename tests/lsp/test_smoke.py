"""End to end over stdio with pytest-lsp: open the cargo#15023 example, get the warning."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "cargo-15023"


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "cargo_lens", "serve", "--stdio"]))
async def client(lsp_client: LanguageClient):
    params = lsp.InitializeParams(
        capabilities=client_capabilities("neovim@v0.7.0"),  # push diagnostics only
        workspace_folders=[lsp.WorkspaceFolder(uri=EXAMPLE.as_uri(), name="example")],
    )
    await lsp_client.initialize_session(params)
    yield
    await lsp_client.shutdown_session()


async def test_gated_member_warning_is_pushed(client: LanguageClient):
    uri = (EXAMPLE / "crates/entry/Cargo.toml").as_uri()
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(uri=uri, language_id="toml", version=1, text=(EXAMPLE / "crates/entry/Cargo.toml").read_text()))
    )
    await client.wait_for_notification(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    for _ in range(50):
        if client.diagnostics.get(uri):
            break
        await client.wait_for_notification(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    (d,) = client.diagnostics[uri]
    assert d.code == "CL301"
    assert d.range.start == lsp.Position(6, 0)
