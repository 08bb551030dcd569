#!/usr/bin/env python3
"""Regenerate ``server/cargo_lens/engine/cfg_targets.py`` from the local rustc.

Usage::

    python scripts/gen_cfg_targets.py [--rustc rustc] [--output PATH]

What it asks rustc (all of these work for every built-in target without the
target's standard library installed):

* ``rustc -vV`` for the version recorded in the data module;
* ``rustc --print target-list`` for every built-in target name;
* ``rustc --print cfg --target T`` for every target.  The full cfg set is kept
  for a curated list of common targets (``CURATED`` below); for the others
  only the values feed the "known values" tables;
* ``RUSTC_BOOTSTRAP=1 rustc -Zunstable-options --print check-cfg
  --check-cfg 'cfg()'`` for rustc's own list of well-known cfg names and
  values (what rustc's ``unexpected_cfgs`` lint accepts).  This is an unstable
  print request, hence ``RUSTC_BOOTSTRAP``; it is only used here, never at
  run time.  When it fails, the generator falls back to the values seen in
  ``--print cfg``;
* a tiny Rust program, compiled with this rustc, that dumps the ranges of
  ``char::is_alphanumeric``.  cargo-platform accepts Unicode alphanumerics in
  target names, and Python's ``str.isalnum`` disagrees with Rust's
  (different Unicode versions, and Rust also counts ``Other_Alphabetic``
  marks), so the exact ranges are stored.

The output is a plain Python literal module; commit it.
"""

from __future__ import annotations

import argparse
import os
import pprint
import re
import subprocess
import sys
import tempfile
from pathlib import Path

# Targets whose full cfg set is committed (cargo_lens.engine.cfg.BUILTIN_TARGETS).
# Tier 1 and the most used tier 2/3 targets; keep it small, the data is
# embedded in the package.
CURATED = [
    "x86_64-unknown-linux-gnu",
    "x86_64-unknown-linux-musl",
    "i686-unknown-linux-gnu",
    "aarch64-unknown-linux-gnu",
    "aarch64-unknown-linux-musl",
    "armv7-unknown-linux-gnueabihf",
    "arm-unknown-linux-gnueabihf",
    "riscv64gc-unknown-linux-gnu",
    "powerpc64le-unknown-linux-gnu",
    "s390x-unknown-linux-gnu",
    "loongarch64-unknown-linux-gnu",
    "x86_64-pc-windows-msvc",
    "x86_64-pc-windows-gnu",
    "i686-pc-windows-msvc",
    "i686-pc-windows-gnu",
    "aarch64-pc-windows-msvc",
    "x86_64-apple-darwin",
    "aarch64-apple-darwin",
    "aarch64-apple-ios",
    "aarch64-apple-ios-sim",
    "x86_64-apple-ios",
    "aarch64-linux-android",
    "armv7-linux-androideabi",
    "x86_64-linux-android",
    "x86_64-unknown-freebsd",
    "x86_64-unknown-netbsd",
    "x86_64-unknown-openbsd",
    "x86_64-unknown-illumos",
    "x86_64-unknown-uefi",
    "wasm32-unknown-unknown",
    "wasm32-unknown-emscripten",
    "wasm32-wasip1",
    "wasm32-wasip2",
    "thumbv6m-none-eabi",
    "thumbv7em-none-eabihf",
    "riscv32imac-unknown-none-elf",
    "aarch64-unknown-none",
    "x86_64-unknown-none",
]

ALNUM_RS = r"""
fn main() {
    let mut start: Option<u32> = None;
    for c in 0u32..=0x110000 {
        let a = char::from_u32(c).map(|ch| ch.is_alphanumeric()).unwrap_or(false);
        match (a, start) {
            (true, None) => start = Some(c),
            (false, Some(s)) => { println!("{:x} {:x}", s, c); start = None; }
            _ => {}
        }
    }
}
"""

LINE_RE = re.compile(r'^([A-Za-z_][A-Za-z0-9_]*)(?:="([^"]*)")?$')


def run(cmd: list[str], env: dict[str, str] | None = None) -> str:
    return subprocess.run(
        cmd, check=True, capture_output=True, text=True, env=env, timeout=60
    ).stdout


def parse_cfg_lines(text: str) -> tuple[list[str], list[tuple[str, str]]]:
    names: list[str] = []
    pairs: list[tuple[str, str]] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        m = LINE_RE.match(line)
        if not m:
            raise SystemExit(f"unexpected --print cfg line: {line!r}")
        if m.group(2) is None:
            names.append(m.group(1))
        else:
            pairs.append((m.group(1), m.group(2)))
    return sorted(set(names)), sorted(set(pairs))


def parse_check_cfg(text: str) -> tuple[set[str], dict[str, set[str]]]:
    """Parse ``cfg(name, values(none()))`` / ``cfg(key, values("a", "b", none()))`` lines."""
    names: set[str] = set()
    values: dict[str, set[str]] = {}
    for line in text.splitlines():
        m = re.match(r"^cfg\(([A-Za-z_][A-Za-z0-9_]*), values\((.*)\)\)$", line.strip())
        if not m:
            continue
        key, body = m.groups()
        strings = re.findall(r'"([^"]*)"', body)
        if "none()" in body:
            names.add(key)
        if strings:
            values.setdefault(key, set()).update(strings)
    return names, values


def alnum_ranges(rustc: str) -> list[tuple[int, int]]:
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp, "alnum.rs")
        exe = Path(tmp, "alnum")
        src.write_text(ALNUM_RS)
        run([rustc, "-O", str(src), "-o", str(exe)])
        out = run([str(exe)])
    ranges = []
    for line in out.splitlines():
        a, b = line.split()
        ranges.append((int(a, 16), int(b, 16)))
    return ranges


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rustc", default="rustc")
    ap.add_argument(
        "--output",
        default=str(Path(__file__).resolve().parent.parent
                    / "server/cargo_lens/engine/cfg_targets.py"),
    )
    args = ap.parse_args()
    rustc = args.rustc

    version = run([rustc, "-V"]).strip()
    targets = sorted(run([rustc, "--print", "target-list"]).split())

    curated: dict[str, tuple[tuple[str, ...], tuple[tuple[str, str], ...]]] = {}
    seen_names: set[str] = set()
    seen_values: dict[str, set[str]] = {}
    max_count: dict[str, int] = {}
    for t in targets:
        out = subprocess.run(
            [rustc, "--print", "cfg", "--target", t],
            check=True, capture_output=True, text=True, timeout=60,
        ).stdout
        names, pairs = parse_cfg_lines(out)
        seen_names.update(names)
        counts: dict[str, int] = {}
        for k, v in pairs:
            seen_values.setdefault(k, set()).add(v)
            counts[k] = counts.get(k, 0) + 1
        for k, n in counts.items():
            max_count[k] = max(max_count.get(k, 0), n)
        if t in CURATED:
            curated[t] = (tuple(names), tuple(pairs))
    missing = [t for t in CURATED if t not in curated]
    if missing:
        print(f"warning: not built-in targets of this rustc: {missing}", file=sys.stderr)

    env = dict(os.environ, RUSTC_BOOTSTRAP="1")
    try:
        check = run([rustc, "-Zunstable-options", "--print", "check-cfg",
                     "--check-cfg", "cfg()"], env=env)
        wk_names, wk_values = parse_check_cfg(check)
    except (subprocess.CalledProcessError, OSError) as e:
        print(f"warning: --print check-cfg failed ({e}); using --print cfg only",
              file=sys.stderr)
        wk_names, wk_values = set(), {}

    known_values: dict[str, set[str]] = {}
    for src in (seen_values, wk_values):
        for k, vs in src.items():
            known_values.setdefault(k, set()).update(vs)

    ranges = alnum_ranges(rustc)

    def frozen_dict(d: dict[str, set[str]]) -> dict[str, tuple[str, ...]]:
        return {k: tuple(sorted(v)) for k, v in sorted(d.items())}

    body = [
        '"""Generated by scripts/gen_cfg_targets.py -- do not edit by hand.',
        "",
        f"Source: {version}.  Regenerate with a newer rustc:",
        "    python scripts/gen_cfg_targets.py --rustc rustc",
        '"""',
        "",
        "# fmt: off",
        f"RUSTC_VERSION = {version!r}",
        "",
        "# `rustc --print target-list`",
        f"ALL_TARGETS = {pprint.pformat(tuple(targets), width=100, compact=True)}",
        "",
        "# `rustc --print cfg --target T` for common targets: (names, key/value pairs)",
        f"TARGET_CFGS = {pprint.pformat(dict(sorted(curated.items())), width=100, compact=True)}",
        "",
        "# Bare names printed by `rustc --print cfg` for at least one built-in target",
        f"PRINTED_NAMES = {pprint.pformat(tuple(sorted(seen_names)), width=100, compact=True)}",
        "",
        "# Keys printed by `--print cfg` with the largest number of values any one",
        "# target has (1 means single-valued on every built-in target)",
        f"MAX_VALUES_PER_TARGET = {pprint.pformat(dict(sorted(max_count.items())), width=100)}",
        "",
        "# rustc's well-known bare names (`--print check-cfg`, values(none()))",
        f"WELL_KNOWN_NAMES = {pprint.pformat(tuple(sorted(wk_names)), width=100, compact=True)}",
        "",
        "# Well-known keys -> every value rustc knows (check-cfg) or prints for some target",
        f"KNOWN_VALUES = {pprint.pformat(frozen_dict(known_values), width=100, compact=True)}",
        "",
        "# Half-open code point ranges where Rust's `char::is_alphanumeric` is true",
        f"RUST_ALNUM_RANGES = {pprint.pformat(tuple(ranges), width=100, compact=True)}",
        "",
    ]
    Path(args.output).write_text("\n".join(body))
    print(f"wrote {args.output} ({len(targets)} targets, {len(curated)} curated)")


if __name__ == "__main__":
    main()
