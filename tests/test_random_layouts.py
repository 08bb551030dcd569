"""Property test: on random Cargo workspace layouts the engine must agree with the local cargo.

For each seed, ``layout_gen.generate(seed)`` builds a layout (3-10 manifests, see layout_gen.py
for what it covers); it is written to a temp dir, cargo is run once per manifest exactly as the
corpus was built (``cargo metadata --no-deps --offline --format-version 1 --manifest-path M``,
cwd = M's dir, 60 s timeout, clean environment, 2 calls at a time), the answers are assembled
into the ``{"roots", "packages"}`` shape of the corpus ``expected.json``, and
``workspaces_verdict(<layout dir>)`` must equal it.

Environment:

* ``CARGO_LENS_LAYOUTS=<n>``: number of layouts (default 200; with ``CI=true`` never fewer than 200);
* ``CARGO_LENS_SEED_BASE=<n>``: first seed (default 0), to explore new layouts;
* ``CARGO_LENS_SEED=<n>``: run only that seed (reproduce a failure);
* ``CARGO_LENS_KEEP_FAILURES=<dir>``: write each failing layout to ``<dir>/seed-<n>/`` (the layout
  in its own subdir, plus cargo.json, engine.json, diff.txt). Pick a dir with no Cargo.toml above it
  if you want to rerun cargo there.

``python tests/layout_gen.py <seed> [dest]`` prints (and writes) one layout.
"""

from __future__ import annotations

import json
import os
import shutil
import traceback
import warnings
from pathlib import Path

import pytest

import cargo_oracle as co
import layout_gen

DEFAULT_LAYOUTS = 200
CI_MIN_LAYOUTS = 200


def _truthy(v: str | None) -> bool:
    return (v or "").strip().lower() in ("1", "true", "yes", "on")


def layout_seeds() -> list[int]:
    one = os.environ.get("CARGO_LENS_SEED")
    if one not in (None, ""):
        return [int(one)]
    count = int(os.environ.get("CARGO_LENS_LAYOUTS") or DEFAULT_LAYOUTS)
    if _truthy(os.environ.get("CI")):
        count = max(count, CI_MIN_LAYOUTS)
    base = int(os.environ.get("CARGO_LENS_SEED_BASE") or 0)
    return list(range(base, base + count))


SEEDS = layout_seeds()


def keep_failure(seed: int, layout: layout_gen.Layout, expected, got, report: str) -> str | None:
    keep = os.environ.get("CARGO_LENS_KEEP_FAILURES")
    if not keep:
        return None
    dest = Path(keep) / f"seed-{seed}"
    if dest.exists():
        shutil.rmtree(dest)
    co.materialize(layout.files, dest / layout.root_name)
    (dest / "cargo.json").write_text(json.dumps(expected, indent=1, sort_keys=True) + "\n")
    (dest / "engine.json").write_text(json.dumps(got, indent=1, sort_keys=True, default=repr) + "\n")
    (dest / "diff.txt").write_text(report + "\n")
    return str(dest)


def report_for(seed: int, layout: layout_gen.Layout, root: Path, problem: str) -> str:
    return (
        f"random layout seed={seed} disagrees with cargo ({co.cargo_version()}).\n"
        f"reproduce: CARGO_LENS_SEED={seed} .venv/bin/python -m pytest tests/test_random_layouts.py"
        f"   (print it: .venv/bin/python tests/layout_gen.py {seed} [dest])\n"
        f"layout dir: {root}\n\n"
        f"{problem}\n\n"
        f"what the generator did on purpose:\n{layout.describe()}\n\n"
        f"files:\n{co.format_files(layout.files)}"
    )


def test_generator_is_deterministic_and_valid():
    """Cheap sanity check of the generator itself (no cargo needed)."""
    for seed in SEEDS[:300]:
        a, b = layout_gen.generate(seed), layout_gen.generate(seed)
        assert a.files == b.files and a.root_name == b.root_name, seed
        manifests = [p for p in a.files if p == "Cargo.toml" or p.endswith("/Cargo.toml")]
        assert 3 <= len(manifests) <= 10, (seed, manifests)
        for m in manifests:
            if m in a.broken:
                assert not co.classify_manifest(a.files[m])[0], (seed, m)
            elif a.files[m].strip() and not a.files[m].lstrip().startswith("#"):
                parsed, has_ws, has_pkg = co.classify_manifest(a.files[m])
                assert parsed and (has_ws or has_pkg), (seed, m, a.files[m])


@pytest.mark.cargo
@pytest.mark.slow
@pytest.mark.parametrize("seed", SEEDS, ids=[f"seed={s}" for s in SEEDS])
def test_random_layout_matches_cargo(seed, tmp_path, cargo_bin, verdict_api):
    layout = layout_gen.generate(seed)
    root = co.materialize(layout.files, tmp_path / layout.root_name)
    co.assert_no_manifest_above(root)
    expected = co.cargo_workspaces_verdict(root, jobs=2, cargo=cargo_bin)
    crashed = sorted(m for sec in ("roots", "packages") for m, v in expected[sec].items()
                     if co.cargo_crashed(v))
    if crashed:
        warnings.warn(f"seed={seed}: cargo crashed on {', '.join(sorted(set(crashed)))}; "
                      "only checking that the engine reports an error there")
    try:
        got = verdict_api.workspaces_verdict(str(root))
    except Exception:
        problem = f"workspaces_verdict raised:\n{traceback.format_exc()}"
        report = report_for(seed, layout, root, problem)
        kept = keep_failure(seed, layout, expected, None, report)
        pytest.fail(report + (f"\n\nkept in {kept}" if kept else ""), pytrace=False)
    diff = co.diff_workspaces(expected, got)
    if diff:
        problem = f"{len(diff)} difference(s) (expected = cargo):\n{co.format_diff(diff)}"
        report = report_for(seed, layout, root, problem)
        kept = keep_failure(seed, layout, expected, got, report)
        pytest.fail(report + (f"\n\nkept in {kept}" if kept else ""), pytrace=False)
