"""Diagnostics: problems found in a user's files, with where they are."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Diagnostic:
    """One problem at ``path:line:col`` (1-based); ``severity`` is error or warning."""

    path: str
    line: int
    column: int
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.severity}: {self.message}"

    def as_json(self) -> dict[str, object]:
        """The diagnostic as a JSON-ready mapping."""
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "severity": self.severity,
            "message": self.message,
        }

    def as_github(self) -> str:
        """The diagnostic as a GitHub Actions workflow annotation."""
        message = self.message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return f"::{self.severity} file={self.path},line={self.line},col={self.column}::{message}"


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

    def lines(self) -> list[str]:
        """What the user sees: one line per diagnostic, or the message."""
        if self.diagnostics:
            return [str(d) for d in self.diagnostics]
        return [f"error: {self.message}"]
