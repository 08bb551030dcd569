"""Completion in Cargo.toml (engine/completion.py, issue 5 §1).

Layouts live under tmp_path, read through a FileSystem whose boundary is tmp_path. The manifest
being completed is passed as an unsaved buffer with ``|`` at the cursor, as an editor would send
it, so every test also exercises the overlay.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cargo_lens.engine import completion as completion_mod
from cargo_lens.engine.completion import CompletionItem, complete
from cargo_lens.engine.fs import FileSystem
from cargo_lens.engine.workspace import Context, SharedCache


def pkg(name: str, body: str = "") -> str:
    return f'[package]\nname = "{name}"\nversion = "0.1.0"\nedition = "2021"\n{body}'


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, content in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(content)
        if rel.endswith("Cargo.toml") and "[package]" in content:
            (p.parent / "src").mkdir(exist_ok=True)
            (p.parent / "src" / "lib.rs").write_text("")
    return root


def ctx_for(root: Path, overlay: dict[str, str] | None = None, env: dict | None = None, shared=None) -> Context:
    ov = {str(root / k): v for k, v in (overlay or {}).items()}
    return Context(FileSystem(ov, boundary=str(root)), env=env or {}, shared=shared)


def comp(root: Path, rel: str, marked: str, *, overlay=None, env=None, shared=None) -> tuple[list[CompletionItem], str]:
    off = marked.index("|")
    text = marked[:off] + marked[off + 1 :]
    ov = dict(overlay or {})
    ov[rel] = text
    return complete(ctx_for(root, ov, env, shared), str(root / rel), off), text


def labels(items) -> list[str]:
    return [i.label for i in items]


WS = {
    "Cargo.toml": (
        '[workspace]\nresolver = "2"\nmembers = ["crates/app", "crates/lib"]\n\n'
        '[workspace.package]\nversion = "0.3.0"\n\n'
        '[workspace.dependencies]\nserde = { version = "1", features = ["derive"] }\nanyhow = "1"\n'
        'lib = { path = "crates/lib" }\nremote = { git = "https://example.com/r" }\n'
    ),
    "crates/app/Cargo.toml": pkg("app", "\n[dependencies]\nanyhow.workspace = true\n"),
    "crates/lib/Cargo.toml": pkg(
        "lib",
        '\n[features]\ndefault = ["fast"]\nfast = []\nslow = ["dep:heavy"]\nextra = []\n\n'
        '[dependencies]\nheavy = { version = "1", optional = true }\nlight = { version = "1", optional = true }\n',
    ),
    "crates/util/Cargo.toml": pkg("util", "\n[features]\nalpha = []\n"),
    "crates/notes/README.md": "",
    "tools/gen/Cargo.toml": pkg("gen"),
}


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    return write(tmp_path, WS)


# -- enumerations --------------------------------------------------------------------------------


def test_edition_values_unquoted_and_quoted(ws: Path):
    items, text = comp(ws, "crates/util/Cargo.toml", pkg("util").replace('edition = "2021"', "edition = |"))
    assert labels(items) == ["2015", "2018", "2021", "2024"]
    assert items[2].insert_text == '"2021"' and items[2].kind == "value"
    items, text = comp(ws, "crates/util/Cargo.toml", pkg("util").replace('edition = "2021"', 'edition = "20|'))
    assert labels(items) == ["2015", "2018", "2021", "2024"]
    assert items[2].insert_text == "2021"
    assert text[items[2].replace[0] : items[2].replace[1]] == "20"


def test_resolver_and_profile_enums(ws: Path):
    root = WS["Cargo.toml"].replace('resolver = "2"', 'resolver = "|"')
    items, _ = comp(ws, "Cargo.toml", root)
    assert labels(items) == ["1", "2", "3"]
    items, _ = comp(ws, "crates/util/Cargo.toml", pkg("util", "\n[profile.release]\npanic = |\n"))
    assert labels(items)[:2] == ["unwind", "abort"]
    # inside quotes, the boolean values of `strip` are not offered (they would become strings)
    items, _ = comp(ws, "crates/util/Cargo.toml", pkg("util", '\n[profile.dev]\nstrip = "|"\n'))
    assert labels(items) == ["none", "debuginfo", "symbols"]
    items, _ = comp(ws, "crates/util/Cargo.toml", pkg("util", "\n[profile.dev]\nstrip = |\n"))
    assert sorted(labels(items)) == ["debuginfo", "false", "none", "symbols", "true"]
    assert {i.label: i.insert_text for i in items}["true"] == "true"
    assert {i.label: i.insert_text for i in items}["none"] == '"none"'
    # array items: `[lib] crate-type`, already listed values left out
    items, _ = comp(ws, "crates/util/Cargo.toml", pkg("util", '\n[lib]\ncrate-type = ["rlib", "|"]\n'))
    assert "cdylib" in labels(items) and "rlib" not in labels(items)


def test_keys_come_from_the_schema_module(ws: Path):
    items, text = comp(ws, "crates/util/Cargo.toml", pkg("util").replace('edition = "2021"\n', "desc|\n"))
    by_label = {i.label: i for i in items}
    assert "description" in by_label and "name" not in by_label and "version" not in by_label
    d = by_label["description"]
    assert d.kind == "key" and d.insert_text == 'description = ""' and d.documentation
    assert text[d.replace[0] : d.replace[1]] == "desc"
    # in a [[bin]] table the schema is asked about `("bin", 0)`
    items, _ = comp(ws, "crates/util/Cargo.toml", pkg("util", '\n[[bin]]\nname = "x"\n|\n'))
    assert "path" in labels(items) and "name" not in labels(items)
    # a header being typed: table names, inserted bare
    items, _ = comp(ws, "crates/util/Cargo.toml", pkg("util", "\n[dev-|"))
    assert "dev-dependencies" in labels(items) and all(i.insert_text == i.label for i in items)


def test_fallbacks_without_the_schema_module(ws: Path, monkeypatch):
    monkeypatch.setattr(completion_mod, "_schema_tried", True)
    monkeypatch.setattr(completion_mod, "_schema_mod", None)
    items, _ = comp(ws, "crates/util/Cargo.toml", pkg("util").replace('edition = "2021"', "edition = |"))
    assert labels(items) == ["2015", "2018", "2021", "2024"]  # the built-in table
    items, _ = comp(ws, "crates/util/Cargo.toml", pkg("util").replace('edition = "2021"\n', "|\n"))
    assert items == []  # no key completion without the schema: that module's job

    class Broken:  # a schema module whose API misbehaves is ignored
        @staticmethod
        def completions(*a):
            raise RuntimeError("boom")

        @staticmethod
        def enum_values(*a):
            raise RuntimeError("boom")

    monkeypatch.setattr(completion_mod, "_schema_mod", Broken)
    items, _ = comp(ws, "crates/util/Cargo.toml", pkg("util").replace('edition = "2021"', "edition = |"))
    assert items == []


# -- paths ---------------------------------------------------------------------------------------


def test_members_entries_list_directories_relative_to_the_root(ws: Path):
    root = WS["Cargo.toml"].replace('"crates/lib"]', '"crates/lib", "crates/|"]')
    items, text = comp(ws, "Cargo.toml", root)
    got = [(i.label, i.detail) for i in items]
    assert got == [
        ("crates/notes", "directory"),
        ("crates/util", "package `util` (has Cargo.toml)"),
        ("crates/*", "glob: the 3 packages here"),
    ]
    assert all(i.kind == "path" for i in items)
    assert items[1].insert_text == "crates/util" and text[items[1].replace[0] : items[1].replace[1]] == "crates/"
    # unquoted: the item brings its quotes; top level lists `crates` and `tools`
    root = WS["Cargo.toml"].replace('"crates/lib"]', '"crates/lib", |]')
    items, _ = comp(ws, "Cargo.toml", root)
    assert [(i.label, i.insert_text) for i in items] == [("crates", '"crates"'), ("tools", '"tools"')]


def test_exclude_gets_no_glob_and_default_members(ws: Path):
    root = WS["Cargo.toml"].replace("[workspace.package]", 'exclude = ["crates/|"]\n[workspace.package]')
    items, _ = comp(ws, "Cargo.toml", root)
    assert labels(items) == ["crates/app", "crates/lib", "crates/notes", "crates/util"]
    root = WS["Cargo.toml"].replace("[workspace.package]", 'default-members = ["crates/a|"]\n[workspace.package]')
    items, _ = comp(ws, "Cargo.toml", root)
    assert "crates/app" in labels(items) and "crates/*" in labels(items)


def test_dependency_path_lists_directories_relative_to_the_manifest(ws: Path):
    items, text = comp(ws, "crates/app/Cargo.toml", pkg("app", '\n[dependencies]\nutil = { path = "../|" }\n'))
    got = [(i.label, i.detail) for i in items]
    assert got == [
        ("../../", "parent directory"),
        ("../app", "package `app` (has Cargo.toml)"),
        ("../lib", "package `lib` (has Cargo.toml)"),
        ("../notes", "directory"),
        ("../util", "package `util` (has Cargo.toml)"),
    ]
    assert text[items[1].replace[0] : items[1].replace[1]] == "../"
    # in [workspace.dependencies], relative to the root (its own directory)
    root = WS["Cargo.toml"].replace('lib = { path = "crates/lib" }', 'lib = { path = "tools/|" }')
    items, _ = comp(ws, "Cargo.toml", root)
    assert labels(items) == ["tools/gen"]


def test_target_and_package_file_paths(ws: Path):
    items, _ = comp(ws, "crates/util/Cargo.toml", pkg("util", '\n[[bin]]\nname = "x"\npath = "src/|"\n'))
    assert [(i.label, i.detail) for i in items] == [("src/lib.rs", "file")]
    items, _ = comp(ws, "crates/util/Cargo.toml", pkg("util").replace('edition = "2021"', 'readme = "|"'))
    assert labels(items) == ["../", "src"]


# -- inheritance ---------------------------------------------------------------------------------


def test_workspace_dependencies_offered_in_a_member(ws: Path):
    items, text = comp(ws, "crates/app/Cargo.toml", pkg("app", "\n[dependencies]\nanyhow.workspace = true\n|\n"))
    assert [(i.label, i.kind, i.insert_text) for i in items] == [
        ("serde", "key", "serde.workspace = true"),
        ("lib", "key", "lib.workspace = true"),
        ("remote", "key", "remote.workspace = true"),
    ]  # `anyhow` is already there
    assert items[0].detail == 'workspace: { version = "1", features = ["derive"] }'
    # the file's style: `x = { workspace = true }`
    body = "\n[dependencies]\nanyhow = { workspace = true }\n[dev-dependencies]\nse|\n"
    items, text = comp(ws, "crates/app/Cargo.toml", pkg("app", body))
    assert items[0].insert_text == "serde = { workspace = true }"
    assert text[items[0].replace[0] : items[0].replace[1]] == "se"
    # a key that already has a value: only the name (and `anyhow` is offered: another table)
    items, _ = comp(ws, "crates/app/Cargo.toml", pkg("app", '\n[target.\'cfg(unix)\'.dependencies]\nse|rde = "1"\n'))
    assert [(i.label, i.insert_text) for i in items] == [("serde", "serde"), ("anyhow", "anyhow"), ("lib", "lib"), ("remote", "remote")]


def test_workspace_key_inside_a_dependency(ws: Path):
    items, _ = comp(ws, "crates/app/Cargo.toml", pkg("app", "\n[dependencies]\nserde.|\n"))
    assert (items[0].label, items[0].insert_text, items[0].detail) == ("workspace", "workspace = true", "inherit `serde` from ../../Cargo.toml")
    assert labels(items).count("workspace") == 1  # the schema's own `workspace` key is not repeated
    items, _ = comp(ws, "crates/app/Cargo.toml", pkg("app", '\n[dependencies]\nserde = { features = ["x"], | }\n'))
    assert labels(items)[0] == "workspace" and "features" not in labels(items)
    items, _ = comp(ws, "crates/app/Cargo.toml", pkg("app", "\n[dependencies]\nserde = { workspace = true, default-features = | }\n"))
    assert labels(items) == ["true", "false"]
    # no such `[workspace.dependencies]` entry: `workspace` is not offered at all
    items, _ = comp(ws, "crates/app/Cargo.toml", pkg("app", "\n[dependencies]\nunknown = { | }\n"))
    assert "workspace" not in labels(items) and "version" in labels(items)


def test_no_root_no_inherited_dependencies(tmp_path: Path):
    write(tmp_path, {"solo/Cargo.toml": pkg("solo")})
    items, _ = comp(tmp_path, "solo/Cargo.toml", pkg("solo", "\n[dependencies]\n|\n"))
    assert items == []


def test_unsaved_root_entry_appears_in_a_member(ws: Path):
    """The cross-file case: an entry added to the unsaved root is offered in the member."""
    member = pkg("app", "\n[dependencies]\nanyhow.workspace = true\n|\n")
    before, _ = comp(ws, "crates/app/Cargo.toml", member)
    assert "tokio" not in labels(before)
    root = WS["Cargo.toml"] + 'tokio = { version = "1", features = ["full"] }\n'
    after, _ = comp(ws, "crates/app/Cargo.toml", member, overlay={"Cargo.toml": root})
    assert labels(after) == ["serde", "lib", "remote", "tokio"]
    assert after[-1].detail == 'workspace: { version = "1", features = ["full"] }'


# -- features ------------------------------------------------------------------------------------


def test_features_of_a_path_dependency(ws: Path):
    items, text = comp(ws, "crates/app/Cargo.toml", pkg("app", '\n[dependencies]\nlib = { path = "../lib", features = ["fast", "|"] }\n'))
    # `default` is not offered, `fast` is already listed, `heavy` is claimed by `dep:heavy`
    assert [(i.label, i.kind, i.detail) for i in items] == [
        ("slow", "feature", '= ["dep:heavy"]'),
        ("extra", "feature", "= []"),
        ("light", "feature", "optional dependency"),
    ]
    assert items[0].insert_text == "slow" and items[0].replace[0] == items[0].replace[1] == text.index('"] }') 


def test_features_of_a_workspace_dependency_and_header_form(ws: Path):
    items, _ = comp(ws, "crates/app/Cargo.toml", pkg("app", "\n[dependencies]\nlib = { workspace = true, features = [|] }\n"))
    assert [(i.label, i.insert_text) for i in items] == [("fast", '"fast"'), ("slow", '"slow"'), ("extra", '"extra"'), ("light", '"light"')]
    items, _ = comp(ws, "crates/app/Cargo.toml", pkg("app", '\n[dependencies.lib]\nworkspace = true\nfeatures = ["e|'))
    assert labels(items) == ["fast", "slow", "extra", "light"]
    # a registry dependency: nothing known, nothing invented
    items, _ = comp(ws, "crates/app/Cargo.toml", pkg("app", '\n[dependencies]\nserde = { version = "1", features = ["|"] }\n'))
    assert items == []


def test_own_features_in_the_features_table(ws: Path):
    lib = WS["crates/lib/Cargo.toml"].replace('extra = []', 'extra = ["|"]')
    items, _ = comp(ws, "crates/lib/Cargo.toml", lib)
    assert labels(items) == ["default", "fast", "slow", "dep:light"]


# -- the local registry cache --------------------------------------------------------------------


def _index_entry(versions: list[tuple[str, bool]]) -> bytes:
    out = b"\x03" + (2).to_bytes(4, "little") + b"etag-1\x00"
    for v, yanked in versions:
        blob = json.dumps({"name": "x", "vers": v, "deps": [], "cksum": "0", "features": {}, "yanked": yanked}, separators=(",", ":"))
        out += v.encode() + b"\x00" + blob.encode() + b"\x00"
    return out


@pytest.fixture
def cargo_home(tmp_path: Path) -> Path:
    home = tmp_path / "cargo-home"
    cache = home / "registry" / "index" / "index.crates.io-1949cf8c6b5b557f" / ".cache"
    for rel, versions in {
        "se/rd/serde": [("1.0.100", False), ("1.0.210", False), ("1.0.211", True), ("0.9.15", False)],
        "se/rd/serde_json": [("1.0.1", False)],
        "3/s/syn": [("2.0.0", False)],
    }.items():
        p = cache / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(_index_entry(versions))
    crates = home / "registry" / "cache" / "index.crates.io-1949cf8c6b5b557f"
    crates.mkdir(parents=True)
    (crates / "serde-derive-helper-2.0.0-beta.1.crate").write_bytes(b"")
    (crates / "serde-1.0.212.crate").write_bytes(b"")
    return home


def test_crate_names_and_versions_from_the_registry_cache(tmp_path: Path, cargo_home: Path):
    write(tmp_path, {"solo/Cargo.toml": pkg("solo")})
    env = {"CARGO_HOME": str(cargo_home)}
    items, text = comp(tmp_path, "solo/Cargo.toml", pkg("solo", "\n[dependencies]\nser|\n"), env=env)
    assert [(i.label, i.kind, i.insert_text, i.detail) for i in items] == [
        ("serde", "crate", 'serde = "1.0.212"', "1.0.212 (local registry cache)"),
        ("serde-derive-helper", "crate", 'serde-derive-helper = "2.0.0-beta.1"', "2.0.0-beta.1 (local registry cache)"),
        ("serde_json", "crate", 'serde_json = "1.0.1"', "1.0.1 (local registry cache)"),
    ]
    assert text[items[0].replace[0] : items[0].replace[1]] == "ser"
    items, _ = comp(tmp_path, "solo/Cargo.toml", pkg("solo", '\n[dependencies]\nserde = "1.0|"\n'), env=env)
    # newest first; the yanked 1.0.211 is left out
    assert labels(items) == ["1.0.212", "1.0.210", "1.0.100", "0.9.15"]
    assert all(i.kind == "version" for i in items) and [i.sort_text for i in items] == ["0000", "0001", "0002", "0003"]
    items, _ = comp(tmp_path, "solo/Cargo.toml", pkg("solo", '\n[dependencies]\nsyn = { version = |, features = ["full"] }\n'), env=env)
    assert [(i.label, i.insert_text) for i in items] == [("2.0.0", '"2.0.0"')]
    # a path dependency gets no versions
    items, _ = comp(tmp_path, "solo/Cargo.toml", pkg("solo", '\n[dependencies]\nsyn = { path = "../x", version = "|" }\n'), env=env)
    assert items == []


def test_no_registry_cache_nothing_invented(tmp_path: Path):
    write(tmp_path, {"solo/Cargo.toml": pkg("solo")})
    env = {"CARGO_HOME": str(tmp_path / "no-such-home")}
    items, _ = comp(tmp_path, "solo/Cargo.toml", pkg("solo", "\n[dependencies]\nser|\n"), env=env)
    assert items == []
    items, _ = comp(tmp_path, "solo/Cargo.toml", pkg("solo", '\n[dependencies]\nserde = "|"\n'), env=env)
    assert items == []


# -- bad input -----------------------------------------------------------------------------------


def test_broken_toml_around_the_cursor(ws: Path):
    # an unclosed inline table and array above, garbage after: the member still gets its items
    body = '\n[dependencies]\nbroken = { version = "1", features = [\nan|\n[dev-dependencies]\nx = }}}\n'
    items, _ = comp(ws, "crates/app/Cargo.toml", pkg("app", body))
    assert isinstance(items, list)
    body = '\n[dependencies]\nx = = = "\n|\n'
    items, _ = comp(ws, "crates/app/Cargo.toml", pkg("app", body))
    assert labels(items) == ["serde", "anyhow", "lib", "remote"]  # `anyhow` is not in this text


def test_empty_file_and_outside_any_workspace(tmp_path: Path):
    write(tmp_path, {"lone/Cargo.toml": ""})
    items, _ = comp(tmp_path, "lone/Cargo.toml", "|")
    assert "package" in labels(items) and "workspace" in labels(items)  # top-level keys only
    assert all(i.kind == "key" for i in items)
    items, _ = comp(tmp_path, "lone/Cargo.toml", "[package]\nedition = |")
    assert labels(items) == ["2015", "2018", "2021", "2024"]


@pytest.mark.parametrize("offset", [-1, 10_000, None, "3"])
def test_offsets_out_of_range(ws: Path, offset):
    assert complete(ctx_for(ws), str(ws / "crates/app/Cargo.toml"), offset) == []


def test_not_a_manifest_or_missing(ws: Path):
    assert complete(ctx_for(ws), str(ws / "crates/notes/README.md"), 0) == []
    assert complete(ctx_for(ws), str(ws / "nowhere/Cargo.toml"), 0) == []
    assert complete(ctx_for(ws), "", 0) == []


def test_shared_cache_reused_across_calls(ws: Path):
    shared = SharedCache()
    member = pkg("app", "\n[dependencies]\nanyhow.workspace = true\n|\n")
    a, _ = comp(ws, "crates/app/Cargo.toml", member, shared=shared)
    b, _ = comp(ws, "crates/app/Cargo.toml", member, shared=shared)
    assert a == b and labels(a) == ["serde", "lib", "remote"]
    root = WS["Cargo.toml"] + 'tokio = "1"\n'
    c, _ = comp(ws, "crates/app/Cargo.toml", member, shared=shared, overlay={"Cargo.toml": root})
    assert labels(c) == ["serde", "lib", "remote", "tokio"]
