"""What is at an offset of a TOML document: the tree item under the cursor, and where a completion
would go while the statement is still being typed.

Two views, because they answer different questions:

* ``item_at(doc, offset)`` looks at the parsed tree (``toml_doc``): the deepest key, value,
  array item or header segment whose span holds the offset. Navigation (definition, references,
  links) works on what is written, so the tree is the right source; a statement the reader had
  to drop is simply not there.
* ``completion_context(doc, offset)`` lexes the text around the cursor, because the statement being
  completed is usually broken (``ser``, ``edition = "20``, ``members = ["cr``) and the reader has
  dropped it. Lexing starts at the last ``[header]`` the tree knows before the cursor (a real
  header, never one inside a multi-line string), so the cost is bounded by one table's text.

Offsets and spans are code-point offsets into the document text. Nothing here raises on bad
input: an offset outside the text gives ``None`` / a context with ``position == "none"``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .toml_doc import Array, ArrayOfTables, Item, Scalar, Table, TomlDocument

Span = tuple[int, int]

__all__ = [
    "Hit",
    "CompletionContext",
    "item_at",
    "completion_context",
    "header_tables",
    "table_end",
    "entry_span",
    "DEP_TABLES",
    "is_dependency_table",
]

# Dependency tables, spelled as cargo accepts them.
DEP_TABLES = frozenset(
    ("dependencies", "dev-dependencies", "dev_dependencies", "build-dependencies", "build_dependencies")
)


def is_dependency_table(path: tuple) -> bool:
    """``[dependencies]``, ``[target.<cfg>.dev-dependencies]``, ``[workspace.dependencies]``…"""
    names = tuple(p for p in path if isinstance(p, str))
    if len(names) == 1:
        return names[0] in DEP_TABLES
    if len(names) == 3 and names[0] == "target":
        return names[2] in DEP_TABLES
    return names == ("workspace", "dependencies")


# -- the tree ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    """The item under the cursor.

    ``path``: its key path (ints index arrays and arrays of tables). ``part``: "key" (on the key
    naming it), "value" (on its value; for arrays and inline tables, on the brackets/braces),
    or "header" (on a segment of a ``[header]``; ``path`` is the table that segment names).
    ``span``: the span of that part.
    """

    path: tuple
    item: Item
    part: str
    span: Span


def _nodes(root: Table):
    """(path, item) for every item below ``root``, array items and inline tables included."""
    stack: list = [((), root)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, Table):
            for k, v in node.entries.items():
                yield path + (k,), v
                if not isinstance(v, Scalar):
                    stack.append((path + (k,), v))
        elif isinstance(node, ArrayOfTables):
            for i, t in enumerate(node.tables):
                yield path + (i,), t
                stack.append((path + (i,), t))
        elif isinstance(node, Array):
            for i, v in enumerate(node.items):
                yield path + (i,), v
                if not isinstance(v, Scalar):
                    stack.append((path + (i,), v))


def _names(path: tuple) -> tuple:
    return tuple(p for p in path if isinstance(p, str))


def item_at(doc: TomlDocument | None, offset: int) -> Hit | None:
    """The deepest item whose key, value or header segment holds ``offset`` (None if nothing).

    A cursor just after a token (``serde|``) counts as on it when nothing else is there.
    """
    if doc is None or not isinstance(offset, int) or offset < 0 or offset > len(doc.text):
        return None
    best: tuple | None = None  # (size, depth, path, item, part, span)
    after: tuple | None = None

    def consider(path, item, part, span):
        nonlocal best, after
        if span is None or span[1] <= span[0]:
            return
        if span[0] <= offset < span[1]:
            cand = (span[1] - span[0], -len(path), path, item, part, span)
            if best is None or cand[:2] < best[:2]:
                best = cand
        elif offset == span[1]:
            cand = (span[1] - span[0], -len(path), path, item, part, span)
            if after is None or cand[:2] < after[:2]:
                after = cand

    for path, item in _nodes(doc.root):
        if isinstance(item, Table) and item.header_keys:
            segs = item.header_keys
            names = _names(path)
            for i, (_, span) in enumerate(segs):
                if i == len(segs) - 1:
                    consider(path, item, "header", span)
                else:  # an outer segment names an enclosing table
                    outer = _path_for_names(path, names[: len(names) - (len(segs) - 1 - i)])
                    consider(outer, None, "header", span)
            continue
        if isinstance(item, Table) and item.origin == "implicit":
            continue  # made by a header's outer segments: the header answers for them
        if item.key_span is not None:
            consider(path, item, "key", item.key_span)
        if isinstance(item, Scalar) or isinstance(item, Array) or (isinstance(item, Table) and item.origin == "inline"):
            consider(path, item, "value", item.span)
    found = best or after
    if found is None:
        return None
    _, _, path, item, part, span = found
    if item is None:
        item = doc.lookup(path)
        if item is None:
            return None
    return Hit(path, item, part, span)


def _path_for_names(path: tuple, names: tuple) -> tuple:
    """The prefix of ``path`` that holds exactly ``names`` (an array-of-tables index included)."""
    out: list = []
    count = 0
    for p in path:
        if count == len(names):
            if isinstance(p, int):
                out.append(p)
            break
        out.append(p)
        if isinstance(p, str):
            count += 1
    return tuple(out)


def header_tables(doc: TomlDocument) -> list[tuple[int, tuple, Table]]:
    """Every ``[header]`` / ``[[header]]`` table: (header start, key path, table), in text order."""
    out = []
    for path, item in _nodes(doc.root):
        if isinstance(item, Table) and item.header_span is not None:
            out.append((item.header_span[0], path, item))
    out.sort(key=lambda t: t[0])
    return out


def table_end(table: Item) -> int:
    """Where a table's text ends: the end of its last entry (its header, when empty)."""
    end = table.span[1]
    stack = [table]
    while stack:
        node = stack.pop()
        if isinstance(node, Table):
            children = node.entries.values()
        elif isinstance(node, ArrayOfTables):
            children = node.tables
        elif isinstance(node, Array):
            children = node.items
        else:
            continue
        for c in children:
            if isinstance(c, Table) and c.header_span is not None:
                continue  # a sub-table with its own header lives elsewhere in the text
            if isinstance(c, ArrayOfTables) or (isinstance(c, Table) and c.origin == "implicit"):
                # made by a later header (`[[workspace.x]]`, `[workspace.lints.rust]`): its span
                # is that header's key, elsewhere in the text; only dotted keys written here count
                stack.append(c)
                continue
            end = max(end, c.span[1])
            if not isinstance(c, Scalar):
                stack.append(c)
    return end


def entry_span(item: Item) -> Span:
    """The whole `key = value` statement of an entry (for header tables: header to last entry)."""
    if isinstance(item, Table) and item.header_span is not None:
        return (item.header_span[0], table_end(item))
    start = item.key_span[0] if item.key_span is not None else item.span[0]
    return (min(start, item.span[0]), table_end(item))


# -- completion context (a tolerant lexer) -----------------------------------------------------


@dataclass(frozen=True)
class CompletionContext:
    """Where a completion would go.

    ``position``: "key" (a new key in the table at ``key_path``), "value" (the value of the key
    at ``key_path``; ``in_array`` when it is an array item), "header" (inside ``[...]``; the
    segments typed before the cursor are ``key_path``) or "none".
    ``table_path``: the ``[header]`` the statement is under (names only; ``array_table`` for
    ``[[...]]``). ``prefix``: the token's text from its start to the cursor (quotes excluded);
    ``replace``: the token's span (a string's content, without quotes); ``quote``: the quote
    character when the cursor is inside a string. ``existing``: keys already in the table (for
    "key") ; ``array_items``: strings already in the array; ``siblings``: scalar values of the
    other keys of the enclosing inline table or header table (`path`, `workspace`, …);
    ``inline``: the key lives in an inline table. ``statement_start``: where the top-level
    statement holding the cursor starts.
    """

    position: str
    table_path: tuple = ()
    array_table: bool = False
    key_path: tuple = ()
    in_array: bool = False
    prefix: str = ""
    replace: Span = (0, 0)
    quote: str | None = None
    existing: frozenset = frozenset()
    array_items: tuple = ()
    siblings: dict = field(default_factory=dict)
    inline: bool = False
    statement_start: int = 0


_TOKEN = re.compile(
    r"""
    (?P<nl>\r?\n|\r)
  | (?P<ws>[ \t]+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<mlb>\"\"\"(?:[^"\\]|\\[\s\S]?|"(?!""))*(?:(?P<mlbq>\"\"\")|\Z))
  | (?P<mll>'''[\s\S]*?(?:(?P<mllq>''')|\Z))
  | (?P<basic>"(?:[^"\\\r\n]|\\[^\r\n]?)*(?P<basicq>")?)
  | (?P<literal>'[^'\r\n]*(?P<literalq>')?)
  | (?P<punct>[=,\[\]{}.])
  | (?P<atom>[^ \t\r\n=,\[\]{}.\#"']+)
  | (?P<other>[\s\S])
    """,
    re.X,
)
_STRINGS = ("basic", "literal", "mlb", "mll")


class _Frame:
    __slots__ = ("kind", "mode", "keys", "path", "seen", "siblings", "items", "array_header")

    def __init__(self, kind: str, mode: str, path: tuple):
        self.kind = kind  # top | header | array | inline
        self.mode = mode
        self.keys: list[str] = []
        self.path = path
        self.seen: set[str] = set()
        self.siblings: dict = {}
        self.items: list = []
        self.array_header = False


def _string_value(kind: str, raw: str) -> str:
    if kind == "basic":
        body = raw[1:-1] if len(raw) >= 2 and raw.endswith('"') else raw[1:]
        if "\\" in body:
            body = re.sub(r'\\(["\\])', r"\1", body)
        return body
    if kind == "literal":
        return raw[1:-1] if len(raw) >= 2 and raw.endswith("'") else raw[1:]
    if kind in ("mlb", "mll"):
        body = raw[3:-3] if len(raw) >= 6 and raw.endswith(raw[:3]) else raw[3:]
        return body[1:] if body.startswith("\n") else body
    return raw


def _scalar_value(kind: str, raw: str):
    if kind in _STRINGS:
        return _string_value(kind, raw)
    if raw == "true":
        return True
    if raw == "false":
        return False
    return raw


def completion_context(doc: TomlDocument | None, offset: int) -> CompletionContext:
    """Where a completion at ``offset`` goes. Never raises; ``position == "none"`` when nothing fits."""
    try:
        return _completion_context(doc, offset)
    except (Exception, RecursionError):  # pragma: no cover - defensive: never break completion
        return CompletionContext("none")


def _completion_context(doc: TomlDocument | None, offset: int) -> CompletionContext:
    if doc is None or not isinstance(offset, int) or offset < 0 or offset > len(doc.text):
        return CompletionContext("none")
    text = doc.text
    start = 0
    header_table: Table | None = None
    for hstart, _path, table in header_tables(doc):
        if hstart <= offset:
            if hstart >= start:
                start, header_table = hstart, table
        else:
            break
    lx = _Lexer(doc, text, start, offset, header_table)
    return lx.run()


class _Lexer:
    def __init__(self, doc: TomlDocument, text: str, start: int, offset: int, header_table: Table | None):
        self.doc = doc
        self.text = text
        self.start = start
        self.offset = offset
        self.header_table = header_table  # the tree's table for the header lexing starts at
        self.table_path: tuple = ()
        self.array_table = False
        self.stack: list[_Frame] = [_Frame("top", "stmt", ())]
        self.stmt_start = start

    # -- the result --------------------------------------------------------------------------

    def _table_node(self) -> Table | None:
        """The tree table the current statement is in (the right one of a `[[…]]` array)."""
        if self.start == 0 and not self.table_path:
            return self.doc.root
        t = self.header_table
        if t is not None and _names(tuple(k for k, _ in t.header_keys)) == self.table_path:
            return t
        node = self.doc.lookup(self.table_path)
        if isinstance(node, ArrayOfTables):
            return node.tables[-1] if node.tables else None
        return node if isinstance(node, Table) else None

    def _existing(self, frame: _Frame, keys_before: list[str], token_start: int | None) -> frozenset:
        """Keys already in the table, but not the one being typed over (its key starts at the token)."""
        names: set[str] = set(frame.seen)
        if frame.kind == "top":
            node: Item | None = self._table_node()
            for k in keys_before:
                node = node.entries.get(k) if isinstance(node, Table) else None
        else:
            node = self.doc.lookup(frame.path + tuple(keys_before))
        if isinstance(node, Table):
            for k, v in node.entries.items():
                if token_start is not None and v.key_span is not None and v.key_span[0] in (token_start, token_start - 1):
                    continue
                names.add(k)
        return frozenset(names)

    def _siblings(self, frame: _Frame) -> dict:
        if frame.kind == "inline":
            out = {}
            node = self.doc.lookup(frame.path)
            if isinstance(node, Table):
                for k, v in node.entries.items():
                    if isinstance(v, Scalar):
                        out[k] = v.value
            out.update(frame.siblings)
            return out
        if frame.kind == "top":
            node = self._table_node()
            out = {}
            if isinstance(node, Table):
                for k, v in node.entries.items():
                    if isinstance(v, Scalar):
                        out[k] = v.value
            return out
        return {}

    def _ctx(self, position: str, frame: _Frame, **kw) -> CompletionContext:
        kw.setdefault("replace", (self.offset, self.offset))
        return CompletionContext(
            position,
            table_path=self.table_path,
            array_table=self.array_table,
            inline=any(f.kind == "inline" for f in self.stack),
            statement_start=self.stmt_start,
            **kw,
        )

    def _key_ctx(self, frame: _Frame, keys_before: list[str], **kw) -> CompletionContext:
        return self._ctx(
            "key",
            frame,
            key_path=frame.path + tuple(keys_before),
            existing=self._existing(frame, keys_before, kw["replace"][0] if "replace" in kw else None),
            siblings=self._siblings(frame) if not keys_before else {},
            **kw,
        )

    def _value_ctx(self, frame: _Frame, **kw) -> CompletionContext:
        if frame.kind == "array":
            owner = self._owner_of(frame)
            return self._ctx(
                "value",
                frame,
                key_path=frame.path,
                in_array=True,
                array_items=tuple(i for i in frame.items if isinstance(i, str)),
                siblings=self._siblings(owner) if owner is not None else {},
                **kw,
            )
        return self._ctx("value", frame, key_path=frame.path + tuple(frame.keys), siblings=self._siblings(frame), **kw)

    def _owner_of(self, frame: _Frame) -> _Frame | None:
        i = self.stack.index(frame)
        return self.stack[i - 1] if i > 0 else None

    def _gap(self) -> CompletionContext:
        f = self.stack[-1]
        if f.kind == "header":
            return self._ctx("header", f, key_path=tuple(f.keys))
        if f.kind in ("top", "inline"):
            if f.mode in ("stmt", "key"):
                return self._key_ctx(f, [])
            if f.mode == "key2":
                return self._key_ctx(f, f.keys)
            if f.mode == "value":
                return self._value_ctx(f)
            return self._ctx("none", f)
        if f.mode == "item":
            return self._value_ctx(f)
        return self._ctx("none", f)

    def _in_token(self, kind: str, s: int, e: int, raw: str, closed: bool) -> CompletionContext:
        f = self.stack[-1]
        off = self.offset
        if kind in _STRINGS:
            q = len(raw[:3]) if kind in ("mlb", "mll") else 1
            inner_s = s + q
            # an unclosed string runs to the end of the line: replace only up to the cursor
            inner_e = e - q if closed else off
            inner_e = max(inner_e, inner_s)
            if off < inner_s:
                return self._ctx("none", f)
            quote = raw[0] * q
            common = dict(prefix=self.text[inner_s:off], replace=(inner_s, inner_e), quote=quote)
        else:
            common = dict(prefix=self.text[s:off], replace=(s, e), quote=None)
        if f.kind == "header":
            return self._ctx("header", f, key_path=tuple(f.keys), **common)
        if f.kind in ("top", "inline"):
            if f.mode in ("stmt", "key"):
                return self._key_ctx(f, [], **common)
            if f.mode == "key2":
                return self._key_ctx(f, f.keys, **common)
            if f.mode == "value":
                return self._value_ctx(f, **common)
            return self._ctx("none", f)
        if f.mode in ("item", "after"):
            return self._value_ctx(f, **common)
        return self._ctx("none", f)  # pragma: no cover

    # -- the scan ----------------------------------------------------------------------------

    def run(self) -> CompletionContext:
        text, off = self.text, self.offset
        pos = self.start
        match = _TOKEN.match
        while True:
            m = match(text, pos)
            if m is None or m.start() >= off:
                return self._gap()
            kind = m.lastgroup
            s, e = m.span()
            raw = m.group()
            if kind == "atom" and s < off <= e:
                return self._in_token(kind, s, e, raw, False)
            if kind in _STRINGS and s < off and (off < e or (off == e and m.group(kind + "q") is None)):
                return self._in_token(kind, s, e, raw, m.group(kind + "q") is not None)
            if kind == "comment" and s < off <= e:
                return self._ctx("none", self.stack[-1])
            self._step(kind, s, e, raw)
            pos = e

    def _pop_value(self) -> None:
        """A nested array / inline table closed: its owner has its value."""
        self.stack.pop()
        owner = self.stack[-1]
        if owner.kind == "array":
            owner.items.append(None)
            owner.mode = "after"
        else:
            owner.mode = "after"

    def _step(self, kind: str, s: int, e: int, raw: str) -> None:
        f = self.stack[-1]
        if kind in ("ws", "comment"):
            return
        if kind == "nl":
            if f.kind == "header":  # an unclosed header: the line still names the table
                self._end_header(f)
                self.stack[-1].mode = "stmt"
            elif f.kind == "top":
                f.mode = "stmt"
                f.keys = []
            return
        is_key_token = kind == "atom" or kind in ("basic", "literal")
        if f.kind == "header":
            if is_key_token:
                f.keys.append(_string_value(kind, raw) if kind != "atom" else raw)
            elif raw == "]":
                if f.array_header and self.text.startswith("]", e):
                    pass  # the second `]` arrives as its own token and is ignored below
                self._end_header(f)
            return
        if f.kind == "top" and f.mode == "stmt":
            self.stmt_start = s
            if raw == "[":
                hdr = _Frame("header", "keys", ())
                hdr.array_header = self.text.startswith("[", e)
                self.stack.append(hdr)
                return
        if f.kind in ("top", "inline"):
            self._step_keyval(f, kind, raw)
            return
        # array
        if raw == "]":
            self._pop_value()
            return
        if raw == ",":
            f.mode = "item"
            return
        if raw == "[":
            self.stack.append(_Frame("array", "item", f.path))
            return
        if raw == "{":
            self.stack.append(_Frame("inline", "key", f.path))
            return
        if kind == "atom" or kind in _STRINGS:
            f.items.append(_scalar_value(kind, raw))
            f.mode = "after"

    def _step_keyval(self, f: _Frame, kind: str, raw: str) -> None:
        is_key_token = kind == "atom" or kind in ("basic", "literal")
        mode = f.mode
        if mode in ("stmt", "key"):
            if raw == "}" and f.kind == "inline":
                self._pop_value()
            elif is_key_token:
                f.keys = [raw if kind == "atom" else _string_value(kind, raw)]
                f.mode = "keydone"
            elif raw == "=":
                f.keys = []
                f.mode = "value"
            return
        if mode == "keydone":
            if raw == ".":
                f.mode = "key2"
            elif raw == "=":
                f.mode = "value"
            elif raw == "}" and f.kind == "inline":
                self._pop_value()
            return
        if mode == "key2":
            if is_key_token:
                f.keys.append(raw if kind == "atom" else _string_value(kind, raw))
                f.mode = "keydone"
            return
        if mode == "value":
            if raw == "[":
                self.stack.append(_Frame("array", "item", f.path + tuple(f.keys)))
                f.mode = "after"
            elif raw == "{":
                self.stack.append(_Frame("inline", "key", f.path + tuple(f.keys)))
                f.mode = "after"
            elif raw == "}" and f.kind == "inline":
                self._pop_value()
            elif kind == "atom" or kind in _STRINGS:
                if len(f.keys) == 1:
                    f.siblings[f.keys[0]] = _scalar_value(kind, raw)
                f.mode = "after"
            return
        # after a value
        if f.kind == "inline":
            if raw == ",":
                if f.keys:
                    f.seen.add(f.keys[0])
                f.keys = []
                f.mode = "key"
            elif raw == "}":
                self._pop_value()

    def _end_header(self, f: _Frame) -> None:
        self.stack.pop()
        self.table_path = tuple(f.keys)
        self.array_table = f.array_header
        top = self.stack[-1]
        top.mode = "after"  # the rest of the header line is not a statement
        top.keys = []
        top.path = self.table_path
        if self.header_table is not None and _names(tuple(k for k, _ in self.header_table.header_keys)) != self.table_path:
            self.header_table = None
