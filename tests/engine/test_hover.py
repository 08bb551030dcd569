"""Hovers (issue 3 §4): dependencies, `[target.…]` keys, workspace arrays, the `CARGO` executable.

Layouts are written under tmp_path; the FileSystem boundary is tmp_path, so nothing above it (a
real rust-toolchain file, a real workspace) leaks in. Assertions name the key phrases of each
hover and the span it reports.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cargo_lens.engine.fs import FileSystem
from cargo_lens.engine.host import host_target
from cargo_lens.engine.hover import COMMON_TARGETS, HoverResult, hover
from cargo_lens.engine.workspace import Context

HOST = host_target(False).triple
LIB = {"src/lib.rs": ""}


def pkg(name: str, body: str = "") -> str:
    return f'[package]\nname = "{name}"\nversion = "0.1.0"\nedition = "2021"\n{body}'


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, content in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(content)
    return root


def with_libs(files: dict[str, str]) -> dict[str, str]:
    """Add `src/lib.rs` next to every package manifest, so cargo (and the engine) accept them."""
    out = dict(files)
    for rel, content in files.items():
        if rel.endswith("Cargo.toml") and "[package]" in content:
            out[str(Path(rel).parent / "src/lib.rs").lstrip("./")] = ""
    return out


def ctx_for(root: Path, overlay: dict[str, str] | None = None) -> Context:
    ov = {str(root / k): v for k, v in (overlay or {}).items()}
    return Context(FileSystem(ov, boundary=str(root)), env={})


def at(text: str, needle: str, k: int = 0) -> int:
    i = text.index(needle)
    return i + k


def hv(root: Path, rel: str, needle: str, k: int = 0, *, overlay=None, env=None, nth: int = 0) -> HoverResult | None:
    path = root / rel
    text = (overlay or {}).get(rel, None)
    if text is None:
        text = path.read_text()
    i = -1
    for _ in range(nth + 1):
        i = text.index(needle, i + 1)
    return hover(ctx_for(root, overlay), str(path), i + k, env={} if env is None else env)


def spanned(root: Path, rel: str, r: HoverResult, overlay=None) -> str:
    text = (overlay or {}).get(rel) or (root / rel).read_text()
    return text[r.span[0] : r.span[1]]


# -- the rust-lang/cargo#15023 layout ----------------------------------------------------------

ISSUE_15023 = with_libs({
    "Cargo.toml": '[workspace]\nresolver = "2"\nmembers = ["crates/entry"]\n',
    "crates/entry/Cargo.toml": pkg("entry", "\n[target.'cfg(any())'.dependencies]\ndep = { path = \"../dep\" }\n"),
    "crates/dep/Cargo.toml": pkg("dep"),
})


@pytest.fixture
def ws15023(tmp_path):
    return write(tmp_path, ISSUE_15023)


def test_gated_dependency_is_a_member_and_built_at_a_virtual_root(ws15023):
    r = hv(ws15023, "crates/entry/Cargo.toml", "dep =")
    assert r is not None
    assert spanned(ws15023, "crates/entry/Cargo.toml", r) == "dep"
    md = r.markdown
    assert md.startswith("**path dependency `dep`** → `crates/dep` in `[target.'cfg(any())'.dependencies]`")
    assert "**Workspace member**, because it is:" in md
    assert "path dependency `dep` of `entry` (crates/entry/Cargo.toml:7) under `[target.'cfg(any())'.dependencies]`" in md
    assert "← which is listed as `crates/entry` in `workspace.members`" in md
    assert "only through `[target.…]` tables" in md
    assert 'exclude = ["crates/dep"]' in md
    assert f"A plain `cargo check` at the root (`{HOST}`) **builds** it: it is a default member" in md
    assert "a virtual root without `default-members` builds every member" in md
    assert "Gate `cfg(any())`: never true: any() with no arguments is false; **inactive** on the host" in md
    assert "https://github.com/rust-lang/cargo/issues/15023" in md


def test_path_value_reports_the_value_span(ws15023):
    r = hv(ws15023, "crates/entry/Cargo.toml", '"../dep"', 3)
    assert spanned(ws15023, "crates/entry/Cargo.toml", r) == '"../dep"'
    assert "**Workspace member**" in r.markdown
    r2 = hv(ws15023, "crates/entry/Cargo.toml", "path =", 1)
    assert spanned(ws15023, "crates/entry/Cargo.toml", r2) == "path"


def test_unsaved_exclude_in_the_root_changes_the_answer(ws15023):
    root_text = '[workspace]\nresolver = "2"\nmembers = ["crates/entry"]\nexclude = ["crates/dep"]\n'
    r = hv(ws15023, "crates/entry/Cargo.toml", "dep =", overlay={"Cargo.toml": root_text})
    md = r.markdown
    assert "**Not a workspace member**: kept out by `exclude` entry `crates/dep`" in md
    assert "does **not** build it" in md
    # The file on disk is unchanged: without the overlay the answer is the old one.
    assert "**Workspace member**" in hv(ws15023, "crates/entry/Cargo.toml", "dep =").markdown


def test_default_members_keeps_the_gated_member_out_of_a_plain_check(ws15023):
    root_text = '[workspace]\nmembers = ["crates/entry"]\ndefault-members = ["crates/entry"]\n'
    r = hv(ws15023, "crates/entry/Cargo.toml", "dep =", overlay={"Cargo.toml": root_text})
    assert "**Workspace member**" in r.markdown
    assert "does **not** build it (`cargo check --workspace` does)" in r.markdown


def test_unsaved_member_buffer_counts(ws15023):
    # Un-gate the dependency in an unsaved buffer: it is now an active dependency of `entry`.
    text = pkg("entry", '\n[dependencies]\ndep = { path = "../dep" }\n')
    r = hv(ws15023, "crates/entry/Cargo.toml", "dep =", overlay={"crates/entry/Cargo.toml": text})
    assert "path dependency `dep` of `entry` (crates/entry/Cargo.toml:7) under `[dependencies]`" in r.markdown
    assert "only through" not in r.markdown
    assert "Gate" not in r.markdown


def test_dependency_header_table_and_dotted_keys(tmp_path):
    root = write(tmp_path, with_libs({
        "Cargo.toml": pkg("top", '[workspace]\n\n[dependencies.inner]\npath = "inner"\n\n[dev-dependencies]\nhelper.path = "helper"\n'),
        "inner/Cargo.toml": pkg("inner"),
        "helper/Cargo.toml": pkg("helper"),
    }))
    r = hv(root, "Cargo.toml", "inner]")
    assert spanned(root, "Cargo.toml", r) == "inner"
    assert r.markdown.startswith("**path dependency `inner`** → `inner` in `[dependencies]`")
    assert "path dependency `inner` of `top` (Cargo.toml:7) under `[dependencies]`" in r.markdown
    assert "  - ← which is the workspace root package" in r.markdown
    assert "**builds** it, as an active dependency of `.` (package `top`)" in r.markdown
    r = hv(root, "Cargo.toml", "helper.path")
    assert r.markdown.startswith("**path dev-dependency `helper`**")
    # A root package without default-members: plain `cargo check` builds only the root package.
    assert "does **not** build it (`cargo check --workspace` does)" in r.markdown


def test_workspace_true_shows_the_inherited_definition(tmp_path):
    root = write(tmp_path, with_libs({
        "Cargo.toml": (
            '[workspace]\nmembers = ["crates/a"]\n\n[workspace.dependencies]\n'
            'shared = { path = "crates/shared", features = ["x"] }\nserde = "1"\n\n'
            '[workspace.dependencies.tbl]\npath = "crates/tbl"\n'
        ),
        "crates/a/Cargo.toml": pkg("a", "\n[dependencies]\nshared.workspace = true\nserde = { workspace = true }\ntbl = { workspace = true }\n"),
        "crates/shared/Cargo.toml": pkg("shared", '\n[features]\nx = []\n'),
        "crates/tbl/Cargo.toml": pkg("tbl"),
    }))
    r = hv(root, "crates/a/Cargo.toml", "shared.workspace")
    md = r.markdown
    assert spanned(root, "crates/a/Cargo.toml", r) == "shared"
    assert md.startswith("**path dependency `shared`** → `crates/shared`")
    assert 'Inherits `shared = { path = "crates/shared", features = ["x"] }` from `[workspace.dependencies]` at `Cargo.toml:5`' in md
    assert "relative to the workspace root" in md
    assert "**Workspace member**" in md and "path dependency `shared` of `a` (crates/a/Cargo.toml:7)" in md
    # Hovering `workspace = true` itself gives the same hover, on that span.
    r = hv(root, "crates/a/Cargo.toml", "{ workspace = true }", 2)
    assert spanned(root, "crates/a/Cargo.toml", r) == "workspace"
    assert "**dependency `serde`**" in r.markdown and "Inherits `serde = \"1\"`" in r.markdown
    assert "**never** a workspace member" in r.markdown
    r = hv(root, "crates/a/Cargo.toml", "tbl")
    assert 'Inherits `[workspace.dependencies.tbl] path = "crates/tbl"`' in r.markdown
    assert "at `Cargo.toml:8`" in r.markdown


def test_workspace_true_without_an_entry_or_a_root(tmp_path):
    root = write(tmp_path, with_libs({
        "ws/Cargo.toml": '[workspace]\nmembers = ["a"]\n',
        "ws/a/Cargo.toml": pkg("a", "\n[dependencies]\nnope = { workspace = true }\n"),
        "alone/Cargo.toml": pkg("alone", "\n[dependencies]\nnope = { workspace = true }\n"),
    }))
    r = hv(root, "ws/a/Cargo.toml", "nope")
    assert "`Cargo.toml` has no `[workspace.dependencies]` entry `nope`: cargo fails (CL102)" in r.markdown
    r = hv(root, "alone/Cargo.toml", "nope")
    assert "no workspace root to inherit from" in r.markdown and "CL102" in r.markdown


def test_registry_and_git_dependencies_are_never_members(tmp_path):
    root = write(tmp_path, with_libs({
        "Cargo.toml": pkg("p", '\n[dependencies]\nserde = "1"\ngitdep = { git = "https://example.com/x", path = "x" }\n'
                          'priv = { version = "1", registry = "corp" }\n'),
    }))
    r = hv(root, "Cargo.toml", "serde")
    assert r.markdown.startswith("**dependency `serde`** in `[dependencies]`: a registry dependency (crates.io)")
    assert "**never** a workspace member" in r.markdown
    assert "a git dependency" in hv(root, "Cargo.toml", "gitdep").markdown
    assert "registry `corp`" in hv(root, "Cargo.toml", "priv").markdown


def test_manifest_outside_any_workspace(tmp_path):
    root = write(tmp_path, with_libs({
        "app/Cargo.toml": pkg("app", '\n[dependencies]\nlib = { path = "../lib" }\n'),
        "lib/Cargo.toml": pkg("lib"),
    }))
    r = hv(root, "app/Cargo.toml", "lib =")
    md = r.markdown
    assert "**Not a workspace member**: no `[workspace]` claims this package" in md
    assert f"A plain `cargo check` here (`{HOST}`) **builds** it, as an active dependency of `.` (package `app`)" in md


def test_dependency_that_is_not_a_member_for_other_reasons(tmp_path):
    root = write(tmp_path, with_libs({
        "ws/Cargo.toml": '[workspace]\nmembers = ["a"]\n',
        "ws/a/Cargo.toml": pkg("a", '\n[dependencies]\next = { path = "../../ext" }\n'),
        "ext/Cargo.toml": pkg("ext"),
    }))
    r = hv(root, "ws/a/Cargo.toml", "ext =")
    assert "**Not a workspace member**: it lies outside the workspace root" in r.markdown
    assert "**builds** it, as an active dependency of `a`" in r.markdown
    ghost = pkg("a", '\n[dependencies]\nghost = { path = "../ghost" }\n')
    r = hv(root, "ws/a/Cargo.toml", "ghost =", overlay={"ws/a/Cargo.toml": ghost})
    assert "There is no `Cargo.toml` at `ghost`: cargo fails to load this dependency (CL205)" in r.markdown


def test_member_that_is_not_in_the_workspace_still_gets_an_answer(tmp_path):
    root = write(tmp_path, with_libs({
        "Cargo.toml": '[workspace]\nmembers = ["a"]\n',
        "a/Cargo.toml": pkg("a"),
        "tools/b/Cargo.toml": pkg("b", '\n[dependencies]\nc = { path = "../c" }\n'),
        "tools/c/Cargo.toml": pkg("c"),
    }))
    r = hv(root, "tools/b/Cargo.toml", "c =")
    assert "cargo fails in this package: `current package believes it's in a workspace when it's not:" in r.markdown
    assert "`tools/b/Cargo.toml` is not a member itself, so cargo never explores its path dependencies" in r.markdown


# -- [target.<key>] ----------------------------------------------------------------------------


def test_target_key_always_false_with_path_dependencies(ws15023):
    r = hv(ws15023, "crates/entry/Cargo.toml", "cfg(any())", 2)
    assert spanned(ws15023, "crates/entry/Cargo.toml", r) == "'cfg(any())'"
    md = r.markdown
    assert md.startswith("**`[target.'cfg(any())']`**: never true: any() with no arguments is false")
    assert "**Always false**" in md
    assert "| target | active |" in md
    assert f"| `{HOST}` (host) | no |" in md
    for t in COMMON_TARGETS:
        assert f"| `{t}`" in md
    assert "Membership ignores this gate: the path dependencies here (`dep`)" in md
    assert "cargo#15023" in md


def test_target_key_that_depends_on_the_target(tmp_path):
    root = write(tmp_path, with_libs({
        "Cargo.toml": pkg("p", "\n[target.'cfg(windows)'.dependencies]\nwinapi = \"0.3\"\n"
                          "\n[target.x86_64-pc-windows-msvc.dependencies]\nfoo = \"1\"\n"
                          "\n[target.'cfg(all(unix, not(unix)))'.build-dependencies]\nbar = \"1\"\n"
                          "\n[target.'cfg(unix'.dependencies]\nbaz = \"1\"\n"
                          "\n[target.'cfg(any(unix, not(unix)))'.dependencies]\nqux = \"1\"\n"),
    }))
    md = hv(root, "Cargo.toml", "cfg(windows)").markdown
    assert md.startswith("**`[target.'cfg(windows)']`**: true on windows targets")
    assert "Depends on the target" in md
    assert "| `x86_64-pc-windows-msvc` | yes |" in md and "| `aarch64-apple-darwin` | no |" in md
    assert "Membership ignores" not in md  # no path dependencies in that table
    md = hv(root, "Cargo.toml", "x86_64-pc-windows-msvc.dep").markdown
    assert "a target name, true only when building for exactly `x86_64-pc-windows-msvc`" in md
    assert "| `x86_64-pc-windows-msvc` | yes |" in md and "| `wasm32-unknown-unknown` | no |" in md
    assert "**Always false**" in hv(root, "Cargo.toml", "cfg(all(unix").markdown
    assert "**Always true**" in hv(root, "Cargo.toml", "cfg(any(unix, not").markdown
    md = hv(root, "Cargo.toml", "'cfg(unix'", 1).markdown
    assert "cargo rejects this key" in md and "CL401" in md


def test_target_key_in_cargo_config(tmp_path):
    root = write(tmp_path, with_libs({
        "Cargo.toml": pkg("p"),
        ".cargo/config.toml": "[target.'cfg(target_os = \"macos\")']\nrustflags = []\n",
    }))
    r = hv(root, ".cargo/config.toml", "cfg(target_os")
    assert '| `aarch64-apple-darwin` | yes |' in r.markdown
    assert "Membership" not in r.markdown


# -- workspace.members / exclude / default-members ---------------------------------------------


@pytest.fixture
def globby(tmp_path):
    return write(tmp_path, with_libs({
        "Cargo.toml": (
            '[workspace]\nmembers = ["crates/*", "tools/t", "plugins/*"]\n'
            'exclude = ["crates/x", "tools", "crates/*"]\ndefault-members = ["crates/a"]\n'
        ),
        "crates/a/Cargo.toml": pkg("a", '\n[dependencies]\nimp = { path = "../../imp" }\n'),
        "crates/b/Cargo.toml": pkg("b"),
        "crates/x/Cargo.toml": pkg("x"),
        "crates/README.md": "",
        "tools/t/Cargo.toml": pkg("t"),
        "imp/Cargo.toml": pkg("imp"),
    }))


def test_members_glob_entry(globby):
    overlay = {"Cargo.toml": (globby / "Cargo.toml").read_text().replace(', "plugins/*"', "")}
    r = hv(globby, "Cargo.toml", '"crates/*"', 2, overlay=overlay)
    assert spanned(globby, "Cargo.toml", r, overlay) == '"crates/*"'
    md = r.markdown
    assert md.startswith("**`workspace.members` entry `crates/*`**: glob, 3 directories")
    assert "- `crates/a`: member" in md
    assert "- `crates/x`: kept out by `exclude` entry `crates/x` (a glob entry never protects from `exclude`)" in md
    assert "1 file match ignored (`crates/README.md`): only directories count." in md


def test_members_entry_that_matches_nothing_or_a_directory_without_manifest(globby):
    r = hv(globby, "Cargo.toml", '"plugins/*"', 2)
    md = r.markdown
    assert md.startswith("**`workspace.members` entry `plugins/*`**: matches nothing → cargo uses it as a literal path")
    assert "- `plugins/*`: no `Cargo.toml`, cargo fails to load it (CL201)" in md
    assert "cargo currently fails at this root: ``failed to load manifest for workspace member `plugins/*`" in md
    (globby / "crates/docs").mkdir()
    overlay = {"Cargo.toml": (globby / "Cargo.toml").read_text().replace(', "plugins/*"', "")}
    md = hv(globby, "Cargo.toml", '"crates/*"', 2, overlay=overlay).markdown
    assert "- `crates/docs`: no `Cargo.toml`, cargo fails to load it (CL201)" in md
    # cargo fails, so the entry says what it matches but not who is a member.
    assert "- `crates/a`\n" in md


def test_literal_members_entry_overrides_exclude(globby):
    overlay = {"Cargo.toml": (globby / "Cargo.toml").read_text().replace(', "plugins/*"', "")}
    md = hv(globby, "Cargo.toml", '"tools/t"', 2, overlay=overlay).markdown
    assert md.startswith("**`workspace.members` entry `tools/t`**: a literal path")
    assert "- `tools/t`: member" in md
    md = hv(globby, "Cargo.toml", '"tools"', 2, overlay=overlay).markdown
    assert md.startswith("**`workspace.exclude` entry `tools`**: a path prefix, not a glob")
    assert "`tools/t` stays: the literal `members` entry `tools/t` is a prefix of it and wins" in md
    assert "cargo#6745" in md
    assert "So it keeps out nothing." in md


def test_exclude_entries(globby):
    overlay = {"Cargo.toml": (globby / "Cargo.toml").read_text().replace(', "plugins/*"', "")}
    md = hv(globby, "Cargo.toml", '"crates/x"', 2, overlay=overlay).markdown
    assert "Keeps out: `crates/x`" in md
    md = hv(globby, "Cargo.toml", '"crates/*"', 2, overlay=overlay, nth=1).markdown
    assert md.startswith("**`workspace.exclude` entry `crates/*`**")
    assert "taken literally" in md and "Keeps out nothing" in md
    md = hv(globby, "Cargo.toml", "exclude", overlay=overlay).markdown
    assert md.startswith("**`workspace.exclude`**") and "Keeps out: `crates/x`." in md


def test_members_key_lists_implicit_members(globby):
    overlay = {"Cargo.toml": (globby / "Cargo.toml").read_text().replace(', "plugins/*"', "")}
    r = hv(globby, "Cargo.toml", "members", overlay=overlay)
    assert spanned(globby, "Cargo.toml", r, overlay) == "members"
    md = r.markdown
    assert md.startswith("**`workspace.members`**: 4 members")
    assert "Listed: `crates/a`, `crates/b`, `tools/t`." in md
    assert "**Implicit** (path dependencies inside the root always join):" in md
    assert "`imp` ← path dependency `imp` of `a` (crates/a/Cargo.toml:7) under `[dependencies]`" in md


def test_default_members(globby):
    overlay = {"Cargo.toml": (globby / "Cargo.toml").read_text().replace(', "plugins/*"', "")}
    md = hv(globby, "Cargo.toml", '"crates/a"', 2, overlay=overlay).markdown
    assert md.startswith("**`workspace.default-members` entry `crates/a`**: a literal path")
    assert "`crates/a`: selected by a plain `cargo check` at the root" in md
    md = hv(globby, "Cargo.toml", "default-members", overlay=overlay).markdown
    assert "Selected: `crates/a`." in md
    bad = overlay["Cargo.toml"].replace('default-members = ["crates/a"]', 'default-members = ["crates/x"]')
    md = hv(globby, "Cargo.toml", '"crates/x"]', 2, overlay={"Cargo.toml": bad}).markdown
    assert "**not a member**" in md and "CL204" in md


# -- the CARGO executable ----------------------------------------------------------------------


@pytest.fixture
def buildy(tmp_path):
    root = tmp_path / "ws"
    write(root, with_libs({
        "Cargo.toml": pkg("p", 'build = "build.rs"\nlinks = "foo"\n\n[build-dependencies]\ncc = "1"\n'),
        "build.rs": "fn main() {}\n",
        ".cargo/config.toml": '[env]\nCARGO = "/bogus"\nOTHER = "1"\n',
    }))
    return tmp_path


def test_cargo_precedence_on_package_build(buildy):
    r = hover(ctx_for(buildy), str(buildy / "ws/Cargo.toml"), at((buildy / "ws/Cargo.toml").read_text(), "build ="), env={})
    assert spanned(buildy, "ws/Cargo.toml", r) == "build"
    md = r.markdown
    assert md.startswith("**`CARGO`: the cargo path given to build scripts, `cargo run` and subcommands**")
    assert "The build script `build.rs` runs with `CARGO` set as below." in md
    assert ("(1) cargo's own executable if its file stem is `cargo`; else (2) `argv[0]` if named `cargo`; "
            "else (3) an existing `$CARGO`; else (4) its own executable; else (5) `argv[0]`") in md
    for link in ("issues/15099", "pull/15208", "issues/10119", "issues/10113", "pull/11285"):
        assert f"https://github.com/rust-lang/cargo/{link}" in md
    assert "keep the 1.67–1.86 order, `$CARGO` first" in md
    assert "still describes that older behaviour" in md
    assert "Server environment: `CARGO` is not set." in md
    assert "No `rust-toolchain(.toml)` here or above" in md


def test_cargo_precedence_on_links_and_build_dependencies(buildy):
    text = (buildy / "ws/Cargo.toml").read_text()
    ctx = ctx_for(buildy)
    r = hover(ctx, str(buildy / "ws/Cargo.toml"), at(text, "links"), env={})
    assert spanned(buildy, "ws/Cargo.toml", r) == "links"
    assert "`links` needs a build script" in r.markdown and "CARGO_MANIFEST_LINKS" in r.markdown
    r = hover(ctx, str(buildy / "ws/Cargo.toml"), at(text, "[build-dependencies]", 3), env={})
    assert spanned(buildy, "ws/Cargo.toml", r) == "build-dependencies"
    assert "compiled for the build script" in r.markdown
    r = hover(ctx, str(buildy / "ws/Cargo.toml"), at(text, "[build-dependencies]"), env={})
    assert spanned(buildy, "ws/Cargo.toml", r) == "[build-dependencies]"
    # The dependency key inside the table is a dependency hover, not the CARGO one.
    r = hover(ctx, str(buildy / "ws/Cargo.toml"), at(text, "cc ="), env={})
    assert r.markdown.startswith("**build-dependency `cc`**")


def test_build_dependencies_without_a_build_script(tmp_path):
    write(tmp_path, with_libs({"Cargo.toml": pkg("p", "build = false\n\n[build-dependencies]\ncc = \"1\"\n")}))
    md = hv(tmp_path, "Cargo.toml", "build-dependencies").markdown
    assert "No build script found" in md
    md = hv(tmp_path, "Cargo.toml", "build =").markdown
    assert "`build = false`: no build script runs" in md


def test_env_cargo_in_cargo_config(buildy):
    cfg_path = buildy / "ws/.cargo/config.toml"
    text = cfg_path.read_text()
    r = hover(ctx_for(buildy), str(cfg_path), at(text, "CARGO"), env={"CARGO": "/home/u/.cargo/bin/cargo"})
    assert text[r.span[0]:r.span[1]] == "CARGO"
    md = r.markdown
    assert md.startswith("**`[env] CARGO`: has no effect on what cargo hands out as `CARGO`**")
    assert "never replaces one cargo sets itself" in md and "`force = true` does not change that" in md
    assert "External subcommands get no `[env]` at all" in md
    assert "Observed with cargo 1.95" in md
    assert "Server environment: `CARGO=/home/u/.cargo/bin/cargo`: a cargo 1.87+ binary ignores it" in md
    # The value and other keys of [env] have nothing to say.
    assert hover(ctx_for(buildy), str(cfg_path), at(text, "/bogus"), env={}) is not None
    assert hover(ctx_for(buildy), str(cfg_path), at(text, "OTHER"), env={}) is None


def test_rust_toolchain_above_the_root(buildy):
    write(buildy, {"rust-toolchain.toml": '[toolchain]\nchannel = "1.80.0"\n'})
    md = hv(buildy, "ws/Cargo.toml", "links").markdown
    assert "`../rust-toolchain.toml` pins `1.80.0`" in md
    assert "a 1.67–1.86 cargo: `$CARGO` first" in md
    write(buildy, {"rust-toolchain": "1.60.0\n"})
    md = hv(buildy, "ws/Cargo.toml", "links").markdown
    assert "`../rust-toolchain` pins `1.60.0`" in md and "pre-1.67" in md
    assert "rustup uses `rust-toolchain` (and warns)" in md
    write(buildy, {"ws/rust-toolchain.toml": '[toolchain]\nchannel = "nightly"\ncomponents = ["clippy"]\n'})
    md = hv(buildy, "ws/Cargo.toml", "links", env={"RUSTUP_TOOLCHAIN": "stable"}).markdown
    assert "`rust-toolchain.toml` pins `nightly`" in md
    assert "`RUSTUP_TOOLCHAIN=stable` in the server environment overrides any toolchain file." in md


def test_unsaved_toolchain_buffer_counts(buildy):
    md = hv(buildy, "ws/Cargo.toml", "links", overlay={"ws/rust-toolchain.toml": '[toolchain]\nchannel = "1.90"\n'}).markdown
    assert "`rust-toolchain.toml` pins `1.90`" in md and "a 1.87+ cargo" in md


# -- nothing to say, and robustness ------------------------------------------------------------


def test_nothing_to_say(ws15023):
    rel = "crates/entry/Cargo.toml"
    text = (ws15023 / rel).read_text() + "\n# a comment about dep\n   \n"
    ov = {rel: text}
    for needle, k in (("name", 0), ('"0.1.0"', 1), ("# a comment", 3), ("   \n", 1), ("[target", 0)):
        assert hv(ws15023, rel, needle, k, overlay=ov) is None, needle
    path = str(ws15023 / rel)
    ctx = ctx_for(ws15023, ov)
    assert hover(ctx, path, len(text), env={}) is None
    assert hover(ctx, path, len(text) + 100, env={}) is None
    assert hover(ctx, path, -1, env={}) is None
    assert hover(ctx, str(ws15023 / "nope/Cargo.toml"), 0, env={}) is None
    assert hover(ctx, str(ws15023 / "src.rs"), 0, env={}) is None


def test_empty_file(tmp_path):
    write(tmp_path, {"Cargo.toml": "", ".cargo/config.toml": ""})
    ctx = ctx_for(tmp_path)
    assert hover(ctx, str(tmp_path / "Cargo.toml"), 0, env={}) is None
    assert hover(ctx, str(tmp_path / ".cargo/config.toml"), 0, env={}) is None


def test_broken_toml_around_the_cursor(ws15023):
    rel = "crates/entry/Cargo.toml"
    broken = pkg("entry", "\n[target.'cfg(any())'.dependencies]\ndep = { path = \"../dep\"\nother = = 3\n[dependencies\n")
    ov = {rel: broken}
    for i in range(len(broken) + 2):  # every offset: never raises
        hover(ctx_for(ws15023, ov), str(ws15023 / rel), i, env={})
    r = hv(ws15023, rel, "cfg(any())", 2, overlay=ov)
    assert r is not None and "never true" in r.markdown
    # A dependency that still parses says that cargo cannot read the file.
    ok_then_broken = pkg("entry", '\n[dependencies]\ndep = { path = "../dep" }\nbad = \n')
    r = hv(ws15023, rel, "dep =", overlay={rel: ok_then_broken})
    assert "cargo fails" in r.markdown and "string values must be quoted" in r.markdown
    assert "**path dependency `dep`**" in r.markdown


def test_offsets_are_code_points(ws15023):
    rel = "crates/entry/Cargo.toml"
    text = "# héllo 🦀 wörld\n" + (ws15023 / rel).read_text()
    r = hv(ws15023, rel, "dep =", overlay={rel: text})
    assert text[r.span[0]:r.span[1]] == "dep"


def test_engine_module_does_not_import_the_lsp_stack():
    code = (
        "import sys; sys.path.insert(0, %r); import cargo_lens.engine.hover; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('pygls', 'lsprotocol')]; "
        "print(bad); sys.exit(1 if bad else 0)"
    ) % str(Path(__file__).resolve().parents[2] / "server")
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)


# -- the [env] CARGO claim, checked against the local cargo ------------------------------------


@pytest.mark.cargo
@pytest.mark.slow
def test_env_cargo_does_not_reach_build_scripts(tmp_path, cargo_bin):
    """The hover says `[env] CARGO` (even with `force = true`) changes nothing a build script or
    `cargo run` sees; this runs cargo to show it."""
    write(tmp_path, {
        "Cargo.toml": pkg("p", 'build = "build.rs"\n'),
        "build.rs": 'fn main() { println!("cargo:warning=CARGO={}", std::env::var("CARGO").unwrap()); '
                    'println!("cargo:warning=FOO={}", std::env::var("FOO").unwrap_or_default()); }\n',
        "src/main.rs": 'fn main() { println!("run CARGO={}", std::env::var("CARGO").unwrap()); }\n',
        ".cargo/config.toml": '[env]\nCARGO = { value = "/bogus/cargo", force = true }\nFOO = "from-config"\n',
    })
    env = {k: v for k, v in os.environ.items() if k not in ("CARGO", "RUSTUP_TOOLCHAIN")}
    env["CARGO_TARGET_DIR"] = str(tmp_path / "target")
    out = subprocess.run(
        [cargo_bin, "run", "--offline"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stderr
    assert "FOO=from-config" in out.stderr  # [env] does reach the build script...
    assert "CARGO=/bogus" not in out.stderr  # ...but not for CARGO
    assert "run CARGO=" in out.stdout and "/bogus" not in out.stdout


# -- more dependency shapes --------------------------------------------------------------------


def test_workspace_dependency_entries_and_renames(tmp_path):
    root = write(tmp_path, with_libs({
        "Cargo.toml": (
            '[workspace]\nmembers = ["crates/*"]\n\n[workspace.dependencies]\n'
            'used = { path = "libs/used" }\nunused = { path = "libs/unused" }\njemalloc = "0.6"\n'
        ),
        "crates/a/Cargo.toml": pkg("a", "\n[dependencies]\nused = { workspace = true }\n"
                                   "alias = { path = \"../b\", package = \"b\" }\n"
                                   "\n[target.'cfg(unix)'.dependencies]\njemalloc = { workspace = true }\n"),
        "crates/b/Cargo.toml": pkg("b"),
        "libs/used/Cargo.toml": pkg("used"),
        "libs/unused/Cargo.toml": pkg("unused"),
    }))
    md = hv(root, "Cargo.toml", "used =").markdown
    assert md.startswith("**`[workspace.dependencies]` entry `used`**: a template for `used.workspace = true`")
    assert "Inherited by: `crates/a`." in md
    assert "**Workspace member**, because it is:" in md and "path dependency `used` of `a`" in md
    md = hv(root, "Cargo.toml", "unused =").markdown
    assert "Inherited by: no member." in md and "**Not a member**: no member inherits it." in md
    assert "cargo#17194" in md
    md = hv(root, "Cargo.toml", "jemalloc =").markdown
    assert "A registry dependency (crates.io): never a workspace member." in md
    # A renamed dependency names its package; a listed member says which entry lists it.
    md = hv(root, "crates/a/Cargo.toml", "alias").markdown
    assert md.startswith("**path dependency `alias` (package `b`)** → `crates/b`")
    assert "**Workspace member**: matched by `crates/*` in `workspace.members`." in md
    # An inherited registry dependency under a gate is not counted as a path dependency.
    md = hv(root, "crates/a/Cargo.toml", "cfg(unix)").markdown
    assert "Membership ignores" not in md
    md = hv(root, "crates/a/Cargo.toml", "jemalloc").markdown
    assert "Inherits `jemalloc = \"0.6\"`" in md and "Gate `cfg(unix)`: true on unix targets" in md


def test_env_cargo_in_a_config_without_a_manifest(tmp_path):
    write(tmp_path, {".cargo/config.toml": 'env.CARGO = { value = "/x", force = true }\n',
                     "rust-toolchain": "stable\n"})
    text = (tmp_path / ".cargo/config.toml").read_text()
    r = hover(ctx_for(tmp_path), str(tmp_path / ".cargo/config.toml"), at(text, "CARGO"), env={})
    assert text[r.span[0]:r.span[1]] == "CARGO"
    assert "has no effect" in r.markdown and "`rust-toolchain` pins `stable`" in r.markdown
