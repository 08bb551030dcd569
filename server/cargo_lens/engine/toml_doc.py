"""A tolerant TOML reader that keeps the source range of every table, key and value.

Why our own: the fast Python TOML parsers keep no positions and stop at the first error; tomlkit
keeps no public positions and is ~30x slower (figures in the README). Manifests are edited while
broken, so this reader records a syntax error, skips the damaged statement (or array item) and
goes on, so the rest of the file still feeds the analysis.

What is accepted, and every error text and position, follow the parser cargo 1.95 is built with
(``toml`` 0.9.11 over ``toml_parser`` 1.0.6 and ``toml_datetime`` 0.7.5): TOML 1.0 plus the 1.1
parts those crates implement (newlines, comments and a trailing comma inside inline tables,
``\\e`` and ``\\xHH`` escapes, times without seconds). Values equal tomllib's on valid TOML 1.0,
including the CRLF -> LF normalisation of multi-line strings. Offsets are code-point offsets.

How: a statement (a header or a ``key = value`` line, possibly spanning lines) is first read by
a fast path that accepts only plainly valid input. Anything else is re-read by ``_Exact``, a port
of toml_parser's lexer/parser/decoders and of the table rules of toml's deserializer, which yields
cargo's errors for that statement and a best-effort value (bad array items and inline-table
entries are dropped, the rest kept). toml checks a whole document in two passes (syntax first,
then values and tables; number ranges only when cargo deserializes) and reports the first error
it meets; ``errors`` is sorted the same way, so ``errors[0]`` is the error cargo prints. Each
statement reports at most one error (the first cargo would report for it): no cascades.

Recovery beyond cargo's: a value that runs to the end of the file (an unclosed array, inline table
or multi-line string) is cut at the first table-header line inside it, and reading restarts
there; errors found after that rank after the value's own, since for cargo they are inside it.

Deliberate quirks, because cargo 1.95 has them: ``{ a }`` and ``{ a = }`` are accepted (the key is
dropped), integers up to the u128/i128 range are accepted, and a table made by dotted keys can
NOT be reopened by a ``[header]`` (``duplicate key``).
"""

from __future__ import annotations

import gc
import re
from collections import deque
from collections.abc import Iterator

from .record import Record

TYPE_CHECKING = False  # typing is not imported at run time (start-up cost)
if TYPE_CHECKING:
    from typing import Any

Span = tuple[int, int]

# Nesting of arrays / inline tables beyond this is refused, as toml's RecursionGuard does; keys
# with more than this many dots are refused too ("recursion limit"). Keeps recursion bounded.
MAX_DEPTH = 80

# -- the tree ----------------------------------------------------------------------------------


class Item:
    """A value in the tree. ``span`` is the value's own text; ``key_span`` is the key naming it."""

    __slots__ = ("span", "key_span")
    kind = "item"

    def __init__(self, span: Span, key_span: Span | None = None):
        self.span = span
        self.key_span = key_span

    def to_python(self) -> Any:
        return _to_python(self)


class Scalar(Item):
    __slots__ = ("value", "kind")

    def __init__(self, kind: str, value: Any, span: Span, key_span: Span | None = None):
        self.span = span
        self.key_span = key_span
        self.kind = kind  # "string" | "integer" | "float" | "boolean" | "datetime"
        self.value = value

    def to_python(self) -> Any:
        return self.value

    def __repr__(self) -> str:
        return f"Scalar({self.kind}, {self.value!r})"


class TomlDatetime(str):
    """A date/time value, kept as its text: manifests never need the parsed value."""

    def __new__(cls, *args, **kwargs):
        global _datetimes_made
        _datetimes_made = True
        return super().__new__(cls, *args, **kwargs)


# Whether any TomlDatetime was ever made in this process: until one is, code that converts them
# (`targets._plain`) has nothing to look for. Manifests almost never hold a date.
_datetimes_made = False


def datetimes_made() -> bool:
    return _datetimes_made


class Array(Item):
    __slots__ = ("items",)
    kind = "array"

    def __init__(self, items: list[Item], span: Span, key_span: Span | None = None):
        self.span = span
        self.key_span = key_span
        self.items = items


class Table(Item):
    """A table. ``origin`` says how it came to be, which decides what may extend it later."""

    __slots__ = ("entries", "origin", "header_span", "header_keys", "implicit")
    kind = "table"

    def __init__(self, origin: str, span: Span, key_span: Span | None = None):
        self.span = span
        self.key_span = key_span
        self.entries: dict[str, Item] = {}
        self.origin = origin  # root | header | implicit | dotted | inline
        self.header_span: Span | None = None  # the whole `[a.b]` line part, for header tables
        self.header_keys: list[tuple[str, Span]] = []  # each segment of the header, with its span
        # For inline tables: made by a dotted key inside the inline table (`{ a.b = 1 }` makes `a`).
        self.implicit = False

    def get(self, key: str, default: Any = None) -> Any:
        return self.entries.get(key, default)

    def __contains__(self, key: str) -> bool:
        return key in self.entries


class ArrayOfTables(Item):
    __slots__ = ("tables",)
    kind = "array-of-tables"

    def __init__(self, span: Span, key_span: Span | None = None):
        super().__init__(span, key_span)
        self.tables: list[Table] = []


def _to_python(item: Item) -> Any:
    """Plain Python values, built without recursion (dotted keys can nest tables deeply)."""
    if isinstance(item, Scalar):
        return item.value
    out: list = [None]
    stack: list = [(item, out, 0)]
    while stack:
        it, into, key = stack.pop()
        if isinstance(it, Scalar):
            into[key] = it.value
        elif isinstance(it, Table):
            d = dict.fromkeys(it.entries)
            into[key] = d
            for k, v in it.entries.items():
                if type(v) is Scalar:  # most entries: no trip through the stack
                    d[k] = v.value
                else:
                    stack.append((v, d, k))
        else:
            children = it.items if isinstance(it, Array) else it.tables  # type: ignore[attr-defined]
            lst = [None] * len(children)
            into[key] = lst
            stack.extend((v, lst, i) for i, v in enumerate(children))
    return out[0]


class TomlError(Record):
    __slots__ = ("message", "span")

    def __init__(self, message: str, span: Span):
        self.message = message
        self.span = span


class TomlDocument(Record):
    __slots__ = ("text", "root", "errors")
    __hash__ = None  # type: ignore[assignment]  # mutable

    def __init__(self, text: str, root: Table, errors: list[TomlError] | None = None):
        self.text = text
        self.root = root
        self.errors = [] if errors is None else errors

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
        return _to_python(self.root)


def walk(table: Table, prefix: tuple = ()) -> Iterator[tuple[tuple, Item]]:
    """Every (key path, item) below ``table``, depth first, in document order."""
    stack: list[Iterator[tuple[tuple, Item]]] = [_children(prefix, table)]
    while stack:
        for path, item in stack[-1]:
            yield path, item
            if isinstance(item, (Table, ArrayOfTables)):
                stack.append(_children(path, item))
                break
        else:
            stack.pop()


def _children(path: tuple, item: Item) -> Iterator[tuple[tuple, Item]]:
    if isinstance(item, Table):
        for k, v in item.entries.items():
            yield path + (k,), v
    else:
        for i, t in enumerate(item.tables):  # type: ignore[attr-defined]
            yield path + (i,), t


def parse(text: str) -> TomlDocument:
    """Parse ``text``; never raises. Syntax and structure errors land in ``doc.errors``."""
    if len(text) < _GC_PAUSE_SIZE or not gc.isenabled():
        return _Reader(text).run()
    # A big file makes millions of small objects, and the collector's passes over them would
    # take most of the time (3 of 5 s for 10 MB); none of them can be garbage yet.
    gc.disable()
    try:
        return _Reader(text).run()
    finally:
        gc.enable()


_GC_PAUSE_SIZE = 1 << 18


# -- shared pieces -----------------------------------------------------------------------------


class _Slow(Exception):
    """The fast path met something it does not handle; re-read the statement exactly."""


class _Bail(Exception):
    """A damaged statement goes on and on: stop reading it exactly (see ``_Exact.BUDGET``)."""

class _LazyPattern:
    """A regex compiled when first used. Most of this module's are needed only for unusual or
    damaged input, and compiling them all costs ~2 ms of every CLI start."""

    def __init__(self, pattern: str, flags: int = 0):
        self.pattern = pattern
        self.flags = flags

    def __getattr__(self, name: str):
        compiled = re.compile(self.pattern, self.flags)
        self.match, self.search = compiled.match, compiled.search  # no __getattr__ from now on
        return getattr(compiled, name)


_lazy = _LazyPattern

# Fast path.
_WS = re.compile(r"[ \t]*")
_EOL = re.compile(r"[ \t]*(?:#[^\x00-\x08\x0a-\x1f\x7f]*)?(?:\r?\n|\Z)")
_WCN = re.compile(r"(?:[ \t\n]+|\r\n|#[^\x00-\x08\x0a-\x1f\x7f]*)*")
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
# The usual statement, whole: `name = "text"` (plus blanks and a comment).
_KEY_STRING_LINE = re.compile(
    r'([A-Za-z0-9_-]+)[ \t]*=[ \t]*"([^"\\\x00-\x08\x0a-\x1f\x7f]*)"[ \t]*(?:#[^\x00-\x08\x0a-\x1f\x7f]*)?(?:\r?\n|\Z)'
)
# The next most usual one, `name.workspace = true`.
_DOTTED_BOOL_LINE = re.compile(
    r"([A-Za-z0-9_-]+)[ \t]*\.[ \t]*([A-Za-z0-9_-]+)[ \t]*=[ \t]*(true|false)[ \t]*(?:#[^\x00-\x08\x0a-\x1f\x7f]*)?(?:\r?\n|\Z)"
)
# A bare key and `=` (in a statement or an inline table).
_KEY_EQ = re.compile(r"([A-Za-z0-9_-]+)[ \t]*=[ \t]*")
# An array of plain strings, `["a", "b"]`, also over several lines when nothing but blanks,
# newlines and commas sit between the strings (then no other `"` is inside the brackets).
_STRING_ARRAY = re.compile(
    r'\[(?:[ \t\n]|\r\n)*(?:"[^"\\\x00-\x08\x0a-\x1f\x7f]*"(?:[ \t\n]|\r\n)*,(?:[ \t\n]|\r\n)*)*'
    r'(?:"[^"\\\x00-\x08\x0a-\x1f\x7f]*"(?:[ \t\n]|\r\n)*)?\]'
)
# A plain one-key table header, `[dependencies]`, and what may follow it on its line.
_SIMPLE_HEADER = re.compile(
    r"\[[ \t]*([A-Za-z0-9_-]+)[ \t]*(\])[ \t]*(?:#[^\x00-\x08\x0a-\x1f\x7f]*)?(?:\r?\n|\Z)"
)
_SEP = re.compile(r"[ \t]*([,}])")
_SIMPLE_BASIC = re.compile(r'"([^"\\\x00-\x08\x0a-\x1f\x7f]*)"')
_SIMPLE_LITERAL = re.compile(r"'([^'\x00-\x08\x0a-\x1f\x7f]*)'")
_PLAIN_INT = re.compile(r"[+-]?(?:0|[1-9][0-9]{0,17})(?=[ \t\r\n#,\]}]|\Z)")
_ATOM = r"[^.=,\[\]{} \t#\r\n\"'][^.=,\[\]{} \t#\r\n]*"
# toml_parser's scalar: atoms and dots, and atoms after blanks (`1979-05-27 07:32:00`).
_SCALAR = _lazy(rf"(?:\.|{_ATOM})(?:\.|{_ATOM}|[ \t]+{_ATOM})*")

# toml_parser's lexer.
_LEX_WS = _lazy(r"[ \t]+")
_LEX_COMMENT = _lazy(r"#[^\r\n]*")
_LEX_ATOM = _lazy(r"[^.=,\[\]{} \t#\r\n]+")
_LEX_BASIC = _lazy(r'"(?:[^"\\\n]+|\\[\\"]?)*"?')
_LEX_LITERAL = _lazy(r"'[^'\n]*'?")
_LEX_ML_BASIC_BODY = _lazy(r'(?:[^"\\]+|\\[\\"]?|""?(?!"))*')
_SINGLE = frozenset(".=,[]{}")
_STRING_KINDS = frozenset(('"', "'", '"""', "'''"))

# Decoders. The allowed sets (basic: tab, space, 0x21, 0x23-0x5b, 0x5d-0x7e, 0x80 and up;
# multi-line basic adds newline and 0x22) are written as their complements: a class spanning
# 0x80-0x10ffff takes milliseconds to compile at every start, a small negated one does not.
_BASIC_UNESCAPED = _lazy(r'[^\x00-\x08\x0a-\x1f"\\\x7f]*')
_BASIC_INVALID = _lazy(r'[\x00-\x08\x0a-\x1f"\x7f]*')  # not allowed, and not `\`
_MLB_UNESCAPED = _lazy(r"[^\x00-\x08\x0b-\x1f\\\x7f]*")
_MLB_INVALID = _lazy(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*")  # not allowed, not `\` or CR
_LITERAL_BAD = _lazy(r"[\x00-\x08\x0a-\x1f\x7f']")
_ML_LITERAL_BAD = _lazy(r"[\x00-\x08\x0b-\x1f\x7f]")
_COMMENT_BAD = _lazy(r"[\x00-\x08\x0a-\x1f\x7f]")
_KEY_BAD = _lazy(r"[^A-Za-z0-9_-]")
_HEX = frozenset("0123456789abcdefABCDEF")
_DIGITS = frozenset("0123456789")
_ESCAPES = {"b": "\b", "e": "\x1b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "\\": "\\", '"': '"'}

# Error texts (toml's: description + ", expected " + what).
_E_ESCAPE = "missing escaped value, expected `b`, `e`, `f`, `n`, `r`, `\\`, `\"`, `x`, `u`, `U`"
_E_CR = "carriage return must be followed by newline, expected newline"
_E_KEY_CHARS = "expected letters, numbers, `-`, `_`"
_E_DIGIT_SEP = "`_` may only go between digits"
_E_RECURSE = "cannot recurse further; max recursion depth met"

_I64_MIN = -(1 << 127)  # the union of what i64/u64/i128/u128 hold: what cargo's deserializer takes
_U128_MAX = (1 << 128) - 1

# Recovery: a header line inside a value that ran to the end of the file.
_KEY_PART = r"(?:[A-Za-z0-9_-]+|\"[^\"\\\n]*\"|'[^'\n]*')"
_HEADER_LINE = _lazy(
    rf"^[ \t]*\[\[?[ \t]*{_KEY_PART}(?:[ \t]*\.[ \t]*{_KEY_PART})*[ \t]*\]\]?[ \t]*(?:#[^\n]*)?\r?$",
    re.M,
)


def _ml_basic_end(text: str, p: int) -> int:
    """Where the multi-line basic string token starting at ``p`` ends (the end of the text if open)."""
    n = len(text)
    e = _LEX_ML_BASIC_BODY.match(text, p + 3).end()
    if e < n:  # at the closing quotes; up to two more belong to the string
        e += 3
        for _ in range(2):
            if e < n and text[e] == '"':
                e += 1
    return e


def _ml_literal_end(text: str, p: int) -> int:
    n = len(text)
    i = text.find("'''", p + 3)
    if i < 0:
        return n
    e = i + 3
    for _ in range(2):
        if e < n and text[e] == "'":
            e += 1
    return e


def _type_str(item: Item) -> str:
    if isinstance(item, Scalar):
        return item.kind
    if isinstance(item, Table):
        return "table"
    return "array"


# -- decoders (ports of toml_parser::decoder); they append (phase, message, offset) ------------


def _decode_basic(text: str, s: int, e: int, errs: list) -> str:
    """A basic-string token text[s:e] (opening quote included, closing one maybe not)."""
    i, end = s + 1, e
    if e - 1 > s and text[e - 1] == '"':
        end = e - 1
    else:
        errs.append((2, 'invalid basic string, expected `"`', e))
    out = []
    while i < end:
        m = _BASIC_UNESCAPED.match(text, i, end)
        out.append(m.group())
        i = m.end()
        if i >= end:
            break
        if text[i] == "\\":
            ch, i = _escape(text, i + 1, end, errs)
            out.append(ch)
        else:
            m = _BASIC_INVALID.match(text, i, end)
            errs.append((2, "invalid basic string, expected non-double-quote visible characters, `\\`", i))
            out.append(m.group())
            i = m.end()
    return "".join(out)


def _escape(text: str, i: int, end: int, errs: list) -> tuple[str, int]:
    """The escape whose letter is at ``i`` (just after the backslash)."""
    if i >= end:
        errs.append((2, _E_ESCAPE, i))
        return "\\", i
    c = text[i]
    ch = _ESCAPES.get(c)
    if ch is not None:
        return ch, i + 1
    width = 2 if c == "x" else 4 if c == "u" else 8 if c == "U" else 0
    if not width:
        errs.append((2, _E_ESCAPE, i))
        return "\\", i
    j = i + 1
    while j < end and j - i - 1 < width and text[j] in _HEX:
        j += 1
    if j - i - 1 != width:
        errs.append((2, "too few unicode value digits, expected unicode hexadecimal value", j))
        return "\ufffd", j
    code = int(text[i + 1 : j], 16)
    if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        errs.append((2, "invalid value, expected unicode hexadecimal value", i + 1))
        return "\ufffd", j
    return chr(code), j


def _decode_literal(text: str, s: int, e: int, errs: list) -> str:
    end = e
    if e - 1 > s and text[e - 1] == "'":
        end = e - 1
    else:
        errs.append((2, "invalid literal string, expected `'`", e))
    m = _LITERAL_BAD.search(text, s + 1, end)
    if m is not None:
        errs.append((2, "invalid literal string, expected non-single-quote visible characters", m.start()))
    return text[s + 1 : end]


def _strip_first_newline(text: str, i: int, e: int) -> int:
    if i < e and text[i] == "\n":
        return i + 1
    if text.startswith("\r\n", i, e):
        return i + 2
    return i


def _decode_ml_literal(text: str, s: int, e: int, errs: list) -> str:
    i = _strip_first_newline(text, s + 3, e)
    if e - i >= 3 and text.startswith("'''", e - 3, e):
        end = e - 3
    else:
        errs.append((2, "invalid multi-line literal string, expected `'`", e))
        end = e
        while end > i and text[end - 1] == "'":
            end -= 1
    body = text[i:end]
    if "\r" in body or _ML_LITERAL_BAD.search(body):
        for j in range(i, end):
            c = text[j]
            if c == "\r":
                if j + 1 >= end or text[j + 1] != "\n":
                    errs.append((2, _E_CR, j + 1))
                    break
            elif (c < " " and c not in "\t\n") or c == "\x7f":
                errs.append((2, "invalid multi-line literal string, expected non-single-quote characters", j))
                break
        body = body.replace("\r\n", "\n")
    return body


def _decode_ml_basic(text: str, s: int, e: int, errs: list) -> str:
    i = _strip_first_newline(text, s + 3, e)
    if e - i >= 3 and text.startswith('"""', e - 3, e):
        end = e - 3
    else:
        errs.append((2, 'invalid multi-line basic string, expected `"`', e))
        end = e
    out = []
    while True:
        m = _MLB_UNESCAPED.match(text, i, end)
        out.append(m.group())
        i = m.end()
        if i >= end:
            break
        c = text[i]
        if c == "\\":
            i += 1
            if i < end and text[i] in " \t\r\n":
                i = _escaped_newline(text, i, end, errs)
            else:
                ch, i = _escape(text, i, end, errs)
                out.append(ch)
        elif c == "\r":
            if i + 1 < end and text[i + 1] == "\n":
                out.append("\n")  # tomllib normalises CRLF; toml keeps it
                i += 2
            else:
                errs.append((2, _E_CR, i + 1))
                out.append("\r")
                i += 1
        else:
            m = _MLB_INVALID.match(text, i, end)
            errs.append((2, "invalid multi-line basic string, expected `\\`, characters", i))
            out.append(m.group())
            i = m.end()
    return "".join(out)


def _escaped_newline(text: str, i: int, end: int, errs: list) -> int:
    """A line-ending backslash: skip the blanks, one newline, then all blanks and newlines."""
    while i < end and text[i] in " \t":
        i += 1
    if i < end and text[i] == "\n":
        i += 1
    elif i < end and text[i] == "\r":
        i += 1
        if i < end and text[i] == "\n":
            i += 1
        else:
            errs.append((2, _E_CR, i))
    else:
        errs.append((2, "invalid multi-line basic string, expected newline", i))
    while True:
        start = i
        while i < end and text[i] in " \t\n":
            i += 1
        if i < end and text[i] == "\r":
            if i + 1 < end and text[i + 1] == "\n":
                i += 2
            else:
                errs.append((2, _E_CR, i + 1))
                i += 1
        if i == start:
            return i


def _decode_key(text: str, kind: str | None, s: int, e: int, errs: list) -> str:
    if kind == '"':
        return _decode_basic(text, s, e, errs)
    if kind == "'":
        return _decode_literal(text, s, e, errs)
    if kind == '"""':
        errs.append((2, "keys cannot be multi-line basic strings, expected basic string, literal string", s))
        return _decode_ml_basic(text, s, e, errs)
    if kind == "'''":
        errs.append((2, "keys cannot be multi-line literal strings, expected basic string, literal string", s))
        return _decode_ml_literal(text, s, e, errs)
    if s == e:
        errs.append((2, f"unquoted keys cannot be empty, {_E_KEY_CHARS}", s))
    else:
        m = _KEY_BAD.search(text, s, e)
        if m is not None:
            errs.append((2, f"invalid unquoted key, {_E_KEY_CHARS}", m.start()))
    return text[s:e]


# Unquoted scalars: decode_unquoted_scalar and friends. ``raw`` is the scalar's text, ``s`` its
# offset in the document; they return (kind, text) with kind in string / true / false /
# datetime / float / 10 / 16 / 8 / 2.


def _decode_unquoted(raw: str, s: int, errs: list) -> tuple[Any, str]:
    if not raw:
        return _decode_invalid(raw, s, errs)
    c = raw[0]
    if c == "+" or c == "-":
        return _sign_prefix(raw, s, errs)
    if c == "_" or "1" <= c <= "9":
        return _dt_float_int(raw, 0, s, errs)
    if c == "0":
        return _zero_prefix(raw, 0, False, s, errs)
    if c == ".":
        _ensure_float(raw, 0, s, errs)
        return _float_or_int(raw, 0, "float", s, errs)
    if c in "tT":
        return _symbol(raw, "true", True, "invalid boolean", s, errs)
    if c in "fF":
        return _symbol(raw, "false", False, "invalid boolean", s, errs)
    if c in "iI":
        return _symbol(raw, "inf", "float", "invalid float", s, errs)
    if c in "nN":
        return _symbol(raw, "nan", "float", "invalid float", s, errs)
    return _decode_invalid(raw, s, errs)


def _sign_prefix(raw: str, s: int, errs: list) -> tuple[Any, str]:
    v = 1
    while v < len(raw) and raw[v] in "+-":
        if v == 1:  # toml reports each extra sign; only the first can come first
            errs.append((2, "redundant numeric sign, expected nothing", s + v))
        v += 1
    if v >= len(raw):
        return _decode_invalid(raw, s, errs)
    c = raw[v]
    if c == "_" or "1" <= c <= "9":
        return _dt_float_int(raw, v, s, errs)
    if c == "0":
        return _zero_prefix(raw, v, True, s, errs)
    if c == ".":
        _ensure_float(raw, 0, s, errs)
        return _float_or_int(raw, 0, "float", s, errs)
    if c in "iInN":
        symbol = "inf" if c in "iI" else "nan"
        if raw[v:] != symbol:
            errs.append((2, f"invalid float, expected `{symbol}`", s + v))
            return "float", symbol
        return "float", raw
    return _decode_invalid(raw, s, errs)


_RADIX = {"x": 16, "o": 8, "b": 2}
_RADIX_NAME = {16: "hexadecimal", 8: "octal", 2: "binary", 10: "integer"}
_RADIX_DIGITS = {16: _HEX, 8: frozenset("01234567"), 2: frozenset("01"), 10: _DIGITS}


def _zero_prefix(raw: str, v: int, signed: bool, s: int, errs: list) -> tuple[Any, str]:
    if len(raw) - v == 1:
        return _float_or_int(raw, 0, 10, s, errs)
    r = raw[v + 1]
    low = r.lower()
    if low in _RADIX:
        if signed:
            errs.append((2, "integers with a radix cannot be signed, expected nothing", s))
        if r != low:
            errs.append((2, f"radix must be lowercase, expected `0{low}`", s + v))
        radix = _RADIX[low]
        _ensure_radixed(raw, v + 2, radix, s, errs)
        return _float_or_int(raw, v + 2, radix, s, errs)
    if low == "d":
        if signed:
            errs.append((2, "integers with a radix cannot be signed, expected nothing", s))
        errs.append((2, "redundant integer number prefix, expected nothing", s))
        _ensure_radixed(raw, v + 2, 10, s, errs)
        return _float_or_int(raw, v + 2, 10, s, errs)
    return _dt_float_int(raw, v, s, errs)


def _dt_float_int(raw: str, v: int, s: int, errs: list) -> tuple[Any, str]:
    j = v
    while j < len(raw) and raw[j] in _DIGITS:
        j += 1
    if j == len(raw):
        if raw[v] == "0":
            errs.append((2, "unexpected leading zero, expected nothing", s + v))
        return _float_or_int(raw, 0, 10, s, errs)
    rest = raw[j:]
    if rest[0] in "-:":
        return "datetime", raw
    if " " in rest:
        return _decode_invalid(raw, s, errs)
    if "." in rest or "e" in rest or "E" in rest:
        _ensure_float(raw, v, s, errs)
        return _float_or_int(raw, 0, "float", s, errs)
    if rest[0] == "_":
        if raw[v] == "0":
            errs.append((2, "unexpected leading zero, expected nothing", s + v))
        return _float_or_int(raw, 0, 10, s, errs)
    return _decode_invalid(raw, s, errs)


def _ensure_float(raw: str, p: int, s: int, errs: list) -> None:
    p = _ensure_dec_uint(raw, p, False, "invalid mantissa", s, errs)
    if raw.startswith(".", p):
        p = _ensure_dec_uint(raw, p + 1, True, "invalid fraction", s, errs)
    if p < len(raw) and raw[p] in "eE":
        p += 1
        if p < len(raw) and raw[p] in "+-":
            p += 1
        p = _ensure_dec_uint(raw, p, True, "invalid exponent", s, errs)
    if p < len(raw):
        errs.append((2, "invalid float, expected nothing", s + p))


def _ensure_dec_uint(raw: str, p: int, zero_ok: bool, what: str, s: int, errs: list) -> int:
    start, digits = p, 0
    while p < len(raw) and (raw[p] in _DIGITS or raw[p] == "_"):
        digits += raw[p] != "_"
        p += 1
    if digits == 0:
        errs.append((2, f"{what}, expected digits", s + start))
    elif digits > 1 and raw[start] == "0" and not zero_ok:
        errs.append((2, "unexpected leading zero, expected nothing", s + start))
    return p


def _ensure_radixed(raw: str, v: int, radix: int, s: int, errs: list) -> None:
    if raw[v : v + 1] in ("+", "-"):
        pos = min(i for i in (raw.find("+"), raw.find("-")) if i >= 0)
        errs.append((2, "unexpected sign, expected nothing", s + pos))
        v += 1
    ok = _RADIX_DIGITS[radix]
    for i in range(v, len(raw)):
        if raw[i] not in ok and raw[i] != "_":
            errs.append((2, f"invalid {_RADIX_NAME[radix]} number", s + i))
            break


def _float_or_int(raw: str, v: int, kind: Any, s: int, errs: list) -> tuple[Any, str]:
    stream = raw[v:]
    if "_" not in stream:
        return kind, stream
    digits = _DIGITS if kind == "float" else _HEX
    if stream.startswith("_"):
        errs.append((2, f"{_E_DIGIT_SEP}, expected nothing", s))
    if len(stream) > 1 and stream.endswith("_"):
        errs.append((2, f"{_E_DIGIT_SEP}, expected nothing", s + len(raw) - 1))
    part_start = v
    for part in stream.split("_"):
        part_end = part_start + len(part)
        if part_start > 0 and (part[:1] or "0") not in digits:
            errs.append((2, _E_DIGIT_SEP, s + part_start - 1))
        if len(part) > 1 and part_end < len(raw) and part[-1] not in digits:
            errs.append((2, _E_DIGIT_SEP, s + part_end))
        if not part and part_start != 0 and part_end != len(raw):
            errs.append((2, _E_DIGIT_SEP, s + part_start))
        part_start = part_end + 1
    return kind, stream.replace("_", "")


def _symbol(raw: str, symbol: str, kind: Any, what: str, s: int, errs: list) -> tuple[Any, str]:
    if raw != symbol:
        if " " in raw:
            return _decode_invalid(raw, s, errs)
        errs.append((2, f"{what}, expected `{symbol}`", s))
    return kind, symbol


def _decode_invalid(raw: str, s: int, errs: list) -> tuple[Any, str]:
    for end, shown in (("'''", "`'''`"), ('"""', '`"""`'), ("'", "`'`"), ('"', '`"`')):
        if raw.endswith(end):
            errs.append((2, f"missing opening quote, expected {shown}", s))
            break
    else:
        errs.append((2, "string values must be quoted, expected literal string", s))
    return "string", raw


def _scalar(text: str, s: int, e: int, errs: list) -> Scalar | None:
    """The item for the unquoted scalar text[s:e], or None (with errors) when it is invalid.

    A number out of range gets a phase-3 error but keeps its item (as tomllib reads it), since
    cargo only finds that out after parsing, when a later duplicate key has already been seen.
    """
    before = len(errs)
    raw = text[s:e]
    kind, out = _decode_unquoted(raw, s, errs)
    if len(errs) > before:
        return None
    if kind is True or kind is False:
        return Scalar("boolean", kind, (s, e))
    if kind == "datetime":
        msg = _datetime_error(raw)
        if msg is not None:
            errs.append((2, msg, s))
            return None
        return Scalar("datetime", TomlDatetime(raw), (s, e))
    if kind == "float":
        try:
            value = float(out)
        except ValueError:
            value = None
        if value is None or (value in (float("inf"), float("-inf")) and "inf" not in out):
            errs.append((3, "floating-point number overflowed", s))
            if value is None:
                return None
        return Scalar("float", value, (s, e))
    if kind == "string":  # pragma: no cover - _decode_invalid always reports
        return None
    body = out.lstrip("+-")
    value = None
    if body and all(ch in _RADIX_DIGITS[kind] for ch in body) and (kind != 10 or len(body) <= 4000):
        value = int(out, kind)
    if value is None or not _I64_MIN <= value <= _U128_MAX:
        errs.append((3, "integer number overflowed", s))
    return Scalar("integer", value, (s, e))


def _datetime_error(raw: str) -> str | None:
    """toml_datetime's verdict on a date/time text: None, or its error message."""
    toks: list[tuple[str, str]] = []
    i, n = 0, len(raw)
    while i < n:
        c = raw[i]
        if c in _DIGITS:
            j = i + 1
            while j < n and raw[j] in _DIGITS:
                j += 1
            toks.append(("D", raw[i:j]))
            i = j
            continue
        kind = {"-": "-", ":": ":", "T": "T", "t": "T", " ": " ", "Z": "Z", "z": "Z", "+": "+", ".": "."}.get(c)
        if kind is None:
            toks.append(("U", raw[i:]))
            break
        toks.append((kind, c))
        i += 1
    pos = 0

    def nxt(want: str) -> str | None:
        nonlocal pos
        if pos < len(toks) and toks[pos][0] == want:
            pos += 1
            return toks[pos - 1][1]
        pos += pos < len(toks)
        return None

    def peek() -> str | None:
        return toks[pos][0] if pos < len(toks) else None

    def bad(what: str | None = None, expected: str | None = None) -> str:
        msg = f"invalid {what}" if what else "invalid datetime"
        return f"{msg}, expected {expected}" if expected else msg

    first = nxt("D")
    if first is None:
        return bad(None, "year or hour")
    sep = peek()
    has_date = False
    if sep == "-":
        pos += 1
        month = nxt("D")
        if month is None:
            return bad("date", "month")
        if nxt("-") is None:
            return bad("date", "`-` (MM-DD)")
        day = nxt("D")
        if day is None:
            return bad("date", "day")
        if len(first) != 4:
            return bad("date", "a four-digit year (YYYY)")
        if len(month) != 2:
            return bad("date", "a two-digit month (MM)")
        if len(day) != 2:
            return bad("date", "a two-digit day (DD)")
        y, mo, d = int(first), int(month), int(day)
        if not 1 <= mo <= 12:
            return bad("date", "month between 01 and 12")
        leap = y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)
        most = 29 if mo == 2 and leap else 28 if mo == 2 else 30 if mo in (4, 6, 9, 11) else 31
        if not 1 <= d <= most:
            return bad("date", f"day between 01 and {most}")
        has_date = True
        if pos >= len(toks):
            return None
        if toks[pos][0] not in ("T", " "):
            return bad("date-time", "`T` between date and time")
        pos += 1
    elif sep == ":":
        pos = 0
    else:
        return bad(None, "`-` (YYYY-MM) or `:` (HH:MM)")
    hour = nxt("D")
    if hour is None:
        return bad("time", "hour")
    if nxt(":") is None:
        return bad("time", "`:` (HH:MM)")
    minute = nxt("D")
    if minute is None:
        return bad("time", "minute")
    second = None
    if peek() == ":":
        pos += 1
        second = nxt("D")
        if second is None:
            return bad("time", "second")
        if peek() == ".":
            pos += 1
            if nxt("D") is None:
                return bad("time", "nanosecond")
    if len(hour) != 2:
        return bad("time", "a two-digit hour (HH)")
    if len(minute) != 2:
        return bad("time", "a two-digit minute (MM)")
    if second is not None and len(second) != 2:
        return bad("time", "a two-digit second (SS)")
    if int(hour) > 23:
        return bad("time", "hour between 00 and 23")
    if int(minute) > 59:
        return bad("time", "minute between 00 and 59")
    if second is not None and int(second) > 60:
        return bad("time", "second between 00 and 60")
    if has_date and pos < len(toks):
        kind = toks[pos][0]
        pos += 1
        if kind in ("+", "-"):
            hours = nxt("D")
            if hours is None:
                return bad("offset", "hour")
            if nxt(":") is None:
                return bad("offset", "`:` (HH:MM)")
            minutes = nxt("D")
            if minutes is None:
                return bad("offset", "minute")
            if len(hours) != 2:
                return bad("offset", "a two-digit hour (HH)")
            if len(minutes) != 2:
                return bad("offset", "a two-digit minute (MM)")
            if int(hours) > 23:
                return bad("offset", "hours between 00 and 23")
            if int(minutes) > 59:
                return bad("offset", "minutes between 00 and 59")
        elif kind != "Z":
            return bad("offset", "`Z`, +OFFSET, -OFFSET")
    if pos < len(toks):
        return bad()
    return None


# -- the reader --------------------------------------------------------------------------------


class _Reader:
    def __init__(self, text: str):
        self.text = text
        self.n = len(text)
        self.root = Table("root", (0, 0))
        self.current = self.root
        self.errors: list[tuple[int, int, str, Span]] = []  # (phase, seq, message, span)
        self.seq = 0
        self.pending: list[tuple[str, Span]] = []  # array-of-tables errors, reported at the next header
        # After resuming inside a statement that ran to the end of the file, whatever follows is,
        # for cargo, inside that statement: its errors must rank after the statement's own.
        self.shadow = 0

    def next_seq(self) -> int:
        self.seq += 1
        return self.seq

    def add_error(self, phase: int, message: str, span: Span) -> None:
        self.errors.append((phase + self.shadow, self.next_seq(), message, span))

    def run(self) -> TomlDocument:
        text, n = self.text, self.n
        eol, ws = _EOL.match, _WS.match
        pos = 1 if text.startswith("\ufeff") else 0
        while pos < n:
            start = ws(text, pos).end()
            if start >= n or text[start] in "\r\n#":  # (only then can the line be blank)
                m = eol(text, pos)
                if m is not None:  # a blank or comment-only line
                    pos = m.end()
                    continue
            if text[start] == "[":
                self._flush_pending()
                try:
                    pos = self._fast_header(start)
                except _Slow:
                    pos = self._exact(start)
            else:
                try:
                    pos = self._fast_keyval(start)
                except _Slow:
                    pos = self._exact(start)
        self._flush_pending()
        self.errors.sort()
        errors = [TomlError(msg, span) for _, _, msg, span in self.errors]
        return TomlDocument(text, self.root, errors)

    def _flush_pending(self) -> None:
        for message, span in self.pending:
            self.add_error(2, message, span)
        self.pending.clear()

    # -- fast path -----------------------------------------------------------------------------

    def _fast_header(self, start: int) -> int:
        text, n = self.text, self.n
        m = _SIMPLE_HEADER.match(text, start)
        if m is not None:
            err = self._commit_header([(m.group(1), m.span(1))], False, (start, m.end(2)))
            if err is not None:
                self.add_error(2, *err)
            return m.end()
        is_array = text.startswith("[[", start)
        p = _WS.match(text, start + (2 if is_array else 1)).end()
        keys, p = self._fast_key(p)
        close = "]]" if is_array else "]"
        if not text.startswith(close, p):
            raise _Slow
        p += len(close)
        m = _EOL.match(text, p)
        if m is None:
            raise _Slow
        err = self._commit_header(keys, is_array, (start, p))
        if err is not None:
            if is_array:
                self.pending.append(err)
            else:
                self.add_error(2, *err)
        return m.end()

    def _fast_keyval(self, start: int) -> int:
        text, n = self.text, self.n
        m = _DOTTED_BOOL_LINE.match(text, start)
        if m is not None:
            # `name.workspace = true`, usually a run of them: read the run here, one line each.
            dotted = _DOTTED_BOOL_LINE.match
            entries = self.current.entries
            while True:
                first = m.group(1)
                if first not in entries:  # (then nothing can clash: commit without the checks)
                    s1 = m.span(1)
                    table = Table("dotted", s1, s1)
                    entries[first] = table
                    table.entries[m.group(2)] = Scalar("boolean", m.group(3) == "true", m.span(3), m.span(2))
                else:
                    keys = [(first, m.span(1)), (m.group(2), m.span(2))]
                    err = self._commit_keyval(keys, Scalar("boolean", m.group(3) == "true", m.span(3)))
                    if err is not None:
                        self.add_error(2, *err)
                end = m.end()
                m = dotted(text, end)
                if m is None:
                    return end
        m = _KEY_STRING_LINE.match(text, start)
        if m is not None:
            keys = [(m.group(1), m.span(1))]
            value: Item = Scalar("string", m.group(2), (m.start(2) - 1, m.end(2) + 1))
            err = self._commit_keyval(keys, value)
            if err is not None:
                self.add_error(2, *err)
            return m.end()
        m = _KEY_EQ.match(text, start)
        if m is not None:
            keys, p = [(m.group(1), m.span(1))], m.end()
        else:
            keys, p = self._fast_key(start)
            if p >= n or text[p] != "=":
                raise _Slow
            p = _WS.match(text, p + 1).end()
        value, p = self._fast_value(p, 1)
        m = _EOL.match(text, p)
        if m is None:
            raise _Slow
        err = self._commit_keyval(keys, value)
        if err is not None:
            self.add_error(2, *err)
        return m.end()

    def _fast_key(self, p: int) -> tuple[list[tuple[str, Span]], int]:
        """A (dotted) key and the blanks after it."""
        text, n = self.text, self.n
        keys: list[tuple[str, Span]] = []
        while True:
            if p >= n:
                raise _Slow
            c = text[p]
            if c == '"':
                m = _SIMPLE_BASIC.match(text, p)
                if m is not None:
                    name, e = m.group(1), m.end()
                else:
                    e = _LEX_BASIC.match(text, p).end()
                    if e - 1 <= p or text[e - 1] != '"':
                        raise _Slow
                    errs: list = []
                    name = _decode_basic(text, p, e, errs)
                    if errs:
                        raise _Slow
            elif c == "'":
                m = _SIMPLE_LITERAL.match(text, p)
                if m is None:
                    raise _Slow
                name, e = m.group(1), m.end()
            else:
                m = _BARE_KEY.match(text, p)
                if m is None:
                    raise _Slow
                name, e = m.group(), m.end()
            keys.append((name, (p, e)))
            p = _WS.match(text, e).end()
            if p < n and text[p] == ".":
                p = _WS.match(text, p + 1).end()
                continue
            if len(keys) > MAX_DEPTH:
                raise _Slow
            return keys, p

    def _fast_value(self, p: int, depth: int) -> tuple[Item, int]:
        text, n = self.text, self.n
        if p >= n:
            raise _Slow
        c = text[p]
        if c == '"':
            if text.startswith('"""', p):
                e = self._ml_basic_end(p)
                if e - p < 6 or not text.startswith('"""', e - 3):  # unclosed: errors for sure
                    raise _Slow
                errs: list = []
                value = _decode_ml_basic(text, p, e, errs)
            else:
                m = _SIMPLE_BASIC.match(text, p)
                if m is not None:
                    return Scalar("string", m.group(1), (p, m.end())), m.end()
                e = _LEX_BASIC.match(text, p).end()
                if e - 1 <= p or text[e - 1] != '"':
                    raise _Slow
                errs = []
                value = _decode_basic(text, p, e, errs)
            if errs:
                raise _Slow
            return Scalar("string", value, (p, e)), e
        if c == "'":
            if text.startswith("'''", p):
                e = self._ml_literal_end(p)
                if e - p < 6 or not text.startswith("'''", e - 3):
                    raise _Slow
                errs = []
                value = _decode_ml_literal(text, p, e, errs)
                if errs:
                    raise _Slow
                return Scalar("string", value, (p, e)), e
            m = _SIMPLE_LITERAL.match(text, p)
            if m is None:
                raise _Slow
            return Scalar("string", m.group(1), (p, m.end())), m.end()
        if c == "[":
            return self._fast_array(p, depth)
        if c == "{":
            return self._fast_inline(p, depth)
        if c == "t" and text.startswith("true", p) and (p + 4 == n or text[p + 4] in " \t\r\n#,]}"):
            return Scalar("boolean", True, (p, p + 4)), p + 4
        if c == "f" and text.startswith("false", p) and (p + 5 == n or text[p + 5] in " \t\r\n#,]}"):
            return Scalar("boolean", False, (p, p + 5)), p + 5
        m = _PLAIN_INT.match(text, p)
        if m is not None:
            return Scalar("integer", int(m.group()), m.span()), m.end()
        m = _SCALAR.match(text, p)
        if m is None:
            raise _Slow
        errs = []
        item = _scalar(text, p, m.end(), errs)
        if errs:
            raise _Slow
        return item, m.end()

    def _fast_array(self, start: int, depth: int) -> tuple[Item, int]:
        if depth > MAX_DEPTH:
            raise _Slow
        text, n, wcn = self.text, self.n, _WCN.match
        m = _STRING_ARRAY.match(text, start)
        if m is not None:
            e = m.end()
            items: list[Item] = [
                Scalar("string", s.group(1), s.span()) for s in _SIMPLE_BASIC.finditer(text, start, e)
            ]
            return Array(items, (start, e)), e
        items = []
        p = wcn(text, start + 1).end()
        if p < n and text[p] == "]":
            return Array(items, (start, p + 1)), p + 1
        while True:
            item, p = self._fast_value(p, depth + 1)
            items.append(item)
            p = wcn(text, p).end()
            if p >= n:
                raise _Slow
            c = text[p]
            if c == ",":
                p = wcn(text, p + 1).end()
                if p < n and text[p] == "]":
                    p += 1
                    break
                continue
            if c == "]":
                p += 1
                break
            raise _Slow
        return Array(items, (start, p)), p

    def _fast_inline(self, start: int, depth: int) -> tuple[Item, int]:
        if depth > MAX_DEPTH:
            raise _Slow
        text, n, wcn = self.text, self.n, _WCN.match
        table = Table("inline", (start, start))
        entries = table.entries
        p = wcn(text, start + 1).end()
        if p < n and text[p] == "}":
            p += 1
        else:
            while True:
                m = _KEY_EQ.match(text, p)
                if m is not None:
                    p = m.end()
                    if p < n and text[p] in "\r\n#":
                        p = wcn(text, p).end()
                    sm = _SIMPLE_BASIC.match(text, p) if p < n and text[p] == '"' else None
                    if sm is not None and not text.startswith('"""', p):
                        value: Item = Scalar("string", sm.group(1), (p, sm.end()))
                        p = sm.end()
                    else:
                        value, p = self._fast_value(p, depth + 1)
                    name = m.group(1)
                    if name in entries:
                        raise _Slow
                    value.key_span = m.span(1)
                    entries[name] = value
                else:
                    keys, p = self._fast_key(p)
                    p = wcn(text, p).end()
                    if p >= n or text[p] != "=":
                        raise _Slow
                    p = wcn(text, p + 1).end()
                    value, p = self._fast_value(p, depth + 1)
                    if _inline_insert(table, keys, value) is not None:
                        raise _Slow
                sm = _SEP.match(text, p)
                if sm is not None:
                    c, p = sm.group(1), sm.end()
                else:
                    p = wcn(text, p).end()
                    if p >= n:
                        raise _Slow
                    c = text[p]
                    p += 1
                if c == ",":
                    p = wcn(text, p).end()
                    if p < n and text[p] == "}":
                        p += 1
                        break
                    continue
                if c == "}":
                    break
                raise _Slow
        table.span = (start, p)
        _close_inline(table)
        return table, p

    def _ml_basic_end(self, p: int) -> int:
        return _ml_basic_end(self.text, p)

    def _ml_literal_end(self, p: int) -> int:
        return _ml_literal_end(self.text, p)

    # -- tables (toml's deserializer rules) ----------------------------------------------------

    def _commit_header(self, keys: list[tuple[str, Span]], is_array: bool, span: Span) -> tuple[str, Span] | None:
        """Open the table a header names; returns the error, if any (the table is then detached)."""
        table = self.root
        name, kspan = keys[-1]
        self.current = detached = Table("header", span, kspan)
        detached.header_span, detached.header_keys = span, keys
        for part, pspan in keys[:-1]:
            existing = table.entries.get(part)
            if existing is None:
                new = Table("implicit", pspan, pspan)
                table.entries[part] = new
                table = new
            elif isinstance(existing, ArrayOfTables):
                table = existing.tables[-1]
            elif isinstance(existing, Table) and existing.origin != "inline":
                table = existing
            else:
                what = "inline table" if isinstance(existing, Table) else _type_str(existing)
                return f"cannot extend value of type {what} with a dotted key", pspan
        existing = table.entries.get(name)
        if is_array:
            if existing is None:
                existing = table.entries[name] = ArrayOfTables(span, kspan)
            elif not isinstance(existing, ArrayOfTables):
                return "duplicate key", kspan
            existing.tables.append(detached)
            return None
        if existing is None:
            table.entries[name] = detached
            return None
        if isinstance(existing, Table) and existing.origin == "implicit":
            existing.origin, existing.span, existing.key_span = "header", span, kspan
            existing.header_span, existing.header_keys = span, keys
            self.current = existing
            return None
        if isinstance(existing, Table) and existing.origin != "inline":
            self.current = existing  # as cargo does: the keys below go into the first table
        return "duplicate key", kspan

    def _commit_keyval(self, keys: list[tuple[str, Span]], value: Item) -> tuple[str, Span] | None:
        table = self.current
        for part, pspan in keys[:-1]:
            existing = table.entries.get(part)
            if existing is None:
                new = Table("dotted", pspan, pspan)
                table.entries[part] = new
                table = new
            elif isinstance(existing, ArrayOfTables):
                table = existing.tables[-1]
            elif isinstance(existing, Table):
                if existing.origin == "inline":
                    return "cannot extend value of type inline table with a dotted key", pspan
                if existing.origin not in ("dotted", "implicit"):
                    return "duplicate key", pspan
                table = existing
            else:
                return f"cannot extend value of type {_type_str(existing)} with a dotted key", pspan
        name, kspan = keys[-1]
        if (table.origin == "dotted") == (len(keys) == 1) or name in table.entries:
            return "duplicate key", kspan
        value.key_span = kspan
        table.entries[name] = value
        return None

    # -- exact path ----------------------------------------------------------------------------

    def _exact(self, start: int) -> int:
        """Re-read one statement the way toml_parser does; returns where the next one starts."""
        em = _Exact(self, start)
        try:
            result = em.statement()
            end = em.end()
        except _Bail:
            result = None
            end = _skip_to_value_end(self.text, em.end(), em.bail_nest)
        local = em.errs
        resume = None
        if result is None and local and end >= self.n:
            resume = self._resume_point(start)
        if result is not None:
            if result[0] == "header":
                _, is_array, keys, span, keys_ok = result
                if keys_ok:
                    err = self._commit_header(keys, is_array, span)
                    if err is not None and not local:  # else an earlier error of the line wins
                        if is_array:
                            self.pending.append(err)
                        else:
                            local.append((2, self.next_seq(), err[0], err[1]))
                else:
                    self.current = Table("header", span, span)
            else:
                _, keys, value, keys_ok = result
                if local and end >= self.n:
                    resume = self._resume_point(start)
                    if resume is not None:
                        value = _truncate(value, resume)
                if keys_ok and value is not None:
                    err = self._commit_keyval(keys, value)
                    if err is not None:
                        local.append((2, self.next_seq(), err[0], err[1]))
        if local:
            phase, seq, message, at = min(local)
            if not isinstance(at, tuple):
                wide = at < self.n and self.text[at] not in "\r\n"
                at = (at, at + 1 if wide else at)
            self.errors.append((phase + self.shadow, seq, message, at))
        if resume is not None:
            self.shadow = 10
            return resume
        return max(end, start + 1)

    def _resume_point(self, start: int) -> int | None:
        """A statement ran to the end of the file: restart at a header line inside it, if any."""
        nl = self.text.find("\n", start)
        if nl < 0:
            return None
        m = _HEADER_LINE.search(self.text, nl + 1)
        return m.start() if m is not None else None


_SKIP = _lazy(r"[^\[\]{}\"'#\n]*")


def _skip_to_value_end(text: str, pos: int, depth: int) -> int:
    """Past the brackets still open at ``pos`` (strings and comments skipped), then the line."""
    n = len(text)
    while depth > 0 and pos < n:
        pos = _SKIP.match(text, pos).end()
        if pos >= n:
            break
        c = text[pos]
        if c == "[" or c == "{":
            depth += 1
            pos += 1
        elif c == "]" or c == "}":
            depth -= 1
            pos += 1
        elif c == '"':
            pos = _LEX_BASIC.match(text, pos).end() if not text.startswith('"""', pos) else _ml_basic_end(text, pos)
        elif c == "'":
            pos = _LEX_LITERAL.match(text, pos).end() if not text.startswith("'''", pos) else _ml_literal_end(text, pos)
        elif c == "#":
            nl = text.find("\n", pos)
            pos = n if nl < 0 else nl
        else:
            pos += 1
    nl = text.find("\n", pos)
    return n if nl < 0 else nl + 1


def _truncate(value: Item | None, limit: int) -> Item | None:
    """What of a damaged value lies before ``limit``."""
    if isinstance(value, Array):
        value.items = [i for i in value.items if i.span[1] <= limit]
        value.span = (value.span[0], min(value.span[1], limit))
        return value
    if isinstance(value, Table):
        for k in [k for k, v in value.entries.items() if v.span[1] > limit]:
            del value.entries[k]
        value.span = (value.span[0], min(value.span[1], limit))
        return value
    return None


def _inline_insert(table: Table, keys: list[tuple[str, Span]], value: Item) -> tuple[str, Span] | None:
    """Add an entry to an inline table, with toml's rules for dotted keys inside it."""
    for part, pspan in keys[:-1]:
        existing = table.entries.get(part)
        if existing is None:
            new = Table("inline", pspan, pspan)
            new.implicit = True
            table.entries[part] = new
            table = new
        elif isinstance(existing, Table):
            if not existing.implicit:
                return "duplicate key", pspan
            table = existing
        else:
            return f"cannot extend value of type {_type_str(existing)} with a dotted key", pspan
    name, kspan = keys[-1]
    if table.implicit == (len(keys) == 1) or name in table.entries:
        return "duplicate key", kspan
    value.key_span = kspan
    table.entries[name] = value
    return None


def _close_inline(table: Table) -> None:
    """Tables made by dotted keys inside an inline table end where the inline table ends."""
    end = table.span[1]
    stack = [table]
    while stack:
        for v in stack.pop().entries.values():
            if isinstance(v, Table) and v.implicit:
                v.span = (v.key_span[0], end)  # type: ignore[index]
                stack.append(v)


# -- the exact path: toml_parser's parser, one statement at a time -----------------------------

_KEY_STOP = frozenset(("]", "#", "=", ",", "[", "{", "}", "nl", "eof"))
_DOT_STOP = frozenset(("=", ",", "[", "]", "{", "}", "#", "nl", "eof"))
_NOT_VALUE = frozenset(("#", ",", "nl", "eof", "ws"))
_BLANK_KINDS = frozenset(("ws", "#", "nl", "eof"))
_EXPECTED = {"key": "key", "eq": "`=`", "value": "value", "comma": "`,`"}


class _Exact:
    """A port of toml_parser's ``parse_document`` for one expression, building our items.

    Errors are (phase, seq, message, offset): phase 1 for what toml_parser reports while parsing,
    2 for what toml reports while building values and tables, 3 for number overflow (reported
    when cargo deserializes). Values carrying an error come back as None.
    """

    # After the first syntax error of a statement, read this many more tokens exactly, then only
    # skip to its end: its first error is known, and a broken value can swallow the whole file.
    BUDGET = 10_000

    def __init__(self, reader: _Reader, start: int):
        self.r = reader
        self.text = reader.text
        self.n = reader.n
        self.lex_pos = start
        self.eof_done = False
        self.ahead: deque = deque()
        self.recent: list = []  # the last few consumed tokens
        self.significant: list = []  # the last few consumed tokens other than blanks and comments
        self.errs: list = []
        self.depth = 0  # toml's RecursionGuard count (error recovery can unbalance it)
        self.nest = 0  # arrays and inline tables really open here
        self.count = 0
        self.bail_at: int | None = None
        self.bail_nest = 0

    # tokens ------------------------------------------------------------------------------------

    def _lex(self) -> tuple[str, int, int] | None:
        text, n, p = self.text, self.n, self.lex_pos
        if p >= n:
            if self.eof_done:
                return None
            self.eof_done = True
            return ("eof", n, n)
        c = text[p]
        if c in _SINGLE:
            kind, e = c, p + 1
        elif c == " " or c == "\t":
            kind, e = "ws", _LEX_WS.match(text, p).end()
        elif c == "#":
            kind, e = "#", _LEX_COMMENT.match(text, p).end()
        elif c == "\n":
            kind, e = "nl", p + 1
        elif c == "\r":
            kind, e = "nl", p + (2 if text.startswith("\r\n", p) else 1)
        elif c == "'":
            if text.startswith("'''", p):
                kind, e = "'''", self.r._ml_literal_end(p)
            else:
                kind, e = "'", _LEX_LITERAL.match(text, p).end()
        elif c == '"':
            if text.startswith('"""', p):
                kind, e = '"""', self.r._ml_basic_end(p)
            else:
                kind, e = '"', _LEX_BASIC.match(text, p).end()
        else:
            kind, e = "atom", _LEX_ATOM.match(text, p).end()
        self.lex_pos = e
        return (kind, p, e)

    def next(self) -> tuple[str, int, int] | None:
        t = self.ahead.popleft() if self.ahead else self._lex()
        if t is not None:
            self.count += 1
            if self.bail_at is not None and self.count > self.bail_at:
                self.bail_nest = self.nest
                self.ahead.appendleft(t)  # so that end() is where the skipping starts
                raise _Bail
            self.recent.append(t)
            if len(self.recent) > 8:
                del self.recent[:4]
            if t[0] not in _BLANK_KINDS:
                self.significant.append(t)
                if len(self.significant) > 8:
                    del self.significant[:4]
        return t

    def back(self) -> None:
        t = self.recent.pop()
        if self.significant and self.significant[-1] is t:
            self.significant.pop()
        self.ahead.appendleft(t)

    def after_significant(self) -> int:
        """Where the last consumed token that is not a blank, comment or newline ends."""
        return self.significant[-1][2] if self.significant else 0

    def peek(self, k: int = 0) -> tuple[str, int, int] | None:
        while len(self.ahead) <= k:
            t = self._lex()
            if t is None:
                return None
            self.ahead.append(t)
        return self.ahead[k]

    def next_if(self, kind: str) -> tuple[str, int, int] | None:
        t = self.peek()
        if t is not None and t[0] == kind:
            return self.next()
        return None

    def end(self) -> int:
        """Where the consumed tokens end."""
        if self.ahead:
            return self.ahead[0][1]
        return self.lex_pos

    def err(self, phase: int, message: str, at: int | Span) -> None:
        self.errs.append((phase, self.r.next_seq(), message, at))
        if phase == 1 and self.bail_at is None:
            self.bail_at = self.count + self.BUDGET

    def decoded(self, errs: list) -> None:
        for phase, message, at in errs:
            self.err(phase, message, at)

    # statements ----------------------------------------------------------------------------------

    def statement(self):
        while True:
            t = self.next()
            if t is None:
                return None
            kind, s, e = t
            if kind == "[":
                return self.on_table(t)
            if kind == "]":
                self.err(1, "missing table open, expected `[`", s)
                self.ignore_to_newline()
                return None
            if kind == "atom" or kind in _STRING_KINDS:
                return self.on_expression_key(t)
            if kind == "=":
                keys = [self.fake_key(s)]
                return self.keyval_after_eq(keys, self.check_keys(keys))
            if kind == ".":
                return self.on_expression_dot(t)
            if kind in ",{}":
                self.err(1, "invalid key-value pair, expected key", s)
                self.ignore_to_newline()
                return None
            if kind == "ws":
                continue
            if kind == "nl":
                self.newline(t)
            elif kind == "#":
                self.on_comment(t)
            return None

    def on_table(self, open_tok):
        is_array = self.next_if("[") is not None
        self.next_if("ws")
        valid, keys = self.key()
        keys_ok = self.check_keys(keys)
        self.next_if("ws")
        success = False
        header_end = keys[-1][1][1] if keys else open_tok[2]
        close = self.next_if("]")
        if close is not None:
            header_end = close[2]
            if is_array:
                second = self.next_if("]")
                if second is not None:
                    success, header_end = True, second[2]
                else:
                    self.err(1, "unclosed array table, expected `]`", close[2])
            else:
                success = True
        elif valid:
            last = next((t for t in reversed(self.recent) if t[0] != "ws"), open_tok)
            what = "unclosed array table, expected `]]`" if is_array else "unclosed table, expected `]`"
            self.err(1, what, last[2])
        if success:
            self.ws_comment_newline()
        else:
            self.ignore_to_newline()
        return ("header", is_array, [(name, span) for name, span, _ in keys], (open_tok[1], header_end), keys_ok)

    def fake_key(self, at: int):
        errs: list = []
        name = _decode_key(self.text, None, at, at, errs)
        self.decoded(errs)
        return (name, (at, at), False)

    def simple_key(self, t):
        errs: list = []
        kind = None if t[0] == "atom" else t[0]
        name = _decode_key(self.text, kind, t[1], t[2], errs)
        self.decoded(errs)
        return (name, (t[1], t[2]), not errs)

    def check_keys(self, keys) -> bool:
        """toml refuses keys with too many dots; True when every part decoded cleanly."""
        if len(keys) - 1 >= MAX_DEPTH:
            self.err(2, "recursion limit", keys[0][1][0])
            return False
        return all(ok for _, _, ok in keys)

    def key(self):
        keys: list = []
        while True:
            t = self.next()
            if t is None:  # pragma: no cover - the end token always comes first
                return False, keys or [self.fake_key(self.n)]
            kind = t[0]
            if kind in _KEY_STOP:
                keys.append(self.fake_key(t[1]))
                self.back()
                return False, keys
            if kind == "ws":
                continue
            if kind == ".":
                keys.append(self.fake_key(t[1]))
                continue
            keys.append(self.simple_key(t))
            return self.opt_dot_keys(keys), keys

    def opt_dot_keys(self, keys) -> bool:
        self.next_if("ws")
        while self.next_if(".") is not None:
            while True:
                t = self.next()
                if t is None:  # pragma: no cover
                    keys.append(self.fake_key(self.n))
                    return False
                kind = t[0]
                if kind in _DOT_STOP:
                    keys.append(self.fake_key(t[1]))
                    self.back()
                    return False
                if kind == "ws":
                    continue
                if kind == ".":
                    keys.append(self.fake_key(t[1]))
                    continue
                keys.append(self.simple_key(t))
                self.next_if("ws")
                break
        return True

    def on_expression_key(self, t):
        keys = [self.simple_key(t)]
        self.opt_dot_keys(keys)
        return self.keyval_after_key(keys, "key with no value, expected `=`")

    def on_expression_dot(self, t):
        keys = [self.fake_key(t[1])]
        self.back()
        self.opt_dot_keys(keys)
        return self.keyval_after_key(keys, "missing value for key, expected `=`")

    def keyval_after_key(self, keys, message: str):
        keys_ok = self.check_keys(keys)
        self.next_if("ws")
        if self.next_if("=") is None:
            peek = self.peek()
            if peek is not None:
                self.err(1, message, peek[1])
            self.ignore_to_newline()
            return ("keyval", [(n, s) for n, s, _ in keys], None, False)
        return self.keyval_after_eq(keys, keys_ok)

    def keyval_after_eq(self, keys, keys_ok: bool):
        self.next_if("ws")
        value = self.value()
        self.ws_comment_newline()
        return ("keyval", [(n, s) for n, s, _ in keys], value, keys_ok)

    # values ------------------------------------------------------------------------------------

    def value(self) -> Item | None:
        while True:
            t = self.next()
            if t is None:  # pragma: no cover
                self.err(1, "missing value, expected value", self.n)
                return None
            kind, s, e = t
            if kind in _NOT_VALUE:
                self.back()
                return self.make_scalar(None, s, s)
            if kind == "=":
                self.err(1, "extra `=`, expected nothing", s)
                continue
            if kind == "{":
                return self.on_inline_table(t)
            if kind == "}":
                self.err(1, "missing inline table opening, expected `{`", s)
                return None
            if kind == "[":
                return self.on_array(t)
            if kind == "]":
                self.err(1, "missing array opening, expected `[`", s)
                return None
            return self.on_scalar(t)

    def on_scalar(self, t) -> Item | None:
        kind, s, e = t
        if kind in _STRING_KINDS:
            return self.make_scalar(kind, s, e)
        # Join the atoms, dots and blank-separated atoms that follow, as toml_parser does token by
        # token; its tokens and _SCALAR's pieces are the same, so read them in one match.
        e = _SCALAR.match(self.text, s).end()
        if e > t[2]:
            self.ahead.clear()
            self.lex_pos = e
            self.count += 1
            joined = ("atom", s, e)
            self.recent[-1] = joined
            self.significant[-1] = joined
        return self.make_scalar(None, s, e)

    def make_scalar(self, kind: str | None, s: int, e: int) -> Item | None:
        errs: list = []
        text = self.text
        if kind is None:
            item = _scalar(text, s, e, errs)
        else:
            if kind == '"':
                value = _decode_basic(text, s, e, errs)
            elif kind == "'":
                value = _decode_literal(text, s, e, errs)
            elif kind == '"""':
                value = _decode_ml_basic(text, s, e, errs)
            else:
                value = _decode_ml_literal(text, s, e, errs)
            item = None if errs else Scalar("string", value, (s, e))
        self.decoded(errs)
        return item

    def enter(self, t, closing: str) -> bool:
        self.depth += 1
        if self.depth > MAX_DEPTH or self.nest > MAX_DEPTH:
            self.err(1, _E_RECURSE, t[1])
            self.ignore_to_value_close(closing)
            return False
        return True

    def on_array(self, open_tok) -> Item | None:
        self.nest += 1
        try:
            return self._on_array(open_tok)
        finally:
            self.nest -= 1

    def on_inline_table(self, open_tok) -> Item | None:
        self.nest += 1
        try:
            return self._on_inline_table(open_tok)
        finally:
            self.nest -= 1

    def _on_array(self, open_tok) -> Item | None:
        if not self.enter(open_tok, "]"):
            return None
        items: list[Item] = []
        needs_value = True
        while True:
            t = self.next()
            if t is None:  # a comment took the end of the input
                self.err(1, "unclosed array, expected `]`", self.after_significant())
                self.depth -= 1
                return Array(items, (open_tok[1], self.n))
            kind, s, e = t
            if kind == "ws":
                continue
            if kind == "nl":
                self.newline(t)
                continue
            if kind == "#":
                self.on_comment(t)
                continue
            if kind == "eof":
                self.err(1, "unclosed array, expected `]`", s)
                self.depth -= 1
                return Array(items, (open_tok[1], s))
            if kind == ",":
                if needs_value:
                    self.err(1, "extra comma in array, expected value", s)
                needs_value = True
                continue
            if kind == "=":
                self.err(1, "unexpected `=` in array, expected value, `]`", s)
                continue
            if kind == "]":
                self.depth -= 1
                return Array(items, (open_tok[1], e))
            if not needs_value:
                self.err(1, "missing comma between array elements, expected `,`", s)
            needs_value = False
            if kind == "{":
                item = self.on_inline_table(t)
            elif kind == "}":
                self.err(1, "missing inline table opening, expected `{`", s)
                item = None
            elif kind == "[":
                item = self.on_array(t)
            else:
                item = self.on_scalar(t)
            if item is not None:
                items.append(item)

    def _on_inline_table(self, open_tok) -> Item | None:
        if not self.enter(open_tok, "}"):
            return None
        table = Table("inline", (open_tok[1], open_tok[1]))
        state = "key"
        keys = None
        value: Any = _NO_VALUE

        def finish():
            nonlocal keys, value
            if keys is not None and value is not _NO_VALUE and value is not None and keys[1]:
                err = _inline_insert(table, keys[0], value)
                if err is not None:
                    self.err(2, err[0], err[1])
            keys, value = None, _NO_VALUE

        while True:
            t = self.next()
            if t is None:  # a comment took the end of the input
                self.err(1, "unclosed inline table, expected `}`", self.after_significant())
                finish()
                table.span = (open_tok[1], self.n)
                break
            kind, s, e = t
            if kind == "ws":
                continue
            if kind == "nl":
                self.newline(t)
                continue
            if kind == "#":
                self.on_comment(t)
                continue
            if kind == "eof":
                self.err(1, "unclosed inline table, expected `}`", s)
                finish()
                table.span = (open_tok[1], s)
                break
            if kind == ",":
                if state == "comma":
                    finish()
                    state = "key"
                else:
                    self.err(1, f"extra comma in inline table, expected {_EXPECTED[state]}", s)
                continue
            if kind == "=":
                if state == "key":
                    parts = [self.fake_key(s)]
                    keys = ([(n, sp) for n, sp, _ in parts], self.check_keys(parts))
                    state = "value"
                elif state == "eq":
                    state = "value"
                else:
                    self.err(1, f"extra assignment between key-value pairs, expected {_EXPECTED[state]}", s)
                continue
            if kind == "}":
                finish()
                table.span = (open_tok[1], e)
                break
            if kind == "{" or kind == "[":
                if state in ("key", "comma"):
                    self.err(1, f"missing key for inline table element, expected {_EXPECTED[state]}", s)
                    self.ignore_to_value_close("}" if kind == "{" else "]")
                    continue
                if state == "eq":
                    self.err(1, "missing assignment between key-value pairs, expected `=`", s)
                value = self.on_inline_table(t) if kind == "{" else self.on_array(t)
                state = "comma"
                continue
            if kind == "]":
                if state == "value":
                    self.err(1, "missing array opening, expected `[`", s)
                    value, state = None, "comma"
                else:
                    self.err(1, f"invalid inline table element, expected {_EXPECTED[state]}", s)
                continue
            # strings, dots, atoms
            if state in ("key", "comma"):
                if state == "comma":
                    self.err(1, "missing comma between key-value pairs, expected `,`", s)
                if kind == ".":
                    parts = [self.fake_key(s)]
                    self.back()
                else:
                    parts = [self.simple_key(t)]
                self.opt_dot_keys(parts)
                keys = ([(n, sp) for n, sp, _ in parts], self.check_keys(parts))
                state = "eq"
            else:
                if state == "eq":
                    self.err(1, "missing assignment between key-value pairs, expected `=`", s)
                value = self.on_scalar(t)
                state = "comma"
        self.depth -= 1
        _close_inline(table)
        return table

    # blanks, comments, recovery ------------------------------------------------------------------

    def newline(self, t) -> None:
        if t[2] - t[1] == 1 and self.text[t[1]] == "\r":
            self.err(1, _E_CR, t[2])

    def on_comment(self, t) -> None:
        m = _COMMENT_BAD.search(self.text, t[1], t[2])
        if m is not None:
            self.err(1, "invalid comment character, expected printable characters", m.start())
        after = self.next()
        if after is None or after[0] == "eof":
            return
        if after[0] == "nl":
            self.newline(after)
            return
        self.err(1, "unexpected content between comment and newline, expected newline", after[1])  # pragma: no cover
        self.ignore_to_newline()  # pragma: no cover

    def ws_comment_newline(self) -> None:
        while True:
            t = self.next()
            if t is None:
                return
            kind = t[0]
            if kind == "ws":
                continue
            if kind == "#":
                self.on_comment(t)
            elif kind == "nl":
                self.newline(t)
            elif kind != "eof":
                self.err(1, "unexpected key or value, expected newline, `#`", t[1])
                self.ignore_to_newline()
            return

    def ignore_to_newline(self) -> None:
        while True:
            t = self.next()
            if t is None:
                return
            kind = t[0]
            if kind == "#":
                self.on_comment(t)
                return
            if kind == "nl":
                self.newline(t)
                return
            if kind == "eof":
                return

    def ignore_to_value_close(self, closing: str) -> None:
        arrays = tables = 0
        while True:
            t = self.next()
            if t is None:
                return
            kind = t[0]
            if kind == "#":
                self.on_comment(t)
            elif kind == "nl":
                self.newline(t)
            elif kind == "[":
                arrays += 1
            elif kind == "{":
                tables += 1
            elif kind == "]":
                if arrays == 0 and closing == "]":
                    self.depth -= 1
                    return
                arrays = max(0, arrays - 1)
            elif kind == "}":
                if tables == 0 and closing == "}":
                    self.depth -= 1
                    return
                tables = max(0, tables - 1)
            elif kind == "eof":
                return


_NO_VALUE = object()


# -- plain values, no positions ------------------------------------------------------------------

# Consecutive lines that are exactly `name.workspace = true` (most of a member's dependencies).
_WS_TRUE_RUN = re.compile(r"(?:[A-Za-z0-9_-]+\.workspace = true\n)+")
_WS_TRUE_NAME = re.compile(r"([A-Za-z0-9_-]+)\.workspace = true\n")

# `name = { key = value, ... }` on one line with values of the usual kinds (booleans, plain
# strings, arrays of plain strings, integers), and one entry of it (groups: key, boolean,
# string, array, integer). Compiled when the plain reader first runs.
_STR_BODY = r'[^"\\\x00-\x08\x0a-\x1f\x7f]*'
_INLINE_ENTRY_PATTERN = (
    r'([A-Za-z0-9_-]+)[ \t]*=[ \t]*(?:(true|false)(?![^ \t,}])|"(' + _STR_BODY + r')"'
    r'|(\[[ \t]*(?:"' + _STR_BODY + r'"[ \t]*,[ \t]*)*(?:"' + _STR_BODY + r'"[ \t]*)?\])'
    r'|([+-]?(?:0|[1-9][0-9]{0,17}))(?![^ \t,}]))'
)
_inline_patterns: tuple | None = None


def _inline_line_patterns() -> tuple:
    global _inline_patterns
    if _inline_patterns is None:
        entry = re.sub(r"\((?!\?)", "(?:", _INLINE_ENTRY_PATTERN)
        line = re.compile(
            r"([A-Za-z0-9_-]+)[ \t]*=[ \t]*\{[ \t]*(" + entry + r"(?:[ \t]*,[ \t]*" + entry + r")*)?[ \t]*\}"
            r"[ \t]*(?:#[^\x00-\x08\x0a-\x1f\x7f]*)?(?:\n|\Z)"
        )
        _inline_patterns = (line.match, re.compile(_INLINE_ENTRY_PATTERN).findall)
    return _inline_patterns


# `[[name]]` headers the plain reader takes (a manifest's targets); any other is left to `parse`.
_PLAIN_ARRAYS_OF_TABLES = frozenset(("bin", "example", "test", "bench"))


def parse_plain(text: str) -> dict | None:
    """The document as plain values (what ``parse(text).to_python()`` gives), or None.

    For answers that need no positions (`cargo-lens metadata`). Reads only valid TOML of the
    usual shape -- bare keys, one-line statements of plain strings, booleans, integers, arrays
    of plain strings and one-line inline tables of those, tables that are opened once -- and
    returns None, without reporting anything, at the first thing outside that subset (escapes,
    CR, floats, dates, comments inside values, a table extended in a way the TOML rules might
    refuse, any error). Then use ``parse``, which decides everything, errors included.
    """
    if "\r" in text or text.startswith("\ufeff"):
        return None
    try:
        return _Plain(text).run()
    except _Slow:
        return None


class _Plain:
    def __init__(self, text: str):
        self.text = text
        self.n = len(text)
        self.root: dict = {}
        # How each table came to be (by id; they all live as long as the reader): "root",
        # "header", "implicit" (a header's parent), "dotted", "inline", "element" (of [[x]]);
        # "array" for the list of an array of tables.
        self.kinds: dict[int, str] = {id(self.root): "root"}

    def run(self) -> dict:
        text, n, kinds = self.text, self.n, self.kinds
        eol, ws = _EOL.match, _WS.match
        dotted, keystr = _DOTTED_BOOL_LINE.match, _KEY_STRING_LINE.match
        run_of_ws_true, ws_true_name = _WS_TRUE_RUN.match, _WS_TRUE_NAME.findall
        inline_line, inline_entries = _inline_line_patterns()
        strings = _SIMPLE_BASIC.findall
        cur = self.root
        pos = 0
        while pos < n:
            c = text[pos]
            if c == "\n":
                pos += 1
                continue
            if c == "#" or c == " " or c == "\t":
                m = eol(text, pos)
                if m is not None:  # a blank or comment-only line
                    pos = m.end()
                    continue
                start = ws(text, pos).end()
                c = text[start]
            else:
                start = pos
            if c == "[":
                pos, cur = self._header(start)
                continue
            m = run_of_ws_true(text, start)
            if m is not None:  # lines of exactly `name.workspace = true`, at once
                for name in ws_true_name(m.group()):
                    table = cur.get(name)
                    if table is None:
                        table = cur[name] = {"workspace": True}
                        kinds[id(table)] = "dotted"
                    elif type(table) is dict and kinds.get(id(table)) == "dotted" and "workspace" not in table:
                        table["workspace"] = True
                    else:
                        raise _Slow
                pos = m.end()
                continue
            m = dotted(text, start)
            if m is not None:  # `name.workspace = true`
                first, second = m.group(1), m.group(2)
                table = cur.get(first)
                if table is None:
                    table = cur[first] = {}
                    kinds[id(table)] = "dotted"
                elif type(table) is not dict or kinds.get(id(table)) != "dotted" or second in table:
                    raise _Slow
                table[second] = m.group(3) == "true"
                pos = m.end()
                continue
            m = keystr(text, start)
            if m is not None:  # `name = "text"`
                name = m.group(1)
                if name in cur:
                    raise _Slow
                cur[name] = m.group(2)
                pos = m.end()
                continue
            m = inline_line(text, start)
            if m is not None:  # `name = { workspace = true, features = ["std"] }`
                name = m.group(1)
                if name in cur:
                    raise _Slow
                table = {}
                kinds[id(table)] = "inline"
                if m.group(2) is not None:
                    # (findall: "" for a group that did not take part; an empty string's value
                    # is told apart by the other groups being empty too)
                    for key, boolean, string, array, integer in inline_entries(text, m.start(2), m.end(2)):
                        if key in table:
                            raise _Slow
                        if boolean:
                            table[key] = boolean == "true"
                        elif array:
                            table[key] = strings(array)
                        elif integer:
                            table[key] = int(integer)
                        else:
                            table[key] = string
                cur[name] = table
                pos = m.end()
                continue
            keys, p = self._key(start)
            if p >= n or text[p] != "=":
                raise _Slow
            value, p = self._value(ws(text, p + 1).end(), 1)
            m = eol(text, p)
            if m is None:
                raise _Slow
            table = cur
            for k in keys[:-1]:
                sub = table.get(k)
                if sub is None:
                    sub = table[k] = {}
                    kinds[id(sub)] = "dotted"
                elif type(sub) is not dict or kinds.get(id(sub)) != "dotted":
                    raise _Slow
                table = sub
            if keys[-1] in table:
                raise _Slow
            table[keys[-1]] = value
            pos = m.end()
        return self.root

    def _key(self, p: int) -> tuple[list[str], int]:
        text, n, ws = self.text, self.n, _WS.match
        keys = []
        while True:
            c = text[p] if p < n else ""
            if c == '"':
                m = _SIMPLE_BASIC.match(text, p)
                if m is None or text.startswith('"""', p):
                    raise _Slow
                keys.append(m.group(1))
            elif c == "'":
                m = _SIMPLE_LITERAL.match(text, p)
                if m is None or text.startswith("'''", p):
                    raise _Slow
                keys.append(m.group(1))
            else:
                m = _BARE_KEY.match(text, p)
                if m is None:
                    raise _Slow
                keys.append(m.group())
            p = ws(text, m.end()).end()
            if p < n and text[p] == ".":
                p = ws(text, p + 1).end()
                continue
            if len(keys) > MAX_DEPTH:
                raise _Slow
            return keys, p

    def _header(self, start: int) -> tuple[int, dict]:
        text, kinds = self.text, self.kinds
        is_array = text.startswith("[[", start)
        keys, p = self._key(_WS.match(text, start + (2 if is_array else 1)).end())
        close = "]]" if is_array else "]"
        if not text.startswith(close, p):
            raise _Slow
        m = _EOL.match(text, p + len(close))
        if m is None:
            raise _Slow
        table = self.root
        for k in keys[:-1]:
            sub = table.get(k)
            if sub is None:
                sub = table[k] = {}
                kinds[id(sub)] = "implicit"
            elif type(sub) is not dict or kinds.get(id(sub)) not in ("implicit", "header"):
                raise _Slow
            table = sub
        name = keys[-1]
        existing = table.get(name)
        if is_array:
            if len(keys) != 1 or name not in _PLAIN_ARRAYS_OF_TABLES:
                raise _Slow
            if existing is None:
                existing = table[name] = []
                kinds[id(existing)] = "array"
            elif kinds.get(id(existing)) != "array":
                raise _Slow
            new: dict = {}
            kinds[id(new)] = "element"
            existing.append(new)
            return m.end(), new
        if existing is None:
            new = table[name] = {}
            kinds[id(new)] = "header"
            return m.end(), new
        if type(existing) is dict and kinds.get(id(existing)) == "implicit":
            kinds[id(existing)] = "header"
            return m.end(), existing
        raise _Slow

    def _value(self, p: int, depth: int):
        text, n = self.text, self.n
        if p >= n:
            raise _Slow
        c = text[p]
        if c == '"':
            m = _SIMPLE_BASIC.match(text, p)
            if m is None or text.startswith('"""', p):
                raise _Slow
            return m.group(1), m.end()
        if c == "'":
            m = _SIMPLE_LITERAL.match(text, p)
            if m is None or text.startswith("'''", p):
                raise _Slow
            return m.group(1), m.end()
        if c == "[":
            m = _STRING_ARRAY.match(text, p)
            if m is not None:
                e = m.end()
                return _SIMPLE_BASIC.findall(text, p, e), e
            return self._array(p, depth)
        if c == "{":
            return self._inline(p, depth)
        if c == "t" and text.startswith("true", p) and (p + 4 == n or text[p + 4] in " \t\n#,]}"):
            return True, p + 4
        if c == "f" and text.startswith("false", p) and (p + 5 == n or text[p + 5] in " \t\n#,]}"):
            return False, p + 5
        m = _PLAIN_INT.match(text, p)
        if m is None:
            raise _Slow
        return int(m.group()), m.end()

    def _array(self, p: int, depth: int) -> tuple[list, int]:
        """An array over any lines, with comments between its values."""
        if depth > MAX_DEPTH:
            raise _Slow
        text, n, wcn = self.text, self.n, _WCN.match
        items: list = []
        p = wcn(text, p + 1).end()
        if p < n and text[p] == "]":
            return items, p + 1
        while True:
            value, p = self._value(p, depth + 1)
            items.append(value)
            p = wcn(text, p).end()
            c = text[p] if p < n else ""
            if c == ",":
                p = wcn(text, p + 1).end()
                if p < n and text[p] == "]":
                    return items, p + 1
            elif c == "]":
                return items, p + 1
            else:
                raise _Slow

    def _inline(self, p: int, depth: int) -> tuple[dict, int]:
        """A one-line inline table without dotted keys or a trailing comma."""
        if depth > MAX_DEPTH:
            raise _Slow
        text, ws = self.text, _WS.match
        table: dict = {}
        self.kinds[id(table)] = "inline"
        p = ws(text, p + 1).end()
        if text.startswith("}", p):
            return table, p + 1
        while True:
            m = _KEY_EQ.match(text, p)
            if m is None:
                raise _Slow
            name = m.group(1)
            if name in table:
                raise _Slow
            table[name], p = self._value(m.end(), depth + 1)
            m = _SEP.match(text, p)
            if m is None:
                raise _Slow
            p = m.end()
            if m.group(1) == "}":
                return table, p
            p = ws(text, p).end()
            if text.startswith("}", p):  # a trailing comma (TOML 1.1): left to `parse`
                raise _Slow
