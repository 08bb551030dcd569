"""Issue 5 end to end, one feature at a time, over `cargo-lens serve --stdio`: completion (schema
keys filtered by table and by the keys present, enumerations, member and path directories,
`name.workspace = true` from the root, feature names, crate names from the local registry cache
and nothing invented without one), definition and declaration for every source kind, references,
document links, inlay hints, code lenses, document symbols and folding ranges — and answers that
change when *another* manifest is edited without being saved.

One server for the module, over the workspace ``LAYOUT`` describes. A test that edits a buffer
puts it back (``opened`` closes every document it opened, so the disk copy speaks again).
``CARGO_HOME`` is a directory made here: its registry cache holds two crates, so what completion
offers from it is known, and the developer's own cache never leaks into the answers.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import shutil
import tempfile
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from lsp_support import (
    TIMEOUT,
    Doc,
    apply_text_edits,
    capabilities,
    initialize,
    package,
    server_config,
    uri_path,
    write_layout,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")

ROOT = """\
[workspace]
resolver = "2"
members = [
    "crates/*",
    "tools/cli",
]
default-members = ["crates/app"]
exclude = ["crates/old"]

[workspace.package]
version = "0.3.0"
edition = "2021"

[workspace.dependencies]
base = { path = "crates/base" }
util = { path = "crates/util" }
serde = "1.0"

[workspace.lints.rust]
unsafe_code = "forbid"

[profile.release]
lto = true
"""

APP = """\
[package]
name = "app"
version.workspace = true
edition = "2021"

[dependencies]
base = { workspace = true }
util.workspace = true
serde.workspace = true

[target.'cfg(any())'.dependencies]
gated = { path = "../../gated" }

[lints]
workspace = true
"""

BASE = """\
[package]
name = "base"
version.workspace = true
edition.workspace = true
readme = "README.md"
license-file = "LICENSE"
build = "build.rs"

[features]
default = ["fast"]
fast = []
simd = ["fast"]
"""

CLI = """\
[package]
name = "cli"
version = "0.1.0"
edition = "2021"
workspace = "../.."

[dependencies]
util = { path = "../../crates/util", version = "0.1" }
serde = "1.0"

[[bin]]
name = "cli"
path = "src/main.rs"
"""

LAYOUT = {
    "Cargo.toml": ROOT,
    "crates/app/Cargo.toml": APP,
    "crates/base/Cargo.toml": BASE,
    "crates/base/README.md": "# base\n",
    "crates/base/LICENSE": "MIT\n",
    "crates/base/build.rs": "fn main() {}\n",
    "crates/util/Cargo.toml": package("util", "[features]\nextra = []\n"),
    "crates/extra/Cargo.toml": package("extra"),
    "crates/old/Cargo.toml": package("old"),
    "tools/cli/Cargo.toml": CLI,
    "tools/cli/src/main.rs": "fn main() {}\n",
    "gated/Cargo.toml": package("gated"),
}

# A cargo home whose registry cache (the `.crate` archives cargo keeps) knows two crates.
CARGO_HOME = Path(tempfile.mkdtemp(prefix="cargo-lens-home-"))
atexit.register(shutil.rmtree, CARGO_HOME, ignore_errors=True)
for _name in ("serde_json-1.0.99", "serde_json-1.0.120", "serde_yaml-0.9.34"):
    _p = CARGO_HOME / "registry" / "cache" / "index.crates.io-1949cf8c6b5b557f" / f"{_name}.crate"
    _p.parent.mkdir(parents=True, exist_ok=True)
    _p.write_bytes(b"")


def _env() -> dict[str, str]:
    import os

    env = dict(os.environ)
    env["CARGO_HOME"] = str(CARGO_HOME)
    return env


@pytest_lsp.fixture(scope="module", config=server_config(env=_env()))
async def client(lsp_client: LanguageClient, tmp_path_factory):
    root = write_layout(tmp_path_factory.mktemp("authoring"), LAYOUT)
    lsp_client.root = root
    await initialize(lsp_client, [root], capabilities("visual-studio-code"))
    yield
    await lsp_client.shutdown_session()


# -- helpers -------------------------------------------------------------------------------------


@contextlib.contextmanager
def opened(client: LanguageClient, *rels: str):
    docs = [Doc(client, client.root / rel) for rel in rels]
    try:
        yield docs[0] if len(docs) == 1 else docs
    finally:
        for d in docs:
            d.close()


def tid(doc: Doc) -> lsp.TextDocumentIdentifier:
    return lsp.TextDocumentIdentifier(doc.uri)


async def complete(client: LanguageClient, doc: Doc, offset: int) -> list[lsp.CompletionItem]:
    result = await asyncio.wait_for(client.text_document_completion_async(
        lsp.CompletionParams(tid(doc), doc.position(offset))), TIMEOUT)
    assert isinstance(result, lsp.CompletionList), result
    return list(result.items)


async def complete_after(client: LanguageClient, doc: Doc, marker: str, typed: str) -> tuple[list[lsp.CompletionItem], int]:
    """Type ``typed`` after ``marker`` (an unsaved edit) and ask for completion at its end."""
    at = doc.find(marker) + len(marker)
    doc.insert(at, typed)
    return await complete(client, doc, at + len(typed)), at + len(typed)


def labels(items: list[lsp.CompletionItem]) -> list[str]:
    return [i.label for i in items]


def accept(doc: Doc, item: lsp.CompletionItem) -> str:
    """The text after accepting ``item`` (its textEdit applied to the buffer)."""
    return apply_text_edits(doc.text, [item.text_edit], doc.encoding)


def where(client: LanguageClient, locations) -> list[tuple[str, str]]:
    """(file relative to the root, the text the location covers) for each location."""
    out = []
    for loc in locations or []:
        path = uri_path(loc.uri)
        text = path.read_text()
        lines = text.split("\n")
        s, e = loc.range.start, loc.range.end
        if s.line == e.line:
            covered = lines[s.line][s.character:e.character]
        else:
            covered = lines[s.line][s.character:] + "…"
        out.append((path.relative_to(client.root).as_posix(), covered))
    return out


async def definition(client: LanguageClient, doc: Doc, offset: int):
    return await asyncio.wait_for(client.text_document_definition_async(
        lsp.DefinitionParams(tid(doc), doc.position(offset))), TIMEOUT)


async def declaration(client: LanguageClient, doc: Doc, offset: int):
    return await asyncio.wait_for(client.text_document_declaration_async(
        lsp.DeclarationParams(tid(doc), doc.position(offset))), TIMEOUT)


async def references(client: LanguageClient, doc: Doc, offset: int, include_declaration: bool = False):
    return await asyncio.wait_for(client.text_document_references_async(lsp.ReferenceParams(
        text_document=tid(doc), position=doc.position(offset),
        context=lsp.ReferenceContext(include_declaration=include_declaration))), TIMEOUT)


async def lens_titles(client: LanguageClient, doc: Doc) -> list[tuple[str, str]]:
    """(the line the lens sits on, its title)."""
    lenses = await asyncio.wait_for(client.text_document_code_lens_async(lsp.CodeLensParams(tid(doc))), TIMEOUT)
    lines = doc.text.split("\n")
    return [(lines[lens.range.start.line], lens.command.title) for lens in lenses]


async def hints(client: LanguageClient, doc: Doc, rng: lsp.Range | None = None) -> list[tuple[str, str]]:
    """(the line text up to the hint, its label)."""
    end = doc.position(len(doc.text))
    got = await asyncio.wait_for(client.text_document_inlay_hint_async(
        lsp.InlayHintParams(tid(doc), rng or lsp.Range(lsp.Position(0, 0), end))), TIMEOUT)
    lines = doc.text.split("\n")
    return [(lines[h.position.line][: h.position.character], h.label) for h in got]


# -- completion ----------------------------------------------------------------------------------


async def test_completion_keys_come_from_the_schema_for_the_table_without_those_present(client: LanguageClient):
    with opened(client, "crates/app/Cargo.toml", "Cargo.toml") as (app, root):
        items, _ = await complete_after(client, app, 'edition = "2021"\n', "")
        got = labels(items)
        assert {"description", "license", "rust-version", "readme", "publish"} <= set(got)
        assert not {"name", "version", "edition"} & set(got), "keys already in [package] are not offered"
        assert "members" not in got and "dependencies" not in got, "keys of other tables are not offered"
        desc = items[got.index("description")]
        assert desc.kind == lsp.CompletionItemKind.Property and desc.documentation is not None

        items, _ = await complete_after(client, root, 'exclude = ["crates/old"]\n', "")
        got = labels(items)
        assert "metadata" in got
        assert not {"members", "default-members", "exclude", "resolver"} & set(got)

        # inside a dependency's inline table: its keys, not those written, not `workspace` again
        items, at = await complete_after(client, app, "base = { workspace = true", ", ")
        got = labels(items)
        assert {"features", "optional", "default-features"} <= set(got)
        # with `workspace = true` cargo takes nothing else but those: not `workspace` again, nor `version`
        assert "workspace" not in got and "version" not in got and "path" not in got


async def test_completion_of_enumerated_values(client: LanguageClient):
    with opened(client, "crates/app/Cargo.toml", "Cargo.toml") as (app, root):
        app.replace('edition = "2021"', 'edition = ""')
        items = await complete(client, app, app.find('edition = "') + len('edition = "'))
        assert labels(items) == ["2015", "2018", "2021", "2024"]
        assert all(i.kind == lsp.CompletionItemKind.Value for i in items)
        assert accept(app, items[-1]).count('edition = "2024"\n') == 1

        root.replace('resolver = "2"', "resolver = ")
        items = await complete(client, root, root.find("resolver = ") + len("resolver = "))
        assert labels(items) == ['"1"', '"2"', '"3"'] or labels(items) == ["1", "2", "3"]
        assert 'resolver = "3"\n' in accept(root, items[-1])

        root.replace("lto = true", "panic = ")
        items = await complete(client, root, root.find("panic = ") + len("panic = "))
        assert {"abort", "unwind"} <= set(labels(items))
        assert 'panic = "abort"' in accept(root, [i for i in items if i.label == "abort"][0])


async def test_completion_of_member_and_path_directories(client: LanguageClient):
    with opened(client, "Cargo.toml", "tools/cli/Cargo.toml") as (root, cli):
        # a new `members` entry: the directories at the root, then below `crates/`
        root.replace('"tools/cli",', '"tools/cli",\n    "",')
        items = await complete(client, root, root.find('    "",') + len('    "'))
        assert {"crates", "tools", "gated"} <= set(labels(items))
        assert all(i.kind == lsp.CompletionItemKind.Folder for i in items)
        root.replace('    "",', '    "crates/",')
        items = await complete(client, root, root.find('"crates/",') + len('"crates/'))
        by_label = {i.label: i for i in items}
        assert {"crates/app", "crates/base", "crates/util", "crates/extra", "crates/old"} <= set(by_label)
        assert "crates/*" not in by_label, "the glob already listed is not offered again"
        assert by_label["crates/base"].detail == "package `base` (has Cargo.toml)"
        assert '    "crates/util",' in accept(root, by_label["crates/util"])

        # default-members and exclude take directories too
        root.replace('default-members = ["crates/app"]', 'default-members = ["crates/app", "crates/"]')
        items = await complete(client, root, root.find('"crates/"]') + len('"crates/'))
        assert "crates/base" in labels(items) and "crates/app" not in labels(items)
        root.replace('exclude = ["crates/old"]', 'exclude = ["crates/old", "g"]')
        items = await complete(client, root, root.find('"g"]') + len('"g'))
        assert "gated" in labels(items)

        # a dependency's `path`: directories relative to the manifest
        cli.replace('serde = "1.0"\n', 'serde = "1.0"\nnew = { path = "../../crates/" }\n')
        items = await complete(client, cli, cli.find('"../../crates/"') + len('"../../crates/'))
        assert {"../../crates/app", "../../crates/util"} <= set(labels(items))
        assert 'new = { path = "../../crates/app" }' in accept(cli, [i for i in items if i.label == "../../crates/app"][0])


async def test_completion_of_inherited_dependencies_from_the_root(client: LanguageClient):
    with opened(client, "tools/cli/Cargo.toml") as cli:
        items, at = await complete_after(client, cli, 'serde = "1.0"\n', "ba")
        base = [i for i in items if i.label == "base"]
        assert base, labels(items)
        assert base[0].text_edit.new_text == "base.workspace = true"
        assert base[0].detail == 'workspace: { path = "crates/base" }'
        assert "base.workspace = true\n" in accept(cli, base[0])
        # the keys already in the table are not offered again
        cli.set_text(CLI.replace('serde = "1.0"\n', 'serde = "1.0"\n\n'))
        items = await complete(client, cli, cli.find('serde = "1.0"\n\n') + len('serde = "1.0"\n'))
        got = labels(items)
        assert "base" in got and "util" not in got and "serde" not in got

        # `workspace = true` inside a dependency the root has an entry for
        cli.set_text(CLI.replace('serde = "1.0"', "serde = {  }"))
        items = await complete(client, cli, cli.find("serde = { ") + len("serde = { "))
        ws = [i for i in items if i.label == "workspace"]
        assert ws and ws[0].text_edit.new_text == "workspace = true", labels(items)
        assert "inherit `serde`" in ws[0].detail


async def test_completion_of_feature_names(client: LanguageClient):
    with opened(client, "crates/app/Cargo.toml", "tools/cli/Cargo.toml") as (app, cli):
        # a workspace path dependency: the features of crates/base, not `default`, not those listed
        app.replace("base = { workspace = true }", 'base = { workspace = true, features = ["fast", ""] }')
        items = await complete(client, app, app.find('""]') + 1)
        assert labels(items) == ["simd"]
        assert items[0].kind == lsp.CompletionItemKind.EnumMember
        assert 'features = ["fast", "simd"]' in accept(app, items[0])
        # a path dependency
        cli.replace('version = "0.1" }', 'version = "0.1", features = [""] }')
        items = await complete(client, cli, cli.find('[""]') + 2)
        assert labels(items) == ["extra"]


async def test_completion_of_crate_names_and_versions_from_the_local_registry_cache(client: LanguageClient):
    with opened(client, "tools/cli/Cargo.toml") as cli:
        items, _ = await complete_after(client, cli, 'serde = "1.0"\n', "serde_")
        crates = {i.label: i for i in items if i.kind == lsp.CompletionItemKind.Module}
        assert sorted(crates) == ["serde_json", "serde_yaml"]
        assert crates["serde_json"].text_edit.new_text == 'serde_json = "1.0.120"'
        # versions, newest first, for a registry dependency
        cli.set_text(CLI.replace('serde = "1.0"', 'serde_json = ""'))
        items = await complete(client, cli, cli.find('serde_json = "') + len('serde_json = "'))
        assert [i.label for i in sorted(items, key=lambda i: i.sort_text)] == ["1.0.120", "1.0.99"]
        # nothing is invented for a name the cache does not know, nor for a path dependency
        cli.set_text(CLI.replace('serde = "1.0"\n', 'serde = "1.0"\nzzq\n'))
        items = await complete(client, cli, cli.find("zzq") + 3)
        assert [i for i in items if i.kind == lsp.CompletionItemKind.Module] == []
        cli.set_text(CLI.replace('version = "0.1"', 'version = ""'))
        items = await complete(client, cli, cli.find('version = ""') + len('version = "'))
        assert items == []


# -- definition and declaration -------------------------------------------------------------------


async def test_definition_of_workspace_true_is_the_root_entry(client: LanguageClient):
    with opened(client, "crates/app/Cargo.toml") as app:
        got = where(client, await definition(client, app, app.find("base = {") + 1))
        assert got == [("Cargo.toml", "base"), ("crates/base/Cargo.toml", "[package]")]
        got = where(client, await definition(client, app, app.find("workspace = true }") + 2))
        assert got == [("Cargo.toml", "base")]
        got = where(client, await definition(client, app, app.find("serde.workspace") + 8))
        assert got == [("Cargo.toml", "serde")]
        # declaration answers the same
        assert where(client, await declaration(client, app, app.find("base = {") + 1)) == [
            ("Cargo.toml", "base"), ("crates/base/Cargo.toml", "[package]")]


async def test_definition_of_inherited_package_keys_and_lints(client: LanguageClient):
    with opened(client, "crates/base/Cargo.toml", "crates/app/Cargo.toml") as (base, app):
        assert where(client, await definition(client, base, base.find("version.workspace") + 1)) == [("Cargo.toml", "version")]
        assert where(client, await definition(client, base, base.find("edition.workspace") + 9)) == [("Cargo.toml", "edition")]
        at = app.text.index("workspace = true", app.find("[lints]"))
        assert where(client, await definition(client, app, at + 1)) == [("Cargo.toml", "lints")]


async def test_definition_of_a_path_dependency_is_its_manifest(client: LanguageClient):
    with opened(client, "tools/cli/Cargo.toml", "Cargo.toml") as (cli, root):
        expected = [("crates/util/Cargo.toml", "[package]")]
        assert where(client, await definition(client, cli, cli.find("util = {") + 1)) == expected
        assert where(client, await definition(client, cli, cli.find("../../crates/util") + 4)) == expected
        assert where(client, await declaration(client, cli, cli.find("../../crates/util") + 4)) == expected
        # a `[workspace.dependencies]` entry with a path, at the root
        assert where(client, await definition(client, root, root.find('"crates/base"') + 3)) == [
            ("crates/base/Cargo.toml", "[package]")]
        # a registry dependency has no manifest to go to
        assert await definition(client, cli, cli.find('serde = "1.0"') + 1) is None


async def test_definition_of_members_default_members_and_exclude_entries(client: LanguageClient):
    with opened(client, "Cargo.toml") as root:
        got = where(client, await definition(client, root, root.find('"crates/*"') + 3))
        assert {f for f, _ in got} >= {"crates/app/Cargo.toml", "crates/base/Cargo.toml", "crates/util/Cargo.toml",
                                       "crates/extra/Cargo.toml"}
        assert all(text == "[package]" for _, text in got)
        assert where(client, await definition(client, root, root.find('"tools/cli"') + 3)) == [("tools/cli/Cargo.toml", "[package]")]
        assert where(client, await definition(client, root, root.find('["crates/app"]') + 3)) == [("crates/app/Cargo.toml", "[package]")]
        assert where(client, await definition(client, root, root.find('"crates/old"') + 3)) == [("crates/old/Cargo.toml", "[package]")]


async def test_definition_of_package_workspace_is_the_root(client: LanguageClient):
    with opened(client, "tools/cli/Cargo.toml") as cli:
        assert where(client, await definition(client, cli, cli.find('"../.."') + 2)) == [("Cargo.toml", "[workspace]")]


async def test_definition_in_an_implicit_member_is_the_dependency_that_pulls_it_in(client: LanguageClient):
    with opened(client, "gated/Cargo.toml", "crates/extra/Cargo.toml") as (gated, extra):
        expected = [("crates/app/Cargo.toml", "gated")]
        assert where(client, await definition(client, gated, 2)) == expected  # on `[package]`
        assert where(client, await definition(client, gated, gated.find('"gated"') + 2)) == expected
        # a member listed by a glob: its `members` entry
        assert where(client, await definition(client, extra, 2)) == [("Cargo.toml", '"crates/*"')]


# -- references ----------------------------------------------------------------------------------


async def test_references_from_a_package_name(client: LanguageClient):
    with opened(client, "crates/util/Cargo.toml") as util:
        at = util.find('"util"') + 2
        got = where(client, await references(client, util, at))
        assert sorted(got) == [("Cargo.toml", "util"), ("crates/app/Cargo.toml", "util"), ("tools/cli/Cargo.toml", "util")]
        with_decl = where(client, await references(client, util, at, include_declaration=True))
        assert sorted(with_decl) == sorted(got + [("crates/util/Cargo.toml", '"util"')])
    with opened(client, "gated/Cargo.toml") as gated:  # depended on only behind a target gate
        assert where(client, await references(client, gated, gated.find('"gated"') + 1)) == [("crates/app/Cargo.toml", "gated")]


async def test_references_from_a_workspace_dependencies_entry(client: LanguageClient):
    with opened(client, "Cargo.toml", "crates/app/Cargo.toml") as (root, app):
        got = where(client, await references(client, root, root.find("serde = ") + 1, include_declaration=True))
        assert got == [("Cargo.toml", "serde"), ("crates/app/Cargo.toml", "serde")]
        got = where(client, await references(client, root, root.find("base = {") + 1))
        assert got == [("crates/app/Cargo.toml", "base")]
        # from a member's inherited dependency: the same set
        got = where(client, await references(client, app, app.find("serde.workspace") + 1, include_declaration=True))
        assert got == [("Cargo.toml", "serde"), ("crates/app/Cargo.toml", "serde")]
        # `cli` also has a `serde`, from the registry: not an inheritor
        assert all(f != "tools/cli/Cargo.toml" for f, _ in got)


# -- document links ------------------------------------------------------------------------------


async def document_links(client: LanguageClient, doc: Doc) -> list[tuple[str, str]]:
    links = await asyncio.wait_for(client.text_document_document_link_async(lsp.DocumentLinkParams(tid(doc))), TIMEOUT)
    out = []
    lines = doc.text.split("\n")
    for link in links:
        assert link.target.startswith("file://"), f"only files are linked, never a registry: {link.target}"
        r = link.range
        assert r.start.line == r.end.line
        out.append((lines[r.start.line][r.start.character:r.end.character],
                    uri_path(link.target).relative_to(client.root).as_posix()))
    return out


async def test_document_links_go_to_files_and_never_to_a_registry(client: LanguageClient):
    with opened(client, "tools/cli/Cargo.toml", "crates/base/Cargo.toml", "Cargo.toml", "crates/app/Cargo.toml") as (cli, base, root, app):
        # `util` has a `version` too (a path dependency that is also published): still its
        # manifest, not crates.io; `serde` (a registry dependency) gets no link at all
        assert await document_links(client, cli) == [
            ("../..", "Cargo.toml"), ("../../crates/util", "crates/util/Cargo.toml"), ("src/main.rs", "tools/cli/src/main.rs")]
        assert await document_links(client, base) == [
            ("README.md", "crates/base/README.md"), ("LICENSE", "crates/base/LICENSE"), ("build.rs", "crates/base/build.rs")]
        # members entries that name one directory; the glob names several: no link
        assert await document_links(client, root) == [
            ("tools/cli", "tools/cli/Cargo.toml"), ("crates/app", "crates/app/Cargo.toml"),
            ("crates/base", "crates/base/Cargo.toml"), ("crates/util", "crates/util/Cargo.toml")]
        assert await document_links(client, app) == [("../../gated", "gated/Cargo.toml")]
        # a path to nothing is no link
        cli.replace('path = "../../crates/util"', 'path = "../../crates/nowhere"')
        assert ("../../crates/nowhere", "crates/nowhere/Cargo.toml") not in await document_links(client, cli)


# -- inlay hints ---------------------------------------------------------------------------------


async def test_inlay_hints_for_an_implicit_member_and_inherited_values(client: LanguageClient):
    with opened(client, "crates/app/Cargo.toml", "crates/base/Cargo.toml") as (app, base):
        assert await hints(client, app) == [
            ("version.workspace = true", '= "0.3.0"'),
            ("base = { workspace = true }", '{ path = "crates/base" }'),
            ("util.workspace = true", '{ path = "crates/util" }'),
            ("serde.workspace = true", '{ version = "1.0" }'),
            ('gated = { path = "../../gated" }', "implicit member"),
        ]
        # only those in the range asked for
        line = app.text.split("\n").index('gated = { path = "../../gated" }')
        assert await hints(client, app, lsp.Range(lsp.Position(line, 0), lsp.Position(line + 1, 0))) == [
            ('gated = { path = "../../gated" }', "implicit member")]
        assert await hints(client, base) == [("version.workspace = true", '= "0.3.0"'), ("edition.workspace = true", '= "2021"')]


# -- code lens -----------------------------------------------------------------------------------


async def test_code_lens_on_workspace_and_package(client: LanguageClient):
    with opened(client, "Cargo.toml", "crates/app/Cargo.toml", "gated/Cargo.toml", "crates/old/Cargo.toml") as docs:
        root, app, gated, old = docs
        assert await lens_titles(client, root) == [("[workspace]", "6 members · 1 implicit · 1 gated")]
        assert await lens_titles(client, app) == [("[package]", "member of ../../Cargo.toml")]
        assert await lens_titles(client, gated) == [("[package]", "member of ../Cargo.toml (implicit)")]
        assert await lens_titles(client, old) == [("[package]", "not a member: excluded by `crates/old` in ../../Cargo.toml")]
        # the lens runs the explain command, which answers with the explanation
        lenses = await client.text_document_code_lens_async(lsp.CodeLensParams(tid(gated)))
        cmd = lenses[0].command
        assert cmd.command == "cargoLens.explain" and list(cmd.arguments) == [gated.uri]
        text = await asyncio.wait_for(client.workspace_execute_command_async(
            lsp.ExecuteCommandParams(cmd.command, cmd.arguments)), TIMEOUT)
        assert "gated" in text and "cfg(any())" in text


# -- outline and folding ---------------------------------------------------------------------------


async def test_document_symbols(client: LanguageClient):
    with opened(client, "Cargo.toml", "crates/app/Cargo.toml") as (root, app):
        symbols = await asyncio.wait_for(client.text_document_document_symbol_async(lsp.DocumentSymbolParams(tid(root))), TIMEOUT)
        assert [(s.name, s.kind) for s in symbols] == [
            ("workspace", lsp.SymbolKind.Namespace),
            ("workspace.package", lsp.SymbolKind.Namespace),
            ("workspace.dependencies", lsp.SymbolKind.Namespace),
            ("workspace.lints.rust", lsp.SymbolKind.Namespace),
            ("profile.release", lsp.SymbolKind.Namespace),
        ]
        ws = symbols[0]
        assert [(c.name, c.kind, c.detail) for c in ws.children] == [
            ("resolver", lsp.SymbolKind.String, '"2"'),
            ("members", lsp.SymbolKind.Array, "2 items"),
            ("default-members", lsp.SymbolKind.Array, "1 item"),
            ("exclude", lsp.SymbolKind.Array, "1 item"),
        ]
        # a table's range stops at its last entry (not over the tables after it)
        assert (ws.range.start.line, ws.range.end.line) == (0, 7)
        deps = symbols[2]
        assert [(c.name, c.kind, c.detail) for c in deps.children] == [
            ("base", lsp.SymbolKind.Package, "path crates/base"),
            ("util", lsp.SymbolKind.Package, "path crates/util"),
            ("serde", lsp.SymbolKind.Package, '"1.0"'),
        ]
        for s in symbols:  # every child inside its parent, the selection inside the range
            for c in s.children or []:
                assert (s.range.start.line, s.range.end.line) <= (c.range.start.line, c.range.end.line) or True
                assert s.range.start.line <= c.range.start.line and c.range.end.line <= s.range.end.line
            assert s.range.start.line <= s.selection_range.start.line <= s.range.end.line
        symbols = await client.text_document_document_symbol_async(lsp.DocumentSymbolParams(tid(app)))
        assert [(s.name, s.kind) for s in symbols] == [
            ("package", lsp.SymbolKind.Namespace),
            ("dependencies", lsp.SymbolKind.Namespace),
            ("target.'cfg(any())'.dependencies", lsp.SymbolKind.Namespace),
            ("lints", lsp.SymbolKind.Namespace),
        ]
        assert [(c.name, c.detail) for c in symbols[1].children] == [("base", "workspace"), ("util", "workspace"), ("serde", "workspace")]
        assert [(c.name, c.kind, c.detail) for c in symbols[2].children] == [("gated", lsp.SymbolKind.Package, "path ../../gated")]


async def test_folding_ranges(client: LanguageClient):
    with opened(client, "Cargo.toml") as root:
        folds = await asyncio.wait_for(client.text_document_folding_range_async(lsp.FoldingRangeParams(tid(root))), TIMEOUT)
        lines = root.text.split("\n")
        got = [(lines[f.start_line], lines[f.end_line]) for f in folds]
        assert got == [
            ("[workspace]", 'exclude = ["crates/old"]'),
            ("members = [", '    "tools/cli",'),  # the closing `]` stays visible
            ("[workspace.package]", 'edition = "2021"'),
            ("[workspace.dependencies]", 'serde = "1.0"'),
            ("[workspace.lints.rust]", 'unsafe_code = "forbid"'),
            ("[profile.release]", "lto = true"),
        ]
        assert all(f.kind == lsp.FoldingRangeKind.Region for f in folds)


# -- an unsaved edit in one manifest changes the answer in another ---------------------------------


async def test_unsaved_workspace_dependency_in_the_root_is_offered_in_a_member(client: LanguageClient):
    with opened(client, "crates/app/Cargo.toml") as app:
        with opened(client, "Cargo.toml") as root:
            root.replace('serde = "1.0"\n', 'serde = "1.0"\nfresh-crate = { version = "2.1", features = ["x"] }\n')
            items, at = await complete_after(client, app, "serde.workspace = true\n", "fre")
            fresh = [i for i in items if i.label == "fresh-crate"]
            assert fresh and fresh[0].text_edit.new_text == "fresh-crate.workspace = true"
            assert fresh[0].detail == 'workspace: { version = "2.1", features = ["x"] }'
            # accept it (still unsaved on both sides): it goes to the unsaved root line and shows its value
            app.set_text(accept(app, fresh[0]))
            assert app.text.count("fresh-crate.workspace = true\n") == 1
            got = where(client, await definition(client, app, app.find("fresh-crate") + 1))
            assert got == [("Cargo.toml", "")], "the root line exists only in the unsaved buffer"
            loc = (await definition(client, app, app.find("fresh-crate") + 1))[0]
            assert root.text.split("\n")[loc.range.start.line].startswith("fresh-crate = {")
            assert ("fresh-crate.workspace = true", '{ version = "2.1", features = ["x"] }') in await hints(client, app)
        # the root closed unsaved: its disk copy speaks again, the entry is gone
        app.set_text(APP + "fre\n")
        items = await complete(client, app, len(app.text) - 1)
        assert "fresh-crate" not in labels(items)
        assert "fresh-crate" not in [label for _, label in await hints(client, app)]


async def test_unsaved_exclude_in_the_root_changes_a_members_code_lens(client: LanguageClient):
    with opened(client, "crates/extra/Cargo.toml", "Cargo.toml") as (extra, root):
        assert await lens_titles(client, extra) == [("[package]", "member of ../../Cargo.toml")]
        root.replace('exclude = ["crates/old"]', 'exclude = ["crates/old", "crates/extra"]')
        assert await lens_titles(client, extra) == [("[package]", "not a member: excluded by `crates/extra` in ../../Cargo.toml")]
        assert await lens_titles(client, root) == [("[workspace]", "5 members · 1 implicit · 1 gated")]
        # and a member's unsaved edit changes the root's lens: `app` drops its gated dependency
        with opened(client, "crates/app/Cargo.toml") as app:
            app.replace("[target.'cfg(any())'.dependencies]\ngated = { path = \"../../gated\" }\n", "")
            assert await lens_titles(client, root) == [("[workspace]", "4 members · 0 implicit · 0 gated")]
        root.set_text(ROOT)
        assert await lens_titles(client, extra) == [("[package]", "member of ../../Cargo.toml")]


async def test_unsaved_member_edits_change_references_and_hints_elsewhere(client: LanguageClient):
    with opened(client, "Cargo.toml", "tools/cli/Cargo.toml", "crates/base/Cargo.toml") as (root, cli, base):
        at = root.find("base = {") + 1
        assert where(client, await references(client, root, at)) == [("crates/app/Cargo.toml", "base")]
        cli.replace('serde = "1.0"\n', 'serde = "1.0"\nbase.workspace = true\n')
        assert sorted(where(client, await references(client, root, at))) == [
            ("crates/app/Cargo.toml", "base"), ("tools/cli/Cargo.toml", "")]  # "": the line is only in the buffer
        refs = await references(client, root, at)
        cli_ref = [r for r in refs if uri_path(r.uri).name == "Cargo.toml" and "tools" in r.uri][0]
        assert cli_ref.uri == cli.uri
        assert cli.text.split("\n")[cli_ref.range.start.line] == "base.workspace = true"
        # the package name's references see it too
        got = where(client, await references(client, base, base.find('"base"') + 1))
        assert ("tools/cli/Cargo.toml", "") in got and ("crates/app/Cargo.toml", "base") in got
        # an unsaved `[workspace.package]` version in the root is what the members' hints show
        root.replace('version = "0.3.0"', 'version = "0.4.0-dev"')
        assert ("version.workspace = true", '= "0.4.0-dev"') in await hints(client, base)
