"""The entries of a contract file, read from its provisions.

A contract file is a sequence of provisions in the document's order, each keyed by its
provision id and holding the entries (parameters, definitions, clauses, ...) that encode
it. This module flattens that layout into one list of ``Entry``: each entry knows its
section, its name, its YAML path, the provision ids it encodes (the provision it lives
in first, then those it ``cites``) and the sentence it quotes (its own ``text``, else that
of the quote or provision it sits in). Nothing here reads a formula; the loader does.
"""

from __future__ import annotations

from ..deferred import dataclass
from .yamldoc import Path_, YamlDoc

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing: a warm run never does
if TYPE_CHECKING:
    from typing import Any

#: The sections an entry can belong to, in the order a provision lists them.
ENTRY_SECTIONS = ("market", "parameters", "inputs", "definitions", "interpretations",
                  "state", "events", "obligations", "clauses")
#: The sections whose entries quote the document (their ``text``).
QUOTING = ("parameters", "definitions", "interpretations", "clauses")


@dataclass(frozen=True)
class Site:
    """Where a value is written: a YAML path, at the value or at its key."""

    where: Path_
    key: bool = False


@dataclass(frozen=True)
class Entry:
    """One entry of a contract file, whichever provision holds it."""

    section: str
    name: str
    data: dict[str, Any]
    where: Path_
    sources: tuple[str, ...]
    source_sites: tuple[Site, ...]
    text: str | None


@dataclass(frozen=True)
class ReferenceEntry:
    """A cross-reference as the document writes it, in the provision ``within``."""

    within: str
    data: dict[str, Any]
    where: Path_


@dataclass(frozen=True)
class Layout:
    """What the provisions of a file hold: entries, cross-references, the provisions listed."""

    entries: list[Entry]
    references: list[ReferenceEntry]
    provisions: list[tuple[str, Site]]
    texts: dict[str, str]  # each provision's own text, where it gives one


def read_layout(doc: YamlDoc) -> Layout:
    """The entries, references and provisions of ``doc``, in file order."""
    layout = Layout([], [], [], {})
    for pid, block in (doc.data.get("provisions") or {}).items():
        home = ("provisions", pid)
        layout.provisions.append((pid, Site(home, key=True)))
        if "text" in block:
            layout.texts[pid] = block["text"]
        _entries(pid, block, home, block.get("text"), layout)
        for i, quote in enumerate(block.get("quotes") or []):
            _entries(pid, quote, (*home, "quotes", i), quote["text"], layout)
        for i, reference in enumerate(block.get("references") or []):
            layout.references.append(ReferenceEntry(pid, reference, (*home, "references", i)))
    return layout


def _entries(pid: str, block: dict[str, Any], at: Path_, quoted: str | None, layout: Layout) -> None:
    home = Site(("provisions", pid), key=True)
    for section in ENTRY_SECTIONS:
        for name, data in (block.get(section) or {}).items():
            where = (*at, section, name)
            cites = [str(c) for c in data.get("cites", [])]
            text = data.get("text", quoted) if section in QUOTING else None
            layout.entries.append(Entry(
                section, name, data, where, (pid, *cites),
                (home, *(Site((*where, "cites", i)) for i in range(len(cites)))), text))

