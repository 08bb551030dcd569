"""The Cargo.toml schema (schemas/cargo.schema.json) and its evaluator (engine/schema.py).

* The false-positive test: no schema finding on the corpus manifests cargo loads, beyond the
  unused keys cargo itself warns about (recorded once by scripts/record_unused_keys.py in
  data/corpus_unused_keys.json, so CI does not run cargo 1,394 times).
* With cargo present: on a layout full of misspelt keys, our unknown keys are cargo's
  "unused manifest key" warnings.
* Unit tests: unknown keys and wrong types with their exact ranges, what must be accepted
  (inheritance, legacy spellings, metadata, target tables), hover docs, completions.
* The schema itself is a well-formed draft-07 schema written in the subset we evaluate.
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import cargo_oracle as co
from cargo_lens.engine import schema
from cargo_lens.engine.analysis import Options, run_checks
from cargo_lens.engine.fs import FileSystem
from cargo_lens.engine.toml_doc import parse
from cargo_lens.engine.workspace import Context

REPO = Path(__file__).resolve().parents[2]
CORPUS_DIR = co.SHARED_DIR / "corpus"
RECORD = Path(__file__).resolve().parent / "data" / "corpus_unused_keys.json"
SCHEMA_FILE = REPO / "schemas" / "cargo.schema.json"

PKG = '[package]\nname = "a"\nversion = "0.1.0"\nedition = "2021"\n'


def findings(text: str) -> list[tuple[str, tuple, str]]:
    """(kind, key path, underlined text) of every finding."""
    return [(f.kind, f.key_path, text[f.span[0] : f.span[1]]) for f in schema.validate_text(text)]


def dotted(key_path: tuple) -> str:
    """A key path the way cargo prints an unused key (serde_ignored: parts joined by dots).

    cargo checks the keys of a lint's table itself and names them `lints.<tool>.<lint>.<key>`,
    also when the table is in `[workspace.lints]`."""
    if key_path[:2] == ("workspace", "lints") and len(key_path) == 5:
        key_path = key_path[1:]
    return ".".join(str(p) for p in key_path)


# -- (a) the false-positive test on real manifests ---------------------------------------------


def _loaded(expected: dict) -> set[str]:
    out = {m for m, v in expected["roots"].items() if v.get("error") is None}
    out |= {m for m, v in expected["packages"].items() if v.get("error") is None}
    return out


def test_no_schema_finding_on_corpus_manifests_beyond_cargos_own_warnings():
    record = json.loads(RECORD.read_text(encoding="utf-8"))
    assert record["cargo_version"].startswith(co.RECORDED_CARGO_VERSION)
    assert record["unexpected_errors"] == [], "the record was made from failed cargo runs"
    warned = {k: set(v) for k, v in record["unused_keys"].items()}
    problems, loaded_count, total = [], 0, 0
    for entry in sorted(p for p in CORPUS_DIR.iterdir() if (p / "expected.json").is_file()):
        expected = json.loads((entry / "expected.json").read_text(encoding="utf-8"))
        loaded = _loaded(expected)
        for manifest in expected["manifests"]:
            total += 1
            if manifest not in loaded:
                continue  # cargo refuses it: not a false-positive question
            loaded_count += 1
            text = (entry / manifest).read_bytes().decode("utf-8", errors="replace")
            allowed = warned.get(f"{entry.name}/{manifest}", set())
            for f in schema.validate_text(text):
                if f.kind == schema.UNKNOWN_KEY and dotted(f.key_path) in allowed:
                    continue
                problems.append(f"{entry.name}/{manifest}: {f.kind} {dotted(f.key_path)}: {f.message}")
    assert total == 1394
    assert loaded_count == record["manifests_loaded"] == 1388
    assert not problems, f"{len(problems)} false positives:\n" + "\n".join(problems[:50])


def _record_module():
    spec = importlib.util.spec_from_file_location("record_unused_keys", REPO / "scripts" / "record_unused_keys.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


ROOT_WITH_TYPOS = """\
cargo-feature = ["x"]
[workspace]
members = ["m"]
memebers = ["x"]
resolver = "2"

[workspace.package]
version = "1.2.3"
edition = "2021"
description = "d"
licence = "MIT"

[workspace.dependencies]
serde = { version = "1", featuers = ["derive"] }
log = "0.4"

[workspace.lints.rust]
unsafe_code = { level = "forbid", prio = 1 }

[workspace.metadata.whatever]
a.b = 1

[package]
name = "root"
version = "0.1.0"
edition = "2021"
autor = "me"

[package.metadata.docs.rs]
all-features = true

[lib]
path = "src/lib.rs"
crate_type = ["rlib"]
plugin = false

[[bin]]
name = "r"
path = "src/main.rs"
requried-features = []

[dependencies]
m = { path = "m", versoin = "1" }

[target.'cfg(unix)'.dependencies]
libc = { version = "0.2", optinal = true }

[target.'cfg(unix)'.dev-dependencies2]
x = "1"

[dev_dependencies]
y = { version = "1", default_features = false }

[badges]
maintenance = { status = "as-is", anything = "goes" }

[hints]
mostly-unused = true
other-hint = 1

[profile.release]
opt_level = 3

[profile.release.package.m]
opt-level = 2
debg = 1

[profile.release.build-override]
foo = 1

[profile.custom]
inherits = "release"
bar = 1

[patch.crates-io]
serde = { git = "https://github.com/serde-rs/serde", brnch = "x" }

[lints]
workspace = true
"""

MEMBER_WITH_TYPOS = """\
[package]
name = "m"
version.workspace = true
edition = { workspace = true }
description = { workspace = true, extra = 1 }

[dependencies]
serde = { workspace = true, features = ["std"], version = "2" }
log.workspace = true
log.extra = 1

[lints.rust]
unexpected_cfgs = { level = "warn", check-cfg = ["cfg(x)"], other = 1 }
[lints.clippy]
all = { level = "warn", priority = -1, bad = 2 }
[lints.cargo]
x = "warn"
"""


@pytest.mark.cargo
def test_unknown_keys_are_the_keys_cargo_warns_about(tmp_path, cargo_bin):
    files = {"Cargo.toml": ROOT_WITH_TYPOS, "src/lib.rs": "", "src/main.rs": "",
             "m/Cargo.toml": MEMBER_WITH_TYPOS, "m/src/lib.rs": ""}
    root = co.materialize(files, tmp_path / "ws")
    co.assert_no_manifest_above(root)
    _, warned, _ = _record_module().run_one(cargo_bin, str(root), "Cargo.toml")
    for manifest in ("Cargo.toml", "m/Cargo.toml"):
        ours = {dotted(f.key_path) for f in schema.validate_text(files[manifest]) if f.kind == schema.UNKNOWN_KEY}
        cargos = set(warned.get(manifest, ()))
        assert ours <= cargos, f"{manifest}: we flag keys cargo uses: {sorted(ours - cargos)}"
        # `[lints.cargo]` is unstable: stable cargo warns about the whole table, we accept it.
        assert cargos - ours <= {"lints.cargo"}, f"{manifest}: cargo warns, we do not: {sorted(cargos - ours)}"
        assert not [f for f in schema.validate_text(files[manifest]) if f.kind == schema.WRONG_TYPE]
    assert len(warned["Cargo.toml"]) >= 18 and len(warned["m/Cargo.toml"]) >= 5


# -- (b) unknown keys and wrong types ----------------------------------------------------------


def test_unknown_keys_at_several_depths_underline_the_key():
    text = PKG + 'autor = "me"\n\n[pakage]\nname = "x"\n\n[dependencies]\nx = { version = "1", featuers = ["a"] }\n\n[profile.release]\nopt_level = 3\n'
    assert findings(text) == [
        ("unknown-key", ("package", "autor"), "autor"),
        ("unknown-key", ("pakage",), "pakage"),
        ("unknown-key", ("dependencies", "x", "featuers"), "featuers"),
        ("unknown-key", ("profile", "release", "opt_level"), "opt_level"),
    ]
    by_path = {f.key_path: f for f in schema.validate_text(text)}
    assert all(f.severity == "warning" for f in by_path.values())
    assert "did you mean `authors`?" in by_path[("package", "autor")].message
    assert "did you mean `package`?" in by_path[("pakage",)].message
    assert "did you mean `features`?" in by_path[("dependencies", "x", "featuers")].message
    assert "did you mean `opt-level`?" in by_path[("profile", "release", "opt_level")].message
    assert "unused manifest key" in by_path[("pakage",)].message


def test_unknown_keys_in_dotted_keys_headers_and_arrays_of_tables():
    text = PKG + 'a.b.c = 1\n\n[[bin]]\nname = "x"\npth = "src/x.rs"\n\n[target.\'cfg(unix)\'.dependencis]\nlibc = "1"\n'
    assert findings(text) == [
        ("unknown-key", ("package", "a"), "a"),
        ("unknown-key", ("bin", 0, "pth"), "pth"),
        ("unknown-key", ("target", "cfg(unix)", "dependencis"), "dependencis"),
    ]


@pytest.mark.parametrize(
    "text, key_path, value",
    [
        ('[package]\nname = "a"\nedition = 2021\n', ("package", "edition"), "2021"),
        ('[package]\nname = "a"\nversion = 1\n', ("package", "version"), "1"),
        ('[workspace]\nmembers = "a"\n', ("workspace", "members"), '"a"'),
        (PKG + '[dependencies]\nserde = { version = "1", features = "x" }\n', ("dependencies", "serde", "features"), '"x"'),
        (PKG + '[profile.release]\nopt-level = "fast"\n', ("profile", "release", "opt-level"), '"fast"'),
        (PKG + '[profile.dev]\ndebug = 5\n', ("profile", "dev", "debug"), "5"),
        (PKG + '[profile.dev]\nopt-level = "3"\n', ("profile", "dev", "opt-level"), '"3"'),
        (PKG + '[profile.dev]\npanic = "crash"\n', ("profile", "dev", "panic"), '"crash"'),
        (PKG + '[profile.dev]\nstrip = "all"\n', ("profile", "dev", "strip"), '"all"'),
        (PKG + '[profile.dev]\ncodegen-units = 0\n', ("profile", "dev", "codegen-units"), "0"),
        (PKG + '[profile.dev.package."*"]\nlto = true\n', ("profile", "dev", "package", "*", "lto"), "true"),
        ('[package]\nname = "a"\nedition = "2030"\n', ("package", "edition"), '"2030"'),
        ('[package]\nname = "a"\nrust-version = "1.70-beta"\n', ("package", "rust-version"), '"1.70-beta"'),
        ('[package]\nname = "a"\nresolver = 2\n', ("package", "resolver"), "2"),
        (PKG + '[lib]\ncrate-type = ["dylib", "shared"]\n', ("lib", "crate-type", 1), '"shared"'),
        (PKG + '[dependencies]\nserde = { workspace = false }\n', ("dependencies", "serde", "workspace"), "false"),
        (PKG + '[dependencies]\nserde = 1\n', ("dependencies", "serde"), "1"),
        (PKG + '[lints.rust]\nunsafe_code = "forbidden"\n', ("lints", "rust", "unsafe_code"), '"forbidden"'),
        (PKG + '[lints.rust]\nunsafe_code = { priority = 1 }\n', ("lints", "rust", "unsafe_code"), "{ priority = 1 }"),
        ('[workspace.dependencies]\nserde = { version = "1", optional = true }\n', ("workspace", "dependencies", "serde", "optional"), "true"),
        (PKG + '[features]\ndefault = "std"\n', ("features", "default"), '"std"'),
        (PKG + 'readme = 1\n', ("package", "readme"), "1"),
        (PKG + '[[bin]]\nname = "x"\ntest = "yes"\n', ("bin", 0, "test"), '"yes"'),
        (PKG + '[lib]\nname = "x"\n[bin]\nname = "y"\n', ("bin",), "[bin]"),
    ],
)
def test_wrong_types_underline_the_value(text, key_path, value):
    found = [f for f in schema.validate_text(text)]
    assert [(f.kind, f.key_path, text[f.span[0] : f.span[1]]) for f in found] == [("wrong-type", key_path, value)]
    assert found[0].severity == "error"
    assert found[0].message.startswith(f"`{schema.display_path(key_path)}`: ")


def test_wrong_type_messages_say_what_is_expected_and_what_was_found():
    msg = {f.key_path: f.message for f in schema.validate_text(
        '[package]\nname = "a"\nedition = 2021\nversion = "1.0"\n[profile.dev]\nopt-level = "fast"\n')}
    assert msg[("package", "edition")] == (
        '`package.edition`: expected one of `"2015"`, `"2018"`, `"2021"`, `"2024"` or `{ workspace = true }`, found integer `2021`')
    assert msg[("package", "version")].endswith('found string `"1.0"`')
    assert "three numbers" in msg[("package", "version")]
    assert msg[("profile", "dev", "opt-level")] == '`profile.dev.opt-level`: expected 0, 1, 2, 3, "s" or "z", found string `"fast"`'


def test_inheritance_forms_are_accepted():
    text = """\
[package]
name = "a"
version.workspace = true
edition = { workspace = true }
authors.workspace = true
rust-version.workspace = true
readme = { workspace = true }
publish.workspace = true

[dependencies]
serde = { workspace = true, features = ["derive"], optional = true }
log.workspace = true
rand = { workspace = true, default-features = false }

[build-dependencies]
cc.workspace = true

[target.'cfg(windows)'.dev-dependencies]
winapi = { workspace = true }

[lints]
workspace = true
"""
    assert findings(text) == []


def test_inherited_dependency_keys_cargo_ignores_are_unknown():
    # cargo deserializes `{ workspace = true, ... }` as an inherited dependency and warns
    # "unused manifest key" for anything but features/optional/default-features/public.
    text = PKG + '[dependencies]\nserde = { workspace = true, version = "1", path = "x" }\n'
    assert findings(text) == [
        ("unknown-key", ("dependencies", "serde", "version"), "version"),
        ("unknown-key", ("dependencies", "serde", "path"), "path"),
    ]
    # A broken `workspace = true` entry is explained as an inherited dependency.
    text = PKG + '[dependencies]\nserde = { workspace = true, features = "derive" }\n'
    assert findings(text) == [("wrong-type", ("dependencies", "serde", "features"), '"derive"')]


def test_legacy_spellings_are_accepted():
    text = """\
[project]
name = "a"
version = "0.1.0"

[lib]
crate_type = ["rlib", "cdylib"]
proc_macro = false

[dev_dependencies]
x = { version = "1", default_features = false }

[build_dependencies]
y = "1"

[target.'cfg(unix)'.dev_dependencies]
z = "1"

[target.'cfg(unix)'.build_dependencies]
w = "1"

[workspace.dependencies]
v = { version = "1", default_features = false }
"""
    assert findings(text) == []


def test_metadata_tables_are_free_form():
    text = PKG + """\
[package.metadata.anything]
deep = { nested = [1, "two", { three = 3.0 }] }
[package.metadata.docs.rs]
all-features = true
rustdoc-args = ["--cfg", "docsrs"]

[workspace]
[workspace.metadata.release]
tag = false
sign-commit = true
[workspace.metadata.x.y.z]
w = 1979-05-27
"""
    assert findings(text) == []


def test_target_tables_accept_any_cfg_or_triple():
    text = PKG + """\
[target.'cfg(unix)'.dependencies]
libc = "0.2"
[target.'cfg(all(target_os = "linux", target_arch = "x86_64"))'.build-dependencies]
cc = "1"
[target.x86_64-pc-windows-msvc.dev-dependencies]
winapi = { version = "0.3", features = ["winuser"] }
[target."thumbv7em-none-eabihf".dependencies.cortex-m]
version = "0.7"
"""
    assert findings(text) == []
    assert findings(PKG + "[target.'cfg(unix)'.lints]\nx = 1\n") == [
        ("unknown-key", ("target", "cfg(unix)", "lints"), "lints")]


def test_a_broad_valid_manifest_has_no_findings():
    text = """\
cargo-features = []

[package]
name = "demo"
version = "1.2.3-beta.1+build.5"
authors = ["A <a@example.com>"]
edition = "2024"
rust-version = "1.85"
description = "d"
documentation = "https://docs.rs/demo"
readme = false
homepage = "https://example.com"
repository = "https://github.com/x/demo"
license = "MIT OR Apache-2.0"
keywords = ["a"]
categories = ["development-tools"]
build = "build.rs"
links = "git2"
exclude = ["/ci"]
publish = ["my-registry"]
default-run = "demo"
autobins = false
autoexamples = true
autotests = false
autobenches = false
autolib = true
resolver = "3"

[lib]
name = "demo"
path = "src/lib.rs"
test = true
doctest = false
bench = false
doc = true
proc-macro = false
harness = true
crate-type = ["lib", "staticlib"]
edition = "2021"
doc-scrape-examples = true

[[bin]]
name = "demo"
required-features = ["cli"]

[[example]]
name = "ex"
crate-type = ["cdylib"]

[[test]]
name = "it"
harness = false

[[bench]]
name = "b"
harness = false

[features]
default = ["std"]
std = []
cli = ["dep:clap", "serde?/std", "regex/unicode"]

[dependencies]
clap = { version = "4", optional = true, default-features = false, features = ["derive"] }
serde = { version = "1", optional = true }
regex = { git = "https://github.com/rust-lang/regex", rev = "abc", package = "regex" }
local = { path = "../local", version = "0.1" }
other = { version = "1", registry = "my-registry" }

[badges]
maintenance = { status = "actively-developed" }

[lints.rust]
unsafe_code = "forbid"
unexpected_cfgs = { level = "warn", check-cfg = ["cfg(docsrs)"] }
[lints.clippy]
all = { level = "warn", priority = -1 }
[lints.rustdoc]
broken_intra_doc_links = "deny"

[profile.dev]
opt-level = 1
debug = "line-tables-only"
split-debuginfo = "unpacked"
debug-assertions = true
overflow-checks = true
incremental = true
codegen-units = 256
rpath = false
panic = "unwind"
lto = false
strip = "none"

[profile.release]
opt-level = "z"
debug = false
lto = "thin"
panic = "abort"
strip = true
codegen-units = 1

[profile.release.package."*"]
opt-level = 3
debug = 0

[profile.release.build-override]
opt-level = 0

[profile.profiling]
inherits = "release"
debug = true

[patch.crates-io]
serde = { git = "https://github.com/serde-rs/serde" }
[patch."https://github.com/rust-lang/regex"]
regex = { path = "../regex" }

[workspace]
members = ["crates/*"]
exclude = ["old"]
default-members = ["."]
resolver = "2"

[workspace.package]
version = "1.0.0"
authors = ["x"]
edition = "2021"
rust-version = "1.70"
readme = "README.md"
publish = false
badges = { maintenance = { status = "as-is" } }

[workspace.dependencies]
anyhow = "1"
tokio = { version = "1", features = ["full"], default-features = false }

[workspace.lints.rust]
missing_docs = "warn"
"""
    assert findings(text) == []


def test_replace_and_hints_and_other_sections():
    assert findings('[replace]\n"foo:0.1.0" = { git = "https://example.com/foo" }\n') == []
    assert findings(PKG + '[hints]\nmostly-unused = true\n') == []
    assert findings(PKG + '[hints]\nmostly-unsused = true\n') == [
        ("unknown-key", ("hints", "mostly-unsused"), "mostly-unsused")]


def test_syntax_errors_mean_no_schema_findings():
    text = PKG + 'autor = "x"\nedition = 2021\n[dependencies\nserde = "1"\n'
    doc = parse(text)
    assert doc.errors
    assert schema.validate(doc) == []


def test_mutated_corpus_manifests_never_crash_and_spans_stay_in_the_text():
    """Values swapped for other types and keys misspelt, across real manifests: findings come
    out (no exception), each on the key or value it names."""
    paths = sorted(CORPUS_DIR.glob("*/**/Cargo.toml"))[::7]
    mutations = [
        (re.compile(r'= "([^"\n]*)"'), "= 1"),
        (re.compile(r"= (true|false)\b"), '= "yes"'),
        (re.compile(r"= \[[^\]\n]*\]"), "= { a = 1 }"),
        (re.compile(r"^(\w[\w-]*) =", re.M), r"\1x ="),
        (re.compile(r"^\[(\w[\w.-]*)\]", re.M), r"[\1.extra]"),
    ]
    seen_kinds = set()
    for path in paths:
        text = path.read_text(encoding="utf-8", errors="replace")
        for rx, repl in mutations:
            mutated = rx.sub(repl, text, count=3)
            doc = parse(mutated)
            for f in schema.validate(doc):
                seen_kinds.add(f.kind)
                assert 0 <= f.span[0] < f.span[1] <= len(mutated)
                node = doc.lookup(f.key_path)
                assert node is not None, f.key_path
                expected = node.key_span if f.kind == schema.UNKNOWN_KEY else node.span
                assert f.span == (expected or node.span), (path, f)
    assert seen_kinds == {schema.UNKNOWN_KEY, schema.WRONG_TYPE}


# -- the rules: CL103 / CL104 ------------------------------------------------------------------


def _check(tmp_path: Path, files: dict[str, str]):
    for rel, content in files.items():
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(content, encoding="utf-8")
    ctx = Context(FileSystem(boundary=str(tmp_path)), env={})
    diags = run_checks(ctx, [str(tmp_path / "Cargo.toml")], Options())
    out = []
    for d in diags:
        text = ctx.manifest(d.file).text or ""
        out.append((d.code, d.severity, text[d.span[0] : d.span[1]]))
    return out


def test_rules_report_unknown_keys_as_warnings_and_wrong_types_as_errors(tmp_path):
    found = _check(tmp_path, {
        "Cargo.toml": PKG + 'autor = "x"\n[profile.release]\nopt-level = "fast"\nopt_level = 3\n',
        "src/lib.rs": "",
    })
    assert ("CL103", "warning", "autor") in found
    assert ("CL103", "warning", "opt_level") in found
    assert ("CL104", "error", '"fast"') in found


def test_wrong_type_already_reported_by_invalid_manifest_is_not_repeated(tmp_path):
    found = _check(tmp_path, {"Cargo.toml": '[package]\nname = "a"\nedition = 2021\n', "src/lib.rs": ""})
    at_value = [(code, sev) for code, sev, text in found if text == "2021"]
    assert at_value == [("CL101", "error")]


def test_rules_stay_silent_on_a_manifest_with_syntax_errors(tmp_path):
    found = _check(tmp_path, {"Cargo.toml": PKG + 'autor = "x"\nx = \n', "src/lib.rs": ""})
    assert [c for c, _, _ in found if c in ("CL103", "CL104")] == []
    assert any(c == "CL001" for c, _, _ in found)


def test_rules_are_registered_in_code_order():
    from cargo_lens.engine.checks import MODULES, RULES

    codes = [m.RULE.code for m in MODULES]
    assert codes.index("CL103") == codes.index("CL102") + 1 and codes.index("CL104") == codes.index("CL103") + 1
    assert (RULES["CL103"].name, RULES["CL103"].severity) == ("unknown-key", "warning")
    assert (RULES["CL104"].name, RULES["CL104"].severity) == ("wrong-type", "error")


# -- hover and completion data -----------------------------------------------------------------


def test_key_docs():
    title, md, url = schema.key_docs(("package", "edition"))
    assert title == "package.edition"
    assert url == "https://doc.rust-lang.org/cargo/reference/manifest.html#the-edition-field"
    assert "edition" in md and url in md
    _, md, url = schema.key_docs(("dependencies", "serde", "features"))
    assert url.startswith("https://doc.rust-lang.org/cargo/reference/specifying-dependencies.html")
    assert schema.key_docs(("bin", 0, "name"))[2].endswith("cargo-targets.html#the-name-field")
    assert schema.key_docs(("bin", "name"))[2] == schema.key_docs(("bin", 0, "name"))[2]  # index optional
    assert schema.key_docs(("profile", "release", "lto"))[2].endswith("profiles.html#lto")
    assert schema.key_docs(("profile", "my-profile", "inherits"))[2].endswith("profiles.html#custom-profiles")
    assert schema.key_docs(("target", "cfg(unix)", "dependencies"))[2].endswith("#platform-specific-dependencies")
    assert schema.key_docs(("workspace", "members"))[2].endswith("workspaces.html#the-members-and-exclude-fields")
    assert schema.key_docs(("lints", "rust"))[2].endswith("manifest.html#the-lints-section")
    assert schema.key_docs(("patch", "crates-io"))[2].endswith("#the-patch-section")
    assert schema.key_docs(("dependencies", "serde")) is not None  # the entry itself
    assert schema.key_docs(("package", "autor")) is None
    assert schema.key_docs(("pakage",)) is None
    assert schema.key_docs(("package", "metadata", "anything")) is None
    assert "Deprecated" in schema.key_docs(("dev_dependencies",))[1]


def test_completions_offer_the_keys_not_yet_written():
    got = {k: (detail, docs, snippet) for k, detail, docs, snippet in schema.completions(("package",), {"name"})}
    assert "name" not in got
    assert {"version", "edition", "rust-version", "license", "publish", "metadata"} <= set(got)
    assert "cargo-features" not in got  # cargo rejects it there
    assert got["edition"][2] == '"2024"'  # the schema's example, not a default (that is 2015)
    assert got["version"][2] == '""' and got["autobins"][2] == "true" and got["keywords"][2] == "[]"
    assert got["metadata"][2] is None  # a table
    assert "doc.rust-lang.org" in got["edition"][1]

    top = {k for k, *_ in schema.completions((), {"package"})}
    assert {"dependencies", "dev-dependencies", "workspace", "profile", "lints", "features", "patch", "target"} <= top
    assert not top & {"package", "project", "dev_dependencies", "build_dependencies"}  # written / legacy

    # An empty dependency table: the keys of both forms; once `workspace` is written, only the
    # keys an inherited dependency may add.
    empty = {k for k, *_ in schema.completions(("dependencies", "serde"), ())}
    assert {"workspace", "version", "features", "git", "path", "optional"} <= empty
    assert "default_features" not in empty
    inherited = {k for k, *_ in schema.completions(("dependencies", "serde"), {"workspace"})}
    assert inherited == {"features", "optional", "default-features", "public"}
    detailed = {k for k, *_ in schema.completions(("target", "cfg(unix)", "dependencies", "serde"), {"version"})}
    assert {"features", "git", "path"} <= detailed and "workspace" not in detailed

    assert {k for k, *_ in schema.completions(("profile",), ())} == {"dev", "release", "test", "bench"}
    prof = {k: s for k, _, _, s in schema.completions(("profile", "release", "package", "foo"), ())}
    assert "opt-level" in prof and not {"lto", "panic", "rpath", "package"} & set(prof)
    bins = {k for k, *_ in schema.completions(("bin", 0), {"name"})}
    assert {"path", "required-features", "crate-type"} <= bins and "crate_type" not in bins
    assert schema.completions(("package", "metadata"), ()) == []
    assert schema.completions(("features",), ()) == []


def test_enum_values():
    assert schema.enum_values(("package", "edition")) == ['"2015"', '"2018"', '"2021"', '"2024"']
    assert schema.enum_values(("workspace", "package", "edition")) == ['"2015"', '"2018"', '"2021"', '"2024"']
    assert schema.enum_values(("workspace", "resolver")) == ['"1"', '"2"', '"3"']
    assert schema.enum_values(("profile", "release", "opt-level")) == ["0", "1", "2", "3", '"s"', '"z"']
    assert schema.enum_values(("profile", "custom", "lto")) == ["true", "false", '"fat"', '"thin"', '"off"']
    assert schema.enum_values(("profile", "dev", "panic")) == ['"unwind"', '"abort"', '"immediate-abort"']
    assert schema.enum_values(("profile", "dev", "strip")) == ["true", "false", '"none"', '"debuginfo"', '"symbols"']
    assert '"line-tables-only"' in schema.enum_values(("profile", "dev", "debug"))
    assert schema.enum_values(("lib", "crate-type")) == [
        '"bin"', '"lib"', '"rlib"', '"dylib"', '"cdylib"', '"staticlib"', '"proc-macro"']
    assert schema.enum_values(("lints", "clippy", "all")) == ['"forbid"', '"deny"', '"warn"', '"allow"']
    assert schema.enum_values(("dependencies", "serde", "optional")) == ["true", "false"]
    assert schema.enum_values(("package", "name")) == []


# -- (c) the schema itself ---------------------------------------------------------------------

# Every keyword the schema may use: what engine/schema.py evaluates, plus annotations.
EVALUATED = {"$ref", "allOf", "anyOf", "oneOf", "not", "type", "enum", "const", "pattern", "minimum", "maximum",
             "properties", "patternProperties", "additionalProperties", "required", "items"}
ANNOTATIONS = {"$schema", "$comment", "title", "description", "markdownDescription", "x-docs", "deprecated",
               "default", "examples", "errorMessage", "patternErrorMessage", "x-taplo",
               "x-tombi-additional-key-label", "definitions"}
TYPES = {"string", "integer", "number", "boolean", "array", "object", "null"}


def _schemas(node, where="#"):
    """Every subschema with its JSON pointer (keyword values that are not schemas are skipped)."""
    if isinstance(node, bool):
        yield where, node
        return
    yield where, node
    for key in ("properties", "patternProperties", "definitions"):
        for name, sub in node.get(key, {}).items():
            yield from _schemas(sub, f"{where}/{key}/{name}")
    for key in ("additionalProperties", "items", "not"):
        if isinstance(node.get(key), (dict, bool)):
            yield from _schemas(node[key], f"{where}/{key}")
    for key in ("allOf", "anyOf", "oneOf"):
        for i, sub in enumerate(node.get(key, ())):
            yield from _schemas(sub, f"{where}/{key}/{i}")


@pytest.fixture(scope="module")
def raw_schema() -> dict:
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


def test_schema_is_draft_07_and_uses_only_what_we_evaluate(raw_schema):
    assert raw_schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert "draft-07" in raw_schema["$comment"]
    assert "$defs" not in raw_schema
    try:
        import jsonschema  # not a dependency; used when present
    except ImportError:
        jsonschema = None
    if jsonschema is not None:
        jsonschema.Draft7Validator.check_schema(raw_schema)
    for where, s in _schemas(raw_schema):
        if isinstance(s, bool):
            continue
        unknown = set(s) - EVALUATED - ANNOTATIONS
        assert not unknown, f"{where}: keywords {unknown} are not evaluated by engine/schema.py"
        if "$ref" in s:  # draft-07 ignores everything beside a $ref
            assert set(s) == {"$ref"}, f"{where}: siblings of $ref are ignored by draft-07; wrap it in allOf"
            assert re.fullmatch(r"#/definitions/[A-Za-z0-9_-]+", s["$ref"]), where
            assert s["$ref"].split("/")[-1] in raw_schema["definitions"], f"{where}: $ref {s['$ref']} does not resolve"
        if "type" in s:
            types = s["type"] if isinstance(s["type"], list) else [s["type"]]
            assert types and set(types) <= TYPES, where
        if "enum" in s:
            assert isinstance(s["enum"], list) and s["enum"] and len(set(map(json.dumps, s["enum"]))) == len(s["enum"]), where
        if "required" in s:
            assert isinstance(s["required"], list) and all(k in s.get("properties", {}) for k in s["required"]), where
        for key in ("allOf", "anyOf", "oneOf"):
            if key in s:
                assert isinstance(s[key], list) and s[key], where
        if "pattern" in s:
            re.compile(s["pattern"])
        for key in ("patternProperties",):
            for pat in s.get(key, {}):
                re.compile(pat)
        if "x-docs" in s:
            assert s["x-docs"].startswith("https://doc.rust-lang.org/"), where
            assert s["markdownDescription"].endswith(f"({s['x-docs']})"), where


def test_every_property_has_a_description_and_a_docs_link(raw_schema):
    missing = []
    count = 0
    for where, s in _schemas(raw_schema):
        if isinstance(s, bool):
            continue
        for name, prop in s.get("properties", {}).items():
            count += 1
            if not (isinstance(prop, dict) and prop.get("description") and prop.get("x-docs")):
                missing.append(f"{where}/properties/{name}")
    assert not missing, missing
    assert count > 200


def test_schema_covers_cargos_manifest_fields(raw_schema):
    """The field lists of cargo 1.95's manifest types (cargo-util-schemas), serde renames included."""
    defs = raw_schema["definitions"]
    top = set(raw_schema["properties"])
    assert top == {"cargo-features", "package", "project", "badges", "features", "lib", "bin", "example", "test",
                   "bench", "dependencies", "dev-dependencies", "dev_dependencies", "build-dependencies",
                   "build_dependencies", "target", "lints", "hints", "workspace", "profile", "patch", "replace"}
    assert set(defs["package"]["properties"]) == {
        "edition", "rust-version", "name", "version", "authors", "build", "metabuild", "default-target",
        "forced-target", "links", "exclude", "include", "publish", "workspace", "im-a-teapot", "autolib",
        "autobins", "autoexamples", "autotests", "autobenches", "default-run", "description", "homepage",
        "documentation", "readme", "keywords", "categories", "license", "license-file", "repository", "resolver",
        "metadata", "cargo-features"}
    assert set(defs["workspace"]["properties"]) == {
        "members", "exclude", "default-members", "resolver", "metadata", "package", "dependencies", "lints"}
    assert set(defs["workspace-package"]["properties"]) == {
        "version", "authors", "description", "homepage", "documentation", "readme", "keywords", "categories",
        "license", "license-file", "repository", "publish", "edition", "badges", "exclude", "include", "rust-version"}
    assert set(defs["detailed-dependency"]["properties"]) - {"workspace"} == {
        "version", "registry", "registry-index", "path", "base", "git", "branch", "tag", "rev", "features",
        "optional", "default-features", "default_features", "package", "public", "artifact", "lib", "target"}
    assert set(defs["inherited-dependency"]["properties"]) == {
        "workspace", "features", "default-features", "default_features", "optional", "public"}
    assert set(defs["target"]["properties"]) == {
        "name", "crate-type", "crate_type", "path", "filename", "test", "doctest", "bench", "doc",
        "doc-scrape-examples", "proc-macro", "proc_macro", "harness", "required-features", "edition"}
    assert set(defs["profile"]["properties"]) == {
        "opt-level", "lto", "codegen-backend", "codegen-units", "debug", "split-debuginfo", "debug-assertions",
        "rpath", "panic", "overflow-checks", "incremental", "dir-name", "inherits", "strip", "rustflags",
        "package", "build-override", "trim-paths", "hint-mostly-unused"}
    assert set(defs["platform"]["properties"]) == {
        "dependencies", "build-dependencies", "build_dependencies", "dev-dependencies", "dev_dependencies"}


def test_schema_json_is_what_its_generator_writes():
    proc = subprocess.run([sys.executable, "scripts/gen_cargo_schema.py", "--check"], cwd=REPO,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_schema_module_is_stdlib_only_and_loads_the_json_lazily():
    code = (
        "import sys, cargo_lens.engine.schema as s\n"
        "assert s._loaded == {}, 'the schema was read at import'\n"
        "third = {m.split('.')[0] for m in sys.modules} & {'pygls', 'lsprotocol', 'tomlkit', 'jsonschema', 'cattrs'}\n"
        "assert not third, third\n"
        "s.key_docs(('package',)); assert 'schema' in s._loaded\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                          env={"PYTHONPATH": str(REPO / "server"), "PATH": "/usr/bin:/bin"})
    assert proc.returncode == 0, proc.stderr
