"""Record which corpus manifests cargo warns about with "unused manifest key".

    python scripts/record_unused_keys.py            # rewrite tests/engine/data/corpus_unused_keys.json
    python scripts/record_unused_keys.py --jobs 8   # parallel cargo runs (default: CPU count)

The schema's false-positive test (tests/engine/test_schema.py) compares our unknown-key
findings with this record, so CI does not run cargo 1,394 times.

Which command: `cargo metadata` never prints manifest warnings (it never calls
`Workspace::emit_warnings`), nor do `verify-project`, `read-manifest`, `locate-project` or
`package --list`. `cargo fetch` calls `emit_warnings` before it resolves anything, so
`cargo fetch --offline` prints every loaded manifest's warnings and then fails to resolve (the
CARGO_HOME is empty, so there is no registry index): it never builds or downloads anything. In a
workspace each warning is prefixed with the manifest's path; a package outside any workspace gets
no prefix (the warning is its own).

How it runs, like the corpus was made: each corpus entry is copied to a temporary directory with
no Cargo.toml above it; cargo runs with a clean environment and an empty CARGO_HOME (the
oracle's, tests/cargo_oracle.py), once per distinct workspace root (and once per standalone
package) that `expected.json` says cargo loads without error, with the working directory at that
manifest.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import cargo_oracle  # noqa: E402

OUT = ROOT / "tests" / "engine" / "data" / "corpus_unused_keys.json"
COMMAND = "cargo fetch --offline --manifest-path <root manifest> (cwd = its directory)"
TIMEOUT = 120.0

# `warning: [<manifest>: ]unused manifest key: <key>`, or, for lint tables,
# "unused manifest key: `lints.<tool>.<lint>.<key>`", and for `[lints.cargo]` on stable
# "unused manifest key `lints.cargo` (may be supported in a future version)".
_WARNING = re.compile(r"^warning: (?:(?P<path>/.*?Cargo\.toml): )?unused manifest key(?::)? (?P<key>.*)$")


def parse_key(text: str) -> str:
    text = text.strip()
    if text.startswith("`"):
        end = text.find("`", 1)
        return text[1:end] if end > 0 else text.strip("`")
    return text


def runs_of(expected: dict) -> list[str]:
    """The manifests to run cargo on: every root, and every package's root, cargo accepts."""
    runs = {m for m, v in expected["roots"].items() if v.get("error") is None}
    runs |= {v["root"] for v in expected["packages"].values() if v.get("error") is None and v.get("root")}
    return sorted(runs)


def loaded_manifests(expected: dict) -> list[str]:
    """Every manifest cargo loads without error (a root, a member or a standalone package)."""
    out = {m for m, v in expected["roots"].items() if v.get("error") is None}
    out |= {m for m, v in expected["packages"].items() if v.get("error") is None}
    return sorted(out)


def cargo_env(cargo: str) -> dict[str, str]:
    """The oracle's clean environment, with RUSTC set to the rustc beside ``cargo``: a
    `rust-toolchain` file in a corpus entry may name a toolchain that is not installed, and
    the rustup proxy would then fail (after the warnings, but it muddies the record)."""
    env = cargo_oracle.clean_env()
    rustc = os.path.join(os.path.dirname(cargo), "rustc")
    if os.path.isfile(rustc) and not os.path.basename(os.path.realpath(rustc)).startswith("rustup"):
        env["RUSTC"] = rustc
    return env


def run_one(cargo: str, root: str, manifest: str) -> tuple[str, dict[str, list[str]], str | None]:
    """Run cargo on one manifest: (manifest, {owner manifest: [unused keys]}, first error)."""
    mpath = os.path.join(root, manifest)
    argv = [cargo, "fetch", "--offline", "--manifest-path", mpath]
    proc = subprocess.run(argv, cwd=os.path.dirname(mpath), capture_output=True,
                          env=cargo_env(cargo), timeout=TIMEOUT)
    stderr = proc.stderr.decode("utf-8", errors="replace")
    found: dict[str, list[str]] = {}
    for line in stderr.splitlines():
        m = _WARNING.match(line)
        if not m:
            continue
        owner = cargo_oracle.relpath(m.group("path"), root) if m.group("path") else manifest
        found.setdefault(owner, []).append(parse_key(m.group("key")))
    first_error = cargo_oracle.first_error_line(cargo_oracle.substitute_root(stderr, root))
    return manifest, found, first_error


def record(corpus: Path, jobs: int) -> dict:
    cargo = cargo_oracle.find_cargo()
    if not cargo:
        raise SystemExit("cargo is not installed")
    result: dict[str, list[str]] = {}
    checked = 0
    runs_total = 0
    unexpected_errors: list[str] = []
    with tempfile.TemporaryDirectory(prefix="cargo-lens-unused-keys-") as tmp:
        for entry in sorted(p for p in corpus.iterdir() if (p / "expected.json").is_file()):
            expected = json.loads((entry / "expected.json").read_text(encoding="utf-8"))
            copy = os.path.join(tmp, entry.name)
            shutil.copytree(entry, copy, symlinks=True)
            cargo_oracle.assert_no_manifest_above(copy)
            checked += len(loaded_manifests(expected))
            runs = runs_of(expected)
            runs_total += len(runs)
            with ThreadPoolExecutor(max_workers=jobs) as pool:
                outcomes = list(pool.map(lambda m: run_one(cargo, copy, m), runs))
            for manifest, found, error in outcomes:
                for owner, keys in found.items():
                    bucket = result.setdefault(f"{entry.name}/{owner}", [])
                    bucket.extend(k for k in keys if k not in bucket)
                # Offline without an index, resolution must fail; anything else is worth a look.
                if error is not None and not any(s in error for s in (
                        "no matching package", "failed to load source", "offline", "failed to get",
                        "failed to select a version", "Unable to update")):
                    unexpected_errors.append(f"{entry.name}/{manifest}: {error}")
            shutil.rmtree(copy, ignore_errors=True)
    return {
        "generated_by": "scripts/record_unused_keys.py",
        "cargo_version": cargo_oracle.cargo_version(cargo),
        "command": COMMAND,
        "runs": runs_total,
        "manifests_loaded": checked,
        "unexpected_errors": sorted(unexpected_errors),
        "unused_keys": {k: sorted(v) for k, v in sorted(result.items())},
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 4)
    ap.add_argument("--corpus", type=Path, default=cargo_oracle.SHARED_DIR / "corpus")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    data = record(args.corpus, args.jobs)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{data['runs']} cargo runs, {data['manifests_loaded']} manifests loaded, "
          f"{len(data['unused_keys'])} with unused keys, {len(data['unexpected_errors'])} unexpected errors -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
