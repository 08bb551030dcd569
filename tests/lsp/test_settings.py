"""Settings through `workspace/configuration` (section `cargoLens`, answered by the test client's
WORKSPACE_CONFIGURATION feature from ``client.set_configuration``, see lsp_support.make_client), re-read on `workspace/didChangeConfiguration`; bad settings are
reported once with window/showMessage and never stop the server. Also initializationOptions for a
client without `workspace/configuration` (Neovim 0.7)."""

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from lsp_support import (
    Doc,
    capabilities,
    diags,
    gated_workspace,
    initialize,
    last_published,
    server_config,
    settle,
    wait_for_configuration_request,
    wait_codes,
    wait_until,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest.fixture(scope="module")
def layout(tmp_path_factory):
    return gated_workspace(tmp_path_factory.mktemp("settings"))


@pytest_lsp.fixture(scope="module", config=server_config())
async def client(lsp_client: LanguageClient, layout):
    caps = capabilities("visual-studio-code")
    assert caps.workspace.configuration is True
    await initialize(lsp_client, [layout], caps)
    yield
    await lsp_client.shutdown_session()


@pytest.fixture(scope="module")
def member(client: LanguageClient, layout) -> Doc:
    return Doc(client, layout / "crates/entry/Cargo.toml")


async def reconfigure(client: LanguageClient, settings: dict | None, doc: Doc) -> None:
    """Change the client's settings, notify the server, and wait until it has re-read them and
    re-analysed (a settle on the document)."""
    asked = len(client.configuration_requests)
    client.set_configuration(settings, section="cargoLens")
    client.workspace_did_change_configuration(lsp.DidChangeConfigurationParams(settings=None))
    await wait_for_configuration_request(client, asked)
    await settle(client, doc.uri)


async def test_the_server_asks_for_its_section(client: LanguageClient, member: Doc):
    await wait_codes(client, member.path, ["CL301"])
    assert client.configuration_requests, "no workspace/configuration request after initialized"
    assert [i.section for i in client.configuration_requests[0].items] == ["cargoLens"]


async def test_severity_by_code(client: LanguageClient, member: Doc):
    await wait_codes(client, member.path, ["CL301"])
    assert diags(client, member.path)[0].severity == lsp.DiagnosticSeverity.Warning
    try:
        await reconfigure(client, {"severity": {"CL301": "error"}}, member)
        await wait_until(client, lambda: [d.severity for d in diags(client, member.path)] == [lsp.DiagnosticSeverity.Error])
    finally:
        await reconfigure(client, {}, member)
    await wait_until(client, lambda: [d.severity for d in diags(client, member.path)] == [lsp.DiagnosticSeverity.Warning])


async def test_rule_off_by_name(client: LanguageClient, member: Doc):
    await wait_codes(client, member.path, ["CL301"])
    try:
        await reconfigure(client, {"severity": {"gated-implicit-member": "off"}}, member)
        await wait_codes(client, member.path, [])
        assert last_published(client, member.path).version == member.version
    finally:
        await reconfigure(client, {}, member)
    await wait_codes(client, member.path, ["CL301"])


@pytest.mark.parametrize(("bad", "phrases"), [
    ({"bogus": 1, "severity": {"CL999": "error"}}, ["unknown setting `cargoLens.bogus`", "unknown rule `CL999`"]),
    ({"severity": "loud", "allowRustc": "yes"}, ["`cargoLens.severity` should be a dict", "`cargoLens.allowRustc` should be a bool"]),
    ({"severity": {"CL301": "fatal"}, "logLevel": "chatty"}, ["`cargoLens.severity.CL301` must be one of", "`cargoLens.logLevel` must be one of"]),
])
async def test_bad_settings_one_warning_and_the_server_keeps_working(client: LanguageClient, member: Doc, bad, phrases):
    shown = len(client.messages)
    try:
        for _ in range(5):  # the same bad settings, five changes in a row
            await reconfigure(client, bad, member)
        new = client.messages[shown:]
        assert len(new) == 1, f"expected one showMessage, got {new}"
        assert new[0].type == lsp.MessageType.Warning
        for phrase in phrases:
            assert phrase in new[0].message
        # Everything else still works: the edit below is analysed, with default severities.
        member.insert(0, "# still here\n")
        await wait_until(client, lambda: last_published(client, member.path).version == member.version)
        (d,) = diags(client, member.path)
        assert d.code == "CL301" and d.severity == lsp.DiagnosticSeverity.Warning
    finally:
        await reconfigure(client, {}, member)


async def test_a_problem_fixed_and_made_again_is_shown_again(client: LanguageClient, member: Doc):
    shown = len(client.messages)
    try:
        await reconfigure(client, {"typo": True}, member)
        await reconfigure(client, {}, member)
        await reconfigure(client, {"typo": True}, member)
    finally:
        await reconfigure(client, {}, member)
    assert [m.message.count("`cargoLens.typo`") for m in client.messages[shown:]] == [1, 1]


async def test_good_parts_of_bad_settings_still_apply(client: LanguageClient, member: Doc):
    try:
        await reconfigure(client, {"severity": {"CL301": "hint", "nope": "error"}}, member)
        await wait_until(client, lambda: [d.severity for d in diags(client, member.path)] == [lsp.DiagnosticSeverity.Hint])
    finally:
        await reconfigure(client, {}, member)


# -- a client that cannot answer workspace/configuration ---------------------------------------------


@pytest_lsp.fixture(scope="module", config=server_config())
async def nvim07(lsp_client: LanguageClient, layout):
    caps = capabilities("neovim@v0.7.0")
    assert not caps.workspace.configuration
    await initialize(lsp_client, [layout], caps, initialization_options={"cargoLens": {"severity": {"CL301": "information"}}})
    yield
    await lsp_client.shutdown_session()


async def test_initialization_options_when_the_client_has_no_configuration(nvim07: LanguageClient, layout):
    path = layout / "crates/entry/Cargo.toml"
    await wait_codes(nvim07, path, ["CL301"])
    assert [d.severity for d in diags(nvim07, path)] == [lsp.DiagnosticSeverity.Information]
