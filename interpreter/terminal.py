"""What Clause prints to a terminal shows every character it was given: a control character in
a party's name, a text or a file name (an escape sequence that recolours or clears the screen,
a backspace that hides what precedes it) is printed as ``\\u001b``, never acted on.

Only a terminal is guarded: output sent to a file or a pipe is data, written as it is (JSON
escapes control characters itself). Line ends, tabs and carriage returns pass, as what Clause
writes uses them.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing: a warm run never does
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, TextIO

#: Each control character but ``\t``, ``\n`` and ``\r``, shown as its escape.
_SHOWN = {c: f"\\u{c:04x}" for c in (*range(0x20), 0x7F, *range(0x80, 0xA0)) if chr(c) not in "\t\n\r"}


class _Shown:
    """A terminal's text stream that writes control characters as escapes."""

    def __init__(self, stream: TextIO) -> None:
        self.unescaped = stream

    def write(self, text: str) -> int:
        """Write ``text``, each control character as its escape."""
        return self.unescaped.write(text.translate(_SHOWN))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.unescaped, name)


def unescaped(stream: Any) -> Any:
    """The stream under a guarded one, for output Clause draws itself (a progress bar)."""
    return getattr(stream, "unescaped", stream)


def guarded(command: Callable[[], int]) -> int:
    """Run ``command`` with standard output and error guarded where they are terminals."""
    before = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = (_Shown(s) if s.isatty() else s for s in before)
    try:
        return command()
    finally:
        sys.stdout, sys.stderr = before
