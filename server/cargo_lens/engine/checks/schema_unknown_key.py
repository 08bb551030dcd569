"""CL103: a key the Cargo.toml schema does not know; cargo ignores it with "unused manifest key"."""

from .. import schema
from ._base import CheckContext, Rule, diagnostic

RULE = Rule(
    "CL103",
    "unknown-key",
    "warning",
    "A key cargo does not know and ignores (\"unused manifest key\"), often a typo: `[pakage]`, `opt_level`.",
)


def check(cx: CheckContext):
    for path in cx.files():
        m = cx.ctx.manifest(path)
        if m.read_error is not None or m.syntax_errors:
            continue  # staged: no schema findings next to TOML syntax errors
        for f in schema.manifest_findings(m):
            if f.kind == schema.UNKNOWN_KEY:
                yield diagnostic(RULE, path, f.span, f.message)
