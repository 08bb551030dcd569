"""Read-only file access for one analysis run: open editor buffers first, disk second.

Paths are absolute, lexically normalised strings (see ``normalize``). Every answer is cached for
the life of the instance, so one run sees one consistent view of the tree; make a new instance
(or call ``invalidate``) when files change.
"""

from __future__ import annotations

import errno
import os
import posixpath
import stat
from collections.abc import Mapping

# Manifests larger than this are refused with a message instead of being parsed; cargo has no
# limit, but nothing legitimate comes close and it keeps the editor responsive.
MAX_FILE_BYTES = 16 * 1024 * 1024
_CHUNK = 1 << 16
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0)


class FsError(Exception):
    """A file could not be read. ``str(err)`` reads like Rust's io::Error display."""


def normalize(path: str) -> str:
    """Cargo's ``paths::normalize_path``: drop `.`, let `..` pop a component, keep symlinks."""
    if not path:
        return path
    if "/." not in path and "//" not in path and not path.endswith("/") and not path.startswith("."):
        return path  # already normal: the common case, kept cheap
    norm = posixpath.normpath(path)
    if norm.startswith("//"):
        norm = "/" + norm.lstrip("/")
    return norm


def join(base: str, rel: str) -> str:
    """Join without normalising (cargo prints `ws/../a` as written in some messages)."""
    if rel.startswith("/"):
        return rel
    if not rel:
        return base
    return base.rstrip("/") + "/" + rel if base != "/" else "/" + rel


def _os_error_text(err: OSError) -> str:
    code = err.errno or 0
    text = os.strerror(code) if code else str(err)
    return f"{text} (os error {code})"


class FileSystem:
    """A cached, read-only view of the file system with an overlay of unsaved buffers.

    ``overlay`` maps absolute paths to text; those paths exist as files whatever the disk says.
    ``boundary``, when set, is a directory above which nothing is read: paths outside it behave as
    absent (``cargo-lens workspaces DIR`` treats DIR as the file-system root).
    """

    def __init__(self, overlay: Mapping[str, str] | None = None, boundary: str | None = None):
        self._overlay = {normalize(k): v for k, v in (overlay or {}).items()}
        self.boundary = normalize(boundary) if boundary else None
        self._text: dict[str, str | FsError] = {}
        self._stat: dict[str, os.stat_result | None] = {}
        self._listing: dict[str, list[str]] = {}
        self._overlay_children: dict[str, set[str]] = {}
        for p in self._overlay:
            self._add_overlay_ancestors(p)

    def with_overlay(self, overlay: Mapping[str, str]) -> "FileSystem":
        """A view with other unsaved buffers that shares this view's disk caches.

        The language server keeps one view alive (invalidated by file-watcher events) and
        takes a snapshot of the open buffers for each analysis run.
        """
        view = FileSystem(overlay, self.boundary)
        view._text, view._stat, view._listing = self._text, self._stat, self._listing
        return view

    # -- queries -----------------------------------------------------------------------------

    def inside_boundary(self, path: str) -> bool:
        b = self.boundary
        return b is None or path == b or path.startswith(b.rstrip("/") + "/")

    def read_text(self, path: str) -> str:
        """The text of a file, or ``FsError`` with an io::Error-style message."""
        path = normalize(path)
        if path in self._overlay:
            return self._overlay[path]
        cached = self._text.get(path)
        if cached is None:
            cached = self._read_disk(path)
            self._text[path] = cached
        if isinstance(cached, FsError):
            raise cached
        return cached

    def overlay_paths(self) -> list[str]:
        return list(self._overlay)

    def exists(self, path: str) -> bool:
        path = normalize(path)
        return path in self._overlay or path in self._overlay_children or self._lstat_follow(path) is not None

    def is_file(self, path: str) -> bool:
        path = normalize(path)
        if path in self._overlay:
            return True
        st = self._lstat_follow(path)
        return st is not None and stat.S_ISREG(st.st_mode)

    def is_dir(self, path: str) -> bool:
        path = normalize(path)
        if path in self._overlay_children:
            return True
        st = self._lstat_follow(path)
        return st is not None and stat.S_ISDIR(st.st_mode)

    def list_dir(self, path: str) -> list[str]:
        """Sorted entry names of a directory (symlinks included); [] when it cannot be listed."""
        path = normalize(path)
        names = self._listing.get(path)
        if names is None:
            found: set[str] = set(self._overlay_children.get(path, ()))
            # (os.access first: most directories asked about (a package's examples/, benches/,
            # src/bin/) do not exist, and a failed scandir costs a raised OSError each)
            if self.inside_boundary(path) and os.access(path, os.F_OK):
                try:
                    with os.scandir(path) as it:
                        found.update(e.name for e in it)
                except OSError:
                    pass
            names = sorted(found)
            self._listing[path] = names
        return names

    def invalidate(self, path: str | None = None) -> None:
        """Forget cached disk answers (all of them, or those about one path and its parent)."""
        if path is None:
            self._text.clear()
            self._stat.clear()
            self._listing.clear()
            return
        path = normalize(path)
        self._text.pop(path, None)
        self._stat.pop(path, None)
        self._listing.pop(path, None)
        self._listing.pop(posixpath.dirname(path), None)

    def invalidate_tree(self, path: str) -> None:
        """Forget everything cached at or below ``path`` (a file or directory created/deleted)."""
        path = normalize(path)
        prefix = path.rstrip("/") + "/"
        for cache in (self._text, self._stat, self._listing):
            for key in [k for k in cache if k == path or k.startswith(prefix)]:
                cache.pop(key, None)
        self._listing.pop(posixpath.dirname(path), None)

    def _add_overlay_ancestors(self, path: str) -> None:
        # An unsaved `crates/new/Cargo.toml` makes `crates/new` a directory that globs see.
        child = path
        while True:
            parent, name = posixpath.split(child)
            kids = self._overlay_children.setdefault(parent, set())
            if name in kids or parent == child:
                return
            kids.add(name)
            self._listing.pop(parent, None)
            child = parent

    # -- internals ---------------------------------------------------------------------------

    def _lstat_follow(self, path: str) -> os.stat_result | None:
        if path in self._stat:
            return self._stat[path]
        st: os.stat_result | None
        if not self.inside_boundary(path):
            st = None
        else:
            try:
                st = os.stat(path)  # follows symlinks, like Rust's Path::is_dir / is_file
            except (OSError, ValueError):
                st = None
        self._stat[path] = st
        return st

    def _read_disk(self, path: str) -> str | FsError:
        if not self.inside_boundary(path):
            return FsError(_os_error_text(OSError(errno.ENOENT, "")))
        # os.read in modest chunks: a single read(MAX_FILE_BYTES + 1) allocates a 16 MiB buffer
        # per file first, which made reading a workspace's manifests ~6x slower.
        try:
            fd = os.open(path, _OPEN_FLAGS)
            try:
                chunks = []
                total = 0
                while total <= MAX_FILE_BYTES:
                    chunk = os.read(fd, _CHUNK)
                    if not chunk:
                        break
                    chunks.append(chunk)
                    total += len(chunk)
            finally:
                os.close(fd)
        except OSError as err:
            return FsError(_os_error_text(err))
        data = chunks[0] if len(chunks) == 1 else b"".join(chunks)
        if len(data) > MAX_FILE_BYTES:
            return FsError(f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB; cargo-lens does not read it")
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return FsError("stream did not contain valid UTF-8")
