"""Provision-first files, and the parts of the language clauses use: each rule on a small file.

Contracts are written below the three-line header of support.HEADER, so a body's first line
is line 4 of the file; positions below are counted from there.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any

import yaml
from support import CONTRACTS, values

from interpreter.check.checker import check
from interpreter.diagnostics import ClauseError
from interpreter.link.loader import load_program
from interpreter.pipeline import load_checked
from interpreter.syntax.entries import ENTRY_SECTIONS


def problems(path: Path) -> list[str]:
    """Every diagnostic of a file as ``line:col: message``, its notes as ``  note line:col: ...``."""
    try:
        found = check(load_program(str(path)))
    except ClauseError as exc:
        found = exc.diagnostics
    lines = []
    for d in found:
        lines.append(f"{d.line}:{d.column}: {d.message}")
        lines += [f"  note {n.line}:{n.column}: {n.message}" for n in d.notes]
    return lines


def scenario_beside(contract: Path, events: list[str], as_of: str = "1999-07-09", holders: str = "") -> Path:
    """A scenario next to ``contract`` with these events (each a YAML flow mapping), from line 5 on
    (line 6 with ``holders``)."""
    path = contract.parent / "s.yaml"
    lines = ["title: t", f"contracts: [{contract.name}]", f"as_of: {as_of}",
             *([f"holders: {holders}"] if holders else []), "events:", *(f"  - {e}" for e in events)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


BILLS = """\
provisions:
  T 1:
    text: the company bills the buyer
    parameters:
      company: {{type: party, value: Co}}
    inputs:
      day: {{type: date, description: when}}
      who: {{type: party, description: who}}
    events:
      bill: {{date: day, fields: [who], description: a bill}}
      payment: {{date: day, fields: [who], description: a payment}}
    obligations:
      fee: {{what: the fee, unit: money, debtor: company, creditor: who}}
    clauses:
      billed:
        on: bill
        effects:
          - {{owe: {owe}, amount: {amount}, due: day}}
      paid:
        on: payment
        effects:
          - {{settle: {settle}}}
"""
# The body's line 1 is the file's line 4: its line 18 (the owe effect) is line 21 and its line 22
# (the settle effect) line 25; a name starts after "          - {owe: " (18 characters, column
# 19) or "          - {settle: " (21 characters, column 22).


def test_a_misspelled_obligation_in_settle_is_an_error_at_its_name(contract) -> None:
    path = contract(BILLS.format(owe="fee", amount="$100", settle="fees"))
    assert problems(path) == ["25:22: unknown obligation 'fees' (declare it under a provision's "
                              "obligations); did you mean 'fee'?"]


def test_an_undeclared_obligation_in_owe_is_an_error(contract) -> None:
    path = contract(BILLS.format(owe="late_fee", amount="$100", settle="fee"))
    assert problems(path) == ["21:19: unknown obligation 'late_fee' (declare it under a provision's "
                              "obligations)"]


def test_an_amount_in_another_unit_than_the_obligation_is_an_error(contract) -> None:
    # fee is money; 5 shares is not: the error is at the amount, column 19 + len("fee, amount: ") = 32.
    path = contract(BILLS.format(owe="fee", amount="5 shares", settle="fee"))
    assert problems(path) == ["21:32: the amount of fee must be money, not shares"]


def test_an_obligation_with_a_unit_needs_an_amount(contract) -> None:
    path = contract(BILLS.format(owe="fee", amount="$1", settle="fee").replace("amount: $1, ", ""))
    assert problems(path) == ["21:19: owe fee needs an amount (in money)"]


def test_owe_and_settle_by_name_in_a_run(contract, cli) -> None:
    # A bill of $100 on 07-01, paid on 07-02: the declared description is what reports show.
    path = contract(BILLS.format(owe="fee", amount="$100", settle="fee"))
    scenario = scenario_beside(path, ["{date: 1999-07-01, event: bill, who: Buyer}",
                                      "{date: 1999-07-02, event: payment, who: Buyer}"],
                               as_of="1999-07-05", holders="{Buyer: {}}")
    run = cli("run", scenario, "--format", "json")
    assert run.code == 0, run.err
    (owed,) = run.json()["obligations"]
    assert (owed["what"], owed["debtor"], owed["creditor"], owed["amount"], owed["settled"]) == (
        "the fee", "Co", "Buyer", "100", "1999-07-02")


GIVEN = """\
provisions:
  T 1:
    text: a payment for each day
    parameters:
      rate: {type: money, value: $10}
    inputs:
      start: {type: date, description: the first day}
      end: {type: date, description: the last day}
    definitions:
      late:
        type: boolean
        formula: day > start
      daily:
        type: money
        given: {day: date}
        formula: if late then rate else $0
      total_due:
        type: money
        formula: total daily for each day from start through end
"""
# late's formula is the body's line 12, the file's 15, after "        formula: " (column 18).


def test_a_definition_that_reads_a_given_name_must_declare_it(contract) -> None:
    # late reads day, given to daily: late's signature must show it (given: {day: date}).
    assert problems(contract(GIVEN)) == [
        "15:18: late reads day, which only a call or a loop binds, and nothing binds it here: declare it "
        "(given: {day: date}) or bind it (day = ...)"]


def test_a_given_name_declared_is_bound_by_the_loop_and_passed_on(contract) -> None:
    # With late given day too, daily passes its day on; from 1999-07-01 through 07-05 the days after
    # the start are 07-02 .. 07-05: 4 × $10 = $40.
    path = contract(GIVEN.replace("        formula: day > start", "        given: {day: date}\n"
                                  "        formula: day > start"))
    assert values(path, "total_due", start="1999-07-01", end="1999-07-05")["total_due"] == 40


def test_a_clause_cannot_read_a_given_name_unbound(contract) -> None:
    path = contract(GIVEN.replace("        formula: day > start", "        given: {day: date}\n"
                                  "        formula: day > start") + """\
    events:
      tick: {date: start, description: a day}
    state:
      paid: {type: money, initial: $0, description: paid}
    clauses:
      pay:
        on: tick
        effects:
          - {increase: paid, by: daily}
""")
    # the effect is the body's line 29, the file's 32; `daily` follows "          - {increase: paid, by: "
    # (33 characters), at column 34. A clause cannot declare a given name: it binds it or not.
    assert problems(path) == [
        "32:34: this formula reads day, which only a call or a loop binds, and nothing binds it here: "
        "bind it by a call (day = ...) or a loop"]


def test_a_circular_definition_notes_each_step(contract) -> None:
    path = contract("""\
        provisions:
          T 1:
            text: quoted
            definitions:
              a: {type: money, formula: b + $1}
              b: {type: money, formula: c}
              c: {type: money, formula: a}
        """)
    assert problems(path) == ["8:33: circular definition: a → b → c → a",
                              "  note 9:33: b uses c here", "  note 10:33: c uses a here"]


def test_entries_quote_their_provision_a_quote_or_their_own_part(contract) -> None:
    path = contract("""\
        provisions:
          T 1:
            text: The fee is $10 a day.
            parameters:
              rate: {type: money, value: $10}
              day_count: {type: days, value: 1 day, text: a day}
            quotes:
              - text: It is paid monthly.
                parameters:
                  period: {type: days, value: 30 days, cites: [T 2]}
        """)
    program = load_checked(str(path))
    texts = {name: (t.text, t.sources) for name, t in program.terms.items()}
    assert texts == {"rate": ("The fee is $10 a day.", ["T 1"]), "day_count": ("a day", ["T 1"]),
                     "period": ("It is paid monthly.", ["T 1", "T 2"])}


def test_an_entry_without_a_quote_is_an_error_unless_it_replaces_one(contract, tmp_path: Path) -> None:
    path = contract("""\
        provisions:
          T 1:
            parameters:
              rate: {type: money, value: $10}
        """)
    assert problems(path) == ["7:7: rate: no quoted text: give the provision's 'text', or the entry's own"]
    variant = tmp_path / "v.yaml"
    variant.write_text("extends: c.yaml\ntitle: v\ndocument: {title: V, source: v.txt}\n"
                       "provisions:\n  T 1:\n    parameters:\n      rate: {type: money, value: $12}\n",
                       encoding="utf-8")
    path.write_text(path.read_text().replace("    parameters:", "    text: The fee is $10.\n    parameters:"))
    program = load_checked(str(variant))
    assert (program.terms["rate"].text, values(variant, "rate")["rate"]) == ("The fee is $10.", 12)


def test_clauses_run_in_file_order_unless_one_says_before(contract, cli) -> None:
    # second is written after first but runs before it: tally goes 0 → ×2 = 0 → +1 = 1, not 2.
    path = contract("""\
        provisions:
          T 1:
            text: quoted
            inputs:
              day: {type: date, description: when}
            events:
              tick: {date: day, description: a day}
            state:
              tally: {type: ratio, initial: 0, description: a count}
            clauses:
              first:
                on: tick
                effects:
                  - {increase: tally, by: 1}
          T 2:
            text: quoted
            clauses:
              second:
                on: tick
                before: first
                effects:
                  - {set: tally, to: tally × 2}
        """)
    scenario = scenario_beside(path, ["{date: 1999-07-01, event: tick}"], as_of="1999-07-02")
    run = cli("run", scenario, "--format", "json")
    assert run.code == 0, run.err
    assert run.json()["state"]["tally"] == "1"
    assert [c.name for c in load_checked(str(path)).clauses] == ["second", "first"]


def test_at_most_five_sentences_are_quoted_twice_across_the_contracts() -> None:
    # Each sentence is quoted once, in the provision (or quote, or entry) that encodes it. Those
    # quoted twice are sentences two documents' files both rely on: the Company's name (COD I, RRA,
    # SPA, W), the Series B Closing (SPA 1.3, also in RRA, W and Series B), the First Closing (SPA 1.1
    # and Series A), and two the deal ties to a document (COD V.B, SPA 4.8).
    quoted: Counter[str] = Counter()

    def walk(block: dict[str, Any]) -> None:
        quoted.update([" ".join(block["text"].split())] if "text" in block else [])
        for section in ENTRY_SECTIONS:
            for entry in (block.get(section) or {}).values():
                quoted.update([" ".join(entry["text"].split())] if "text" in entry else [])
        for quote in block.get("quotes") or []:
            walk(quote)

    for path in sorted(CONTRACTS.glob("*.yaml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8"))["provisions"].values():
            walk(block)
    twice = sorted(text[:30] for text, n in quoted.items() if n > 1)
    assert twice == ["The Company consummated the sa", "VALENCE TECHNOLOGY, INC., a De",
                     "the date and time of the issua", "to increase the Reserved Amoun",
                     "unless Purchaser shall deliver"]


def test_a_text_literal_in_curly_quotes_needs_no_yaml_quoting(contract) -> None:
    # YAML reads "a holder" as the words without their quotes; “a holder” it leaves alone, so a
    # party's default is written as the document writes it.
    body = """\
        provisions:
          T 1:
            text: quoted
            inputs:
              holder: {type: party, description: who holds, default: “a holder”}
              market:
                type: one of nyse, amex
                description: where listed
                default: “MARKET”
            definitions:
              on_nyse: {type: boolean, formula: market = “nyse” and holder = "a holder"}
        """
    path = contract(body.replace("MARKET", "nyse"))
    assert values(path, "holder", "on_nyse") == {"holder": "a holder", "on_nyse": True}
    # the default is the body's line 9, the file's 12, after "        default: " (column 18)
    wrong = contract(body.replace("MARKET", "nyes"))
    assert problems(wrong) == ["12:18: market: 'nyes' is not one of nyse, amex"]


def test_settle_settles_only_the_debtors_own_obligation(contract, cli) -> None:
    # Two holders each owe the company their certificates; A delivers hers: B's stay owed.
    path = contract("""\
        provisions:
          T 1:
            text: the holder surrenders the certificates
            parameters:
              company: {type: party, value: Co}
            inputs:
              day: {type: date, description: when}
              holder: {type: party, description: who}
            events:
              notice: {date: day, fields: [holder], description: a notice}
              delivered: {date: day, fields: [holder], description: certificates arrive}
            obligations:
              certificates: {what: certificates, debtor: holder, creditor: company}
            clauses:
              noticed:
                on: notice
                effects:
                  - {owe: certificates, due: day + 2 business days}
              received:
                on: delivered
                effects:
                  - {settle: certificates}
        """)
    scenario = scenario_beside(path, ["{date: 1999-07-01, event: notice, holder: A}",
                                      "{date: 1999-07-01, event: notice, holder: B}",
                                      "{date: 1999-07-02, event: delivered, holder: A}"],
                               holders="{A: {}, B: {}}")
    run = cli("run", scenario, "--format", "json")
    assert run.code == 0, run.err
    assert [(o["debtor"], o["settled"]) for o in run.json()["obligations"]] == [
        ("A", "1999-07-02"), ("B", None)]


def test_a_computed_term_that_needs_a_given_name_is_an_error(contract) -> None:
    path = contract(GIVEN.replace("        formula: day > start", "        given: {day: date}\n"
                                  "        formula: day > start") + """\
    events:
      tick: {date: start, description: a day}
    clauses:
      report:
        on: tick
        compute: [total_due, daily]
""")
    # compute is the body's line 26, the file's 29; daily follows "        compute: [total_due, " (29
    # characters), at column 30.
    assert problems(path) == [
        "29:30: daily reads day, which only a call or a loop binds, and nothing binds it here: "
        "bind it by a call (day = ...) or a loop"]


def test_an_effect_key_of_another_kind_of_effect_is_an_error(contract) -> None:
    # `amount` belongs to owe and settle, not to raise: the error is at the key, the body's line 14
    # (the file's 17), after "          - {raise: late, " (26 characters).
    path = contract("""\
        provisions:
          T 1:
            text: quoted
            inputs:
              day: {type: date, description: when}
            events:
              tick: {date: day, description: a day}
            state:
              late: {type: boolean, initial: false, description: late}
            clauses:
              flag:
                on: tick
                effects:
                  - {raise: late, amount: $1}
        """)
    assert problems(path) == ["17:27: 'amount' is not a key of a raise effect (it takes when, for_each, "
                              "source)"]


def test_a_variant_clause_may_move_with_before(contract, tmp_path: Path) -> None:
    # The body runs first then second; a variant replaces second and puts it before first.
    body = contract("""\
        abstract: true
        provisions:
          T 1:
            text: quoted
            inputs:
              day: {type: date, description: when}
            events:
              tick: {date: day, description: a day}
            state:
              tally: {type: count, initial: 0, description: a count}
            clauses:
              first:
                on: tick
                effects:
                  - {increase: tally, by: 1}
              second:
                on: tick
                effects:
                  - {increase: tally, by: 2}
        """, name="body.yaml")
    variant = tmp_path / "v.yaml"
    variant.write_text("extends: body.yaml\ntitle: v\ndocument: {title: V, source: v.txt}\nprovisions:\n"
                       "  T 1:\n    clauses:\n      second:\n        on: tick\n        before: firts\n"
                       "        effects:\n          - {increase: tally, by: 3}\n", encoding="utf-8")
    assert problems(variant) == ["9:17: no clause named 'firts' to come before; did you mean 'first'?"]
    variant.write_text(variant.read_text().replace("firts", "first"), encoding="utf-8")
    assert [c.name for c in load_checked(str(variant)).clauses] == ["second", "first"]
    assert [c.name for c in load_checked(str(body)).clauses] == ["first", "second"]


def test_a_state_that_would_leave_its_bounds_stops_the_run(contract, cli) -> None:
    # stock starts at 5 units and may not go below none; an order of 7 would leave -2.
    path = contract("""\
        provisions:
          T 1:
            text: quoted
            inputs:
              day: {type: date, description: when}
              units: {type: shares, description: how many, more_than: 0 shares, whole: true}
            events:
              order: {date: day, fields: [units], description: an order}
            state:
              stock: {type: shares, initial: 5 shares, at_least: 0 shares, description: on hand}
            clauses:
              take:
                on: order
                effects:
                  - {decrease: stock, by: units}
        """)
    scenario = scenario_beside(path, ["{date: 1999-07-01, event: order, units: 7}"])
    run = cli("run", scenario)
    assert run.code == 1
    assert run.err.strip() == (f"{scenario}:5:5: error: event 0 (order of 1999-07-01: stock would be -2 "
                               "shares, but it must be at least 0 shares (clause take))")
    bad = contract(path.read_text().split("\n", 3)[3].replace("at_least: 0 shares", "at_least: 0"),
                   name="bad.yaml")
    # the limit follows "      stock: {type: shares, initial: 5 shares, at_least: " (57 characters)
    assert problems(bad) == ["13:58: stock: 0 is a count; the term is declared shares: write 0 shares"]


def _dates_moved(*definitions: str) -> str:
    """A contract with one date input, ``day``, and ``definitions`` that move it."""
    return ("provisions:\n  T 1:\n    text: quoted\n    inputs:\n"
            "      day: {type: date, description: a day}\n    definitions:\n"
            + "".join(f"      {d}\n" for d in definitions))


def test_a_date_moves_by_years_to_its_anniversary(contract) -> None:
    # The same day of the month N years on; February 29 falls on the 28th in a year without one.
    path = contract(_dates_moved("two_on: {type: date, formula: day + 2 years}",
                                 "one_back: {type: date, formula: day - 1 year}"))
    assert values(path, "two_on", "one_back", day="1998-12-18") == {
        "two_on": dt.date(2000, 12, 18), "one_back": dt.date(1997, 12, 18)}
    assert values(path, "two_on", "one_back", day="2000-02-29") == {
        "two_on": dt.date(2002, 2, 28), "one_back": dt.date(1999, 2, 28)}


def test_a_date_moves_by_months_to_the_same_day_or_the_last_of_a_shorter_month(contract) -> None:
    # COD VIII.A(i) counts "any nine (9) month period": 1999-12-10 less 9 months is 1999-03-10; a
    # month after January 31 is the last of February; 2000 is a leap year.
    path = contract(_dates_moved("nine_back: {type: date, formula: day - 9 months}",
                                 "one_on: {type: date, formula: day + 1 month}"))
    assert values(path, "nine_back", "one_on", day="1999-12-10") == {
        "nine_back": dt.date(1999, 3, 10), "one_on": dt.date(2000, 1, 10)}
    assert values(path, "nine_back", "one_on", day="2000-01-31") == {
        "nine_back": dt.date(1999, 4, 30), "one_on": dt.date(2000, 2, 29)}


def test_one_clause_on_several_events(contract, cli) -> None:
    # count runs on both a tick and a tock: 1 + 1 = 2 after one of each.
    path = contract("""\
        provisions:
          T 1:
            text: quoted
            inputs:
              day: {type: date, description: when}
            events:
              tick: {date: day, description: a tick}
              tock: {date: day, description: a tock}
            state:
              tally: {type: count, initial: 0, description: how many}
            clauses:
              counted:
                on: [tick, tock]
                effects:
                  - {increase: tally, by: 1}
        """)
    scenario = scenario_beside(path, ["{date: 1999-07-01, event: tick}", "{date: 1999-07-02, event: tock}"])
    run = cli("run", scenario, "--format", "json")
    assert run.code == 0, run.err
    assert run.json()["state"]["tally"] == "2"
    wrong = contract(path.read_text().split("\n", 3)[3].replace("[tick, tock]", "[tick, tcok]"),
                     name="wrong.yaml")
    # the list is the body's line 13, the file's 16; tcok follows "        on: [tick, " (19 characters)
    assert problems(wrong) == ["16:20: unknown event 'tcok' (events: tick, tock, start, as_of)"]
