"""Writing a report: to standard output, or to a file atomically, never leaving a partial file."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from ..diagnostics import ClauseError


def write_output(path: str | None, text: str) -> None:
    """``text`` to ``path``, or to standard output when ``path`` is None or ``-``.

    The file is written beside its destination under a temporary name and then renamed over
    it, so a reader sees the old file or the whole new one; on any failure nothing is left.
    """
    if path is None or path == "-":
        sys.stdout.write(text)
        return
    target = Path(path)
    if target.is_dir():
        raise ClauseError(f"{path}: is a folder; give a file name")
    if not target.parent.is_dir():
        raise ClauseError(f"{path}: no such folder {target.parent}")
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise ClauseError(f"{path}: cannot write: {exc.strerror or exc}") from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
