"""``X as of D``: a value on the state as it stood at the end of an earlier day (a record date),
in the grammar, the checker, both back ends, a run, and the certificate's COD XII consents."""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from support import ROOT, SERIES_B, values
from test_vector import TOY as VECTOR_TOY

from interpreter.diagnostics import ClauseError
from interpreter.evaluate.evaluator import Environment
from interpreter.evaluate.paths import PathMarket
from interpreter.evaluate.vector import VectorEvaluator
from interpreter.pipeline import load_checked
from interpreter.run.engine import RunResult, run_scenario
from interpreter.run.scenario import load_scenario
from interpreter.syntax import ast
from interpreter.syntax.parser import parse_formula

TOY = """\
provisions:
  T 1:
    text: q
    state:
      held: {type: shares by party, initial: 0 shares, description: what each party holds}
    inputs:
      who: {type: party, description: a party}
      day: {type: date, description: a day asked about}
      on_day: {type: date, description: the event's date}
    events:
      add: {date: on_day, fields: [who], description: ten more}
      ask: {date: on_day, fields: [who, day], description: what was held}
    definitions:
      then_held: {type: shares, formula: "held[who] as of day"}
    clauses:
      added:
        on: add
        effects:
          - increase: held[who]
            by: 10 shares
      asked: {on: ask, compute: [then_held]}
"""


def test_as_of_binds_tighter_than_arithmetic() -> None:
    # A postfix, like indexing: `a + b as of d` is `a + (b as of d)`.
    node = parse_formula("a + b[c] as of d")
    assert isinstance(node, ast.Arithmetic) and isinstance(node.operands[1], ast.AsOf)
    inner = node.operands[1]
    assert isinstance(inner.operand, ast.Index) and isinstance(inner.date, ast.Name)
    assert isinstance(parse_formula("as_of + 1"), ast.Arithmetic)  # a name that starts with the words


def test_the_checker_wants_a_date_and_state(contract: Callable[..., Path],
                                            cli: Callable[..., object]) -> None:
    bad = TOY.replace('"held[who] as of day"', '"held[who] as of 1"')
    result = cli("validate", contract(bad))
    # HEADER is 3 lines: then_held is on line 17, its formula's text from column 43, `1` at 59
    assert result.out.splitlines()[0].endswith("c.yaml:17:59: error: 'as of' needs a date, not count")
    none = TOY.replace('"held[who] as of day"', '"10 shares as of day"')
    result = cli("validate", contract(none, name="d.yaml"))
    assert result.out.splitlines()[0].endswith(
        "d.yaml:17:43: error: 10 shares reads no state, so 'as of' has no effect")
    word = TOY.replace("day: {type: date, description: a day asked about}",
                       "of: {type: date, description: a day asked about}").replace("as of day", "as of of")
    assert "'of' is a word of the language; choose another name" in cli("validate", contract(
        word, name="e.yaml")).out


def _run(tmp_path: Path, contract: Path, events: str) -> RunResult:
    path = tmp_path / "s.yaml"
    path.write_text(textwrap.dedent(f"""\
        title: as of
        contracts: [{contract}]
        as_of: 1999-07-31
        holders:
          A: {{held: 5}}
        events:
        """) + textwrap.dedent(events), encoding="utf-8")
    return run_scenario(load_scenario(path))


def test_the_state_at_the_end_of_each_day(tmp_path: Path, contract: Callable[..., Path]) -> None:
    # A holds 5 at the start; +10 on 07-01, +10 on 07-05 (twice that day): 15 at the end of
    # 07-01 and of 07-04, 35 at the end of 07-05. The run starts 07-01: before it, 5.
    events = """\
        - {date: 1999-07-01, event: add, who: A}
        - {date: 1999-07-05, event: add, who: A}
        - {date: 1999-07-05, event: add, who: A}
        - {date: 1999-07-06, event: ask, who: A, day: 1999-06-30}
        - {date: 1999-07-06, event: ask, who: A, day: 1999-07-01}
        - {date: 1999-07-06, event: ask, who: A, day: 1999-07-04}
        - {date: 1999-07-06, event: ask, who: A, day: 1999-07-05}
        - {date: 1999-07-06, event: add, who: A}
        - {date: 1999-07-06, event: ask, who: A, day: 1999-07-06}
        """
    result = _run(tmp_path, contract(TOY), events)
    asked = [c.record.value for r in result.results for c in r.values]
    assert asked == [5, 15, 15, 35, 45]  # the day evaluated itself: the state so far, 35 + 10


def test_a_later_day_is_not_known_yet(tmp_path: Path, contract: Callable[..., Path]) -> None:
    with pytest.raises(ClauseError) as failure:
        _run(tmp_path, contract(TOY), "- {date: 1999-07-06, event: ask, who: A, day: 1999-07-07}\n")
    assert failure.value.diagnostics[0].message.startswith(
        "the state as of 1999-07-07 is not known on 1999-07-06, the day evaluated (in then_held)")


def test_outside_a_run_the_state_is_its_initial_value(contract: Callable[..., Path]) -> None:
    # clause eval: no run, so no state but the initial one, the same on every day.
    assert values(contract(TOY), "then_held", who='"A"', day="1999-07-01") == {"then_held": 0}


def test_the_vectorised_back_end_names_it(contract: Callable[..., Path]) -> None:
    # The vector tests' contract, with a state variable and a value of it as of the day swept.
    source = VECTOR_TOY.replace("    inputs:\n", "    state:\n      held: {type: shares, initial: 10 shares, "
                                "description: held}\n    inputs:\n")
    source += '      worth: {type: money, formula: "(bid[day] × held) as of day"}\n'
    program = load_checked(str(contract(source)))
    days = [dt.date(1999, 8, 2), dt.date(1999, 8, 3)]
    market = PathMarket("paths", days, {"bid": np.array([[1.0, 2.0]])})
    with pytest.raises(ClauseError) as failure:
        VectorEvaluator(program, Environment(), market, "day", [0, 1]).evaluate(["worth"])
    assert failure.value.diagnostics[0].message == (
        "worth: the vectorised back end cannot evaluate `as of` over values that vary by path")


# -- COD XII: written consents counted at the record date ---------------------------------------

MARKET = ROOT / "examples" / "closing-bids-MADE-UP.csv"  # made-up closing bids


def _consents(tmp_path: Path, consenting: list[str]) -> RunResult:
    # Record date 1999-09-01: CC Investments 4,000 and Gemini 3,500 of the 7,500 shares. On 09-10
    # CC transfers 1,000 to Gemini (3,000 and 4,500); the consents come on 09-15.
    lines = "".join(f"  - {{date: 1999-09-15, event: written_consent, holder: {who}, "
                    f"record_date: 1999-09-01}}\n"
                    for who in consenting)
    path = tmp_path / "consent.yaml"
    path.write_text(f"""\
title: written consents of the Majority Holders
contracts: [{SERIES_B}]
market: {MARKET}
facts: {{common_outstanding: 26704073, board_only: false}}
holders:
  CC Investments: {{series_b_preferred: 4000}}
  Gemini Capital: {{series_b_preferred: 3500}}
as_of: 1999-09-30
events:
  - {{date: 1999-09-10, event: transfer, from: CC Investments, to: Gemini Capital, preferred_shares: 1000}}
{lines}""", encoding="utf-8")
    return run_scenario(load_scenario(path))


def test_the_holders_of_record_consent(tmp_path: Path) -> None:
    # CC alone held 4,000 of 7,500 at the record date: 2 × 4,000 = 8,000 > 7,500, a majority,
    # though on 09-15 it holds only 3,000 (2 × 3,000 = 6,000 < 7,500).
    result = _consents(tmp_path, ["CC Investments"])
    assert result.snapshots[1]["series_b_preferred"].get("CC Investments") == 3000
    assert result.snapshots[1]["consents"].get("CC Investments") == 4000
    assert result.state["class_approval"] is True
    assert [(f.name, f.date) for f in result.flags if f.name == "class_approval"] == [
        ("class_approval", dt.date(1999, 9, 15))]


def test_a_transferee_after_the_record_date_does_not_count_what_it_received(tmp_path: Path) -> None:
    # Gemini holds 4,500 of 7,500 on 09-15 (a majority then), but 3,500 at the record date:
    # 2 × 3,500 = 7,000 < 7,500. Both together: 2 × 7,500 = 15,000 > 7,500.
    alone = _consents(tmp_path, ["Gemini Capital"])
    assert alone.snapshots[1]["consents"].get("Gemini Capital") == 3500
    assert alone.state["class_approval"] is False
    both = _consents(tmp_path, ["Gemini Capital", "CC Investments"])
    assert both.state["class_approval"] is True

