"""The files Clause reads and writes: the YAML files of the paths given, each a contract or a
scenario, the files they name, and output files.

Every file it reads is a regular file (not a folder, a device such as ``/dev/zero``, or a
pipe, which would never end or never start), of at most ``MAX_FILE_BYTES``, in UTF-8. A
path named inside a file (``extends:``, a deal's ``documents:``, a scenario's ``contracts:``
and ``market:``) must lead inside the folder of the file that names it or the folder
Clause runs in, or a folder the user allows (``--allow-path``), symbolic links followed: a
file sent by someone else cannot make Clause read the user's other files. Every file
Clause writes is written whole or not at all.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable

from .diagnostics import ClauseError, Diagnostic, line_and_column
from .limits import MAX_FILE_BYTES

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing: a warm run never does
if TYPE_CHECKING:
    from pathlib import Path
    from typing import IO

    from .syntax.yamldoc import Path_, YamlDoc

YAML_SUFFIXES = (".yaml", ".yml")


def yaml_files(paths: Iterable[str | Path]) -> list[Path]:
    """Each file named, and the YAML files below each folder named, in order.

    Raises ``FileNotFoundError`` for a path that does not exist (the command says how it was
    used), and ``ClauseError`` for a folder without YAML files (nothing to check) or a path
    that is neither a file nor a folder (a device, a pipe).
    """
    from pathlib import Path  # here, as in the other functions that use it: reading a file never does

    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.suffix in YAML_SUFFIXES and not p.is_dir())
            if not found:
                raise ClauseError(f"{raw}: a folder without .yaml files: nothing to check")
            files.extend(found)
        elif path.exists():
            problem = not_a_file(path)
            if problem:
                raise ClauseError(f"{raw}: {problem}")
            files.append(path)
        else:
            raise FileNotFoundError(f"{raw}: no such file or folder")
    return files


def _data(path: Path) -> object:
    """The file's YAML data, or None when it does not load (loading it for real reports why)."""
    from .syntax.yamldoc import load_yaml  # here: yamldoc reads its files with read_text, below

    try:
        return load_yaml(path).data
    except ClauseError:
        return None


def is_scenario(path: Path, unreadable: bool = True) -> bool:
    """A YAML mapping that names ``contracts`` is a scenario, anything else a contract file.

    A file that does not load as YAML is taken as ``unreadable`` says, so that loading it as what
    the command expects reports why: a scenario for ``clause test``, a contract for ``clause lint``.
    """
    data = _data(path)
    return unreadable if data is None else isinstance(data, dict) and "contracts" in data


def expects(path: Path) -> bool:
    """A scenario with an ``expect:`` block, or a file that does not load (to be reported)."""
    data = _data(path)
    return data is None or (isinstance(data, dict) and "contracts" in data and "expect" in data)



#: Folders beyond the default ones that paths named inside files may lead into, resolved.
_ALLOWED: list[str] = []


def allow_paths(folders: Iterable[str]) -> None:
    """From now on, let paths named inside files lead into ``folders`` too (``--allow-path``),
    and into no other folder beyond the default ones."""
    allowed = []
    for folder in folders:
        from pathlib import Path  # here: most commands allow none

        path = Path(folder)
        if not path.is_dir():
            raise ClauseError(f"--allow-path {folder}: no such folder")
        allowed.append(str(path.resolve()))
    _ALLOWED[:] = allowed


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def not_a_file(path: str | Path) -> str | None:
    """Why ``path`` cannot be read as a file (it does not exist, or is a folder, a device, a
    pipe), or None when it is a regular file."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return "no such file"
    except OSError as exc:
        return f"cannot read: {exc.strerror}"
    return None if stat.S_ISREG(mode) else f"{_kind(mode)}, not a file"


def read_text(path: str | Path, what: str = "file") -> str:
    """The text of the regular file ``path``, its line ends made ``\\n``; a ``ClauseError``
    saying why not: no such file (``what`` says what kind), not a regular file, larger than
    ``MAX_FILE_BYTES``, or not UTF-8 (the error names the first byte that is not, never the
    file's text)."""
    try:  # O_NONBLOCK: a pipe opens at once instead of waiting for a writer; it is refused below
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        raise ClauseError(f"{path}: no such {what}") from None
    except OSError as exc:
        raise _unreadable(path, f"cannot read: {exc.strerror}") from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise _unreadable(path, f"{_kind(mode)}, not {'an' if what[0] in 'aeiou' else 'a'} {what}")
    with os.fdopen(fd, "rb") as handle:
        data = handle.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise _unreadable(path, f"larger than {MAX_FILE_BYTES:,} bytes, the limit on a file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:  # all before the byte is text: count its lines
        before = data[:exc.start].decode("utf-8")
        raise _unreadable(path, f"not UTF-8 text (byte {data[exc.start]:#04x}): is it the file you "
                                "meant?", *line_and_column(before, len(before))) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _unreadable(path: str | Path, message: str, line: int = 1, column: int = 1) -> ClauseError:
    return ClauseError(message, [Diagnostic(str(path), line, column, message)])


def named_file(doc: YamlDoc, where: Path_, written: str, what: str) -> str:
    """The file ``doc`` names as ``written`` at ``where``, relative to its folder, written as
    pathlib writes it; a ``ClauseError`` there if it leads outside the folders allowed, does not
    exist (``what`` says what it should be) or is not a regular file."""
    target = _beside(doc.path, written)
    roots = [os.path.realpath(_beside(doc.path, "")), os.path.realpath(os.getcwd()), *_ALLOWED]
    if not any(_inside(os.path.realpath(target), root) for root in roots):
        problem = (f"{written} leads outside the folder of {doc.path} and the folder Clause runs in: "
                   "name a file inside them, or allow its folder with --allow-path FOLDER")
    elif not os.path.exists(target):
        problem = f"no such {what}: {target}"
    else:
        unreadable = not_a_file(target)
        problem = f"{target}: {unreadable}" if unreadable else ""
    if problem:
        found = doc.diagnostic(where, problem)
        raise ClauseError(found.message, [found])
    return target


def _beside(path: str, written: str) -> str:
    """``str(Path(path).parent / written)`` without pathlib, which a warm run never imports:
    ``.`` and empty parts dropped, two leading slashes kept, an absolute ``written`` as it is."""
    root, parts = _parsed(path)
    if written.startswith("/"):
        root, parts = _parsed(written)
    else:
        parts = parts[:-1] + _parsed(written)[1]
    return root + "/".join(parts) or "."


def _parsed(path: str) -> tuple[str, list[str]]:
    """The root of ``path`` (none, ``/`` or ``//``) and its parts, as pathlib reads them."""
    parts = path.lstrip("/")
    slashes = len(path) - len(parts)
    root = "//" if slashes == 2 else "/" if slashes else ""
    return root, [p for p in parts.split("/") if p not in ("", ".")]


def _inside(path: str, folder: str) -> bool:
    """Whether the resolved ``path`` is ``folder`` (resolved) or below it."""
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def write_atomically(path: str | Path, content: str | Callable[[IO[bytes]], None]) -> None:
    """Write ``content`` to ``path`` whole or not at all: into a temporary file in the same
    folder, then renamed over ``path``, so that no reader ever sees part of it and a failure
    leaves what was there before. ``content`` is text (written as UTF-8, line ends as given) or
    a function that writes bytes to the open file (a numpy array, say). Raises ``ClauseError``
    naming the file when it cannot be written."""
    import tempfile  # here: it imports shutil, random and the compressors, which reading never needs
    from pathlib import Path

    target = Path(path)
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)  # a file written again keeps its permissions
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    try:
        handle = tempfile.NamedTemporaryFile(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp",
                                             delete=False)
    except OSError as exc:
        raise ClauseError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with handle:
            if isinstance(content, str):
                handle.write(content.encode("utf-8"))
            else:
                content(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(handle.name, mode)
        os.replace(handle.name, target)
    except OSError as exc:
        Path(handle.name).unlink(missing_ok=True)
        raise ClauseError(f"cannot write {path}: {exc.strerror or exc}") from None
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0o22)
    os.umask(mask)
    return mask
