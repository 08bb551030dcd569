"""Tests for the tolerant TOML reader, ``cargo_lens.engine.toml_doc``.

The reader promises four things, each checked here against an oracle rather than by eye:

* values: equal to tomllib's on valid TOML 1.0 (hand-written documents, a hypothesis generator
  that serialises random values, and every ``Cargo.toml`` of the shared corpus);
* errors: the first error's text and line:column are what cargo 1.95 prints. ``INVALID`` holds
  cargo's answers, recorded with ``cargo metadata``; the ``cargo``-marked test asks the installed
  cargo again (and on random damaged documents too);
* recovery: after a broken statement the rest of the file is still read, one error per statement;
* robustness: never raises, bounded time on large and hostile input.

Positions: cargo prints 1-based line:column with the column counted in characters, which is
``LineIndex.one_based`` except in two places, handled by ``cargo_line_col`` below: cargo ends lines
at ``\\n`` only (a lone ``\\r`` is an ordinary character to it, a line break to LSP), and it shows the
end of a text that ends with a newline as one column past the end of the last line.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "server"))

from cargo_lens.engine.text import LineIndex  # noqa: E402
from cargo_lens.engine.toml_doc import (  # noqa: E402
    MAX_DEPTH,
    Array,
    ArrayOfTables,
    Scalar,
    Table,
    TomlDatetime,
    TomlDocument,
    parse,
    walk,
)

_SHARED = Path(__file__).resolve().parents[3] / "shared"
CORPUS_DIR = _SHARED / "corpus" if (_SHARED / "corpus").is_dir() else Path("/work/shared/corpus")
CORPUS = sorted(CORPUS_DIR.glob("**/Cargo.toml"))
PACKAGE_PREFIX = '[package]\nname = "a"\nversion = "0.1.0"\n'


# -- helpers -----------------------------------------------------------------------------------


def canon(value):
    """A comparable form that keeps types apart (True vs 1), NaN equal to NaN, -0.0 apart from 0.0."""
    if isinstance(value, TomlDatetime):
        value = tomllib.loads(f"v = {value}")["v"]
    if isinstance(value, dict):
        return {k: canon(v) for k, v in value.items()}
    if isinstance(value, list):
        return [canon(v) for v in value]
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, int):
        return ("int", value)
    if isinstance(value, float):
        return ("float", repr(value))
    if isinstance(value, str):
        return ("str", value)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return (type(value).__name__, value.isoformat())
    raise AssertionError(f"unexpected value {value!r}")


def value_of(source: str):
    """What tomllib makes of ``source`` as a value."""
    return tomllib.loads(f"v = {source}")["v"]


def all_items(doc: TomlDocument):
    """(path, item) for every item, array elements included."""
    stack = [(path, item) for path, item in walk(doc.root)]
    stack.reverse()
    while stack:
        path, item = stack.pop()
        yield path, item
        if isinstance(item, Array):
            stack.extend(reversed([(path + (i,), it) for i, it in enumerate(item.items)]))
            for i, it in enumerate(item.items):
                if isinstance(it, Table):
                    stack.extend((path + (i,) + p, x) for p, x in walk(it))


def check_spans(doc: TomlDocument) -> None:
    """Every span slices the text to exactly the key, value or header it belongs to."""
    text = doc.text

    def sl(span):
        return text[span[0] : span[1]]

    for path, item in all_items(doc):
        if isinstance(item, Scalar):
            assert canon(value_of(sl(item.span))) == canon(item.value), (path, item.span)
        elif isinstance(item, Array):
            assert canon(value_of(sl(item.span))) == canon(item.to_python()), (path, item.span)
        elif isinstance(item, Table) and item.origin == "inline" and not item.implicit:
            assert canon(value_of(sl(item.span))) == canon(item.to_python()), (path, item.span)
        elif isinstance(item, Table) and item.header_span:
            header = sl(item.header_span)
            assert header.startswith("[") and header.endswith("]"), (path, header)
            names = [name for name, _ in item.header_keys]
            assert [p for p in path if isinstance(p, str)][-len(names) :] == names
            for name, span in item.header_keys:
                assert list(tomllib.loads(f"{sl(span)} = 0")) == [name]
        if isinstance(path[-1], str) and item.key_span is not None and not isinstance(item, ArrayOfTables):
            assert list(tomllib.loads(f"{sl(item.key_span)} = 0")) == [path[-1]], (path, item.key_span)


def assert_like_tomllib(text: str) -> TomlDocument:
    expected = tomllib.loads(text)
    doc = parse(text)
    assert doc.errors == []
    assert canon(doc.to_python()) == canon(expected)
    return doc


_LONE_CR = re.compile(r"\r(?!\n)")


def cargo_line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column as cargo prints them for an error at ``offset`` (see module doc)."""
    if offset >= len(text) and text.endswith("\n"):
        last = text[:-1].rsplit("\n", 1)[-1]
        return text.count("\n"), len(last.removesuffix("\r")) + 2
    if _LONE_CR.search(text, 0, offset):
        line_start = text.rfind("\n", 0, offset) + 1
        return text.count("\n", 0, offset) + 1, offset - line_start + 1
    return LineIndex(text).one_based(offset)


def first_error(text: str):
    """(message, line, column) of the error cargo would print, or None."""
    doc = parse(text)
    if not doc.errors:
        return None
    err = doc.errors[0]
    return (err.message, *cargo_line_col(text, err.span[0]))


def timed(fn, *args):
    start = time.perf_counter()
    result = fn(*args)
    return result, time.perf_counter() - start


def check_invariants(text: str, doc: TomlDocument) -> None:
    assert doc.text is text
    for err in doc.errors:
        assert 0 <= err.span[0] <= err.span[1] <= len(text), err
        assert err.message
    for path, item in all_items(doc):
        assert 0 <= item.span[0] <= item.span[1] <= len(text), (path, item.span)
        if item.key_span is not None:
            assert 0 <= item.key_span[0] <= item.key_span[1] <= len(text)
    doc.to_python()


# -- 1. values equal tomllib's ------------------------------------------------------------------

VALID = {
    "empty": "",
    "only-comments": "# a\n\n   # b\n#",
    "basic-strings": 'a = "plain"\nb = ""\nc = "I\'m a string. \\"You can quote me\\". Name\\tJos\\u00E9\\nLocation\\tSF."\n'
    'd = "\\b\\t\\n\\f\\r\\"\\\\ \\u00e9 \\U0001F600 \\u0000"\ne = "tab\tinside"\nf = "é 中 😀"',
    "literal-strings": "a = 'C:\\Users\\nodejs\\templates'\nb = '\\\\ServerX\\admin$\\system32\\'\n"
    "c = 'Tom \"Dubs\" Preston-Werner'\nd = '<\\i\\c*\\s*>'\ne = ''",
    "ml-basic": 'a = """\nRoses are red\nViolets are blue"""\nb = """no newline"""\nc = """"""\nd = """\n"""',
    "ml-basic-line-ending-backslash": 'a = """\nThe quick brown \\\n\n\n  fox jumps over \\\n    the lazy dog."""\n'
    'b = """\\\n       The quick brown \\\n       fox jumps over \\\n       the lazy dog.\\\n       """\n'
    'c = """a \\   \n   b"""\nd = """a\\\t\n\n  b"""',
    "ml-basic-quotes-before-closing": 'a = """x""""\nb = """x"""""\nc = """""x"""\nd = """""x"""""\n'
    'e = """Here are two quotation marks: "". Simple enough."""\n'
    'f = """Here are three quotation marks: ""\\"."""\n'
    'g = """Here are fifteen quotation marks: ""\\"""\\"""\\"""\\"""\\"."""\nh = """"This," she said, "is just a pointless statement.""""',
    "ml-literal": "a = '''I [dw]on't need \\d{2} apples'''\nb = '''\nThe first newline is\ntrimmed in raw strings.\n"
    "   All other whitespace\n   is preserved.\n'''\nc = ''''one_quote''''\nd = '''x'''''\ne = ''''''\nf = '''\\n'''",
    "ml-strings-with-escapes-and-tabs": 'a = """\t\\u00e9\\n\\\\\t"""\nb = \'\'\'\t tab \'\'\'',
    "integers": "a = +99\nb = 42\nc = 0\nd = -17\ne = 1_000\nf = 5_349_221\ng = 53_49_221\nh = 1_2_3_4_5\n"
    "i = -0\nj = +0\nk = 9223372036854775807\nl = -9223372036854775808",
    "integers-radix": "a = 0xDEADBEEF\nb = 0xdeadbeef\nc = 0xdead_beef\nd = 0o01234567\ne = 0o755\nf = 0b11010110\n"
    "g = 0x0\nh = 0b0_1\ni = 0o0\nj = 0x00ff\nk = 0x7FFFFFFFFFFFFFFF",
    "floats": "a = +1.0\nb = 3.1415\nc = -0.01\nd = 5e+22\ne = 1e06\nf = -2E-2\ng = 6.626e-34\n"
    "h = 224_617.445_991_228\ni = -0.0\nj = +0.0\nk = 1e1_0\nl = 0e0\nm = 1.5E5\nn = 0.000_1\no = 1e-400",
    "floats-special": "a = inf\nb = +inf\nc = -inf\nd = nan\ne = +nan\nf = -nan",
    "booleans": "a = true\nb = false\nc = [true, false]\nd = { e = true }",
    "datetimes": "a = 1979-05-27T07:32:00Z\nb = 1979-05-27T00:32:00-07:00\nc = 1979-05-27T00:32:00.999999-07:00\n"
    "d = 1979-05-27 07:32:00Z\ne = 1979-05-27T07:32:00\nf = 1979-05-27T00:32:00.999999\ng = 1979-05-27\n"
    "h = 07:32:00\ni = 00:32:00.999999\nj = 1979-05-27t07:32:00z\nk = 2000-02-29\nl = 1979-05-27T07:32:00+14:00\n"
    "m = [1979-05-27, 07:32:00, 1979-05-27 07:32:00]\nn = 1979-05-27 # a comment",
    "arrays": 'a = [ 1, 2, 3 ]\nb = [ "red", "yellow", "green" ]\nc = [ [ 1, 2 ], [3, 4, 5] ]\n'
    "d = [ \"all\", 'strings', \"\"\"are the same\"\"\", '''type''' ]\ne = [ [ 1, 2 ], [\"a\", \"b\", \"c\"] ]\n"
    "f = [ 0.1, 0.2, 0.5, 1, 2, 5 ]\ng = []\nh = [[]]\ni = [[[[1]]]]\nj = [1,]\nk = [ \"x\" , ]",
    "arrays-multiline": 'a = [\n  1,\n  2, # two\n  3\n]\nb = [\n  "a",\n\n  # comment\n  "b",\n]\nc = [ # open\n]\n'
    'd = [\n  { x = 1 },\n  { y = [2, 3] },\n]',
    "inline-tables": 'name = { first = "Tom", last = "Preston-Werner" }\npoint = { x = 1, y = 2 }\n'
    'animal = { type.name = "pug" }\nempty = {}\nnested = { a = { b = { c = 1 } } }\n'
    'd = { a.b = 1, a.c = 2, "q k" = 3, \'l\' = 4 }\ne = [ { x = 1 }, {}, { y = [ {} ] } ]',
    "dotted-keys": 'name = "Orange"\nphysical.color = "orange"\nphysical.shape = "round"\nsite."google.com" = true\n'
    '3.14159 = "pi"\nfruit . color = "yellow"\n fruit. flavor = "banana"\na.b.c.d = 1\na.b.e = 2\na.f = 3',
    "quoted-keys": '"127.0.0.1" = "value"\n"character encoding" = "value"\n"ʎǝʞ" = "value"\n\'key2\' = "value"\n'
    '\'quoted "value"\' = "value"\n"" = "blank"\n"a\\tb" = 1\n"\\u00e9" = 2\n"a.b" = 3\n\'[x]\' = 4\n"\\"" = 5',
    "bare-keys": "key = 1\nbare_key = 2\nbare-key = 3\n1234 = 4\n_ = 5\n- = 6\nA-Z_09 = 7\ntrue = 8\ninf = 9",
    "tables": '[table-1]\nkey1 = "some string"\nkey2 = 123\n\n[table-2]\nkey1 = "another string"\nkey2 = 456\n'
    '[dog."tater.man"]\ntype.name = "pug"\n[a.b.c]\n[ d.e.f ]\n[ g .  h  . i ]\n[ j . "ʞ" . \'l\' ]',
    "tables-out-of-order": "[fruit.apple]\nx = 1\n[animal]\ny = 2\n[fruit.orange]\nz = 3",
    "implicit-super-tables": "[x.y.z.w]\na = 1\n[x]\nb = 2\n[p.q]\n[p.r.s]",
    "dotted-then-subtable": '[fruit]\napple.color = "red"\napple.taste.sweet = true\n[fruit.apple.texture]\nsmooth = true',
    "array-of-tables": '[[products]]\nname = "Hammer"\nsku = 738594937\n\n[[products]]  # empty table within the array\n\n'
    '[[products]]\nname = "Nail"\nsku = 284758393\n\ncolor = "gray"',
    "array-of-tables-nested": '[[fruits]]\nname = "apple"\n\n[fruits.physical]\ncolor = "red"\nshape = "round"\n\n'
    '[[fruits.varieties]]\nname = "red delicious"\n\n[[fruits.varieties]]\nname = "granny smith"\n\n\n'
    '[[fruits]]\nname = "banana"\n\n[[fruits.varieties]]\nname = "plantain"\n[fruits.varieties.x]\ny = 1',
    "comments-everywhere": '# top\n[a] # header\nb = 1 # value\nc = [ # open\n  1, # one\n  # alone\n] # close\n'
    'd = "# not a comment" # but this is\n#end',
    "whitespace": "\t a\t=\t1\t\n  [ t ]  \n\t\tb =2\n",
    "crlf": '[package]\r\nname = "a"\r\nx = [\r\n  1,\r\n  2,\r\n]\r\ny = """\r\nline one\r\nline two\r\n"""\r\n'
    "z = '''\r\nraw\r\n'''\r\nw = \"\"\"a\\\r\n   b\"\"\"\r\n# c\r\n",
    "no-trailing-newline": 'a = "x"',
    "cargo-manifest": '[package]\nname = "demo"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n'
    'serde = { version = "1", features = ["derive"] }\nrand = "0.8"\n\n'
    "[target.'cfg(any(unix, windows))'.dependencies]\nlibc = \"0.2\"\n\n"
    '[target."x86_64-pc-windows-gnu".dependencies]\nwinapi = "0.3"\n\n[[bin]]\nname = "a"\npath = "src/a.rs"\n\n'
    '[[bin]]\nname = "b"\n\n[features]\ndefault = ["std"]\nstd = []\n\n[profile.release]\nlto = true\nopt-level = 3\n'
    "[lints.rust]\nunsafe_code = { level = \"forbid\", priority = -1 }",
}


@pytest.mark.parametrize("text", list(VALID.values()), ids=list(VALID))
def test_valid_documents_equal_tomllib(text):
    doc = assert_like_tomllib(text)
    check_spans(doc)


def test_datetimes_are_kept_as_their_text():
    doc = parse("a = 1979-05-27T07:32:00Z\nb = 07:32:00\nc = 1979-05-27")
    a = doc.lookup(("a",))
    assert isinstance(a, Scalar) and a.kind == "datetime" and isinstance(a.value, TomlDatetime)
    assert [doc.lookup((k,)).value for k in "abc"] == ["1979-05-27T07:32:00Z", "07:32:00", "1979-05-27"]


def test_crlf_in_multiline_strings_becomes_lf_like_tomllib():
    doc = parse('a = """\r\nx\r\ny"""\r\nb = \'\'\'\r\nx\r\ny\'\'\'\r\n')
    assert doc.to_python() == {"a": "x\ny", "b": "x\ny"} == tomllib.loads(doc.text)


@pytest.mark.parametrize("text", ['\ufeff[package]\nname = "a"', "\ufeff# comment\nx = 1", "\ufeff"])
def test_bom_is_skipped(text):
    # tomllib refuses a byte-order mark; cargo (and we) skip one at the start.
    doc = parse(text)
    assert doc.errors == []
    assert canon(doc.to_python()) == canon(tomllib.loads(text[1:]))
    assert parse("x = 1\n\ufeffy = 2").errors  # anywhere else it is a character like any other


def test_bom_keeps_offsets():
    text = '\ufeffname = "a"'
    doc = parse(text)
    assert doc.text == text
    item = doc.lookup(("name",))
    assert text[item.key_span[0] : item.key_span[1]] == "name"
    assert text[item.span[0] : item.span[1]] == '"a"'


# ---- hypothesis: random values, serialised here, read back --------------------------------------

_BARE = re.compile(r"[A-Za-z0-9_-]+")
_chars = st.characters(blacklist_categories=("Cs",))
_keys = st.one_of(st.from_regex(r"[A-Za-z0-9_-]{1,6}", fullmatch=True), st.text(_chars, max_size=5))
_offsets = st.integers(-23 * 60 - 59, 23 * 60 + 59).map(lambda m: dt.timezone(dt.timedelta(minutes=m)))
_scalars = st.one_of(
    st.integers(-(2**63), 2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.text(_chars, max_size=12),
    st.datetimes(timezones=st.none() | st.just(dt.timezone.utc) | _offsets),
    st.dates(),
    st.times(),
)
_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_keys, inner, max_size=4),
    max_leaves=16,
)
_documents = st.dictionaries(_keys, _values, max_size=6)

_ESC = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r", '"': '\\"', "\\": "\\\\"}


def _basic(s: str, ml: bool = False) -> str:
    out = []
    for ch in s:
        if ml and ch in "\n\t":
            out.append(ch)
        elif ch in _ESC:
            out.append(_ESC[ch])
        elif ch < " " or ch == "\x7f":
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    body = "".join(out)
    return f'"""\n{body}"""' if ml else f'"{body}"'


def _string(s: str, draw) -> str:
    style = draw(st.integers(0, 3))
    plain = not any(c < " " and c != "\t" or c == "\x7f" for c in s)
    if style == 1 and plain and "'" not in s:
        return f"'{s}'"
    if style == 2:
        return _basic(s, ml=True)
    if style == 3 and plain and "'" not in s:
        return f"'''\n{s}'''"
    return _basic(s)


def _key(k: str, draw) -> str:
    if _BARE.fullmatch(k) and draw(st.booleans()):
        return k
    literal_ok = "'" not in k and not any(c < " " and c != "\t" or c == "\x7f" for c in k)
    return f"'{k}'" if literal_ok and draw(st.booleans()) else _basic(k)


def _scalar_text(v, draw) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return draw(st.sampled_from([str(v), f"{v:_}", f"+{v}" if v >= 0 else str(v)]))
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, str):
        return _string(v, draw)
    if isinstance(v, dt.datetime):
        text = v.isoformat(sep=draw(st.sampled_from(["T", " ", "t"])))
        return text[:-6] + "Z" if text.endswith("+00:00") and draw(st.booleans()) else text
    return v.isoformat()


def _inline(v, draw) -> str:
    if isinstance(v, dict):
        parts = [f"{_key(k, draw)} = {_inline(x, draw)}" for k, x in v.items()]
        return "{" + ", ".join(parts) + "}" if parts else "{}"
    if isinstance(v, list):
        sep = draw(st.sampled_from([", ", ",\n  ", " , "]))
        trailing = draw(st.sampled_from(["", ","])) if v else ""
        return "[" + sep.join(_inline(x, draw) for x in v) + trailing + "]"
    return _scalar_text(v, draw)


def _dotted(prefix: str, v, draw, lines) -> None:
    for k, x in v.items():
        key = f"{prefix}.{_key(k, draw)}"
        if isinstance(x, dict) and x and draw(st.booleans()):
            _dotted(key, x, draw, lines)
        else:
            lines.append(f"{key} = {_inline(x, draw)}")


def _table(path: list[str], table: dict, draw, lines: list[str], header: str | None, required: bool = False) -> None:
    """Write ``table``: its plain entries first, then its sub-tables as headers.

    A ``[header]`` whose table has only sub-tables may be left out (they define it implicitly);
    an ``[[element]]`` header never is.
    """
    plain, later = [], []
    for k, v in table.items():
        is_aot = isinstance(v, list) and v and all(isinstance(x, dict) for x in v)
        if isinstance(v, dict) and draw(st.integers(0, 2)) == 0:
            later.append((k, v, "table"))
        elif is_aot and draw(st.booleans()):
            later.append((k, v, "aot"))
        else:
            plain.append((k, v))
    if header is not None and (required or plain or not later or draw(st.booleans())):
        lines.append(header)
    for k, v in plain:
        if isinstance(v, dict) and v and draw(st.booleans()):
            _dotted(_key(k, draw), v, draw, lines)
        else:
            lines.append(f"{_key(k, draw)} = {_inline(v, draw)}")
    for k, v, how in later:
        sub = [*path, _key(k, draw)]
        if how == "table":
            _table(sub, v, draw, lines, "[" + ".".join(sub) + "]")
        else:
            for element in v:
                _table(sub, element, draw, lines, "[[" + ".".join(sub) + "]]", required=True)


def dump(doc: dict, draw) -> str:
    lines: list[str] = []
    _table([], doc, draw, lines, None)
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    return newline.join(lines) + draw(st.sampled_from(["", newline]))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=_documents, data=st.data())
def test_random_documents_equal_tomllib(value, data):
    text = dump(value, data.draw)
    expected = tomllib.loads(text)
    assert canon(expected) == canon(value)  # the serialiser itself is right
    doc = parse(text)
    assert doc.errors == []
    assert canon(doc.to_python()) == canon(expected)
    check_spans(doc)


# ---- the corpus ----------------------------------------------------------------------------------


@pytest.mark.skipif(not CORPUS, reason=f"no corpus at {CORPUS_DIR}")
def test_corpus_manifests_equal_tomllib():
    assert len(CORPUS) >= 1392
    failures = []
    for i, path in enumerate(CORPUS):
        text = path.read_text(encoding="utf-8")
        doc = parse(text)
        if doc.errors:
            failures.append((path, doc.errors[:1]))
        elif canon(doc.to_python()) != canon(tomllib.loads(text)):
            failures.append((path, "values differ"))
        elif i % 4 == 0:
            check_spans(doc)
    assert failures == []


# -- 2. errors: cargo's first error, text and position ------------------------------------------

NEST_81_ARRAYS = "x = " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1)
NEST_81_INLINE = "x = " + "{a = " * (MAX_DEPTH + 1) + "1" + "}" * (MAX_DEPTH + 1)
DOTTED_81 = "x." * MAX_DEPTH + "x = 1"

# (id, text after PACKAGE_PREFIX, what cargo 1.95 printed: (message, line, column) or None when it
# accepts the manifest). Recorded with `cargo metadata --no-deps --offline`; `recursion limit` comes
# without a position from cargo.
INVALID = [
    ('key-no-eq', 'x', ('key with no value, expected `=`', 4, 2)),
    ('key-no-eq-value', 'x 1', ('key with no value, expected `=`', 4, 3)),
    ('key-no-eq-newline', 'x\ny = 1', ('key with no value, expected `=`', 4, 2)),
    ('quoted-key-no-eq', '"x"', ('key with no value, expected `=`', 4, 4)),
    ('dotted-key-no-eq', 'x.y', ('key with no value, expected `=`', 4, 4)),
    ('two-keys', 'x y = 1', ('key with no value, expected `=`', 4, 3)),
    ('eq-on-next-line', 'x\n= 1', ('key with no value, expected `=`', 4, 2)),
    ('missing-value-eof', 'x =', ('string values must be quoted, expected literal string', 4, 4)),
    ('missing-value-comment', 'x = # c', ('string values must be quoted, expected literal string', 4, 5)),
    ('missing-value-newline', 'x = \ny = 1', ('string values must be quoted, expected literal string', 4, 5)),
    ('missing-value-comma', 'x = ,', ('unexpected key or value, expected newline, `#`', 4, 5)),
    ('extra-eq', 'x = = 1', ('extra `=`, expected nothing', 4, 5)),
    ('unquoted', 'x = abc', ('string values must be quoted, expected literal string', 4, 5)),
    ('unquoted-words', 'x = hello world', ('string values must be quoted, expected literal string', 4, 5)),
    ('unquoted-non-ascii', 'x = é', ('string values must be quoted, expected literal string', 4, 5)),
    ('missing-opening-quote', "x = abc'", ("missing opening quote, expected `'`", 4, 5)),
    ('missing-opening-dquote', 'x = abc"', ('missing opening quote, expected `"`', 4, 5)),
    ('bool-capital', 'x = True', ('invalid boolean, expected `true`', 4, 5)),
    ('bool-short', 'x = tru', ('invalid boolean, expected `true`', 4, 5)),
    ('bool-long', 'x = truee', ('invalid boolean, expected `true`', 4, 5)),
    ('bool-false-short', 'x = fals', ('invalid boolean, expected `false`', 4, 5)),
    ('bool-upper', 'x = TRUE', ('invalid boolean, expected `true`', 4, 5)),
    ('bool-yes', 'x = yes', ('string values must be quoted, expected literal string', 4, 5)),
    ('nan-case', 'x = NaN', ('invalid float, expected `nan`', 4, 5)),
    ('infinity', 'x = infinity', ('invalid float, expected `inf`', 4, 5)),
    ('null', 'x = nul', ('invalid float, expected `nan`', 4, 5)),
    ('unclosed-table', '[table', ('unclosed table, expected `]`', 4, 7)),
    ('unclosed-table-then-key', '[table\nx = 1', ('unclosed table, expected `]`', 4, 7)),
    ('unclosed-aot', '[[aot', ('unclosed array table, expected `]]`', 4, 6)),
    ('unclosed-aot-half', '[[aot]', ('unclosed array table, expected `]`', 4, 7)),
    ('aot-split-close', '[[a] ]', ('unclosed array table, expected `]`', 4, 5)),
    ('table-extra-bracket', '[a]]', ('unexpected key or value, expected newline, `#`', 4, 4)),
    ('key-after-header', '[a] x = 1', ('unexpected key or value, expected newline, `#`', 4, 5)),
    ('header-two-keys', '[a b]', ('unclosed table, expected `]`', 4, 3)),
    (
        'header-trailing-dot',
        '[a.]',
        ('unquoted keys cannot be empty, expected letters, numbers, `-`, `_`', 4, 4),
    ),
    ('header-empty', '[]', ('unquoted keys cannot be empty, expected letters, numbers, `-`, `_`', 4, 2)),
    ('aot-empty', '[[]]', ('unquoted keys cannot be empty, expected letters, numbers, `-`, `_`', 4, 3)),
    (
        'header-leading-dot',
        '[.a]',
        ('unquoted keys cannot be empty, expected letters, numbers, `-`, `_`', 4, 2),
    ),
    (
        'header-double-dot',
        '[a..b]',
        ('unquoted keys cannot be empty, expected letters, numbers, `-`, `_`', 4, 4),
    ),
    ('header-unclosed-quote', '["a]', ('unclosed table, expected `]`', 4, 5)),
    ('header-newline', '[a.\nb]', ('key with no value, expected `=`', 5, 2)),
    ('stray-close-bracket', ']', ('missing table open, expected `[`', 4, 1)),
    ('dup-key', 'x = 1\nx = 2', ('duplicate key', 5, 1)),
    ('dup-quoted-key', '"x" = 1\nx = 2', ('duplicate key', 5, 1)),
    ('dup-escaped-key', '"\\u0078" = 1\nx = 2', ('duplicate key', 5, 1)),
    ('dup-literal-key', '\'x\' = 1\n"x" = 2', ('duplicate key', 5, 1)),
    ('dup-dotted', 'x.y = 1\nx.y = 2', ('duplicate key', 5, 3)),
    (
        'dotted-into-integer',
        'x = 1\nx.y = 2',
        ('cannot extend value of type integer with a dotted key', 5, 1),
    ),
    ('plain-over-dotted', 'x.y = 1\nx = 2', ('duplicate key', 5, 1)),
    ('dup-header', '[a]\n[a]', ('duplicate key', 5, 2)),
    ('aot-after-table', '[a]\n[[a]]', ('duplicate key', 5, 3)),
    ('table-after-aot', '[[a]]\n[a]', ('duplicate key', 5, 2)),
    ('header-over-inline', '[t]\nx = {}\n[t.x]', ('duplicate key', 6, 4)),
    (
        'header-into-inline',
        '[t]\nx = {}\n[t.x.y]',
        ('cannot extend value of type inline table with a dotted key', 6, 4),
    ),
    (
        'dotted-into-inline',
        '[t]\nx = {y = 1}\nx.z = 2',
        ('cannot extend value of type inline table with a dotted key', 6, 1),
    ),
    ('aot-over-array', '[t]\nx = [1]\n[[t.x]]', ('duplicate key', 6, 5)),
    (
        'header-into-array',
        '[t]\nx = [1]\n[t.x.y]',
        ('cannot extend value of type array with a dotted key', 6, 4),
    ),
    ('header-over-integer', '[t]\nx = 1\n[t.x]', ('duplicate key', 6, 4)),
    (
        'header-into-string',
        '[t]\nx = "s"\n[t.x.y]',
        ('cannot extend value of type string with a dotted key', 6, 4),
    ),
    ('header-over-dotted', '[t]\nx.y = 1\n[t.x]', ('duplicate key', 6, 4)),
    ('dotted-into-header-implicit', '[t.x.y]\n[t]\nx.z = 1', ('duplicate key', 6, 3)),
    ('inline-dup', '[t]\nx = { y = 1, y = 2 }', ('duplicate key', 5, 14)),
    (
        'inline-dotted-into-int',
        '[t]\nx = { y = 1, y.z = 2 }',
        ('cannot extend value of type integer with a dotted key', 5, 14),
    ),
    ('inline-plain-over-dotted', '[t]\nx = {a.b = 1, a = 2}', ('duplicate key', 5, 15)),
    ('inline-dotted-into-inline', 'x = {a = {b = 1}, a.c = 2}', ('duplicate key', 4, 19)),
    ('dup-subtable', '[t.a]\n[t.a]', ('duplicate key', 5, 4)),
    ('aot-element-dup', '[[t]]\n[t.x]\n[t.x]', ('duplicate key', 6, 4)),
    ('dup-after-reopen', '[a]\nb = 1\n[a.c]\n[a]', ('duplicate key', 7, 2)),
    (
        'bad-escape',
        'x = "\\q"',
        ('missing escaped value, expected `b`, `e`, `f`, `n`, `r`, `\\`, `"`, `x`, `u`, `U`', 4, 7),
    ),
    (
        'short-unicode-escape',
        'x = "\\u12"',
        ('too few unicode value digits, expected unicode hexadecimal value', 4, 10),
    ),
    ('surrogate-escape', 'x = "\\uD800"', ('invalid value, expected unicode hexadecimal value', 4, 8)),
    ('escape-too-big', 'x = "\\U00110000"', ('invalid value, expected unicode hexadecimal value', 4, 8)),
    (
        'short-hex-escape',
        'x = "\\x4"',
        ('too few unicode value digits, expected unicode hexadecimal value', 4, 9),
    ),
    (
        'non-hex-escape',
        'x = "\\uZZZZ"',
        ('too few unicode value digits, expected unicode hexadecimal value', 4, 8),
    ),
    (
        'escaped-closing-quote',
        'x = "\\"',
        ('missing escaped value, expected `b`, `e`, `f`, `n`, `r`, `\\`, `"`, `x`, `u`, `U`', 4, 7),
    ),
    ('backslash-at-eof', 'x = "\\', ('invalid basic string, expected `"`', 4, 7)),
    (
        'ml-bad-escape',
        'x = """\\q"""',
        ('missing escaped value, expected `b`, `e`, `f`, `n`, `r`, `\\`, `"`, `x`, `u`, `U`', 4, 9),
    ),
    ('ml-backslash-space', 'x = """\\ a"""', ('invalid multi-line basic string, expected newline', 4, 10)),
    (
        'key-bad-escape',
        '"\\q" = 1',
        ('missing escaped value, expected `b`, `e`, `f`, `n`, `r`, `\\`, `"`, `x`, `u`, `U`', 4, 3),
    ),
    ('unclosed-basic', 'x = "abc', ('invalid basic string, expected `"`', 4, 9)),
    ('unclosed-literal', "x = 'abc", ("invalid literal string, expected `'`", 4, 9)),
    ('unclosed-ml-basic', 'x = """abc', ('invalid multi-line basic string, expected `"`', 4, 11)),
    ('unclosed-ml-literal', "x = '''abc", ("invalid multi-line literal string, expected `'`", 4, 11)),
    ('unclosed-basic-next-line', 'x = "abc\ny = 1', ('invalid basic string, expected `"`', 4, 9)),
    (
        'unclosed-ml-basic-next-line',
        'x = """abc\ny = 1',
        ('invalid multi-line basic string, expected `"`', 5, 6),
    ),
    (
        'unclosed-ml-literal-trailing-newline',
        "x = '''\nabc\n",
        ("invalid multi-line literal string, expected `'`", 5, 5),
    ),
    ('lone-quote', 'x = "', ('invalid basic string, expected `"`', 4, 6)),
    ('unclosed-quoted-key', '"a = 1', ('key with no value, expected `=`', 4, 7)),
    ('unclosed-literal-key', "'a = 1", ('key with no value, expected `=`', 4, 7)),
    (
        'ml-basic-key',
        '"""a""" = 1',
        ('keys cannot be multi-line basic strings, expected basic string, literal string', 4, 1),
    ),
    (
        'ml-literal-key',
        "'''a''' = 1",
        ('keys cannot be multi-line literal strings, expected basic string, literal string', 4, 1),
    ),
    ('six-closing-quotes', 'x = """a""""""', ('unexpected key or value, expected newline, `#`', 4, 14)),
    ('six-closing-apostrophes', "x = '''a''''''", ('unexpected key or value, expected newline, `#`', 4, 14)),
    ('leading-zero', 'x = 01', ('unexpected leading zero, expected nothing', 4, 5)),
    ('leading-zero-negative', 'x = -01', ('unexpected leading zero, expected nothing', 4, 6)),
    ('leading-zero-float', 'x = 01.5', ('unexpected leading zero, expected nothing', 4, 5)),
    ('leading-zero-underscore', 'x = 0_1', ('unexpected leading zero, expected nothing', 4, 5)),
    ('double-zero-float', 'x = 00.5', ('unexpected leading zero, expected nothing', 4, 5)),
    ('double-underscore', 'x = 1__0', ('`_` may only go between digits', 4, 7)),
    ('trailing-underscore', 'x = 1_', ('`_` may only go between digits, expected nothing', 4, 6)),
    ('leading-underscore', 'x = _1', ('`_` may only go between digits, expected nothing', 4, 5)),
    ('underscore-before-dot', 'x = 1_.5', ('`_` may only go between digits', 4, 6)),
    ('underscore-after-dot', 'x = 1._5', ('`_` may only go between digits', 4, 7)),
    ('underscore-after-e', 'x = 1e_5', ('`_` may only go between digits', 4, 7)),
    ('underscore-after-radix', 'x = 0x_1', ('`_` may only go between digits, expected nothing', 4, 5)),
    ('underscore-before-e', 'x = 1_e5', ('`_` may only go between digits', 4, 6)),
    ('radix-uppercase', 'x = 0X1F', ('radix must be lowercase, expected `0x`', 4, 5)),
    ('radix-signed', 'x = +0x1', ('integers with a radix cannot be signed, expected nothing', 4, 5)),
    ('bad-hex', 'x = 0xG', ('invalid hexadecimal number', 4, 7)),
    ('bad-octal', 'x = 0o8', ('invalid octal number', 4, 7)),
    ('bad-binary', 'x = 0b2', ('invalid binary number', 4, 7)),
    ('empty-hex', 'x = 0x', ('integer number overflowed', 4, 5)),
    ('decimal-prefix', 'x = 0d10', ('redundant integer number prefix, expected nothing', 4, 5)),
    ('float-no-fraction', 'x = 1.', ('invalid fraction, expected digits', 4, 7)),
    ('float-no-mantissa', 'x = .5', ('invalid mantissa, expected digits', 4, 5)),
    ('float-no-exponent', 'x = 1e', ('invalid exponent, expected digits', 4, 7)),
    ('float-sign-no-exponent', 'x = 1e+', ('invalid exponent, expected digits', 4, 8)),
    ('float-two-dots', 'x = 1.2.3', ('invalid float, expected nothing', 4, 8)),
    ('float-dot-after-exp', 'x = 1e5.5', ('invalid float, expected nothing', 4, 8)),
    ('double-sign', 'x = --1', ('redundant numeric sign, expected nothing', 4, 6)),
    ('float-overflow', 'x = 1e400', ('floating-point number overflowed', 4, 5)),
    ('integer-overflow', 'x = 340282366920938463463374607431768211456', ('integer number overflowed', 4, 5)),
    (
        'integer-underflow',
        'x = -170141183460469231731687303715884105729',
        ('integer number overflowed', 4, 5),
    ),
    ('number-letters', 'x = 1a', ('string values must be quoted, expected literal string', 4, 5)),
    ('number-dash', 'x = 1-2', ('invalid date, expected `-` (MM-DD)', 4, 5)),
    ('array-double-comma', 'x = [1,,2]', ('extra comma in array, expected value', 4, 8)),
    ('array-only-comma', 'x = [,]', ('extra comma in array, expected value', 4, 6)),
    ('array-leading-comma', 'x = [,1]', ('extra comma in array, expected value', 4, 6)),
    ('inline-double-comma', 'x = {a = 1,,}', ('extra comma in inline table, expected key', 4, 12)),
    ('inline-only-comma', 'x = {,}', ('extra comma in inline table, expected key', 4, 6)),
    ('inline-key-then-comma', 'x = {a, b = 1}', ('extra comma in inline table, expected `=`', 4, 7)),
    ('array-missing-comma', 'x = [1 2]', ('string values must be quoted, expected literal string', 4, 6)),
    (
        'array-missing-comma-newline',
        'x = [1\n2]',
        ('missing comma between array elements, expected `,`', 5, 1),
    ),
    ('array-unclosed', 'x = [', ('unclosed array, expected `]`', 4, 6)),
    ('array-unclosed-after-comma', 'x = [1,', ('unclosed array, expected `]`', 4, 8)),
    (
        'array-strings-missing-comma',
        'x = [1, "a" "b"]',
        ('missing comma between array elements, expected `,`', 4, 13),
    ),
    ('array-eq', 'x = [=]', ('unexpected `=` in array, expected value, `]`', 4, 6)),
    ('array-close-brace', 'x = [}]', ('missing inline table opening, expected `{`', 4, 6)),
    ('stray-close-bracket-value', 'x = ]', ('missing array opening, expected `[`', 4, 5)),
    ('stray-close-brace-value', 'x = }', ('missing inline table opening, expected `{`', 4, 5)),
    ('array-extra-close', 'x = [1]]', ('unexpected key or value, expected newline, `#`', 4, 8)),
    ('value-after-array', 'x = [1] 2', ('unexpected key or value, expected newline, `#`', 4, 9)),
    (
        'inline-missing-comma',
        'x = {a=1 b=2}',
        ('extra assignment between key-value pairs, expected `,`', 4, 11),
    ),
    ('inline-unclosed', 'x = {', ('unclosed inline table, expected `}`', 4, 6)),
    ('inline-unclosed-after-value', 'x = {a = 1', ('unclosed inline table, expected `}`', 4, 11)),
    ('inline-unclosed-newline', 'x = {a = 1\n', ('unclosed inline table, expected `}`', 4, 12)),
    ('inline-missing-eq', 'x = {a b}', ('missing assignment between key-value pairs, expected `=`', 4, 8)),
    (
        'inline-key-then-bracket',
        'x = {a [}',
        ('missing assignment between key-value pairs, expected `=`', 4, 8),
    ),
    ('inline-close-bracket', 'x = {]}', ('invalid inline table element, expected key', 4, 6)),
    (
        'inline-empty-key',
        'x = {= 1}',
        ('unquoted keys cannot be empty, expected letters, numbers, `-`, `_`', 4, 6),
    ),
    ('two-keyvals-one-line', 'x = 1 y = 2', ('unexpected key or value, expected newline, `#`', 4, 9)),
    ('empty-bare-key', '= 1', ('unquoted keys cannot be empty, expected letters, numbers, `-`, `_`', 4, 1)),
    ('dot-key', '. = 1', ('unquoted keys cannot be empty, expected letters, numbers, `-`, `_`', 4, 1)),
    ('stray-comma', ',', ('invalid key-value pair, expected key', 4, 1)),
    ('stray-brace', '{', ('invalid key-value pair, expected key', 4, 1)),
    (
        'control-in-basic',
        'x = "a\x01b"',
        ('invalid basic string, expected non-double-quote visible characters, `\\`', 4, 7),
    ),
    (
        'control-in-literal',
        "x = 'a\x01b'",
        ('invalid literal string, expected non-single-quote visible characters', 4, 7),
    ),
    (
        'control-in-ml-basic',
        'x = """a\x01b"""',
        ('invalid multi-line basic string, expected `\\`, characters', 4, 9),
    ),
    (
        'control-in-ml-literal',
        "x = '''a\x01b'''",
        ('invalid multi-line literal string, expected non-single-quote characters', 4, 9),
    ),
    ('control-in-comment', '# a\x01b', ('invalid comment character, expected printable characters', 4, 4)),
    ('del-in-comment', 'x = 1 # a\x7fb', ('invalid comment character, expected printable characters', 4, 10)),
    ('nul-in-comment', '# a\x00', ('invalid comment character, expected printable characters', 4, 4)),
    (
        'cr-in-basic',
        'x = "a\rb"',
        ('invalid basic string, expected non-double-quote visible characters, `\\`', 4, 7),
    ),
    (
        'del-in-basic',
        'x = "a\x7fb"',
        ('invalid basic string, expected non-double-quote visible characters, `\\`', 4, 7),
    ),
    (
        'lone-cr-after-value',
        'x = 1\ry = 2',
        ('carriage return must be followed by newline, expected newline', 4, 7),
    ),
    ('lone-cr-in-comment', '# a\rb', ('carriage return must be followed by newline, expected newline', 4, 5)),
    (
        'lone-cr-in-ml-basic',
        'x = """a\rb"""',
        ('carriage return must be followed by newline, expected newline', 4, 10),
    ),
    ('lone-cr-line', '\r', ('carriage return must be followed by newline, expected newline', 4, 2)),
    (
        'control-in-array-comment',
        'x = [\n# \x01\n]',
        ('invalid comment character, expected printable characters', 5, 3),
    ),
    ('bad-month', 'x = 1979-13-01', ('invalid date, expected month between 01 and 12', 4, 5)),
    ('bad-day', 'x = 1979-02-30', ('invalid date, expected day between 01 and 28', 4, 5)),
    ('not-leap', 'x = 1900-02-29', ('invalid date, expected day between 01 and 28', 4, 5)),
    ('bad-hour', 'x = 1979-05-27T25:00:00', ('invalid time, expected hour between 00 and 23', 4, 5)),
    ('bad-minute', 'x = 07:60:00', ('invalid time, expected minute between 00 and 59', 4, 5)),
    (
        'bad-offset',
        'x = 1979-05-27T07:32:00+25:00',
        ('invalid offset, expected hours between 00 and 23', 4, 5),
    ),
    ('date-t-no-time', 'x = 1979-05-27T', ('invalid time, expected hour', 4, 5)),
    ('one-digit-month', 'x = 1979-5-27', ('invalid date, expected a two-digit month (MM)', 4, 5)),
    ('date-junk', 'x = 1979-05-27X', ('invalid date-time, expected `T` between date and time', 4, 5)),
    ('datetime-trailing', 'x = 1979-05-27T07:32:00Zx', ('invalid datetime', 4, 5)),
    (
        'datetime-space-z',
        'x = 1979-05-27T07:32:00 Z',
        ('invalid offset, expected `Z`, +OFFSET, -OFFSET', 4, 5),
    ),
    ('one-digit-hour', 'x = 7:32:00', ('invalid time, expected a two-digit hour (HH)', 4, 5)),
    ('datetime-dot-no-fraction', 'x = 1979-05-27T07:32:00.', ('invalid time, expected nanosecond', 4, 5)),
    ('non-ascii-key', 'é = 1', ('invalid unquoted key, expected letters, numbers, `-`, `_`', 4, 1)),
    ('non-ascii-in-key', 'aé = 1', ('invalid unquoted key, expected letters, numbers, `-`, `_`', 4, 2)),
    (
        'bom-not-at-start',
        'x = 1\n\ufeffy = 2',
        ('invalid unquoted key, expected letters, numbers, `-`, `_`', 5, 1),
    ),
    ('array-nesting-limit', NEST_81_ARRAYS, ('cannot recurse further; max recursion depth met', 4, 85)),
    ('inline-nesting-limit', NEST_81_INLINE, ('cannot recurse further; max recursion depth met', 4, 405)),
    ('dotted-key-limit', DOTTED_81, ('recursion limit', None, None)),
    (
        'syntax-error-ranks-first',
        'x = "\\q"\ny = [1 2]',
        ('missing escaped value, expected `b`, `e`, `f`, `n`, `r`, `\\`, `"`, `x`, `u`, `U`', 4, 7),
    ),
    (
        'aot-error-reported-at-next-header',
        '[a]\n[[a]]\nx = "\\q"',
        ('missing escaped value, expected `b`, `e`, `f`, `n`, `r`, `\\`, `"`, `x`, `u`, `U`', 6, 7),
    ),
    ('overflow-ranks-last', 'x = 1e400\nx = 1', ('duplicate key', 5, 1)),
    ('dup-then-syntax', 'x = 1\nx = 2\ny = [1 2]', ('duplicate key', 5, 1)),
    ('crlf-unclosed-basic', 'x = "abc\r\n', ('invalid basic string, expected `"`', 4, 10)),
    ('crlf-unclosed-array', 'x = [1\r\n', ('unclosed array, expected `]`', 4, 8)),
    ('crlf-dup', '[a]\r\nb = 1\r\nb = 2\r\n', ('duplicate key', 6, 1)),
    ('ok-dotted-then-subtable', '[t]\nx.y = 1\n[t.x.z]', None),
    ('ok-super-table-after', '[t.x.y]\n[t.x]', None),
    ('ok-aot-subtables', '[[t]]\n[t.x]\n[[t]]\n[t.x]', None),
    ('ok-inline-newlines-trailing-comma', '[t]\nx = {\na = 1,\nb = 2,\n}', None),
    ('ok-inline-trailing-comma', 'x = { a = 1, }', None),
    ('ok-inline-comment', 'x = { # c\na = 1 }', None),
    ('ok-inline-key-without-value', 'x = {a}', None),
    ('ok-inline-key-eq-no-value', 'x = {a = }', None),
    ('ok-toml-1.1-escapes', 'x = "\\e\\x41"', None),
    ('ok-time-without-seconds', 'x = 07:32', None),
    ('ok-datetime-without-seconds', 'x = 1979-05-27T07:32', None),
    ('ok-u64', 'x = 9223372036854775808', None),
    ('ok-i128', 'x = -9223372036854775809', None),
    ('ok-u128-max', 'x = 340282366920938463463374607431768211455', None),
    ('ok-non-ascii-comment', '# é ☃ 😀', None),
    ('ok-line-separator-in-string', 'x = "a\u2028b"', None),
    ('ok-array-comment', 'x = [\n  1, # one\n  2,\n]', None),
    ('ok-leap-day', 'x = 2024-02-29', None),
    ('ok-dotted-keys-extend', '[t]\na.b = 1\na.c = 2', None),
    ('ok-crlf', '[a]\r\nb = 1\r\n', None),
]


@pytest.mark.parametrize(
    "fragment, expected", [pytest.param(f, e, id=i) for i, f, e in INVALID]
)
def test_first_error_as_cargo_prints_it(fragment, expected):
    got = first_error(PACKAGE_PREFIX + fragment)
    if expected is not None and expected[1] is None:  # cargo gives no position
        assert got is not None and got[0] == expected[0]
    else:
        assert got == expected


def test_errors_are_sorted_the_way_cargo_ranks_them():
    # toml checks the syntax of the whole file before values and tables, and number ranges last.
    text = 'a = 1e400\nb = "\\q"\nb = 2\nc = ["x" "y"]\n'
    doc = parse(text)
    assert [e.message for e in doc.errors] == [
        "missing comma between array elements, expected `,`",
        "missing escaped value, expected `b`, `e`, `f`, `n`, `r`, `\\`, `\"`, `x`, `u`, `U`",
        "floating-point number overflowed",
    ]


def _cargo_env(home: str) -> dict:
    env = {k: os.environ[k] for k in ("PATH", "HOME", "TMPDIR", "RUSTUP_HOME", "RUSTUP_TOOLCHAIN") if k in os.environ}
    env["CARGO_HOME"] = home
    return env


def _cargo_first_error(cargo: str, root: Path, text: str, env: dict):
    """cargo's (message, line, column) for a manifest, or None when it reads it."""
    root.mkdir(parents=True)
    (root / "src").mkdir()
    (root / "src" / "lib.rs").write_text("")
    (root / "Cargo.toml").write_bytes(text.encode("utf-8"))
    proc = subprocess.run(
        [cargo, "metadata", "--no-deps", "--offline", "--format-version", "1"],
        cwd=root,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    message = re.search(r"^error: (.*)$", proc.stderr, re.M)
    if message is None:
        assert proc.returncode == 0, proc.stderr
        return None
    where = re.search(r"^ *--> Cargo\.toml:(\d+):(\d+)", proc.stderr, re.M)
    return (message.group(1), int(where.group(1)), int(where.group(2))) if where else (message.group(1), None, None)


_JUNK = ["", " ", "=", ",", ".", "[", "]", "{", "}", "#", '"', "'", "\\", "\n", "\r\n", "\r", "_", "+", "e", "0",
         "é", "\x01", "\x7f", '"""', "'''", " = ", "\\u", ":", "T"]  # fmt: skip
_FUZZ_VALUES = ["1", "-2", "1.5", "1e5", "0x1F", "inf", "true", '"s\\n"', "'lit'", '"""m\nl"""', "'''ml'''",
                "1979-05-27", "07:32:00", "[]", "[1, 2]", '["a", "b",]', "{}", "{ x = 1 }", "{ x.y = 1, x.z = 2 }",
                "[{ x = 1 }, {}]", "[[1], [\"a\"]]"]  # fmt: skip
_FUZZ_KEYS = ["a", "b", "a.b", '"q"', "'l'", "a . b", "t", "1", "a-b", '""', "x.y.z"]
_FUZZ_HEADERS = ["[t]", "[t.a]", "[[u]]", "[u.v]", "[ t . b ]", '["t".c]', "[[u.w]]", "[t.x]"]


def damaged_documents(seed: int, count: int) -> list[str]:
    """Small documents of keys cargo ignores, damaged at random (a char deleted, inserted, replaced)."""
    rnd = random.Random(seed)
    docs = []
    for _ in range(count):
        lines = []
        for _ in range(rnd.randint(1, 6)):
            if rnd.random() < 0.2:
                lines.append(rnd.choice(_FUZZ_HEADERS))
            else:
                lines.append(f"{rnd.choice(_FUZZ_KEYS)} = {rnd.choice(_FUZZ_VALUES)}")
        text = "\n".join(lines) + rnd.choice(["", "\n"])
        for _ in range(rnd.choice([1, 1, 2, 3])):
            i = rnd.randint(0, len(text))
            op = rnd.random()
            if op < 0.4:
                text = text[:i] + text[i + 1 :]
            elif op < 0.8:
                text = text[:i] + rnd.choice(_JUNK) + text[i:]
            else:
                text = text[:i] + rnd.choice(_JUNK) + text[i + 2 :]
        docs.append(text)
    return docs


@pytest.mark.cargo
def test_first_error_matches_the_installed_cargo(tmp_path):
    cargo = shutil.which("cargo")
    if cargo is None:
        pytest.skip("cargo is not on PATH (shutil.which('cargo') is None): no oracle to ask")
    fragments = [(i, f) for i, f, _ in INVALID] + [
        (f"random-{n}", f) for n, f in enumerate(damaged_documents(seed=20260522, count=150))
    ]
    home = tempfile.mkdtemp(prefix="cargo-home-")  # empty: no user config; not above tmp_path
    env = _cargo_env(home)
    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            answers = list(
                pool.map(lambda c: _cargo_first_error(cargo, tmp_path / c[0], PACKAGE_PREFIX + c[1], env), fragments)
            )
    finally:
        shutil.rmtree(home, ignore_errors=True)
    mismatches = []
    for (case_id, fragment), answer in zip(fragments, answers):
        ours = first_error(PACKAGE_PREFIX + fragment)
        if answer is not None and answer[1] is None:  # no position from cargo: compare the text
            ours = ours and (ours[0], None, None)
        if ours != answer:
            mismatches.append((case_id, fragment, answer, ours))
    assert mismatches == []
    # And the recorded table still says what this cargo says.
    recorded = {i: e for i, _, e in INVALID}
    stale = [(i, recorded[i], a) for (i, _), a in zip(fragments, answers) if i in recorded and recorded[i] != a]
    assert stale == []


# -- 3. recovery ---------------------------------------------------------------------------------


def test_unclosed_header_keeps_the_keys_below_it():
    doc = parse('[package]\nname = "a"\n[dependencies\nserde = "1"\nrand = "0.8"\n[dev-dependencies]\ntokio = "1"\n')
    assert [e.message for e in doc.errors] == ["unclosed table, expected `]`"]
    assert doc.to_python() == {
        "package": {"name": "a"},
        "dependencies": {"serde": "1", "rand": "0.8"},
        "dev-dependencies": {"tokio": "1"},
    }


def test_bad_array_item_keeps_the_others():
    doc = parse('[workspace]\nmembers = [ "a", b, "c" ]\nresolver = "2"\n')
    assert [(e.message, doc.text[e.span[0] : e.span[1]]) for e in doc.errors] == [
        ("string values must be quoted, expected literal string", "b")
    ]
    assert doc.to_python() == {"workspace": {"members": ["a", "c"], "resolver": "2"}}


def test_missing_comma_in_multiline_array_keeps_every_item():
    doc = parse('members = [\n  "a",\n  "b"\n  "c",\n]\nresolver = "2"\n')
    assert len(doc.errors) == 1
    assert doc.to_python() == {"members": ["a", "b", "c"], "resolver": "2"}


def test_unclosed_string_keeps_the_other_dependencies():
    text = '[dependencies]\nserde = "1\nrand = "0.8"\ntokio = { version = "1", features = ["full"] }\n'
    doc = parse(text)
    assert [e.message for e in doc.errors] == ['invalid basic string, expected `"`']
    assert doc.to_python() == {"dependencies": {"rand": "0.8", "tokio": {"version": "1", "features": ["full"]}}}


def test_bad_entry_in_inline_table_keeps_the_rest():
    doc = parse('[dependencies]\nserde = { version = "1", features = [derive], optional = true }\nrand = "0.8"\n')
    assert len(doc.errors) == 1
    # the array keeps its good items: none here
    assert doc.to_python() == {"dependencies": {"serde": {"version": "1", "features": [], "optional": True}, "rand": "0.8"}}


def test_value_running_to_the_end_of_the_file_stops_at_the_next_header():
    # cargo reads the rest of the file as part of the array (and reports one error); we restart
    # at the header line inside it, and what we then find ranks after that one error.
    text = 'members = [\n  "a",\n  "b",\n\n[dependencies]\nserde = "1"\nx = "\\q"\n'
    doc = parse(text)
    assert first_error(text) == ("missing comma between array elements, expected `,`", 6, 1)
    assert doc.to_python() == {"members": ["a", "b"], "dependencies": {"serde": "1"}}
    assert len(doc.errors) == 2
    text = 'description = """\nsome text\n[dependencies]\nserde = "1"\n'
    doc = parse(text)
    assert [e.message for e in doc.errors] == ['invalid multi-line basic string, expected `"`']
    assert doc.to_python() == {"dependencies": {"serde": "1"}}


def test_one_error_per_damaged_statement():
    # toml reports an error per missing comma here; a damaged statement reports its first only.
    for text in ("x = [1 2 3 4]\n", "x = { a = 1 b = 2 c = 3 }\n", "x = [b, c, d]\n", "x = 1 2 3 4\n", "[a b c]\n"):
        assert len(parse(text).errors) == 1, text
    text = 'a = "\\q"\nb = 2\nc = "\\q"\n'  # separate statements, separate errors
    doc = parse(text)
    assert [e.span[0] for e in doc.errors] == [text.index("q"), text.rindex("q")]
    assert doc.to_python() == {"b": 2}


def test_duplicate_header_keeps_reading_into_the_first_table():
    doc = parse("[dependencies]\na = 1\n[dependencies]\nb = 2\n[features]\nc = []\n")
    assert [e.message for e in doc.errors] == ["duplicate key"]
    assert doc.to_python() == {"dependencies": {"a": 1, "b": 2}, "features": {"c": []}}


def test_bad_header_key_keeps_its_keys_out_of_the_tree():
    doc = parse('[a]\nx = 1\n[a.]\ny = 2\n[b]\nz = 3\n')
    assert len(doc.errors) == 1
    assert doc.to_python() == {"a": {"x": 1}, "b": {"z": 3}}


# -- 4. spans ------------------------------------------------------------------------------------

SPAN_TEXT = (
    '[package]\nname = "demo"\n"quoted\\tkey" = \'lit\'\na . b.c = true\n'
    "[target.'cfg(any())'.dependencies]\n"
    'serde = { version = "1", features = ["derive", "rc"], x.y = 1 }\n'
    "[[bin]]\nname = \"x\"\n[[bin]]\npath = '''\nsrc/b.rs'''\n"
)


def _sl(span):
    return SPAN_TEXT[span[0] : span[1]]


def test_spans_of_keys_values_and_headers():
    doc = parse(SPAN_TEXT)
    assert doc.errors == []
    name = doc.lookup(("package", "name"))
    assert (_sl(name.key_span), _sl(name.span)) == ("name", '"demo"')
    quoted = doc.lookup(("package", "quoted\tkey"))
    assert (_sl(quoted.key_span), _sl(quoted.span)) == ('"quoted\\tkey"', "'lit'")
    a, b, c = (doc.lookup(("package", "a")), doc.lookup(("package", "a", "b")), doc.lookup(("package", "a", "b", "c")))
    assert (_sl(a.key_span), _sl(b.key_span), _sl(c.key_span), _sl(c.span)) == ("a", "b", "c", "true")
    deps = doc.lookup(("target", "cfg(any())", "dependencies"))
    assert _sl(deps.header_span) == "[target.'cfg(any())'.dependencies]"
    assert [(name, _sl(span)) for name, span in deps.header_keys] == [
        ("target", "target"),
        ("cfg(any())", "'cfg(any())'"),
        ("dependencies", "dependencies"),
    ]
    assert _sl(doc.lookup(("target",)).key_span) == "target"
    serde = deps.get("serde")
    assert (_sl(serde.key_span), _sl(serde.span)) == ("serde", '{ version = "1", features = ["derive", "rc"], x.y = 1 }')
    version = serde.get("version")
    assert (_sl(version.key_span), _sl(version.span)) == ("version", '"1"')
    features = serde.get("features")
    assert _sl(features.span) == '["derive", "rc"]'
    assert [_sl(i.span) for i in features.items] == ['"derive"', '"rc"']
    x = serde.get("x")
    assert (_sl(x.key_span), _sl(x.span)) == ("x", 'x.y = 1 }')
    assert _sl(x.get("y").span) == "1"
    bins = doc.lookup(("bin",))
    assert isinstance(bins, ArrayOfTables) and len(bins.tables) == 2
    assert [_sl(t.header_span) for t in bins.tables] == ["[[bin]]", "[[bin]]"]
    path = doc.lookup(("bin", 1, "path"))
    assert (_sl(path.span), path.value) == ("'''\nsrc/b.rs'''", "src/b.rs")


def test_span_of_each_at():
    doc = parse(SPAN_TEXT)
    cases = [
        (("package", "name"), "value", '"demo"'),
        (("package", "name"), "key", "name"),
        (("package", "name"), "table", '"demo"'),
        (("package",), "value", "[package]"),
        (("package",), "key", "package"),
        (("package",), "table", "[package]"),
        (("package", "missing"), "value", "[package]"),
        (("package", "missing"), "key", "[package]"),
        (("package", "a"), "value", "a"),
        (("package", "a", "b", "c"), "value", "true"),
        (("package", "a", "b", "missing"), "value", "b"),
        (("target", "cfg(any())", "dependencies"), "table", "[target.'cfg(any())'.dependencies]"),
        (("target", "cfg(any())", "dependencies", "serde", "version"), "key", "version"),
        (("target", "cfg(any())", "dependencies", "serde", "features", 1), "value", '"rc"'),
        (("target", "cfg(any())", "dependencies", "serde", "nope"), "value", "serde"),
        (("bin", 0, "name"), "value", '"x"'),
        (("bin", 0), "table", "[[bin]]"),
        (("bin", 1, "missing"), "value", "[[bin]]"),
    ]
    got = [(path, at, _sl(doc.span_of(path, at))) for path, at, _ in cases]
    assert got == [(path, at, want) for path, at, want in cases]
    assert doc.span_of(("nothing", "here")) is None
    assert doc.span_of(()) is None


def test_span_of_error_positions():
    text = '[a]\nx = 1\n"x" = 2\n[a]\n'
    doc = parse(text)
    assert [(e.message, text[e.span[0] : e.span[1]]) for e in doc.errors] == [("duplicate key", '"x"'), ("duplicate key", "a")]


def test_lookup_and_walk():
    doc = parse("[[a]]\nb = [1, {c = 2}]\n[[a]]\n[d.e]\n")
    assert doc.lookup(("a", 0, "b", 1, "c")).value == 2
    assert doc.lookup(("a", -1)) is doc.lookup(("a", 1))
    assert doc.lookup(("a", 2)) is None and doc.lookup(("a", 0, "b", 0, "x")) is None
    assert [p for p, _ in walk(doc.root)] == [("a",), ("a", 0), ("a", 0, "b"), ("a", 1), ("d",), ("d", "e")]


# -- 5. robustness -------------------------------------------------------------------------------


def _many_dependencies(size: int) -> tuple[str, int]:
    lines = ['[package]\nname = "big"\nversion = "0.1.0"\n[dependencies]\n']
    total, count = 0, 0
    while total < size:
        line = f'dep-{count} = {{ version = "1.0.{count}", features = ["a", "b"], optional = true }}\n'
        lines.append(line)
        total += len(line)
        count += 1
    return "".join(lines), count


def test_ten_megabyte_manifest():
    text, count = _many_dependencies(10_000_000)
    doc, seconds = timed(parse, text)
    assert doc.errors == [] and len(doc.root.get("dependencies").entries) == count
    assert seconds < 10


def test_value_swallowing_a_big_file():
    text, count = _many_dependencies(1_000_000)
    for opening in ("x = [\n", "x = {\n", 'x = """\n', "x = [1 2\n"):
        doc, seconds = timed(parse, opening + text)
        assert len(doc.errors) == 1 and len(doc.root.get("dependencies").entries) == count
        assert seconds < 5


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("x = " + "[" * 100_000, id="arrays"),
        pytest.param("[" * 100_000, id="headers"),
        pytest.param("x = " + "{a=" * 100_000, id="inline-tables"),
        pytest.param("x = " + "[{a=" * 50_000, id="mixed"),
        pytest.param("x = [" + "[{}, " * 50_000, id="wide"),
        pytest.param("a." * 100_000 + "a = 1", id="dotted-key"),
        pytest.param("[" + "a." * 100_000 + "a]", id="dotted-header"),
        pytest.param("x = " + "-" * 100_000 + "1", id="signs"),
        pytest.param("x = " + "= " * 100_000, id="equals"),
    ],
)
def test_deep_nesting_is_refused_not_recursed(text):
    doc, seconds = timed(parse, text)
    assert doc.errors
    assert seconds < 5
    check_invariants(text, doc)


def test_nesting_limit_is_cargos():
    ok = "x = " + "[" * MAX_DEPTH + "]" * MAX_DEPTH
    assert parse(ok).errors == []
    too_deep = "x = " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1)
    assert [(e.message, e.span[0]) for e in parse(too_deep).errors] == [
        ("cannot recurse further; max recursion depth met", 4 + MAX_DEPTH)
    ]


def test_deep_tree_from_dotted_keys_converts_without_recursion():
    # Dotted keys inside nested inline tables build a tree far deeper than the nesting limit.
    key = ".".join(["k"] * (MAX_DEPTH - 1))
    text = "x = " + f"{{{key} = " * (MAX_DEPTH - 1) + "1" + "}" * (MAX_DEPTH - 1)
    doc = parse(text)
    assert doc.errors == []
    value, depth = doc.to_python()["x"], 0
    while isinstance(value, dict):
        value, depth = value["k"], depth + 1
    assert (value, depth) == (1, (MAX_DEPTH - 1) ** 2)
    assert sum(1 for _ in walk(doc.root)) == depth + 1


def test_five_megabyte_line():
    text = 'description = "' + "a" * 5_000_000 + '"\n'
    doc, seconds = timed(parse, text)
    assert doc.errors == [] and len(doc.root.get("description").value) == 5_000_000
    assert seconds < 5
    doc, seconds = timed(parse, 'x = "' + "\\n" * 1_000_000)  # unclosed, a million escapes
    assert len(doc.errors) == 1 and seconds < 10


def test_random_bytes():
    rnd = random.Random(7)
    for size in (10, 1000, 200_000):
        text = bytes(rnd.randrange(256) for _ in range(size)).decode("latin-1")
        doc, seconds = timed(parse, text)
        check_invariants(text, doc)
        assert seconds < 5


def test_nul_characters():
    for text in ("x = 1\x00\n", "\x00" * 1000, 'x = "\x00"', "# \x00\n[a\x00]\n", "x\x00 = 1", '"\x00" = 1'):
        doc = parse(text)
        assert doc.errors, repr(text)
        check_invariants(text, doc)
    assert parse('x = "\\u0000"').to_python() == {"x": "\x00"}


def test_lone_surrogates_do_not_crash():
    for text in ('x = "\ud800"', "\udfff = 1", "# \ud800\n", "x = '''\ud800'''", 'x = ["\ud800", 1 \ud800]', "[\ud800]"):
        check_invariants(text, parse(text))
    assert parse('x = "a\ud800b"').to_python() == {"x": "a\ud800b"}


@pytest.mark.skipif(not CORPUS, reason=f"no corpus at {CORPUS_DIR}")
def test_every_prefix_of_a_manifest():
    path = CORPUS_DIR / "helix-editor__helix" / "helix-term" / "Cargo.toml"
    text = path.read_text(encoding="utf-8") if path.is_file() else CORPUS[0].read_text(encoding="utf-8")
    start = time.perf_counter()
    for end in range(len(text) + 1):
        prefix = text[:end]
        check_invariants(prefix, parse(prefix))
    assert time.perf_counter() - start < 20


@pytest.mark.skipif(not CORPUS, reason=f"no corpus at {CORPUS_DIR}")
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_mutated_corpus_manifests_never_raise(data):
    path = data.draw(st.sampled_from(CORPUS[:200]))
    text = path.read_text(encoding="utf-8")
    for _ in range(data.draw(st.integers(1, 3))):
        at = data.draw(st.integers(0, len(text)))
        if data.draw(st.booleans()) and text:
            text = text[:at] + text[at + 1 :]
        else:
            text = text[:at] + data.draw(st.sampled_from(list("[]{}=,.\"'#\\\n\r\t x0_-") + ['"""', "'''"])) + text[at:]
    check_invariants(text, parse(text))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list("ab1[]{}=,.\"'#\\\n\r\t -_+:eE") + ['"""', "'''", "true", "\x01"]), max_size=40).map("".join))
def test_arbitrary_text_never_raises(text):
    check_invariants(text, parse(text))


def test_parse_is_linear():
    unit = '[t]\na = [1, { b = "c" }]\nd = "\\u00e9"\n# note\n'
    small, big = unit * 2_000, unit * 20_000
    _, t_small = timed(parse, small)
    _, t_big = timed(parse, big)
    assert t_big < 10 * t_small * 3 + 0.5  # ten times the text, well under a hundred times the time
