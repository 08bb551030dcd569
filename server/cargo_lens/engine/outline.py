"""Document symbols (the outline) and folding ranges for a TOML manifest (issue 5 §7).

The outline follows the text: one top-level symbol per ``[header]`` / ``[[header]]`` table, named
as written (``target.'cfg(unix)'.dependencies``), in document order, plus the keys written
before the first header. Below a table come its keys; dotted and inline tables nest. Entries of
a dependency table (``[dependencies]``, ``[target.….build-dependencies]``,
``[workspace.dependencies]``, …) are "package" symbols whose detail says what they are
(``1.0``, ``path ../x``, ``workspace``); a ``[dependencies.x]`` table is one too.

Folding ranges: every header table (header to its last entry), and every array or inline table
that spans several lines.

Kinds are LSP ``SymbolKind`` names in lower case: namespace (header tables), package
(dependencies), object (dotted / inline tables), array, string, number, boolean, constant
(date-times). Spans are code-point offsets; ``selection_span`` is the key or header.
Works on broken files (whatever the tolerant reader kept); never raises.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .cursor import entry_span, is_dependency_table, table_end
from .fs import FsError, normalize
from .text import LineIndex
from .toml_doc import Array, ArrayOfTables, Item, Scalar, Table, TomlDocument
from .toml_doc import parse as parse_toml
from .workspace import Context
from .wsview import key_span

Span = tuple[int, int]

__all__ = ["DocumentSymbol", "FoldingRange", "document_symbols", "folding_ranges"]

_SCALAR_KINDS = {"string": "string", "integer": "number", "float": "number", "boolean": "boolean", "datetime": "constant"}
_MAX_DETAIL = 60


@dataclass
class DocumentSymbol:
    name: str
    kind: str
    span: Span
    selection_span: Span
    detail: str = ""
    children: list["DocumentSymbol"] = field(default_factory=list)


@dataclass(frozen=True)
class FoldingRange:
    """A foldable region: ``span`` in code points, and its 0-based first and last lines."""

    span: Span
    start_line: int
    end_line: int
    kind: str = "region"


def _document(ctx: Context, path: str) -> TomlDocument | None:
    """Any TOML file through the context: a manifest (cached) or another file (parsed here)."""
    if not path:
        return None
    path = normalize(path)
    if path.endswith("/Cargo.toml"):
        m = ctx.manifest(path)
        return m.doc
    try:
        return parse_toml(ctx.fs.read_text(path))
    except FsError:
        return None


# -- symbols -----------------------------------------------------------------------------------


def document_symbols(ctx: Context, path: str) -> list[DocumentSymbol]:
    """The outline of the TOML file at ``path``. Never raises."""
    try:
        doc = _document(ctx, path)
        if doc is None:
            return []
        return _symbols(doc)
    except (Exception, RecursionError):
        return []


def _snippet(text: str, span: Span) -> str:
    s = " ".join(text[span[0] : span[1]].split())
    return s if len(s) <= _MAX_DETAIL else s[: _MAX_DETAIL - 1] + "…"


def _header_name(text: str, table: Table) -> str:
    return ".".join(text[s:e] for _, (s, e) in table.header_keys)


def _dep_detail(text: str, item: Item) -> str:
    if isinstance(item, Scalar):
        return _snippet(text, item.span)
    if isinstance(item, Table):
        if isinstance(item.get("workspace"), Scalar) and item.get("workspace").value is True:
            return "workspace"
        for key, label in (("path", "path "), ("git", "git "), ("version", "")):
            v = item.get(key)
            if isinstance(v, Scalar) and isinstance(v.value, str):
                return label + v.value
    return ""


def _symbols(doc: TomlDocument) -> list[DocumentSymbol]:
    text = doc.text
    top: list[DocumentSymbol] = []
    # keys written before any header (and dotted tables rooted there)
    for key, item in doc.root.entries.items():
        if isinstance(item, Table) and (item.header_span is not None or item.origin == "implicit"):
            continue
        if isinstance(item, ArrayOfTables):
            continue
        top.append(_entry_symbol(text, key, item, (key,)))
    # every header table, flat, as written
    stack: list = [((), doc.root)]
    while stack:
        path, node = stack.pop()
        children = node.entries.items() if isinstance(node, Table) else enumerate(node.tables)
        for k, v in children:
            p = path + (k,)
            if isinstance(v, Table) and v.header_span is not None:
                top.append(_header_symbol(text, p, v))
            if isinstance(v, (Table, ArrayOfTables)) and not (isinstance(v, Table) and v.origin in ("inline", "dotted")):
                stack.append((p, v))
    top.sort(key=lambda s: s.span)
    return top


def _header_symbol(text: str, path: tuple, table: Table) -> DocumentSymbol:
    names = tuple(p for p in path if isinstance(p, str))
    is_dep = is_dependency_table(names[:-1]) and len(names) >= 2
    detail = ""
    if is_dep:
        kind = "package"
        detail = _dep_detail(text, table)
    else:
        kind = "namespace"
        if isinstance(path[-1], int):
            name = table.get("name")
            detail = name.value if isinstance(name, Scalar) and isinstance(name.value, str) else f"#{path[-1] + 1}"
    sym = DocumentSymbol(_header_name(text, table), kind, entry_span(table), table.header_span, detail)
    sym.children = _children(text, table, names)
    return sym


def _children(text: str, table: Table, names: tuple) -> list[DocumentSymbol]:
    out = []
    for key, item in table.entries.items():
        if isinstance(item, Table) and item.header_span is not None:
            continue  # its own top-level symbol
        if isinstance(item, ArrayOfTables) or (isinstance(item, Table) and item.origin == "implicit"):
            continue
        out.append(_entry_symbol(text, key, item, names + (key,)))
    return out


def _entry_symbol(text: str, key: str, item: Item, names: tuple) -> DocumentSymbol:
    span = entry_span(item)
    sel = key_span(item)
    if is_dependency_table(names[:-1]):
        sym = DocumentSymbol(key, "package", span, sel, _dep_detail(text, item))
        if isinstance(item, Table):
            sym.children = _children(text, item, names)
        return sym
    if isinstance(item, Scalar):
        return DocumentSymbol(key, _SCALAR_KINDS.get(item.kind, "property"), span, sel, _snippet(text, item.span))
    if isinstance(item, Array):
        n = len(item.items)
        return DocumentSymbol(key, "array", span, sel, f"{n} item{'s' if n != 1 else ''}")
    if isinstance(item, Table):
        sym = DocumentSymbol(key, "object", span, sel)
        sym.children = _children(text, item, names)
        return sym
    return DocumentSymbol(key, "property", span, sel)


# -- folding -----------------------------------------------------------------------------------


def folding_ranges(ctx: Context, path: str) -> list[FoldingRange]:
    """Foldable regions of the TOML file at ``path``. Never raises."""
    try:
        doc = _document(ctx, path)
        if doc is None:
            return []
        return _folds(doc)
    except (Exception, RecursionError):
        return []


def _folds(doc: TomlDocument) -> list[FoldingRange]:
    text = doc.text
    index = LineIndex(text)
    out: list[FoldingRange] = []

    def add(start: int, end: int, closer: bool) -> None:
        if end <= start:
            return
        a = index.line_of(start)
        b = index.line_of(end - 1)
        if closer and b > a and set(index.line_text(b).strip()) <= set("]}, \t"):
            b -= 1  # keep the closing bracket(s) visible, as editors do for JSON
        if b > a:
            out.append(FoldingRange((start, end), a, b))

    stack: list = [doc.root]
    while stack:
        node = stack.pop()
        if isinstance(node, Table):
            if node.header_span is not None:
                add(node.header_span[0], table_end(node), False)
            elif node.origin == "inline":
                add(node.span[0], node.span[1], True)
            stack.extend(v for v in node.entries.values() if not isinstance(v, Scalar))
        elif isinstance(node, ArrayOfTables):
            stack.extend(node.tables)
        elif isinstance(node, Array):
            add(node.span[0], node.span[1], True)
            stack.extend(v for v in node.items if not isinstance(v, Scalar))
    out.sort(key=lambda f: (f.span[0], -f.span[1]))
    # editors fold by lines: of ranges over the same lines keep the first (the outer one)
    seen: set[tuple[int, int]] = set()
    kept = []
    for f in out:
        if (f.start_line, f.end_line) not in seen:
            seen.add((f.start_line, f.end_line))
            kept.append(f)
    return kept
