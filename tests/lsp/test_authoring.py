"""Issue 5 features over LSP, end to end: completion, definition, references, links, inlay
hints, code lens, symbols, folding, and the explain / summary commands the VS Code client uses."""

from __future__ import annotations

from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from lsp_support import capabilities, initialize, server_config, uri_path

pytestmark = pytest.mark.asyncio(loop_scope="module")

PKG = '[package]\nname = "{name}"\nversion = "0.1.0"\nedition = "2021"\n'


def write(root: Path, rel: str, text: str) -> Path:
    p = root / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text)
    return p


@pytest_lsp.fixture(scope="module", config=server_config())
async def client(lsp_client: LanguageClient, tmp_path_factory):
    root = tmp_path_factory.mktemp("ws")
    write(root, "Cargo.toml", '[workspace]\nmembers = ["crates/*"]\n\n[workspace.package]\nversion = "0.3.0"\n\n[workspace.dependencies]\ncore = { path = "crates/core" }\n')
    write(root, "crates/core/Cargo.toml", PKG.format(name="core") + '\n[features]\nfast = []\n')
    write(root, "crates/core/src/lib.rs", "")
    write(root, "crates/app/Cargo.toml", '[package]\nname = "app"\nversion.workspace = true\nedition = "2021"\n\n[dependencies]\ncore = { workspace = true }\n\n[target.\'cfg(any())\'.dependencies]\ngated = { path = "../../gated" }\n')
    write(root, "crates/app/src/lib.rs", "")
    write(root, "gated/Cargo.toml", PKG.format(name="gated"))
    write(root, "gated/src/lib.rs", "")
    lsp_client.root = root
    await initialize(lsp_client, [root], capabilities("visual-studio-code"))
    yield
    await lsp_client.shutdown_session()


def open_doc(client: LanguageClient, path: Path) -> str:
    uri = path.as_uri()
    client.text_document_did_open(lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(uri, "toml", 1, path.read_text())))
    return uri


def pos_of(text: str, needle: str, delta: int = 0) -> lsp.Position:
    i = text.index(needle) + delta
    return lsp.Position(text.count("\n", 0, i), i - (text.rfind("\n", 0, i) + 1))


async def test_definition_of_workspace_true_goes_to_the_root_entry(client: LanguageClient):
    app = client.root / "crates/app/Cargo.toml"
    uri = open_doc(client, app)
    text = app.read_text()
    locs = await client.text_document_definition_async(
        lsp.DefinitionParams(lsp.TextDocumentIdentifier(uri), pos_of(text, "core = { workspace", 1))
    )
    files = {uri_path(l.uri) for l in locs}
    assert client.root / "Cargo.toml" in files


async def test_references_from_a_package_name(client: LanguageClient):
    core = client.root / "crates/core/Cargo.toml"
    uri = open_doc(client, core)
    locs = await client.text_document_references_async(
        lsp.ReferenceParams(
            text_document=lsp.TextDocumentIdentifier(uri),
            position=pos_of(core.read_text(), '"core"', 1),
            context=lsp.ReferenceContext(include_declaration=False),
        )
    )
    files = sorted(uri_path(l.uri).relative_to(client.root).as_posix() for l in locs)
    assert "crates/app/Cargo.toml" in files and "Cargo.toml" in files


async def test_completion_offers_workspace_dependencies_and_features(client: LanguageClient):
    app = client.root / "crates/app/Cargo.toml"
    uri = open_doc(client, app)
    text = app.read_text().replace("core = { workspace = true }", 'core = { workspace = true, features = ["'  + '"] }')
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            lsp.VersionedTextDocumentIdentifier(version=2, uri=uri), [lsp.TextDocumentContentChangeWholeDocument(text=text)]
        )
    )
    result = await client.text_document_completion_async(
        lsp.CompletionParams(lsp.TextDocumentIdentifier(uri), pos_of(text, 'features = ["', len('features = ["')))
    )
    labels = [i.label for i in (result.items if isinstance(result, lsp.CompletionList) else result)]
    assert "fast" in labels


async def test_inlay_hints_code_lens_symbols_folding_links(client: LanguageClient):
    app = client.root / "crates/app/Cargo.toml"
    uri = open_doc(client, app)
    text = app.read_text()
    end = lsp.Position(text.count("\n") + 1, 0)
    hints = await client.text_document_inlay_hint_async(
        lsp.InlayHintParams(lsp.TextDocumentIdentifier(uri), lsp.Range(lsp.Position(0, 0), end))
    )
    labels = [h.label if isinstance(h.label, str) else "".join(p.value for p in h.label) for h in hints]
    assert any("0.3.0" in l for l in labels), labels
    assert any("implicit member" in l for l in labels), labels
    lenses = await client.text_document_code_lens_async(lsp.CodeLensParams(lsp.TextDocumentIdentifier(uri)))
    assert any(l.command and "member of" in l.command.title for l in lenses)
    assert all(l.command.command == "cargoLens.explain" for l in lenses)
    symbols = await client.text_document_document_symbol_async(lsp.DocumentSymbolParams(lsp.TextDocumentIdentifier(uri)))
    assert [s.name for s in symbols][:2] == ["package", "dependencies"]
    folds = await client.text_document_folding_range_async(lsp.FoldingRangeParams(lsp.TextDocumentIdentifier(uri)))
    assert folds
    links = await client.text_document_document_link_async(lsp.DocumentLinkParams(lsp.TextDocumentIdentifier(uri)))
    assert any(str(uri_path(l.target)).endswith("gated/Cargo.toml") for l in links)


async def test_explain_and_summary_commands(client: LanguageClient):
    app = client.root / "crates/app/Cargo.toml"
    uri = open_doc(client, app)
    text = await client.workspace_execute_command_async(lsp.ExecuteCommandParams("cargoLens.explain", [uri]))
    assert "member: yes" in text and "crates/*" in text
    summary = await client.workspace_execute_command_async(lsp.ExecuteCommandParams("cargoLens.workspaceSummary", [uri]))
    assert summary == {"root": str(client.root), "members": 3, "error": None}


async def test_requests_on_broken_or_unknown_documents_are_empty(client: LanguageClient):
    broken = write(client.root, "crates/broken/Cargo.toml", "[package\nname = ")
    uri = open_doc(client, broken)
    for pos in (lsp.Position(0, 3), lsp.Position(99, 99)):
        assert not await client.text_document_definition_async(lsp.DefinitionParams(lsp.TextDocumentIdentifier(uri), pos))
        result = await client.text_document_completion_async(lsp.CompletionParams(lsp.TextDocumentIdentifier(uri), pos))
        assert result is None or isinstance(result, lsp.CompletionList)
    never_opened = (client.root / "nope/Cargo.toml").as_uri()
    assert await client.text_document_document_symbol_async(lsp.DocumentSymbolParams(lsp.TextDocumentIdentifier(never_opened))) is None
