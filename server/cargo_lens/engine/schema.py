"""The Cargo.toml JSON Schema (``schemas/cargo.schema.json``) applied to our TOML tree.

Three uses: diagnostics (``validate``: unknown keys and values of the wrong type, with the exact
range of the key or value), hover docs (``key_docs``) and completion (``completions``,
``enum_values``). Stdlib only; the JSON is read on first use, once.

The evaluator covers the subset of draft-07 the schema is written in: ``$ref`` (local
``#/definitions/...``), ``allOf``, ``anyOf``/``oneOf``, ``not``, ``type``, ``enum``, ``const``,
``pattern``, ``minimum``/``maximum``, ``properties``, ``patternProperties``,
``additionalProperties``, ``required``, ``items``; plus the annotations ``description``,
``markdownDescription``, ``x-docs``, ``deprecated``, ``default``, ``examples``, ``errorMessage``
and ``patternErrorMessage``. Other keywords are ignored.

How cargo decides is mirrored in two places:

* an unknown key is reported only where the schema closes a table
  (``additionalProperties: false``): cargo then warns "unused manifest key" and goes on, so
  it is a *warning*; every other mismatch makes cargo refuse the manifest, an *error*;
* ``anyOf`` works like serde's untagged enums, which cargo uses for "a string or a table"
  fields: the first branch the value fits *ignoring unknown keys* wins and only its unknown
  keys are reported (``{ workspace = true, version = "1" }`` is an inherited dependency whose
  ``version`` cargo ignores). When no branch fits, the closest one explains why.

Value types: TOML strings, integers, floats, booleans, arrays and tables are JSON's string,
integer, number, boolean, array and object. A TOML date-time matches no JSON type.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from .toml_doc import Array, ArrayOfTables, Item, Scalar, Table, TomlDocument

# Shipped beside this module (a symlink to schemas/ in the repository, a copy in a wheel).
SCHEMA_PATH = Path(__file__).with_name("cargo.schema.json")

UNKNOWN_KEY = "unknown-key"
WRONG_TYPE = "wrong-type"
_SEVERITY = {UNKNOWN_KEY: "warning", WRONG_TYPE: "error"}


@dataclass(frozen=True)
class SchemaFinding:
    kind: str  # "unknown-key" | "wrong-type"
    key_path: tuple  # str keys, int indexes into arrays / arrays of tables
    span: tuple[int, int]  # the key (unknown-key) or the value (wrong-type), code-point offsets
    message: str
    severity: str  # "warning" | "error"


# -- loading -----------------------------------------------------------------------------------

_loaded: dict[str, Any] = {}


def load_schema() -> dict:
    """The parsed schema (read once)."""
    schema = _loaded.get("schema")
    if schema is None:
        with open(SCHEMA_PATH, encoding="utf-8") as f:
            schema = json.load(f)
        _loaded["schema"] = schema
    return schema


def _resolve_ref(ref: str) -> Any:
    if not ref.startswith("#/"):
        raise ValueError(f"only local $ref are supported: {ref!r}")
    node: Any = load_schema()
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def _deref(s: Any) -> Any:
    seen = 0
    while isinstance(s, dict) and "$ref" in s:
        s = _resolve_ref(s["$ref"])
        seen += 1
        if seen > 50:
            raise ValueError("$ref cycle")
    return s


_regex_cache: dict[str, re.Pattern] = {}


def _regex(pattern: str) -> re.Pattern:
    rx = _regex_cache.get(pattern)
    if rx is None:
        rx = _regex_cache[pattern] = re.compile(pattern)
    return rx


# -- TOML values as JSON types -----------------------------------------------------------------

_SCALAR_TYPES = {"string": "string", "integer": "integer", "float": "number", "boolean": "boolean", "datetime": "datetime"}


def _json_type(item: Item) -> str:
    if isinstance(item, Scalar):
        return _SCALAR_TYPES.get(item.kind, item.kind)
    if isinstance(item, Table):
        return "object"
    return "array"  # Array, ArrayOfTables


def _type_ok(actual: str, wanted: Any) -> bool:
    wanted = wanted if isinstance(wanted, list) else [wanted]
    return actual in wanted or (actual == "integer" and "number" in wanted)


def _same(item: Item, value: Any) -> bool:
    """JSON equality for enum/const, strict about bool vs int vs float (cargo is)."""
    if not isinstance(item, Scalar):
        return False
    kind = item.kind
    if isinstance(value, bool):
        return kind == "boolean" and item.value is value
    if isinstance(value, int):
        return kind == "integer" and item.value == value
    if isinstance(value, float):
        return kind == "float" and item.value == value
    if isinstance(value, str):
        return kind == "string" and item.value == value
    return False


def _value_type(value: Any) -> str:
    """The JSON type of a value written in the schema (an enum member)."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "object" if isinstance(value, dict) else "array"


def _toml_literal(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return json.dumps(value)


def _found(item: Item) -> str:
    if isinstance(item, Scalar):
        kind = {"float": "float", "datetime": "date-time"}.get(item.kind, item.kind)
        if item.kind == "string":
            text = json.dumps(item.value, ensure_ascii=False)
            if len(text) > 40:
                text = text[:37] + '..."'
            return f"string `{text}`"
        if item.kind == "datetime":
            return f"date-time `{item.value}`"
        return f"{kind} `{_toml_literal(item.value)}`"
    if isinstance(item, Table):
        return "a table"
    return "an array"


_BARE = re.compile(r"^[A-Za-z0-9_-]+$")


def display_path(path: Iterable) -> str:
    """A key path as written in TOML: `target.'cfg(unix)'.dependencies`, `bin[0].name`."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
            continue
        key = part if _BARE.match(part) else (f"'{part}'" if "'" not in part else json.dumps(part))
        out += ("." if out else "") + key
    return out


# -- describing a schema (messages, hover, completion details) ---------------------------------

_ARTICLE = {"string": "a string", "integer": "an integer", "number": "a number", "boolean": "a boolean",
            "array": "an array", "object": "a table"}


def _alternatives(s: Any, skip_deprecated: bool = False) -> list[dict]:
    """The schemas a value may match: `$ref`s resolved, `allOf`/`anyOf`/`oneOf` flattened."""
    out: list[dict] = []
    stack = [s]
    while stack:
        cur = _deref(stack.pop(0))
        if not isinstance(cur, dict):
            continue
        if skip_deprecated and cur.get("deprecated") and out:
            continue
        branches = cur.get("anyOf") or cur.get("oneOf")
        subs = cur.get("allOf")
        own = {k: v for k, v in cur.items() if k not in ("anyOf", "oneOf", "allOf")}
        if _shape_keys(own):
            out.append(own)
        if subs:
            stack[0:0] = list(subs)
        if branches:
            stack.extend(branches)
    return out


_SHAPE = ("type", "enum", "const", "properties", "additionalProperties", "patternProperties", "items", "not", "pattern")


def _shape_keys(s: dict) -> bool:
    return any(k in s for k in _SHAPE)


def _describe(s: Any) -> str:
    """What a schema accepts, in words: "a string", "one of `"2015"`, `"2018"`", ..."""
    parts: list[str] = []
    for alt in _alternatives(s, skip_deprecated=True):
        text = _describe_one(alt)
        if text and text not in parts:
            parts.append(text)
    if not parts:
        return "any value"
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " or " + parts[-1]


def _describe_one(s: dict) -> str | None:
    if "not" in s and s["not"] == {}:
        return None
    if "const" in s:
        return f"`{_toml_literal(s['const'])}`"
    if "enum" in s:
        return "one of " + ", ".join(f"`{_toml_literal(v)}`" for v in s["enum"])
    t = s.get("type")
    if t is None:
        if "properties" in s or "additionalProperties" in s:
            t = "object"
        else:
            return None
    types = t if isinstance(t, list) else [t]
    words = []
    for ty in types:
        if ty == "object" and "workspace" in s.get("required", ()):
            words.append("`{ workspace = true }`")
        elif ty == "array" and isinstance(s.get("items"), dict):
            inner = _deref(s["items"])
            it = inner.get("type") if isinstance(inner, dict) else None
            if "enum" in inner:
                words.append("an array of " + ", ".join(f"`{_toml_literal(v)}`" for v in inner["enum"]))
            elif it == "string":
                words.append("an array of strings")
            else:
                words.append("an array")
        else:
            words.append(_ARTICLE.get(ty, ty))
    return " or ".join(words)


def _type_summary(s: Any) -> str:
    """Short type label for completion details: `string`, `boolean | string`, `table`, ..."""
    labels: list[str] = []
    for alt in _alternatives(s, skip_deprecated=True):
        if "not" in alt and alt["not"] == {}:
            continue
        if "const" in alt:
            label = _toml_literal(alt["const"])
        elif "enum" in alt:
            label = " | ".join(_toml_literal(v) for v in alt["enum"])
        else:
            t = alt.get("type") or ("object" if ("properties" in alt or "additionalProperties" in alt) else None)
            if t is None:
                continue
            types = t if isinstance(t, list) else [t]
            names = []
            for ty in types:
                if ty == "object" and "workspace" in alt.get("required", ()):
                    names.append("{ workspace = true }")
                elif ty == "object":
                    names.append("table")
                elif ty == "array":
                    inner = _deref(alt.get("items")) if isinstance(alt.get("items"), dict) else {}
                    names.append("array of strings" if inner.get("type") == "string" and "enum" not in inner else "array")
                else:
                    names.append(ty)
            label = " | ".join(names)
        if label not in labels:
            labels.append(label)
    return " | ".join(labels) if labels else "any"


def _annotations(s: Any) -> dict:
    """description / markdownDescription / x-docs / deprecated of a property schema: its own,
    else those of what it refers to."""
    out: dict = {}
    stack = [s]
    while stack:
        cur = stack.pop(0)
        if not isinstance(cur, dict):
            continue
        for k in ("title", "description", "markdownDescription", "x-docs", "deprecated", "default", "examples"):
            if k in cur and k not in out:
                out[k] = cur[k]
        if "$ref" in cur:
            stack.append(_resolve_ref(cur["$ref"]))
        for sub in cur.get("allOf", ()):
            stack.append(sub)
    return out


def _forbidden(s: Any) -> bool:
    s = _deref(s)
    if not isinstance(s, dict):
        return s is False
    if s.get("not") == {}:
        return True
    return any(_forbidden(sub) for sub in s.get("allOf", ()))


# -- validation --------------------------------------------------------------------------------


class _F:
    """A finding whose message is built only if it is reported: `anyOf` branches that lose
    produce many findings that are thrown away (and spelling suggestions are costly)."""

    __slots__ = ("kind", "path", "span", "_message")

    def __init__(self, kind: str, path: tuple, span: tuple, message):
        self.kind, self.path, self.span, self._message = kind, path, span, message

    @property
    def message(self) -> str:
        if callable(self._message):
            self._message = self._message()
        return self._message


class _Validator:
    def __init__(self) -> None:
        self.root = load_schema()

    def run(self, doc: TomlDocument) -> list[SchemaFinding]:
        found = self.check(doc.root, self.root, ())
        out: list[SchemaFinding] = []
        seen = set()
        for f in found:
            key = (f.kind, f.path, f.span, f.message)
            if key in seen:
                continue
            seen.add(key)
            out.append(SchemaFinding(f.kind, f.path, f.span, f.message, _SEVERITY[f.kind]))
        out.sort(key=lambda f: (f.span, f.kind))
        return out

    # one schema against one item
    def check(self, item: Item, s: Any, path: tuple) -> list[_F]:
        if s is True or s is None:
            return []
        if s is False:
            return [self._wrong(item, path, None, "this key is not allowed here")]
        if "$ref" in s:
            return self.check(item, _resolve_ref(s["$ref"]), path)
        out: list[_F] = []
        for sub in s.get("allOf", ()):
            out += self.check(item, sub, path)
        branches = s.get("anyOf") or s.get("oneOf")
        if branches:
            out += self._any_of(item, s, branches, path)
        if "not" in s and not any(f.kind == WRONG_TYPE for f in self.check(item, s["not"], path)):
            return out + [self._wrong(item, path, s, "this key is not allowed here")]
        jtype = _json_type(item)
        if "type" in s and not _type_ok(jtype, s["type"]):
            return out + [self._wrong(item, path, s)]
        if "enum" in s and not any(_same(item, v) for v in s["enum"]):
            return out + [self._wrong(item, path, s)]
        if "const" in s and not _same(item, s["const"]):
            return out + [self._wrong(item, path, s)]
        if isinstance(item, Scalar):
            if "pattern" in s and item.kind == "string" and not _regex(s["pattern"]).search(item.value):
                pem = s.get("patternErrorMessage")
                return out + [self._wrong(item, path, s, f"expected {pem}" if pem else f"expected a string matching `{s['pattern']}`")]
            if item.kind in ("integer", "float"):
                lo, hi = s.get("minimum"), s.get("maximum")
                if (lo is not None and item.value < lo) or (hi is not None and item.value > hi):
                    rng = f"between {lo} and {hi}" if lo is not None and hi is not None else (f"at least {lo}" if lo is not None else f"at most {hi}")
                    return out + [self._wrong(item, path, s, f"expected a number {rng}")]
            return out
        if isinstance(item, Table):
            out += self._object(item, s, path)
        elif "items" in s:
            children = item.items if isinstance(item, Array) else item.tables  # type: ignore[union-attr]
            for i, child in enumerate(children):
                out += self.check(child, s["items"], path + (i,))
        return out

    def _object(self, table: Table, s: dict, path: tuple) -> list[_F]:
        out: list[_F] = []
        missing = [k for k in s.get("required", ()) if k not in table.entries]
        if missing:
            names = ", ".join(f"`{k}`" for k in missing)
            out.append(self._wrong(table, path, s, f"missing required key {names}"))
        props = s.get("properties", {})
        patterns = s.get("patternProperties", {})
        extra = s.get("additionalProperties", True)
        for key, child in table.entries.items():
            sub = path + (key,)
            matched = False
            if key in props:
                out += self.check(child, props[key], sub)
                matched = True
            for pat, ps in patterns.items():
                if _regex(pat).search(key):
                    out += self.check(child, ps, sub)
                    matched = True
            if matched:
                continue
            if extra is False:
                out.append(_F(UNKNOWN_KEY, sub, child.key_span or child.span, lambda k=key, p=path, pr=props: self._unknown_message(k, p, pr)))
            elif isinstance(extra, dict):
                out += self.check(child, extra, sub)
        return out

    def _any_of(self, item: Item, s: dict, branches: list, path: tuple) -> list[_F]:
        results = [self.check(item, b, path) for b in branches]
        for r in results:  # serde's untagged enums: the first branch that deserializes wins
            if not any(f.kind == WRONG_TYPE for f in r):
                return r
        own = [r for r in results if not any(f.kind == WRONG_TYPE and f.path == path for f in r)]
        if own:  # the value has the shape of a branch, but something inside is wrong
            return min(own, key=lambda r: (sum(f.kind == WRONG_TYPE for f in r), len(r)))
        # No branch has the value's shape. A table or array is explained by the one branch of
        # its type, if there is one (e.g. "missing required key"); a scalar by the schema's own
        # message, else by the one branch of its type (e.g. a version's pattern).
        fitting = [r for b, r in zip(branches, results) if self._takes_type(b, _json_type(item))]
        structured = isinstance(item, (Table, Array, ArrayOfTables))
        if len(fitting) == 1 and (structured or not s.get("errorMessage")):
            return fitting[0]
        return [self._wrong(item, path, s)]

    @staticmethod
    def _takes_type(s: Any, jtype: str) -> bool:
        for alt in _alternatives(s):
            t = alt.get("type")
            if t is not None:
                if _type_ok(jtype, t):
                    return True
            elif jtype == "object" and ("properties" in alt or "additionalProperties" in alt):
                return True
            elif any(_value_type(v) == jtype for v in alt.get("enum", ())):
                return True
        return False

    # messages
    def _wrong(self, item: Item, path: tuple, s: Any, text: str | None = None) -> _F:
        return _F(WRONG_TYPE, path, item.span, lambda: self._wrong_message(item, path, s, text))

    def _wrong_message(self, item: Item, path: tuple, s: Any, text: str | None) -> str:
        if text is None:
            custom = s.get("errorMessage") if isinstance(s, dict) else None
            text = custom or f"expected {_describe(s)}"
        elif isinstance(s, dict) and s.get("errorMessage"):
            text = s["errorMessage"]
        if text.startswith("expected "):
            text += f", found {_found(item)}"
        where = display_path(path) or "the manifest"
        return f"`{where}`: {text}"

    @staticmethod
    def _unknown_message(key: str, table_path: tuple, props: dict) -> str:
        where = f"in `[{display_path(table_path)}]`" if table_path else "at the top level of the manifest"
        msg = f"unknown key `{key}` {where}: cargo ignores it (\"unused manifest key\")"
        known = [k for k, v in props.items() if not _forbidden(v) and not _annotations(v).get("deprecated")]
        guess = None
        norm = key.replace("_", "-").lower()
        for k in known:
            if k.lower() == norm:
                guess = k
                break
        if guess is None:
            import difflib  # only when there is an unknown key to explain

            close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
            guess = close[0] if close else None
        if guess is not None:
            msg += f"; did you mean `{guess}`?"
        return msg


def validate(doc: TomlDocument) -> list[SchemaFinding]:
    """Unknown keys and wrong types in a parsed manifest, sorted by position.

    Nothing is reported for a document with TOML syntax errors: its tree is partial, so the
    schema would only add noise next to the syntax error (the same staging as taplo)."""
    if doc.errors:
        return []
    return _Validator().run(doc)


def validate_text(text: str) -> list[SchemaFinding]:
    from .toml_doc import parse

    return validate(parse(text))


_CACHE_KEY = ("cargo-lens-schema-findings",)


def manifest_findings(manifest) -> list[SchemaFinding]:
    """``validate`` for a ``manifest.Manifest``, kept on it (the result depends on its text only)."""
    if manifest.doc is None:
        return []
    cache = manifest.problem_cache
    found = cache.get(_CACHE_KEY)
    if found is None:
        found = cache[_CACHE_KEY] = validate(manifest.doc)
    return found


# -- navigation (hover, completion) ------------------------------------------------------------


def _child_schemas(s: Any, part: Any) -> list:
    """The schemas of ``part`` (a key or an array index) inside a value described by ``s``."""
    out = []
    for alt in _alternatives(s):
        if isinstance(part, int):
            if isinstance(alt.get("items"), (dict, bool)):
                out.append(alt["items"])
            continue
        if "items" in alt and not ("properties" in alt or "additionalProperties" in alt):
            # a key under an array of tables given without its index: look into the items
            out += _child_schemas(alt["items"], part)
            continue
        props = alt.get("properties", {})
        if part in props:
            out.append(props[part])
            continue
        hit = False
        for pat, ps in alt.get("patternProperties", {}).items():
            if _regex(pat).search(part):
                out.append(ps)
                hit = True
        if not hit and isinstance(alt.get("additionalProperties"), dict):
            out.append(alt["additionalProperties"])
    return out


def _schemas_at(key_path: Iterable) -> tuple[list, str | None]:
    """Schemas of the value at ``key_path`` and the nearest documentation link on the way."""
    current = [load_schema()]
    url = load_schema().get("x-docs")
    for part in key_path:
        nxt = []
        for s in current:
            nxt += _child_schemas(s, part)
        if not nxt:
            return [], url
        current = nxt
        for s in current:
            u = _annotations(s).get("x-docs")
            if u:
                url = u
                break
    return current, url


def key_docs(key_path: Iterable) -> tuple[str, str, str | None] | None:
    """Hover documentation of a key: (title, markdown, reference url), or None when the schema
    does not know the key. Ints in ``key_path`` index arrays (``("bin", 0, "name")``)."""
    key_path = tuple(key_path)
    schemas, url = _schemas_at(key_path)
    if not schemas:
        return None
    s = schemas[0]
    ann = _annotations(s)
    desc = ann.get("description")
    if desc is None:
        return None
    title = display_path(key_path) or "Cargo.toml"
    own_url = ann.get("x-docs") or url
    lines = [f"**{title}**: `{_type_summary(s)}`", "", desc]
    if ann.get("deprecated"):
        lines += ["", "*Deprecated.*"]
    if own_url:
        lines += ["", f"[Cargo reference]({own_url})"]
    return title, "\n".join(lines), own_url


def _snippet(s: Any) -> str | None:
    """A starting value for ``key = …``; None for a key that names a table."""
    ann = _annotations(s)
    alts = [a for a in _alternatives(s, skip_deprecated=True) if not (a.get("not") == {})]
    if not alts:
        return None
    first = alts[0]
    default = ann.get("default", first.get("default"))
    if default is None and ann.get("examples"):
        default = ann["examples"][0]
    if "enum" in first or "const" in first:
        values = first.get("enum") or [first.get("const")]
        return _toml_literal(default if default in values else values[0])
    t = first.get("type")
    t = t[0] if isinstance(t, list) else t
    if t is None or t == "object":
        return None
    if t == "string":
        return _toml_literal(default) if isinstance(default, str) else '""'
    if t == "boolean":
        return _toml_literal(default) if isinstance(default, bool) else "true"
    if t == "array":
        return "[]"
    if t in ("integer", "number"):
        if isinstance(default, (int, float)) and not isinstance(default, bool):
            return _toml_literal(default)
        return _toml_literal(first.get("minimum", 0))
    return None


def completions(table_path: Iterable, existing_keys: Iterable[str] = ()) -> list[tuple[str, str, str, str | None]]:
    """Keys the schema offers inside the table at ``table_path`` that are not yet written:
    ``(key, detail, markdown docs, snippet value or None)``. The snippet is TOML text for
    ``key = <snippet>``; None means the key names a table (write a header or a dotted key).
    Legacy spellings, deprecated keys and keys cargo rejects are not offered."""
    existing = set(existing_keys)
    schemas, _ = _schemas_at(tuple(table_path))
    objects = []
    for s in schemas:
        for alt in _alternatives(s):
            if "properties" in alt:
                objects.append(alt)
    # "A table, or { workspace = true, ... }": an empty table is offered the keys of every
    # branch; once keys are written, only those of the branches they fit, and the branch a
    # written required key (`workspace`) selects wins over the others.
    if existing:
        fitting = [o for o in objects if set(o.get("required", ())) <= existing]
        selected = [o for o in fitting if o.get("required")]
        objects = selected or fitting
    out: list[tuple[str, str, str, str | None]] = []
    seen = set(existing)
    for o in objects:
        for key, ps in o["properties"].items():
            if key in seen or _forbidden(ps):
                continue
            ann = _annotations(ps)
            if ann.get("deprecated"):
                continue
            seen.add(key)
            docs = ann.get("description", "")
            if ann.get("x-docs"):
                docs += f"\n\n[Cargo reference]({ann['x-docs']})"
            out.append((key, _type_summary(ps), docs, _snippet(ps)))
    return out


def enum_values(key_path: Iterable) -> list[str]:
    """The values the schema lists for the key at ``key_path``, as TOML literals (``"2021"``,
    ``3``, ``true``); for an array, the values of its items. Empty when the value is free."""
    schemas, _ = _schemas_at(tuple(key_path))
    out: list[str] = []
    for s in schemas:
        for alt in _alternatives(s, skip_deprecated=True):
            values: list = []
            if "enum" in alt:
                values = list(alt["enum"])
            elif "const" in alt:
                values = [alt["const"]]
            elif alt.get("type") == "boolean" or (isinstance(alt.get("type"), list) and "boolean" in alt["type"]):
                values = [True, False]
            elif alt.get("type") == "array" and isinstance(alt.get("items"), dict):
                for inner in _alternatives(alt["items"], skip_deprecated=True):
                    values += list(inner.get("enum", ()))
            for v in values:
                lit = _toml_literal(v)
                if lit not in out:
                    out.append(lit)
    return out


__all__ = [
    "SCHEMA_PATH",
    "SchemaFinding",
    "completions",
    "display_path",
    "enum_values",
    "key_docs",
    "load_schema",
    "manifest_findings",
    "validate",
    "validate_text",
]
