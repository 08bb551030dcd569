"""Target discovery for one package, as cargo 1.95 does it (spec section 10.2).

This mirrors `src/cargo/util/toml/targets.rs`: the `normalize_*` half (which file is which target,
names, the [[bin]] lookups -- problems of stage 5) and the `to_targets` half (crate-type conflicts,
duplicate names, target `edition`, `filename`, "no targets" -- stage 7). Example/test/bench path
lookups that fail are *deferred* by cargo (the target is dropped and only build commands report
it); they are returned separately by `discover`, never as load problems.

`LoadProblem` lives here (not in `load_errors`) only because this lower module produces them too;
import it from `cargo_lens.engine.load_errors`.
"""

from __future__ import annotations

import posixpath

try:  # the C module datetime.py re-exports: the same classes, without its ~1.5 ms import
    from _datetime import date as _date, time as _time
except ImportError:  # pragma: no cover - Pythons without the accelerator
    from datetime import date as _date, time as _time

from .fs import FileSystem, normalize
from . import toml_doc
from .record import Record
from .toml_doc import TomlDatetime

TYPE_CHECKING = False  # typing is not imported at run time (start-up cost)
if TYPE_CHECKING:
    from typing import Any, Literal

__all__ = [
    "Deferred",
    "Discovery",
    "LoadProblem",
    "Target",
    "discover",
    "discover_targets",
    "edition_rank",
]

# -- shared vocabulary ---------------------------------------------------------------------------


class _Datetime:
    """A TOML date/time (serde sees a one-key map; cargo never wants one)."""

    __slots__ = ()


_DATETIME = (_date, _time, _Datetime)


# Exact types that are never containers nor dates (`TomlDatetime` is a str *subclass*): most
# values of a manifest, skipped without a call.
_LEAVES = frozenset({str, bool, int, float})


def _plain(v: Any) -> Any:
    """``v`` with our TOML reader's `TomlDatetime` strings (a `str` subclass) turned into
    `_Datetime`, so no date passes for a string. Containers are copied only when needed."""
    if not toml_doc.datetimes_made():  # then there is none in ``v`` either
        return v
    return _plain_walk(v)


def _plain_walk(v: Any) -> Any:
    if type(v) in _LEAVES:
        return v
    if isinstance(v, TomlDatetime):
        return _Datetime()
    if isinstance(v, dict):
        out = None
        for k, x in v.items():
            if type(x) in _LEAVES:
                continue
            y = _plain_walk(x)
            if y is not x:
                if out is None:
                    out = dict(v)
                out[k] = y
        return v if out is None else out
    if isinstance(v, list):
        out_l = None
        for i, x in enumerate(v):
            if type(x) in _LEAVES:
                continue
            y = _plain_walk(x)
            if y is not x:
                if out_l is None:
                    out_l = list(v)
                out_l[i] = y
        return v if out_l is None else out_l
    return v


class LoadProblem(Record):
    """One reason cargo refuses to load a manifest. See `load_errors.check_manifest`."""

    __slots__ = ("stage", "shape", "lines", "key_path", "at")

    def __init__(
        self,
        stage: int,  # 1..7, the position in spec 10.4's order
        shape: Literal["P", "D"],  # P: "failed to parse manifest at" + causes; D: printed directly
        lines: tuple[str, ...],  # causes, outermost first, each exactly as cargo prints it
        key_path: tuple[str | int, ...],  # where it is in the manifest; () = the whole file
        at: Literal["key", "value", "table"] = "value",
    ):
        self.stage = stage
        self.shape = shape
        self.lines = lines
        self.key_path = key_path
        self.at = at

    @property
    def message(self) -> str:
        """The innermost cause's first line: what the corpus calls `error_cause`."""
        return self.lines[-1].split("\n", 1)[0]


class Target(Record):
    __slots__ = ("kind", "name", "path")

    def __init__(self, kind: str, name: str, path: str | None):
        self.kind = kind  # "lib", "bin", "example", "test", "bench", "custom-build"
        self.name = name
        self.path = path  # absolute, lexically normalised like cargo's `src_path`


class Deferred(Record):
    """A target cargo drops at load and only complains about in build commands."""

    __slots__ = ("kind", "name", "message", "key_path")

    def __init__(self, kind: str, name: str, message: str, key_path: tuple[str | int, ...]):
        self.kind = kind  # "bin", "example", "test", "bench"
        self.name = name
        self.message = message
        self.key_path = key_path


class Discovery(Record):
    __slots__ = ("targets", "problems", "deferred")
    __hash__ = None  # type: ignore[assignment]  # mutable

    def __init__(
        self,
        targets: list[Target] | None = None,
        problems: list[LoadProblem] | None = None,
        deferred: list[Deferred] | None = None,
    ):
        self.targets = [] if targets is None else targets
        self.problems = [] if problems is None else problems
        self.deferred = [] if deferred is None else deferred


EDITIONS = ("2015", "2018", "2021", "2024", "future")


def edition_rank(edition: str | None) -> int:
    """0 for 2015 (also for anything cargo cannot parse: its `unwrap_or_default`), 4 for future."""
    try:
        return EDITIONS.index(edition)  # type: ignore[arg-type]
    except ValueError:
        return 0


E2015, E2024 = 0, 3

# `cargo --version` of the oracle; it appears inside "feature ... is required" messages.
CARGO_VERSION = "1.95.0 (f2d3ce0bd 2026-03-21)"


def feature_required(name: str, docs: str) -> str:
    """`Features::require` on a stable cargo (unstable features can never be enabled there)."""
    return (
        f"feature `{name}` is required\n\n"
        f"The package requires the Cargo feature called `{name}`, but that feature is not "
        f"stabilized in this version of Cargo ({CARGO_VERSION}).\n"
        "Consider trying a newer version of Cargo (this may require the nightly release).\n"
        f"See https://doc.rust-lang.org/nightly/cargo/{docs} for more information about the "
        "status of this feature."
    )


def edit_distance(a: str, b: str, limit: int) -> int | None:
    """cargo's `util::edit_distance` (lower-cased Damerau-Levenshtein with a limit)."""
    a, b = a.lower(), b.lower()
    if len(a) < len(b):
        a, b = b, a
    min_dist = len(a) - len(b)
    if min_dist > limit:
        return None
    i = 0
    while i < len(b) and a[i] == b[i]:
        i += 1
    a, b = a[i:], b[i:]
    while b and a and a[-1] == b[-1]:
        a, b = a[:-1], b[:-1]
    if not b:
        return min_dist
    big = 1 << 60
    prev_prev = [big] * (len(b) + 1)
    prev = list(range(len(b) + 1))
    cur = [0] * (len(b) + 1)
    for i in range(1, len(a) + 1):
        cur[0] = i
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev_prev[j - 2] + 1)
        prev_prev, prev, cur = prev, cur, prev_prev
    d = prev[len(b)]
    return d if d <= limit else None


def closest_msg(choice: str, candidates: list[str], kind: str) -> str:
    """`util::closest_msg`: the first candidate with the smallest distance (at most 3)."""
    best: tuple[int, str] | None = None
    for cand in candidates:
        d = edit_distance(choice, cand, 3)
        if d is not None and (best is None or d < best[0]):
            best = (d, cand)
    if best is None:
        return ""
    return f"\n\nhelp: a {kind} with a similar name exists: `{best[1]}`"


# -- the declared-or-inferred target record ------------------------------------------------------

_HUMAN = {"lib": "library", "bin": "binary", "example": "example", "test": "test", "bench": "benchmark"}
# `validate_unique_names` spells the kind differently for bins.
_UNIQUE_KIND = {"bin": "binary", "example": "example", "test": "test", "bench": "bench"}
_TABLE = {"bin": "bin", "example": "example", "test": "test", "bench": "bench"}
_DIR = {"example": "examples", "test": "tests", "bench": "benches"}
_AUTO_FLAG = {"lib": "autolib", "bin": "autobins", "example": "autoexamples", "test": "autotests", "bench": "autobenches"}
_FORBIDDEN_BIN_NAMES = frozenset({"deps", "examples", "build", "incremental"})


class _T:
    """A `TomlTarget`: a declared table (``raw``/``index`` set) or an inferred one."""

    __slots__ = ("raw", "index", "name", "path", "name_ok")

    def __init__(self, raw: dict | None, index: int | None, name: str | None, path: str | None, name_ok: bool = True):
        self.raw = raw if raw is not None else {}
        self.index = index
        self.name = name
        self.path = path
        # False when the name is unusable for reasons reported elsewhere (a type error, or the
        # package has no valid name): then name checks stay silent instead of piling on.
        self.name_ok = name_ok

    def key(self, kind: str, *rest: str | int) -> tuple[str | int, ...]:
        if kind == "lib":
            return ("lib", *rest)
        if self.index is None:
            return ()
        return (_TABLE[kind], self.index, *rest)

    def crate_types(self) -> list | None:
        v = self.raw.get("crate-type")
        if v is None:
            v = self.raw.get("crate_type")
        return v if isinstance(v, list) else None

    def proc_macro(self) -> bool | None:
        for k in ("proc-macro", "proc_macro"):
            v = self.raw.get(k)
            if isinstance(v, bool):
                return v
        ct = self.crate_types()
        if ct is not None and "proc-macro" in ct:
            return True
        return None


def _declared(raw: Any, kind: str) -> list[_T] | None:
    """Declared targets of one array-of-tables kind (entries of the wrong type are skipped:
    the schema check reports them)."""
    if not isinstance(raw, list):
        return None
    out = []
    for i, entry in enumerate(raw):
        if not isinstance(entry, dict):
            continue
        name = entry.get("name")
        path = entry.get("path")
        out.append(
            _T(
                entry,
                i,
                name if isinstance(name, str) else None,
                path if isinstance(path, str) else None,
                name_ok=name is None or isinstance(name, str),
            )
        )
    return out


def _path_key(root: str, rel: str) -> tuple[str, ...]:
    """What Rust's `Path` equality sees of `root.join(rel)`: components, `.` dropped."""
    full = rel if rel.startswith("/") else root + "/" + rel
    return tuple(c for c in full.split("/") if c not in ("", "."))


def _abs(root: str, rel: str) -> str:
    return normalize(rel if rel.startswith("/") else posixpath.join(root, rel))


# -- discovery -----------------------------------------------------------------------------------


class _Discoverer:
    def __init__(self, root: str, data: dict, fs: FileSystem, edition: str):
        self.root = root.rstrip("/") or "/"
        self.data = data
        self.fs = fs
        self.ed = edition_rank(edition)
        pkg = data.get("package")
        if not isinstance(pkg, dict):
            pkg = data.get("project")
        self.pkg: dict = pkg if isinstance(pkg, dict) else {}
        name = self.pkg.get("name")
        self.pkg_name: str | None = name if isinstance(name, str) and name else None
        self.out = Discovery()
        self._listings: dict[str, list[tuple[str, str]]] = {}

    # file-system helpers (every directory is listed at most once per discovery)
    def _exists(self, rel: str) -> bool:
        return self.fs.exists(self.root + "/" + rel)

    def _infer_dir(self, rel: str) -> list[tuple[str, str]]:
        cached = self._listings.get(rel)
        if cached is not None:
            return cached
        found: list[tuple[str, str]] = []
        base = self.root + "/" + rel
        for entry in self.fs.list_dir(base):
            if entry.startswith("."):
                continue
            full = base + "/" + entry
            # Rust's DirEntry::file_type does not follow symlinks; FileSystem.is_dir does. A
            # symlinked directory is therefore treated as a directory here (cargo ignores it).
            if self.fs.is_dir(full):
                if self.fs.exists(full + "/main.rs"):
                    found.append((entry, f"{rel}/{entry}/main.rs"))
            elif entry.endswith(".rs") and len(entry) > 3:
                found.append((entry[:-3], f"{rel}/{entry}"))
        self._listings[rel] = found
        return found

    def _auto(self, kind: str) -> bool | None:
        v = self.pkg.get(_AUTO_FLAG[kind])
        return v if isinstance(v, bool) else None

    def _problem(self, stage: int, lines: tuple[str, ...] | str, key_path: tuple, at: str = "value") -> None:
        if isinstance(lines, str):
            lines = (lines,)
        self.out.problems.append(LoadProblem(stage, "P", lines, key_path, at))  # type: ignore[arg-type]

    # validation helpers shared by the normalize_* functions (stage 5)
    def _validate_name(self, t: _T, kind: str) -> bool:
        if not t.name_ok:
            return False
        if t.name is None:
            self._problem(5, f"{_HUMAN[kind]} target {kind}.name is required", t.key(kind), "table")
            return False
        if not t.name.strip():
            self._problem(5, f"{_HUMAN[kind]} target names cannot be empty", t.key(kind, "name"))
            return False
        return True

    def _underscore(self, t: _T, kind: str, old: str, new: str) -> None:
        if old in t.raw and self.ed >= E2024 and t.name is not None:
            self._problem(
                5,
                f"`{old}` is unsupported as of the 2024 edition; instead use `{new}`\n"
                f"(in the `{t.name}` {_HUMAN[kind]} target)",
                t.key(kind, old),
                "key",
            )

    # lib ------------------------------------------------------------------------------------
    def normalize_lib(self) -> _T | None:
        raw = self.data.get("lib")
        declared = None
        if isinstance(raw, dict):
            name = raw.get("name")
            path = raw.get("path")
            declared = _T(
                raw,
                None,
                name if isinstance(name, str) else None,
                path if isinstance(path, str) else None,
                name_ok=name is None or isinstance(name, str),
            )
        auto = self._auto("lib")
        if auto is False and (declared is None or (declared.name is not None and declared.path is not None)):
            if declared is None:
                return None
            self._check_lib(declared)
            return declared
        inferred = "src/lib.rs" if self._exists("src/lib.rs") else None
        lib = declared
        if lib is None:
            if inferred is None:
                return None
            lib = _T(None, None, None, inferred)
        if lib.name is None and lib.name_ok:
            if self.pkg_name is None:
                lib.name_ok = False
            else:
                lib.name = self.pkg_name.replace("-", "_")
        ok = self._check_lib(lib)
        if lib.path is None:
            if inferred is not None:
                lib.path = inferred
            elif ok and lib.name is not None:
                legacy = f"src/{lib.name}.rs"
                if self.ed == E2015 and self._exists(legacy):
                    lib.path = legacy
                else:
                    self._problem(
                        5,
                        f"can't find library `{lib.name}`, rename file to `src/lib.rs` or specify lib.path",
                        ("lib",),
                        "table",
                    )
        return lib

    def _check_lib(self, lib: _T) -> bool:
        ok = self._validate_name(lib, "lib")
        if ok and "-" in lib.name:  # type: ignore[operator]
            self._problem(5, f"library target names cannot contain hyphens: {lib.name}", lib.key("lib", "name"))
            ok = False
        self._underscore(lib, "lib", "proc_macro", "proc-macro")
        self._underscore(lib, "lib", "crate_type", "crate-type")
        return ok

    # bins -------------------------------------------------------------------------------------
    def _targets_and_inferred(self, declared: list[_T] | None, inferred: list[tuple[str, str]], kind: str) -> list[_T]:
        auto = self._auto(kind)
        inferred_t = [_T(None, None, n, p) for n, p in inferred]
        if declared is None:
            result = [] if auto is False else inferred_t
        else:
            result = list(declared)
            seen_names = {t.name for t in declared}
            seen_paths = {_path_key(self.root, t.path) for t in declared if t.path is not None}
            rem = [
                t
                for t in inferred_t
                if t.name not in seen_names and _path_key(self.root, t.path) not in seen_paths  # type: ignore[arg-type]
            ]
            if auto is None:
                auto = self.ed != E2015
            if auto:
                result.extend(rem)
        # cargo sorts by `Option<String>` (None first); the sort is unstable but names are unique
        # unless an error follows anyway.
        result.sort(key=lambda t: (t.name is not None, t.name or ""))
        return result

    def _are_normalized(self, declared: list[_T] | None, kind: str) -> bool:
        if self._auto(kind) is not False:
            return False
        if declared is None:
            return True
        return all(t.name is not None and t.path is not None for t in declared)

    def _inferred_bins(self) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        if self._exists("src/main.rs"):
            out.append((self.pkg_name if self.pkg_name is not None else "", "src/main.rs"))
        out.extend(self._infer_dir("src/bin"))
        return out

    def normalize_bins(self, has_lib: bool) -> list[_T]:
        declared = _declared(self.data.get("bin"), "bin")
        if self._are_normalized(declared, "bin"):
            bins = declared or []
            for b in bins:
                self._check_bin(b)
            return bins
        inferred = self._inferred_bins()
        bins = self._targets_and_inferred(declared, inferred, "bin")
        for b in bins:
            if b.index is None and b.path == "src/main.rs" and self.pkg_name is None:
                b.name_ok = False
            ok = self._check_bin(b)
            if b.path is None:
                if not ok:
                    continue
                path, err = self._target_path(b, inferred, "bin", lambda t: self._legacy_bin_path(t.name, has_lib))
                if err is not None:
                    self._problem(5, err, b.key("bin"), "table")
                else:
                    b.path = path
        return bins

    def _check_bin(self, b: _T) -> bool:
        ok = self._validate_name(b, "bin")
        if ok and b.name in _FORBIDDEN_BIN_NAMES:
            self._problem(
                5,
                f"the binary target name `{b.name}` is forbidden, it conflicts with cargo's build directory names",
                b.key("bin", "name") if b.index is not None else b.key("bin"),
            )
            ok = False
        if b.name is None:
            return ok
        ct = b.crate_types()
        if ct is not None:
            if ct:
                self.out.deferred.append(
                    Deferred(
                        "bin",
                        b.name,
                        f"the target `{b.name}` is a binary and can't have any crate-types set "
                        f'(currently "{", ".join(str(c) for c in ct)}")',
                        b.key("bin"),
                    )
                )
            else:
                self._underscore(b, "bin", "crate_type", "crate-type")
        if b.proc_macro() is True:
            self.out.deferred.append(
                Deferred("bin", b.name, f"the target `{b.name}` is a binary and can't have `proc-macro` set `true`", b.key("bin"))
            )
        else:
            self._underscore(b, "bin", "proc_macro", "proc-macro")
        return ok

    def _legacy_bin_path(self, name: str | None, has_lib: bool) -> str | None:
        if name is None:
            return None
        if not has_lib and self._exists(f"src/{name}.rs"):
            return f"src/{name}.rs"
        if self._exists("src/main.rs"):
            return "src/main.rs"
        if self._exists("src/bin/main.rs"):
            return "src/bin/main.rs"
        return None

    # examples, tests, benches -------------------------------------------------------------------
    def normalize_others(self, kind: str) -> list[_T]:
        declared = _declared(self.data.get(kind), kind)
        if self._are_normalized(declared, kind):
            targets = declared or []
            for t in targets:
                self._validate_name(t, kind)
                self._underscore(t, kind, "proc_macro", "proc-macro")
                self._underscore(t, kind, "crate_type", "crate-type")
            return targets
        inferred = self._infer_dir(_DIR[kind])
        targets = self._targets_and_inferred(declared, inferred, kind)
        valid = []
        for t in targets:
            ok = self._validate_name(t, kind)
            self._underscore(t, kind, "proc_macro", "proc-macro")
            self._underscore(t, kind, "crate_type", "crate-type")
            valid.append(ok)
        if kind == "bench":

            def legacy(t: _T) -> str | None:
                return "src/bench.rs" if t.name == "bench" and self._exists("src/bench.rs") else None

        else:

            def legacy(t: _T) -> str | None:
                return None

        result = []
        for t, ok in zip(targets, valid):
            if t.path is None:
                if not ok:
                    continue
                path, err = self._target_path(t, inferred, kind, legacy)
                if err is not None:
                    self.out.deferred.append(Deferred(kind, t.name or "", err, t.key(kind)))
                    continue
                t.path = path
            result.append(t)
        return result

    def _target_path(self, t: _T, inferred: list[tuple[str, str]], kind: str, legacy) -> tuple[str | None, str | None]:
        name = t.name or ""
        matching = [p for n, p in inferred if n == name]
        if len(matching) == 1:
            return matching[0], None
        if self.ed == E2015:
            lp = legacy(t)
            if lp is not None:
                return lp, None
        if len(matching) > 1:
            return None, (
                f"cannot infer path for `{name}` {kind}\n"
                f"Cargo doesn't know which to use because multiple target files found at "
                f"`{matching[0]}` and `{matching[1]}`."
            )
        wrong_dir = "src/bins" if kind == "bin" else kind
        right_dir = "src/bin" if kind == "bin" else _DIR[kind]
        msg = closest_msg(name, [n for n, _ in inferred], kind)
        for wrong, right in ((f"{wrong_dir}/{name}.rs", f"{right_dir}/{name}.rs"), (f"{wrong_dir}/{name}/main.rs", f"{right_dir}/{name}/main.rs")):
            if self._exists(wrong):
                return None, (
                    f"can't find `{name}` {kind} at default paths, but found a file at `{wrong}`.\n"
                    f"Perhaps rename the file to `{right}` for target auto-discovery, or specify "
                    f"{kind}.path if you want to use a non-default path.{msg}"
                )
        return None, (
            f"can't find `{name}` {kind} at `{right_dir}/{name}.rs` or `{right_dir}/{name}/main.rs`. "
            f"Please specify {kind}.path if you want to use a non-default path.{msg}"
        )

    # to_targets (stage 7) -------------------------------------------------------------------------
    def _target_edition(self, t: _T, kind: str) -> None:
        ed = t.raw.get("edition")
        if isinstance(ed, str):
            err = parse_edition_error(ed)
            if err is not None:
                self._problem(7, ("failed to parse the `edition` key", err), t.key(kind, "edition"))

    def _unique(self, targets: list[_T], kind: str) -> None:
        seen: set[str] = set()
        for t in targets:
            if t.name is None or not t.name_ok:
                continue
            if t.name in seen:
                k = _UNIQUE_KIND[kind]
                self._problem(
                    7,
                    f"found duplicate {k} name {t.name}, but all {k} targets must have a unique name",
                    t.key(kind, "name") if t.index is not None else t.key(kind),
                )
                return
            seen.add(t.name)

    def to_targets(self, lib: _T | None, bins: list[_T], others: dict[str, list[_T]]) -> None:
        out = self.out
        if lib is not None:
            ct = lib.crate_types()
            if ct is not None:
                key = lib.key("lib", "crate-type" if "crate-type" in lib.raw else "crate_type")
                if "dylib" in ct and "cdylib" in ct:
                    self._problem(7, f"library `{lib.name}` cannot set the crate type of both `dylib` and `cdylib`", key)
                elif "proc-macro" in ct and len(ct) > 1:
                    self._problem(7, "cannot mix `proc-macro` crate type with others", key)
            self._target_edition(lib, "lib")
            if lib.name is not None and lib.path is not None:
                out.targets.append(Target("lib", lib.name, _abs(self.root, lib.path)))
        for b in bins:
            if "filename" in b.raw:
                self._problem(7, feature_required("different-binary-name", "reference/unstable.html#different-binary-name"), b.key("bin", "filename"), "key")
                break
        self._unique(bins, "bin")
        for b in bins:
            self._target_edition(b, "bin")
            if b.name is not None and b.path is not None:
                out.targets.append(Target("bin", b.name, _abs(self.root, b.path)))
        for kind in ("example", "test", "bench"):
            ts = others[kind]
            self._unique(ts, kind)
            for t in ts:
                self._target_edition(t, kind)
                if t.name is not None and t.path is not None:
                    out.targets.append(Target(kind, t.name, _abs(self.root, t.path)))
        build = self.pkg.get("build")
        scripts: list[str] = []
        if build is None:
            if self.fs.is_file(self.root + "/build.rs"):
                scripts = ["build.rs"]
        elif build is True:
            scripts = ["build.rs"]
        elif isinstance(build, str):
            scripts = [build]
        elif isinstance(build, list):
            scripts = [s for s in build if isinstance(s, str)]
        for s in scripts:
            stem = posixpath.basename(s.rstrip("/"))
            stem = stem.rsplit(".", 1)[0] if "." in stem[1:] else stem
            out.targets.append(Target("custom-build", f"build-script-{stem}", _abs(self.root, s)))
        if all(t.kind == "custom-build" for t in out.targets):
            self._problem(
                7,
                "no targets specified in the manifest\n"
                "either src/lib.rs, src/main.rs, a [lib] section, or [[bin]] section must be present",
                ("package",) if "package" in self.data else (),
                "key",
            )


def parse_edition_error(value: str) -> str | None:
    """`Edition::from_str`'s error text, or None when the value is an edition."""
    if value in EDITIONS:
        return None
    year = value
    if year.isascii() and year.isdigit() and len(year) <= 5 and 2024 < int(year) < 2050:
        return (
            f"this version of Cargo is older than the `{value}` edition, and only supports "
            "`2015`, `2018`, `2021`, and `2024` editions."
        )
    return f"supported edition values are `2015`, `2018`, `2021`, or `2024`, but `{value}` is unknown"


def discover(manifest_dir: str, data: dict, fs: FileSystem, edition: str) -> Discovery:
    """Targets, load problems (stages 5 and 7) and deferred target errors of one package.

    ``edition`` is the package's edition as written ("2021"); anything cargo cannot parse counts
    as 2015, as in cargo's normalisation. A manifest without `[package]` has no targets.
    """
    d = _Discoverer(normalize(manifest_dir), _plain(data), fs, edition)
    if not isinstance(data.get("package"), dict) and not isinstance(data.get("project"), dict):
        return d.out
    lib = d.normalize_lib()
    bins = d.normalize_bins(lib is not None)
    others = {k: d.normalize_others(k) for k in ("example", "test", "bench")}
    d.to_targets(lib, bins, others)
    return d.out


def discover_targets(manifest_dir: str, data: dict, fs: FileSystem, edition: str) -> tuple[list[Target], list[LoadProblem]]:
    """The package's targets in cargo's order (lib, bins, examples, tests, benches, build
    script) and the load problems of target discovery. See `discover` for deferred errors."""
    out = discover(manifest_dir, data, fs, edition)
    return out.targets, out.problems
