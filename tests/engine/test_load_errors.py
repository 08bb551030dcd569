"""Package-level load errors (spec 10.3-10.4): names and fields, cargo-features, inheritance,
dependency specifications, features, the order of checks, registries; plus a comparison with
the local cargo (`@pytest.mark.cargo`). Expected texts are cargo 1.95's: the spec's tables, and
for the rest what the local cargo printed while these were written."""

from __future__ import annotations

import json
import shutil
import tomllib
from pathlib import Path

import pytest

import cargo_oracle
from cargo_lens.engine.fs import FileSystem
from cargo_lens.engine.load_errors import (
    LoadProblem,
    SemverError,
    check_manifest,
    known_registries,
    parse_version,
    parse_version_req,
    url_error,
)

SPEC = cargo_oracle.SHARED_DIR / "spec" / "edge-cases.json"

PKG = '[package]\nname = "p"\nversion = "0.1.0"\nedition = "2021"\n'
PKG24 = '[package]\nname = "p"\nversion = "0.1.0"\nedition = "2024"\n'
NO_TARGETS = "no targets specified in the manifest"
NO_ROOT = ("failed to find a workspace root",)


class Lookup:
    """A stand-in for the workspace engine's `WorkspaceLookup`."""

    def __init__(self, table: dict | tuple = NO_ROOT, root: str | None = None):
        self.table = table
        self.root = root
        self.calls = 0

    def workspace_table(self):
        self.calls += 1
        return self.table

    def root_manifest_path(self):
        return self.root


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)


def check(tmp_path: Path, manifest: str, files=("src/lib.rs",), *, workspace=None, registries=frozenset({"crates-io"})) -> list[LoadProblem]:
    write(tmp_path, {"Cargo.toml": manifest, **{f: "" for f in files}})
    lookup = workspace if workspace is not None else Lookup()
    return check_manifest(str(tmp_path / "Cargo.toml"), tomllib.loads(manifest), FileSystem(), workspace=lookup, registries=registries)


def first(tmp_path: Path, manifest: str, files=("src/lib.rs",), **kw) -> LoadProblem | None:
    problems = check(tmp_path, manifest, files, **kw)
    return problems[0] if problems else None


def cause(p: LoadProblem | None) -> str | None:
    """What cargo's corpus calls error_cause / the D error line: innermost cause, first line."""
    return None if p is None else p.lines[-1].split("\n", 1)[0]


# =================================================================================================
# Names and package fields (10.3)
# =================================================================================================

XID = "characters must be Unicode XID characters (numbers, `-`, `_`, or most letters)"

FIELDS = [
    # (id, manifest, stage, shape, lines)
    ("name a.b", '[package]\nname = "a.b"\n', 1, "D", (f"invalid character `.` in package name: `a.b`, {XID}",)),
    ("name a b", '[package]\nname = "a b"\n', 1, "D", (f"invalid character ` ` in package name: `a b`, {XID}",)),
    ("name 1abc", '[package]\nname = "1abc"\n', 1, "D", ("invalid character `1` in package name: `1abc`, the name cannot start with a digit",)),
    ("name -ab", '[package]\nname = "-ab"\n', 1, "D",
     ("invalid character `-` in package name: `-ab`, the first character must be a Unicode XID start character (most letters or `_`)",)),
    ("name template (case 35)", '[package]\nname = "{{project-name}}"\n', 1, "D",
     ("invalid character `{` in package name: `{{project-name}}`, the first character must be a Unicode XID start character (most letters or `_`)",)),
    ("name empty", '[package]\nname = ""\n', 1, "D", ("package name cannot be empty",)),
    ("name integer", "[package]\nname = 5\n", 1, "D", ("invalid type: integer `5`, expected a string",)),
    ("name a::b.c reports the part", '[package]\nname = "a::b.c"\n', 1, "D", (f"invalid character `.` in package name: `b.c`, {XID}",)),
    ("name unicode arrow", '[package]\nname = "a→b"\n', 1, "D", (f"invalid character `→` in package name: `a→b`, {XID}",)),
    ("missing name", '[package]\nversion = "1.0.0"\n', 4, "P", ("missing field `package.name`",)),
    ("name a::b", '[package]\nname = "a::b"\n', 7, "P", None),
    ("version 1.0", '[package]\nname = "p"\nversion = "1.0"\n', 1, "D", ("unexpected end of input while parsing minor version number",)),
    ("version v1.0.0", '[package]\nname = "p"\nversion = "v1.0.0"\n', 1, "D", ("unexpected character 'v' while parsing major version number",)),
    ("version integer", '[package]\nname = "p"\nversion = 1\n', 1, "D", ("invalid type: integer `1`, expected SemVer version",)),
    ("version float", '[package]\nname = "p"\nversion = 1.5\n', 1, "D", ("invalid type: floating point `1.5`, expected SemVer version",)),
    ("version empty", '[package]\nname = "p"\nversion = ""\n', 1, "D", ("empty string, expected a semver version",)),
    ("edition 2019", '[package]\nname = "p"\nedition = "2019"\n', 7, "P",
     ("failed to parse the `edition` key", "supported edition values are `2015`, `2018`, `2021`, or `2024`, but `2019` is unknown")),
    ("edition 2030", '[package]\nname = "p"\nedition = "2030"\n', 7, "P",
     ("failed to parse the `edition` key",
      "this version of Cargo is older than the `2030` edition, and only supports `2015`, `2018`, `2021`, and `2024` editions.")),
    ("edition 2050 is unknown", '[package]\nname = "p"\nedition = "2050"\n', 7, "P",
     ("failed to parse the `edition` key", "supported edition values are `2015`, `2018`, `2021`, or `2024`, but `2050` is unknown")),
    ("edition integer", '[package]\nname = "p"\nedition = 2021\n', 1, "D", ("invalid type: integer `2021`, expected a string or workspace",)),
    ("rust-version 1.x", PKG + 'rust-version = "1.x"\n', 1, "D", ('unexpected version requirement, expected a version like "1.32"',)),
    ("rust-version ^1.70", PKG + 'rust-version = "^1.70"\n', 1, "D", ('unexpected version requirement, expected a version like "1.32"',)),
    ("rust-version 1.2.3.4", PKG + 'rust-version = "1.2.3.4"\n', 1, "D", ('expected a version like "1.32"',)),
    ("rust-version nightly", PKG + 'rust-version = "1.70.0-nightly"\n', 1, "D", ('unexpected prerelease field, expected a version like "1.32"',)),
    ("rust-version build", PKG + 'rust-version = "1.70+x"\n', 1, "D", ('unexpected build field, expected a version like "1.32"',)),
    ("rust-version integer", PKG + "rust-version = 1\n", 1, "D", ("invalid type: integer `1`, expected a semver or workspace",)),
    ("rust-version 1 with 2021", '[package]\nname = "p"\nedition = "2021"\nrust-version = "1"\n', 7, "P",
     ("rust-version 1 is incompatible with the version (1.56.0) required by the specified edition (2021)",)),
    ("rust-version 1.80 with 2024", '[package]\nname = "p"\nedition = "2024"\nrust-version = "1.80"\n', 7, "P",
     ("rust-version 1.80 is incompatible with the version (1.85.0) required by the specified edition (2024)",)),
    ("rust-version 1.30 with 2018", '[package]\nname = "p"\nedition = "2018"\nrust-version = "1.30"\n', 7, "P",
     ("rust-version 1.30 is incompatible with the version (1.31.0) required by the specified edition (2018)",)),
    ("rust-version 2 with 2021", '[package]\nname = "p"\nedition = "2021"\nrust-version = "2"\n', 7, "P",
     ("rust-version 2 is incompatible with the version (1.56.0) required by the specified edition (2021)",)),
    ("publish = true without version", '[package]\nname = "p"\npublish = true\n', 7, "P", ("`package.publish` requires `package.version` be specified",)),
    ("publish list without version", '[package]\nname = "p"\npublish = ["alt"]\n', 7, "P", ("`package.publish` requires `package.version` be specified",)),
    ("[project] in 2024", '[project]\nname = "p"\nedition = "2024"\n', 7, "P", ("`[project]` is not supported as of the 2024 Edition, please use `[package]`",)),
    ("resolver 4", PKG + 'resolver = "4"\n', 7, "P", ('`resolver` setting `4` is not valid, valid options are "1", "2" or "3"',)),
    ("workspace resolver 4", PKG + '[workspace]\nresolver = "4"\n', 7, "P", ('`resolver` setting `4` is not valid, valid options are "1", "2" or "3"',)),
    ("resolver in both places", PKG + 'resolver = "2"\n[workspace]\nresolver = "2"\n', 7, "P",
     ("cannot specify `resolver` field in both `[workspace]` and `[package]`",)),
    ("package.workspace and [workspace]", PKG + 'workspace = ".."\n[workspace]\n', 3, "P",
     ("cannot configure both `package.workspace` and `[workspace]`, only one can be specified",)),
    ("links without build script", PKG + 'links = "foo"\n', 7, "P", ("package specifies that it links to `foo` but does not have a custom build script",)),
    ("links with build = false", PKG + 'links = "foo"\nbuild = false\n', 7, "P", ("package specifies that it links to `foo` but does not have a custom build script",)),
    ("default-run missing", PKG + 'default-run = "nope"\n', 7, "P", ("default-run target `nope` not found",)),
    ("default-run similar", PKG + 'default-run = "nope"\n[[bin]]\nname = "nop"\npath = "b.rs"\n', 7, "P",
     ("default-run target `nope` not found\n\nhelp: a target with a similar name exists: `nop`",)),
    ("im-a-teapot", PKG + "im-a-teapot = true\n", 7, "P", None),
    ("cargo-features inside [package]", '[package]\nname = "p"\ncargo-features = ["x"]\n', 1, "D",
     ("the field `cargo-features` should be set at the top of Cargo.toml before any tables",)),
    ("autobins string", PKG + 'autobins = "no"\n', 1, "D", ('invalid type: string "no", expected a boolean',)),
    ("publish string", PKG + 'publish = "no"\n', 1, "D", ('invalid type: string "no", expected a boolean, a vector of strings, or workspace',)),
    ("authors string", PKG + 'authors = "me"\n', 1, "D", ('invalid type: string "me", expected a vector of strings or workspace',)),
    ("readme array", PKG + "readme = [1]\n", 1, "D", ("invalid type: sequence, expected a string, a bool, or workspace",)),
    ("build integer", PKG + "build = 5\n", 1, "D", ("invalid type: integer `5`, expected a boolean, string or array",)),
    ("description table without workspace", PKG + "description = {foo = 1}\n", 1, "D", ("missing field `workspace`",)),
    ("description workspace = false", PKG + "description = {workspace = false}\n", 1, "D", ("`workspace` cannot be false",)),
    ("name is a date", '[package]\nname = 1979-05-27\n', 1, "D", ("invalid type: map, expected a string",)),
    ("[package] is not a table", "package = 5\n", 1, "D", ("invalid type: integer `5`, expected struct TomlPackage",)),
    ("[lib] is not a table", "lib = 5\n" + PKG, 1, "D", ("invalid type: integer `5`, expected struct TomlTarget",)),
    ("[bin] is a table", PKG + '[bin]\nname = "x"\n', 1, "D", ("invalid type: map, expected a sequence",)),
    ("lints level", PKG + '[lints.rust]\nx = "nope"\n', 1, "D", ("unknown variant `nope`, expected one of `forbid`, `deny`, `warn`, `allow`",)),
    ("lints priority", PKG + '[lints.rust]\nx = { level = "deny", priority = 1000 }\n', 1, "D", ("invalid value: integer `1000`, expected i8",)),
    ("lint name with ::", PKG + '[lints.rust]\n"clippy::x" = "deny"\n', 7, "P", ("`lints.rust.clippy::x` is not valid lint name; try `lints.clippy.x`",)),
    ("lint name other tool", PKG + '[lints.clippy]\n"a::x" = "deny"\n', 7, "P", ("`lints.clippy.a::x` is not a valid lint name",)),
    ("lints.workspace = false", PKG + "[lints]\nworkspace = false\n", 1, "D", ("`workspace` cannot be false",)),
    ("lints override", PKG + '[lints]\nworkspace = true\nrust.unsafe_code = "deny"\n', 6, "P",
     ("cannot override `workspace.lints` in `lints`, either remove the overrides or `lints.workspace = true` and manually specify the lints",)),
    ("check-cfg not a list", PKG + '[lints.rust]\nunexpected_cfgs = { level = "warn", check-cfg = "x" }\n', 7, "P",
     ("`lints.rust.unexpected_cfgs.check-cfg` must be a list of string",)),
    ("metabuild", PKG + 'metabuild = "x"\n', 7, "P", None),
    ("multiple build scripts", PKG + 'build = ["a.rs", "b.rs"]\n', 4, "P", None),
    ("default-target", PKG + 'default-target = "x86_64-unknown-linux-gnu"\n', 7, "P", None),
    ("cfg key", PKG + '[target."cfg(unix, windows)".dependencies]\nfoo = "1"\n', 7, "P",
     ("failed to parse `unix, windows` as a cfg expression: unexpected content `, windows` found after cfg expression",)),
]


@pytest.mark.parametrize("label,manifest,stage,shape,lines", FIELDS, ids=[c[0] for c in FIELDS])
def test_fields(tmp_path, label, manifest, stage, shape, lines):
    p = first(tmp_path, manifest)
    assert p is not None, "expected a load problem"
    assert (p.stage, p.shape) == (stage, shape)
    if lines is not None:
        assert p.lines == lines


FEATURE_REQUIRED = [
    ("name a::b", '[package]\nname = "a::b"\n', "open-namespaces", "reference/unstable.html#open-namespaces"),
    ("edition future", '[package]\nname = "p"\nedition = "future"\n', "unstable-editions", "reference/unstable.html#unstable-editions"),
    ("metabuild", PKG + 'metabuild = "x"\n', "metabuild", "reference/unstable.html#metabuild"),
    ("multiple build scripts", PKG + 'build = ["a.rs", "b.rs"]\n', "multiple-build-scripts", "reference/unstable.html#multiple-build-scripts"),
    ("dependency base", PKG + '[dependencies]\nfoo = { path = "x", base = "b" }\n', "path-bases", "reference/unstable.html#path-bases"),
]


@pytest.mark.parametrize("label,manifest,feature,docs", FEATURE_REQUIRED, ids=[c[0] for c in FEATURE_REQUIRED])
def test_feature_required_text(tmp_path, label, manifest, feature, docs):
    p = first(tmp_path, manifest)
    assert p.lines[-1] == (
        f"feature `{feature}` is required\n\n"
        f"The package requires the Cargo feature called `{feature}`, but that feature is not stabilized in this version of Cargo (1.95.0 (f2d3ce0bd 2026-03-21)).\n"
        "Consider trying a newer version of Cargo (this may require the nightly release).\n"
        f"See https://doc.rust-lang.org/nightly/cargo/{docs} for more information about the status of this feature."
    )


def test_feature_gate_context(tmp_path):
    p = first(tmp_path, PKG + "im-a-teapot = true\n")
    assert p.lines[0] == "the `im-a-teapot` manifest key is unstable and may not work properly in England"
    assert p.lines[1].startswith("feature `test-dummy-unstable` is required\n")
    p = first(tmp_path, PKG + 'forced-target = "x"\n')
    assert p.lines[0] == "the `package.default-target` and `package.forced-target` manifest keys are unstable and may not work properly"


# keyword / reserved / Windows / non-ASCII checks exist only in `cargo new` and publishing
ACCEPTED_NAMES = ["test", "core", "std", "fn", "self", "con", "MyCrate", "é_x", "_x", "a-b_c"]


@pytest.mark.parametrize("name", ACCEPTED_NAMES)
def test_names_accepted(tmp_path, name):
    assert check(tmp_path, f'[package]\nname = "{name}"\nedition = "2021"\n') == []


@pytest.mark.parametrize(
    "manifest",
    [
        '[package]\nname = "p"\n',  # no version, no edition
        '[package]\nname = "p"\nversion = " 1.0.0 "\n',  # trimmed
        '[package]\nname = "p"\nedition = "2021"\nrust-version = "1.56"\n',
        '[package]\nname = "p"\nedition = "2015"\nrust-version = "1"\n',
        '[package]\nname = "p"\npublish = []\n',
        '[package]\nname = "p"\npublish = false\n',
        '[project]\nname = "p"\nedition = "2021"\n',
        'cargo-features = ["edition2021"]\n[package]\nname = "p"\n',
        "cargo-features = []\n[package]\nname = \"p\"\n",
        PKG + "[lints]\nworkspace = true\n[workspace.lints.rust]\nunsafe_code = \"deny\"\n",
        PKG + "unknown-key = 1\n[unknown-table]\nx = 1\n",
        PKG + "[hints]\nmostly-unused = 5\n",
        PKG + '[features]\n"1x" = []\n"c++17" = []\n',
    ],
)
def test_fields_accepted(tmp_path, manifest):
    assert check(tmp_path, manifest) == []


def test_links_with_build_script_loads(tmp_path):
    assert check(tmp_path, PKG + 'links = "foo"\n', ("src/lib.rs", "build.rs")) == []
    assert check(tmp_path, PKG + 'links = "foo"\nbuild = "gen.rs"\n') == []


# =================================================================================================
# cargo-features (stage 2)
# =================================================================================================

CARGO_FEATURES = [
    ("unstable", ["public-dependency"],
     "the cargo feature `public-dependency` requires a nightly version of Cargo, but this is the `stable` channel\n"
     "See https://doc.rust-lang.org/book/appendix-07-nightly-rust.html for more information about Rust release channels.\n"
     "See https://doc.rust-lang.org/cargo/reference/unstable.html#public-dependency for more information about using this feature."),
    ("unknown", ["no-such-feature"],
     "unknown Cargo.toml feature `no-such-feature`\n\nSee https://doc.rust-lang.org/nightly/cargo/reference/unstable.html for more information."),
    ("underscore", ["no_such"], "unknown Cargo.toml feature `no_such`\n\nFeature names must use '-' instead of '_'."),
    ("a -Z flag", ["build-std"],
     "unknown Cargo.toml feature `build-std`\n\nThis feature can be enabled via -Zbuild-std or the `[unstable]` section in config.toml.\n"
     "See https://doc.rust-lang.org/nightly/cargo/reference/unstable.html for more information."),
    ("removed", ["publish-lockfile"],
     "the cargo feature `publish-lockfile` has been removed in the 1.37 release\n\nRemove the feature from Cargo.toml to remove this error.\n"
     "See https://doc.rust-lang.org/cargo/reference/unstable.html#publish-lockfile for more information about using this feature."),
    ("twice", ["edition2021", "edition2021"], "the cargo feature `edition2021` has already been activated"),
]


@pytest.mark.parametrize("label,features,message", CARGO_FEATURES, ids=[c[0] for c in CARGO_FEATURES])
def test_cargo_features(tmp_path, label, features, message):
    manifest = f"cargo-features = {json.dumps(features)}\n" + PKG
    p = first(tmp_path, manifest, files=())  # beats "no targets"
    assert (p.stage, p.shape, p.lines) == (2, "P", (message,))


def test_cargo_features_in_a_virtual_manifest(tmp_path):
    p = first(tmp_path, 'cargo-features = ["public-dependency"]\n[workspace]\nmembers = ["a"]\n', files=())
    assert p.stage == 2 and p.message.startswith("the cargo feature `public-dependency` requires a nightly version")


# =================================================================================================
# Virtual manifests and manifests with neither table
# =================================================================================================

VIRTUAL = ["badges", "features", "lib", "bin", "example", "test", "bench", "dependencies", "dev-dependencies", "build-dependencies", "target", "lints", "hints"]
VIRTUAL_BODY = {
    "badges": "[badges.x]\ny = \"z\"\n",
    "features": "[features]\na = []\n",
    "lib": "[lib]\n",
    "bin": '[[bin]]\nname = "b"\n',
    "example": '[[example]]\nname = "e"\n',
    "test": '[[test]]\nname = "t"\n',
    "bench": '[[bench]]\nname = "b"\n',
    "dependencies": '[dependencies]\nfoo = "1"\n',
    "dev-dependencies": '[dev-dependencies]\nfoo = "1"\n',
    "build-dependencies": '[build-dependencies]\nfoo = "1"\n',
    "target": '[target.x.dependencies]\nfoo = "1"\n',
    "lints": '[lints.rust]\nunsafe_code = "deny"\n',
    "hints": "[hints]\n",
}


@pytest.mark.parametrize("section", VIRTUAL)
def test_virtual_manifest_forbidden_sections(tmp_path, section):
    p = first(tmp_path, "[workspace]\n" + VIRTUAL_BODY[section], files=())
    assert (p.stage, p.lines) == (6, (f"this virtual manifest specifies a `{section}` section, which is not allowed",))


def test_virtual_manifest_reports_sections_in_cargos_order(tmp_path):
    problems = check(tmp_path, '[workspace]\n[dependencies]\nfoo = "1"\n[lib]\n[dev_dependencies]\nbar = "1"\n', files=())
    assert [p.message for p in problems] == [
        "this virtual manifest specifies a `lib` section, which is not allowed",
        "this virtual manifest specifies a `dependencies` section, which is not allowed",
        "this virtual manifest specifies a `dev-dependencies` section, which is not allowed",
    ]


@pytest.mark.parametrize("body", ['[patch.crates-io]\nfoo = { path = "x" }\n', '[profile.release]\nlto = true\n', "[foo]\nx = 1\n"])
def test_virtual_manifest_allowed_sections(tmp_path, body):
    assert check(tmp_path, "[workspace]\n" + body, files=()) == []


def test_neither_package_nor_workspace(tmp_path):
    assert [(p.stage, p.lines, p.key_path) for p in check(tmp_path, "", files=())] == [
        (7, ("manifest is missing either a `[package]` or a `[workspace]`",), ())
    ]
    # a stray dependency table makes it a "virtual manifest" first
    assert first(tmp_path, '[dependencies]\nfoo = "1"\n', files=()).message == (
        "this virtual manifest specifies a `dependencies` section, which is not allowed"
    )


# =================================================================================================
# Dependencies
# =================================================================================================

NOSRC = "dependency (foo) specified without providing a local path, Git repository, version, or workspace dependency to use"

DEPS = [
    # (id, dependency line(s) under [dependencies], stage, shape, lines)
    ("only features", 'foo = { features = ["x"] }', 7, "P", (NOSRC,)),
    ("only registry", 'foo = { registry = "alt" }', 7, "P", (NOSRC,)),
    ("workspace is not a bool", 'foo = { workspace = "yes" }', 7, "P", (NOSRC,)),
    ("a date", "foo = 1979-05-27", 7, "P", (NOSRC,)),
    ("unknown registry", 'foo = { version = "1", registry = "alt" }', 7, "P", ("registry index was not found in any configuration: `alt`",)),
    ("path + unknown registry", 'foo = { path = "x", registry = "alt" }', 7, "P", ("registry index was not found in any configuration: `alt`",)),
    ("crates-io registry", 'foo = { version = "1", registry = "crates-io" }', None, None, None),
    ("invalid registry name", 'foo = { version = "1", registry = "a.b" }', 1, "D", (f"invalid character `.` in registry name: `a.b`, {XID}",)),
    ("git not a url", 'foo = { git = "not a url" }', 7, "P", ("invalid url `not a url`: relative URL without a base",)),
    ("git scp-like", 'foo = { git = "git@github.com:a/b" }', 7, "P",
     ("invalid url `git@github.com:a/b`: relative URL without a base; try using `ssh://git@github.com/a/b` instead",)),
    ("git empty host", 'foo = { git = "http://" }', 7, "P", ("invalid url `http://`: empty host",)),
    ("git bad port", 'foo = { git = "https://x:99999/" }', 7, "P", ("invalid url `https://x:99999/`: invalid port number",)),
    ("git cannot-be-a-base", 'foo = { git = "foo:bar" }', 7, "P", ("invalid url `foo:bar`: cannot-be-a-base-URLs are not supported",)),
    ("git ok", 'foo = { git = "https://github.com/a/b", tag = "v1" }', None, None, None),
    ("registry-index not a url", 'foo = { version = "1", registry-index = "nope" }', 7, "P", ("invalid url `nope`: relative URL without a base",)),
    ("git + path", 'foo = { git = "https://x/y", path = "x" }', 7, "P",
     ("dependency (foo) specification is ambiguous. Only one of `git` or `path` is allowed.",)),
    ("git + registry", 'foo = { git = "https://x/y", registry = "alt" }', 7, "P",
     ("dependency (foo) specification is ambiguous. Only one of `git` or `registry` is allowed.",)),
    ("registry + registry-index", 'foo = { version = "1", registry = "alt", registry-index = "https://x" }', 7, "P",
     ("dependency (foo) specification is ambiguous. Only one of `registry` or `registry-index` is allowed.",)),
    ("branch + tag", 'foo = { git = "https://x/y", branch = "a", tag = "b" }', 7, "P",
     ("dependency (foo) specification is ambiguous. Only one of `branch`, `tag` or `rev` is allowed.",)),
    ("branch without git", 'foo = { version = "1", branch = "main" }', 7, "P", ("key `branch` is ignored for dependency (foo).",)),
    ("rev and tag without git", 'foo = { version = "1", rev = "x", tag = "y" }', 7, "P", ("key `tag` is ignored for dependency (foo).",)),
    ("bad version", 'foo = "not-a-version"', 7, "P",
     ("failed to parse the version requirement `not-a-version` for dependency `foo`", "unexpected character 'n' while parsing major version number")),
    ("empty version", 'foo = ""', 7, "P",
     ("failed to parse the version requirement `` for dependency `foo`", "unexpected end of input while parsing major version number")),
    ("renamed: the package name is reported", 'foo = { version = "zz", package = "real" }', 7, "P",
     ("failed to parse the version requirement `zz` for dependency `real`", "unexpected character 'z' while parsing major version number")),
    ("foo = true", "foo = true", 1, "D",
     ('invalid type: boolean `true`, expected a version string like "0.9.8" or a detailed dependency like { version = "0.9.8" }\n'
      "note: if you meant to use a workspace member, you can write\n dep.workspace = true",)),
    ("foo = 5", "foo = 5", 1, "D",
     ('invalid type: integer `5`, expected a version string like "0.9.8" or a detailed dependency like { version = "0.9.8" }',)),
    ("workspace = false", "foo = { workspace = false }", 1, "D", ("`workspace` cannot be false",)),
    ("key a.b", '"a.b" = "1"', 1, "D", (f"invalid character `.` in package name: `a.b`, {XID}",)),
    ("package a b", 'foo = { version = "1", package = "a b" }', 1, "D", (f"invalid character ` ` in package name: `a b`, {XID}",)),
    ("version not a string", "foo = { version = 1 }", 1, "D", ("invalid type: integer `1`, expected a string",)),
    ("detailed keys are checked sorted", "foo = { version = 1, git = 2 }", 1, "D", ("invalid type: integer `2`, expected a string",)),
    ("features not a list", 'foo = { version = "1", features = "x" }', 1, "D", ('invalid type: string "x", expected a sequence',)),
    ("feature with a slash", 'foo = { version = "1", features = ["a/b"] }', 7, "P",
     ("feature `a/b` in dependency `foo` is not allowed to contain slashes\n"
      "If you want to enable features of a transitive dependency, the direct dependency needs to re-export those features from the `[features]` table.",)),
    ("feature with dep:", 'foo = { version = "1", features = ["dep:a"] }', 7, "P", None),
    ("artifact", 'foo = { version = "1", artifact = "bin" }', 7, "P", ("`artifact = …` requires `-Z bindeps` (foo)",)),
    ("lib without artifact", 'foo = { version = "1", lib = true }', 7, "P", ("'lib' specifier cannot be used without an 'artifact = …' value (foo)",)),
    ("base without path", 'foo = { version = "1", base = "b" }', 6, "P", ("resolving path dependency foo", "`base` can only be used with path dependencies")),
    ("path '' and '.'", 'foo = { path = "" }\nbar = { path = "." }', None, None, None),
    ("accepted version requirements",
     'a = "1"\nb = "1.2"\nc = "^1.2.3"\nd = "~1"\ne = "=1.0.0"\nf = ">=1, <2"\ng = "*"\nh = "1.*"\ni = "1.2.3-alpha.1+build"\nj = " 1.2 "\nk = "< 2"\nl = "x"',
     None, None, None),
]


@pytest.mark.parametrize("label,deps,stage,shape,lines", DEPS, ids=[c[0] for c in DEPS])
def test_dependencies(tmp_path, label, deps, stage, shape, lines):
    p = first(tmp_path, PKG + "[dependencies]\n" + deps + "\n")
    if stage is None:
        assert p is None
        return
    assert (p.stage, p.shape) == (stage, shape)
    if lines is not None:
        assert p.lines == lines


def test_dependencies_are_checked_in_cargos_order(tmp_path):
    # gathered: [dependencies], [dev-dependencies], [build-dependencies], then each platform's
    # normal, build, dev; names sorted inside a table
    manifest = PKG + (
        '[build-dependencies]\nb1 = "x1"\n[dev-dependencies]\nd1 = "x1"\n'
        '[target.z.dev-dependencies]\nzd = "x1"\n[target.z.build-dependencies]\nzb = "x1"\n'
        '[dependencies]\nn2 = "x1"\nn1 = "x1"\n'
    )
    problems = check(tmp_path, manifest)
    assert [p.key_path for p in problems] == [
        ("dependencies", "n1"),
        ("dependencies", "n2"),
        ("dev-dependencies", "d1"),
        ("build-dependencies", "b1"),
        ("target", "z", "build-dependencies", "zb"),
        ("target", "z", "dev-dependencies", "zd"),
    ]


def test_registries_are_honoured(tmp_path):
    manifest = PKG + '[dependencies]\nfoo = { version = "1", registry = "alt" }\nbar = { version = "1", registry = "my-reg" }\n'
    assert check(tmp_path, manifest, registries=frozenset({"crates-io", "alt", "my_reg"})) == []


def test_different_sources_across_tables(tmp_path):
    p = first(tmp_path, PKG + '[dependencies]\nfoo = { path = "a" }\n[dev-dependencies]\nfoo = "1"\n')
    assert p.lines == (
        "Dependency 'foo' has different source paths depending on the build target. Each dependency must have a single canonical source path irrespective of build target.",
    )
    assert check(tmp_path, PKG + '[dependencies]\nfoo = { path = "a" }\n[dev-dependencies]\nfoo = { path = "./a/" }\n') == []


def test_dev_dependencies_underscore_in_2024(tmp_path):
    p = first(tmp_path, PKG24 + '[dev_dependencies]\nfoo = "1"\n')
    assert (p.stage, p.lines) == (6, ("`dev_dependencies` is unsupported as of the 2024 edition; instead use `dev-dependencies`\n(in the `p` package)",))
    p = first(tmp_path, PKG24 + '[target.x.build_dependencies]\nfoo = "1"\n')
    assert p.lines == ("`build_dependencies` is unsupported as of the 2024 edition; instead use `build-dependencies`\n(in the `x` platform target)",)
    p = first(tmp_path, PKG24 + '[dependencies]\nfoo = { version = "1", default_features = false }\n')
    assert p.lines == ("`default_features` is unsupported as of the 2024 edition; instead use `default-features`\n(in the `foo` dependency)",)
    assert check(tmp_path, PKG + '[dev_dependencies]\nfoo = "1"\n') == []


# =================================================================================================
# [features]
# =================================================================================================

FEATURES = [
    ("slash in a name", '[features]\n"a/b" = []\n', 1, "D", ("invalid character `/` in feature name: `a/b`, feature name is not allowed to contain slashes",)),
    ("dep: name", '[features]\n"dep:x" = []\n', 1, "D", ("feature named `dep:x` is not allowed to start with `dep:`",)),
    ("empty name", '[features]\n"" = []\n', 1, "D", ("feature name cannot be empty",)),
    ("+x", '[features]\n"+x" = []\n', 1, "D",
     ("invalid character `+` in feature name: `+x`, the first character must be a Unicode XID start character or digit (most letters or `_` or `0` to `9`)",)),
    ("x?", '[features]\n"x?" = []\n', 1, "D",
     ("invalid character `?` in feature name: `x?`, characters must be Unicode XID characters, '-', `+`, or `.` (numbers, `+`, `-`, `_`, `.`, or most letters)",)),
    ("value not a list", '[features]\na = "b"\n', 1, "D", ('invalid type: string "b", expected a sequence',)),
    ("unknown name", '[features]\na = ["nope"]\n', 7, "P", ("feature `a` includes `nope` which is neither a dependency nor another feature",)),
    ("similar name", '[features]\nalpha = []\na = ["alph"]\n', 7, "P",
     ("feature `a` includes `alph` which is neither a dependency nor another feature\n\nhelp: a feature with a similar name exists: `alpha`",)),
    ("dep: of a non-dependency", '[features]\na = ["dep:nope"]\n', 7, "P", ("feature `a` includes `dep:nope`, but `nope` is not listed as a dependency",)),
    ("dep/feature of a non-dependency", '[features]\na = ["nope/x"]\n', 7, "D", ("feature `a` includes `nope/x`, but `nope` is not a dependency",)),
    ("weak of a non-dependency", '[features]\na = ["nope?/x"]\n', 7, "D", ("feature `a` includes `nope?/x`, but `nope` is not a dependency",)),
    ("dep: of a non-optional", '[dependencies]\nfoo = "1"\n[features]\na = ["dep:foo"]\n', 7, "P",
     ("feature `a` includes `dep:foo`, but `foo` is not an optional dependency\nA non-optional dependency of the same name is defined; consider adding `optional = true` to its definition.",)),
    ("plain non-optional", '[dependencies]\nfoo = "1"\n[features]\na = ["foo"]\n', 7, "P",
     ("feature `a` includes `foo`, but `foo` is not an optional dependency\nA non-optional dependency of the same name is defined; consider adding `optional = true` to its definition.",)),
    ("optional without implicit feature", '[dependencies]\nfoo = { version = "1", optional = true }\n[features]\na = ["dep:foo"]\nb = ["foo"]\n', 7, "P",
     ("feature `b` includes `foo`, but `foo` is an optional dependency without an implicit feature\nUse `dep:foo` to enable the dependency.",)),
    ("weak non-optional", '[dependencies]\nfoo = "1"\n[features]\na = ["foo?/x"]\n', 7, "P",
     ("feature `a` includes `foo?/x` with a `?`, but `foo` is not an optional dependency\nA non-optional dependency of the same name is defined; consider removing the `?` or changing the dependency to be optional",)),
    ("dep: with /", '[dependencies]\nfoo = { version = "1", optional = true }\n[features]\na = ["dep:foo/x"]\n', 7, "P",
     ("feature `a` includes `dep:foo/x` with both `dep:` and `/`\nTo fix this, remove the `dep:` prefix.\n"
      "If the intent is to avoid creating an implicit feature `foo` for an optional dependency, then consider replacing this with two values:\n"
      '    "dep:foo", "foo/x"',)),
    ("multiple slashes", '[dependencies]\nfoo = "1"\n[features]\na = ["foo/x/y"]\n', 7, "P",
     ("multiple slashes in feature `foo/x/y` (included by feature `a`) are not allowed",)),
    ("optional not in any feature", '[dependencies]\nfoo = { version = "1", optional = true }\n[features]\nfoo = []\n', 7, "P",
     ("optional dependency `foo` is not included in any feature\nMake sure that `dep:foo` is included in one of features in the [features] table.",)),
    ("optional dev-dependency", '[dev-dependencies]\nfoo = { version = "1", optional = true }\n', 7, "P", ("dev-dependencies are not allowed to be optional: `foo`",)),
    ("fine", '[dependencies]\nfoo = { version = "1", optional = true }\nbar = "1"\n[features]\ndefault = ["a"]\na = ["foo", "bar/x", "foo?/y"]\n', None, None, None),
]


@pytest.mark.parametrize("label,body,stage,shape,lines", FEATURES, ids=[c[0] for c in FEATURES])
def test_features(tmp_path, label, body, stage, shape, lines):
    p = first(tmp_path, PKG + body)
    if stage is None:
        assert p is None
        return
    assert (p.stage, p.shape, p.lines) == (stage, shape, lines)


# =================================================================================================
# [patch], [replace], [workspace.dependencies]
# =================================================================================================


def test_patch(tmp_path):
    p = first(tmp_path, PKG + '[patch.alt]\nfoo = { path = "x" }\n')
    assert p.lines == ("[patch] entry `alt` should be a URL or registry name", "invalid url `alt`: relative URL without a base")
    p = first(tmp_path, PKG + '[patch.crates]\nfoo = { path = "x" }\n')
    assert p.lines == (
        "[patch] entry `crates` should be a URL or registry name\nFor crates.io, use [patch.crates-io] (with a dash)",
        "invalid url `crates`: relative URL without a base",
    )
    assert check(tmp_path, PKG + '[patch.alt]\nfoo = { path = "x" }\n', registries=frozenset({"crates-io", "alt"})) == []
    assert check(tmp_path, PKG + '[patch."https://github.com/x/y"]\nfoo = { path = "x" }\n') == []
    assert first(tmp_path, PKG + '[patch.crates-io]\nfoo = { features = ["a"] }\n').lines == (NOSRC,)
    p = first(tmp_path, PKG + '[patch.crates-io]\nfoo = { path = "x", base = "b" }\n')
    assert (p.stage, p.lines[0]) == (4, "resolving path for patch of (foo) for source (crates-io)")
    p = first(tmp_path, PKG + '[patch.crates-io]\nfoo = { path = "x" }\n[replace]\n"foo:1.0.0" = { path = "y" }\n')
    assert p.lines == ("cannot specify both [replace] and [patch]",)


def test_workspace_dependencies_optional_and_public(tmp_path):
    p = first(tmp_path, PKG + '[workspace.dependencies]\nfoo = { version = "1", optional = true }\n', files=())
    assert (p.stage, p.lines) == (3, ("foo is optional, but workspace dependencies cannot be optional",))  # beats no targets
    p = first(tmp_path, '[workspace.dependencies]\nfoo = { version = "1", public = true }\n', files=())
    assert p.lines == ("foo is public, but workspace dependencies cannot be public",)
    # unused entries are not checked further
    assert check(tmp_path, '[workspace.dependencies]\nfoo = { features = ["x"] }\n', files=()) == []


def test_workspace_package_version_is_a_root_d_error(tmp_path):
    p = first(tmp_path, '[workspace.package]\nversion = "1"\n', files=())
    assert (p.stage, p.shape, p.lines) == (1, "D", ("unexpected end of input while parsing major version number",))


# =================================================================================================
# Inheritance
# =================================================================================================

MEMBER = '[package]\nname = "m"\nversion = "0.1.0"\nedition = "2021"\n'
DEP_OUTER = "error inheriting `foo` from workspace root manifest's `workspace.dependencies.foo`"

INHERIT = [
    # (id, member manifest, workspace_table() answer, expected lines)
    ("no root (case 39)", MEMBER + "[dependencies]\nfoo.workspace = true\n", NO_ROOT, (DEP_OUTER, "failed to find a workspace root")),
    ("no [workspace.dependencies] (case 38)", MEMBER + "[dependencies]\nfoo.workspace = true\n", {"members": ["m"]},
     (DEP_OUTER, "`workspace.dependencies` was not defined")),
    ("entry missing", MEMBER + "[dependencies]\nfoo.workspace = true\n", {"dependencies": {"bar": "1"}},
     (DEP_OUTER, "`dependency.foo` was not found in `workspace.dependencies`")),
    ("field missing", MEMBER.replace('version = "0.1.0"', "version.workspace = true"), {"package": {}},
     ("error inheriting `version` from workspace root manifest's `workspace.package.version`", "`workspace.package.version` was not defined")),
    ("no [workspace.package]", MEMBER + "description.workspace = true\n", {},
     ("error inheriting `description` from workspace root manifest's `workspace.package.description`", "`workspace.package.description` was not defined")),
    ("no [workspace.lints]", MEMBER + "[lints]\nworkspace = true\n", {},
     ("error inheriting `lints` from workspace root manifest's `workspace.lints`", "`workspace.lints` was not defined")),
    ("pointer to a missing manifest", MEMBER + "[dependencies]\nfoo.workspace = true\n",
     ("failed to read `$ROOT/ws/Cargo.toml`", "No such file or directory (os error 2)"),
     (DEP_OUTER, "failed to read `$ROOT/ws/Cargo.toml`", "No such file or directory (os error 2)")),
    ("pointer to a non-root", MEMBER + "[dependencies]\nfoo.workspace = true\n",
     ("root of a workspace inferred but wasn't a root: $ROOT/ws/Cargo.toml",),
     (DEP_OUTER, "root of a workspace inferred but wasn't a root: $ROOT/ws/Cargo.toml")),
    ("broken ancestor", MEMBER + "[dependencies]\nfoo.workspace = true\n",
     ("failed to parse manifest at `$ROOT/Cargo.toml`", "no targets specified in the manifest\neither src/lib.rs, src/main.rs, a [lib] section, or [[bin]] section must be present"),
     (DEP_OUTER, "failed to parse manifest at `$ROOT/Cargo.toml`",
      "no targets specified in the manifest\neither src/lib.rs, src/main.rs, a [lib] section, or [[bin]] section must be present")),
    ("2024 default-features override", MEMBER.replace("2021", "2024") + "[dependencies]\nfoo = { workspace = true, default-features = false }\n",
     {"dependencies": {"foo": "1"}}, (DEP_OUTER, "`default-features = false` cannot override workspace's `default-features`")),
    ("2024 override of an explicit true", MEMBER.replace("2021", "2024") + "[dependencies]\nfoo = { workspace = true, default-features = false }\n",
     {"dependencies": {"foo": {"version": "1", "default-features": True}}}, (DEP_OUTER, "`default-features = false` cannot override workspace's `default-features`")),
    ("inherited edition is validated", MEMBER.replace('edition = "2021"', "edition.workspace = true"), {"package": {"edition": "2019"}},
     ("failed to parse the `edition` key", "supported edition values are `2015`, `2018`, `2021`, or `2024`, but `2019` is unknown")),
    ("inherited dependency is validated", MEMBER + "[dependencies]\nfoo.workspace = true\n", {"dependencies": {"foo": {"features": ["x"]}}}, (NOSRC,)),
    ("inherited publish without version", '[package]\nname = "m"\npublish.workspace = true\n', {"package": {"publish": True}},
     ("`package.publish` requires `package.version` be specified",)),
    ("inherited lints are verified", MEMBER + "[lints]\nworkspace = true\n", {"lints": {"clippy": {"a::b": "deny"}}},
     ("`lints.clippy.a::b` is not a valid lint name",)),
    ("readme = false in the root is not a definition", MEMBER + "readme.workspace = true\n", {"package": {"readme": False}},
     ("error inheriting `readme` from workspace root manifest's `workspace.package.readme`", "`workspace.package.readme` was not defined")),
]


@pytest.mark.parametrize("label,manifest,table,lines", INHERIT, ids=[c[0] for c in INHERIT])
def test_inheritance(tmp_path, label, manifest, table, lines):
    p = first(tmp_path, manifest, workspace=Lookup(table))
    assert (p.shape, p.lines) == ("P", lines)


INHERIT_OK = [
    ("2021 default-features override is a warning", MEMBER + "[dependencies]\nfoo = { workspace = true, default-features = false }\n", {"dependencies": {"foo": "1"}}),
    ("2024 both false", MEMBER.replace("2021", "2024") + "[dependencies]\nfoo = { workspace = true, default-features = false }\n",
     {"dependencies": {"foo": {"version": "1", "default-features": False}}}),
    ("features and optional are merged", MEMBER + '[dependencies]\nfoo = { workspace = true, features = ["x"], optional = true }\n[features]\na = ["dep:foo"]\n',
     {"dependencies": {"foo": {"version": "1", "features": ["y"]}}}),
    ("every package field", MEMBER.replace('version = "0.1.0"', "version.workspace = true") + "license.workspace = true\nrust-version.workspace = true\n",
     {"package": {"version": "1.2.3", "license": "MIT", "rust-version": "1.70"}}),
    ("lints", MEMBER + "[lints]\nworkspace = true\n", {"lints": {"rust": {"unsafe_code": "deny"}}}),
]


@pytest.mark.parametrize("label,manifest,table", INHERIT_OK, ids=[c[0] for c in INHERIT_OK])
def test_inheritance_ok(tmp_path, label, manifest, table):
    assert check(tmp_path, manifest, workspace=Lookup(table)) == []


def test_inheritance_problem_stages_and_key_paths(tmp_path):
    manifest = MEMBER.replace('version = "0.1.0"', "version.workspace = true") + "[dependencies]\nfoo.workspace = true\n[lints]\nworkspace = true\n"
    problems = check(tmp_path, manifest, workspace=Lookup(NO_ROOT))
    assert [(p.stage, p.key_path) for p in problems] == [(4, ("package", "version")), (6, ("dependencies", "foo")), (6, ("lints", "workspace"))]


def test_lookup_is_lazy_and_asked_once(tmp_path):
    lookup = Lookup({"dependencies": {"foo": "1", "bar": "1"}, "package": {"license": "MIT"}})
    assert check(tmp_path, MEMBER + '[dependencies]\nbaz = "1"\n', workspace=lookup) == []
    assert lookup.calls == 0
    check(tmp_path, MEMBER + "license.workspace = true\n[dependencies]\nfoo.workspace = true\nbar.workspace = true\n", workspace=lookup)
    assert lookup.calls == 1


def test_own_workspace_is_the_root(tmp_path):
    lookup = Lookup(NO_ROOT)
    manifest = MEMBER + "[dependencies]\nfoo.workspace = true\n[workspace.dependencies]\nfoo = \"1\"\n"
    assert check(tmp_path, manifest, workspace=lookup) == []
    assert lookup.calls == 0
    p = first(tmp_path, MEMBER.replace('version = "0.1.0"', "version.workspace = true") + "[workspace]\n", workspace=lookup)
    assert p.lines[-1] == "`workspace.package.version` was not defined"


def test_unknown_workspace_stays_silent(tmp_path):
    manifest = MEMBER.replace('version = "0.1.0"', "version.workspace = true") + "[dependencies]\nfoo.workspace = true\n"
    write(tmp_path, {"Cargo.toml": manifest, "src/lib.rs": ""})
    assert check_manifest(str(tmp_path / "Cargo.toml"), tomllib.loads(manifest), FileSystem(), workspace=None) == []


def test_inherited_readme_defaults_to_a_root_readme(tmp_path):
    write(tmp_path, {"ws/README.md": "hi"})
    root = str(tmp_path / "ws" / "Cargo.toml")
    assert check(tmp_path, MEMBER + "readme.workspace = true\n", workspace=Lookup({"package": {}}, root)) == []
    (tmp_path / "ws" / "README.md").unlink()
    p = first(tmp_path, MEMBER + "readme.workspace = true\n", workspace=Lookup({"package": {}}, root))
    assert p.lines[-1] == "`workspace.package.readme` was not defined"


def test_inherited_path_dependency_is_relative_to_the_root(tmp_path):
    table = {"dependencies": {"foo": {"path": "crates/foo"}}}
    root = str(tmp_path / "Cargo.toml")
    write(tmp_path, {"m/src/lib.rs": ""})
    manifest = MEMBER + '[dependencies]\nfoo.workspace = true\n[dev-dependencies]\nfoo = { path = "../crates/foo" }\n'
    (tmp_path / "m" / "Cargo.toml").write_text(manifest)
    problems = check_manifest(str(tmp_path / "m" / "Cargo.toml"), tomllib.loads(manifest), FileSystem(), workspace=Lookup(table, root))
    assert problems == []


# =================================================================================================
# Order of checks (10.4)
# =================================================================================================

ORDER = [
    # (id, files, expected first message)
    ("an invalid name beats cargo-features", {"Cargo.toml": 'cargo-features = ["no-such"]\n[package]\nname = "a.b"\n'},
     f"invalid character `.` in package name: `a.b`, {XID}"),
    ("cargo-features beat no targets", {"Cargo.toml": 'cargo-features = ["no-such"]\n' + PKG}, "unknown Cargo.toml feature `no-such`"),
    ("a missing [[bin]] beats the edition", {"Cargo.toml": '[package]\nname = "p"\nedition = "2019"\n[[bin]]\nname = "b"\n', "src/lib.rs": ""},
     "can't find `b` bin at `src/bin/b.rs` or `src/bin/b/main.rs`. Please specify bin.path if you want to use a non-default path."),
    ("a missing [[bin]] beats inheritance", {"Cargo.toml": PKG + '[[bin]]\nname = "b"\n[dependencies]\nfoo.workspace = true\n', "src/lib.rs": ""},
     "can't find `b` bin at `src/bin/b.rs` or `src/bin/b/main.rs`. Please specify bin.path if you want to use a non-default path."),
    ("inheritance beats no targets", {"Cargo.toml": PKG + "[dependencies]\nfoo.workspace = true\n"}, "failed to find a workspace root"),
    ("field inheritance beats no targets", {"Cargo.toml": PKG + "license.workspace = true\n"}, "failed to find a workspace root"),
    ("the edition beats no targets", {"Cargo.toml": '[package]\nname = "p"\nedition = "2019"\n'},
     "supported edition values are `2015`, `2018`, `2021`, or `2024`, but `2019` is unknown"),
    ("the missing name beats no targets", {"Cargo.toml": '[package]\nversion = "1.0.0"\n'}, "missing field `package.name`"),
    ("no targets beats publish", {"Cargo.toml": '[package]\nname = "p"\npublish = true\n'}, NO_TARGETS),
    ("no targets beats dependencies", {"Cargo.toml": PKG + "[dependencies]\nfoo = {}\n"}, NO_TARGETS),
    ("[lib] before [[bin]]", {"Cargo.toml": PKG + '[lib]\n[[bin]]\nname = "b"\n'}, "can't find library `p`, rename file to `src/lib.rs` or specify lib.path"),
    ("crate types before duplicates", {"Cargo.toml": PKG + '[lib]\ncrate-type = ["dylib", "cdylib"]\n', "src/lib.rs": "", "src/main.rs": "", "src/bin/p.rs": ""},
     "library `p` cannot set the crate type of both `dylib` and `cdylib`"),
    ("resolver before crate types", {"Cargo.toml": PKG + 'resolver = "9"\n[lib]\ncrate-type = ["dylib", "cdylib"]\n', "src/lib.rs": ""},
     '`resolver` setting `9` is not valid, valid options are "1", "2" or "3"'),
    ("links before dependencies", {"Cargo.toml": PKG + 'links = "x"\n[dependencies]\nfoo = {}\n', "src/lib.rs": ""},
     "package specifies that it links to `x` but does not have a custom build script"),
    ("dependencies before publish", {"Cargo.toml": '[package]\nname = "p"\npublish = true\n[dependencies]\nfoo = {}\n', "src/lib.rs": ""}, NOSRC),
    ("publish before features", {"Cargo.toml": '[package]\nname = "p"\npublish = true\n[features]\na = ["x"]\n', "src/lib.rs": ""},
     "`package.publish` requires `package.version` be specified"),
    ("features before default-run", {"Cargo.toml": PKG + 'default-run = "zz"\n[features]\na = ["x"]\n', "src/lib.rs": ""},
     "feature `a` includes `x` which is neither a dependency nor another feature"),
    ("rust-version before [project]", {"Cargo.toml": '[project]\nname = "p"\nedition = "2024"\nrust-version = "1.80"\n', "src/lib.rs": ""},
     "rust-version 1.80 is incompatible with the version (1.85.0) required by the specified edition (2024)"),
    ("D errors in document order", {"Cargo.toml": '[dependencies]\nfoo = true\n[package]\nname = 5\n'},
     'invalid type: boolean `true`, expected a version string like "0.9.8" or a detailed dependency like { version = "0.9.8" }'),
    ("cfg keys before dependencies", {"Cargo.toml": PKG + '[dependencies]\nfoo = {}\n[target."cfg(".dependencies]\nbar = "1"\n', "src/lib.rs": ""},
     "failed to parse `cfg(` as a cfg expression: invalid target specifier: unexpected `(` character, cfg expressions must start with `cfg(`"),
]


@pytest.mark.parametrize("label,files,message", ORDER, ids=[c[0] for c in ORDER])
def test_order(tmp_path, label, files, message):
    write(tmp_path, files)
    problems = check_manifest(str(tmp_path / "Cargo.toml"), tomllib.loads(files["Cargo.toml"]), FileSystem(), workspace=Lookup())
    assert cause(problems[0]) == message
    assert [p.stage for p in problems] == sorted(p.stage for p in problems)


def test_all_problems_are_reported(tmp_path):
    manifest = '[package]\nname = "p"\nedition = "2019"\npublish = true\n[dependencies]\na = "zz"\nb = { branch = "x", version = "1" }\n'
    problems = check(tmp_path, manifest)
    assert [p.message for p in problems] == [
        "supported edition values are `2015`, `2018`, `2021`, or `2024`, but `2019` is unknown",
        "unexpected character 'z' while parsing major version number",
        "key `branch` is ignored for dependency (b).",
        "`package.publish` requires `package.version` be specified",
    ]
    assert [p.key_path for p in problems] == [
        ("package", "edition"), ("dependencies", "a"), ("dependencies", "b", "branch"), ("package", "publish"),
    ]


def test_key_paths(tmp_path):
    assert first(tmp_path, '[package]\nname = "a.b"\n').key_path == ("package", "name")
    assert first(tmp_path, PKG + '[dependencies]\nfoo = { version = "zz" }\n').key_path == ("dependencies", "foo", "version")
    assert first(tmp_path, PKG + '[target."cfg(unix)".dependencies]\nx = {}\n').key_path == ("target", "cfg(unix)", "dependencies", "x")
    assert first(tmp_path, PKG + '[[bin]]\nname = "deps"\npath = "x.rs"\n').key_path == ("bin", 0, "name")
    assert first(tmp_path, PKG + '[features]\na = ["b", "nope"]\nb = []\n').key_path == ("features", "a", 1)


def test_datetimes_from_our_toml_reader_are_not_strings(tmp_path):
    from cargo_lens.engine.toml_doc import parse

    text = '[package]\nname = 1979-05-27\n'
    write(tmp_path, {"Cargo.toml": text, "src/lib.rs": ""})
    data = parse(text).to_python()
    p = check_manifest(str(tmp_path / "Cargo.toml"), data, FileSystem(), workspace=None)[0]
    assert p.lines == ("invalid type: map, expected a string",)


def test_wrong_shapes_do_not_crash(tmp_path):
    odd = [
        "package = []\n", "workspace = 1\n", "dependencies = 1\n" + PKG, "target = 1\n" + PKG, PKG + "[target]\nx = 1\n",
        "features = []\n" + PKG, "lints = 1\n" + PKG, "patch = 1\n" + PKG, PKG + "[patch]\nx = 1\n", "bin = [1, {name = 2}]\n" + PKG,
        "example = 1\n" + PKG, PKG + "[lib]\nname = 1\ncrate-type = 1\n", "cargo-features = [1]\n" + PKG, "cargo-features = 1\n" + PKG,
        PKG + "[workspace]\nmembers = 1\ndependencies = 1\npackage = 1\n", PKG + "[dependencies]\nfoo = [1]\n",
        PKG + "[features]\na = [1]\n", PKG + "[lints]\nrust = 1\n", PKG + "[lints.rust]\nx = 1\n",
    ]
    for manifest in odd:
        problems = check(tmp_path, manifest)
        assert problems and problems[0].stage == 1, manifest


# =================================================================================================
# Registries
# =================================================================================================


def test_known_registries(tmp_path):
    write(tmp_path, {
        ".cargo/config.toml": '[registries.top]\nindex = "https://x"\n',
        "a/.cargo/config.toml": '[registries]\nmid = { index = "https://y" }\nnoindex = { token = "t" }\n',
        "a/b/.cargo/config": '[registries.legacy]\nindex = "https://z"\n',
        "a/b/.cargo/config.toml": '[registries.shadowed]\nindex = "https://z"\n',
        "a/b/c/.cargo/config.toml": "this is [not toml",
    })
    fs = FileSystem(boundary=str(tmp_path))
    regs = known_registries(str(tmp_path / "a/b/c"), fs, {"CARGO_REGISTRIES_MY_REG_INDEX": "https://q", "CARGO_HOME": str(tmp_path / "home")})
    assert regs == {"crates-io", "top", "mid", "legacy", "my_reg", "my-reg"}
    assert known_registries(str(tmp_path), fs, {}) == {"crates-io", "top"}


def test_known_registries_cargo_home(tmp_path):
    write(tmp_path, {"home/config.toml": '[registries.homereg]\nindex = "https://x"\n', "pkg/x": ""})
    env = {"CARGO_HOME": str(tmp_path / "home")}
    assert "homereg" in known_registries(str(tmp_path / "pkg"), FileSystem(), env)
    # a bounded file system analyses a corpus as the whole world: CARGO_HOME is outside it
    assert "homereg" not in known_registries(str(tmp_path / "pkg"), FileSystem(boundary=str(tmp_path / "pkg")), env)


def test_registry_from_env_var_matches_either_spelling(tmp_path):
    regs = known_registries(str(tmp_path), FileSystem(boundary=str(tmp_path)), {"CARGO_REGISTRIES_MY_REG_INDEX": "https://q"})
    manifest = PKG + '[dependencies]\nfoo = { version = "1", registry = "my-reg" }\nbar = { version = "1", registry = "my_reg" }\n'
    assert check(tmp_path, manifest, registries=regs) == []


# =================================================================================================
# SemVer and URL helpers
# =================================================================================================

GOOD_REQS = ["1", "1.2", "1.2.3", "^1.2.3", "~1", "~1.2", "=1.0.0", ">=1, <2", ">= 1.2 , < 1.5", "*", "x", "1.*", "1.2.*", "1.x",
             "1.2.3-alpha.1", "1.2.3+build.5", "1.2.3-rc.1+b", "<2", "<=2.0", ">0.1", "  1.0", "=1.2.*"]


@pytest.mark.parametrize("req", GOOD_REQS)
def test_version_req_accepted(req):
    parse_version_req(req)


BAD_REQS = [
    ("not-a-version", "unexpected character 'n' while parsing major version number"),
    ("", "unexpected end of input while parsing major version number"),
    ("1.*.3", "unexpected character after wildcard in version req"),
    ("*, 1", "wildcard req (*) must be the only comparator in the version req"),
    ("1, *", "wildcard req (*) must be the only comparator in the version req"),
    ("1 2", "expected comma after major version number, found '2'"),
    ("01", "invalid leading zero in major version number"),
    ("1.2.3-", "empty identifier segment in pre-release identifier"),
    ("1.2.3-01", "invalid leading zero in pre-release identifier"),
    (">=", "unexpected end of input while parsing major version number"),
    ("1.2.3.4", "expected comma after patch version number, found '.'"),
    ("1,", "unexpected end of input while parsing major version number"),
    ("*1", "unexpected character after wildcard in version req"),
    ("99999999999999999999", "value of major version number exceeds u64::MAX"),
    (", ".join(["1"] * 33), "excessive number of version comparators"),
]


@pytest.mark.parametrize("req,message", BAD_REQS)
def test_version_req_errors(req, message):
    with pytest.raises(SemverError) as e:
        parse_version_req(req)
    assert str(e.value) == message


@pytest.mark.parametrize(
    "text,message",
    [("1.0", "unexpected end of input while parsing minor version number"), ("1.0.0+a+b", "unexpected character '+' after build metadata"),
     ("1.0.0-a..b", "empty identifier segment in pre-release identifier"), ("1.0.0 ", "unexpected character ' ' after patch version number"),
     ("", "empty string, expected a semver version"), ("1.0.x", "unexpected character 'x' while parsing patch version number")],
)
def test_version_errors(text, message):
    with pytest.raises(SemverError) as e:
        parse_version(text)
    assert str(e.value) == message


def test_version_ok():
    assert parse_version("1.2.3-alpha.1+build.7") == (1, 2, 3, "alpha.1", "build.7")


@pytest.mark.parametrize(
    "url,err",
    [("not a url", "relative URL without a base"), ("", "relative URL without a base"), ("1abc:x", "relative URL without a base"),
     ("http://", "empty host"), ("https://:80/x", "empty host"), ("https://a:b/x", "invalid port number"),
     ("https://github.com/a/b", None), ("ssh://git@github.com/a/b", None), ("file:///tmp/x", None), ("foo:bar", None), ("C:/x", None)],
)
def test_url_error(url, err):
    assert url_error(url) == err


# =================================================================================================
# Against the recorded corpus and the local cargo
# =================================================================================================


def _single_package_cases() -> list[dict]:
    cases = json.loads(SPEC.read_text())[25:40]
    return [c for c in cases if c["run_in"] == "." and not any("[workspace]" in t for n, t in c["files"].items() if n.endswith("Cargo.toml"))]


def _mine(root: Path, files: dict[str, str]) -> LoadProblem | None:
    text = files["Cargo.toml"]
    problems = check_manifest(str(root / "Cargo.toml"), tomllib.loads(text), FileSystem(), workspace=Lookup())
    return problems[0] if problems else None


def _cargo_says(stderr: str | None) -> str | None:
    """cargo's innermost `Caused by:` line, or the error line for a (D) error."""
    if not stderr:
        return None
    import cargo_oracle

    return cargo_oracle.innermost_cause(stderr) or cargo_oracle.first_error_line(stderr)


@pytest.mark.parametrize("case", _single_package_cases(), ids=lambda c: c["name"])
def test_edge_cases_recorded(tmp_path, case):
    write(tmp_path, case["files"])
    p = _mine(tmp_path, case["files"])
    assert cause(p) == _cargo_says(case["cargo_stderr"])


# A sample of this file's cases, replayed through the real cargo.
CARGO_SAMPLE: list[tuple[str, dict[str, str]]] = (
    [(f"fields/{c[0]}", {"Cargo.toml": c[1], "src/lib.rs": ""}) for c in FIELDS]
    + [(f"deps/{c[0]}", {"Cargo.toml": PKG + "[dependencies]\n" + c[1] + "\n", "src/lib.rs": ""}) for c in DEPS]
    + [(f"features/{c[0]}", {"Cargo.toml": PKG + c[1], "src/lib.rs": ""}) for c in FEATURES]
    + [(f"order/{c[0]}", c[1]) for c in ORDER]
    + [(f"cargo-features/{c[0]}", {"Cargo.toml": f"cargo-features = {json.dumps(c[1])}\n" + PKG}) for c in CARGO_FEATURES]
    + [(f"virtual/{s}", {"Cargo.toml": "[workspace]\n" + VIRTUAL_BODY[s]}) for s in VIRTUAL]
    + [(f"inherit/{c[0]}", {"Cargo.toml": c[1] + "[workspace]\n" + "".join(
        f"[workspace.{k}]\n" + "".join(f"{kk} = {json.dumps(vv)}\n" for kk, vv in v.items()) for k, v in c[2].items() if isinstance(v, dict)),
        "src/lib.rs": ""}) for c in INHERIT if isinstance(c[2], dict) and all(isinstance(v, dict) and all(not isinstance(x, dict) for x in v.values()) for v in c[2].values())]
)


requires_cargo = pytest.mark.skipif(shutil.which("cargo") is None, reason="cargo is not installed: no oracle to compare with")


@pytest.mark.cargo
@requires_cargo
@pytest.mark.parametrize("case", _single_package_cases(), ids=lambda c: c["name"])
def test_edge_cases_against_cargo(tmp_path, case):
    import cargo_oracle

    root = tmp_path / "case"
    cargo_oracle.materialize(case["files"], root)
    cargo_oracle.assert_no_manifest_above(root)
    run = cargo_oracle.run_cargo_raw(None, root)
    said = _cargo_says(cargo_oracle.substitute_root(run.stderr, str(root))) if run.returncode else None
    assert cause(_mine(root, case["files"])) == said


@pytest.mark.cargo
@requires_cargo
@pytest.mark.parametrize("label,files", CARGO_SAMPLE, ids=[c[0] for c in CARGO_SAMPLE])
def test_sample_against_cargo(tmp_path, label, files):
    import cargo_oracle

    root = tmp_path / "case"
    cargo_oracle.materialize(files, root)
    cargo_oracle.assert_no_manifest_above(root)
    run = cargo_oracle.run_cargo_raw(None, root)
    said = _cargo_says(cargo_oracle.substitute_root(run.stderr, str(root))) if run.returncode else None
    assert cause(_mine(root, files)) == said


def test_unknown_inherited_edition_reports_only_edition_independent_problems(tmp_path):
    # 2015 would switch bin discovery off next to [[bin]]; 2021 would find a duplicate `p`
    manifest = '[package]\nname = "p"\nedition.workspace = true\n[[bin]]\nname = "z"\npath = "z.rs"\n'
    assert check(tmp_path, manifest, ("src/main.rs", "src/bin/p.rs"), workspace=Lookup({"package": {}})) == [
        LoadProblem(4, "P", ("error inheriting `edition` from workspace root manifest's `workspace.package.edition`",
                             "`workspace.package.edition` was not defined"), ("package", "edition"))
    ]
    # edition-independent problems stay (no lookup: the edition is simply unknown)
    manifest = '[package]\nname = "p"\nedition.workspace = true\n[[bin]]\nname = "b"\n'
    fresh = tmp_path / "fresh"
    write(fresh, {"Cargo.toml": manifest, "src/lib.rs": ""})
    problems = check_manifest(str(fresh / "Cargo.toml"), tomllib.loads(manifest), FileSystem(), workspace=None)
    assert [p.message[:20] for p in problems] == ["can't find `b` bin a"]
    # ... but not those that hang on the edition (2015 would take src/main.rs for `b`)
    write(fresh, {"src/main.rs": ""})
    assert check_manifest(str(fresh / "Cargo.toml"), tomllib.loads(manifest), FileSystem(), workspace=None) == []
