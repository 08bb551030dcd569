"""Open editor buffers, kept by us rather than by pygls.

pygls splits lines with ``str.splitlines``, which also breaks at U+2028, form feed and friends,
so its incremental edits can land on the wrong line. We apply each change with our own
``LineIndex`` (LSP line breaks only) in the negotiated position encoding.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, unquote, urlparse

from ..engine.fs import normalize
from ..engine.text import Encoding, LineIndex


def uri_to_path(uri: str) -> str | None:
    """The file-system path of a `file:` URI, or None for other schemes."""
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    path = unquote(parsed.path)
    if parsed.netloc and parsed.netloc != "localhost":
        path = f"//{parsed.netloc}{path}"
    return normalize(path)


def path_to_uri(path: str) -> str:
    """A `file:` URI spelled as VS Code, Neovim and pathlib spell it: every byte but unreserved
    characters and `/` percent-encoded. (Clients that compare URIs as strings, as pytest-lsp and
    some editors' caches do, must get back the spelling they use.)"""
    return "file://" + quote(path, safe="/")


@dataclass
class Document:
    uri: str
    path: str
    version: int
    text: str
    _index: LineIndex | None = None

    @property
    def index(self) -> LineIndex:
        if self._index is None or self._index.text is not self.text:
            self._index = LineIndex(self.text)
        return self._index


class DocumentStore:
    def __init__(self) -> None:
        self._docs: dict[str, Document] = {}
        self._by_path: dict[str, Document] = {}

    def open(self, uri: str, version: int, text: str) -> Document | None:
        path = uri_to_path(uri)
        if path is None:
            return None
        doc = Document(uri, path, version, text)
        self._docs[uri] = doc
        self._by_path[path] = doc
        return doc

    def get(self, uri: str) -> Document | None:
        return self._docs.get(uri)

    def close(self, uri: str) -> Document | None:
        doc = self._docs.pop(uri, None)
        if doc is not None and self._by_path.get(doc.path) is doc:
            del self._by_path[doc.path]
        return doc

    def all(self) -> list[Document]:
        return list(self._docs.values())

    def by_path(self, path: str) -> Document | None:
        return self._by_path.get(path)

    def uri_of(self, path: str) -> str:
        """The URI to report ``path`` under: the open document's own spelling, else ours."""
        doc = self._by_path.get(path)
        return doc.uri if doc is not None else path_to_uri(path)

    def change(self, uri: str, version: int, changes, encoding: Encoding) -> Document | None:
        """Apply LSP content changes in order; returns None for a document never opened."""
        doc = self._docs.get(uri)
        if doc is None:
            return None
        text = doc.text
        for change in changes:
            rng = getattr(change, "range", None)
            if rng is None:
                text = change.text
                continue
            index = LineIndex(text)
            start = index.offset(rng.start.line, rng.start.character, encoding)
            end = index.offset(rng.end.line, rng.end.character, encoding)
            if end < start:
                start, end = end, start
            text = text[:start] + change.text + text[end:]
        doc.text = text
        doc.version = version
        return doc
