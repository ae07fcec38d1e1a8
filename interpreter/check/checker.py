"""The type checker: names, units, conditions, declared types and cycles.

``check`` annotates every formula node with its type and returns diagnostics
pointing inside the formula text. A program with no errors is safe to
evaluate: every remaining failure is about input data (a missing input, a
date the market data lacks), never about the contract file.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ..diagnostics import Diagnostic, Note, close_match
from ..limits import MAX_TERM_CHAIN
from ..link.literal_fit import literal_problem
from ..link.program import (
    BUILT_IN_EVENTS,
    INPUT,
    LINE_CHART,
    OWED,
    SERIES,
    STATE,
    TIMELINE_CHART,
    Chart,
    Clause,
    Effect,
    Formula,
    Program,
    Term,
)
from ..syntax import ast
from ..syntax.parser import RESERVED
from ..syntax.yamldoc import YamlDoc
from ..types import (
    BOOLEAN,
    COUNT,
    DATE,
    DAYS_T,
    DURATIONS,
    MONEY_T,
    PARTY,
    PRICE,
    RATIO,
    TEXT,
    TIME,
    Enum,
    PartyMap,
    Quantity,
    Series,
    Type,
    fits,
    held_keys,
    held_value,
    join,
)
from .builtins import BUILTINS
from .dependencies import Graph, components, longest_chains, reachable, shortest_path
from .given import check_given, check_given_in_charts


class _Fail(Exception):
    def __init__(self, node_span: tuple[int, int], message: str) -> None:
        super().__init__(message)
        self.span = node_span
        self.message = message


@dataclass
class _Context:
    program: Program
    term: Term | None  # None for the formulas of clauses
    formula: Formula
    refs: list[tuple[str, tuple[int, int]]] = field(default_factory=list)
    rebinds: list[tuple[str, ast.Keyword]] = field(default_factory=list)
    #: Each ``X as of D`` and the names X reads (it must reach the state, else it means X).
    pasts: list[tuple[ast.AsOf, list[str]]] = field(default_factory=list)


def check(program: Program) -> list[Diagnostic]:
    """Type-check every formula of ``program`` in place; the problems found, in file order."""
    problems: list[Diagnostic] = []
    contexts: list[_Context] = []
    for term in program.terms.values():
        if term.name in BUILTINS or term.name in RESERVED:
            what = "a built-in function" if term.name in BUILTINS else "a word of the language"
            problems.append(term.doc.diagnostic(term.where, f"{term.name!r} is {what}; choose "
                                                   "another name", key=True))
        if term.kind == SERIES and not isinstance(getattr(term.type, "element", None), Quantity):
            problems.append(term.doc.diagnostic((*term.where, "type"), "market data columns "
                                                   "hold numbers: a series is of a quantity type"))
        for formula in term.formulas():
            ctx = _Context(program, term, formula)
            contexts.append(ctx)
            try:
                found = _type(formula.node, ctx)
                _expect(term, formula, found)
            except _Fail as fail:
                problems.append(formula.diagnostic(fail.span[0], fail.message))
    problems.extend(_events(program))
    clause_contexts: list[_Context] = []
    problems.extend(_obligations(program, clause_contexts))
    problems.extend(_requirements(program, clause_contexts))
    for clause in program.clauses:
        problems.extend(_clause(program, clause, clause_contexts))
    chart_contexts: list[_Context] = []
    problems.extend(_charts(program, program.charts.values(), chart_contexts))
    problems.extend(check_given(program, [c.formula for c in clause_contexts]))
    clause_contexts += chart_contexts
    deps = _dependencies(contexts)
    component = components(deps)
    problems.extend(_cycles(contexts, deps, component))
    problems.extend(_long_chains(contexts, deps, component))
    problems.extend(_rebinds(contexts + clause_contexts, deps))
    problems.extend(_past_state(contexts + clause_contexts, deps))
    return sorted(problems, key=lambda d: (d.line, d.column))




def _expect(term: Term, formula: Formula, found: Type) -> None:
    declared = held_value(term.type) if term.kind == STATE else term.type
    if _conform(formula.node, found, declared, formula.text):
        return
    role = {"input": "default of input", "parameter": "value of parameter",
            "state": "initial value of"}.get(term.kind, "")
    what = f"{role} {term.name}".strip()
    raise _Fail(formula.node.span, f"{what} is declared {declared} but its formula gives {found}")


def _type(node: ast.Node, ctx: _Context) -> Type:
    node.type = _infer(node, ctx)
    return node.type


def _infer(node: ast.Node, ctx: _Context) -> Type:
    if isinstance(node, ast.Literal):
        return node.literal_type
    if isinstance(node, ast.Name):
        return _name(node, ctx)
    if isinstance(node, ast.Negate):
        t = _type(node.operand, ctx)
        if not isinstance(t, Quantity):
            raise _Fail(node.span, f"cannot negate a {t}")
        return RATIO if t == COUNT else t  # a count is never negative
    if isinstance(node, ast.Arithmetic):
        return _arithmetic(node, ctx)
    if isinstance(node, ast.Compare):
        return _compare(node, _type(node.left, ctx), _type(node.right, ctx), ctx)
    if isinstance(node, (ast.Logical, ast.Not)):
        for operand in ast.children(node):
            t = _type(operand, ctx)
            if t != BOOLEAN:
                word = node.op if isinstance(node, ast.Logical) else "not"
                raise _Fail(operand.span, f"'{word}' needs a condition (boolean), not {t}")
        return BOOLEAN
    if isinstance(node, ast.If):
        cond = _type(node.condition, ctx)
        if cond != BOOLEAN:
            raise _Fail(node.condition.span, f"the condition of 'if' must be boolean, not {cond}")
        then, otherwise = _type(node.then, ctx), _type(node.otherwise, ctx)
        both = _meet(node.then, then, node.otherwise, otherwise, ctx)
        if both is None:
            raise _Fail(node.otherwise.span,
                        f"'then' gives {then} but 'else' gives {otherwise}; both must agree")
        return both
    if isinstance(node, ast.Round):
        t = _type(node.operand, ctx)
        if not isinstance(t, Quantity):
            raise _Fail(node.span, f"cannot round a {t}")
        if node.step == "cent" and t not in (MONEY_T, PRICE):
            raise _Fail(node.span, f"'to cent' rounds money or prices, not {t}")
        return t
    if isinstance(node, ast.Index):
        target, index = _type(node.target, ctx), _type(node.index, ctx)
        if isinstance(target, PartyMap):
            if not fits(index, target.key):
                raise _Fail(node.index.span, f"values by {target.key} are indexed by a {target.key}, "
                                             f"not {index}")
            return target.element
        if not isinstance(target, Series):
            raise _Fail(node.target.span, f"only a series can be indexed by a date, not {target}")
        if index != DATE:
            raise _Fail(node.index.span, f"a series is indexed by a date, not {index}")
        return target.element
    if isinstance(node, ast.AsOf):
        return _as_of(node, ctx)
    if isinstance(node, ast.Call):
        return _call(node, ctx)
    if isinstance(node, ast.Total):
        return _total(node, ctx)
    raise _Fail(node.span, f"unsupported expression {type(node).__name__}")  # pragma: no cover


def _name(node: ast.Name, ctx: _Context) -> Type:
    term = ctx.program.terms.get(node.name)
    if term is None:
        if node.name in BUILTINS:
            raise _Fail(node.span, f"{node.name} is a function: call it as {node.name}(...)")
        raise _Fail(node.span, f"unknown name {node.name!r}{_suggest(node.name, ctx)}")
    ctx.refs.append((node.name, node.span))
    return term.type


def _suggest(name: str, ctx: _Context) -> str:
    return close_match(name, [*ctx.program.terms, *BUILTINS])


def _arithmetic(node: ast.Arithmetic, ctx: _Context) -> Type:
    """The type of a chain, step by step from the left; ``partial_types`` keeps each step's."""
    so_far = _type(node.operands[0], ctx)
    node.partial_types = [so_far]
    for op, operand in zip(node.ops, node.operands[1:], strict=True):
        so_far = _binary(node, op, so_far, _type(operand, ctx))
        node.partial_types.append(so_far)
    return so_far


def _binary(node: ast.Arithmetic, op: str, left: Type, right: Type) -> Type:
    """The type of ``left op right``, a step of the chain ``node`` (where a mismatch is reported)."""
    if isinstance(left, Quantity) and isinstance(right, Quantity):
        if op in "+-":
            both = join(left, right)
            if both is None:
                raise _Fail(node.span, f"cannot {'add' if op == '+' else 'subtract'} "
                                       f"{right} {'to' if op == '+' else 'from'} {left}")
            return RATIO if both == COUNT and op == "-" else both  # a difference may be negative
        return left * right if op == "*" else left / right
    if left == DATE and op == "-" and right == DATE:
        return DAYS_T
    if left == DATE and op in "+-" and right in DURATIONS:
        return DATE
    if right == DATE and op == "+" and left in DURATIONS:
        return DATE
    verb = {"+": "add", "-": "subtract", "*": "multiply", "/": "divide"}[op]
    raise _Fail(node.span, f"cannot {verb} {left} and {right}")


def _conform(node: ast.Node, found: Type, expected: Type, text: str) -> bool:
    """Whether the value ``node`` computes (of type ``found``) may stand where ``expected`` is.

    Beyond ``fits``, a text literal stands for a member of an enum and a number for a count
    if it is one, else the complaint is raised at the literal; an ``if`` conforms when each
    branch does (``if c then level else "high"``). ``text`` is the formula's text.
    """
    if fits(found, expected):
        return True
    if isinstance(node, ast.If):
        return all(_conform(branch, branch.type or found, expected, text)
                   for branch in (node.then, node.otherwise))
    problem = literal_problem(node, expected, text)
    if problem:
        raise _Fail(node.span, problem)
    return isinstance(expected, Enum) and isinstance(node, ast.Literal) and node.literal_type == TEXT


def _meet(a_node: ast.Node, a: Type, b_node: ast.Node, b: Type, ctx: _Context) -> Type | None:
    """The type two values meet at (the branches of an ``if``, the sides of a comparison).

    A text literal meets an enum as the enum, once it is found to be one of its members.
    """
    for one, other_node, other in ((a, b_node, b), (b, a_node, a)):
        if isinstance(one, Enum) and other == TEXT and _conform(other_node, other, one, ctx.formula.text):
            return one
    return join(a, b)


def _compare(node: ast.Compare, left: Type, right: Type, ctx: _Context) -> Type:
    both = _meet(node.left, left, node.right, right, ctx)
    if both is None:
        raise _Fail(node.span, f"cannot compare {left} with {right}")
    if isinstance(both, Quantity) or both in (DATE, TIME):
        return BOOLEAN
    if (both in (BOOLEAN, TEXT, PARTY) or isinstance(both, Enum)) and node.op in ("=", "!="):
        return BOOLEAN
    raise _Fail(node.span, f"cannot order values of type {both}")


def _call(node: ast.Call, ctx: _Context) -> Type:
    builtin = BUILTINS.get(node.function)
    if builtin is None:
        return _rebinding_call(node, ctx)
    args = list(node.args)
    by_name = {k.name: k for k in node.keywords}
    if not builtin.variadic:
        for param in builtin.params[len(args):]:
            if param not in by_name:
                count = len(builtin.params)
                raise _Fail(node.span, f"{node.function} needs {count} argument{'s' if count > 1 else ''} "
                                       f"({', '.join(builtin.params)}); {param!r} is missing")
            args.append(by_name.pop(param).value)
        if len(args) > len(builtin.params):
            raise _Fail(args[len(builtin.params)].span,
                        f"{node.function} takes {len(builtin.params)} arguments")
    if by_name:
        keyword = next(iter(by_name.values()))
        raise _Fail(keyword.span, f"{node.function} has no argument {keyword.name!r}")
    # Keep arguments in parameter order for the evaluator.
    node.args, node.keywords = args, []
    result = builtin.rule([_type(a, ctx) for a in args])
    if isinstance(result, str):
        raise _Fail(node.span, f"{node.function}: {result}")
    return result


def _rebinding_call(node: ast.Call, ctx: _Context) -> Type:
    term = ctx.program.terms.get(node.function)
    if term is None:
        raise _Fail(node.span, f"unknown function or term {node.function!r}"
                               f"{_suggest(node.function, ctx)}")
    if node.args:
        raise _Fail(node.args[0].span, f"{node.function} is a term: give the values it should "
                                       f"use by name, as in {node.function}(name = value)")
    if not node.keywords:
        raise _Fail(node.span, f"{node.function}() rebinds nothing; write {node.function}")
    ctx.refs.append((node.function, node.span))
    for keyword in node.keywords:
        bound = ctx.program.terms.get(keyword.name)
        if bound is None:
            raise _Fail(keyword.span, f"unknown name {keyword.name!r}{_suggest(keyword.name, ctx)}")
        given = _type(keyword.value, ctx)
        if not _conform(keyword.value, given, bound.type, ctx.formula.text):
            raise _Fail(keyword.value.span, f"{keyword.name} is {bound.type}, not {given}")
        ctx.rebinds.append((node.function, keyword))
    return term.type


def _total(node: ast.Total, ctx: _Context) -> Type:
    term = ctx.program.terms.get(node.term)
    if term is None:
        raise _Fail(node.span, f"unknown name {node.term!r}{_suggest(node.term, ctx)}")
    if not isinstance(term.type, Quantity):
        raise _Fail(node.span, f"{node.mode} needs quantities; {node.term} is {term.type}")
    varied = ctx.program.terms.get(node.day)
    if node.keys is not None:  # over the keys of a map
        return _total_in(node, node.keys, term, ctx)
    if node.among is not None:  # over the parties of the run
        if varied is None or varied.type != PARTY:
            raise _Fail(node.span, f"{node.mode} among {node.among} needs a party-valued name to vary, "
                                   f"not {node.day!r}")
        if node.where is not None and (found := _type(node.where, ctx)) != BOOLEAN:
            raise _Fail(node.where.span, f"'where' needs a condition (boolean), not {found}")
        ctx.refs.append((node.term, node.span))
        ctx.rebinds.append((node.term, ast.Keyword(node.day, node.where or node, node.span)))
        return term.type
    if varied is None or varied.type != DATE:
        raise _Fail(node.span, f"{node.mode} needs a date-valued name to vary, not {node.day!r}")
    assert node.start is not None and node.end is not None  # the grammar gives a period both ends
    for end in (node.start, node.end):
        found = _type(end, ctx)
        if found != DATE:
            raise _Fail(end.span, f"a period runs between dates, not {found}")
    ctx.refs.append((node.term, node.span))
    ctx.rebinds.append((node.term, ast.Keyword(node.day, node.start, node.span)))
    return term.type


def _as_of(node: ast.AsOf, ctx: _Context) -> Type:
    day = _type(node.date, ctx)
    if day != DATE:
        raise _Fail(node.date.span, f"'as of' needs a date, not {day}")
    first = len(ctx.refs)
    found = _type(node.operand, ctx)
    ctx.pasts.append((node, [name for name, _ in ctx.refs[first:]]))
    return found


def _past_state(contexts: list[_Context], deps: Graph) -> list[Diagnostic]:
    """``X as of D`` where X reads no state (nor what is owed): it would mean X itself."""
    problems = []
    for ctx in contexts:
        for node, names in ctx.pasts:
            reached = set(names).union(*(reachable(name, deps) for name in names))
            if not any(ctx.program.terms[name].kind in (STATE, OWED) for name in reached
                       if name in ctx.program.terms):
                text = " ".join(ctx.formula.text[node.operand.span[0]:node.operand.span[1]].split())
                problems.append(ctx.formula.diagnostic(node.span[0], f"{text} reads no state, so "
                                                       "'as of' has no effect"))
    return problems


def _total_in(node: ast.Total, keys: ast.Node, term: Term, ctx: _Context) -> Type:
    """``total TERM for each KEY in MAP``: MAP is values by a key, KEY a term of that key's type."""
    found = _type(keys, ctx)
    if not isinstance(found, PartyMap):
        raise _Fail(keys.span, f"{node.mode} ... in needs values by party, text or date, not {found}")
    key = ctx.program.terms.get(node.day)
    if key is None or not (fits(found.key, key.type) or fits(key.type, found.key)):
        raise _Fail(node.span, f"{node.mode} ... in {found} needs a {found.key}-valued name to vary, "
                               f"not {node.day!r}")
    ctx.refs.append((node.term, node.span))
    ctx.rebinds.append((node.term, ast.Keyword(node.day, keys, node.span)))
    return term.type


def _dependencies(contexts: list[_Context]) -> Graph:
    deps: Graph = {}
    for ctx in contexts:
        if ctx.term is not None:
            deps.setdefault(ctx.term.name, set()).update(name for name, _ in ctx.refs)
    return deps


def _cycles(contexts: list[_Context], deps: Graph, component: dict[str, int]) -> list[Diagnostic]:
    """A circular definition at each use that leads back to its user, once per set of terms;
    a use on a cycle already reported is not reported again."""
    problems = []
    reported: set[frozenset[str]] = set()
    covered: set[tuple[str, str]] = set()  # the uses of the cycles reported
    first_use: dict[tuple[str, str], tuple[_Context, int]] = {}  # (term, name it reads) → where
    for ctx in contexts:
        user = ctx.term.name if ctx.term else ""
        for name, span in ctx.refs if user else ():
            first_use.setdefault((user, name), (ctx, span[0]))

    def note(user: str, name: str) -> Note:
        ctx, offset = first_use[(user, name)]
        place = ctx.formula.diagnostic(offset, "")
        return Note(place.path, place.line, place.column, f"{user} uses {name} here")

    for ctx in contexts:
        if ctx.term is None:
            continue
        user = ctx.term.name
        for name, span in ctx.refs:
            if (user, name) in covered or (user != name and component[user] != component[name]):
                continue
            path = shortest_path(name, user, deps)
            covered.update(itertools.pairwise([user, *path]))
            key = frozenset(path)
            if key in reported:
                continue
            reported.add(key)
            chain = " → ".join([user, *path])
            steps = tuple(note(*pair) for pair in itertools.pairwise(path) if pair in first_use)
            found = ctx.formula.diagnostic(span[0], f"circular definition: {chain}")
            problems.append(dataclasses.replace(found, notes=steps))
    return problems


def _long_chains(contexts: list[_Context], deps: Graph, component: dict[str, int]) -> list[Diagnostic]:
    """A problem at each term that uses a chain of one term more than ``MAX_TERM_CHAIN``,
    at its use of the next term of the chain (the terms that use it are past the limit too)."""
    length, onward = longest_chains(deps, component)
    problems = []
    for ctx in contexts:
        if ctx.term is None or length.get(ctx.term.name) != MAX_TERM_CHAIN + 1:
            continue
        user = ctx.term.name
        span = next((span for name, span in ctx.refs if name == onward[user]), None)
        if span is None:  # the chain goes on from another formula of the term (a reading)
            continue
        chain = [user]
        while chain[-1] in onward:
            chain.append(onward[chain[-1]])
        shown = " → ".join([*chain[:3], "…", chain[-1]])
        problems.append(ctx.formula.diagnostic(span[0], f"{user} uses a chain of {len(chain)} terms, "
                                               f"each using the next ({shown}); the limit is "
                                               f"{MAX_TERM_CHAIN}: write some of them as one formula"))
    return problems


def _rebinds(contexts: list[_Context], deps: Graph) -> list[Diagnostic]:
    problems = []
    reach: dict[str, set[str]] = {}
    for ctx in contexts:
        for function, keyword in ctx.rebinds:
            if function not in reach:
                reach[function] = reachable(function, deps)
            if keyword.name not in reach[function]:
                problems.append(ctx.formula.diagnostic(keyword.span[0],
                                    f"{function} does not depend on {keyword.name}, so giving "
                                    "it here has no effect"))
    return problems


def _events(program: Program) -> list[Diagnostic]:
    problems = []
    for event in program.events.values():
        doc = event.doc
        for name in event.date_inputs:
            term = program.terms.get(name)
            if term is None or term.kind != INPUT or term.type != DATE:
                problems.append(doc.diagnostic((*event.where, "date"), f"{name!r} is not a date input"))
        for i, (field_name, inputs) in enumerate(event.fields.items()):
            types = set()
            for name in inputs:
                term = program.terms.get(name)
                if term is None or term.kind != INPUT:
                    where = (*event.where, "fields", field_name if field_name != name else i)
                    problems.append(doc.diagnostic(where, f"event field {field_name!r} fills {name!r}, "
                                                   "which must be declared in inputs"))
                else:
                    types.add(term.type)
            if len(types) > 1:
                problems.append(doc.diagnostic(event.where, f"field {field_name!r} of the shared event "
                                               f"{event.name} fills inputs of different types: "
                                               f"{', '.join(sorted(map(str, types)))}", key=True))
    if program.issue_date is not None:
        term = program.terms.get(program.issue_date)
        if term is None or term.type != DATE:
            problems.append(program.doc.diagnostic(("issue_date",),
                                                   f"{program.issue_date!r} is not a date term"))
    return problems


def _formula_typer(program: Program, contexts: list[_Context], problems: list[Diagnostic]) -> TypeCheck:
    """Types a formula that belongs to no term (a clause's, an event's, an obligation's) against
    what its place expects, reporting a mismatch as ``WHAT must be EXPECTED, not FOUND``."""

    def typed(formula: Formula, expected: Type | str, what: str) -> Type | None:
        ctx = _Context(program, None, formula)
        contexts.append(ctx)
        try:
            found = _type(formula.node, ctx)
            ok = (isinstance(found, Quantity) if isinstance(expected, str)
                  else _conform(formula.node, found, expected, formula.text))
        except _Fail as fail:
            problems.append(formula.diagnostic(fail.span[0], fail.message))
            return None
        if not ok:
            problems.append(formula.diagnostic(formula.node.span[0],
                                f"{what} must be {expected}, not {found}"))
        return found

    return typed


def check_formula(program: Program, formula: Formula, expected: Type | str, what: str) -> list[Diagnostic]:
    """Type-check a formula written outside ``program`` (a scenario's rule) against its names, as
    ``what`` that must be ``expected`` (a type, or "quantity" for any); the problems, at their
    places in the formula's own file."""
    problems: list[Diagnostic] = []
    contexts: list[_Context] = []
    _formula_typer(program, contexts, problems)(formula, expected, what)
    if not problems:
        problems.extend(check_given(program, [formula]))
    return problems


def _requirements(program: Program, contexts: list[_Context]) -> list[Diagnostic]:
    """Each event's requirements are conditions: boolean formulas over its fields and the state."""
    problems: list[Diagnostic] = []
    typed = _formula_typer(program, contexts, problems)
    for event in program.events.values():
        for requirement in event.requires:
            typed(requirement.condition, BOOLEAN, "a requirement")
    return problems


def _obligations(program: Program, contexts: list[_Context]) -> list[Diagnostic]:
    """The declared obligations: names of their own, debtor and creditor parties."""
    problems: list[Diagnostic] = []
    typed = _formula_typer(program, contexts, problems)
    for obligation in program.obligations.values():
        term = program.terms.get(obligation.name)
        if (term is not None and term.kind != OWED) or obligation.name in program.events:
            problems.append(obligation.doc.diagnostic(obligation.where, f"{obligation.name!r} is already "
                                                      "declared as a term or event", key=True))
        for key in ("debtor", "creditor"):
            formula = getattr(obligation, key)
            if formula is not None:
                typed(formula, PARTY, f"the {key}")
    return problems


def _clause(program: Program, clause: Clause, contexts: list[_Context]) -> list[Diagnostic]:
    """Check one clause: its event, condition, computed terms and effects."""
    doc = clause.doc
    problems: list[Diagnostic] = []
    for i, event in enumerate(clause.on):
        if event not in program.events and event not in BUILT_IN_EVENTS:
            known = ", ".join(dict.fromkeys([*program.events, *BUILT_IN_EVENTS]))
            where = (*clause.where, "on") if len(clause.on) == 1 else (*clause.where, "on", i)
            problems.append(doc.diagnostic(where, f"unknown event {event!r} (events: {known})"))
    for i, name in enumerate(clause.compute):
        if name not in program.terms:
            problems.append(doc.diagnostic((*clause.where, "compute", i), f"unknown term {name!r}"))

    typed = _formula_typer(program, contexts, problems)
    if clause.when is not None:
        typed(clause.when, BOOLEAN, "a clause's condition")
    for effect in clause.effects:
        _effect(program, clause.doc, effect, typed, problems)
    return problems


#: Types a clause formula and reports a mismatch: (formula, expected type or "quantity", what).
TypeCheck = Callable[[Formula, "Type | str", str], "Type | None"]


def _effect(program: Program, doc: YamlDoc, effect: Effect, check_type: TypeCheck,
            problems: list[Diagnostic]) -> None:
    if effect.when is not None:
        check_type(effect.when, BOOLEAN, "an effect's condition")
    if effect.for_each is not None:
        term = program.terms.get(effect.for_each)
        if term is None or term.kind != INPUT or term.type != PARTY:
            problems.append(doc.diagnostic((*effect.where, "for_each"),
                                           f"for_each names a party input, not {effect.for_each!r}"))
    if effect.target is not None:
        element = _target(program, effect, problems)
        if element is None:
            return
        if effect.kind in ("raise", "clear") and element != BOOLEAN:
            problems.append(effect.target.diagnostic(0, f"{effect.kind} needs a boolean flag, "
                                                          f"not {element}"))
        elif effect.kind == "set":
            check_type(effect.formulas["to"], element, "the new value")
        elif effect.kind in ("increase", "decrease"):
            check_type(effect.formulas["by"], element, f"the amount to {effect.kind} by")
    elif effect.kind in ("owe", "settle"):
        _obligation_effect(program, doc, effect, check_type, problems)
    elif effect.kind == "schedule":
        check_type(effect.formulas["on"], DATE, "the date of a scheduled event")
        event = program.events.get(effect.label or "")
        if event is None:
            problems.append(doc.diagnostic((*effect.where, "schedule"),
                                           f"unknown event {effect.label!r}"))
            return
        for name, formula in effect.fields.items():
            term = program.terms.get(event.fields.get(name, [""])[0])
            if term is None:
                problems.append(doc.diagnostic((*effect.where, "with", name), f"{event.name} has "
                                               f"no field {name!r} (fields: {', '.join(event.fields)})",
                                               key=True))
            else:
                check_type(formula, term.type, f"field {name}")
        for name, inputs in event.fields.items():
            term = program.terms.get(inputs[0])
            if term is not None and term.formula is None and name not in effect.fields:
                problems.append(doc.diagnostic((*effect.where, "schedule"),
                                               f"scheduling {event.name} needs its field {name!r}"))


def _obligation_effect(program: Program, doc: YamlDoc, effect: Effect, check_type: TypeCheck,
                       problems: list[Diagnostic]) -> None:
    """An ``owe`` or ``settle`` names a declared obligation and gives what it lacks, in its unit."""
    declared = program.obligations.get(effect.label or "")
    if declared is None:
        hint = close_match(effect.label or "", program.obligations)
        problems.append(doc.diagnostic((*effect.where, effect.kind), f"unknown obligation {effect.label!r} "
                                       f"(declare it under a provision's obligations){hint}"))
        return
    for key, expected in (("debtor", PARTY), ("creditor", PARTY), ("due", DATE)):
        if key in effect.formulas:
            check_type(effect.formulas[key], expected, f"the {key}")
        elif (key == "creditor" or effect.kind == "owe") and key != "due" and getattr(declared, key) is None:
            problems.append(doc.diagnostic((*effect.where, effect.kind), f"{effect.kind} {declared.name} "
                                           f"needs a {key}: its declaration gives none"))
    if "amount" in effect.formulas:
        if declared.unit is None:
            problems.append(doc.diagnostic((*effect.where, "amount"), f"{declared.name} is an act owed, "
                                           "not an amount: declare its unit to give one", key=True))
        else:
            check_type(effect.formulas["amount"], declared.unit, f"the amount of {declared.name}")
    elif effect.kind == "owe" and declared.unit is not None:
        problems.append(doc.diagnostic((*effect.where, effect.kind), f"owe {declared.name} needs an "
                                       f"amount (in {declared.unit})"))


def check_charts(program: Program, charts: list[Chart]) -> list[Diagnostic]:
    """Charts a scenario adds to a checked ``program``, checked as its own are; the program is not
    changed (only the charts' formulas are typed)."""
    contexts: list[_Context] = []
    problems = _charts(program, charts, contexts) + check_given_in_charts(program, charts)
    reads: Graph = {}
    for term in program.terms.values():  # what each term reads, for the charts' calls
        reads[term.name] = {name for formula in term.formulas() for name in ast.names_read(formula.node)}
    problems.extend(_rebinds(contexts, reads))
    return sorted(problems, key=lambda d: (d.line, d.column))


def _charts(program: Program, charts: Iterable[Chart], contexts: list[_Context]) -> list[Diagnostic]:
    """Each chart: lines and limits of one quantity type, a condition, the names it binds, what it shows."""
    problems: list[Diagnostic] = []
    typed = _formula_typer(program, contexts, problems)
    for chart in charts:
        doc, where = chart.doc, chart.where
        if chart.kind == TIMELINE_CHART and (chart.lines or chart.limits or chart.each_day):
            problems.append(doc.diagnostic(where, f"chart {chart.name} is a timeline of obligations: it "
                                           "takes no lines, limits or each_day", key=True))
        if chart.kind == LINE_CHART and not chart.lines:
            problems.append(doc.diagnostic(where, f"chart {chart.name} needs lines: label: formula",
                                           key=True))
        first: tuple[str, Quantity] | None = None
        for section in ("lines", "limits"):
            for label, formula in getattr(chart, section).items():
                found = typed(formula, "quantity", f"a {section[:-1]} of a chart")
                if not isinstance(found, Quantity):
                    continue
                if first is None:
                    first = (label, found)
                elif found.dims != first[1].dims:  # a count and a ratio share an axis
                    problems.append(formula.diagnostic(0, f"{label!r} is {found}, but {first[0]!r} of the "
                                                          f"same chart is {first[1]}: a chart has one unit"))
        if chart.when is not None:
            typed(chart.when, BOOLEAN, "a chart's condition")
        for key, wanted, what in (("each_day", DATE, "a date term"), ("for_each", PARTY, "a party input")):
            name = getattr(chart, key)
            term = program.terms.get(name) if name else None
            if name and (term is None or term.type != wanted or (key == "for_each" and term.kind != INPUT)):
                hint = close_match(name, program.terms) if term is None else ""
                problems.append(doc.diagnostic((*where, key), f"{key} names {what}, not {name!r}{hint}"))
        for i, name in enumerate(chart.obligations):
            if name not in program.obligations:
                problems.append(doc.diagnostic((*where, "obligations", i), f"unknown obligation {name!r}"
                                               f"{close_match(name, program.obligations)}"))
    return problems


def _target(program: Program, effect: Effect, problems: list[Diagnostic]) -> Type | None:
    """The type of value a set/increase/decrease/raise/clear/remove target holds; a map's value
    is named by its keys, outermost first (``name[party]``, ``name[party][text]``)."""
    formula = effect.target
    assert formula is not None
    node, keys = ast.keyed(formula.node)
    term = program.terms.get(node.name) if isinstance(node, ast.Name) else None
    if term is None or term.kind != STATE:
        problems.append(formula.diagnostic(0, "the target of an effect is a state variable, "
                                                 "or one party's value: name[party]"))
        return None
    if not keys:
        if effect.kind == "remove":
            problems.append(formula.diagnostic(0, "remove takes one key's value of a map: name[key]"))
            return None
        return term.type
    held = term.type
    ctx = _Context(program, None, formula)
    for key in keys:
        if not isinstance(held, PartyMap):
            problems.append(formula.diagnostic(0, f"{term.name} is not kept by party, text or date")
                            if held == term.type else
                            formula.diagnostic(key.span[0], f"{term.name}{''.join('[…]' for _ in keys[:-1])}"
                                                            f" is {held}: it has no key to give here"))
            return None
        try:
            found = _type(key, ctx)
        except _Fail as fail:
            problems.append(formula.diagnostic(fail.span[0], fail.message))
            return None
        if not fits(found, held.key):
            problems.append(formula.diagnostic(key.span[0], f"a {held.key} is needed here, not {found}"))
            return None
        held = held.element
    if isinstance(held, PartyMap) and effect.kind != "remove":
        by = " and by ".join(map(str, held_keys(term.type)))
        problems.append(formula.diagnostic(0, f"{term.name} is kept by {by}: give a key for each"))
        return None
    return held
