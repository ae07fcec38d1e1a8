"""The stages in order: a contract file → parsed → linked → checked, ready to evaluate.

The command and the scenario loader come here for programs; nothing else strings the
stages together. A checked program is kept in the cache (``cache.py``) under the path it
was loaded from, with the digest of the text of every contract file it was read from (the
file itself, the bodies it extends, the documents it joins): it is used again only while
each of those files still holds that text, and the cache's folder is this installation's
own, so a program read from the cache is the one the files give now. Only programs without
problems are kept. The loader and the checker are imported when a program must be made.
"""

from __future__ import annotations

import os
import sys

from . import cache
from .diagnostics import ClauseError, Diagnostic
from .files import read_text
from .link.program import Program

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing: a warm run never does
if TYPE_CHECKING:
    from pathlib import Path

#: What an entry of the cache of checked programs holds: the files read (path, digest of the text).
Reads = tuple[tuple[str, str], ...]


def load_checked(path: str) -> Program:
    """A contract file parsed, linked and checked; raises ``ClauseError`` with every problem."""
    program = _cached(path)
    if program is not None:
        return program
    from .check.checker import check
    from .link.loader import load_program
    from .link.reuse import recording

    with recording() as reads:
        program = load_program(path)
    problems = check(program)
    if problems:
        raise ClauseError(problems[0].message, problems)
    _keep(path, reads, program)
    return program


def load_each(files: list[Path]) -> tuple[list[Program], list[Diagnostic]]:
    """Every file parsed and linked (a program the cache holds is checked too): the programs, and
    the problems of those that would not load."""
    from .link.loader import load_program

    programs: list[Program] = []
    problems: list[Diagnostic] = []
    for path in files:
        try:
            programs.append(_cached(str(path)) or load_program(str(path)))
        except ClauseError as exc:
            problems.extend(exc.located(str(path)))
    return programs, problems


def check_each(files: list[Path]) -> tuple[list[Program], list[Diagnostic]]:
    """Every file parsed, linked and checked: the programs that loaded, then the problems of
    loading (in file order) and of checking (likewise). A program the cache holds has none."""
    from .check.checker import check
    from .link.loader import load_program
    from .link.reuse import recording

    programs: list[Program] = []
    not_loaded: list[Diagnostic] = []
    not_checked: list[Diagnostic] = []
    for path in files:
        program = _cached(str(path))
        if program is not None:
            programs.append(program)
            continue
        try:
            with recording() as reads:
                program = load_program(str(path))
        except ClauseError as exc:
            not_loaded.extend(exc.located(str(path)))
            continue
        problems = check(program)
        if not problems:
            _keep(str(path), reads, program)
        not_checked.extend(problems)
        programs.append(program)
    return programs, not_loaded + not_checked


def _entry(path: str) -> str:
    """The cache entry of the program loaded from ``path``: a relative path means one in this folder."""
    return cache.digest(path if os.path.isabs(path) else os.path.join(os.getcwd(), path), path)


def _cached(path: str) -> Program | None:
    """The checked program of ``path`` from the cache, if every file it was read from is unchanged."""
    name, here = _entry(path), cache.folder()
    if here is not None:  # read already in this process from this cache: its files checked again
        program = _valid(path, _READ.get((str(here), name)))
        if program is not None:
            return program
    entry = cache.load("programs", name)
    program = _valid(path, entry)
    if program is not None and here is not None:
        _READ[(str(here), name)] = entry
        _read_code()
    return program


def _read_code() -> None:
    """Give the evaluator the code of the formulas earlier runs compiled (see ``keep_code``), once."""
    global _code_read
    if not _code_read:
        _code_read = True
        table = cache.load("code", _CODE_ENTRY)
        if isinstance(table, dict):
            from .evaluate import source

            source.known(table)


def keep_code() -> None:
    """Add the code of the formulas this process compiled (``evaluate/source.py``) to the cache's,
    for the runs after it: compiling them costs more than a run evaluating them."""
    source = sys.modules.get(f"{__package__}.evaluate.source")  # not loaded: nothing was compiled
    made = source.fresh() if source is not None else {}
    if not made or cache.folder() is None:
        return
    table = cache.load("code", _CODE_ENTRY)
    table = dict(table) if isinstance(table, dict) and len(table) < _MOST_CODE else {}
    table.update(made)
    cache.store("code", _CODE_ENTRY, table)


_code_read = False
#: The entry of the code of formulas: one for all programs, as a formula's code is found by its source.
_CODE_ENTRY = "formulas"
#: Past this many formulas (of contracts edited many times, say), the table starts again.
_MOST_CODE = 20_000


def _valid(path: str, entry: object) -> Program | None:
    """The program of a cache entry for ``path``, if every file it was read from is unchanged."""
    if not (isinstance(entry, tuple) and len(entry) == 2):
        return None
    reads, program = entry
    # An entry this code did not write, or that does not name its own file, is no answer.
    if not isinstance(program, Program) or path not in dict(reads):
        return None
    for read, digest in reads:
        try:
            if cache.digest(read_text(read)) != digest:
                return None
        except ClauseError:
            return None
    return program


#: The entries read from the cache in this process, by cache folder and entry: a program is read
#: once for all the scenarios naming it (``clause test`` of many), and shared by them.
_READ: dict[tuple[str, str], tuple[Reads, Program]] = {}


def _keep(path: str, reads: dict[str, str], program: Program) -> None:
    found: Reads = tuple((read, cache.digest(text)) for read, text in reads.items())
    cache.store("programs", _entry(path), (found, program))
