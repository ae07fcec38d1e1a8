"""Helpers shared by the tests: paths, a CLI result, evaluating terms from text."""

from __future__ import annotations

import json
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from interpreter.evaluate.inputs import environment, evaluate
from interpreter.pipeline import load_checked

ROOT = Path(__file__).resolve().parent.parent
CONTRACTS = ROOT / "contracts"
SERIES_B = CONTRACTS / "series_b_certificate.yaml"
SMALL_MARKET = ROOT / "tests" / "data" / "closing-bids-MADE-UP-small.csv"
TOY = ROOT / "tests" / "data" / "toy"
#: The clause inventory and the filing the contracts quote, kept in the project so any clone checks them.
INVENTORY = ROOT / "docs" / "clause-inventory.md"
SOURCE = ROOT / "docs" / "source" / "valence-8k-1998-12-21.txt"

HEADER = """\
title: test contract
document: {title: Test, source: test.txt}
calendars: {business_days: [FED, XNYS], exchange: XNAS}
"""


#: A provision with a parameter of each common type and an input, for tests that write
#: definitions after it (``definitions``): below HEADER, the first definition's formula is on
#: line FORMULA_LINE, and a formula written ``formula: '...'`` starts at column FORMULA_COLUMN.
PROVISION = """\
provisions:
  T 1:
    text: quoted
    parameters:
      p: {type: money, value: $1}
      yes: {type: boolean, value: true}
      start: {type: date, value: 1999-01-04}
    inputs:
      n: {type: ratio, description: a number}
    definitions:
"""
FORMULA_LINE, FORMULA_COLUMN = 16, 19


def definitions(*entries: tuple[str, str, str]) -> str:
    """Definitions ``(name, type, formula)``, three lines each, every formula in single quotes."""
    return "".join(f"      {name}:\n        type: {type_}\n        formula: '{formula}'\n"
                   for name, type_, formula in entries)


@dataclass
class Run:
    """The outcome of one CLI invocation."""

    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


TOY_EVENTS = """\
  - {date: 1999-07-01, event: order, buyer: Buyer A, units: 100}
  - {date: 1999-07-12, event: delivered, buyer: Buyer A}
"""


def toy_scenario(folder: Path, name: str, expect: str, events: str = TOY_EVENTS,
                 contract: str | Path = TOY / "toy_contract.yaml") -> Path:
    """A scenario of the toy contract (an order of 100 units on 07-01, delivered on 07-12 unless
    ``events`` says otherwise) with ``expect`` as its expect: block: the events start on line 7."""
    path = folder / name
    path.write_text(textwrap.dedent(f"""\
        title: toy
        contracts: [{contract}]
        as_of: 1999-07-31
        holders:
          Buyer A: {{held: 10}}
        events:
        """) + events + expect, encoding="utf-8")
    return path


def normalised_document() -> str:
    """The filing's text with page footers and breaks removed and white space folded."""
    kept = [line for line in SOURCE.read_text(encoding="utf-8").splitlines()
            if line.strip() != "<PAGE>" and not re.fullmatch(r"\s*\d+\.\s*", line)]
    return " ".join(" ".join(kept).split())


def values(path: Path, *terms: str, market: Path | None = None,
           interpret: dict[str, str] | None = None, **given: str) -> dict[str, Any]:
    """Evaluate ``terms`` of the contract at ``path`` with ``--set`` style texts."""
    program = load_checked(str(path))
    env = environment(program, list(given.items()), list((interpret or {}).items()),
                      str(market) if market else None)
    return {r.term.name: r.value for r in evaluate(program, env, list(terms))}
