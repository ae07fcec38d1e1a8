"""The event engine on a made-up two-party agreement (tests/data/toy): mechanics and errors."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest
from support import ROOT

from interpreter.diagnostics import ClauseError
from interpreter.rational import Fraction as F
from interpreter.run.engine import run_scenario
from interpreter.run.expectations import failures
from interpreter.run.scenario import load_scenario

TOY = ROOT / "tests" / "data" / "toy"


def scenario_file(tmp_path: Path, body: str) -> Path:
    """A scenario next to a copy of the toy contract."""
    (tmp_path / "toy_contract.yaml").write_text((TOY / "toy_contract.yaml").read_text())
    path = tmp_path / "s.yaml"
    path.write_text("title: t\ncontracts: [toy_contract.yaml]\nas_of: 1999-07-31\n"
                    "holders: {Buyer A: {held: 10}}\n" + textwrap.dedent(body))
    return path


def test_events_state_obligations_and_flags() -> None:
    run = run_scenario(load_scenario(TOY / "toy_scenario.yaml"))
    assert [r.occurrence.name for r in run.results] == ["order", "check", "delivered"]
    assert run.state["held"].get("Buyer A") == 110
    assert run.state["total_ordered"] == 100
    units, fees = run.obligations
    assert (units.amount, units.due, units.settled) == (100, dt.date(1999, 7, 7), dt.date(1999, 7, 12))
    # late from 07-08 to 07-11 inclusive: 4 days × $100
    assert (fees.amount, fees.settled) == (F(400), None)
    assert [(f.name, f.raised, f.date) for f in run.flags] == [
        ("late", True, dt.date(1999, 7, 7)), ("late", False, dt.date(1999, 7, 12))]
    assert failures(run) == []


def test_a_wrong_expectation_is_reported_with_its_clause(tmp_path: Path) -> None:
    path = scenario_file(tmp_path, """\
        events:
          - {date: 1999-07-01, event: order, buyer: Buyer A, units: 100}
        expect:
          - {after: 0, values: {cost: $249.99}, state: {on_order: {Buyer A: 99}}}
        """)
    assert [d.message for d in failures(run_scenario(load_scenario(path)))] == [
        "after event 0 (1999-07-01 order): cost expected $249.99, got $250.00 [T 1; clause take_order]",
        "after event 0 (1999-07-01 order): on_order[Buyer A] expected 99 shares, got 100 shares",
    ]


def test_an_unmatched_obligation_is_shown_beside_the_runs(tmp_path: Path) -> None:
    # The late fees are owed by 07-19 (07-12 + 5 business days); expecting 07-20 fails, and the
    # message shows the obligation the run has, in the contract's notation.
    path = scenario_file(tmp_path, """\
        events:
          - {date: 1999-07-01, event: order, buyer: Buyer A, units: 100}
          - {date: 1999-07-12, event: delivered, buyer: Buyer A}
        expect:
          - {after: 1, obligations: [{what: late fees, amount: $400, due: 1999-07-20}]}
        """)
    assert [d.message for d in failures(run_scenario(load_scenario(path)))] == [
        "after event 1 (1999-07-12 delivered): no obligation matches {what: late fees, amount: $400, "
        "due: 1999-07-20}; the run has: Toy Co. owes Buyer A $400.00 (late fees) by 1999-07-19, open"]


def test_expected_flags_and_scheduled_events(tmp_path: Path) -> None:
    # The order of 07-01 schedules the check for its deadline, 07-07 (three business days, 07-05 a
    # holiday); the check finds the units undelivered and raises late; the delivery of 07-12 clears it.
    path = scenario_file(tmp_path, """\
        events:
          - {date: 1999-07-01, event: order, buyer: Buyer A, units: 100}
          - {date: 1999-07-12, event: delivered, buyer: Buyer A}
        expect:
          - after: 1
            flags:
              - {flag: late, party: Buyer A, change: raised, date: 1999-07-07, clause: deadline_check}
              - {flag: late, change: cleared, date: 1999-07-12}
            scheduled: [{event: check, date: 1999-07-07, by: take_order}]
          - after: 0
            flags: [{flag: late, change: raised}]
            scheduled: [{event: check, date: 1999-07-08}]
        """)
    assert [d.message for d in failures(run_scenario(load_scenario(path)))] == [
        "after event 0 (1999-07-01 order): no flag change matches {flag: late, change: raised}; the run "
        "has: none of that flag",
        "after event 0 (1999-07-01 order): no scheduled event matches {event: check, date: 1999-07-08}; "
        "the run has: none of that event"]


def test_as_of_stops_the_run_and_fires_the_end_event(tmp_path: Path) -> None:
    path = scenario_file(tmp_path, """\
        events:
          - {date: 1999-07-01, event: order, buyer: Buyer A, units: 100}
          - {date: 1999-07-12, event: delivered, buyer: Buyer A}
        """)
    run = run_scenario(load_scenario(path, as_of=dt.date(1999, 7, 6)))
    assert [r.occurrence.name for r in run.results] == ["order"]
    assert run.state["on_order"].get("Buyer A") == 100
    # the delivery (and the check scheduled for 07-07) lie after as_of: reported, not run
    assert [(o.index, o.name) for o in run.not_reached] == [(1, "delivered")]


@pytest.mark.parametrize(("event", "line_col", "message"), [
    ("{date: 1999-07-01, event: odrer, buyer: Buyer A, units: 1}", (6, 31), "unknown event 'odrer'"),
    ("{date: 1999-07-01, event: order, buyer: Buyer Z, units: 1}", (6, 45), "unknown holder 'Buyer Z'"),
    ("{date: 1999-07-01, event: order, buyer: Buyer A, units: $5}", (6, 61),
     "units (shares): the value is money"),
    ("{date: 1999-06-30, event: order, buyer: Buyer A, units: 1}", (6, 12),
     "1999-06-30 is before Toy delivery agreement's start_date (1999-07-01)"),
    ("{date: 1999-07-01, event: order, buyer: Buyer A}", (6, 5), "order needs its field 'units'"),
    ("{date: 1999-07-01, event: order, buyer: Buyer A, units: 1, colour: red}", (6, 64),
     "order has no field 'colour'"),
])
def test_scenario_errors_point_into_the_scenario(tmp_path: Path, event: str, line_col: tuple[int, int],
                                                 message: str) -> None:
    path = scenario_file(tmp_path, f"events:\n  - {event}\n")
    with pytest.raises(ClauseError) as info:
        load_scenario(path)
    diagnostic = info.value.diagnostics[0]
    assert (diagnostic.line, diagnostic.column) == line_col
    assert message in diagnostic.message


def test_event_outside_the_market_data(tmp_path: Path) -> None:
    (tmp_path / "m.csv").write_text("date,close\n1999-07-01,1\n1999-07-02,1\n")
    path = scenario_file(tmp_path, """\
        market: m.csv
        events:
          - {date: 1999-07-06, event: order, buyer: Buyer A, units: 1}
        """)
    with pytest.raises(ClauseError, match="1999-07-06 is outside the market data"):
        load_scenario(path)


def test_clause_test_command(cli, tmp_path: Path) -> None:
    run = cli("test", TOY)
    assert run.code == 0
    assert run.out.splitlines()[-1] == "1 passed, 0 failed"
    path = scenario_file(tmp_path, """\
        events:
          - {date: 1999-07-01, event: order, buyer: Buyer A, units: 100}
        expect:
          - {after: 0, values: {cost: $1}}
        """)
    run = cli("test", path)
    assert run.code == 1
    assert run.out.splitlines()[-1] == "0 passed, 1 failed"
    assert "cost expected $1.00, got $250.00" in run.out


def test_clause_run_json(cli) -> None:
    run = cli("run", TOY / "toy_scenario.yaml", "--format", "json")
    assert run.code == 0, run.err
    data = run.json()
    assert data["results"][0] == {
        "index": 0, "date": "1999-07-01", "event": "order", "origin": "scenario",
        "clauses": ["take_order"], "values": {"deadline": "1999-07-07", "cost": "250"},
        "sources": {"deadline": ["T 1"], "cost": ["T 1"]}}
    assert data["obligations"][1]["amount"] == "400" and data["obligations"][1]["settled"] is None
    assert data["state"]["held"] == {"Buyer A": "110"}
    assert [f["change"] for f in data["flags"]] == ["raised", "cleared"]


def test_clause_run_markdown_and_explain(cli) -> None:
    run = cli("run", TOY / "toy_scenario.yaml", "--format", "markdown")
    assert "| | | | take_order | `cost` = $250.00 | T 1 |" in run.out
    run = cli("run", TOY / "toy_scenario.yaml", "--explain")
    assert "formula: units × lot_price" in run.out


LEDGER = """\
title: Toy ledger
document: {title: Toy ledger, source: none}
provisions:
  L 1:
    text: count
    inputs:
      buyer: {type: party, description: who orders}
      units: {type: shares, description: how many}
      order_date: {type: date, description: when}
    state:
      total_ordered: {type: shares, initial: 0 shares, description: shared with the toy agreement}
      orders_seen: {type: ratio, initial: 0, description: orders this ledger saw}
    events:
      order: {date: order_date, fields: [buyer, units], description: an order}
    clauses:
      count:
        on: order
        compute: []
        effects:
          - increase: orders_seen
            by: 1
          - set: total_ordered
            to: total_ordered + units
"""


def test_two_contracts_share_state_by_name(tmp_path: Path) -> None:
    # Both files declare total_ordered: one variable. The toy agreement (listed first) adds 100,
    # then the ledger's clause, seeing that, adds 100 again: 200. orders_seen is the ledger's own.
    (tmp_path / "ledger.yaml").write_text(LEDGER)
    path = scenario_file(tmp_path, """\
        events:
          - {date: 1999-07-01, event: order, buyer: Buyer A, units: 100}
        """)
    text = path.read_text().replace("contracts: [toy_contract.yaml]",
                                    "contracts: [toy_contract.yaml, ledger.yaml]")
    path.write_text(text)
    run = run_scenario(load_scenario(path))
    assert run.state["total_ordered"] == 200
    assert run.state["orders_seen"] == 1
    assert run.results[0].clauses == ["take_order", "count"]


def test_expected_obligations_can_say_settled_true_or_false(tmp_path: Path) -> None:
    path = scenario_file(tmp_path, """\
        events:
          - {date: 1999-07-01, event: order, buyer: Buyer A, units: 100}
          - {date: 1999-07-12, event: delivered, buyer: Buyer A}
        expect:
          - obligations:
              - {what: units, settled: true}
              - {what: late fees, settled: false}
        """)
    assert failures(run_scenario(load_scenario(path))) == []
    path.write_text(path.read_text().replace("{what: units, settled: true}", "{what: units, settled: false}"))
    assert len(failures(run_scenario(load_scenario(path)))) == 1


def test_settle_names_the_obligation_by_its_due_date(tmp_path: Path) -> None:
    # Two bills of $100, due 07-05 and 07-10. A payment of $100 naming 07-10 settles that one and
    # leaves the older open; without a due date it would have settled the older first.
    contract = tmp_path / "bills.yaml"
    contract.write_text(textwrap.dedent("""\
        title: bills
        document: {title: Bills, source: none}
        provisions:
          T 1:
            parameters:
              company: {type: party, value: Co, text: the company}
            inputs:
              day: {type: date, description: when}
              who: {type: party, description: who}
              due_on: {type: date, description: the bill paid}
            events:
              bill: {date: day, fields: [who, due_on], description: a bill}
              payment: {date: day, fields: [who, due_on], description: a payment}
            obligations:
              fee: {what: fee, unit: money}
            clauses:
              billed:
                on: bill
                effects:
                  - {owe: fee, debtor: company, creditor: who, amount: $100, due: due_on}
                text: bills
              paid:
                on: payment
                effects:
                  - {settle: fee, creditor: who, amount: $100, due: due_on}
                text: pays
        """), encoding="utf-8")
    scenario = tmp_path / "s.yaml"
    scenario.write_text(textwrap.dedent(f"""\
        title: bills
        contracts: [{contract.name}]
        holders: {{Ann: {{}}}}
        as_of: 1999-07-31
        events:
          - {{date: 1999-07-01, event: bill, who: Ann, due_on: 1999-07-05}}
          - {{date: 1999-07-02, event: bill, who: Ann, due_on: 1999-07-10}}
          - {{date: 1999-07-03, event: payment, who: Ann, due_on: 1999-07-10}}
        """), encoding="utf-8")
    result = run_scenario(load_scenario(scenario))
    assert [(o.due, o.outstanding, o.settled) for o in result.obligations] == [
        (dt.date(1999, 7, 5), 100, None), (dt.date(1999, 7, 10), 0, dt.date(1999, 7, 3))]


@pytest.mark.parametrize("name", ["05-late-delivery-default.yaml", "13-weekly-conversions-by-rule.yaml"])
def test_a_run_makes_no_garbage_in_cycles_and_runs_without_the_collector(name: str) -> None:
    # Engine.run (and clause run) turn the cyclic collector off: sound only while a run leaves
    # nothing in cycles for it to find, which this checks on a scenario with defaults, payments
    # and settlements and on one whose rules emit the events.
    import gc

    scenario = load_scenario(ROOT / "examples" / "scenarios" / name)
    gc.collect()
    gc.disable()
    try:
        gc.collect()
        run = run_scenario(scenario)
        assert gc.collect() == 0
    finally:
        gc.enable()
    assert run.results


def test_the_collector_is_off_while_a_run_runs_and_on_again_after(monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    from interpreter.run.engine import Engine

    seen: list[bool] = []
    original = Engine._run

    def spy(self: Engine) -> object:
        seen.append(gc.isenabled())
        return original(self)

    monkeypatch.setattr(Engine, "_run", spy)
    run_scenario(load_scenario(TOY / "toy_scenario.yaml"))
    assert seen == [False]
    assert gc.isenabled()
