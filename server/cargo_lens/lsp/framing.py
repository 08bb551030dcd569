"""JSON-RPC framing over a byte stream, without pygls (the start-up path reads with it before
pygls is imported; transport.py reads with it afterwards).

A header block is whatever precedes ``\\r\\n\\r\\n`` and ``Content-Length`` is searched for in it,
so junk before a header is skipped and the next well-framed message is read; a length above
``MAX_BODY`` is refused (the header is dropped, reading goes on)."""

from __future__ import annotations

import json
import logging
import re

log = logging.getLogger("cargo_lens.lsp.transport")

MAX_BODY = 64 * 1024 * 1024  # no LSP message comes close; a larger length is a broken header
MAX_HEADER = 64 * 1024  # bytes without a header end are junk: keep only the tail
_LENGTH = re.compile(rb"content-length[ \t]*:[ \t]*(\d+)", re.IGNORECASE)
HEADER_START = re.compile(rb"content-length[ \t]*:", re.IGNORECASE)


class Framer:
    """Bytes in (``feed``), message bodies out (``next_body``, None until one is complete)."""

    def __init__(self) -> None:
        self._buf = bytearray()
        self._pending: int | None = None  # the body length of a header already consumed

    def feed(self, data: bytes) -> None:
        self._buf += data

    def unread(self, data: bytes) -> None:
        self._buf[:0] = data

    def next_body(self) -> bytes | None:
        while self._pending is None:
            end = self._buf.find(b"\r\n\r\n")
            if end < 0:
                if len(self._buf) > MAX_HEADER:  # junk without a header end: drop all but a tail
                    log.warning("dropping %d bytes of input that contain no message header", len(self._buf) - 64)
                    del self._buf[: len(self._buf) - 64]
                return None
            header = bytes(self._buf[:end])
            del self._buf[: end + 4]
            lengths = _LENGTH.findall(header)
            if not lengths:
                log.warning("skipping input without Content-Length: %r", header[:200])
                continue
            if not header.lower().startswith(b"content-"):
                log.warning("skipped junk before a message header: %r", header[:200])
            n = int(lengths[-1])
            if n > MAX_BODY:
                log.warning("refusing a message of %d bytes (more than %d); skipping its header", n, MAX_BODY)
                continue
            self._pending = n
        n = self._pending
        if len(self._buf) < n:
            return None
        body = bytes(self._buf[:n])
        del self._buf[:n]
        self._pending = None
        return body


def encode(message: dict) -> bytes:
    """One message, framed as pygls frames it (Content-Length counts the encoded bytes)."""
    body = json.dumps(message).encode("utf-8")
    return (
        f"Content-Length: {len(body)}\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n".encode("ascii")
        + body
    )
