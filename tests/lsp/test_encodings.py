"""Position encodings: Neovim 0.11 offers UTF-8 first (and pulls diagnostics), VS Code 1.65 speaks
UTF-16 (and gets pushes). Non-ASCII text (é: 2 UTF-8 bytes / 1 UTF-16 unit, 中: 3 / 1, 😀: 4 / 2)
before a diagnostic on the same line shifts its character by exactly the difference; edits after
the emoji land where the client meant; a U+2028 in a comment is not a line break for LSP."""

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from lsp_support import (
    Doc,
    apply_text_edits,
    capabilities,
    edits_by_file,
    gated_workspace,
    initialize,
    last_published,
    server_config,
    wait_until,
    write_layout,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")

GATE = '[target.\'cfg(any(target_os = "é中😀", target_os = "linx"))\'.dependencies]\n'
MANIFEST = (
    '[package]\nname = "enc"\nversion = "0.1.0"\nedition = "2021"\n'
    "# a comment \u2028 with a LINE SEPARATOR inside\n"
    + GATE
)
# (start, end) characters of the two CL403 ranges on line 5: `"é中😀"` and `"linx"`.
EXPECTED = {
    "utf-8": [(29, 29 + 1 + 2 + 3 + 4 + 1), (54, 60)],
    "utf-16": [(29, 29 + 1 + 1 + 1 + 2 + 1), (49, 55)],
}


@pytest_lsp.fixture(scope="module", config=server_config())
async def nvim(lsp_client: LanguageClient, tmp_path_factory):
    caps = capabilities("neovim@v0.11.0")
    assert caps.general.position_encodings[0] == "utf-8"
    lsp_client.init_result = await initialize(lsp_client, [tmp_path_factory.mktemp("enc8")], caps)
    lsp_client.encoding = "utf-8"
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(scope="module", config=server_config())
async def vscode(lsp_client: LanguageClient, tmp_path_factory):
    lsp_client.init_result = await initialize(lsp_client, [tmp_path_factory.mktemp("enc16")], capabilities("visual-studio-code"))
    lsp_client.encoding = "utf-16"
    yield
    await lsp_client.shutdown_session()


@pytest.fixture(params=["utf-8", "utf-16"])
def client(request) -> LanguageClient:
    return request.getfixturevalue("nvim" if request.param == "utf-8" else "vscode")


async def current(client: LanguageClient, doc: Doc) -> list[lsp.Diagnostic]:
    """The diagnostics the client shows for ``doc`` now: pulled (Neovim 0.11) or the last push
    for the document's current version (VS Code 1.65)."""
    if client.capabilities.text_document.diagnostic is not None:
        report = await client.text_document_diagnostic_async(
            lsp.DocumentDiagnosticParams(text_document=lsp.TextDocumentIdentifier(doc.uri)))
        return list(report.items)
    await wait_until(client, lambda: (p := last_published(client, doc.path)) is not None and p.version == doc.version)
    return list(last_published(client, doc.path).diagnostics)


def spans(found: list[lsp.Diagnostic]) -> list[tuple[int, int, int]]:
    return sorted((d.range.start.line, d.range.start.character, d.range.end.character) for d in found)


async def test_negotiated_encoding(client: LanguageClient):
    got = client.init_result.capabilities.position_encoding
    if client.encoding == "utf-8":
        assert got == lsp.PositionEncodingKind.Utf8
    else:
        assert got in (None, lsp.PositionEncodingKind.Utf16)  # absent means UTF-16


async def test_diagnostic_characters_after_non_ascii(client: LanguageClient, tmp_path):
    write_layout(tmp_path, {"Cargo.toml": MANIFEST})
    doc = Doc(client, tmp_path / "Cargo.toml", encoding=client.encoding)
    found = await current(client, doc)
    assert [d.code for d in found] == ["CL403", "CL403"]
    # line 5: the U+2028 inside the comment on line 4 is not a line break
    assert spans(found) == [(5, s, e) for s, e in EXPECTED[client.encoding]]
    assert all(d.range.start.line == d.range.end.line for d in found)


async def test_incremental_edits_after_the_emoji(client: LanguageClient, tmp_path):
    write_layout(tmp_path, {"Cargo.toml": MANIFEST})
    doc = Doc(client, tmp_path / "Cargo.toml", encoding=client.encoding)
    assert len(await current(client, doc)) == 2
    # Right after the emoji, inside the string: the character must land between 😀 and the quote.
    doc.insert(doc.find("😀") + 1, "x")
    found = await current(client, doc)
    assert sorted(d.message.splitlines()[0] for d in found) == [
        "unknown value `linx` for `target_os`", "unknown value `é中😀x` for `target_os`"]
    # A range starting after the emoji on the same line: `linx` -> `linux`.
    doc.replace("linx", "linux")
    (d,) = await current(client, doc)
    assert "é中😀x" in d.message
    s, e = EXPECTED[client.encoding][0]
    assert spans([d]) == [(5, s, e + 1)]  # one more unit for the `x`
    # Lines below the U+2028 comment: delete the comment's line, the diagnostic moves up by one.
    start = doc.find("# a comment")
    doc.edit(start, doc.text.index("\n", start) + 1, "")
    (d,) = await current(client, doc)
    assert d.range.start.line == 4


async def test_hover_range_in_the_negotiated_encoding(client: LanguageClient, tmp_path):
    write_layout(tmp_path, {"Cargo.toml": MANIFEST})
    doc = Doc(client, tmp_path / "Cargo.toml", encoding=client.encoding)
    # after the emoji, on `target_os = "linx"`: the whole cfg key is hovered
    h = await client.text_document_hover_async(lsp.HoverParams(
        lsp.TextDocumentIdentifier(doc.uri), doc.position(doc.find("linx"))))
    assert h is not None and "target_os" in h.contents.value
    assert h.range.start == doc.position(doc.find("'cfg("))  # the whole quoted key
    assert h.range.end == doc.position(doc.find("))'") + 3)
    assert h.range.end.character - h.range.start.character == {"utf-8": 49 + 6, "utf-16": 49 + 1}[client.encoding]  # 49 code points


async def test_quick_fix_edit_after_non_ascii(client: LanguageClient, tmp_path):
    """`Add "crates/dep" to workspace.members` inserts after a member entry full of non-ASCII: the
    edit's character differs between the encodings and must produce the same text."""
    gated_workspace(tmp_path)
    write_layout(tmp_path, {
        "Cargo.toml": '[workspace]\nresolver = "2"\nmembers = ["crates/entry", "crates/é中😀"]\n',
        "crates/é中😀/Cargo.toml": '[package]\nname = "emoji"\nversion = "0.1.0"\nedition = "2021"\n',
    })
    member = Doc(client, tmp_path / "crates/entry/Cargo.toml", encoding=client.encoding)
    (d,) = [x for x in await current(client, member) if x.code == "CL301"]
    actions = await client.text_document_code_action_async(lsp.CodeActionParams(
        text_document=lsp.TextDocumentIdentifier(member.uri), range=d.range, context=lsp.CodeActionContext([d])))
    (action,) = [a for a in actions if "workspace.members" in a.title]
    ((path, edits),) = edits_by_file(action.edit).items()
    if client.encoding == "utf-8":  # Neovim 0.11 announces no documentChanges
        assert action.edit.changes and not action.edit.document_changes
    else:
        assert action.edit.document_changes and not action.edit.changes
    (e,) = edits
    line = 'members = ["crates/entry", "crates/é中😀"]'
    width = {"utf-8": len(line[:-1].encode()), "utf-16": len(line[:-1].encode("utf-16-le")) // 2}[client.encoding]
    assert (e.range.start.line, e.range.start.character) == (2, width)
    after = apply_text_edits(path.read_text(), edits, client.encoding)
    assert after == '[workspace]\nresolver = "2"\nmembers = ["crates/entry", "crates/é中😀", "crates/dep"]\n'
