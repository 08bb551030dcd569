"""Quick fixes end to end: ask for code actions on a diagnostic, apply the WorkspaceEdit the way an
editor does (UTF-16 positions, VS Code's capabilities with documentChanges), write the files, then
ask cargo (`cargo metadata --no-deps --offline`) whether the problem is gone, and the server too."""

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

import cargo_oracle
from lsp_support import (
    Doc,
    apply_text_edits,
    capabilities,
    changed_lines,
    edits_by_file,
    gated_workspace,
    initialize,
    package,
    server_config,
    uri,
    uri_path,
    write_layout,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")
ENCODING = "utf-16"


@pytest_lsp.fixture(scope="module", config=server_config())
async def client(lsp_client: LanguageClient, tmp_path_factory):
    await initialize(lsp_client, [tmp_path_factory.mktemp("fix-empty")], capabilities("visual-studio-code", pull=True))
    yield
    await lsp_client.shutdown_session()


async def pull(client: LanguageClient, path) -> list[lsp.Diagnostic]:
    report = await client.text_document_diagnostic_async(
        lsp.DocumentDiagnosticParams(text_document=lsp.TextDocumentIdentifier(uri(path))))
    return list(report.items)


async def actions_for(client: LanguageClient, doc: Doc, code: str) -> tuple[lsp.Diagnostic, dict[str, lsp.CodeAction]]:
    """The diagnostic ``code`` in ``doc`` and the code actions offered for it, by title."""
    found = [d for d in await pull(client, doc.path) if d.code == code]
    assert len(found) == 1, f"expected one {code} in {doc.path}, got {found}"
    (d,) = found
    actions = await client.text_document_code_action_async(lsp.CodeActionParams(
        text_document=lsp.TextDocumentIdentifier(doc.uri), range=d.range,
        context=lsp.CodeActionContext(diagnostics=[d], trigger_kind=lsp.CodeActionTriggerKind.Invoked)))
    by_title = {}
    for a in actions or []:
        assert isinstance(a, lsp.CodeAction)
        assert a.kind == lsp.CodeActionKind.QuickFix
        assert [x.code for x in a.diagnostics] == [code] and a.diagnostics[0].range == d.range
        by_title[a.title] = a
    return d, by_title


def preferred(actions: dict[str, lsp.CodeAction]) -> list[str]:
    return [t for t, a in actions.items() if a.is_preferred]


async def apply(client: LanguageClient, action: lsp.CodeAction, open_docs: list[Doc]) -> dict:
    """Apply the action's edit as an editor does: open buffers get a didChange (then are saved),
    other files are written on disk and reported with didChangeWatchedFiles.
    Returns {path: (before, after)}."""
    edit = action.edit
    assert edit is not None and edit.document_changes and not edit.changes  # VS Code: documentChanges
    docs = {d.path: d for d in open_docs}
    for dc in edit.document_changes:
        doc = docs.get(uri_path(dc.text_document.uri))
        assert dc.text_document.version == (doc.version if doc else None), "edits must name the buffer's version"
    result, events = {}, []
    for path, edits in edits_by_file(edit).items():
        doc = docs.get(path)
        before = doc.text if doc else path.read_text()
        after = apply_text_edits(before, edits, ENCODING)
        if doc:
            doc.change([lsp.TextDocumentContentChangePartial(range=e.range, text=e.new_text)
                        for e in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True)])
            assert doc.text == after
            path.write_text(after)
            client.text_document_did_save(lsp.DidSaveTextDocumentParams(lsp.TextDocumentIdentifier(doc.uri)))
        else:
            path.write_text(after)
            events.append(lsp.FileEvent(uri=uri(path), type=lsp.FileChangeType.Changed))
        result[path] = (before, after)
    if events:
        client.workspace_did_change_watched_files(lsp.DidChangeWatchedFilesParams(changes=events))
    return result


def cargo(root, manifest="Cargo.toml") -> dict:
    return cargo_oracle.cargo_manifest_verdict(root, manifest)


# -- CL301: a target-gated path dependency joins the workspace ---------------------------------------

CL301_TITLES = {
    "exclude": 'Add "crates/dep" to workspace.exclude in Cargo.toml',
    "default-members": 'Set workspace.default-members to ["crates/entry"] in Cargo.toml',
    "member": 'Add "crates/dep" to workspace.members in Cargo.toml',
}


async def test_cl301_offers_three_fixes_exclude_preferred(client: LanguageClient, tmp_path):
    gated_workspace(tmp_path)
    doc = Doc(client, tmp_path / "crates/entry/Cargo.toml")
    _, actions = await actions_for(client, doc, "CL301")
    assert sorted(actions) == sorted(CL301_TITLES.values())
    assert preferred(actions) == [CL301_TITLES["exclude"]]
    for a in actions.values():  # every fix edits the root, which is not open: no version
        (dc,) = a.edit.document_changes
        assert dc.text_document.uri == uri(tmp_path / "Cargo.toml") and dc.text_document.version is None


@pytest.mark.cargo
@pytest.mark.parametrize("kind", ["exclude", "default-members",
                                  "member"])
async def test_cl301_fix_applied_and_checked_with_cargo(client: LanguageClient, tmp_path, kind):
    gated_workspace(tmp_path)
    before = cargo(tmp_path)
    assert before["members"] == ["crates/dep/Cargo.toml", "crates/entry/Cargo.toml"]
    assert before["default_members"] == before["members"]  # the cargo#15023 surprise
    doc = Doc(client, tmp_path / "crates/entry/Cargo.toml")
    _, actions = await actions_for(client, doc, "CL301")
    changed = await apply(client, actions[CL301_TITLES[kind]], [doc])
    ((path, (old, new)),) = changed.items()
    assert path == tmp_path / "Cargo.toml"
    removed, added = changed_lines(old, new)
    after = cargo(tmp_path)
    assert after["error"] is None
    remaining = [d for d in await pull(client, doc.path) if d.code == "CL301"]
    if kind == "exclude":
        assert (removed, added) == ([], ['exclude = ["crates/dep"]'])
        assert after["members"] == after["default_members"] == ["crates/entry/Cargo.toml"]
        assert cargo(tmp_path, "crates/dep/Cargo.toml")["workspace_root"] == "crates/dep"  # on its own now
        assert remaining == []
    elif kind == "default-members":
        assert (removed, added) == ([], ['default-members = ["crates/entry"]'])
        assert after["members"] == ["crates/dep/Cargo.toml", "crates/entry/Cargo.toml"]
        assert after["default_members"] == ["crates/entry/Cargo.toml"]  # plain `cargo check` skips dep
        (d,) = remaining  # still a member, and the warning now says a plain check leaves it out
        assert "does not build it" in d.message
    else:
        assert (removed, added) == (['members = ["crates/entry"]'], ['members = ["crates/entry", "crates/dep"]'])
        assert after["members"] == ["crates/dep/Cargo.toml", "crates/entry/Cargo.toml"]
        assert remaining == []  # an explicit member is no surprise


async def test_cl301_fix_edits_the_unsaved_root_buffer(client: LanguageClient, tmp_path):
    """The root is open with unsaved edits above `[workspace]`: the edit is computed against the
    buffer and carries its version."""
    gated_workspace(tmp_path)
    root = Doc(client, tmp_path / "Cargo.toml")
    root.insert(0, "# unsaved comment — with a dash\n\n")
    member = Doc(client, tmp_path / "crates/entry/Cargo.toml")
    _, actions = await actions_for(client, member, "CL301")
    action = actions[CL301_TITLES["exclude"]]
    (dc,) = action.edit.document_changes
    assert dc.text_document.uri == root.uri and dc.text_document.version == root.version == 2
    await apply(client, action, [root, member])
    assert root.text.startswith("# unsaved comment — with a dash\n\n[workspace]\n")
    assert 'exclude = ["crates/dep"]' in root.text
    assert [d for d in await pull(client, member.path)] == []


# -- CL206: "current package believes it's in a workspace when it's not" ----------------------------

CL206_TITLES = {
    "member": 'Add "crates/b" to workspace.members in Cargo.toml',
    "exclude": 'Add "crates/b" to workspace.exclude in Cargo.toml',
    "empty-workspace": "Add an empty [workspace] table to Cargo.toml",
}


def stray_package(root):
    return write_layout(root, {
        "Cargo.toml": '[workspace]\nmembers = ["crates/a"]  # b is not listed\n',
        "crates/a/Cargo.toml": package("a"),
        "crates/b/Cargo.toml": package("b"),
    })


@pytest.mark.cargo
@pytest.mark.parametrize("kind", ["member", "exclude", "empty-workspace"])
async def test_cl206_fix_applied_and_checked_with_cargo(client: LanguageClient, tmp_path, kind):
    stray_package(tmp_path)
    assert "believes it's in a workspace when it's not" in cargo(tmp_path, "crates/b/Cargo.toml")["error"]
    doc = Doc(client, tmp_path / "crates/b/Cargo.toml")
    d, actions = await actions_for(client, doc, "CL206")
    assert d.severity == lsp.DiagnosticSeverity.Error
    assert sorted(actions) == sorted(CL206_TITLES.values())
    assert preferred(actions) == [CL206_TITLES["member"]]
    changed = await apply(client, actions[CL206_TITLES[kind]], [doc])
    ((path, (old, new)),) = changed.items()
    removed, added = changed_lines(old, new)
    verdict = cargo(tmp_path, "crates/b/Cargo.toml")
    assert verdict["error"] is None
    if kind == "member":
        assert path == tmp_path / "Cargo.toml"
        assert (removed, added) == (['members = ["crates/a"]  # b is not listed'],
                                    ['members = ["crates/a", "crates/b"]  # b is not listed'])
        assert verdict["workspace_root"] == "."
        assert verdict["members"] == ["crates/a/Cargo.toml", "crates/b/Cargo.toml"]
    elif kind == "exclude":
        assert path == tmp_path / "Cargo.toml"
        assert (removed, added) == ([], ['exclude = ["crates/b"]'])
        assert verdict["workspace_root"] == "crates/b"
    else:
        assert path == doc.path
        assert removed == [] and [x for x in added if x.strip()] == ["[workspace]"]
        assert verdict["workspace_root"] == "crates/b"
    assert cargo(tmp_path)["error"] is None  # the root still loads
    assert [x.code for x in await pull(client, doc.path)] == []


# -- CL102: `workspace = true` without a [workspace.dependencies] entry ------------------------------


@pytest.mark.cargo
@pytest.mark.parametrize(("dependent", "dependency", "existing_table"), [
    ("web", "core", False),
    ("web", "core", True),
    ("app", "util", False),
])
async def test_cl102_fix_adds_a_path_entry_to_the_root(client: LanguageClient, tmp_path, dependent, dependency,
                                                       existing_table):
    table = '\n[workspace.dependencies]\nanyhow = "1"\n' if existing_table else ""
    write_layout(tmp_path, {
        "Cargo.toml": '[workspace]\nmembers = ["crates/*"]\n' + table,
        f"crates/{dependent}/Cargo.toml": package(dependent, f"[dependencies]\n{dependency} = {{ workspace = true }}"),
        f"crates/{dependency}/Cargo.toml": package(dependency),
    })
    broken = cargo(tmp_path)
    assert f"crates/{dependent}" in broken["error"]
    assert broken["error_cause"] == ("`dependency.{}` was not found in `workspace.dependencies`".format(dependency)
                                     if existing_table else "`workspace.dependencies` was not defined")
    doc = Doc(client, tmp_path / f"crates/{dependent}/Cargo.toml")
    d, actions = await actions_for(client, doc, "CL102")
    entry = f'{dependency} = {{ path = "crates/{dependency}" }}'
    title = f"Add {entry} to [workspace.dependencies] in Cargo.toml"
    assert list(actions) == [title] and preferred(actions) == [title]
    changed = await apply(client, actions[title], [doc])
    ((path, (old, new)),) = changed.items()
    assert path == tmp_path / "Cargo.toml"
    removed, added = changed_lines(old, new)
    assert removed == []
    if existing_table:
        assert added == [entry]
        assert new.index('anyhow = "1"') < new.index(entry)
    else:
        assert [x for x in added if x.strip()] == ["[workspace.dependencies]", entry]
    verdict = cargo(tmp_path)
    assert verdict["error"] is None
    assert verdict["members"] == sorted([f"crates/{dependent}/Cargo.toml", f"crates/{dependency}/Cargo.toml"])
    assert await pull(client, doc.path) == []


async def test_cl102_without_a_package_of_that_name_offers_no_fix(client: LanguageClient, tmp_path):
    write_layout(tmp_path, {
        "Cargo.toml": '[workspace]\nmembers = ["crates/*"]\n',
        "crates/app/Cargo.toml": package("app", "[dependencies]\nnowhere = { workspace = true }"),
    })
    doc = Doc(client, tmp_path / "crates/app/Cargo.toml")
    _, actions = await actions_for(client, doc, "CL102")
    assert actions == {}


# -- CL201: a members glob matches a directory without a manifest -----------------------------------


@pytest.mark.cargo
async def test_cl201_fix_excludes_the_directory(client: LanguageClient, tmp_path):
    write_layout(tmp_path, {
        "Cargo.toml": '[workspace]\nresolver = "2"\nmembers = [\n    "crates/*",\n]\n',
        "crates/a/Cargo.toml": package("a"),
        "crates/docs/README.md": "documentation, no package\n",
    })
    assert "crates/docs" in cargo(tmp_path)["error_cause"] or "crates/docs" in cargo(tmp_path)["error"]
    root = Doc(client, tmp_path / "Cargo.toml")
    d, actions = await actions_for(client, root, "CL201")
    assert d.range.start.line == 3  # the "crates/*" entry
    title = 'Add "crates/docs" to workspace.exclude in Cargo.toml'
    assert list(actions) == [title] and preferred(actions) == [title]
    changed = await apply(client, actions[title], [root])
    ((_, (old, new)),) = changed.items()
    # in the file's own style: `members` is one entry per line, so is the new `exclude`
    assert changed_lines(old, new) == ([], ["exclude = [", '    "crates/docs",', "]"])
    assert new.endswith('members = [\n    "crates/*",\n]\nexclude = [\n    "crates/docs",\n]\n')
    verdict = cargo(tmp_path)
    assert verdict["error"] is None and verdict["members"] == ["crates/a/Cargo.toml"]
    assert await pull(client, root.path) == []


# -- what is not a fix -------------------------------------------------------------------------------


async def test_no_actions_away_from_diagnostics_or_for_other_kinds(client: LanguageClient, tmp_path):
    gated_workspace(tmp_path)
    doc = Doc(client, tmp_path / "crates/entry/Cargo.toml")
    d, actions = await actions_for(client, doc, "CL301")
    assert actions
    elsewhere = await client.text_document_code_action_async(lsp.CodeActionParams(
        text_document=lsp.TextDocumentIdentifier(doc.uri), range=doc.range_of('name = "entry"'),
        context=lsp.CodeActionContext(diagnostics=[])))
    assert not elsewhere
    refactors = await client.text_document_code_action_async(lsp.CodeActionParams(
        text_document=lsp.TextDocumentIdentifier(doc.uri), range=d.range,
        context=lsp.CodeActionContext(diagnostics=[d], only=[lsp.CodeActionKind.Refactor])))
    assert not refactors
