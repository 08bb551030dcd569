"""The command line: output formats, exit codes, `cargo lens` spelling, bad usage."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "cargo-15023"


def run(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    env = dict(os.environ, NO_COLOR="1")
    return subprocess.run([sys.executable, "-m", "cargo_lens", *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=120)


def test_check_example_human_output_reads_like_rustc():
    proc = run("check", str(EXAMPLE))
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "warning[CL301]: `dep` joins the workspace only through `[target.'cfg(any())'.dependencies]`" in out
    assert "crates/entry/Cargo.toml:7:1" in out
    assert "7 | dep = { path = \"../dep\" }" in out
    assert "checked 3 manifests: 0 errors, 1 warning" in out


def test_check_json_shape():
    proc = run("check", str(EXAMPLE), "--format", "json")
    assert proc.returncode == 0
    (d,) = json.loads(proc.stdout)
    assert d["file"] == str(EXAMPLE / "crates/entry/Cargo.toml")
    assert d["range"] == {"start": {"line": 6, "character": 0}, "end": {"line": 6, "character": 3}}
    assert (d["severity"], d["code"]) == ("warning", "CL301")


def test_json_ranges_count_utf16_units(tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "src/lib.rs").write_text("")
    (tmp_path / "Cargo.toml").write_text('[package]\nname = "a"\nversion = "0.1.0"\ndescription = "😀é" ; x = 1\n')
    proc = run("check", str(tmp_path), "--format", "json")
    assert proc.returncode == 1
    (d,) = json.loads(proc.stdout)
    assert d["code"] == "CL001"
    # `description = "😀é" ` is 15 + 2 (astral: two UTF-16 units) + 1 + 2 = 20 units before `;`
    assert d["range"]["start"] == {"line": 3, "character": 20}


def test_errors_exit_1_and_cargo_lens_spelling(tmp_path):
    (tmp_path / "Cargo.toml").write_text('[workspace]\nmembers = ["missing"]\n')
    proc = run("lens", "check", str(tmp_path))
    assert proc.returncode == 1
    assert "error[CL201]" in proc.stdout


@pytest.mark.parametrize("args", [("check", "/no/such/dir"), ("frobnicate",), ("check", "--format", "xml"), ("workspaces",)])
def test_bad_usage_exits_2_without_traceback(args):
    proc = run(*args)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr


def test_workspaces_json_matches_expected_shape():
    proc = run("workspaces", str(EXAMPLE), "--json")
    assert proc.returncode == 0
    v = json.loads(proc.stdout)
    assert v["roots"]["Cargo.toml"]["members"] == ["crates/dep/Cargo.toml", "crates/entry/Cargo.toml"]
    assert v["packages"]["crates/dep/Cargo.toml"] == {"root": "Cargo.toml", "error": None, "error_cause": None}


def test_explain_gives_the_chain_and_the_build():
    proc = run("explain", str(EXAMPLE / "crates/dep"))
    assert proc.returncode == 0
    assert "path dependency `dep` of `entry` (crates/entry/Cargo.toml:7) under `[target.'cfg(any())'.dependencies]`" in proc.stdout
    assert "listed as `crates/entry` in `workspace.members`" in proc.stdout
    assert "this package is built by it." in proc.stdout


def test_explain_not_a_member(tmp_path):
    (tmp_path / "Cargo.toml").write_text('[workspace]\nmembers = []\nexclude = ["x"]\n')
    (tmp_path / "x/src").mkdir(parents=True)
    (tmp_path / "x/src/lib.rs").write_text("")
    (tmp_path / "x/Cargo.toml").write_text('[package]\nname = "x"\nversion = "0.1.0"\n')
    proc = run("explain", str(tmp_path / "x"))
    assert "not in any workspace" in proc.stdout
    assert 'kept out by `exclude = ["x"]`' in proc.stdout


def test_metadata_matches_cargo_shape_on_the_example():
    proc = run("metadata", str(EXAMPLE))
    assert proc.returncode == 0, proc.stderr
    v = json.loads(proc.stdout)
    assert v["workspace_root"] == str(EXAMPLE)
    assert v["members"] == [str(EXAMPLE / "crates/dep/Cargo.toml"), str(EXAMPLE / "crates/entry/Cargo.toml")]
    assert v["default_members"] == v["members"]


def test_metadata_reports_cargos_error(tmp_path):
    (tmp_path / "Cargo.toml").write_text('[workspace]\nmembers = ["missing"]\n')
    proc = run("metadata", str(tmp_path))
    assert proc.returncode == 1
    v = json.loads(proc.stdout)
    assert v["error"] == f"failed to load manifest for workspace member `{tmp_path}/missing`"
    assert v["error_cause"] == "No such file or directory (os error 2)"
