"""Tests for cargo_lens.engine.globs: the `glob` crate 0.3.3 as cargo 1.95 uses it for members."""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from cargo_lens.engine import globs
from cargo_lens.engine.fs import FileSystem, normalize
from cargo_lens.engine.globs import (
    GlobLimitError,
    PatternError,
    compile_pattern,
    expand_member,
    expand_member_entry,
    glob,
    has_glob_chars,
    rust_join,
    rust_path_eq,
)

# -- helpers ----------------------------------------------------------------------------------


def make(root: Path, *specs: str) -> Path:
    """Create `dir/`, `file` or `link->target` entries below `root` (parents as needed)."""
    root.mkdir(parents=True, exist_ok=True)
    for spec in specs:
        if "->" in spec:
            name, target = spec.split("->")
            p = root / name
            p.parent.mkdir(parents=True, exist_ok=True)
            os.symlink(target, p)
        elif spec.endswith("/"):
            (root / spec).mkdir(parents=True, exist_ok=True)
        else:
            p = root / spec
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text("")
    return root


def rel(root: Path, paths: list[str]) -> list[str]:
    prefix = str(root) + "/"
    return [p[len(prefix) :] if p.startswith(prefix) else p for p in paths]


def g(root: Path, pattern: str, fs: FileSystem | None = None, **kw) -> list[str]:
    return rel(root, list(glob(str(root) + "/" + pattern, fs or FileSystem(), **kw)))


def members(root: Path, entry: str, fs: FileSystem | None = None, **kw) -> list[str]:
    return rel(root, expand_member_entry(str(root), entry, fs or FileSystem(), **kw))


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path.resolve() / "ws"


# -- pattern syntax ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "pos", "msg"),
    [
        ("a/***", 4, "wildcards are either regular `*` or recursive `**`"),
        ("****", 2, "wildcards are either regular `*` or recursive `**`"),
        ("a**", 0, "recursive wildcards must form a single path component"),
        ("a/b**/c", 2, "recursive wildcards must form a single path component"),
        ("**a", 2, "recursive wildcards must form a single path component"),
        ("a/**b", 4, "recursive wildcards must form a single path component"),
        ("[", 0, "invalid range pattern"),
        ("a[b", 1, "invalid range pattern"),
        ("[]", 0, "invalid range pattern"),
        ("[!]", 0, "invalid range pattern"),
        ("x/[!a", 2, "invalid range pattern"),
        ("éé[", 2, "invalid range pattern"),  # positions count chars, not bytes
    ],
)
def test_pattern_errors(pattern: str, pos: int, msg: str) -> None:
    with pytest.raises(PatternError) as info:
        compile_pattern(pattern)
    assert (info.value.pos, info.value.msg) == (pos, msg)
    assert str(info.value) == f"Pattern syntax error near position {pos}: {msg}"


@pytest.mark.parametrize(
    "pattern", ["", "a", "**", "a/**", "**/a", "a/**/b", "[]]", "[!]]", "[a/b]", "a]", "[[]", "!", "[-]"]
)
def test_valid_patterns(pattern: str) -> None:
    compile_pattern(pattern)


def test_glob_error_positions_count_from_the_absolute_pattern(root: Path) -> None:
    # Spec 2.1: `crates/[b` fails "near position N", N counted in `$ROOT/crates/[b`.
    make(root, "crates/b/")
    with pytest.raises(PatternError) as info:
        glob(f"{root}/crates/[b", FileSystem())  # raised by the call itself, before iterating
    assert info.value.pos == len(f"{root}/crates/")
    assert info.value.msg == "invalid range pattern"
    with pytest.raises(PatternError) as info:
        expand_member_entry(str(root), "crates/a**", FileSystem())
    assert info.value.pos == len(f"{root}/crates/a") - 1


def test_component_errors_count_from_the_component(root: Path) -> None:
    # The whole pattern compiles (`[a/b]` is a class), the component `[a` does not (cargo 1.95
    # printed "near position 0" for `crates/[a/b]`).
    compile_pattern(f"{root}/crates/[a/b]")
    with pytest.raises(PatternError) as info:
        glob(f"{root}/crates/[a/b]", FileSystem())
    assert (info.value.pos, info.value.msg) == (0, "invalid range pattern")


def test_has_glob_chars() -> None:
    assert has_glob_chars("crates/*") and has_glob_chars("a?") and has_glob_chars("[ab]")
    assert not has_glob_chars("crates/a") and not has_glob_chars("a]") and not has_glob_chars("")


# -- matching ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "yes", "no"),
    [
        ("c?t", ["cat", "c/t", "c.t"], ["ct", "caat", "Cat"]),
        ("k[!e]tteh", ["kitteh"], ["ketteh"]),
        ("d*g", ["dg", "doog", "d/o/g"], ["dog!"]),
        ("*", ["", ".hidden", "a/b", "*"], []),
        ("A", ["A"], ["a"]),  # case-sensitive
        ("[a-c]x", ["ax", "bx", "cx"], ["dx", "Ax"]),
        ("[!a-c]x", ["dx", "/x", "Ax"], ["ax", "x"]),
        ("[z-a]", [], ["a", "z", "m"]),  # an empty range matches nothing
        ("[]]", ["]"], ["["]),
        ("[!]]", ["a", "["], ["]"]),
        ("[-a]", ["-", "a"], ["b"]),
        ("[a-]", ["-", "a"], ["b"]),
        ("[*]", ["*"], ["a", ""]),
        ("[?]", ["?"], ["a"]),
        ("[[]x", ["[x"], ["x"]),
        ("a/**/b", ["a/b", "a/x/b", "a/x/y/b"], ["a/xb", "ab", "a/x/yb"]),
        ("a/**", ["a/", "a/x", "a/x/y", "a/.h"], ["a", "b/x"]),
        ("**/b", ["b", "x/b", "x/y/b"], ["xb", "x/yb"]),
        ("**", ["", "x", "x/y"], []),
        ("é[à-ü]", ["éé"], ["ée"]),
    ],
)
def test_matches(pattern: str, yes: list[str], no: list[str]) -> None:
    p = compile_pattern(pattern)
    for s in yes:
        assert p.matches(s), (pattern, s)
    for s in no:
        assert not p.matches(s), (pattern, s)


def _reference_matches(tokens: tuple, s: str) -> bool:
    """A line-by-line port of the crate's recursive `matches_from` (default options)."""
    match, sub, entire = 0, 1, 2

    def from_(follows_sep: bool, i: int, ti0: int) -> int:
        for ti in range(ti0, len(tokens)):
            tok = tokens[ti]
            if tok[0] in (globs._ANY_SEQ, globs._ANY_REC):
                r = from_(follows_sep, i, ti + 1)
                if r != sub:
                    return r
                while i < len(s):
                    c = s[i]
                    i += 1
                    follows_sep = c == "/"
                    if tok[0] == globs._ANY_REC and not follows_sep:
                        continue
                    r = from_(follows_sep, i, ti + 1)
                    if r != sub:
                        return r
            else:
                if i >= len(s):
                    return entire
                c = s[i]
                i += 1
                kind = tok[0]
                if kind == globs._CHAR:
                    ok = tok[1] == c
                elif kind == globs._ANY_CHAR:
                    ok = True
                elif kind == globs._WITHIN:
                    ok = any(lo <= c <= hi for lo, hi in tok[1])
                else:
                    ok = not any(lo <= c <= hi for lo, hi in tok[1])
                if not ok:
                    return sub
                follows_sep = c == "/"
        return match if i >= len(s) else sub

    return from_(True, 0, 0) == match


def test_matching_agrees_with_the_crates_algorithm() -> None:
    rnd = random.Random(20260322)
    pieces = ["a", "b", "/", ".", "*", "?", "**", "/**/", "[ab]", "[!a]", "[a-b]", "]"]
    checked = 0
    for _ in range(4000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 6)))
        try:
            p = compile_pattern(text)
        except PatternError:
            continue
        for _ in range(5):
            s = "".join(rnd.choice("ab/.]") for _ in range(rnd.randint(0, 10)))
            assert p.matches(s) == _reference_matches(p.tokens, s), (text, s)
            checked += 1
    assert checked > 5000


def test_matching_is_linear_on_hostile_patterns() -> None:
    p = compile_pattern("*a" * 200 + "*b")
    start = time.monotonic()
    assert not p.matches("a" * 3000)
    assert p.matches("a" * 300 + "b")
    assert time.monotonic() - start < 5


# -- glob: order, kinds, special names -------------------------------------------------------


def test_star_yields_files_and_dot_dirs_in_byte_order(root: Path) -> None:
    make(root, "crates/b/", "crates/a/", "crates/.hidden/", "crates/README.md", "crates/B/", "crates/é/")
    assert g(root, "crates/*") == [
        "crates/.hidden",
        "crates/B",
        "crates/README.md",
        "crates/a",
        "crates/b",
        "crates/é",
    ]
    # cargo then drops the file
    assert members(root, "crates/*") == ["crates/.hidden", "crates/B", "crates/a", "crates/b", "crates/é"]


def test_recursive_wildcard_is_preorder_and_excludes_its_start(root: Path) -> None:
    make(root, "crates/a/x/", "crates/a-b/", "crates/a/f.rs", "crates/c/")
    # `crates` itself is not yielded; files are not yielded when `**` ends the pattern; the walk
    # is depth-first, so `a/x` comes before `a-b` although "a-b" < "a/x" as strings.
    assert g(root, "crates/**") == ["crates/a", "crates/a/x", "crates/a-b", "crates/c"]
    assert g(root, "**") == ["crates", "crates/a", "crates/a/x", "crates/a-b", "crates/c"]
    # `**` in the middle also matches zero directories
    make(root, "crates/f.rs")
    assert g(root, "crates/**/f.rs") == ["crates/a/f.rs", "crates/f.rs"]
    assert g(root, "**/x") == ["crates/a/x"]


def test_dot_patterns_yield_dotdot_then_dot_first(root: Path) -> None:
    # fill_todo pushes `.` and `..` after the children, and the todo list is a stack
    # (cargo 1.95 reported `crates/..` as the first member for `x/crates/.*`).
    make(root, "crates/a/", "crates/.h/")
    assert g(root, "crates/.*") == ["crates/..", "crates/.", "crates/.h"]
    assert g(root, "crates/.") == ["crates/."]
    assert g(root, "crates/..") == ["crates/.."]
    assert g(root, "crates/*") == ["crates/.h", "crates/a"]  # `*` never yields `.`/`..`


def test_literal_components_need_to_exist(root: Path) -> None:
    make(root, "crates/a/", "file")
    assert g(root, "crates/a") == ["crates/a"]
    assert g(root, "crates/missing") == []
    assert g(root, "file") == ["file"]
    assert g(root, "file/") == []  # a trailing `/` requires a directory
    assert g(root, "file/x") == []
    assert g(root, "crates//a") == ["crates/a"]  # an empty component is `join("")`
    assert g(root, "crates/a//") == ["crates/a/"]


def test_trailing_slash_keeps_only_directories(root: Path) -> None:
    make(root, "crates/a/", "crates/f.md")
    assert g(root, "crates/*/") == ["crates/a"]


def test_dangling_symlink_counts_as_existing(root: Path) -> None:
    # glob probes literals with metadata || symlink_metadata; cargo then drops the non-dir, so
    # the entry silently expands to nothing (confirmed with cargo 1.95).
    make(root, "broken->nowhere", "real/", "link->real")
    assert g(root, "broken") == ["broken"]
    assert g(root, "b*") == ["broken"]
    assert members(root, "broken") == []
    assert members(root, "l*") == ["link"]  # symlinks to directories are directories


def test_case_sensitive(root: Path) -> None:
    make(root, "crates/a/")
    assert g(root, "Crates/*") == []
    assert members(root, "Crates/*") == ["Crates/*"]


def test_non_utf8_names_are_skipped_by_wildcards(root: Path) -> None:
    make(root, "d/ok/")
    try:
        os.mkdir(os.fsencode(str(root / "d")) + b"/bad\xff")
    except OSError:
        pytest.skip("file system refuses non-UTF-8 names")
    assert g(root, "d/*") == ["d/ok"]


def test_metacharacters_in_the_root_path(tmp_path: Path) -> None:
    # Spec 2.1: with root `br[x]`, `crates/*` matches nothing (the class needs `brx`), so cargo
    # keeps the literal and fails; the literal `crates/a` still works.
    base = tmp_path.resolve()
    root = make(base / "br[x]", "crates/a/")
    assert expand_member_entry(str(root), "crates/*", FileSystem()) == [f"{root}/crates/*"]
    assert expand_member_entry(str(root), "crates/a", FileSystem()) == [f"{root}/crates/a"]
    # ...and a sibling that does match the class is picked up instead, as in cargo.
    make(base / "brx", "crates/q/")
    assert expand_member_entry(str(root), "crates/*", FileSystem()) == [f"{base}/brx/crates/q"]
    star = make(base / "st*r", "crates/a/")
    assert expand_member_entry(str(star), "crates/*", FileSystem()) == [f"{star}/crates/a"]


# -- expand_member_entry: cargo's shaping of results ------------------------------------------


def test_zero_matches_keep_the_joined_path(root: Path) -> None:
    make(root, "crates/a/", "README.md")
    assert members(root, "plugins/*") == ["plugins/*"]
    assert members(root, "missing") == ["missing"]
    assert members(root, "missing/") == ["missing/"]  # kept as joined, trailing slash included
    assert members(root, "README.md") == []  # exists, but is a file: silently ignored
    assert members(root, "README.md/") == ["README.md/"]  # the `/` makes it a non-match


def test_entry_shapes_are_not_normalised(root: Path) -> None:
    make(root, "crates/a/", "crates/b/")
    fs = FileSystem()
    r = str(root)
    assert expand_member_entry(r, "./crates/a/", fs) == [f"{r}/./crates/a"]
    assert expand_member_entry(r, "crates/b/.", fs) == [f"{r}/crates/b/."]
    assert expand_member_entry(r, "crates/../crates/a", fs) == [f"{r}/crates/../crates/a"]
    assert expand_member_entry(r, "", fs) == [r]  # joined `root/`, yielded without the `/`
    assert expand_member_entry(r, ".", fs) == [f"{r}/."]
    assert expand_member_entry(r, "..", fs) == [f"{r}/.."]
    assert expand_member_entry(r, f"{r}/crates/*", fs) == [f"{r}/crates/a", f"{r}/crates/b"]
    assert expand_member_entry("/", "", fs) == ["/"]


def test_used_glob_follows_cargo(root: Path) -> None:
    # `via` uses the unfiltered glob output (cargo 1.95: `crates/a*` with a dir `a` and a file
    # `a.md` printed "referenced via `crates/a*`").
    make(root, "crates/a/", "crates/a.md", "crates/b/")
    r = str(root)
    fs = FileSystem()
    e = expand_member(r, "crates/a*", fs)
    assert (e.paths, e.used_glob, e.joined) == ([f"{r}/crates/a"], True, f"{r}/crates/a*")
    assert expand_member(r, "crates/a", fs).used_glob is False
    assert expand_member(r, "./crates/a/", fs).used_glob is False  # Path == is component-wise
    assert expand_member(r, "crates/[a]", fs).used_glob is True
    assert expand_member(r, "crates/*", fs).used_glob is True
    assert expand_member(r, "nothing/*", fs).used_glob is False


def test_rust_path_helpers() -> None:
    assert rust_join("/r", "") == "/r/"
    assert rust_join("/r/", "a") == "/r/a"
    assert rust_join("/r", "/abs") == "/abs"
    assert rust_join("", "a") == "a"
    assert rust_path_eq("/r/./a/", "/r/a")
    assert rust_path_eq("/r//a", "/r/a")
    assert not rust_path_eq("/r/a/..", "/r")
    assert not rust_path_eq("./a", "a")


@pytest.mark.parametrize(
    "entry",
    [
        "",
        ".",
        "..",
        "/",
        "//",
        "/nonexistent/abs/*",
        "crates\\a",
        "crates\\*",
        "a\0b",
        "*\0",
        "\udcff*",
        "\ud800",
        "x" * 5000,
        "./" * 3000 + "*",
        "*/" * 3000,
        "../" * 40 + "*",
        "[" * 2000,
        "[a]" * 2000,
        "?" * 300,
        "*a" * 2000,
        "**/" * 500,
        "crates/" + "é" * 2000,
    ],
)
def test_odd_entries_never_crash(root: Path, entry: str) -> None:
    make(root, "crates/a/", "crates/.h/")
    start = time.monotonic()
    try:
        result = expand_member_entry(str(root), entry, FileSystem(boundary=str(root)))
    except PatternError as err:
        assert str(err).startswith("Pattern syntax error near position ")
    except GlobLimitError:
        pass
    else:
        assert isinstance(result, list) and all(isinstance(p, str) for p in result)
    assert time.monotonic() - start < 10


def test_backslashes_and_nul_are_ordinary(root: Path) -> None:
    make(root, "crates/a/")
    r = str(root)
    assert expand_member_entry(r, "crates\\a", FileSystem()) == [f"{r}/crates\\a"]
    assert expand_member_entry(r, "crates/a\0", FileSystem()) == [f"{r}/crates/a\0"]
    assert expand_member_entry(r, "\udcff", FileSystem()) == [f"{r}/\udcff"]  # not UTF-8


def test_path_max(root: Path) -> None:
    # Linux refuses paths of 4096 bytes or more; the crate then sees nothing there.
    make(root, "a/")
    fill = 4096 - len(f"{root}/") - 1
    ok = "./" * ((fill - 100) // 2) + "a"
    too_long = "./" * (fill // 2 + 1) + "a"
    assert members(root, ok) == [ok]
    assert rel(root, list(glob(f"{root}/{too_long}", FileSystem()))) == []


# -- overlay and boundary ---------------------------------------------------------------------


def test_overlay_files_are_seen(root: Path) -> None:
    make(root, "crates/a/", "crates/b/")
    fs = FileSystem(
        overlay={f"{root}/crates/new/Cargo.toml": "[package]\n", f"{root}/crates/b/Cargo.toml": ""}
    )
    # A directory that exists only because an unsaved buffer lives in it: literal probe.
    assert g(root, "crates/new", fs) == ["crates/new"]
    assert members(root, "crates/new", fs) == ["crates/new"]
    assert g(root, "crates/new/Cargo.toml", fs) == ["crates/new/Cargo.toml"]
    # An overlay file is listed in its directory.
    assert g(root, "crates/b/*", fs) == ["crates/b/Cargo.toml"]


def test_overlay_only_directory_matches_wildcards(root: Path) -> None:
    make(root, "crates/a/")
    fs = FileSystem(overlay={f"{root}/crates/new/Cargo.toml": "[package]\n"})
    assert members(root, "crates/*", fs) == ["crates/a", "crates/new"]


def test_boundary_is_the_root_of_the_world(tmp_path: Path) -> None:
    base = tmp_path.resolve()
    root = make(base / "ws", "crates/a/")
    make(base, "sibling/")
    fs = FileSystem(boundary=str(root))
    r = str(root)
    # Ancestors of the boundary still lead to it...
    assert expand_member_entry(r, "crates/*", fs) == [f"{r}/crates/a"]
    assert list(glob(f"{base}/*/crates/*", fs)) == [f"{r}/crates/a"]
    # ...but nothing else is visible outside it.
    assert list(glob(f"{base}/*", fs)) == [r]
    assert expand_member_entry(r, "../sibling", fs) == [f"{r}/../sibling"]  # zero matches
    assert expand_member_entry(r, "../*", fs) == [f"{r}/../ws"]
    assert list(glob(f"{base}/*", FileSystem())) == [f"{base}/sibling", r]


# -- bounds -----------------------------------------------------------------------------------


def test_branching_symlink_loop_is_bounded(root: Path) -> None:
    # Two links to `.` make `**` exponential: the crate would run for ages. We stop.
    make(root, "crates/a/l1->.", "crates/a/l2->.")
    start = time.monotonic()
    with pytest.raises(GlobLimitError) as info:
        expand_member_entry(str(root), "crates/**", FileSystem(), max_entries=3000)
    assert time.monotonic() - start < 10
    assert f"`{root}/crates/**`" in str(info.value) and "3000" in str(info.value)
    assert info.value.pattern == f"{root}/crates/**"
    # A glob that never reaches the loop is unaffected.
    assert members(root, "crates/*") == ["crates/a"]


def test_single_symlink_loop_ends_like_the_kernel_says(root: Path) -> None:
    # One link to `.` ends by itself: the kernel gives up after 40 links (ELOOP), as in cargo.
    make(root, "crates/a/self->.")
    found = members(root, "crates/**")
    assert found[:3] == ["crates/a", "crates/a/self", "crates/a/self/self"]
    assert 3 < len(found) < globs.MAX_DEPTH


def test_deep_tree_is_bounded(root: Path) -> None:
    deep = root / "crates" / "/".join(["d"] * 100)
    deep.mkdir(parents=True)
    start = time.monotonic()
    with pytest.raises(GlobLimitError) as info:
        list(glob(f"{root}/crates/**", FileSystem()))
    assert "64" in str(info.value) and "**" in str(info.value)
    assert time.monotonic() - start < 10
    # A literal path that deep is fine, and so is `**` with a larger depth limit.
    assert members(root, "crates/" + "/".join(["d"] * 100)) == ["crates/" + "/".join(["d"] * 100)]
    assert len(list(glob(f"{root}/crates/**", FileSystem(), max_depth=200))) == 100


def test_wide_tree_entry_limit(root: Path) -> None:
    # Every literal probe on the way down and every listed entry counts.
    make(root, *[f"crates/c{i}/" for i in range(50)])
    probes = len(Path(f"{root}/crates").parts) - 1
    assert len(members(root, "crates/*", max_entries=probes + 50)) == 50
    with pytest.raises(GlobLimitError):
        members(root, "crates/*", max_entries=probes + 49)


def test_glob_is_lazy(root: Path) -> None:
    make(root, "crates/a/l1->.", "crates/a/l2->.")
    it = glob(f"{root}/crates/**", FileSystem(), max_entries=500)
    assert next(it) == f"{root}/crates/a"


# -- against a real cargo ---------------------------------------------------------------------


def _write_workspace(
    root: Path, members_toml: list[str], packages: list[str], dirs: list[str], files: list[str]
) -> None:
    root.mkdir(parents=True, exist_ok=True)
    (root / "Cargo.toml").write_text(
        "[workspace]\nresolver = \"2\"\nmembers = " + json.dumps(members_toml, ensure_ascii=False) + "\n"
    )
    for i, pkg in enumerate(packages):
        d = root / pkg
        d.mkdir(parents=True, exist_ok=True)
        # `[lib] path` keeps `src/` out of the tree, so `**` sees only what the test lays out.
        (d / "Cargo.toml").write_text(
            f'[package]\nname = "p{i}"\nversion = "0.1.0"\nedition = "2021"\n\n[lib]\npath = "lib.rs"\n'
        )
        (d / "lib.rs").write_text("")
    for d in dirs:
        (root / d).mkdir(parents=True, exist_ok=True)
    for f in files:
        (root / f).parent.mkdir(parents=True, exist_ok=True)
        (root / f).write_text("")


def _predict(root: Path, entries: list[str]) -> tuple[set[str] | None, list[str] | None]:
    """(member package dirs, None) or (None, expected first two error lines)."""
    fs = FileSystem()
    r = str(root)
    found: set[str] = set()
    for entry in entries:
        try:
            exp = expand_member(r, entry, fs)
        except PatternError as err:
            return None, [f"error: could not parse pattern `{rust_join(r, entry)}`", f"  {err}"]
        for p in exp.paths:
            manifest = normalize(p) + "/Cargo.toml"
            if not fs.is_file(manifest):
                via = f" via `{entry}`" if exp.used_glob else ""
                return None, [
                    f"error: failed to load manifest for workspace member `{p}`",
                    f"referenced{via} by workspace at `{r}/Cargo.toml`",
                ]
            if normalize(p) != r:  # the virtual root is never a package
                found.add(normalize(p))
    return found, None


def _cargo_metadata(root: Path) -> tuple[set[str] | None, list[str]]:
    proc = subprocess.run(
        ["cargo", "metadata", "--no-deps", "--offline", "--format-version", "1"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if proc.returncode == 0:
        data = json.loads(proc.stdout)
        return {str(Path(p["manifest_path"]).parent) for p in data["packages"]}, []
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    start = next(i for i, ln in enumerate(lines) if ln.startswith("error"))
    out = lines[start : start + 2]
    if out[0].startswith("error: could not parse pattern"):
        out = [out[0], next(ln for ln in lines if "Pattern syntax error" in ln)]
    return None, out


CARGO_CASES = [
    # (name, members, packages, plain dirs, files)
    ("star", ["crates/*"], ["crates/a", "crates/b", "crates/.hidden"], [], ["crates/README.md"]),
    ("recursive_ok", ["crates/**"], ["crates/a", "crates/a/b", "crates/c"], [], ["crates/x.txt"]),
    ("recursive_order", ["crates/**"], ["crates/a", "crates/b"], ["crates/a/x", "crates/a-b"], []),
    ("classes", ["c?ates/[ab]*"], ["crates/a", "crates/ab", "crates/b", "crates/c"], [], []),
    ("negated", ["crates/[!a]*"], ["crates/a", "crates/b", "crates/c"], [], []),
    ("syntax_error", ["crates/[b"], ["crates/b"], [], []),
    ("component_error", ["crates/[a/b]"], ["crates/a"], [], []),
    ("recursive_error", ["crates/a**"], ["crates/a"], [], []),
    ("no_match", ["crates/a", "plugins/*"], ["crates/a"], [], []),
    ("dir_without_manifest", ["crates/*"], ["crates/a"], ["crates/docs"], []),
    ("dot_names", ["x/crates/.*"], ["x/crates/a"], [], []),
    ("shapes", ["./crates/a/", "crates/b/.", "crates//c"], ["crates/a", "crates/b", "crates/c"], [], []),
    ("via_counts_files", ["crates/a*"], [], ["crates/a"], ["crates/a.md"]),
    ("file_literal", ["crates/a", "NOTES.md"], ["crates/a"], [], ["NOTES.md"]),
]


@pytest.mark.cargo
@pytest.mark.skipif(shutil.which("cargo") is None, reason="cargo is not installed")
@pytest.mark.parametrize(
    ("name", "entries", "packages", "dirs", "files"), CARGO_CASES, ids=[c[0] for c in CARGO_CASES]
)
def test_agrees_with_cargo(tmp_path: Path, name, entries, packages, dirs, files) -> None:
    root = tmp_path.resolve() / name
    _write_workspace(root, entries, packages, dirs, files)
    expected_members, expected_error = _predict(root, entries)
    got_members, got_error = _cargo_metadata(root)
    if expected_error is None:
        assert got_error == [], got_error
        assert got_members == expected_members
    else:
        assert got_error == expected_error


@pytest.mark.cargo
@pytest.mark.skipif(shutil.which("cargo") is None, reason="cargo is not installed")
@pytest.mark.parametrize("entry", ["crates/*", "crates/a"])
def test_agrees_with_cargo_on_brackets_in_the_root(tmp_path: Path, entry: str) -> None:
    root = tmp_path.resolve() / "br[x]"
    _write_workspace(root, [entry], ["crates/a"], [], [])
    expected_members, expected_error = _predict(root, [entry])
    got_members, got_error = _cargo_metadata(root)
    assert (got_members, got_error) == (expected_members, expected_error or [])
    if entry == "crates/*":
        assert expected_error and f"`{root}/crates/*`" in expected_error[0]
