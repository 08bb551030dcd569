"""Why each package is (or is not) a member, and what a plain `cargo check` builds (spec §4)."""

from __future__ import annotations

import posixpath

from .manifest import DependencyDecl, value_at
from .record import Record
from .workspace import MANIFEST, CargoFailure, Reason, WorkspaceResult, kept


class Edge(Record):
    __slots__ = ("src", "dst", "decl")

    def __init__(self, src: str, dst: str, decl: DependencyDecl):
        self.src = src  # manifest declaring the dependency
        self.dst = dst  # the dependency's manifest
        self.decl = decl


def member_edges(res: WorkspaceResult) -> list[Edge]:
    """Path-dependency edges between members of a loaded workspace."""
    members = set(res.members)
    out = []
    for m in res.members:
        pkg = res.packages.get(m)
        if pkg is None:
            continue
        for decl, dst in pkg.deps:
            if dst in members:
                out.append(Edge(m, dst, decl))
    return out


def gated_only(res: WorkspaceResult) -> dict[str, list[Edge]]:
    """Members that join only through `[target.…]` tables, with the edges that pull them in."""
    edges = member_edges(res)
    # A member named by a `members` entry is explicit even when cargo first reached it as
    # someone's (gated) path dependency.
    reached = {m for m in res.members if m in res.explicit or res.reasons[m].kind in ("members", "root")}
    by_src: dict[str, list[Edge]] = {}
    for e in edges:
        by_src.setdefault(e.src, []).append(e)
    stack = list(reached)
    while stack:
        for e in by_src.get(stack.pop(), ()):
            if e.decl.platform is None and e.dst not in reached:
                reached.add(e.dst)
                stack.append(e.dst)
    out: dict[str, list[Edge]] = {}
    for e in edges:
        if e.dst not in reached and e.decl.platform is not None:
            out.setdefault(e.dst, []).append(e)
    return out


def platform_active(key: str | None, target) -> bool:
    if key is None:
        return True
    from . import cfg  # only gated dependencies need the cfg parser and its target tables

    try:
        plat = cfg.parse_platform(key)
    except cfg.PlatformError:
        return False
    return cfg.platform_matches(plat, target)


def _has_build_script(res: WorkspaceResult, manifest: str) -> bool:
    m = res.session.ctx.manifest(manifest)
    build = (m.data.get("package") or {}).get("build")
    if build is False:
        return False
    if isinstance(build, str):
        return True
    return res.session.ctx.fs.is_file(posixpath.join(m.dir, "build.rs"))


def _enabled_optional(res: WorkspaceResult, manifest: str) -> set[str]:
    """Dependency keys that the `default` feature switches on (transitively)."""
    features = res.session.ctx.manifest(manifest).data.get("features")
    if not isinstance(features, dict):
        return set()
    seen, out, stack = set(), set(), ["default"]
    while stack:
        f = stack.pop()
        if f in seen:
            continue
        seen.add(f)
        for item in features.get(f, []) if isinstance(features.get(f), list) else []:
            if not isinstance(item, str):
                continue
            name = item[4:] if item.startswith("dep:") else item.split("/")[0].rstrip("?")
            out.add(name)
            if item in features:
                stack.append(item)
    return out


def check_selection(res: WorkspaceResult, target) -> dict[str, str]:
    """What a plain `cargo check` in ``res.current`` compiles: manifest -> why (spec §4).

    Default members, then their dependencies that are active for ``target``: normal ones,
    and build ones when the package has a build script. Dev-dependencies are not built by a
    plain `cargo check`. Only path dependencies are followed (registry crates are not ours).
    """
    if res.error is not None:
        return {}
    built: dict[str, str] = {m: "selected" for m in res.default_members if not res.packages[m].is_virtual}
    stack = list(built)
    while stack:
        src = stack.pop()
        try:
            pkg = res.session.load(src)
        except CargoFailure as err:
            kept(err)
            continue
        optional_on = None
        build_script = None
        for decl, dst in pkg.deps:
            if dst in built:
                continue
            if decl.kind == "dev":
                continue
            if decl.kind == "build":
                if build_script is None:
                    build_script = _has_build_script(res, src)
                if not build_script:
                    continue
            spec = pkg.manifest.data
            entry = value_at(spec, decl.key_path)
            if isinstance(entry, dict) and entry.get("optional") is True:
                if optional_on is None:
                    optional_on = _enabled_optional(res, src)
                if decl.key not in optional_on:
                    continue
            if not platform_active(decl.platform, target):
                continue
            built[dst] = f"dependency `{decl.key}` of {src}"
            stack.append(dst)
    # `cargo check` compiles a package's lib and bins; one with neither (examples only) compiles
    # nothing, though its dependencies still build.
    return {m: why for m, why in built.items() if _has_lib_or_bin(res, m)}


def _has_lib_or_bin(res: WorkspaceResult, manifest: str) -> bool:
    from .targets import discover_targets

    m = res.session.ctx.manifest(manifest)
    pkg = m.data.get("package") if isinstance(m.data.get("package"), dict) else {}
    edition = pkg.get("edition") if isinstance(pkg.get("edition"), str) else "2015"
    try:
        found, _ = discover_targets(m.dir, m.data, res.session.ctx.fs, edition)
    except Exception:  # target discovery problems are reported elsewhere; assume it builds
        return True
    return any(t.kind in ("lib", "bin") for t in found)



def describe_reason(res: WorkspaceResult, manifest: str, ctx_manifest) -> str:
    """One line: why ``manifest`` is a member of ``res``'s workspace."""
    reason: Reason = res.reasons[manifest]
    root = res.root_manifest or res.current
    root_dir = posixpath.dirname(root)
    if reason.kind == "root":
        return "it is the workspace root package"
    if reason.kind == "members":
        how = "matched by" if reason.glob else "listed as"
        return f"{how} `{reason.entry}` in `workspace.members` of {_rel(root, root_dir)}"
    decl = reason.dep
    via = reason.via
    line = _line_of(ctx_manifest(via), decl)
    return (
        f"path dependency `{decl.key}` of `{ctx_manifest(via).name or _rel(via, root_dir)}` "
        f"({_rel(via, root_dir)}{':' + str(line) if line else ''}) under `{decl.table_display}`"
    )


def reason_chain(res: WorkspaceResult, manifest: str, ctx_manifest) -> list[str]:
    """From the member back to an explicit member or the root, one line per hop."""
    out, seen = [], set()
    cur = manifest
    while cur not in seen and cur in res.reasons:
        seen.add(cur)
        r = res.reasons[cur]
        if r.kind == "path-dep" and cur in res.explicit:
            # Named by a `members` entry; cargo merely reached it first as a dependency.
            root = res.root_manifest or res.current
            out.append(f"matched by `workspace.members` of {_rel(root, posixpath.dirname(root))}")
            break
        out.append(describe_reason(res, cur, ctx_manifest))
        if r.kind != "path-dep":
            break
        cur = r.via
    return out


def _line_of(m, decl: DependencyDecl) -> int | None:
    if m is None or m.doc is None:
        return None
    span = m.span(decl.key_path, "key")
    if span is None:
        return None
    return m.text.count("\n", 0, span[0]) + 1


def _rel(path: str, base: str) -> str:
    # posixpath.relpath normalises both sides first; a path already normal and below ``base``
    # (every member of a workspace, usually) is just its tail.
    if path.startswith(base + "/") and _is_normal(path) and _is_normal(base):
        return path[len(base) + 1 :]
    return posixpath.relpath(path, base)


def _is_normal(path: str) -> bool:
    return path.startswith("/") and "/." not in path and "//" not in path and not path.endswith("/")




__all__ = [
    "Edge",
    "MANIFEST",
    "check_selection",
    "gated_only",
    "member_edges",
    "platform_active",
    "reason_chain",
]
