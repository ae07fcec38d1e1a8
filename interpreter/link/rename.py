"""New programs from old: a body's names as a variant calls them, or qualified for a deal.

A body says ``units``; a variant says ``rename: {units: class_b_units}``. Every
declaration, formula, event reference and effect follows, so the variant reads (and
shares state) under its own names. Nothing here changes the program it is given: each
function builds a new one, with new formula trees.
"""

from __future__ import annotations

from collections.abc import Callable

from ..deferred import replace
from ..diagnostics import Diagnostic
from ..syntax import ast
from .program import Choice, Clause, Effect, Formula, Program, Term

FormulaMap = Callable[[Formula], Formula]


def with_formulas(program: Program, change: FormulaMap) -> Program:
    """``program`` with every formula replaced by ``change(formula)``."""

    def each(formula: Formula | None) -> Formula | None:
        return None if formula is None else change(formula)

    def effect(e: Effect) -> Effect:
        return replace(e, target=each(e.target), when=each(e.when),
                       formulas={k: change(f) for k, f in e.formulas.items()},
                       fields={k: change(f) for k, f in e.fields.items()})

    def readings(t: Term) -> dict[str, Choice]:
        return {c: replace(choice, formula=change(choice.formula)) for c, choice in t.choices.items()}

    terms = {name: replace(t, formula=each(t.formula), choices=readings(t))
             for name, t in program.terms.items()}
    obligations = {name: replace(o, debtor=each(o.debtor), creditor=each(o.creditor))
                   for name, o in program.obligations.items()}
    clauses = [replace(c, when=each(c.when), effects=[effect(e) for e in c.effects]) for c in program.clauses]
    events = {name: replace(e, requires=[replace(r, condition=change(r.condition)) for r in e.requires])
              for name, e in program.events.items()}
    charts = {name: replace(c, lines={k: change(f) for k, f in c.lines.items()},
                            limits={k: change(f) for k, f in c.limits.items()}, when=each(c.when))
              for name, c in program.charts.items()}
    return replace(program, terms=terms, obligations=obligations, clauses=clauses, events=events,
                   charts=charts)


def renamed(program: Program, names: dict[str, str], problems: list[Diagnostic]) -> Program:
    """``program`` with its terms, events and obligations renamed; unknown or clashing names
    are reported (and the program is returned as it was)."""
    doc = program.doc
    known = set(program.terms) | set(program.events) | set(program.obligations)
    for old, new in names.items():
        if old not in known:
            problems.append(doc.diagnostic(("rename", old), f"nothing named {old!r} to rename", key=True))
        elif new in known and new not in names:
            problems.append(doc.diagnostic(("rename", old), f"{new!r} is already a name here"))
    if problems:
        return program

    def to(name: str) -> str:
        return names.get(name, name)

    def leaf(node: ast.Node) -> ast.Node:
        if isinstance(node, ast.Name):
            return replace(node, name=to(node.name))
        if isinstance(node, ast.Call):
            return replace(node, function=to(node.function),
                           keywords=[replace(k, name=to(k.name)) for k in node.keywords])
        if isinstance(node, ast.Total):
            return replace(node, term=to(node.term), day=to(node.day))
        return node

    program = with_formulas(program, lambda f: replace(f, node=ast.rebuilt(f.node, leaf)))

    def clause(c: Clause) -> Clause:
        effects = [replace(e, label=to(e.label) if e.kind in ("schedule", "owe", "settle") and e.label
                           else e.label, for_each=to(e.for_each) if e.for_each else None)
                   for e in c.effects]
        return replace(c, on=[to(e) for e in c.on], compute=[to(n) for n in c.compute], effects=effects)

    return replace(
        program,
        terms={to(n): replace(t, name=to(t.name), given={to(g): ty for g, ty in t.given.items()})
               for n, t in program.terms.items()},
        events={to(n): replace(e, name=to(e.name), date_inputs=[to(d) for d in e.date_inputs],
                               fields={k: [to(v) for v in inputs] for k, inputs in e.fields.items()})
                for n, e in program.events.items()},
        obligations={to(n): replace(o, name=to(o.name)) for n, o in program.obligations.items()},
        clauses=[clause(c) for c in program.clauses],
        charts={n: replace(c, each_day=to(c.each_day) if c.each_day else None,
                           for_each=to(c.for_each) if c.for_each else None,
                           obligations=[to(o) for o in c.obligations]) for n, c in program.charts.items()},
        issue_date=to(program.issue_date) if program.issue_date else None)
