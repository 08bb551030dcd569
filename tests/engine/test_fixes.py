"""Quick-fix edits (cargo_lens.engine.fixes).

Three kinds of checks:

1. exact text after applying each fix, over the shapes manifests come in (tables or keys missing,
   empty / single-line / multi-line arrays, comments, CRLF, tabs, dotted keys, inline tables,
   non-ASCII text before the edit, no final newline);
2. properties of every edit: it is the single minimal edit between the old text and tomlkit's
   rendering, the rest of the file is byte-identical, additions replace no existing text,
   no comment is lost, and the result reads (tomllib) as exactly the intended value;
3. cargo itself: each fix applied to a layout on disk, then ``cargo metadata --no-deps --offline``
   must succeed and report the membership the fix promised.
"""

from __future__ import annotations

import re
import shutil
import tomllib
from pathlib import Path

import pytest
import tomlkit

import cargo_oracle
from cargo_lens.engine import fixes as F
from cargo_lens.engine.diagnostics import Fix, TextEdit

ROOT = "/ws/Cargo.toml"
WS = ("workspace",)
DEPS = ("workspace", "dependencies")


def apply(text: str, edit: TextEdit) -> str:
    start, end = edit.span
    return text[:start] + edit.new_text + text[end:]


def comments(text: str) -> list[str]:
    """Comment texts (good enough for our samples: no '#' inside strings)."""
    return sorted(m.group(0).rstrip() for m in re.finditer(r"#[^\r\n]*", text))


def check_edit(text: str, edit: TextEdit | None, expected: str, *, file: str = ROOT,
               pure_addition: bool = True) -> None:
    """The edit gives ``expected`` and has every property an edit must have."""
    assert edit is not None, "expected an edit, got None"
    assert isinstance(edit, TextEdit) and edit.file == file
    result = apply(text, edit)
    assert result == expected
    start, end = edit.span
    assert 0 <= start <= end <= len(text)
    # The single smallest edit: recomputing it from the two texts gives the same edit, and the
    # rest of the file is byte-identical.
    assert F.minimal_edit(file, text, result) == edit
    assert result[:start] == text[:start]
    assert result[start + len(edit.new_text):] == text[end:]
    # Never inside a CRLF pair (no LSP position there).
    for off in (start, end):
        assert not (0 < off < len(text) and text[off - 1] == "\r" and text[off] == "\n")
    if pure_addition:
        # Adding an entry or a key replaces no existing text: what the span covers reappears,
        # in order, in the new text (e.g. `"b" # c` becomes `"b", # c` plus a new line).
        assert is_subsequence(text[start:end], edit.new_text)
    # No comment is lost.
    old_comments = comments(text)
    new_comments = comments(result)
    for c in old_comments:
        assert c in new_comments
    # tomlkit reads it back and renders it unchanged (the next fix can be computed on it).
    assert tomlkit.parse(result).as_string() == result


def is_subsequence(small: str, big: str) -> bool:
    it = iter(big)
    return all(ch in it for ch in small)


def value(text: str) -> dict:
    return tomllib.loads(text)


# ----------------------------------------------------------------------------------------------
# minimal_edit
# ----------------------------------------------------------------------------------------------


class TestMinimalEdit:
    def test_equal_texts_give_none(self):
        assert F.minimal_edit("f", "abc", "abc") is None
        assert F.minimal_edit("f", "", "") is None

    def test_common_prefix_and_suffix_are_trimmed(self):
        e = F.minimal_edit("f", 'x = ["a"]\n', 'x = ["a", "b"]\n')
        assert e == TextEdit("f", (8, 8), ', "b"')

    def test_replacement_and_deletion(self):
        assert F.minimal_edit("f", "abcXdef", "abcYYdef") == TextEdit("f", (3, 4), "YY")
        assert F.minimal_edit("f", "abcXdef", "abcdef") == TextEdit("f", (3, 4), "")
        assert F.minimal_edit("f", "", "new") == TextEdit("f", (0, 0), "new")
        assert F.minimal_edit("f", "old", "") == TextEdit("f", (0, 3), "")

    def test_offsets_are_code_points(self):
        old = "# Ünïcødé 😀\nx = 1\n"
        new = "# Ünïcødé 😀\nx = 1\ny = 2\n"
        e = F.minimal_edit("f", old, new)
        assert e.span == (len(old), len(old)) == (18, 18)  # 22 in UTF-8, 19 in UTF-16
        assert apply(old, e) == new

    def test_an_inserted_line_starts_a_line(self):
        # "workspace.exclude = …\n" inserted after "workspace.members = …\n" could also be written
        # as "exclude = …\nworkspace." inserted in the middle of the next line; the edit slides
        # to the line start, with the same size.
        old = 'workspace.members = ["a"]\nworkspace.resolver = "2"\n'
        new = 'workspace.members = ["a"]\nworkspace.exclude = ["b"]\nworkspace.resolver = "2"\n'
        e = F.minimal_edit("f", old, new)
        assert e == TextEdit("f", (26, 26), 'workspace.exclude = ["b"]\n')

    def test_a_deleted_line_starts_a_line(self):
        old = 'a = [\n    "x",\n    "y",\n]\n'
        new = 'a = [\n    "x",\n]\n'
        e = F.minimal_edit("f", old, new)
        assert e == TextEdit("f", (15, 24), "")
        assert apply(old, e) == new

    def test_never_splits_crlf(self):
        old = "a\r\nb\r\n"
        new = "a\r\nX\r\nb\r\n"
        e = F.minimal_edit("f", old, new)
        assert apply(old, e) == new
        for off in e.span:
            assert not (0 < off < len(old) and old[off - 1] == "\r" and old[off] == "\n")
        old2 = "a = 1\r\n"
        new2 = "a = 1\n"
        e2 = F.minimal_edit("f", old2, new2)
        assert apply(old2, e2) == new2
        assert e2.span == (5, 7)

    def test_apply_edit_helper(self):
        assert F.apply_edit("abc", TextEdit("f", (1, 2), "XY")) == "aXYc"


# ----------------------------------------------------------------------------------------------
# fix_exclude (gated implicit member; "believes it's in a workspace"; glob matching a dir
# without Cargo.toml)
# ----------------------------------------------------------------------------------------------

EXCLUDE_CASES = [
    ("key-missing",
     '[workspace]\nmembers = ["crates/entry"]\n',
     '[workspace]\nmembers = ["crates/entry"]\nexclude = ["crates/dep"]\n'),
    ("key-missing-after-last-membership-key",
     '[workspace]\nmembers = ["crates/entry"]\ndefault-members = ["crates/entry"]\nresolver = "2"\n\n'
     '[workspace.package]\nversion = "0.1.0"\n',
     '[workspace]\nmembers = ["crates/entry"]\ndefault-members = ["crates/entry"]\n'
     'exclude = ["crates/dep"]\nresolver = "2"\n\n[workspace.package]\nversion = "0.1.0"\n'),
    ("key-missing-no-membership-key-goes-to-table-end",
     '[package]\nname = "root"\nversion = "0.1.0"\n\n[workspace]\nresolver = "2"\n# later: more\n\n'
     '[dependencies]\nentry = { path = "crates/entry" }\n',
     '[package]\nname = "root"\nversion = "0.1.0"\n\n[workspace]\nresolver = "2"\nexclude = ["crates/dep"]\n'
     '# later: more\n\n[dependencies]\nentry = { path = "crates/entry" }\n'),
    ("empty-workspace-table",
     '[package]\nname = "root"\nversion = "0.1.0"\n\n[workspace]\n\n[dependencies]\n',
     '[package]\nname = "root"\nversion = "0.1.0"\n\n[workspace]\nexclude = ["crates/dep"]\n\n[dependencies]\n'),
    ("empty-array",
     '[workspace]\nmembers = ["crates/entry"]\nexclude = []\n',
     '[workspace]\nmembers = ["crates/entry"]\nexclude = ["crates/dep"]\n'),
    ("empty-array-with-space",
     '[workspace]\nmembers = [ "crates/entry" ]\nexclude = [ ]\n',
     '[workspace]\nmembers = [ "crates/entry" ]\nexclude = [ "crates/dep" ]\n'),
    ("single-line",
     '[workspace]\nmembers = ["crates/entry"]\nexclude = ["target", "docs"]\n',
     '[workspace]\nmembers = ["crates/entry"]\nexclude = ["target", "docs", "crates/dep"]\n'),
    ("single-line-tight",
     '[workspace]\nmembers = ["crates/entry"]\nexclude = ["target","docs"]\n',
     '[workspace]\nmembers = ["crates/entry"]\nexclude = ["target","docs","crates/dep"]\n'),
    ("single-line-trailing-comma",
     '[workspace]\nmembers = ["crates/entry"]\nexclude = ["target",]\n',
     '[workspace]\nmembers = ["crates/entry"]\nexclude = ["target", "crates/dep",]\n'),
    ("single-quotes-kept",
     "[workspace]\nmembers = ['crates/entry']\nexclude = ['target']\n",
     "[workspace]\nmembers = ['crates/entry']\nexclude = ['target', 'crates/dep']\n"),
    ("single-quotes-new-key",
     "[workspace]\nmembers = ['crates/entry']\n",
     "[workspace]\nmembers = ['crates/entry']\nexclude = ['crates/dep']\n"),
    ("multi-line-trailing-comma",
     '[workspace]\nmembers = ["crates/entry"]\nexclude = [\n    "target",\n    "docs",\n]\n',
     '[workspace]\nmembers = ["crates/entry"]\nexclude = [\n    "target",\n    "docs",\n    "crates/dep",\n]\n'),
    ("multi-line-no-trailing-comma",
     '[workspace]\nmembers = ["crates/entry"]\nexclude = [\n    "target",\n    "docs"\n]\n',
     '[workspace]\nmembers = ["crates/entry"]\nexclude = [\n    "target",\n    "docs",\n    "crates/dep"\n]\n'),
    ("multi-line-comments",
     '[workspace]\nmembers = ["crates/entry"]\nexclude = [\n    "target", # build output\n'
     '    # "docs",\n    "vendor" # third party\n]  # keep sorted\n',
     '[workspace]\nmembers = ["crates/entry"]\nexclude = [\n    "target", # build output\n'
     '    # "docs",\n    "vendor", # third party\n    "crates/dep"\n]  # keep sorted\n'),
    ("multi-line-trailing-comment-line",
     '[workspace]\nmembers = ["crates/entry"]\nexclude = [\n    "target",\n    # more to come\n]\n',
     '[workspace]\nmembers = ["crates/entry"]\nexclude = [\n    "target",\n    # more to come\n'
     '    "crates/dep",\n]\n'),
    ("multi-line-empty-with-comment",
     '[workspace]\nmembers = ["crates/entry"]\nexclude = [\n  # nothing yet\n]\n',
     '[workspace]\nmembers = ["crates/entry"]\nexclude = [\n  # nothing yet\n  "crates/dep",\n]\n'),
    ("multi-line-aligned",
     '[workspace]\nmembers = ["crates/entry"]\nexclude = ["target",\n           "docs"]\n',
     '[workspace]\nmembers = ["crates/entry"]\nexclude = ["target",\n           "docs",\n           "crates/dep"]\n'),
    ("new-key-mirrors-multi-line-members",
     '[workspace]\nmembers = [\n    "crates/entry",\n]\nresolver = "2"\n',
     '[workspace]\nmembers = [\n    "crates/entry",\n]\nexclude = [\n    "crates/dep",\n]\nresolver = "2"\n'),
    ("new-key-mirrors-no-trailing-comma",
     '[workspace]\nmembers = [\n  "crates/entry"\n]\n',
     '[workspace]\nmembers = [\n  "crates/entry"\n]\nexclude = [\n  "crates/dep"\n]\n'),
    ("comment-after-value",
     '[workspace]\nmembers = ["crates/entry"] # the only one\nexclude = ["target"] # build dir\n',
     '[workspace]\nmembers = ["crates/entry"] # the only one\nexclude = ["target", "crates/dep"] # build dir\n'),
    ("comment-after-anchor-of-new-key",
     '[workspace]\nmembers = ["crates/entry"] # the only one\nresolver = "2"\n',
     '[workspace]\nmembers = ["crates/entry"] # the only one\nexclude = ["crates/dep"]\nresolver = "2"\n'),
    ("crlf-multi-line",
     '[workspace]\r\nmembers = ["crates/entry"]\r\nexclude = [\r\n    "target",\r\n]\r\n',
     '[workspace]\r\nmembers = ["crates/entry"]\r\nexclude = [\r\n    "target",\r\n    "crates/dep",\r\n]\r\n'),
    ("crlf-new-key",
     '[workspace]\r\nmembers = [\r\n    "crates/entry",\r\n]\r\n\r\n[workspace.package]\r\nedition = "2021"\r\n',
     '[workspace]\r\nmembers = [\r\n    "crates/entry",\r\n]\r\nexclude = [\r\n    "crates/dep",\r\n]\r\n\r\n'
     '[workspace.package]\r\nedition = "2021"\r\n'),
    ("tabs",
     '[workspace]\n\tmembers = [\n\t\t"crates/entry",\n\t]\n\tresolver = "2"\n',
     '[workspace]\n\tmembers = [\n\t\t"crates/entry",\n\t]\n\texclude = [\n\t\t"crates/dep",\n\t]\n\tresolver = "2"\n'),
    ("tabs-existing-array",
     '[workspace]\nmembers = ["crates/entry"]\nexclude = [\n\t"target",\n]\n',
     '[workspace]\nmembers = ["crates/entry"]\nexclude = [\n\t"target",\n\t"crates/dep",\n]\n'),
    ("dotted-keys",
     'workspace.members = ["crates/entry"]\nworkspace.resolver = "2"\n\n[workspace.package]\nversion = "1.0.0"\n',
     'workspace.members = ["crates/entry"]\nworkspace.exclude = ["crates/dep"]\nworkspace.resolver = "2"\n\n'
     '[workspace.package]\nversion = "1.0.0"\n'),
    ("dotted-keys-existing-array",
     'workspace.members = ["crates/entry"]\nworkspace.exclude = ["target"]\n',
     'workspace.members = ["crates/entry"]\nworkspace.exclude = ["target", "crates/dep"]\n'),
    ("inline-table",
     'workspace = { members = ["crates/entry"] }\n',
     'workspace = { members = ["crates/entry"], exclude = ["crates/dep"] }\n'),
    ("inline-table-tight-middle",
     'workspace = {members=["crates/entry"],resolver="2"}\n',
     'workspace = {members=["crates/entry"],exclude=["crates/dep"],resolver="2"}\n'),
    ("inline-table-existing-array",
     'workspace = { members = ["crates/entry"], exclude = [] }\n',
     'workspace = { members = ["crates/entry"], exclude = ["crates/dep"] }\n'),
    ("non-ascii-before",
     '# Ünïcødé wörkspace 😀 — 日本語\n[workspace]\nmembers = ["crates/entry"] # “entry” ✓\n',
     '# Ünïcødé wörkspace 😀 — 日本語\n[workspace]\nmembers = ["crates/entry"] # “entry” ✓\n'
     'exclude = ["crates/dep"]\n'),
    ("no-final-newline-new-key",
     '[workspace]\nmembers = ["crates/entry"]',
     '[workspace]\nmembers = ["crates/entry"]\nexclude = ["crates/dep"]'),
    ("no-final-newline-array",
     '[workspace]\nmembers = ["crates/entry"]\nexclude = [\n    "target",\n]',
     '[workspace]\nmembers = ["crates/entry"]\nexclude = [\n    "target",\n    "crates/dep",\n]'),
    ("implicit-workspace-only-subtable",
     '[workspace.dependencies]\nserde = "1"\n',
     '[workspace.dependencies]\nserde = "1"\n\n[workspace]\nexclude = ["crates/dep"]\n'),
    ("out-of-order-workspace",
     '[workspace]\nmembers = ["crates/entry"]\n\n[package]\nname = "root"\n\n[workspace.dependencies]\nserde = "1"\n',
     '[workspace]\nmembers = ["crates/entry"]\nexclude = ["crates/dep"]\n\n[package]\nname = "root"\n\n'
     '[workspace.dependencies]\nserde = "1"\n'),
]


@pytest.mark.parametrize("text,expected", [c[1:] for c in EXCLUDE_CASES], ids=[c[0] for c in EXCLUDE_CASES])
def test_fix_exclude_text(text, expected):
    fix = F.fix_exclude(ROOT, text, "crates/dep", preferred=True)
    assert isinstance(fix, Fix)
    assert fix.title == 'Add "crates/dep" to workspace.exclude in Cargo.toml'
    assert fix.preferred is True
    assert len(fix.edits) == 1
    check_edit(text, fix.edits[0], expected)
    got = value(apply(text, fix.edits[0]))
    old = value(text)
    old.setdefault("workspace", {})["exclude"] = old.get("workspace", {}).get("exclude", []) + ["crates/dep"]
    assert got == old


def test_fix_exclude_non_ascii_offsets_are_code_points():
    text = EXCLUDE_CASES[[c[0] for c in EXCLUDE_CASES].index("non-ascii-before")][1]
    fix = F.fix_exclude(ROOT, text, "crates/dep")
    start = fix.edits[0].span[0]
    assert start == len(text)  # pure insertion at the end, counted in code points
    assert start != len(text.encode("utf-8")) and start != len(text.encode("utf-16-le")) // 2


def test_fix_exclude_writes_normalized_relative_paths():
    text = '[workspace]\nmembers = ["crates/entry"]\n'
    for given in ("./crates/dep", "crates/dep/", "crates//dep", "./crates/./dep/"):
        fix = F.fix_exclude(ROOT, text, given)
        assert fix is not None and fix.title == 'Add "crates/dep" to workspace.exclude in Cargo.toml'
        assert apply(text, fix.edits[0]).endswith('exclude = ["crates/dep"]\n')


@pytest.mark.parametrize("text,rel,why", [
    ('[workspace]\nmembers = ["."]\n', "crates/dep", "members = ['.'] makes exclude inert (cargo#6745)"),
    ('[workspace]\nmembers = [""]\n', "crates/dep", "an empty entry is the root too"),
    ('[workspace]\nmembers = ["./"]\n', "crates/dep", "./ is the root"),
    ('[workspace]\nmembers = ["crates"]\n', "crates/dep", "a literal parent member protects everything below"),
    ('[workspace]\nmembers = ["crates/dep"]\n', "crates/dep", "a literal member protects itself"),
    ('[workspace]\nmembers = ["/ws/crates"]\n', "crates/dep", "an absolute member entry under the root"),
    ('[workspace]\nmembers = ["a"]\nexclude = ["crates"]\n', "crates/dep", "already excluded by a prefix"),
    ('[workspace]\nmembers = ["a"]\nexclude = ["./crates/dep/"]\n', "crates/dep", "already excluded"),
    ('[package]\nname = "x"\n', "crates/dep", "not a workspace root"),
    ('[workspace]\nmembers = ["a"\n', "crates/dep", "unparsable root"),
    ('[workspace]\nmembers = ["a"]\n', ".", "the root itself"),
    ('[workspace]\nmembers = ["a"]\n', "", "the root itself"),
    ('[workspace]\nmembers = ["a"]\n', "../outside", "outside the root: exclude cannot name it"),
    ('[workspace]\nmembers = ["a"]\n', "/abs/path", "absolute"),
    ('[workspace]\nmembers = ["a"]\n', None, "not a string"),
    ('workspace = 3\n', "crates/dep", "workspace is not a table"),
    ('[workspace]\nmembers = ["a"]\nexclude = "crates"\n', "crates/dep", "exclude is not an array"),
])
def test_fix_exclude_refuses(text, rel, why):
    assert F.fix_exclude(ROOT, text, rel) is None, why


def test_fix_exclude_glob_members_do_not_protect():
    # A glob entry is a literal "*" component for cargo's prefix test: exclude wins over it.
    text = '[workspace]\nmembers = ["crates/*"]\n'
    fix = F.fix_exclude(ROOT, text, "crates/docs")
    check_edit(text, fix.edits[0], '[workspace]\nmembers = ["crates/*"]\nexclude = ["crates/docs"]\n')


def test_fix_exclude_sibling_prefix_is_not_a_path_prefix():
    # "crates/d" is not a path prefix of "crates/dep" (component-wise, like Path::starts_with).
    text = '[workspace]\nmembers = ["crates/d"]\nexclude = ["crates/de"]\n'
    fix = F.fix_exclude(ROOT, text, "crates/dep")
    check_edit(text, fix.edits[0], '[workspace]\nmembers = ["crates/d"]\nexclude = ["crates/de", "crates/dep"]\n')


def test_fix_exclude_new_workspace_table_goes_at_the_end():
    # add_array_entry (the building block) creates [workspace] when missing: last, one blank line.
    for text, expected in [
        ('[package]\nname = "x"\n', '[package]\nname = "x"\n\n[workspace]\nexclude = ["crates/dep"]\n'),
        ('[package]\nname = "x"\n\n\n\n', '[package]\nname = "x"\n\n[workspace]\nexclude = ["crates/dep"]\n'),
        ('[package]\nname = "x"', '[package]\nname = "x"\n\n[workspace]\nexclude = ["crates/dep"]'),
        ('[package]\r\nname = "x"\r\n', '[package]\r\nname = "x"\r\n\r\n[workspace]\r\nexclude = ["crates/dep"]\r\n'),
        ('[package]\nname = "x"\n# trailing comment\n',
         '[package]\nname = "x"\n# trailing comment\n\n[workspace]\nexclude = ["crates/dep"]\n'),
        ('', '[workspace]\nexclude = ["crates/dep"]\n'),
    ]:
        edit = F.add_array_entry("/p/Cargo.toml", text, WS, "exclude", "crates/dep")
        check_edit(text, edit, expected, file="/p/Cargo.toml", pure_addition=False)


# ----------------------------------------------------------------------------------------------
# fix_add_member
# ----------------------------------------------------------------------------------------------

ADD_MEMBER_CASES = [
    ("single-line",
     '[workspace]\nmembers = ["crates/a"]\n',
     '[workspace]\nmembers = ["crates/a", "tools/b"]\n'),
    ("empty-array",
     '[workspace]\nmembers = []\n',
     '[workspace]\nmembers = ["tools/b"]\n'),
    ("multi-line-trailing-comma",
     '[workspace]\nmembers = [\n    "crates/a",\n    "crates/c",\n]\n',
     '[workspace]\nmembers = [\n    "crates/a",\n    "crates/c",\n    "tools/b",\n]\n'),
    ("multi-line-no-trailing-comma-comment",
     '[workspace]\nmembers = [\n  "crates/a", # core\n  "crates/c" # cli\n]\n',
     '[workspace]\nmembers = [\n  "crates/a", # core\n  "crates/c", # cli\n  "tools/b"\n]\n'),
    ("key-missing-root-package",
     '[package]\nname = "root"\nversion = "0.1.0"\n\n[workspace]\n',
     '[package]\nname = "root"\nversion = "0.1.0"\n\n[workspace]\nmembers = ["tools/b"]\n'),
    ("key-missing-after-exclude",
     '[workspace]\nexclude = ["target"]\nresolver = "2"\n',
     '[workspace]\nexclude = ["target"]\nmembers = ["tools/b"]\nresolver = "2"\n'),
    ("crlf",
     '[workspace]\r\nmembers = [\r\n\t"crates/a",\r\n]\r\n',
     '[workspace]\r\nmembers = [\r\n\t"crates/a",\r\n\t"tools/b",\r\n]\r\n'),
    ("dotted",
     'workspace.members = ["crates/a"]\n',
     'workspace.members = ["crates/a", "tools/b"]\n'),
    ("inline",
     'workspace = { members = ["crates/a"] }\n',
     'workspace = { members = ["crates/a", "tools/b"] }\n'),
    ("inline-empty",
     'workspace = {}\n',
     'workspace = { members = ["tools/b"] }\n'),
    ("no-final-newline",
     '[workspace]\nmembers = ["crates/a"]',
     '[workspace]\nmembers = ["crates/a", "tools/b"]'),
    ("non-ascii",
     '[package]\nname = "root"\ndescription = "Ünïcødé 😀"\n\n[workspace]\nmembers = ["crates/ä"]\n',
     '[package]\nname = "root"\ndescription = "Ünïcødé 😀"\n\n[workspace]\nmembers = ["crates/ä", "tools/b"]\n'),
]


@pytest.mark.parametrize("text,expected", [c[1:] for c in ADD_MEMBER_CASES], ids=[c[0] for c in ADD_MEMBER_CASES])
def test_fix_add_member_text(text, expected):
    fix = F.fix_add_member(ROOT, text, "tools/b")
    assert fix.title == 'Add "tools/b" to workspace.members in Cargo.toml'
    assert fix.preferred is False
    check_edit(text, fix.edits[0], expected)


def test_fix_add_member_outside_root_and_refusals():
    text = '[workspace]\nmembers = ["crates/a"]\n'
    fix = F.fix_add_member(ROOT, text, "../ext")  # cargo's own help suggests `../ext4` (spec 1.1)
    check_edit(text, fix.edits[0], '[workspace]\nmembers = ["crates/a", "../ext"]\n')
    assert F.fix_add_member(ROOT, '[workspace]\nmembers = ["./tools/b/"]\n', "tools/b") is None
    assert F.fix_add_member(ROOT, '[workspace]\nmembers = ["tools/b"]\n', "./tools/b") is None
    assert F.fix_add_member(ROOT, '[package]\nname = "x"\n', "tools/b") is None  # no workspace
    assert F.fix_add_member(ROOT, '[workspace]\nmembers = ["a"]\n', ".") is None
    assert F.fix_add_member(ROOT, '[workspace\n', "tools/b") is None


def test_fix_add_member_literal_beats_exclude():
    # A package excluded by a prefix is brought back by a literal members entry.
    text = '[workspace]\nmembers = ["crates/*"]\nexclude = ["crates/b"]\n'
    fix = F.fix_add_member(ROOT, text, "crates/b")
    check_edit(text, fix.edits[0], '[workspace]\nmembers = ["crates/*", "crates/b"]\nexclude = ["crates/b"]\n')


# ----------------------------------------------------------------------------------------------
# fix_default_members
# ----------------------------------------------------------------------------------------------

DEFAULT_MEMBERS_CASES = [
    ("key-missing",
     '[workspace]\nmembers = ["crates/entry"]\nresolver = "2"\n',
     ["crates/entry"],
     '[workspace]\nmembers = ["crates/entry"]\ndefault-members = ["crates/entry"]\nresolver = "2"\n', True),
    ("key-missing-several",
     '[workspace]\nmembers = ["crates/*"]\nexclude = ["target"]\n',
     ["crates/a", "crates/b"],
     '[workspace]\nmembers = ["crates/*"]\nexclude = ["target"]\ndefault-members = ["crates/a", "crates/b"]\n', True),
    ("key-missing-multi-line-style",
     '[workspace]\nmembers = [\n    "crates/a",\n    "crates/b",\n]\n',
     ["crates/a", "crates/b"],
     '[workspace]\nmembers = [\n    "crates/a",\n    "crates/b",\n]\ndefault-members = [\n    "crates/a",\n'
     '    "crates/b",\n]\n', True),
    ("key-missing-single-quotes",
     "[workspace]\nmembers = ['crates/*']\n",
     ["crates/a"],
     "[workspace]\nmembers = ['crates/*']\ndefault-members = ['crates/a']\n", True),
    ("key-missing-root-package",
     '[package]\nname = "root"\n\n[workspace]\nmembers = ["crates/a"]\n\n[dependencies]\n',
     [".", "crates/a"],
     '[package]\nname = "root"\n\n[workspace]\nmembers = ["crates/a"]\ndefault-members = [".", "crates/a"]\n'
     '\n[dependencies]\n', True),
    ("replace-glob",
     '[workspace]\nmembers = ["crates/*"]\ndefault-members = ["crates/*"]\n',
     ["crates/a"],
     '[workspace]\nmembers = ["crates/*"]\ndefault-members = ["crates/a"]\n', False),
    ("remove-one-keeps-comments",
     '[workspace]\nmembers = ["crates/*"]\ndefault-members = [\n    "crates/a", # main\n'
     '    "crates/dep", # gated: cfg(any())\n    "crates/b",\n]\n',
     ["crates/a", "crates/b"],
     '[workspace]\nmembers = ["crates/*"]\ndefault-members = [\n    "crates/a", # main\n'
     '    # gated: cfg(any())\n    "crates/b",\n]\n', False),
    ("remove-one-multi-line",
     '[workspace]\nmembers = ["crates/*"]\ndefault-members = [\n    "crates/a",\n    "crates/dep",\n]\n',
     ["crates/a"],
     '[workspace]\nmembers = ["crates/*"]\ndefault-members = [\n    "crates/a",\n]\n', False),
    ("replace-and-add-multi-line",
     '[workspace]\nmembers = ["crates/*"]\ndefault-members = [\n  "crates/dep",\n]\n',
     ["crates/a", "crates/b"],
     '[workspace]\nmembers = ["crates/*"]\ndefault-members = [\n  "crates/a",\n  "crates/b",\n]\n', False),
    ("reorder-keeps-comments",
     '[workspace]\nmembers = ["crates/*"]\ndefault-members = [\n    "crates/b", # bee\n    "crates/a", # main\n]\n',
     ["crates/a", "crates/b"],
     '[workspace]\nmembers = ["crates/*"]\ndefault-members = [\n    "crates/a", # main\n    "crates/b", # bee\n]\n',
     False),
    ("dotted",
     'workspace.members = ["crates/*"]\n',
     ["crates/a"],
     'workspace.members = ["crates/*"]\nworkspace.default-members = ["crates/a"]\n', True),
    ("inline",
     'workspace = { members = ["crates/*"], resolver = "2" }\n',
     ["crates/a"],
     'workspace = { members = ["crates/*"], default-members = ["crates/a"], resolver = "2" }\n', True),
    ("crlf-no-final-newline",
     '[workspace]\r\nmembers = ["crates/*"]',
     ["crates/a"],
     '[workspace]\r\nmembers = ["crates/*"]\r\ndefault-members = ["crates/a"]', True),
    ("non-ascii",
     '# 😀 ünïcødé\n[workspace]\nmembers = ["crates/*"]\n',
     ["crates/a"],
     '# 😀 ünïcødé\n[workspace]\nmembers = ["crates/*"]\ndefault-members = ["crates/a"]\n', True),
]


@pytest.mark.parametrize("text,values,expected,pure", [c[1:] for c in DEFAULT_MEMBERS_CASES],
                         ids=[c[0] for c in DEFAULT_MEMBERS_CASES])
def test_fix_default_members_text(text, values, expected, pure):
    fix = F.fix_default_members(ROOT, text, values)
    assert fix.title.startswith("Set workspace.default-members to [")
    assert fix.title.endswith("] in Cargo.toml")
    check_edit(text, fix.edits[0], expected, pure_addition=pure)
    assert value(apply(text, fix.edits[0]))["workspace"]["default-members"] == values


def test_fix_default_members_title_and_refusals():
    text = '[workspace]\nmembers = ["crates/*"]\n'
    fix = F.fix_default_members(ROOT, text, ["./crates/a/", "crates/b", "crates/c", "crates/d", "crates/a"])
    assert fix.title == ('Set workspace.default-members to ["crates/a", "crates/b", "crates/c", … 1 more] '
                         'in Cargo.toml')
    assert value(apply(text, fix.edits[0]))["workspace"]["default-members"] == [
        "crates/a", "crates/b", "crates/c", "crates/d"]
    assert F.fix_default_members(ROOT, text, []) is None  # cargo check would then build nothing
    assert F.fix_default_members(ROOT, '[workspace]\ndefault-members = ["a"]\n', ["a"]) is None
    assert F.fix_default_members(ROOT, '[package]\nname = "x"\n', ["a"]) is None
    assert F.fix_default_members(ROOT, text, "crates/a") is None
    assert F.fix_default_members(ROOT, text, ["/abs"]) is None


# ----------------------------------------------------------------------------------------------
# fix_empty_workspace
# ----------------------------------------------------------------------------------------------

PKG = "/ws/tools/b/Cargo.toml"

EMPTY_WS_CASES = [
    ("plain", '[package]\nname = "b"\nversion = "0.1.0"\n',
     '[package]\nname = "b"\nversion = "0.1.0"\n\n[workspace]\n'),
    ("other-tables", '[package]\nname = "b"\n\n[dependencies]\nserde = "1" # pinned\n',
     '[package]\nname = "b"\n\n[dependencies]\nserde = "1" # pinned\n\n[workspace]\n'),
    ("trailing-blank-lines", '[package]\nname = "b"\n\n\n',
     '[package]\nname = "b"\n\n[workspace]\n'),
    ("no-final-newline", '[package]\nname = "b"',
     '[package]\nname = "b"\n\n[workspace]'),
    ("crlf", '[package]\r\nname = "b"\r\n',
     '[package]\r\nname = "b"\r\n\r\n[workspace]\r\n'),
    ("non-ascii", '[package]\nname = "b"\ndescription = "Ünïcødé 😀"\n',
     '[package]\nname = "b"\ndescription = "Ünïcødé 😀"\n\n[workspace]\n'),
    ("tabs", '[package]\n\tname = "b"\n',
     '[package]\n\tname = "b"\n\n[workspace]\n'),
]


@pytest.mark.parametrize("text,expected", [c[1:] for c in EMPTY_WS_CASES], ids=[c[0] for c in EMPTY_WS_CASES])
def test_fix_empty_workspace_text(text, expected):
    fix = F.fix_empty_workspace(PKG, text)
    assert fix.title == "Add an empty [workspace] table to Cargo.toml"
    check_edit(text, fix.edits[0], expected, file=PKG, pure_addition="\n\n\n" not in text)


@pytest.mark.parametrize("text", [
    '[package]\nname = "b"\n\n[workspace]\n',
    'workspace.members = []\n[package]\nname = "b"\n',
    'workspace = {}\n[package]\nname = "b"\n',
    '[package]\nname = "b"\n\n[workspace.dependencies]\n',
    '[package]\nname = "b"\nworkspace = "../.."\n',  # a pointer: cargo rejects both at once
    '[package\nname = "b"\n',
])
def test_fix_empty_workspace_refuses(text):
    assert F.fix_empty_workspace(PKG, text) is None


# ----------------------------------------------------------------------------------------------
# fix_workspace_dependency
# ----------------------------------------------------------------------------------------------

PATH_SPEC = {"path": "crates/helper"}

WS_DEP_CASES = [
    ("table-missing-at-end",
     '[workspace]\nmembers = ["crates/app"]\n',
     PATH_SPEC,
     '[workspace]\nmembers = ["crates/app"]\n\n[workspace.dependencies]\nserde = { path = "crates/helper" }\n'),
    ("table-missing-before-next-table",
     '[workspace]\nmembers = ["crates/app"]\n\n[profile.release]\nlto = true\n',
     PATH_SPEC,
     '[workspace]\nmembers = ["crates/app"]\n\n[workspace.dependencies]\nserde = { path = "crates/helper" }\n\n'
     '[profile.release]\nlto = true\n'),
    ("table-missing-after-workspace-subtables",
     '[workspace]\nmembers = ["crates/app"]\n\n[workspace.package]\nversion = "0.1.0" # shared\n\n'
     '[profile.release]\nlto = true\n',
     {"version": "1"},
     '[workspace]\nmembers = ["crates/app"]\n\n[workspace.package]\nversion = "0.1.0" # shared\n\n'
     '[workspace.dependencies]\nserde = { version = "1" }\n\n[profile.release]\nlto = true\n'),
    ("table-exists",
     '[workspace]\nmembers = ["crates/app"]\n\n[workspace.dependencies]\nanyhow = "1" # errors\n\n[profile.dev]\n',
     PATH_SPEC,
     '[workspace]\nmembers = ["crates/app"]\n\n[workspace.dependencies]\nanyhow = "1" # errors\n'
     'serde = { path = "crates/helper" }\n\n[profile.dev]\n'),
    ("table-exists-empty",
     '[workspace]\nmembers = ["crates/app"]\n\n[workspace.dependencies]\n\n[profile.dev]\n',
     PATH_SPEC,
     '[workspace]\nmembers = ["crates/app"]\n\n[workspace.dependencies]\nserde = { path = "crates/helper" }\n\n'
     '[profile.dev]\n'),
    ("table-exists-out-of-order",
     '[workspace.dependencies]\nanyhow = "1"\n\n[workspace]\nmembers = ["crates/app"]\n',
     PATH_SPEC,
     '[workspace.dependencies]\nanyhow = "1"\nserde = { path = "crates/helper" }\n\n[workspace]\n'
     'members = ["crates/app"]\n'),
    ("version-spec-with-features",
     '[workspace]\nmembers = ["crates/app"]\n\n[workspace.dependencies]\nanyhow = "1"\n',
     {"version": "1.0", "features": ["derive"], "default-features": False},
     '[workspace]\nmembers = ["crates/app"]\n\n[workspace.dependencies]\nanyhow = "1"\n'
     'serde = { version = "1.0", features = ["derive"], default-features = false }\n'),
    ("single-quotes",
     "[workspace]\nmembers = ['crates/app']\n\n[workspace.dependencies]\nanyhow = '1'\n",
     PATH_SPEC,
     "[workspace]\nmembers = ['crates/app']\n\n[workspace.dependencies]\nanyhow = '1'\n"
     "serde = { path = 'crates/helper' }\n"),
    ("dotted-root",
     'workspace.members = ["crates/app"]\nworkspace.resolver = "2"\n',
     PATH_SPEC,
     'workspace.members = ["crates/app"]\nworkspace.resolver = "2"\n'
     'workspace.dependencies.serde = { path = "crates/helper" }\n'),
    ("inline-root",
     'workspace = { members = ["crates/app"] }\n',
     PATH_SPEC,
     'workspace = { members = ["crates/app"], dependencies = { serde = { path = "crates/helper" } } }\n'),
    ("dotted-inside-workspace",
     '[workspace]\nmembers = ["crates/app"]\ndependencies.anyhow = "1"\n',
     PATH_SPEC,
     '[workspace]\nmembers = ["crates/app"]\ndependencies.anyhow = "1"\n'
     'dependencies.serde = { path = "crates/helper" }\n'),
    ("inline-inside-workspace",
     '[workspace]\nmembers = ["crates/app"]\ndependencies = { anyhow = "1" }\n',
     PATH_SPEC,
     '[workspace]\nmembers = ["crates/app"]\ndependencies = { anyhow = "1", serde = { path = "crates/helper" } }\n'),
    ("implicit-workspace",
     '[workspace.package]\nversion = "0.1.0"\n',
     PATH_SPEC,
     '[workspace.package]\nversion = "0.1.0"\n\n[workspace.dependencies]\nserde = { path = "crates/helper" }\n'),
    ("crlf-no-final-newline",
     '[workspace]\r\nmembers = ["crates/app"]\r\n\r\n[profile.release]\r\nlto = true',
     PATH_SPEC,
     '[workspace]\r\nmembers = ["crates/app"]\r\n\r\n[workspace.dependencies]\r\nserde = { path = "crates/helper" }\r\n'
     '\r\n[profile.release]\r\nlto = true'),
    ("no-final-newline-at-end",
     '[workspace]\nmembers = ["crates/app"]',
     PATH_SPEC,
     '[workspace]\nmembers = ["crates/app"]\n\n[workspace.dependencies]\nserde = { path = "crates/helper" }'),
    ("non-ascii",
     '[workspace]\nmembers = ["crates/app"] # “app” 😀\n\n[workspace.dependencies]\n"ünï" = { path = "x" }\n',
     PATH_SPEC,
     '[workspace]\nmembers = ["crates/app"] # “app” 😀\n\n[workspace.dependencies]\n"ünï" = { path = "x" }\n'
     'serde = { path = "crates/helper" }\n'),
]


@pytest.mark.parametrize("text,spec,expected", [c[1:] for c in WS_DEP_CASES], ids=[c[0] for c in WS_DEP_CASES])
def test_fix_workspace_dependency_text(text, spec, expected):
    fix = F.fix_workspace_dependency(ROOT, text, "serde", spec, preferred=True)
    assert fix.preferred
    # The spec is shown when short, else only the name.
    assert fix.title.startswith("Add serde ") and fix.title.endswith(" to [workspace.dependencies] in Cargo.toml")
    assert len(fix.title) < 110
    check_edit(text, fix.edits[0], expected)
    assert value(apply(text, fix.edits[0]))["workspace"]["dependencies"]["serde"] == spec


def test_fix_workspace_dependency_title_and_refusals():
    text = '[workspace]\nmembers = ["crates/app"]\n'
    fix = F.fix_workspace_dependency(ROOT, text, "serde", PATH_SPEC)
    assert fix.title == 'Add serde = { path = "crates/helper" } to [workspace.dependencies] in Cargo.toml'
    weird = F.fix_workspace_dependency(ROOT, text, "my.crate", {"version": "1"})
    assert value(apply(text, weird.edits[0]))["workspace"]["dependencies"]["my.crate"] == {"version": "1"}
    assert F.fix_workspace_dependency(
        ROOT, '[workspace]\n[workspace.dependencies]\nserde = "1"\n', "serde", PATH_SPEC) is None
    assert F.fix_workspace_dependency(ROOT, '[package]\nname = "x"\n', "serde", PATH_SPEC) is None
    assert F.fix_workspace_dependency(ROOT, text, "serde", {"path": object()}) is None
    assert F.fix_workspace_dependency(ROOT, '[workspace]\ndependencies = 1\n', "serde", PATH_SPEC) is None


# ----------------------------------------------------------------------------------------------
# The building blocks directly
# ----------------------------------------------------------------------------------------------


def test_add_array_entry_value_already_there():
    assert F.add_array_entry("f", '[workspace]\nexclude = ["a"]\n', WS, "exclude", "a") is None
    assert F.add_array_entry("f", '[workspace]\nexclude = ["./a/"]\n', WS, "exclude", "a") is None


def test_add_array_entry_quotes_values_that_need_it():
    text = "[workspace]\nexclude = ['a']\n"
    e = F.add_array_entry("f", text, WS, "exclude", "it's")  # cannot be a literal string
    check_edit(text, e, "[workspace]\nexclude = ['a', \"it's\"]\n", file="f")
    text = '[workspace]\nexclude = ["a"]\n'
    e = F.add_array_entry("f", text, WS, "exclude", 'we"ird\\')
    check_edit(text, e, '[workspace]\nexclude = ["a", "we\\"ird\\\\"]\n', file="f")
    assert value(apply(text, e))["workspace"]["exclude"][-1] == 'we"ird\\'


def test_add_array_entry_deeper_table_is_created():
    text = '[workspace]\nmembers = ["a"]\n'
    e = F.add_array_entry("f", text, ("workspace", "metadata", "lens"), "skip", "x")
    check_edit(text, e, '[workspace]\nmembers = ["a"]\n\n[workspace.metadata.lens]\nskip = ["x"]\n', file="f")


def test_set_array_creates_and_replaces():
    text = '[workspace]\nmembers = ["a", "b"]\n'
    e = F.set_array("f", text, WS, "default-members", ["a"])
    check_edit(text, e, '[workspace]\nmembers = ["a", "b"]\ndefault-members = ["a"]\n', file="f")
    text2 = apply(text, e)
    e2 = F.set_array("f", text2, WS, "default-members", ["b"])
    check_edit(text2, e2, '[workspace]\nmembers = ["a", "b"]\ndefault-members = ["b"]\n', file="f",
               pure_addition=False)
    assert F.set_array("f", text2, WS, "default-members", ["a"]) is None
    e3 = F.set_array("f", text2, WS, "default-members", [])
    check_edit(text2, e3, '[workspace]\nmembers = ["a", "b"]\ndefault-members = []\n', file="f",
               pure_addition=False)


def test_add_table_entry_key_already_there_and_creation():
    assert F.add_table_entry("f", '[workspace.dependencies]\nserde = "1"\n', DEPS, "serde", {"version": "2"}) is None
    text = '[package]\nname = "x"\n'
    e = F.add_table_entry("f", text, DEPS, "serde", {"version": "1"})
    check_edit(text, e, '[package]\nname = "x"\n\n[workspace.dependencies]\nserde = { version = "1" }\n', file="f")


def test_add_empty_workspace_table_on_empty_text():
    e = F.add_empty_workspace_table("f", "")
    check_edit("", e, "[workspace]\n", file="f")


# ----------------------------------------------------------------------------------------------
# (2) The edit is tomlkit's own rendering where tomlkit's plain API already writes the file's
# style: the fix changes exactly what tomlkit changes, and not a byte more.
# ----------------------------------------------------------------------------------------------

TOMLKIT_SAME = [
    '[workspace]\nmembers = ["crates/entry"]\nexclude = ["target", "docs"]\n',
    '[workspace]\nmembers = ["crates/entry"]\nexclude = [\n    "target",\n    "docs",\n]\n',
    '[workspace]\nmembers = ["crates/entry"]\nexclude = [\n    "target",\n    "docs"\n]\n',
    '[workspace]\nmembers = ["crates/entry"]\nexclude = [\n\t"target", # t\n\t"docs", # d\n]\n',
    '[workspace]\r\nmembers = ["crates/entry"]\r\nexclude = [\r\n    "target",\r\n]\r\n',
    '# Ünïcødé 😀\n[workspace]\nmembers = ["crates/entry"] # x\nexclude = ["target"] # y\n\n[package]\nname = "r"\n',
    '[workspace]\nmembers = ["crates/entry"]\n',
    '[package]\nname = "r"\n\n[workspace]\nmembers = ["crates/entry"]\n\n[dependencies]\n',
]


@pytest.mark.parametrize("text", TOMLKIT_SAME)
def test_edit_equals_tomlkit_rendering(text):
    doc = tomlkit.parse(text)
    ws = doc["workspace"]
    if "exclude" in ws:
        ws["exclude"].append("crates/dep")
    else:
        ws["exclude"] = ["crates/dep"]
    rendering = doc.as_string()
    fix = F.fix_exclude(ROOT, text, "crates/dep")
    edit = fix.edits[0]
    assert apply(text, edit) == rendering
    assert edit == F.minimal_edit(ROOT, text, rendering)
    start, end = edit.span
    assert rendering[:start] == text[:start] and rendering[start + len(edit.new_text):] == text[end:]


# ----------------------------------------------------------------------------------------------
# Odd input never raises, and every edit offered reads as valid TOML
# ----------------------------------------------------------------------------------------------

SAMPLE = (
    '# root 😀\r\n[package]\nname = "root"\nversion = "0.1.0"\n\n'
    "[workspace]\nmembers = [\n    'crates/a', # a\n    \"crates/*\"\n]\nexclude = [\"x\"]\n"
    'workspace.bogus = 1\n[workspace.dependencies]\nserde = { version = "1" }\n'
    "[[bin]]\nname = 'x'\n[target.'cfg(unix)'.dependencies]\ndep = { path = \"../dep\" }\n"
)


def _all_fixes(text):
    return [
        F.fix_exclude(ROOT, text, "crates/dep"),
        F.fix_add_member(ROOT, text, "crates/new"),
        F.fix_default_members(ROOT, text, ["crates/a"]),
        F.fix_empty_workspace(PKG, text),
        F.fix_workspace_dependency(ROOT, text, "anyhow", {"version": "1"}),
        F.add_array_entry("f", text, WS, "exclude", "y"),
        F.set_array("f", text, WS, "default-members", ["y", "z"]),
        F.add_table_entry("f", text, DEPS, "anyhow", {"path": "p"}),
        F.add_empty_workspace_table("f", text),
    ]


def test_truncated_and_garbled_manifests_never_raise():
    texts = [SAMPLE[:i] for i in range(0, len(SAMPLE) + 1, 5)]
    texts += [SAMPLE.replace("]", "", 1), SAMPLE.replace('"', "", 1), SAMPLE.replace("=", "==", 1),
              "\ufeff" + SAMPLE, "\x00", "[workspace]\nmembers = [[1], {a = 2}]\n", "[[workspace]]\n",
              "workspace = []\n", "workspace = 'x'\n", "[workspace]\nmembers = 1\nexclude = {}\n",
              "[workspace]\ndefault-members = [1, 'a']\n", "a = 1\rb = 2\r"]
    offered = 0
    for text in texts:
        for fix in _all_fixes(text):
            if fix is None:
                continue
            edits = fix.edits if isinstance(fix, Fix) else (fix,)
            for e in edits:
                offered += 1
                result = apply(text, e)
                tomllib.loads(result)  # whatever we offer is valid TOML
                assert result[: e.span[0]] == text[: e.span[0]]
    assert offered > 50


def test_non_string_arguments_give_none():
    for bad in (None, 3, b"[workspace]\n", ["x"]):
        assert F.add_array_entry("f", bad, WS, "exclude", "x") is None
        assert F.set_array("f", bad, WS, "default-members", ["x"]) is None
        assert F.add_table_entry("f", bad, DEPS, "x", {}) is None
        assert F.add_empty_workspace_table("f", bad) is None
        assert F.fix_exclude(ROOT, bad, "x") is None
        assert F.fix_add_member(ROOT, bad, "x") is None
        assert F.fix_default_members(ROOT, bad, ["x"]) is None
        assert F.fix_empty_workspace(PKG, bad) is None
        assert F.fix_workspace_dependency(ROOT, bad, "x", {"version": "1"}) is None
    text = '[workspace]\nmembers = ["a"]\n'
    assert F.add_array_entry("f", text, "workspace", "exclude", "x") is None  # table must be a tuple
    assert F.add_array_entry("f", text, (), "exclude", "x") is None
    assert F.add_array_entry("f", text, WS, "", "x") is None
    assert F.add_array_entry("f", text, WS, "exclude", 3) is None
    assert F.set_array("f", text, WS, "default-members", [1]) is None


def test_engine_does_not_import_lsp_libraries():
    import ast

    tree = ast.parse(Path(F.__file__).read_text())
    names = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    names |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    assert not names & {"pygls", "lsprotocol"}


# ----------------------------------------------------------------------------------------------
# (3) cargo agrees: apply each fix on disk, run `cargo metadata --no-deps --offline`
# ----------------------------------------------------------------------------------------------

HAS_CARGO = shutil.which("cargo") is not None
needs_cargo = pytest.mark.skipif(not HAS_CARGO, reason="cargo is not installed (shutil.which('cargo') is None): "
                                                       "cannot check the fixes against cargo")


def package(name: str, extra: str = "") -> str:
    return f'[package]\nname = "{name}"\nversion = "0.1.0"\nedition = "2021"\n' + extra


def layout(tmp_path: Path, files: dict) -> Path:
    root = tmp_path / "ws"
    cargo_oracle.materialize(files, root)
    cargo_oracle.assert_no_manifest_above(root)
    return root


def apply_on_disk(fix: Fix) -> None:
    for e in fix.edits:
        p = Path(e.file)
        text = p.read_bytes().decode("utf-8")
        p.write_bytes(apply(text, e).encode("utf-8"))


def metadata(root: Path, run_in: str) -> dict:
    return cargo_oracle.run_cargo_metadata(None, root / run_in, root=root)


def read(p: Path) -> str:
    return p.read_bytes().decode("utf-8")


# Root manifests of the rust-lang/cargo#15023 layout, in the shapes the fixes must handle.
ISSUE_15023_ROOTS = {
    "header": '[workspace]\nmembers = ["crates/entry"]\nresolver = "2"\n',
    "multi-line-crlf": '[workspace]\r\nmembers = [\r\n    "crates/entry",\r\n]\r\nresolver = "2"\r\n',
    "dotted": 'workspace.members = ["crates/entry"]\nworkspace.resolver = "2"\n',
    "inline": 'workspace = { members = ["crates/entry"], resolver = "2" }\n',
    "no-final-newline-comments": '# 😀 ünïcødé\n[workspace]\nmembers = [\'crates/entry\'] # only entry\nresolver = "2"',
    "empty-exclude": '[workspace]\nmembers = ["crates/entry"]\nexclude = [\n]\nresolver = "2"\n',
}


def issue_15023(tmp_path: Path, root_text: str) -> Path:
    return layout(tmp_path, {
        "Cargo.toml": root_text,
        "crates/entry/Cargo.toml": package("entry", "\n[target.'cfg(any())'.dependencies]\ndep = { path = \"../dep\" }\n"),
        "crates/entry/src/lib.rs": "",
        "crates/dep/Cargo.toml": package("dep"),
        "crates/dep/src/lib.rs": 'compile_error!("gated off: must never build");\n',
    })


@pytest.mark.cargo
@needs_cargo
@pytest.mark.parametrize("style", list(ISSUE_15023_ROOTS))
def test_cargo_exclude_gated_dependency(tmp_path, cargo_bin, style):
    root = issue_15023(tmp_path, ISSUE_15023_ROOTS[style])
    before = metadata(root, ".")
    assert before["members"] == ["crates/dep/Cargo.toml", "crates/entry/Cargo.toml"], before  # the surprise
    fix = F.fix_exclude(str(root / "Cargo.toml"), read(root / "Cargo.toml"), "crates/dep", preferred=True)
    apply_on_disk(fix)
    after = metadata(root, ".")
    assert after["error"] is None, after
    assert after["members"] == ["crates/entry/Cargo.toml"]
    assert after["default_members"] == ["crates/entry/Cargo.toml"]


@pytest.mark.cargo
@needs_cargo
@pytest.mark.parametrize("style", ["header", "multi-line-crlf", "dotted", "inline"])
def test_cargo_default_members_gated_dependency(tmp_path, cargo_bin, style):
    root = issue_15023(tmp_path, ISSUE_15023_ROOTS[style])
    before = metadata(root, ".")
    assert before["default_members"] == ["crates/dep/Cargo.toml", "crates/entry/Cargo.toml"]
    fix = F.fix_default_members(str(root / "Cargo.toml"), read(root / "Cargo.toml"), ["crates/entry"])
    apply_on_disk(fix)
    after = metadata(root, ".")
    assert after["error"] is None, after
    # Still a member (cargo check --workspace would build it), but not built by a plain cargo check.
    assert after["members"] == ["crates/dep/Cargo.toml", "crates/entry/Cargo.toml"]
    assert after["default_members"] == ["crates/entry/Cargo.toml"]


@pytest.mark.cargo
@needs_cargo
def test_cargo_add_member_gated_dependency(tmp_path, cargo_bin):
    root = issue_15023(tmp_path, ISSUE_15023_ROOTS["multi-line-crlf"])
    fix = F.fix_add_member(str(root / "Cargo.toml"), read(root / "Cargo.toml"), "crates/dep")
    apply_on_disk(fix)
    after = metadata(root, ".")
    assert after["error"] is None, after
    assert after["members"] == ["crates/dep/Cargo.toml", "crates/entry/Cargo.toml"]
    members = tomllib.loads(read(root / "Cargo.toml"))["workspace"]["members"]
    assert members == ["crates/entry", "crates/dep"]  # now explicit: no longer an implicit member


@pytest.mark.cargo
@needs_cargo
def test_cargo_refused_exclude_would_not_have_worked(tmp_path, cargo_bin):
    # members = ["."] makes exclude inert (rust-lang/cargo#6745): fix_exclude offers nothing, and
    # cargo confirms that the edit it refuses would have changed nothing.
    text = '[package]\nname = "root"\nversion = "0.1.0"\nedition = "2021"\n\n[workspace]\nmembers = ["."]\n\n' \
           '[dependencies]\ndep = { path = "crates/dep" }\n'
    root = layout(tmp_path, {"Cargo.toml": text, "src/lib.rs": "", "crates/dep/Cargo.toml": package("dep"),
                             "crates/dep/src/lib.rs": ""})
    assert F.fix_exclude(str(root / "Cargo.toml"), text, "crates/dep") is None
    edit = F.add_array_entry(str(root / "Cargo.toml"), text, WS, "exclude", "crates/dep")
    (root / "Cargo.toml").write_text(apply(text, edit))
    after = metadata(root, ".")
    assert after["members"] == ["Cargo.toml", "crates/dep/Cargo.toml"]  # still a member


NOT_A_MEMBER_ROOTS = {
    "header": '[workspace]\nmembers = ["crates/a"]\n',
    "multi-line": '[workspace]\nmembers = [\n    "crates/a", # core\n]\n',
    "dotted": 'workspace.members = ["crates/a"]\n',
    "inline": "workspace = { members = ['crates/a'] }\n",
    "crlf-no-final-newline": '[workspace]\r\nmembers = ["crates/a"]',
}


def not_a_member(tmp_path: Path, root_text: str) -> Path:
    return layout(tmp_path, {
        "Cargo.toml": root_text,
        "crates/a/Cargo.toml": package("a"),
        "crates/a/src/lib.rs": "",
        "tools/b/Cargo.toml": package("b", "\n# ünïcødé 😀\n"),
        "tools/b/src/lib.rs": "",
    })


@pytest.mark.cargo
@needs_cargo
@pytest.mark.parametrize("style", list(NOT_A_MEMBER_ROOTS))
def test_cargo_add_member_not_a_member(tmp_path, cargo_bin, style):
    root = not_a_member(tmp_path, NOT_A_MEMBER_ROOTS[style])
    before = metadata(root, "tools/b")
    assert before["error"] and "believes it's in a workspace when it's not" in before["error"]
    apply_on_disk(F.fix_add_member(str(root / "Cargo.toml"), read(root / "Cargo.toml"), "tools/b"))
    after = metadata(root, "tools/b")
    assert after["error"] is None, after
    assert after["workspace_root"] == "."
    assert after["members"] == ["crates/a/Cargo.toml", "tools/b/Cargo.toml"]


@pytest.mark.cargo
@needs_cargo
@pytest.mark.parametrize("style", list(NOT_A_MEMBER_ROOTS))
def test_cargo_exclude_not_a_member(tmp_path, cargo_bin, style):
    root = not_a_member(tmp_path, NOT_A_MEMBER_ROOTS[style])
    apply_on_disk(F.fix_exclude(str(root / "Cargo.toml"), read(root / "Cargo.toml"), "tools/b"))
    after = metadata(root, "tools/b")
    assert after["error"] is None, after
    assert after["workspace_root"] == "tools/b"  # a package of its own
    assert after["members"] == ["tools/b/Cargo.toml"]
    assert metadata(root, ".")["members"] == ["crates/a/Cargo.toml"]


@pytest.mark.cargo
@needs_cargo
@pytest.mark.parametrize("pkg_text", [
    package("b"),
    package("b", "\n[dependencies]\n").replace("\n", "\r\n"),
    package("b", "description = \"ünïcødé 😀\"").rstrip("\n"),
])
def test_cargo_empty_workspace_not_a_member(tmp_path, cargo_bin, pkg_text):
    root = not_a_member(tmp_path, NOT_A_MEMBER_ROOTS["header"])
    (root / "tools/b/Cargo.toml").write_bytes(pkg_text.encode())
    manifest = root / "tools/b/Cargo.toml"
    apply_on_disk(F.fix_empty_workspace(str(manifest), read(manifest)))
    after = metadata(root, "tools/b")
    assert after["error"] is None, after
    assert after["workspace_root"] == "tools/b"
    assert after["members"] == ["tools/b/Cargo.toml"]


WS_DEP_ROOTS = {
    "no-table": '[workspace]\nmembers = ["crates/app"]\nresolver = "2"\n\n[profile.release]\nlto = true\n',
    "table": '[workspace]\nmembers = ["crates/app"]\nresolver = "2"\n\n[workspace.dependencies]\n# none yet\n',
    "dotted": 'workspace.members = ["crates/app"]\nworkspace.resolver = "2"\n',
    "inline": 'workspace = { members = ["crates/app"], resolver = "2" }\n',
    "crlf-no-final-newline": '[workspace]\r\nmembers = ["crates/app"]\r\nresolver = "2"',
}


@pytest.mark.cargo
@needs_cargo
@pytest.mark.parametrize("style", list(WS_DEP_ROOTS))
def test_cargo_workspace_dependency(tmp_path, cargo_bin, style):
    files = {
        "Cargo.toml": WS_DEP_ROOTS[style],
        "crates/app/Cargo.toml": package("app", "\n[dependencies]\nserde.workspace = true\n"),
        "crates/app/src/lib.rs": "",
        "crates/helper/Cargo.toml": package("serde"),
        "crates/helper/src/lib.rs": "",
    }
    root = layout(tmp_path, files)
    run_in = "crates/app"
    before = metadata(root, run_in)
    assert before["error"] is not None
    assert "workspace.dependencies" in before["error_cause"], before  # not defined / not found in it
    fix = F.fix_workspace_dependency(str(root / "Cargo.toml"), read(root / "Cargo.toml"), "serde",
                                     {"path": "crates/helper"}, preferred=True)
    apply_on_disk(fix)
    after = metadata(root, run_in)
    assert after["error"] is None, after
    assert after["workspace_root"] == "."
    assert "crates/app/Cargo.toml" in after["members"]
    # The path dependency inside the root joined the workspace too (spec 2.2).
    assert "crates/helper/Cargo.toml" in after["members"]


@pytest.mark.cargo
@needs_cargo
@pytest.mark.parametrize("root_text", [
    '[workspace]\nmembers = ["crates/*"]\n',
    '[workspace]\nmembers = [\n    "crates/*",\n]\nexclude = [\n    "target",\n]\n',
    "[workspace]\r\nmembers = ['crates/*']\r\nexclude = ['target'] # build output",
])
def test_cargo_exclude_glob_match_without_manifest(tmp_path, cargo_bin, root_text):
    root = layout(tmp_path, {
        "Cargo.toml": root_text,
        "crates/a/Cargo.toml": package("a"),
        "crates/a/src/lib.rs": "",
        "crates/docs/README.md": "not a crate\n",
    })
    before = metadata(root, ".")
    assert before["error"] and "failed to load manifest for workspace member" in before["error"]
    apply_on_disk(F.fix_exclude(str(root / "Cargo.toml"), read(root / "Cargo.toml"), "crates/docs"))
    after = metadata(root, ".")
    assert after["error"] is None, after
    assert after["members"] == ["crates/a/Cargo.toml"]


# ----------------------------------------------------------------------------------------------
# Real manifests (the shared corpus): every fix offered keeps the file intact around it
# ----------------------------------------------------------------------------------------------

CORPUS = cargo_oracle.SHARED_DIR / "corpus"


def check_properties(text: str, edit: TextEdit, expect_path: tuple, expect_value) -> None:
    result = apply(text, edit)
    start, end = edit.span
    assert result[:start] == text[:start] and result[start + len(edit.new_text):] == text[end:]
    assert F.minimal_edit(edit.file, text, result) == edit
    for c in comments(text):
        assert c in comments(result)
    got = tomllib.loads(result)
    for part in expect_path:
        got = got[part]
    assert got == expect_value


@pytest.mark.slow
@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"{CORPUS} is missing")
def test_corpus_manifests():
    roots = packages = 0
    for i, path in enumerate(sorted(CORPUS.rglob("Cargo.toml"))):
        text = path.read_bytes().decode("utf-8", errors="replace")
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError:
            continue
        m = str(path)
        if isinstance(data.get("workspace"), dict):
            roots += 1
            ws = data["workspace"]
            fix = F.fix_exclude(m, text, "zz/new")
            if fix:
                check_properties(text, fix.edits[0], ("workspace", "exclude"), ws.get("exclude", []) + ["zz/new"])
            fix = F.fix_add_member(m, text, "zz/new")
            if fix:
                check_properties(text, fix.edits[0], ("workspace", "members"), ws.get("members", []) + ["zz/new"])
            fix = F.fix_default_members(m, text, ["zz/a", "zz/b"])
            if fix:
                check_properties(text, fix.edits[0], ("workspace", "default-members"), ["zz/a", "zz/b"])
            fix = F.fix_workspace_dependency(m, text, "zz-new", {"path": "zz/new"})
            if fix:
                check_properties(text, fix.edits[0], ("workspace", "dependencies", "zz-new"), {"path": "zz/new"})
        elif i % 5 == 0:
            packages += 1
            fix = F.fix_empty_workspace(m, text)
            if fix:
                check_properties(text, fix.edits[0], ("workspace",), {})
    assert roots > 20 and packages > 100


def test_split_array_of_tables_is_not_edited_while_tomlkit_reorders_it():
    # tomlkit renders an array of tables interrupted by another one as one block (seen on
    # launchbadge/sqlx's root; python-poetry/tomlkit PR #601): a "minimal" edit would then move
    # whole tables. The fixes decline rather than do that.
    text = ('[package]\nname = "x"\n\n[[test]]\nname = "a"\n\n[[bench]]\nname = "b"\n\n[[test]]\nname = "c"\n\n'
            '[workspace]\nmembers = ["crates/a"]\n')
    fix = F.fix_exclude(ROOT, text, "crates/dep")
    if tomlkit.parse(text).as_string() != text:
        assert fix is None
    else:  # a tomlkit that round-trips it: then the edit must be the plain one
        check_edit(text, fix.edits[0], text.replace('members = ["crates/a"]\n',
                                                     'members = ["crates/a"]\nexclude = ["crates/dep"]\n'))
