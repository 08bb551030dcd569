"""Crate names and versions from the local cargo registry cache. Offline: never the network.

Two sources, both written by cargo itself under ``$CARGO_HOME/registry`` (default ``~/.cargo``):

* ``index/<registry>/.cache/<prefix>/<name>``: the index entries cargo has used. Each file is
  cargo's ``SummariesCache``: a version byte, a u32 index-format version, the index revision and a
  NUL, then for every version its text, NUL, its JSON line, NUL.
* ``cache/<registry>/<name>-<version>.crate``: the archives cargo has downloaded.

When neither exists there is nothing to offer, and nothing is invented. Files are read through
the ``FileSystem`` (so a test or a `--boundary` sees only what it should). The registry chosen by
a dependency's ``registry = "…"`` key is not resolved (that needs `.cargo/config` source tables):
callers skip registry completions for such dependencies.
"""

from __future__ import annotations

import re

from .fs import FileSystem, FsError, join

__all__ = ["crate_names", "crate_versions", "registry_root", "version_key"]

_CRATE_FILE = re.compile(r"^(?P<name>.+?)-(?P<version>\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]*)?)\.crate$")
_VERSION = re.compile(r"^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$")
MAX_NAMES = 200


def registry_root(cargo_home: str | None, fs: FileSystem) -> str | None:
    if not cargo_home:
        return None
    root = join(cargo_home, "registry")
    return root if fs.is_dir(root) else None


def _index_caches(root: str, fs: FileSystem) -> list[str]:
    index = join(root, "index")
    out = []
    for name in fs.list_dir(index):
        cache = join(join(index, name), ".cache")
        if fs.is_dir(cache):
            out.append(cache)
    return out


def _crate_dirs(root: str, fs: FileSystem) -> list[str]:
    cache = join(root, "cache")
    return [join(cache, n) for n in fs.list_dir(cache) if fs.is_dir(join(cache, n))]


def _norm(name: str) -> str:
    return name.lower().replace("_", "-")


def _index_path(name: str) -> str:
    """The index's directory scheme: 1/a, 2/ab, 3/a/abc, ab/cd/abcd (lower-case)."""
    n = name.lower()
    if len(n) <= 2:
        return f"{len(n)}/{n}"
    if len(n) == 3:
        return f"3/{n[0]}/{n}"
    return f"{n[:2]}/{n[2:4]}/{n}"


def _walk_cache(cache: str, fs: FileSystem, prefix: str) -> list[str]:
    """Names of cached index entries under one `.cache` directory that start with ``prefix``."""
    p = prefix.lower()
    out: list[str] = []
    for top in fs.list_dir(cache):
        d1 = join(cache, top)
        if top in ("1", "2"):
            out.extend(n for n in fs.list_dir(d1) if n.lower().startswith(p))
            continue
        if top == "3":
            for sub in fs.list_dir(d1):
                if p[:1] and not sub.startswith(p[:1]):
                    continue
                out.extend(n for n in fs.list_dir(join(d1, sub)) if n.lower().startswith(p))
            continue
        if not (top == p[:2] if len(p) >= 2 else top.startswith(p)):
            continue
        for sub in fs.list_dir(d1):
            if len(p) >= 4 and sub != p[2:4]:
                continue
            if len(p) == 3 and not sub.startswith(p[2]):
                continue
            out.extend(n for n in fs.list_dir(join(d1, sub)) if n.lower().startswith(p))
    return out


def crate_names(cargo_home: str | None, fs: FileSystem, prefix: str, limit: int = MAX_NAMES) -> list[str]:
    """Crate names the local cache knows that start with ``prefix`` (`-`/`_` alike), sorted."""
    root = registry_root(cargo_home, fs)
    if root is None:
        return []
    found: dict[str, str] = {}
    want = _norm(prefix)
    # index caches are laid out by lower-case name; `-` and `_` are distinct there
    variants = {prefix.lower(), prefix.lower().replace("_", "-"), prefix.lower().replace("-", "_")}
    for cache in _index_caches(root, fs):
        for v in variants:
            for n in _walk_cache(cache, fs, v):
                found.setdefault(_norm(n), n)
    for d in _crate_dirs(root, fs):
        for f in fs.list_dir(d):
            m = _CRATE_FILE.match(f)
            if m and _norm(m.group("name")).startswith(want):
                found.setdefault(_norm(m.group("name")), m.group("name"))
    return sorted(found.values())[:limit]


def crate_versions(cargo_home: str | None, fs: FileSystem, name: str) -> list[str]:
    """Versions of ``name`` the local cache knows, newest first, yanked ones left out."""
    root = registry_root(cargo_home, fs)
    if root is None or not name:
        return []
    versions: dict[str, None] = {}
    yanked: set[str] = set()
    names = {name.lower(), name.lower().replace("_", "-"), name.lower().replace("-", "_")}
    for cache in _index_caches(root, fs):
        for n in names:
            path = join(cache, _index_path(n))
            if not fs.is_file(path):
                continue
            try:
                text = fs.read_text(path)
            except FsError:
                continue
            for v, blob in _summaries(text):
                if '"yanked":true' in blob.replace(" ", ""):
                    yanked.add(v)
                else:
                    versions.setdefault(v, None)
    for d in _crate_dirs(root, fs):
        for f in fs.list_dir(d):
            m = _CRATE_FILE.match(f)
            if m and _norm(m.group("name")) == _norm(name):
                versions.setdefault(m.group("version"), None)
    good = [v for v in versions if v not in yanked and _VERSION.match(v)]
    return sorted(good, key=version_key, reverse=True)


def _summaries(text: str) -> list[tuple[str, str]]:
    """(version, JSON line) pairs of a `SummariesCache` file read as text; [] if not one."""
    if len(text) < 6:
        return []
    parts = text[5:].split("\x00")
    out = []
    # parts[0] is the index revision; then version, JSON, version, JSON, …, then a trailing "".
    for i in range(1, len(parts) - 1, 2):
        v, blob = parts[i], parts[i + 1]
        if _VERSION.match(v) and blob.startswith("{"):
            out.append((v, blob))
    return out


def version_key(v: str) -> tuple:
    m = _VERSION.match(v)
    if m is None:
        return (-1,)
    major, minor, patch, pre = int(m.group(1)), int(m.group(2)), int(m.group(3)), m.group(4)
    if pre is None:
        return (major, minor, patch, 1, ())
    ids = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in pre.split("."))
    return (major, minor, patch, 0, ids)
