"""A workspace folder with 50,000 files (small empty files in nested directories, plus a dozen
packages): initialize answers at once, the first diagnostics arrive within a bound, and the event
loop stays responsive while the server indexes and while a burst of file-system events makes it
rescan (measured with requests answered on the loop: a hover on a document that is not open)."""

import asyncio
import os
import shutil
import tempfile
import time
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from lsp_support import capabilities, codes, initialize, package, server_config, uri, wait_until, write_layout

pytestmark = pytest.mark.asyncio(loop_scope="module")

FILES = 50_000
INIT_BOUND = 2.0  # s; nominal ~0.01 s once the process runs
FIRST_DIAGNOSTICS_BOUND = 20.0  # s; nominal ~1 s on 2 cores (walking 50k files, then analysis)
LOOP_STALL_BOUND = 0.5  # s; the longest a request handled on the event loop may wait


@pytest.fixture(scope="module")
def huge(tmp_path_factory):
    # On tmpfs when there is one: creating 55,000 inodes on this machine's disk took from 1 s to
    # 20 s (kernel time, under other jobs' I/O), on /dev/shm 1.3 s. The server sees no difference.
    if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK):
        root = Path(tempfile.mkdtemp(prefix="cargo-lens-huge-", dir="/dev/shm"))
    else:
        root = tmp_path_factory.mktemp("huge")
    files = {"Cargo.toml": '[workspace]\nresolver = "2"\nmembers = ["crates/*"]\n'}
    for i in range(10):
        files[f"crates/c{i}/Cargo.toml"] = package(f"c{i}")
    files["crates/entry/Cargo.toml"] = package("entry", """
        [target.'cfg(any())'.dependencies]
        dep = { path = "../../tools/dep" }
    """)
    files["tools/dep/Cargo.toml"] = package("dep")
    write_layout(root, files)
    made = 0
    for a in range(100):  # vendor/d*/e*/f*.txt: 100 * 50 * 10 = 50,000 empty files
        for b in range(50):
            d = root / "vendor" / f"d{a}" / f"e{b}"
            d.mkdir(parents=True)
            for c in range(FILES // 5000):
                (d / f"f{c}.txt").touch()
                made += 1
    assert made == FILES
    yield root
    shutil.rmtree(root, ignore_errors=True)


def ping_params(root) -> lsp.HoverParams:
    # a document that is not open: the server answers on the event loop, without the worker
    return lsp.HoverParams(lsp.TextDocumentIdentifier(uri(root / "not-open/Cargo.toml")), lsp.Position(0, 0))


async def ping_until(client: LanguageClient, root, stop: asyncio.Event) -> list[float]:
    """Round trips of back-to-back loop-only requests until ``stop`` is set."""
    latencies = []
    while not stop.is_set():
        t = time.perf_counter()
        assert await client.text_document_hover_async(ping_params(root)) is None
        latencies.append(time.perf_counter() - t)
    return latencies


def ended(client: LanguageClient) -> bool:
    return any(r and isinstance(r[-1], lsp.WorkDoneProgressEnd) for r in client.progress_reports.values())


@pytest_lsp.fixture(scope="module", config=server_config())
async def client(lsp_client: LanguageClient, huge):
    t0 = time.perf_counter()
    await initialize(lsp_client, [huge], capabilities("visual-studio-code"))
    lsp_client.init_latency = time.perf_counter() - t0
    # The first request waits until the server has loaded pygls (lsp/startup.py answers only
    # initialize, document changes and diagnostics before that); the stalls measured below are
    # the event loop's, once it runs.
    t1 = time.perf_counter()
    assert await lsp_client.text_document_hover_async(ping_params(huge)) is None
    lsp_client.first_request_latency = time.perf_counter() - t1
    stop = asyncio.Event()
    pinger = asyncio.ensure_future(ping_until(lsp_client, huge, stop))
    entry = huge / "crates/entry/Cargo.toml"
    try:
        await wait_until(lsp_client, lambda: codes(lsp_client, entry) == ["CL301"], timeout=FIRST_DIAGNOSTICS_BOUND,
                         what="the first diagnostics")
        lsp_client.first_diagnostics = time.perf_counter() - t0
        await wait_until(lsp_client, lambda: ended(lsp_client), method=lsp.PROGRESS, what="the end of indexing")
    finally:
        stop.set()
        lsp_client.indexing_pings = await pinger
    yield
    await lsp_client.shutdown_session()


async def test_initialize_answers_promptly(client: LanguageClient):
    print(f"initialize {client.init_latency * 1000:.0f} ms, first request {client.first_request_latency * 1000:.0f} ms, "
          f"first diagnostics {client.first_diagnostics:.2f} s, "
          f"longest loop stall while indexing {max(client.indexing_pings) * 1000:.0f} ms")
    assert client.init_latency < INIT_BOUND
    assert client.first_request_latency < INIT_BOUND


async def test_first_diagnostics_within_bound(client: LanguageClient, huge):
    assert client.first_diagnostics < FIRST_DIAGNOSTICS_BOUND
    (token,) = [t for t, r in client.progress_reports.items() if r]
    assert client.progress_reports[token][-1].message == "13 manifests analysed"  # vendor/ has none


async def test_requests_are_answered_during_indexing(client: LanguageClient):
    pings = client.indexing_pings
    assert len(pings) >= 3, "too few requests went out while indexing"
    assert max(pings) < LOOP_STALL_BOUND, f"the event loop stalled for {max(pings):.2f}s while indexing"


async def test_a_hover_on_an_open_document(client: LanguageClient, huge):
    from lsp_support import Doc

    doc = Doc(client, huge / "crates/entry/Cargo.toml")
    t = time.perf_counter()
    h = await client.text_document_hover_async(lsp.HoverParams(lsp.TextDocumentIdentifier(doc.uri),
                                                               doc.position(doc.find("dep =") + 1)))
    assert time.perf_counter() - t < 5.0
    assert "only through `[target.…]` tables" in h.contents.value
    doc.close()


async def test_a_burst_of_file_events_does_not_block_the_loop(client: LanguageClient, huge):
    """Ten didChangeWatchedFiles in a row, each reporting new directories (a checkout): each may
    need a rescan of the 50,000 files, which must not happen on the event loop."""
    root_manifest = huge / "Cargo.toml"
    assert codes(client, root_manifest) == []
    stop = asyncio.Event()
    pinger = asyncio.ensure_future(ping_until(client, huge, stop))
    try:
        for i in range(10):
            d = huge / "vendor" / f"new{i}"
            d.mkdir()
            (d / "x.txt").touch()
            client.workspace_did_change_watched_files(lsp.DidChangeWatchedFilesParams([
                lsp.FileEvent(uri(d), lsp.FileChangeType.Created),
                lsp.FileEvent(uri(d / "x.txt"), lsp.FileChangeType.Created)]))
        (huge / "crates/late").mkdir()  # matched by crates/*, no manifest: CL201
        client.workspace_did_change_watched_files(lsp.DidChangeWatchedFilesParams([
            lsp.FileEvent(uri(huge / "crates/late"), lsp.FileChangeType.Created)]))
        await wait_until(client, lambda: codes(client, root_manifest) == ["CL201"], what="CL201 for crates/late")
    finally:
        stop.set()
        pings = await pinger
    print(f"longest loop stall during the file events {max(pings) * 1000:.0f} ms over {len(pings)} requests")
    assert max(pings) < LOOP_STALL_BOUND, f"the event loop stalled for {max(pings):.2f}s on file events"
    os.rmdir(huge / "crates/late")
    client.workspace_did_change_watched_files(lsp.DidChangeWatchedFilesParams([
        lsp.FileEvent(uri(huge / "crates/late"), lsp.FileChangeType.Deleted)]))
    await wait_until(client, lambda: codes(client, root_manifest) == [], what="CL201 to go")
