"""CL402: a cfg that cargo never honours when selecting dependencies (`test`, `feature = …`)."""

from __future__ import annotations

from .. import cfg
from ._base import CheckContext, Rule, diagnostic
from ._cfg_keys import target_keys

RULE = Rule(
    "CL402",
    "cfg-unsupported-for-dependencies",
    "warning",
    "`cfg(test)`, `cfg(debug_assertions)`, `cfg(proc_macro)` and `feature = …` do not work for selecting dependencies.",
)

CODES = ("cargo-unsupported-name", "cargo-unsupported-feature", "cargo-keyword", "raw-bool")


def lints(path, m, codes):
    for key, base, _ in target_keys(m):
        try:
            plat = cfg.parse_platform(key)
        except cfg.PlatformError:
            continue
        for lint in cfg.lint(plat):
            if lint.code in codes:
                yield (base + lint.start, base + max(lint.end, lint.start)), lint


def check(cx: CheckContext):
    for path in cx.files():
        for span, lint in lints(path, cx.ctx.manifest(path), CODES):
            yield diagnostic(RULE, path, span, lint.message, help=[lint.help] if lint.help else [])
