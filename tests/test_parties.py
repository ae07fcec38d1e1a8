"""Parties that are not holders: a party parameter with a ``role`` (the Company) may be named in a
run without being listed among its holders, and ``for_each`` and the
sums by party leave it out."""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from support import CONTRACTS

from interpreter.diagnostics import ClauseError
from interpreter.run.engine import RunResult, run_scenario
from interpreter.run.scenario import load_scenario

TOY = """\
provisions:
  T 1:
    text: q
    parameters:
      company: {type: party, value: Toy Co., role: the Company}
      fee: {type: money, value: $100}
    inputs:
      payer: {type: party, description: who pays}
      each_holder: {type: party, description: each holder}
      on_day: {type: date, description: the day}
    state:
      paid: {type: money by party, initial: $0, description: what each party has paid}
      total_paid: {type: money, initial: $0, description: the sum of what the holders have paid}
      notices: {type: count, initial: 0, description: notices sent to each holder}
    events:
      pay: {date: on_day, fields: [payer], description: a payment of the fee}
    obligations:
      receipt: {what: receipt, debtor: company, creditor: payer}
    clauses:
      paid:
        on: pay
        effects:
          - increase: paid[payer]
            by: fee
          - owe: receipt
            due: on_day
      summed:
        on: pay
        effects:
          - set: total_paid
            to: sum(paid)
          - increase: notices
            by: 1
            for_each: each_holder
"""


def _run(tmp_path: Path, contract: Path, holders: str, payers: list[str]) -> RunResult:
    events = "".join(f"  - {{date: 1999-07-0{i + 1}, event: pay, payer: {p}}}\n"
                     for i, p in enumerate(payers))
    path = tmp_path / "s.yaml"
    path.write_text(textwrap.dedent(f"""\
        title: parties
        contracts: [{contract}]
        as_of: 1999-07-31
        holders:
        """) + textwrap.indent(textwrap.dedent(holders), "  ") + "events:\n" + events, encoding="utf-8")
    return run_scenario(load_scenario(path))


def test_a_party_with_a_role_is_named_but_not_counted(tmp_path: Path, contract: Callable[..., Path]) -> None:
    # A and B are holders, Toy Co. is the Company: it may pay (and be owed a receipt) without
    # being listed. Payments: A $100, Toy Co. $100, B $100. sum(paid) counts the holders only:
    # $100 after the first, still $100 after the Company's, $200 after B's; each payment sends one
    # notice to each of the 2 holders (for_each), 3 × 2 = 6, none to the Company.
    result = _run(tmp_path, contract(TOY), "A: {}\nB: {}\n", ["A", "Toy Co.", "B"])
    assert result.state["paid"].values == {"A": 100, "Toy Co.": 100, "B": 100}
    assert [result.snapshots[i]["total_paid"] for i in range(3)] == [100, 100, 200]
    assert result.state["notices"] == 6
    assert [(o.debtor, o.creditor, o.due) for o in result.obligations][1] == ("Toy Co.", "Toy Co.",
                                                                              dt.date(1999, 7, 2))


def test_listed_among_the_holders_it_is_one(tmp_path: Path, contract: Callable[..., Path]) -> None:
    # Listed, Toy Co. is a holder too: its $100 counts ($100, $200, $300) and it gets its notices (3 × 3).
    result = _run(tmp_path, contract(TOY), "A: {}\nB: {}\nToy Co.: {}\n", ["A", "Toy Co.", "B"])
    assert [result.snapshots[i]["total_paid"] for i in range(3)] == [100, 200, 300]
    assert result.state["notices"] == 9


def test_an_unknown_party_is_located(tmp_path: Path, contract: Callable[..., Path]) -> None:
    with pytest.raises(ClauseError) as failure:
        _run(tmp_path, contract(TOY), "A: {}\n", ["Toy Company"])
    [problem] = failure.value.diagnostics
    # the events start on line 7 of the scenario;
    # `  - {date: 1999-07-01, event: pay, payer: ` is 42 characters
    assert (problem.line, problem.column) == (7, 43)
    assert problem.message == "unknown holder 'Toy Company' (holders: A; Toy Co., the Company)"


def test_only_a_party_has_a_role(cli: Callable[..., object], contract: Callable[..., Path]) -> None:
    bad = TOY.replace("fee: {type: money, value: $100}", "fee: {type: money, value: $100, role: a fee}")
    out = cli("validate", contract(bad)).out  # type: ignore[attr-defined]
    # HEADER's 3 lines, then fee on line 9; its role's value at column 45
    assert out.splitlines()[0].endswith("c.yaml:9:45: error: fee: only a party has a role; fee is money")


def test_the_company_waives_without_being_a_holder(tmp_path: Path) -> None:
    # SPA 6.1: a condition for the Company's sole benefit, waived by the Company, named as the
    # SPA's company (role: the Company); the holders are CC Investments alone.
    path = tmp_path / "waiver.yaml"
    path.write_text(f"""\
title: a waiver by the Company
contracts: [{CONTRACTS / "securities_purchase_agreement.yaml"}]
as_of: 1998-12-31
holders:
  CC Investments: {{}}
events:
  - {{date: 1998-12-17, event: waiver, party: "Valence Technology, Inc.", condition: "6.1(b)"}}
""", encoding="utf-8")
    result = run_scenario(load_scenario(path))
    assert result.state["waived"].get("6.1(b)") is True
    assert [(f.name, f.party) for f in result.flags] == [("waived", "6.1(b)")]
