#!/usr/bin/env python3
"""Where the time goes, for the benchmark targets that are missed (a companion to bench_*.py).

    .venv/bin/python benchmarks/profile_hotspots.py startup        # interpreter, imports, work
    .venv/bin/python benchmarks/profile_hotspots.py explain        # cProfile of `explain` on reth
    .venv/bin/python benchmarks/profile_hotspots.py analysis reth  # the server's analysis per edit
    .venv/bin/python benchmarks/profile_hotspots.py analysis big

`startup` runs fresh processes and splits their wall and CPU time into interpreter start, the
imports each path needs, and the work. `explain` profiles `engine.explain.explain` in-process
after the imports. `analysis` calls the language server's own `CargoLensServer._analyze` (what
its worker thread runs after each didChange) on the same edits bench_lsp.py makes, without the
JSON-RPC around it, timing every run, the garbage collector's pauses (gc.callbacks) and a
cProfile of the runs. Corpus entries are copied to a temporary directory first.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import os
import pstats
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import DEFAULT_CORPUS, copy_corpus_entry, fmt_ms, lens_env, loadavg, scratch_dir, summary  # noqa: E402


def _cpu_wall(cmd: list[str], env: dict, cwd: str, n: int) -> tuple[float, float]:
    walls, cpus = [], []
    for _ in range(n):
        t0 = time.perf_counter()
        before = os.times()
        subprocess.run(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        after = os.times()
        walls.append(time.perf_counter() - t0)
        cpus.append((after.children_user - before.children_user) + (after.children_system - before.children_system))
    return summary(walls)["median"], summary(cpus)["median"]


def startup(args, scratch: str) -> None:
    env = lens_env(scratch, pyc=not args.no_pyc)
    reth = copy_corpus_entry(args.corpus, "paradigmxyz__reth", scratch)
    book = copy_corpus_entry(args.corpus, "rust-lang__book", scratch)
    py = sys.executable
    lens = os.path.join(os.path.dirname(py), "cargo-lens")
    rows = [
        ("python -c pass", [py, "-c", "pass"]),
        ("import cargo_lens.cli + engine.explain (the explain path)", [py, "-c", "import cargo_lens.cli, cargo_lens.engine.explain"]),
        ("import cargo_lens.engine.analysis (the check path)", [py, "-c", "import cargo_lens.cli, cargo_lens.engine.analysis"]),
        ("import lsprotocol.types", [py, "-c", "import lsprotocol.types"]),
        ("import pygls.lsp.server", [py, "-c", "import pygls.lsp.server"]),
        ("import cargo_lens.lsp.server (the serve path)", [py, "-c", "import cargo_lens.lsp.server"]),
        ("cargo-lens explain book/Cargo.toml (1 member)", [lens, "explain", os.path.join(book, "Cargo.toml")]),
        ("cargo-lens explain reth/Cargo.toml (141 members)", [lens, "explain", os.path.join(reth, "Cargo.toml")]),
    ]
    for _, cmd in rows:  # fill the byte-code cache
        subprocess.run(cmd, env=env, cwd=scratch, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    print(f"median of {args.n} fresh processes each; CPU = user+sys of the child (load {loadavg()})")
    for label, cmd in rows:
        wall, cpu = _cpu_wall(cmd, env, scratch, args.n)
        print(f"  {label:<58} wall {fmt_ms(wall):>9}   cpu {fmt_ms(cpu):>9}")
    print(f"(load {loadavg()})")


def _profile_report(prof: cProfile.Profile, top: int) -> str:
    s = io.StringIO()
    st = pstats.Stats(prof, stream=s)
    st.sort_stats("tottime").print_stats(top)
    st.sort_stats("cumulative").print_stats(top)
    return s.getvalue()


def explain_profile(args, scratch: str) -> None:
    from cargo_lens.engine.explain import explain

    reth = copy_corpus_entry(args.corpus, "paradigmxyz__reth", scratch)
    root = os.path.join(reth, "Cargo.toml")
    times = []
    for _ in range(args.n):
        t0 = time.perf_counter()
        explain(root)
        times.append(time.perf_counter() - t0)
    print(f"explain(reth/Cargo.toml) in-process, fresh Context each time, after imports: "
          f"median {fmt_ms(summary(times)['median'])}, min {fmt_ms(min(times))} over {args.n}")
    prof = cProfile.Profile()
    prof.enable()
    explain(root)
    prof.disable()
    print(_profile_report(prof, args.top))


def analysis_profile(args, scratch: str) -> None:
    import bench_lsp
    from cargo_lens.engine.fs import normalize
    from cargo_lens.lsp import convert
    from cargo_lens.lsp.server import CargoLensServer

    folder, doc, near, _ = bench_lsp.prepare(args.case, scratch, args.corpus, None)
    ls = CargoLensServer()
    ls.folders = [normalize(folder)]
    ls.manifests = ls.scan_folders()
    doc = normalize(doc)
    with open(doc, encoding="utf-8") as f:
        text = f.read()
    line_no = bench_lsp.dependency_line(text, near)
    options = ls.options()
    manifests = list(dict.fromkeys(ls.manifests + [doc]))

    import inspect

    # The server's worker entry point; its signature has changed over time (manifests passed
    # in, or read from ls.manifests inside): call whichever this checkout has.
    takes_manifests = "manifests" in inspect.signature(ls._analyze).parameters

    def analyze(gen, overlay, versions):
        if takes_manifests:
            return ls._analyze(gen, overlay, versions, manifests, options)
        return ls._analyze(gen, overlay, versions, options)

    gc_pauses: list[tuple[int, float]] = []
    started: dict[str, float] = {}

    def on_gc(phase, info):
        if phase == "start":
            started["t"] = time.perf_counter()
        else:
            gc_pauses.append((info["generation"], time.perf_counter() - started.get("t", time.perf_counter())))

    def toggled(t: str) -> str:
        lines = t.split("\n")
        lines[line_no] = lines[line_no][1:] if lines[line_no].startswith("#") else "#" + lines[line_no]
        return "\n".join(lines)

    gen = 0
    analyze(gen, {doc: text}, {doc: 1})  # indexing run
    for _ in range(5):
        text = toggled(text)
        gen += 1
        analyze(gen, {doc: text}, {doc: gen})

    gc.callbacks.append(on_gc)
    runs, pauses_per_run = [], []
    for _ in range(args.n):
        text = toggled(text)
        gen += 1
        gc_pauses.clear()
        t0 = time.perf_counter()
        snap = analyze(gen, {doc: text}, {doc: gen})
        # What _publish converts for the open document (lsprotocol objects, UTF-16 ranges).
        [convert.lsp_diagnostic(d, snap.index, "utf-16", True) for d in snap.diagnostics.get(doc, [])]
        runs.append(time.perf_counter() - t0)
        pauses_per_run.append(list(gc_pauses))
    gc.callbacks.remove(on_gc)
    st = summary(runs)
    gc2 = [p for ps in pauses_per_run for g, p in ps if g == 2]
    with_gc2 = [r for r, ps in zip(runs, pauses_per_run) if any(g == 2 for g, _ in ps)]
    without = [r for r, ps in zip(runs, pauses_per_run) if not any(g == 2 for g, _ in ps)]
    print(f"{args.case}: {len(manifests)} manifests analysed per edit; server._analyze + diagnostics conversion, "
          f"{args.n} edits: median {fmt_ms(st['median'])}, p95 {fmt_ms(st['p95'])}, max {fmt_ms(st['max'])}")
    print(f"  runs with a full (generation 2) GC: {len(with_gc2)}; their median {fmt_ms(summary(with_gc2)['median']) if with_gc2 else '-'}; "
          f"runs without: median {fmt_ms(summary(without)['median']) if without else '-'}")
    if gc2:
        print(f"  generation-2 pauses: median {fmt_ms(summary(gc2)['median'])}, max {fmt_ms(max(gc2))}; "
              f"objects tracked now: {len(gc.get_objects()):,}; thresholds {gc.get_threshold()}")
    allp = [p for ps in pauses_per_run for _, p in ps]
    print(f"  all GC pauses inside the runs: {fmt_ms(sum(allp))} in total over {args.n} runs ({len(allp)} collections)")

    prof = cProfile.Profile()
    for _ in range(20):
        text = toggled(text)
        gen += 1
        prof.enable()
        analyze(gen, {doc: text}, {doc: gen})
        prof.disable()
    print("cProfile over 20 more edits:")
    print(_profile_report(prof, args.top))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("what", choices=["startup", "explain", "analysis"])
    ap.add_argument("case", nargs="?", default="reth", choices=["small", "big", "reth"], help="for `analysis`")
    ap.add_argument("-n", type=int, default=50, help="repetitions (default 50; startup uses it per row)")
    ap.add_argument("--top", type=int, default=25, help="profile rows to show")
    ap.add_argument("--corpus", default=DEFAULT_CORPUS)
    ap.add_argument("--no-pyc", action="store_true", help="leave PYTHONDONTWRITEBYTECODE as the environment has it")
    args = ap.parse_args(argv)
    scratch = scratch_dir("cargo-lens-profile-")
    try:
        if args.what == "startup":
            args.n = min(args.n, 10)
            startup(args, scratch)
        elif args.what == "explain":
            explain_profile(args, scratch)
        else:
            analysis_profile(args, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
