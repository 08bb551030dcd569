"""Pull diagnostics (VS Code's capabilities, plus workspace-diagnostic refresh support as newer
VS Code has it): `textDocument/diagnostic` and `workspace/diagnostic`, result ids and unchanged
reports, unopened manifests in the workspace report, and the cross-file case."""

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from lsp_support import (
    Doc,
    capabilities,
    gated_workspace,
    initialize,
    package,
    server_config,
    settle,
    uri,
    wait_until,
    write_layout,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    """Two workspace folders known at initialize time: in the first, a glob matches a directory
    without a manifest (CL201 on the root); in the second, a `workspace = true` dependency the
    root lacks (CL102 in the unopened member `a`, which makes the member fail to load: CL203 on
    the root's `members` entry)."""
    one = write_layout(tmp_path_factory.mktemp("pull-glob"), {
        "Cargo.toml": '[workspace]\nmembers = ["crates/*"]\n',
        "crates/a/Cargo.toml": package("a"),
        "crates/empty/README.md": "not a package\n",
    })
    two = write_layout(tmp_path_factory.mktemp("pull-inherit"), {
        "Cargo.toml": '[workspace]\nmembers = ["a", "b"]\n',
        "a/Cargo.toml": package("a", "[dependencies]\nserde = { workspace = true }"),
        "b/Cargo.toml": package("b"),
    })
    return one, two


@pytest_lsp.fixture(scope="module", config=server_config())
async def client(lsp_client: LanguageClient, workspace):
    result = await initialize(lsp_client, list(workspace), capabilities("visual-studio-code", pull=True))
    lsp_client.server_capabilities = result.capabilities
    yield
    await lsp_client.shutdown_session()


async def pull(client: LanguageClient, path, previous: str | None = None):
    return await client.text_document_diagnostic_async(lsp.DocumentDiagnosticParams(
        text_document=lsp.TextDocumentIdentifier(uri(path)), previous_result_id=previous))


async def pull_workspace(client: LanguageClient, previous: dict[str, str] | None = None):
    return await client.workspace_diagnostic_async(lsp.WorkspaceDiagnosticParams(
        previous_result_ids=[lsp.PreviousResultId(uri=u, value=v) for u, v in (previous or {}).items()]))


def report_codes(report) -> list[str]:
    return sorted(str(d.code) for d in report.items)


async def test_the_server_announces_pull_diagnostics(client: LanguageClient):
    opts = client.server_capabilities.diagnostic_provider
    assert opts.workspace_diagnostics is True
    assert opts.inter_file_dependencies is True
    sync = client.server_capabilities.text_document_sync
    assert sync.change == lsp.TextDocumentSyncKind.Incremental and sync.open_close is True


async def test_document_pull_after_open_and_edit_with_unchanged_reports(client: LanguageClient, tmp_path):
    gated_workspace(tmp_path)
    doc = Doc(client, tmp_path / "crates/entry/Cargo.toml")
    first = await pull(client, doc.path)
    assert first.kind == "full"
    (d,) = first.items
    assert d.code == "CL301" and d.range == lsp.Range(lsp.Position(6, 0), lsp.Position(6, 3))
    assert first.result_id

    again = await pull(client, doc.path, first.result_id)
    assert again.kind == "unchanged" and again.result_id == first.result_id

    doc.insert(0, "\n")  # the diagnostic moves down a line: the old result is stale
    moved = await pull(client, doc.path, first.result_id)
    assert moved.kind == "full" and moved.result_id != first.result_id
    assert moved.items[0].range.start == lsp.Position(7, 0)

    doc.replace("[target.'cfg(any())'.dependencies]", "[dependencies]")
    fixed = await pull(client, doc.path, moved.result_id)
    assert fixed.kind == "full" and len(fixed.items) == 0


async def test_an_edit_elsewhere_leaves_other_reports_unchanged(client: LanguageClient, tmp_path):
    gated_workspace(tmp_path / "one")
    write_layout(tmp_path / "two", {"Cargo.toml": package("two")})
    one = Doc(client, tmp_path / "one/crates/entry/Cargo.toml")
    two = Doc(client, tmp_path / "two/Cargo.toml")
    first = await pull(client, one.path)
    assert report_codes(first) == ["CL301"]
    two.insert(len(two.text), "# a comment\n")
    assert (await pull(client, two.path)).kind == "full"
    again = await pull(client, one.path, first.result_id)
    assert again.kind == "unchanged"


async def test_no_push_to_a_pull_client(client: LanguageClient, tmp_path):
    gated_workspace(tmp_path)
    doc = Doc(client, tmp_path / "crates/entry/Cargo.toml")
    assert report_codes(await pull(client, doc.path)) == ["CL301"]
    await settle(client, doc.uri)
    assert client.published == []


async def test_cross_file_unsaved_exclude_in_the_root(client: LanguageClient, tmp_path):
    gated_workspace(tmp_path)
    member = Doc(client, tmp_path / "crates/entry/Cargo.toml")
    root = Doc(client, tmp_path / "Cargo.toml")
    before = await pull(client, member.path)
    assert report_codes(before) == ["CL301"]
    refreshes = client.diagnostic_refresh_count
    root.insert(len(root.text), 'exclude = ["crates/dep"]\n')
    after = await pull(client, member.path, before.result_id)
    assert after.kind == "full" and len(after.items) == 0
    # The member's results changed without an edit to it: the client is asked to re-pull.
    await wait_until(client, lambda: client.diagnostic_refresh_count > refreshes,
                     method=lsp.WORKSPACE_DIAGNOSTIC_REFRESH, what="workspace/diagnostic/refresh")
    root.replace('exclude = ["crates/dep"]\n', "")
    back = await pull(client, member.path, after.result_id)
    assert report_codes(back) == ["CL301"]


async def test_workspace_pull_lists_the_unopened_manifests(client: LanguageClient, workspace):
    one, two = workspace
    report = await pull_workspace(client)
    by_uri = {i.uri: i for i in report.items}
    want = {uri(one / "Cargo.toml"): ["CL201"], uri(one / "crates/a/Cargo.toml"): [],
            uri(two / "Cargo.toml"): ["CL203"], uri(two / "a/Cargo.toml"): ["CL102"], uri(two / "b/Cargo.toml"): []}
    assert set(want) <= set(by_uri)
    assert {u: report_codes(by_uri[u]) for u in want} == want
    assert "crates/empty" in by_uri[uri(one / "Cargo.toml")].items[0].message
    assert by_uri[uri(two / "a/Cargo.toml")].items[0].range.start == lsp.Position(6, 8)
    assert all(by_uri[u].kind == "full" and by_uri[u].version is None and by_uri[u].result_id for u in want)

    previous = {i.uri: i.result_id for i in report.items}
    again = {i.uri: i for i in (await pull_workspace(client, previous)).items}
    assert {u: again[u].kind for u in want} == {u: "unchanged" for u in want}


async def test_workspace_pull_follows_unsaved_edits_with_versions(client: LanguageClient, workspace):
    one, two = workspace
    report = await pull_workspace(client)
    previous = {i.uri: i.result_id for i in report.items}
    root = Doc(client, two / "Cargo.toml")
    try:
        root.insert(len(root.text), '[workspace.dependencies]\nserde = "1"\n')
        now = {i.uri: i for i in (await pull_workspace(client, previous)).items}
        r, a = now[uri(two / "Cargo.toml")], now[uri(two / "a/Cargo.toml")]
        assert r.kind == "full" and len(r.items) == 0 and r.version == root.version == 2
        assert a.kind == "full" and len(a.items) == 0 and a.version is None
        assert now[uri(one / "Cargo.toml")].kind == "unchanged"
    finally:
        root.close()
    back = {i.uri: i for i in (await pull_workspace(client)).items}
    assert report_codes(back[uri(two / "a/Cargo.toml")]) == ["CL102"]


async def test_a_file_that_leaves_the_analysis_is_reported_empty(client: LanguageClient, tmp_path):
    """A manifest outside the workspace folders is analysed while open; once closed, a
    workspace pull that still holds its result id gets an empty report for it."""
    write_layout(tmp_path, {"Cargo.toml": package("lonely").replace("2021", "2099")})
    doc = Doc(client, tmp_path / "Cargo.toml")
    report = {i.uri: i for i in (await pull_workspace(client)).items}
    assert report_codes(report[doc.uri]) == ["CL101"]
    doc.close()
    after = {i.uri: i for i in (await pull_workspace(client, {doc.uri: report[doc.uri].result_id})).items}
    assert doc.uri in after and after[doc.uri].kind == "full" and len(after[doc.uri].items) == 0
