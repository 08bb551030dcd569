"""Cargo's workspace model, rule for rule (spec §1–4, §10.1).

A ``Session`` is one cargo invocation: like cargo's process it remembers every manifest it has
loaded and every `[workspace]` root it has parsed (``ws_roots``), because that memory changes
answers (spec §3.7, §10.1). ``Context`` holds what is the same for every session over one view
of the files: the parsed manifests and their per-file load problems.

Functions mirror cargo's (`find_root`, `find_members`, `find_path_deps`, `validate`), so a
reader can check each against `src/cargo/core/workspace.rs`.
"""

from __future__ import annotations

import functools
import os
import posixpath
import weakref

from . import globs, manifest as manifest_mod
from .fs import FileSystem, FsError, join, normalize
from .manifest import DependencyDecl, Manifest
from .record import Record

MANIFEST = "Cargo.toml"


# -- errors ------------------------------------------------------------------------------------


class Origin(Record):
    """Where in the files an error is best shown: a manifest and a key path (or span) in it."""

    __slots__ = ("manifest", "key_path", "at", "span")
    __hash__ = None  # type: ignore[assignment]

    def __init__(self, manifest: str, key_path: tuple = (), at: str = "value", span: tuple[int, int] | None = None):
        self.manifest, self.key_path, self.at, self.span = manifest, key_path, at, span


class CargoFailure(Exception):
    """What cargo would print as `error:` (first line) and its `Caused by:` chain.

    ``shape`` "D" is a TOML diagnostic (syntax, types, names): cargo prints it at once, as the
    first error, and then the error that wrapped it with only the wrapper lines. So
    ``diagnostic`` holds that message and ``chain`` only the wrappers. ``code`` is the
    cargo-lens rule that reports it; ``origins`` the places to underline (innermost first).
    """

    def __init__(self, chain: tuple[str, ...], code: str, origins: list[Origin], shape: str = "P", stage: int = 0):
        self.diagnostic: str | None = chain[0] if shape == "D" else None
        self.chain = tuple(chain[1:]) if shape == "D" else tuple(chain)
        super().__init__(self.first_line)
        self.code = code
        self.origins = origins
        self.shape = shape
        self.stage = stage  # load_errors stage of a manifest's own problem (0: not one)
        self.facts: dict = {}  # what fixes need: the root, the member dir, ...

    def wrap(self, outer: str, origin: Origin | None = None) -> "CargoFailure":
        wrapped = CargoFailure((outer,) + self.chain, self.code, self.origins + ([origin] if origin else []), "P", self.stage)
        wrapped.diagnostic = self.diagnostic
        wrapped.shape = self.shape
        wrapped.facts = dict(self.facts)
        return wrapped

    @property
    def first_line(self) -> str:
        return (self.diagnostic or self.chain[0]).split("\n", 1)[0]

    @property
    def innermost(self) -> str | None:
        return self.chain[-1].split("\n", 1)[0] if len(self.chain) > 1 else None

    @property
    def key(self) -> tuple:
        return (self.diagnostic, self.chain)

    def text(self) -> str:
        parts = []
        if self.chain:
            out = self.chain[0]
            for cause in self.chain[1:]:
                out += "\n\nCaused by:\n  " + cause.replace("\n", "\n  ")
            parts.append(out)
        if self.diagnostic:
            parts.insert(0, self.diagnostic)
        return "\n\n".join(parts)


def kept(err: CargoFailure) -> CargoFailure:
    """``err`` without its traceback and context, to be kept as a value (in a result, in a
    cache across runs): their frames would tie every object of the run into reference cycles
    that only a full garbage collection frees, ~100 ms on a large workspace mid-keystroke."""
    err.__traceback__ = err.__context__ = err.__cause__ = None
    return err


# -- paths -------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=65536)
def _components(path: str) -> tuple[str, ...]:
    """Rust `Path::components` for a Unix path: `.` dropped except at the start, no `..` folding."""
    parts = tuple(p for p in path.split("/") if p not in ("", "."))
    if path.startswith("/"):
        return ("/",) + parts
    if path.startswith("./") or path == ".":
        return (".",) + parts
    return parts


def starts_with(path: str, prefix: str) -> bool:
    """Rust's `Path::starts_with`: a component-wise prefix test."""
    a, b = _components(path), _components(prefix)
    return len(b) <= len(a) and a[: len(b)] == b


def path_eq(a: str, b: str) -> bool:
    return _components(a) == _components(b)


def ends_with(path: str, suffix: str) -> bool:
    a, b = _components(path), _components(suffix)
    return len(b) <= len(a) and a[len(a) - len(b) :] == b


def diff_paths(path: str, base: str) -> str | None:
    """`pathdiff::diff_paths` for absolute, normalised paths."""
    a, b = _components(path), _components(base)
    i = 0
    while i < len(a) and i < len(b) and a[i] == b[i]:
        i += 1
    rel = [".."] * (len(b) - i) + list(a[i:])
    return "/".join(rel) if rel else ""


def _is_prefix(a: tuple, b: tuple) -> bool:
    return len(b) <= len(a) and a[: len(b)] == b


# -- the root config ---------------------------------------------------------------------------


class RootConfig(Record):
    """`WorkspaceRootConfig`: a `[workspace]` table's membership rules."""

    __slots__ = ("manifest", "root_dir", "members", "default_members", "exclude")
    __hash__ = None  # type: ignore[assignment]

    def __init__(self, manifest: Manifest, root_dir: str, members: list[str] | None,
                 default_members: list[str] | None, exclude: list[str]):
        self.manifest, self.root_dir, self.members = manifest, root_dir, members
        self.default_members, self.exclude = default_members, exclude

    @classmethod
    def of(cls, m: Manifest) -> "RootConfig":
        ws = m.workspace
        assert ws is not None
        return cls(
            m,
            m.dir,
            None if ws.members is None else [s for s, _ in ws.members],
            None if ws.default_members is None else [s for s, _ in ws.default_members],
            [s for s, _ in ws.exclude],
        )

    def excluding_entry(self, manifest_path: str) -> str | None:
        """The `exclude` entry that keeps ``manifest_path`` out, or None (spec §2.3)."""
        if not self.exclude:
            return None
        path = _components(manifest_path)
        hit = next((e for e in self.exclude if _is_prefix(path, _components(join(self.root_dir, e)))), None)
        if hit is None or self.members is None:
            return hit
        if any(_is_prefix(path, _components(join(self.root_dir, e))) for e in self.members):
            return None
        return hit

    def is_excluded(self, manifest_path: str) -> bool:
        return self.excluding_entry(manifest_path) is not None


# -- why a package is a member -----------------------------------------------------------------


class Reason(Record):
    """How a manifest entered the member set (immutable)."""

    __slots__ = ("kind", "entry", "glob", "via", "dep")

    def __init__(self, kind: str, entry: str | None = None, glob: bool = False, via: str | None = None,
                 dep: DependencyDecl | None = None):
        self.kind = kind  # "root" | "members" | "path-dep"
        self.entry = entry  # the members entry
        self.glob = glob  # the entry acted as a glob
        self.via = via  # manifest that declared the path dependency
        self.dep = dep


# -- shared context ----------------------------------------------------------------------------


class Context:
    """Everything that is the same for every cargo invocation over one view of the files."""

    def __init__(self, fs: FileSystem, env: dict[str, str] | None = None, shared: "SharedCache | None" = None,
                 *, plain: bool = False):
        self.fs = fs
        self.shared = shared
        # Manifests without source positions (`manifest.read(plain=True)`): for one-shot
        # verdicts (`cargo-lens metadata`) that never show where a problem is.
        self.plain = plain
        self.env = dict(os.environ if env is None else env)
        self._manifests: dict[str, Manifest] = {}
        self._problems: dict[tuple, list] = {}
        self._registries: dict[str, frozenset[str]] = {}
        self._packages: dict[tuple, tuple] = {}
        self._expansions: dict[tuple[str, str], tuple] = {}
        self._root_configs: dict[str, RootConfig] = {}
        self._ws_path_deps: dict[str, tuple] = {}  # see workspace_path_deps
        self._bodies: dict[tuple, tuple] = {}  # see Session._members_and_validation
        self._recording: list | None = None  # manifests read while a memoised step runs
        home = self.env.get("CARGO_HOME") or (
            posixpath.join(self.env["HOME"], ".cargo") if self.env.get("HOME") else None
        )
        self.cargo_home = normalize(home) if home else None

    def manifest(self, path: str) -> Manifest:
        path = normalize(path)
        m = self._manifests.get(path)
        if m is None:
            m = self.shared.read(path, self.fs) if self.shared is not None else manifest_mod.read(path, self.fs, plain=self.plain)
            self._manifests[path] = m
        if self._recording is not None:
            self._recording.append((path, m))
        return m

    def still_valid(self, reads: tuple) -> bool:
        """Whether every manifest recorded as read is still the same object (same text)."""
        return all(self.manifest(p) is m for p, m in reads)

    def root_config(self, m: Manifest) -> RootConfig:
        cfg = self._root_configs.get(m.path)
        if cfg is None or cfg.manifest is not m:
            cfg = RootConfig.of(m)
            self._root_configs[m.path] = cfg
        return cfg

    def workspace_path_deps(self, cfg: RootConfig) -> dict:
        """The root's `[workspace.dependencies]` entries with a string `path`: key -> (path,
        `package` rename or None, root dir). Members inherit from these; cached per root."""
        m = cfg.manifest
        found = self._ws_path_deps.get(m.path)
        if found is not None and found[0] is m:
            return found[1]
        out = {}
        ws = m.data.get("workspace", {})
        deps = ws.get("dependencies") if isinstance(ws, dict) else None
        if isinstance(deps, dict):
            for key, entry in deps.items():
                if isinstance(entry, dict):
                    p = entry.get("path")
                    if isinstance(p, str):
                        pk = entry.get("package")
                        out[key] = (p, pk if isinstance(pk, str) else None, cfg.root_dir)
        self._ws_path_deps[m.path] = (m, out)
        return out

    def expand(self, pattern: str) -> tuple:
        """Glob expansion of one members entry: (matches, None) or ((), error). Cached."""
        found = self._expansions.get(pattern)
        shared_key = None
        if found is None and self.shared is not None:
            # Unsaved manifests can make directories appear, so they are part of the key.
            shared_key = (pattern, self.shared.generation, frozenset(self.fs.overlay_paths()))
            found = self.shared.expansions.get(shared_key)
        if found is None:
            try:
                found = (tuple(globs.glob(pattern, self.fs)), None)
            except (globs.PatternError, globs.GlobLimitError) as err:
                found = ((), err)
            if shared_key is not None:
                if len(self.shared.expansions) > 10_000:
                    self.shared.expansions.clear()
                self.shared.expansions[shared_key] = found
        self._expansions[pattern] = found
        return found

    def registries(self, manifest_dir: str) -> frozenset[str]:
        from . import load_errors

        r = self._registries.get(manifest_dir)
        if r is None:
            r = load_errors.known_registries(manifest_dir, self.fs, self.env)
            self._registries[manifest_dir] = r
        return r

    def load_problems(self, path: str) -> list:
        """Every load problem of one manifest, as a cargo run with it as the current manifest
        meets them (``Session.problems``), remembered across runs while every manifest it
        read (the file, the ancestors it inherits through) is unchanged: resolving the
        inheritance source walks up the directories, for each file on each keystroke."""
        shared = self.shared
        if shared is None or self._recording is not None:
            return Session(self, path).problems(path)
        overlay = frozenset(self.fs.overlay_paths())
        memo = shared.problem_lists.get(path)
        if memo is not None and memo[0] == shared.generation and memo[1] == overlay and self.still_valid(memo[2]):
            return memo[3]
        reads: list = []
        self._recording = reads
        try:
            found = Session(self, path).problems(path)
        finally:
            self._recording = None
        shared.problem_lists[path] = (shared.generation, overlay, tuple(reads), found)
        return found

    def problems(self, m: Manifest, lookup, lookup_key) -> list:
        """`load_errors.check_manifest`, cached per (manifest, inheritance source)."""
        from . import load_errors

        key = (m.path, lookup_key)
        found = self._problems.get(key)
        if found is None and self.shared is not None:
            found = m.problem_cache.get((self.shared.generation, lookup_key))
        if found is None:
            found = load_errors.check_manifest(
                m.path, m.data, self.fs, workspace=lookup, registries=self.registries(m.dir)
            )
            if self.shared is not None:
                m.problem_cache[(self.shared.generation, lookup_key)] = found
        self._problems[key] = found
        return found


class SharedCache:
    """Per-file results that outlive one analysis run; the language server keeps one.

    A manifest is reused while its text is unchanged. Its load problems also depend on other
    files (target files, the root it inherits from — whose text is part of the key) and on
    the directory tree, so ``bump()`` after any file-system change forgets them.
    """

    def __init__(self) -> None:
        self.manifests: dict[str, Manifest] = {}
        self.expansions: dict[tuple, tuple] = {}
        self.prefixes: dict[str, tuple] = {}  # see Session._find_root_memoised
        self.bodies: dict[tuple, tuple] = {}  # see Session._members_and_validation
        self.problem_lists: dict[str, tuple] = {}  # see Context.load_problems
        self.generation = 0

    def read(self, path: str, fs: FileSystem) -> Manifest:
        try:
            text = fs.read_text(path)
        except FsError:
            text = None
        old = self.manifests.get(path)
        if old is not None and text is not None and old.text == text:
            return old
        fresh = manifest_mod.from_text(path, text) if text is not None else manifest_mod.read(path, fs)
        self.manifests[path] = fresh
        return fresh

    def bump(self) -> None:
        self.generation += 1


class _Lookup:
    """`WorkspaceLookup` for load_errors: the root a manifest inherits from, resolved lazily."""

    def __init__(self, session: "Session", m: Manifest):
        self._session = session
        self._m = m
        self._resolved: tuple | None = None

    def resolve(self) -> tuple:
        if self._resolved is None:
            self._resolved = self._session._inheritance_source(self._m)
        return self._resolved

    def workspace_table(self):
        kind, value = self.resolve()
        return value.manifest.data.get("workspace", {}) if kind == "root" else value

    def root_manifest_path(self):
        kind, value = self.resolve()
        return value.manifest.path if kind == "root" else None

    def key(self):
        kind, value = self.resolve()
        # The root's `[workspace]` table is part of the key: editing `[workspace.dependencies]`
        # changes the problems of every member that inherits from it; other root edits do not.
        return ("root", value.manifest.path, value.manifest.workspace_fingerprint()) if kind == "root" else ("error", value)


# -- one cargo invocation ----------------------------------------------------------------------


class Package(Record):
    """A manifest that loaded without error, as cargo's `MaybePackage`."""

    __slots__ = ("manifest", "root_config", "deps")
    __hash__ = None  # type: ignore[assignment]

    def __init__(self, manifest: Manifest, root_config: RootConfig | None, deps: list[tuple[DependencyDecl, str]]):
        self.manifest, self.root_config = manifest, root_config
        self.deps = deps  # (declaration, dependency manifest path)

    @property
    def path(self) -> str:
        return self.manifest.path

    @property
    def is_virtual(self) -> bool:
        return not self.manifest.has_package


class WorkspaceResult:
    """The outcome of one invocation, as `cargo metadata --no-deps` would report it."""

    def __init__(self, current: str):
        self.current = current
        self.root_manifest: str | None = None
        self.members: list[str] = []  # manifests, in cargo's discovery order
        self.default_members: list[str] = []
        self.reasons: dict[str, Reason] = {}
        self.explicit: set[str] = set()  # manifests a `members` entry names, and the root
        self.error: CargoFailure | None = None
        self.packages: dict[str, Package] = {}
        self.session: Session | None = None

    @property
    def workspace_root(self) -> str:
        return posixpath.dirname(self.root_manifest or self.current)


class Session:
    """One `cargo metadata --manifest-path <current>` run."""

    def __init__(self, ctx: Context, current: str):
        self.ctx = ctx
        self.current = normalize(current)
        self.packages: dict[str, Package] = {}
        self.ws_roots: dict[str, RootConfig] = {}
        # The result refers to its session (res.session); the session holds it strongly only
        # until run() returns it, so the two do not form a reference cycle afterwards.
        self._result_until_run: WorkspaceResult | None = WorkspaceResult(self.current)
        self._result = weakref.ref(self._result_until_run)
        self._inheriting: set[str] = set()
        # A TOML diagnostic met while looking for the root to inherit from: cargo prints it
        # first, before the error of the manifest that was inheriting.
        self._inheritance_diagnostic: dict[str, str | None] = {}

    # -- loading -----------------------------------------------------------------------------

    def load(self, path: str) -> Package:
        path = normalize(path)
        pkg = self.packages.get(path)
        if pkg is None:
            pkg = self._read(path)
            self.packages[path] = pkg
        return pkg

    def _read(self, path: str) -> Package:
        """cargo's `read_manifest`: every problem of this one file, or a Package."""
        m = self.ctx.manifest(path)
        lookup = _Lookup(self, m)
        key = (path, lookup.key() if m.inherits else None)
        cached = self.ctx._packages.get(key)
        shared = self.ctx.shared
        if cached is None and shared is not None:
            # Across runs (the language server): the same text, root and file-system state
            # give the same package; the manifest object lives exactly as long as its text.
            cached = m.problem_cache.get(("package", shared.generation, key[1]))
        if cached is None:
            try:
                cached = (self._read_fresh(m, lookup), None)
            except CargoFailure as err:
                cached = (None, kept(err))
            if shared is not None:
                m.problem_cache[("package", shared.generation, key[1])] = cached
        self.ctx._packages[key] = cached
        pkg, err = cached
        if m.workspace is not None and (pkg is not None or err.stage > 3):
            # cargo records a parsed root before normalising the rest of the file.
            self.ws_roots[m.dir] = self.ctx.root_config(m)
        if err is not None:
            raise err
        return pkg

    def problems(self, path: str, lookup: "_Lookup | None" = None) -> list:
        """All of a manifest's own load problems, in cargo's order ([] if unreadable).

        Resolve the inheritance source once per load (pass ``lookup``): resolving it reads
        ancestors, which records them in ws_roots even when they fail, so a second
        resolution could see a different answer than cargo's single one.
        """
        m = self.ctx.manifest(path)
        if m.read_error is not None or m.syntax_errors:
            return []
        lookup = lookup or _Lookup(self, m)
        return self.ctx.problems(m, lookup if m.inherits else None, lookup.key() if m.inherits else None)

    def _read_fresh(self, m: Manifest, lookup: "_Lookup") -> Package:
        path = m.path
        if m.read_error is not None:
            raise CargoFailure(
                (f"failed to read `{path}`", m.read_error), "manifest-unreadable", [Origin(path)]
            )
        if m.syntax_errors:
            err = m.syntax_errors[0]
            raise CargoFailure((err.message,), "toml-syntax", [Origin(path, span=err.span)], "D")
        problems = self.problems(path, lookup)
        first = problems[0] if problems else None
        if first is not None:
            origin = Origin(path, tuple(first.key_path), first.at)
            if first.shape == "D":
                raise CargoFailure((first.lines[0],), "manifest-invalid", [origin], "D", first.stage)
            failure = CargoFailure(
                (f"failed to parse manifest at `{path}`",) + tuple(first.lines), "manifest-invalid", [origin], "P", first.stage
            )
            if first.lines and first.lines[0].startswith("error inheriting"):
                failure.diagnostic = self._inheritance_diagnostic.get(path)
            raise failure
        if not m.has_package and m.workspace is None:
            raise CargoFailure(
                (f"failed to parse manifest at `{path}`", "manifest is missing either a `[package]` or a `[workspace]`"),
                "manifest-invalid",
                [Origin(path, span=(0, 0))],
            )
        deps = []
        inherited_paths: dict | None = None  # resolved on the first inherited dependency
        base_dir = m.dir
        for d in m.deps:
            if d.has_git:
                continue
            if d.inherited:
                if inherited_paths is None:
                    kind, value = lookup.resolve()
                    inherited_paths = self.ctx.workspace_path_deps(value) if kind == "root" else {}
                found = inherited_paths.get(d.key)
                if found is None:  # not a path dependency (or not inheritable): not followed
                    continue
                rel, renamed, base = found
                # The package name comes from the inherited entry; a `package` key beside
                # `workspace = true` is not used by cargo.
                d = d.renamed(renamed if renamed is not None else d.key)
            else:
                rel = d.path
                if rel is None:
                    continue
                base = base_dir
            deps.append((d, normalize(join(normalize(join(base, rel)), MANIFEST))))
        return Package(m, self.ctx.root_config(m) if m.workspace is not None else None, deps)

    def _inheritance_source(self, m: Manifest) -> tuple:
        """`load_inheritable_fields`: ("root", RootConfig) or ("error", cause chain)."""
        if m.workspace is not None:
            return ("root", self.ctx.root_config(m))
        if m.path in self._inheriting:
            return ("error", ("cyclic `package.workspace` pointers lead back to this manifest",))
        self._inheriting.add(m.path)
        try:
            if m.pointer is not None:
                root_path = normalize(join(join(m.dir, m.pointer), MANIFEST))
            else:
                root_path = self._walk(m.path, lambda p: self._root_of_loaded(self._read_uncached(p), p, m.path))
                if root_path is None:
                    return ("error", ("failed to find a workspace root",))
            cached = self.ws_roots.get(posixpath.dirname(root_path))
            if cached is not None:
                return ("root", cached)
            pkg = self._read_uncached(root_path)
            if pkg.root_config is None:
                return ("error", (f"root of a workspace inferred but wasn't a root: {root_path}",))
            return ("root", pkg.root_config)
        except CargoFailure as err:
            kept(err)  # it may be a cached one, raised again
            self._inheritance_diagnostic[m.path] = err.diagnostic
            return ("error", err.chain)
        finally:
            self._inheriting.discard(m.path)

    def _read_uncached(self, path: str) -> Package:
        # `find_workspace_root` / `inheritable_from_path` call read_manifest directly, not
        # through the workspace's package cache; the result is the same file, so reuse it.
        path = normalize(path)
        return self.packages.get(path) or self._read(path)

    # -- root discovery ----------------------------------------------------------------------

    def _root_of_loaded(self, pkg: Package, self_path: str, look_from: str) -> str | None:
        """`WorkspaceConfig::get_ws_root`."""
        if pkg.root_config is not None:
            return None if pkg.root_config.is_excluded(look_from) else self_path
        if pkg.manifest.pointer is not None:
            return normalize(join(join(pkg.manifest.dir, pkg.manifest.pointer), MANIFEST))
        return None

    def find_root(self, manifest_path: str) -> str | None:
        pkg = self.load(manifest_path)
        found = self._root_of_loaded(pkg, manifest_path, manifest_path)
        if found is not None:
            return found
        return self._walk(manifest_path, lambda p: self._root_of_loaded(self.load(p), p, manifest_path))

    def _walk(self, manifest_path: str, loader) -> str | None:
        """`find_workspace_root_with_loader`: remembered roots first, then the upward walk."""
        d = posixpath.dirname(manifest_path)
        probe = d
        while True:
            cfg = self.ws_roots.get(probe)
            if cfg is not None and not cfg.is_excluded(manifest_path):
                return join(probe, MANIFEST)
            parent = posixpath.dirname(probe)
            if parent == probe:
                break
            probe = parent
        for ancestor in self._root_iter(manifest_path):
            found = loader(ancestor)
            if found is not None:
                return found
        return None

    def _root_iter(self, manifest_path: str):
        """`find_root_iter`: ancestors from the package's parent, stopping at `target/package`,
        above `CARGO_HOME` and at the file-system boundary."""
        fs = self.ctx.fs
        home = self.ctx.cargo_home
        last = None
        cur = posixpath.dirname(posixpath.dirname(manifest_path))
        while True:
            if ends_with(cur, "target/package"):
                return
            if last is not None and home is not None and last == home:
                return
            if not fs.inside_boundary(cur):
                return
            candidate = join(cur, MANIFEST)
            if fs.exists(candidate):
                yield candidate
            parent = posixpath.dirname(cur)
            if parent == cur:
                return
            last, cur = cur, parent

    # -- members -----------------------------------------------------------------------------

    @property
    def result(self) -> WorkspaceResult:
        return self._result()

    def run(self) -> WorkspaceResult:
        res = self.result
        try:
            res.root_manifest = self._find_root_memoised()
            self._members_and_validation()
            if res.root_manifest is not None and self.current not in res.reasons:
                raise self._not_a_member_error()
        except CargoFailure as err:
            res.error = kept(err)
        except RecursionError:
            res.error = CargoFailure(
                ("the workspace is nested too deeply to analyse (path-dependency chain too long)",),
                "analysis-limit",
                [Origin(self.current)],
            )
        res.packages = self.packages
        res.session = self
        self._result_until_run = None
        return res

    def _find_root_memoised(self) -> str | None:
        """`find_root` for the current manifest, remembered across analysis runs.

        At the start of a run nothing is loaded, so the answer (and what it leaves in the
        package cache and ws_roots) depends only on the manifests it read. The language
        server re-analyses every manifest of the workspace on each keystroke; this keeps the
        cost of the unchanged ones to a few identity checks.
        """
        shared = self.ctx.shared
        if shared is None or self.packages or self.ws_roots or self.ctx._recording is not None:
            return self.find_root(self.current)
        memo = shared.prefixes.get(self.current)
        if memo is not None and memo[0] == shared.generation and self.ctx.still_valid(memo[1]):
            _, _, root, packages, ws_roots, diagnostics, error = memo
            self.packages.update(packages)
            self.ws_roots.update(ws_roots)
            self._inheritance_diagnostic.update(diagnostics)
            if error is not None:
                raise error
            return root
        reads: list = []
        self.ctx._recording = reads
        root, error = None, None
        try:
            root = self.find_root(self.current)
        except CargoFailure as err:
            error = kept(err)
        finally:
            self.ctx._recording = None
        shared.prefixes[self.current] = (
            shared.generation, tuple(reads), root, dict(self.packages), dict(self.ws_roots),
            dict(self._inheritance_diagnostic), error,
        )
        if error is not None:
            raise error
        return root

    def _members_and_validation(self) -> None:
        """`find_members` + `validate` (but the current-manifest check), shared between runs.

        Members and validation depend only on the root and on which roots this run has already
        parsed (cargo's ws_roots), so runs that agree on those reach the same members and
        errors: in a workspace of N packages, `workspaces` would otherwise repeat the same N
        loads N times, and the language server would compute them twice per keystroke (for the
        root's run and for the members'). Only the default members depend on whether the
        current manifest is the root; they are worked out per run, at the place in cargo's
        order where their errors come (expansion before the members, checks after them and
        before validation).
        """
        res = self.result
        root = res.root_manifest
        if root is None:
            self._find_members(None)
            return
        cfg = self._workspace_config()
        default_paths = None
        if root == self.current and cfg.manifest.workspace.default_members is not None:
            self.members_paths(cfg, cfg.manifest.workspace.members or [], "members")  # its errors come first
            default_paths = self.members_paths(cfg, cfg.manifest.workspace.default_members, "default-members")
        members, reasons, explicit, error, error_in = self._shared_members(root)
        res.members, res.reasons, res.explicit = members, reasons, explicit
        if error is not None and error_in == "members":
            raise error
        if default_paths is not None:
            res.default_members = self._checked_defaults(cfg, default_paths)
        else:  # cargo's `is_virtual` asks about the current manifest, not the root
            res.default_members = self._default_for_non_root()
        if error is not None:
            raise error

    def _shared_members(self, root: str) -> tuple:
        """(members, reasons, explicit, error, where the error came from: "members" or
        "validate"), computed once per (root, ws_roots) in a Context and across runs while
        every manifest it read is unchanged. The lists are shared, not copied (a workspace's
        N sessions would copy N lists of N): only this computation mutates them."""
        key = (root, frozenset(self.ws_roots))
        shared = self.ctx.shared
        memo = self.ctx._bodies.get(key)
        if memo is None and shared is not None:
            found = shared.bodies.get(key)
            if (
                found is not None
                and found[0] == shared.generation
                and found[1] == frozenset(self.ctx.fs.overlay_paths())
                and self.ctx.still_valid(found[2])
            ):
                memo = found[3]
                self.ctx._bodies[key] = memo
        if memo is not None:
            members, reasons, explicit, packages, ws_roots, error, error_in = memo
            self.packages.update(packages)
            self.ws_roots.update(ws_roots)
            return members, reasons, explicit, error, error_in
        res = self.result
        error, error_in = None, None
        reads: list | None = None
        if shared is not None and self.ctx._recording is None:
            reads = []
            self.ctx._recording = reads
        try:
            error_in = "members"
            self._find_members(root)
            error_in = "validate"
            self._validate()
        except CargoFailure as err:
            error = kept(err)
        finally:
            if reads is not None:
                self.ctx._recording = None
        if error is None:
            error_in = None
        if not (error is not None and error.code == "pointer-not-a-root"):
            memo = (res.members, res.reasons, res.explicit, dict(self.packages), dict(self.ws_roots), error, error_in)
            self.ctx._bodies[key] = memo
            if reads is not None:
                # The packages loaded before (the current one, its ancestors) are inputs too.
                before = tuple((p, pkg.manifest) for p, pkg in self.packages.items())
                shared.bodies[key] = (shared.generation, frozenset(self.ctx.fs.overlay_paths()), tuple(reads) + before, memo)
        return res.members, res.reasons, res.explicit, error, error_in

    def _default_for_non_root(self) -> list[str]:
        if self.load(self.current).is_virtual:
            return self.result.members
        return [self.current]

    def _workspace_config(self) -> RootConfig | None:
        root = self.result.root_manifest
        if root is None:
            return None
        pkg = self.load(root)
        if pkg.root_config is None:
            raise CargoFailure(
                (f"root of a workspace inferred but wasn't a root: {root}",),
                "pointer-not-a-root",
                [Origin(self.current, ("package", "workspace"))],
            )
        return pkg.root_config

    def members_paths(self, cfg: RootConfig, entries: list[tuple[str, object]], key: str):
        """Expand `members` / `default-members`: [(path, glob-or-None, entry, index)]."""
        out = []
        for index, (entry, _item) in enumerate(entries):
            joined = join(cfg.root_dir, entry)
            found, err = self.ctx.expand(joined)
            if isinstance(err, globs.PatternError):
                raise CargoFailure(
                    (f"could not parse pattern `{joined}`", str(err)),
                    "member-glob-invalid",
                    [Origin(cfg.manifest.path, ("workspace", key, index))],
                )
            if err is not None:
                raise CargoFailure(
                    (str(err),), "member-glob-too-large", [Origin(cfg.manifest.path, ("workspace", key, index))]
                )
            if not found:
                out.append((joined, None, entry, index))
                continue
            used_glob = len(found) > 1 or not path_eq(found[0], joined)
            for p in found:
                if self.ctx.fs.is_dir(p):
                    out.append((p, entry if used_glob else None, entry, index))
        return out

    def _find_members(self, root: str | None) -> None:
        """cargo's `find_members`, but the default members (``_checked_defaults``)."""
        res = self.result
        if root is None:
            res.members.append(self.current)
            res.default_members.append(self.current)
            res.reasons[self.current] = Reason("root")
            return
        cfg = self._workspace_config()
        members_paths = self.members_paths(cfg, cfg.manifest.workspace.members or [], "members")
        res.explicit = {normalize(join(p, MANIFEST)) for p, *_ in members_paths} | {root}
        for path, glob_entry, entry, index in members_paths:
            origin = Origin(cfg.manifest.path, ("workspace", "members", index))
            try:
                self._find_path_deps(join(path, MANIFEST), root, False, Reason("members", entry, glob_entry is not None))
            except CargoFailure as err:
                via = f" via `{glob_entry}`" if glob_entry else ""
                wrapped = kept(err).wrap(
                    f"failed to load manifest for workspace member `{path}`\nreferenced{via} by workspace at `{root}`",
                    origin,
                )
                wrapped.facts.update(root=root, member_dir=normalize(path), entry=entry, glob=glob_entry is not None)
                raise wrapped from None
        self._find_path_deps(root, root, False, Reason("root"))

    def _checked_defaults(self, cfg: RootConfig, default_paths: list) -> list[str]:
        """`default-members` of the root's own run: each must be a member (or excluded)."""
        res = self.result
        root = cfg.manifest.path
        members_paths = self.members_paths(cfg, cfg.manifest.workspace.members or [], "members")
        defaults = []
        for path, glob_entry, entry, index in default_paths:
            norm = normalize(path)
            mpath = join(norm, MANIFEST)
            if mpath not in res.reasons:
                excluded = any(normalize(m) == norm for m, *_ in members_paths) and cfg.is_excluded(norm)
                if excluded:
                    continue
                via = f" via `{glob_entry}`" if glob_entry else ""
                raise CargoFailure(
                    (f"package `{path}` is listed in default-members{via} but is not a member\nfor workspace at `{root}`.",),
                    "default-member-not-member",
                    [Origin(cfg.manifest.path, ("workspace", "default-members", index))],
                )
            defaults.append(mpath)
        return defaults

    def _find_path_deps(self, manifest_path: str, root_manifest: str, is_path_dep: bool, reason: Reason) -> None:
        res = self.result
        manifest_path = normalize(manifest_path)
        if manifest_path in res.reasons:
            return
        root_dir = posixpath.dirname(root_manifest)
        if (
            is_path_dep
            and not starts_with(posixpath.dirname(manifest_path), root_dir)
            and self.find_root(manifest_path) != res.root_manifest
        ):
            return
        root_pkg = self.load(root_manifest)
        if root_pkg.root_config is not None and root_pkg.root_config.is_excluded(manifest_path):
            return
        res.members.append(manifest_path)
        res.reasons[manifest_path] = reason
        pkg = self.load(manifest_path)
        if pkg.is_virtual:
            return
        reasons = res.reasons
        for decl, dep_manifest in pkg.deps:
            if dep_manifest in reasons:  # (normalised) already a member: the call would return
                continue
            try:
                self._find_path_deps(dep_manifest, root_manifest, True, Reason("path-dep", via=manifest_path, dep=decl))
            except CargoFailure as err:
                raise kept(err).wrap(
                    f"failed to load manifest for dependency `{decl.package}`",
                    Origin(manifest_path, decl.key_path, "key"),
                ) from None

    # -- validation --------------------------------------------------------------------------

    def _validate(self) -> None:
        res = self.result
        if res.root_manifest is None:
            return
        root = res.root_manifest
        names: dict[str, str] = {}
        for member in res.members:
            pkg = self.packages[member]
            if pkg.is_virtual:
                continue
            name = pkg.manifest.name
            prev = names.setdefault(name, member)
            if prev != member:
                raise CargoFailure(
                    (f"two packages named `{name}` in this workspace:\n- {prev}\n- {member}",),
                    "duplicate-package-name",
                    [Origin(member, ("package", "name")), Origin(prev, ("package", "name"))],
                )
        roots = [posixpath.dirname(m) for m in res.members if self.packages[m].root_config is not None]
        if not roots:
            raise CargoFailure(
                (
                    "`package.workspace` configuration points to a crate which is not configured with [workspace]: \n"
                    f"configuration at: {self.current}\npoints to: {root}",
                ),
                "pointer-not-a-root",
                [Origin(self.current, ("package", "workspace"))],
            )
        if len(roots) > 1:
            listing = "\n".join(f"  {r}" for r in roots)
            raise CargoFailure(
                (f"multiple workspace roots found in the same workspace:\n{listing}",),
                "multiple-workspace-roots",
                [Origin(join(r, MANIFEST), ("workspace",), "table") for r in roots if join(r, MANIFEST) != root],
            )
        for member in list(res.members):
            found = self.find_root(member)
            if found == root:
                continue
            if found is not None:
                raise CargoFailure(
                    (f"package `{member}` is a member of the wrong workspace\nexpected: {root}\nactual:   {found}",),
                    "member-of-wrong-workspace",
                    [Origin(member, ("package",), "table")],
                )
            raise CargoFailure(
                (f"workspace member `{member}` is not hierarchically below the workspace root `{root}`",),
                "member-not-below-root",
                [Origin(member, ("package",), "table")],
            )

    def _not_a_member_error(self) -> CargoFailure:
        root = self.result.root_manifest
        rel = diff_paths(normalize(posixpath.dirname(self.current)), normalize(posixpath.dirname(root)))
        members_msg = (
            f"this may be fixable by adding `{rel}` to the `workspace.members` array of the manifest located at: {root}"
            if rel is not None
            else f"this may be fixable by adding a member to the `workspace.members` array of the manifest located at: {root}"
        )
        root_pkg = self.packages[root]
        if not root_pkg.is_virtual and root_pkg.root_config.members is None:
            extra = f"this may be fixable by ensuring that this crate is depended on by the workspace root: {root}"
        else:
            extra = members_msg
        failure = CargoFailure(
            (
                "current package believes it's in a workspace when it's not:\n"
                f"current:   {self.current}\nworkspace: {root}\n\n{extra}\n"
                "Alternatively, to keep it out of the workspace, add the package to the `workspace.exclude` array, "
                "or add an empty `[workspace]` table to the package's manifest.",
            ),
            "not-a-member",
            [Origin(self.current, ("package",), "table")],
        )
        failure.facts.update(root=root, current=self.current)
        return failure


def analyze(ctx: Context, manifest_path: str) -> WorkspaceResult:
    """What `cargo metadata --no-deps --manifest-path <manifest_path>` decides."""
    return Session(ctx, manifest_path).run()
