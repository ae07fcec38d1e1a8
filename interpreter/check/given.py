"""Names bound where a definition is used: no formula reads one that is not bound for it.

A definition declares the names it is given (``given: {default_day: date}``); a call
binds them (``daily_payment(default_day = d)``), and so does a loop (``total
daily_payment for each default_day from a through b``). This pass finds, for every
formula, the given names it reads and nothing binds: a definition may read only those
it declares, and a clause's formula none.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..diagnostics import Diagnostic
from ..link.program import DEFINITION, GIVEN, INTERPRETATION, Chart, Formula, Program
from ..syntax import ast

#: A given name read, and where in the formula it comes in.
Reads = dict[str, tuple[int, int]]


class _Needs:
    """The given names each term reads unbound, computed once per term."""

    def __init__(self, program: Program) -> None:
        self.program = program
        self.memo: dict[str, set[str]] = {}
        self.done: set[str] = set()  # the terms of ``memo`` worked out, not just begun

    def of_term(self, name: str) -> set[str]:
        """The given names term ``name`` reads unbound, the terms it uses worked out first
        (with a stack of this method's own: a chain of terms may be long)."""
        if name in self.memo:  # worked out, or being worked out (a cycle: the checker reports it)
            return self.memo[name]
        work = [name]
        while work:
            current = work[-1]
            if current not in self.memo:
                self.memo[current] = set()
                work.extend(n for n in self._uses(current) if n not in self.memo)
                continue
            work.pop()
            if current in self.done:
                continue
            self.done.add(current)
            term = self.program.terms.get(current)
            if term is not None and term.kind == GIVEN:
                self.memo[current] = {current}
            elif term is not None and term.kind in (DEFINITION, INTERPRETATION):
                for formula in term.formulas():  # its own given names too: its user binds them
                    self.memo[current] |= set(self.of_node(formula.node))
        return self.memo[name]

    def _uses(self, name: str) -> list[str]:
        """The terms whose given names term ``name`` may read."""
        term = self.program.terms.get(name)
        if term is None or term.kind not in (DEFINITION, INTERPRETATION):
            return []
        return [used for formula in term.formulas() for used in ast.names_read(formula.node)]

    def of_node(self, node: ast.Node) -> Reads:
        """The given names ``node`` reads unbound, each with the span that brings it in."""
        reads: Reads = {}
        if isinstance(node, ast.Name):
            reads.update(dict.fromkeys(self.of_term(node.name), node.span))
        elif isinstance(node, ast.Call) and node.function in self.program.terms:
            bound = {k.name for k in node.keywords}
            reads.update(dict.fromkeys(self.of_term(node.function) - bound, node.span))
        elif isinstance(node, ast.Total):
            reads.update(dict.fromkeys(self.of_term(node.term) - {node.day}, node.span))
        for child in ast.children(node):
            for name, span in self.of_node(child).items():
                if not (isinstance(node, ast.Total) and child is node.where and name == node.day):
                    reads.setdefault(name, span)  # a total's condition reads the name it binds
        return reads


def check_given(program: Program, clause_formulas: Iterable[Formula]) -> list[Diagnostic]:
    """A problem for each formula that reads a given name its definition does not declare (a chart's
    may read the name its ``each_day`` binds)."""
    needs = _Needs(program)
    problems: list[Diagnostic] = []
    for term in program.terms.values():
        if term.kind not in (DEFINITION, INTERPRETATION):
            continue
        for formula in term.formulas():
            for name, span in needs.of_node(formula.node).items():
                if name not in term.given:
                    message = _unbound(program, name, f"{term.name} reads", declarable=True)
                    problems.append(formula.diagnostic(span[0], message))
    for formula in clause_formulas:
        for name, span in needs.of_node(formula.node).items():
            problems.append(formula.diagnostic(span[0], _unbound(program, name, "this formula reads")))
    problems.extend(_charts_given(program, program.charts.values(), needs))
    for clause in program.clauses:
        for i, computed in enumerate(clause.compute):
            for name in sorted(needs.of_term(computed)):
                problems.append(clause.doc.diagnostic((*clause.where, "compute", i), _unbound(
                    program, name, f"{computed} reads")))
    return problems


def check_given_in_charts(program: Program, charts: Iterable[Chart]) -> list[Diagnostic]:
    """``check_given`` for charts a scenario adds to ``program``."""
    return _charts_given(program, charts, _Needs(program))


def _charts_given(program: Program, charts: Iterable[Chart], needs: _Needs) -> list[Diagnostic]:
    problems = []
    for chart in charts:  # a chart binds its each_day to each day it plots
        for formula in chart.formulas():
            for name, span in needs.of_node(formula.node).items():
                if name != chart.each_day:
                    message = _unbound(program, name, "this formula reads")
                    problems.append(formula.diagnostic(span[0], message))
    return problems


def _unbound(program: Program, name: str, who: str, *, declarable: bool = False) -> str:
    how = (f"declare it (given: {{{name}: {program.terms[name].type}}}) or bind it ({name} = ...)"
           if declarable else f"bind it by a call ({name} = ...) or a loop")
    return f"{who} {name}, which only a call or a loop binds, and nothing binds it here: {how}"
