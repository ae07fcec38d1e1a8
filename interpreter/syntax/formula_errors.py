"""The errors of a formula that does not parse, apart from the parser: a module that only catches
them (the scenario loader) need not import Lark."""

from __future__ import annotations


class FormulaSyntaxError(Exception):
    """A formula that does not parse; ``offset`` is where, inside the formula text."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


class FormulaLimitError(FormulaSyntaxError):
    """A formula that parses but is past one of the limits of ``limits.py``."""
