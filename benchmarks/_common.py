"""Shared helpers for the benchmark scripts: statistics, machine facts, tables, corpus copies.

Not a test module: the scripts in this directory are run by hand (see README "Speed").
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
DEFAULT_CORPUS = os.path.normpath(os.path.join(REPO, "..", "shared", "corpus"))


# -- statistics ---------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default), q in [0, 100]."""
    xs = sorted(values)
    if not xs:
        return float("nan")
    if len(xs) == 1:
        return xs[0]
    pos = (len(xs) - 1) * q / 100.0
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def summary(values: list[float]) -> dict:
    return {
        "n": len(values),
        "median": statistics.median(values) if values else float("nan"),
        "p95": percentile(values, 95),
        "min": min(values) if values else float("nan"),
        "max": max(values) if values else float("nan"),
    }


def fmt_ms(seconds: float) -> str:
    ms = seconds * 1000.0
    if ms >= 100:
        return f"{ms:,.0f} ms"
    if ms >= 10:
        return f"{ms:.1f} ms"
    return f"{ms:.2f} ms"


def table(headers: list[str], rows: list[list[str]]) -> str:
    """A GitHub-flavoured Markdown table (also readable in a terminal)."""
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    line = lambda cells: "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths)) + " |"  # noqa: E731
    out = [line(headers), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out.extend(line(r) for r in rows)
    return "\n".join(out)


# -- machine ------------------------------------------------------------------------------------


def _run(cmd: list[str]) -> str:
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def loadavg() -> str:
    try:
        one, five, fifteen = os.getloadavg()
        return f"{one:.2f} {five:.2f} {fifteen:.2f}"
    except OSError:
        return "?"


def machine(cargo: str | None = None) -> dict:
    model = ""
    for line in _run(["lscpu"]).splitlines():
        if line.startswith("Model name:"):
            model = line.split(":", 1)[1].strip()
    info = {
        "cpu": model or platform.processor() or "?",
        "nproc": _run(["nproc"]) or str(os.cpu_count()),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "loadavg_start": loadavg(),
    }
    head = _run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"])
    dirty = [line for line in _run(["git", "-C", REPO, "status", "--porcelain", "--", "server"]).splitlines() if line.strip()]
    info["source"] = f"git {head or '?'}" + (f" + {len(dirty)} uncommitted change(s) under server/" if dirty else "")
    if cargo:
        info["cargo"] = _run([cargo, "--version"])
        info["cargo_path"] = cargo
    return info


def find_cargo(explicit: str | None = None) -> str | None:
    """The toolchain's own cargo binary (not the rustup proxy), as the corpus was made."""
    if explicit:
        return explicit
    proxy = shutil.which("cargo")
    real = _run(["rustup", "which", "cargo"]) if shutil.which("rustup") else ""
    if real and os.path.isfile(real):
        return real
    return proxy


def cargo_lens_exe() -> str:
    """The `cargo-lens` console script next to this interpreter (the venv's), else on PATH."""
    cand = os.path.join(os.path.dirname(sys.executable), "cargo-lens")
    if os.path.isfile(cand):
        return cand
    found = shutil.which("cargo-lens")
    if not found:
        sys.exit("cargo-lens is not installed (pip install -e . in the venv first)")
    return found


# -- corpus copies ------------------------------------------------------------------------------


def _cargo_toml_above(path: str) -> str | None:
    d = os.path.dirname(os.path.abspath(path))
    while True:
        cand = os.path.join(d, "Cargo.toml")
        if os.path.exists(cand):
            return cand
        parent = os.path.dirname(d)
        if parent == d:
            return None
        d = parent


def scratch_dir(prefix: str) -> str:
    """A fresh temporary directory with no Cargo.toml in any ancestor (cargo walks up)."""
    d = tempfile.mkdtemp(prefix=prefix)
    above = _cargo_toml_above(os.path.join(d, "x"))
    if above:
        shutil.rmtree(d)
        sys.exit(f"refusing to benchmark: {above} sits above the temporary directory; set TMPDIR elsewhere")
    return d


def copy_corpus_entry(corpus: str, name: str, dest_parent: str) -> str:
    """Copy one corpus repository (symlinks kept as symlinks) into ``dest_parent``."""
    src = os.path.join(corpus, name)
    if not os.path.isdir(src):
        sys.exit(f"no corpus entry {src}")
    dest = os.path.join(dest_parent, name)
    shutil.copytree(src, dest, symlinks=True)
    return dest


def manifests_under(root: str) -> list[str]:
    """Every Cargo.toml below ``root`` (what `cargo-lens workspaces` walks), sorted."""
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in (".git", ".hg", ".svn"))
        if "Cargo.toml" in filenames:
            found.append(os.path.join(dirpath, "Cargo.toml"))
    return sorted(found)


def lens_env(scratch: str, pyc: bool = True) -> dict:
    """Environment for cargo-lens processes.

    With ``pyc`` (the default) byte-code caching is on, with the cache under ``scratch``
    (PYTHONPYCACHEPREFIX, so nothing is written into the source tree): that is how an installed
    package starts after its first run. This machine exports PYTHONDONTWRITEBYTECODE=1, which
    makes every start compile all of cargo-lens from source; ``pyc=False`` keeps that as it is.
    """
    env = dict(os.environ)
    if pyc:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = os.path.join(scratch, "pycache")
    env["CARGO_TERM_COLOR"] = "never"
    env.pop("CARGO", None)
    env.pop("RUSTUP_TOOLCHAIN", None)
    return env


def dump_json(obj) -> str:
    return json.dumps(obj, indent=2, sort_keys=False)
