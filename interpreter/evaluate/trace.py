"""Derivation records: what each evaluated term was, how it was obtained and what it used.

The evaluator keeps one ``Record`` per term and bindings; ``--explain`` prints the tree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..link.program import Term
from ..types import Type

Bindings = tuple[tuple[str, Any], ...]


@dataclass(slots=True)  # slots: a long run keeps thousands of these (and of the classes below)
class Step:
    """The value of one built-in call inside a formula, for explanations."""

    text: str
    value: Any
    type: Type
    detail: str = ""


@dataclass(slots=True)
class Record:
    """One evaluated term: its value, how it was obtained, what it used and its steps."""

    term: Term
    bindings: Bindings
    value: Any = None
    origin: str = "formula"
    choice: str | None = None
    uses: list[Record] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
