"""Traceability: every source id is an inventory id, and every quoted text is in the document."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from support import CONTRACTS, INVENTORY, normalised_document

from interpreter.pipeline import load_checked

CONTRACT_FILES = sorted(CONTRACTS.glob("*.yaml"))


def inventory_ids() -> set[str]:
    ids = set()
    for line in INVENTORY.read_text(encoding="utf-8").splitlines():
        match = re.match(r"\| ((?:COD|W|SPA|RRA) [^|]+?) \|", line)
        if match:
            ids.add(match.group(1))
    return ids


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


def test_no_test_reads_beside_the_project() -> None:
    # A clone is complete: the inventory and the filing are docs/, not a folder beside the checkout.
    here = Path(__file__).parent
    outside = [p.name for p in sorted(here.glob("*.py"))
               if p != Path(__file__) and ("ROOT.parent" in p.read_text(encoding="utf-8")
                                           or "../shared" in p.read_text(encoding="utf-8"))]
    assert outside == []
    assert INVENTORY.is_relative_to(here.parent) and INVENTORY.is_file()
