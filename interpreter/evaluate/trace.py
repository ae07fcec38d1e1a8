"""Derivation records: what each evaluated term was, how it was obtained and what it used.

The evaluator keeps one ``Record`` per term and bindings; ``--explain`` prints the tree.
"""

from __future__ import annotations

from ..link.program import Term
from ..slotted import Slotted
from ..types import Type

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing: a warm run never does
if TYPE_CHECKING:
    from typing import Any

Bindings = tuple[tuple[str, "Any"], ...]


class Step(Slotted):
    """The value of one built-in call inside a formula, for explanations."""

    _names = ("text", "value", "type", "detail")
    __slots__ = _names  # slots: a long run keeps thousands of these (and of records)

    def __init__(self, text: str, value: Any, type: Type, detail: str = "") -> None:
        self.text = text
        self.value = value
        self.type = type
        self.detail = detail


class Record(Slotted):
    """One evaluated term: its value, how it was obtained, what it used and its steps."""

    _names = ("term", "bindings", "value", "origin", "choice", "uses", "steps")
    __slots__ = _names

    def __init__(self, term: Term, bindings: Bindings, value: Any = None, origin: str = "formula",
                 choice: str | None = None, uses: list[Record] | None = None,
                 steps: list[Step] | None = None) -> None:
        self.term = term
        self.bindings = bindings
        self.value = value
        self.origin = origin
        self.choice = choice
        self.uses: list[Record] = [] if uses is None else uses
        self.steps: list[Step] = [] if steps is None else steps
