"""The start-up path (lsp/startup.py): the first diagnostics are sent before pygls is loaded,
then every message read so far is handed to the pygls server. Checked on the wire: every
request is answered exactly once, the settings are asked for once and apply to the first
diagnostics, pull result ids survive the handover, and edits made during start-up are all
applied (the server's text afterwards is the client's)."""

import json
import os
import time

import pytest

from lsp_support import TIMEOUT, RawServer, frame, gated_workspace, uri

HOVER = {"position": {"line": 0, "character": 0}}


def open_params(path, version=1):
    return {"textDocument": {"uri": uri(path), "languageId": "toml", "version": version, "text": path.read_text()}}


def notify(server: RawServer, method: str, params) -> None:
    server.send(frame({"jsonrpc": "2.0", "method": method, "params": params}))


def collect(server: RawServer, until_id, answer=None, timeout: float = TIMEOUT) -> list[dict]:
    """Every message up to (and including) the response with ``until_id``; server requests are
    answered with ``answer(msg)`` (None when absent)."""
    got = []
    deadline = time.monotonic() + timeout
    while True:
        msg = server.messages.get(timeout=max(0.01, deadline - time.monotonic()))
        assert msg is not None, f"the server closed its output: {server.stderr[-2000:]!r}"
        got.append(msg)
        if "method" in msg and "id" in msg:
            result = answer(msg) if answer else None
            server.send(frame({"jsonrpc": "2.0", "id": msg["id"], "result": result}))
        elif msg.get("id") == until_id:
            return got


def responses(messages, msg_id) -> list[dict]:
    return [m for m in messages if m.get("id") == msg_id and "method" not in m]


def publishes(messages, path) -> list[dict]:
    return [m["params"] for m in messages
            if m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri(path)]


def codes_of(items) -> list[str]:
    return sorted(d["code"] for d in items)


@pytest.fixture
def layout(tmp_path):
    gated_workspace(tmp_path)
    return tmp_path, tmp_path / "crates/entry/Cargo.toml"


def start(root, caps) -> RawServer:
    server = RawServer(root)
    server.send(server.request(1, "initialize", {"processId": os.getpid(), "rootUri": uri(root), "capabilities": caps,
                                                 "workspaceFolders": [{"uri": uri(root), "name": "w"}]}))
    return server


def finish(server: RawServer, messages) -> None:
    # Whatever was answered during start-up, the handover must not answer it again.
    ids = [m["id"] for m in messages if "id" in m and "method" not in m]
    assert len(ids) == len(set(ids)), f"a request was answered twice: {ids}"
    assert server.finish() == 0
    assert b"Traceback" not in server.stderr, server.stderr.decode(errors="replace")


def test_push_client_gets_first_diagnostics_and_one_answer_per_request(layout):
    root, entry = layout
    server = start(root, {"textDocument": {"publishDiagnostics": {"versionSupport": True}}})
    notify(server, "initialized", {})
    notify(server, "textDocument/didOpen", open_params(entry))
    server.send(server.request(2, "textDocument/hover", {"textDocument": {"uri": uri(entry)}, **HOVER}))
    got = collect(server, 2)
    assert len(responses(got, 1)) == 1 and "capabilities" in responses(got, 1)[0]["result"]
    first = publishes(got, entry)
    assert first and first[0]["version"] == 1 and codes_of(first[0]["diagnostics"]) == ["CL301"]
    finish(server, got)


def test_pull_client_is_answered_and_result_ids_survive_the_handover(layout):
    root, entry = layout
    server = start(root, {"textDocument": {"diagnostic": {"dynamicRegistration": False}}})
    notify(server, "initialized", {})
    notify(server, "textDocument/didOpen", open_params(entry))
    server.send(server.request(2, "textDocument/diagnostic", {"textDocument": {"uri": uri(entry)}}))
    got = collect(server, 2)
    report = responses(got, 2)[0]["result"]
    assert report["kind"] == "full" and codes_of(report["items"]) == ["CL301"]
    # after the handover (a hover is answered only by the pygls server), the same id is "unchanged"
    server.send(server.request(3, "textDocument/hover", {"textDocument": {"uri": uri(entry)}, **HOVER}))
    got += collect(server, 3)
    server.send(server.request(4, "textDocument/diagnostic",
                               {"textDocument": {"uri": uri(entry)}, "previousResultId": report["resultId"]}))
    got += collect(server, 4)
    assert responses(got, 4)[0]["result"] == {"kind": "unchanged", "resultId": report["resultId"]}
    assert not [m for m in got if m.get("method") == "textDocument/publishDiagnostics"]
    finish(server, got)


def test_settings_are_asked_once_and_apply_to_the_first_diagnostics(layout):
    root, entry = layout
    asked = []

    def answer(msg):
        if msg["method"] == "workspace/configuration":
            asked.append(msg["params"])
            return [{"severity": {"gated-implicit-member": "off"}}]
        return None

    server = start(root, {"workspace": {"configuration": True}})
    notify(server, "initialized", {})
    notify(server, "textDocument/didOpen", open_params(entry))
    server.send(server.request(2, "textDocument/hover", {"textDocument": {"uri": uri(entry)}, **HOVER}))
    got = collect(server, 2, answer)
    assert len(asked) == 1 and asked[0]["items"][0]["section"] == "cargoLens"
    sent = publishes(got, entry)
    assert sent and all("CL301" not in codes_of(p["diagnostics"]) for p in sent)
    finish(server, got)


def test_edits_made_during_start_up_are_all_applied(layout):
    root, entry = layout
    text = entry.read_text()
    dep_line = text.split("\n").index('dep = { path = "../dep" }')
    server = start(root, {"textDocument": {"publishDiagnostics": {"versionSupport": True}}})
    notify(server, "initialized", {})
    notify(server, "textDocument/didOpen", open_params(entry))
    # 31 incremental edits that toggle a '#' at the start of the dependency line: each one's
    # position is only right if every earlier one was applied, in order.
    commented = False
    for version in range(2, 33):
        change = {"range": {"start": {"line": dep_line, "character": 0},
                            "end": {"line": dep_line, "character": 1 if commented else 0}},
                  "text": "" if commented else "#"}
        notify(server, "textDocument/didChange", {"textDocument": {"uri": uri(entry), "version": version},
                                                  "contentChanges": [change]})
        commented = not commented
    assert commented  # version 32 has the dependency commented out
    server.send(server.request(2, "textDocument/hover", {"textDocument": {"uri": uri(entry)}, **HOVER}))
    got = collect(server, 2)
    # and once the pygls server holds the text, one more edit (uncomment) lands where it should
    notify(server, "textDocument/didChange", {"textDocument": {"uri": uri(entry), "version": 33}, "contentChanges": [
        {"range": {"start": {"line": dep_line, "character": 0}, "end": {"line": dep_line, "character": 1}}, "text": ""}]})
    server.send(server.request(3, "textDocument/codeAction", {
        "textDocument": {"uri": uri(entry)}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
        "context": {"diagnostics": []}}))
    got += collect(server, 3)
    by_version = {p.get("version"): codes_of(p["diagnostics"]) for p in publishes(got, entry)}
    assert by_version.get(33) == ["CL301"], by_version
    assert 32 not in by_version or by_version[32] == [], by_version
    finish(server, got)


def test_initialize_answer_is_what_pygls_would_answer():
    """The start-up path answers `initialize` from wire.py's copy of the capabilities; pygls
    computes them from the registered features. They must not drift apart."""
    from lsprotocol import types as lsp

    from cargo_lens.lsp import wire
    from cargo_lens.lsp.server import create_server

    ls = create_server()
    proto = ls.protocol
    for caps in [
        {},
        {"general": {"positionEncodings": ["utf-8", "utf-16"]}},
        {"general": {"positionEncodings": ["utf-32"]}},
        {"general": {"positionEncodings": ["latin-1"]}},
        {"textDocument": {"synchronization": {"willSave": True, "willSaveWaitUntil": False}}},
        {"notebookDocument": {"synchronization": {}}, "workspace": {"fileOperations": {"didCreate": True}}},
    ]:
        params = proto._converter.structure({"processId": None, "rootUri": None, "capabilities": caps}, lsp.InitializeParams)
        gen = proto.lsp_initialize(params)
        step = next(gen)
        try:
            while True:
                handler, args, _ = step
                step = gen.send(handler(*args))
        except StopIteration as done:
            expected = json.loads(json.dumps(proto._converter.unstructure(done.value)))
        assert wire.initialize_result(caps) == expected, caps
