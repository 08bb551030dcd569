"""Hovers over stdio: dependencies, `[target.…]` keys, `members` entries, the `CARGO` precedence on
`package.build` / `links` and on `[env] CARGO` in `.cargo/config.toml`, and nothing on blanks.
The server runs with a known `CARGO` in its environment so the live facts can be asserted."""

import os

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from lsp_support import Doc, capabilities, initialize, package, server_config, write_layout

pytestmark = pytest.mark.asyncio(loop_scope="module")

FAKE_CARGO = "/opt/fake-toolchain/bin/cargo"
_env = {k: v for k, v in os.environ.items() if k not in ("RUSTUP_TOOLCHAIN", "CARGO")}
_env["CARGO"] = FAKE_CARGO


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    root = tmp_path_factory.mktemp("hover")
    entry = package("entry", """
        [dependencies]
        util = { path = "../util" }

        [target.'cfg(any())'.dependencies]
        dep = { path = "../dep" }
    """).replace('edition = "2021"\n', 'edition = "2021"\nbuild = "build.rs"\nlinks = "foo"\n')
    return write_layout(root, {
        "Cargo.toml": '[workspace]\nresolver = "2"\nmembers = ["crates/entry"]\n',
        "crates/entry/Cargo.toml": entry,
        "crates/entry/build.rs": "fn main() {}\n",
        "crates/util/Cargo.toml": package("util"),
        "crates/dep/Cargo.toml": package("dep"),
        ".cargo/config.toml": '[env]\nCARGO = "/bogus/cargo"\n',
        "rust-toolchain.toml": '[toolchain]\nchannel = "1.86.0"\n',
    })


@pytest_lsp.fixture(scope="module", config=server_config(env=_env))
async def client(lsp_client: LanguageClient, root):
    await initialize(lsp_client, [root], capabilities("visual-studio-code"))
    yield
    await lsp_client.shutdown_session()


async def hover(client: LanguageClient, doc: Doc, needle: str, nth: int = 0, into: int = 1) -> lsp.Hover | None:
    pos = doc.position(doc.find(needle, nth) + into)
    return await client.text_document_hover_async(lsp.HoverParams(lsp.TextDocumentIdentifier(doc.uri), pos))


def text(h: lsp.Hover) -> str:
    assert isinstance(h.contents, lsp.MarkupContent) and h.contents.kind == lsp.MarkupKind.Markdown
    return h.contents.value


@pytest.fixture(scope="module")
def entry(client: LanguageClient, root) -> Doc:
    return Doc(client, root / "crates/entry/Cargo.toml")


async def test_dependency_key(client: LanguageClient, entry: Doc):
    h = await hover(client, entry, "util =")
    md = text(h)
    assert "path dependency `util`" in md
    assert "**Workspace member**" in md and "listed as `crates/entry` in `workspace.members`" in md
    assert "A plain `cargo check` at the root" in md and "**builds** it" in md
    assert h.range == entry.range_of("util")


async def test_target_gated_dependency_key(client: LanguageClient, entry: Doc):
    h = await hover(client, entry, "dep =")
    md = text(h)
    assert "path dependency `dep`" in md
    assert "only through `[target.…]` tables" in md and "cargo#15023" in md
    assert "**inactive** on the host" in md
    at = entry.find("dep =")
    assert h.range == lsp.Range(entry.position(at), entry.position(at + 3))


async def test_target_cfg_key(client: LanguageClient, entry: Doc):
    h = await hover(client, entry, "cfg(any())", into=4)
    md = text(h)
    assert "**Always false**" in md
    assert "| `wasm32-unknown-unknown` | no |" in md and "(host)" in md
    assert "Membership ignores this gate" in md and "(`dep`)" in md


async def test_members_entry_and_key(client: LanguageClient, root):
    doc = Doc(client, root / "Cargo.toml")
    h = await hover(client, doc, '"crates/entry"', into=3)
    md = text(h)
    assert "`workspace.members` entry `crates/entry`" in md and "`crates/entry`: member" in md
    h = await hover(client, doc, "members")
    md = text(h)
    assert "3 members" in md and "**Implicit**" in md
    assert "`crates/dep` ← path dependency `dep`" in md and "only through a target gate" in md
    assert h.range == doc.range_of("members")
    doc.close()


@pytest.mark.parametrize("key", ["build", "links"])
async def test_cargo_precedence_on_build_and_links(client: LanguageClient, entry: Doc, key):
    h = await hover(client, entry, f"{key} =")
    md = text(h)
    assert "`CARGO`: the cargo path given to build scripts" in md
    assert "Since cargo 1.87" in md and "issues/15099" in md and "pull/15208" in md
    assert "issues/10119" in md and "pull/11285" in md
    assert f"Server environment: `CARGO={FAKE_CARGO}`" in md
    assert "`rust-toolchain.toml` pins `1.86.0`" in md and "a 1.67–1.86 cargo: `$CARGO` first" in md
    if key == "links":
        assert "`links` needs a build script" in md
    else:
        assert "The build script `build.rs` runs" in md


async def test_env_cargo_in_cargo_config(client: LanguageClient, root):
    doc = Doc(client, root / ".cargo/config.toml")
    h = await hover(client, doc, "CARGO")
    md = text(h)
    assert "`[env] CARGO`: has no effect" in md
    assert "Since cargo 1.87" in md and f"`CARGO={FAKE_CARGO}`" in md
    assert h.range == doc.range_of("CARGO")
    doc.close()


async def test_whitespace_and_plain_keys_have_no_hover(client: LanguageClient, entry: Doc):
    blank = entry.find("\n\n") + 1  # an empty line
    assert await client.text_document_hover_async(lsp.HoverParams(
        lsp.TextDocumentIdentifier(entry.uri), entry.position(blank))) is None
    assert await hover(client, entry, "util = {", into=4) is None  # the blank between key and `=`
    assert await hover(client, entry, 'name = "entry"') is None


async def test_hover_sees_unsaved_edits_in_other_files(client: LanguageClient, root, entry: Doc):
    doc = Doc(client, root / "Cargo.toml")
    doc.insert(len(doc.text), 'exclude = ["crates/dep"]\n')
    md = text(await hover(client, entry, "dep ="))
    assert "**Workspace member**" not in md and "exclude" in md
    doc.close()
    md = text(await hover(client, entry, "dep ="))
    assert "**Workspace member**" in md
