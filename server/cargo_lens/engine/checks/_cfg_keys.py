"""The `[target.<key>]` keys of a manifest, with the offset where each key's text starts."""

from __future__ import annotations

from ..manifest import Manifest
from ..toml_doc import Table


def target_keys(m: Manifest):
    """(key, offset of the key's first character in the file, key span) for each target key."""
    if m.doc is None:
        return
    targets = m.doc.root.get("target")
    if not isinstance(targets, Table):
        return
    text = m.text or ""
    for key, item in targets.entries.items():
        span = item.key_span or item.span
        start = span[0]
        if start < len(text) and text[start] in "'\"":
            start += 1  # inside the quotes
        yield key, start, span
