"""CL403: a cfg name or value no known target has (`target_os = "linx"`), or an unknown target."""

from __future__ import annotations

from ._base import CheckContext, Rule, diagnostic
from .cfg_unsupported import lints

RULE = Rule(
    "CL403",
    "cfg-unknown-value",
    "warning",
    "A `cfg(...)` name, value or target triple that no built-in Rust target has; probably a typo.",
)

CODES = ("unknown-value", "unknown-key", "unknown-name", "name-needs-value", "unknown-target")


def check(cx: CheckContext):
    for path in cx.files():
        for span, lint in lints(path, cx.ctx.manifest(path), CODES):
            yield diagnostic(RULE, path, span, lint.message, help=[lint.help] if lint.help else [])
