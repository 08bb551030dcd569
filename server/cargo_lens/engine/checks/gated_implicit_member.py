"""CL301: a path dependency joins the workspace only through `[target.…]` tables (cargo#15023)."""

from __future__ import annotations

import posixpath

from .. import cfg
from ..diagnostics import Related
from ..membership import check_selection, gated_only
from ._base import CheckContext, Rule, diagnostic, rel_dir, text_of

RULE = Rule(
    "CL301",
    "gated-implicit-member",
    "warning",
    "A path dependency under `[target.…]` still joins the workspace, whatever the cfg says (rust-lang/cargo#15023).",
)


def _gate_text(platform_key: str) -> str:
    try:
        plat = cfg.parse_platform(platform_key)
    except cfg.PlatformError:
        return ""
    if plat.cfg is None:
        return f" (only for target `{plat.target_name}`)"
    return f" ({cfg.describe(plat.cfg)})"


def check(cx: CheckContext):
    for res in cx.root_results():
        gated = gated_only(res)
        if not gated:
            continue
        root = res.root_manifest
        root_dir = posixpath.dirname(root)
        root_pkg = res.packages[root]
        ws = root_pkg.manifest.workspace
        built = check_selection(res, cx.host) if cx.host is not None else {}
        for member, edges in gated.items():
            rel_dir = posixpath.relpath(posixpath.dirname(member), root_dir)
            name = res.packages[member].manifest.name or rel_dir
            if root_pkg.is_virtual and ws.default_members is None:
                build = (
                    "A plain `cargo check` at the root builds it anyway: a virtual workspace without "
                    "`default-members` builds every member."
                )
            elif member in built:
                build = "A plain `cargo check` at the root builds it."
            else:
                build = "A plain `cargo check` at the root does not build it, but `cargo check --workspace` does."
            for e in edges:
                src_m = cx.ctx.manifest(e.src)
                span = src_m.span(e.decl.key_path, "key") or (0, 0)
                root_rel = posixpath.relpath(root, posixpath.dirname(e.src))
                message = (
                    f"`{name}` joins the workspace only through `{e.decl.table_display}`{_gate_text(e.decl.platform)}\n"
                    f"Cargo ignores target gates when it decides membership (rust-lang/cargo#15023): "
                    f"`{name}` ({rel_dir}) is a member of the workspace of {root_rel}. {build}"
                )
                help_lines = [
                    f"to keep it out of the workspace, add \"{rel_dir}\" to `workspace.exclude` in {root_rel}",
                    "or set `workspace.default-members` so a plain `cargo check` leaves it out",
                ]
                related = [Related(root, root_pkg.manifest.span(("workspace",), "table") or (0, 0), "the workspace root")]
                yield diagnostic(
                    RULE, e.src, span, message, help=help_lines, related=related,
                    fix_factory=lambda res=res, member=member: _fixes(cx, res, member),
                )


def _fixes(cx: CheckContext, res, member: str) -> list:
    from .. import fixes  # tomlkit: loaded only when a fix is asked for

    root = res.root_manifest
    text = text_of(cx, root)
    rel = rel_dir(member, root)
    keep = [rel_dir(m, root) for m in res.default_members if m != member and not res.packages[m].is_virtual]
    return [
        fixes.fix_exclude(root, text, rel, preferred=True),
        fixes.fix_default_members(root, text, keep) if keep else None,
        fixes.fix_add_member(root, text, rel),
    ]
