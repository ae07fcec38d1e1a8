"""Where the grammar and the JSON Schemas are found.

In a wheel they are package data under ``interpreter/_resources``; in a source
checkout (or an editable install) they are read from the top-level ``grammar/``.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGED = Path(__file__).resolve().parent / "_resources"
_CHECKOUT = Path(__file__).resolve().parent.parent / "grammar"


def resource(name: str) -> Path:
    """Path of a bundled resource file such as ``clause.lark``."""
    for folder in (_PACKAGED, _CHECKOUT):
        candidate = folder / name
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"bundled resource {name} is missing from this installation")
