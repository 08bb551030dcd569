"""CL205: a path dependency points to a directory without a Cargo.toml."""

from ._base import CheckContext, Rule, failure_diagnostics

RULE = Rule("CL205", "path-dependency-missing", "error", "A path dependency points to a directory without a Cargo.toml.")


def check(cx: CheckContext):
    def match(f):
        return (
            f.code == "manifest-unreadable"
            and len(f.chain) > 1
            and any(line.startswith("failed to load manifest for dependency") for line in f.chain)
        )

    return failure_diagnostics(cx, RULE, match)
