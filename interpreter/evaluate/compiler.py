"""Checked formulas compiled into Python closures, once per program.

Each node of a typed syntax tree becomes a closure ``(evaluator, bindings) -> value`` that
calls the closures of its sub-expressions directly: what the node is, which operator, which
calendar a date moves by, where an error points and the text of an explanation step are all
decided here, once, instead of at every evaluation. A closure reads terms through the
evaluator (``get``, and ``peek`` for a daily total's days), which memoises them and, when asked
for derivations, keeps their records.

``Compiled`` holds, for one program, the closures of its formulas and which names each term
reads, directly or through the terms it uses: a term's memo key holds only those of the
bindings in force, and a change of state forgets only the terms that read it.
"""

from __future__ import annotations

import calendar as calendar_module
import datetime as dt
import math
import operator
import weakref
from collections.abc import Callable

from ..calendar import CalendarError, TradingCalendar, business_calendar
from ..check.dependencies import Graph, reachable
from ..diagnostics import ClauseError
from ..limits import MAX_SPAN_DAYS, TOO_LARGE, too_large
from ..link.program import DEFINITION, PARAMETER, Formula, Program, Term
from ..rational import Fraction
from ..syntax import ast
from ..types import DATE, DURATIONS, MONTHS_T, YEARS_T, Type
from ..values import PartyValues, SeriesValue
from . import numerics
from .trace import Bindings

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing: a warm run never does
if TYPE_CHECKING:
    from typing import Any

    from .evaluator import Evaluator

#: A compiled expression: its value under the evaluator and the bindings in force.
Closure = Callable[["Evaluator", Bindings], "Any"]
#: How a closure fails: the message becomes an ``EvaluationError`` at the node.
Fail = Callable[[str], "EvaluationError"]


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


class Compiled:
    """One program's closures and the names each of its terms reads; see ``compiled``.

    Closures come in two kinds: ``inline`` ones read a constant term (a parameter, or a
    definition of parameters only, that no call rebinds) as the value it always has, found
    once when compiling; the others read it through the evaluator, for an evaluator whose
    inputs give such a term another value, and for derivations, which list it.
    """

    def __init__(self, program: Program) -> None:
        self.terms = program.terms
        self.business = business_calendar(tuple(program.business_holidays))
        self.exchange = business_calendar((program.exchange,)) if program.exchange else None
        #: The terms that may be constant: given a value (by --set, a scenario's facts), they are not.
        self.may_be_constant = frozenset(n for n, t in program.terms.items() if t.kind in CONSTANT_KINDS)
        self._program = weakref.ref(program)
        self._graph: Graph = {name: _names(term) for name, term in program.terms.items()}
        self._reads: dict[str, frozenset[str]] = {}
        self._readers: Graph | None = None
        self._dependents: dict[frozenset[str], frozenset[str]] = {}
        self._rebound: set[str] | None = None
        self._constants: dict[str, Any] = {}
        self._fetchers: dict[str, Closure] = {}
        self._static: Evaluator | None = None  # while compiling: see constant()
        self._compiling = False
        #: Inline or not, of a term's formula or of no term's, by node: the node (kept, so that its id
        #: is not reused), its term, its closure.
        self._closures: tuple[tuple[dict[int, tuple[ast.Node, Term | None, Closure]], ...], ...] = (
            ({}, {}), ({}, {}))
        #: Inline or not, by term: how the evaluator computes it (see ``Evaluator.value_of``).
        self.computers: tuple[dict[str, Closure], ...] = ({}, {})
        #: Inline or not, the closure of a formula of no term, whole or one of its nodes, by the formula
        #: or the node (kept, so that its id is not reused): a clause's formulas, and the keys of the
        #: map value an effect changes, are evaluated at each event.
        self.formulas: tuple[dict[int, tuple[Formula | ast.Node, Closure]], ...] = ({}, {})

    def closure(self, formula: Formula, node: ast.Node | None = None, owner: Term | None = None,
                inline: bool = False) -> Closure:
        """The closure of ``node`` (the whole formula by default), in the formula of ``owner``
        (None for a formula of no term: a clause's, an event's requirement)."""
        node = node or formula.node
        closures = self._closures[inline][owner is None]
        found = closures.get(id(node))
        if found is None or found[1] is not owner:  # one tree in two terms (none so far): compile it again
            outermost, self._compiling = not self._compiling, True
            try:
                site = Site(formula, owner, self if inline else None)
                if inline:
                    from .source import source_closure  # here: source is written with this module

                    made = source_closure(node, site)
                else:
                    made = compile_node(node, site)
                found = closures[id(node)] = (node, owner, made)
            finally:
                if outermost:  # the evaluator that found the constants holds the program: let it go
                    self._compiling, self._static = False, None
        return found[2]

    def fetcher(self, name: str) -> Closure:
        """How an evaluator without derivations reads term ``name``: its value memoised under the
        bindings in force that it reads (without, in the evaluator's ``memo``), computed when it
        is not memoised yet. One closure, called by the formulas that read the name."""
        found = self._fetchers.get(name)
        if found is None:
            found = self._fetchers[name] = _fetcher(self, self.terms[name])
        return found

    def reads(self, name: str) -> frozenset[str]:
        """``name`` and every name its value depends on, directly or through the terms it uses."""
        found = self._reads.get(name)
        if found is None:
            found = self._reads[name] = frozenset(reachable(name, self._graph) | {name})
        return found

    def formula_reads(self, formula: Formula) -> frozenset[str]:
        """Every name the value of a formula of no term (a clause's condition) depends on."""
        return frozenset().union(*(self.reads(name) for name in _node_names(formula.node)))

    def dependents(self, names: frozenset[str]) -> frozenset[str]:
        """The terms whose value may change when those of ``names`` do: they and every term
        reading one of them."""
        found = self._dependents.get(names)
        if found is None:
            if self._readers is None:
                self._readers = {}
                for user, used in self._graph.items():
                    for read in used:
                        self._readers.setdefault(read, set()).add(user)
            readers = self._readers
            found = self._dependents[names] = frozenset().union(
                names, *(reachable(name, readers) for name in names))
        return found

    def constant(self, name: str) -> Any:
        """The value term ``name`` always has, or ``UNSET`` when it may have another: it reads
        an input, state, market data, a reading or a name a call binds, or it fails."""
        if name in self._constants:
            return self._constants[name]
        if self._rebound is None:
            program = self._program()
            assert program is not None
            self._rebound = {name for formula in program.formulas() for name in _rebinds(formula.node)}
        value = UNSET
        if all(self.terms[n].kind in CONSTANT_KINDS and n not in self._rebound for n in self.reads(name)):
            static = self._static
            if static is None:  # one evaluator finds the constants of the formulas being compiled
                from .evaluator import Environment, Evaluator  # the evaluator compiles with this module
                program = self._program()
                assert program is not None
                static = self._static = Evaluator(program, Environment())
            try:
                value = static.value(name)
            except EvaluationError:  # evaluated where it is used, it fails there, as it should
                value = UNSET
        self._constants[name] = value
        return value


#: The kinds of term that may be constant: parameters and definitions of them.
CONSTANT_KINDS = (PARAMETER, DEFINITION)
#: No value (yet): a term not constant, a memo without the term.
UNSET: Any = object()
_PROGRAMS: dict[int, Compiled] = {}


def compiled(program: Program) -> Compiled:
    """The compiled form of ``program``, built at its first evaluation and kept while it lives."""
    found = _PROGRAMS.get(id(program))
    if found is None:
        found = _PROGRAMS[id(program)] = Compiled(program)
        weakref.finalize(program, _PROGRAMS.pop, id(program), None)
    return found


def _fetcher(compiled: Compiled, term: Term) -> Closure:
    """See ``Compiled.fetcher``: the names ``term`` reads are worked out at its first read with
    bindings (most terms are read without)."""
    name = term.name
    reads: frozenset[str] | None = None

    def fetch(ev: Evaluator, b: Bindings) -> Any:
        nonlocal reads
        if b:
            if reads is None:
                reads = compiled.reads(name)
            if len(b) == 1:  # most often one party or one day is bound
                if b[0][0] in reads:
                    return ev.bound_value(term, b)
            elif len(b) == 2:  # a call's two names: no comprehension, a frame of its own
                first, second = b
                if first[0] in reads:
                    return ev.bound_value(term, b if second[0] in reads else (first,))
                if second[0] in reads:
                    return ev.bound_value(term, (second,))
            else:
                key = tuple([kv for kv in b if kv[0] in reads])
                if key:
                    return ev.bound_value(term, key)
        memo = ev.memo
        found = memo.get(name, UNSET)
        if found is UNSET:
            found = memo[name] = ev.value_of(term, ())
        return found
    return fetch


def _rebinds(node: ast.Node) -> list[str]:
    """The names a formula binds: in calls of terms, and the day of a daily total."""
    found = []
    for sub in ast.walk(node):
        if isinstance(sub, ast.Call) and sub.function not in BUILTINS:
            found += [k.name for k in sub.keywords]
        elif isinstance(sub, ast.Total):
            found.append(sub.day)
    return found


def _names(term: Term) -> set[str]:
    """The names ``term``'s formulas read."""
    return set().union(*(_node_names(formula.node) for formula in term.formulas()))


def _node_names(tree: ast.Node) -> set[str]:
    """The names a formula's tree reads: names, terms called with rebound names, daily totals."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            found.add(node.name)
        elif isinstance(node, ast.Call) and node.function not in BUILTINS:
            found.add(node.function)
        elif isinstance(node, ast.Total):
            found.update((node.term, node.day))
    return found


class Site:
    """Where a formula is compiled: its text for explanation steps, its term for errors, and
    the program whose constants it reads as values (None: it reads them as terms)."""

    def __init__(self, formula: Formula, owner: Term | None, constants: Compiled | None) -> None:
        self.formula = formula
        self.owner = owner
        self.constants = constants

    def fail(self, node: ast.Node) -> Fail:
        """How ``node`` fails: an error at its span, in the formula and naming its term."""
        owner, formula, span = self.owner, self.formula, node.span
        return lambda message: EvaluationError(message, owner, formula, span)

    def text(self, node: ast.Node) -> str:
        """``node``'s text, on one line, as an explanation step shows it."""
        return " ".join(self.formula.text[node.span[0]:node.span[1]].split())


def compile_node(node: ast.Node, site: Site) -> Closure:
    return _COMPILERS[type(node)](node, site)


def _literal(node: ast.Literal, site: Site) -> Closure:
    value = node.value
    return lambda ev, b: value


def _name(node: ast.Name, site: Site) -> Closure:
    name = node.name
    value = site.constants.constant(name) if site.constants else UNSET
    if value is not UNSET:
        return lambda ev, b: value
    if site.constants:  # inline: only an evaluator without derivations runs it, and its get is this
        return site.constants.fetcher(name)
    return lambda ev, b: ev.get(name, b)


def _negate(node: ast.Negate, site: Site) -> Closure:
    operand = compile_node(node.operand, site)
    return lambda ev, b: -operand(ev, b)


_OPERATORS: dict[str, Callable[[Any, Any], Any]] = {"+": operator.add, "-": operator.sub, "*": operator.mul}


def _arithmetic(node: ast.Arithmetic, site: Site) -> Closure:
    operands = [compile_node(o, site) for o in node.operands]
    steps: list[Callable[..., Any]] = []
    for i, op in enumerate(node.ops):
        left_type, right_type = node.partial_types[i], node.operands[i + 1].type
        if left_type == DATE or right_type == DATE:
            steps.append(DateStep(node, op, left_type, right_type, site))
        elif op == "/":
            steps.append(divide_checked(site.fail(node)))
        else:
            steps.append(_OPERATORS[op])
    first, fail = operands[0], site.fail(node)
    if len(steps) == 1 and isinstance(steps[0], DateStep):
        second, moved = operands[1], steps[0]
        return lambda ev, b: moved(ev, first(ev, b), second(ev, b))  # a date, or a count of days
    if len(steps) == 1:
        second, step = operands[1], steps[0]

        def binary(ev: Evaluator, b: Bindings) -> Any:
            value = step(first(ev, b), second(ev, b))
            if too_large(value):
                raise fail(TOO_LARGE)
            return value
        return binary
    rest = [(step, operand, isinstance(step, DateStep))
            for step, operand in zip(steps, operands[1:], strict=True)]

    def chain(ev: Evaluator, b: Bindings) -> Any:  # a loop, not nested closures: a chain is any length
        value = first(ev, b)
        for step, operand, dated in rest:
            value = step(ev, value, operand(ev, b)) if dated else step(value, operand(ev, b))
            if too_large(value):  # each step at most doubles the digits: stop at the first past
                raise fail(TOO_LARGE)
        return value
    return chain


def divide_checked(fail: Fail) -> Callable[[Any, Any], Any]:
    def divide(left: Any, right: Any) -> Any:
        if right == 0:
            raise fail("division by zero")
        return left / right
    return divide


class DateStep:
    """``left op right`` where one side, or both, is a date; it needs the evaluator's calendars."""

    def __init__(self, node: ast.Node, op: str, left_type: Type | None, right_type: Type | None,
                 site: Site) -> None:
        self.fail = site.fail(node)
        self.both = left_type == DATE and right_type == DATE
        self.date_left = left_type == DATE
        unit = right_type if self.date_left else left_type
        self.sign = 1 if op == "+" else -1
        if not self.both:
            assert unit is not None  # the checker typed every node
            self.unit = unit
            self.calendar = DURATIONS[unit]

    def __call__(self, ev: Evaluator, left: Any, right: Any) -> dt.date | Fraction:
        if self.both:
            return Fraction((left - right).days)
        day, count = (left, right) if self.date_left else (right, left)
        if count.denominator != 1:
            whole = "year" if self.unit == YEARS_T else "month" if self.unit == MONTHS_T else "day"
            raise self.fail(f"cannot move a date by a fraction of a {whole} ({count})")
        return move(ev, day, self.sign * int(count), self.calendar, self.fail)


def move(ev: Evaluator, day: dt.date, steps: int, calendar: str, fail: Fail) -> dt.date:
    """``day`` moved by ``steps`` calendar, business or trading days, months or years."""
    if calendar == "calendar":
        try:
            return day + dt.timedelta(days=steps)
        except OverflowError:
            raise fail(f"{day.isoformat()} moved by {steps} days is out of the calendar's range") from None
    if calendar == "business":
        if abs(steps) > MAX_SPAN_DAYS:
            raise fail(f"{day.isoformat()} moved by {steps:,} business days: more than {MAX_SPAN_DAYS:,}, "
                       "the limit on a period")
        try:
            return ev.business.add(day, steps)
        except OverflowError:
            raise fail(f"{day.isoformat()} moved by {steps} business days is out of the calendar's "
                       "range") from None
    if calendar == "years":  # an anniversary; one of February 29 falls on the 28th
        year = day.year + steps
        if not dt.MINYEAR <= year <= dt.MAXYEAR:
            raise fail(f"{day.isoformat()} moved by {steps} years is out of the calendar's range")
        last = 28 if day.month == 2 and day.day == 29 and not calendar_module.isleap(year) else day.day
        return day.replace(year=year, day=last)
    if calendar == "months":  # the same day of the month, or the last of a shorter month
        month = day.year * 12 + day.month - 1 + steps
        year, month = divmod(month, 12)
        if not dt.MINYEAR <= year <= dt.MAXYEAR:
            raise fail(f"{day.isoformat()} moved by {steps} months is out of the calendar's range")
        last = calendar_module.monthrange(year, month + 1)[1]
        return dt.date(year, month + 1, min(day.day, last))
    try:
        return _trading(ev, fail).add(day, steps)
    except CalendarError as exc:
        sign = "+" if steps >= 0 else "-"
        raise fail(f"{day.isoformat()} {sign} {abs(steps)} trading days: {exc}") from None


def _trading(ev: Evaluator, fail: Fail) -> TradingCalendar:
    if ev.trading is None:
        raise fail("trading days come from the market data: give a CSV (--market on the command "
                   "line, market: in a scenario)")
    return ev.trading


_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "=": operator.eq,
    "!=": operator.ne,
}


def _compare(node: ast.Compare, site: Site) -> Closure:
    left, right, compare = compile_node(node.left, site), compile_node(node.right, site), _COMPARE[node.op]
    return lambda ev, b: bool(compare(left(ev, b), right(ev, b)))


def _logical(node: ast.Logical, site: Site) -> Closure:
    operands = [compile_node(o, site) for o in node.operands]
    deciding = node.op == "or"  # the value that ends the chain: true for or, false for and

    def logical(ev: Evaluator, b: Bindings) -> bool:
        for operand in operands:
            if bool(operand(ev, b)) == deciding:
                return deciding
        return not deciding
    return logical


def _not(node: ast.Not, site: Site) -> Closure:
    operand = compile_node(node.operand, site)
    return lambda ev, b: not operand(ev, b)


def _if(node: ast.If, site: Site) -> Closure:
    condition, then, otherwise = (compile_node(n, site) for n in (node.condition, node.then, node.otherwise))
    return lambda ev, b: then(ev, b) if condition(ev, b) else otherwise(ev, b)


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


def _round(node: ast.Round, site: Site) -> Closure:
    operand, direction, step = compile_node(node.operand, site), node.direction, node.step
    if step != "cent" and direction in ("up", "down"):  # whole units: no scaling to do
        whole = math.ceil if direction == "up" else math.floor
        return lambda ev, b: Fraction(whole(operand(ev, b)))
    return lambda ev, b: round_value(operand(ev, b), direction, step)


def _index(node: ast.Index, site: Site) -> Closure:
    target, index, fail = compile_node(node.target, site), compile_node(node.index, site), site.fail(node)

    def indexed(ev: Evaluator, b: Bindings) -> Any:
        found = target(ev, b)
        if isinstance(found, PartyValues):
            return found.get(index(ev, b))
        return series_on(found, index(ev, b), fail)
    return indexed


def series_on(series: SeriesValue, day: dt.date, fail: Fail) -> Any:
    """A series' value on ``day``, or the failure of a day it lacks."""
    if day not in series.values:
        why = ("not a trading day in the market data"
               if not series.calendar.is_trading_day(day) else "an empty cell")
        raise fail(f"{series.name} has no value on {day.isoformat()} ({why}, {series.calendar.source})")
    return series.values[day]


def _as_of(node: ast.AsOf, site: Site) -> Closure:
    operand, day, fail = compile_node(node.operand, site), compile_node(node.date, site), site.fail(node)
    step = _step(node, site, lambda args: f"on the state at the end of {args[0].isoformat()}")

    def as_of(ev: Evaluator, b: Bindings) -> Any:
        when: dt.date = day(ev, b)
        value = operand(ev.past(when, fail), b)
        if ev.derivations:
            step(ev, [when], value)
        return value
    return as_of


def bind(bindings: Bindings, names: tuple[str, ...], values: list[Any]) -> Bindings:
    """``bindings`` with ``names`` bound to ``values`` (replacing any binding of theirs), sorted by name."""
    if not bindings and len(names) == 1:  # a daily total's day, a party of the run
        return ((names[0], values[0]),)
    new = dict(bindings)
    new.update(zip(names, values, strict=True))
    return tuple(sorted(new.items()))  # by name: the names differ, so no value is ever compared


def _call(node: ast.Call, site: Site) -> Closure:
    args = [compile_node(a, site) for a in node.args]
    implementation = BUILTINS.get(node.function)
    if implementation is None:  # a term, with some of its names rebound
        function, names = node.function, tuple(k.name for k in node.keywords)
        values = [compile_node(k.value, site) for k in node.keywords]
        if site.constants:  # see _name
            fetch = site.constants.fetcher(function)
            return lambda ev, b: fetch(ev, bind(b, names, [v(ev, b) for v in values]))
        return lambda ev, b: ev.get(function, bind(b, names, [v(ev, b) for v in values]))
    fail, step = site.fail(node), _step(node, site, _DETAILS.get(node.function))

    def builtin(ev: Evaluator, b: Bindings) -> Any:
        found: list[Any] = []
        for a in args:  # a loop, not a comprehension: no frame of its own for one or two arguments
            found.append(a(ev, b))
        result = implementation(ev, found, fail)
        if too_large(result):
            raise fail(TOO_LARGE)
        if ev.derivations:
            step(ev, found, result)
        return result
    return builtin


def _step(node: ast.Node, site: Site,
          detail: Callable[[list[Any]], str] | None) -> Callable[[Evaluator, list[Any], Any], None]:
    """How a built-in or a total adds its step to the explanation of the term being computed."""
    text, type_ = site.text(node), node.type

    def step(ev: Evaluator, args: list[Any], result: Any) -> None:
        if type_ is not None:
            ev.step(text, result, type_, detail(args) if detail else "")
    return step


def _total(node: ast.Total, site: Site) -> Closure:
    if node.keys is not None:
        return _total_in(node, node.keys, site)
    if node.among is not None:
        return _total_among(node, site)
    assert node.start is not None and node.end is not None  # the grammar gives a period both ends
    start, end, fail = compile_node(node.start, site), compile_node(node.end, site), site.fail(node)
    term, day_name, mode, accumulated = node.term, (node.day,), node.mode, _accumulation(node, site)
    fetch = site.constants.fetcher(term) if site.constants else None  # see _name

    def total(ev: Evaluator, b: Bindings) -> Fraction:
        first: dt.date = start(ev, b)
        last: dt.date = end(ev, b)
        if (last - first).days >= MAX_SPAN_DAYS:
            raise fail(f"{mode} over {first.isoformat()} to {last.isoformat()}: more than "
                       f"{MAX_SPAN_DAYS:,} days, the limit on a period")
        found: list[Fraction] = []
        day = first
        while day <= last:
            bound = bind(b, day_name, [day])
            found.append(fetch(ev, bound) if fetch else ev.peek(term, bound))
            day += dt.timedelta(days=1)
        return accumulated(ev, found, f"over an empty period ({first.isoformat()} to {last.isoformat()})")
    return total


def _accumulation(node: ast.Total, site: Site) -> Callable[[Evaluator, list[Fraction], str], Fraction]:
    """How a total, least or greatest combines the values it found (``empty``: what it ran over,
    said when there were none: ``over an empty period ...``)."""
    mode, fail, step = node.mode, site.fail(node), _step(node, site, None)

    def accumulated(ev: Evaluator, found: list[Fraction], empty: str) -> Fraction:
        if mode == "total":
            result = sum(found, Fraction(0))
        elif not found:
            raise fail(f"{mode} {empty}")
        else:
            result = min(found) if mode == "least" else max(found)
        if too_large(result):
            raise fail(TOO_LARGE)
        if ev.derivations:
            step(ev, [], result)
        return result
    return accumulated


def _total_in(node: ast.Total, keys: ast.Node, site: Site) -> Closure:
    """``total TERM for each KEY in MAP``: TERM with KEY bound to each key of MAP that has a value
    of its own, in key order (as ``sum`` and ``count`` read a map)."""
    of, term, key_name = compile_node(keys, site), node.term, (node.day,)
    accumulated = _accumulation(node, site)

    def total_in(ev: Evaluator, b: Bindings) -> Fraction:
        found_map: PartyValues = of(ev, b)
        found = [ev.peek(term, bind(b, key_name, [key])) for key in sorted(found_map.values)]
        return accumulated(ev, found, "over no keys (the map has no value of its own)")
    return total_in


def _total_among(node: ast.Total, site: Site) -> Closure:
    """``total TERM for each P among holders where COND``: TERM with P bound to each party of the
    run for which COND holds (COND evaluated with P bound too), in the order the run lists them."""
    where = compile_node(node.where, site) if node.where is not None else None
    term, party_name, accumulated = node.term, (node.day,), _accumulation(node, site)
    empty = f"among no {node.among}: none of the run's parties is counted"

    def total(ev: Evaluator, b: Bindings) -> Fraction:
        found: list[Fraction] = []
        for party in ev.env.parties:
            bound = bind(b, party_name, [party])
            if where is None or where(ev, bound):
                found.append(ev.peek(term, bound))
        return accumulated(ev, found, empty)
    return total


# -- built-ins: (evaluator, argument values, how to fail) -> value ------------


def _values(ev: Evaluator, value: Any) -> list[Fraction]:
    """The values of a list, a series (by date) or values by party (the holders', by name)."""
    if isinstance(value, SeriesValue):
        return [value.values[d] for d in sorted(value.values)]
    if isinstance(value, PartyValues):
        others = ev.env.others
        return [value.values[p] for p in sorted(value.values) if p not in others]
    return list(value)


def _window_days(args: list[Any], fail: Fail) -> list[dt.date]:
    series, length, ending = args
    if length.denominator != 1 or length <= 0:
        raise fail(f"a window is a positive whole number of days, not {length}")
    try:
        days: list[dt.date] = series.calendar.window(ending, int(length))
    except CalendarError as exc:
        raise fail(f"{_window_text(length, ending)}: {exc}") from None
    empty = [d.isoformat() for d in days if d not in series.values]
    if empty:
        raise fail(f"{_window_text(length, ending)}: {series.name} is empty on {', '.join(empty)}")
    return days


def _window_text(length: Fraction, ending: dt.date) -> str:
    """What a failed window was, written only when it fails (a run may take thousands that do not)."""
    return f"window of {length} trading days ending {ending.isoformat()}"


def _window(ev: Evaluator, args: list[Any], fail: Fail) -> list[Fraction]:
    values = args[0].values
    return [values[d] for d in _window_days(args, fail)]


def _window_detail(args: list[Any]) -> str:
    days = _window_days(args, _never)
    return f"trading days {days[0].isoformat()} to {days[-1].isoformat()}"


def _never(message: str) -> EvaluationError:
    raise AssertionError(f"an explanation recomputed what already succeeded: {message}")


def _select(ev: Evaluator, args: list[Any], fail: Fail, highest: bool) -> list[Fraction]:
    count, values = args
    values = _values(ev, values)
    if count.denominator != 1 or not 0 < count <= len(values):
        raise fail(f"cannot take the {count} {'highest' if highest else 'lowest'} of {len(values)} values")
    return sorted(values, reverse=highest)[: int(count)]


def _average(ev: Evaluator, args: list[Any], fail: Fail) -> Fraction:
    values = _values(ev, args[0])
    if not values:
        raise fail("the average of no values is undefined")
    return sum(values, Fraction(0)) / len(values)


def _numeric(function: str) -> Callable[[Evaluator, list[Any], Fail], Fraction]:
    """A built-in of ``numerics``: not rational, computed to 40 significant digits."""
    def numeric(ev: Evaluator, args: list[Any], fail: Fail) -> Fraction:
        try:
            if function == "sqrt":
                return numerics.square_root(args[0])
            if function == "volatility":
                return numerics.log_return_volatility(_values(ev, args[0]))
            spot, strike, volatility, rate, term = args
            return numerics.black_scholes_call(spot, strike, volatility, rate, term / 365)
        except ValueError as exc:
            raise fail(str(exc)) from None
        except ArithmeticError:  # decimal's Overflow: an exponent past its range
            raise fail(f"{function}: a value out of range") from None
    return numeric


def _key_of_least(ev: Evaluator, args: list[Any], fail: Fail) -> Any:
    values: PartyValues = args[0]
    if not values.values:
        raise fail("key_of_least: no key has a value of its own")
    return min(sorted(values.values), key=lambda k: values.values[k])


BUILTINS: dict[str, Callable[[Evaluator, list[Any], Fail], Any]] = {
    "lesser_of": lambda ev, args, fail: min(args),
    "greater_of": lambda ev, args, fail: max(args),
    "average": _average,
    "sum": lambda ev, args, fail: sum(_values(ev, args[0]), Fraction(0)),
    "count": lambda ev, args, fail: Fraction(len(_values(ev, args[0]))),
    "lowest": lambda ev, args, fail: _select(ev, args, fail, highest=False),
    "highest": lambda ev, args, fail: _select(ev, args, fail, highest=True),
    "window": _window,
    "days_between": lambda ev, args, fail: Fraction((args[1] - args[0]).days),
    "is_business_day": lambda ev, args, fail: ev.business.is_business_day(args[0]),
    "is_trading_day": lambda ev, args, fail: _trading(ev, fail).is_trading_day(args[0]),
    "abs": lambda ev, args, fail: abs(args[0]),
    "sqrt": _numeric("sqrt"),
    "volatility": _numeric("volatility"),
    "black_scholes": _numeric("black_scholes"),
    "key_of_least": _key_of_least,
}

#: What an explanation step says besides a built-in's value, from its arguments.
_DETAILS: dict[str, Callable[[list[Any]], str]] = {"window": _window_detail}

_COMPILERS: dict[type, Callable[[Any, Site], Closure]] = {
    ast.Literal: _literal,
    ast.Name: _name,
    ast.Negate: _negate,
    ast.Arithmetic: _arithmetic,
    ast.Compare: _compare,
    ast.Logical: _logical,
    ast.Not: _not,
    ast.If: _if,
    ast.Round: _round,
    ast.Index: _index,
    ast.AsOf: _as_of,
    ast.Call: _call,
    ast.Total: _total,
}
