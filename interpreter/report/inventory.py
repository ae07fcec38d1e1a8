"""The clause inventory: a Markdown file whose table rows each start with a provision id."""

from __future__ import annotations

from pathlib import Path

from ..diagnostics import ClauseError


def inventory_rows(path: str) -> list[tuple[str, int]]:
    """The provision ids of a Markdown inventory, each with its 1-based line: ``| COD I | ...``."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ClauseError(f"{path}: cannot read: {exc}") from None
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.lstrip().startswith("|") and len(cells) > 1 and " " in cells[0] and cells[0][0].isupper():
            if cells[0].split()[0].isupper():
                rows.append((cells[0], number))
    return rows
