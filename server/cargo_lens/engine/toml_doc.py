"""A tolerant TOML reader that keeps the source range of every table, key and value.

Why our own: the fast Python TOML parsers keep no positions and stop at the first error; tomlkit
keeps no public positions and is ~30x slower (figures in the README). Manifests are edited while
broken, so this reader records a syntax error, skips the damaged statement (or array item) and
goes on, so the rest of the file still feeds the analysis.

The accepted language is what cargo's `toml` crate accepts (TOML 1.0 plus the 1.1 relaxations it
already implements: newlines and a trailing comma inside inline tables; a table made by dotted
keys may be reopened by a header). Error texts are toml_edit's, so the CLI can print what cargo
prints. Offsets are code-point offsets into the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterator

Span = tuple[int, int]

# -- the tree ----------------------------------------------------------------------------------


class Item:
    """A value in the tree. ``span`` is the value's own text; ``key_span`` is the key naming it."""

    __slots__ = ("span", "key_span")
    kind = "item"

    def __init__(self, span: Span, key_span: Span | None = None):
        self.span = span
        self.key_span = key_span

    def to_python(self) -> Any:  # pragma: no cover - overridden
        raise NotImplementedError


class Scalar(Item):
    __slots__ = ("value", "kind")

    def __init__(self, kind: str, value: Any, span: Span, key_span: Span | None = None):
        super().__init__(span, key_span)
        self.kind = kind  # "string" | "integer" | "float" | "boolean" | "datetime"
        self.value = value

    def to_python(self) -> Any:
        return self.value

    def __repr__(self) -> str:
        return f"Scalar({self.kind}, {self.value!r})"


class TomlDatetime(str):
    """A date/time value, kept as its text: manifests never need the parsed value."""


class Array(Item):
    __slots__ = ("items",)
    kind = "array"

    def __init__(self, items: list[Item], span: Span, key_span: Span | None = None):
        super().__init__(span, key_span)
        self.items = items

    def to_python(self) -> list:
        return [i.to_python() for i in self.items]


class Table(Item):
    """A table. ``origin`` says how it came to be, which decides what may extend it later."""

    __slots__ = ("entries", "origin", "header_span", "header_keys")
    kind = "table"

    def __init__(self, origin: str, span: Span, key_span: Span | None = None):
        super().__init__(span, key_span)
        self.entries: dict[str, Item] = {}
        self.origin = origin  # root | header | implicit | dotted | inline
        self.header_span: Span | None = None  # the whole `[a.b]` line part, for header tables
        self.header_keys: list[tuple[str, Span]] = []  # each segment of the header, with its span

    def get(self, key: str, default: Any = None) -> Any:
        return self.entries.get(key, default)

    def __contains__(self, key: str) -> bool:
        return key in self.entries

    def to_python(self) -> dict:
        return {k: v.to_python() for k, v in self.entries.items()}


class ArrayOfTables(Item):
    __slots__ = ("tables",)
    kind = "array-of-tables"

    def __init__(self, span: Span, key_span: Span | None = None):
        super().__init__(span, key_span)
        self.tables: list[Table] = []

    def to_python(self) -> list:
        return [t.to_python() for t in self.tables]


@dataclass(frozen=True)
class TomlError:
    message: str
    span: Span


@dataclass
class TomlDocument:
    text: str
    root: Table
    errors: list[TomlError] = field(default_factory=list)

    def lookup(self, path: tuple) -> Item | None:
        """The item at a key path; ints index arrays and arrays of tables."""
        node: Item | None = self.root
        for part in path:
            if isinstance(part, int):
                if isinstance(node, ArrayOfTables):
                    node = node.tables[part] if -len(node.tables) <= part < len(node.tables) else None
                elif isinstance(node, Array):
                    node = node.items[part] if -len(node.items) <= part < len(node.items) else None
                else:
                    return None
            elif isinstance(node, Table):
                node = node.entries.get(part)
            else:
                return None
            if node is None:
                return None
        return node

    def span_of(self, path: tuple, at: str = "value") -> Span | None:
        """Best span for a key path: the value, the key, or (for tables) the header."""
        probe = tuple(path)
        while probe:
            item = self.lookup(probe)
            if item is not None:
                if isinstance(item, Table) and item.header_span and (at == "table" or probe != tuple(path)):
                    return item.header_span
                if at == "key" or (probe != tuple(path)):
                    return item.key_span or item.span
                if isinstance(item, Table) and item.origin != "inline":
                    return item.header_span or item.key_span or item.span
                return item.span
            probe = probe[:-1]
        return None

    def to_python(self) -> dict:
        return self.root.to_python()


# -- the reader --------------------------------------------------------------------------------


class _Syntax(Exception):
    def __init__(self, message: str, start: int, end: int | None = None):
        super().__init__(message)
        self.message = message
        self.span = (start, end if end is not None else start)


_WS = re.compile(r"[ \t]*")
_WS_NL_COMMENT = re.compile(r"(?:[ \t\r\n]+|#[^\n]*)*")
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_SIMPLE_BASIC = re.compile(r'"([^"\\\x00-\x08\x0a-\x1f\x7f]*)"')
_SIMPLE_LITERAL = re.compile(r"'([^'\x00-\x08\x0a-\x1f\x7f]*)'")
_LINE_END = re.compile(r"[ \t]*(?:#[^\n]*)?(?:\r?\n|$)")
_TOKEN = re.compile(r"[0-9A-Za-z_+\-.:]+")
_DATETIME = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[Zz]|[+-]\d{2}:\d{2})?)?"
    r"|\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
)
_DEC_INT = re.compile(r"[+-]?(?:0|[1-9](?:_?[0-9])*)")
_FLOAT = re.compile(
    r"[+-]?(?:0|[1-9](?:_?[0-9])*)(?:\.[0-9](?:_?[0-9])*)?(?:[eE][+-]?[0-9](?:_?[0-9])*)?"
)
_PREFIXED = {
    "0x": (re.compile(r"[0-9A-Fa-f](?:_?[0-9A-Fa-f])*"), 16),
    "0o": (re.compile(r"[0-7](?:_?[0-7])*"), 8),
    "0b": (re.compile(r"[01](?:_?[01])*"), 2),
}
_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\", "e": "\x1b"}
_ESCAPE_EXPECTED = "missing escaped value, expected `b`, `e`, `f`, `n`, `r`, `\\`, `\"`, `x`, `u`, `U`"
# Nesting of arrays / inline tables beyond this is refused instead of recursing further.
MAX_DEPTH = 128


def parse(text: str) -> TomlDocument:
    """Parse ``text``; never raises. Syntax and structure errors land in ``doc.errors``."""
    return _Reader(text).run()


class _Reader:
    def __init__(self, text: str):
        if text.startswith("\ufeff"):
            text = " " + text[1:]  # keep offsets; the BOM is not content
        self.text = text
        self.n = len(text)
        self.root = Table("root", (0, 0))
        self.errors: list[TomlError] = []
        self.current = self.root
        self.depth = 0

    # -- statements --------------------------------------------------------------------------

    def run(self) -> TomlDocument:
        text, n = self.text, self.n
        pos = 0
        suppress = False  # after an error, stay quiet until a statement parses cleanly
        while pos < n:
            pos = _WS.match(text, pos).end()
            if pos >= n:
                break
            ch = text[pos]
            if ch == "\n":
                pos += 1
                continue
            if ch == "\r" and text.startswith("\r\n", pos):
                pos += 2
                continue
            if ch == "#":
                pos = self._comment(pos)
                continue
            try:
                if ch == "[":
                    pos = self._header(pos)
                else:
                    pos = self._keyval_statement(pos)
                pos = self._line_end(pos)
                suppress = False
            except _Syntax as err:
                if not suppress:
                    self.errors.append(TomlError(err.message, err.span))
                suppress = True
                pos = self._skip_line(max(pos, err.span[0]))
        return TomlDocument(self.text, self.root, self.errors)

    def _skip_line(self, pos: int) -> int:
        nl = self.text.find("\n", pos)
        return self.n if nl == -1 else nl + 1

    def _comment(self, pos: int) -> int:
        nl = self.text.find("\n", pos)
        end = self.n if nl == -1 else nl
        for i in range(pos, end):
            c = self.text[i]
            if (c < " " and c != "\t" and not (c == "\r" and i + 1 == end)) or c == "\x7f":
                raise _Syntax("invalid comment character", i, i + 1)
        return end

    def _line_end(self, pos: int) -> int:
        m = _LINE_END.match(self.text, pos)
        if m is None:
            p = _WS.match(self.text, pos).end()
            raise _Syntax("unexpected key or value, expected newline, `#`", p, p + 1)
        if "#" in m.group(0):
            self._comment(self.text.index("#", pos))
        return m.end()

    def _header(self, pos: int) -> int:
        text = self.text
        is_array = text.startswith("[[", pos)
        start = pos
        pos += 2 if is_array else 1
        pos = _WS.match(text, pos).end()
        keys, pos = self._key(pos)
        pos = _WS.match(text, pos).end()
        closing = "]]" if is_array else "]"
        if not text.startswith(closing, pos):
            what = "array of tables" if is_array else "table"
            # Lenient recovery: treat the header as closed so the keys below still land in it.
            self._open_table(keys, is_array, (start, pos))
            raise _Syntax(f"unclosed {what}, expected `{closing}`", pos, pos)
        pos += len(closing)
        self._open_table(keys, is_array, (start, pos))
        return pos

    def _open_table(self, keys: list[tuple[str, Span]], is_array: bool, span: Span) -> None:
        table = self.root
        for name, kspan in keys[:-1]:
            table = self._descend_for_header(table, name, kspan)
        name, kspan = keys[-1]
        existing = table.entries.get(name)
        if is_array:
            if existing is None:
                existing = ArrayOfTables(span, kspan)
                table.entries[name] = existing
            elif not isinstance(existing, ArrayOfTables):
                raise _Syntax("duplicate key", kspan[0], kspan[1])
            new = Table("header", span, kspan)
            new.header_span = span
            new.header_keys = keys
            existing.tables.append(new)
            self.current = new
            return
        if existing is None:
            new = Table("header", span, kspan)
            table.entries[name] = new
        elif isinstance(existing, Table) and existing.origin in ("implicit", "dotted"):
            new = existing
            new.origin = "header"
            new.span = span
            new.key_span = kspan
        else:
            raise _Syntax("duplicate key", kspan[0], kspan[1])
        new.header_span = span
        new.header_keys = keys
        self.current = new

    def _descend_for_header(self, table: Table, name: str, kspan: Span) -> Table:
        existing = table.entries.get(name)
        if existing is None:
            new = Table("implicit", kspan, kspan)
            table.entries[name] = new
            return new
        if isinstance(existing, Table) and existing.origin != "inline":
            return existing
        if isinstance(existing, ArrayOfTables) and existing.tables:
            return existing.tables[-1]
        raise _Syntax("duplicate key", kspan[0], kspan[1])

    def _keyval_statement(self, pos: int) -> int:
        return self._keyval(pos, self.current, inline=False)

    def _keyval(self, pos: int, table: Table, inline: bool) -> int:
        text = self.text
        keys, pos = self._key(pos)
        pos = _WS.match(text, pos).end()
        if pos >= self.n or text[pos] != "=":
            raise _Syntax("key with no value, expected `=`", pos, pos)
        pos = _WS.match(text, pos + 1).end()
        value, pos = self._value(pos)
        target = table
        for name, kspan in keys[:-1]:
            existing = target.entries.get(name)
            if existing is None:
                new = Table("inline-dotted" if inline else "dotted", kspan, kspan)
                target.entries[name] = new
                target = new
            elif isinstance(existing, Table) and existing.origin in ("dotted", "implicit") and not inline:
                target = existing
            elif isinstance(existing, Table) and inline and existing.origin == "inline-dotted":
                target = existing  # a dotted key inside an inline table, e.g. { a.b = 1, a.c = 2 }
            else:
                raise _Syntax("duplicate key", kspan[0], kspan[1])
        name, kspan = keys[-1]
        if name in target.entries:
            raise _Syntax("duplicate key", kspan[0], kspan[1])
        value.key_span = kspan
        target.entries[name] = value
        return pos

    def _key(self, pos: int) -> tuple[list[tuple[str, Span]], int]:
        text = self.text
        keys: list[tuple[str, Span]] = []
        while True:
            if pos >= self.n:
                raise _Syntax("unquoted keys cannot be empty, expected letters, numbers, `-`, `_`", pos, pos)
            ch = text[pos]
            if ch == '"':
                value, end = self._basic_string(pos)
            elif ch == "'":
                value, end = self._literal_string(pos)
            else:
                m = _BARE_KEY.match(text, pos)
                if m is None:
                    raise _Syntax("unquoted keys cannot be empty, expected letters, numbers, `-`, `_`", pos, pos + 1)
                value, end = m.group(0), m.end()
            keys.append((value, (pos, end)))
            pos = _WS.match(text, end).end()
            if pos < self.n and text[pos] == ".":
                pos = _WS.match(text, pos + 1).end()
                continue
            return keys, pos

    # -- values ------------------------------------------------------------------------------

    def _value(self, pos: int) -> tuple[Item, int]:
        text = self.text
        if pos >= self.n or text[pos] in "\r\n#":
            raise _Syntax("string values must be quoted, expected literal string", pos, pos)
        ch = text[pos]
        if ch == '"':
            if text.startswith('"""', pos):
                value, end = self._ml_basic_string(pos)
            else:
                value, end = self._basic_string(pos)
            return Scalar("string", value, (pos, end)), end
        if ch == "'":
            if text.startswith("'''", pos):
                value, end = self._ml_literal_string(pos)
            else:
                value, end = self._literal_string(pos)
            return Scalar("string", value, (pos, end)), end
        if ch == "[":
            return self._array(pos)
        if ch == "{":
            return self._inline_table(pos)
        return self._bare_value(pos)

    def _bare_value(self, pos: int) -> tuple[Item, int]:
        text = self.text
        m = _DATETIME.match(text, pos)
        if m is not None and (m.end() >= self.n or text[m.end()] not in "0123456789_"):
            end = m.end()
            return Scalar("datetime", TomlDatetime(m.group(0)), (pos, end)), end
        m = _TOKEN.match(text, pos)
        if m is None:
            raise _Syntax("string values must be quoted, expected literal string", pos, pos + 1)
        tok, end = m.group(0), m.end()
        span = (pos, end)
        if tok == "true" or tok == "false":
            return Scalar("boolean", tok == "true", span), end
        if tok[0].isalpha() and tok not in ("inf", "nan"):
            if "true".startswith(tok) or tok.startswith("t"):
                raise _Syntax("invalid boolean, expected `true`", pos, end)
            if "false".startswith(tok) or tok.startswith("f"):
                raise _Syntax("invalid boolean, expected `false`", pos, end)
            raise _Syntax("string values must be quoted, expected literal string", pos, end)
        return Scalar(*self._number(tok, pos), span), end

    def _number(self, tok: str, pos: int) -> tuple[str, Any]:
        body = tok.lstrip("+-")
        if body in ("inf", "nan"):
            return "float", float(tok)
        if body[:2] in _PREFIXED and tok[0] not in "+-":
            pattern, base = _PREFIXED[body[:2]]
            if pattern.fullmatch(body, 2):
                return "integer", int(body[2:].replace("_", ""), base)
        elif _DEC_INT.fullmatch(tok):
            return "integer", int(tok.replace("_", ""))
        elif _FLOAT.fullmatch(tok):
            return "float", float(tok.replace("_", ""))
        if "__" in tok or tok.endswith("_") or "_." in tok or "._" in tok:
            at = tok.find("__")
            at = at + 1 if at >= 0 else (len(tok) - 1 if tok.endswith("_") else max(tok.find("_."), tok.find("._")))
            raise _Syntax("`_` may only go between digits", pos + at, pos + at + 1)
        if len(body) > 1 and body[0] == "0" and body[1].isdigit():
            off = pos + (len(tok) - len(body))
            raise _Syntax("unexpected leading zero, expected nothing", off, off + 1)
        raise _Syntax("invalid number", pos, pos + len(tok))

    def _array(self, pos: int) -> tuple[Item, int]:
        text = self.text
        start = pos
        self._enter(pos)
        items: list[Item] = []
        pos += 1
        expect_value = True
        while True:
            pos = self._ws_comments(pos)
            if pos >= self.n:
                raise _Syntax("unclosed array, expected `]`", pos, pos)
            ch = text[pos]
            if ch == "]":
                pos += 1
                break
            if ch == ",":
                if expect_value:
                    raise _Syntax("extra comma in array, expected value", pos, pos + 1)
                expect_value = True
                pos += 1
                continue
            if not expect_value:
                raise _Syntax("unclosed array, expected `]`", pos, pos)
            try:
                value, pos = self._value(pos)
            except _Syntax as err:
                # Recover inside the array, so the other entries still count: report, then skip
                # to the next `,` or `]` on this line.
                self.errors.append(TomlError(err.message, err.span))
                pos = self._recover_in_array(max(pos, err.span[1]))
                continue
            items.append(value)
            expect_value = False
        self.depth -= 1
        return Array(items, (start, pos)), pos

    def _recover_in_array(self, pos: int) -> int:
        text = self.text
        while pos < self.n and text[pos] not in ",]\n":
            pos += 1
        if pos < self.n and text[pos] == "\n":
            pos += 1
        return pos

    def _inline_table(self, pos: int) -> tuple[Item, int]:
        text = self.text
        start = pos
        self._enter(pos)
        table = Table("inline", (start, start))
        pos += 1
        first = True
        while True:
            pos = self._ws_comments(pos)
            if pos >= self.n:
                raise _Syntax("unclosed inline table, expected `}`", pos, pos)
            if text[pos] == "}":
                pos += 1
                break
            if not first:
                if text[pos] != ",":
                    raise _Syntax("unclosed inline table, expected `}`", pos, pos)
                pos = self._ws_comments(pos + 1)
                if pos < self.n and text[pos] == "}":
                    pos += 1
                    break
            first = False
            pos = self._keyval(pos, table, inline=True)
        self.depth -= 1
        table.span = (start, pos)
        self._seal(table)
        return table, pos

    def _seal(self, table: Table) -> None:
        # Sub-tables made by dotted keys inside an inline table are inline (sealed) too.
        for v in table.entries.values():
            if isinstance(v, Table) and v.origin == "inline-dotted":
                v.origin = "inline"
                v.span = (v.key_span[0], table.span[1])
                self._seal(v)

    def _enter(self, pos: int) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            self.depth = 0
            raise _Syntax(f"nesting deeper than {MAX_DEPTH} arrays or inline tables", pos, pos + 1)

    def _ws_comments(self, pos: int) -> int:
        return _WS_NL_COMMENT.match(self.text, pos).end()

    # -- strings -----------------------------------------------------------------------------

    def _basic_string(self, pos: int) -> tuple[str, int]:
        m = _SIMPLE_BASIC.match(self.text, pos)
        if m is not None:
            return m.group(1), m.end()
        text, n = self.text, self.n
        out: list[str] = []
        i = pos + 1
        while True:
            if i >= n or text[i] in "\r\n":
                raise _Syntax("invalid basic string, expected `\"`", i, i)
            ch = text[i]
            if ch == '"':
                return "".join(out), i + 1
            if ch == "\\":
                s, i = self._escape(i)
                out.append(s)
                continue
            if (ch < " " and ch != "\t") or ch == "\x7f":
                raise _Syntax("invalid basic string, expected `\"`", i, i + 1)
            out.append(ch)
            i += 1

    def _escape(self, i: int) -> tuple[str, int]:
        text = self.text
        c = text[i + 1] if i + 1 < self.n else ""
        if c in _ESCAPES and c:
            return _ESCAPES[c], i + 2
        width = {"x": 2, "u": 4, "U": 8}.get(c)
        if width:
            digits = text[i + 2 : i + 2 + width]
            if len(digits) == width and all(d in "0123456789abcdefABCDEF" for d in digits):
                code = int(digits, 16)
                if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF:
                    return chr(code), i + 2 + width
            raise _Syntax("invalid unicode escape", i, i + 2 + width)
        raise _Syntax(_ESCAPE_EXPECTED, i + 1, i + 2)

    def _literal_string(self, pos: int) -> tuple[str, int]:
        m = _SIMPLE_LITERAL.match(self.text, pos)
        if m is not None:
            return m.group(1), m.end()
        nl = self.text.find("\n", pos)
        end = self.n if nl == -1 else nl
        if end > pos and self.text[end - 1] == "\r":
            end -= 1
        raise _Syntax("invalid literal string, expected `'`", end, end)

    def _ml_basic_string(self, pos: int) -> tuple[str, int]:
        text, n = self.text, self.n
        i = pos + 3
        if text.startswith("\r\n", i):
            i += 2
        elif text.startswith("\n", i):
            i += 1
        out: list[str] = []
        while True:
            if i >= n:
                raise _Syntax("invalid multi-line basic string, expected `\"`", n, n)
            ch = text[i]
            if ch == '"' and text.startswith('"""', i):
                extra = 0
                while extra < 2 and text.startswith('"', i + 3 + extra):
                    extra += 1
                out.append('"' * extra)
                return "".join(out), i + 3 + extra
            if ch == "\\":
                j = i + 1
                while j < n and text[j] in " \t":
                    j += 1
                if j < n and text[j] in "\r\n":  # line-ending backslash trims following whitespace
                    while j < n and text[j] in " \t\r\n":
                        j += 1
                    i = j
                    continue
                s, i = self._escape(i)
                out.append(s)
                continue
            out.append(ch)
            i += 1

    def _ml_literal_string(self, pos: int) -> tuple[str, int]:
        text = self.text
        i = pos + 3
        end = text.find("'''", i)
        if end == -1:
            raise _Syntax("invalid multi-line literal string, expected `'`", self.n, self.n)
        extra = 0
        while extra < 2 and text.startswith("'", end + 3 + extra):
            extra += 1
        body = text[i : end + extra]
        if body.startswith("\r\n"):
            body = body[2:]
        elif body.startswith("\n"):
            body = body[1:]
        return body, end + 3 + extra


def walk(table: Table, prefix: tuple = ()) -> Iterator[tuple[tuple, Item]]:
    """Every (key path, item) below ``table``, depth first, in document order."""
    for k, v in table.entries.items():
        path = prefix + (k,)
        yield path, v
        if isinstance(v, Table):
            yield from walk(v, path)
        elif isinstance(v, ArrayOfTables):
            for i, t in enumerate(v.tables):
                yield path + (i,), t
                yield from walk(t, path + (i,))
