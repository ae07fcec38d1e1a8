"""Where the grammar and the JSON Schemas are found.

In a wheel they are package data under ``interpreter/_resources``; in a source
checkout (or an editable install) they are read from the top-level ``grammar/``.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing: a warm run never does
if TYPE_CHECKING:
    from pathlib import Path

_HERE = os.path.dirname(os.path.realpath(__file__))
_FOLDERS = (os.path.join(_HERE, "_resources"), os.path.join(os.path.dirname(_HERE), "grammar"))


def resource(name: str) -> Path:
    """Path of a bundled resource file such as ``clause.lark``."""
    from pathlib import Path  # here: a warm run only names the folder (resource_path)

    return Path(resource_path(name))


def resource_path(name: str) -> str:
    """The path of a bundled resource file, as text."""
    for folder in _FOLDERS:
        candidate = os.path.join(folder, name)
        if os.path.isfile(candidate):
            return candidate
    raise FileNotFoundError(f"bundled resource {name} is missing from this installation")
