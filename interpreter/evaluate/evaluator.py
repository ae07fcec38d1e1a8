"""The exact evaluator: walks checked formulas with rational arithmetic.

This is one back end. It relies only on the typed syntax tree and the
built-in names of ``builtins.py``; another back end (one evaluating a formula
over many price paths at once, say) can implement the same node kinds and the
same built-ins without any change to contract files or to the checker.

Every value computed for a term is kept as a ``Record`` with the records it
used, which is the derivation ``--explain`` prints.
"""

from __future__ import annotations

import calendar as calendar_module
import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from ..calendar import BusinessCalendar, CalendarError, TradingCalendar
from ..diagnostics import ClauseError, Diagnostic
from ..limits import MAX_SPAN_DAYS, TOO_LARGE, too_large
from ..link.program import (
    DEFINITION,
    GIVEN,
    INPUT,
    INTERPRETATION,
    OWED,
    PARAMETER,
    SERIES,
    STATE,
    Formula,
    Program,
    Term,
)
from ..syntax import ast
from ..types import DATE, DURATIONS, MONTHS_T, YEARS_T, PartyMap, Type
from ..values import PartyValues, SeriesValue
from . import numerics
from .market import MarketData
from .trace import Bindings, Record, Step


class EvaluationError(Exception):
    """A failure caused by the inputs or data, located in a formula when there is one.

    ``missing`` is the term that has no value (an input not given, a given name not bound):
    the evaluator says what is missing, and whoever asked says how to give it.
    """

    def __init__(self, message: str, term: Term | None = None, formula: Formula | None = None,
                 span: tuple[int, int] | None = None, missing: Term | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.term = term
        self.formula = formula
        self.span = span
        self.missing = missing

    def located(self, context: str = "", how: Callable[[Term], str] | None = None) -> ClauseError:
        """The failure as the user sees it: at its place in the formula, naming the term, and
        ``how`` to give a missing value in the user's terms."""
        hint = f"; {how(self.missing)}" if how and self.missing else ""
        named = self.term and self.term is not self.missing  # "missing input x (in x)" says it twice
        message = self.message + hint + (f" (in {self.term.name})" if named and self.term else "") + context
        if self.formula is not None and self.span is not None:
            return ClauseError(message, [self.formula.diagnostic(self.span[0], message)])
        return ClauseError(message)


@dataclass
class Environment:
    """What evaluation needs besides the program: given values, readings, data, calendars."""

    given: dict[str, Any] = field(default_factory=dict)
    choices: dict[str, str] = field(default_factory=dict)
    market: MarketData | None = None
    state: dict[str, Any] = field(default_factory=dict)
    origins: dict[str, str] = field(default_factory=dict)  # why a given value is given
    read: set[str] | None = None  # when given, collects the name of every term evaluated


class Evaluator:
    """Evaluates terms of one checked program under one environment, memoising each."""

    def __init__(self, program: Program, env: Environment) -> None:
        self.program = program
        self.env = env
        self.business = BusinessCalendar(program.business_holidays)
        exchange = BusinessCalendar([program.exchange]) if program.exchange else None
        self.trading = env.market.trading_calendar(exchange) if env.market else None
        self._memo: dict[tuple[str, Bindings], Record] = {}
        self._active: list[Record] = []
        self._formula: Formula | None = None
        self._details: dict[int, str] = {}  # notes a built-in leaves for its explanation step

    # -- terms -------------------------------------------------------------

    def record(self, name: str, bindings: Bindings = ()) -> Record:
        """The record of term ``name`` evaluated with ``bindings`` in force."""
        key = (name, bindings)
        if key in self._memo:
            return self._memo[key]
        if self.env.read is not None:
            self.env.read.add(name)
        term = self.program.terms[name]
        rec = Record(term, bindings)
        bound = dict(bindings)
        saved = self._formula
        self._active.append(rec)
        try:
            if name in bound:
                rec.value, rec.origin = bound[name], "bound"
            elif name in self.env.given:
                rec.value = self.env.given[name]
                rec.origin = self.env.origins.get(name, "given")
            else:
                rec.value = self._compute(term, rec)
        finally:
            self._active.pop()
            self._formula = saved
        self._memo[key] = rec
        return rec

    def value(self, name: str) -> Any:
        """The value of term ``name``."""
        return self.record(name).value

    def formula_value(self, formula: Formula, node: ast.Node | None = None) -> Any:
        """The value of a formula that belongs to no term (a clause's condition or effect),
        or of one of its sub-expressions ``node``."""
        saved = self._formula
        self._formula = formula
        try:
            return self._eval(node or formula.node, ())
        finally:
            self._formula = saved

    def _compute(self, term: Term, rec: Record) -> Any:
        if term.kind == SERIES:
            rec.origin = "market data"
            return self._series(term)
        if term.kind == STATE and term.name in self.env.state:
            rec.origin = "state"
            return self.env.state[term.name]
        if term.kind == OWED:  # outside a run, or before anything of it was owed: nothing is
            rec.origin = "obligations of the run"
            return self.env.state.get(term.name, PartyValues({}, Fraction(0)))
        if term.kind == PARAMETER and term.formula is None:
            raise EvaluationError(f"parameter {term.name} has no value in {self.program.path} (an "
                                  "abstract body: evaluate a contract that extends it)", term)
        if term.kind == GIVEN:
            raise EvaluationError(f"missing {term.name} ({term.type}), {term.description}, which a call or "
                                  "a loop binds", term, missing=term)
        if term.kind == INPUT and term.formula is None:
            raise EvaluationError(f"missing input {term.name} ({term.type}): {term.description}", term,
                                  missing=term)
        formula = term.formula
        if term.kind == INTERPRETATION:
            choice = self.env.choices.get(term.name, term.default_choice or "")
            rec.choice = choice
            formula = term.choices[choice].formula
        rec.origin = {PARAMETER: "parameter", INPUT: "default", DEFINITION: "formula",
                      INTERPRETATION: "interpretation", STATE: "initial state"}[term.kind]
        assert formula is not None
        self._formula = formula
        value = self._eval(formula.node, rec.bindings)
        if term.kind == STATE and isinstance(term.type, PartyMap):
            return PartyValues({}, value)
        return value

    def _series(self, term: Term) -> SeriesValue:
        market, trading = self.env.market, self.trading
        if market is None or trading is None:
            raise EvaluationError(f"{term.name} comes from market data: give a CSV (--market on the "
                                  "command line, market: in a scenario)", term)
        column = term.column or term.name
        if column not in market.columns:  # at the header of the market data, which lacks it
            message = (f"no column {column!r} for {term.name} (columns: "
                       f"{', '.join(['date', *market.columns])})")
            raise ClauseError(message, [Diagnostic(market.path, market.header_line, 1, message)])
        return SeriesValue(term.name, market.columns[column], trading)

    # -- expressions -------------------------------------------------------

    def _fail(self, node: ast.Node, message: str) -> EvaluationError:
        term = self._active[-1].term if self._active else None
        return EvaluationError(message, term, self._formula, node.span)

    def _eval(self, node: ast.Node, bindings: Bindings) -> Any:
        method = _DISPATCH[type(node)]
        return method(self, node, bindings)

    def _literal(self, node: ast.Literal, bindings: Bindings) -> Any:
        return node.value

    def _name(self, node: ast.Name, bindings: Bindings) -> Any:
        rec = self.record(node.name, bindings)
        if self._active:
            self._active[-1].uses.append(rec)
        return rec.value

    def _negate(self, node: ast.Negate, bindings: Bindings) -> Any:
        return -self._eval(node.operand, bindings)

    def _arithmetic(self, node: ast.Arithmetic, bindings: Bindings) -> Any:
        value = self._eval(node.operands[0], bindings)
        for i, op in enumerate(node.ops):
            operand = node.operands[i + 1]
            right = self._eval(operand, bindings)
            left_type, right_type = node.partial_types[i], operand.type
            if left_type == DATE or right_type == DATE:
                value = self._date_arithmetic(node, op, (value, left_type), (right, right_type))
            elif op == "+":
                value = value + right
            elif op == "-":
                value = value - right
            elif op == "*":
                value = value * right
            elif right == 0:
                raise self._fail(node, "division by zero")
            else:
                value = value / right
            self._bounded(node, value)  # each step at most doubles the digits: stop at the first past
        return value

    def _bounded(self, node: ast.Node, value: Any) -> None:
        """Refuse a value past ``MAX_VALUE_DIGITS`` (a value that squares itself again and again)."""
        if too_large(value):
            raise self._fail(node, TOO_LARGE)

    def _date_arithmetic(self, node: ast.Node, op: str, left: tuple[Any, Type | None],
                         right: tuple[Any, Type | None]) -> dt.date | Fraction:
        """``left op right`` where one side, or both, is a date; each side is (value, type)."""
        if left[1] == DATE and right[1] == DATE:
            return Fraction((left[0] - right[0]).days)
        (day, _), (count, unit) = (left, right) if left[1] == DATE else (right, left)
        if count.denominator != 1:
            whole = "year" if unit == YEARS_T else "month" if unit == MONTHS_T else "day"
            raise self._fail(node, f"cannot move a date by a fraction of a {whole} ({count})")
        steps = int(count) if op == "+" else -int(count)
        assert unit is not None  # the checker typed every node
        return self.move(day, steps, DURATIONS[unit], node)

    def move(self, day: dt.date, steps: int, calendar: str, node: ast.Node) -> dt.date:
        """``day`` moved by ``steps`` calendar, business or trading days, months or years."""
        if calendar == "calendar":
            try:
                return day + dt.timedelta(days=steps)
            except OverflowError:
                raise self._fail(node, f"{day.isoformat()} moved by {steps} days is out of the "
                                       "calendar's range") from None
        if calendar == "business":
            if abs(steps) > MAX_SPAN_DAYS:
                raise self._fail(node, f"{day.isoformat()} moved by {steps:,} business days: more than "
                                       f"{MAX_SPAN_DAYS:,}, the limit on a period")
            try:
                return self.business.add(day, steps)
            except OverflowError:
                raise self._fail(node, f"{day.isoformat()} moved by {steps} business days is out of "
                                       "the calendar's range") from None
        if calendar == "years":  # an anniversary; one of February 29 falls on the 28th
            year = day.year + steps
            if not dt.MINYEAR <= year <= dt.MAXYEAR:
                raise self._fail(node, f"{day.isoformat()} moved by {steps} years is out of the "
                                       "calendar's range")
            last = 28 if day.month == 2 and day.day == 29 and not calendar_module.isleap(year) else day.day
            return day.replace(year=year, day=last)
        if calendar == "months":  # the same day of the month, or the last of a shorter month
            month = day.year * 12 + day.month - 1 + steps
            year, month = divmod(month, 12)
            if not dt.MINYEAR <= year <= dt.MAXYEAR:
                raise self._fail(node, f"{day.isoformat()} moved by {steps} months is out of the "
                                       "calendar's range")
            last = calendar_module.monthrange(year, month + 1)[1]
            return dt.date(year, month + 1, min(day.day, last))
        what = f"{day.isoformat()} {'+' if steps >= 0 else '-'} {abs(steps)} trading days"
        try:
            return self._trading(node).add(day, steps, what)
        except CalendarError as exc:
            raise self._fail(node, str(exc)) from None

    def _trading(self, node: ast.Node) -> TradingCalendar:
        if self.trading is None:
            raise self._fail(node, "trading days come from the market data: give a CSV (--market "
                                   "on the command line, market: in a scenario)")
        return self.trading

    def _compare(self, node: ast.Compare, bindings: Bindings) -> bool:
        left = self._eval(node.left, bindings)
        right = self._eval(node.right, bindings)
        return bool(_COMPARE[node.op](left, right))

    def _logical(self, node: ast.Logical, bindings: Bindings) -> bool:
        deciding = node.op == "or"  # the value that ends the chain: true for or, false for and
        for operand in node.operands:
            if bool(self._eval(operand, bindings)) == deciding:
                return deciding
        return not deciding

    def _not(self, node: ast.Not, bindings: Bindings) -> bool:
        return not self._eval(node.operand, bindings)

    def _if(self, node: ast.If, bindings: Bindings) -> Any:
        if self._eval(node.condition, bindings):
            return self._eval(node.then, bindings)
        return self._eval(node.otherwise, bindings)

    def _round(self, node: ast.Round, bindings: Bindings) -> Fraction:
        value = self._eval(node.operand, bindings)
        return round_value(value, node.direction, node.step)

    def _index(self, node: ast.Index, bindings: Bindings) -> Any:
        target = self._eval(node.target, bindings)
        if isinstance(target, PartyValues):
            return target.get(self._eval(node.index, bindings))
        series: SeriesValue = target
        day: dt.date = self._eval(node.index, bindings)
        if day not in series.values:
            why = ("not a trading day in the market data"
                   if not series.calendar.is_trading_day(day) else "an empty cell")
            raise self._fail(node, f"{series.name} has no value on {day.isoformat()} "
                                   f"({why}, {series.calendar.source})")
        return series.values[day]

    def _call(self, node: ast.Call, bindings: Bindings) -> Any:
        implementation = _BUILTINS.get(node.function)
        if implementation is not None:
            result = implementation(self, node, [self._eval(a, bindings) for a in node.args])
            self._bounded(node, result)
            self._step(node, result)
            return result
        new = dict(bindings)
        for keyword in node.keywords:
            new[keyword.name] = self._eval(keyword.value, bindings)
        rec = self.record(node.function, tuple(sorted(new.items(), key=lambda kv: kv[0])))
        if self._active:
            self._active[-1].uses.append(rec)
        return rec.value

    def _step(self, node: ast.Node, value: Any) -> None:
        detail = self._details.pop(id(node), "")
        if self._formula is None or not self._active or node.type is None:
            return
        text = " ".join(self._formula.text[node.span[0]:node.span[1]].split())
        self._active[-1].steps.append(Step(text, value, node.type, detail))

    def _total(self, node: ast.Total, bindings: Bindings) -> Fraction:
        start: dt.date = self._eval(node.start, bindings)
        end: dt.date = self._eval(node.end, bindings)
        if (end - start).days >= MAX_SPAN_DAYS:
            raise self._fail(node, f"{node.mode} over {start.isoformat()} to {end.isoformat()}: more than "
                                   f"{MAX_SPAN_DAYS:,} days, the limit on a period")
        found: list[Fraction] = []
        day = start
        while day <= end:
            new = dict(bindings)
            new[node.day] = day
            found.append(self.record(node.term, tuple(sorted(new.items(), key=lambda kv: kv[0]))).value)
            day += dt.timedelta(days=1)
        if node.mode == "total":
            result = sum(found, Fraction(0))
        elif not found:
            raise self._fail(node, f"{node.mode} over an empty period ({start.isoformat()} to "
                                   f"{end.isoformat()})")
        else:
            result = min(found) if node.mode == "least" else max(found)
        self._bounded(node, result)
        self._step(node, result)
        return result

    # -- built-ins ---------------------------------------------------------

    def _window(self, node: ast.Call, args: list[Any]) -> list[Fraction]:
        series, length, ending = args
        if length.denominator != 1 or length <= 0:
            raise self._fail(node, f"a window is a positive whole number of days, not {length}")
        what = f"window of {length} trading days ending {ending.isoformat()}"
        try:
            days = series.calendar.window(ending, int(length), what)
        except CalendarError as exc:
            raise self._fail(node, str(exc)) from None
        empty = [d.isoformat() for d in days if d not in series.values]
        if empty:
            raise self._fail(node, f"{what}: {series.name} is empty on {', '.join(empty)}")
        self._details[id(node)] = f"trading days {days[0].isoformat()} to {days[-1].isoformat()}"
        return [series.values[d] for d in days]

    def _select(self, node: ast.Call, args: list[Any], highest: bool) -> list[Fraction]:
        count, values = args
        values = _values(values)
        if count.denominator != 1 or not 0 < count <= len(values):
            raise self._fail(node, f"cannot take the {count} {'highest' if highest else 'lowest'}"
                                   f" of {len(values)} values")
        return sorted(values, reverse=highest)[: int(count)]

    def _average(self, node: ast.Call, args: list[Any]) -> Fraction:
        values = _values(args[0])
        if not values:
            raise self._fail(node, "the average of no values is undefined")
        return sum(values, Fraction(0)) / len(values)

    def _numeric(self, node: ast.Call, args: list[Any]) -> Fraction:
        """The built-ins of ``numerics``: not rational, computed to 40 significant digits."""
        try:
            if node.function == "sqrt":
                return numerics.square_root(args[0])
            if node.function == "volatility":
                return numerics.log_return_volatility(_values(args[0]))
            spot, strike, volatility, rate, term = args
            return numerics.black_scholes_call(spot, strike, volatility, rate, term / 365)
        except ValueError as exc:
            raise self._fail(node, str(exc)) from None
        except ArithmeticError:  # decimal's Overflow: an exponent past its range
            raise self._fail(node, f"{node.function}: a value out of range") from None

    def _is_trading_day(self, node: ast.Call, args: list[Any]) -> bool:
        return self._trading(node).is_trading_day(args[0])


def _values(value: Any) -> list[Fraction]:
    if isinstance(value, SeriesValue):
        return [value.values[d] for d in sorted(value.values)]
    if isinstance(value, PartyValues):
        return [value.values[p] for p in sorted(value.values)]
    return list(value)


def round_value(value: Fraction, direction: str, step: str) -> Fraction:
    """Round to whole units or to cents; ``nearest`` rounds halves away from zero."""
    unit = Fraction(1, 100) if step == "cent" else Fraction(1)
    scaled = value / unit
    if direction == "up":
        whole = math.ceil(scaled)
    elif direction == "down":
        whole = math.floor(scaled)
    else:
        whole = math.floor(abs(scaled) + Fraction(1, 2)) * (1 if scaled >= 0 else -1)
    return Fraction(whole) * unit


_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "=": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
}

_BUILTINS: dict[str, Callable[[Evaluator, ast.Call, list[Any]], Any]] = {
    "lesser_of": lambda ev, node, args: min(args),
    "greater_of": lambda ev, node, args: max(args),
    "average": Evaluator._average,
    "sum": lambda ev, node, args: sum(_values(args[0]), Fraction(0)),
    "count": lambda ev, node, args: Fraction(len(_values(args[0]))),
    "lowest": lambda ev, node, args: ev._select(node, args, highest=False),
    "highest": lambda ev, node, args: ev._select(node, args, highest=True),
    "window": Evaluator._window,
    "days_between": lambda ev, node, args: Fraction((args[1] - args[0]).days),
    "is_business_day": lambda ev, node, args: ev.business.is_business_day(args[0]),
    "is_trading_day": Evaluator._is_trading_day,
    "abs": lambda ev, node, args: abs(args[0]),
    "sqrt": Evaluator._numeric,
    "volatility": Evaluator._numeric,
    "black_scholes": Evaluator._numeric,
}

_DISPATCH: dict[type, Callable[[Evaluator, Any, Bindings], Any]] = {
    ast.Literal: Evaluator._literal,
    ast.Name: Evaluator._name,
    ast.Negate: Evaluator._negate,
    ast.Arithmetic: Evaluator._arithmetic,
    ast.Compare: Evaluator._compare,
    ast.Logical: Evaluator._logical,
    ast.Not: Evaluator._not,
    ast.If: Evaluator._if,
    ast.Round: Evaluator._round,
    ast.Index: Evaluator._index,
    ast.Call: Evaluator._call,
    ast.Total: Evaluator._total,
}
