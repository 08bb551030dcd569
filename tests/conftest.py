"""Shared fixtures for the cargo-lens tests.

* ``tests/`` and ``server/`` are put on ``sys.path`` here (pyproject.toml has no ``pythonpath``
  setting yet), so test modules can ``import cargo_oracle`` and ``import cargo_lens``.
* Tests marked ``@pytest.mark.cargo`` are skipped, with the reason printed, when there is no
  ``cargo`` on PATH; they are never passed silently.
* ``verdict_api`` imports the engine lazily, so the cargo-only tests of a module still run (and
  the engine tests fail with a clear message) while ``cargo_lens.engine.verdict`` does not exist.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

TESTS_DIR = Path(__file__).resolve().parent
REPO_DIR = TESTS_DIR.parent
SERVER_DIR = REPO_DIR / "server"

# importlib import mode (pyproject) lets test files in different folders share a name; the
# helper modules they import are found through these paths.
for _p in (TESTS_DIR, TESTS_DIR / "lsp", SERVER_DIR):
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

import cargo_oracle  # noqa: E402

SHARED_DIR = cargo_oracle.SHARED_DIR
SPEC_DIR = SHARED_DIR / "spec"
CORPUS_DIR = SHARED_DIR / "corpus"

NO_CARGO_REASON = "cargo is not installed (shutil.which('cargo') found nothing): cannot ask the oracle"


def pytest_report_header(config):
    cargo = cargo_oracle.find_cargo()
    if not cargo:
        return [f"cargo oracle: none ({NO_CARGO_REASON}); @pytest.mark.cargo tests will be skipped"]
    return [f"cargo oracle: {cargo} ({cargo_oracle.cargo_version(cargo)}); "
            f"the spec and corpus were recorded with {cargo_oracle.RECORDED_CARGO_VERSION}"]


def pytest_collection_modifyitems(config, items):
    if cargo_oracle.find_cargo():
        return
    skip = pytest.mark.skip(reason=NO_CARGO_REASON)
    for item in items:
        if "cargo" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def cargo_bin() -> str:
    """Path of the cargo binary used as the oracle (skips the test, with a reason, without one)."""
    cargo = cargo_oracle.find_cargo()
    if not cargo:
        pytest.skip(NO_CARGO_REASON)
    return cargo


@pytest.fixture
def materialize():
    """``materialize(files, dest)``: write a ``{relative path: content}`` layout under ``dest``."""
    return cargo_oracle.materialize


class _VerdictApi:
    def __init__(self, module):
        self.module = module
        self.workspaces_verdict = module.workspaces_verdict
        self.manifest_verdict = module.manifest_verdict


@pytest.fixture(scope="session")
def verdict_api() -> _VerdictApi:
    """The engine under test: ``cargo_lens.engine.verdict`` (fails, not skips, when missing)."""
    try:
        module = importlib.import_module("cargo_lens.engine.verdict")
    except ImportError as exc:
        pytest.fail(f"the engine is not importable yet: cargo_lens.engine.verdict: {exc!r}", pytrace=False)
    missing = [n for n in ("workspaces_verdict", "manifest_verdict") if not hasattr(module, n)]
    if missing:
        pytest.fail(f"cargo_lens.engine.verdict lacks {', '.join(missing)}", pytrace=False)
    return _VerdictApi(module)
