"""The files a command reads and writes: the YAML files of the paths given, each a contract or a
scenario, and an output file written whole or not at all."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from .diagnostics import ClauseError
from .syntax.yamldoc import load_yaml

YAML_SUFFIXES = (".yaml", ".yml")


def yaml_files(paths: Iterable[str | Path]) -> list[Path]:
    """Each file named, and the YAML files below each folder named, in order.

    Raises ``FileNotFoundError`` for a path that is neither: the command says how it was used.
    """
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.suffix in YAML_SUFFIXES and p.is_file()))
        elif path.is_file():
            files.append(path)
        else:
            raise FileNotFoundError(f"{raw}: no such file or folder")
    return files


def _data(path: Path) -> object:
    """The file's YAML data, or None when it does not load (loading it for real reports why)."""
    try:
        return load_yaml(path).data
    except ClauseError:
        return None


def is_scenario(path: Path) -> bool:
    """A YAML mapping that names ``contracts`` is a scenario, anything else a contract file.

    A file that does not load as YAML counts as a scenario, so that loading it reports the problem
    where scenarios are wanted (``clause test``) and contract files are skipped.
    """
    data = _data(path)
    return data is None or (isinstance(data, dict) and "contracts" in data)


def expects(path: Path) -> bool:
    """A scenario with an ``expect:`` block, or a file that does not load (to be reported)."""
    data = _data(path)
    return data is None or (isinstance(data, dict) and "contracts" in data and "expect" in data)


def write_atomically(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path`` whole or not at all: a temporary file beside it, then renamed.

    A reader never sees a partial file, and a failure leaves what was there before. Raises
    ``ClauseError`` naming the file when it cannot be written.
    """
    target = Path(path)
    try:
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise ClauseError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        os.chmod(temporary, 0o666 & ~_umask())  # as open() would have made it, not mkstemp's 0o600
        os.replace(temporary, target)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise ClauseError(f"cannot write {path}: {exc.strerror or exc}") from None


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
