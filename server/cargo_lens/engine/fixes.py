"""Quick-fix edits for Cargo.toml files (editor-neutral: files and code-point offsets).

Every edit is made the same way: parse the text the engine read (maybe an unsaved buffer, never
the disk) with tomlkit, change the document in place with items shaped like their neighbours,
render it, check the rendering means what we wanted, and return the one smallest ``TextEdit``
between the old and the new text. The rest of the file stays byte-identical, comments included.

Style rules (the file's own, never a fixed house style):

* arrays: multi-line stay multi-line (same indentation, same trailing-comma habit, one entry per
  line), single-line stay single-line; the quote style of the entries (``'…'`` vs ``"…"``) is kept;
* a new key goes after the table's last membership key (members / exclude / default-members),
  else after its last key; it is written the way the table is written: under a ``[workspace]``
  header, as a dotted key (``workspace.exclude = …``) or inside an inline table;
* a new table goes at the end of the file after one blank line (a new ``[workspace.x]`` goes
  right after the ``[workspace]`` block), with the file's line endings (LF or CRLF); a file
  without a final newline keeps having none.

Array styles are read from tomlkit's grouping of array items (``Array._value``: indent, value,
comma and comment per entry, in the tomlkit versions pyproject allows). It is private: should it
change, the guard below turns the error into ``None`` and the tests here fail loudly.

Nothing here raises on odd input: text tomlkit cannot parse (or cannot round-trip byte for byte),
odd shapes (``workspace = 1``) and renderings that do not re-read as intended give ``None``.
"""

from __future__ import annotations

import copy
import functools
import os
import posixpath
import re
import uuid
from dataclasses import dataclass
from typing import Any, Callable

import tomlkit
from tomlkit.items import Array, Comment, InlineTable, Null, String, StringType, Table, Trivia, Whitespace

from .diagnostics import Fix, TextEdit

try:  # a strict, independent parser to check our renderings (Python 3.11+)
    import tomllib as _tomllib
except ModuleNotFoundError:  # pragma: no cover - 3.10
    _tomllib = None  # type: ignore[assignment]

__all__ = [
    "minimal_edit",
    "apply_edit",
    "add_array_entry",
    "set_array",
    "add_empty_workspace_table",
    "add_table_entry",
    "fix_exclude",
    "fix_add_member",
    "fix_default_members",
    "fix_empty_workspace",
    "fix_workspace_dependency",
]

MEMBERSHIP_KEYS = ("members", "exclude", "default-members")
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


# ----------------------------------------------------------------------------------------------
# The smallest edit
# ----------------------------------------------------------------------------------------------


def minimal_edit(file: str, old: str, new: str) -> TextEdit | None:
    """The single smallest ``TextEdit`` turning ``old`` into ``new``; None when they are equal.

    Offsets are code points. One exception to "smallest": an edit never starts or ends between
    the ``\\r`` and ``\\n`` of a CRLF pair (an LSP position there is not on any line), so it may
    take one more character.
    """
    if old == new:
        return None
    n = min(len(old), len(new))
    p = len(os.path.commonprefix([old, new]))
    s = 0
    limit = n - p
    while s < limit and old[-1 - s] == new[-1 - s]:
        s += 1
    end_old, end_new = len(old) - s, len(new) - s
    if end_old == p or end_new == p:
        # A pure insertion or deletion can slide along text that repeats around it; prefer the
        # place where it starts a line, as a person would write it ("workspace.exclude = …\n"
        # before the next line rather than "exclude = …\nworkspace." inside it).
        piece = new[p:end_new] if end_old == p else old[p:end_old]
        k = 0
        while k < len(piece) and k < p and old[p - k - 1] == piece[len(piece) - k - 1]:
            if old[p - k - 1] == "\n":
                break
            k += 1
        at_line_start = p - k == 0 or old[p - k - 1] == "\n"
        if k and at_line_start:
            p -= k
            end_old -= k
            end_new -= k
    # Never start or end between the \r and \n of a CRLF pair: no LSP position is there.
    if 0 < p < len(old) and old[p - 1] == "\r" and old[p] == "\n":
        p -= 1
    if 0 < end_old < len(old) and old[end_old - 1] == "\r" and old[end_old] == "\n":
        end_old += 1
        end_new += 1
    return TextEdit(file, (p, end_old), new[p:end_new])


def apply_edit(text: str, edit: TextEdit) -> str:
    """``text`` with ``edit`` applied (for callers that print or test the result)."""
    start, end = edit.span
    return text[:start] + edit.new_text + text[end:]


# ----------------------------------------------------------------------------------------------
# Reading and checking
# ----------------------------------------------------------------------------------------------


def _newline(text: str) -> str:
    """The file's line ending: CRLF when most of its line breaks are CRLF."""
    lf = text.count("\n")
    return "\r\n" if lf and text.count("\r\n") * 2 > lf else "\n"


def _load(text: str) -> tuple[str, Any] | None:
    """The plain value of a TOML text and the parser that read it (tomllib first, it is strict)."""
    if _tomllib is not None:
        try:
            return "tomllib", _tomllib.loads(text)
        except Exception:
            pass
    try:
        return "tomlkit", tomlkit.parse(text).unwrap()
    except Exception:
        return None


def _reload(parser: str, text: str) -> Any:
    try:
        if parser == "tomllib":
            return _tomllib.loads(text)
        return tomlkit.parse(text).unwrap()
    except Exception:
        return None


class _Session:
    """One edit of one text: the tomlkit document of the text, its newline, and the check."""

    def __init__(self, text: str):
        self.text = text
        self.nl = _newline(text)
        # Work on a text that ends with a newline so every line tomlkit keeps has one; the
        # newline is taken off again at the end (files without a final newline keep that habit).
        self.added_nl = bool(text) and not text.endswith("\n")
        self.work = text + self.nl if self.added_nl else text
        self.doc = tomlkit.parse(self.work)
        # tomlkit must give the text back byte for byte, or a "minimal" edit could hide changes
        # elsewhere in the file.
        if self.doc.as_string() != self.work:
            raise ValueError("tomlkit does not round-trip this text")
        loaded = _load(text)
        if loaded is None:
            raise ValueError("unreadable TOML")
        self.parser, self.value = loaded

    def finish(self, new_work: str, expected: Any, file: str) -> TextEdit | None:
        """Check ``new_work`` reads as ``expected``, then return the edit from the old text."""
        new = new_work
        if self.added_nl and new.endswith(self.nl):
            new = new[: -len(self.nl)]
        got = _reload(self.parser, new)
        if got is None or got != expected:
            return None
        return minimal_edit(file, self.text, new)


def _guard(fn: Callable[..., TextEdit | None]) -> Callable[..., TextEdit | None]:
    """Quick fixes are offered, never required: any surprise on odd input means "no fix"."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> TextEdit | None:
        try:
            return fn(*args, **kwargs)
        except Exception:
            return None

    return wrapper


def _get_path(value: Any, path: tuple[str, ...]) -> Any:
    for part in path:
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def _with(value: dict, path: tuple[str, ...], key: str, new: Any) -> dict:
    """A deep copy of ``value`` with ``path + (key,)`` set to ``new`` (tables created on the way)."""
    out = copy.deepcopy(value)
    node = out
    for part in path:
        node = node.setdefault(part, {})
    node[key] = new
    return out


# ----------------------------------------------------------------------------------------------
# Where a table lives in the document
# ----------------------------------------------------------------------------------------------


@dataclass
class _Entry:
    path: tuple[str, ...]
    container: Any  # tomlkit Container holding the entry
    index: int  # index in container.body
    key: Any
    item: Any
    frag: "_Frag | None"  # the fragment whose container this is (None for the document root)


@dataclass
class _Frag:
    """One place where keys of a table are written."""

    kind: str  # "table" ([a] header), "dotted" (a.b = … keys), "inline" ({ … }), "implicit"
    path: tuple[str, ...]
    item: Any  # the Table / InlineTable
    owner: Any  # container whose body holds the fragment
    index: int

    @property
    def container(self) -> Any:
        return self.item.value


def _key_parts(key: Any) -> tuple[str, ...]:
    if key.is_multi():
        return tuple(k.key for k in key)
    return (key.key,)


def _frag_kind(key: Any, item: Any) -> str | None:
    if isinstance(item, InlineTable):
        return "inline"
    if isinstance(item, Table):
        if key.is_dotted():
            return "dotted"
        return "implicit" if item.is_super_table() else "table"
    return None


def _walk(container: Any, prefix: tuple[str, ...], frag: _Frag | None):
    """Every keyed entry of the document in document order, with its full key path."""
    for index, (key, item) in enumerate(container.body):
        if key is None:
            continue
        path = prefix + _key_parts(key)
        yield _Entry(path, container, index, key, item, frag)
        kind = _frag_kind(key, item)
        if kind is not None:
            yield from _walk(item.value, path, _Frag(kind, path, item, container, index))


class _Layout:
    """The entries and table fragments of a document."""

    def __init__(self, doc: Any):
        self.entries = list(_walk(doc, (), None))

    def frags(self, path: tuple[str, ...]) -> list[_Frag]:
        out = []
        for e in self.entries:
            if e.path == path:
                kind = _frag_kind(e.key, e.item)
                if kind is None:
                    out.append(_Frag("value", path, e.item, e.container, e.index))
                else:
                    out.append(_Frag(kind, path, e.item, e.container, e.index))
        return out

    def get(self, path: tuple[str, ...]) -> _Entry | None:
        for e in self.entries:
            if e.path == path:
                return e
        return None

    def keyed_children(self, path: tuple[str, ...]) -> list[_Entry]:
        """Key/value entries written in a usable fragment of the table at ``path``.

        Sub-tables with their own ``[a.b]`` header are not "in" the table's key list.
        """
        out = []
        n = len(path)
        for e in self.entries:
            if len(e.path) != n + 1 or e.path[:n] != path:
                continue
            if e.frag is None or e.frag.path != path or e.frag.kind not in ("table", "dotted", "inline"):
                continue
            if _frag_kind(e.key, e.item) in ("table", "implicit"):
                continue
            out.append(e)
        return out


# ----------------------------------------------------------------------------------------------
# Formatting in the file's style
# ----------------------------------------------------------------------------------------------


def _key_text(key: str) -> str:
    return key if _BARE_KEY.fullmatch(key) else tomlkit.string(key).as_string()


def _string_text(value: str, literal: bool) -> str:
    # A literal string cannot hold ' or control characters; fall back to a basic string then.
    if literal and "'" not in value and not any(ord(c) < 0x20 or ord(c) == 0x7F for c in value):
        return f"'{value}'"
    return tomlkit.string(value).as_string()


def _value_text(value: Any, literal: bool) -> str:
    """TOML text for a plain value, inline tables spaced the way Cargo.toml files write them."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return _string_text(value, literal)
    if isinstance(value, (int, float)):
        return tomlkit.item(value).as_string()
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_value_text(v, literal) for v in value) + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        inner = ", ".join(f"{_key_text(str(k))} = {_value_text(v, literal)}" for k, v in value.items())
        return "{ " + inner + " }"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


def _is_literal(item: Any) -> bool:
    return isinstance(item, String) and item.type in (StringType.SLL, StringType.MLL)


def _prefers_literal(strings: list[Any]) -> bool | None:
    """True/False when the given string items mostly use '…' / "…"; None when there are none."""
    strs = [s for s in strings if isinstance(s, String)]
    if not strs:
        return None
    lit = sum(1 for s in strs if _is_literal(s))
    return lit * 2 > len(strs)


def _strings_in(item: Any) -> list[Any]:
    if isinstance(item, String):
        return [item]
    if isinstance(item, Array):
        return [v for v in item if isinstance(v, String)]
    if isinstance(item, (Table, InlineTable)):
        out: list[Any] = []
        for _k, v in item.value.body:
            out.extend(_strings_in(v))
        return out
    return []


def _doc_literal(layout: _Layout, near: list[Any]) -> bool:
    """Quote style for new strings: the nearest strings first, then the whole file."""
    pref = _prefers_literal([s for it in near for s in _strings_in(it)])
    if pref is None:
        pref = _prefers_literal([e.item for e in layout.entries if isinstance(e.item, String)]
                                + [s for e in layout.entries if isinstance(e.item, Array) for s in _strings_in(e.item)])
    return bool(pref)


def _after_newline(ws: str) -> str:
    return ws.rsplit("\n", 1)[-1]


def _is_value_group(g: Any) -> bool:
    return g.value is not None and not isinstance(g.value, Null)


@dataclass
class _ArrayStyle:
    multiline: bool = False
    item_indent: str = "    "  # multi-line: what starts each entry's line
    close_indent: str | None = ""  # multi-line: what starts the "]" line (None: "]" after the last entry)
    trailing_comma: bool = True  # multi-line only; single-line arrays get none unless they had one
    pad: str = ""  # single-line: space inside the brackets, as in [ "a" ]
    literal: bool = False


def _array_style(arr: Array, fallback_literal: bool, default_indent: str = "    ") -> _ArrayStyle:
    groups = list(arr._value)
    wss = [w.s for g in groups for w in (g.indent, g.comma) if w is not None]
    has_comment = any(g.comment is not None for g in groups)
    values = [g for g in groups if _is_value_group(g)]
    st = _ArrayStyle(literal=fallback_literal)
    pref = _prefers_literal([g.value for g in values])
    if pref is not None:
        st.literal = pref
    st.multiline = has_comment or any("\n" in w for w in wss)
    if st.multiline:
        st.item_indent = default_indent
        for g in reversed(groups):
            if (g.value is not None) and g.indent is not None and "\n" in g.indent.s:
                st.item_indent = _after_newline(g.indent.s)
                break
        last = groups[-1] if groups else None
        if last is not None and last.is_whitespace() and last.indent is not None and "\n" in last.indent.s:
            st.close_indent = _after_newline(last.indent.s)
        else:
            st.close_indent = None
        st.trailing_comma = values[-1].comma is not None if values else True
    else:
        st.trailing_comma = bool(values) and values[-1].comma is not None and "," in values[-1].comma.s
        if groups and groups[0].indent is not None and not groups[0].indent.s.strip(" \t"):
            st.pad = groups[0].indent.s
    return st


def _file_indent(layout: _Layout) -> str:
    """How the file indents entries of multi-line arrays (to fill an empty multi-line array)."""
    for e in layout.entries:
        if isinstance(e.item, Array):
            for g in e.item._value:
                if _is_value_group(g) and g.indent is not None and "\n" in g.indent.s:
                    return _after_newline(g.indent.s)
    return "    "


def _array_text(values: list[str], st: _ArrayStyle, nl: str, key_indent: str, column: int) -> str:
    """A new array in style ``st`` (``column``: where its "[" sits, for aligned layouts)."""
    texts = [_string_text(v, st.literal) for v in values]
    if not texts:
        return "[]"
    if not st.multiline:
        inner = ", ".join(texts) + ("," if st.trailing_comma else "")
        return "[" + st.pad + inner + st.pad + "]"
    if st.close_indent is None and column < 0:
        return "[" + ", ".join(texts) + "]"
    if st.close_indent is None:  # aligned: ["a",\n           "b"]
        sep = "," + nl + " " * (column + 1)
        return "[" + sep.join(texts) + ("," if st.trailing_comma else "") + "]"
    body = "".join(
        nl + st.item_indent + t + ("," if i < len(texts) - 1 or st.trailing_comma else "")
        for i, t in enumerate(texts)
    )
    return "[" + body + nl + key_indent + "]"


def _sep_of(key: Any) -> str:
    """The key/value separator as written, e.g. " = " or "="."""
    k = key.as_string()
    return k[len(k.rstrip(" \t")):] + key.sep


def _line_indent(item: Any) -> str:
    try:
        return _after_newline(item.trivia.indent)
    except Exception:
        return ""


def _parse_entry(text: str) -> tuple[Any, Any]:
    """(key, item) of a one-entry TOML snippet, to insert elsewhere."""
    doc = tomlkit.parse(text)
    return doc.body[0]


# ----------------------------------------------------------------------------------------------
# Array edits in place
# ----------------------------------------------------------------------------------------------


def _components(path: str) -> list[str]:
    """Path components the way Rust's ``Path::components`` sees a joined path: no "", no "."."""
    if os.sep == "\\":  # a separator only on Windows; elsewhere a backslash is a name character
        path = path.replace("\\", "/")
    return [c for c in path.split("/") if c not in ("", ".")]


def _same_entry(a: str, b: str) -> bool:
    return _components(a) == _components(b) and a.startswith("/") == b.startswith("/")


def _append_to_array(arr: Array, value: str, st: _ArrayStyle, nl: str) -> None:
    item = tomlkit.string(value, literal=st.literal and "'" not in value and value.isprintable())
    values = [g for g in arr._value if _is_value_group(g)]
    last = values[-1] if values else None
    saved_comma = last.comma if last is not None else None
    if st.multiline:
        # Line breaks of this array as written (CRLF files have CRLF inside arrays too).
        brk = nl
        for g in arr._value:
            for w in (g.indent, g.comma):
                if w is not None and "\n" in w.s:
                    brk = "\r\n" if "\r\n" in w.s else "\n"
        arr.add_line(item, indent=brk + st.item_indent, newline=False, add_comma=st.trailing_comma)
    else:
        if last is None:
            # [] or [ ]: the new entry fills the brackets, keeping their inner spacing.
            ws = "".join(w.s for g in arr._value for w in (g.indent,) if w is not None)
            arr.add_line(item, indent=ws if ws.strip(" \t") == "" else "", newline=False, add_comma=False)
        else:
            # The spacing between entries as written (", " or ",").
            sep = " "
            if len(values) > 1:
                sep = values[-1].indent.s if values[-1].indent is not None else ""
            arr.add_line(item, indent=sep, newline=False, add_comma=st.trailing_comma)
    if saved_comma is not None:
        last.comma = saved_comma  # keep ` ,` spacing and the like as written


def _drop_from_array(arr: Array, index: int) -> None:
    """Remove entry ``index``; a comment on its line stays, as a comment line of its own."""
    vgroups = [g for g in arr._value if _is_value_group(g)]
    g = vgroups[index]
    if g.comment is not None:
        list.__delitem__(arr, index)
        g.value = Null()
        g.comma = None
        own_line = g.indent is not None and "\n" in g.indent.s
        g.comment.trivia.indent = "" if own_line else " "
        arr._reindex()
    else:
        del arr[index]


# ----------------------------------------------------------------------------------------------
# Inserting keys and tables
# ----------------------------------------------------------------------------------------------


def _insert_into_frag(frag: _Frag, at: int, key_text: str, sep: str, value_text: str,
                      indent: str, nl: str) -> None:
    """Insert ``key_text sep value_text`` into a fragment's body at index ``at``."""
    key, item = _parse_entry(f"{key_text}{sep}{value_text}\n")
    body = frag.container.body
    if frag.kind == "inline":
        item.trivia.trail = ""
        keyed = [i for i, (k, _v) in enumerate(body) if k is not None]
        if not keyed:
            # {} or { }: fill it the way Cargo.toml files write inline tables.
            item.trivia.indent = " "
            body[:] = [(key, item), (None, Whitespace(" "))]
            return
        # {a=1,b=2} is written tight; anything with a space in it gets "{ a = 1, b = 2 }" spacing.
        tight = not any(
            (k is None and isinstance(v, Whitespace) and v.s.strip(",") != "")
            or (k is not None and " " in _sep_of(k))
            for k, v in body
        )
        item.trivia.indent = "" if tight else " "
        body[at:at] = [(None, Whitespace(",")), (key, item)]
        return
    item.trivia.indent = indent
    item.trivia.trail = nl
    body.insert(at, (key, item))


def _insert_key(session: _Session, layout: _Layout, path: tuple[str, ...], key: str,
                value_text: Callable[[str, int], str], anchors: tuple[str, ...]) -> str | None:
    """Insert ``key`` into the table at ``path`` (existing in some form); the new document text.

    ``value_text(key_indent, column)`` renders the value for a key line starting with
    ``key_indent`` whose value starts at ``column``. None when the table cannot take keys.
    """
    nl = session.nl
    kt = _key_text(key)
    children = layout.keyed_children(path)
    anchor = None
    for e in children:
        if e.path[-1] in anchors:
            anchor = e
    if anchor is None and children:
        anchor = children[-1]
    if anchor is not None:
        frag = anchor.frag
        assert frag is not None
        sep = _sep_of(anchor.key)
        indent = _line_indent(anchor.item) if frag.kind != "inline" else ""
        column = len(indent) + len(kt) + len(sep)
        if frag.kind == "dotted":
            column += sum(len(_key_text(p)) + 1 for p in path)
        elif frag.kind == "inline":
            column = -1  # unknown: an aligned array is written on one line there
        _insert_into_frag(frag, anchor.index + 1, kt, sep, value_text(indent, column), indent, nl)
        return session.doc.as_string()
    # No keys yet: a [table] with only comments / sub-tables, or an empty inline table.
    for frag in layout.frags(path):
        if frag.kind in ("table", "inline"):
            _insert_into_frag(frag, 0, kt, " = ", value_text("", len(kt) + 3), "", nl)
            return session.doc.as_string()
    return None


def _end_of_content(text: str, end: int) -> int:
    """The offset just after the last non-blank line before ``end`` (after its line break)."""
    j = len(text[:end].rstrip(" \t\r\n"))
    if j == 0:
        return 0
    k = text.find("\n", j)
    return end if k == -1 or k >= end else k + 1


def _insert_section(text: str, at: int, section: str, nl: str) -> str:
    """Put ``section`` (ending with a newline) at ``at``, one blank line after the content before it.

    At the end of the file the trailing blank lines are replaced, so there is exactly one.
    """
    cut = _end_of_content(text, at)
    head = text[:cut]
    # Mid-file, the blank lines that separated the block from what follows now follow the new
    # section; at the end of the file they go.
    tail = text[cut:] if at < len(text) else ""
    if head and not head.endswith("\n"):
        head += nl
    return head + (nl if head else "") + section + tail


def _block_end(session: _Session, table: Any) -> int | None:
    """Offset in the work text where an explicit ``[a]`` table and its sub-tables end."""
    mark = f"#cargo-lens-{uuid.uuid4().hex}"
    body = table.value.body
    body.append((None, Comment(Trivia(comment=mark, trail=""))))
    try:
        rendered = session.doc.as_string()
    finally:
        body.pop()
    at = rendered.find(mark)
    if at < 0 or rendered[:at] != session.work[:at]:
        return None
    return at


def _header_text(path: tuple[str, ...]) -> str:
    return "[" + ".".join(_key_text(p) for p in path) + "]"


def _create_entry(session: _Session, layout: _Layout, path: tuple[str, ...], key: str,
                  value_text: Callable[[str, int], str], anchors: tuple[str, ...]) -> str | None:
    """The new work text with ``path + (key,)`` created, the table too when missing."""
    nl = session.nl
    frags = layout.frags(path)
    if any(f.kind == "value" for f in frags):
        return None  # e.g. `workspace = 1`: not a table, nothing sensible to do
    if any(f.kind in ("table", "dotted", "inline") for f in frags):
        return _insert_key(session, layout, path, key, value_text, anchors)
    kt = _key_text(key)
    # The table is missing (or only implied by a [a.b] header): write it where its parent is.
    if len(path) > 1 and not frags:
        parent = path[:-1]
        pfrags = layout.frags(parent)
        if any(f.kind == "value" for f in pfrags):
            return None
        if any(f.kind in ("dotted", "inline") for f in pfrags) and not any(f.kind == "table" for f in pfrags):
            # workspace.members = […] / workspace = { … }: continue in that form.
            return _insert_dotted_child(session, layout, parent, path[-1], kt, value_text)
        for f in pfrags:
            if f.kind == "table":
                at = _block_end(session, f.item)
                if at is None:
                    return None
                section = f"{_header_text(path)}{nl}{kt} = {value_text('', len(kt) + 3)}{nl}"
                return _insert_section(session.work, at, section, nl)
    section = f"{_header_text(path)}{nl}{kt} = {value_text('', len(kt) + 3)}{nl}"
    return _insert_section(session.work, len(session.work), section, nl)


def _insert_dotted_child(session: _Session, layout: _Layout, parent: tuple[str, ...], name: str,
                         key_text: str, value_text: Callable[[str, int], str]) -> str | None:
    """Add ``name.key = value`` to a parent table written as dotted keys or inline."""
    children = layout.keyed_children(parent)
    frag_inline = next((f for f in layout.frags(parent) if f.kind == "inline"), None)
    if frag_inline is not None:
        # workspace = { members = […] } → workspace = { …, dependencies = { serde = … } }
        text = "{ " + key_text + " = " + value_text("", 0) + " }"
        return _insert_key(session, layout, parent, name, lambda ind, col: text, ())
    if not children:
        return None
    anchor = children[-1]
    frag = anchor.frag
    assert frag is not None
    indent = _line_indent(anchor.item)
    sep = _sep_of(anchor.key)
    full = f"{_key_text(name)}.{key_text}"
    _insert_into_frag(frag, anchor.index + 1, full, sep, value_text(indent, 0), indent, session.nl)
    return session.doc.as_string()


# ----------------------------------------------------------------------------------------------
# The edit builders
# ----------------------------------------------------------------------------------------------


def _valid_path(table: Any) -> bool:
    return isinstance(table, tuple) and len(table) >= 1 and all(isinstance(p, str) and p for p in table)


def _sibling_style(layout: _Layout, table: tuple[str, ...], literal: bool) -> _ArrayStyle:
    """Style for a new membership array: the table's other membership arrays, else single-line."""
    for name in reversed(MEMBERSHIP_KEYS):
        e = layout.get(table + (name,))
        if e is not None and isinstance(e.item, Array):
            st = _array_style(e.item, literal)
            st.literal = literal
            if not st.multiline:
                st.trailing_comma = False
            return st
    return _ArrayStyle(literal=literal, trailing_comma=False)


def _new_array_value(layout: _Layout, table: tuple[str, ...], session: _Session,
                     values: list[str], literal: bool) -> Callable[[str, int], str]:
    st = _sibling_style(layout, table, literal)
    if len(values) == 1 and st.multiline and st.close_indent is None:
        st.multiline = False
    return lambda indent, column: _array_text(values, st, session.nl, indent, column)


def _near_strings(layout: _Layout, table: tuple[str, ...], key: str) -> list[Any]:
    near = []
    e = layout.get(table + (key,))
    if e is not None:
        near.append(e.item)
    for name in MEMBERSHIP_KEYS:
        s = layout.get(table + (name,))
        if s is not None and s is not e:
            near.append(s.item)
    return near


@_guard
def add_array_entry(file: str, text: str, table: tuple[str, ...], key: str, value: str) -> TextEdit | None:
    """Add string ``value`` to array ``key`` of ``table``, creating the key or table if missing.

    None when the value is already there (compared as paths: ``./a/`` is ``a``), when the key
    holds something other than an array, or when the text cannot be edited safely.
    """
    if not (_valid_path(table) and isinstance(key, str) and key and isinstance(value, str)
            and isinstance(text, str)):
        return None
    s = _Session(text)
    layout = _Layout(s.doc)
    old = _get_path(s.value, table)
    if old is not None and not isinstance(old, dict):
        return None
    current = old.get(key) if isinstance(old, dict) else None
    literal = _doc_literal(layout, _near_strings(layout, table, key))
    if current is not None:
        if not isinstance(current, list):
            return None
        if any(isinstance(v, str) and _same_entry(v, value) for v in current):
            return None
        e = layout.get(table + (key,))
        if e is None or not isinstance(e.item, Array):
            return None
        st = _array_style(e.item, literal, _file_indent(layout))
        _append_to_array(e.item, value, st, s.nl)
        new = s.doc.as_string()
        expected = _with(s.value, table, key, list(current) + [value])
    else:
        new = _create_entry(s, layout, table, key,
                            _new_array_value(layout, table, s, [value], literal), MEMBERSHIP_KEYS)
        expected = _with(s.value, table, key, [value])
    if new is None:
        return None
    return s.finish(new, expected, file)


@_guard
def set_array(file: str, text: str, table: tuple[str, ...], key: str, values: list[str]) -> TextEdit | None:
    """Make array ``key`` of ``table`` hold exactly ``values`` (created when missing).

    An existing array is edited in place: entries not wanted are removed (a comment on an
    entry's line stays, as its own line), wanted ones missing are appended, the rest keep their
    text and comments. None when it already holds ``values``.
    """
    if not (_valid_path(table) and isinstance(key, str) and key and isinstance(values, (list, tuple))
            and all(isinstance(v, str) for v in values) and isinstance(text, str)):
        return None
    values = list(values)
    s = _Session(text)
    layout = _Layout(s.doc)
    old = _get_path(s.value, table)
    if old is not None and not isinstance(old, dict):
        return None
    current = old.get(key) if isinstance(old, dict) else None
    expected = _with(s.value, table, key, values)
    literal = _doc_literal(layout, _near_strings(layout, table, key))
    if current is None:
        new = _create_entry(s, layout, table, key,
                            _new_array_value(layout, table, s, values, literal), MEMBERSHIP_KEYS)
    else:
        if current == values:
            return None
        e = layout.get(table + (key,))
        if e is None or not isinstance(e.item, Array) or not isinstance(current, list):
            return None
        arr = e.item
        st = _array_style(arr, literal, _file_indent(layout))
        # Keep the first occurrence of each wanted value; drop everything else (from the end,
        # so indices stay valid).
        seen: set[str] = set()
        keep = []
        for i, v in enumerate(current):
            if isinstance(v, str) and v in values and v not in seen:
                seen.add(v)
                keep.append(i)
        for i in reversed(range(len(current))):
            if i not in keep:
                _drop_from_array(arr, i)
        kept = [current[i] for i in keep]
        # Reorder what is kept to follow ``values`` (each entry moves with its comment).
        order = [v for v in values if v in seen]
        if kept != order:
            slots = [g for g in arr._value if _is_value_group(g)]
            by_value = {str(g.value): (g.value, g.comment) for g in slots}
            for g, v in zip(slots, order):
                g.value, g.comment = by_value[v]
                list.__setitem__(arr, slots.index(g), g.value)
            for g in slots[:-1]:
                if g.comma is None:
                    g.comma = Whitespace(",")
        for v in values:
            if v not in seen:
                seen.add(v)
                _append_to_array(arr, v, st, s.nl)
        new = s.doc.as_string()
    if new is None:
        return None
    return s.finish(new, expected, file)


@_guard
def add_empty_workspace_table(file: str, text: str) -> TextEdit | None:
    """Append ``[workspace]`` to a package manifest: the package becomes its own workspace.

    None when the manifest already has a workspace table (in any form), or when it points at a
    root with ``package.workspace`` (cargo rejects a manifest that is both).
    """
    if not isinstance(text, str):
        return None
    s = _Session(text)
    if not isinstance(s.value, dict) or "workspace" in s.value:
        return None
    pkg = s.value.get("package")
    if isinstance(pkg, dict) and "workspace" in pkg:
        return None
    new = _insert_section(s.work, len(s.work), "[workspace]" + s.nl, s.nl)
    expected = dict(s.value)
    expected["workspace"] = {}
    return s.finish(new, expected, file)


@_guard
def add_table_entry(file: str, text: str, table: tuple[str, ...], key: str, inline_value: dict) -> TextEdit | None:
    """Add ``key = { … }`` to ``table`` (e.g. ``("workspace", "dependencies")``), creating the
    table when missing. None when the key is already there."""
    if not (_valid_path(table) and isinstance(key, str) and key and isinstance(inline_value, dict)
            and isinstance(text, str)):
        return None
    s = _Session(text)
    layout = _Layout(s.doc)
    old = _get_path(s.value, table)
    if old is not None and not isinstance(old, dict):
        return None
    if isinstance(old, dict) and key in old:
        return None
    literal = _doc_literal(layout, [e.item for e in layout.keyed_children(table)])
    value = _value_text(inline_value, literal)
    new = _create_entry(s, layout, table, key, lambda indent, column: value, ())
    if new is None:
        return None
    expected = _with(s.value, table, key, inline_value)
    return s.finish(new, expected, file)


# ----------------------------------------------------------------------------------------------
# The fixes
# ----------------------------------------------------------------------------------------------


def _rel_dir(rel: Any, *, allow_root: bool = False, allow_up: bool = False) -> str | None:
    """A package dir relative to the root as cargo entries are written: "/" separators, no "./".

    None for an absolute path, for the root itself (unless ``allow_root``; written ".") and for a
    path leaving the root (unless ``allow_up``).
    """
    if not isinstance(rel, str):
        return None
    p = rel.replace("\\", "/") if os.sep == "\\" else rel
    if p.startswith("/"):
        return None
    p = posixpath.normpath(p)
    if p in (".", ""):
        return "." if allow_root else None
    if p == ".." or p.startswith("../"):
        return p if allow_up else None
    return p


def _where(manifest: str) -> str:
    return posixpath.basename(str(manifest).replace("\\", "/")) or "Cargo.toml"


def _workspace_of(text: str) -> dict | None:
    loaded = _load(text)
    if loaded is None or not isinstance(loaded[1], dict):
        return None
    ws = loaded[1].get("workspace")
    return ws if isinstance(ws, dict) else None


def _is_prefix(entry: str, rel: str, root_dir: str) -> bool:
    """Does cargo's ``root.join(entry)`` prefix the package's manifest path, component-wise?"""
    target = _components(root_dir) + _components(rel) + ["Cargo.toml"]
    if entry.startswith("/"):
        comps = _components(entry)
    else:
        comps = _components(root_dir) + _components(entry)
    return target[: len(comps)] == comps


def fix_exclude(root_manifest: str, root_text: str, package_dir_rel: str, *, preferred: bool = False) -> Fix | None:
    """Add the package dir to the root's ``workspace.exclude``.

    None when it would not work or is not needed: the root has no workspace, the dir is the root
    or outside it, an exclude entry already covers it, or a literal ``members`` entry is a path
    prefix of it — cargo lets such an entry win over exclude (rust-lang/cargo#6745), the plain
    ``members = ["."]`` included. Glob entries cannot win: their ``*`` is taken literally there.
    """
    try:
        rel = _rel_dir(package_dir_rel)
        ws = _workspace_of(root_text) if isinstance(root_text, str) else None
        if rel is None or ws is None:
            return None
        root_dir = posixpath.dirname(str(root_manifest).replace("\\", "/")) or "."
        members = ws.get("members")
        if isinstance(members, list):
            if any(isinstance(m, str) and _is_prefix(m, rel, root_dir) for m in members):
                return None
        exclude = ws.get("exclude")
        if isinstance(exclude, list):
            if any(isinstance(x, str) and _is_prefix(x, rel, root_dir) for x in exclude):
                return None
        edit = add_array_entry(root_manifest, root_text, ("workspace",), "exclude", rel)
        if edit is None:
            return None
        return Fix(f'Add "{rel}" to workspace.exclude in {_where(root_manifest)}', (edit,), preferred)
    except Exception:
        return None


def fix_add_member(root_manifest: str, root_text: str, package_dir_rel: str, *, preferred: bool = False) -> Fix | None:
    """Add the package dir to the root's ``workspace.members`` (a literal entry also wins over
    ``exclude``). None when the root has no workspace or already lists the dir literally."""
    try:
        rel = _rel_dir(package_dir_rel, allow_up=True)
        if rel is None or not isinstance(root_text, str) or _workspace_of(root_text) is None:
            return None
        edit = add_array_entry(root_manifest, root_text, ("workspace",), "members", rel)
        if edit is None:
            return None
        return Fix(f'Add "{rel}" to workspace.members in {_where(root_manifest)}', (edit,), preferred)
    except Exception:
        return None


def _short_list(values: list[str], limit: int = 3) -> str:
    shown = ", ".join(f'"{v}"' for v in values[:limit])
    more = len(values) - limit
    return "[" + shown + (f", … {more} more" if more > 0 else "") + "]"


def fix_default_members(root_manifest: str, root_text: str, default_members_rel: list[str], *,
                        preferred: bool = False) -> Fix | None:
    """Set the root's ``workspace.default-members`` to these dirs (literal, no globs).

    None for an empty list (a plain ``cargo check`` would then build nothing and fail), for a
    root without a workspace, or when nothing changes.
    """
    try:
        if not isinstance(default_members_rel, (list, tuple)) or not isinstance(root_text, str):
            return None
        values: list[str] = []
        for d in default_members_rel:
            rel = _rel_dir(d, allow_root=True, allow_up=True)
            if rel is None:
                return None
            if rel not in values:
                values.append(rel)
        if not values or _workspace_of(root_text) is None:
            return None
        edit = set_array(root_manifest, root_text, ("workspace",), "default-members", values)
        if edit is None:
            return None
        title = f"Set workspace.default-members to {_short_list(values)} in {_where(root_manifest)}"
        return Fix(title, (edit,), preferred)
    except Exception:
        return None


def fix_empty_workspace(package_manifest: str, package_text: str, *, preferred: bool = False) -> Fix | None:
    """Add an empty ``[workspace]`` to the package: it becomes a workspace of its own."""
    try:
        edit = add_empty_workspace_table(package_manifest, package_text)
        if edit is None:
            return None
        return Fix(f"Add an empty [workspace] table to {_where(package_manifest)}", (edit,), preferred)
    except Exception:
        return None


def fix_workspace_dependency(root_manifest: str, root_text: str, name: str, spec: dict, *,
                             preferred: bool = False) -> Fix | None:
    """Add ``name = { … }`` to the root's ``[workspace.dependencies]`` (for ``name.workspace = true``).

    A ``path`` in ``spec`` must be relative to the root's directory. None when the root has no
    workspace or already defines ``name``.
    """
    try:
        if not isinstance(root_text, str) or _workspace_of(root_text) is None:
            return None
        edit = add_table_entry(root_manifest, root_text, ("workspace", "dependencies"), name, spec)
        if edit is None:
            return None
        try:
            shown = f"{_key_text(name)} = {_value_text(spec, False)}"
        except Exception:
            shown = name
        if len(shown) > 60:
            shown = _key_text(name)
        return Fix(f"Add {shown} to [workspace.dependencies] in {_where(root_manifest)}", (edit,), preferred)
    except Exception:
        return None
