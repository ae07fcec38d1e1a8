"""Syntax tree of the expression language.

Nodes are plain dataclasses. Each carries ``span``: the start and end offsets of
its text inside the formula string, which the loader maps back to a line and
column of the YAML file. The type checker fills ``type`` in place; the
evaluator reads it (for example to know whether ``d + n`` adds trading days or
calendar days).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..types import Type


@dataclass(eq=False)
class Node:
    """Base of every node: a span in its formula and, once checked, a type."""

    span: tuple[int, int]
    type: Type | None = field(default=None, init=False, repr=False)


@dataclass(eq=False)
class Literal(Node):
    """A literal; ``value`` is already exact (Fraction, date, time or bool)."""

    value: Any
    literal_type: Type
    percent: bool = False  # written as a percentage: always a ratio


@dataclass(eq=False)
class Name(Node):
    """A reference to a parameter, definition, input, interpretation or series."""

    name: str


@dataclass(eq=False)
class Negate(Node):
    operand: Node


@dataclass(eq=False)
class Arithmetic(Node):
    """Operands of one level joined by its operators, ``a + b - c`` or ``a × b / c``.

    ``ops[i]`` (one of + - * /; all of + and - or all of * and /) joins the value so far
    to ``operands[i + 1]``: the chain is read from the left, ``((a + b) - c)``, as one
    flat node, so that a sum of ten thousand terms is one node deep, not ten thousand.
    The checker fills ``partial_types``: the type of the value so far after each operand
    (the last is the node's type), which tells date arithmetic which calendar to count.
    """

    operands: list[Node]
    ops: list[str]
    partial_types: list[Type] = field(default_factory=list, init=False, repr=False)


@dataclass(eq=False)
class Compare(Node):
    """Comparison: ``op`` is one of < <= > >= = !=."""

    op: str
    left: Node
    right: Node


@dataclass(eq=False)
class Logical(Node):
    """``a and b and c`` or ``a or b or c``: one flat node, its operands evaluated left to
    right until one decides the result (short circuit)."""

    op: str
    operands: list[Node]


@dataclass(eq=False)
class Not(Node):
    operand: Node


@dataclass(eq=False)
class If(Node):
    condition: Node
    then: Node
    otherwise: Node


@dataclass(eq=False)
class Round(Node):
    """Rounding written in the formula.

    ``direction`` is up, down or nearest (half away from zero); ``step`` is
    ``whole`` (whole units) or ``cent`` (hundredths of a dollar).
    """

    direction: str
    step: str
    operand: Node


@dataclass(eq=False)
class Index(Node):
    """``series[date]``: the value of a time series on one date."""

    target: Node
    index: Node


@dataclass(eq=False)
class Keyword:
    """A ``name: expr`` argument of a call."""

    name: str
    value: Node
    span: tuple[int, int]


@dataclass(eq=False)
class Call(Node):
    """A call of a built-in function, or of a term with some names rebound.

    ``balance(as_of = due_date)`` evaluates the term ``balance`` as if
    ``as_of`` were ``due_date``.
    """

    function: str
    args: list[Node]
    keywords: list[Keyword]


@dataclass(eq=False)
class Total(Node):
    """``total TERM for each DAY from START through END``: a daily accrual.

    Evaluates ``term`` once for every calendar day from ``start`` to ``end``
    (both included), with the date-valued name ``day`` bound to that day, and
    adds the results (``mode`` total), or takes the least or greatest of them.
    Written ``total TERM for each KEY in MAP``, it binds ``day`` (then the key's name) to each
    key of ``keys`` that has a value of its own, in order, and has no ``start`` or ``end``.

    ``total TERM for each P among holders where COND`` (``among`` is ``holders``,
    ``start`` and ``end`` are None) binds the party-valued name ``day`` to each
    party of the run instead, and keeps those for which ``where``, if given, holds.
    """

    mode: str
    term: str
    day: str
    start: Node | None
    end: Node | None
    keys: Node | None = None
    among: str | None = None
    where: Node | None = None


@dataclass(eq=False)
class AsOf(Node):
    """``X as of D``: ``operand`` evaluated on the state of the run as it stood at the end of
    the day ``date`` (a record date), not on the state of the day evaluated."""

    operand: Node
    date: Node


def children(node: Node) -> list[Node]:
    """The direct sub-expressions of ``node``, in source order."""
    if isinstance(node, (Negate, Not)):
        return [node.operand]
    if isinstance(node, Round):
        return [node.operand]
    if isinstance(node, (Arithmetic, Logical)):
        return list(node.operands)
    if isinstance(node, Compare):
        return [node.left, node.right]
    if isinstance(node, If):
        return [node.condition, node.then, node.otherwise]
    if isinstance(node, Index):
        return [node.target, node.index]
    if isinstance(node, AsOf):
        return [node.operand, node.date]
    if isinstance(node, Call):
        return [*node.args, *(k.value for k in node.keywords)]
    if isinstance(node, Total):
        return [n for n in (node.start, node.end, node.keys, node.where) if n is not None]
    return []


def keyed(node: Node) -> tuple[Node, list[Node]]:
    """What ``node`` indexes and the keys it gives, outermost first: ``x[a][b]`` is ``x``, [a, b]."""
    keys: list[Node] = []
    while isinstance(node, Index):
        keys.insert(0, node.index)
        node = node.target
    return node, keys


def walk(node: Node) -> Iterator[Node]:
    """``node`` and every sub-expression under it, parents first."""
    yield node
    for child in children(node):
        yield from walk(child)


def names_read(node: Node) -> Iterator[str]:
    """The names a formula reads, in walk order: each name, each function or term called, each
    term a daily total adds up (a built-in's name among them: callers keep the terms)."""
    for sub in walk(node):
        if isinstance(sub, Name):
            yield sub.name
        elif isinstance(sub, Call):
            yield sub.function
        elif isinstance(sub, Total):
            yield sub.term


def signed_literal(node: Node) -> Literal | None:
    """The literal ``node`` is, or negates (``-$5``); None for any other expression."""
    target = node.operand if isinstance(node, Negate) else node
    return target if isinstance(target, Literal) else None


def literal_value(node: Node) -> Any:
    """The value of a literal or of a negated one (``-5`` is -5); ``node`` must be one."""
    target = signed_literal(node)
    assert target is not None
    return -target.value if isinstance(node, Negate) else target.value


def rebuilt(node: Node, leaf: Callable[[Node], Node]) -> Node:
    """A new tree like ``node``'s, each node passed through ``leaf`` after its children.

    The tree given is left as it is (types included); the new one is untyped.
    """
    changes: dict[str, Any] = {}
    for f in fields(node):
        value = getattr(node, f.name)
        if not f.init:
            continue
        if isinstance(value, Node):
            changes[f.name] = rebuilt(value, leaf)
        elif isinstance(value, list):
            changes[f.name] = [rebuilt(v, leaf) if isinstance(v, Node)
                               else replace(v, value=rebuilt(v.value, leaf)) if isinstance(v, Keyword)
                               else v for v in value]
    return leaf(replace(node, **changes))
