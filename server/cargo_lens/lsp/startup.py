"""`cargo-lens serve`, and the start-up path that answers before pygls is loaded.

Importing pygls and lsprotocol takes 300-400 ms (lsprotocol builds ~580 attrs classes at
import), longer than an editor should wait for the first diagnostics. So over stdio the server
starts without them: this module answers `initialize`, reads what follows, analyses the open
documents' workspaces and sends their diagnostics as plain JSON (pushed, or as answers to
`textDocument/diagnostic`), and only then imports pygls, in a background thread, going on
with document changes and diagnostic pulls meanwhile. Anything else (any other request,
a configuration change, a malformed message) waits for pygls. When pygls is ready, every
message read so far is handed to the pygls server in order, except the ones answered here (a
response is never sent twice), together with the caches, settings and published results; the
server carries on from there as if it had read them itself.
"""

from __future__ import annotations

import gc
import json
import logging
import os
import select
import sys
import threading
import time
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from ..engine.analysis import Options
from ..engine.fs import FileSystem
from ..engine.workspace import SharedCache
from . import wire
from .documents import DocumentStore, uri_to_path
from .framing import Framer, encode
from .snapshot import Snapshot, analyse, is_manifest

log = logging.getLogger("cargo_lens.lsp")

CONFIGURATION_ID = "cargo-lens-startup-configuration"
# The start-up path analyses only the open documents' workspaces, on the thread that reads the
# client's messages; beyond this many open manifests, or this much open text, the server's
# worker thread is the better place (requests are answered while it works).
MAX_OPEN = 20
MAX_TEXT = 1_000_000
CONFIGURATION_WAIT = 2.0  # s, after pygls is loaded, for the client to answer our request
_NOT_ASKED = object()


@dataclass
class Handover:
    """What the start-up path leaves to the pygls server."""

    framer: Framer  # holds input read past the last message handed over
    bodies: list[bytes] = field(default_factory=list)  # to be handled, in order
    eof: bool = False
    suppress: set = field(default_factory=set)  # ids of requests already answered (initialize)
    settings_raw: Any = _NOT_ASKED  # the client's settings, when the start-up path asked for them
    disk: FileSystem = field(default_factory=FileSystem)
    shared: SharedCache = field(default_factory=SharedCache)
    published: dict = field(default_factory=dict)  # path -> wire.publish_key of what was sent
    published_versions: dict = field(default_factory=dict)

    @property
    def settings_known(self) -> bool:
        return self.settings_raw is not _NOT_ASKED


class _Imported(Exception):
    """pygls is loaded: time to hand over."""


class StartUp:
    def __init__(self, stdin, stdout) -> None:
        self.fd = stdin.fileno()
        self.out = stdout
        self.h = Handover(Framer())
        self.docs = DocumentStore()
        self.capabilities: dict = {}
        self.encoding = "utf-16"
        self.init_options: Any = None
        self.initialize_id: Any = None
        self.config_pending = False
        self.options: Options | None = None  # known once settings are
        self.snapshot: Snapshot | None = None
        self.analysed: set[str] = set()  # the manifests the last analysis reported on in full
        self.dirty = False
        self.pulls: list[tuple[Any, dict]] = []  # (id, params) of diagnostic pulls not answered yet
        self.answered: set = set()
        self.bodies: list[tuple[bytes, Any]] = []  # (body, request id or None)
        self.importer: threading.Thread | None = None
        self.import_error: BaseException | None = None
        self._wake_r, self._wake_w = os.pipe()

    # -- the loop ------------------------------------------------------------------------------

    def run(self) -> Handover:
        try:
            self._loop()
            self._analyse_and_send()  # what is known by now gets its diagnostics before the wait
        except _Imported:
            pass
        except Exception:
            log.exception("the start-up path failed; the server takes over")
        self._start_import()
        self._wait_for_import()
        os.close(self._wake_r)
        os.close(self._wake_w)
        if self.import_error is not None:
            raise self.import_error
        h = self.h
        h.bodies = [b for b, rid in self.bodies if rid is None or rid not in self.answered]
        return h

    def _wait_for_import(self) -> None:
        """Keep reading while pygls loads (what arrives is handed over), and take the answer
        to our configuration request, so that the server need not ask again."""
        imported = False
        deadline = None
        while True:
            if imported and (not self.config_pending or self.h.eof):
                return
            if imported:  # a client slow to answer is not waited for long
                deadline = deadline or time.monotonic() + CONFIGURATION_WAIT
                if time.monotonic() >= deadline:
                    return
            fds = [self._wake_r] if self.h.eof else [self.fd, self._wake_r]
            timeout = None if deadline is None else max(0.0, deadline - time.monotonic())
            readable, _, _ = select.select(fds, [], [], timeout)
            if self._wake_r in readable and not imported:
                os.read(self._wake_r, 1)
                imported = True
            if self.fd in readable:
                data = os.read(self.fd, 65536)
                if not data:
                    self.h.eof = True
                self.h.framer.feed(data)
                while (body := self.h.framer.next_body()) is not None:
                    if self._configuration_answer(body):
                        try:
                            self._settings_known()
                            self._analyse_and_send()  # the documents as they were when handling stopped
                        except Exception:
                            log.exception("the start-up analysis failed; the server takes over")
                    else:
                        self.bodies.append((body, _request_id(body)))

    def _loop(self) -> None:
        while True:
            body = self._next(block=False)
            if body is None and not self.h.eof:
                # Nothing more to read for now: do the work (once per burst of edits), and once
                # the settings are known, let pygls load while waiting for the client.
                self._analyse_and_send()
                if self._ready():
                    self._start_import()
                body = self._next(block=True)
            if body is None:
                return
            if not self._handle(body):
                return

    def _next(self, block: bool) -> bytes | None:
        """The next body; None when none is there (``block`` false) or at end of input.
        Raises _Imported when pygls has been loaded."""
        while True:
            body = self.h.framer.next_body()
            if body is not None:
                return body
            if self.h.eof:
                return None
            readable, _, _ = select.select([self.fd, self._wake_r], [], [], None if block else 0)
            if self._wake_r in readable:
                raise _Imported
            if not readable:
                return None
            data = os.read(self.fd, 65536)
            if not data:
                self.h.eof = True
                return None
            self.h.framer.feed(data)

    def _send(self, message: dict) -> None:
        self.out.write(encode(message))
        self.out.flush()

    # -- messages ------------------------------------------------------------------------------

    def _handle(self, body: bytes) -> bool:
        """Handle one message; False when only the pygls server can (it gets it with the rest)."""
        try:
            msg = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            msg = None
        if not isinstance(msg, dict) or msg.get("jsonrpc") != "2.0":
            self.bodies.append((body, None))
            return False
        method, rid = msg.get("method"), msg.get("id")
        params = msg.get("params")
        if method is None:  # a response
            if self._configuration_answer(body, msg):
                self._settings_known()
            else:
                self.bodies.append((body, None))
            return True
        is_request = "id" in msg
        self.bodies.append((body, rid if is_request else None))
        if self.initialize_id is None:
            return method == "initialize" and is_request and self._initialize(rid, params)
        if is_request:
            if method == "textDocument/diagnostic" and isinstance(params, dict):
                self.pulls.append((rid, params))  # answered after the next analysis
                self.dirty = self.dirty or self._stale_for(params)
                return True
            return False
        if method == "initialized":
            if wire.capability(self.capabilities, "workspace", "configuration"):
                self.config_pending = True
                self._send({"jsonrpc": "2.0", "id": CONFIGURATION_ID, "method": "workspace/configuration",
                            "params": {"items": [{"section": "cargoLens"}]}})
            else:
                self._settings_known()
            return True
        if method in ("textDocument/didOpen", "textDocument/didChange", "textDocument/didClose"):
            self._sync(method, params)
            return True
        # A configuration or file-system change, `exit`...: the server's business.
        return method in ("$/setTrace", "$/cancelRequest", "textDocument/didSave")

    def _initialize(self, rid, params) -> bool:
        if not isinstance(params, dict) or not isinstance(params.get("capabilities", {}), dict):
            return False
        self.capabilities = params.get("capabilities") or {}
        self.encoding = wire.position_encoding(self.capabilities)
        init = params.get("initializationOptions")
        self.init_options = init.get("cargoLens", init) if isinstance(init, dict) else None
        self.initialize_id = rid
        self.h.suppress.add(rid)
        self._send({"jsonrpc": "2.0", "id": rid, "result": wire.initialize_result(self.capabilities)})
        return True

    def _configuration_answer(self, body: bytes, msg: Any = None) -> bool:
        """Whether this is the answer to our workspace/configuration request (then noted)."""
        if not self.config_pending:
            return False
        if msg is None:
            try:
                msg = json.loads(body)
            except (ValueError, UnicodeDecodeError):
                return False
        if not isinstance(msg, dict) or "method" in msg or msg.get("id") != CONFIGURATION_ID:
            return False
        self.config_pending = False
        result = msg.get("result")
        if isinstance(result, list) and result and result[0] is not None:
            self.h.settings_raw = result[0]
        else:
            self.h.settings_raw = self.init_options
        return True

    def _settings_known(self) -> None:
        if not self.h.settings_known:
            self.h.settings_raw = self.init_options
        raw = self.h.settings_raw
        if not raw:
            self.options = Options()
        else:
            from ..engine.checks import RULES
            from .settings import parse_settings

            settings, _problems = parse_settings(raw, set(RULES) | {r.name for r in RULES.values()})
            self.options = Options(severity=dict(settings.severity), allow_rustc=settings.rustc_allowed)
        self.dirty = self.dirty or bool(self.docs.all())

    def _ready(self) -> bool:
        return self.options is not None

    def _sync(self, method: str, params: dict) -> None:
        td = params["textDocument"]
        if method == "textDocument/didOpen":
            self.docs.open(td["uri"], td["version"], td["text"])
        elif method == "textDocument/didChange":
            self.docs.change(td["uri"], td["version"], [_change(c) for c in params["contentChanges"]], self.encoding)
        else:
            self.docs.close(td["uri"])
        self.dirty = True

    # -- analysis and results --------------------------------------------------------------------

    def _analyse_and_send(self) -> None:
        if not self._ready():
            return
        if self.dirty:
            self.dirty = False
            self._analyse()
        self._answer_pulls()

    def _analyse(self) -> None:
        open_docs = self.docs.all()
        manifests = [d.path for d in open_docs if is_manifest(d.path)]
        if not manifests or len(manifests) > MAX_OPEN or sum(len(d.text) for d in open_docs) > MAX_TEXT:
            return
        started = time.perf_counter()
        # Whole verdicts, but the per-file rules for the open documents only: what the editor
        # shows first; the server's index run reports the workspace's other manifests.
        snap = analyse(0, self.h.disk, self.h.shared, {d.path: d.text for d in open_docs},
                       {d.path: d.version for d in open_docs}, manifests, self.options, per_file_only=True)
        self.snapshot = snap
        self.analysed = set(manifests)
        log.debug("start-up analysis took %.1f ms", (time.perf_counter() - started) * 1000)
        if self._pulls_diagnostics():
            return
        for path in manifests:  # other files' lists are partial until the server's index run
            diags = snap.diagnostics.get(path, [])
            key = wire.publish_key(diags, snap.texts.get(path))
            version = snap.versions.get(path)
            if self.h.published.get(path) == key and self.h.published_versions.get(path) == version:
                continue
            self._send(wire.publish(self.docs.uri_of(path), self._items(snap, path), version))
            self.h.published[path] = key
            self.h.published_versions[path] = version

    def _pulls_diagnostics(self) -> bool:
        return wire.capability(self.capabilities, "textDocument", "diagnostic") is not None

    def _items(self, snap: Snapshot, path: str) -> list[dict]:
        related = bool(wire.capability(self.capabilities, "textDocument", "publishDiagnostics", "relatedInformation"))
        return [wire.diagnostic_json(d, snap.index, self.encoding, related, self.docs.uri_of)
                for d in snap.diagnostics.get(path, [])]

    def _stale_for(self, params: dict) -> bool:
        """Whether the last analysis cannot answer a pull for this document (one not open,
        or not a manifest, is left to the server)."""
        doc = self.docs.get(_uri(params))
        snap = self.snapshot
        return snap is None or doc is None or doc.path not in self.analysed or snap.versions.get(doc.path) != doc.version

    def _answer_pulls(self) -> None:
        snap = self.snapshot
        keep = []
        for rid, params in self.pulls:
            path = uri_to_path(_uri(params) or "")
            if snap is None or path is None or self._stale_for(params):
                keep.append((rid, params))
                continue
            items = self._items(snap, path)
            report = wire.document_report(items, wire.result_id(items), params.get("previousResultId"))
            self._send({"jsonrpc": "2.0", "id": rid, "result": report})
            self.answered.add(rid)
        self.pulls = keep

    # -- pygls -----------------------------------------------------------------------------------

    def _start_import(self) -> None:
        if self.importer is not None:
            return

        def load() -> None:
            try:
                from . import server  # noqa: F401  (the 300-400 ms this module exists for)
            except BaseException as err:  # handed to the main thread, which re-raises it
                self.import_error = err
            os.write(self._wake_w, b"x")

        self.importer = threading.Thread(target=load, name="cargo-lens-import", daemon=True)
        self.importer.start()


def _request_id(body: bytes) -> Any:
    try:
        msg = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    return msg.get("id") if isinstance(msg, dict) and isinstance(msg.get("method"), str) else None


def _uri(params: dict) -> str | None:
    td = params.get("textDocument")
    return td.get("uri") if isinstance(td, dict) else None


def _change(raw: dict) -> SimpleNamespace:
    """A content change in the attribute shape DocumentStore.change reads (lsprotocol's)."""
    rng = raw.get("range")
    if rng is None:
        return SimpleNamespace(text=raw["text"], range=None)
    pos = lambda p: SimpleNamespace(line=p["line"], character=p["character"])  # noqa: E731
    return SimpleNamespace(text=raw["text"], range=SimpleNamespace(start=pos(rng["start"]), end=pos(rng["end"])))


def serve(tcp_port: int | None = None) -> int:
    # An analysis run leaves almost no cyclic garbage, and what indexing builds is frozen out
    # of collections (server.index_workspace), so collections are small; a young generation
    # of 5,000 (not 700) makes them rarer, measured best for the p95 of a keystroke on reth.
    gc.set_threshold(5_000, 10, 10)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("cargo_lens").setLevel(logging.INFO)
    handover = None
    if tcp_port is None and _can_start_early(sys.stdin):
        handover = StartUp(sys.stdin.buffer, sys.stdout.buffer).run()
    from .server import create_server

    server = create_server()
    if tcp_port is not None:
        server.start_tcp("127.0.0.1", tcp_port)
        return 0
    if handover is not None:
        server.adopt(handover)
    return server.start_io(handover=handover)


def _can_start_early(stdin) -> bool:
    """select() on the input needs a POSIX file descriptor (Windows selects sockets only)."""
    if os.name != "posix" or os.environ.get("CARGO_LENS_NO_EARLY_START"):
        return False
    try:
        stdin.fileno()
    except (AttributeError, OSError, ValueError):
        return False
    return True
