"""`cargo-lens explain`: why a package is or is not a member, and what `cargo check` builds."""

from __future__ import annotations

import posixpath
from collections.abc import Callable

from .fs import FileSystem, normalize
from .membership import check_selection, gated_only, reason_chain
from .workspace import Context, Session


def explain(manifest: str, *, allow_rustc: bool = False, display: Callable[[str], str] = str, ctx: Context | None = None) -> tuple[str, bool]:
    """Plain text for a person, and whether cargo would accept the manifest."""
    manifest = normalize(posixpath.abspath(manifest))
    ctx = ctx or Context(FileSystem())
    session = Session(ctx, manifest)
    res = session.run()
    m = ctx.manifest(manifest)
    name = m.name or "(virtual manifest)" if m.has_package or m.workspace else "(no package)"
    out = [f"package {name} — {display(manifest)}"]
    if res.error is not None:
        out.append("cargo fails here:")
        out.extend("  " + line for line in res.error.text().splitlines())
        hint = _excluded_hint(session, manifest)
        if hint:
            out.append(hint)
        return "\n".join(out), False
    root = res.root_manifest
    if root is None or root == manifest and m.workspace is not None and not res.reasons.get(manifest):
        out.append("not in any workspace: it is its own root and only member.")
        hint = _excluded_hint(session, manifest)
        out.append(hint or "no `[workspace]` above it claims it.")
        return "\n".join(out), True
    root_pkg = res.packages[root]
    kind = "virtual manifest" if root_pkg.is_virtual else f"root package `{root_pkg.manifest.name}`"
    out.append(f"workspace root: {display(root)} ({kind})")
    if manifest == root and m.workspace is not None and root_pkg.is_virtual:
        out.append(f"members ({len([x for x in res.members if not res.packages[x].is_virtual])}):")
        for member in res.members:
            if res.packages[member].is_virtual:
                continue
            chain = reason_chain(res, member, ctx.manifest)
            out.append(f"  {display(member)}: {chain[0] if chain else ''}")
    else:
        out.append("member: yes, because it is")
        for i, line in enumerate(reason_chain(res, manifest, ctx.manifest)):
            out.append(("  " if i == 0 else "  ← which is ") + line)
    # What a plain `cargo check` at the root builds.
    root_res = res if manifest == root else Session(ctx, root).run()
    if root_res.error is None:
        from .host import host_target

        target = host_target(allow_rustc)
        built = check_selection(root_res, target)
        gated = gated_only(root_res)
        out.append(f"`cargo check` at the root ({target.triple}) builds {len(built)} package(s):")
        for b in sorted(built):
            tag = "  (joins only through a target gate)" if b in gated else ""
            out.append(f"  {display(b)}{tag}")
        if manifest != root:
            out.append(
                "this package is built by it." if manifest in built else "this package is NOT built by it (`cargo check --workspace` would)."
            )
    return "\n".join(out), True


def _excluded_hint(session: Session, manifest: str) -> str | None:
    for root_dir, cfg in session.ws_roots.items():
        entry = cfg.excluding_entry(manifest)
        if entry is not None:
            return f"kept out by `exclude = [\"{entry}\"]` in {posixpath.join(root_dir, 'Cargo.toml')}"
    return None
