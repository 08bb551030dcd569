"""Ask the local cargo what it decides about workspaces, in the shape the engine answers in.

Plain helpers (no pytest fixtures) shared by the test modules; importable because conftest.py puts
``tests/`` on ``sys.path``.

The verdict shape is the one of the corpus ``expected.json`` (see /work/shared/corpus/README.md)::

    {"workspace_root": dir | None, "members": [manifest, ...], "default_members": [manifest, ...],
     "error": str | None, "error_cause": str | None}

* paths are POSIX and relative to the layout root ("." for the root itself), members are manifest
  paths ("crates/a/Cargo.toml"), lists sorted with Python's ``sorted``;
* ``error`` is the first stderr line starting with ``error:``, without the ``error: `` prefix
  (otherwise verbatim: trailing blanks are kept);
* ``error_cause`` is the first line of the innermost ``Caused by:`` block without its indentation,
  or None;
* the absolute path of the layout root is written ``$ROOT`` in error texts;
* on error ``workspace_root`` is None and both member lists are empty.

How cargo is run (the way the corpus was built):

* ``cargo metadata --no-deps --offline --format-version 1 [--manifest-path <M>]`` with the cwd set
  to the manifest's directory, a 60 s timeout;
* the stable toolchain's own ``cargo`` binary, not the rustup proxy (so ``rust-toolchain`` files
  change nothing). ``CARGO_LENS_CARGO`` overrides the binary;
* a clean environment: only PATH/HOME/TMPDIR/RUSTUP_HOME are passed through, ``CARGO_HOME`` is an
  empty directory created with ``tempfile.mkdtemp`` (so no user config applies). It must not be an
  ancestor of the layout: cargo's upward root search stops above ``$CARGO_HOME`` (spec 1, step 4b).
  ``cargo metadata --no-deps --offline`` needs no registry index, so an empty home is enough
  (checked by experiment: same answers, nothing is written into it).
"""

from __future__ import annotations

import atexit
import json
import os
import posixpath
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

# The steering repo's shared/ sits beside this clone (CI: a clean clone with ../shared).
SHARED_DIR = Path(__file__).resolve().parent.parent.parent / "shared"
if not SHARED_DIR.is_dir():  # a checkout elsewhere on a developer machine
    SHARED_DIR = Path("/work/shared")

try:  # Python 3.11+
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - the venv runs 3.11
    tomllib = None  # type: ignore[assignment]

CARGO_TIMEOUT = 60.0
RECORDED_CARGO_VERSION = "cargo 1.95.0"

ROOT_FIELDS = ("workspace_root", "members", "default_members", "error", "error_cause")
PACKAGE_FIELDS = ("root", "error", "error_cause")

GLOB_CHARS = set("*?[]")

# cargo itself can crash (e.g. 1.95 overflows its stack on `package.workspace = "inner"` when
# `inner` inherits a field: the root search recurses forever). There is no "error:" line then; the
# verdict's error becomes CARGO_CRASHED + a short stable reason, and comparisons accept any error
# from the engine for that manifest (see diff_fields).
CARGO_CRASHED = "<cargo crashed>"


# --------------------------------------------------------------------------------------------
# Finding cargo
# --------------------------------------------------------------------------------------------

_cargo_cache: dict[str, str | None] = {}


def find_cargo() -> str | None:
    """The cargo binary to use as the oracle, or None when there is no cargo at all.

    ``shutil.which("cargo")`` decides availability. When that is the rustup proxy, the stable
    toolchain's own binary is used instead (``rustup which --toolchain stable cargo``), as the
    corpus was built with it; ``CARGO_LENS_CARGO`` overrides everything.
    """
    if "cargo" in _cargo_cache:
        return _cargo_cache["cargo"]
    result: str | None
    override = os.environ.get("CARGO_LENS_CARGO")
    if override:
        result = override
    else:
        which = shutil.which("cargo")
        result = which
        if which and os.path.basename(os.path.realpath(which)).startswith("rustup"):
            rustup = shutil.which("rustup") or os.path.realpath(which)
            try:
                out = subprocess.run(
                    [rustup, "which", "--toolchain", "stable", "cargo"],
                    capture_output=True, text=True, timeout=CARGO_TIMEOUT,
                )
                cand = out.stdout.strip()
                if out.returncode == 0 and cand and os.path.isfile(cand):
                    result = cand
            except (OSError, subprocess.SubprocessError):
                pass
    _cargo_cache["cargo"] = result
    return result


def cargo_version(cargo: str | None = None) -> str | None:
    cargo = cargo or find_cargo()
    if not cargo:
        return None
    key = "version:" + cargo
    if key not in _cargo_cache:
        try:
            out = subprocess.run([cargo, "--version"], capture_output=True, text=True,
                                 env=clean_env(), timeout=CARGO_TIMEOUT)
            _cargo_cache[key] = out.stdout.strip() or None
        except (OSError, subprocess.SubprocessError):
            _cargo_cache[key] = None
    return _cargo_cache[key]


_cargo_home: list[str] = []


def empty_cargo_home() -> str:
    """An empty CARGO_HOME outside every layout (created once per process, removed at exit)."""
    if not _cargo_home:
        d = tempfile.mkdtemp(prefix="cargo-lens-empty-cargo-home-")
        _cargo_home.append(d)
        atexit.register(shutil.rmtree, d, True)
    return _cargo_home[0]


def clean_env(cargo_home: str | None = None) -> dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/"),
        "CARGO_HOME": cargo_home or empty_cargo_home(),
        "CARGO_TERM_COLOR": "never",
        "LC_ALL": "C",
    }
    for k in ("TMPDIR", "RUSTUP_HOME"):
        if k in os.environ:
            env[k] = os.environ[k]
    return env


# --------------------------------------------------------------------------------------------
# Layouts on disk
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Symlink:
    """A value for ``materialize``: create a symbolic link pointing at ``target`` (as written)."""

    target: str


def materialize(files: Mapping[str, str | bytes | Symlink | None], dest: Path | str) -> Path:
    """Write ``files`` (relative POSIX path -> content) under ``dest``; returns ``dest``.

    Content is written byte-for-byte (str as UTF-8, no newline translation). A path ending in "/"
    or a value of None makes an (empty) directory; a ``Symlink`` value makes a symlink.
    """
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    for rel, content in sorted(files.items(), key=lambda kv: isinstance(kv[1], Symlink)):
        if rel.startswith("/") or ".." in rel.split("/"):
            raise ValueError(f"materialize: path escapes the layout: {rel!r}")
        target = dest / rel
        if rel.endswith("/") or content is None:
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, Symlink):
            target.symlink_to(content.target)
        elif isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_bytes(content.encode("utf-8"))
    return dest


def manifest_above(path: Path | str) -> str | None:
    """The first ``Cargo.toml`` in a strict ancestor of ``path`` (cargo would walk into it)."""
    p = Path(os.path.abspath(path))
    for anc in p.parents:
        cand = anc / "Cargo.toml"
        if cand.exists():
            return str(cand)
    return None


def assert_no_manifest_above(path: Path | str) -> None:
    found = manifest_above(path)
    if found:
        raise AssertionError(
            f"{found} exists above {path}: cargo's upward root search would read it, so cargo's "
            "answers would not be about the layout alone. Run the tests from a temp dir without "
            "a Cargo.toml in its ancestors."
        )


def find_manifests(root: Path | str) -> list[str]:
    """Every Cargo.toml under ``root`` (not following directory symlinks), relative, sorted."""
    root = os.path.abspath(root)
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        if "Cargo.toml" in filenames:
            rel = posixpath.relpath(Path(dirpath).as_posix(), Path(root).as_posix())
            out.append(manifest_of(rel))
    return sorted(out)


def current_manifest(root: Path | str, run_in: str) -> str:
    """The manifest cargo acts on when run in ``run_in`` without --manifest-path: the first
    Cargo.toml walking up from it (relative to ``root``; never above ``root``)."""
    rel = posixpath.normpath(run_in)
    while True:
        cand = manifest_of(rel)
        if (Path(root) / cand).is_file():
            return cand
        if rel in (".", ""):
            raise FileNotFoundError(f"no Cargo.toml in {run_in!r} or above it inside {root}")
        rel = posixpath.dirname(rel) or "."


def manifest_of(d: str) -> str:
    """Directory (relative, "." for the root) -> its manifest path."""
    d = d.rstrip("/") if d not in ("/",) else d
    return "Cargo.toml" if d in (".", "") else f"{d}/Cargo.toml"


def dir_of(manifest: str) -> str:
    return posixpath.dirname(manifest) or "."


def classify_manifest(text: str | bytes) -> tuple[bool, bool, bool]:
    """(parsed, has_workspace, has_package) by Python's TOML parser.

    The corpus lists in ``roots`` every manifest with a ``[workspace]`` table and in ``packages``
    every manifest except pure virtual ones; an unparsable manifest counts as a package.
    """
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    try:
        doc = tomllib.loads(text)
    except Exception:
        return False, False, False
    return True, isinstance(doc.get("workspace"), dict), "package" in doc or "project" in doc


# --------------------------------------------------------------------------------------------
# Running cargo and normalising its answer
# --------------------------------------------------------------------------------------------

@dataclass
class CargoRun:
    argv: list[str]
    cwd: str
    returncode: int
    stdout: str
    stderr: str


def run_cargo_raw(manifest_path: str | os.PathLike | None, cwd: str | os.PathLike, *,
                  cargo: str | None = None, timeout: float = CARGO_TIMEOUT,
                  cargo_home: str | None = None) -> CargoRun:
    cargo = cargo or find_cargo()
    if not cargo:
        raise RuntimeError("cargo is not installed (shutil.which('cargo') is None)")
    cwd = os.path.abspath(cwd)
    home = cargo_home or empty_cargo_home()
    home_abs = os.path.abspath(home)
    if cwd == home_abs or cwd.startswith(home_abs.rstrip("/") + "/"):
        raise RuntimeError(f"CARGO_HOME {home} contains the layout {cwd}: it would stop root discovery")
    argv = [cargo, "metadata", "--no-deps", "--offline", "--format-version", "1"]
    if manifest_path is not None:
        argv += ["--manifest-path", os.path.abspath(manifest_path)]
    try:
        proc = subprocess.run(argv, cwd=cwd, capture_output=True, env=clean_env(home), timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        raise RuntimeError(f"cargo timed out after {timeout}s: {' '.join(argv)} (cwd {cwd})") from exc
    return CargoRun(argv, cwd, proc.returncode,
                    proc.stdout.decode("utf-8", errors="replace"),
                    proc.stderr.decode("utf-8", errors="replace"))


def substitute_root(text: str, root: str) -> str:
    """Write the absolute layout root as $ROOT (its realpath too, should it differ)."""
    variants = {os.path.abspath(root), os.path.realpath(root)}
    for v in sorted(variants, key=len, reverse=True):
        text = text.replace(v, "$ROOT")
    return text


def first_error_line(stderr: str) -> str | None:
    """The first line starting with ``error:``, without the ``error: `` prefix. The rest is kept
    verbatim, trailing blanks included (cargo ends some first lines with a space, e.g.
    ``...not configured with [workspace]: ``)."""
    for line in stderr.splitlines():
        if line.startswith("error:"):
            rest = line[len("error:"):]
            return rest[1:] if rest.startswith(" ") else rest
    return None


def innermost_cause(stderr: str) -> str | None:
    """First line of the innermost (last) ``Caused by:`` block."""
    lines = stderr.splitlines()
    idx = None
    for i, line in enumerate(lines):
        if line.strip() == "Caused by:":
            idx = i
    if idx is None:
        return None
    for line in lines[idx + 1:]:
        if line.strip():
            return line.lstrip()  # cargo indents causes by two spaces; the rest is verbatim
    return None


def relpath(path: str, root: str) -> str:
    """Absolute path reported by cargo -> POSIX path relative to ``root`` (lexical)."""
    for base in (os.path.abspath(root), os.path.realpath(root)):
        if path == base or path.startswith(base.rstrip("/") + "/"):
            return Path(os.path.relpath(path, base)).as_posix()
    return Path(os.path.relpath(path, os.path.abspath(root))).as_posix()


def normalize_run(run: CargoRun, root: str) -> dict:
    """A raw cargo run -> the verdict dict (see module docstring)."""
    if run.returncode == 0:
        try:
            meta = json.loads(run.stdout)
        except json.JSONDecodeError as exc:
            raise RuntimeError(f"cargo exited 0 but printed no JSON: {run.stdout[:500]!r}") from exc
        manifest_by_id = {p["id"]: p["manifest_path"] for p in meta["packages"]}

        def manifests(ids: Iterable[str]) -> list[str]:
            out = []
            for pid in ids:
                mp = manifest_by_id.get(pid)
                out.append(relpath(mp, root) if mp else f"<unknown package id {pid}>")
            return sorted(out)

        return {
            "workspace_root": relpath(meta["workspace_root"], root),
            "members": manifests(meta.get("workspace_members") or []),
            "default_members": manifests(meta.get("workspace_default_members") or []),
            "error": None,
            "error_cause": None,
        }
    stderr = substitute_root(run.stderr, root)
    error = first_error_line(stderr)
    if error is None:
        if "overflowed its stack" in stderr:
            reason = "stack overflow"
        elif "panicked" in stderr:
            reason = "panic"
        else:
            reason = f"exit status {run.returncode} without an error: line"
        return {"workspace_root": None, "members": [], "default_members": [],
                "error": f"{CARGO_CRASHED} {reason}", "error_cause": None}
    return {
        "workspace_root": None,
        "members": [],
        "default_members": [],
        "error": error,
        "error_cause": innermost_cause(stderr),
    }


def run_cargo_metadata(manifest_path: str | os.PathLike | None, cwd: str | os.PathLike, *,
                       root: str | os.PathLike | None = None, cargo: str | None = None,
                       timeout: float = CARGO_TIMEOUT) -> dict:
    """cargo's normalized verdict for ``manifest_path`` run in ``cwd``.

    ``root`` is the layout root: paths are made relative to it and it is written $ROOT in error
    texts (default: ``cwd``). ``manifest_path=None`` runs cargo without ``--manifest-path`` (cargo
    then finds the current manifest from ``cwd`` by itself).
    """
    root = os.path.abspath(root if root is not None else cwd)
    return normalize_run(run_cargo_raw(manifest_path, cwd, cargo=cargo, timeout=timeout), root)


def cargo_manifest_verdict(root: str | os.PathLike, manifest: str, **kw) -> dict:
    """cargo's verdict for one manifest (relative to ``root``), run the corpus way."""
    root = os.path.abspath(root)
    mpath = os.path.join(root, manifest)
    return run_cargo_metadata(mpath, os.path.dirname(mpath), root=root, **kw)


def root_manifest_of(workspace_root: str | None) -> str | None:
    return None if workspace_root is None else manifest_of(workspace_root)


def cargo_workspaces_verdict(root: str | os.PathLike, manifests: Iterable[str] | None = None, *,
                             jobs: int = 2, cargo: str | None = None,
                             classify: Mapping[str, tuple[bool, bool]] | None = None) -> dict:
    """What ``workspaces_verdict`` must answer, asked of cargo: one call per manifest.

    ``manifests`` defaults to every Cargo.toml under ``root``. ``classify`` may give
    ``manifest -> (is_root, is_package)``; otherwise Python's TOML parser decides (a manifest it
    cannot parse counts as a package, not a root).
    """
    root = os.path.abspath(root)
    assert_no_manifest_above(root)
    manifests = sorted(manifests) if manifests is not None else find_manifests(root)
    cls: dict[str, tuple[bool, bool]] = {}
    for m in manifests:
        if classify is not None and m in classify:
            cls[m] = classify[m]
        else:
            _, has_ws, has_pkg = classify_manifest(Path(root, m).read_bytes())
            cls[m] = (has_ws, has_pkg or not has_ws)
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        verdicts = dict(zip(manifests, pool.map(
            lambda m: cargo_manifest_verdict(root, m, cargo=cargo), manifests)))
    out: dict = {"roots": {}, "packages": {}}
    for m in manifests:
        v = verdicts[m]
        is_root, is_pkg = cls[m]
        if is_root:
            out["roots"][m] = dict(v)
        if is_pkg:
            out["packages"][m] = {
                "root": root_manifest_of(v["workspace_root"]) if v["error"] is None else None,
                "error": v["error"],
                "error_cause": v["error_cause"],
            }
    return out


# --------------------------------------------------------------------------------------------
# Comparing verdicts
# --------------------------------------------------------------------------------------------

def project(verdict: Mapping, fields: Iterable[str]) -> dict:
    return {f: verdict.get(f) for f in fields}


def _show(v) -> str:
    return json.dumps(v, ensure_ascii=False)


def cargo_crashed(verdict: Mapping) -> bool:
    err = verdict.get("error")
    return isinstance(err, str) and err.startswith(CARGO_CRASHED)


def diff_fields(where: str, expected: Mapping, got: Mapping, fields: Iterable[str]) -> list[str]:
    out = []
    if cargo_crashed(expected):
        # No verdict to match: the engine must report *some* error (and no root) instead of crashing.
        if not (isinstance(got.get("error"), str) and got.get("error")):
            out.append(f"{where}: cargo crashed here ({expected['error']}); the engine must report an "
                       f"error, it answered {_show(project(got, fields))}")
        return out
    for f in fields:
        if f not in got:
            out.append(f"{where}.{f}: missing in the engine's answer (expected {_show(expected.get(f))})")
            continue
        e, g = expected.get(f), got.get(f)
        if isinstance(g, tuple):
            g = list(g)
        if e == g:
            continue
        if isinstance(e, list) and isinstance(g, list):
            missing = sorted(set(e) - set(g))
            extra = sorted(set(g) - set(e))
            parts = []
            if missing:
                parts.append(f"missing {_show(missing)}")
            if extra:
                parts.append(f"unexpected {_show(extra)}")
            if not parts:
                parts.append(f"same items, wrong order/duplicates: expected {_show(e)} got {_show(g)}")
            out.append(f"{where}.{f}: " + "; ".join(parts))
        else:
            out.append(f"{where}.{f}: expected {_show(e)}\n{' ' * (len(where) + len(f) + 3)}got      {_show(g)}")
    return out


def diff_workspaces(expected: Mapping, got: Mapping, *, notes: Mapping[str, str] | None = None) -> list[str]:
    """Readable differences between two ``{"roots", "packages"}`` verdicts (expected = cargo)."""
    notes = notes or {}
    out: list[str] = []
    if not isinstance(got, Mapping):
        return [f"engine answered {type(got).__name__}, not a dict"]
    for section, fields in (("roots", ROOT_FIELDS), ("packages", PACKAGE_FIELDS)):
        exp_s = expected.get(section) or {}
        got_s = got.get(section)
        if not isinstance(got_s, Mapping):
            out.append(f"{section}: missing or not a dict in the engine's answer ({type(got_s).__name__})")
            continue
        for m in sorted(set(exp_s) - set(got_s)):
            out.append(f"{section}[{m}]: missing (cargo: {_show(project(exp_s[m], fields))}){notes.get(m, '')}")
        for m in sorted(set(got_s) - set(exp_s)):
            out.append(f"{section}[{m}]: not expected here (engine: {_show(project(got_s[m], fields))}){notes.get(m, '')}")
        for m in sorted(set(exp_s) & set(got_s)):
            d = diff_fields(f"{section}[{m}]", exp_s[m], got_s[m], fields)
            if d and m in notes:
                d[-1] += notes[m]
            out.extend(d)
    return out


def format_diff(lines: list[str], limit: int = 25) -> str:
    shown = lines[:limit]
    more = len(lines) - len(shown)
    text = "\n".join("  " + line.replace("\n", "\n  ") for line in shown)
    if more > 0:
        text += f"\n  ... and {more} more difference(s)"
    return text


def format_files(files: Mapping[str, object], limit_bytes: int = 20000) -> str:
    """A layout as text: every file with its content (non-manifests only named when empty)."""
    parts = []
    for path in sorted(files):
        content = files[path]
        if isinstance(content, Symlink):
            parts.append(f"--- {path} -> {content.target}")
        elif content is None or path.endswith("/"):
            parts.append(f"--- {path} (directory)")
        elif content in ("", b""):
            parts.append(f"--- {path} (empty)")
        else:
            text = content.decode() if isinstance(content, bytes) else content
            parts.append(f"--- {path}\n{text.rstrip()}")
    text = "\n".join(parts)
    if len(text) > limit_bytes:
        text = text[:limit_bytes] + "\n... (truncated)"
    return text
