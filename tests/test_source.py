"""Lean closures written as Python source (``evaluate/source.py``): one function per formula,
the same values and the same failures at the same places as the closures of its nodes, and
its compiled code kept in the cache for the next process."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from support import PROVISION, ROOT, SERIES_B, SMALL_MARKET, definitions

from interpreter import pipeline
from interpreter.evaluate import compiler, source
from interpreter.evaluate.evaluator import EvaluationError, Evaluator
from interpreter.evaluate.inputs import environment
from interpreter.pipeline import load_checked
from interpreter.rational import Fraction as F
from interpreter.syntax import ast

#: A formula of each kind the source writes, and of those it leaves to their closures, with
#: what each gives: worked out by hand (p is $1, yes is true, start 1999-01-04, n given).
FORMULAS = [
    ("negated", "money", "-p × 3", F(-3)),
    ("chain", "money", "$10 - $3 - p + $1 / 4 × 2", F(13, 2)),  # 10 - 3 - 1 + 1/2
    ("quotient", "ratio", "n / (n - 1)", F(3, 2)),  # n = 3
    ("dates", "date", "start + 1 trading day + 2 days", None),  # a date step: its own closure
    ("days", "days", "(start + 10 days) - start", F(10)),
    ("compared", "boolean", "p < $2 and p <= $1 and p > $0 and p >= $1 and p = $1 and p != $3", True),
    ("either", "boolean", "not yes or p > $5 or n = 3", True),
    ("chosen", "money", "if n > 2 then p × n else p / n", F(3)),
    ("rounded_up", "ratio", "round up (n / 2)", F(2)),
    ("rounded_down", "ratio", "round down (n / 2)", F(1)),
    ("rounded_half", "ratio", "round (-n / 2)", F(-2)),  # halves away from zero
    ("cents", "money", "round down to cent ($10 / n)", F("3.33")),
    ("smaller", "money", "lesser_of(p × n, $2, $5)", F(2)),
    ("larger", "money", "greater_of(p, -p) + abs(-p)", F(2)),
    ("bid", "price", "closing_bid[1999-07-21]", None),  # indexing a series
    ("low", "price", "average(lowest(2, window(closing_bid, 4 trading days, ending = 1999-07-23)))", None),
    ("called", "money", "chosen(n = 1) + chosen", F(4)),  # the else branch with n = 1: $1, then $3
]


def contract_with(contract: Any, *extra: tuple[str, str, str]) -> Path:
    market = "    market:\n      closing_bid: {type: price, description: closing bid}\n"
    entries = [(name, type_, formula) for name, type_, formula, _ in FORMULAS] + list(extra)
    return contract(PROVISION + definitions(*entries) + market)


def outcome(ev: Evaluator, name: str) -> Any:
    """The value of ``name``, or where and how it fails, as the user sees it."""
    try:
        return ev.value(name)
    except EvaluationError as exc:
        found = exc.located()
        return [(d.line, d.column, d.message) for d in found.diagnostics] or found.message


def evaluators(path: Path, **given: str) -> tuple[Evaluator, Evaluator]:
    """A lean evaluator (source) and one keeping derivations (the closures of each node)."""
    program = load_checked(str(path))
    env = environment(program, list(given.items()), [], str(SMALL_MARKET))
    return Evaluator(program, env), Evaluator(program, env, derivations=True)


def test_every_kind_of_node_gives_what_its_closure_gives(contract: Any) -> None:
    lean, explained = evaluators(contract_with(contract), n="3")
    for name, _, _, expected in FORMULAS:
        assert outcome(lean, name) == outcome(explained, name), name
        if expected is not None:
            assert lean.value(name) == expected, name
    assert lean.value("bid") == explained.value("bid") > 0


def test_a_formula_of_plain_nodes_is_one_function(contract: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    program = load_checked(str(contract_with(contract)))
    made: list[Any] = []
    original = compiler.compile_node
    monkeypatch.setattr(source, "compile_node", lambda node, site: made.append(node) or original(node, site))
    term = program.terms["chosen"]
    function = compiler.compiled(program).closure(term.formula, owner=term, inline=True)
    assert function.__code__.co_filename == "<formula>"
    # No node of it became a closure of its own (those made are of the constants it reads: p).
    assert not set(map(id, made)) & set(map(id, ast.walk(term.formula.node)))
    # Nor of one moving a date by trading days, whose steps call the evaluator's calendars.
    term = program.terms["dates"]
    compiler.compiled(program).closure(term.formula, owner=term, inline=True)
    assert not set(map(id, made)) & set(map(id, ast.walk(term.formula.node)))


@pytest.mark.parametrize(("type_", "formula", "message"), [
    ("money", "p / (n - 3)", "division by zero (in failing)"),
    ("price", "closing_bid[1999-07-24]", "closing_bid has no value on 1999-07-24 (not a trading day in the "
                                         "market data, {market})"),
    ("money", "p" + (" × 1" + "0" * 99) * 11, "a value with more than 1,000 digits"),
    ("money", "lesser_of(p, p / (n - 3))", "division by zero (in failing)"),
])
def test_failures_are_where_the_closures_put_them(contract: Any, type_: str, formula: str,
                                                  message: str) -> None:
    lean, explained = evaluators(contract_with(contract, ("failing", type_, formula)), n="3")
    failed = outcome(lean, "failing")
    assert failed == outcome(explained, "failing")
    assert isinstance(failed, list) and message.format(market=SMALL_MARKET) in failed[0][2]


def test_a_formula_too_deep_for_one_expression_gives_the_same(contract: Any) -> None:
    # 60 levels: past the depth written as one expression, the rest stays closures.
    deep = "(" * 60 + "p" + " + p)" * 60
    path = contract_with(contract, ("deep", "money", deep))
    lean, explained = evaluators(path, n="3")
    assert lean.value("deep") == explained.value("deep") == F(61)
    term = load_checked(str(path)).terms["deep"]
    function = compiler.compiled(load_checked(str(path))).closure(term.formula, owner=term, inline=True)
    assert function.__code__.co_filename == "<formula>"  # its first levels are one function


def test_code_too_deep_for_python_is_left_to_the_closures() -> None:
    assert source._code("def f(ev, b):\n    return " + "(" * 400 + "1" + ")" * 400 + "\n") is None


def fresh_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Forget what this process compiled and read, as a new process would not know it."""
    for name, value in (("_CODE", {}), ("_KNOWN", {}), ("_FRESH", [])):
        monkeypatch.setattr(source, name, value)
    monkeypatch.setattr(pipeline, "_code_read", False)
    monkeypatch.setattr(pipeline, "_READ", {})


def conversion_price(path: Path = SERIES_B) -> F:
    program = load_checked(str(path))
    env = environment(program, [("preferred_shares", "1000"), ("notice_date", "1999-08-02")], [],
                      str(ROOT / "examples" / "closing-bids-MADE-UP.csv"))
    value = Evaluator(program, env).value("conversion_price")
    assert isinstance(value, F)
    return value


def test_the_code_compiled_is_kept_and_read_by_the_next_process(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAUSE_CACHE_DIR", str(tmp_path / "cache"))
    fresh_process(monkeypatch)
    assert conversion_price() == F("5.03421875")
    compiled = list(source._FRESH)
    assert compiled  # the first process compiles the formulas it evaluates
    pipeline.keep_code()
    [entry] = (tmp_path / "cache").glob("*/code/formulas.pickle")
    assert set(pickle.loads(entry.read_bytes())) == set(compiled)
    fresh_process(monkeypatch)
    assert conversion_price() == F("5.03421875")
    assert source._FRESH == []  # the next compiles nothing: the code came from the cache
    written = entry.stat().st_mtime_ns
    pipeline.keep_code()
    assert entry.stat().st_mtime_ns == written  # and has nothing to add


def test_damaged_code_in_the_cache_is_compiled_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAUSE_CACHE_DIR", str(tmp_path / "cache"))
    fresh_process(monkeypatch)
    conversion_price()
    pipeline.keep_code()
    [entry] = (tmp_path / "cache").glob("*/code/formulas.pickle")
    entry.write_bytes(pickle.dumps(dict.fromkeys(pickle.loads(entry.read_bytes()), b"not code")))
    fresh_process(monkeypatch)
    assert conversion_price() == F("5.03421875")
    assert source._FRESH  # compiled again, not run from the damaged bytes


def test_the_clause_command_keeps_the_code_it_compiled(tmp_path: Path) -> None:
    env = {**os.environ, "CLAUSE_CACHE_DIR": str(tmp_path / "cache")}
    command = [sys.executable, "-c", "from interpreter.cli import console; console()", "eval", str(SERIES_B),
               "conversion_price", "--set", "notice_date=1999-08-02", "--set", "preferred_shares=1000",
               "--market", str(ROOT / "examples" / "closing-bids-MADE-UP.csv")]
    first = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
    [entry] = (tmp_path / "cache").glob("*/code/formulas.pickle")
    written = entry.stat().st_mtime_ns
    second = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
    assert first.stdout == second.stdout == "conversion_price = $5.03421875 per share\n"
    assert entry.stat().st_mtime_ns == written  # the second compiled nothing new
