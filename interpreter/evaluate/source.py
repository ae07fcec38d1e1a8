"""Inline closures written as Python source: one function for a formula, not one closure per node.

An evaluator without derivations spends most of its time calling the closures of small nodes
(a literal, a comparison, ``a + b``) and the fetcher of each term it reads, most often to
find the value already memoised. Here the nodes that need no evaluator of their own (literals,
constants, arithmetic, comparisons, logic, conditions, rounding, indexing a map, calls) are
written as one Python expression, in the order the closures evaluate them, with the same
checks at the same places: the value past ``MAX_VALUE_DIGITS`` after each operation, the
division by zero, the day a series lacks. A term read without bindings is looked up in the
evaluator's memo in the expression itself; with bindings, or not memoised yet, through its
fetcher, as a closure reads it. The other nodes (a date moved, a daily total, ``as of``)
are their closures, called from the expression.

The source of a formula depends on its tree and on which names of the program are
constant, never on the values: those, the fetchers and the closures are the function's
globals. So its compiled code is kept by its source, in this process and in the cache
(``known``, ``fresh``): compiling Python costs more than evaluating the formula many times.
"""

from __future__ import annotations

import marshal
import math

from ..limits import TOO_LARGE, VALUE_BOUND
from ..rational import Fraction
from ..syntax import ast
from ..types import DATE
from ..values import PartyValues
from .compiler import (
    BUILTINS,
    UNSET,
    Closure,
    DateStep,
    Fail,
    Site,
    bind,
    compile_node,
    divide_checked,
    round_value,
    series_on,
)

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing: a warm run never does
if TYPE_CHECKING:
    from collections.abc import Callable
    from types import CodeType
    from typing import Any


#: Past this depth a sub-tree stays a closure: Python's parser refuses deeply nested source.
_DEPTH = 40


class _Writer:
    """The expression of one formula being written, and the globals it names."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.globals: dict[str, Any] = {"U": UNSET, "FR": Fraction, "PV": PartyValues, "B": VALUE_BOUND}
        self.temps = 0
        self.memo = False  # whether the expression reads the evaluator's memo

    def bind(self, value: Any) -> str:
        name = f"g{len(self.globals)}"
        self.globals[name] = value
        return name

    def temp(self) -> str:
        self.temps += 1
        return f"t{self.temps}"

    def expression(self, node: ast.Node, depth: int) -> str:
        write = _WRITERS.get(type(node))
        if write is None or depth > _DEPTH:
            return f"{self.bind(compile_node(node, self.site))}(ev, b)"
        return write(node, self, depth + 1)

    def checked(self, value: str, node: ast.Node) -> str:
        """``value``, or the failure of a value with too many digits, at ``node``: ``limits.too_large``
        written out, as a call of it would cost a frame at each operation."""
        t, fail = self.temp(), self.bind(_too_large(self.site.fail(node)))
        return (f"({t} if ({t} := {value}).__class__ is not FR or ({t}.denominator < B and "
                f"-B < {t}.numerator < B) else {fail}())")


def _too_large(fail: Fail) -> Callable[[], Any]:
    def failed() -> Any:
        raise fail(TOO_LARGE)
    return failed


def _literal(node: ast.Literal, w: _Writer, depth: int) -> str:
    return w.bind(node.value)


def _name(node: ast.Name, w: _Writer, depth: int) -> str:
    constants = w.site.constants
    assert constants is not None  # source is written for inline closures only
    value = constants.constant(node.name)
    if value is not UNSET:
        return w.bind(value)
    w.memo = True
    t, fetch = w.temp(), w.bind(constants.fetcher(node.name))
    return f"({fetch}(ev, b) if b or ({t} := M.get({node.name!r}, U)) is U else {t})"


def _negate(node: ast.Negate, w: _Writer, depth: int) -> str:
    return f"(-{w.expression(node.operand, depth)})"


def _arithmetic(node: ast.Arithmetic, w: _Writer, depth: int) -> str:
    value = w.expression(node.operands[0], depth)
    for i, op in enumerate(node.ops):
        left_type, right_type = node.partial_types[i], node.operands[i + 1].type
        right = w.expression(node.operands[i + 1], depth)
        if left_type == DATE or right_type == DATE:  # a date, or a count of days: never too large
            step = w.bind(DateStep(node, op, left_type, right_type, w.site))
            value = f"{step}(ev, {value}, {right})"
        elif op == "/":
            value = w.checked(f"{w.bind(divide_checked(w.site.fail(node)))}({value}, {right})", node)
        else:
            value = w.checked(f"({value} {op} {right})", node)
    return value


_COMPARE = {"<": "<", "<=": "<=", ">": ">", ">=": ">=", "=": "==", "!=": "!="}


def _compare(node: ast.Compare, w: _Writer, depth: int) -> str:
    left, right = w.expression(node.left, depth), w.expression(node.right, depth)
    return f"({left} {_COMPARE[node.op]} {right})"  # numbers, dates and texts compare to a bool


#: The nodes whose expression is a bool already (``and`` and ``or`` of bools give one of them).
_BOOLS = (ast.Compare, ast.Logical, ast.Not)


def _logical(node: ast.Logical, w: _Writer, depth: int) -> str:
    operands = [w.expression(o, depth) if isinstance(o, _BOOLS) else f"bool({w.expression(o, depth)})"
                for o in node.operands]
    return "(" + f" {node.op} ".join(operands) + ")"


def _not(node: ast.Not, w: _Writer, depth: int) -> str:
    return f"(not {w.expression(node.operand, depth)})"


def _if(node: ast.If, w: _Writer, depth: int) -> str:
    condition, then, otherwise = (w.expression(n, depth) for n in (node.condition, node.then, node.otherwise))
    return f"({then} if {condition} else {otherwise})"


def _round(node: ast.Round, w: _Writer, depth: int) -> str:
    operand = w.expression(node.operand, depth)
    if node.step != "cent" and node.direction in ("up", "down"):  # whole units: no scaling to do
        return f"FR({w.bind(math.ceil if node.direction == 'up' else math.floor)}({operand}))"
    return f"{w.bind(round_value)}({operand}, {node.direction!r}, {node.step!r})"


def _index(node: ast.Index, w: _Writer, depth: int) -> str:
    target, index = w.expression(node.target, depth), w.expression(node.index, depth)
    t, i = w.temp(), w.temp()
    series, fail = w.bind(series_on), w.bind(w.site.fail(node))
    # The target, then the index, as the closure evaluates them; each written once.
    return (f"({t}.values.get({i}, {t}.default) if isinstance((({t} := {target}), ({i} := {index}))[0], PV) "
            f"else {series}({t}, {i}, {fail}))")


def _call(node: ast.Call, w: _Writer, depth: int) -> str:
    args = ", ".join(w.expression(a, depth) for a in node.args)
    implementation = BUILTINS.get(node.function)
    if implementation is None:  # a term, with some of its names rebound
        constants = w.site.constants
        assert constants is not None
        names = tuple(k.name for k in node.keywords)
        values = ", ".join(w.expression(k.value, depth) for k in node.keywords)
        fetch, bound = w.bind(constants.fetcher(node.function)), w.bind(bind)
        return f"{fetch}(ev, {bound}(b, {w.bind(names)}, [{values}]))"
    return w.checked(f"{w.bind(implementation)}(ev, [{args}], {w.bind(w.site.fail(node))})", node)


_WRITERS: dict[type, Callable[[Any, _Writer, int], str]] = {
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
    ast.Call: _call,
}


def source_closure(node: ast.Node, site: Site) -> Closure:
    """The inline closure of ``node`` as one function (see the module)."""
    if type(node) not in _WRITERS or isinstance(node, (ast.Name, ast.Literal)):  # nothing to join
        return compile_node(node, site)
    w = _Writer(site)
    expression = w.expression(node, 0)
    body = f"    M = ev.memo\n    return {expression}\n" if w.memo else f"    return {expression}\n"
    code = _code("def f(ev, b):\n" + body)
    if code is None:  # too deep for Python's parser after all
        return compile_node(node, site)
    namespace = w.globals
    exec(code, namespace)
    function: Closure = namespace["f"]
    return function


#: The code of each source compiled or read in this process, by its text.
_CODE: dict[str, CodeType] = {}
#: Compiled code, marshalled, read from the cache (``known``), by its text.
_KNOWN: dict[str, bytes] = {}
#: The texts compiled in this process (not read): what ``fresh`` gives the cache.
_FRESH: list[str] = []


def _code(text: str) -> CodeType | None:
    found = _CODE.get(text)
    if found is None:
        kept = _KNOWN.pop(text, None)
        try:
            found = marshal.loads(kept) if kept is not None else None
        except (ValueError, EOFError, TypeError):  # a damaged entry: compile it again
            found = None
        if found is None:
            try:
                found = compile(text, "<formula>", "exec")
            except (SyntaxError, RecursionError, MemoryError):
                return None
            _FRESH.append(text)
        _CODE[text] = found
    return found


def known(table: dict[str, bytes]) -> None:
    """Code compiled by an earlier process (``fresh``), read from the cache."""
    _KNOWN.update(table)


def fresh() -> dict[str, bytes]:
    """The code this process compiled, marshalled, by its source: for the cache."""
    return {text: marshal.dumps(_CODE[text]) for text in _FRESH}
