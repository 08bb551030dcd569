#!/usr/bin/env python3
"""cargo-lens CLI against `cargo metadata --no-deps --offline`, on the largest corpus repositories.

Run it by hand (it is not a test):

    .venv/bin/python benchmarks/bench_cli.py                 # both repositories, 10 repetitions
    .venv/bin/python benchmarks/bench_cli.py --reps 20 --json > cli.json

What is measured, per repository (each copied to a fresh temporary directory first, so that no
Cargo.toml sits above it and cargo never runs inside the shared corpus):

* workspaces:  one cold `cargo-lens workspaces DIR --json` (a fresh process: interpreter start
  and imports count) against what that command computes when cargo does it: one
  `cargo metadata --no-deps --offline --format-version 1 --manifest-path M` for every Cargo.toml
  M under DIR, run one after another with cwd = the directory of M, exactly as the corpus'
  expected.json was made.
* single:      one fresh `cargo-lens explain ROOT/Cargo.toml` against one
  `cargo metadata --no-deps --offline --format-version 1 --manifest-path ROOT/Cargo.toml`.
  `explain` is the like-for-like command: it runs the engine's workspace resolution for that
  one manifest (root discovery, members, path-dependency closure, every member loaded and
  validated — what cargo metadata does before it prints) plus the `cargo check` selection for
  the host, and prints a few lines. `cargo-lens check ROOT/Cargo.toml` is also timed, as an
  upper bound: on top of the same resolution it runs all 19 rules over every manifest of the
  workspace (cfg parsing and lints, every load problem of every member, not only the first),
  which is more work than cargo metadata does.

All five commands run in the same repetition loop, interleaved (the order alternates between
repetitions), after one untimed warm-up round that fills the OS file cache for both tools.
cargo is the toolchain's own binary (`rustup which cargo`), not the rustup proxy, as for the
corpus; the proxy would add its own start-up and honour `rust-toolchain` files.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import (  # noqa: E402
    DEFAULT_CORPUS,
    cargo_lens_exe,
    copy_corpus_entry,
    find_cargo,
    fmt_ms,
    lens_env,
    loadavg,
    machine,
    manifests_under,
    scratch_dir,
    summary,
    table,
)

REPOS = {
    # name: why it is "largest"
    "rust-lang__book": "most manifests in the corpus (566: 542 standalone packages, 11 small workspaces)",
    "paradigmxyz__reth": "largest workspace in the corpus (146 manifests, 144 members of one root)",
}
TARGET_RATIO = 1.0
MAX_RATIO = 1.5


# CPU time (user + system) of the last timed() child: less disturbed than wall time by other
# jobs on a shared machine.
LAST_CPU = {"s": 0.0}


def timed(cmd: list[str], cwd: str, env: dict, ok_codes=(0,)) -> tuple[float, int]:
    before = os.times()
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    dt = time.perf_counter() - t0
    after = os.times()
    LAST_CPU["s"] = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    if proc.returncode not in ok_codes:
        raise RuntimeError(f"{' '.join(cmd)} (cwd {cwd}) exited {proc.returncode}: {proc.stderr.decode(errors='replace')[-500:]}")
    return dt, proc.returncode


def cargo_metadata(cargo: str, manifest: str) -> list[str]:
    return [cargo, "metadata", "--no-deps", "--offline", "--format-version", "1", "--manifest-path", manifest]


def bench_repo(name: str, corpus: str, cargo: str, lens: str, reps: int, scratch: str, log, pyc: bool = True) -> dict:
    d = copy_corpus_entry(corpus, name, scratch)
    manifests = manifests_under(d)
    root = os.path.join(d, "Cargo.toml")
    env = lens_env(scratch, pyc)  # cargo ignores the PYTHON* variables

    def run_workspaces():
        return timed([lens, "workspaces", d, "--json"], d, env)[0]

    failures = {"n": 0}

    def run_cargo_all():
        total = 0.0
        failed = 0
        for m in manifests:
            # cargo's own failures (a broken member…) are part of the verdict, not a benchmark error
            dt, rc = timed(cargo_metadata(cargo, m), os.path.dirname(m), env, ok_codes=(0, 101))
            total += dt
            failed += rc != 0
        failures["n"] = failed
        return total

    def run_explain():
        return timed([lens, "explain", root], d, env, ok_codes=(0, 1))[0]

    def run_metadata():
        return timed([lens, "metadata", root], d, env, ok_codes=(0, 1))[0]

    def run_check():
        return timed([lens, "check", root], d, env, ok_codes=(0, 1))[0]

    def run_cargo_single():
        return timed(cargo_metadata(cargo, root), d, env, ok_codes=(0, 101))[0]

    tasks = [
        ("lens_workspaces", run_workspaces),
        ("cargo_metadata_all", run_cargo_all),
        ("lens_metadata_root", run_metadata),
        ("lens_explain_root", run_explain),
        ("lens_check_root", run_check),
        ("cargo_metadata_root", run_cargo_single),
    ]
    log(f"[{name}] {len(manifests)} manifests, copied to {d}; warm-up round…")
    for _, fn in tasks:
        fn()
    times: dict[str, list[float]] = {k: [] for k, _ in tasks}
    cpu: dict[str, list[float]] = {k: [] for k, _ in tasks if k != "cargo_metadata_all"}
    for rep in range(reps):
        order = tasks if rep % 2 == 0 else list(reversed(tasks))
        for key, fn in order:
            times[key].append(fn())
            if key in cpu:
                cpu[key].append(LAST_CPU["s"])
        log(
            f"[{name}] rep {rep + 1}/{reps}: workspaces {fmt_ms(times['lens_workspaces'][-1])} vs cargo×{len(manifests)} "
            f"{fmt_ms(times['cargo_metadata_all'][-1])}; metadata {fmt_ms(times['lens_metadata_root'][-1])} vs cargo "
            f"{fmt_ms(times['cargo_metadata_root'][-1])}  (load {loadavg()})"
        )
    stats = {k: summary(v) for k, v in times.items()}
    return {
        "repo": name,
        "why_largest": REPOS.get(name, ""),
        "manifests": len(manifests),
        "cargo_calls_failing": failures["n"],
        "stats": stats,
        "samples": times,
        "cpu_stats": {k: summary(v) for k, v in cpu.items()},
        "cpu_samples": cpu,
        "ratios": {
            "workspaces_median": stats["lens_workspaces"]["median"] / stats["cargo_metadata_all"]["median"],
            "workspaces_p95": stats["lens_workspaces"]["p95"] / stats["cargo_metadata_all"]["p95"],
            "single_median": stats["lens_metadata_root"]["median"] / stats["cargo_metadata_root"]["median"],
            "single_p95": stats["lens_metadata_root"]["p95"] / stats["cargo_metadata_root"]["p95"],
            "explain_median": stats["lens_explain_root"]["median"] / stats["cargo_metadata_root"]["median"],
            "explain_p95": stats["lens_explain_root"]["p95"] / stats["cargo_metadata_root"]["p95"],
            "check_median": stats["lens_check_root"]["median"] / stats["cargo_metadata_root"]["median"],
            "check_p95": stats["lens_check_root"]["p95"] / stats["cargo_metadata_root"]["p95"],
        },
    }


def verdict(ratio: float) -> str:
    if ratio <= TARGET_RATIO:
        return "meets target (≤ 1.0×)"
    if ratio <= MAX_RATIO:
        return "within the 1.5× limit, misses ≤ 1.0×"
    return "MISSES the 1.5× limit"


def render(results: list[dict], info: dict, reps: int) -> str:
    out = [
        f"machine: {info['cpu']}, {info['nproc']} CPUs, Python {info['python']}, {info.get('cargo', 'cargo ?')}",
        f"load average (1/5/15 min): start {info['loadavg_start']}, end {info.get('loadavg_end', '?')}",
        f"cargo-lens source: {info['source']}",
        f"{reps} repetitions per command, interleaved; median and p95 (linear interpolation) of wall time; "
        f"Python byte-code cache: {info['bytecode_cache']}",
        "",
    ]
    rows = []
    for r in results:
        s, q, n = r["stats"], r["ratios"], r["manifests"]
        rows.append([
            f"{r['repo']} ({n} manifests)", "workspaces DIR --json", f"cargo metadata × {n}",
            fmt_ms(s["lens_workspaces"]["median"]), fmt_ms(s["lens_workspaces"]["p95"]),
            fmt_ms(s["cargo_metadata_all"]["median"]), fmt_ms(s["cargo_metadata_all"]["p95"]),
            f"{q['workspaces_median']:.3f}×", f"{q['workspaces_p95']:.3f}×",
        ])
        rows.append([
            "", "metadata ROOT/Cargo.toml", "cargo metadata × 1",
            fmt_ms(s["lens_metadata_root"]["median"]), fmt_ms(s["lens_metadata_root"]["p95"]),
            fmt_ms(s["cargo_metadata_root"]["median"]), fmt_ms(s["cargo_metadata_root"]["p95"]),
            f"{q['single_median']:.2f}×", f"{q['single_p95']:.2f}×",
        ])
        rows.append([
            "", "explain ROOT/Cargo.toml (+ what cargo check builds)", "cargo metadata × 1",
            fmt_ms(s["lens_explain_root"]["median"]), fmt_ms(s["lens_explain_root"]["p95"]),
            fmt_ms(s["cargo_metadata_root"]["median"]), fmt_ms(s["cargo_metadata_root"]["p95"]),
            f"{q['explain_median']:.2f}×", f"{q['explain_p95']:.2f}×",
        ])
        rows.append([
            "", "check ROOT/Cargo.toml (all rules)", "cargo metadata × 1",
            fmt_ms(s["lens_check_root"]["median"]), fmt_ms(s["lens_check_root"]["p95"]),
            fmt_ms(s["cargo_metadata_root"]["median"]), fmt_ms(s["cargo_metadata_root"]["p95"]),
            f"{q['check_median']:.2f}×", f"{q['check_p95']:.2f}×",
        ])
    out.append(table(
        ["repository", "cargo-lens", "cargo", "ours median", "ours p95", "cargo median", "cargo p95", "ratio median", "ratio p95"],
        rows,
    ))
    out.append("")
    for r in results:
        q = r["ratios"]
        out.append(f"{r['repo']}: {r['why_largest']}")
        out.append(f"  workspaces: {verdict(q['workspaces_median'])}; single manifest (metadata): {verdict(q['single_median'])}")
        c = r["cpu_stats"]
        ours, theirs = c["lens_metadata_root"]["median"], c["cargo_metadata_root"]["median"]
        out.append(f"  CPU time (user+sys), median: metadata {fmt_ms(ours)} vs cargo {fmt_ms(theirs)} = {ours / theirs:.2f}×; "
                   f"explain {fmt_ms(c['lens_explain_root']['median'])}, check {fmt_ms(c['lens_check_root']['median'])}")
        if r["cargo_calls_failing"]:
            out.append(f"  ({r['cargo_calls_failing']} of the cargo calls fail, as in expected.json; they are timed like the others)")
    return "\n".join(out)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reps", type=int, default=10, help="timed repetitions of each command (default 10)")
    ap.add_argument("--repo", action="append", help=f"corpus entry to use (repeatable; default: {', '.join(REPOS)})")
    ap.add_argument("--corpus", default=DEFAULT_CORPUS, help="corpus directory (default: ../shared/corpus)")
    ap.add_argument("--cargo", help="cargo binary (default: `rustup which cargo`, else cargo on PATH)")
    ap.add_argument("--json", action="store_true", help="print the results as JSON instead of a table")
    ap.add_argument("--save", metavar="PATH", help="also write the results as JSON to PATH")
    ap.add_argument("--keep", action="store_true", help="keep the temporary copies")
    ap.add_argument(
        "--no-pyc", action="store_true",
        help="leave PYTHONDONTWRITEBYTECODE as the environment has it (every start compiles from source)",
    )
    args = ap.parse_args(argv)
    if args.reps < 1:
        ap.error("--reps must be at least 1")

    cargo = find_cargo(args.cargo)
    if not cargo:
        print("cargo not found: this benchmark compares with cargo", file=sys.stderr)
        return 2
    lens = cargo_lens_exe()
    info = machine(cargo)
    info["cargo_lens"] = lens
    info["bytecode_cache"] = "as the environment has it" if args.no_pyc else "on (PYTHONPYCACHEPREFIX in the scratch dir)"
    log = lambda msg: print(msg, file=sys.stderr, flush=True)  # noqa: E731
    scratch = scratch_dir("cargo-lens-bench-cli-")
    try:
        results = [bench_repo(name, args.corpus, cargo, lens, args.reps, scratch, log, pyc=not args.no_pyc) for name in (args.repo or list(REPOS))]
    finally:
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)
    info["loadavg_end"] = loadavg()
    payload = {"machine": info, "reps": args.reps, "results": results}
    if args.save:
        with open(args.save, "w", encoding="utf-8") as f:
            json.dump(payload, f, indent=2)
    if args.json:
        print(json.dumps(payload, indent=2))
    else:
        print(render(results, info, args.reps))
    return 0


if __name__ == "__main__":
    sys.exit(main())
