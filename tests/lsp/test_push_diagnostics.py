"""Push diagnostics (a client without pull support: Neovim 0.7's capabilities) after open and
after every kind of edit, the cross-file case, and versions. One server for the module; each
test builds its own workspace in tmp_path and adds it as a workspace folder."""

import asyncio
import time

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from lsp_support import (
    Doc,
    capabilities,
    codes,
    diags,
    gated_workspace,
    initialize,
    last_published,
    package,
    server_config,
    settle,
    uri,
    wait_codes,
    wait_until,
    write_layout,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_lsp.fixture(scope="module", config=server_config())
async def client(lsp_client: LanguageClient, tmp_path_factory):
    await initialize(lsp_client, [tmp_path_factory.mktemp("push-empty")], capabilities("neovim@v0.7.0"))
    yield
    await lsp_client.shutdown_session()


async def add_folder(client: LanguageClient, root) -> None:
    """Add ``root`` as a workspace folder and wait until the server has indexed it."""
    before = len(client.log_messages)
    client.workspace_did_change_workspace_folders(lsp.DidChangeWorkspaceFoldersParams(
        lsp.WorkspaceFoldersChangeEvent(added=[lsp.WorkspaceFolder(uri(root), root.name)], removed=[])))
    await wait_until(client, lambda: any("manifests in" in m.message for m in client.log_messages[before:]),
                     method=lsp.WINDOW_LOG_MESSAGE, what="the index log message")


async def test_open_pushes_the_gated_member_warning_with_the_version(client: LanguageClient, tmp_path):
    gated_workspace(tmp_path)
    doc = Doc(client, tmp_path / "crates/entry/Cargo.toml")
    await wait_codes(client, doc.path, ["CL301"])
    (d,) = diags(client, doc.path)
    assert d.severity == lsp.DiagnosticSeverity.Warning
    assert d.source == "cargo-lens"
    assert d.range == lsp.Range(lsp.Position(6, 0), lsp.Position(6, 3))  # the `dep` key
    assert "joins the workspace only through" in d.message and "cargo#15023" in d.message
    assert last_published(client, doc.path).version == 1
    # The root and the gated member itself are clean.
    assert codes(client, tmp_path / "Cargo.toml") == []
    assert codes(client, tmp_path / "crates/dep/Cargo.toml") == []


async def test_incremental_edits_move_and_clear_the_diagnostic(client: LanguageClient, tmp_path):
    gated_workspace(tmp_path)
    doc = Doc(client, tmp_path / "crates/entry/Cargo.toml")
    await wait_codes(client, doc.path, ["CL301"])

    # Two lines inserted above the table: the diagnostic follows its key.
    doc.insert(doc.find("[target"), "# a comment\n\n")
    await wait_until(client, lambda: last_published(client, doc.path).version == 2)
    (d,) = diags(client, doc.path)
    assert d.range == lsp.Range(lsp.Position(8, 0), lsp.Position(8, 3))

    # The key renamed in place (a range inside one line), with `package` keeping the name valid.
    doc.replace('dep = { path', 'dep2 = { package = "dep", path')
    await wait_until(client, lambda: last_published(client, doc.path).version == 3)
    (d,) = diags(client, doc.path)
    assert d.range == lsp.Range(lsp.Position(8, 0), lsp.Position(8, 4))
    assert "`dep`" in d.message

    # The gate replaced by a plain [dependencies]: `dep` is an ordinary member now.
    doc.replace("[target.'cfg(any())'.dependencies]", "[dependencies]")
    await wait_until(client, lambda: last_published(client, doc.path).version == 4)
    assert codes(client, doc.path) == []


async def test_full_replacement(client: LanguageClient, tmp_path):
    gated_workspace(tmp_path)
    doc = Doc(client, tmp_path / "crates/entry/Cargo.toml")
    await wait_codes(client, doc.path, ["CL301"])
    doc.set_text(package("entry", """
        [dependencies]
        dep = { path = "../dep" }
    """))
    await wait_until(client, lambda: last_published(client, doc.path).version == 2)
    assert codes(client, doc.path) == []
    doc.set_text(package("entry", """
        [target.'cfg(windows)'.build-dependencies]
        dep = { path = "../dep" }
    """))
    await wait_until(client, lambda: last_published(client, doc.path).version == 3)
    (d,) = diags(client, doc.path)
    assert d.code == "CL301" and d.range.start == lsp.Position(6, 0)
    assert "cfg(windows)" in d.message or "windows" in d.message


async def test_typing_a_dependency_one_character_at_a_time(client: LanguageClient, tmp_path):
    gated_workspace(tmp_path)
    path = tmp_path / "crates/entry/Cargo.toml"
    path.write_text(package("entry", "[target.'cfg(any())'.dependencies]\n"))
    doc = Doc(client, path)
    await wait_until(client, lambda: last_published(client, path) is not None)
    assert codes(client, path) == []
    line = 'dep = { path = "../dep" }'
    for ch in line:
        doc.insert(len(doc.text), ch)
    assert doc.text.endswith(line)
    await wait_until(client, lambda: last_published(client, path).version == doc.version, what="the final version")
    (d,) = diags(client, path)
    assert d.code == "CL301" and d.range == lsp.Range(lsp.Position(6, 0), lsp.Position(6, 3))
    versions = [p.version for p in client.published if p.uri == doc.uri]
    assert versions == sorted(versions), f"versions went backwards: {versions}"


async def test_typing_a_key_and_value_one_character_at_a_time(client: LanguageClient, tmp_path):
    """`edition = "2099"` typed one character at a time (every prefix is broken TOML or an
    unknown edition): the final text's error is reported at the key's line, then fixed."""
    write_layout(tmp_path, {"Cargo.toml": '[package]\nname = "solo"\nversion = "0.1.0"\n'})
    doc = Doc(client, tmp_path / "Cargo.toml")
    await wait_until(client, lambda: last_published(client, doc.path) is not None)
    assert codes(client, doc.path) == []
    for ch in 'edition = "2099"':
        doc.insert(len(doc.text), ch)
        await asyncio.sleep(0)  # let the reader thread interleave: a real typist's pace is slower
    await wait_until(client, lambda: last_published(client, doc.path).version == doc.version)
    (d,) = diags(client, doc.path)
    assert d.code == "CL101" and d.severity == lsp.DiagnosticSeverity.Error
    assert d.range.start.line == 3
    assert "2099" in d.message
    doc.replace("2099", "2021")
    await wait_until(client, lambda: last_published(client, doc.path).version == doc.version)
    assert codes(client, doc.path) == []


async def test_deleting_a_line(client: LanguageClient, tmp_path):
    gated_workspace(tmp_path)
    doc = Doc(client, tmp_path / "crates/entry/Cargo.toml")
    await wait_codes(client, doc.path, ["CL301"])
    start = doc.find("dep = {")
    end = doc.text.index("\n", start) + 1
    doc.edit(start, end, "")  # a range from (6, 0) to (7, 0)
    await wait_until(client, lambda: last_published(client, doc.path).version == 2)
    assert codes(client, doc.path) == []
    assert len(last_published(client, doc.path).diagnostics) == 0


async def test_broken_toml_mid_typing_then_fixed(client: LanguageClient, tmp_path):
    gated_workspace(tmp_path)
    doc = Doc(client, tmp_path / "crates/entry/Cargo.toml")
    await wait_codes(client, doc.path, ["CL301"])
    at = doc.find("[target")
    doc.insert(at, "[dev-dependencies\n")  # the header is not closed yet
    await wait_until(client, lambda: last_published(client, doc.path).version == 2)
    assert "CL001" in codes(client, doc.path)
    err = next(d for d in diags(client, doc.path) if d.code == "CL001")
    assert err.severity == lsp.DiagnosticSeverity.Error
    assert err.range.start.line == 5
    doc.insert(at + len("[dev-dependencies"), "]")
    await wait_until(client, lambda: last_published(client, doc.path).version == 3)
    assert codes(client, doc.path) == ["CL301"]
    (d,) = diags(client, doc.path)
    assert d.range.start == lsp.Position(7, 0)


async def test_unsaved_exclude_in_the_root_clears_the_member_warning(client: LanguageClient, tmp_path):
    gated_workspace(tmp_path)
    member = Doc(client, tmp_path / "crates/entry/Cargo.toml")
    await wait_codes(client, member.path, ["CL301"])
    member.insert(0, "# touched\n")  # the member's version is 2 from here on
    await wait_until(client, lambda: last_published(client, member.path).version == 2)
    root = Doc(client, tmp_path / "Cargo.toml")
    await wait_until(client, lambda: last_published(client, root.path) is not None)
    pushed = len(client.published)

    root.insert(len(root.text), 'exclude = ["crates/dep"]\n')  # never saved
    await wait_until(client, lambda: codes(client, member.path) == [], what="the member's warning to go")
    cleared = last_published(client, member.path)
    assert cleared.version == 2, "the member's diagnostics must carry the member's own version"
    assert (tmp_path / "Cargo.toml").read_text().count("exclude") == 0  # nothing was saved

    root.replace('exclude = ["crates/dep"]\n', "")
    await wait_codes(client, member.path, ["CL301"])
    assert last_published(client, member.path).version == 2
    # Every push for the member after the root edits carries version 2.
    assert {p.version for p in client.published[pushed:] if p.uri == member.uri} == {2}


async def test_closing_the_root_brings_back_the_disk_copy(client: LanguageClient, tmp_path):
    gated_workspace(tmp_path)
    member = Doc(client, tmp_path / "crates/entry/Cargo.toml")
    root = Doc(client, tmp_path / "Cargo.toml")
    await wait_codes(client, member.path, ["CL301"])
    root.insert(len(root.text), 'exclude = ["crates/dep"]\n')
    await wait_codes(client, member.path, [])
    root.close()  # unsaved edit discarded: disk has no exclude
    await wait_codes(client, member.path, ["CL301"])


async def test_unopened_manifests_of_the_workspace_are_reported(client: LanguageClient, tmp_path):
    write_layout(tmp_path, {
        "Cargo.toml": '[workspace]\nmembers = ["crates/*"]\n',
        "crates/a/Cargo.toml": package("a", "[dependencies]\nb = { workspace = true }"),
        "crates/b/Cargo.toml": package("b"),
    })
    await add_folder(client, tmp_path)
    a = tmp_path / "crates/a/Cargo.toml"
    await wait_codes(client, a, ["CL102"])
    p = last_published(client, a)
    assert p.version is None  # not open: no version
    (d,) = diags(client, a)
    assert d.range == lsp.Range(lsp.Position(6, 4), lsp.Position(6, 24))  # `{ workspace = true }`
    assert "workspace.dependencies.b" in d.message


async def test_the_last_published_result_matches_the_final_text(client: LanguageClient, tmp_path):
    """Many edits fired without waiting: pushes arrive in version order and the last one is for
    the final text (which has the diagnostic on a line only the final text has)."""
    gated_workspace(tmp_path)
    doc = Doc(client, tmp_path / "crates/entry/Cargo.toml")
    await wait_codes(client, doc.path, ["CL301"])
    start = len(client.published)
    for i in range(60):
        doc.insert(doc.find("[target"), f"# {i}\n")
    final = doc.version
    await wait_until(client, lambda: last_published(client, doc.path).version == final, what=f"version {final}")
    ours = [p for p in client.published[start:] if p.uri == doc.uri]
    versions = [p.version for p in ours]
    assert versions == sorted(versions), f"an older result replaced a newer one: {versions}"
    (d,) = diags(client, doc.path)
    assert d.range.start == lsp.Position(6 + 60, 0)
    # Nothing stale arrives afterwards: the server has settled once a code action is answered.
    await settle(client, doc.uri)
    assert last_published(client, doc.path).version == final


async def test_a_cleared_problem_in_an_unopened_manifest_is_cleared_in_the_client(client: LanguageClient, tmp_path):
    """The root is neither open nor in a workspace folder; its CL201 comes from analysing the
    open member's workspace. A new (unsaved) manifest in the matched directory fixes it, and the
    client must be told: an empty publish for the root."""
    write_layout(tmp_path, {
        "Cargo.toml": '[workspace]\nmembers = ["crates/*"]\n',
        "crates/a/Cargo.toml": package("a"),
        "crates/x/README.md": "no manifest here yet\n",
    })
    root = tmp_path / "Cargo.toml"
    Doc(client, tmp_path / "crates/a/Cargo.toml")
    await wait_codes(client, root, ["CL201"])
    assert last_published(client, root).version is None
    (tmp_path / "crates/x/src").mkdir()
    (tmp_path / "crates/x/src/lib.rs").write_text("")
    Doc(client, tmp_path / "crates/x/Cargo.toml", text=package("x"))
    await wait_codes(client, root, [])


async def test_uris_are_answered_as_the_client_spelled_them(client: LanguageClient, tmp_path):
    """A directory with a space, `+`, `@` and `é`: pathlib (like VS Code) percent-encodes them all;
    the server must publish for the open document under the very URI the client opened it with."""
    root = tmp_path / "my crates+@é"
    gated_workspace(root)
    doc = Doc(client, root / "crates/entry/Cargo.toml")
    assert "%20" in doc.uri and "%2B" in doc.uri and "%40" in doc.uri and "%C3%A9" in doc.uri
    await wait_codes(client, doc.path, ["CL301"])
    assert last_published(client, doc.path).uri == doc.uri


async def test_an_edit_does_not_republish_unchanged_documents(client: LanguageClient, tmp_path):
    gated_workspace(tmp_path / "one")
    gated_workspace(tmp_path / "two")
    one = Doc(client, tmp_path / "one/crates/entry/Cargo.toml")
    two = Doc(client, tmp_path / "two/crates/entry/Cargo.toml")
    await wait_codes(client, one.path, ["CL301"])
    await wait_codes(client, two.path, ["CL301"])
    await settle(client, one.uri)
    start = len(client.published)
    for i in range(5):
        one.insert(0, f"# {i}\n")
    await wait_until(client, lambda: last_published(client, one.path).version == one.version)
    await settle(client, one.uri)
    assert [p.uri for p in client.published[start:] if p.uri == two.uri] == []
