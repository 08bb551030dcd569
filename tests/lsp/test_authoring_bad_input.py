"""Issue 5, "Bad input", end to end: every authoring request (completion, definition,
declaration, references, document links, inlay hints, code lens, symbols, folding) at positions
inside broken TOML, on an empty file, in manifests outside any workspace, on documents that are
not open or not files, and with stale document versions — a request sent right after edits the
server has not analysed yet answers for the newest text, and a request is answered for the text
it was made against even when edits follow it before the answer. A correct empty answer or an
LSP error, never a crash or a hang: every request has a deadline, and the server must answer a
normal request afterwards.
"""

from __future__ import annotations

import asyncio

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from lsp_support import TIMEOUT, Doc, capabilities, gated_workspace, initialize, package, server_config, uri_path, write_layout

pytestmark = pytest.mark.asyncio(loop_scope="module")

BROKEN = """\
[package
name = "broken
version = 0.1.0"
edition = "2021"

[dependencies
entry = { path = "../entry", features = ["a", }
dep = { workspace = true
x.y.z = = 1
[[bin]
name = '''
path = "src/main.rs"
[target.'cfg(unix)'.dependencies]
libc = { version = "0.2"
"""


@pytest_lsp.fixture(scope="module", config=server_config())
async def client(lsp_client: LanguageClient, tmp_path_factory):
    base = tmp_path_factory.mktemp("bad-input")
    root = gated_workspace(base / "ws", extra_root='\n[workspace.dependencies]\ndep = { path = "crates/dep" }\n')
    write_layout(base / "outside", {
        # no `[workspace]` anywhere above, and not in the client's folders
        "lonely/Cargo.toml": package("lonely", """
            [dependencies]
            friend = { path = "../friend" }
            dep = { workspace = true }
        """),
        "friend/Cargo.toml": package("friend", "[features]\nextra = []\n"),
    })
    lsp_client.root = root
    lsp_client.outside = base / "outside"
    await initialize(lsp_client, [root], capabilities("visual-studio-code"))
    yield
    await lsp_client.shutdown_session()


def tid(u: str) -> lsp.TextDocumentIdentifier:
    return lsp.TextDocumentIdentifier(u)


def all_requests(client: LanguageClient, u: str, pos: lsp.Position) -> dict:
    """Every authoring request at ``pos`` of ``u`` (the whole file for those that take no position)."""
    t = tid(u)
    whole = lsp.Range(lsp.Position(0, 0), lsp.Position(10_000, 0))
    return {
        "completion": client.text_document_completion_async(lsp.CompletionParams(t, pos)),
        "definition": client.text_document_definition_async(lsp.DefinitionParams(t, pos)),
        "declaration": client.text_document_declaration_async(lsp.DeclarationParams(t, pos)),
        "references": client.text_document_references_async(lsp.ReferenceParams(
            text_document=t, position=pos, context=lsp.ReferenceContext(include_declaration=True))),
        "links": client.text_document_document_link_async(lsp.DocumentLinkParams(t)),
        "hints": client.text_document_inlay_hint_async(lsp.InlayHintParams(t, whole)),
        "lenses": client.text_document_code_lens_async(lsp.CodeLensParams(t)),
        "symbols": client.text_document_document_symbol_async(lsp.DocumentSymbolParams(t)),
        "folding": client.text_document_folding_range_async(lsp.FoldingRangeParams(t)),
    }


async def answers(client: LanguageClient, u: str, pos: lsp.Position) -> dict:
    """Every request's answer; an LSP error is acceptable and returned as the exception, but
    the server must answer (never hang) and must not report an internal error."""
    reqs = all_requests(client, u, pos)
    results = await asyncio.wait_for(asyncio.gather(*reqs.values(), return_exceptions=True), TIMEOUT)
    out = dict(zip(reqs, results))
    for name, r in out.items():
        assert not isinstance(r, asyncio.TimeoutError), f"{name} at {pos} hung"
        if isinstance(r, Exception):
            assert "Internal" not in type(r).__name__ and "internal" not in str(r).lower(), f"{name} at {pos}: {r!r}"
    return out


def empty(result) -> bool:
    if result is None:
        return True
    if isinstance(result, lsp.CompletionList):
        return not result.items
    return isinstance(result, (list, tuple)) and len(result) == 0


async def still_serving(client: LanguageClient) -> None:
    doc = Doc(client, client.root / "crates/entry/Cargo.toml")
    try:
        lenses = await asyncio.wait_for(client.text_document_code_lens_async(lsp.CodeLensParams(tid(doc.uri))), TIMEOUT)
        assert [lens.command.title for lens in lenses] == ["member of ../../Cargo.toml"]
    finally:
        doc.close()


async def test_every_position_inside_broken_toml(client: LanguageClient):
    path = client.root / "crates/broken/Cargo.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(BROKEN)
    doc = Doc(client, path)
    try:
        lines = BROKEN.split("\n")
        positions = [lsp.Position(i, c) for i, line in enumerate(lines) for c in sorted({0, 1, len(line) // 2, len(line)})]
        positions += [lsp.Position(len(lines) + 5, 3), lsp.Position(2, 500)]  # past the end: clamped
        seen_symbols = None
        for pos in positions:
            got = await answers(client, doc.uri, pos)
            assert not any(isinstance(r, Exception) for r in got.values()), {k: r for k, r in got.items() if isinstance(r, Exception)}
            seen_symbols = got["symbols"]
        # what the tolerant reader kept still has an outline, and links to the existing manifest
        assert seen_symbols and "target.'cfg(unix)'.dependencies" in [s.name for s in seen_symbols]
        # a position in the broken `dep = { workspace = true` (no closing brace) still resolves
        at = lsp.Position(lines.index("dep = { workspace = true"), 1)
        locs = await asyncio.wait_for(client.text_document_definition_async(lsp.DefinitionParams(tid(doc.uri), at)), TIMEOUT)
        assert locs is None or all(uri_path(l.uri).name == "Cargo.toml" for l in locs)
    finally:
        doc.close()
        path.unlink()
    await still_serving(client)


async def test_an_empty_file(client: LanguageClient):
    path = client.root / "crates/empty/Cargo.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("")
    doc = Doc(client, path)
    try:
        for pos in (lsp.Position(0, 0), lsp.Position(3, 7)):
            got = await answers(client, doc.uri, pos)
            for name in ("definition", "declaration", "references", "links", "hints", "symbols", "folding"):
                assert empty(got[name]), (name, got[name])
            # completion offers the top-level tables: the right answer on an empty file
            items = [i.label for i in got["completion"].items]
            assert {"package", "workspace", "dependencies"} <= set(items)
            # an empty Cargo.toml is not a member of anything: cargo fails to read it, the lens says so
            assert got["lenses"] == [] or all("not a member" in l.command.title for l in got["lenses"])
        # whitespace and comments only
        doc.set_text("\n\n# nothing here\n   \n")
        got = await answers(client, doc.uri, lsp.Position(2, 5))  # inside the comment
        assert empty(got["completion"]) and empty(got["definition"]) and empty(got["references"])
    finally:
        doc.close()
        path.unlink()
    await still_serving(client)


async def test_manifests_outside_any_workspace(client: LanguageClient):
    lonely = Doc(client, client.outside / "lonely/Cargo.toml")
    try:
        text = lonely.text
        at = lambda needle, d=1: lonely.position(text.index(needle) + d)  # noqa: E731
        # a path dependency still goes to its manifest
        locs = await client.text_document_definition_async(lsp.DefinitionParams(tid(lonely.uri), at("friend = {")))
        assert [uri_path(l.uri) for l in locs] == [client.outside / "friend/Cargo.toml"]
        # `workspace = true` with no workspace: nowhere to go, nothing to inherit, no hint
        got = await answers(client, lonely.uri, at("dep = {"))
        assert empty(got["definition"]) and empty(got["declaration"])
        assert [h.label for h in got["hints"]] == []
        assert [l.command.title for l in got["lenses"]][0].startswith("not a member: no workspace")
        assert [uri_path(l.target) for l in got["links"]] == [client.outside / "friend/Cargo.toml"]
        # references from the package name: no workspace, so no dependents (only the declaration)
        refs = await client.text_document_references_async(lsp.ReferenceParams(
            text_document=tid(lonely.uri), position=at('"lonely"'),
            context=lsp.ReferenceContext(include_declaration=False)))
        assert list(refs) == []
        # completion: schema keys work, no `name.workspace = true` without a root
        lonely.replace('friend = { path = "../friend" }\n', 'friend = { path = "../friend" }\nde\n')
        got = await client.text_document_completion_async(lsp.CompletionParams(
            tid(lonely.uri), lonely.position(lonely.find("\nde\n") + 3)))
        assert all(not (i.text_edit.new_text or "").endswith("workspace = true") for i in got.items)
        # features of the path dependency still come from its manifest
        lonely.replace('path = "../friend" }', 'path = "../friend", features = [""] }')
        got = await client.text_document_completion_async(lsp.CompletionParams(
            tid(lonely.uri), lonely.position(lonely.find('[""]') + 2)))
        assert [i.label for i in got.items] == ["extra"]
    finally:
        lonely.close()
    await still_serving(client)


async def test_other_toml_files_documents_not_open_and_not_files(client: LanguageClient):
    config = client.root / ".cargo/config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('[build]\ntarget-dir = "out"\n\n[alias]\nb = "build"\n')
    doc = Doc(client, config)
    try:
        got = await answers(client, doc.uri, lsp.Position(1, 3))
        for name in ("definition", "declaration", "references", "links", "hints", "lenses"):
            assert empty(got[name]), (name, got[name])
        assert [s.name for s in got["symbols"]] == ["build", "alias"]
    finally:
        doc.close()
    # never opened, closed, and not a file: no answer rather than a guess
    for u in ((client.root / "crates/entry/Cargo.toml").as_uri(), doc.uri, "untitled:Untitled-1"):
        got = await answers(client, u, lsp.Position(0, 0))
        assert all(empty(r) for r in got.values()), got
    await still_serving(client)


async def test_a_request_right_after_unanalysed_edits_answers_for_the_newest_text(client: LanguageClient):
    entry = Doc(client, client.root / "crates/entry/Cargo.toml")
    try:
        # a burst of edits, then at once (no wait for diagnostics) a request on the last text:
        # the dependency was renamed three times; only the last name is the workspace entry
        entry.set_text(entry.text + "\n[dependencies]\nfirst = { workspace = true }\n")
        entry.replace("first = {", "second = {")
        entry.replace("second = {", "dep = {")
        at = entry.position(entry.find("dep = { workspace") + 1)
        locs = await asyncio.wait_for(client.text_document_definition_async(lsp.DefinitionParams(tid(entry.uri), at)), TIMEOUT)
        assert [uri_path(l.uri) for l in locs] == [client.root / "Cargo.toml", client.root / "crates/dep/Cargo.toml"]
        # the same for completion: the line typed last is the one completed
        entry.insert(entry.find("[dependencies]\n") + len("[dependencies]\n"), "de\n")
        items = await asyncio.wait_for(client.text_document_completion_async(lsp.CompletionParams(
            tid(entry.uri), entry.position(entry.find("\nde\n") + 3))), TIMEOUT)
        # `dep` is already in the table: nothing from the root to offer; the edit range is the typed `de`
        for item in items.items:
            assert item.text_edit.range == lsp.Range(entry.position(entry.find("\nde\n") + 1), entry.position(entry.find("\nde\n") + 3))
        # hints of the newest text: the inherited entry of the renamed dependency (and no
        # "implicit member" on the gated path dependency: `dep` is now reached without a gate)
        hints = await asyncio.wait_for(client.text_document_inlay_hint_async(lsp.InlayHintParams(
            tid(entry.uri), lsp.Range(lsp.Position(0, 0), entry.position(len(entry.text))))), TIMEOUT)
        lines = entry.text.split("\n")
        assert [(lines[h.position.line][: h.position.character], h.label) for h in hints] == [
            ("dep = { workspace = true }", '{ path = "crates/dep" }')]
    finally:
        entry.close()


async def test_a_request_is_answered_for_the_text_it_was_made_against(client: LanguageClient):
    """Edits sent after a request, before its answer, must not move the answer: the request
    is sent without awaiting (pygls writes it at once), then lines are inserted above."""
    entry = Doc(client, client.root / "crates/entry/Cargo.toml")
    try:
        # a blank line in [package] (valid TOML, so cargo reads the file and the hint is there)
        entry.replace('edition = "2021"\n', 'edition = "2021"\n\n')
        text_then = entry.text
        pos = entry.position(text_then.index('edition = "2021"\n') + len('edition = "2021"\n'))
        t = tid(entry.uri)
        whole = lsp.Range(lsp.Position(0, 0), entry.position(len(text_then)))
        completion = asyncio.wrap_future(client.text_document_completion(lsp.CompletionParams(t, pos)))
        definition = asyncio.wrap_future(client.text_document_definition(lsp.DefinitionParams(t, entry.position(text_then.index("dep = {") + 1))))
        hints = asyncio.wrap_future(client.text_document_inlay_hint(lsp.InlayHintParams(t, whole)))
        symbols = asyncio.wrap_future(client.text_document_document_symbol(lsp.DocumentSymbolParams(t)))
        for _ in range(3):
            entry.insert(0, "# a comment line pushed in above\n")
        completion, definition, hints, symbols = await asyncio.wait_for(
            asyncio.gather(completion, definition, hints, symbols), TIMEOUT)
        lines = text_then.split("\n")
        # the keys of [package] (not those of whatever the position is in the newer text), to
        # be inserted where the cursor was then
        items = {i.label: i for i in completion.items}
        assert "description" in items and "edition" not in items, list(items)
        assert all(i.text_edit.range == lsp.Range(pos, pos) for i in completion.items)
        # the definition was asked on the `dep = { path … }` of then (the gated path dependency)
        assert [uri_path(l.uri) for l in definition] == [client.root / "crates/dep/Cargo.toml"]
        assert [(lines[h.position.line][: h.position.character], h.label) for h in hints] == [
            ('dep = { path = "../dep" }', "implicit member")]
        assert [(s.name, s.range.start.line) for s in symbols] == [
            ("package", 0), ("target.'cfg(any())'.dependencies", lines.index("[target.'cfg(any())'.dependencies]"))]
    finally:
        entry.close()
    await still_serving(client)
