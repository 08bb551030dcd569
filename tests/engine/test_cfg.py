"""Tests for cargo_lens.engine.cfg (spec section 7, section 4 last paragraph, 11.8)."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from cargo_lens.engine import cfg_targets
from cargo_lens.engine.cfg import (
    BUILTIN_TARGETS,
    KNOWN_TARGETS,
    KNOWN_VALUES,
    MAX_NESTING,
    SINGLE_VALUED_KEYS,
    All,
    Any,
    Bool,
    CfgLint,
    KeyPair,
    Name,
    Not,
    Platform,
    PlatformError,
    TargetCfg,
    constant_value,
    describe,
    evaluate,
    host_target_cfg,
    lint,
    matching_targets,
    parse_platform,
    parse_print_cfg,
    platform_matches,
)


def err(key: str) -> PlatformError:
    with pytest.raises(PlatformError) as info:
        parse_platform(key)
    return info.value


def cfg_of(key: str):
    p = parse_platform(key)
    assert p.cfg is not None
    return p.cfg


def expected(inner: str, kind: str) -> str:
    return f"failed to parse `{inner}` as a cfg expression: {kind}"


UNEXPECTED_CHAR = "in cfg, expected parens, a comma, an identifier, or a string"

# ---------------------------------------------------------------------------
# The spec's error table, verbatim: key -> (kind, (start, end) into the key)

SPEC_ERRORS = [
    ("cfg(unix, windows)", "unexpected content `, windows` found after cfg expression", (8, 17)),
    ("cfg(foo-bar)", "unexpected content `-bar` found after cfg expression", (7, 11)),
    ('cfg(a = "b" = "c")', 'unexpected content `= "c"` found after cfg expression', (12, 17)),
    ("cfg()", "expected start of a cfg expression, but cfg expression ended", (4, 5)),
    ("cfg(target_os = linux)", "expected a string, found an identifier", (16, 21)),
    ('cfg(target_os = "linux)', "unterminated string in cfg", (16, 22)),
    ("cfg(not(unix, windows))", "expected `)`, found `,`", (12, 13)),
    ("cfg(any(unix windows))", "expected `)`, found an identifier", (13, 20)),
    ("cfg(all(unix)", "expected `)`, but cfg expression ended", (12, 13)),
    ("cfg(not())", "expected identifier, found `)`", (8, 9)),
    ("cfg(all(,))", "expected identifier, found `,`", (8, 9)),
    ("cfg(r#)", "expected identifier, but cfg expression ended", (4, 6)),
    ("cfg(é)", f"unexpected character `é` {UNEXPECTED_CHAR}", (4, 5)),
    ("cfg(\tunix)", f"unexpected character `\t` {UNEXPECTED_CHAR}", (4, 5)),
]


@pytest.mark.parametrize("key,kind,span", SPEC_ERRORS, ids=[k for k, _, _ in SPEC_ERRORS])
def test_spec_error_table(key, kind, span):
    e = err(key)
    assert e.message() == expected(key[4:-1], kind)
    assert str(e) == e.message()
    assert (e.kind, e.subject) == (kind, key[4:-1])
    assert (e.start, e.end) == span
    assert e.cargo_error


PAREN_KIND = "invalid target specifier: unexpected `(` character, cfg expressions must start with `cfg(`"

TARGET_NAME_ERRORS = [
    # spec table row: the character is printed bare (here a space)
    ("x86_64 linux", "invalid target specifier: unexpected character   in target name", (6, 7)),
    # spec: `(` anywhere in a non-cfg key gets the cfg( hint
    ("CFG(unix)", PAREN_KIND, (3, 4)),
    ("cfg (unix)", PAREN_KIND, (4, 5)),
    (" cfg(unix)", PAREN_KIND, (4, 5)),
    ("cfg(unix", PAREN_KIND, (3, 4)),
    ("cfg(", PAREN_KIND, (3, 4)),
    # the `(` hint wins over an earlier bad character (validate_named_platform)
    ("a+(b", PAREN_KIND, (2, 3)),
    ("a+b", "invalid target specifier: unexpected character + in target name", (1, 2)),
    ("cfg)", "invalid target specifier: unexpected character ) in target name", (3, 4)),
    # a zero width joiner is not alphanumeric
    ("a\u200db", "invalid target specifier: unexpected character \u200d in target name", (1, 2)),
]


@pytest.mark.parametrize("key,kind,span", TARGET_NAME_ERRORS, ids=repr)
def test_target_name_errors(key, kind, span):
    e = err(key)
    # for target names cargo quotes the whole key
    assert e.message() == expected(key, kind)
    assert (e.start, e.end) == span


# Edge cases read off cargo-platform's source, each confirmed against cargo 1.95
# (see also test_against_cargo).
SOURCE_EDGE_ERRORS = [
    ("cfg(r#all(unix))", "unexpected content `(unix)` found after cfg expression"),
    ("cfg(all)", "expected `(`, but cfg expression ended"),
    ("cfg(all unix)", "expected `(`, found an identifier"),
    ("cfg(a = )", "expected a string, but cfg expression ended"),
    ('cfg("x")', "expected identifier, found a string"),
    ("cfg(=)", "expected identifier, found `=`"),
    ("cfg(unix,)", "unexpected content `,` found after cfg expression"),
    ("cfg(r#r#x)", "unexpected content `#x` found after cfg expression"),
    ("cfg(r#1)", f"unexpected character `1` {UNEXPECTED_CHAR}"),
    ("cfg(r# x)", f"unexpected character ` ` {UNEXPECTED_CHAR}"),
    # a bad character after a complete top-level expression is "content" ...
    ("cfg(unix é)", "unexpected content `é` found after cfg expression"),
    ('cfg(unix "x)', 'unexpected content `"x` found after cfg expression'),
    # ... but inside a list the tokenizer error surfaces when `)` is eaten
    ("cfg(all(unix é))", f"unexpected character `é` {UNEXPECTED_CHAR}"),
    ('cfg(all(unix "x))', "unterminated string in cfg"),
    ("cfg(a = é)", f"unexpected character `é` {UNEXPECTED_CHAR}"),
    ("cfg(not(unix)", "expected `)`, but cfg expression ended"),
    ("cfg(not(a b))", "expected `)`, found an identifier"),
    ("cfg(any(a,,))", "expected identifier, found `,`"),
    ("cfg(any(a b)", "expected `)`, found an identifier"),
    ("cfg(not)", "expected `(`, but cfg expression ended"),
    ("cfg(not(", "<target>"),  # no closing paren: a target name
    ("cfg(Not(unix))", "unexpected content `(unix)` found after cfg expression"),
    ("cfg(all(r#))", f"unexpected character `)` {UNEXPECTED_CHAR}"),
    ("cfg(all(r#", "<target>"),
]


@pytest.mark.parametrize("key,kind", SOURCE_EDGE_ERRORS, ids=[k for k, _ in SOURCE_EDGE_ERRORS])
def test_source_edge_errors(key, kind):
    e = err(key)
    if kind == "<target>":
        assert e.message() == expected(key, PAREN_KIND)
    else:
        assert e.message() == expected(key[4:-1], kind)
    assert 0 <= e.start <= e.end <= len(key)


# ---------------------------------------------------------------------------
# Accepted keys

SPEC_ACCEPTED = [
    "cfg(any())", "cfg(all())", "cfg(not(any()))", "cfg(true)", "cfg(false)",
    "cfg(any(unix,))", "cfg(any( unix , windows ))", "cfg(unix )", "cfg(r#true)",
    "cfg(r#foo)", "cfg(_)", 'cfg(target_os="linux")', 'cfg(target_os = "")',
    "cfg(any(any(any())))", "", "cfg(test)", 'cfg(feature = "x")', "é86",
    'cfg(true = "x")',
]

MORE_ACCEPTED = [
    "x86_64-unknown-linux-gnu", "thumbv7em-none-eabihf", "my.custom_target-1",
    "cfg(  unix  )", "cfg(all(unix,windows,))", 'cfg(a="b c")', 'cfg(a = "(")',
    'cfg(a = ")")', "cfg(r#all)", "cfg(r#not)", "cfg(r)", "cfg(r_)",
    "cfg(all(not(unix), any(target_os = \"linux\", r#true)))",
    # Unicode alphanumerics per Rust's char::is_alphanumeric (not Python's
    # isalnum): U+0345 is Other_Alphabetic, U+1E030 is newer than Python 3.11's
    # Unicode tables; cargo 1.95 accepts both.
    "\u0345", "\U0001e030x", "\u0903", "Ⅻ", "①", "٣",
]


@pytest.mark.parametrize("key", SPEC_ACCEPTED + MORE_ACCEPTED, ids=repr)
def test_accepted(key):
    p = parse_platform(key)
    assert p.key == key
    if key.startswith("cfg(") and key.endswith(")"):
        assert p.cfg is not None and p.target_name is None
    else:
        assert p.cfg is None and p.target_name == key


def test_ast_shapes_and_spans():
    key = 'cfg(all(not(unix), any(r#target_os = "linux", r#true), false))'
    e = cfg_of(key)
    assert isinstance(e, All)
    assert key[e.span[0]:e.span[1]] == key[4:-1]
    n, a, f = e.items
    assert isinstance(n, Not) and key[slice(*n.span)] == "not(unix)"
    assert n.expr == Name("unix", False, (12, 16))
    assert isinstance(a, Any) and key[slice(*a.span)] == 'any(r#target_os = "linux", r#true)'
    kp, t = a.items
    assert kp == KeyPair("target_os", "linux", True, kp.span)
    assert key[slice(*kp.span)] == 'r#target_os = "linux"'
    assert key[slice(*kp.key_span)] == "r#target_os"
    assert key[slice(*kp.value_span)] == '"linux"'
    assert t == Bool(True, t.span, raw=True) and key[slice(*t.span)] == "r#true"
    assert f == Bool(False, f.span) and key[slice(*f.span)] == "false"


def test_literals_and_raw_idents():
    assert cfg_of("cfg(true)") == Bool(True, (4, 8))
    assert cfg_of("cfg(false)").value is False
    # cargo: the literal check compares the name only (spec 7 / 11.8)
    assert cfg_of("cfg(r#true)") == Bool(True, (4, 10), raw=True)
    assert cfg_of("cfg(r#false)").value is False
    assert cfg_of("cfg(r#foo)") == Name("foo", True, (4, 9))
    assert cfg_of("cfg(r#all)") == Name("all", True, (4, 9))
    # a keyword as key stays a KeyPair (future-incompatibility warning only)
    assert cfg_of('cfg(true = "x")') == KeyPair("true", "x", False, (4, 14))
    assert cfg_of("cfg(all())") == All((), (4, 9))
    assert cfg_of("cfg(any())") == Any((), (4, 9))
    assert cfg_of('cfg(a = "")') == KeyPair("a", "", False, (4, 10))


def test_platform_fields():
    assert parse_platform("x86_64-pc-windows-msvc") == Platform(
        "x86_64-pc-windows-msvc", "x86_64-pc-windows-msvc", None
    )
    assert parse_platform("") == Platform("", "", None)


# ---------------------------------------------------------------------------
# Robustness

FUZZ_ALPHABET = list('abnotyl r#_1(),="\t-.é') + ["all", "any", "not", "r#", "cfg(", "true"]


def test_fuzz_never_crashes():
    rnd = random.Random(20240501)
    for _ in range(20000):
        body = "".join(rnd.choice(FUZZ_ALPHABET) for _ in range(rnd.randint(0, 20)))
        key = "cfg(" + body + ")" if rnd.random() < 0.8 else body
        try:
            p = parse_platform(key)
        except PlatformError as e:
            assert e.message().startswith("failed to parse `")
            assert 0 <= e.start <= e.end <= len(key), key
            continue
        # whatever parses can be analysed
        lint(p)
        if p.cfg is not None:
            constant_value(p.cfg)
            describe(p.cfg)
            for t in BUILTIN_TARGETS.values():
                evaluate(p.cfg, t)


def test_fuzz_arbitrary_unicode():
    rnd = random.Random(7)
    for _ in range(3000):
        s = "".join(chr(rnd.choice([rnd.randrange(32, 127), rnd.randrange(0x80, 0x3000),
                                    rnd.randrange(0x10000, 0x110000)]))
                    for _ in range(rnd.randint(0, 10)))
        for key in (s, "cfg(" + s + ")"):
            try:
                parse_platform(key)
            except PlatformError:
                pass


def test_deep_nesting_is_refused_not_crashing():
    depth = 5000
    key = "cfg(" + "not(" * depth + "unix" + ")" * depth + ")"
    e = err(key)  # cargo accepts this; we refuse without RecursionError
    assert e.cargo_error is False and e.variant == "NestingLimit"
    assert (e.start, e.end) == (4, len(key) - 1)


def test_deep_nesting_with_syntax_error_reports_cargos_error():
    depth = 30_000  # cargo overflows its stack somewhere below 100 000
    e = err("cfg(" + "all(" * depth + ")")
    assert e.kind == "expected start of a cfg expression, but cfg expression ended"
    assert e.cargo_error
    e = err("cfg(" + "any(" * depth + "unix" + ")" * (depth - 1) + ")")
    assert e.kind == "expected `)`, but cfg expression ended"


def test_nesting_at_the_limit_is_fully_usable():
    key = "cfg(" + "not(" * MAX_NESTING + "unix" + ")" * MAX_NESTING + ")"
    p = parse_platform(key)
    linux = BUILTIN_TARGETS["x86_64-unknown-linux-gnu"]
    assert evaluate(p.cfg, linux) is (MAX_NESTING % 2 == 0)
    assert constant_value(p.cfg) is None
    describe(p.cfg)
    lint(p)
    hash(p), repr(p)
    assert p == parse_platform(key)
    deeper = "cfg(" + "all(" * (MAX_NESTING + 1) + ")" * (MAX_NESTING + 1) + ")"
    assert err(deeper).variant == "NestingLimit"


def test_parsing_is_linear():
    big = [
        "cfg(any(" + "unix," * 100_000 + "))",
        "cfg(" + " " * 500_000 + "unix)",
        'cfg(any(a = "' + "x" * 500_000 + '"))',
        'cfg(all(a, "' + "x" * 500_000 + ")",  # unterminated string
        "cfg(unix" + "," * 500_000 + ")",
    ]
    t0 = time.perf_counter()
    for key in big:
        try:
            parse_platform(key)
        except PlatformError:
            pass
    # Quadratic behaviour on inputs this size would take minutes; the bound is
    # generous so a loaded machine doesn't flake.
    assert time.perf_counter() - t0 < 20.0


# ---------------------------------------------------------------------------
# Evaluation

LINUX = BUILTIN_TARGETS["x86_64-unknown-linux-gnu"]
MSVC = BUILTIN_TARGETS["x86_64-pc-windows-msvc"]
MAC = BUILTIN_TARGETS["aarch64-apple-darwin"]
WASM = BUILTIN_TARGETS["wasm32-unknown-unknown"]


@pytest.mark.parametrize(
    "key,linux,msvc,mac,wasm",
    [
        ("cfg(unix)", True, False, True, False),
        ("cfg(r#unix)", True, False, True, False),  # idents compare by name
        ("cfg(windows)", False, True, False, False),
        ('cfg(target_os = "linux")', True, False, False, False),
        ('cfg(target_family = "wasm")', False, False, False, True),
        ('cfg(target_feature = "sse2")', True, True, False, False),
        ('cfg(target_pointer_width = "64")', True, True, True, False),
        ('cfg(any(target_os = "macos", target_env = "msvc"))', False, True, True, False),
        ("cfg(not(unix))", False, True, False, True),
        ("cfg(all())", True, True, True, True),
        ("cfg(any())", False, False, False, False),
        ("cfg(true)", True, True, True, True),
        ("cfg(r#true)", True, True, True, True),
        ("cfg(false)", False, False, False, False),
        # section 4: rustc --print cfg has debug_assertions, never test/proc_macro
        ("cfg(debug_assertions)", True, True, True, True),
        ("cfg(test)", False, False, False, False),
        ("cfg(proc_macro)", False, False, False, False),
        ('cfg(feature = "std")', False, False, False, False),
        ('cfg(true = "x")', False, False, False, False),
    ],
)
def test_evaluate(key, linux, msvc, mac, wasm):
    e = cfg_of(key)
    assert [evaluate(e, t) for t in (LINUX, MSVC, MAC, WASM)] == [linux, msvc, mac, wasm]
    p = parse_platform(key)
    assert platform_matches(p, LINUX) is linux


def test_platform_matches_target_name():
    p = parse_platform("x86_64-pc-windows-msvc")
    assert platform_matches(p, MSVC)
    assert not platform_matches(p, LINUX)
    assert not platform_matches(parse_platform(""), LINUX)


def test_matching_targets():
    assert "x86_64-pc-windows-msvc" in matching_targets(cfg_of("cfg(windows)"))
    assert matching_targets(cfg_of("cfg(any())")) == []
    assert matching_targets(cfg_of("cfg(unix)"), {"l": LINUX, "w": MSVC}) == ["l"]


# ---------------------------------------------------------------------------
# Constant detection


@pytest.mark.parametrize(
    "key,value",
    [
        ("cfg(any())", False),
        ("cfg(all())", True),
        ("cfg(not(any()))", True),
        ("cfg(true)", True),
        ("cfg(false)", False),
        ("cfg(r#true)", True),
        ("cfg(r#false)", False),
        ("cfg(all(unix, not(unix)))", False),
        ("cfg(any(unix, not(unix)))", True),
        ("cfg(all(unix, not(r#unix)))", False),  # same atom
        ("cfg(any(any(any())))", False),
        ("cfg(all(unix, any()))", False),
        ("cfg(any(unix, all()))", True),
        ('cfg(all(target_os = "linux", target_os = "macos"))', False),
        ('cfg(all(panic = "abort", panic = "unwind"))', False),
        ('cfg(not(all(target_arch = "x86", target_arch = "arm")))', True),
        # multi-valued keys: both can hold
        ('cfg(all(target_feature = "sse", target_feature = "avx"))', None),
        ('cfg(all(target_family = "unix", target_family = "wasm"))', None),
        ('cfg(all(target_has_atomic = "64", target_has_atomic = "ptr"))', None),
        # a single-valued key may have a value outside any list: not exhaustive
        ('cfg(any(target_endian = "little", target_endian = "big"))', None),
        ("cfg(unix)", None),
        ("cfg(test)", None),
        ('cfg(true = "x")', None),
        ("cfg(any(unix, windows))", None),
        ("cfg(all(a, b, not(all(a, b))))", False),
        ("cfg(any(not(a), b, not(b)))", True),
    ],
)
def test_constant_value(key, value):
    assert constant_value(cfg_of(key)) is value


def test_constant_value_atom_cap():
    names = [f"a{i}" for i in range(20)]
    many = "cfg(all(" + ", ".join(names) + ", not(a0)))"
    assert constant_value(cfg_of(many)) is None  # 20 atoms: beyond the cap, conservative
    # literal folding still decides it regardless of the cap
    folded = "cfg(all(" + ", ".join(names) + ", any()))"
    assert constant_value(cfg_of(folded)) is False
    sixteen = "cfg(any(" + ", ".join(names[:15]) + ", not(a0)))"
    assert constant_value(cfg_of(sixteen)) is True


def test_constant_value_agrees_with_brute_force_over_targets():
    # Whatever constant_value claims must hold on every built-in target.
    rnd = random.Random(3)
    atoms = ["unix", "windows", 'target_os = "linux"', 'target_os = "macos"',
             'target_feature = "sse2"', "debug_assertions", "true", "false"]

    def gen(d=0):
        r = rnd.random()
        if d < 3 and r < 0.5:
            op = rnd.choice(["all", "any", "not"])
            n = 1 if op == "not" else rnd.randint(0, 3)
            return f"{op}({', '.join(gen(d + 1) for _ in range(n))})"
        return rnd.choice(atoms)

    for _ in range(500):
        e = cfg_of(f"cfg({gen()})")
        v = constant_value(e)
        if v is not None:
            assert all(evaluate(e, t) is v for t in BUILTIN_TARGETS.values())


# ---------------------------------------------------------------------------
# describe


@pytest.mark.parametrize(
    "key,text",
    [
        ("cfg(any())", "never true: any() with no arguments is false"),
        ("cfg(all())", "always true: all() with no arguments is true"),
        ("cfg(unix)", "true on unix targets"),
        ("cfg(not(windows))", "true on non-windows targets"),
        ('cfg(target_family = "wasm")', "true on wasm targets"),
        ('cfg(target_os = "linux")', 'true when target_os is "linux"'),
        ("cfg(false)", "never true: `false` is a literal"),
        ("cfg(r#true)", "always true: cargo reads `r#true` as the literal `true` (rustc would not)"),
        ("cfg(all(unix, any()))",
         "never true: an argument of all() is never true: any() with no arguments is false"),
        ("cfg(not(all()))",
         "never true: it negates an always-true condition (all() with no arguments is true)"),
        ("cfg(all(unix, not(unix)))", "never true: the condition cannot hold for any target"),
        ("cfg(any(unix, windows))", "true when any(unix, windows)"),
    ],
)
def test_describe(key, text):
    assert describe(cfg_of(key)) == text


def test_describe_is_short_for_huge_keys():
    key = "cfg(any(" + ", ".join(f"name{i}" for i in range(1000)) + "))"
    assert len(describe(cfg_of(key))) < 300


def test_describe_mentions_dependency_selection_quirks():
    assert "never" in describe(cfg_of("cfg(test)"))
    assert "--release" in describe(cfg_of("cfg(debug_assertions)"))
    assert "--cfg foo" in describe(cfg_of("cfg(foo)"))


# ---------------------------------------------------------------------------
# lint

CARGO_UNSUPPORTED = (
    "Found `{}` in `target.'cfg(...)'.dependencies`. This value is not supported for "
    "selecting dependencies and will not work as expected. To learn more visit "
    "https://doc.rust-lang.org/cargo/reference/specifying-dependencies.html"
    "#platform-specific-dependencies"
)
CARGO_FEATURE = (
    "Found `feature = ...` in `target.'cfg(...)'.dependencies`. This key is not supported "
    "for selecting dependencies and will not work as expected. Use the [features] section "
    "instead: https://doc.rust-lang.org/cargo/reference/features.html"
)


def only(key: str) -> CfgLint:
    lints = lint(parse_platform(key))
    assert len(lints) == 1, lints
    return lints[0]


@pytest.mark.parametrize("name", ["test", "debug_assertions", "proc_macro"])
def test_lint_cargo_unsupported_names(name):
    key = f"cfg(any(unix, {name}))"
    w = only(key)
    assert w.message == CARGO_UNSUPPORTED.format(name)
    assert key[w.start:w.end] == name
    assert w.code == "cargo-unsupported-name" and w.help


def test_lint_cargo_feature():
    key = 'cfg(not(feature = "std"))'
    w = only(key)
    assert w.message == CARGO_FEATURE
    assert key[w.start:w.end] == 'feature = "std"'


def test_lint_keyword_as_key():
    key = 'cfg(true = "x")'
    w = only(key)
    assert w.code == "cargo-keyword"
    assert "`cfg(true = \"x\")` is deprecated as `true` is a keyword" in w.message
    assert "`cfg(r#true)`" in w.help
    assert key[w.start:w.end] == "true"
    # raw key: no keyword warning (but it is an unknown key)
    assert only('cfg(r#true = "x")').code == "unknown-key"


def test_lint_raw_bool():
    w = only("cfg(r#true)")
    assert w.code == "raw-bool" and (w.start, w.end) == (4, 10)
    assert lint(parse_platform("cfg(true)")) == []


@pytest.mark.parametrize(
    "key,value,suggestion",
    [
        ('cfg(target_os = "linx")', "linx", "linux"),
        ('cfg(target_os = "Linux")', "Linux", "linux"),
        ('cfg(target_arch = "x86-64")', "x86-64", "x86_64"),
        ('cfg(target_family = "unx")', "unx", "unix"),
        ('cfg(target_pointer_width = "63")', "63", None),
        ('cfg(target_feature = "avx3")', "avx3", "avx"),
        ('cfg(target_env = "msvcc")', "msvcc", "msvc"),
        ('cfg(panic = "abrt")', "abrt", "abort"),
    ],
)
def test_lint_unknown_value(key, value, suggestion):
    w = only(key)
    assert w.code == "unknown-value"
    assert w.message.startswith(f"unknown value `{value}` for `")
    assert key[w.start:w.end] == f'"{value}"'
    if suggestion is None:
        assert w.help is None or "did you mean" in w.help
    else:
        assert w.help == f"did you mean `{suggestion}`?"


@pytest.mark.parametrize(
    "key",
    [
        'cfg(target_os = "linux")', 'cfg(target_feature = "avx2")',  # not default, still known
        'cfg(target_feature = "crt-static")', 'cfg(target_has_atomic = "ptr")',
        'cfg(target_abi = "")', 'cfg(target_env = "")', "cfg(unix)", "cfg(windows)",
        "cfg(all(unix, not(windows)))", 'cfg(target_vendor = "apple")', "cfg(any())",
        "x86_64-unknown-linux-gnu", "thumbv7em-none-eabihf",
    ],
)
def test_lint_clean(key):
    assert lint(parse_platform(key)) == []


def test_lint_unknown_name():
    key = "cfg(all(uinx, foo))"
    first, second = lint(parse_platform(key))
    assert first.code == second.code == "unknown-name"
    assert key[first.start:first.end] == "uinx" and first.help == "did you mean `unix`?"
    assert key[second.start:second.end] == "foo"
    assert "--cfg foo" in second.message
    # well-known to rustc but not in --print cfg: same warning, no suggestion
    w = only("cfg(miri)")
    assert w.code == "unknown-name" and w.help is None


def test_lint_bare_key_and_keyed_name():
    w = only("cfg(target_os)")
    assert w.code == "name-needs-value" and 'target_os = "linux"' in w.help
    w = only('cfg(unix = "yes")')
    assert w.code == "unknown-key" and (w.start, w.end) == (4, 8)
    w = only('cfg(targt_os = "linux")')
    assert w.code == "unknown-key" and w.help == "did you mean `target_os`?"


def test_lint_target_names():
    w = only("x86_64-unknown-linux")
    assert w.code == "unknown-target" and w.help == "did you mean `x86_64-unknown-linux-gnu`?"
    assert (w.start, w.end) == (0, len("x86_64-unknown-linux"))
    assert only("").code == "unknown-target"


def test_lints_come_in_key_order():
    key = 'cfg(all(test, any(target_os = "linx", feature = "x"), proc_macro))'
    starts = [w.start for w in lint(parse_platform(key))]
    assert len(starts) == 4 and starts == sorted(starts)


# ---------------------------------------------------------------------------
# Target data

REQUIRED_TARGETS = [
    "x86_64-unknown-linux-gnu", "aarch64-unknown-linux-gnu", "x86_64-pc-windows-msvc",
    "x86_64-pc-windows-gnu", "aarch64-pc-windows-msvc", "x86_64-apple-darwin",
    "aarch64-apple-darwin", "wasm32-unknown-unknown", "wasm32-wasip1", "aarch64-linux-android",
    "aarch64-apple-ios", "thumbv7em-none-eabihf", "riscv64gc-unknown-linux-gnu",
    "i686-unknown-linux-gnu", "x86_64-unknown-linux-musl", "x86_64-unknown-freebsd",
]


def test_builtin_targets_data():
    for triple in REQUIRED_TARGETS:
        t = BUILTIN_TARGETS[triple]
        assert t.triple == triple and triple in KNOWN_TARGETS
        assert "debug_assertions" in t.names  # spec section 4
        assert "test" not in t.names and "proc_macro" not in t.names
        for key in SINGLE_VALUED_KEYS:
            assert len(t.values(key)) <= 1, (triple, key)
        for k, v in t.pairs:
            assert v in KNOWN_VALUES[k], (triple, k, v)
    assert BUILTIN_TARGETS["x86_64-unknown-linux-gnu"].values("target_os") == {"linux"}
    assert BUILTIN_TARGETS["thumbv7em-none-eabihf"].values("panic") == {"abort"}
    assert "unix" not in BUILTIN_TARGETS["wasm32-unknown-unknown"].names
    # single-valued keys really are single-valued on every rustc target
    for key, n in cfg_targets.MAX_VALUES_PER_TARGET.items():
        if key in SINGLE_VALUED_KEYS:
            assert n == 1, key
    assert isinstance(KNOWN_VALUES["target_os"], frozenset)
    assert "linux" in KNOWN_VALUES["target_os"] and "avx2" in KNOWN_VALUES["target_feature"]


def test_parse_print_cfg():
    text = 'debug_assertions\npanic="unwind"\ntarget_os="linux"\nunix\n\ngarbage line\nx="a=b"\n'
    t = parse_print_cfg("t", text)
    assert t == TargetCfg("t", frozenset({"debug_assertions", "unix"}),
                          frozenset({("panic", "unwind"), ("target_os", "linux"), ("x", "a=b")}))


def test_host_target_cfg_without_permission_or_rustc():
    assert host_target_cfg(False) is None
    assert host_target_cfg(True, rustc="/nonexistent/rustc-for-cargo-lens-tests") is None
    assert host_target_cfg(True, rustc="false") is None


@pytest.mark.skipif(shutil.which("rustc") is None, reason="rustc is not installed")
def test_host_target_cfg_with_rustc():
    t = host_target_cfg(True)
    assert t is not None
    assert t.triple in KNOWN_TARGETS
    assert t.values("target_os") and "debug_assertions" in t.names


def _rustc_version() -> str | None:
    try:
        return subprocess.run(["rustc", "-V"], capture_output=True, text=True,
                              timeout=10).stdout.strip()
    except OSError:
        return None


@pytest.mark.skipif(shutil.which("rustc") is None, reason="rustc is not installed")
def test_committed_data_matches_local_rustc():
    if _rustc_version() != cfg_targets.RUSTC_VERSION:
        pytest.skip(f"data is from {cfg_targets.RUSTC_VERSION}, local rustc differs")
    for triple in REQUIRED_TARGETS:
        out = subprocess.run(["rustc", "--print", "cfg", "--target", triple],
                             capture_output=True, text=True, timeout=30, check=True).stdout
        assert parse_print_cfg(triple, out) == BUILTIN_TARGETS[triple]


# ---------------------------------------------------------------------------
# Against the real cargo

CARGO_KEYS = (
    [k for k, _, _ in SPEC_ERRORS]
    + [k for k, _, _ in TARGET_NAME_ERRORS]
    + [k for k, _ in SOURCE_EDGE_ERRORS]
    + SPEC_ACCEPTED
    + MORE_ACCEPTED
)


def _cargo_verdict(cargo: str, key: str, tmp_path) -> str | None:
    """None when cargo accepts the key, else its `Caused by:` line."""
    d = tmp_path / f"k{abs(hash(key))}"
    (d / "src").mkdir(parents=True)
    (d / "src" / "lib.rs").write_text("")
    # JSON string escapes are valid TOML basic-string escapes (non-ASCII kept raw)
    (d / "Cargo.toml").write_text(
        '[package]\nname = "p"\nversion = "0.1.0"\nedition = "2021"\n\n'
        f"[target.{json.dumps(key, ensure_ascii=False)}.dependencies]\n",
        encoding="utf-8",
    )
    r = subprocess.run(
        [cargo, "metadata", "--no-deps", "--offline", "--format-version", "1"],
        cwd=d, capture_output=True, text=True, timeout=120,
    )
    if r.returncode == 0:
        return None
    lines = [line.strip() for line in r.stderr.splitlines() if line.strip()]
    assert "Caused by:" in lines, r.stderr
    return lines[lines.index("Caused by:") + 1]


@pytest.mark.cargo
def test_against_cargo(tmp_path):
    cargo = shutil.which("cargo")
    if cargo is None:
        pytest.skip("cargo is not installed (shutil.which('cargo') found nothing)")
    keys = sorted(set(CARGO_KEYS))

    def ours(key):
        try:
            parse_platform(key)
            return None
        except PlatformError as e:
            return e.message()

    with ThreadPoolExecutor(8) as ex:
        verdicts = list(ex.map(lambda k: _cargo_verdict(cargo, k, tmp_path), keys))
    mismatches = [(k, c, ours(k)) for k, c in zip(keys, verdicts) if c != ours(k)]
    assert mismatches == []
