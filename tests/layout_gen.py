"""Random Cargo workspace layouts, deterministic per seed (for tests/test_random_layouts.py).

``generate(seed)`` returns a ``Layout``: ``files`` (relative POSIX path -> content, ready for
``cargo_oracle.materialize``), ``notes`` (what the generator did on purpose, for humans) and
``root_name`` (the directory name to materialize it in: normally "layout", rarely one with glob
metacharacters, because cargo globs the *absolute* path, spec 2.1).

The layouts aim to be realistic (groups like ``crates/*``, root packages, xtask, vendored code,
independent workspaces side by side) and nasty (everything in spec sections 1-3 and 10 that can
change a verdict):

* virtual roots and root packages; ``members`` absent / ``[]`` / literal / globs (``crates/*``,
  ``c*/?``, ``[ab]*``, ``[!x]*``, rare ``**``), trailing slashes, ``./`` prefixes, ``.``, entries
  outside the root, missing literals, unmatched globs, globs that hit a directory without a
  manifest, entries in random order;
* ``exclude`` (component prefixes, trailing slash, ``./``, globs and ``..`` that do not work,
  non-matching entries, ``.``), ``default-members`` (valid, non-member, glob, missing, ``[]``);
* nested roots, sibling roots, a root inside a vendored directory (the root-cache case 25);
* ``package.workspace`` pointers (valid from outside, redundant from inside, to a non-root, to a
  root that does not list the package, to a missing manifest), inherited by child packages;
* path dependencies in every dependency table (incl. ``cfg(any())``, foreign triples, legacy
  ``dev_dependencies``), ``workspace = true`` through ``[workspace.dependencies]`` (used, unused,
  undefined), ``[patch.crates-io]``, renamed and optional deps, dependencies outside the root,
  missing directories, cycles, ``path = "."``;
* unclaimed packages under a root, packages without targets (nothing / only build.rs / only an
  example / only main.rs), empty ``Cargo.toml`` files (also as an ancestor of other packages),
  inherited ``[workspace.package]`` fields, rare duplicate package names;
* TOML spelled in different ways: ``[workspace]`` tables, ``workspace.members = ...`` dotted keys,
  inline ``workspace = { ... }``, literal strings, multi-line arrays with comments and trailing
  commas, ``[dependencies.x]`` sub-tables, dotted ``x.path = ...`` keys, tables in odd order.

Every generated manifest parses with Python's ``tomllib`` unless the generator breaks it on
purpose (rare; listed in ``Layout.broken``; such a manifest counts as a package, like the corpus's
"unparsable" kind), so the roots/packages split is unambiguous.

Run ``python tests/layout_gen.py SEED [DEST]`` to print a layout (and write it to DEST).
"""

from __future__ import annotations

import json
import posixpath
import random
import sys
from dataclasses import dataclass, field

try:
    import tomllib
except ModuleNotFoundError:  # pragma: no cover
    tomllib = None  # type: ignore[assignment]

GROUPS = ["crates", "libs", "components", "tools", "plugins", "c1", "c2", "examples", "bins", "compiler"]
LEAVES = ["a", "b", "ab", "c", "core", "cli", "util", "x", "y", "macros", "a-b", "b_c", ".hidden",
          "x1", "io", "net", "z", "abc", "bb", "ba"]
TOP_LEAVES = ["xtask", "app", "server", "fuzz", "bench", "cli", "a", "b"]
MAIN_ROOTS = ["ws", "repo", "project/ws", "w"]
OUTSIDE_DIRS = ["ext", "ext2", "shared/ext3", "third_party/lib", "wsx"]
NESTED_ROOT_DIRS = ["nested", "vendor/up", "tools/ws2", "crates/inner-ws", "sub/ws"]
SIBLING_ROOT_DIRS = ["other", "second/ws", "tools-ws"]
EDITIONS = [None, "2015", "2018", "2021", "2021", "2021", "2024", "2024"]

# (table header, weight); `workspace = true` is chosen separately and can go in any of them.
DEP_TABLES = [
    ("dependencies", 30),
    ("dev-dependencies", 12),
    ("build-dependencies", 8),
    ("target.'cfg(any())'.dependencies", 8),
    ('target."cfg(unix)".dev-dependencies', 6),
    ("target.x86_64-pc-windows-msvc.build-dependencies", 6),
    ("target.'cfg(all(unix, not(unix)))'.dependencies", 3),
    ("target.'cfg(windows)'.dependencies", 3),
    ("dev_dependencies", 2),
    ("build_dependencies", 1),
]


@dataclass
class Layout:
    seed: int
    files: dict[str, str]
    notes: list[str]
    root_name: str = "layout"
    broken: list[str] = field(default_factory=list)   # manifests with deliberate TOML syntax errors

    def describe(self) -> str:
        return "\n".join(f"  - {n}" for n in self.notes) or "  (nothing special)"


@dataclass
class Dep:
    key: str
    table: str
    path: str | None = None           # as written, relative to the package dir
    workspace: bool = False           # `key = { workspace = true }`
    package: str | None = None        # rename
    version: str | None = None
    optional: bool = False
    style: str = "inline"             # inline | dotted | table


@dataclass
class WsSpec:
    members: list[str] | None = None
    exclude: list[str] | None = None
    default_members: list[str] | None = None
    resolver: str | None = None
    deps: dict[str, str] = field(default_factory=dict)        # name -> path (relative to root)
    package_fields: dict[str, str] = field(default_factory=dict)
    patch: dict[str, str] = field(default_factory=dict)
    style: str = "table"              # table | dotted | inline
    literal_strings: bool = False
    multiline: bool = False


@dataclass
class Pkg:
    dir: str
    name: str | None                  # None: virtual manifest (no [package])
    edition: str | None = "2021"
    version: str | None = "0.1.0"
    pointer: str | None = None        # package.workspace
    deps: list[Dep] = field(default_factory=list)
    targets: str = "lib"              # lib | main | lib+main | example | none | buildrs
    ws: WsSpec | None = None
    inherit: list[str] = field(default_factory=list)   # package fields with `.workspace = true`
    empty: bool = False
    broken: str | None = None         # replaces the manifest with this (invalid TOML) text
    ws_first: bool = False


def is_under(d: str, anc: str) -> bool:
    """``d`` equals ``anc`` or lies below it (relative POSIX dirs, "." = layout root)."""
    if anc == ".":
        return True
    return d == anc or d.startswith(anc + "/")


def join(a: str, b: str) -> str:
    return posixpath.normpath(posixpath.join(a, b)) if a != "." else posixpath.normpath(b)


def rel(to: str, frm: str) -> str:
    return posixpath.relpath(to if to != "." else ".", frm if frm != "." else ".")


def tkey(k: str) -> str:
    """A TOML key: bare when possible, quoted otherwise."""
    return k if k and all(c.isascii() and (c.isalnum() or c in "-_") for c in k) else json.dumps(k)


def q(s: str, literal: bool = False) -> str:
    if literal and "'" not in s and "\n" not in s:
        return f"'{s}'"
    return json.dumps(s)


class _Gen:
    def __init__(self, seed: int):
        self.seed = seed
        self.rng = random.Random(seed)
        self.pkgs: dict[str, Pkg] = {}        # dir -> Pkg (every manifest)
        self.roots: list[str] = []            # dirs of manifests with [workspace]
        self.extra_files: dict[str, str] = {}
        self.notes: list[str] = []
        self.names: set[str] = set()
        self.broken: list[str] = []

    # -- helpers ------------------------------------------------------------------------------

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def pick(self, seq):
        return self.rng.choice(list(seq))

    def weighted(self, pairs):
        items, weights = zip(*pairs)
        return self.rng.choices(items, weights=weights, k=1)[0]

    def new_name(self, d: str) -> str:
        leaf = posixpath.basename(d) if d != "." else "top"
        base = "-".join(x for x in "".join(c if c.isalnum() or c in "_-" else "-" for c in leaf).split("-") if x) or "pkg"
        if base[0].isdigit():
            base = "p" + base
        prefix = self.pick(["", "", "", "my-", "lens_", "proj-"])
        name = prefix + base
        n = 2
        while name in self.names:
            name = f"{prefix}{base}-{n}"
            n += 1
        self.names.add(name)
        return name

    def owner(self, d: str) -> str | None:
        """Nearest root whose dir is ``d`` or an ancestor of it."""
        cands = [r for r in self.roots if is_under(d, r)]
        return max(cands, key=lambda r: 0 if r == "." else len(r)) if cands else None

    def add_pkg(self, d: str, *, virtual: bool = False) -> Pkg:
        p = Pkg(dir=d, name=None if virtual else self.new_name(d),
                edition=self.pick(EDITIONS), ws_first=self.chance(0.25))
        if not virtual:
            p.version = self.weighted([("0.1.0", 8), (None, 1), ("1.2.3", 1)])
            p.targets = self.weighted([("lib", 84), ("main", 6), ("lib+main", 4), ("example", 3),
                                       ("none", 1.5), ("buildrs", 1), ("lib-path", 1.5), ("bin-decl", 1.5),
                                       ("bin-decl-missing", 0.4), ("lib-decl-missing", 0.4)])
            if p.targets not in ("lib", "main", "lib+main"):
                self.notes.append(f"{d}: targets: {p.targets}")
            if self.chance(0.003):
                p.name = self.pick(["{{project-name}}", "1abc", "a.b"])
                self.notes.append(f"{d}: invalid package name {p.name!r}")
        else:
            p.targets = "none"
        self.pkgs[d] = p
        return p

    # -- structure ------------------------------------------------------------------------------

    def build(self) -> Layout:
        rng = self.rng
        budget = rng.randint(3, 10)
        main = "." if self.chance(0.55) else self.pick(MAIN_ROOTS)
        self.roots.append(main)
        main_virtual = self.chance(0.55)
        self.add_pkg(main, virtual=main_virtual)
        self.pkgs[main].ws = WsSpec()
        self.notes.append(f"main root {main} ({'virtual' if main_virtual else 'root package'})")

        if self.chance(0.25) and budget >= 4:
            nd = join(main, self.pick(NESTED_ROOT_DIRS))
            self.roots.append(nd)
            nv = self.chance(0.5)
            self.add_pkg(nd, virtual=nv)
            self.pkgs[nd].ws = WsSpec()
            self.notes.append(f"nested root {nd} ({'virtual' if nv else 'root package'})")
        if main != "." and self.chance(0.2) and budget >= 5:
            sd = self.pick(SIBLING_ROOT_DIRS)
            self.roots.append(sd)
            sv = self.chance(0.5)
            self.add_pkg(sd, virtual=sv)
            self.pkgs[sd].ws = WsSpec()
            self.notes.append(f"independent sibling root {sd}")
        if main != "." and self.chance(0.12):
            # A plain package or an empty/broken manifest above the main root.
            kind = self.weighted([("plain", 3), ("empty", 1), ("pointer", 1)])
            top = self.add_pkg(".")
            if kind == "empty":
                top.empty = True
                self.notes.append("empty Cargo.toml at the layout root, above the main root")
            elif kind == "pointer":
                top.pointer = rel(main, ".")
                self.notes.append(f"layout-root package points at {main} (children inherit the pointer)")
            else:
                self.notes.append("plain package at the layout root, above the main root")

        groups = self.rng.sample(GROUPS, k=self.rng.randint(1, 3))
        tries = 0
        while len(self.pkgs) < budget and tries < 200:
            tries += 1
            where = self.weighted([("group", 55), ("top", 12), ("nested", 10 if len(self.roots) > 1 else 0),
                                   ("outside", 14 if main != "." else 0), ("child", 7), ("deep", 2),
                                   ("target-package", 1)])
            if where == "group":
                r = self.pick(self.roots) if self.chance(0.25) else main
                d = join(r, f"{self.pick(groups)}/{self.pick(LEAVES)}")
            elif where == "top":
                d = join(main, self.pick(TOP_LEAVES))
            elif where == "nested":
                r = self.pick(self.roots[1:])
                d = join(r, self.pick(["inner", "x", f"{self.pick(groups)}/{self.pick(LEAVES)}"]))
            elif where == "outside":
                d = self.pick(OUTSIDE_DIRS)
            elif where == "child":
                parents = [p for p in self.pkgs if p not in self.roots and p != "."]
                if not parents:
                    continue
                d = join(self.pick(parents), self.pick(["sub", "inner", "crates/x", "fuzz"]))
            elif where == "target-package":
                d = join(main, "target/package/foo-0.1.0")
            else:
                d = join(main, f"{self.pick(groups)}/{self.pick(LEAVES)}/{self.pick(LEAVES)}")
            if d in self.pkgs or any(d == r for r in self.roots):
                continue
            if where == "target-package":
                self.notes.append(f"{d}: under target/package (the root walk stops there)")
            self.add_pkg(d)
        if self.chance(0.12):
            self.add_non_manifest_dir(main, groups)

        self.make_dependencies()
        for r in self.roots:
            self.make_workspace(r)
        self.make_pointers()
        self.make_anomalies()
        files = self.emit()
        root_name = "layout"
        if self.chance(0.03):
            root_name = self.pick(["br[x]", "star*dir", "q?mark"])
            self.notes.append(f"layout root directory is named {root_name!r} (glob metacharacters)")
        return Layout(self.seed, files, self.notes, root_name, sorted(self.broken))

    def add_non_manifest_dir(self, main: str, groups: list[str]) -> None:
        g = join(main, self.pick(groups))
        kind = self.pick(["dir", "file"])
        if kind == "dir":
            self.extra_files[f"{g}/docs/README.md"] = "# docs\n"
            self.notes.append(f"{g}/docs: a directory without Cargo.toml")
        else:
            self.extra_files[f"{g}/README.md"] = "# readme\n"

    # -- dependencies ---------------------------------------------------------------------------

    def make_dependencies(self) -> None:
        dirs = list(self.pkgs)
        for d in dirs:
            p = self.pkgs[d]
            if p.name is None or p.empty:
                continue
            n = self.weighted([(0, 35), (1, 35), (2, 20), (3, 10)])
            used_keys: set[tuple[str, str]] = set()
            for _ in range(n):
                target = self.choose_dep_target(d)
                if target is None:
                    continue
                table = self.weighted(DEP_TABLES)
                if table in ("dev_dependencies", "build_dependencies") and p.edition == "2024" and self.chance(0.8):
                    table = "dependencies"
                if table in ("dev_dependencies", "build_dependencies"):
                    self.notes.append(f"{d}: legacy [{table}] spelling (edition {p.edition})")
                tgt_pkg = self.pkgs.get(target)
                key = tgt_pkg.name if tgt_pkg and tgt_pkg.name else posixpath.basename(target).lstrip(".") or "ghost"
                dep = Dep(key=key, table=table)
                if tgt_pkg and tgt_pkg.name and self.chance(0.07):
                    dep.package, dep.key = tgt_pkg.name, f"{tgt_pkg.name.replace('-', '_')}_renamed"
                elif tgt_pkg and tgt_pkg.name and self.chance(0.03):
                    dep.key = key + "-wrongname"
                    self.notes.append(f"{d}: dep key {dep.key} differs from the package name {key}")
                if (table, dep.key) in used_keys:
                    continue
                used_keys.add((table, dep.key))
                owner = self.owner(d)
                if owner is not None and self.chance(0.15):
                    dep.workspace = True
                    root_ws = self.pkgs[owner].ws
                    if root_ws is not None:
                        root_ws.deps[dep.key] = self.decorate_path(rel(target, owner))
                        self.notes.append(f"{d}: {dep.key} via workspace = true from {owner}")
                else:
                    dep.path = self.decorate_path(rel(target, d))
                if self.chance(0.08):
                    dep.version = self.pick(["0.1", "0.1.0", "*", "1"])
                if self.chance(0.04) and ("dev" not in table or self.chance(0.2)):
                    dep.optional = True
                dep.style = self.weighted([("inline", 70), ("dotted", 15), ("table", 15)])
                p.deps.append(dep)

    def choose_dep_target(self, d: str) -> str | None:
        candidates = [o for o, op in self.pkgs.items() if o != d and op.name is not None and not op.empty]
        kind = self.weighted([("same-owner", 62), ("any", 25), ("missing", 2), ("self", 1),
                              ("virtual", 1), ("root", 4)])
        own = self.owner(d)
        if kind == "same-owner":
            same = [o for o in candidates if self.owner(o) == own]
            return self.pick(same) if same else (self.pick(candidates) if candidates else None)
        if kind == "any":
            return self.pick(candidates) if candidates else None
        if kind == "missing":
            ghost = join(own or ".", self.pick(["ghost", "crates/ghost", "missing-dep"]))
            if ghost in self.pkgs:
                return None
            self.notes.append(f"{d}: path dependency on missing dir {ghost}")
            return ghost
        if kind == "self":
            self.notes.append(f"{d}: path dependency on itself")
            return d
        if kind == "virtual":
            virt = [o for o, op in self.pkgs.items() if op.name is None and o != d]
            if virt:
                self.notes.append(f"{d}: path dependency on virtual manifest {virt[0]}")
                return virt[0]
            return None
        roots = [r for r in self.roots if r != d and self.pkgs[r].name is not None]
        if roots:
            r = self.pick(roots)
            self.notes.append(f"{d}: path dependency on root package {r}")
            return r
        return None

    def decorate_path(self, path: str) -> str:
        r = self.rng.random()
        if r < 0.08:
            return path + "/"
        if r < 0.13 and not path.startswith(".."):
            return "./" + path
        return path

    # -- workspaces -----------------------------------------------------------------------------

    def owned(self, r: str) -> list[str]:
        return [d for d in self.pkgs if d != r and self.owner(d) == r and not self.pkgs[d].empty]

    def make_workspace(self, r: str) -> None:
        ws = self.pkgs[r].ws
        assert ws is not None
        root = self.pkgs[r]
        ws.resolver = self.weighted([(None, 3), ("2", 5), ("3", 1), ("1", 1)])
        ws.style = self.weighted([("table", 80), ("dotted", 10), ("inline", 10)])
        ws.literal_strings = self.chance(0.2)
        ws.multiline = self.chance(0.3)
        owned = [rel(d, r) for d in self.owned(r)]
        others = [rel(d, r) for d in self.pkgs if self.owner(d) != r and d != r
                  and self.pkgs[d].name is not None]

        # members
        if root.name is not None and self.chance(0.35):
            ws.members = None
        elif self.chance(0.06):
            ws.members = []
        else:
            entries: list[str] = []
            by_group: dict[str, list[str]] = {}
            for o in owned:
                by_group.setdefault(posixpath.dirname(o) or ".", []).append(o)
            for grp, items in by_group.items():
                grp_is_pkg = join(r, grp) in self.pkgs
                if grp != "." and self.chance(0.5) and (not grp_is_pkg or self.chance(0.1)):
                    entries.append(self.glob_for(grp, items))
                else:
                    for o in items:
                        if self.chance(0.8):
                            entries.append(self.decorate_path(o))
            if self.chance(0.03):
                entries.append(self.pick(["*", "*/*"]))
                self.notes.append(f"{r}: members entry {entries[-1]!r} at the top")
            if root.name is not None and self.chance(0.15):
                entries.append(self.pick([".", ".", "./", ""]))
                self.notes.append(f"{r}: members lists the root itself ({entries[-1]!r})")
            if others and self.chance(0.15):
                o = self.pick(others)
                entries.append(o)
                self.notes.append(f"{r}: members lists {o}, which is outside its subtree or owned by another root")
            if self.chance(0.03):
                entries.append(self.pick(["missing", "crates/missing", "plugins/*", "nope/*/x"]))
                self.notes.append(f"{r}: members entry {entries[-1]!r} matches nothing")
            if self.chance(0.015) and by_group:
                g = self.pick([g for g in by_group if g != "."] or ["crates"])
                entries.append(f"{g}/**")
                self.notes.append(f"{r}: members uses {g}/**")
            if self.chance(0.02):
                entries.append("README.md")
                self.extra_files[join(r, "README.md")] = "readme\n"
            self.rng.shuffle(entries)
            ws.members = entries

        # exclude
        if self.chance(0.35):
            ex: list[str] = []
            pool = owned + (others if self.chance(0.2) else [])
            for _ in range(self.rng.randint(1, 3)):
                if not pool:
                    break
                o = self.pick(pool)
                kind = self.weighted([("exact", 40), ("parent", 15), ("slash", 8), ("dot", 6), ("glob", 10),
                                      ("dotdot", 5), ("nomatch", 8), ("prefix", 6), ("root", 2)])
                parent = posixpath.dirname(o) or "."
                if kind == "exact":
                    ex.append(o)
                elif kind == "parent":
                    ex.append(parent)
                elif kind == "slash":
                    ex.append(o + "/")
                elif kind == "dot":
                    ex.append("./" + o)
                elif kind == "glob":
                    ex.append(posixpath.join(parent, "*") if parent != "." else "*")
                elif kind == "dotdot":
                    ex.append(f"{parent}/../{o}" if parent != "." else f"x/../{o}")
                elif kind == "nomatch":
                    ex.append(self.pick(["nothing", "target", "docs/old"]))
                elif kind == "prefix":
                    ex.append(o[:-1] if len(posixpath.basename(o)) > 1 else o + "b")
                else:
                    ex.append(".")
                self.notes.append(f"{r}: exclude {ex[-1]!r} ({kind})")
            ws.exclude = ex

        # default-members
        if self.chance(0.3):
            dm: list[str] = []
            kind = self.weighted([("valid", 50), ("glob", 12), ("nonmember", 12), ("missing", 5),
                                  ("empty", 6), ("root", 10), ("implicit", 5)])
            if kind == "valid" and owned:
                dm = [self.decorate_path(o) for o in self.rng.sample(owned, k=self.rng.randint(1, min(2, len(owned))))]
            elif kind == "glob" and ws.members:
                globs = [m for m in ws.members if any(c in m for c in "*?[")]
                dm = [self.pick(globs)] if globs else [self.pick(ws.members)]
            elif kind == "nonmember" and (others or owned):
                dm = [self.pick(others or owned)]
            elif kind == "missing":
                dm = ["not-there"]
            elif kind == "root":
                dm = ["."] + ([self.pick(owned)] if owned and self.chance(0.5) else [])
            elif kind == "implicit":
                dep_targets = sorted({rel(join(d, dep.path), r) for d in self.owned(r) + [r]
                                      for dep in self.pkgs[d].deps if dep.path and not dep.workspace})
                dm = [self.pick(dep_targets)] if dep_targets else ["."]
            ws.default_members = dm
            self.notes.append(f"{r}: default-members {dm!r} ({kind})")

        # [workspace.package] inheritance
        if self.chance(0.15):
            if self.chance(0.8):
                ws.package_fields["version"] = "0.2.0"
            if self.chance(0.6):
                ws.package_fields["edition"] = self.pick(["2021", "2024", "2018"])
            defined = [f for f in ("version", "edition") if f in ws.package_fields]
            for o in self.owned(r):
                p = self.pkgs[o]
                if p.name is not None and defined and self.chance(0.5):
                    p.inherit = [f for f in defined if self.chance(0.7)] or defined[:1]
                    self.notes.append(f"{o}: inherits {p.inherit} from {r}")
        elif self.chance(0.02):
            own = [o for o in self.owned(r) if self.pkgs[o].name is not None]
            if own:
                o = self.pick(own)
                self.pkgs[o].inherit = ["version"]
                self.notes.append(f"{o}: inherits version but {r} has no [workspace.package]")

        # unused and undefined [workspace.dependencies]
        if ws.deps and self.chance(0.3):
            ws.deps["unused-ghost"] = self.pick(["ghost", "crates/unused"])
        if self.chance(0.025):
            cand = [o for o in self.owned(r) if self.pkgs[o].name is not None]
            if cand:
                o = self.pick(cand)
                self.pkgs[o].deps.append(Dep(key="undefined-dep", table="dependencies", workspace=True))
                self.notes.append(f"{o}: inherits undefined-dep, which {r} does not define")

        # [patch.crates-io]
        if self.chance(0.15):
            cand = [d for d, p in self.pkgs.items() if p.name is not None and d != r]
            if cand and self.chance(0.7):
                t = self.pick(cand)
                ws.patch[self.pkgs[t].name] = rel(t, r)
                self.notes.append(f"{r}: [patch.crates-io] points at {t}")
            else:
                ws.patch["serde"] = "patches/serde"
                self.notes.append(f"{r}: [patch.crates-io] points at a missing dir")

    def glob_for(self, grp: str, items: list[str]) -> str:
        leaves = [posixpath.basename(i) for i in items]
        first = sorted({x[0] for x in leaves})
        kind = self.weighted([("star", 50), ("star-slash", 6), ("dot-star", 6), ("class", 12),
                              ("neg-class", 5), ("prefix-star", 8), ("question", 8), ("dir-star", 5)])
        if kind == "star":
            g = f"{grp}/*"
        elif kind == "star-slash":
            g = f"{grp}/*/"
        elif kind == "dot-star":
            g = f"./{grp}/*"
        elif kind == "class":
            g = f"{grp}/[{''.join(first[:2])}]*"
        elif kind == "neg-class":
            g = f"{grp}/[!x]*"
        elif kind == "prefix-star":
            g = f"{grp}/{leaves[0][0]}*"
        elif kind == "question" and any(len(x) == 1 for x in leaves):
            g = f"{grp}/?" if self.chance(0.5) else f"{grp[0]}*/?"
        elif kind == "question":
            g = f"{grp}/?*"
        else:
            g = f"{grp[0]}*/*"
        return g

    # -- pointers and anomalies -----------------------------------------------------------------

    def make_pointers(self) -> None:
        for d, p in self.pkgs.items():
            if p.name is None or p.ws is not None or p.empty or p.pointer is not None:
                continue
            own = self.owner(d)
            if own is None:
                # outside every root: point at a root (listing it or not)
                if self.roots and self.chance(0.55):
                    r = self.pick(self.roots)
                    p.pointer = self.decorate_path(rel(r, d))
                    ws = self.pkgs[r].ws
                    if ws is not None and self.chance(0.7):
                        if ws.members is None:
                            ws.members = []
                        ws.members.append(rel(d, r))
                        self.notes.append(f"{d}: package.workspace -> {r}, which lists it")
                    else:
                        self.notes.append(f"{d}: package.workspace -> {r}, which does not list it")
                continue
            x = self.rng.random()
            if x < 0.04:
                p.pointer = rel(own, d)
                self.notes.append(f"{d}: redundant package.workspace -> its own root {own}")
            elif x < 0.06:
                plain = [o for o, op in self.pkgs.items() if op.ws is None and op.name and o != d]
                if plain:
                    t = self.pick(plain)
                    p.pointer = rel(t, d)
                    self.notes.append(f"{d}: package.workspace -> non-root {t}")
            elif x < 0.07:
                p.pointer = "../nowhere"
                self.notes.append(f"{d}: package.workspace -> missing manifest")
            elif x < 0.09 and len(self.roots) > 1:
                t = self.pick([r for r in self.roots if r != own])
                p.pointer = rel(t, d)
                self.notes.append(f"{d}: package.workspace -> another root {t}")

    def make_anomalies(self) -> None:
        plain = [d for d, p in self.pkgs.items() if p.ws is None and not p.empty]
        if plain and self.chance(0.03):
            d = self.pick(plain)
            self.pkgs[d].empty = True
            self.notes.append(f"{d}: empty Cargo.toml")
        named = [p for p in self.pkgs.values() if p.name is not None and not p.empty]
        if len(named) >= 2 and self.chance(0.04):
            a, b = self.rng.sample(named, 2)
            b.name = a.name
            self.notes.append(f"{b.dir}: duplicate package name {a.name} (also {a.dir})")
        if plain and self.chance(0.01):
            d = self.pick(plain)
            p = self.pkgs[d]
            p.broken = self.pick([
                '[package]\nname = "{name}"\nversion = \n',
                '[package]\nname = "{name}"\nthis is [not toml\n',
                '[package]\nname = "{name}"\nversion = "0.1.0"\n[package]\nedition = "2021"\n',
            ]).format(name=p.name)
            self.notes.append(f"{d}: TOML syntax error")
        if self.chance(0.02):
            virt = [d for d, p in self.pkgs.items() if p.name is None and not p.empty]
            if virt:
                d = self.pick(virt)
                self.pkgs[d].deps.append(Dep(key="nope", table="dependencies", path="nope"))
                self.notes.append(f"{d}: virtual manifest with a [dependencies] table")

    # -- emitting -------------------------------------------------------------------------------

    def emit(self) -> dict[str, str]:
        files: dict[str, str] = {}
        for d, p in self.pkgs.items():
            mpath = "Cargo.toml" if d == "." else f"{d}/Cargo.toml"
            text = self.manifest_text(p)
            if p.broken is not None:
                text = p.broken
                self.broken.append(mpath)
            elif tomllib is not None and text:
                try:
                    tomllib.loads(text)
                except Exception:
                    text = self.manifest_text(p, plain=True)
                    tomllib.loads(text)  # the plain spelling must parse
            files[mpath] = text
            prefix = "" if d == "." else d + "/"
            if p.targets in ("lib", "lib+main"):
                files[prefix + "src/lib.rs"] = ""
            if p.targets in ("main", "lib+main"):
                files[prefix + "src/main.rs"] = ""
            if p.targets == "example":
                files[prefix + "examples/demo.rs"] = ""
            if p.targets == "buildrs":
                files[prefix + "build.rs"] = ""
            if p.targets == "lib-path":
                files[prefix + "lib.rs"] = ""
            if p.targets == "bin-decl":
                files[prefix + "src/bin/tool.rs"] = ""
        for k, v in self.extra_files.items():
            files.setdefault(k, v)
        return files

    def array(self, items: list[str], lit: bool, multiline: bool) -> str:
        vals = [q(i, lit) for i in items]
        if multiline and vals:
            body = "".join(f"    {v},\n" for v in vals)
            return "[\n    # generated\n" + body + "]"
        return "[" + ", ".join(vals) + "]"

    def manifest_text(self, p: Pkg, plain: bool = False) -> str:
        if p.empty:
            return self.pick(["", "", "# nothing here\n"]) if not plain else ""
        rng = self.rng
        top: list[str] = []
        sections: dict[str, list[str]] = {}
        order: list[str] = []

        def section(h: str) -> list[str]:
            if h not in sections:
                sections[h] = []
                order.append(h)
            return sections[h]

        if p.name is not None and not p.ws_first:
            section("package")
        ws = p.ws
        if ws is not None:
            lit = ws.literal_strings and not plain
            ml = ws.multiline and not plain
            wl: list[str] = []
            if ws.resolver:
                wl.append(f"resolver = {q(ws.resolver)}")
            if ws.members is not None:
                wl.append(f"members = {self.array(ws.members, lit, ml)}")
            if ws.exclude is not None:
                wl.append(f"exclude = {self.array(ws.exclude, lit, False)}")
            if ws.default_members is not None:
                wl.append(f"default-members = {self.array(ws.default_members, lit, False)}")
            style = "table" if plain else ws.style
            if style == "inline" and (ws.deps or ws.package_fields or ml):
                style = "table"
            if style == "table":
                section("workspace").extend(wl)
            elif style == "dotted":
                if wl:
                    top.extend("workspace." + line for line in wl)
                else:
                    top.append("workspace = {}")
            else:
                top.append("workspace = { " + ", ".join(wl) + " }")
            if ws.package_fields:
                section("workspace.package").extend(f"{k} = {q(v)}" for k, v in ws.package_fields.items())
            if ws.deps:
                section("workspace.dependencies").extend(
                    f"{tkey(k)} = {{ path = {q(v)} }}" for k, v in ws.deps.items())
            if ws.patch:
                section("patch.crates-io").extend(f"{tkey(k)} = {{ path = {q(v)} }}" for k, v in ws.patch.items())
        if p.name is not None:
            pl = section("package")
            pl.append(f"name = {q(p.name)}")
            if "version" in p.inherit:
                pl.append("version.workspace = true")
            elif p.version:
                pl.append(f"version = {q(p.version)}")
            if "edition" in p.inherit:
                pl.append("edition.workspace = true")
            elif p.edition:
                pl.append(f"edition = {q(p.edition)}")
            if p.pointer is not None:
                pl.append(f"workspace = {q(p.pointer)}")
            if rng.random() < 0.1:
                pl.append("publish = false")
        if p.name is not None and p.targets in ("lib-path", "lib-decl-missing"):
            section("lib")
            if p.targets == "lib-path":
                sections["lib"].append('path = "lib.rs"')
        if p.name is not None and p.targets in ("bin-decl", "bin-decl-missing"):
            section("[bin]").append('name = "tool"')  # emitted as [[bin]]
        for dep in p.deps:
            style = "inline" if plain else dep.style
            fields: list[tuple[str, str]] = []
            if dep.workspace:
                fields.append(("workspace", "true"))
            if dep.path is not None:
                fields.append(("path", q(dep.path)))
            if dep.package:
                fields.append(("package", q(dep.package)))
            if dep.version:
                fields.append(("version", q(dep.version)))
            if dep.optional:
                fields.append(("optional", "true"))
            key = tkey(dep.key)
            if style == "table":
                section(f"{dep.table}.{key}").extend(f"{k} = {v}" for k, v in fields)
            elif style == "dotted":
                section(dep.table).extend(f"{key}.{k} = {v}" for k, v in fields)
            else:
                section(dep.table).append(f"{key} = {{ " + ", ".join(f"{k} = {v}" for k, v in fields) + " }")
        if not plain and len(order) > 2 and rng.random() < 0.2:
            head, tail = order[:1], order[1:]
            rng.shuffle(tail)
            order = head + tail
        out = []
        if top:
            out.append("\n".join(top))
        for h in order:
            out.append(f"[{h}]\n" + "".join(line + "\n" for line in sections[h]))
        return "\n".join(x.rstrip("\n") + "\n" for x in out)


def generate(seed: int) -> Layout:
    return _Gen(seed).build()


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    lay = generate(int(argv[0]))
    print(f"seed {lay.seed}, root dir name {lay.root_name!r}\nnotes:\n{lay.describe()}\n")
    for path in sorted(lay.files):
        content = lay.files[path]
        print(f"--- {path}" + (" (empty)" if not content else f"\n{content.rstrip()}"))
    if len(argv) > 1:
        sys.path.insert(0, posixpath.dirname(posixpath.abspath(__file__)))
        import cargo_oracle
        dest = cargo_oracle.materialize(lay.files, posixpath.join(argv[1], lay.root_name))
        print(f"\nwritten to {dest}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
