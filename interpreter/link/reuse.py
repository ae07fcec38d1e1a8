"""Each contract file linked once per run, and a record of the files a program was read from.

A body that several variants extend, or a document a deal joins, is linked the first time
it is asked for; every later use gets a copy of its own (the checker types each program's
trees in place, and a variant's types may differ from its body's), made from a snapshot
taken before anyone used the first. The snapshot shares the YAML documents, which nothing
changes. A copy is given only while every file the program was read from still holds the
text it was read with.

``recording`` lists the files read while a program loads, whether read now or found in the
snapshots, so that the cache of checked programs (``pipeline``) can key its entries by them.
"""

from __future__ import annotations

import copyreg
import io
import pickle
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from ..diagnostics import ClauseError
from ..files import read_text
from ..syntax.yamldoc import YamlDoc
from .program import Program

#: The files read under each ``recording`` block now running, by path as named: their texts.
_recordings: list[dict[str, str]] = []


@contextmanager
def recording() -> Iterator[dict[str, str]]:
    """The contract files read while the block runs, by path as named, with their texts."""
    reads: dict[str, str] = {}
    _recordings.append(reads)
    try:
        yield reads
    finally:
        _recordings.pop()


def note_read(path: str, text: str) -> None:
    """Tell every ``recording`` block now running that ``path`` was read and held ``text``."""
    for reads in _recordings:
        reads[path] = text


def unchanged(reads: dict[str, str]) -> bool:
    """Every file still holds the text it was read with."""
    for path, text in reads.items():
        try:
            if read_text(path) != text:
                return False
        except ClauseError:
            return False
    return True


def _shared(index: int) -> YamlDoc:
    """Stands in a snapshot for the document ``index`` of its list; ``_Unpickler`` finds it there."""
    raise AssertionError("a snapshot is read by _Unpickler only")


def _pickled(program: Program) -> tuple[bytes, list[YamlDoc]]:
    """``program`` pickled without its documents, and the documents, in the order it names them."""
    docs: list[YamlDoc] = []
    numbers: dict[int, int] = {}

    def shared(doc: YamlDoc) -> tuple[Callable[[int], YamlDoc], tuple[int]]:
        if id(doc) not in numbers:
            numbers[id(doc)] = len(docs)
            docs.append(doc)
        return _shared, (numbers[id(doc)],)

    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    # A reducer by type is looked up in C for each object; a persistent_id is a call in Python for each.
    pickler.dispatch_table = {**copyreg.dispatch_table, YamlDoc: shared}
    pickler.dump(program)
    return buffer.getvalue(), docs


class _Unpickler(pickle.Unpickler):
    def __init__(self, file: io.BytesIO, docs: list[YamlDoc]) -> None:
        super().__init__(file)
        self.docs = docs

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == (__name__, _shared.__name__):
            return self.docs.__getitem__
        return super().find_class(module, name)


@dataclass(frozen=True)
class _Snapshot:
    """A linked program as it was before its first use, and the files it was read from."""

    reads: dict[str, str]
    pickled: bytes
    docs: list[YamlDoc]

    def copy(self) -> Program:
        program = _Unpickler(io.BytesIO(self.pickled), self.docs).load()
        assert isinstance(program, Program)
        return program


#: This run's linked programs, by the path they were loaded from (as named).
_linked: dict[str, _Snapshot] = {}


def linked_once(path: str, link: Callable[[], Program]) -> Program:
    """The program ``link`` makes from the file at ``path``: made once per run, a copy each later time."""
    kept = _linked.get(path)
    if kept is not None and unchanged(kept.reads):
        for read, text in kept.reads.items():
            note_read(read, text)
        return kept.copy()
    with recording() as reads:
        program = link()
    try:
        _linked[path] = _Snapshot(reads, *_pickled(program))
    except RecursionError:  # a formula nested deeper than pickle goes: link it again when asked
        pass
    return program
