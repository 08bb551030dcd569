"""Every load error cargo 1.95 raises for ONE manifest on its own (spec section 10).

`check_manifest` reproduces `read_manifest` → `normalize_toml` → `to_real_manifest` /
`to_virtual_manifest` of `src/cargo/util/toml/mod.rs`, minus workspace membership and root
discovery (the workspace engine supplies the root to inherit from through `WorkspaceLookup`).
Problems carry the stage of spec 10.4 they belong to; the list is sorted by stage and, inside a
stage, by the order cargo runs its checks, so ``problems[0]`` is what cargo reports. Unlike cargo
we do not stop at the first problem: the editor shows all of them.

Stages (spec 10.4): 1 schema/type/name errors printed as TOML diagnostics (D), 2
`cargo-features`, 3 `package.workspace` + [workspace] and [workspace.dependencies] flags, 4
[patch] `base` and package-field inheritance (+ the missing name), 5 target lookups and names
(`targets.py`), 6 dependency/lints inheritance and a virtual manifest's forbidden tables, 7 the
`to_real_manifest` checks, in cargo's order.

Out of scope, on purpose: TOML syntax errors (the TOML reader reports them), warnings (unused
keys, deprecations, 2015 legacy paths), `[profile]` validation, `[replace]` entries (only their
clash with [patch] is reported), the target-triple syntax of `default-target`/`forced-target`,
`--config`/`include` configuration, nightly channels (cargo is taken to be the stable 1.95: no
unstable feature can be enabled, `RUSTC_BOOTSTRAP` is not modelled) and workspace membership /
root discovery (the workspace engine's). URLs get the few `url`-crate verdicts cargo's messages
show (no scheme, empty host, bad port, cannot-be-a-base); anything subtler is accepted.

Input is the manifest as plain Python values (what `tomllib.loads` or `toml_doc` give). Where
the input has a type cargo rejects while deserializing and the exact message is not modelled,
we stay silent: a false error is worse than a missing one.
"""

from __future__ import annotations

import os
import posixpath
import re
import weakref
from collections.abc import Iterator, Mapping

from .fs import FileSystem, FsError, normalize
from .toml_doc import TomlDatetime

# typing, tomllib and decimal are imported where needed: each costs start-up time.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Protocol
else:
    Protocol = object
from .targets import (
    _DATETIME,
    E2024,
    EDITIONS,
    LoadProblem,
    Target,
    closest_msg,
    discover,
    discover_targets,
    edition_rank,
    feature_required,
    _plain,
    parse_edition_error,
)

__all__ = [
    "LoadProblem",
    "Target",
    "WorkspaceLookup",
    "check_manifest",
    "discover_targets",
    "known_registries",
    "parse_version",
    "parse_version_req",
    "SemverError",
]


class WorkspaceLookup(Protocol):
    """Supplied by the workspace engine: the workspace root this package inherits from."""

    def workspace_table(self) -> dict | tuple[str, ...]:
        """The root manifest's [workspace] table as plain data, or the inner cause chain when
        there is none, e.g. ("failed to find a workspace root",)."""
        ...

    def root_manifest_path(self) -> str | None: ...


# =================================================================================================
# Facts copied from cargo 1.95 (src/cargo/core/features.rs, branch rust-1.95.0)
# =================================================================================================

# name -> (status, version, docs); names as in the `features!` macro (underscores).
_CARGO_FEATURES: dict[str, tuple[str, str, str]] = {
    "test_dummy_stable": ("stable", "1.0", ""),
    "test_dummy_unstable": ("unstable", "", "reference/unstable.html"),
    "alternative_registries": ("stable", "1.34", "reference/registries.html"),
    "edition": ("stable", "1.31", "reference/manifest.html#the-edition-field"),
    "rename_dependency": ("stable", "1.31", "reference/specifying-dependencies.html#renaming-dependencies-in-cargotoml"),
    "publish_lockfile": ("removed", "1.37", "reference/unstable.html#publish-lockfile"),
    "profile_overrides": ("stable", "1.41", "reference/profiles.html#overrides"),
    "default_run": ("stable", "1.37", "reference/manifest.html#the-default-run-field"),
    "metabuild": ("unstable", "", "reference/unstable.html#metabuild"),
    "public_dependency": ("unstable", "", "reference/unstable.html#public-dependency"),
    "named_profiles": ("stable", "1.57", "reference/profiles.html#custom-profiles"),
    "resolver": ("stable", "1.51", "reference/resolver.html#resolver-versions"),
    "strip": ("stable", "1.58", "reference/profiles.html#strip-option"),
    "rust_version": ("stable", "1.56", "reference/manifest.html#the-rust-version-field"),
    "edition2021": ("stable", "1.56", "reference/manifest.html#the-edition-field"),
    "per_package_target": ("unstable", "", "reference/unstable.html#per-package-target"),
    "codegen_backend": ("unstable", "", "reference/unstable.html#codegen-backend"),
    "different_binary_name": ("unstable", "", "reference/unstable.html#different-binary-name"),
    "profile_rustflags": ("unstable", "", "reference/unstable.html#profile-rustflags-option"),
    "workspace_inheritance": ("stable", "1.64", "reference/unstable.html#workspace-inheritance"),
    "edition2024": ("stable", "1.85", "reference/manifest.html#the-edition-field"),
    "trim_paths": ("unstable", "", "reference/unstable.html#profile-trim-paths-option"),
    "open_namespaces": ("unstable", "", "reference/unstable.html#open-namespaces"),
    "path_bases": ("unstable", "", "reference/unstable.html#path-bases"),
    "unstable_editions": ("unstable", "", "reference/unstable.html#unstable-editions"),
    "multiple_build_scripts": ("unstable", "", "reference/unstable.html#multiple-build-scripts"),
    "panic_immediate_abort": ("unstable", "", "reference/unstable.html#panic-immediate-abort"),
}

# The `-Z` options (`CliUnstable::help()`), for the "can be enabled via -Z..." hint.
_CLI_UNSTABLE = frozenset(
    "allow_features print_im_a_teapot advanced_env any_build_script_metadata asymmetric_token "
    "avoid_dev_deps binary_dep_depinfo bindeps build_analysis build_dir_new_layout build_std "
    "build_std_features cargo_lints checksum_freshness codegen_backend direct_minimal_versions "
    "dual_proc_macros feature_unification features fine_grain_locking fix_edition gc git gitoxide "
    "host_config json_target_spec lockfile_path minimal_versions msrv_policy mtime_on_use "
    "next_lockfile_bump no_embed_metadata no_index_update panic_abort_tests panic_immediate_abort "
    "profile_hint_mostly_unused profile_rustflags public_dependency publish_timeout root_dir "
    "rustc_unicode rustdoc_depinfo rustdoc_map rustdoc_mergeable_info rustdoc_scrape_examples sbom "
    "script section_timings separate_nightlies skip_rustdoc_fingerprint target_applies_to_host "
    "trim_paths unstable_options warnings".split()
)

_SEE_CHANNELS = "See https://doc.rust-lang.org/book/appendix-07-nightly-rust.html for more information about Rust release channels."

# `Edition::first_version`
_EDITION_MSRV = {"2018": (1, 31, 0), "2021": (1, 56, 0), "2024": (1, 85, 0)}

_INHERITABLE_PACKAGE_FIELDS = (
    # in the order `normalize_package_toml` resolves them (name is checked after rust-version)
    "edition",
    "rust-version",
    "version",
    "authors",
    "exclude",
    "include",
    "publish",
    "description",
    "homepage",
    "documentation",
    "readme",
    "keywords",
    "categories",
    "license",
    "license-file",
    "repository",
)

_VIRTUAL_FORBIDDEN = (
    # `TomlManifest::requires_package`, in its order
    ("badges", ("badges",)),
    ("features", ("features",)),
    ("lib", ("lib",)),
    ("bin", ("bin",)),
    ("example", ("example",)),
    ("test", ("test",)),
    ("bench", ("bench",)),
    ("dependencies", ("dependencies",)),
    ("dev-dependencies", ("dev-dependencies", "dev_dependencies")),
    ("build-dependencies", ("build-dependencies", "build_dependencies")),
    ("target", ("target",)),
    ("lints", ("lints",)),
    ("hints", ("hints",)),
)

_LINT_TOOLS = ("cargo", "clippy", "rust", "rustdoc")
_LINT_LEVELS = ("forbid", "deny", "warn", "allow")
_README_FILES = ("README.md", "README.txt", "README")
_SPECIAL_SCHEMES = frozenset({"http", "https", "ws", "wss", "ftp", "file"})

# =================================================================================================
# Rust-style rendering
# =================================================================================================


def _rust_escape(s: str, quote: str) -> str:
    out = []
    for ch in s:
        if ch == "\\":
            out.append("\\\\")
        elif ch == quote:
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\0":
            out.append("\\0")
        elif not ch.isprintable():
            out.append("\\u{%x}" % ord(ch))
        else:
            out.append(ch)
    return "".join(out)


def _qchar(ch: str) -> str:
    """Rust's `{:?}` of a char (semver's QuotedChar)."""
    return "'" + _rust_escape(ch, "'") + "'"


def _float_text(x: float) -> str | None:
    if x != x:  # NaN (math is not imported: a float in a manifest is rare, its import is not free)
        return "NaN"
    if x in (float("inf"), float("-inf")):
        return "inf" if x > 0 else "-inf"
    text = repr(x)
    if "e" in text or "E" in text:
        from decimal import Decimal

        text = format(Decimal(text), "f")
    if "." not in text:
        text += ".0"
    return text


def _unexpected(v: Any) -> str | None:
    """serde's `Unexpected` for a TOML value, or None when we cannot be sure how it prints."""
    if isinstance(v, bool):
        return f"boolean `{'true' if v else 'false'}`"
    if isinstance(v, int):
        return f"integer `{v}`"
    if isinstance(v, float):
        t = _float_text(v)
        return None if t is None else f"floating point `{t}`"
    if isinstance(v, str):
        return 'string "' + _rust_escape(v, '"') + '"'
    if isinstance(v, list):
        return "sequence"
    if isinstance(v, (dict,) + _DATETIME):
        return "map"  # the toml crate hands datetimes to serde as a one-key map
    return None


def _invalid_type(v: Any, expected: str) -> str | None:
    u = _unexpected(v)
    return None if u is None else f"invalid type: {u}, expected {expected}"


# =================================================================================================
# Names (crates/cargo-util-schemas/src/restricted_names.rs)
# =================================================================================================


def _is_xid_start(ch: str) -> bool:
    return ch != "_" and ch.isidentifier()


def _is_xid_continue(ch: str) -> bool:
    return ("a" + ch).isidentifier()


# Names made only of ASCII letters, digits, `_` and `-` (not starting with a digit or `-`): what
# almost every name is, and exactly the ASCII names the character checks below accept.
_PLAIN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_PLAIN_FEATURE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_+.-]*")


def _validate_name(name: str, what: str) -> str | None:
    if _PLAIN_NAME.fullmatch(name):
        return None
    if not name:
        return f"{what} cannot be empty"
    first = name[0]
    if "0" <= first <= "9":
        return f"invalid character `{first}` in {what}: `{name}`, the name cannot start with a digit"
    if not (_is_xid_start(first) or first == "_"):
        return (
            f"invalid character `{first}` in {what}: `{name}`, the first character must be a "
            "Unicode XID start character (most letters or `_`)"
        )
    for ch in name[1:]:
        if not (_is_xid_continue(ch) or ch == "-"):
            return (
                f"invalid character `{ch}` in {what}: `{name}`, characters must be Unicode XID "
                "characters (numbers, `-`, `_`, or most letters)"
            )
    return None


def validate_package_name(name: str) -> str | None:
    """The (D) message for an invalid package name, or None. `a::b` passes (open namespaces)."""
    for part in name.split("::"):
        err = _validate_name(part, "package name")
        if err:
            return err
    return None


def validate_feature_name(name: str) -> str | None:
    if _PLAIN_FEATURE.fullmatch(name):
        return None
    what = "feature name"
    if not name:
        return f"{what} cannot be empty"
    if name.startswith("dep:"):
        return f"feature named `{name}` is not allowed to start with `dep:`"
    if "/" in name:
        return f"invalid character `/` in {what}: `{name}`, feature name is not allowed to contain slashes"
    first = name[0]
    if not (_is_xid_start(first) or first == "_" or "0" <= first <= "9"):
        return (
            f"invalid character `{first}` in {what}: `{name}`, the first character must be a Unicode "
            "XID start character or digit (most letters or `_` or `0` to `9`)"
        )
    for ch in name[1:]:
        if not (_is_xid_continue(ch) or ch in "-+."):
            return (
                f"invalid character `{ch}` in {what}: `{name}`, characters must be Unicode XID "
                "characters, '-', `+`, or `.` (numbers, `+`, `-`, `_`, `.`, or most letters)"
            )
    return None


# =================================================================================================
# SemVer (dtolnay/semver 1.0 `parse.rs`, the version cargo 1.95 locks)
# =================================================================================================


class SemverError(ValueError):
    pass


_MAJOR, _MINOR, _PATCH = "major version number", "minor version number", "patch version number"
_PRE, _BUILD = "pre-release identifier", "build metadata"
_U64_MAX = (1 << 64) - 1


def _numeric(text: str, pos: str) -> tuple[int, str]:
    i = 0
    value = 0
    while i < len(text) and "0" <= text[i] <= "9":
        if value == 0 and i > 0:
            raise SemverError(f"invalid leading zero in {pos}")
        value = value * 10 + (ord(text[i]) - 48)
        if value > _U64_MAX:
            raise SemverError(f"value of {pos} exceeds u64::MAX")
        i += 1
    if i > 0:
        return value, text[i:]
    if text:
        raise SemverError(f"unexpected character {_qchar(text[0])} while parsing {pos}")
    raise SemverError(f"unexpected end of input while parsing {pos}")


def _dot(text: str, pos: str) -> str:
    if text.startswith("."):
        return text[1:]
    if text:
        raise SemverError(f"unexpected character {_qchar(text[0])} after {pos}")
    raise SemverError(f"unexpected end of input while parsing {pos}")


def _identifier(text: str, pos: str) -> tuple[str, str]:
    acc = seg = 0
    nondigit = False
    while True:
        i = acc + seg
        c = text[i] if i < len(text) else None
        if c is not None and (("A" <= c <= "Z") or ("a" <= c <= "z") or c == "-"):
            seg += 1
            nondigit = True
        elif c is not None and "0" <= c <= "9":
            seg += 1
        else:
            if seg == 0:
                if acc == 0 and c != ".":
                    return "", text
                raise SemverError(f"empty identifier segment in {pos}")
            if pos == _PRE and seg > 1 and not nondigit and text[acc:].startswith("0"):
                raise SemverError(f"invalid leading zero in {pos}")
            acc += seg
            if c == ".":
                acc += 1
                seg = 0
                nondigit = False
            else:
                return text[:acc], text[acc:]


def parse_version(text: str) -> tuple[int, int, int, str, str]:
    """`semver::Version::parse`: (major, minor, patch, pre, build) or `SemverError`."""
    if not text:
        raise SemverError("empty string, expected a semver version")
    major, text = _numeric(text, _MAJOR)
    text = _dot(text, _MAJOR)
    minor, text = _numeric(text, _MINOR)
    text = _dot(text, _MINOR)
    patch, text = _numeric(text, _PATCH)
    pre = build = ""
    pos = _PATCH
    if text.startswith("-"):
        pos = _PRE
        pre, text = _identifier(text[1:], _PRE)
        if not pre:
            raise SemverError(f"empty identifier segment in {pos}")
    if text.startswith("+"):
        pos = _BUILD
        build, text = _identifier(text[1:], _BUILD)
        if not build:
            raise SemverError(f"empty identifier segment in {pos}")
    if text:
        raise SemverError(f"unexpected character {_qchar(text[0])} after {pos}")
    return major, minor, patch, pre, build


def _wildcard(text: str) -> tuple[str, str] | None:
    if text[:1] in ("*", "x", "X"):
        return text[0], text[1:]
    return None


_OPS = (("=", "="), (">=", ">="), (">", ">"), ("<=", "<="), ("<", "<"), ("~", "~"), ("^", "^"))


def _comparator(text: str) -> tuple[tuple, str, str]:
    op = "^"
    default_op = True
    for prefix, name in _OPS:
        if text.startswith(prefix):
            op, text, default_op = name, text[len(prefix) :], False
            break
    text = text.lstrip(" ")
    pos = _MAJOR
    major, text = _numeric(text, pos)
    minor = patch = None
    has_wildcard = False
    if text.startswith("."):
        pos = _MINOR
        w = _wildcard(text[1:])
        if w:
            has_wildcard = True
            if default_op:
                op = "*"
            text = w[1]
        else:
            minor, text = _numeric(text[1:], pos)
    if text.startswith("."):
        pos = _PATCH
        w = _wildcard(text[1:])
        if w:
            if default_op:
                op = "*"
            text = w[1]
        elif has_wildcard:
            raise SemverError("unexpected character after wildcard in version req")
        else:
            patch, text = _numeric(text[1:], pos)
    pre = ""
    if patch is not None and text.startswith("-"):
        pos = _PRE
        pre, text = _identifier(text[1:], _PRE)
        if not pre:
            raise SemverError(f"empty identifier segment in {pos}")
    if patch is not None and text.startswith("+"):
        pos = _BUILD
        build, text = _identifier(text[1:], _BUILD)
        if not build:
            raise SemverError(f"empty identifier segment in {pos}")
    return (op, major, minor, patch, pre), pos, text.lstrip(" ")


def parse_version_req(text: str) -> list[tuple]:
    """`semver::VersionReq::parse`: a list of (op, major, minor, patch, pre) or `SemverError`.
    Accepts everything cargo accepts: `1`, `1.2`, `^1.2.3`, `~1`, `=1.0.0`, `>=1, <2`, `*`, `1.*`,
    pre-releases and build metadata."""
    text = text.lstrip(" ")
    w = _wildcard(text)
    if w:
        rest = w[1].lstrip(" ")
        if not rest:
            return []
        if rest.startswith(","):
            raise SemverError(f"wildcard req ({w[0]}) must be the only comparator in the version req")
        raise SemverError("unexpected character after wildcard in version req")
    out: list[tuple] = []
    while True:
        try:
            comp, pos, text2 = _comparator(text)
        except SemverError as err:
            w = _wildcard(text)
            if w:
                rest = w[1].lstrip(" ")
                if not rest or rest.startswith(","):
                    raise SemverError(f"wildcard req ({w[0]}) must be the only comparator in the version req") from err
            raise
        out.append(comp)
        if not text2:
            return out
        if not text2.startswith(","):
            raise SemverError(f"expected comma after {pos}, found {_qchar(text2[0])}")
        text = text2[1:].lstrip(" ")
        if len(out) == 32:
            raise SemverError("excessive number of version comparators")


# Requirement text -> parse error or None. Members inherit the same few requirements from
# [workspace.dependencies], so most are parsed once per process instead of once per member.
_REQ_ERRORS: dict[str, str | None] = {}


def _version_req_error(text: str) -> str | None:
    try:
        return _REQ_ERRORS[text]
    except KeyError:
        pass
    try:
        parse_version_req(text)
        err = None
    except SemverError as e:
        err = str(e)
    if len(_REQ_ERRORS) > 4096:
        _REQ_ERRORS.clear()
    _REQ_ERRORS[text] = err
    return err


_RV_REQ = 'unexpected version requirement, expected a version like "1.32"'


# rust-version text -> (major, minor, patch) or the error text. Members repeat their root's.
_RUST_VERSIONS: dict[str, tuple | str] = {}


def parse_rust_version(value: str) -> tuple[int, int | None, int | None]:
    """`RustVersion::from_str` (via `PartialVersion`): (major, minor, patch) or `SemverError`."""
    found = _RUST_VERSIONS.get(value)
    if found is None:
        try:
            found = _parse_rust_version(value)
        except SemverError as err:
            found = str(err)
        if len(_RUST_VERSIONS) > 4096:
            _RUST_VERSIONS.clear()
        _RUST_VERSIONS[value] = found
    if isinstance(found, str):
        raise SemverError(found)
    return found


def _parse_rust_version(value: str) -> tuple[int, int | None, int | None]:
    try:
        major, minor, patch, pre, build = parse_version(value)
    except SemverError:
        try:
            req = parse_version_req(value)
        except SemverError:
            if "-" in value:
                raise SemverError('unexpected prerelease field, expected a version like "1.32"') from None
            if "+" in value:
                raise SemverError('unexpected build field, expected a version like "1.32"') from None
            raise SemverError('expected a version like "1.32"') from None
        if len(req) != 1 or req[0][0] != "^" or value.startswith("^"):
            raise SemverError(_RV_REQ) from None
        _, major, minor, patch, pre = req[0]
        build = ""
    if pre:
        raise SemverError('unexpected prerelease field, expected a version like "1.32"')
    if build:
        raise SemverError('unexpected build field, expected a version like "1.32"')
    return major, minor, patch


def _rv_text(rv: tuple[int, int | None, int | None]) -> str:
    return ".".join(str(p) for p in rv if p is not None)


# =================================================================================================
# URLs: the few `url` crate verdicts cargo's messages show (a minimal WHATWG-like check)
# =================================================================================================

_SCHEME_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
_C0_STRIP = "".join(chr(c) for c in range(0x21))


def url_error(s: str) -> str | None:
    """The `url::ParseError` text for ``s``, or None when it parses (or we are not sure)."""
    t = s.strip(_C0_STRIP).replace("\t", "").replace("\n", "").replace("\r", "")
    m = _SCHEME_RE.match(t)
    if not m:
        return "relative URL without a base"
    scheme = m.group(0)[:-1].lower()
    rest = t[m.end() :]
    if scheme == "file":
        return None
    if scheme in _SPECIAL_SCHEMES:
        rest = rest.lstrip("/\\")
        return _authority_error(rest, special=True)
    if rest.startswith("//"):
        return _authority_error(rest[2:], special=False)
    return None


def _authority_error(rest: str, special: bool) -> str | None:
    end = len(rest)
    for sep in ("/", "?", "#") + (("\\",) if special else ()):
        i = rest.find(sep)
        if i != -1:
            end = min(end, i)
    auth = rest[:end]
    if "@" in auth:
        auth = auth.rsplit("@", 1)[1]
    if auth.startswith("["):
        return None  # IPv6: not modelled
    host, port = auth, None
    if ":" in auth:
        host, port = auth.rsplit(":", 1)
    if special and not host:
        return "empty host"
    if port:
        if not port.isascii() or not port.isdigit() or int(port) > 65535:
            return "invalid port number"
    return None


def _cannot_be_a_base(s: str) -> str | None:
    """The serialised URL when ``s`` parses as a cannot-be-a-base URL (cargo rejects those for
    git and registry sources), or None. Silent when the serialisation would need escaping."""
    m = _SCHEME_RE.match(s)
    if not m:
        return None
    scheme = m.group(0)[:-1].lower()
    rest = s[m.end() :]
    if scheme in _SPECIAL_SCHEMES or rest.startswith("/"):
        return None
    if not rest or any(not (0x21 <= ord(c) <= 0x7E) or c in "?#" for c in rest):
        return None
    return f"{scheme}:{rest}"


def _into_url_error(s: str) -> str | None:
    """`IntoUrl for &str` (+ `CanonicalUrl::new` for sources): cargo's full message, or None."""
    err = url_error(s)
    if err is not None:
        msg = f"invalid url `{s}`: {err}"
        if s.startswith("git@"):
            msg += f"; try using `ssh://{s.replace(':', '/', 1)}` instead"
        return msg
    return None


def _source_url_error(s: str) -> str | None:
    err = _into_url_error(s)
    if err is not None:
        return err
    cbb = _cannot_be_a_base(s)
    if cbb is not None:
        return f"invalid url `{cbb}`: cannot-be-a-base-URLs are not supported"
    return None


# =================================================================================================
# Registries visible to a cargo run
# =================================================================================================


def _env_key(name: str) -> str:
    return name.upper().replace("-", "_")


def _parse_config(text: str) -> dict:
    # Our reader, not tomllib: it is already loaded (tomllib would cost ~10 ms of start-up with
    # the typing and datetime modules it imports), and it reads the TOML dialect cargo reads
    # its configuration with. Dates stay `TomlDatetime`; no caller takes one for a string.
    from .toml_doc import parse

    doc = parse(text)
    if doc.errors:
        raise ValueError(doc.errors[0].message)
    return doc.to_python()


# Config text -> the registry names it configures. Every manifest of a workspace sees the same
# few config files; this parses each text once per process (keyed by content, so always fresh).
_CONFIG_REGISTRIES: dict[str, frozenset[str]] = {}


def _config_registries(text: str) -> frozenset[str]:
    found = _CONFIG_REGISTRIES.get(text)
    if found is None:
        try:
            cfg = _parse_config(text)
        except ValueError:
            # cargo itself would stop with "could not load Cargo configuration", a failure
            # that has nothing to do with the manifest; we just learn no registries from it.
            cfg = {}
        regs = cfg.get("registries")
        names: set[str] = set()
        if isinstance(regs, dict):
            names.update(
                k for k, v in regs.items() if isinstance(v, dict) and _is_string(v.get("index"))
            )
        found = frozenset(names)
        if len(_CONFIG_REGISTRIES) > 256:
            _CONFIG_REGISTRIES.clear()
        _CONFIG_REGISTRIES[text] = found
    return found


def _is_string(v: Any) -> bool:
    return isinstance(v, str) and not isinstance(v, TomlDatetime)


# Directory -> registry names of the `.cargo` configs at and above it (and None -> those of
# $CARGO_HOME and the variables), for the last (fs, env) pair asked about: every manifest of a
# workspace shares most of its ancestors. A Context passes its own env dict, so this lives no
# longer than the Context's own registry cache.
_chain_memo: tuple = (lambda: None, None, {})


def _configured_at_or_above(d: str, fs: FileSystem, memo: dict[str, frozenset[str]]) -> frozenset[str]:
    found = memo.get(d)
    if found is None:
        parent = posixpath.dirname(d)
        found = _configured_at_or_above(parent, fs, memo) if parent != d else frozenset()
        if fs.inside_boundary(d):
            found = found | _config_dir_registries(d + "/.cargo" if d != "/" else "/.cargo", fs)
        memo[d] = found
    return found


def _config_dir_registries(cdir: str, fs: FileSystem) -> frozenset[str]:
    """What the config file of one `.cargo` directory (or $CARGO_HOME) configures."""
    if not fs.is_dir(cdir):  # (the usual answer: one question instead of two)
        return frozenset()
    for fname in ("config", "config.toml"):  # `config` (no extension) shadows `config.toml`
        path = cdir + "/" + fname
        if not fs.is_file(path):
            continue
        try:
            return _config_registries(fs.read_text(path))
        except FsError:
            return frozenset()  # unreadable: as an unparsable file (see _config_registries)
    return frozenset()


def known_registries(manifest_dir: str, fs: FileSystem, env: Mapping[str, str]) -> frozenset[str]:
    """Registry names with an index configured for a cargo run in ``manifest_dir``: the
    `.cargo/config.toml` (or legacy `.cargo/config`, which wins when both exist) of the
    directory and each ancestor inside the file-system boundary, `$CARGO_HOME/config.toml`
    (only for an unbounded file system: a bounded one analyses a corpus as if it were the whole
    world), and `CARGO_REGISTRIES_<NAME>_INDEX` variables (those yield the lower-cased name
    with `-` and with `_`, since the variable cannot tell them apart). Always "crates-io"."""
    global _chain_memo
    owner, owner_env, memo = _chain_memo
    if owner() is not fs or owner_env is not env:
        memo = {}
        _chain_memo = (weakref.ref(fs), env, memo)
    others = memo.get(None)  # $CARGO_HOME's config and the variables: the same for every dir
    if others is None:
        found: set[str] = {"crates-io"}
        if fs.boundary is None:
            home = env.get("CARGO_HOME") or os.path.join(os.path.expanduser("~"), ".cargo")
            found.update(_config_dir_registries(normalize(os.path.abspath(home)), fs))
        for key in env:
            if key.startswith("CARGO_REGISTRIES_") and key.endswith("_INDEX") and len(key) > len("CARGO_REGISTRIES__INDEX"):
                raw = key[len("CARGO_REGISTRIES_") : -len("_INDEX")].lower()
                found.add(raw)
                found.add(raw.replace("_", "-"))
        others = memo[None] = frozenset(found)
    return others | _configured_at_or_above(normalize(manifest_dir), fs, memo)


# =================================================================================================
# Stage 1: what serde rejects while deserializing `TomlManifest` (printed as a TOML diagnostic)
# =================================================================================================

_KP = tuple  # key path

# Dependency names already known to be valid package names (members repeat the same names).
_GOOD_NAMES: set[str] = set()


class _Schema:
    """Walks the manifest in document order, like the `toml` deserializer does, and records the
    (D) errors whose texts are known. Unknown keys are ignored, as cargo ignores them."""

    def __init__(self) -> None:
        self.problems: list[LoadProblem] = []
        self.broken: set[_KP] = set()  # key paths whose value is unusable for later stages

    def err(self, msg: str | None, kp: _KP, at: str = "value") -> None:
        if msg is None:
            return
        self.problems.append(LoadProblem(1, "D", (msg,), kp, at))  # type: ignore[arg-type]
        self.broken.add(kp)

    def type_err(self, v: Any, expected: str, kp: _KP) -> None:
        self.err(_invalid_type(v, expected), kp)

    # primitives ------------------------------------------------------------------------------
    def string(self, v: Any, kp: _KP) -> bool:
        if isinstance(v, str):
            return True
        self.type_err(v, "a string", kp)
        return False

    def boolean(self, v: Any, kp: _KP) -> None:
        if not isinstance(v, bool):
            self.type_err(v, "a boolean", kp)

    def seq_of_str(self, v: Any, kp: _KP, expected: str = "a sequence") -> None:
        if not isinstance(v, list):
            self.type_err(v, expected, kp)
            return
        for i, e in enumerate(v):
            if not isinstance(e, str):
                self.type_err(e, "a string", kp + (i,))
                return

    def map(self, v: Any, kp: _KP, expected: str = "a map") -> bool:
        if isinstance(v, dict):
            return True
        self.type_err(v, expected, kp)
        return False

    def inherited(self, v: dict, kp: _KP) -> None:
        """`TomlInheritedField` ({ workspace = true })."""
        if "workspace" not in v:
            self.err("missing field `workspace`", kp)
        elif not isinstance(v["workspace"], bool):
            self.type_err(v["workspace"], "a boolean", kp + ("workspace",))
        elif v["workspace"] is False:
            self.err("`workspace` cannot be false", kp + ("workspace",))

    # [package] ---------------------------------------------------------------------------------
    def package(self, pkg: Any, kp: _KP) -> None:
        if not self.map(pkg, kp, "struct TomlPackage"):
            return
        for key, v in pkg.items():
            k = kp + (key,)
            if key == "cargo-features":
                self.err("the field `cargo-features` should be set at the top of Cargo.toml before any tables", k, "key")
            elif key == "name":
                if self.string(v, k):
                    self.err(validate_package_name(v), k)
            elif key in ("links", "default-target", "forced-target", "workspace", "default-run", "resolver"):
                self.string(v, k)
            elif key in ("im-a-teapot", "autolib", "autobins", "autoexamples", "autotests", "autobenches"):
                self.boolean(v, k)
            elif isinstance(v, dict) and key in _INHERITABLE_PACKAGE_FIELDS:
                self.inherited(v, k)
            elif key == "version":
                if isinstance(v, str):
                    try:
                        parse_version(v.strip())
                    except SemverError as e:
                        self.err(str(e), k)
                else:
                    self.type_err(v, "SemVer version", k)
            elif key == "rust-version":
                if isinstance(v, str):
                    try:
                        parse_rust_version(v)
                    except SemverError as e:
                        self.err(str(e), k)
                else:
                    self.type_err(v, "a semver or workspace", k)
            elif key in ("edition", "description", "homepage", "documentation", "license", "license-file", "repository"):
                if not isinstance(v, str):
                    self.type_err(v, "a string or workspace", k)
            elif key in ("authors", "exclude", "include", "keywords", "categories"):
                self.seq_of_str(v, k, "a vector of strings or workspace")
            elif key == "readme":
                if not isinstance(v, (str, bool)):
                    self.type_err(v, "a string, a bool, or workspace", k)
            elif key == "publish":
                if isinstance(v, list):
                    self.seq_of_str(v, k)
                elif not isinstance(v, bool):
                    self.type_err(v, "a boolean, a vector of strings, or workspace", k)
            elif key == "build":
                if isinstance(v, list):
                    self.seq_of_str(v, k)
                elif not isinstance(v, (bool, str)):
                    self.type_err(v, "a boolean, string or array", k)
            elif key == "metabuild":
                if isinstance(v, list):
                    self.seq_of_str(v, k)
                elif not isinstance(v, str):
                    self.type_err(v, "string or list of strings", k)

    # targets -----------------------------------------------------------------------------------
    def target(self, t: Any, kp: _KP) -> None:
        if not self.map(t, kp, "struct TomlTarget"):
            return
        for key, v in t.items():
            k = kp + (key,)
            if key in ("name", "path", "filename", "edition"):
                self.string(v, k)
            elif key in ("crate-type", "crate_type", "required-features"):
                self.seq_of_str(v, k)
            elif key in ("test", "doctest", "bench", "doc", "doc-scrape-examples", "proc-macro", "proc_macro", "harness"):
                self.boolean(v, k)

    def targets(self, v: Any, kp: _KP) -> None:
        if not isinstance(v, list):
            self.type_err(v, "a sequence", kp)
            return
        for i, t in enumerate(v):
            self.target(t, kp + (i,))

    # dependencies ------------------------------------------------------------------------------
    def dep_table(self, v: Any, kp: _KP, inheritable: bool = True) -> None:
        if not self.map(v, kp):
            return
        good = _GOOD_NAMES
        for name, spec in v.items():
            if name not in good:
                err = validate_package_name(name)
                if err:
                    self.err(err, kp + (name,), "key")
                    continue
                if len(good) > 65536:
                    good.clear()
                good.add(name)
            if inheritable and type(spec) is dict and len(spec) == 1 and spec.get("workspace") is True:
                continue  # `name.workspace = true`, the common case: nothing to check
            self.dependency(spec, kp + (name,), inheritable)

    def dependency(self, spec: Any, kp: _KP, inheritable: bool) -> None:
        expected = 'a version string like "0.9.8" or a detailed dependency like { version = "0.9.8" }'
        if isinstance(spec, str):
            return
        if isinstance(spec, bool):
            msg = f"invalid type: boolean `{'true' if spec else 'false'}`, expected {expected}"
            if spec:
                msg += "\nnote: if you meant to use a workspace member, you can write\n dep.workspace = true"
            self.err(msg, kp)
            return
        if isinstance(spec, _DATETIME):
            return  # a one-key map to serde: a detailed dependency with an unused key
        if not isinstance(spec, dict):
            self.type_err(spec, expected, kp)
            return
        if inheritable and isinstance(spec.get("workspace"), bool) and self._inherited_dep_ok(spec):
            if spec["workspace"] is False:
                self.err("`workspace` cannot be false", kp + ("workspace",))
            return
        # `InheritableDependency` buffers the table in a BTreeMap: keys are visited sorted.
        items = sorted(spec.items()) if inheritable else spec.items()
        for key, v in items:
            k = kp + (key,)
            if key in ("version", "registry-index", "path", "git", "branch", "tag", "rev", "target"):
                self.string(v, k)
            elif key in ("optional", "default-features", "default_features", "public", "lib"):
                self.boolean(v, k)
            elif key == "features":
                self.seq_of_str(v, k)
            elif key == "registry":
                if self.string(v, k):
                    self.err(_validate_name(v, "registry name"), k)
            elif key == "base":
                if self.string(v, k):
                    self.err(_validate_name(v, "path base name"), k)
            elif key == "package":
                if self.string(v, k):
                    self.err(validate_package_name(v), k)
            elif key == "artifact":
                if isinstance(v, list):
                    self.seq_of_str(v, k)
                elif not isinstance(v, str):
                    self.type_err(v, "string or list of strings", k)

    @staticmethod
    def _inherited_dep_ok(spec: dict) -> bool:
        """Would `TomlInheritedDependency` deserialize (so the inherit branch is taken)?"""
        f = spec.get("features")
        if f is not None and not (isinstance(f, list) and all(isinstance(x, str) for x in f)):
            return False
        for k in ("default-features", "default_features", "optional", "public"):
            v = spec.get(k)
            if v is not None and not isinstance(v, bool):
                return False
        return True

    # lints -------------------------------------------------------------------------------------
    def lints(self, v: Any, kp: _KP, inheritable: bool) -> None:
        if not self.map(v, kp, "a lints table" if inheritable else "a map"):
            return
        for tool, lints in v.items():
            k = kp + (tool,)
            if inheritable and tool == "workspace":
                if not isinstance(lints, bool):
                    self.type_err(lints, "a boolean", k)
                elif lints is False:
                    self.err("`workspace` cannot be false", k)
                continue
            if not self.map(lints, k):
                continue
            for name, cfg in lints.items():
                kk = k + (name,)
                if isinstance(cfg, str):
                    if cfg not in _LINT_LEVELS:
                        self.err(f"unknown variant `{cfg}`, expected one of `forbid`, `deny`, `warn`, `allow`", kk)
                elif isinstance(cfg, dict):
                    if "level" not in cfg:
                        self.err("missing field `level`", kk)
                    elif not isinstance(cfg["level"], str):
                        self.type_err(cfg["level"], "a string", kk + ("level",))
                    elif cfg["level"] not in _LINT_LEVELS:
                        self.err(f"unknown variant `{cfg['level']}`, expected one of `forbid`, `deny`, `warn`, `allow`", kk + ("level",))
                    p = cfg.get("priority")
                    if p is not None:
                        if isinstance(p, int) and not isinstance(p, bool):
                            if not -128 <= p <= 127:
                                self.err(f"invalid value: integer `{p}`, expected i8", kk + ("priority",))
                        else:
                            self.type_err(p, "i8", kk + ("priority",))
                else:
                    self.type_err(cfg, "a string or map", kk)

    # [workspace] --------------------------------------------------------------------------------
    def workspace(self, ws: Any, kp: _KP) -> None:
        if not self.map(ws, kp, "struct TomlWorkspace"):
            return
        for key, v in ws.items():
            k = kp + (key,)
            if key in ("members", "exclude", "default-members"):
                self.seq_of_str(v, k)
            elif key == "resolver":
                self.string(v, k)
            elif key == "dependencies":
                self.dep_table(v, k, inheritable=False)
            elif key == "lints":
                self.lints(v, k, inheritable=False)
            elif key == "package":
                if not self.map(v, k, "struct InheritablePackage"):
                    continue
                for pk, pv in v.items():
                    kk = k + (pk,)
                    if pk == "version":
                        if isinstance(pv, str):
                            try:
                                parse_version(pv)  # no trimming here
                            except SemverError as e:
                                self.err(str(e), kk)
                        else:
                            self.type_err(pv, "semver version", kk)
                    elif pk == "rust-version":
                        if isinstance(pv, str):
                            try:
                                parse_rust_version(pv)
                            except SemverError as e:
                                self.err(str(e), kk)
                        else:
                            self.type_err(pv, "SemVer version", kk)
                    elif pk in ("description", "homepage", "documentation", "license", "license-file", "repository", "edition"):
                        self.string(pv, kk)
                    elif pk in ("authors", "keywords", "categories", "exclude", "include"):
                        self.seq_of_str(pv, kk)
                    elif pk == "readme":
                        if not isinstance(pv, (str, bool)):
                            self.type_err(pv, "a boolean or string", kk)
                    elif pk == "publish":
                        if isinstance(pv, list):
                            self.seq_of_str(pv, kk)
                        elif not isinstance(pv, bool):
                            self.type_err(pv, "a boolean or vector of strings", kk)
                    elif pk == "badges":
                        self.badges(pv, kk)

    def badges(self, v: Any, kp: _KP) -> None:
        if not self.map(v, kp):
            return
        for name, b in v.items():
            if not self.map(b, kp + (name,)):
                continue
            for key, val in b.items():
                self.string(val, kp + (name, key))

    # the whole manifest ---------------------------------------------------------------------------
    def manifest(self, data: dict) -> None:
        for key, v in data.items():
            k = (key,)
            if key == "cargo-features":
                self.seq_of_str(v, k)
            elif key in ("package", "project"):
                self.package(v, k)
            elif key == "badges":
                self.badges(v, k)
            elif key == "features":
                if not self.map(v, k):
                    continue
                for fname, values in v.items():
                    kk = k + (fname,)
                    err = validate_feature_name(fname)
                    if err:
                        self.err(err, kk, "key")
                        continue
                    self.seq_of_str(values, kk)
            elif key == "lib":
                self.target(v, k)
            elif key in ("bin", "example", "test", "bench"):
                self.targets(v, k)
            elif key in ("dependencies", "dev-dependencies", "dev_dependencies", "build-dependencies", "build_dependencies"):
                self.dep_table(v, k)
            elif key == "target":
                if not self.map(v, k):
                    continue
                for platform, tbl in v.items():
                    kk = k + (platform,)
                    if not self.map(tbl, kk, "struct TomlPlatform"):
                        continue
                    for dk, dv in tbl.items():
                        if dk in ("dependencies", "dev-dependencies", "dev_dependencies", "build-dependencies", "build_dependencies"):
                            self.dep_table(dv, kk + (dk,))
            elif key == "lints":
                self.lints(v, k, inheritable=True)
            elif key == "hints":
                self.map(v, k, "struct Hints")
            elif key == "workspace":
                self.workspace(v, k)
            elif key == "patch":
                if not self.map(v, k):
                    continue
                for src, deps in v.items():
                    self.dep_table(deps, k + (src,), inheritable=False)
            elif key == "replace":
                if not self.map(v, k):
                    continue
                for spec, dep in v.items():
                    self.dependency(dep, k + (spec,), inheritable=False)
            elif key == "profile":
                self.map(v, k)


# =================================================================================================
# Stages 2-7
# =================================================================================================

_UNKNOWN = object()  # an inherited value we cannot know (no lookup, or the root is broken)


def _inheriting(v: Any) -> bool:
    return isinstance(v, dict) and v.get("workspace") is True


class _Dep:
    """One dependency entry after inheritance (cargo's normalized `TomlDependency`)."""

    __slots__ = ("table", "name", "spec", "kind", "base_dir", "inherited", "key_path", "shared", "base")

    def __init__(self, table: tuple, name: str, spec: Any, kind: str, base_dir: str, inherited: bool,
                 shared: "_SharedDep | None" = None):
        self.table = table  # key path of the table, e.g. ("target", "cfg(unix)", "dependencies")
        self.name = name
        self.spec = spec  # str (simple) or dict (detailed); _UNKNOWN when not knowable; never mutated
        self.kind = kind  # "normal", "dev", "build"
        self.base_dir = base_dir  # the directory a `path` is relative to
        self.inherited = inherited
        self.key_path = table + (name,)
        self.shared = shared  # set for a plain `name.workspace = true` (see _SharedDep)
        # Set for another inherited entry (features, optional, ...): the _SharedDep of the same
        # root entry, whose source key and `dep_checks` verdict (but for features) it shares.
        self.base: _SharedDep | None = shared

    def detailed(self) -> dict:
        if isinstance(self.spec, str):
            return {"version": self.spec}
        return self.spec if isinstance(self.spec, dict) else {}

    def at(self, key: str) -> tuple:
        if self.inherited or not isinstance(self.spec, dict) or key not in self.spec:
            return self.key_path
        return self.key_path + (key,)


class _SharedDep:
    """What a plain `name = { workspace = true }` dependency is after inheritance, shared by
    every member of the workspace that writes it: the merged entry depends only on the root's
    `[workspace.dependencies.name]`, so are `dep_checks`' verdict (given the registries) and
    the source key. Computed by the first member that needs them, reused by the others."""

    __slots__ = ("wd", "merged", "clean", "source", "plain", "deps")

    def __init__(self, wd: Any, merged: dict):
        self.wd = wd  # the root's entry the merge was made from (identity checked on reuse)
        self.merged = merged
        # Nothing for stage 6 to look at (`default_features`, `base`): the fast lane applies.
        self.plain = "default_features" not in merged and not isinstance(merged.get("base"), str)
        # The _Dep of each dependency table it was met in: members write it in the same few
        # tables, and a _Dep is never changed once made, so one object serves them all.
        self.deps: dict[tuple, _Dep] = {}
        self.clean: frozenset[str] | None = None  # registries under which dep_checks found nothing
        self.source: Any = _UNKNOWN  # _source_key's answer, once computed


# One slot: the [workspace.dependencies] table (kept alive, so its identity is stable; nothing
# changes it) and root directory last inherited from, with name -> _SharedDep, and per
# dependency table (key path) name -> the _Dep of a plain `name.workspace = true` written
# there. A workspace's members share one root.
_shared_slot: list = [None, None, {}, {}]


def _shared_deps(wdeps: dict, root_dir: str) -> dict:
    slot = _shared_slot
    if slot[0] is not wdeps or slot[1] != root_dir:
        slot[0], slot[1], slot[2], slot[3] = wdeps, root_dir, {}, {}
    return slot[2]


_NO_LANE: dict = {}  # (never written to)


# `[target.<key>]` keys that cargo-platform certainly accepts: a target name, or `cfg(...)` of
# plain identifiers and `name = "value"` pairs under at most two levels of all/any/not. Any
# other key goes to the cfg module's parser, which decides (and words) errors.
_TARGET_NAME_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-"
_CFG_WORDS = frozenset(("true", "false", "all", "any", "not"))


def _plain_platform(key: str) -> bool:
    if not key.startswith("cfg("):
        return not key.strip(_TARGET_NAME_CHARS)
    return key.endswith(")") and _plain_cfg(key[4:-1], 0)


def _plain_cfg(s: str, depth: int) -> bool:
    s = s.strip(" ")
    if s[:3] in ("all", "any", "not"):
        rest = s[3:].lstrip(" ")
        if rest.startswith("("):
            if depth >= 2 or not rest.endswith(")"):
                return False
            parts = _split_cfg_list(rest[1:-1])
            if not parts or (s[:3] == "not" and len(parts) != 1):
                return False
            return all(_plain_cfg(part, depth + 1) for part in parts)
    name, eq, value = s.partition("=")
    name = name.rstrip(" ")
    if not (name.isascii() and (name[:1].isalpha() or name[:1] == "_") and name.replace("_", "a").isalnum()):
        return False
    if name in _CFG_WORDS:
        return False
    if not eq:
        return True
    value = value.strip(" ")
    return len(value) >= 2 and value[0] == '"' and value[-1] == '"' and '"' not in value[1:-1]


def _split_cfg_list(body: str) -> list[str] | None:
    """``body`` split at its top-level commas; None when a quote or parenthesis is unbalanced."""
    parts, depth, quoted, start = [], 0, False, 0
    for i, ch in enumerate(body):
        if quoted:
            quoted = ch != '"'
        elif ch == '"':
            quoted = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                return None
        elif ch == "," and depth == 0:
            parts.append(body[start:i])
            start = i + 1
    if quoted or depth:
        return None
    parts.append(body[start:])
    return parts


def _features_clean(merged: dict) -> bool:
    """No feature `dep_checks` would refuse (the rest of an inherited entry is the root's)."""
    feats = merged.get("features")
    if isinstance(feats, list):
        for f in feats:
            if isinstance(f, str) and ("/" in f or f.startswith("dep:")):
                return False
    return True


# The last lints table verify_lints and _check_cfg_lint found nothing in (kept alive, so its
# identity is stable): members inheriting `[workspace.lints]` all pass the root's dict.
_clean_lints: list = [None]


def _inherit_dep_outer(name: str) -> str:
    return f"error inheriting `{name}` from workspace root manifest's `workspace.dependencies.{name}`"


def _get(d: Any, key: str, typ: type | tuple[type, ...]) -> Any:
    if isinstance(d, dict):
        v = d.get(key)
        if isinstance(v, typ) and not (typ is int and isinstance(v, bool)):
            return v
    return None


class _Checker:
    def __init__(self, manifest_path: str, data: dict, fs: FileSystem, workspace: WorkspaceLookup | None, registries: frozenset[str]):
        self.path = normalize(manifest_path)
        self.root = posixpath.dirname(self.path)
        self.data = data
        self.fs = fs
        self.lookup = workspace
        self.registries = registries
        self._registry_keys = {_env_key(r) for r in registries}
        self.problems: list[LoadProblem] = []
        pkg = data.get("package")
        self.pkg_key = "package"
        if not isinstance(pkg, dict) and isinstance(data.get("project"), dict):
            pkg, self.pkg_key = data["project"], "project"
        self.pkg: dict | None = pkg if isinstance(pkg, dict) else None
        ws = data.get("workspace")
        self.ws: dict | None = ws if isinstance(ws, dict) else None
        self._ws_loaded = False
        self._ws_value: Any = None
        self._ws_root_dir: Any = _UNKNOWN
        self.schema = _Schema()
        self.lints: dict | None = None  # the package's lints after inheritance (stage 6)

    # -- helpers --------------------------------------------------------------------------------
    def add(self, stage: int, lines: tuple[str, ...] | str, kp: tuple, at: str = "value", shape: str = "P") -> None:
        if isinstance(lines, str):
            lines = (lines,)
        self.problems.append(LoadProblem(stage, shape, lines, kp, at))  # type: ignore[arg-type]

    def broken(self, kp: tuple) -> bool:
        """A (D) error sits at or inside ``kp``: later stages leave that value alone."""
        broken = self.schema.broken
        if not broken:
            return False
        n = len(kp)
        return any(b[:n] == kp for b in broken)

    def ws_table(self) -> dict | tuple[str, ...] | None:
        """The [workspace] table to inherit from, its error chain, or None when unknowable."""
        if self.ws is not None:
            return self.ws  # WorkspaceConfig::Root: the manifest is its own root
        if self.lookup is None:
            return None
        if not self._ws_loaded:
            self._ws_loaded = True
            try:
                value = self.lookup.workspace_table()
            except Exception:  # the lookup is someone else's code; a crash must not hide the rest
                value = None
            # An empty cause chain is a real answer: the root failed with a TOML diagnostic,
            # which cargo prints on its own, so it adds no `Caused by:` line here.
            if isinstance(value, tuple) and all(isinstance(x, str) for x in value):
                self._ws_value = value
            elif isinstance(value, dict):
                self._ws_value = value
            else:
                self._ws_value = None
        return self._ws_value

    def ws_root_dir(self) -> str | None:
        if self.ws is not None:
            return self.root
        if self.lookup is None:
            return None
        if self._ws_root_dir is _UNKNOWN:  # asked once per inherited dependency: resolve once
            try:
                p = self.lookup.root_manifest_path()
            except Exception:
                p = None
            self._ws_root_dir = posixpath.dirname(normalize(p)) if p else None
        return self._ws_root_dir

    # -- stage 2: cargo-features ------------------------------------------------------------------
    def stage2(self) -> None:
        feats = self.data.get("cargo-features")
        if not isinstance(feats, list) or self.broken(("cargo-features",)):
            return
        seen: set[str] = set()
        for i, f in enumerate(feats):
            kp = ("cargo-features", i)
            key = f.replace("-", "_") if "_" not in f else None
            info = _CARGO_FEATURES.get(key) if key else None
            if info is None:
                msg = f"unknown Cargo.toml feature `{f}`\n\n"
                if "_" in f:
                    msg += "Feature names must use '-' instead of '_'."
                else:
                    if f.replace("-", "_") in _CLI_UNSTABLE:
                        msg += f"This feature can be enabled via -Z{f} or the `[unstable]` section in config.toml.\n"
                    msg += "See https://doc.rust-lang.org/nightly/cargo/reference/unstable.html for more information."
                self.add(2, msg, kp)
                continue
            if key in seen:
                self.add(2, f"the cargo feature `{f}` has already been activated", kp)
                continue
            status, version, docs = info
            see = f"See https://doc.rust-lang.org/cargo/{docs} for more information about using this feature."
            if status == "unstable":
                self.add(
                    2,
                    f"the cargo feature `{f}` requires a nightly version of Cargo, but this is the `stable` channel\n"
                    f"{_SEE_CHANNELS}\n"
                    f"{see}",
                    kp,
                )
            elif status == "removed":
                self.add(
                    2,
                    f"the cargo feature `{f}` has been removed in the {version} release\n"
                    "\n"
                    "Remove the feature from Cargo.toml to remove this error.\n"
                    f"{see}",
                    kp,
                )
            seen.add(key)

    # -- stage 3: workspace config ----------------------------------------------------------------
    def stage3(self) -> None:
        if self.ws is None:
            return
        if self.pkg is not None and "workspace" in self.pkg:
            self.add(
                3,
                "cannot configure both `package.workspace` and `[workspace]`, only one can be specified",
                (self.pkg_key, "workspace"),
                "key",
            )
            return
        lints = self.ws.get("lints")
        if isinstance(lints, dict) and not self.broken(("workspace", "lints")):
            self.verify_lints(3, lints, ("workspace", "lints"))
        deps = self.ws.get("dependencies")
        if isinstance(deps, dict) and not self.broken(("workspace", "dependencies")):
            for name in sorted(deps):
                d = deps[name]
                if isinstance(d, dict) and d.get("optional") is True:
                    self.add(
                        3,
                        f"{name} is optional, but workspace dependencies cannot be optional",
                        ("workspace", "dependencies", name, "optional"),
                        "key",
                    )
                if isinstance(d, dict) and d.get("public") is True:
                    self.add(
                        3,
                        f"{name} is public, but workspace dependencies cannot be public",
                        ("workspace", "dependencies", name, "public"),
                        "key",
                    )

    def verify_lints(self, stage: int, lints: dict, kp: tuple) -> None:
        for tool in sorted(lints):
            table = lints[tool]
            if tool not in _LINT_TOOLS or not isinstance(table, dict):
                continue
            for name in sorted(table):
                if "::" not in name:
                    continue
                prefix, suffix = name.split("::", 1)
                if tool == prefix or (tool == "rust" and prefix in _LINT_TOOLS):
                    msg = f"`lints.{tool}.{name}` is not valid lint name; try `lints.{prefix}.{suffix}`"
                else:
                    msg = f"`lints.{tool}.{name}` is not a valid lint name"
                self.add(stage, msg, kp + (tool, name), "key")

    # -- stage 4: [patch] and package fields ------------------------------------------------------
    def stage4(self) -> dict[str, Any]:
        patch = self.data.get("patch")
        if isinstance(patch, dict) and not self.broken(("patch",)):
            for src in sorted(patch):
                deps = patch[src]
                if not isinstance(deps, dict):
                    continue
                for name in sorted(deps):
                    d = deps[name]
                    if isinstance(d, dict) and isinstance(d.get("base"), str):
                        self.add(
                            4,
                            (f"resolving path for patch of ({name}) for source ({src})", self._base_error(d)),
                            ("patch", src, name, "base"),
                            "key",
                        )
        resolved: dict[str, Any] = {}
        if self.pkg is None:
            return resolved
        for key in _INHERITABLE_PACKAGE_FIELDS:
            if key == "version" and "name" not in self.pkg:
                self.add(4, "missing field `package.name`", (self.pkg_key,), "key")
            if key == "exclude":
                # `build` is normalised between `authors` and `exclude`; only a list can fail.
                b = self.pkg.get("build")
                if isinstance(b, list) and not self.broken((self.pkg_key, "build")):
                    self.add(4, feature_required("multiple-build-scripts", "reference/unstable.html#multiple-build-scripts"), (self.pkg_key, "build"))
            v = self.pkg.get(key)
            kp = (self.pkg_key, key)
            if v is None or self.broken(kp):
                resolved[key] = None if v is None else _UNKNOWN
                continue
            if _inheriting(v):
                resolved[key] = self.inherit_field(key, kp)
            else:
                resolved[key] = v
        return resolved

    def _base_error(self, d: dict) -> str:
        if isinstance(d.get("path"), str):
            return feature_required("path-bases", "reference/unstable.html#path-bases")
        return "`base` can only be used with path dependencies"

    def inherit_field(self, key: str, kp: tuple) -> Any:
        table = self.ws_table()
        if table is None:
            return _UNKNOWN
        outer = "error inheriting `{0}` from workspace root manifest's `workspace.package.{0}`"  # (formatted when used)
        if isinstance(table, tuple):
            self.add(4, (outer.format(key), *table), kp)
            return _UNKNOWN
        pkg = table.get("package")
        v = pkg.get(key) if isinstance(pkg, dict) else None
        if key == "readme":
            # `InheritableFields::readme`: false means "not defined", absent means the first
            # README file in the workspace root.
            if v is False:
                v = None
            elif v is None:
                root = self.ws_root_dir()
                if root is None:
                    return _UNKNOWN
                for name in _README_FILES:
                    if self.fs.is_file(root + "/" + name):
                        return name
        if v is None:
            self.add(4, (outer.format(key), f"`workspace.package.{key}` was not defined"), kp)
            return _UNKNOWN
        return v

    # -- stage 6: dependency and lints inheritance -------------------------------------------------
    def dep_tables(self) -> Iterator[tuple[tuple, str, str | None]]:
        """(key path, kind, underscore-alias check) for every dependency table, in the order
        `normalize_toml` visits them."""
        d = self.data
        yield ("dependencies",), "normal", None
        yield (("dev-dependencies",) if "dev-dependencies" in d else ("dev_dependencies",)), "dev", "dev"
        yield (("build-dependencies",) if "build-dependencies" in d else ("build_dependencies",)), "build", "build"
        targets = d.get("target")
        if isinstance(targets, dict) and not self.broken(("target",)):
            for platform in sorted(targets):
                t = targets[platform]
                if not isinstance(t, dict):
                    continue
                yield ("target", platform, "dependencies"), "normal", None
                yield (("target", platform, "dev-dependencies") if "dev-dependencies" in t else ("target", platform, "dev_dependencies")), "dev", "dev"
                yield (("target", platform, "build-dependencies") if "build-dependencies" in t else ("target", platform, "build_dependencies")), "build", "build"

    def _table_at(self, kp: tuple) -> Any:
        cur: Any = self.data
        for k in kp:
            if not isinstance(cur, dict):
                return None
            cur = cur.get(k)
        return cur

    def _shared_lane(self) -> tuple:
        """(workspace dependencies, root dir, name -> _SharedDep) to inherit from, or ()."""
        table = self.ws_table()
        if not isinstance(table, dict):
            return ()
        wdeps = table.get("dependencies")
        if not isinstance(wdeps, dict):
            return ()
        root = self.ws_root_dir()
        if root is None:
            return ()
        return (wdeps, root, _shared_deps(wdeps, root), _shared_slot[3])

    def stage6(self, ed: int, pkg_name: str | None) -> list[_Dep]:
        deps: list[_Dep] = []
        lane: tuple | None = None  # see _shared_lane; asked at the first `workspace = true`
        for kp, kind, alias in self.dep_tables():
            if alias is not None:
                container = kp[:-1]
                under = container + (f"{alias}_dependencies",)
                if self._table_at(under) is not None and ed >= E2024:
                    if len(container) == 0:
                        who = f"`{pkg_name}` package" if pkg_name is not None else None
                    else:
                        who = f"`{container[1]}` platform target"
                    if who is not None:
                        self.add(
                            6,
                            f"`{alias}_dependencies` is unsupported as of the 2024 edition; "
                            f"instead use `{alias}-dependencies`\n"
                            f"(in the {who})",
                            under,
                            "key",
                        )
            table = self._table_at(kp)
            if not isinstance(table, dict) or self.broken(kp):
                continue
            any_broken = bool(self.schema.broken)
            known: dict | None = None  # name -> _Dep of `name.workspace = true` in this table
            for name in sorted(table):
                spec = table[name]
                if any_broken and self.broken(kp + (name,)):
                    continue
                if type(spec) is dict and len(spec) == 1 and spec.get("workspace") is True:
                    # `name.workspace = true` met before in this workspace: reuse what it became.
                    if known is None:
                        if lane is None:
                            lane = self._shared_lane()
                        known = lane[3].setdefault(kp, {}) if lane else _NO_LANE
                    dep = known.get(name)
                    if dep is not None:
                        deps.append(dep)
                        continue
                    if lane:
                        sd = lane[2].get(name)
                        if sd is not None and sd.plain and sd.wd is lane[0].get(name, _UNKNOWN):
                            dep = sd.deps.get(kp)
                            if dep is None:
                                dep = sd.deps[kp] = _Dep(kp, name, sd.merged, kind, lane[1], True, sd)
                            known[name] = dep
                            deps.append(dep)
                            continue
                if isinstance(spec, _DATETIME):
                    spec = {}
                if _inheriting(spec):
                    dep = self.inherit_dep(kp, name, spec, kind, ed)
                else:
                    dep = _Dep(kp, name, spec, kind, self.root, False)
                deps.append(dep)
                if isinstance(dep.spec, dict):
                    if "default_features" in dep.spec and ed >= E2024:
                        self.add(
                            6,
                            "`default_features` is unsupported as of the 2024 edition; instead use `default-features`\n"
                            f"(in the `{name}` dependency)",
                            dep.at("default_features"),
                            "key",
                        )
                    if isinstance(dep.spec.get("base"), str):
                        self.add(6, (f"resolving path dependency {name}", self._base_error(dep.spec)), dep.at("base"), "key")
        lints = self.data.get("lints")
        if isinstance(lints, dict) and not self.broken(("lints",)):
            if lints.get("workspace") is True:
                if any(k != "workspace" for k in lints):
                    self.add(
                        6,
                        "cannot override `workspace.lints` in `lints`, "
                        "either remove the overrides or `lints.workspace = true` and manually specify the lints",
                        ("lints",),
                        "key",
                    )
                else:
                    table = self.ws_table()
                    outer = "error inheriting `lints` from workspace root manifest's `workspace.lints`"
                    if isinstance(table, tuple):
                        self.add(6, (outer, *table), ("lints", "workspace"))
                    elif isinstance(table, dict):
                        wl = table.get("lints")
                        if wl is None:
                            self.add(6, (outer, "`workspace.lints` was not defined"), ("lints", "workspace"))
                        elif isinstance(wl, dict):
                            self.lints = wl
            else:
                self.lints = {k: v for k, v in lints.items() if k != "workspace"}
        return deps

    def inherit_dep(self, table_kp: tuple, name: str, spec: dict, kind: str, ed: int) -> _Dep:
        kp = table_kp + (name,)
        table = self.ws_table()
        if table is None:
            return _Dep(table_kp, name, _UNKNOWN, kind, self.root, True)
        if isinstance(table, tuple):
            self.add(6, (_inherit_dep_outer(name), *table), kp)
            return _Dep(table_kp, name, _UNKNOWN, kind, self.root, True)
        wdeps = table.get("dependencies")
        if not isinstance(wdeps, dict):
            if wdeps is None:
                self.add(6, (_inherit_dep_outer(name), "`workspace.dependencies` was not defined"), kp)
            return _Dep(table_kp, name, _UNKNOWN, kind, self.root, True)
        if name not in wdeps:
            self.add(6, (_inherit_dep_outer(name), f"`dependency.{name}` was not found in `workspace.dependencies`"), kp)
            return _Dep(table_kp, name, _UNKNOWN, kind, self.root, True)
        wd = wdeps[name]
        sd = None
        if isinstance(wd, (str, dict)):
            root = self.ws_root_dir()
            if root is not None:
                shared = _shared_deps(wdeps, root)
                sd = shared.get(name)
                if sd is None or sd.wd is not wd:
                    plain = {"version": wd} if isinstance(wd, str) else dict(wd)
                    plain.pop("optional", None)
                    plain.pop("public", None)
                    sd = shared[name] = _SharedDep(wd, plain)
                if len(spec) == 1:  # only `workspace = true`: the merge is the shared one
                    return _Dep(table_kp, name, sd.merged, kind, root, True, sd)
        if isinstance(wd, str):
            merged: dict = {"version": wd}
        elif isinstance(wd, dict):
            merged = dict(wd)
        elif isinstance(wd, _DATETIME):
            merged = {}
        else:  # the root's own (D) error
            return _Dep(table_kp, name, _UNKNOWN, kind, self.root, True)
        member_df = spec.get("default-features", spec.get("default_features"))
        ws_df = merged.get("default-features", merged.get("default_features"))
        if member_df is True and ws_df is False:
            merged["default-features"] = True
            merged.pop("default_features", None)
        elif member_df is False and ws_df is not False and ed >= E2024:
            self.add(6, (_inherit_dep_outer(name), "`default-features = false` cannot override workspace's `default-features`"), kp + ("default-features" if "default-features" in spec else "default_features",))
        feats = spec.get("features")
        if isinstance(feats, list):
            base = merged.get("features")
            merged["features"] = (list(base) if isinstance(base, list) else []) + feats
        if "optional" in spec:
            merged["optional"] = spec["optional"]
        else:
            merged.pop("optional", None)
        if "public" in spec:
            merged["public"] = spec["public"]
        else:
            merged.pop("public", None)
        root = self.ws_root_dir()
        dep = _Dep(table_kp, name, merged, kind, root if root is not None else self.root, True)
        dep.base = sd  # the merge differs from the shared one only in member-side keys
        return dep

    # -- stage 7: to_real_manifest / to_virtual_manifest -------------------------------------------
    def stage7_real(
        self,
        resolved: dict[str, Any],
        ed: int,
        deps: list[_Dep],
        disc_problems: list[LoadProblem],
        targets: list[Target],
        other_bins: list[str] | None = None,
    ) -> None:
        pk = self.pkg_key
        pkg = self.pkg or {}
        name = pkg.get("name")
        if isinstance(name, str) and ":" in name and not self.broken((pk, "name")):
            self.add(7, feature_required("open-namespaces", "reference/unstable.html#open-namespaces"), (pk, "name"))
        edition = resolved.get("edition")
        ekp = (pk, "edition")
        if isinstance(edition, str):
            err = parse_edition_error(edition)
            if err is not None:
                self.add(7, ("failed to parse the `edition` key", err), ekp)
            else:
                self._rust_version_vs_edition(resolved.get("rust-version"), edition)
                if edition == "future":
                    self.add(7, feature_required("unstable-editions", "reference/unstable.html#unstable-editions"), ekp)
        if isinstance(self.data.get("project"), dict) and ed >= E2024:
            self.add(7, "`[project]` is not supported as of the 2024 Edition, please use `[package]`", ("project",), "key")
        if "metabuild" in pkg:
            self.add(7, feature_required("metabuild", "reference/unstable.html#metabuild"), (pk, "metabuild"), "key")
        self._resolver(pkg.get("resolver"))
        # target normalisation problems of `to_targets` and "no targets"
        target_broken = any(self.broken((k,)) for k in ("lib", "bin", "example", "test", "bench"))
        for p in disc_problems:
            if target_broken and p.message == "no targets specified in the manifest":
                continue
            self.problems.append(p)
        links = pkg.get("links")
        if isinstance(links, str) and not any(t.kind == "custom-build" for t in targets):
            self.add(7, f"package specifies that it links to `{links}` but does not have a custom build script", (pk, "links"))
        self._platforms()
        gathered = self._gather_order(deps)
        regs = self.registries
        for dep in gathered:
            sd = dep.base
            if sd is not None and sd.clean == regs and (dep.shared is sd or _features_clean(dep.spec)):
                continue  # this root entry passed under these registries before
            self.dep_checks(dep)
        self._replace_and_patch()
        self._different_sources(gathered)
        if self.lints is not None and self.lints is not _clean_lints[0]:
            n = len(self.problems)
            self.verify_lints(7, self.lints, ("lints",))
            self._check_cfg_lint(self.lints)
            if len(self.problems) == n:
                # Both depend on the table alone; members inheriting `[workspace.lints]`
                # share that one (never changed) dict: check it once.
                _clean_lints[0] = self.lints
        self._publish(resolved)
        self._summary(gathered)
        run = pkg.get("default-run")
        if isinstance(run, str):
            bins = [t.name for t in targets if t.kind == "bin"]
            if run not in bins and (other_bins is None or run not in other_bins):
                self.add(7, f"default-run target `{run}` not found{closest_msg(run, bins, 'target')}", (pk, "default-run"))
        if "im-a-teapot" in pkg:
            self.add(7, ("the `im-a-teapot` manifest key is unstable and may not work properly in England", feature_required("test-dummy-unstable", "reference/unstable.html")), (pk, "im-a-teapot"), "key")
        for key in ("default-target", "forced-target"):
            if key in pkg:
                self.add(
                    7,
                    (
                        "the `package.default-target` and `package.forced-target` manifest keys are unstable and may not work properly",
                        feature_required("per-package-target", "reference/unstable.html#per-package-target"),
                    ),
                    (pk, key),
                    "key",
                )
                break

    def _platforms(self) -> None:
        """`[target.<key>]` keys are parsed (cargo-platform) before dependencies are gathered."""
        targets = self.data.get("target")
        if not isinstance(targets, dict) or self.broken(("target",)):
            return
        keys = [k for k in sorted(targets) if not _plain_platform(k)]
        if not keys:  # (then the cfg module, ~1.5 ms to import, is not needed)
            return
        try:
            from .cfg import PlatformError, parse_platform
        except ImportError:  # pragma: no cover - the cfg module is another engineer's
            return
        for key in keys:
            try:
                parse_platform(key)
            except PlatformError as err:
                if err.cargo_error:
                    self.add(7, err.message(), ("target", key), "key")
                    return

    def stage7_virtual(self) -> None:
        self._replace_and_patch()
        ws = self.ws or {}
        r = ws.get("resolver")
        if isinstance(r, str) and r not in ("1", "2", "3"):
            self.add(7, f'`resolver` setting `{r}` is not valid, valid options are "1", "2" or "3"', ("workspace", "resolver"))

    def _rust_version_vs_edition(self, rv: Any, edition: str) -> None:
        msrv = _EDITION_MSRV.get(edition)
        if msrv is None or not isinstance(rv, str):
            return
        try:
            parsed = parse_rust_version(rv)
        except SemverError:
            return  # a (D) error of this manifest, or of the root it was inherited from
        major, minor, patch = parsed[0], parsed[1] or 0, parsed[2] or 0
        # `^1.56.0` must match the package's rust-version (missing parts read as 0)
        if major != msrv[0] or (minor, patch) < msrv[1:]:
            need = ".".join(map(str, msrv))
            self.add(
                7,
                f"rust-version {_rv_text(parsed)} is incompatible with the version ({need}) "
                f"required by the specified edition ({edition})",
                (self.pkg_key, "rust-version"),
            )

    def _resolver(self, pkg_resolver: Any) -> None:
        ws_resolver = self.ws.get("resolver") if self.ws is not None else None
        if isinstance(pkg_resolver, str) and isinstance(ws_resolver, str):
            self.add(
                7,
                "cannot specify `resolver` field in both `[workspace]` and `[package]`",
                (self.pkg_key, "resolver"),
                "key",
            )
            return
        for r, kp in ((pkg_resolver, (self.pkg_key, "resolver")), (ws_resolver, ("workspace", "resolver"))):
            if isinstance(r, str) and r not in ("1", "2", "3"):
                self.add(7, f'`resolver` setting `{r}` is not valid, valid options are "1", "2" or "3"', kp)

    @staticmethod
    def _gather_order(deps: list[_Dep]) -> list[_Dep]:
        """`to_real_manifest` gathers dependencies, dev-, build-, then per platform normal,
        build, dev (normalisation visited dev before build).

        ``deps`` is stage6's list: the top-level tables come first, already in the order
        dependencies, dev-, build- (each sorted by name), and the platforms' after them."""
        if not deps or deps[-1].table[0] != "target":
            return deps  # no platform table: nothing to reorder
        split = next(i for i, d in enumerate(deps) if d.table[0] == "target")
        plat = deps[split:]
        prank = {"normal": 0, "build": 1, "dev": 2}
        plat.sort(key=lambda d: (d.table[1], prank[d.kind]))  # stable: names stay sorted
        return deps[:split] + plat

    def registry_known(self, name: str) -> bool:
        return name == "crates-io" or name in self.registries or _env_key(name) in self._registry_keys

    def dep_checks(self, dep: _Dep, stage: int = 7) -> None:
        """`dep_to_dependency` (+ `to_dependency_source_id`), in its order."""
        sd = dep.base
        if sd is None:
            self._dep_checks(dep, stage)
            return
        # The verdict depends on the merged entry, the name and the registries only; an entry
        # that adds member-side keys passes when the root's entry does and its features pass.
        regs = self.registries
        if sd.clean != regs:
            if dep.shared is sd:
                n = len(self.problems)
                self._dep_checks(dep, stage)
                if len(self.problems) == n:
                    sd.clean = regs
                return
            saved, self.problems = self.problems, []
            try:
                self._dep_checks(_Dep(dep.table, dep.name, sd.merged, dep.kind, dep.base_dir, True), stage)
                if not self.problems:
                    sd.clean = regs
            finally:
                self.problems = saved
        if sd.clean == regs and (dep.shared is sd or _features_clean(dep.spec)):
            return
        self._dep_checks(dep, stage)

    def _dep_checks(self, dep: _Dep, stage: int) -> None:
        if dep.spec is _UNKNOWN:
            return
        d = dep.detailed()
        name = dep.name
        # Only string values count (others are stage-1 type errors).
        version, path, git = d.get("version"), d.get("path"), d.get("git")
        registry, index = d.get("registry"), d.get("registry-index")
        if not isinstance(version, str):
            version = None
        if not isinstance(path, str):
            path = None
        if not isinstance(git, str):
            git = None
        if not isinstance(registry, str):
            registry = None
        if not isinstance(index, str):
            index = None
        if version is None and path is None and git is None:
            self.add(stage, f"dependency ({name}) specified without providing a local path, Git repository, version, or workspace dependency to use", dep.key_path)
            return
        if git is None:
            for key in ("branch", "tag", "rev"):
                if key in d:
                    self.add(stage, f"key `{key}` is ignored for dependency ({name}).", dep.at(key), "key")
                    break
        feats = d.get("features")
        if isinstance(feats, list):
            for i, f in enumerate(feats):
                if not isinstance(f, str):
                    continue
                fkp = dep.at("features") + ((i,) if not dep.inherited else ())
                if "/" in f:
                    self.add(
                        stage,
                        f"feature `{f}` in dependency `{name}` is not allowed to contain slashes\n"
                        "If you want to enable features of a transitive dependency, the direct dependency needs to re-export those features from the `[features]` table.",
                        fkp,
                    )
                    break
                if f.startswith("dep:"):
                    self.add(
                        stage,
                        f"feature `{f}` in dependency `{name}` is not allowed to use explicit `dep:` syntax\n"
                        "If you want to enable an optional dependency, specify the name of the optional dependency without the `dep:` prefix, or specify a feature from the dependency's `[features]` table that enables the optional dependency.",
                        fkp,
                    )
                    break
        registry_reported = index_reported = False
        if git is not None and (registry is not None or index is not None):
            self.add(stage, f"dependency ({name}) specification is ambiguous. Only one of `git` or `registry` is allowed.", dep.key_path)
            return
        if registry is not None and index is not None:
            self.add(stage, f"dependency ({name}) specification is ambiguous. Only one of `registry` or `registry-index` is allowed.", dep.key_path)
            return
        if git is not None and path is not None:
            self.add(stage, f"dependency ({name}) specification is ambiguous. Only one of `git` or `path` is allowed.", dep.key_path)
            return
        if git is not None:
            if sum(1 for k in ("branch", "tag", "rev") if k in d) > 1:
                self.add(stage, f"dependency ({name}) specification is ambiguous. Only one of `branch`, `tag` or `rev` is allowed.", dep.key_path)
                return
            err = _source_url_error(git)
            if err is not None:
                self.add(stage, err, dep.at("git"))
                return
        elif path is None and registry is not None:
            registry_reported = True
            if not self.registry_known(registry):
                self.add(stage, f"registry index was not found in any configuration: `{registry}`", dep.at("registry"))
                return
        elif path is None and index is not None:
            index_reported = True
            err = _source_url_error(index)
            if err is not None:
                self.add(stage, err, dep.at("registry-index"))
                return
        if version is not None:
            err = _version_req_error(version)
            if err is not None:
                renamed = d.get("package")
                pkg_name = renamed if isinstance(renamed, str) and renamed else name
                self.add(stage, (f"failed to parse the version requirement `{version}` for dependency `{pkg_name}`", err), dep.at("version"))
                return
        if registry is not None and not registry_reported and not self.registry_known(registry):
            self.add(stage, f"registry index was not found in any configuration: `{registry}`", dep.at("registry"))
            return
        if index is not None and not index_reported:
            err = _into_url_error(index)
            if err is not None:
                self.add(stage, err, dep.at("registry-index"))
                return
        if "artifact" in d:
            self.add(stage, f"`artifact = …` requires `-Z bindeps` ({name})", dep.at("artifact"), "key")
        elif "lib" in d:
            self.add(stage, f"'lib' specifier cannot be used without an 'artifact = …' value ({name})", dep.at("lib"), "key")
        elif "target" in d:
            self.add(stage, f"'target' specifier cannot be used without an 'artifact = …' value ({name})", dep.at("target"), "key")

    def _replace_and_patch(self) -> None:
        patch = self.data.get("patch")
        if "replace" in self.data and patch is not None:
            self.add(7, "cannot specify both [replace] and [patch]", ("replace",), "key")
        if not isinstance(patch, dict) or self.broken(("patch",)):
            return
        for src in sorted(patch):
            deps = patch[src]
            if src != "crates-io" and not (_validate_name(src, "registry name") is None and self.registry_known(src)):
                err = url_error(src)
                if err is not None:
                    head = f"[patch] entry `{src}` should be a URL or registry name"
                    if src == "crates":
                        head += "\nFor crates.io, use [patch.crates-io] (with a dash)"
                    self.add(7, (head, f"invalid url `{src}`: {err}"), ("patch", src), "key")
                    continue
            if not isinstance(deps, dict):
                continue
            for name in sorted(deps):
                if self.broken(("patch", src, name)):
                    continue
                spec = deps[name]
                if isinstance(spec, _DATETIME):
                    spec = {}
                if isinstance(spec, dict) and "base" in spec:
                    spec = {k: v for k, v in spec.items() if k != "base"}  # taken by normalize_patch
                self.dep_checks(_Dep(("patch", src), name, spec, "normal", self.root, False))

    def _source_key(self, dep: _Dep) -> tuple | None:
        # Only the root entry's keys count (git, path, registry, ...): a member adds none.
        sd = dep.base
        if sd is not None:
            if sd.source is _UNKNOWN:
                sd.source = self._source_key_of(dep)
            return sd.source
        return self._source_key_of(dep)

    def _source_key_of(self, dep: _Dep) -> tuple | None:
        if dep.spec is _UNKNOWN:
            return None
        d = dep.detailed()
        git, path, registry = d.get("git"), d.get("path"), d.get("registry")
        if isinstance(git, str):
            url = git.rstrip("/")
            if url.endswith(".git"):
                url = url[:-4]
            if "github.com" in url:
                url = url.lower().replace("http://", "https://", 1)
            ref = next(((k, d[k]) for k in ("branch", "tag", "rev") if isinstance(d.get(k), str)), None)
            return ("git", url, ref)
        if isinstance(path, str):
            return ("path", normalize(posixpath.join(dep.base_dir, path)))
        if isinstance(registry, str):
            return ("registry", registry)
        if "registry-index" in d:
            return None
        return ("registry", "crates-io")

    def _different_sources(self, deps: list[_Dep]) -> None:
        seen: dict[str, tuple | None] = {}
        for dep in deps:
            sd = dep.base
            key = sd.source if sd is not None and sd.source is not _UNKNOWN else self._source_key(dep)
            if dep.name in seen:
                prev = seen[dep.name]
                if prev is not None and key is not None and prev != key:
                    self.add(
                        7,
                        f"Dependency '{dep.name}' has different source paths depending on the build target. Each dependency must have a single canonical source path irrespective of build target.",
                        dep.key_path,
                    )
                    return
                if prev is None:
                    seen[dep.name] = key
            else:
                seen[dep.name] = key

    def _check_cfg_lint(self, lints: dict) -> None:
        rust = lints.get("rust")
        cfg = rust.get("unexpected_cfgs") if isinstance(rust, dict) else None
        if isinstance(cfg, dict) and "check-cfg" in cfg:
            v = cfg["check-cfg"]
            if not (isinstance(v, list) and all(isinstance(x, str) for x in v)):
                self.add(
                    7,
                    "`lints.rust.unexpected_cfgs.check-cfg` must be a list of string",
                    ("lints", "rust", "unexpected_cfgs", "check-cfg"),
                )

    def _publish(self, resolved: dict[str, Any]) -> None:
        if resolved.get("version") is not None:
            return
        publish = resolved.get("publish")
        if publish is True or (isinstance(publish, list) and publish):
            self.add(7, "`package.publish` requires `package.version` be specified", (self.pkg_key, "publish"))

    def _summary(self, deps: list[_Dep]) -> None:
        """`Summary::new`: optional dev-dependencies, then `build_feature_map`."""
        def is_optional(dep: _Dep) -> bool:
            if dep.spec is _UNKNOWN:
                raw = self._table_at(dep.key_path)
                return isinstance(raw, dict) and raw.get("optional") is True
            return isinstance(dep.spec, dict) and dep.spec.get("optional") is True

        # (a shared `workspace = true` entry never is: the merge drops `optional`)
        optional_deps = {id(dep) for dep in deps if dep.shared is None and is_optional(dep)}

        def optional(dep: _Dep) -> bool:
            return id(dep) in optional_deps

        if optional_deps:
            for dep in deps:
                if dep.kind == "dev" and optional(dep):
                    self.add(7, f"dev-dependencies are not allowed to be optional: `{dep.name}`", dep.at("optional"))
                    break
        raw_features = self.data.get("features")
        features: dict[str, list[str]] = {}
        if isinstance(raw_features, dict):
            if self.broken(("features",)):
                return
            for k, v in raw_features.items():
                if isinstance(v, list):
                    features[k] = [x for x in v if isinstance(x, str)]
        dep_map: dict[str, bool] = dict.fromkeys([dep.name for dep in deps], False)
        if optional_deps:
            for dep in deps:
                if optional(dep):
                    dep_map[dep.name] = True

        parsed = _FEATURE_VALUES
        if len(parsed) > 65536:
            parsed.clear()
        fmap = {}
        for k, vs in features.items():
            vals = []
            for i, v in enumerate(vs):
                fv = parsed.get(v)
                if fv is None:
                    fv = parsed[v] = _parse_fv(v)
                vals.append((fv, i))
            fmap[k] = vals
        listed = {fv[1] for vals in fmap.values() for fv, _ in vals if fv[0] == "dep"}
        for dep in deps if optional_deps else ():
            if optional(dep) and dep.name not in features and dep.name not in listed:
                fmap[dep.name] = [(("dep", dep.name, None, False), None)]
        feature_keys = list(features)  # `closest` iterates the BTreeMap: sorted
        feature_keys.sort()
        for feature in sorted(fmap):
            for fv, i in fmap[feature]:
                kind, dname, dfeat, weak = fv
                is_any = dname in dep_map
                is_opt = dep_map.get(dname, False)
                if kind == "f":
                    if dname in features:
                        continue
                    if not is_any:
                        self.add(
                            7,
                            f"feature `{feature}` includes `{_fv_text(fv)}` which is neither a dependency nor another feature{closest_msg(dname, feature_keys, 'feature')}",
                            _feature_kp(feature, i),
                        )
                    elif is_opt:
                        if dname not in fmap:
                            self.add(
                                7,
                                f"feature `{feature}` includes `{_fv_text(fv)}`, "
                                f"but `{dname}` is an optional dependency without an implicit feature\n"
                                f"Use `dep:{dname}` to enable the dependency.",
                                _feature_kp(feature, i),
                            )
                    else:
                        self.add(
                            7,
                            f"feature `{feature}` includes `{_fv_text(fv)}`, but `{dname}` is not an optional dependency\n"
                            "A non-optional dependency of the same name is defined; "
                            "consider adding `optional = true` to its definition.",
                            _feature_kp(feature, i),
                        )
                elif kind == "dep":
                    if not is_any:
                        self.add(7, f"feature `{feature}` includes `{_fv_text(fv)}`, but `{dname}` is not listed as a dependency", _feature_kp(feature, i))
                    elif not is_opt:
                        self.add(
                            7,
                            f"feature `{feature}` includes `{_fv_text(fv)}`, but `{dname}` is not an optional dependency\n"
                            "A non-optional dependency of the same name is defined; "
                            "consider adding `optional = true` to its definition.",
                            _feature_kp(feature, i),
                        )
                else:
                    if "/" in dfeat:
                        self.add(7, f"multiple slashes in feature `{_fv_text(fv)}` (included by feature `{feature}`) are not allowed", _feature_kp(feature, i))
                    elif dname.startswith("dep:"):
                        stripped = dname[4:]
                        extra = ""
                        if not (weak or stripped in listed or not dep_map.get(stripped, False)):
                            extra = (
                                f"\nIf the intent is to avoid creating an implicit feature `{stripped}` for an optional dependency, "
                                f'then consider replacing this with two values:\n    "dep:{stripped}", "{stripped}/{dfeat}"'
                            )
                        self.add(
                            7,
                            f"feature `{feature}` includes `{_fv_text(fv)}` with both `dep:` and `/`\n"
                            f"To fix this, remove the `dep:` prefix.{extra}",
                            _feature_kp(feature, i),
                        )
                    elif not is_any:
                        # MissingDependencyError is printed as a diagnostic of its own (D shape)
                        self.add(7, f"feature `{feature}` includes `{_fv_text(fv)}`, but `{dname}` is not a dependency", _feature_kp(feature, i), shape="D")
                    elif weak and not is_opt:
                        self.add(
                            7,
                            f"feature `{feature}` includes `{_fv_text(fv)}` with a `?`, but `{dname}` is not an optional dependency\n"
                            "A non-optional dependency of the same name is defined; "
                            "consider removing the `?` or changing the dependency to be optional",
                            _feature_kp(feature, i),
                        )
        used = {fv[1] for vals in fmap.values() for fv, _ in vals if fv[0] in ("dep", "df")}
        for dep in deps if optional_deps else ():
            if optional(dep) and dep.name not in used:
                self.add(
                    7,
                    f"optional dependency `{dep.name}` is not included in any feature\n"
                    f"Make sure that `dep:{dep.name}` is included in one of features in the [features] table.",
                    dep.key_path,
                )
                break

    def stage6_virtual(self) -> None:
        for section, keys in _VIRTUAL_FORBIDDEN:
            for key in keys:
                if key in self.data:
                    self.add(6, f"this virtual manifest specifies a `{section}` section, which is not allowed", (key,), "key")
                    break


# Feature value text -> _parse_fv's tuple: members repeat the same `dep/feature` values.
_FEATURE_VALUES: dict[str, tuple] = {}


def _parse_fv(v: str) -> tuple:
    if "/" in v:
        dep, feat = v.split("/", 1)
        weak = dep.endswith("?")
        return ("df", dep[:-1] if weak else dep, feat, weak)
    if v.startswith("dep:"):
        return ("dep", v[4:], None, False)
    return ("f", v, None, False)


def _feature_kp(feature: str, i: int | None) -> tuple:
    return ("features", feature, i) if i is not None else ("features", feature)


def _fv_text(fv: tuple) -> str:
    kind, name, feat, weak = fv
    if kind == "f":
        return name
    if kind == "dep":
        return f"dep:{name}"
    return f"{name}{'?' if weak else ''}/{feat}"


# =================================================================================================
# Entry point
# =================================================================================================


def check_manifest(
    manifest_path: str,
    data: dict,
    fs: FileSystem,
    *,
    workspace: WorkspaceLookup | None,
    registries: frozenset[str] = frozenset({"crates-io"}),
) -> list[LoadProblem]:
    """All load problems cargo would find in this manifest on its own, in cargo's order
    (``problems[0]`` is the one it reports).

    ``workspace`` resolves `workspace = true` inheritance when the manifest has no [workspace] of
    its own; it is asked only when something is inherited. ``None`` means "not known": inherited
    values are then taken on trust and nothing about them is reported. ``registries`` are the
    registry names cargo can resolve (see `known_registries`).
    """
    data = _plain(data)
    c = _Checker(manifest_path, data, fs, workspace, registries)
    c.schema.manifest(data)
    c.problems.extend(c.schema.problems)
    if any(c.broken((k,)) for k in ("package", "project", "workspace")):
        return c.problems  # nothing sensible can be said about a manifest of the wrong shape
    c.stage2()
    c.stage3()
    resolved = c.stage4()
    if c.pkg is not None:
        edition = resolved.get("edition")
        edition_str = edition if isinstance(edition, str) and edition in EDITIONS else "2015"
        ed = edition_rank(edition_str)
        disc = discover(c.root, data, fs, edition_str)
        problems, other_bins = disc.problems, None
        if edition is _UNKNOWN:
            # Inherited from a root we cannot see: keep only what holds in 2015 and in 2024
            # alike (2018 and 2021 discover like 2024), and treat the 2024-only checks as off.
            alt = discover(c.root, data, fs, "2024")
            problems = [p for p in problems if p in alt.problems]
            other_bins = [t.name for t in alt.targets if t.kind == "bin"]
        late = [p for p in problems if p.stage != 5]
        c.problems.extend(p for p in problems if p.stage == 5)
        name = c.pkg.get("name")
        deps = c.stage6(ed, name if isinstance(name, str) else None)
        c.stage7_real(resolved, ed, deps, late, disc.targets, other_bins)
    else:
        c.stage6_virtual()
        if c.ws is not None:
            c.stage7_virtual()
        else:
            c.add(7, "manifest is missing either a `[package]` or a `[workspace]`", (), "table")
    c.problems.sort(key=lambda p: p.stage)  # stable: the order inside a stage is cargo's
    return c.problems
