"""The 40 edge cases of /work/shared/spec/edge-cases.json (spec sections 8 and 10.5).

* ``test_engine_matches_cargo``: the engine's ``manifest_verdict`` for the manifest cargo acts on
  in ``run_in`` must equal cargo 1.95's recorded verdict.
* ``test_local_cargo_agrees_with_spec`` (``cargo``): the local cargo still gives the recorded
  verdict (and the same error text), so the spec stays honest.

Conversions from the case schema (spec section 8) to the verdict shape: ``cargo_says`` lists
member *directories* ("." = the case dir) -> manifest paths, re-sorted; ``error`` keeps the
``error: `` prefix -> stripped; ``error_cause`` is not recorded -> taken from ``cargo_stderr`` (the
first line of the innermost ``Caused by:`` block); on error both member lists are empty.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import cargo_oracle as co

EDGE_CASES_PATH = co.SHARED_DIR / "spec" / "edge-cases.json"
CASES = json.loads(EDGE_CASES_PATH.read_text(encoding="utf-8"))
IDS = [c["name"] for c in CASES]
VERDICT_FIELDS = co.ROOT_FIELDS


def expected_verdict(case: dict) -> dict:
    says = case["cargo_says"]
    err = says["error"]
    if err is not None:
        assert err.startswith("error: "), err
        err = err[len("error: "):]
    stderr = case.get("cargo_stderr")
    return {
        "workspace_root": says["workspace_root"],
        "members": sorted(co.manifest_of(d) for d in says["workspace_members"] or []),
        "default_members": sorted(co.manifest_of(d) for d in says["default_members"] or []),
        "error": err,
        "error_cause": co.innermost_cause(stderr) if stderr else None,
    }


def failure_report(case: dict, manifest: str, expected: dict, got, diff: list[str]) -> str:
    return (
        f"edge case {case['name']!r} (run in {case['run_in']!r}, current manifest {manifest}):\n"
        f"{case['description']}\n\ndifferences (expected = cargo):\n{co.format_diff(diff)}\n\n"
        f"expected: {json.dumps(expected, indent=1)}\ngot:      {json.dumps(got, indent=1, default=repr)}\n\n"
        f"cargo's stderr:\n{case.get('cargo_stderr') or '(none)'}\n\nfiles:\n{co.format_files(case['files'])}"
    )


def test_edge_case_file_is_as_documented():
    assert len(CASES) == 40
    assert len(set(IDS)) == len(IDS)
    for case in CASES:
        assert set(case["cargo_says"]) >= {"exit", "workspace_members", "workspace_root",
                                           "default_members", "error"}, case["name"]
        assert (case["cargo_says"]["error"] is None) == (case["cargo_says"]["exit"] == 0), case["name"]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_engine_matches_cargo(case, tmp_path, verdict_api):
    root = co.materialize(case["files"], tmp_path / "case")
    manifest = co.current_manifest(root, case["run_in"])
    expected = expected_verdict(case)
    got = verdict_api.manifest_verdict(str(root), manifest)
    if not isinstance(got, dict):
        pytest.fail(f"manifest_verdict returned {type(got).__name__}: {got!r}")
    diff = co.diff_fields("verdict", expected, got, VERDICT_FIELDS)
    if diff:
        pytest.fail(failure_report(case, manifest, expected, got, diff), pytrace=False)


@pytest.mark.cargo
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_local_cargo_agrees_with_spec(case, tmp_path, cargo_bin):
    root = co.materialize(case["files"], tmp_path / "case")
    co.assert_no_manifest_above(root)
    # Exactly as recorded: `cargo metadata` in run_in, no --manifest-path.
    run = co.run_cargo_raw(None, root / case["run_in"], cargo=cargo_bin)
    got = co.normalize_run(run, str(root))
    expected = expected_verdict(case)
    stderr = co.substitute_root(run.stderr, str(root)).strip()
    problems = co.diff_fields("cargo", expected, got, VERDICT_FIELDS)
    if (run.returncode == 0) != (case["cargo_says"]["exit"] == 0):
        problems.append(f"exit: recorded {case['cargo_says']['exit']}, now {run.returncode}")
    if case.get("cargo_stderr") is not None and stderr != case["cargo_stderr"].strip():
        problems.append("stderr text differs")
    if problems:
        pytest.fail(
            f"local cargo ({co.cargo_version(cargo_bin)}) disagrees with the recorded verdict of "
            f"{case['name']!r} ({case['cargo_version']}):\n{co.format_diff(problems)}\n\n"
            f"recorded stderr:\n{case.get('cargo_stderr')}\n\nlocal stderr:\n{stderr}",
            pytrace=False,
        )
