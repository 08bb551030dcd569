"""Definition, references, document links, inlay hints and code lenses (issue 5 §2–6, §8).

The layout (under tmp_path/ws; tmp_path/solo is a package outside any workspace):

    Cargo.toml            virtual root: members = ["crates/*", "tools/cli"], exclude = ["crates/legacy"]
    crates/app            listed (glob); inherits version/edition, serde, core; path dep libs/helper;
                          `[target.'cfg(any())'.dependencies] gated = { path = "../../libs/gated" }`
    crates/core           listed (glob), also reached through `core` path deps
    crates/legacy         matched by the glob but excluded
    libs/helper           implicit member (path dep of app), depends on core by path
    libs/gated            implicit member only through the cfg(any()) gate (rust-lang/cargo#15023)
    tools/cli             listed literally; `package.workspace = "../.."`, inherits core
    stray                 under the root, listed nowhere: cargo's "believes it's in a workspace"

Spans are asserted exactly, as the text they cover. Everything goes through a FileSystem whose
boundary is tmp_path, with unsaved buffers where a test says so.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cargo_lens.engine.fs import FileSystem
from cargo_lens.engine.navigation import (
    CodeLens,
    DocumentLink,
    InlayHint,
    Location,
    code_lenses,
    definition,
    document_links,
    inlay_hints,
    references,
)
from cargo_lens.engine.workspace import Context, SharedCache


def pkg(name: str, body: str = "") -> str:
    return f'[package]\nname = "{name}"\nversion = "0.1.0"\nedition = "2021"\n{body}'


ROOT = (
    '[workspace]\nresolver = "2"\nmembers = ["crates/*", "tools/cli"]\nexclude = ["crates/legacy"]\n\n'
    '[workspace.package]\nversion = "0.1.0"\nedition = "2021"\n\n'
    '[workspace.dependencies]\nserde = "1"\ncore = { path = "crates/core" }\n'
)
APP = (
    '[package]\nname = "app"\nversion.workspace = true\nedition.workspace = true\n\n'
    "[dependencies]\nserde.workspace = true\ncore = { workspace = true }\n"
    'helper = { path = "../../libs/helper" }\n'
    'tokio = "1"\n\n'
    "[target.'cfg(any())'.dependencies]\ngated = { path = \"../../libs/gated\" }\n"
)
CLI = (
    '[package]\nname = "cli"\nversion = "0.1.0"\nedition = "2021"\nworkspace = "../.."\nreadme = "README.md"\n\n'
    '[[bin]]\nname = "cli"\npath = "src/main.rs"\n\n[dependencies]\ncore.workspace = true\n'
)
FILES = {
    "ws/Cargo.toml": ROOT,
    "ws/crates/app/Cargo.toml": APP,
    "ws/crates/core/Cargo.toml": pkg("core"),
    "ws/crates/legacy/Cargo.toml": pkg("legacy"),
    "ws/libs/helper/Cargo.toml": pkg("helper", '\n[dependencies]\ncore = { path = "../../crates/core" }\n'),
    "ws/libs/gated/Cargo.toml": pkg("gated"),
    "ws/tools/cli/Cargo.toml": CLI,
    "ws/tools/cli/README.md": "# cli\n",
    "ws/tools/cli/src/main.rs": "fn main() {}\n",
    "ws/stray/Cargo.toml": pkg("stray"),
    "solo/Cargo.toml": pkg("solo", '\n[dependencies]\nserde.workspace = true\nfoo = { path = "../foo" }\n'),
    "alone/Cargo.toml": pkg("alone"),
}


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    for rel, content in FILES.items():
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(content)
        if rel.endswith("Cargo.toml") and "[package]" in content:
            (p.parent / "src").mkdir(exist_ok=True)
            (p.parent / "src" / "lib.rs").write_text("")
    return tmp_path


def ctx(tree: Path, overlay: dict[str, str] | None = None, shared=None) -> Context:
    ov = {str(tree / k): v for k, v in (overlay or {}).items()}
    return Context(FileSystem(ov, boundary=str(tree)), env={}, shared=shared)


def text_of(tree: Path, rel: str, overlay=None) -> str:
    return (overlay or {}).get(rel) or (tree / rel).read_text()


def at(text: str, needle: str, k: int = 0, nth: int = 0) -> int:
    i = -1
    for _ in range(nth + 1):
        i = text.index(needle, i + 1)
    return i + k


def loc(tree: Path, rel: str, needle: str, nth: int = 0, overlay=None) -> Location:
    """The Location of the ``nth`` occurrence of ``needle`` in ``rel``."""
    text = text_of(tree, rel, overlay)
    i = at(text, needle, nth=nth)
    return Location(str(tree / rel), (i, i + len(needle)))


def header(tree: Path, rel: str, h: str = "[package]") -> Location:
    return loc(tree, rel, h)


def defn(tree: Path, rel: str, needle: str, k: int = 1, *, overlay=None, nth: int = 0) -> list[Location]:
    text = text_of(tree, rel, overlay)
    return definition(ctx(tree, overlay), str(tree / rel), at(text, needle, k, nth))


def refs(tree: Path, rel: str, needle: str, k: int = 1, *, overlay=None, decl=True) -> list[Location]:
    text = text_of(tree, rel, overlay)
    return sorted(references(ctx(tree, overlay), str(tree / rel), at(text, needle, k), decl), key=lambda l: (l.file, l.span))


def srt(locs):
    return sorted(locs, key=lambda l: (l.file, l.span))


APP_P = "ws/crates/app/Cargo.toml"


# -- definition --------------------------------------------------------------------------------


def test_workspace_true_goes_to_the_workspace_dependencies_entry(tree: Path):
    want = [loc(tree, "ws/Cargo.toml", "serde")]
    assert defn(tree, APP_P, "serde.workspace") == want  # on the name
    assert defn(tree, APP_P, "workspace = true\ncore", 2) == want  # on `workspace`
    assert defn(tree, APP_P, "true\ncore", 1) == want  # on `true`


def test_inherited_path_dependency_goes_to_entry_and_manifest(tree: Path):
    entry = loc(tree, "ws/Cargo.toml", "core", nth=0)
    assert defn(tree, APP_P, "core = {") == [entry, header(tree, "ws/crates/core/Cargo.toml")]
    assert defn(tree, APP_P, "workspace = true }", 2) == [entry]


def test_path_dependency_goes_to_the_package_manifest(tree: Path):
    want = [header(tree, "ws/libs/helper/Cargo.toml")]
    assert defn(tree, APP_P, "helper =") == want
    assert defn(tree, APP_P, '"../../libs/helper"', 3) == want
    missing = {APP_P: APP.replace("[dependencies]\n", '[dependencies]\nmissing = { path = "../nope" }\n')}
    assert defn(tree, APP_P, "missing =", overlay=missing) == []  # no Cargo.toml there: nowhere to go
    assert defn(tree, APP_P, 'tokio = "1"') == []  # a registry dependency: never a registry link
    # a [workspace.dependencies] entry with a path
    assert defn(tree, "ws/Cargo.toml", "core = {") == [header(tree, "ws/crates/core/Cargo.toml")]


def test_members_default_members_and_exclude_entries(tree: Path):
    got = defn(tree, "ws/Cargo.toml", '"crates/*"', 2)
    assert got == [header(tree, f"ws/crates/{n}/Cargo.toml") for n in ("app", "core", "legacy")]
    assert defn(tree, "ws/Cargo.toml", '"tools/cli"', 2) == [header(tree, "ws/tools/cli/Cargo.toml")]
    assert defn(tree, "ws/Cargo.toml", '"crates/legacy"', 2) == [header(tree, "ws/crates/legacy/Cargo.toml")]
    root = ROOT.replace('exclude = ["crates/legacy"]', 'exclude = ["crates/legacy"]\ndefault-members = ["crates/app"]')
    got = defn(tree, "ws/Cargo.toml", '"crates/app"', 2, overlay={"ws/Cargo.toml": root})
    assert got == [header(tree, APP_P)]


def test_package_workspace_pointer_and_inherited_package_keys(tree: Path):
    assert defn(tree, "ws/tools/cli/Cargo.toml", 'workspace = "../.."', 14) == [header(tree, "ws/Cargo.toml", "[workspace]")]
    assert defn(tree, APP_P, "version.workspace") == [loc(tree, "ws/Cargo.toml", "version", nth=0)]
    assert defn(tree, APP_P, "edition.workspace", 9) == [loc(tree, "ws/Cargo.toml", "edition", nth=0)]


def test_implicit_member_goes_to_the_declarations_that_pull_it_in(tree: Path):
    assert defn(tree, "ws/libs/gated/Cargo.toml", "[package]") == [loc(tree, APP_P, "gated")]
    assert defn(tree, "ws/libs/helper/Cargo.toml", '"helper"', 2) == [loc(tree, APP_P, "helper")]
    # a listed member: its `members` entry (here the glob), even though app's path dep found it first
    assert defn(tree, "ws/crates/core/Cargo.toml", "[package]") == [loc(tree, "ws/Cargo.toml", '"crates/*"')]
    assert defn(tree, "solo/Cargo.toml", "[package]") == []


def test_reason_chain_through_several_hops(tree: Path):
    overlay = {
        "ws/libs/gated/Cargo.toml": pkg("gated", '\n[dependencies]\ndeep = { path = "../deep" }\n'),
        "ws/libs/deep/Cargo.toml": pkg("deep"),
        "ws/libs/deep/src/lib.rs": "",
    }
    got = defn(tree, "ws/libs/deep/Cargo.toml", "[package]", overlay=overlay)
    assert got == [loc(tree, "ws/libs/gated/Cargo.toml", "deep", overlay=overlay), loc(tree, APP_P, "gated")]


# -- references --------------------------------------------------------------------------------


def test_package_name_references_every_dependent(tree: Path):
    got = refs(tree, "ws/crates/core/Cargo.toml", '"core"')
    assert got == srt([
        loc(tree, "ws/crates/core/Cargo.toml", '"core"'),  # the declaration
        loc(tree, "ws/Cargo.toml", "core"),  # the [workspace.dependencies] entry pointing here
        loc(tree, APP_P, "core"),  # core = { workspace = true }
        loc(tree, "ws/libs/helper/Cargo.toml", "core"),  # by path
        loc(tree, "ws/tools/cli/Cargo.toml", "core"),  # core.workspace = true
    ])
    without = refs(tree, "ws/crates/core/Cargo.toml", '"core"', decl=False)
    assert loc(tree, "ws/crates/core/Cargo.toml", '"core"') not in without and len(without) == 4
    # from the [package] header too, and from a path dependency's name in a dependent
    assert refs(tree, "ws/crates/core/Cargo.toml", "[package]") == got
    assert refs(tree, APP_P, "helper =") == srt([
        loc(tree, "ws/libs/helper/Cargo.toml", '"helper"'), loc(tree, APP_P, "helper"),
    ])


def test_workspace_dependency_entry_references_its_inheritors(tree: Path):
    assert refs(tree, "ws/Cargo.toml", "serde =") == srt([loc(tree, "ws/Cargo.toml", "serde"), loc(tree, APP_P, "serde")])
    want = srt([loc(tree, "ws/Cargo.toml", "core"), loc(tree, APP_P, "core"), loc(tree, "ws/tools/cli/Cargo.toml", "core")])
    assert refs(tree, "ws/Cargo.toml", "core =") == want
    # from an inheriting member's key: the same answer
    assert refs(tree, "ws/tools/cli/Cargo.toml", "core.workspace") == want
    assert refs(tree, "ws/Cargo.toml", "serde =", decl=False) == [loc(tree, APP_P, "serde")]


def test_references_see_unsaved_edits_in_other_manifests(tree: Path):
    overlay = {"ws/libs/gated/Cargo.toml": pkg("gated", "\n[dependencies]\nserde = { workspace = true }\n")}
    got = refs(tree, "ws/Cargo.toml", "serde =", overlay=overlay)
    assert loc(tree, "ws/libs/gated/Cargo.toml", "serde", overlay=overlay) in got and len(got) == 3


# -- document links ----------------------------------------------------------------------------


def _links(tree: Path, rel: str, overlay=None) -> list[tuple[str, str]]:
    text = text_of(tree, rel, overlay)
    return [(text[dl.span[0] : dl.span[1]], dl.target) for dl in document_links(ctx(tree, overlay), str(tree / rel))]


def test_links_in_a_member(tree: Path):
    assert _links(tree, APP_P) == [
        ("../../libs/helper", str(tree / "ws/libs/helper/Cargo.toml")),
        ("../../libs/gated", str(tree / "ws/libs/gated/Cargo.toml")),
    ]  # never `serde`/`tokio` (registry) or `core` (inherited)
    missing = {APP_P: APP.replace("[dependencies]\n", '[dependencies]\nmissing = { path = "../nope" }\n')}
    assert [t for t, _ in _links(tree, APP_P, missing)] == ["../../libs/helper", "../../libs/gated"]  # no manifest at ../nope
    assert _links(tree, "ws/tools/cli/Cargo.toml") == [
        ("../..", str(tree / "ws/Cargo.toml")),
        ("README.md", str(tree / "ws/tools/cli/README.md")),
        ("src/main.rs", str(tree / "ws/tools/cli/src/main.rs")),
    ]


def test_links_in_the_root(tree: Path):
    assert _links(tree, "ws/Cargo.toml") == [
        ("tools/cli", str(tree / "ws/tools/cli/Cargo.toml")),  # a glob matching three: no single link
        ("crates/core", str(tree / "ws/crates/core/Cargo.toml")),
    ]
    assert all(isinstance(dl, DocumentLink) and dl.tooltip for dl in document_links(ctx(tree), str(tree / "ws/Cargo.toml")))


# -- inlay hints -------------------------------------------------------------------------------


def test_inlay_hints_in_a_member(tree: Path):
    text = APP
    hints = inlay_hints(ctx(tree), str(tree / APP_P))
    got = [(text[: h.offset].rsplit("\n", 1)[-1], h.label, h.kind) for h in hints]
    assert got == [
        ("version.workspace = true", '= "0.1.0"', "inherited"),
        ("edition.workspace = true", '= "2021"', "inherited"),
        ("serde.workspace = true", '{ version = "1" }', "inherited"),
        ("core = { workspace = true }", '{ path = "crates/core" }', "inherited"),
        ('gated = { path = "../../libs/gated" }', "implicit member", "membership"),
    ]
    gated = hints[-1]
    assert "rust-lang/cargo#15023" in gated.tooltip and "cfg(any())" in gated.tooltip and gated.padding_left
    # only those in the requested span
    span = (at(text, "[dependencies]"), at(text, "tokio"))
    assert [h.label for h in inlay_hints(ctx(tree), str(tree / APP_P), span)] == ['{ version = "1" }', '{ path = "crates/core" }']


def test_no_gated_hint_when_the_package_is_also_reached_without_a_gate(tree: Path):
    overlay = {"ws/libs/helper/Cargo.toml": pkg("helper", '\n[dependencies]\ngated = { path = "../gated" }\n')}
    hints = inlay_hints(ctx(tree, overlay), str(tree / APP_P))
    assert "implicit member" not in [h.label for h in hints]


# -- code lenses -------------------------------------------------------------------------------


def lens_titles(tree: Path, rel: str, overlay=None) -> list[tuple[str, str]]:
    text = text_of(tree, rel, overlay)
    return [(text[c.span[0] : c.span[1]], c.title) for c in code_lenses(ctx(tree, overlay), str(tree / rel))]


def test_workspace_lens_counts_and_lists(tree: Path):
    (lens,) = code_lenses(ctx(tree), str(tree / "ws/Cargo.toml"))
    assert isinstance(lens, CodeLens)
    assert lens.title == "5 members · 2 implicit · 1 gated"
    assert ROOT[lens.span[0] : lens.span[1]] == "[workspace]"
    assert lens.command == "cargo-lens.explain" and lens.arguments == (str(tree / "ws/Cargo.toml"),)
    d = lens.data
    assert sorted(d["members"]) == sorted(str(tree / f"ws/{p}/Cargo.toml") for p in ("crates/app", "crates/core", "libs/helper", "libs/gated", "tools/cli"))
    assert d["implicit"] == [str(tree / "ws/libs/helper/Cargo.toml"), str(tree / "ws/libs/gated/Cargo.toml")]
    assert d["gated"] == [str(tree / "ws/libs/gated/Cargo.toml")]
    assert d["reasons"][str(tree / "ws/libs/gated/Cargo.toml")][0].startswith("path dependency `gated` of `app`")


def test_package_lenses(tree: Path):
    assert lens_titles(tree, APP_P) == [("[package]", "member of ../../Cargo.toml")]
    assert lens_titles(tree, "ws/libs/gated/Cargo.toml") == [("[package]", "member of ../../Cargo.toml (implicit)")]
    assert lens_titles(tree, "ws/crates/legacy/Cargo.toml") == [("[package]", "not a member: excluded by `crates/legacy` in ../../Cargo.toml")]
    assert lens_titles(tree, "alone/Cargo.toml") == [("[package]", "not a member: no workspace")]
    # outside any workspace and failing on its own (nothing to inherit from, no ../foo)
    assert lens_titles(tree, "solo/Cargo.toml") == [
        ("[package]", "not a member: no workspace · cargo fails: failed to parse manifest at `Cargo.toml`")
    ]
    assert lens_titles(tree, "ws/stray/Cargo.toml") == [
        ("[package]", "not a member: current package believes it's in a workspace when it's not")
    ]


def test_root_package_lens(tree: Path):
    overlay = {"ws/Cargo.toml": pkg("top") + "\n" + ROOT, "ws/src/lib.rs": ""}
    assert lens_titles(tree, "ws/Cargo.toml", overlay) == [
        ("[package]", "workspace root package"),
        ("[workspace]", "6 members · 2 implicit · 1 gated"),
    ]


def test_lens_when_cargo_fails(tree: Path):
    overlay = {"ws/Cargo.toml": ROOT.replace('"tools/cli"', '"tools/nothing"')}
    ((_, title),) = lens_titles(tree, "ws/Cargo.toml", overlay)
    assert title == "cargo fails: failed to load manifest for workspace member `tools/nothing`"
    # a root that cannot be read: its members say so
    overlay = {"ws/Cargo.toml": ROOT + "[broken\n"}
    assert lens_titles(tree, APP_P, overlay) == [("[package]", "not a member: unclosed table, expected `]`")]


# -- unsaved edits in one manifest change answers in another -----------------------------------


def test_unsaved_root_changes_lenses_hints_and_definitions(tree: Path):
    shared = SharedCache()  # as the server: one cache across requests
    root_path, cli_path = str(tree / "ws/Cargo.toml"), str(tree / "ws/tools/cli/Cargo.toml")
    assert code_lenses(ctx(tree, shared=shared), root_path)[0].title == "5 members · 2 implicit · 1 gated"
    assert code_lenses(ctx(tree, shared=shared), cli_path)[0].title == "member of ../../Cargo.toml"
    # remove the members entry in the unsaved root: the root's lens and the cli's both change
    unsaved = {"ws/Cargo.toml": ROOT.replace(', "tools/cli"', "")}
    assert code_lenses(ctx(tree, unsaved, shared), root_path)[0].title == "4 members · 2 implicit · 1 gated"
    assert code_lenses(ctx(tree, unsaved, shared), cli_path)[0].title.startswith("not a member: ")
    # add an entry in the unsaved root: the member (unsaved too) resolves and shows it
    root2 = ROOT + 'rand = { version = "0.8", default-features = false }\n'
    member = APP.replace("[dependencies]\n", "[dependencies]\nrand.workspace = true\n")
    overlay = {"ws/Cargo.toml": root2, APP_P: member}
    got = definition(ctx(tree, overlay, shared), str(tree / APP_P), at(member, "rand.workspace", 1))
    assert got == [loc(tree, "ws/Cargo.toml", "rand", overlay=overlay)]
    hints = inlay_hints(ctx(tree, overlay, shared), str(tree / APP_P))
    assert '{ version = "0.8", default-features = false }' in [h.label for h in hints]
    # and back to the saved files: the old answers again
    assert code_lenses(ctx(tree, shared=shared), root_path)[0].title == "5 members · 2 implicit · 1 gated"
    assert definition(ctx(tree, shared=shared), str(tree / APP_P), at(APP, "serde.workspace", 1)) == [loc(tree, "ws/Cargo.toml", "serde")]


# -- bad input ---------------------------------------------------------------------------------

ALL = (
    lambda c, p, o: definition(c, p, o),
    lambda c, p, o: references(c, p, o),
    lambda c, p, o: document_links(c, p),
    lambda c, p, o: inlay_hints(c, p),
    lambda c, p, o: code_lenses(c, p),
)


def test_broken_toml_around_the_cursor(tree: Path):
    broken = APP.replace("serde.workspace = true", "serde.workspace = = {{ [") + "\n[dependencies.\nx = \n"
    overlay = {APP_P: broken}
    c = ctx(tree, overlay)
    assert definition(c, str(tree / APP_P), at(broken, "serde.workspace", 1)) == []
    assert references(c, str(tree / APP_P), at(broken, "= {{", 2)) == []
    # the rest of the file still answers
    assert definition(c, str(tree / APP_P), at(broken, "helper =", 1)) == [header(tree, "ws/libs/helper/Cargo.toml")]
    assert [h.label for h in inlay_hints(c, str(tree / APP_P))][:2] == ['= "0.1.0"', '= "2021"']
    assert isinstance(document_links(c, str(tree / APP_P)), list)
    ((_, title),) = lens_titles(tree, APP_P, overlay)
    assert title.startswith("member of ../../Cargo.toml · cargo fails:") or title.startswith("not a member:")


@pytest.mark.parametrize("fn", ALL)
def test_empty_file(tree: Path, fn):
    assert fn(ctx(tree, {APP_P: ""}), str(tree / APP_P), 0) == []


@pytest.mark.parametrize("fn", ALL[:4])
def test_outside_any_workspace(tree: Path, fn):
    path = str(tree / "solo/Cargo.toml")
    text = FILES["solo/Cargo.toml"]
    got = fn(ctx(tree), path, at(text, "serde.workspace", 1))
    assert got == []  # nothing to inherit from, no workspace to search, `../foo` does not exist


@pytest.mark.parametrize("offset", [-1, 100_000, None, "7", 2.0])
def test_offsets_out_of_range(tree: Path, offset):
    assert definition(ctx(tree), str(tree / APP_P), offset) == []
    assert references(ctx(tree), str(tree / APP_P), offset) == []


@pytest.mark.parametrize("fn", ALL)
def test_missing_file_and_not_a_manifest(tree: Path, fn):
    assert fn(ctx(tree), str(tree / "ws/nowhere/Cargo.toml"), 0) == []
    assert fn(ctx(tree), str(tree / "ws/tools/cli/README.md"), 0) == []
    assert fn(ctx(tree), "", 0) == []


def test_answers_are_plain_dataclasses(tree: Path):
    (h, *_) = inlay_hints(ctx(tree), str(tree / APP_P))
    assert isinstance(h, InlayHint) and isinstance(h.offset, int)
    (d,) = defn(tree, APP_P, "helper =")
    assert isinstance(d, Location) and Path(d.file).is_absolute()


# -- workspace results kept across requests (wsview) -------------------------------------------


def test_workspace_results_are_reused_across_requests_until_something_changes(tree: Path):
    from cargo_lens.engine.wsview import WorkspaceView

    shared = SharedCache()
    disk = FileSystem(boundary=str(tree))
    root = str(tree / "ws/Cargo.toml")

    def view(overlay=None):
        ov = {str(tree / k): v for k, v in (overlay or {}).items()}
        return WorkspaceView(Context(disk.with_overlay(ov), env={}, shared=shared), root)

    first = view().res
    assert view().res is first  # a fresh Context, same files: the same result object
    edited = view({"ws/crates/app/Cargo.toml": APP + "\n# edited\n"}).res
    assert edited is not first  # a manifest it read changed (unsaved): computed again
    again = view().res  # back to the saved text: computed again, the same answer
    assert again is not edited and again.members == first.members
    # a change on disk, as the server sees it: the watcher invalidates the view and bumps the cache
    (tree / "ws/Cargo.toml").write_text(ROOT.replace(', "tools/cli"', ""))
    disk.invalidate(root)
    shared.bump()
    after = view().res
    assert after is not first and str(tree / "ws/tools/cli/Cargo.toml") not in after.members
    assert code_lenses(Context(disk.with_overlay({}), env={}, shared=shared), root)[0].title == "4 members · 2 implicit · 1 gated"
