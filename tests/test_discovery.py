"""``clause terms``, ``clause events`` and ``clause --version``: what a contract offers, worked by hand."""

from __future__ import annotations

import importlib.metadata
import json
from pathlib import Path

import pytest
from support import ROOT

import interpreter

TOY = ROOT / "tests" / "data" / "toy" / "toy_contract.yaml"

# A fee from a start date, the days counted at a rate read two ways; a balance at a date a caller
# rebinds; a daily charge with a given day, added up by a loop.
BODY = """\
provisions:
  T 1:
    text: the fee
    parameters:
      rate: {type: ratio, value: 10%}
    inputs:
      start: {type: date, description: from}
      end: {type: date, description: to}
      principal: {type: money, description: the amount}
      extra: {type: money, default: $0, description: anything added}
      other_basis: {type: days, description: the days agreed}
    market:
      bid: {type: price, column: closing_bid_price, description: the bid}
    definitions:
      days_run: {type: days, formula: end - start}
      fee: {type: money, formula: principal × rate × basis / 365 days + extra}
      balance_at_start: {type: money, formula: fee(end = start)}
      daily: {type: money, given: {day: date}, formula: "if day > start then rate × principal else $0"}
      accrued: {type: money, formula: "total daily for each day from start through end"}
      priced: {type: price, formula: "average(window(bid, 3 trading days, ending = end))"}
    interpretations:
      basis:
        type: days
        question: Which days count?
        default: elapsed
        choices:
          elapsed: {formula: days_run, reason: the days that passed}
          agreed: {formula: other_basis, reason: the days agreed}
"""


@pytest.fixture
def fee(contract) -> Path:
    path: Path = contract(BODY)
    return path


def test_terms_json_lists_what_each_term_needs(cli, fee: Path) -> None:
    run = cli("terms", fee, "fee", "balance_at_start", "daily", "accrued", "priced", "--format", "json")
    assert run.code == 0, run.err
    found = {t["name"]: t for t in run.json()}
    # fee reads principal, rate, extra and basis; basis by default is days_run = end - start. The
    # reading 'agreed' would read other_basis instead, which is not needed unless chosen.
    assert found["fee"] == {
        "name": "fee", "kind": "definition", "type": "money", "provision": "T 1", "cites": [],
        "inputs": [{"name": "start", "type": "date", "optional": False},
                   {"name": "end", "type": "date", "optional": False},
                   {"name": "principal", "type": "money", "optional": False},
                   {"name": "extra", "type": "money", "optional": True}],
        "given": [], "market": [], "description": None}
    # fee(end = start): the call gives end, so only start is needed of the two dates.
    assert [i["name"] for i in found["balance_at_start"]["inputs"]] == ["start", "principal", "extra"]
    # daily is given its day by whoever uses it; accrued binds it in its loop.
    assert found["daily"]["given"] == [{"name": "day", "type": "date"}]
    assert [i["name"] for i in found["daily"]["inputs"]] == ["start", "principal"]
    assert found["accrued"]["given"] == []
    assert [i["name"] for i in found["accrued"]["inputs"]] == ["start", "end", "principal"]
    # A series is read from its column of the market data.
    assert found["priced"]["market"] == [
        {"name": "bid", "type": "series of price", "column": "closing_bid_price"}]


def test_terms_text(cli, fee: Path) -> None:
    run = cli("terms", fee, "rate", "fee", "daily", "priced")
    assert run.code == 0, run.err
    assert run.out.splitlines() == [
        "rate: ratio  (parameter, T 1)",
        "fee: money  (definition, T 1)",
        "  inputs: start, end, principal",
        "  optional inputs: extra",
        "daily: money  (definition, T 1)",
        "  inputs: start, principal",
        "  given: day",
        "priced: price  (definition, T 1)",
        "  inputs: end",
        "  market data columns: closing_bid_price",
    ]


def test_terms_of_the_certificate_match_the_readme(cli) -> None:
    # The README evaluates conversion_shares with --set notice_date, --set preferred_shares and
    # --market: exactly the inputs without a default, and the closing_bid column.
    run = cli("terms", ROOT / "contracts" / "series_b_certificate.yaml", "conversion_shares")
    assert run.out.splitlines() == [
        "conversion_shares: shares  (definition, COD IV.A; cites COD IV.E)",
        "  inputs: notice_date, preferred_shares",
        "  optional inputs: holder, notice_delivered_on, notice_delivered_at, required_conversion",
        "  market data columns: closing_bid",
    ]


def test_every_term_is_listed_once_in_file_order(cli) -> None:
    run = cli("terms", TOY, "--format", "json")
    # 19 terms declared, then the 2 obligations with a unit, which formulas read as what is owed.
    names = [t["name"] for t in run.json()]
    assert names[:3] == ["company", "lot_price", "order_date"] and len(names) == len(set(names)) == 21
    assert [t["name"] for t in run.json() if t["kind"] == "owed"] == names[19:]


def test_an_unknown_term_is_an_error(cli, fee: Path) -> None:
    run = cli("terms", fee, "fees")
    assert run.code == 1
    assert run.err.strip() == f"error: unknown term 'fees' in {fee}; did you mean 'fee'?"


def test_events(cli) -> None:
    run = cli("events", TOY, "--format", "json")
    assert run.code == 0, run.err
    events = {e["name"]: e for e in run.json()}
    assert list(events) == ["order", "delivered", "check", "as_of"]
    assert events["order"] == {
        "name": "order", "provision": "T 1", "cites": [], "description": "an order",
        "fields": [{"name": "buyer", "type": "party", "optional": False},
                   {"name": "units", "type": "shares", "optional": False}],
        "requires": [], "clauses": [{"name": "take_order", "provision": "T 1", "cites": []}]}
    assert [c["name"] for c in events["check"]["clauses"]] == ["deadline_check"]
    text = cli("events", TOY).out.splitlines()
    assert text[:6] == [
        "order  [T 1]  an order",
        "  fields: buyer (party), units (shares)",
        "  clauses: take_order [T 1]",
        "delivered  [T 1]  delivery",
        "  fields: buyer (party)",
        "  clauses: deliver [T 2]",
    ]
    assert text[-2:] == ["as_of  [T 2]  the end of the run", "  clauses: none"]


def test_events_of_the_certificate_in_the_order_their_clauses_run(cli) -> None:
    run = cli("events", ROOT / "contracts" / "series_b_certificate.yaml", "--format", "json")
    events = {e["name"]: e for e in run.json()}
    notice = events["conversion_notice"]
    assert notice["provision"] == "COD IV.B"
    assert notice["requires"] == ["a Holder converts only shares of Preferred Stock it holds"]
    assert {"name": "preferred_shares", "type": "shares", "optional": False} in notice["fields"]
    # cap_reallocation is written to run before optional_conversion (COD XIV.C before IV.A).
    assert [c["name"] for c in notice["clauses"]][:2] == ["cap_reallocation", "optional_conversion"]
    # The start of a run is built in; the certificate's clause allocating the Cap Amount runs on it.
    assert events["start"]["provision"] is None
    assert [c["name"] for c in events["start"]["clauses"]] == ["allocate_cap_amount"]


def test_version_is_the_package_metadata(cli, capsys: pytest.CaptureFixture[str]) -> None:
    run = cli("--version")
    assert run.code == 0
    assert run.out == f"clause {importlib.metadata.version('clause')}\n"
    assert importlib.metadata.version("clause") == interpreter.__version__


def test_json_is_valid_for_every_bundled_contract(cli) -> None:
    # Each listing is JSON a program can read, for the largest file too (the deal).
    run = cli("events", ROOT / "contracts" / "valence_financing.yaml", "--format", "json")
    assert run.code == 0 and len(json.loads(run.out)) > 100
