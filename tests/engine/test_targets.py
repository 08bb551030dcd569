"""Target discovery (spec 10.2): which files are targets, the declared-target lookups, the
deferred example/test/bench errors, and the target validation table. Every expected text is
cargo 1.95's (spec tables; the rest checked against the local cargo while writing these)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from cargo_lens.engine.fs import FileSystem
from cargo_lens.engine.targets import discover, discover_targets

NO_TARGETS = (
    "no targets specified in the manifest\n"
    "either src/lib.rs, src/main.rs, a [lib] section, or [[bin]] section must be present"
)

PKG21 = '[package]\nname = "p"\nversion = "0.1.0"\nedition = "2021"\n'
PKG24 = '[package]\nname = "p"\nversion = "0.1.0"\nedition = "2024"\n'
PKG15 = '[package]\nname = "p"\nversion = "0.1.0"\n'  # no edition: 2015


def make(tmp_path: Path, manifest: str, *files: str) -> tuple[str, dict]:
    (tmp_path / "Cargo.toml").write_text(manifest)
    for f in files:
        p = tmp_path / f
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("")
    return str(tmp_path), tomllib.loads(manifest)


def edition_of(data: dict) -> str:
    return data.get("package", {}).get("edition", "2015")


def run(tmp_path: Path, manifest: str, *files: str, fs: FileSystem | None = None):
    root, data = make(tmp_path, manifest, *files)
    return discover(root, data, fs or FileSystem(), edition_of(data)), root


def rel(targets, root: str) -> list[tuple[str, str, str]]:
    return [(t.kind, t.name, t.path[len(root) + 1 :] if t.path and t.path.startswith(root + "/") else t.path) for t in targets]


def first_message(out) -> str | None:
    return out.problems[0].lines[-1] if out.problems else None


# -- what is discovered ----------------------------------------------------------------------

DISCOVERY = [
    ("lib only", PKG21, ["src/lib.rs"], [("lib", "p", "src/lib.rs")]),
    ("main names the bin after the package (hyphens kept)", PKG21.replace('"p"', '"my-tool"'), ["src/main.rs"],
     [("bin", "my-tool", "src/main.rs")]),
    ("lib name: package name with - -> _", PKG21.replace('"p"', '"my-tool"'), ["src/lib.rs"], [("lib", "my_tool", "src/lib.rs")]),
    ("src/bin files and dirs, dot files skipped", PKG21, ["src/bin/a.rs", "src/bin/b/main.rs", "src/bin/.x.rs", "src/bin/c/other.rs", "src/bin/notes.txt"],
     [("bin", "a", "src/bin/a.rs"), ("bin", "b", "src/bin/b/main.rs")]),
    ("examples tests benches", PKG21, ["src/lib.rs", "examples/e.rs", "examples/d/main.rs", "tests/t.rs", "benches/b.rs"],
     [("lib", "p", "src/lib.rs"), ("example", "d", "examples/d/main.rs"), ("example", "e", "examples/e.rs"),
      ("test", "t", "tests/t.rs"), ("bench", "b", "benches/b.rs")]),
    ("examples only is enough (case 27)", '[package]\nname = "test"\n', ["examples/demo.rs"], [("example", "demo", "examples/demo.rs")]),
    ("build.rs is a custom-build target", PKG21, ["src/lib.rs", "build.rs"],
     [("lib", "p", "src/lib.rs"), ("custom-build", "build-script-build", "build.rs")]),
    ("build = false ignores build.rs", PKG21 + "build = false\n", ["src/lib.rs", "build.rs"], [("lib", "p", "src/lib.rs")]),
    ("package.build path is not checked", PKG21 + 'build = "tools/gen.rs"\n', ["src/lib.rs"],
     [("lib", "p", "src/lib.rs"), ("custom-build", "build-script-gen", "tools/gen.rs")]),
    ("explicit lib path is not checked (case 29)", PKG21 + '[lib]\npath = "nope/lib.rs"\n', [], [("lib", "p", "nope/lib.rs")]),
    ("declared bin without path found in src/bin", PKG21 + 'autobins = false\n[[bin]]\nname = "b"\n', ["src/bin/b.rs"], [("bin", "b", "src/bin/b.rs")]),
    ("declared bin path equal to a discovered one (./ ignored)", PKG21 + '[[bin]]\nname = "y"\npath = "./src/bin/x.rs"\n', ["src/bin/x.rs"],
     [("bin", "y", "src/bin/x.rs")]),
    ("2018+: declared bins plus discovered ones", PKG21 + '[[bin]]\nname = "z"\npath = "z.rs"\n', ["src/bin/a.rs"],
     [("bin", "a", "src/bin/a.rs"), ("bin", "z", "z.rs")]),
    ("2015: a declared bin turns bin discovery off (case 34)", PKG15.replace('"p"', '"dup"') + '[[bin]]\nname = "z"\npath = "z.rs"\n',
     ["src/main.rs", "src/bin/dup.rs"], [("bin", "z", "z.rs")]),
    ("2015 + autobins = true keeps discovery", PKG15 + 'autobins = true\n[[bin]]\nname = "z"\npath = "z.rs"\n', ["src/bin/a.rs"],
     [("bin", "a", "src/bin/a.rs"), ("bin", "z", "z.rs")]),
    ("2015: a [lib] table never switches bins off", PKG15 + '[lib]\npath = "l.rs"\n', ["src/main.rs"],
     [("lib", "p", "l.rs"), ("bin", "p", "src/main.rs")]),
    ("2015 legacy lib path src/<name>.rs", PKG15 + "[lib]\n", ["src/p.rs"], [("lib", "p", "src/p.rs")]),
    ("2015 legacy bin path src/<name>.rs", PKG15 + '[[bin]]\nname = "b"\n', ["src/b.rs"], [("bin", "b", "src/b.rs")]),
    ("2015 legacy bin path src/main.rs", PKG15 + '[[bin]]\nname = "b"\n', ["src/main.rs"], [("bin", "b", "src/main.rs")]),
    ("2015 legacy bench src/bench.rs", PKG15 + '[[bench]]\nname = "bench"\n', ["src/lib.rs", "src/bench.rs"],
     [("lib", "p", "src/lib.rs"), ("bench", "bench", "src/bench.rs")]),
    ("lib and bin may share a name", PKG21, ["src/lib.rs", "src/main.rs"], [("lib", "p", "src/lib.rs"), ("bin", "p", "src/main.rs")]),
    ("example and test may share a name", PKG21, ["src/lib.rs", "examples/x.rs", "tests/x.rs"],
     [("lib", "p", "src/lib.rs"), ("example", "x", "examples/x.rs"), ("test", "x", "tests/x.rs")]),
    ("autolib = false + [lib] without path still finds src/lib.rs", PKG21 + "autolib = false\n[lib]\n", ["src/lib.rs"], [("lib", "p", "src/lib.rs")]),
]


@pytest.mark.parametrize("label,manifest,files,expected", DISCOVERY, ids=[c[0] for c in DISCOVERY])
def test_discovery(tmp_path, label, manifest, files, expected):
    out, root = run(tmp_path, manifest, *files)
    assert out.problems == []
    assert rel(out.targets, root) == expected


def test_discover_targets_api(tmp_path):
    root, data = make(tmp_path, PKG21, "src/lib.rs", "src/main.rs")
    targets, problems = discover_targets(root, data, FileSystem(), "2021")
    assert problems == []
    assert [(t.kind, t.name) for t in targets] == [("lib", "p"), ("bin", "p")]
    assert targets[0].path == root + "/src/lib.rs"


def test_unsaved_buffer_counts_as_a_file(tmp_path):
    root, data = make(tmp_path, PKG21)
    fs = FileSystem(overlay={root + "/src/main.rs": "fn main() {}"})
    targets, problems = discover_targets(root, data, fs, "2021")
    assert problems == [] and [(t.kind, t.name) for t in targets] == [("bin", "p")]


# -- no targets ----------------------------------------------------------------------------------

NO_TARGET_CASES = [
    ("nothing", PKG21, []),
    ("build.rs only (case 26)", PKG21, ["build.rs"]),
    ("package.build only", PKG21 + 'build = "b.rs"\n', ["b.rs"]),
    ("non-target files (case 28)", PKG15.replace('"p"', '"legacy"'), ["src/legacy.rs", "examples/e/util.rs", "src/bin/.hidden.rs", "build.rs"]),
    ("examples/e.txt", PKG21, ["examples/e.txt"]),
    ("dot dir in src/bin", PKG21, ["src/bin/.x/main.rs"]),
    ("autolib = false", PKG21 + "autolib = false\n", ["src/lib.rs"]),
    ("autobins = false", PKG21 + "autobins = false\n", ["src/main.rs"]),
    ("autoexamples = false", PKG21 + "autoexamples = false\n", ["examples/e.rs"]),
    ("autotests = false", PKG21 + "autotests = false\n", ["tests/t.rs"]),
    ("autobenches = false", PKG21 + "autobenches = false\n", ["benches/b.rs"]),
    ("the only example is dropped (deferred)", PKG21 + '[[example]]\nname = "e"\n', []),
]


@pytest.mark.parametrize("label,manifest,files", NO_TARGET_CASES, ids=[c[0] for c in NO_TARGET_CASES])
def test_no_targets(tmp_path, label, manifest, files):
    out, _ = run(tmp_path, manifest, *files)
    assert [(p.stage, p.shape, p.lines) for p in out.problems] == [(7, "P", (NO_TARGETS,))]
    assert out.problems[0].key_path == ("package",)


# -- load errors of target discovery -------------------------------------------------------------

BIN_B = "can't find `b` bin at `src/bin/b.rs` or `src/bin/b/main.rs`. Please specify bin.path if you want to use a non-default path."

ERRORS = [
    # [lib] lookups
    ("[lib] needs src/lib.rs (case 30)", PKG21.replace('"p"', '"my-tool"') + '[lib]\ncrate-type = ["rlib"]\n', ["src/main.rs"], 5,
     "can't find library `my_tool`, rename file to `src/lib.rs` or specify lib.path"),
    ("[lib] name without file", PKG21 + '[lib]\nname = "q"\n', ["src/main.rs"], 5,
     "can't find library `q`, rename file to `src/lib.rs` or specify lib.path"),
    ("2018 does not accept src/<name>.rs", PKG21.replace('"2021"', '"2018"') + "[lib]\n", ["src/p.rs"], 5,
     "can't find library `p`, rename file to `src/lib.rs` or specify lib.path"),
    ("autolib = false + [lib] without file", PKG21 + "autolib = false\n[lib]\n", [], 5,
     "can't find library `p`, rename file to `src/lib.rs` or specify lib.path"),
    # [[bin]] lookups
    ("[[bin]] without file (case 31)", PKG21 + '[[bin]]\nname = "b"\n', ["src/lib.rs"], 5, BIN_B),
    ("[[bin]] similar name", PKG21 + '[[bin]]\nname = "b"\n', ["src/bin/ba.rs"], 5,
     BIN_B + "\n\nhelp: a bin with a similar name exists: `ba`"),
    ("[[bin]] similar to the package bin", PKG21 + '[[bin]]\nname = "q"\n', ["src/main.rs"], 5,
     "can't find `q` bin at `src/bin/q.rs` or `src/bin/q/main.rs`. Please specify bin.path if you want to use a non-default path."
     "\n\nhelp: a bin with a similar name exists: `p`"),
    ("[[bin]] found in src/bins", PKG21 + '[[bin]]\nname = "b"\n', ["src/bins/b.rs"], 5,
     "can't find `b` bin at default paths, but found a file at `src/bins/b.rs`.\n"
     "Perhaps rename the file to `src/bin/b.rs` for target auto-discovery, or specify bin.path if you want to use a non-default path."),
    ("[[bin]] found in src/bins/<n>/main.rs", PKG21 + '[[bin]]\nname = "b"\n', ["src/bins/b/main.rs"], 5,
     "can't find `b` bin at default paths, but found a file at `src/bins/b/main.rs`.\n"
     "Perhaps rename the file to `src/bin/b/main.rs` for target auto-discovery, or specify bin.path if you want to use a non-default path."),
    ("[[bin]] ambiguous", PKG21 + '[[bin]]\nname = "x"\n', ["src/bin/x.rs", "src/bin/x/main.rs"], 5,
     "cannot infer path for `x` bin\n"
     "Cargo doesn't know which to use because multiple target files found at `src/bin/x/main.rs` and `src/bin/x.rs`."),
    ("2015 legacy bin path needs no lib", PKG15 + '[[bin]]\nname = "b"\n', ["src/b.rs", "src/lib.rs"], 5, BIN_B),
    # names
    ("lib name empty", PKG21 + '[lib]\nname = ""\n', ["src/lib.rs"], 5, "library target names cannot be empty"),
    ("lib name spaces", PKG21 + '[lib]\nname = "  "\n', ["src/lib.rs"], 5, "library target names cannot be empty"),
    ("lib name hyphen", PKG21 + '[lib]\nname = "a-b"\n', ["src/lib.rs"], 5, "library target names cannot contain hyphens: a-b"),
    ("bin without name", PKG21 + '[[bin]]\npath = "b.rs"\n', ["src/lib.rs"], 5, "binary target bin.name is required"),
    ("bin without name, autobins = false", PKG21 + 'autobins = false\n[[bin]]\npath = "b.rs"\n', ["src/lib.rs"], 5, "binary target bin.name is required"),
    ("example without name", PKG21 + '[[example]]\npath = "e.rs"\n', ["src/lib.rs"], 5, "example target example.name is required"),
    ("test without name", PKG21 + "[[test]]\n", ["src/lib.rs"], 5, "test target test.name is required"),
    ("bench without name", PKG21 + "[[bench]]\n", ["src/lib.rs"], 5, "benchmark target bench.name is required"),
    ("bin empty name", PKG21 + '[[bin]]\nname = ""\npath = "b.rs"\n', ["src/lib.rs"], 5, "binary target names cannot be empty"),
    ("example empty name", PKG21 + '[[example]]\nname = " "\n', ["src/lib.rs"], 5, "example target names cannot be empty"),
    ("bench empty name", PKG21 + '[[bench]]\nname = ""\n', ["src/lib.rs"], 5, "benchmark target names cannot be empty"),
    ("bin named deps", PKG21 + '[[bin]]\nname = "deps"\npath = "b.rs"\n', ["src/lib.rs"], 5,
     "the binary target name `deps` is forbidden, it conflicts with cargo's build directory names"),
    ("discovered bin named build", PKG21, ["src/lib.rs", "src/bin/build.rs"], 5,
     "the binary target name `build` is forbidden, it conflicts with cargo's build directory names"),
    ("package deps with src/main.rs", PKG21.replace('"p"', '"deps"'), ["src/main.rs"], 5,
     "the binary target name `deps` is forbidden, it conflicts with cargo's build directory names"),
    ("bin named incremental", PKG21 + '[[bin]]\nname = "incremental"\npath = "b.rs"\n', [], 5,
     "the binary target name `incremental` is forbidden, it conflicts with cargo's build directory names"),
    # 2024 spellings
    ("proc_macro in 2024", PKG24 + "[lib]\nproc_macro = true\n", ["src/lib.rs"], 5,
     "`proc_macro` is unsupported as of the 2024 edition; instead use `proc-macro`\n(in the `p` library target)"),
    ("crate_type in 2024", PKG24 + '[lib]\ncrate_type = ["rlib"]\n', ["src/lib.rs"], 5,
     "`crate_type` is unsupported as of the 2024 edition; instead use `crate-type`\n(in the `p` library target)"),
    ("empty bin crate_type in 2024", PKG24 + '[[bin]]\nname = "b"\npath = "b.rs"\ncrate_type = []\n', [], 5,
     "`crate_type` is unsupported as of the 2024 edition; instead use `crate-type`\n(in the `b` binary target)"),
    ("example proc_macro in 2024", PKG24 + '[[example]]\nname = "e"\npath = "e.rs"\nproc_macro = false\n', ["src/lib.rs"], 5,
     "`proc_macro` is unsupported as of the 2024 edition; instead use `proc-macro`\n(in the `e` example target)"),
    # to_targets (stage 7)
    ("dylib + cdylib", PKG21 + '[lib]\ncrate-type = ["dylib", "cdylib"]\n', ["src/lib.rs"], 7,
     "library `p` cannot set the crate type of both `dylib` and `cdylib`"),
    ("proc-macro mixed", PKG21 + '[lib]\ncrate-type = ["proc-macro", "rlib"]\n', ["src/lib.rs"], 7, "cannot mix `proc-macro` crate type with others"),
    ("lib edition", PKG21 + '[lib]\nedition = "2019"\n', ["src/lib.rs"], 7,
     "supported edition values are `2015`, `2018`, `2021`, or `2024`, but `2019` is unknown"),
    ("bin filename", PKG21 + '[[bin]]\nname = "b"\npath = "b.rs"\nfilename = "x"\n', [], 7, None),
    ("duplicate declared bins", PKG21 + '[[bin]]\nname = "a"\npath = "a.rs"\n[[bin]]\nname = "a"\npath = "b.rs"\n', [], 7,
     "found duplicate binary name a, but all binary targets must have a unique name"),
    ("src/main.rs + src/bin/<pkg>.rs", PKG21, ["src/main.rs", "src/bin/p.rs"], 7,
     "found duplicate binary name p, but all binary targets must have a unique name"),
    ("2021 keeps discovering next to [[bin]] (case 33)", PKG21.replace('"p"', '"dup"') + '[[bin]]\nname = "z"\npath = "z.rs"\n',
     ["src/main.rs", "src/bin/dup.rs"], 7, "found duplicate binary name dup, but all binary targets must have a unique name"),
    ("src/bin/x.rs + src/bin/x/main.rs", PKG21, ["src/bin/x.rs", "src/bin/x/main.rs"], 7,
     "found duplicate binary name x, but all binary targets must have a unique name"),
    ("duplicate examples", PKG21, ["src/lib.rs", "examples/e.rs", "examples/e/main.rs"], 7,
     "found duplicate example name e, but all example targets must have a unique name"),
    ("duplicate tests", PKG21, ["src/lib.rs", "tests/t.rs", "tests/t/main.rs"], 7,
     "found duplicate test name t, but all test targets must have a unique name"),
    ("duplicate benches", PKG21, ["src/lib.rs", "benches/b.rs", "benches/b/main.rs"], 7,
     "found duplicate bench name b, but all bench targets must have a unique name"),
]


@pytest.mark.parametrize("label,manifest,files,stage,message", ERRORS, ids=[c[0] for c in ERRORS])
def test_target_errors(tmp_path, label, manifest, files, stage, message):
    out, _ = run(tmp_path, manifest, *files)
    assert out.problems, "expected a load problem"
    p = out.problems[0]
    assert (p.stage, p.shape) == (stage, "P")
    if message is not None:
        assert p.lines[-1] == message


def test_target_edition_chain(tmp_path):
    out, _ = run(tmp_path, PKG21 + '[[bin]]\nname = "b"\npath = "b.rs"\nedition = "2030"\n')
    assert out.problems[0].lines == (
        "failed to parse the `edition` key",
        "this version of Cargo is older than the `2030` edition, and only supports `2015`, `2018`, `2021`, and `2024` editions.",
    )
    assert out.problems[0].key_path == ("bin", 0, "edition")


def test_filename_needs_a_nightly_feature(tmp_path):
    out, _ = run(tmp_path, PKG21 + '[[bin]]\nname = "b"\npath = "b.rs"\nfilename = "x"\n')
    (p,) = out.problems
    assert p.lines[0].startswith("feature `different-binary-name` is required\n\nThe package requires the Cargo feature called `different-binary-name`")
    assert p.key_path == ("bin", 0, "filename")


ACCEPTED = [
    ("lib name with odd characters", PKG21 + '[lib]\nname = "1.x y"\n', ["src/lib.rs"]),
    ("proc-macro = true", PKG21 + "[lib]\nproc-macro = true\n", ["src/lib.rs"]),
    ("crate-type proc-macro alone", PKG21 + '[lib]\ncrate-type = ["proc-macro"]\n', ["src/lib.rs"]),
    ("unknown and empty crate-type lists", PKG21 + '[lib]\ncrate-type = ["weird"]\n[[example]]\nname = "e"\npath = "e.rs"\ncrate-type = []\n', ["src/lib.rs"]),
    ("proc_macro in 2021 is only a warning", PKG21 + "[lib]\nproc_macro = true\n", ["src/lib.rs"]),
    ("test named deps", PKG21 + '[[test]]\nname = "deps"\npath = "t.rs"\n', ["src/lib.rs"]),
    ("windows reserved name", PKG21 + '[lib]\nname = "con"\n', ["src/lib.rs"]),
    ("example crate-type mixing proc-macro", PKG21 + '[[example]]\nname = "t"\npath = "t.rs"\ncrate-type = ["proc-macro", "lib"]\n', ["src/lib.rs"]),
    ("2015 ambiguous bin resolved by the legacy path", PKG15 + '[[bin]]\nname = "x"\n', ["src/bin/x.rs", "src/bin/x/main.rs", "src/main.rs"]),
]


@pytest.mark.parametrize("label,manifest,files", ACCEPTED, ids=[c[0] for c in ACCEPTED])
def test_accepted(tmp_path, label, manifest, files):
    out, _ = run(tmp_path, manifest, *files)
    assert out.problems == []


# -- deferred errors (build commands only) ------------------------------------------------------

DEFERRED = [
    ("example without file (case 32)", PKG21 + '[[example]]\nname = "e"\n', ["src/lib.rs"], "example",
     "can't find `e` example at `examples/e.rs` or `examples/e/main.rs`. Please specify example.path if you want to use a non-default path."),
    ("test in the commonly wrong dir", PKG21 + '[[test]]\nname = "t"\n', ["src/lib.rs", "test/t.rs"], "test",
     "can't find `t` test at default paths, but found a file at `test/t.rs`.\n"
     "Perhaps rename the file to `tests/t.rs` for target auto-discovery, or specify test.path if you want to use a non-default path."),
    ("bench similar name", PKG21 + '[[bench]]\nname = "speed"\n', ["src/lib.rs", "benches/sped.rs"], "bench",
     "can't find `speed` bench at `benches/speed.rs` or `benches/speed/main.rs`. Please specify bench.path if you want to use a non-default path."
     "\n\nhelp: a bench with a similar name exists: `sped`"),
    ("explicit ambiguous example", PKG21 + '[[example]]\nname = "e"\n', ["src/lib.rs", "examples/e.rs", "examples/e/main.rs"], "example",
     "cannot infer path for `e` example\n"
     "Cargo doesn't know which to use because multiple target files found at `examples/e/main.rs` and `examples/e.rs`."),
    ("bin with proc-macro", PKG21 + '[[bin]]\nname = "b"\npath = "b.rs"\nproc-macro = true\n', [], "bin",
     "the target `b` is a binary and can't have `proc-macro` set `true`"),
    ("bin with crate-type", PKG21 + '[[bin]]\nname = "b"\npath = "b.rs"\ncrate-type = ["lib"]\n', [], "bin",
     'the target `b` is a binary and can\'t have any crate-types set (currently "lib")'),
]


@pytest.mark.parametrize("label,manifest,files,kind,message", DEFERRED, ids=[c[0] for c in DEFERRED])
def test_deferred(tmp_path, label, manifest, files, kind, message):
    out, _ = run(tmp_path, manifest, *files)
    assert out.problems == []  # cargo metadata loads the package
    assert [(d.kind, d.message) for d in out.deferred] == [(kind, message)]


def test_dropped_example_is_not_a_target(tmp_path):
    out, root = run(tmp_path, PKG21 + '[[example]]\nname = "e"\n[[example]]\nname = "f"\n', "src/lib.rs", "examples/f.rs")
    assert rel(out.targets, root) == [("lib", "p", "src/lib.rs"), ("example", "f", "examples/f.rs")]
    assert out.deferred[0].key_path == ("example", 0)


# -- file-system use -----------------------------------------------------------------------------


class CountingFS(FileSystem):
    def __init__(self) -> None:
        super().__init__()
        self.listed: list[str] = []

    def list_dir(self, path: str) -> list[str]:
        self.listed.append(path)
        return super().list_dir(path)


def test_each_directory_listed_at_most_once(tmp_path):
    fs = CountingFS()
    manifest = PKG21 + '[[bin]]\nname = "q"\n[[example]]\nname = "nope"\n'
    out, root = run(tmp_path, manifest, "src/bin/a.rs", "examples/e.rs", "tests/t.rs", "benches/b.rs", "src/lib.rs", fs=fs)
    assert sorted(fs.listed) == sorted(root + d for d in ("/src/bin", "/examples", "/tests", "/benches"))
    assert out.problems[0].stage == 5  # the [[bin]] lookup failed, after listing src/bin once


def test_virtual_manifest_has_no_targets(tmp_path):
    root, data = make(tmp_path, '[workspace]\nmembers = ["a"]\n', "src/lib.rs")
    assert discover_targets(root, data, FileSystem(), "2015") == ([], [])
