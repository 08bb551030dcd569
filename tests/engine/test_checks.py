"""Each rule on a small layout: which file, which text is underlined, which code, what it says."""

from __future__ import annotations

from pathlib import Path

from cargo_lens.engine.analysis import Options, run_checks
from cargo_lens.engine.fs import FileSystem
from cargo_lens.engine.workspace import Context

PKG = '[package]\nname = "{name}"\nversion = "0.1.0"\nedition = "2021"\n'


def layout(tmp_path: Path, files: dict[str, str]) -> Path:
    for rel, content in files.items():
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(content, encoding="utf-8")
    return tmp_path


def pkg(name: str, extra: str = "") -> dict[str, str]:
    return {"Cargo.toml": PKG.format(name=name) + extra, "src/lib.rs": ""}


def under(prefix: str, files: dict[str, str]) -> dict[str, str]:
    return {f"{prefix}/{k}": v for k, v in files.items()}


def check(root: Path, *manifests: str, overlay: dict[str, str] | None = None, **opts):
    fs = FileSystem(overlay={str(root / k): v for k, v in (overlay or {}).items()}, boundary=str(root))
    ctx = Context(fs, env={})
    paths = [str(root / m) for m in manifests]
    diags = run_checks(ctx, paths, Options(**opts))
    out = []
    for d in diags:
        text = ctx.manifest(d.file).text or ""
        out.append((str(Path(d.file).relative_to(root)), text[d.span[0] : d.span[1]], d.code, d))
    return out


def codes(found) -> list[tuple[str, str, str]]:
    return [(f, t, c) for f, t, c, _ in found]


def test_issue_15023_gated_member_is_reported_on_the_dependency_key(tmp_path):
    root = layout(
        tmp_path,
        {
            "Cargo.toml": '[workspace]\nresolver = "2"\nmembers = ["crates/entry"]\n',
            **under("crates/entry", pkg("entry", "\n[target.'cfg(any())'.dependencies]\ndep = { path = \"../dep\" }\n")),
            **under("crates/dep", pkg("dep")),
        },
    )
    found = check(root, "Cargo.toml")
    assert codes(found) == [("crates/entry/Cargo.toml", "dep", "CL301")]
    d = found[0][3]
    assert d.severity == "warning"
    assert "never true" in d.message and "builds it anyway" in d.message
    assert any('"crates/dep"' in h and "workspace.exclude" in h for h in d.help)


def test_gated_member_with_default_members_is_not_built_by_plain_check(tmp_path):
    root = layout(
        tmp_path,
        {
            "Cargo.toml": '[workspace]\nmembers = ["crates/entry"]\ndefault-members = ["crates/entry"]\n',
            **under("crates/entry", pkg("entry", "\n[target.'cfg(windows)'.dependencies]\ndep = { path = \"../dep\" }\n")),
            **under("crates/dep", pkg("dep")),
        },
    )
    (d,) = [x[3] for x in check(root, "Cargo.toml") if x[2] == "CL301"]
    assert "does not build it" in d.message and "--workspace" in d.message


def test_excluded_gated_dependency_is_not_reported(tmp_path):
    root = layout(
        tmp_path,
        {
            "Cargo.toml": '[workspace]\nmembers = ["crates/entry"]\nexclude = ["crates/dep"]\n',
            **under("crates/entry", pkg("entry", "\n[target.'cfg(any())'.dependencies]\ndep = { path = \"../dep\" }\n")),
            **under("crates/dep", pkg("dep")),
        },
    )
    assert codes(check(root, "Cargo.toml")) == []


def test_dependency_also_reached_without_a_gate_is_not_gated(tmp_path):
    root = layout(
        tmp_path,
        {
            "Cargo.toml": '[workspace]\nmembers = ["a", "b"]\n',
            **under("a", pkg("a", "\n[target.'cfg(any())'.dependencies]\ndep = { path = \"../dep\" }\n")),
            **under("b", pkg("b", '\n[dependencies]\ndep = { path = "../dep" }\n')),
            **under("dep", pkg("dep")),
        },
    )
    assert codes(check(root, "Cargo.toml")) == []


def test_believes_in_workspace_is_on_the_package_header(tmp_path):
    root = layout(tmp_path, {"Cargo.toml": '[workspace]\nmembers = ["a"]\n', **under("a", pkg("a")), **under("tools/b", pkg("b"))})
    found = check(root, "tools/b/Cargo.toml")
    assert codes(found) == [("tools/b/Cargo.toml", "[package]", "CL206")]
    assert "believes it's in a workspace" in found[0][3].message
    assert "adding `tools/b` to the `workspace.members` array" in found[0][3].message


def test_glob_matching_directory_without_manifest_is_on_the_members_entry(tmp_path):
    root = layout(
        tmp_path, {"Cargo.toml": '[workspace]\nmembers = ["crates/*"]\n', **under("crates/a", pkg("a")), "crates/docs/README.md": ""}
    )
    assert codes(check(root, "Cargo.toml")) == [("Cargo.toml", '"crates/*"', "CL201")]


def test_missing_path_dependency_is_on_the_dependency_key(tmp_path):
    root = layout(tmp_path, pkg("top", '\n[workspace]\n\n[dependencies]\nghost = { path = "ghost" }\n'))
    found = check(root, "Cargo.toml")
    assert codes(found) == [("Cargo.toml", "ghost", "CL205")]
    assert "failed to load manifest for dependency `ghost`" in found[0][3].message


def test_default_member_not_member_is_on_its_entry(tmp_path):
    root = layout(
        tmp_path,
        {"Cargo.toml": '[workspace]\nmembers = ["crates/a"]\ndefault-members = ["crates/b"]\n', **under("crates/a", pkg("a")), **under("crates/b", pkg("b"))},
    )
    assert codes(check(root, "Cargo.toml")) == [("Cargo.toml", '"crates/b"', "CL204")]


def test_duplicate_names_point_at_both_name_values(tmp_path):
    root = layout(tmp_path, {"Cargo.toml": '[workspace]\nmembers = ["a", "b"]\n', **under("a", pkg("same")), **under("b", pkg("same"))})
    found = check(root, "Cargo.toml")
    assert codes(found) == [("b/Cargo.toml", '"same"', "CL210")]
    assert [r.file for r in found[0][3].related] == [str(root / "a/Cargo.toml")]


def test_nested_workspace_member(tmp_path):
    root = layout(
        tmp_path, {"Cargo.toml": '[workspace]\nmembers = ["inner"]\n', **under("inner", pkg("inner", "\n[workspace]\n"))}
    )
    assert [c for _, _, c in codes(check(root, "Cargo.toml"))] == ["CL207"]


def test_syntax_error_is_reported_and_the_rest_still_analysed(tmp_path):
    root = layout(tmp_path, {"Cargo.toml": '[workspace]\nmembers = ["a"]\nfoo\n', **under("a", pkg("a"))})
    found = check(root, "Cargo.toml")
    assert ("Cargo.toml", "", "CL001") in codes(found)
    assert found[0][3].message == "key with no value, expected `=`"


def test_unsaved_buffer_wins_over_disk(tmp_path):
    root = layout(
        tmp_path,
        {
            "Cargo.toml": '[workspace]\nmembers = ["crates/entry"]\n',
            **under("crates/entry", pkg("entry", "\n[target.'cfg(any())'.dependencies]\ndep = { path = \"../dep\" }\n")),
            **under("crates/dep", pkg("dep")),
        },
    )
    assert [c for _, _, c in codes(check(root, "Cargo.toml"))] == ["CL301"]
    edited = '[workspace]\nmembers = ["crates/entry"]\nexclude = ["crates/dep"]\n'
    assert codes(check(root, "Cargo.toml", overlay={"Cargo.toml": edited})) == []


def test_cfg_syntax_error_underlines_inside_the_key(tmp_path):
    root = layout(tmp_path, pkg("a", "\n[target.'cfg(unix, windows)'.dependencies]\n"))
    found = [x for x in check(root, "Cargo.toml") if x[2] == "CL401"]
    assert len(found) == 1
    assert found[0][3].message == "failed to parse `unix, windows` as a cfg expression: unexpected content `, windows` found after cfg expression"


def test_cfg_lints(tmp_path):
    root = layout(
        tmp_path,
        pkg("a", '\n[target.\'cfg(target_os = "linx")\'.dependencies]\n\n[target.\'cfg(test)\'.dev-dependencies]\n'),
    )
    got = {c for _, _, c in codes(check(root, "Cargo.toml"))}
    assert got == {"CL402", "CL403"}


def test_severity_override_and_off(tmp_path):
    root = layout(
        tmp_path,
        {
            "Cargo.toml": '[workspace]\nmembers = ["e"]\n',
            **under("e", pkg("e", "\n[target.'cfg(any())'.dependencies]\nd = { path = \"../d\" }\n")),
            **under("d", pkg("d")),
        },
    )
    (d,) = [x[3] for x in check(root, "Cargo.toml", severity={"gated-implicit-member": "error"})]
    assert d.severity == "error"
    assert check(root, "Cargo.toml", severity={"CL301": "off"}) == []


def test_every_rule_has_a_code_and_a_one_line_summary():
    from cargo_lens.engine.checks import RULES

    for rule in RULES.values():
        assert rule.summary and "\n" not in rule.summary
        assert rule.code.startswith("CL") and len(rule.code) == 5


def test_fixes_are_built_on_demand_for_the_gated_member(tmp_path):
    root = layout(
        tmp_path,
        {
            "Cargo.toml": '[workspace]\nmembers = ["crates/entry", "crates/other"]\n',
            **under("crates/entry", pkg("entry", "\n[target.'cfg(any())'.dependencies]\ndep = { path = \"../dep\" }\n")),
            **under("crates/other", pkg("other")),
            **under("crates/dep", pkg("dep")),
        },
    )
    (d,) = [x[3] for x in check(root, "Cargo.toml")]
    fixes = d.all_fixes()
    assert [f.title for f in fixes] == [
        'Add "crates/dep" to workspace.exclude in Cargo.toml',
        'Set workspace.default-members to ["crates/entry", "crates/other"] in Cargo.toml',
        'Add "crates/dep" to workspace.members in Cargo.toml',
    ]
    assert [f.preferred for f in fixes] == [True, False, False]
    (edit,) = fixes[0].edits
    assert edit.file == str(root / "Cargo.toml")
    text = (root / "Cargo.toml").read_text()
    assert text[: edit.span[0]] + edit.new_text + text[edit.span[1] :] == (
        '[workspace]\nmembers = ["crates/entry", "crates/other"]\nexclude = ["crates/dep"]\n'
    )


def test_believes_in_workspace_offers_three_fixes(tmp_path):
    root = layout(tmp_path, {"Cargo.toml": '[workspace]\nmembers = ["a"]\n', **under("a", pkg("a")), **under("tools/b", pkg("b"))})
    (d,) = [x[3] for x in check(root, "tools/b/Cargo.toml")]
    titles = [f.title for f in d.all_fixes()]
    assert titles == [
        'Add "tools/b" to workspace.members in Cargo.toml',
        'Add "tools/b" to workspace.exclude in Cargo.toml',
        "Add an empty [workspace] table to Cargo.toml",
    ]
