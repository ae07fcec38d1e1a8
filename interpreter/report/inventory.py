"""The clause inventory: a Markdown file whose table rows each start with a provision id."""

from __future__ import annotations

from ..diagnostics import ClauseError, Diagnostic
from ..files import read_text


def inventory_rows(path: str) -> list[tuple[str, int]]:
    """The provision ids of a Markdown inventory, each with its 1-based line: ``| COD I | ...``;
    a file with none is an error."""
    text = read_text(path, "inventory file")
    rows = []
    for number, line in enumerate(text.split("\n"), start=1):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.lstrip().startswith("|") and len(cells) > 1 and " " in cells[0] and cells[0][0].isupper():
            if cells[0].split()[0].isupper():
                rows.append((cells[0], number))
    if not rows:  # another kind of file: nothing to count is an error, and nothing of it is quoted
        message = ("not an inventory: no table row starts with a provision id (an inventory is a "
                   "Markdown table whose rows start like | COD I | ...)")
        raise ClauseError(message, [Diagnostic(path, 1, 1, message)])
    return rows
