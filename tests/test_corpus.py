"""The public corpus (/work/shared/corpus): 24 real repositories reduced to skeletons, each with
cargo 1.95's verdict for every manifest in ``expected.json`` (schema: the corpus README).

* ``test_engine_matches_corpus``: ``workspaces_verdict(<entry dir>)``, read in place (the engine
  is read-only and treats the entry dir as the file-system boundary), must equal expected.json
  on ``workspace_root``, ``members``, ``default_members``, ``error``, ``error_cause`` (roots) and
  ``root``, ``error``, ``error_cause`` (packages).
* ``test_local_cargo_agrees_with_corpus`` (``cargo``, ``slow``): one small entry copied to a temp
  dir with no Cargo.toml above it; the local cargo must still give expected.json's verdict.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import cargo_oracle as co

CORPUS_DIR = co.SHARED_DIR / "corpus"
ENTRIES = sorted(p.name for p in CORPUS_DIR.iterdir() if (p / "expected.json").is_file())
CARGO_CHECKED_ENTRY = "tokio-rs__tokio"


def load_expected(entry: str) -> dict:
    return json.loads((CORPUS_DIR / entry / "expected.json").read_text(encoding="utf-8"))


def notes_for(expected: dict) -> dict[str, str]:
    return {m: "  [Python's TOML parsers reject this manifest; cargo's verdict stands]"
            for m in expected.get("unparsed_by_python") or []}


def test_corpus_is_present_and_consistent():
    assert len(ENTRIES) == 24, ENTRIES
    for entry in ENTRIES:
        exp = load_expected(entry)
        assert exp["schema_version"] == 1, entry
        # Our manifest discovery agrees with the corpus's list (so cargo-vs-engine comparisons on
        # generated layouts use the same notion of "every Cargo.toml").
        assert co.find_manifests(CORPUS_DIR / entry) == sorted(exp["manifests"]), entry
        assert set(exp["roots"]) | set(exp["packages"]) == set(exp["manifests"]), entry
        for m, v in exp["packages"].items():
            assert (v["root"] is None) != (v["error"] is None), (entry, m)


@pytest.mark.parametrize("entry", ENTRIES)
def test_engine_matches_corpus(entry, verdict_api):
    expected = load_expected(entry)
    got = verdict_api.workspaces_verdict(str(CORPUS_DIR / entry))
    diff = co.diff_workspaces(expected, got, notes=notes_for(expected))
    if diff:
        n_roots, n_pkgs = len(expected["roots"]), len(expected["packages"])
        pytest.fail(
            f"{entry} ({expected['repo']} @ {expected['commit'][:12]}): {len(diff)} difference(s) "
            f"from cargo over {n_roots} root(s) and {n_pkgs} package manifest(s) "
            f"(expected = cargo, read from {CORPUS_DIR / entry / 'expected.json'}):\n"
            f"{co.format_diff(diff)}",
            pytrace=False,
        )


@pytest.mark.cargo
@pytest.mark.slow
def test_local_cargo_agrees_with_corpus(tmp_path, cargo_bin):
    entry = CARGO_CHECKED_ENTRY
    expected = load_expected(entry)
    dest = tmp_path / entry
    shutil.copytree(CORPUS_DIR / entry, dest, symlinks=True,
                    ignore=shutil.ignore_patterns("expected.json"))
    # The copy keeps the corpus's read-only modes; make it ours so tmp_path can be cleaned up.
    for p in [dest, *dest.rglob("*")]:
        if not p.is_symlink():
            p.chmod(p.stat().st_mode | 0o200)
    co.assert_no_manifest_above(dest)
    classify = {m: (m in expected["roots"], m in expected["packages"]) for m in expected["manifests"]}
    got = co.cargo_workspaces_verdict(dest, expected["manifests"], cargo=cargo_bin, classify=classify)
    diff = co.diff_workspaces(expected, got)
    if diff:
        pytest.fail(
            f"local cargo ({co.cargo_version(cargo_bin)}) disagrees with {entry}/expected.json "
            f"({expected['cargo_version']}):\n{co.format_diff(diff)}",
            pytrace=False,
        )
