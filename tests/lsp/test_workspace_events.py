"""Indexing progress (`$/progress` begin/report/end), `window/logMessage`, file watching
(`client/registerCapability` of the watchers, then `workspace/didChangeWatchedFiles` for
directories and manifests appearing, changing and vanishing on disk) and workspace folders."""

import shutil

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from lsp_support import (
    capabilities,
    codes,
    diags,
    initialize,
    last_published,
    package,
    server_config,
    uri,
    wait_codes,
    wait_until,
    write_layout,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    return write_layout(tmp_path_factory.mktemp("events"), {
        "Cargo.toml": '[workspace]\nresolver = "2"\nmembers = ["crates/*"]\n',
        "crates/a/Cargo.toml": package("a"),
        "crates/b/Cargo.toml": package("b"),
        "target/CACHEDIR.TAG": "Signature: 8a477f597d28d172789f06886806bc55\n",
        "target/package/junk/Cargo.toml": "this is not toml [",  # build output: never scanned
    })


@pytest_lsp.fixture(scope="module", config=server_config())
async def client(lsp_client: LanguageClient, root):
    caps = capabilities("visual-studio-code")  # push, workDoneProgress, dynamic watcher registration
    assert caps.window.work_done_progress and caps.workspace.did_change_watched_files.dynamic_registration
    await initialize(lsp_client, [root], caps)
    yield
    await lsp_client.shutdown_session()


def ended(client: LanguageClient) -> list:
    return [t for t, reports in client.progress_reports.items() if reports and isinstance(reports[-1], lsp.WorkDoneProgressEnd)]


async def test_indexing_progress_and_log(client: LanguageClient, root):
    await wait_until(client, lambda: ended(client), method=lsp.PROGRESS, what="$/progress end")
    (token,) = ended(client)
    kinds = [type(r).__name__ for r in client.progress_reports[token]]
    assert kinds[0] == "WorkDoneProgressBegin" and kinds[-1] == "WorkDoneProgressEnd"
    assert set(kinds[1:-1]) <= {"WorkDoneProgressReport"}
    begin, end = client.progress_reports[token][0], client.progress_reports[token][-1]
    assert begin.title == "cargo-lens"
    assert end.message == "3 manifests analysed"  # target/ is skipped
    await wait_until(client, lambda: any("3 manifests in 1 folder(s)" in m.message for m in client.log_messages),
                     method=lsp.WINDOW_LOG_MESSAGE, what="the index log message")
    # The analysis ran before the progress ended: the root's state was published (clean: nothing).
    assert codes(client, root / "Cargo.toml") == []
    assert not any("target/package" in p.uri for p in client.published)


async def test_watchers_are_registered(client: LanguageClient):
    await wait_until(client, lambda: client.registrations, method=lsp.PROGRESS, what="a registration")
    (reg,) = [r for r in client.registrations if r.method == lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES]
    watchers = reg.register_options["watchers"] if isinstance(reg.register_options, dict) else reg.register_options.watchers
    globs = {w["globPattern"] if isinstance(w, dict) else w.glob_pattern for w in watchers}
    assert {"**/Cargo.toml", "**/.cargo/config.toml"} <= globs
    assert "**/*" in globs  # directories appearing/vanishing change what `crates/*` matches


def event(path, kind: lsp.FileChangeType) -> lsp.FileEvent:
    return lsp.FileEvent(uri=uri(path), type=kind)


async def test_a_new_member_directory_then_its_manifest(client: LanguageClient, root):
    await wait_until(client, lambda: ended(client), method=lsp.PROGRESS)
    manifest = root / "Cargo.toml"
    new = root / "crates/new"
    new.mkdir()
    (new / "README.md").write_text("work in progress\n")
    client.workspace_did_change_watched_files(lsp.DidChangeWatchedFilesParams([
        event(new, lsp.FileChangeType.Created), event(new / "README.md", lsp.FileChangeType.Created)]))
    await wait_codes(client, manifest, ["CL201"])
    (d,) = diags(client, manifest)
    assert "crates/new" in d.message and d.range.start.line == 2
    assert last_published(client, manifest).version is None  # not open

    write_layout(new, {"Cargo.toml": package("new")})
    client.workspace_did_change_watched_files(lsp.DidChangeWatchedFilesParams([
        event(new / "Cargo.toml", lsp.FileChangeType.Created), event(new / "src", lsp.FileChangeType.Created)]))
    await wait_codes(client, manifest, [])

    # The new manifest is now part of the index: a bad edit on disk is reported for it.
    (new / "Cargo.toml").write_text(package("new").replace("2021", "2099"))
    client.workspace_did_change_watched_files(lsp.DidChangeWatchedFilesParams([
        event(new / "Cargo.toml", lsp.FileChangeType.Changed)]))
    await wait_codes(client, new / "Cargo.toml", ["CL101"])

    shutil.rmtree(new)
    client.workspace_did_change_watched_files(lsp.DidChangeWatchedFilesParams([event(new, lsp.FileChangeType.Deleted)]))
    await wait_codes(client, new / "Cargo.toml", [])  # cleared: the file is gone
    assert codes(client, manifest) == []


async def test_a_manifest_deleted_on_disk(client: LanguageClient, root):
    await wait_until(client, lambda: ended(client), method=lsp.PROGRESS)
    manifest = root / "Cargo.toml"
    b = root / "crates/b/Cargo.toml"
    saved = b.read_text()
    b.unlink()
    client.workspace_did_change_watched_files(lsp.DidChangeWatchedFilesParams([event(b, lsp.FileChangeType.Deleted)]))
    try:
        await wait_codes(client, manifest, ["CL201"])
        assert "crates/b" in diags(client, manifest)[0].message
    finally:
        b.write_text(saved)
        client.workspace_did_change_watched_files(lsp.DidChangeWatchedFilesParams([event(b, lsp.FileChangeType.Created)]))
    await wait_codes(client, manifest, [])


async def test_a_workspace_folder_added_later(client: LanguageClient, tmp_path):
    write_layout(tmp_path, {"Cargo.toml": package("late").replace("2021", "2099")})
    before = set(ended(client))
    client.workspace_did_change_workspace_folders(lsp.DidChangeWorkspaceFoldersParams(
        lsp.WorkspaceFoldersChangeEvent(added=[lsp.WorkspaceFolder(uri(tmp_path), "late")], removed=[])))
    await wait_codes(client, tmp_path / "Cargo.toml", ["CL101"])
    await wait_until(client, lambda: set(ended(client)) - before, method=lsp.PROGRESS, what="a second progress")
    client.workspace_did_change_workspace_folders(lsp.DidChangeWorkspaceFoldersParams(
        lsp.WorkspaceFoldersChangeEvent(added=[], removed=[lsp.WorkspaceFolder(uri(tmp_path), "late")])))
    await wait_codes(client, tmp_path / "Cargo.toml", [])  # no longer in the workspace: cleared


@pytest_lsp.fixture(scope="module", config=server_config())
async def quiet(lsp_client: LanguageClient, root):
    caps = capabilities("visual-studio-code")
    caps.window.work_done_progress = False
    await initialize(lsp_client, [root], caps)
    yield
    await lsp_client.shutdown_session()


async def test_no_progress_without_the_capability(quiet: LanguageClient, root):
    await wait_until(quiet, lambda: any("manifests in 1 folder(s)" in m.message for m in quiet.log_messages),
                     method=lsp.WINDOW_LOG_MESSAGE, what="the index log message")
    assert quiet.progress_reports == {}
