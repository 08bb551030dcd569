"""The stdio transport: JSON-RPC framing that survives a misbehaving client.

pygls 2.1.1's reader (``pygls.io_.run_async``) has no way back once the stream is out of step:
it only recognises a header line that *is* exactly ``Content-Length: N\\r\\n``, so a few stray
bytes without a line break glue themselves to the next header and every message after them is
lost; it allocates whatever ``Content-Length`` claims (a huge value raised MemoryError out of the
read loop and killed the server); and it answers nothing for a body that is not JSON or a request
whose params do not fit the method, so the client waits forever. Here:

* a header block is whatever precedes ``\\r\\n\\r\\n``, and ``Content-Length`` is searched for in
  it, so junk before a header is skipped and the next well-framed message is read;
* a length above ``MAX_BODY`` is refused (the header is dropped, reading goes on);
* a body that is not JSON gets a Parse error (-32700, id null); one that is not a JSON-RPC
  message an Invalid Request (-32600); a request whose params are invalid an Invalid params
  error (-32602) with its id; a body that swallowed the next message (a ``Content-Length`` too
  large) is cut where the next header starts and that message is read again;
* stdin is read (raw, unbuffered) by a daemon thread, so a client that keeps the pipe open
  never holds up the exit.

Messages are handled one at a time on the event loop, in order, as pygls does.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
import threading
from typing import Any

from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams, JsonRpcInvalidRequest, JsonRpcParseError
from pygls.io_ import StdoutWriter

from .framing import HEADER_START, Framer

log = logging.getLogger("cargo_lens.lsp.transport")

_CHUNK = 65536


class _StdinPump:
    """Reads stdin in a daemon thread and hands chunks to the event loop (b"" at EOF)."""

    def __init__(self, stream, loop: asyncio.AbstractEventLoop):
        self.queue: asyncio.Queue[bytes] = asyncio.Queue()
        self._stream = stream
        self._loop = loop
        threading.Thread(target=self._run, name="cargo-lens-stdin", daemon=True).start()

    def _run(self) -> None:
        # The raw file descriptor, not the BufferedReader: a daemon thread blocked inside a
        # buffered read holds its lock, and interpreter shutdown then aborts ("could not acquire
        # lock for <stdin> at interpreter shutdown"). os.read holds no Python-level lock.
        try:
            fd = self._stream.fileno()
            read = lambda n: os.read(fd, n)  # noqa: E731
        except (AttributeError, OSError, ValueError):
            read = getattr(self._stream, "read1", None) or self._stream.read
        while True:
            try:
                data = read(_CHUNK)
            except (OSError, ValueError):
                data = b""
            try:
                self._loop.call_soon_threadsafe(self.queue.put_nowait, data)
            except RuntimeError:  # the loop is closed: we are exiting
                return
            if not data:
                return


class FramedReader:
    def __init__(self, pump: _StdinPump | None, framer: Framer | None = None):
        self._pump = pump
        self._framer = framer or Framer()
        self._eof = pump is None  # the start-up path already read to the end

    def unread(self, data: bytes) -> None:
        self._framer.unread(data)

    async def next_body(self) -> bytes | None:
        """The next message body, or None at end of input."""
        while True:
            body = self._framer.next_body()
            if body is not None:
                return body
            if self._eof:
                return None
            data = await self._pump.queue.get()
            if not data:
                self._eof = True
                return None
            self._framer.feed(data)


def _error(protocol, msg_id: Any, exc: JsonRpcException) -> None:
    if msg_id is None:
        # JSON-RPC 2.0: "If there was an error in detecting the id ... it MUST be Null". pygls'
        # converter drops None fields, which would leave the response without an id at all.
        err = exc.to_response_error()
        protocol._send_data({"jsonrpc": "2.0", "id": None, "error": {"code": int(err.code), "message": err.message}})
        return
    protocol._send_response(msg_id, error=exc.to_response_error())


def _resync(reader: FramedReader, body: bytes) -> bytes:
    """A body that fails to parse and contains the start of another header swallowed (part of)
    the next message: give that part back to the reader, keep the rest as this body."""
    m = HEADER_START.search(body)
    if m is None:
        return body
    reader.unread(body[m.start():])
    return body[: m.start()]


def handle_body(protocol, reader: FramedReader | None, body: bytes) -> None:
    """Parse one body and dispatch it; every malformed message gets the JSON-RPC error the
    protocol has for it (when it can be answered), none stops the server."""
    try:
        raw = json.loads(body)
    except (ValueError, UnicodeDecodeError) as err:
        if reader is not None and HEADER_START.search(body):
            body = _resync(reader, body)
        log.warning("invalid JSON from the client (%s): %r", err, body[:200])
        _error(protocol, None, JsonRpcParseError(f"Parse error: {err}"))
        return
    if not isinstance(raw, dict) or raw.get("jsonrpc") != "2.0" or not (
        isinstance(raw.get("method"), str) or "result" in raw or "error" in raw
    ):
        msg_id = raw.get("id") if isinstance(raw, dict) and isinstance(raw.get("id"), (int, str)) else None
        log.warning("not a JSON-RPC 2.0 message: %r", body[:200])
        _error(protocol, msg_id, JsonRpcInvalidRequest("Invalid Request: not a JSON-RPC 2.0 message"))
        return
    is_request = isinstance(raw.get("method"), str) and "id" in raw
    try:
        message = protocol.structure_message(raw)
    except JsonRpcException as err:
        log.warning("cannot read %s: %s", raw.get("method") or "a response", err)
        if is_request:
            reply = err if isinstance(err, JsonRpcInvalidParams) else JsonRpcInvalidParams(f"Invalid params for {raw['method']}")
            _error(protocol, raw["id"], reply)
        return
    except Exception:
        log.exception("cannot read a message")
        if is_request:
            _error(protocol, raw["id"], JsonRpcInvalidParams(f"Invalid params for {raw['method']}"))
        return
    protocol.handle_message(message)


async def serve_stdio(server, stdin=None, stdout=None, handover=None) -> int:
    """Run ``server`` over stdio until `exit` or end of input; returns the exit status pygls'
    `exit` handler chose (0 after `shutdown`, 1 without), or 0 at end of input. ``handover``
    (startup.Handover) carries what the start-up path read before pygls was loaded: those
    messages are handled first, then reading goes on where it stopped."""
    loop = asyncio.get_running_loop()
    server.protocol.set_writer(StdoutWriter(stdout or sys.stdout.buffer))
    pending = list(handover.bodies) if handover is not None else []
    pump = None if handover is not None and handover.eof else _StdinPump(stdin or sys.stdin.buffer, loop)
    reader = FramedReader(pump, handover.framer if handover is not None else None)
    while True:
        if pending:
            # The last one read may have swallowed the start of what the reader holds next.
            body = pending.pop(0)
            live = None if pending else reader
        else:
            body, live = await reader.next_body(), reader
        if body is None:
            log.info("end of input: stopping")
            return 0
        try:
            handle_body(server.protocol, live, body)
        except SystemExit as done:  # the `exit` notification
            return int(done.code or 0)
        except Exception:
            log.exception("unable to handle a message")
