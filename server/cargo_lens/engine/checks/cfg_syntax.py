"""CL401: a `[target.…]` key that cargo cannot parse as a cfg expression or target name."""

from __future__ import annotations

from .. import cfg
from ._base import CheckContext, Rule, diagnostic
from ._cfg_keys import target_keys

RULE = Rule("CL401", "cfg-syntax", "error", "A `[target.…]` key is not a valid `cfg(...)` expression or target name.")


def check(cx: CheckContext):
    for path in cx.files():
        for key, base, _ in target_keys(cx.ctx.manifest(path)):
            try:
                cfg.parse_platform(key)
            except cfg.PlatformError as err:
                if not err.cargo_error:
                    continue
                span = (base + err.start, base + max(err.end, err.start + 1))
                yield diagnostic(RULE, path, span, err.message())
