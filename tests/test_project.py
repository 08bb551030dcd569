"""Project-level invariants: the engine stays free of LSP libraries, the README stays true."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _imported_modules(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys; print('\\n'.join(sys.modules))"],
        capture_output=True, text=True, check=True, cwd=REPO,
    )
    return set(out.stdout.split())


def test_engine_and_cli_import_no_lsp_library():
    mods = _imported_modules("import cargo_lens.engine.analysis, cargo_lens.engine.verdict, cargo_lens.engine.explain, cargo_lens.cli")
    leaked = {m for m in mods if m.split(".")[0] in ("pygls", "lsprotocol", "cattrs", "tomlkit")}
    assert not leaked, f"the CLI/engine path imports {sorted(leaked)}"


def test_readme_rules_table_is_current():
    proc = subprocess.run([sys.executable, "scripts/gen_rules_table.py", "--check"], cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_readme_opens_with_the_two_commands_ci_runs():
    readme = (REPO / "README.md").read_text()
    ci = (REPO / ".ci/run").read_text()
    blocks = readme.split("```sh\n")
    setup, tests = blocks[1].split("\n```")[0], blocks[2].split("\n```")[0]
    assert "cargo-lens check examples/cargo-15023" in setup
    assert tests in ci, ".ci/run must run exactly the README's test command"
