"""What is at an offset (engine/cursor.py): the tree hit, and the completion context of text being typed.

``|`` marks the cursor in every sample text; it is removed before parsing.
"""

from __future__ import annotations

import pytest

from cargo_lens.engine.cursor import completion_context, entry_span, header_tables, item_at, table_end
from cargo_lens.engine.toml_doc import parse


def split(marked: str) -> tuple[str, int]:
    off = marked.index("|")
    return marked[:off] + marked[off + 1 :], off


def ctx_of(marked: str):
    text, off = split(marked)
    return completion_context(parse(text), off), text


def hit_of(marked: str):
    text, off = split(marked)
    h = item_at(parse(text), off)
    return h, text


# -- item_at -------------------------------------------------------------------------------------


def test_item_at_key_value_and_dotted_keys():
    h, text = hit_of('[package]\nname = "a"\nversion.work|space = true\n')
    assert h.path == ("package", "version", "workspace") and h.part == "key"
    assert text[h.span[0] : h.span[1]] == "workspace"
    h, text = hit_of('[package]\nname = "|a"\n')
    assert h.path == ("package", "name") and h.part == "value" and text[h.span[0] : h.span[1]] == '"a"'
    h, _ = hit_of('[package]\nver|sion.workspace = true\n')
    assert h.path == ("package", "version") and h.part == "key"


def test_item_at_inline_tables_and_arrays():
    h, text = hit_of('[dependencies]\nfoo = { path = "../f|oo", features = ["a"] }\n')
    assert h.path == ("dependencies", "foo", "path") and h.part == "value"
    h, text = hit_of('[dependencies]\nfoo = { path = "../foo", features = ["|a"] }\n')
    assert h.path == ("dependencies", "foo", "features", 0) and text[h.span[0] : h.span[1]] == '"a"'
    h, _ = hit_of('[workspace]\nmembers = ["a", "|b"]\n')
    assert h.path == ("workspace", "members", 1)


def test_item_at_header_segments():
    h, text = hit_of("[dependencies.se|rde]\nversion = \"1\"\n")
    assert h.path == ("dependencies", "serde") and h.part == "header" and text[h.span[0] : h.span[1]] == "serde"
    h, text = hit_of("[depen|dencies.serde]\nversion = \"1\"\n")
    assert h.path == ("dependencies",) and h.part == "header"
    h, _ = hit_of("[[bin]]\nname = \"a\"\n[[b|in]]\nname = \"b\"\n")
    assert h.path == ("bin", 1) and h.part == "header"
    h, _ = hit_of("[target.'cfg(un|ix)'.dependencies]\na = \"1\"\n")
    assert h.path == ("target", "cfg(unix)") and h.part == "header"


def test_item_at_just_after_a_token_and_nothing():
    h, _ = hit_of('[dependencies]\nserde| = "1"\n')
    assert h.path == ("dependencies", "serde") and h.part == "key"
    h, _ = hit_of('[dependencies]\nserde = "1"\n|\n')
    assert h is None


@pytest.mark.parametrize("offset", [-1, 10_000, "3", None])
def test_item_at_bad_offsets(offset):
    assert item_at(parse('a = "1"\n'), offset) is None
    assert item_at(None, 0) is None


def test_table_end_and_entry_span():
    text = '[package]\nname = "a"\nversion.workspace = true\n\n[dependencies]\nfoo = { path = "x" }\n'
    doc = parse(text)
    pkg = doc.root.get("package")
    assert text[pkg.header_span[0] : table_end(pkg)] == '[package]\nname = "a"\nversion.workspace = true'
    foo = doc.lookup(("dependencies", "foo"))
    s, e = entry_span(foo)
    assert text[s:e] == 'foo = { path = "x" }'
    assert [p for _, p, _ in header_tables(doc)] == [("package",), ("dependencies",)]


def test_table_end_stops_before_later_sub_table_headers():
    # `[workspace.lints.rust]` makes an implicit `lints` table (and `[[workspace.x]]` an array of
    # tables) inside `[workspace]`: their spans are those later headers, not `[workspace]`'s text
    text = ('[workspace]\nmembers = ["a"]\n\n[workspace.package]\nversion = "1.0.0"\n\n'
            '[workspace.lints.rust]\nunsafe_code = "forbid"\n\n[[workspace.x]]\ny = 1\n')
    doc = parse(text)
    ws = doc.root.get("workspace")
    assert text[ws.header_span[0] : table_end(ws)] == '[workspace]\nmembers = ["a"]'
    s, e = entry_span(ws)
    assert text[s:e] == '[workspace]\nmembers = ["a"]'
    # a dotted key written in the table still counts, also one extending a header-made table
    text = '[a]\nx = 1\nb.y = 2\n\n[a.b.c]\nz = 3\n'
    doc = parse(text)
    a = doc.root.get("a")
    assert text[a.header_span[0] : table_end(a)] == "[a]\nx = 1\nb.y = 2"


# -- completion_context ----------------------------------------------------------------------------


def test_key_being_typed_in_a_table():
    c, text = ctx_of("[dependencies]\nser|")
    assert (c.position, c.key_path, c.prefix, text[c.replace[0] : c.replace[1]]) == ("key", ("dependencies",), "ser", "ser")
    assert c.table_path == ("dependencies",) and not c.inline
    c, _ = ctx_of('[dependencies]\nserde = "1"\n|\n[package]\nname = "x"\n')
    assert c.position == "key" and c.key_path == ("dependencies",) and c.existing == {"serde"}
    assert c.replace == (c.replace[0], c.replace[0])


def test_dotted_key_being_typed():
    c, _ = ctx_of("[dependencies]\nserde.wo|")
    assert (c.position, c.key_path, c.prefix) == ("key", ("dependencies", "serde"), "wo")


def test_values_quoted_unquoted_and_unclosed():
    c, text = ctx_of('[package]\nedition = "20|')
    assert (c.position, c.key_path, c.prefix, c.quote) == ("value", ("package", "edition"), "20", '"')
    assert text[c.replace[0] : c.replace[1]] == "20"
    c, text = ctx_of('[package]\nedition = "20|21"\n')
    assert c.prefix == "20" and text[c.replace[0] : c.replace[1]] == "2021"  # the whole content
    c, _ = ctx_of("[package]\nedition = |")
    assert (c.position, c.quote, c.prefix) == ("value", None, "")
    c, _ = ctx_of("[workspace]\nresolver = 2|")
    assert (c.position, c.key_path, c.prefix, c.quote) == ("value", ("workspace", "resolver"), "2", None)


def test_after_a_value_and_in_comments_nothing():
    assert ctx_of('[package]\nversion = "1"|')[0].position == "none"
    assert ctx_of('name = "x" # com|ment')[0].position == "none"


def test_array_items_single_and_multi_line():
    c, text = ctx_of('[workspace]\nmembers = [\n  "a",\n  "cr|\n]\n[x]\n')
    assert (c.position, c.key_path, c.in_array, c.prefix, c.array_items) == (
        "value", ("workspace", "members"), True, "cr", ("a",))
    c, _ = ctx_of('[workspace]\nmembers = ["a", |]')
    assert (c.position, c.in_array, c.quote) == ("value", True, None)


def test_inline_tables_keys_values_and_siblings():
    c, text = ctx_of('[dependencies]\nserde = { version = "1", fea| }')
    assert (c.position, c.key_path, c.prefix, c.inline) == ("key", ("dependencies", "serde"), "fea", True)
    assert c.existing == {"version"}
    c, _ = ctx_of('[dependencies]\nfoo = { path = "../foo", features = ["a", "|')
    assert (c.position, c.key_path, c.in_array, c.array_items) == ("value", ("dependencies", "foo", "features"), True, ("a",))
    assert c.siblings["path"] == "../foo"
    # an unclosed string is replaced only up to the cursor: what follows it on the line stays
    c, text = ctx_of('[dependencies]\nfoo = { path = "../foo", features = ["|] }\n')
    assert c.replace[1] == c.replace[0]


def test_header_tables_give_the_table_path_and_siblings():
    c, _ = ctx_of('[dependencies.foo]\npath = "../foo"\nfeatures = ["|')
    assert (c.table_path, c.key_path, c.siblings) == (("dependencies", "foo"), ("dependencies", "foo", "features"), {"path": "../foo"})
    c, _ = ctx_of("[target.'cfg(unix)'.dependencies]\nfo|")
    assert c.key_path == ("target", "cfg(unix)", "dependencies")
    c, _ = ctx_of('[[bin]]\nname = "a"\n[[bin]]\npath = "src/|"')
    assert (c.table_path, c.array_table, c.key_path, c.prefix) == (("bin",), True, ("bin", "path"), "src/")
    assert c.siblings == {"path": "src/"}  # the second [[bin]], not the first


def test_header_being_typed():
    c, _ = ctx_of("[package]\nname = \"a\"\n[depen|")
    assert (c.position, c.prefix) == ("header", "depen")
    c, _ = ctx_of("[workspace.|")
    assert (c.position, c.key_path) == ("header", ("workspace",))


def test_broken_header_above_still_sets_the_table():
    c, _ = ctx_of("[package]\nname = \"a\"\n[dependencies\nser|")
    assert c.position == "key" and c.key_path == ("dependencies",)


@pytest.mark.parametrize("marked", ["|", "\n\n|", '"|', "[|", "{|", "a = [[[[{{{|", "'''|", '"""\n|', "a = \"\\|"])
def test_odd_input_never_raises(marked):
    c, _ = ctx_of(marked)
    assert c.position in ("key", "value", "header", "none")


@pytest.mark.parametrize("offset", [-1, 10_000, None, 1.5])
def test_offsets_out_of_range(offset):
    assert completion_context(parse("a = 1\n"), offset).position == "none"
    assert completion_context(None, 0).position == "none"
