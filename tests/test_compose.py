"""Deals: documents joined under short names, shared names made one, the deal's own entries."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import HEADER, values

from interpreter.diagnostics import ClauseError
from interpreter.pipeline import load_checked
from interpreter.rational import Fraction as F
from interpreter.run.engine import RunResult, run_scenario
from interpreter.run.scenario import load_scenario

# Two made-up supply agreements that draw on one stock of units; not real documents.
SUPPLY = HEADER + """\
provisions:
  T 1:
    parameters:
      company: {type: party, value: Maker, text: the maker}
      stock: {type: shares, value: 1000 shares, text: one thousand units}
      unit_price: {type: price, value: $PRICE per share, text: the price}
    inputs:
      order_date: {type: date, description: when}
      buyer: {type: party, description: who}
      units: {type: shares, description: how many}
      ratio: {type: ratio, description: the split}
    state:
      delivered: {type: shares, initial: 0 shares, description: units delivered}
    definitions:
      room: {type: shares, formula: "greater_of(0 shares, stock - delivered)", text: what is left}
      filled: {type: shares, formula: "lesser_of(units, room)", text: what is filled}
      cost: {type: money, formula: "units × unit_price", text: price times units}
    events:
      order: {date: order_date, fields: [buyer, units], description: an order}
      split: {date: order_date, fields: {factor: ratio}, description: a split}
    clauses:
      fill:
        on: order
        compute: [filled]
        effects:
          - increase: delivered
            by: filled
        text: the maker fills the order
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _deal(tmp_path: Path, body: str, price_b: str = "3") -> Path:
    _write(tmp_path, "a.yaml", SUPPLY.replace("PRICE", "2"))
    _write(tmp_path, "b.yaml", SUPPLY.replace("PRICE", price_b))
    return _write(tmp_path, "deal.yaml", "title: deal\ndocument: {title: Deal, source: test.txt}\n"
                  "documents: {a: a.yaml, b: b.yaml}\n" + body)


def _error(path: Path) -> str:
    with pytest.raises(ClauseError) as caught:
        load_checked(str(path))
    return str(caught.value)


def _order_700(tmp_path: Path, deal: Path) -> RunResult:
    """A run of ``deal`` with one order of 700 units."""
    scenario = _write(tmp_path, "s.yaml", f"""\
title: shared stock
contracts: [{deal.name}]
holders: {{Shop: {{}}}}
as_of: 2000-01-31
events:
  - {{date: 2000-01-10, event: order, buyer: Shop, units: 700}}
""")
    return run_scenario(load_scenario(scenario))


def test_names_are_qualified_by_document(tmp_path: Path) -> None:
    # a.cost = 10 × $2 = $20; b.cost = 10 × $3 = $30: the same name, two documents.
    deal = _deal(tmp_path, "")
    assert values(deal, "a.cost", "b.cost", **{"a.units": "10", "b.units": "10"}) == {
        "a.cost": 20, "b.cost": 30}


def test_deal_entries_use_and_replace_document_terms(tmp_path: Path) -> None:
    # The deal's b.room replaces b's own: stock 1,000 less what both delivered, none yet, less 100.
    # Its total: a.cost(units = 4 shares) + b.cost(units = 5 shares) = $8 + $15 = $23; keywords read
    # in the callee's document.
    deal = _deal(tmp_path, """\
provisions:
  T 2:
    definitions:
      b.room: {type: shares, formula: "stock_left - 100 shares", text: kept back}
      stock_left: {type: shares, formula: "a.stock - a.delivered - b.delivered", text: left}
      both: {type: money, formula: "a.cost(units = 4 shares) + b.cost(units = 5 shares)", text: both}
""")
    assert values(deal, "b.room", "a.room", "both") == {"b.room": 900, "a.room": 1000, "both": 23}


def test_shared_state_and_events_are_one(tmp_path: Path) -> None:
    # One stock of 1,000 units shared: an order of 700 reaches both documents' clauses, in the
    # deal's order; a fills 700 (room 1,000), then b sees 300 left and fills 300; delivered = 1,000.
    deal = _deal(tmp_path, "shared:\n  delivered: [a, b]\n  order: [a, b]\n  stock: [a, b]\n")
    result = _order_700(tmp_path, deal)
    filled = [(c.clause, c.record.value) for r in result.results for c in r.values
              if c.name.endswith("filled")]
    assert filled == [("a.fill", 700), ("b.fill", 300)]
    assert result.state["delivered"] == 1000


def test_a_shared_event_fills_each_documents_input(tmp_path: Path) -> None:
    # split's field factor fills a.ratio and b.ratio: both take 3/2.
    deal = _deal(tmp_path, "shared:\n  split: [a, b]\n")
    program = load_checked(str(deal))
    assert program.events["split"].fields == {"factor": ["a.ratio", "b.ratio"]}
    assert program.events["split"].date_inputs == ["a.order_date", "b.order_date"]


def test_a_shared_name_under_another_name(tmp_path: Path) -> None:
    deal = _deal(tmp_path, "shared:\n  demand: [a.order, b.order]\n")
    program = load_checked(str(deal))
    assert "demand" in program.events and "a.order" not in program.events
    assert [c.on for c in program.clauses] == [["demand"], ["demand"]]  # each on its one event


def test_shared_parameters_must_agree(tmp_path: Path) -> None:
    # unit_price is $2 in a and $3 in b: one parameter cannot be both.
    deal = _deal(tmp_path, "shared:\n  unit_price: [a, b]\n")
    message = _error(deal)
    assert "b.yaml:9:7: error: unit_price is shared, but its value here differs from" in message
    assert "a.yaml:9" in message
    # Unless the deal gives the value: then it replaces both.
    deal = _deal(tmp_path, "shared:\n  unit_price: [a, b]\nprovisions:\n  T 2:\n    parameters:\n"
                 "      unit_price: {type: price, value: $4 per share, text: the deal's price}\n")
    assert values(deal, "a.cost", "b.cost", **{"a.units": "1", "b.units": "2"}) == {"a.cost": 4, "b.cost": 8}


def test_a_definition_cannot_be_shared(tmp_path: Path) -> None:
    assert "room is shared, but it is a definition here" in _error(
        _deal(tmp_path, "shared:\n  room: [a, b]\n"))


def test_shared_entries_must_name_something(tmp_path: Path) -> None:
    message = _error(_deal(tmp_path, "shared:\n  stock: [a, c]\n  nothing: [b]\n"))
    assert "deal.yaml:5:14: error: 'c' is not one of the documents (a, b)" in message
    assert "deal.yaml:6:13: error: b declares nothing named 'nothing'" in message


def test_a_shared_clause_runs_once(tmp_path: Path) -> None:
    # One stock of 1,000 and one order of 700 for both documents: shared as one clause, the fill runs
    # once (a's copy, in b's place), so 700 are delivered, not 700 + 300.
    deal = _deal(tmp_path, "shared:\n  delivered: [a, b]\n  order: [a, b]\n  stock: [a, b]\n"
                 "shared_clauses:\n  fill: [a, b]\n")
    assert [c.name for c in load_checked(str(deal)).clauses] == ["fill"]
    result = _order_700(tmp_path, deal)
    assert [(c.clause, c.record.value) for r in result.results for c in r.values] == [("fill", 700)]
    assert result.state["delivered"] == 700


def test_shared_clauses_must_be_one_rule(tmp_path: Path) -> None:
    # delivered is not shared, so a's fill and b's change two things: a.delivered and b.delivered.
    message = _error(_deal(tmp_path, "shared:\n  order: [a, b]\nshared_clauses:\n  fill: [a, b, c]\n"
                                     "  nothing: [a, b]\n"))
    assert ("deal.yaml:7:13: error: b.fill cannot be one clause with a.fill: its effects (increase "
            "b.delivered) are not those of a.fill (increase a.delivered)") in message
    assert "deal.yaml:7:16: error: 'c' is not one of the documents (a, b)" in message
    assert "deal.yaml:8:13: error: a has no clause named 'nothing'" in message
    # On events not shared, they apply on two events.
    message = _error(_deal(tmp_path, "shared:\n  delivered: [a, b]\nshared_clauses:\n  fill: [a, b]\n"))
    assert "b.fill cannot be one clause with a.fill: it applies on b.order, and a.fill on a.order" in message


def test_shared_clauses_belong_to_a_deal(tmp_path: Path) -> None:
    lines = SUPPLY.count("\n")  # the key is on the line after the contract's
    path = _write(tmp_path, "a.yaml", SUPPLY.replace("PRICE", "2") + "shared_clauses:\n  fill: [a, b]\n")
    assert (f"a.yaml:{lines + 1}:1: error: shared_clauses: only a file that joins documents has it "
            "(give documents:)") in _error(path)


def test_document_file_problems(tmp_path: Path) -> None:
    deal = _write(tmp_path, "deal.yaml", "title: deal\ndocument: {title: Deal, source: t}\n"
                  "documents: {a: missing.yaml}\n")
    assert "deal.yaml:3:16: error: no such contract file:" in _error(deal)
    deal.write_text("title: deal\ndocument: {title: Deal, source: t}\ndocuments: {me: deal.yaml}\n")
    assert "includes the deal" in _error(deal)
    deal.write_text("title: deal\ndocument: {title: Deal, source: t}\ndocuments: {a: a.yaml}\n"
                    "extends: a.yaml\n")
    assert "deal.yaml:4:1: error: a file either extends a body or joins documents into a deal, not both" \
        in _error(deal)


def test_qualified_names_in_the_language(tmp_path: Path) -> None:
    # A qualified name outside a deal is just an unknown name, reported where it stands.
    path = _write(tmp_path, "c.yaml", HEADER + "provisions:\n  T 1:\n    definitions:\n"
                  "      x: {type: ratio, formula: \"a.rate × 2\", text: x}\n")
    assert "c.yaml:7:34: error: unknown name 'a.rate'" in _error(path)
    half = _deal(tmp_path, "provisions:\n  T 1:\n    definitions:\n"
                 "      half: {type: ratio, formula: \"1 / 2\", text: h}\n")
    assert values(half, "half")["half"] == F(1, 2)


def test_a_deal_clause_can_come_before_a_document_clause(tmp_path: Path) -> None:
    # a.fill delivers 700 of the 1,000 units. A deal clause placed before it sees a.room = 1,000
    # (nothing delivered yet); placed after (the default), it sees 1,000 − 700 = 300.
    def seen(order: str) -> object:
        deal = _deal(tmp_path, f"""\
provisions:
  T 2:
    state:
      room_seen: {{type: shares, initial: 0 shares, description: what the deal saw}}
    clauses:
      look:
        on: a.order
{order}        effects:
          - set: room_seen
            to: a.room
        text: the deal looks
""")
        scenario = _write(tmp_path, "s.yaml", f"title: t\ncontracts: [{deal.name}]\nholders: {{Shop: {{}}}}\n"
                          "as_of: 2000-01-31\nevents:\n"
                          "  - {date: 2000-01-10, event: a.order, buyer: Shop, units: 700}\n")
        return run_scenario(load_scenario(scenario)).state["room_seen"]

    assert seen("        before: a.fill\n") == 1000
    assert seen("") == 300
    deal = _deal(tmp_path, "provisions:\n  T 2:\n    clauses:\n      look:\n        on: a.order\n"
                 "        before: a.nothing\n        text: t\n")
    assert "deal.yaml:9:17: error: no clause named 'a.nothing' to come before" in _error(deal)


def test_a_documents_events_cannot_precede_its_issue(tmp_path: Path) -> None:
    # a is issued 2000-01-01, b 2000-06-01: an order under b on 2000-03-01 is before b exists.
    for name, day in (("a", "2000-01-01"), ("b", "2000-06-01")):
        text = SUPPLY.replace("PRICE", "2").replace(
            "    definitions:\n", f"    definitions:\n      start: {{type: date, formula: {day}, text: s}}\n")
        _write(tmp_path, f"{name}.yaml", text + "issue_date: start\n")
    deal = _write(tmp_path, "deal.yaml", "title: deal\ndocument: {title: Deal, source: t}\n"
                  "documents: {a: a.yaml, b: b.yaml}\n")
    scenario = _write(tmp_path, "s.yaml", f"title: t\ncontracts: [{deal.name}]\nholders: {{Shop: {{}}}}\n"
                      "as_of: 2000-12-31\nevents:\n"
                      "  - {date: 2000-03-01, event: a.order, buyer: Shop, units: 1}\n"
                      "  - {date: 2000-03-01, event: b.order, buyer: Shop, units: 1}\n")
    with pytest.raises(ClauseError) as caught:
        load_scenario(scenario)
    assert [str(d).split("s.yaml:")[1] for d in caught.value.diagnostics] == [
        "7:12: error: 2000-03-01 is before test contract's b.start (2000-06-01)"]
