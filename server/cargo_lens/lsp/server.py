"""`cargo-lens serve`: the language server. Every LSP method it answers is registered in
``create_server``; the work is done by the engine, in a worker thread, on a snapshot of the
open buffers, so typing never waits for analysis and the newest edit always wins."""

from __future__ import annotations

import asyncio
import gc
import concurrent.futures
import inspect
import json
import logging
import os
import threading
import time

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.exceptions import FeatureRequestError, JsonRpcInvalidRequest
from pygls.protocol.json_rpc import RPCRequest
from pygls.protocol.language_server import lsp_method

from .. import __version__
from ..engine.analysis import Options
from ..engine.checks import RULES
from ..engine.fs import FileSystem, normalize
from ..engine.workspace import Context, SharedCache
from . import convert, wire
from .documents import DocumentStore, uri_to_path
from .settings import Settings, parse_settings
from .snapshot import Snapshot, analyse, is_manifest
from .startup import Handover
from .transport import serve_stdio

log = logging.getLogger("cargo_lens.lsp")

WATCHED_CONTENT = ("**/Cargo.toml", "**/.cargo/config.toml", "**/.cargo/config")
# Directories that never hold manifests a workspace can use; skipped when scanning folders.
SKIP_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv"})
DOC_SELECTOR_NAMES = ("Cargo.toml", "config.toml", "config")
# An analysis that took less than this last time runs on the event loop: handing it to the
# worker thread and back costs more than the run itself on a small workspace.
INLINE_RUN = 0.002


class CargoLensProtocol(LanguageServerProtocol):
    """pygls' protocol without its own copy of the open documents (we keep ours, ``DocumentStore``).

    pygls applies every change to its copy before our handler runs, splitting lines with
    ``str.splitlines`` (which also breaks at U+2028, U+0085, form feeds…); when a position lies past
    the end of what it thinks the line is, it *clamps the client's Position object in place*, so our
    handler saw a different range than the client sent and inserted text at the wrong column. It
    also raised KeyError (reported to the user as "Error in server") for a didChange of a document
    never opened. Here the three sync notifications go straight to our handlers."""

    transport_closed = False
    # Requests the start-up path answered before pygls was loaded (`initialize`): handled again
    # here so pygls knows the client, but their responses are not sent twice.
    suppress_responses: frozenset = frozenset()

    def _send_response(self, msg_id, result=None, error=None) -> None:
        if msg_id in self.suppress_responses:
            return
        if error is None and isinstance(result, dict):  # already LSP JSON (wire.py)
            self._send_data({"jsonrpc": "2.0", "id": msg_id, "result": result})
            return
        super()._send_response(msg_id, result, error)

    def _send_data(self, data) -> None:
        """pygls' ``_send_data`` with two fixes. A failed write (the client went away, stdout was
        closed by `exit`) reported the error with window/showMessage, which is itself a write that
        fails, and so on: the server spun forever on a dead pipe. Now the first failure marks the
        transport closed, is logged once, and later messages are dropped. And Content-Length
        counts the encoded bytes."""
        if not data or self.transport_closed:
            return
        if self.writer is None:
            log.error("no transport to send on")
            return
        try:
            body = json.dumps(data, default=self._serialize_message).encode(self.CHARSET)
        except Exception:
            log.exception("cannot serialise a message for the client; dropped")
            return
        header = f"Content-Length: {len(body)}\r\nContent-Type: {self.CONTENT_TYPE}; charset={self.CHARSET}\r\n\r\n"
        try:
            res = self.writer.write(header.encode("ascii") + body)
            if inspect.isawaitable(res):
                asyncio.ensure_future(res)
        except (OSError, ValueError) as err:  # BrokenPipeError, "I/O operation on closed file"
            self.transport_closed = True
            log.warning("cannot write to the client any more (%s); dropping further messages", err)

    def handle_message(self, message):
        # LSP: "If a server receives requests after a shutdown request those requests should
        # error with InvalidRequest" (pygls drops them, and the client waits forever).
        if self._shutdown and isinstance(message, RPCRequest) and message.method != lsp.EXIT:
            self._send_response(message.id, error=JsonRpcInvalidRequest("the server is shutting down").to_response_error())
            return
        super().handle_message(message)

    @lsp_method(lsp.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params):
        if (handler := self.fm.features.get(lsp.TEXT_DOCUMENT_DID_OPEN)) is not None:
            yield handler, (params,), None

    @lsp_method(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params):
        if (handler := self.fm.features.get(lsp.TEXT_DOCUMENT_DID_CHANGE)) is not None:
            yield handler, (params,), None

    @lsp_method(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params):
        if (handler := self.fm.features.get(lsp.TEXT_DOCUMENT_DID_CLOSE)) is not None:
            yield handler, (params,), None


class CargoLensServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(
            "cargo-lens", __version__, text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental,
            protocol_cls=CargoLensProtocol,
        )
        self.docs = DocumentStore()
        self.disk = FileSystem()  # long-lived disk caches, invalidated by watcher events
        self.shared = SharedCache()
        self.settings = Settings()
        self.folders: list[str] = []
        self.manifests: list[str] = []  # every Cargo.toml in the workspace folders
        self.snapshot = Snapshot(0, {}, {}, {})
        self._generation = 0
        self._dirty = False
        self._runner: asyncio.Task | None = None
        self._pool = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="cargo-lens-analysis")
        # Hovers, completion and navigation must not queue behind a whole-workspace analysis
        # triggered by the keystroke that came with them. They read the shared caches only
        # through fresh Contexts; a race costs at most a recomputation.
        self._request_pool = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="cargo-lens-requests")
        self._published: dict[str, tuple] = {}
        self._published_versions: dict[str, int | None] = {}
        self._reported_settings: set[str] = set()
        self._init_options = None
        self._errors_shown: set[str] = set()
        self._fs_lock = threading.Lock()
        self._fs_events: list[tuple[str, str]] = []
        self._fs_draining = False
        self._startup_settings = None  # the client's settings, as the start-up path read them
        self._last_run = float("inf")  # seconds the last analysis took
        self._stopping = False  # `shutdown` received: the worker threads are shut down
        self._indexing = 0  # index_workspace runs under way
        self._indexed = asyncio.Event()  # set while none is

    def adopt(self, handover: Handover) -> None:
        """Take over from the start-up path: its caches, what it sent, the settings it read."""
        self.disk, self.shared = handover.disk, handover.shared
        self._published = dict(handover.published)
        self._published_versions = dict(handover.published_versions)
        self.protocol.suppress_responses = frozenset(handover.suppress)
        if handover.settings_known:
            self._startup_settings = (handover.settings_raw,)

    def report_server_error(self, error: Exception, source) -> None:
        """pygls shows every error outside a request as a popup; a handler failing on each
        keystroke would be a popup per keystroke. Show each distinct error once, log them all."""
        log.error("internal error (%s): %s", getattr(source, "__name__", source), error)
        if source is FeatureRequestError or self.protocol.transport_closed:
            return  # a request's error goes back in its response
        key = f"{type(error).__name__}: {error}"
        if key in self._errors_shown:
            return
        self._errors_shown.add(key)
        self.window_show_message(lsp.ShowMessageParams(lsp.MessageType.Error, f"cargo-lens: internal error: {error}"))

    def start_io(self, stdin=None, stdout=None, handover: Handover | None = None) -> int:
        """Serve over stdio with our own framing (see transport.py); returns the exit status."""
        self._stop_event = threading.Event()
        try:
            return asyncio.run(serve_stdio(self, stdin, stdout, handover))
        except BrokenPipeError:
            log.error("the connection to the client is lost; stopping")
            return 1
        except KeyboardInterrupt:
            return 130
        finally:
            self.shutdown()

    # -- client facts ------------------------------------------------------------------------

    @property
    def encoding(self):
        enc = self.workspace.position_encoding if self.protocol._workspace is not None else "utf-16"
        return str(getattr(enc, "value", enc) or "utf-16")

    def _cap(self, *names, default=None):
        node = self.client_capabilities
        for n in names:
            node = getattr(node, n, None) if node is not None else None
        return default if node is None else node

    @property
    def client_pulls(self) -> bool:
        return self._cap("text_document", "diagnostic") is not None

    def options(self) -> Options:
        return Options(severity=dict(self.settings.severity), allow_rustc=self.settings.rustc_allowed)

    # -- analysis ----------------------------------------------------------------------------

    def request_analysis(self) -> None:
        """Mark the state dirty and make sure one analysis loop runs (bursts coalesce)."""
        if self._stopping:
            return  # after `shutdown` the workers are gone; nothing more is reported
        self._dirty = True
        if self._runner is None or self._runner.done():
            self._runner = asyncio.ensure_future(self._analysis_loop())

    async def wait_for_analysis(self) -> Snapshot:
        while self._runner is not None and not self._runner.done():
            await asyncio.shield(self._runner)
        return self.snapshot

    async def _analysis_loop(self) -> None:
        loop = asyncio.get_running_loop()
        while self._dirty and not self._stopping:
            self._dirty = False
            self._generation += 1
            overlay = {d.path: d.text for d in self.docs.all()}
            versions = {d.path: d.version for d in self.docs.all()}
            started = time.perf_counter()
            try:
                if self._last_run < INLINE_RUN and not self._fs_draining:
                    snap = self._analyze(self._generation, overlay, versions, self.options())
                else:
                    snap = await loop.run_in_executor(
                        self._pool, self._analyze, self._generation, overlay, versions, self.options()
                    )
            except Exception:
                log.exception("analysis failed")
                self.window_log_message(lsp.LogMessageParams(lsp.MessageType.Error, "cargo-lens: analysis failed; see the server log"))
                continue
            self.snapshot = snap
            self._last_run = time.perf_counter() - started
            log.debug("analysis %d took %.1f ms", snap.generation, self._last_run * 1000)
            self._publish(snap)

    def _analyze(self, generation, overlay, versions, options) -> Snapshot:
        # The manifest list is read here, in the worker, after any file-system events queued
        # before this run were applied (same single worker): never a list older than the disk view.
        manifests = list(dict.fromkeys(self.manifests + [p for p in overlay if is_manifest(p)]))
        return analyse(generation, self.disk, self.shared, overlay, versions, manifests, options)

    def lsp_diagnostics(self, snap: Snapshot, path: str) -> list[dict]:
        related = bool(self._cap("text_document", "publish_diagnostics", "related_information", default=False))
        return [wire.diagnostic_json(d, snap.index, self.encoding, related, self.docs.uri_of)
                for d in snap.diagnostics.get(path, [])]

    def report(self, snap: Snapshot, path: str | None) -> tuple[list[dict], str]:
        """A file's diagnostics and their result id for pull clients. The id is a digest of what
        the client would show, so an unchanged report is sent exactly when nothing it shows
        changed (not whenever anything anywhere was re-analysed)."""
        items = self.lsp_diagnostics(snap, path) if path else []
        return items, wire.result_id(items)

    def _publish(self, snap: Snapshot) -> None:
        changed = False
        # A file that had diagnostics but is absent from this run (its problem is fixed and it is
        # neither open nor scanned, or it left the analysed workspaces) must be cleared too.
        gone = [p for p, key in self._published.items() if key and p not in snap.diagnostics]
        for path, diags in [*snap.diagnostics.items(), *((p, []) for p in gone)]:
            key = wire.publish_key(diags, snap.texts.get(path))
            version = snap.versions.get(path)
            if self._published.get(path) == key and self._published_versions.get(path) == version:
                continue  # nothing new to show, and the document's version did not move either
            if self._published.get(path) != key:
                changed = True
            self._published[path] = key
            self._published_versions[path] = version
            if not self.client_pulls:
                self.protocol._send_data(wire.publish(self.docs.uri_of(path), self.lsp_diagnostics(snap, path), version))
        if changed and self.client_pulls and self._cap("workspace", "diagnostics", "refresh_support", default=False):
            self.workspace_diagnostic_refresh(None)

    # -- the file system -----------------------------------------------------------------------

    def file_events(self, events: list[tuple[str, str]], analyse: bool = True) -> None:
        """Queue (path, kind) events — kind: created | changed | deleted | reopened — and analyse
        again. They are applied in the analysis worker, so the disk caches are never changed
        under a running analysis, and a rescan of the folders never blocks the event loop.
        Bursts (a `git checkout`, a build writing thousands of files) are applied in one go."""
        if self._stopping:
            return
        with self._fs_lock:
            self._fs_events.extend(events)
            start = not self._fs_draining
            self._fs_draining = True
        if start:
            self._pool.submit(self._drain_file_events)
        if analyse:
            self.request_analysis()  # queued behind the drain in the single worker

    def _drain_file_events(self) -> None:
        while True:
            with self._fs_lock:
                events, self._fs_events = self._fs_events, []
                if not events:
                    self._fs_draining = False
                    return
            try:
                self._apply_file_events(events)
            except Exception:
                log.exception("applying file-system events failed")

    def _apply_file_events(self, events: list[tuple[str, str]]) -> None:
        rescan = False
        known = self.manifests
        for path, kind in events:
            self.disk.invalidate(path)
            if kind in ("created", "deleted"):
                self.disk.invalidate_tree(path)
                if is_manifest(path):
                    rescan = True
                elif kind == "created":
                    rescan = rescan or os.path.isdir(path)  # may hold manifests (moved in, checkout)
                else:
                    prefix = path.rstrip("/") + "/"
                    rescan = rescan or any(m.startswith(prefix) for m in known)
        self.shared.bump()
        if rescan:
            self.manifests = self.scan_folders()

    # -- workspace folders -------------------------------------------------------------------

    def scan_folders(self) -> list[str]:
        found = []
        for folder in self.folders:
            for dirpath, dirnames, filenames in os.walk(folder):
                dirnames[:] = sorted(
                    d for d in dirnames if d not in SKIP_DIRS and not os.path.exists(os.path.join(dirpath, d, "CACHEDIR.TAG"))
                )
                if "Cargo.toml" in filenames:
                    found.append(normalize(os.path.join(dirpath, "Cargo.toml")))
        return found

    async def index_workspace(self) -> None:
        self._indexing += 1
        self._indexed.clear()
        try:
            await self._index_workspace()
        finally:
            self._indexing -= 1
            if not self._indexing:
                self._indexed.set()

    async def wait_for_index(self) -> Snapshot:
        """The snapshot once the folders' manifests are all analysed (a workspace pull asked
        right after `initialized` must not get an empty report)."""
        if self._indexing:
            await self._indexed.wait()
        return await self.wait_for_analysis()

    async def _index_workspace(self) -> None:
        token = f"cargo-lens-index-{time.monotonic_ns()}"
        progress = bool(self._cap("window", "work_done_progress", default=False))
        if progress:
            try:
                await self.work_done_progress.create_async(token)
                self.work_done_progress.begin(token, lsp.WorkDoneProgressBegin(title="cargo-lens", message="Finding Cargo.toml files", cancellable=False))
            except Exception:
                progress = False
        loop = asyncio.get_running_loop()
        self.manifests = await loop.run_in_executor(None, self.scan_folders)
        if progress:
            self.work_done_progress.report(token, lsp.WorkDoneProgressReport(message=f"Analysing {len(self.manifests)} manifests"))
        self.request_analysis()
        await self.wait_for_analysis()
        # What indexing built lives as long as the server: keep it out of future collections.
        gc.collect()
        gc.freeze()
        if progress:
            self.work_done_progress.end(token, lsp.WorkDoneProgressEnd(message=f"{len(self.manifests)} manifests analysed"))
        self.window_log_message(lsp.LogMessageParams(lsp.MessageType.Info, f"cargo-lens: {len(self.manifests)} manifests in {len(self.folders)} folder(s)"))

    async def load_settings(self, raw_from_init=None) -> None:
        raw = raw_from_init
        if self._startup_settings is not None:  # read by the start-up path: not asked twice
            (raw,), self._startup_settings = self._startup_settings, None
        elif self._cap("workspace", "configuration", default=False):
            try:
                result = await self.workspace_configuration_async(
                    lsp.ConfigurationParams(items=[lsp.ConfigurationItem(section="cargoLens")])
                )
                if result and result[0] is not None:
                    raw = result[0]
            except Exception as err:
                log.warning("workspace/configuration failed: %s", err)
        known = set(RULES) | {r.name for r in RULES.values()}
        settings, problems = parse_settings(raw, known)
        self.settings = settings
        logging.getLogger("cargo_lens").setLevel({"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING, "error": logging.ERROR}[settings.log_level])
        # Show a problem once while it lasts (settings are re-read on every change, and a storm of
        # identical popups helps nobody); once fixed it is forgotten, so breaking it again shows it.
        new = [p for p in problems if p not in self._reported_settings]
        self._reported_settings = set(problems)
        for p in problems:
            self.window_log_message(lsp.LogMessageParams(lsp.MessageType.Warning, f"cargo-lens: {p}"))
        if new:
            self.window_show_message(lsp.ShowMessageParams(lsp.MessageType.Warning, "cargo-lens settings: " + "; ".join(new)))

    def register_watchers(self) -> None:
        if not self._cap("workspace", "did_change_watched_files", "dynamic_registration", default=False):
            return
        watchers = [lsp.FileSystemWatcher(glob_pattern=g) for g in WATCHED_CONTENT]
        # Directories appearing or vanishing change what `members` globs match.
        watchers.append(lsp.FileSystemWatcher(glob_pattern="**/*", kind=lsp.WatchKind.Create | lsp.WatchKind.Delete))
        self.client_register_capability(
            lsp.RegistrationParams(
                registrations=[
                    lsp.Registration(
                        id="cargo-lens-watch",
                        method=lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                        register_options=lsp.DidChangeWatchedFilesRegistrationOptions(watchers=watchers),
                    )
                ]
            )
        )


def _kind_matches(kind: str, wanted: str) -> bool:
    """LSP code action kinds are hierarchical: `quickfix` is asked for by `quickfix` (or a
    parent of it), never by `refactor` or `source`."""
    wanted = str(getattr(wanted, "value", wanted))
    kind = str(getattr(kind, "value", kind))
    return kind == wanted or kind.startswith(wanted + ".")


def create_server() -> CargoLensServer:
    ls = CargoLensServer()

    @ls.feature(lsp.INITIALIZE)
    def initialize(ls: CargoLensServer, params: lsp.InitializeParams):
        folders = [uri_to_path(f.uri) for f in (params.workspace_folders or [])]
        if not folders and params.root_uri:
            folders = [uri_to_path(params.root_uri)]
        ls.folders = [f for f in folders if f]
        ls._init_options = params.initialization_options

    @ls.feature(lsp.INITIALIZED)
    async def initialized(ls: CargoLensServer, params):
        ls._indexing += 1  # a workspace pull from now on waits for the first index
        ls._indexed.clear()
        try:
            init = ls._init_options
            await ls.load_settings(init.get("cargoLens", init) if isinstance(init, dict) else None)
            ls.register_watchers()
            await ls.index_workspace()
        finally:
            ls._indexing -= 1
            if not ls._indexing:
                ls._indexed.set()

    @ls.feature(lsp.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(ls: CargoLensServer, params):
        await ls.load_settings()
        ls.request_analysis()

    @ls.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: CargoLensServer, params: lsp.DidOpenTextDocumentParams):
        td = params.text_document
        if ls.docs.open(td.uri, td.version, td.text) is not None:
            ls.request_analysis()

    @ls.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: CargoLensServer, params: lsp.DidChangeTextDocumentParams):
        td = params.text_document
        if ls.docs.change(td.uri, td.version, params.content_changes, ls.encoding) is None:
            log.warning("didChange for a document that was never opened: %s", td.uri)
            return
        ls.request_analysis()

    @ls.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: CargoLensServer, params):
        path = uri_to_path(params.text_document.uri)
        if path:
            # the buffer (open, so it is what we analyse) is now also on disk: nothing to re-analyse
            ls.file_events([(path, "changed")], analyse=False)

    @ls.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: CargoLensServer, params: lsp.DidCloseTextDocumentParams):
        doc = ls.docs.close(params.text_document.uri)
        if doc is not None:
            ls.file_events([(doc.path, "changed")])  # the disk copy speaks again

    @ls.feature(lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(ls: CargoLensServer, params: lsp.DidChangeWatchedFilesParams):
        kinds = {lsp.FileChangeType.Created: "created", lsp.FileChangeType.Changed: "changed",
                 lsp.FileChangeType.Deleted: "deleted"}
        events = []
        for ev in params.changes:
            path = uri_to_path(ev.uri)
            if path is not None:
                events.append((path, kinds.get(ev.type, "created")))
        if events:
            ls.file_events(events)

    @ls.feature(lsp.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    async def did_change_folders(ls: CargoLensServer, params: lsp.DidChangeWorkspaceFoldersParams):
        removed = {uri_to_path(f.uri) for f in params.event.removed}
        ls.folders = [f for f in ls.folders if f not in removed] + [
            p for p in (uri_to_path(f.uri) for f in params.event.added) if p
        ]
        await ls.index_workspace()

    @ls.feature(
        lsp.TEXT_DOCUMENT_DIAGNOSTIC,
        lsp.DiagnosticOptions(identifier="cargo-lens", inter_file_dependencies=True, workspace_diagnostics=True),
    )
    async def document_diagnostic(ls: CargoLensServer, params: lsp.DocumentDiagnosticParams):
        path = uri_to_path(params.text_document.uri)
        snap = await ls.wait_for_analysis()
        doc = ls.docs.get(params.text_document.uri)
        if doc is not None and snap.versions.get(doc.path) != doc.version:
            ls.request_analysis()
            snap = await ls.wait_for_analysis()
        items, result_id = ls.report(snap, path)
        return wire.document_report(items, result_id, params.previous_result_id)

    @ls.feature(lsp.WORKSPACE_DIAGNOSTIC)
    async def workspace_diagnostic(ls: CargoLensServer, params: lsp.WorkspaceDiagnosticParams):
        snap = await ls.wait_for_index()
        # Keyed by path: the client may spell a URI differently from us (and re-encode ours).
        previous = {}
        for p in params.previous_result_ids or []:
            path = uri_to_path(p.uri)
            if path is not None:
                previous[path] = (p.uri, p.value)
        items = []
        for path in snap.diagnostics:
            client_uri, previous_id = previous.pop(path, (None, None))
            uri = client_uri if client_uri is not None and ls.docs.by_path(path) is None else ls.docs.uri_of(path)
            diags, rid = ls.report(snap, path)
            version = snap.versions.get(path)
            items.append(wire.workspace_report(uri, version, diags, rid, previous_id))
        # Files the client holds results for that are no longer analysed (closed, outside the
        # folders, deleted): an empty report, or the client would keep showing the old one.
        _, empty_rid = ls.report(snap, None)
        for path, (uri, rid) in previous.items():
            if rid != empty_rid:
                items.append(wire.workspace_report(uri, None, [], empty_rid, None))
        return {"items": items}

    @ls.feature(lsp.TEXT_DOCUMENT_CODE_ACTION, lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix]))
    async def code_action(ls: CargoLensServer, params: lsp.CodeActionParams):
        snap = await ls.wait_for_analysis()
        path = uri_to_path(params.text_document.uri)
        doc = ls.docs.get(params.text_document.uri)
        if doc is not None and snap.versions.get(doc.path) != doc.version:
            ls.request_analysis()
            snap = await ls.wait_for_analysis()
        if path is None:
            return None
        only = params.context.only if params.context else None
        if only and not any(_kind_matches(lsp.CodeActionKind.QuickFix, k) for k in only):
            return []  # the client asked for other kinds (refactor, source…): we have none
        index = snap.index(path)
        want = params.range
        start = index.offset(want.start.line, want.start.character, ls.encoding)
        end = index.offset(want.end.line, want.end.character, ls.encoding)
        start, end = min(start, end), max(start, end)  # a range given backwards
        doc_changes = bool(ls._cap("workspace", "workspace_edit", "document_changes", default=False))
        versions = {d.path: d.version for d in ls.docs.all()}
        actions = []
        loop = asyncio.get_running_loop()
        for d in snap.diagnostics.get(path, []):
            if d.span[1] < start or d.span[0] > end:
                continue
            found = await loop.run_in_executor(ls._pool, d.all_fixes)
            lsp_diag = convert.lsp_diagnostic(d, snap.index, ls.encoding, False, ls.docs.uri_of)
            for fix in found:
                actions.append(
                    lsp.CodeAction(
                        title=fix.title,
                        kind=lsp.CodeActionKind.QuickFix,
                        diagnostics=[lsp_diag],
                        is_preferred=fix.preferred or None,
                        edit=convert.workspace_edit(fix, snap.index, ls.encoding, versions, doc_changes, ls.docs.uri_of),
                    )
                )
        return actions

    @ls.feature(lsp.TEXT_DOCUMENT_HOVER)
    async def hover(ls: CargoLensServer, params: lsp.HoverParams):
        from ..engine.hover import hover as engine_hover

        path = uri_to_path(params.text_document.uri)
        doc = ls.docs.get(params.text_document.uri)
        if path is None or doc is None:
            return None
        pos = params.position
        offset = doc.index.offset(pos.line, pos.character, ls.encoding)
        overlay = {d.path: d.text for d in ls.docs.all()}
        loop = asyncio.get_running_loop()

        def work():
            ctx = Context(ls.disk.with_overlay(overlay), shared=ls.shared)
            return engine_hover(ctx, path, offset, allow_rustc=ls.settings.rustc_allowed, env=dict(os.environ))

        result = await loop.run_in_executor(ls._request_pool, work)
        if result is None:
            return None
        return lsp.Hover(
            contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=result.markdown),
            range=convert.lsp_range(doc.index, result.span, ls.encoding),
        )

    @ls.feature(lsp.SHUTDOWN)
    def shutdown(ls: CargoLensServer, params):
        ls._stopping = True
        ls._pool.shutdown(wait=False, cancel_futures=True)
        ls._request_pool.shutdown(wait=False, cancel_futures=True)

    from . import features  # authoring help (completion, navigation, lenses) and commands

    features.register(ls)
    return ls

