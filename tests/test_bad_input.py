"""Bad input through the CLI: a clear message in bounded time, never a traceback or a hang."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

PKG = '[package]\nname = "{name}"\nversion = "0.1.0"\nedition = "2021"\n'


def run(*args: str, timeout: float = 60) -> tuple[subprocess.CompletedProcess, float]:
    env = dict(os.environ, NO_COLOR="1")
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "cargo_lens", *args], capture_output=True, text=True, env=env, timeout=timeout)
    return proc, time.perf_counter() - start


def check_json(path: Path, timeout: float = 60):
    proc, took = run("check", str(path), "--format", "json", timeout=timeout)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(proc.stdout), took


def write(root: Path, rel: str, content: str | bytes) -> Path:
    p = root / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        p.write_bytes(content)
    else:
        p.write_text(content)
    return p


def test_invalid_utf8_is_reported_as_unreadable(tmp_path):
    write(tmp_path, "Cargo.toml", b'[package]\nname = "a\xff"\n')
    (d,) = check_json(tmp_path)[0]
    assert d["code"] == "CL002" and "stream did not contain valid UTF-8" in d["message"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode, so no permission error can be made")
def test_unreadable_file(tmp_path):
    p = write(tmp_path, "Cargo.toml", PKG.format(name="a"))
    p.chmod(0)
    (d,) = check_json(tmp_path)[0]
    assert d["code"] == "CL002" and "Permission denied" in d["message"]


def test_unreadable_member_directory_is_reported_on_the_members_entry(tmp_path):
    write(tmp_path, "Cargo.toml", '[workspace]\nmembers = ["a"]\n')
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "Cargo.toml").mkdir()  # a directory where the manifest should be
    diags, _ = check_json(tmp_path)
    assert [d["code"] for d in diags] == ["CL201"]
    assert "Is a directory" in diags[0]["message"]


def test_ten_megabyte_manifest_in_bounded_time(tmp_path):
    lines = [PKG.format(name="big"), "[dependencies]"]
    lines += [f'dep{i} = {{ version = "1.{i}", features = ["a", "b"] }}' for i in range(180_000)]
    text = "\n".join(lines) + "\n"
    assert len(text) > 10_000_000
    write(tmp_path, "Cargo.toml", text)
    write(tmp_path, "src/lib.rs", "")
    diags, took = check_json(tmp_path, timeout=120)
    assert diags == []
    assert took < 60


def test_symlink_loop_under_a_double_star_glob(tmp_path):
    write(tmp_path, "Cargo.toml", '[workspace]\nmembers = ["crates/**"]\n')
    write(tmp_path, "crates/a/Cargo.toml", PKG.format(name="a"))
    write(tmp_path, "crates/a/src/lib.rs", "")
    os.symlink("..", tmp_path / "crates/a/loop")
    diags, took = check_json(tmp_path)
    assert diags and all(d["severity"] == "error" for d in diags)
    assert took < 30


def test_members_double_star_over_a_deep_tree(tmp_path):
    write(tmp_path, "Cargo.toml", '[workspace]\nmembers = ["**"]\n')
    deep = tmp_path
    for i in range(60):
        deep = deep / f"d{i}"
    deep.mkdir(parents=True)
    for i in range(2000):
        (tmp_path / f"wide{i}").mkdir()
    diags, took = check_json(tmp_path)
    assert [d["code"] for d in diags] == ["CL201"]  # the first directory without a manifest
    assert took < 30


def test_path_dependency_cycle(tmp_path):
    write(tmp_path, "Cargo.toml", '[workspace]\nmembers = ["a"]\n')
    write(tmp_path, "a/Cargo.toml", PKG.format(name="a") + '\n[dependencies]\nb = { path = "../b" }\n')
    write(tmp_path, "b/Cargo.toml", PKG.format(name="b") + '\n[dependencies]\na = { path = "../a" }\n')
    write(tmp_path, "a/src/lib.rs", "")
    write(tmp_path, "b/src/lib.rs", "")
    proc, took = run("workspaces", str(tmp_path), "--json")
    v = json.loads(proc.stdout)
    assert v["roots"]["Cargo.toml"]["members"] == ["a/Cargo.toml", "b/Cargo.toml"]
    assert took < 30


def test_long_path_dependency_chain_does_not_overflow(tmp_path):
    n = 3000
    write(tmp_path, "Cargo.toml", '[workspace]\nmembers = ["p0"]\n')
    for i in range(n):
        dep = f'\n[dependencies]\np{i + 1} = {{ path = "../p{i + 1}" }}\n' if i + 1 < n else ""
        write(tmp_path, f"p{i}/Cargo.toml", PKG.format(name=f"p{i}") + dep)
        write(tmp_path, f"p{i}/src/lib.rs", "")
    proc, took = run("workspaces", str(tmp_path), "--json", timeout=300)
    assert "Traceback" not in proc.stderr
    v = json.loads(proc.stdout)
    assert len(v["roots"]["Cargo.toml"]["members"]) == n


@pytest.mark.parametrize("pattern", ["crates/[b", "crates/***", "crates/a**"])
def test_malformed_glob(tmp_path, pattern):
    write(tmp_path, "Cargo.toml", f'[workspace]\nmembers = ["{pattern}"]\n')
    (d,) = check_json(tmp_path)[0]
    assert d["code"] == "CL202"
    assert d["message"].startswith("could not parse pattern")


def test_deeply_nested_inline_tables(tmp_path):
    depth = 100_000
    write(tmp_path, "Cargo.toml", PKG.format(name="a") + "x = " + "{ a = " * depth + "1" + " }" * depth + "\n")
    diags, took = check_json(tmp_path)
    assert [d["code"] for d in diags] == ["CL001"]
    assert diags[0]["message"] == "cannot recurse further; max recursion depth met"  # toml_edit's words
    assert took < 30


def test_empty_and_binary_manifests(tmp_path):
    write(tmp_path, "empty/Cargo.toml", "")
    write(tmp_path, "nul/Cargo.toml", "\x00\x01\x02")
    diags, _ = check_json(tmp_path)
    by_file = {Path(d["file"]).parent.name: d for d in diags}
    assert "manifest is missing either a `[package]` or a `[workspace]`" in by_file["empty"]["message"]
    assert by_file["nul"]["code"] == "CL001"
