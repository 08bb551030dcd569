"""The engine's findings, in editor-neutral terms (files and code-point offsets)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

SEVERITIES = ("error", "warning", "information", "hint")


@dataclass(frozen=True)
class Related:
    file: str
    span: tuple[int, int]
    message: str


@dataclass(frozen=True)
class TextEdit:
    file: str
    span: tuple[int, int]
    new_text: str


@dataclass(frozen=True)
class Fix:
    """A change that resolves a diagnostic; the edits may touch several manifests."""

    title: str
    edits: tuple[TextEdit, ...]
    preferred: bool = False


@dataclass
class Diagnostic:
    file: str
    span: tuple[int, int]
    severity: str
    code: str
    message: str
    help: list[str] = field(default_factory=list)
    related: list[Related] = field(default_factory=list)
    fixes: list[Fix] = field(default_factory=list)
    name: str = ""  # the rule's name, e.g. "gated-implicit-member"
    # Fixes cost a tomlkit round trip of the manifest they edit (up to ~0.3 s on the largest
    # roots), so they are built on demand (a code-action request), not on every keystroke.
    fix_factory: Callable[[], list[Fix]] | None = field(default=None, repr=False, compare=False)

    def all_fixes(self) -> list[Fix]:
        found = list(self.fixes)
        if self.fix_factory is not None:
            try:
                found.extend(f for f in self.fix_factory() if f is not None)
            except Exception:  # a fix that cannot be built is left out, never an error
                pass
        return found

    def sort_key(self):
        return (self.file, self.span, self.code, self.message)
