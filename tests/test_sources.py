"""Traceability: every source id is an inventory id, and every quoted text is in the document."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from support import CONTRACTS, SHARED

from interpreter.pipeline import load_checked

INVENTORY = SHARED / "clause-inventory.md"
SOURCE = SHARED / "source" / "valence-8k-1998-12-21.txt"
CONTRACT_FILES = sorted(CONTRACTS.glob("*.yaml"))

pytestmark = pytest.mark.skipif(not INVENTORY.exists(), reason="../shared is not beside this checkout")


def inventory_ids() -> set[str]:
    ids = set()
    for line in INVENTORY.read_text(encoding="utf-8").splitlines():
        match = re.match(r"\| ((?:COD|W|SPA|RRA) [^|]+?) \|", line)
        if match:
            ids.add(match.group(1))
    return ids


def normalised_document() -> str:
    """The source text with page footers and breaks removed and white space folded."""
    kept = [line for line in SOURCE.read_text(encoding="utf-8").splitlines()
            if line.strip() != "<PAGE>" and not re.fullmatch(r"\s*\d+\.\s*", line)]
    return " ".join(" ".join(kept).split())


def test_inventory_is_readable() -> None:
    ids = inventory_ids()
    assert {"COD I", "COD III.F", "W 12(c)", "SPA 4.15", "RRA 2.3"} <= ids
    assert len(ids) > 100


@pytest.mark.parametrize("path", CONTRACT_FILES, ids=lambda p: p.name)
def test_every_source_is_an_inventory_id(path: Path) -> None:
    ids = inventory_ids()
    program = load_checked(str(path))
    unknown = {(t.name, s) for t in program.terms.values() for s in t.sources if s not in ids}
    assert not unknown, f"source ids not in the clause inventory: {sorted(unknown)}"


@pytest.mark.parametrize("path", CONTRACT_FILES, ids=lambda p: p.name)
def test_every_text_is_quoted_from_the_document(path: Path) -> None:
    document = normalised_document()
    program = load_checked(str(path))
    missing = []
    for term in program.terms.values():
        if not term.text:
            continue
        for fragment in term.text.split("..."):
            fragment = " ".join(fragment.split())
            if fragment and fragment not in document:
                missing.append((term.name, fragment))
    assert not missing, f"text not found verbatim in the source: {missing}"
