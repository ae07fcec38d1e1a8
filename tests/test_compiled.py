"""The compiled evaluator: values without derivations are those with them; memo keys hold only
the bindings a term reads; one evaluator per event, one trading calendar per run."""

from __future__ import annotations

import json
import textwrap
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support import CONTRACTS, ROOT, SERIES_B

from interpreter.calendar import TradingCalendar
from interpreter.evaluate import compiler, source
from interpreter.evaluate.evaluator import Environment, EvaluationError, Evaluator
from interpreter.evaluate.inputs import environment
from interpreter.link.program import INPUT, Program
from interpreter.pipeline import load_checked
from interpreter.rational import Fraction as F
from interpreter.report.run_report import run_json
from interpreter.run.engine import Engine, run_scenario
from interpreter.run.scenario import load_scenario

MARKET = ROOT / "examples" / "closing-bids-MADE-UP.csv"
SCENARIOS = ROOT / "examples" / "scenarios"

#: A value of each type for every input a contract leaves open, so that most terms have one.
SAMPLE = {"date": "1999-09-01", "shares": "1000", "money": "$100000", "price": "$5.25", "ratio": "2",
          "boolean": "true", "count": "3", "trading days": "4", "business days": "3", "days": "10",
          "party": '"CC Investments"'}


def outcome(ev: Evaluator, name: str) -> Any:
    """The value of ``name``, or the error evaluating it gives, as the user would see it."""
    try:
        return ev.value(name)
    except EvaluationError as exc:
        return ("error", str(exc.located()))


def sampled(program: Program) -> Environment:
    given = [(t.name, SAMPLE[str(t.type)]) for t in program.terms.values()
             if t.kind == INPUT and t.formula is None and str(t.type) in SAMPLE]
    return environment(program, given, [], str(MARKET))


@pytest.mark.parametrize("name", ["series_b_certificate", "warrant_cc_investments",
                                  "registration_rights_agreement", "securities_purchase_agreement"])
def test_values_without_derivations_are_those_with(name: str) -> None:
    # Every term of the contract, each in a fresh evaluator of each kind: the lean one (constants
    # read as values, memo keys of only what a term reads) and the one that keeps derivations.
    program = load_checked(str(CONTRACTS / f"{name}.yaml"))
    env = sampled(program)
    lean, explained = Evaluator(program, env), Evaluator(program, env, derivations=True)
    got = {n: outcome(lean, n) for n in program.terms}
    assert got == {n: outcome(explained, n) for n in program.terms}
    assert sum(not isinstance(v, tuple) for v in got.values()) > len(got) // 2  # most have a value


def _scenarios() -> Iterator[Path]:
    yield from sorted(SCENARIOS.glob("*.yaml"))
    yield from sorted(SCENARIOS.glob("warrants/*.yaml"))[:3]


@pytest.mark.parametrize("path", list(_scenarios()), ids=lambda p: p.stem)
def test_runs_without_derivations_are_those_with(path: Path) -> None:
    scenario = load_scenario(path)
    lean = run_json(run_scenario(scenario))
    assert lean == run_json(run_scenario(scenario, derivations=True))
    assert json.dumps(lean)  # the run's values are all shown


def small(contract: Any, sections: str) -> Program:
    """A checked contract of one provision with these sections (YAML under the provision)."""
    return load_checked(str(contract("provisions:\n  T 1:\n    text: q\n"
                                     + textwrap.indent(textwrap.dedent(sections), "    "))))


ACCRUAL = """\
inputs:
  amount: {type: money, description: an amount}
  start: {type: date, description: the first day}
definitions:
  doubled: {type: money, formula: amount × 2}
  daily:
    type: money
    given: {day: date}
    formula: if day = start then doubled else doubled / 2
  accrued: {type: money, formula: total daily for each day from start through start + 9 days}
"""


@pytest.fixture
def computed(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How many times each term is computed (not read from a memo, not bound, not given)."""
    counts: Counter[str] = Counter()
    original = Evaluator.value_of

    def counting(self: Evaluator, term: Any, bindings: Any) -> Any:
        if all(name != term.name for name, _ in bindings) and term.name not in self.env.given:
            counts[term.name] += 1
        return original(self, term, bindings)

    monkeypatch.setattr(Evaluator, "value_of", counting)
    return counts


def test_a_term_not_reading_a_binding_is_computed_once_across_its_values(contract, computed) -> None:
    # accrued: day 1 the whole $200, days 2 to 10 $100 each: $200 + 9 × $100 = $1,100.
    program = small(contract, ACCRUAL)
    env = environment(program, [("amount", "$100"), ("start", "1999-03-01")], [])
    assert Evaluator(program, env).value("accrued") == F(1100)
    # daily reads day: once for each of the ten days; doubled does not: once for all of them.
    assert (computed["daily"], computed["doubled"], computed["accrued"]) == (10, 1, 1)
    computed.clear()
    # Derivations keep a record for each set of bindings in force, as --explain shows them.
    assert Evaluator(program, env, derivations=True).value("accrued") == F(1100)
    assert (computed["daily"], computed["doubled"]) == (10, 10)


def test_a_rebinding_call_shares_what_the_bound_name_does_not_reach(contract, computed) -> None:
    # fee(rate = 1%) and fee(rate = 2%) of a $1,000 base: $10 + $20 = $30; base is computed once.
    program = small(contract, """\
        inputs:
          rate: {type: ratio, description: a rate}
          amount: {type: money, description: an amount}
        definitions:
          base: {type: money, formula: amount × 10}
          fee: {type: money, formula: base × rate}
          both: {type: money, formula: fee(rate = 1%) + fee(rate = 2%)}
        """)
    env = environment(program, [("amount", "$100")], [])
    assert Evaluator(program, env).value("both") == F(30)
    assert (computed["fee"], computed["base"], computed["amount"]) == (2, 1, 0)  # amount is given


def test_constants_are_read_as_values_unless_given(contract, computed) -> None:
    # rate is a parameter: the lean evaluator reads 5% where fee uses it, and computes no term for it,
    # unless --set gives it another value (then it is read as a term).
    program = small(contract, """\
        parameters:
          rate: {type: ratio, value: 5%}
        inputs:
          amount: {type: money, description: an amount}
        definitions:
          fee: {type: money, formula: amount × rate}
        """)
    assert Evaluator(program, environment(program, [("amount", "$200")], [])).value("fee") == F(10)
    computed.clear()
    assert Evaluator(program, environment(program, [("amount", "$200")], [])).value("fee") == F(10)
    assert computed == Counter({"fee": 1})
    given = environment(program, [("amount", "$200"), ("rate", "10%")], [])
    assert Evaluator(program, given).value("fee") == F(20)  # $200 × 10%


def test_a_state_change_forgets_only_what_reads_it(contract, computed) -> None:
    program = small(contract, """\
        inputs:
          amount: {type: money, description: an amount}
        state:
          held: {type: money, initial: $0, description: what is held}
        definitions:
          fee: {type: money, formula: amount / 10}
          owed: {type: money, formula: held + fee}
        """)
    env = environment(program, [("amount", "$50")], [])
    env.state["held"] = F(1)
    ev = Evaluator(program, env)
    assert ev.value("owed") == F(6)  # $1 + $50 / 10
    ev.set_state({"held": F(3)})
    assert ev.value("owed") == F(8)  # $3 + $5: fee is not computed again
    assert (computed["owed"], computed["fee"], computed["held"]) == (2, 1, 2)


def test_formulas_are_compiled_once_per_program(monkeypatch: pytest.MonkeyPatch) -> None:
    program = load_checked(str(SERIES_B))
    env = environment(program, [("preferred_shares", "1000"), ("notice_date", "1999-08-02")], [], str(MARKET))
    assert Evaluator(program, env).value("conversion_price") == F("5.03421875")
    compiled: Counter[int] = Counter()
    original = compiler.compile_node

    def counting(node: Any, site: Any) -> Any:
        compiled[id(node)] += 1
        return original(node, site)

    monkeypatch.setattr(compiler, "compile_node", counting)
    monkeypatch.setattr(source, "source_closure", counting)  # the lean evaluator's, written as source
    for _ in range(3):
        assert Evaluator(program, env).value("conversion_price") == F("5.03421875")
    assert not compiled  # the closures of the first evaluator's program serve the next ones
    assert compiler.compiled(program) is compiler.compiled(program)


def test_one_evaluator_per_event_and_one_trading_calendar_per_run(monkeypatch: pytest.MonkeyPatch) -> None:
    scenario = load_scenario(SCENARIOS / "04-cap-amount-after-transfer.yaml")
    made: Counter[str] = Counter()
    for cls in (Evaluator, TradingCalendar):
        def init(self: Any, *args: Any, _original: Any = cls.__init__, _name: str = cls.__name__) -> None:
            made[_name] += 1
            _original(self, *args)
        monkeypatch.setattr(cls, "__init__", init)
    per_event: dict[str, set[int]] = {}
    fire = Engine._fire

    def counted(self: Engine, occurrence: Any) -> None:
        before = made["Evaluator"]
        fire(self, occurrence)
        per_event.setdefault(occurrence.name, set()).add(made["Evaluator"] - before)

    run_scenario(scenario)  # the first run compiles the program, which finds its constants
    assert made["TradingCalendar"] == 1
    monkeypatch.setattr(Engine, "_fire", counted)
    run_scenario(scenario)
    # The conversion notice has five clauses, the issuance an effect for each of the two holders:
    # one evaluator for each event, whatever its clauses. The close of each day has clauses that
    # rarely apply: none on a day when nothing their conditions read has changed since they last
    # did not (the close of a trading day reads the day: one each day). The market data's one
    # trading calendar serves them all.
    assert {"conversion_notice", "issuance", "trading_day_close"} <= set(per_event)
    every = {name for name, event in scenario.programs[0].events.items() if event.every}
    assert all(counts == {1} for name, counts in per_event.items() if name not in every), per_event
    assert per_event["day_close"] == per_event["business_day_close"] == {0, 1}
    assert per_event["trading_day_close"] == {1}
    assert made["TradingCalendar"] == 1  # the second run too


DAILY = """provisions:
  T 1:
    inputs:
      event_date: {type: date, description: the day}
    state:
      armed: {type: boolean, initial: false, description: counting has started}
      ticks: {type: count, initial: 0, description: the days counted (up to three)}
      dated: {type: count, initial: 0, description: the days the fifth of July closed}
    events:
      hello: {date: event_date, description: nothing happens}
      arm: {date: event_date, description: counting starts}
      tick: {date: event_date, every: day, description: the close of each day}
    clauses:
      arming:
        on: arm
        effects:
          - raise: armed
        text: counting starts
      counting:
        on: tick
        when: armed and ticks < 3
        effects:
          - increase: ticks
            by: 1
        text: up to three days are counted
"""
#: A clause of the close of each day that reads the day.
FIFTH = """\
      on_the_fifth:
        on: tick
        when: event_date = 1999-07-05
        effects:
          - increase: dated
            by: 1
        text: the fifth of July
"""


def test_an_event_of_every_day_is_skipped_only_while_what_its_conditions_read_is_unchanged(
        contract, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # counting reads armed and ticks only; on_the_fifth reads the day, so the close of each day
    # is evaluated every day, and counting, without it, would be skipped while nothing changes.
    path = contract(DAILY)
    both = contract(DAILY + FIFTH, name="both.yaml")
    made: Counter[str] = Counter()
    init = Evaluator.__init__

    def counted(self: Evaluator, *args: Any) -> None:
        made["evaluators"] += 1
        init(self, *args)
    monkeypatch.setattr(Evaluator, "__init__", counted)
    for program, evaluated in ((path, 5), (both, 10)):
        scenario = tmp_path / f"s-{program.stem}.yaml"
        scenario.write_text(f"title: t\ncontracts: [{program}]\nas_of: 1999-07-10\nevents:\n"
                            "  - {date: 1999-07-01, event: hello}\n  - {date: 1999-07-04, event: arm}\n",
                            encoding="utf-8")
        made.clear()
        run = run_scenario(load_scenario(scenario))
        # Armed on 07-04, before that day's close: counted on 07-04, 07-05 and 07-06, then
        # ticks < 3 is false.
        assert run.state["ticks"] == 3
        assert [r.occurrence.date.day for r in run.results if "counting" in r.clauses] == [4, 5, 6]
        if program == both:
            assert run.state["dated"] == 1
        # Alone, counting is evaluated on 07-01 (not armed: nothing fires), skipped on 07-02 and
        # 07-03, evaluated on 07-04 (armed changed), 07-05 and 07-06 (ticks changed) and 07-07
        # (ticks is 3: nothing fires), then skipped to 07-10: five evaluators for the close of a
        # day, besides the initial state's and the arm event's. Beside on_the_fifth, which reads
        # the day: one on each of the ten days.
        assert made["evaluators"] - 2 == evaluated, made
