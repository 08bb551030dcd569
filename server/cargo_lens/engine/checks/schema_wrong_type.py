"""CL104: a value of the wrong type, or outside the values cargo accepts, per the Cargo.toml schema.

CL101 already reports, with cargo's own words, the type errors cargo's deserializer raises for
[package], dependencies, targets, [workspace] and [lints]; a schema finding at the same place is
left to it. What remains is what CL101 does not model: [profile] values, enumerations
(`edition`, `resolver`, `crate-type`, `opt-level`, `debug`, `lto`, `panic`, `strip`, ...), keys
cargo rejects in a place (`lto` in a package override) and the rest of the schema.
"""

from .. import schema
from ._base import CheckContext, Rule, diagnostic
from .inherited_missing import is_inheritance_problem
from .invalid_manifest import problem_span

RULE = Rule(
    "CL104",
    "wrong-type",
    "error",
    "A value of the wrong type or outside the allowed values (`edition = 2021`, `opt-level = \"fast\"`); cargo rejects the manifest.",
)


def _overlaps(a, b) -> bool:
    return a[0] < b[1] and b[0] < a[1] or a == b


def check(cx: CheckContext):
    for path in cx.files():
        m = cx.ctx.manifest(path)
        if m.read_error is not None or m.syntax_errors:
            continue  # staged: no schema findings next to TOML syntax errors
        wrong = [f for f in schema.manifest_findings(m) if f.kind == schema.WRONG_TYPE]
        if not wrong:
            continue
        owned = []  # what CL101 reports: its key paths and ranges
        for problem in cx.problems(path):
            if is_inheritance_problem(problem):
                continue
            owned.append((tuple(problem.key_path), problem_span(cx, path, problem)))
        for f in wrong:
            if any(kp == f.key_path or (span is not None and kp and _overlaps(span, f.span)) for kp, span in owned):
                continue
            yield diagnostic(RULE, path, f.span, f.message)
