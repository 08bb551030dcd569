"""`cargo-lens` on the command line (also `cargo lens`). A thin face over the engine.

Keep pygls/lsprotocol out of this module's imports: start-up time counts in terminals and CI.
"""

from __future__ import annotations

import gc
import os
import sys

from . import __version__

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2

_Parser = None  # the ArgumentParser subclass, made on first use: `metadata` never imports argparse


def _parser_class():
    global _Parser
    if _Parser is not None:
        return _Parser
    import argparse

    class Parser(argparse.ArgumentParser):
        building = False  # True while build_parser runs

        def error(self, message: str):  # argparse exits 2 too; keep its wording, add a hint
            self.print_usage(sys.stderr)
            self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n(see `{self.prog} --help`)\n")

        def _get_formatter(self):
            if Parser.building:
                # add_argument makes a formatter only to check the metavar, and the default one
                # asks shutil (~2 ms to import) for the terminal width; help text is not made here.
                return self.formatter_class(prog=self.prog, width=80)
            return super()._get_formatter()

    _Parser = Parser
    return Parser


def build_parser() -> argparse.ArgumentParser:
    cls = _parser_class()
    cls.building = True
    try:
        return _build_parser(cls)
    finally:
        cls.building = False


def _build_parser(cls) -> argparse.ArgumentParser:
    p = cls(prog="cargo-lens", description="Cargo workspace analysis: what cargo will decide, before it runs.")
    p.add_argument("--version", action="version", version=f"cargo-lens {__version__}")
    # `prog` given: argparse would otherwise build a help formatter (and import shutil) to work it out
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=cls, prog=p.prog)

    c = sub.add_parser("check", help="report workspace problems in every Cargo.toml under PATH")
    c.add_argument("paths", nargs="*", metavar="PATH", help="files or directories (default: the current directory)")
    c.add_argument("--format", choices=("human", "json"), default="human")
    c.add_argument("--allow-rustc", action="store_true", help="run `rustc --print cfg` for the host's cfg values")

    w = sub.add_parser("workspaces", help="cargo's verdict for every Cargo.toml under DIR")
    w.add_argument("dir", metavar="DIR")
    w.add_argument("--json", action="store_true", help="print the verdict as JSON (expected.json shape)")

    m = sub.add_parser("metadata", help="cargo's verdict for one manifest, as `cargo metadata --no-deps` decides it")
    m.add_argument("manifest", nargs="?", metavar="MANIFEST", help="a Cargo.toml or its directory (default: nearest)")

    e = sub.add_parser("explain", help="why a package is or is not a member, and what `cargo check` builds")
    e.add_argument("manifest", nargs="?", metavar="MANIFEST", help="a Cargo.toml or its directory (default: nearest)")
    e.add_argument("--allow-rustc", action="store_true", help="run `rustc --print cfg` for the host's cfg values")

    sub.add_parser("rules", help="list the diagnostic rules")

    s = sub.add_parser("serve", help="run the language server (LSP over stdio by default)")
    s.add_argument("--stdio", action="store_true", help="talk LSP over stdin/stdout (the default; editors pass it)")
    s.add_argument("--tcp", type=int, metavar="PORT", help="listen on 127.0.0.1:PORT instead of stdio")
    return p


def main(argv: list[str] | None = None) -> int:
    as_program = argv is None
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["lens"]:  # run as `cargo lens …`: cargo passes the subcommand name first
        argv = argv[1:]
    args = _quick_metadata_args(argv)
    if args is None:
        args = build_parser().parse_args(argv)
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    if args.command in ("check", "workspaces", "metadata", "explain"):
        # One short analysis: the manifests it parses stay alive to the end and are not garbage,
        # so frequent young-generation collections only cost time (~7 % on a large workspace).
        gc.set_threshold(100_000, 50, 100)
    try:
        if args.command == "check":
            return _exit(cmd_check(args), as_program)
        if args.command == "workspaces":
            return _exit(cmd_workspaces(args), as_program)
        if args.command == "metadata":
            return _exit(cmd_metadata(args), as_program)
        if args.command == "explain":
            return _exit(cmd_explain(args), as_program)
        if args.command == "rules":
            return cmd_rules()
        if args.command == "serve":
            from .lsp.startup import serve  # imported here: the CLI's other commands never load pygls

            return serve(tcp_port=args.tcp)
    except BrokenPipeError:
        return EXIT_OK
    except KeyboardInterrupt:
        return 130
    build_parser().print_help(sys.stderr)
    return EXIT_USAGE


class _MetadataArgs:
    command = "metadata"

    def __init__(self, manifest: str | None):
        self.manifest = manifest


def _quick_metadata_args(argv: list[str]):
    """`metadata [MANIFEST]` without argparse (~2 ms of imports it and gettext cost): this
    command is meant to be as quick as `cargo metadata`. Anything else (options, `--help`,
    extra arguments) goes through the parser as before; None then."""
    if argv[:1] != ["metadata"] or len(argv) > 2 or any(a.startswith("-") for a in argv[1:]):
        return None
    return _MetadataArgs(argv[1] if len(argv) == 2 else None)


def _exit(code: int, as_program: bool) -> int:
    """End the process at once when run as a program: freeing every object of a large analysis
    one by one at interpreter shutdown takes ~25 ms on a workspace of 150 manifests."""
    if not as_program:
        return code
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except Exception:
        return code  # let the interpreter's own shutdown report it, as it always did
    os._exit(code)


# -- check ---------------------------------------------------------------------------------------


def cmd_check(args) -> int:
    from .engine.analysis import Options, manifests_under, run_checks
    from .engine.fs import FileSystem
    from .engine.workspace import Context

    paths = args.paths or ["."]
    missing = [p for p in paths if not os.path.exists(p)]
    if missing:
        print(f"cargo-lens: error: no such file or directory: {', '.join(missing)}", file=sys.stderr)
        return EXIT_USAGE
    fs = FileSystem()
    ctx = Context(fs)
    manifests = manifests_under(paths, fs)
    if not manifests:
        print(f"cargo-lens: no Cargo.toml found under {', '.join(paths)}", file=sys.stderr)
        return EXIT_OK
    diags = run_checks(ctx, manifests, Options(allow_rustc=args.allow_rustc))
    if args.format == "json":
        import json

        print(json.dumps([_json_diag(ctx, d) for d in diags], indent=2))
    else:
        _print_human(ctx, diags, len(manifests))
    return EXIT_FINDINGS if any(d.severity == "error" for d in diags) else EXIT_OK


def _json_diag(ctx, d) -> dict:
    from .engine.text import LineIndex

    m = ctx.manifest(d.file)
    index = LineIndex(m.text or "")
    sl, sc = index.position(d.span[0], "utf-16")
    el, ec = index.position(d.span[1], "utf-16")
    out = {
        "file": d.file,
        "range": {"start": {"line": sl, "character": sc}, "end": {"line": el, "character": ec}},
        "severity": d.severity,
        "code": d.code,
        "message": d.message,
    }
    if d.help:
        out["help"] = d.help
    return out


def _display_path(path: str) -> str:
    cwd = os.getcwd()
    rel = os.path.relpath(path, cwd)
    return path if rel.startswith("..") else rel


def _color(enabled: bool):
    codes = {"error": "1;31", "warning": "1;33", "information": "1;36", "hint": "1;32", "bold": "1", "blue": "1;34"}

    def paint(kind: str, text: str) -> str:
        return f"\x1b[{codes[kind]}m{text}\x1b[0m" if enabled else text

    return paint


def _print_human(ctx, diags, n_manifests: int) -> None:
    from .engine.text import LineIndex

    paint = _color(sys.stdout.isatty() and "NO_COLOR" not in os.environ)
    label = {"information": "info"}
    for d in diags:
        m = ctx.manifest(d.file)
        index = LineIndex(m.text or "")
        line, col = index.one_based(d.span[0])
        print(f"{paint(d.severity, label.get(d.severity, d.severity) + '[' + d.code + ']')}: {paint('bold', _first(d.message))}")
        print(f"  {paint('blue', '-->')} {_display_path(d.file)}:{line}:{col}")
        if m.text is not None:
            text = index.line_text(line - 1)
            width = len(str(line))
            end = min(d.span[1], index.starts[line] if line < index.line_count else len(m.text))
            _, end_col = index.one_based(max(end, d.span[0]))
            carets = "^" * max(1, end_col - col)
            gutter = " " * width
            print(f"{gutter} {paint('blue', '|')}")
            print(f"{paint('blue', str(line))} {paint('blue', '|')} {text}")
            print(f"{gutter} {paint('blue', '|')} {' ' * (col - 1)}{paint(d.severity, carets)}")
        rest = d.message.split("\n")[1:]
        for extra in rest:
            if extra.strip():
                print(f"  {paint('blue', '=')} {paint('bold', 'note')}: {extra}")
        for h in d.help:
            print(f"  {paint('blue', '=')} {paint('bold', 'help')}: {h}")
        print()
    errors = sum(d.severity == "error" for d in diags)
    warnings = sum(d.severity == "warning" for d in diags)
    summary = f"checked {n_manifests} manifest{'s' if n_manifests != 1 else ''}: {errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}"
    print(summary)


def _first(message: str) -> str:
    return message.split("\n", 1)[0]


# -- workspaces ----------------------------------------------------------------------------------


def cmd_workspaces(args) -> int:
    from .engine.verdict import workspaces_verdict

    if not os.path.isdir(args.dir):
        print(f"cargo-lens: error: not a directory: {args.dir}", file=sys.stderr)
        return EXIT_USAGE
    verdict = workspaces_verdict(args.dir)
    if args.json:
        import json

        print(json.dumps(verdict, indent=2, sort_keys=True))
        return EXIT_OK
    for root, v in sorted(verdict["roots"].items()):
        if v["error"]:
            print(f"{root}: error: {v['error']}")
        else:
            print(f"{root}: {len(v['members'])} member(s), {len(v['default_members'])} default")
    failing = [(k, v) for k, v in sorted(verdict["packages"].items()) if v["error"]]
    for k, v in failing:
        print(f"{k}: error: {v['error']}")
    return EXIT_OK


def cmd_metadata(args) -> int:
    """JSON: the workspace root, members and default members cargo would report, or its error."""
    from .engine.fs import FileSystem
    from .engine.workspace import Context, analyze

    target = _nearest_manifest(args.manifest or ".")
    if target is None:
        print("cargo-lens: error: no Cargo.toml here or in any parent directory", file=sys.stderr)
        return EXIT_USAGE
    res = analyze(Context(FileSystem(), plain=True), os.path.abspath(target))  # no positions shown
    if res.error is not None:
        out = {"manifest": res.current, "error": res.error.first_line, "error_cause": res.error.innermost}
    else:
        real = [m for m in res.members if not res.packages[m].is_virtual]
        out = {
            "manifest": res.current,
            "workspace_root": res.workspace_root,
            "members": sorted(real),
            "default_members": sorted(m for m in res.default_members if not res.packages[m].is_virtual),
        }
    print(_json_text(out))
    return EXIT_FINDINGS if res.error is not None else EXIT_OK


def _json_text(obj: dict) -> str:
    """`json.dumps(obj, indent=2)` for a dict of strings, None and lists of strings, without
    importing json unless a string needs escaping."""

    def string(v: str | None) -> str:
        if v is None:
            return "null"
        if v.isascii() and v.isprintable() and '"' not in v and "\\" not in v:
            return '"' + v + '"'
        import json

        return json.dumps(v)

    lines = []
    for key, value in obj.items():
        if isinstance(value, list):
            text = "[\n" + ",\n".join("    " + string(x) for x in value) + "\n  ]" if value else "[]"
        else:
            text = string(value)
        lines.append(f"  {string(key)}: {text}")
    return "{\n" + ",\n".join(lines) + "\n}" if lines else "{}"


# -- explain -------------------------------------------------------------------------------------


def _nearest_manifest(start: str) -> str | None:
    d = os.path.abspath(start)
    if os.path.isfile(d):
        return d
    while True:
        cand = os.path.join(d, "Cargo.toml")
        if os.path.isfile(cand):
            return cand
        parent = os.path.dirname(d)
        if parent == d:
            return None
        d = parent


def cmd_explain(args) -> int:
    from .engine.explain import explain

    target = _nearest_manifest(args.manifest or ".")
    if target is None:
        print("cargo-lens: error: no Cargo.toml here or in any parent directory", file=sys.stderr)
        return EXIT_USAGE
    text, ok = explain(target, allow_rustc=args.allow_rustc, display=_display_path)
    print(text)
    return EXIT_OK if ok else EXIT_FINDINGS


def cmd_rules() -> int:
    from .engine.checks import RULES

    for code, rule in RULES.items():
        print(f"{code}  {rule.name:<34} {rule.severity:<8} {rule.summary}")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
