"""The stages in order: a contract file → parsed → linked → checked, ready to evaluate.

The command and the scenario loader come here for programs; nothing else strings the
stages together.
"""

from __future__ import annotations

from pathlib import Path

from .check.checker import check
from .diagnostics import ClauseError, Diagnostic
from .link.loader import load_program
from .link.program import Program


def load_checked(path: str) -> Program:
    """A contract file parsed, linked and checked; raises ``ClauseError`` with every problem."""
    program = load_program(path)
    problems = check(program)
    if problems:
        raise ClauseError(problems[0].message, problems)
    return program


def load_each(files: list[Path]) -> tuple[list[Program], list[Diagnostic]]:
    """Every file parsed and linked: the programs, and the problems of those that would not load."""
    programs: list[Program] = []
    problems: list[Diagnostic] = []
    for path in files:
        try:
            programs.append(load_program(str(path)))
        except ClauseError as exc:
            problems.extend(exc.located(str(path)))
    return programs, problems
