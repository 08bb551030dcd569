"""`Record`: a small value class, for the engine's data types on the CLI's start-up path.

Why not `@dataclass`: it writes each class's methods as source and `exec`s it when the class is
defined, 0.3–0.6 ms per class at every start, and `cargo-lens explain` is measured against the
whole of a `cargo metadata` run (~15 ms on a small package). A subclass lists its fields in
``__slots__`` and writes its ``__init__``; it gets what a dataclass gives: equality and hash over
the fields in order (instances of the same class only), and a ``Name(field=value, ...)`` repr.
Records are treated as immutable; a mutable one sets ``__hash__ = None`` as a dataclass would.
"""

from __future__ import annotations


class Record:
    __slots__ = ()

    def _values(self) -> tuple:
        return tuple([getattr(self, f) for f in self.__slots__])

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return self._values() == other._values()  # type: ignore[attr-defined]
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        fields = ", ".join(f"{f}={getattr(self, f)!r}" for f in self.__slots__)
        return f"{self.__class__.__qualname__}({fields})"
