"""The engine's findings, in editor-neutral terms (files and code-point offsets)."""

from __future__ import annotations

from dataclasses import dataclass, field

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

    def sort_key(self):
        return (self.file, self.span, self.code, self.message)
