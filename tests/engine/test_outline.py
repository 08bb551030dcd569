"""Document symbols and folding ranges (engine/outline.py, issue 5 §7)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cargo_lens.engine.fs import FileSystem
from cargo_lens.engine.outline import DocumentSymbol, FoldingRange, document_symbols, folding_ranges
from cargo_lens.engine.workspace import Context

TEXT = """\
cargo-features = ["x"]

[package]
name = "app"
version.workspace = true

[dependencies]
serde = { version = "1", features = [
    "derive",
] }
core.workspace = true
local = { path = "../local" }

[dependencies.big]
version = "2"

[target.'cfg(unix)'.dependencies]
libc = "0.2"

[[bin]]
name = "tool"
path = "src/tool.rs"

[[bin]]
path = "src/other.rs"
"""


def ctx(tmp_path: Path, files: dict[str, str]) -> Context:
    return Context(FileSystem({str(tmp_path / k): v for k, v in files.items()}, boundary=str(tmp_path)), env={})


def flat(symbols: list[DocumentSymbol], text: str, depth: int = 0) -> list[tuple]:
    out = []
    for s in symbols:
        out.append((depth, s.name, s.kind, s.detail, text[s.selection_span[0] : s.selection_span[1]]))
        assert s.span[0] <= s.selection_span[0] and s.selection_span[1] <= s.span[1]
        for c in s.children:
            assert s.span[0] <= c.span[0] and c.span[1] <= s.span[1], (s.name, c.name)
        out.extend(flat(s.children, text, depth + 1))
    return out


def test_outline_of_a_manifest(tmp_path: Path):
    syms = document_symbols(ctx(tmp_path, {"Cargo.toml": TEXT}), str(tmp_path / "Cargo.toml"))
    assert flat(syms, TEXT) == [
        (0, "cargo-features", "array", "1 item", "cargo-features"),
        (0, "package", "namespace", "", "[package]"),
        (1, "name", "string", '"app"', "name"),
        (1, "version", "object", "", "version"),
        (2, "workspace", "boolean", "true", "workspace"),
        (0, "dependencies", "namespace", "", "[dependencies]"),
        (1, "serde", "package", "1", "serde"),
        (2, "version", "string", '"1"', "version"),
        (2, "features", "array", "1 item", "features"),
        (1, "core", "package", "workspace", "core"),
        (2, "workspace", "boolean", "true", "workspace"),
        (1, "local", "package", "path ../local", "local"),
        (2, "path", "string", '"../local"', "path"),
        (0, "dependencies.big", "package", "2", "[dependencies.big]"),
        (1, "version", "string", '"2"', "version"),
        (0, "target.'cfg(unix)'.dependencies", "namespace", "", "[target.'cfg(unix)'.dependencies]"),
        (1, "libc", "package", '"0.2"', "libc"),
        (0, "bin", "namespace", "tool", "[[bin]]"),
        (1, "name", "string", '"tool"', "name"),
        (1, "path", "string", '"src/tool.rs"', "path"),
        (0, "bin", "namespace", "#2", "[[bin]]"),
        (1, "path", "string", '"src/other.rs"', "path"),
    ]
    deps = syms[2]
    assert TEXT[deps.span[0] : deps.span[1]] == (
        '[dependencies]\nserde = { version = "1", features = [\n    "derive",\n] }\n'
        'core.workspace = true\nlocal = { path = "../local" }'
    )


def test_folding_ranges(tmp_path: Path):
    folds = folding_ranges(ctx(tmp_path, {"Cargo.toml": TEXT}), str(tmp_path / "Cargo.toml"))
    assert all(isinstance(f, FoldingRange) for f in folds)
    got = [(f.start_line, f.end_line, TEXT[f.span[0] : f.span[1]].split("\n", 1)[0]) for f in folds]
    assert got == [
        (2, 4, "[package]"),
        (6, 11, "[dependencies]"),
        (7, 8, '{ version = "1", features = ['),  # the inline table (its `] }` line stays visible;
        # the array inside covers the same lines, so it is not repeated)
        (13, 14, "[dependencies.big]"),
        (16, 17, "[target.'cfg(unix)'.dependencies]"),
        (19, 21, "[[bin]]"),
        (23, 24, "[[bin]]"),
    ]


def test_other_toml_files_through_the_overlay(tmp_path: Path):
    files = {".cargo/config.toml": '[build]\ntarget = "x"\n\n[env]\nA = "1"\n'}
    syms = document_symbols(ctx(tmp_path, files), str(tmp_path / ".cargo/config.toml"))
    assert [(s.name, [c.name for c in s.children]) for s in syms] == [("build", ["target"]), ("env", ["A"])]
    assert [f.start_line for f in folding_ranges(ctx(tmp_path, files), str(tmp_path / ".cargo/config.toml"))] == [0, 3]


def test_broken_toml_keeps_what_was_read(tmp_path: Path):
    text = '[package]\nname = "a"\n[dependencies\nserde = { version = "1"\n[features]\ndefault = ["a",\n'
    syms = document_symbols(ctx(tmp_path, {"Cargo.toml": text}), str(tmp_path / "Cargo.toml"))
    assert syms[0].name == "package" and [c.name for c in syms[0].children] == ["name"]
    assert isinstance(folding_ranges(ctx(tmp_path, {"Cargo.toml": text}), str(tmp_path / "Cargo.toml")), list)


@pytest.mark.parametrize("fn", [document_symbols, folding_ranges])
def test_empty_missing_and_bad_paths(tmp_path: Path, fn):
    assert fn(ctx(tmp_path, {"Cargo.toml": ""}), str(tmp_path / "Cargo.toml")) == []
    assert fn(ctx(tmp_path, {}), str(tmp_path / "nowhere/Cargo.toml")) == []
    assert fn(ctx(tmp_path, {}), str(tmp_path / "nowhere.toml")) == []
    assert fn(ctx(tmp_path, {}), "") == []


def test_a_table_does_not_fold_or_span_over_its_later_sub_tables(tmp_path: Path):
    # `[workspace.lints.rust]` makes an implicit `lints` table inside `[workspace]`: folding
    # `[workspace]` must not hide `[workspace.package]` and the rest (it did: 0-6, not 0-1)
    text = ('[workspace]\nmembers = ["a"]\n\n[workspace.package]\nversion = "1.0.0"\n\n'
            '[workspace.lints.rust]\nunsafe_code = "forbid"\n')
    c = ctx(tmp_path, {"Cargo.toml": text})
    folds = folding_ranges(c, str(tmp_path / "Cargo.toml"))
    assert [(f.start_line, f.end_line) for f in folds] == [(0, 1), (3, 4), (6, 7)]
    symbols = document_symbols(c, str(tmp_path / "Cargo.toml"))
    assert [(s.name, text[s.span[0] : s.span[1]].count("\n")) for s in symbols] == [
        ("workspace", 1), ("workspace.package", 1), ("workspace.lints.rust", 1),
    ]
