"""`[target.'<key>']` keys the way cargo-platform reads them (cargo 1.95).

A key is either ``cfg(<expr>)`` (starts with ``cfg(`` and ends with ``)``) or a
target name.  ``parse_platform`` reproduces cargo-platform's parser exactly,
including which error wins and the error texts (``PlatformError.message()`` is
cargo's ``Caused by:`` line), see spec section 7.  The parser mirrors cargo's
recursive descent with an explicit stack, so it is linear time and cannot hit
Python's recursion limit.

Target data (``BUILTIN_TARGETS``, ``KNOWN_VALUES`` ...) lives in the generated
module ``cfg_targets.py``; regenerate it with ``scripts/gen_cfg_targets.py``
when rustc gains targets or cfg values.

Offsets (``PlatformError.start/end``, AST ``span``, ``CfgLint.start/end``) are
Python string indices (code points) into the whole key string, e.g. in
``cfg(unix)`` the name ``unix`` spans ``(4, 8)``.  Converting to UTF-16 for LSP
is the caller's job.

Evaluation follows cargo: a cfg key is matched against ``rustc --print cfg``
for the target, which contains ``debug_assertions`` (even for ``--release``:
cargo does not pass the profile's flags) and never ``test`` or
``proc_macro``.  Identifiers compare by name only, so ``r#unix`` matches like
``unix`` and ``r#true`` is the literal true (rustc disagrees; see ``lint``).
"""

from __future__ import annotations

import bisect
import re

from . import cfg_targets as _data
from .record import Record

__all__ = [
    "All",
    "Any",
    "BUILTIN_TARGETS",
    "Bool",
    "CfgExpr",
    "CfgLint",
    "KNOWN_TARGETS",
    "KNOWN_VALUES",
    "KeyPair",
    "MAX_NESTING",
    "Name",
    "Not",
    "Platform",
    "PlatformError",
    "SINGLE_VALUED_KEYS",
    "TargetCfg",
    "constant_value",
    "describe",
    "evaluate",
    "host_target_cfg",
    "lint",
    "matching_targets",
    "parse_platform",
    "parse_print_cfg",
    "platform_matches",
]

# Deeper nesting is refused with a PlatformError whose ``cargo_error`` is False.
# cargo accepts far deeper keys (20 000 levels parse; it overflows its stack
# somewhere below 100 000), but ASTs that deep would make the recursive
# ``==``/``hash``/``repr`` (and any caller walking the tree) raise
# RecursionError.  No real manifest comes anywhere near this.
MAX_NESTING = 128


# --------------------------------------------------------------------------
# Errors


class PlatformError(Exception):
    """A key cargo rejects (or, when ``cargo_error`` is False, one we refuse).

    ``kind`` is the text after ``as a cfg expression: `` in cargo's message,
    ``subject`` the text cargo quotes (inside of ``cfg(...)``, or the whole key
    for target names), ``start``/``end`` offsets into the key, ``variant``
    the name of cargo-platform's ``ParseErrorKind`` variant.
    """

    def __init__(
        self,
        kind: str,
        subject: str,
        start: int,
        end: int,
        variant: str = "",
        cargo_error: bool = True,
    ) -> None:
        self.kind = kind
        self.subject = subject
        self.start = start
        self.end = end
        self.variant = variant
        self.cargo_error = cargo_error
        super().__init__(self.message())

    def message(self) -> str:
        # cargo-platform's ParseError Display; the same shape for the
        # "invalid target specifier: ..." kinds.
        return f"failed to parse `{self.subject}` as a cfg expression: {self.kind}"

    def __repr__(self) -> str:
        return (
            f"PlatformError(kind={self.kind!r}, subject={self.subject!r}, "
            f"start={self.start}, end={self.end})"
        )


# --------------------------------------------------------------------------
# AST


Span = tuple  # (start, end) offsets into the key string


# Value classes (record.py: cheaper to define than dataclasses, same equality, hash and repr).


class All(Record):
    __slots__ = ("items", "span")

    def __init__(self, items: tuple, span: Span):
        self.items = items
        self.span = span


class Any(Record):
    __slots__ = ("items", "span")

    def __init__(self, items: tuple, span: Span):
        self.items = items
        self.span = span


class Not(Record):
    __slots__ = ("expr", "span")

    def __init__(self, expr: CfgExpr, span: Span):
        self.expr = expr
        self.span = span


class Name(Record):
    """A bare cfg name, e.g. ``unix``.  ``name`` excludes the ``r#`` prefix."""

    __slots__ = ("name", "raw", "span")

    def __init__(self, name: str, raw: bool, span: Span):
        self.name = name
        self.raw = raw
        self.span = span


class KeyPair(Record):
    """``key = "value"``.  ``key`` excludes any ``r#`` prefix."""

    __slots__ = ("key", "value", "raw_key", "span")

    def __init__(self, key: str, value: str, raw_key: bool, span: Span):
        self.key = key
        self.value = value
        self.raw_key = raw_key
        self.span = span

    @property
    def key_span(self) -> Span:
        return (self.span[0], self.span[0] + len(self.key) + (2 if self.raw_key else 0))

    @property
    def value_span(self) -> Span:
        """Span of the string literal including its quotes (it ends the pair)."""
        return (self.span[1] - len(self.value) - 2, self.span[1])


class Bool(Record):
    """``true``/``false`` literal (also ``r#true``/``r#false``, as cargo does)."""

    __slots__ = ("value", "span", "raw")

    def __init__(self, value: bool, span: Span, raw: bool = False):
        self.value = value
        self.span = span
        self.raw = raw  # written `r#true`/`r#false` (rustc would read a name)


# typing is not imported at run time (start-up cost); annotations are strings anyway.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Union

    CfgExpr = Union[All, Any, Not, Name, KeyPair, Bool]
else:
    CfgExpr = (All, Any, Not, Name, KeyPair, Bool)


class Platform(Record):
    __slots__ = ("key", "target_name", "cfg")

    def __init__(self, key: str, target_name: str | None, cfg: CfgExpr | None):
        self.key = key  # the raw [target.<key>] key
        self.target_name = target_name  # for target-name keys
        self.cfg = cfg  # for cfg(...) keys

    @property
    def is_cfg(self) -> bool:
        return self.cfg is not None


# --------------------------------------------------------------------------
# Target names


def _rust_is_alphanumeric(ch: str) -> bool:
    # Rust's char::is_alphanumeric (Alphabetic || Numeric) from rustc's own
    # Unicode tables; Python's str.isalnum differs (Unicode version, and
    # Other_Alphabetic marks).
    if ch.isascii():
        return ch.isalnum()
    cp = ord(ch)
    i = bisect.bisect_right(_ALNUM_STARTS, cp) - 1
    return i >= 0 and cp < _data.RUST_ALNUM_RANGES[i][1]


_ALNUM_STARTS = [r[0] for r in _data.RUST_ALNUM_RANGES]


def _check_target_name(key: str) -> None:
    # Platform::validate_named_platform: the first bad character is reported,
    # unless the name contains `(` anywhere, which gets the cfg( hint.
    for i, ch in enumerate(key):
        if ch in "_-." or _rust_is_alphanumeric(ch):
            continue
        paren = key.find("(")
        if paren >= 0:
            raise PlatformError(
                "invalid target specifier: unexpected `(` character, "
                "cfg expressions must start with `cfg(`",
                key, paren, paren + 1, "InvalidTarget",
            )
        raise PlatformError(
            f"invalid target specifier: unexpected character {ch} in target name",
            key, i, i + 1, "InvalidTarget",
        )


# --------------------------------------------------------------------------
# Tokenizer (cargo-platform's Tokenizer, with positions)

# Token kinds
_LP, _RP, _COMMA, _EQ, _IDENT, _STR = "(", ")", ",", "=", "ident", "str"
_CLASSIFY = {
    _LP: "`(`",
    _RP: "`)`",
    _IDENT: "an identifier",
    _COMMA: "`,`",
    _EQ: "`=`",
    _STR: "a string",
}
_PUNCT = {"(": _LP, ")": _RP, ",": _COMMA, "=": _EQ}
# cargo-platform's KEYWORDS: bare `true`/`false` are literals.
_KEYWORDS = ("true", "false")


class _Tok:
    # Plain slotted class: tokens are created per character run, and frozen
    # dataclasses are several times slower to construct.
    __slots__ = ("kind", "start", "end", "text", "raw")

    def __init__(self, kind: str, start: int, end: int, text: str = "", raw: bool = False):
        self.kind = kind
        self.start = start  # offsets into the inner text
        self.end = end
        self.text = text  # identifier name (without r#) or string contents
        self.raw = raw


class _LexErr:
    """A tokenizer error; kept as a value because cargo only reports it when
    the parser *consumes* the bad token (a failed peek is just "no match")."""

    __slots__ = ("kind", "variant", "start", "end")

    def __init__(self, kind: str, variant: str, start: int, end: int):
        self.kind = kind
        self.variant = variant
        self.start = start
        self.end = end


def _is_ident_start(ch: str) -> bool:
    return ch == "_" or ("a" <= ch <= "z") or ("A" <= ch <= "Z")


# ASCII only, like cargo-platform (no \w: that would match Unicode letters).
_IDENT_REST = re.compile(r"[A-Za-z0-9_]*")
_SPACES = re.compile(r" *")


def _unexpected_char(ch: str, i: int) -> _LexErr:
    return _LexErr(
        f"unexpected character `{ch}` in cfg, expected parens, a comma, "
        "an identifier, or a string",
        "UnexpectedChar", i, i + 1,
    )


def _lex(s: str, i: int) -> tuple[_Tok | _LexErr | None, int]:
    """Next token at ``i``: (token | error | None at end, position after it)."""
    n = len(s)
    i = _SPACES.match(s, i).end()  # only the space character is skipped
    if i >= n:
        return None, i
    ch = s[i]
    kind = _PUNCT.get(ch)
    if kind is not None:
        return _Tok(kind, i, i + 1), i + 1
    if ch == '"':
        # No escapes: the next `"` ends the string.
        j = s.find('"', i + 1)
        if j < 0:
            return _LexErr("unterminated string in cfg", "UnterminatedString", i, n), n
        return _Tok(_STR, i, j + 1, s[i + 1 : j]), j + 1
    if _is_ident_start(ch):
        start, raw = i, False
        j = i + 1
        if ch == "r" and j < n and s[j] == "#":
            if j + 1 >= n:
                return _LexErr(
                    "expected identifier, but cfg expression ended",
                    "IncompleteExpr", i, n,
                ), n
            if not _is_ident_start(s[j + 1]):
                return _unexpected_char(s[j + 1], j + 1), j + 2
            start, raw = j + 1, True
            j += 2
        j = _IDENT_REST.match(s, j).end()
        return _Tok(_IDENT, i, j, s[start:j], raw), j
    return _unexpected_char(ch, i), i + 1


# --------------------------------------------------------------------------
# Parser


class _Parser:
    def __init__(self, inner: str, offset: int, key_len: int) -> None:
        self.s = inner
        self.off = offset  # where `inner` starts in the key
        self.key_len = key_len
        self.pos = 0
        self._peeked_at = -1
        self._peeked: tuple[_Tok | _LexErr | None, int] = (None, 0)
        self.max_depth = 0

    # -- token stream -------------------------------------------------------

    def peek(self) -> _Tok | _LexErr | None:
        if self._peeked_at != self.pos:  # cache: peeks never rescan (linear time)
            self._peeked = _lex(self.s, self.pos)
            self._peeked_at = self.pos
        return self._peeked[0]

    def next(self) -> _Tok | _LexErr | None:
        tok = self.peek()
        self.pos = self._peeked[1]
        return tok

    def try_(self, kind: str) -> _Tok | None:
        tok = self.peek()
        if isinstance(tok, _Tok) and tok.kind == kind:
            self.next()
            return tok
        return None

    def eat(self, kind: str) -> _Tok:
        tok = self.next()
        if isinstance(tok, _Tok):
            if tok.kind == kind:
                return tok
            raise self.unexpected(_CLASSIFY[kind], tok)
        if isinstance(tok, _LexErr):
            raise self.lex_error(tok)
        raise self.incomplete(_CLASSIFY[kind])

    # -- errors -------------------------------------------------------------

    def error(self, kind: str, start: int, end: int, variant: str) -> PlatformError:
        return PlatformError(kind, self.s, self.off + start, self.off + end, variant)

    def lex_error(self, e: _LexErr) -> PlatformError:
        return self.error(e.kind, e.start, e.end, e.variant)

    def unexpected(self, expected: str, tok: _Tok) -> PlatformError:
        return self.error(
            f"expected {expected}, found {_CLASSIFY[tok.kind]}",
            tok.start, tok.end, "UnexpectedToken",
        )

    def incomplete(self, expected: str) -> PlatformError:
        # Points at the closing `)` of `cfg(...)`: where more input was wanted.
        n = len(self.s)
        end = min(self.off + n + 1, self.key_len)
        return PlatformError(
            f"expected {expected}, but cfg expression ended",
            self.s, self.off + n, end, "IncompleteExpr",
        )

    def span(self, start: int, end: int) -> Span:
        return (self.off + start, self.off + end)

    # -- grammar ------------------------------------------------------------

    def cfg(self) -> CfgExpr:
        """Parser::cfg, plus the true/false mapping that Parser::expr does."""
        tok = self.next()
        if isinstance(tok, _LexErr):
            raise self.lex_error(tok)
        if tok is None:
            raise self.incomplete("identifier")
        if tok.kind != _IDENT:
            raise self.unexpected("identifier", tok)
        if self.try_(_EQ) is not None:
            val = self.next()
            if isinstance(val, _LexErr):
                raise self.lex_error(val)
            if val is None:
                raise self.incomplete("a string")
            if val.kind != _STR:
                raise self.unexpected("a string", val)
            return KeyPair(tok.text, val.text, tok.raw, self.span(tok.start, val.end))
        # cargo compares the name only, so `r#true` is the literal too.
        if tok.text in _KEYWORDS:
            return Bool(tok.text == "true", self.span(tok.start, tok.end), tok.raw)
        return Name(tok.text, tok.raw, self.span(tok.start, tok.end))

    def expr(self) -> CfgExpr:
        """Parser::expr, iteratively.  Frames: [op, start, items]."""
        stack: list[list] = []
        while True:
            # ---- start of an expression
            tok = self.peek()
            result: CfgExpr | None = None
            if isinstance(tok, _Tok) and tok.kind == _IDENT and not tok.raw and tok.text in (
                "all", "any", "not"
            ):
                # Only the non-raw identifiers are operators: `r#all(...)` is a
                # name followed by unexpected content.
                self.next()
                self.eat(_LP)
                stack.append([tok.text, tok.start, []])
                if len(stack) > self.max_depth:
                    self.max_depth = len(stack)
                if tok.text == "not":
                    continue
                rp = self.try_(_RP)
                if rp is None:
                    continue
                result = self._close(stack.pop(), rp)
            elif isinstance(tok, _Tok):
                result = self.cfg()
            elif isinstance(tok, _LexErr):
                self.next()
                raise self.lex_error(tok)
            else:
                raise self.incomplete("start of a cfg expression")

            # ---- an expression is complete: feed it to the enclosing frames
            while stack:
                frame = stack[-1]
                if frame[0] == "not":
                    rp = self.eat(_RP)
                    stack.pop()
                    result = Not(result, self.span(frame[1], rp.end))
                    continue
                frame[2].append(result)
                # `while !try(')') { push(expr); if !try(',') { eat(')'); break } }`
                if self.try_(_COMMA) is not None:
                    rp = self.try_(_RP)
                    if rp is None:
                        break  # parse the next list item
                else:
                    rp = self.eat(_RP)
                result = self._close(stack.pop(), rp)
            else:
                return result

    def _close(self, frame: list, rp: _Tok) -> CfgExpr:
        cls = All if frame[0] == "all" else Any
        return cls(tuple(frame[2]), self.span(frame[1], rp.end))

    def rest(self) -> int | None:
        """Start of unconsumed non-space input, if any (Parser::rest)."""
        i = _SPACES.match(self.s, self.pos).end()
        return i if i < len(self.s) else None


def _parse_cfg_inner(key: str) -> CfgExpr:
    inner = key[4:-1]
    p = _Parser(inner, 4, len(key))
    expr = p.expr()
    rest = p.rest()
    if rest is not None:
        raise PlatformError(
            f"unexpected content `{inner[rest:]}` found after cfg expression",
            inner, 4 + rest, 4 + len(inner), "UnterminatedExpression",
        )
    if p.max_depth > MAX_NESTING:
        # Checked only after a successful parse, so every key cargo rejects
        # still gets cargo's own error.
        raise PlatformError(
            f"nested more than {MAX_NESTING} levels deep; cargo-lens does not "
            "analyze such keys (cargo itself accepts them)",
            inner, 4, len(key) - 1, "NestingLimit", cargo_error=False,
        )
    return expr


def parse_platform(key: str) -> Platform:
    """cargo-platform's ``Platform::from_str``; raises PlatformError like it."""
    if key.startswith("cfg(") and key.endswith(")") and len(key) >= 5:
        return Platform(key, None, _parse_cfg_inner(key))
    _check_target_name(key)
    return Platform(key, key, None)


# --------------------------------------------------------------------------
# Targets


class TargetCfg(Record):
    """What ``rustc --print cfg --target <triple>`` prints."""

    __slots__ = ("triple", "names", "pairs")

    def __init__(self, triple: str, names: frozenset, pairs: frozenset):
        self.triple = triple
        self.names = names  # bare names: unix, windows, debug_assertions ...
        self.pairs = pairs  # (key, value): ("target_os", "linux"), ("target_feature", "sse2") ...

    def values(self, key: str) -> frozenset:
        return frozenset(v for k, v in self.pairs if k == key)


def parse_print_cfg(triple: str, text: str) -> TargetCfg:
    """Build a TargetCfg from ``rustc --print cfg`` output (unknown lines are skipped)."""
    names: set[str] = set()
    pairs: set[tuple[str, str]] = set()
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        key, eq, value = line.partition("=")
        if not eq:
            if key.isidentifier():
                names.add(key)
        elif len(value) >= 2 and value[0] == value[-1] == '"' and key.isidentifier():
            pairs.add((key, value[1:-1]))
    return TargetCfg(triple, frozenset(names), frozenset(pairs))


BUILTIN_TARGETS: dict[str, TargetCfg] = {
    triple: TargetCfg(triple, frozenset(names), frozenset(pairs))
    for triple, (names, pairs) in _data.TARGET_CFGS.items()
}

# Every built-in target name of the rustc the data came from.
KNOWN_TARGETS: frozenset = frozenset(_data.ALL_TARGETS)

# Well-known key -> every value rustc 1.95 knows for it (its check-cfg list,
# plus anything `--print cfg` prints for some built-in target).
KNOWN_VALUES: dict[str, frozenset] = {
    k: frozenset(v) for k, v in _data.KNOWN_VALUES.items()
}

# Keys that have at most one value for any target: `target_os = "linux"` and
# `target_os = "macos"` can't both hold.  (target_family, target_feature,
# target_has_atomic*, sanitize can have several.)  rustc refuses `--cfg` for
# these builtin names (explicit_builtin_cfgs_in_flags, deny by default), so
# RUSTFLAGS can't add a second value either.
SINGLE_VALUED_KEYS: frozenset = frozenset({
    "target_os", "target_arch", "target_env", "target_vendor", "target_abi",
    "target_pointer_width", "target_endian", "panic", "relocation_model", "fmt_debug",
})

# Bare names some target's `rustc --print cfg` contains.
_PRINTED_NAMES = frozenset(_data.PRINTED_NAMES)
# Names rustc itself knows (its check-cfg list), printed or not.
_WELL_KNOWN_NAMES = frozenset(_data.WELL_KNOWN_NAMES)
# Names cargo warns about (Platform::check_cfg_attributes).
_UNSUPPORTED_NAMES = ("test", "debug_assertions", "proc_macro")


def host_target_cfg(allow_rustc: bool, rustc: str = "rustc") -> TargetCfg | None:
    """The host's cfg from ``rustc -vV`` and ``rustc --print cfg``.

    Runs rustc (no shell, 5 s timeout each) only when ``allow_rustc``; never
    raises.  RUSTFLAGS are not applied (cargo would add them).
    """
    if not allow_rustc:
        return None
    import subprocess

    try:
        def run(*args: str) -> str | None:
            r = subprocess.run(
                [rustc, *args], stdin=subprocess.DEVNULL, capture_output=True,
                text=True, timeout=5, check=False,
            )
            return r.stdout if r.returncode == 0 else None

        version = run("-vV")
        if version is None:
            return None
        triple = None
        for line in version.splitlines():
            if line.startswith("host:"):
                triple = line[5:].strip()
        if not triple:
            return None
        out = run("--print", "cfg")
        if out is None:
            return None
        cfg = parse_print_cfg(triple, out)
        return cfg if cfg.pairs else None
    except Exception:  # OSError, TimeoutExpired, decoding errors ...: no host info
        return None


# --------------------------------------------------------------------------
# Evaluation


def evaluate(expr: CfgExpr, cfg_set: TargetCfg) -> bool:
    """CfgExpr::matches against one target's cfg set."""
    if isinstance(expr, Name):
        return expr.name in cfg_set.names
    if isinstance(expr, KeyPair):
        return (expr.key, expr.value) in cfg_set.pairs
    if isinstance(expr, Bool):
        return expr.value
    if isinstance(expr, Not):
        return not evaluate(expr.expr, cfg_set)
    if isinstance(expr, All):
        return all(evaluate(e, cfg_set) for e in expr.items)
    if isinstance(expr, Any):
        return any(evaluate(e, cfg_set) for e in expr.items)
    raise TypeError(f"not a cfg expression: {expr!r}")


def platform_matches(platform: Platform, target: TargetCfg) -> bool:
    """Platform::matches: a name must equal the target triple; a cfg must hold."""
    if platform.cfg is not None:
        return evaluate(platform.cfg, target)
    return platform.target_name == target.triple


def matching_targets(expr: CfgExpr, targets: dict | None = None) -> list[str]:
    """Triples (of ``BUILTIN_TARGETS`` by default) for which ``expr`` holds."""
    targets = BUILTIN_TARGETS if targets is None else targets
    return [t for t, c in targets.items() if evaluate(expr, c)]


# --------------------------------------------------------------------------
# Constant detection


_MAX_ATOMS = 16


def _atom(expr: CfgExpr) -> tuple:
    # Identity of an atom: raw-ness is ignored, as in cargo's Ident equality.
    if isinstance(expr, Name):
        return ("name", expr.name)
    return ("pair", expr.key, expr.value)


def _fold(expr: CfgExpr) -> CfgExpr | bool:
    """Fold literal constants (any() false, all() true, true/false) upward."""
    if isinstance(expr, Bool):
        return expr.value
    if isinstance(expr, (Name, KeyPair)):
        return expr
    if isinstance(expr, Not):
        inner = _fold(expr.expr)
        return (not inner) if isinstance(inner, bool) else Not(inner, expr.span)
    is_all = isinstance(expr, All)
    kept = []
    for item in expr.items:
        v = _fold(item)
        if isinstance(v, bool):
            if v != is_all:  # a false in all(), a true in any(): decided
                return v
        else:
            kept.append(v)
    if not kept:
        return is_all
    return type(expr)(tuple(kept), expr.span)


def _collect_atoms(expr: CfgExpr, out: dict) -> None:
    if isinstance(expr, (Name, KeyPair)):
        out.setdefault(_atom(expr), len(out))
    elif isinstance(expr, Not):
        _collect_atoms(expr.expr, out)
    elif isinstance(expr, (All, Any)):
        for e in expr.items:
            _collect_atoms(e, out)


def constant_value(expr: CfgExpr) -> bool | None:
    """True/False when ``expr`` has the same value for every target, else None.

    Atoms are treated as independent variables, except that two values of a
    single-valued key (``target_os = "linux"``, ``target_os = "macos"``) are
    mutually exclusive.  That over-approximates the real targets, so a
    True/False answer is certain; None may be conservative (e.g.
    ``all(unix, not(target_family = "unix"))`` is in fact never true).
    ``test``/``debug_assertions`` are treated as variables here too (they are
    flag-dependent, not target-dependent); see ``describe``.
    """
    folded = _fold(expr)
    if isinstance(folded, bool):
        return folded
    atoms: dict = {}
    _collect_atoms(folded, atoms)
    n = len(atoms)
    if n > _MAX_ATOMS:
        return None
    # Truth tables as bitmasks: bit j of a mask is the value under assignment
    # j, where atom i is true in assignment j iff bit i of j is set.
    size = 1 << n
    full = (1 << size) - 1
    masks = {}
    for a, i in atoms.items():
        period, half = 1 << (i + 1), 1 << i
        unit = ((1 << half) - 1) << half
        reps = size // period
        masks[a] = unit * (((1 << (period * reps)) - 1) // ((1 << period) - 1))

    def table(e: CfgExpr) -> int:
        if isinstance(e, (Name, KeyPair)):
            return masks[_atom(e)]
        if isinstance(e, Not):
            return full ^ table(e.expr)
        if isinstance(e, All):
            m = full
            for x in e.items:
                m &= table(x)
            return m
        m = 0
        for x in e.items:
            m |= table(x)
        return m

    result = table(folded)
    # Assignments where some single-valued key has two values are impossible.
    by_key: dict[str, list[int]] = {}
    for a in atoms:
        if a[0] == "pair" and a[1] in SINGLE_VALUED_KEYS:
            by_key.setdefault(a[1], []).append(masks[a])
    impossible = 0
    for ms in by_key.values():
        for x in range(len(ms)):
            for y in range(x + 1, len(ms)):
                impossible |= ms[x] & ms[y]
    valid = full & ~impossible
    r = result & valid
    if r == valid:
        return True
    if r == 0:
        return False
    return None


# --------------------------------------------------------------------------
# Lints


class CfgLint(Record):
    __slots__ = ("message", "start", "end", "help", "code")

    def __init__(self, message: str, start: int, end: int, help: str | None = None, code: str = ""):
        self.message = message
        self.start = start
        self.end = end
        self.help = help
        # Stable identifier for filtering: "cargo-unsupported-name",
        # "cargo-unsupported-feature", "cargo-keyword", "raw-bool",
        # "unknown-value", "unknown-key", "unknown-name", "name-needs-value",
        # "unknown-target".  The "cargo-*" ones are warnings cargo itself prints.
        self.code = code


_DOCS_PLATFORM = (
    "https://doc.rust-lang.org/cargo/reference/specifying-dependencies.html"
    "#platform-specific-dependencies"
)


def _suggest(word: str, candidates) -> str | None:
    cands = sorted(candidates)
    for c in cands:  # a pure case slip beats any fuzzy match
        if c.lower() == word.lower() and c != word:
            return c
    import difflib  # only when a lint needs a suggestion

    close = difflib.get_close_matches(word, cands, n=1, cutoff=0.6)
    return close[0] if close else None


def _did_you_mean(s: str | None) -> str | None:
    return f"did you mean `{s}`?" if s is not None else None


def _walk(expr: CfgExpr):
    """Pre-order, left to right (so lints come out in key order)."""
    stack = [expr]
    while stack:
        e = stack.pop()
        yield e
        if isinstance(e, Not):
            stack.append(e.expr)
        elif isinstance(e, (All, Any)):
            stack.extend(reversed(e.items))


_EXAMPLE_VALUES = {
    "target_os": "linux", "target_arch": "x86_64", "target_env": "gnu",
    "target_family": "unix", "target_vendor": "apple", "target_pointer_width": "64",
    "target_endian": "little", "panic": "unwind", "target_feature": "sse2",
}


def _not_printed(name: str) -> str:
    return (
        f"`{name}` is not in `rustc --print cfg` for any built-in target, so cargo "
        f"treats it as false when selecting dependencies (unless RUSTFLAGS contains "
        f"`--cfg {name}`)"
    )


def lint(platform: Platform) -> list[CfgLint]:
    """Warnings for a parsed key: cargo's own, plus likely mistakes."""
    out: list[CfgLint] = []
    if platform.cfg is None:
        name = platform.target_name or ""
        if name not in KNOWN_TARGETS:
            if name == "":
                out.append(CfgLint(
                    "an empty target name never matches any target", 0, 0,
                    None, "unknown-target",
                ))
            else:
                out.append(CfgLint(
                    f"`{name}` is not a built-in target of {_data.RUSTC_VERSION.split(' (')[0]}; "
                    "this table is only used when building for a custom target of that name",
                    0, len(platform.key),
                    _did_you_mean(_suggest(name, KNOWN_TARGETS)), "unknown-target",
                ))
        return out

    for e in _walk(platform.cfg):
        if isinstance(e, Bool):
            if e.raw:
                lit = "true" if e.value else "false"
                out.append(CfgLint(
                    f"cargo treats `r#{lit}` as the literal `{lit}`, but rustc treats it "
                    f"as an ordinary cfg name that is never set",
                    e.span[0], e.span[1], f"write `{lit}` if the literal is meant",
                    "raw-bool",
                ))
        elif isinstance(e, Name):
            if e.name in _UNSUPPORTED_NAMES:
                # Platform::check_cfg_attributes, verbatim.
                why = {
                    "test": "`rustc --print cfg` never contains `test`, so this is never true",
                    "proc_macro": "`rustc --print cfg` never contains `proc_macro`, so this is never true",
                    "debug_assertions": "`rustc --print cfg` contains `debug_assertions` "
                    "regardless of the profile, so this is true even for --release",
                }[e.name]
                out.append(CfgLint(
                    f"Found `{e.name}` in `target.'cfg(...)'.dependencies`. "
                    "This value is not supported for selecting dependencies "
                    "and will not work as expected. To learn more visit "
                    f"{_DOCS_PLATFORM}",
                    e.span[0], e.span[1], why, "cargo-unsupported-name",
                ))
            elif e.name in _PRINTED_NAMES:
                pass
            elif e.name in KNOWN_VALUES and e.name not in _WELL_KNOWN_NAMES:
                example = _EXAMPLE_VALUES.get(e.name) or sorted(KNOWN_VALUES[e.name])[-1]
                out.append(CfgLint(
                    f"`{e.name}` is only set with a value, so a bare `{e.name}` is never true",
                    e.span[0], e.span[1],
                    f'compare it with a value, e.g. `{e.name} = "{example}"`',
                    "name-needs-value",
                ))
            else:
                hint = None
                if e.name not in _WELL_KNOWN_NAMES:
                    hint = _did_you_mean(_suggest(e.name, _PRINTED_NAMES | _WELL_KNOWN_NAMES))
                out.append(CfgLint(
                    _not_printed(e.name), e.span[0], e.span[1], hint, "unknown-name",
                ))
        elif isinstance(e, KeyPair):
            ks, ke = e.key_span
            if e.key == "feature":
                # Platform::check_cfg_attributes, verbatim.
                out.append(CfgLint(
                    "Found `feature = ...` in `target.'cfg(...)'.dependencies`. "
                    "This key is not supported for selecting dependencies "
                    "and will not work as expected. "
                    "Use the [features] section instead: "
                    "https://doc.rust-lang.org/cargo/reference/features.html",
                    e.span[0], e.span[1], None, "cargo-unsupported-feature",
                ))
            elif not e.raw_key and e.key in _KEYWORDS:
                # Platform::check_cfg_keywords (cargo's wording, typo included,
                # so it can be searched for).
                out.append(CfgLint(
                    f'future-incompatibility: `cfg({e.key} = "{e.value}")` is deprecated as '
                    f"`{e.key}` is a keyword and not an identifier and should not have "
                    "have been accepted in this position.",
                    ks, ke,
                    f"use raw-idents instead: `cfg(r#{e.key})`; this was previously "
                    "accepted by Cargo but is being phased out; it will become a hard "
                    "error in a future release!",
                    "cargo-keyword",
                ))
            elif e.key in KNOWN_VALUES:
                # target_feature is checked too: the generated list is rustc's
                # check-cfg list, i.e. every feature of every architecture, not
                # just the ones enabled by default, so it has no false alarms
                # for e.g. `target_feature = "avx2"`.
                if e.value not in KNOWN_VALUES[e.key]:
                    out.append(CfgLint(
                        f"unknown value `{e.value}` for `{e.key}`",
                        *e.value_span,
                        _did_you_mean(_suggest(e.value, KNOWN_VALUES[e.key])),
                        "unknown-value",
                    ))
            else:
                if e.key in _PRINTED_NAMES or e.key in _WELL_KNOWN_NAMES:
                    hint = f"`{e.key}` is a bare name: write `{e.key}`"
                else:
                    hint = _did_you_mean(_suggest(e.key, KNOWN_VALUES))
                out.append(CfgLint(
                    f"`{e.key}` is never set with a value in `rustc --print cfg` for a "
                    "built-in target, so cargo treats this as false when selecting "
                    f"dependencies (unless RUSTFLAGS contains `--cfg {e.key}=\"...\"`)",
                    ks, ke, hint, "unknown-key",
                ))
    return out


# --------------------------------------------------------------------------
# Descriptions (hovers)


_MAX_DESCRIBE = 200


def _cond(e: CfgExpr) -> str:
    """Compact source-like text of a sub-expression."""
    if isinstance(e, Name):
        return ("r#" if e.raw else "") + e.name
    if isinstance(e, KeyPair):
        return f'{"r#" if e.raw_key else ""}{e.key} = "{e.value}"'
    if isinstance(e, Bool):
        return ("r#" if e.raw else "") + ("true" if e.value else "false")
    if isinstance(e, Not):
        return f"not({_cond(e.expr)})"
    op = "all" if isinstance(e, All) else "any"
    return f"{op}({', '.join(_cond(x) for x in e.items)})"


def _constant_reason(e: CfgExpr, value: bool) -> str:
    if isinstance(e, Bool):
        lit = "true" if e.value else "false"
        if e.raw:
            return f"cargo reads `r#{lit}` as the literal `{lit}` (rustc would not)"
        return f"`{lit}` is a literal"
    if isinstance(e, Any) and not e.items:
        return "any() with no arguments is false"
    if isinstance(e, All) and not e.items:
        return "all() with no arguments is true"
    if isinstance(e, Not) and constant_value(e.expr) is not None:
        inner = "true" if not value else "false"
        return f"it negates an always-{inner} condition ({_constant_reason(e.expr, not value)})"
    if isinstance(e, (All, Any)):
        # all() is decided by an always-false item, any() by an always-true one.
        decisive = isinstance(e, Any)
        op = "any" if decisive else "all"
        for item in e.items:
            if constant_value(item) is decisive:
                word = "always true" if decisive else "never true"
                return (f"an argument of {op}() is {word}: "
                        f"{_constant_reason(item, decisive)}")
    if value:
        return "the condition holds for every target"
    return "the condition cannot hold for any target"


def _phrase(e: CfgExpr) -> str:
    if isinstance(e, Name):
        if e.name in ("unix", "windows"):
            return f"on {e.name} targets"
        if e.name in ("test", "proc_macro"):
            return (f"when `{e.name}` is set, which never happens when cargo "
                    "selects dependencies")
        if e.name == "debug_assertions":
            return ("when `debug_assertions` is set, which cargo's dependency "
                    "selection always sees (even with --release)")
        if e.name in _PRINTED_NAMES:
            return f"when `{e.name}` is set"
        return f"only when `--cfg {e.name}` is passed to rustc (e.g. via RUSTFLAGS)"
    if isinstance(e, KeyPair):
        if e.key == "feature":
            return (f'when `feature = "{e.value}"` is set, which never happens when cargo '
                    "selects dependencies (use [features] instead)")
        if e.key == "target_family" and e.value:
            return f"on {e.value} targets"
        return f'when {e.key} is "{e.value}"'
    if isinstance(e, Not) and isinstance(e.expr, Name) and e.expr.name in ("unix", "windows"):
        return f"on non-{e.expr.name} targets"
    text = _cond(e)
    if len(text) > _MAX_DESCRIBE:  # hovers stay short for huge keys
        text = text[: _MAX_DESCRIBE - 1] + "…"
    return f"when {text}"


def describe(expr: CfgExpr) -> str:
    """One-line explanation for hovers, e.g. ``"true on unix targets"``."""
    value = constant_value(expr)
    if value is False:
        return f"never true: {_constant_reason(expr, False)}"
    if value is True:
        return f"always true: {_constant_reason(expr, True)}"
    return f"true {_phrase(expr)}"
