"""What a plain `cargo check` builds (spec §4), against the `cargo_check` runs recorded in
edge-cases.json (x86_64 Linux host, like the recording machine)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import cargo_oracle
import pytest

from cargo_lens.engine import cfg
from cargo_lens.engine.fs import FileSystem
from cargo_lens.engine.membership import check_selection
from cargo_lens.engine.workspace import Context, analyze

SPEC = cargo_oracle.SHARED_DIR / "spec" / "edge-cases.json"
# Only runs that succeeded: build failures (a missing lib path, ...) are not predicted here.
CASES = [c for c in json.loads(SPEC.read_text()) if (c.get("cargo_check") or {}).get("exit") == 0]
HOST = cfg.BUILTIN_TARGETS["x86_64-unknown-linux-gnu"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_plain_cargo_check_builds_what_cargo_built(case, tmp_path):
    for rel, content in case["files"].items():
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(content)
    start = tmp_path / case["run_in"]
    while not (start / "Cargo.toml").exists():
        start = start.parent
    ctx = Context(FileSystem(boundary=str(tmp_path)), env={})
    res = analyze(ctx, str(start / "Cargo.toml"))
    assert res.error is None
    built = check_selection(res, HOST)
    got = sorted(os.path.relpath(os.path.dirname(m), tmp_path) for m in built)
    assert got == sorted(case["cargo_check"]["compiled_packages"])
