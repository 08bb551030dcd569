"""CL001: the manifest is not valid TOML."""

from ._base import CheckContext, Rule, diagnostic

RULE = Rule("CL001", "toml-syntax", "error", "The manifest is not valid TOML; cargo refuses to read it.")


def check(cx: CheckContext):
    for path in cx.files():
        m = cx.ctx.manifest(path)
        for err in m.syntax_errors:
            yield diagnostic(RULE, path, err.span, err.message)
