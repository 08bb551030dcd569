"""Tests for ``cargo_lens.engine.text.LineIndex``: offsets <-> LSP positions.

LSP lines end at ``\\n``, ``\\r\\n`` or a lone ``\\r`` and nowhere else: not at U+2028/U+2029, form
feed, vertical tab, U+0085 or the file separators, where ``str.splitlines`` would also cut (the
pygls pitfall in the architecture notes). Columns count UTF-8 bytes, UTF-16 code units or code
points, as negotiated.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "server"))

from cargo_lens.engine.text import LineIndex  # noqa: E402

ENCODINGS = ("utf-8", "utf-16", "utf-32")


def reference_position(text: str, offset: int, encoding: str) -> tuple[int, int]:
    """Slow, obvious version: cut the lines the LSP way, count the units of the line's prefix."""
    offset = max(0, min(offset, len(text)))
    lines, start, i, n = [], 0, 0, len(text)  # (start, end of content, start of the next line)
    while i < n:
        width = 2 if text.startswith("\r\n", i) else 1 if text[i] in "\r\n" else 0
        if width:
            lines.append((start, i, i + width))
            start = i = i + width
        else:
            i += 1
    lines.append((start, n, n))
    for number, (begin, content_end, next_start) in enumerate(lines):
        if offset < next_start or number == len(lines) - 1:
            prefix = text[begin : min(offset, content_end)]
            if encoding == "utf-32":
                return number, len(prefix)
            if encoding == "utf-16":
                return number, len(prefix.encode("utf-16-le", "surrogatepass")) // 2
            return number, len(prefix.encode("utf-8", "surrogatepass"))
    raise AssertionError("unreachable")


def test_ascii():
    index = LineIndex("name = 1\nx = 2\n")
    assert index.line_count == 3
    assert index.position(0) == (0, 0)
    assert index.position(7) == (0, 7)
    assert index.position(9) == (1, 0)
    assert index.position(15) == (2, 0)
    assert index.offset(1, 4) == 13
    assert index.line_text(0) == "name = 1" and index.line_text(2) == ""
    assert index.one_based(13) == (2, 5)


@pytest.mark.parametrize(
    "char, units",
    [
        pytest.param("é", {"utf-8": 2, "utf-16": 1, "utf-32": 1}, id="latin"),
        pytest.param("中", {"utf-8": 3, "utf-16": 1, "utf-32": 1}, id="cjk"),
        pytest.param("😀", {"utf-8": 4, "utf-16": 2, "utf-32": 1}, id="astral"),
    ],
)
def test_non_ascii_widths(char, units):
    text = f'x = "{char}{char}"\ny'
    index = LineIndex(text)
    after_first, after_second, closing = 6, 7, 7
    for encoding, width in units.items():
        assert index.position(after_first, encoding) == (0, 5 + width)
        assert index.position(after_second, encoding) == (0, 5 + 2 * width)
        assert index.position(closing + 1, encoding) == (0, 6 + 2 * width)
        assert index.offset(0, 5 + 2 * width, encoding) == after_second
        assert index.offset(1, 0, encoding) == closing + 2
    assert index.one_based(after_second) == (1, 8)  # compilers count characters


def test_inside_a_character_snaps_to_its_start():
    index = LineIndex("a😀b")
    assert index.offset(0, 2, "utf-16") == 1  # the second half of the surrogate pair
    assert index.offset(0, 3, "utf-16") == 2
    assert [index.offset(0, c, "utf-8") for c in range(7)] == [0, 1, 1, 1, 1, 2, 3]


def test_crlf():
    text = "a = 1\r\nb = 2\r\n"
    index = LineIndex(text)
    assert index.line_count == 3
    assert index.position(7) == (1, 0)
    assert index.position(5) == (0, 5)
    assert index.position(6) == (0, 5)  # between \r and \n: the end of the line
    assert index.offset(0, 99) == 5
    assert index.line_text(0) == "a = 1"
    assert index.offset(2, 0) == len(text)


def test_lone_cr_ends_a_line():
    index = LineIndex("a\rb\r\nc\nd\r")
    assert index.starts == [0, 2, 5, 7, 9]
    assert [index.line_text(i) for i in range(5)] == ["a", "b", "c", "d", ""]
    assert index.position(2) == (1, 0)


@pytest.mark.parametrize("sep", ["\u2028", "\u2029", "\x0c", "\x0b", "\x85", "\x1c", "\x1d", "\x1e"])
def test_only_lsp_line_breaks(sep):
    text = f"# a{sep}b\nname = 1"
    assert len(text.splitlines()) == 3  # what pygls would do
    index = LineIndex(text)
    assert index.line_count == 2
    assert index.position(text.index("b")) == (0, 4)
    assert index.position(text.index("name")) == (1, 0)
    assert index.offset(1, 0) == text.index("name")


def test_positions_past_the_end_are_clamped():
    text = "ab\ncd"
    index = LineIndex(text)
    assert index.position(-5) == (0, 0)
    assert index.position(99) == (1, 2)
    assert index.offset(0, 99) == 2  # past the line end: the line end, not the next line
    assert index.offset(1, 99) == 5
    assert index.offset(7, 0) == 5
    assert index.offset(-1, 3) == 0
    assert index.offset(0, -3) == 0
    for encoding in ENCODINGS:
        assert index.offset(0, 99, encoding) == 2


def test_empty_text():
    index = LineIndex("")
    assert index.line_count == 1
    assert index.position(0) == (0, 0) and index.offset(0, 0) == 0 and index.offset(3, 3) == 0
    assert index.one_based(0) == (1, 1)


def test_lone_surrogates_do_not_crash():
    index = LineIndex("x\ud800y\nz")
    assert index.position(2, "utf-8") == (0, 4)
    assert index.position(2, "utf-16") == (0, 2)
    assert index.offset(0, 4, "utf-8") == 2


_text = st.lists(
    st.one_of(st.sampled_from(["\n", "\r\n", "\r", "\u2028", "é", "中", "😀", "a", " "]), st.characters()),
    max_size=40,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(_text)
def test_matches_the_obvious_implementation(text):
    index = LineIndex(text)
    for offset in range(len(text) + 1):
        for encoding in ENCODINGS:
            assert index.position(offset, encoding) == reference_position(text, offset, encoding), (offset, encoding)


@settings(max_examples=300, deadline=None)
@given(_text)
def test_round_trip_offset_position_offset(text):
    index = LineIndex(text)
    for offset in range(len(text) + 1):
        inside_crlf = 0 < offset < len(text) and text[offset - 1 : offset + 1] == "\r\n"
        for encoding in ENCODINGS:
            line, character = index.position(offset, encoding)
            back = index.offset(line, character, encoding)
            assert back == (offset - 1 if inside_crlf else offset), (offset, encoding)


@settings(max_examples=200, deadline=None)
@given(_text, st.integers(-2, 12), st.integers(-2, 60))
def test_round_trip_position_offset_position(text, line, character):
    index = LineIndex(text)
    for encoding in ENCODINGS:
        offset = index.offset(line, character, encoding)
        assert 0 <= offset <= len(text)
        again = index.position(offset, encoding)
        assert index.offset(*again, encoding) == offset


def test_big_text_is_fast():
    text = "key = 'value'\r\n" * 700_000  # 10 MB, CRLF
    start = time.perf_counter()
    index = LineIndex(text)
    assert index.line_count == 700_001
    assert index.position(len(text) - 3) == (699_999, 12)
    assert time.perf_counter() - start < 5
