"""Diagnostics: problems found in a user's files, with where they are."""

from __future__ import annotations

from collections.abc import Iterable

from .deferred import dataclass


@dataclass(frozen=True)
class Note:
    """Another place a diagnostic involves: a step of a cycle, the other of two terms that disagree."""

    path: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: note: {self.message}"


@dataclass(frozen=True)
class Diagnostic:
    """One problem at ``path:line:col`` (1-based); ``severity`` is error or warning.

    ``notes`` are the other places the problem involves, each printed on a line of its own.
    """

    path: str
    line: int
    column: int
    message: str
    severity: str = "error"
    notes: tuple[Note, ...] = ()

    def __str__(self) -> str:
        head = f"{self.path}:{self.line}:{self.column}: {self.severity}: {self.message}"
        return "\n".join([head, *(f"  {note}" for note in self.notes)])

    def as_json(self) -> dict[str, object]:
        """The diagnostic as a JSON-ready mapping (``notes`` only when there are any)."""
        found: dict[str, object] = {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "severity": self.severity,
            "message": self.message,
        }
        if self.notes:
            found["notes"] = [{"path": n.path, "line": n.line, "column": n.column, "message": n.message}
                              for n in self.notes]
        return found

    def as_github(self) -> str:
        """The diagnostic as a GitHub Actions workflow annotation, its notes in the message."""
        text = "\n".join([self.message, *map(str, self.notes)])
        message = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return f"::{self.severity} file={self.path},line={self.line},col={self.column}::{message}"


def line_and_column(text: str, index: int) -> tuple[int, int]:
    """The 1-based line and column of character ``index`` of ``text``."""
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


def close_match(name: str, names: Iterable[str]) -> str:
    """``; did you mean 'x'?`` for the closest of ``names`` to a misspelt ``name``, or nothing."""
    import difflib  # here: a run without a misspelt name never needs it

    close = difflib.get_close_matches(name, list(names), n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


class ClauseError(Exception):
    """A problem in the user's input, reported as one or more diagnostics or a message.

    The CLI prints it and exits 1; no traceback reaches the user.
    """

    def __init__(self, message: str, diagnostics: list[Diagnostic] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.diagnostics = diagnostics or []

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def located(self, path: str) -> list[Diagnostic]:
        """The diagnostics, or the message as one at the start of ``path``, the file it is about."""
        return self.diagnostics or [Diagnostic(path, 1, 1, self.message)]

    def lines(self) -> list[str]:
        """What the user sees: one line per diagnostic, or the message."""
        if self.diagnostics:
            return [str(d) for d in self.diagnostics]
        return [f"error: {self.message}"]
