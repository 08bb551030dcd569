"""CL002: a manifest exists but cannot be read (permissions, invalid UTF-8, size)."""

from ._base import CheckContext, Rule, diagnostic

RULE = Rule("CL002", "unreadable-manifest", "error", "A Cargo.toml exists but cannot be read as UTF-8 text.")


def check(cx: CheckContext):
    for path in cx.files():
        m = cx.ctx.manifest(path)
        if m.read_error is not None and cx.ctx.fs.exists(path):
            yield diagnostic(RULE, path, (0, 0), f"failed to read `{path}`: {m.read_error}")
