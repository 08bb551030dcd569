#!/usr/bin/env python3
"""Latency of completion, go-to-definition and find-references on the largest corpus workspace.

Run it by hand (it is not a test):

    .venv/bin/python benchmarks/bench_navigation.py              # 200 calls per case
    .venv/bin/python benchmarks/bench_navigation.py --calls 50 --json

The workspace is paradigmxyz__reth from the shared corpus (located as tests/cargo_oracle.py
does: ``SHARED_DIR``), copied to a fresh temporary directory (no `Cargo.toml` above it) and read
there. Every call goes through the engine API (``cargo_lens.engine.navigation``) exactly as the
language server would call it. `bench_lsp_navigation.py` measures the same cases over LSP.

Three ways of holding the engine state are measured, all with one ``SharedCache`` that lives for
the whole run (the server keeps one, so parsed manifests survive between requests):

* ``warm``: one ``Context`` reused for every call (what a server can do while no buffer or file
  changes): cargo's member discovery is memoised in the context.
* ``server``: a fresh ``Context`` per call over one long-lived disk ``FileSystem`` and a snapshot
  of the open buffers (``Context(disk.with_overlay(buffers), shared=shared)``), which is what
  ``lsp/server.py`` does for hovers today. Workspace results are reused across calls through
  the SharedCache while nothing they read has changed (``wsview._cached_result``).
* ``edit``: as ``server``, but the queried buffer changes before every call (a comment appended
  at its end, so offsets stay put): the manifest is parsed again and every workspace result is
  recomputed. This is the first request after a keystroke, the worst case.

Cases (the cursor positions are found by text, so the script follows edits to the corpus):

* completion/dependency key: an unsaved member (crates/net/network) with a new line ``reth-`` in
  ``[dependencies]``: ~300 `name.workspace = true` items from the root.
* completion/features: inside ``features = ["`` of ``reth-network-types`` (a workspace path
  dependency): the features of crates/net/network-types.
* completion/members path: inside a new ``"crates/`` entry of the root's ``members``.
* definition/workspace = true: on ``reth-eth-wire.workspace`` in the member → the root entry.
* definition/members entry: on the ``"crates/net/network"`` entry of the root → its manifest.
* references/workspace entry: on ``reth-primitives-traits`` in ``[workspace.dependencies]`` →
  every member that inherits it.
* references/package name: on ``name = "reth-network"`` of the member → every dependent.

A few warm-up calls are not counted. Prints a table of median / p95 / max in milliseconds.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import shutil
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, "server"))
sys.path.insert(0, os.path.join(REPO, "tests"))

from cargo_oracle import SHARED_DIR  # noqa: E402

sys.path.insert(0, HERE)
from _common import copy_corpus_entry, scratch_dir  # noqa: E402

from cargo_lens.engine import navigation as nav  # noqa: E402
from cargo_lens.engine.fs import FileSystem  # noqa: E402
from cargo_lens.engine.workspace import Context, SharedCache  # noqa: E402

RETH = os.path.join(str(SHARED_DIR), "corpus", "paradigmxyz__reth")
ROOT = os.path.join(RETH, "Cargo.toml")
MEMBER = os.path.join(RETH, "crates", "net", "network", "Cargo.toml")
TARGET_MS = 20.0


def use_copy(reth: str) -> None:
    """Measure on the copy at ``reth`` instead of the corpus itself."""
    global RETH, ROOT, MEMBER
    RETH = reth
    ROOT = os.path.join(RETH, "Cargo.toml")
    MEMBER = os.path.join(RETH, "crates", "net", "network", "Cargo.toml")


def percentile(values: list[float], q: float) -> float:
    xs = sorted(values)
    if len(xs) == 1:
        return xs[0]
    pos = (len(xs) - 1) * q / 100.0
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def read(path: str) -> str:
    with open(path, encoding="utf-8") as f:
        return f.read()


def cases() -> list[tuple[str, str, dict, str, int, callable]]:
    """(name, group, buffers, file, offset, call)."""
    root_text = read(ROOT)
    member_text = read(MEMBER)
    out = []

    # completion: a dependency key being typed in an unsaved member
    anchor = "[dependencies]\n"
    typed = member_text.replace(anchor, anchor + "reth-\n", 1)
    off = typed.index(anchor) + len(anchor) + len("reth-")
    out.append(("completion", "dependency key (`reth-`)", {MEMBER: typed}, MEMBER, off, nav.complete))

    # completion: features of a workspace path dependency
    needle = 'reth-network-types = { workspace = true, features = ["'
    off = member_text.index(needle) + len(needle)
    out.append(("completion", "features of a workspace path dep", {MEMBER: member_text}, MEMBER, off, nav.complete))

    # completion: a members path in the unsaved root
    members_at = root_text.index("members = [") + len("members = [")
    typed_root = root_text[:members_at] + '\n    "crates/",' + root_text[members_at:]
    off = members_at + len('\n    "crates/')
    out.append(("completion", "members entry path (`crates/`)", {ROOT: typed_root}, ROOT, off, nav.complete))

    # definition
    off = member_text.index("reth-eth-wire.workspace") + 3
    out.append(("definition", "`workspace = true` → root entry", {MEMBER: member_text}, MEMBER, off, nav.definition))
    off = root_text.index('"crates/net/network"') + 3
    out.append(("definition", "members entry → manifest", {ROOT: root_text}, ROOT, off, nav.definition))

    # references
    deps_at = root_text.index("[workspace.dependencies]")
    off = root_text.index("\nreth-primitives-traits ", deps_at) + 3
    out.append(("references", "[workspace.dependencies] entry → inheritors", {ROOT: root_text}, ROOT, off, nav.references))
    off = member_text.index('name = "reth-network"') + len('name = "') + 2
    out.append(("references", "package name → dependents", {MEMBER: member_text}, MEMBER, off, nav.references))
    return out


def measure(mode: str, calls: int, warmup: int) -> list[dict]:
    disk = FileSystem()
    shared = SharedCache()
    rows = []
    for feature, name, buffers, file, offset, fn in cases():
        warm_ctx = Context(disk.with_overlay(buffers), shared=shared)

        counter = [0]

        def one():
            if mode == "warm":
                return fn(warm_ctx, file, offset)
            bufs = buffers
            if mode == "edit":
                counter[0] += 1
                bufs = dict(buffers)
                bufs[file] = bufs[file] + f"\n# edit {counter[0]}\n"
            return fn(Context(disk.with_overlay(bufs), shared=shared), file, offset)

        result = None
        for _ in range(warmup):
            result = one()
        samples = []
        gc.collect()
        for _ in range(calls):
            t0 = time.perf_counter()
            result = one()
            samples.append((time.perf_counter() - t0) * 1000.0)
        rows.append({
            "mode": mode,
            "feature": feature,
            "case": name,
            "results": len(result or []),
            "n": calls,
            "median_ms": statistics.median(samples),
            "p95_ms": percentile(samples, 95),
            "max_ms": max(samples),
        })
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--calls", type=int, default=200, help="measured calls per case (default 200, at least 50)")
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--mode", choices=("warm", "server", "edit", "all"), default="all")
    ap.add_argument("--json", action="store_true", help="print the rows as JSON instead of a table")
    args = ap.parse_args(argv)
    if not os.path.isfile(ROOT):
        print(f"reth is not in the corpus at {RETH}", file=sys.stderr)
        return 2
    calls = max(50, args.calls)
    rows = []
    scratch = scratch_dir("cargo-lens-bench-navigation-")
    try:
        use_copy(copy_corpus_entry(os.path.dirname(RETH), os.path.basename(RETH), scratch))
        for mode in (("warm", "server", "edit") if args.mode == "all" else (args.mode,)):
            rows.extend(measure(mode, calls, args.warmup))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    print(f"cargo-lens navigation latency on paradigmxyz__reth ({calls} calls per case; "
          f"Python {platform.python_version()}, {platform.machine()})\n")
    headers = ["mode", "feature", "case", "results", "median", "p95", "max"]
    body = [
        [r["mode"], r["feature"], r["case"], str(r["results"]), f"{r['median_ms']:.2f} ms", f"{r['p95_ms']:.2f} ms", f"{r['max_ms']:.2f} ms"]
        for r in rows
    ]
    widths = [max(len(h), *(len(b[i]) for b in body)) for i, h in enumerate(headers)]
    line = lambda cells: "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths)) + " |"  # noqa: E731
    print(line(headers))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for b in body:
        print(line(b))
    worst = max(max(r["median_ms"], r["p95_ms"]) for r in rows)
    print(f"\nworst median/p95: {worst:.2f} ms (target ≤ {TARGET_MS:.0f} ms): {'met' if worst <= TARGET_MS else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
