"""Cargo's member globs: a faithful re-implementation of the Rust ``glob`` crate 0.3.3 (Unix).

Cargo (``WorkspaceRootConfig::members_paths`` / ``expand_member_path``, 1.95) joins each
``workspace.members`` / ``default-members`` entry to the *absolute* root directory and hands the
whole string to ``glob::glob`` with the default ``MatchOptions`` (case-sensitive,
``require_literal_separator = false``, ``require_literal_leading_dot = false``). Everything here
mirrors that crate's observable behaviour, checked against cargo 1.95:

* The pattern is compiled twice: once whole (error positions count from the start of the
  absolute pattern) and then component by component (so ``crates/[a/b]`` compiles whole but
  fails on the component ``[a`` at position 0).
* The walk is the crate's: a LIFO ``todo`` list, each directory's children pushed in reverse
  byte order, so results come out in pre-order, alphabetically per directory. ``**`` yields
  every directory *below* its start (never the start itself, never files when it is last).
  A metachar component starting with ``.`` also yields ``..`` and then ``.``.
* Literal components are probed (``stat`` or ``lstat`` succeeds: broken symlinks count), and
  ``.``/``..`` are taken if the current path is a directory.
* ``*``, ``?`` and ``[...]`` match dot-names; matching is by Unicode scalar value.

Differences that exist on purpose: the walk is bounded (``GlobLimitError``), where the crate would
recurse through symlink cycles for a very long time. File access goes through
:class:`~cargo_lens.engine.fs.FileSystem` (editor buffers, boundary), so a directory that exists
but cannot be read counts as empty. Cargo would stop with "unable to match path to pattern".
"""

from __future__ import annotations

from collections.abc import Iterator

from .fs import FileSystem, normalize
from .record import Record

__all__ = [
    "GlobLimitError",
    "MAX_DEPTH",
    "MAX_ENTRIES",
    "MemberExpansion",
    "Pattern",
    "PatternError",
    "compile_pattern",
    "expand_member",
    "expand_member_entry",
    "glob",
    "has_glob_chars",
    "rust_join",
    "rust_path_eq",
]

MAX_ENTRIES = 100_000
# Directory levels a `**` may descend. Linux already stops a single self-loop after 40 symlinks
# (ELOOP), so cargo and we agree there; the cap is for real trees or branching symlink loops.
MAX_DEPTH = 64
# Linux refuses paths of PATH_MAX (4096) bytes or more with ENAMETOOLONG; the crate sees those as
# missing. Reproducing it also keeps path strings (and the work per step) bounded.
_PATH_MAX = 4096

_ERROR_WILDCARDS = "wildcards are either regular `*` or recursive `**`"
_ERROR_RECURSIVE_WILDCARDS = "recursive wildcards must form a single path component"
_ERROR_INVALID_RANGE = "invalid range pattern"

# Token kinds (a token is a tuple whose first item is the kind).
_CHAR = 0  # (_CHAR, c)
_ANY_CHAR = 1  # (_ANY_CHAR,)            `?`
_ANY_SEQ = 2  # (_ANY_SEQ,)              `*`
_ANY_REC = 3  # (_ANY_REC,)              `**` (swallows the `/` after it)
_WITHIN = 4  # (_WITHIN, specs)           `[...]`
_EXCEPT = 5  # (_EXCEPT, specs)           `[!...]`
# specs: tuple of (lo, hi) code-point ranges; a single char c is (c, c).


class PatternError(Exception):
    """``glob::PatternError``: ``pos`` is a char index into the string that was compiled."""

    def __init__(self, pos: int, msg: str):
        super().__init__(pos, msg)
        self.pos = pos
        self.msg = msg

    def __str__(self) -> str:
        return f"Pattern syntax error near position {self.pos}: {self.msg}"


class GlobLimitError(Exception):
    """The expansion was cut short by the bounds cargo-lens sets (cargo itself has none)."""

    def __init__(self, pattern: str, message: str):
        super().__init__(message)
        self.pattern = pattern


def has_glob_chars(s: str) -> bool:
    """Whether ``s`` contains a glob metacharacter (``*``, ``?`` or ``[``), like the crate's
    ``has_metachars``. A lone ``]`` is an ordinary character."""
    return "*" in s or "?" in s or "[" in s


# -- pattern compilation ---------------------------------------------------------------------


def _parse_specifiers(chars: str) -> tuple[tuple[str, str], ...]:
    # `a-z` is a range only when a char follows the dash; a leading/trailing `-` is literal.
    specs: list[tuple[str, str]] = []
    i, n = 0, len(chars)
    while i < n:
        if i + 3 <= n and chars[i + 1] == "-":
            specs.append((chars[i], chars[i + 2]))
            i += 3
        else:
            specs.append((chars[i], chars[i]))
            i += 1
    return tuple(specs)


class Pattern:
    """A compiled pattern (``glob::Pattern``). Build with :func:`compile_pattern`."""

    __slots__ = ("original", "tokens", "is_recursive", "has_metachars", "_min_len")

    def __init__(self, original: str, tokens: tuple[tuple, ...], is_recursive: bool, has_metachars: bool):
        self.original = original
        self.tokens = tokens
        self.is_recursive = is_recursive
        self.has_metachars = has_metachars
        # Every token but the wildcards consumes exactly one char: a quick length check keeps
        # long patterns from costing anything on short names.
        self._min_len = sum(1 for t in tokens if t[0] not in (_ANY_SEQ, _ANY_REC))

    def __str__(self) -> str:
        return self.original

    def __repr__(self) -> str:
        return f"Pattern({self.original!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Pattern) and self.original == other.original

    def __hash__(self) -> int:
        return hash(self.original)

    def matches(self, path: str) -> bool:
        """``Pattern::matches`` with the default options: case-sensitive, and ``*``, ``?``,
        ``[...]`` may match ``/`` and leading dots. ``**`` matches nothing or any run of
        chars ending just after a ``/`` (anything at all when it ends the pattern)."""
        if not self.has_metachars:
            return path == self.original
        if self._min_len > len(path):
            return False
        return _nfa_match(self.tokens, path)


def compile_pattern(pattern: str) -> Pattern:
    """``Pattern::new``: raises :class:`PatternError` with the crate's position and message."""
    chars = pattern
    n = len(chars)
    tokens: list[tuple] = []
    is_recursive = False
    has_metachars = False
    i = 0
    while i < n:
        c = chars[i]
        if c == "?":
            has_metachars = True
            tokens.append((_ANY_CHAR,))
            i += 1
        elif c == "*":
            has_metachars = True
            old = i
            while i < n and chars[i] == "*":
                i += 1
            count = i - old
            if count > 2:
                raise PatternError(old + 2, _ERROR_WILDCARDS)
            if count == 2:
                # `**` must be a whole component: preceded by `/` (or the very start) and
                # followed by `/` (which it swallows) or the end.
                if i == 2 or chars[old - 1] == "/":
                    if i < n and chars[i] == "/":
                        i += 1
                    elif i != n:
                        raise PatternError(i, _ERROR_RECURSIVE_WILDCARDS)
                else:
                    raise PatternError(old - 1, _ERROR_RECURSIVE_WILDCARDS)
                # The crate collapses repeats only when more than one token exists (`> 1`),
                # so a leading `**/**` keeps two; harmless, but kept for fidelity.
                if not (len(tokens) > 1 and tokens[-1][0] == _ANY_REC):
                    is_recursive = True
                    tokens.append((_ANY_REC,))
            else:
                tokens.append((_ANY_SEQ,))
        elif c == "[":
            has_metachars = True
            if i + 4 <= n and chars[i + 1] == "!":
                # `]` right after `[!` is a member, so the search starts one further.
                j = chars.find("]", i + 3)
                if j != -1:
                    tokens.append((_EXCEPT, _parse_specifiers(chars[i + 2 : j])))
                    i = j + 1
                    continue
            elif i + 3 <= n and chars[i + 1] != "!":
                j = chars.find("]", i + 2)
                if j != -1:
                    tokens.append((_WITHIN, _parse_specifiers(chars[i + 1 : j])))
                    i = j + 1
                    continue
            raise PatternError(i, _ERROR_INVALID_RANGE)
        else:
            tokens.append((_CHAR, c))
            i += 1
    return Pattern(pattern, tuple(tokens), is_recursive, has_metachars)


def _in_specs(specs: tuple[tuple[str, str], ...], c: str) -> bool:
    for lo, hi in specs:
        if lo <= c <= hi:
            return True
    return False


def _nfa_match(tokens: tuple[tuple, ...], s: str) -> bool:
    """Whole-string match, equivalent to the crate's backtracking ``matches_from`` but in
    O(len(tokens) * len(s)) without recursion.

    State ``i`` (0 <= i <= T) means "next token is i"; a wildcard state may also step to i+1
    without consuming anything. State ``T + 1 + i`` means "inside the `**` at i, and the last
    char it took was not `/`": it may not hand over to i+1 until it takes a `/`, or until the
    input ends (the crate then falls through to the remaining tokens).
    """
    t = len(tokens)

    def closure(states: set[int]) -> set[int]:
        stack = list(states)
        while stack:
            st = stack.pop()
            if st < t and tokens[st][0] in (_ANY_SEQ, _ANY_REC) and st + 1 not in states:
                states.add(st + 1)
                stack.append(st + 1)
        return states

    cur = closure({0})
    for c in s:
        nxt: set[int] = set()
        for st in cur:
            if st > t:  # inside a `**`
                nxt.add(st - t - 1 if c == "/" else st)
                continue
            if st == t:
                continue
            tok = tokens[st]
            kind = tok[0]
            if kind == _CHAR:
                if tok[1] == c:
                    nxt.add(st + 1)
            elif kind == _ANY_CHAR:
                nxt.add(st + 1)
            elif kind == _ANY_SEQ:
                nxt.add(st)
            elif kind == _ANY_REC:
                nxt.add(st if c == "/" else t + 1 + st)
            elif kind == _WITHIN:
                if _in_specs(tok[1], c):
                    nxt.add(st + 1)
            elif not _in_specs(tok[1], c):  # _EXCEPT
                nxt.add(st + 1)
        if not nxt:
            return False
        cur = closure(nxt)
    if t in cur:
        return True
    ends = {st - t for st in cur if st > t}  # `**` that ran to the end hands over to i + 1
    return t in closure(ends) if ends else False


# -- Rust path helpers -----------------------------------------------------------------------


def rust_join(base: str, rel: str) -> str:
    """``Path::join`` on Unix: an absolute ``rel`` replaces ``base``; otherwise a ``/`` is added
    unless ``base`` is empty or already ends with one (so ``join("/r", "") == "/r/"``)."""
    if rel.startswith("/"):
        return rel
    if not base or base.endswith("/"):
        return base + rel
    return base + "/" + rel


def _rust_components(path: str) -> list[str]:
    # Path::components on Unix: repeated and trailing `/` vanish, `.` survives only as the
    # first component of a relative path.
    comps: list[str] = []
    if path.startswith("/"):
        comps.append("/")
    for i, part in enumerate(path.split("/")):
        if part == "" or (part == "." and not (i == 0 and not comps)):
            continue
        comps.append(part)
    return comps


def rust_path_eq(a: str, b: str) -> bool:
    """``Path == Path`` on Unix (component-wise: ``/r/./a/`` equals ``/r/a``)."""
    return _rust_components(a) == _rust_components(b)


def _is_curdir(path: str) -> bool:
    # `path == Path::new(".")`; only a relative pattern's walk ever starts there.
    return path[:1] == "." and _rust_components(path) == ["."]


def _os_bytes(s: str) -> bytes:
    try:
        return s.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return s.encode("utf-8", "surrogatepass")


def _is_utf8(s: str) -> bool:
    if s.isascii():
        return True
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _unusable(path: str) -> bool:
    """Paths every syscall would reject: empty, NUL inside, or PATH_MAX bytes and longer."""
    if not path or "\0" in path:
        return True
    return len(path) * 4 >= _PATH_MAX and len(_os_bytes(path)) >= _PATH_MAX


# -- file-system questions --------------------------------------------------------------------
# The boundary is the root of the world: its ancestors exist as directories whose only child is
# the next step towards it (else no absolute pattern could ever pass through them).


def _toward_boundary(fs: FileSystem, path: str) -> str | None:
    """If ``path`` is a strict ancestor of ``fs.boundary``, the child name leading to it."""
    b = fs.boundary
    if not b or b == "/" or not path.startswith("/"):
        return None
    norm = normalize(path)
    prefix = norm if norm.endswith("/") else norm + "/"
    if not b.startswith(prefix):
        return None
    return b[len(prefix) :].split("/", 1)[0]


def _is_dir(fs: FileSystem, path: str) -> bool:
    """``fs::metadata(path).is_dir()`` (follows symlinks)."""
    if _unusable(path):
        return False
    if _toward_boundary(fs, path) is not None:
        return True
    return fs.is_dir(path)


def _list_dir(fs: FileSystem, path: str) -> list[str]:
    if _unusable(path):
        return []
    try:
        names = list(fs.list_dir(path))
    except (OSError, ValueError):  # e.g. an overlay path the OS cannot represent
        names = []
    step = _toward_boundary(fs, path)
    if step is not None and step not in names:
        names.append(step)
    return names


def _probe(fs: FileSystem, parent: str, name: str, path: str) -> bool:
    """``fs::metadata(path).is_ok() || fs::symlink_metadata(path).is_ok()``."""
    if _unusable(path):
        return False
    if _toward_boundary(fs, path) is not None or fs.exists(path):
        return True
    # lstat also succeeds for a dangling symlink: it is listed in its directory.
    return bool(name) and name in _list_dir(fs, parent)


def _plain_path(pattern: str, fs: FileSystem) -> bool:
    """An absolute path without metacharacters, `.`/`..`/empty components or a trailing `/`,
    inside the boundary: the walk probes each component and yields the path when the last
    probe succeeds (and, for a pattern ending in `/`, the path is a directory); every earlier
    probe then succeeds too (they are its ancestors)."""
    return (
        pattern.startswith("/")
        and len(pattern) > 1
        and not has_glob_chars(pattern)
        and "/." not in pattern
        and "//" not in pattern
        and not pattern.endswith("/")
        and fs.inside_boundary(pattern)
    )


# -- the walk --------------------------------------------------------------------------------

# A todo entry is (path, name, is_dir or None while unknown, pattern index or -1, depth).
# Index -1 is the crate's `usize::MAX`: already known to match, only `require_dir` is left.


class _Walker:
    def __init__(
        self,
        pattern: str,
        patterns: list[Pattern],
        require_dir: bool,
        fs: FileSystem,
        max_entries: int,
        max_depth: int,
    ):
        self.pattern = pattern
        self.patterns = patterns
        self.require_dir = require_dir
        self.fs = fs
        self.max_entries = max_entries
        self.max_depth = max_depth
        self.visited = 0
        self.todo: list[tuple] = []

    def _is_dir(self, path: str) -> bool:
        return _is_dir(self.fs, path)

    def _list(self, path: str) -> list[str]:
        return _list_dir(self.fs, path)

    def _probe(self, parent: str, name: str, path: str) -> bool:
        return _probe(self.fs, parent, name, path)

    def _tick(self, n: int = 1) -> None:
        self.visited += n
        if self.visited > self.max_entries:
            raise GlobLimitError(
                self.pattern,
                f"expanding `{self.pattern}` visited more than {self.max_entries} entries; "
                "cargo-lens stopped there. Use a narrower pattern (for example `dir/*` "
                "instead of `dir/**`) or list the members explicitly",
            )

    # The crate's `fill_todo`, without recursion: `work` holds pending calls and pushes in
    # the order the recursive version would run them.

    def fill(self, idx: int, path: str, is_dir: bool, depth: int) -> None:
        patterns = self.patterns
        last = len(patterns) - 1
        todo = self.todo
        work: list[tuple] = [(idx, path, is_dir)]
        while work:
            item = work.pop()
            if len(item) == 1:  # a deferred push of a known match
                todo.append(item[0])
                continue
            idx, path, is_dir = item
            pat = patterns[idx]
            curdir = _is_curdir(path)
            adds: list[tuple[str, str]] = []  # (next path, its name), in call order
            if not pat.has_metachars:
                s = pat.original
                self._tick()
                if s in (".", ".."):
                    if is_dir:
                        adds.append((s if curdir else rust_join(path, s), s))
                elif s == "":
                    # `path.join("")` adds a trailing `/`; stat then needs a directory.
                    if not curdir and is_dir:
                        adds.append((rust_join(path, ""), ""))
                else:
                    nxt = s if curdir else rust_join(path, s)
                    if self._probe(path, s, nxt):
                        adds.append((nxt, s))
            elif is_dir:
                names = self._list(path)
                self._tick(len(names))
                names.sort(key=_os_bytes, reverse=True)  # OsStr order is byte order
                for name in names:
                    todo.append((name if curdir else rust_join(path, name), name, None, idx, depth))
                # `.` and `..` never come from read_dir; a pattern that starts with a literal
                # dot is tried against them explicitly (`..` ends up first in the output).
                if pat.tokens and pat.tokens[0] == (_CHAR, "."):
                    for special in (".", ".."):
                        if pat.matches(special):
                            self._tick()
                            adds.append((rust_join(path, special), special))
            for nxt, name in reversed(adds):
                nxt_is_dir = self._is_dir(nxt)
                if idx == last:
                    work.append(((nxt, name, nxt_is_dir, -1, depth),))
                else:
                    work.append((idx + 1, nxt, nxt_is_dir))

    # The crate's `Paths::next`.

    def run(self, scope: str) -> Iterator[str]:
        patterns = self.patterns
        last = len(patterns) - 1
        todo = self.todo
        if not patterns:
            return
        self.fill(0, scope, self._is_dir(scope), 0)
        while todo:
            path, name, is_dir, idx, depth = todo.pop()
            if is_dir is None:
                is_dir = self._is_dir(path)
            if idx == -1:
                if not self.require_dir or is_dir:
                    yield path
                continue
            if patterns[idx].is_recursive:
                nxt = idx
                while nxt + 1 <= last and patterns[nxt + 1].is_recursive:
                    nxt += 1
                if is_dir:
                    if depth >= self.max_depth:
                        raise GlobLimitError(
                            self.pattern,
                            f"expanding `{self.pattern}` went more than {self.max_depth} "
                            f"directories deep under `**` (at `{path}`; a symlink loop?); "
                            "cargo-lens stopped there. Use a pattern without `**` or list the "
                            "members explicitly",
                        )
                    self.fill(nxt, path, True, depth + 1)
                    if nxt == last:
                        yield path
                        continue
                    idx = nxt + 1
                elif nxt == last:
                    continue  # `**` at the end only yields directories
                else:
                    idx = nxt + 1
            # The crate skips names that are not valid UTF-8 (its FIXME #9639).
            if not _is_utf8(name):
                continue
            if patterns[idx].matches(name):
                if idx == last:
                    if not self.require_dir or is_dir:
                        yield path
                else:
                    self.fill(idx + 1, path, is_dir, depth)


def glob(
    pattern: str,
    fs: FileSystem,
    *,
    max_entries: int = MAX_ENTRIES,
    max_depth: int = MAX_DEPTH,
) -> Iterator[str]:
    """``glob::glob(pattern)``: lazily yields matching paths (files and directories) in the
    crate's order, shaped as the crate builds them (``/r/./a``, ``/r/a/..`` are not
    normalised). Raises :class:`PatternError` at once for a bad pattern, and
    :class:`GlobLimitError` during iteration when the bounds are hit. Meant for absolute
    patterns; a relative one is taken relative to the process's working directory, as in Rust.
    """
    literal = pattern[:-1] if pattern.endswith("/") else pattern
    if _plain_path(literal, fs):  # most `members` entries: no walk needed
        parent, name = literal.rsplit("/", 1)
        found = _probe(fs, parent or "/", name, literal) and (literal == pattern or _is_dir(fs, literal))
        return iter([literal] if found else [])
    compile_pattern(pattern)  # whole-pattern errors come first, positions in the full string
    root_len = 1 if pattern.startswith("/") else 0  # Unix: the only prefix is one RootDir
    parts = pattern[root_len:].split("/")
    if parts[-1] == "":  # str::split_terminator drops one trailing empty piece
        parts.pop()
    patterns = [compile_pattern(p) for p in parts]  # component errors: positions in the part
    if root_len == len(pattern):
        patterns.append(Pattern("", (), False, False))
    walker = _Walker(pattern, patterns, pattern.endswith("/"), fs, max_entries, max_depth)
    return walker.run("/" if root_len else ".")


# -- cargo ------------------------------------------------------------------------------------


class MemberExpansion(Record):
    """One ``members``/``default-members`` entry as cargo's ``members_paths`` sees it.

    ``joined``: ``root_dir.join(entry)``. ``paths``: the member directories. ``used_glob``:
    whether cargo names the entry in messages (``referenced via `<entry>` ``). Cargo decides
    that from the *unfiltered* glob output, files included: more than one match, or one that
    differs (component-wise) from ``joined``.
    """

    __slots__ = ("joined", "paths", "used_glob")

    def __init__(self, joined: str, paths: list[str], used_glob: bool):
        self.joined = joined
        self.paths = paths
        self.used_glob = used_glob


def expand_member(
    root_dir: str,
    entry: str,
    fs: FileSystem,
    *,
    max_entries: int = MAX_ENTRIES,
) -> MemberExpansion:
    joined = rust_join(root_dir, entry)
    if not _is_utf8(joined):
        # `path.to_str()` fails, so cargo skips the glob: no matches, the literal is kept.
        return MemberExpansion(joined, [joined], False)
    matches = list(glob(joined, fs, max_entries=max_entries))
    if not matches:
        # Backwards compatibility in cargo: an entry that matches nothing stays, as written.
        return MemberExpansion(joined, [joined], False)
    used_glob = len(matches) > 1 or not rust_path_eq(matches[0], joined)
    # Files (`.DS_Store`, `README.md`) are dropped silently; `is_dir` follows symlinks.
    return MemberExpansion(joined, [p for p in matches if _is_dir(fs, p)], used_glob)


def expand_member_entry(
    root_dir: str,
    entry: str,
    fs: FileSystem,
    *,
    max_entries: int = MAX_ENTRIES,
) -> list[str]:
    """Cargo's ``expand_member_path`` + the filtering in ``members_paths`` for one entry.

    ``root_dir.join(entry)`` is globbed as is (no normalisation: ``./crates/a/`` gives
    ``<root>/./crates/a``). No match → ``[joined]`` (kept as a literal, trailing ``/`` and
    metacharacters included). Otherwise the matches that are directories, in glob order.
    :class:`PatternError` propagates; cargo reports it as
    ``could not parse pattern `<joined>` `` caused by ``str(err)``.
    """
    return expand_member(root_dir, entry, fs, max_entries=max_entries).paths

