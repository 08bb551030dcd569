"""The target a plain `cargo check` builds for: the host, from rustc only when allowed."""

from __future__ import annotations

import os
import sys

from . import cfg


def _machine() -> str:
    # What platform.machine() returns, without importing platform (~1 ms of start-up).
    try:
        return os.uname().machine
    except AttributeError:  # Windows
        import platform

        return platform.machine()


def guess_host_triple() -> str:
    """The built-in target closest to this machine (no process is run)."""
    machine = _machine().lower()
    arch = {"amd64": "x86_64", "x86_64": "x86_64", "arm64": "aarch64", "aarch64": "aarch64", "i686": "i686", "i386": "i686"}.get(machine, machine)
    if sys.platform.startswith("linux"):
        triple = f"{arch}-unknown-linux-gnu"
    elif sys.platform == "darwin":
        triple = f"{arch}-apple-darwin"
    elif sys.platform in ("win32", "cygwin"):
        triple = f"{arch}-pc-windows-msvc"
    elif sys.platform.startswith("freebsd"):
        triple = f"{arch}-unknown-freebsd"
    else:
        triple = "x86_64-unknown-linux-gnu"
    return triple if triple in cfg.BUILTIN_TARGETS else "x86_64-unknown-linux-gnu"


def host_target(allow_rustc: bool = False) -> "cfg.TargetCfg":
    """`rustc --print cfg` when the user allows running rustc, else the built-in table."""
    if allow_rustc:
        found = cfg.host_target_cfg(True)
        if found is not None:
            return found
    return cfg.BUILTIN_TARGETS[guess_host_triple()]
