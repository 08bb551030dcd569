"""Offsets <-> (line, character) in the encodings LSP negotiates.

The engine speaks character offsets into Python strings (code points). Editors speak lines and
columns in UTF-16 (VS Code), UTF-8 (newer Neovim) or UTF-32. Line breaks follow LSP: `\\n`, `\\r\\n`
and a lone `\\r` — not U+2028 and friends, which ``str.splitlines`` would also split at.
"""

from __future__ import annotations

import bisect
import re
from typing import Literal

Encoding = Literal["utf-8", "utf-16", "utf-32"]

_BREAK = re.compile(r"\r\n?|\n")


def _units(s: str, encoding: Encoding) -> int:
    if encoding == "utf-32" or s.isascii():
        return len(s)
    if encoding == "utf-16":
        return len(s) + sum(1 for ch in s if ord(ch) > 0xFFFF)
    return len(s.encode("utf-8", "surrogatepass"))


class LineIndex:
    """Line starts of one text, for converting offsets to positions and back."""

    __slots__ = ("text", "starts")

    def __init__(self, text: str):
        self.text = text
        starts = [0]
        if "\r" not in text:
            find = text.find
            i = find("\n")
            while i != -1:
                starts.append(i + 1)
                i = find("\n", i + 1)
        else:
            starts.extend(m.end() for m in _BREAK.finditer(text))
        self.starts = starts

    @property
    def line_count(self) -> int:
        return len(self.starts)

    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset) - 1

    def line_text(self, line: int) -> str:
        """The line without its line break."""
        start = self.starts[line]
        end = self.starts[line + 1] if line + 1 < len(self.starts) else len(self.text)
        return self.text[start:end].rstrip("\r\n")

    def position(self, offset: int, encoding: Encoding = "utf-16") -> tuple[int, int]:
        """0-based (line, character) of a code-point offset.

        Offsets out of the text are clamped to it; one between the ``\\r`` and ``\\n`` of a CRLF is
        taken as the end of its line, since LSP has no position inside a line break.
        """
        offset = max(0, min(offset, len(self.text)))
        line = self.line_of(offset)
        start = self.starts[line]
        if line + 1 < len(self.starts) and offset == self.starts[line + 1] - 1 and self.text[offset] == "\n":
            if offset > start and self.text[offset - 1] == "\r":
                offset -= 1
        return line, _units(self.text[start:offset], encoding)

    def offset(self, line: int, character: int, encoding: Encoding = "utf-16") -> int:
        """Code-point offset of an LSP position; out-of-range positions are clamped, as LSP asks."""
        if line < 0:
            return 0
        if line >= len(self.starts):
            return len(self.text)
        start = self.starts[line]
        end = self.starts[line + 1] if line + 1 < len(self.starts) else len(self.text)
        content = self.text[start:end]
        stripped = content.rstrip("\r\n")
        if encoding == "utf-32" or stripped.isascii():
            return start + max(0, min(character, len(stripped)))
        units = 0
        for i, ch in enumerate(stripped):
            width = 1
            if encoding == "utf-16" and ord(ch) > 0xFFFF:
                width = 2
            elif encoding == "utf-8":
                width = len(ch.encode("utf-8", "surrogatepass"))
            if units + width > character:
                return start + i
            units += width
        return start + len(stripped)

    def one_based(self, offset: int) -> tuple[int, int]:
        """1-based line and column (in characters), as compilers print them."""
        line, col = self.position(offset, "utf-32")
        return line + 1, col + 1
