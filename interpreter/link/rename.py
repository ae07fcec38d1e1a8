"""Renaming a contract body's terms, events and obligations for one variant.

A body says ``units``; a variant says ``rename: {units: class_b_units}``.
Every declaration, formula, event reference and effect follows, so the
variant reads (and shares state) under its own names.
"""

from __future__ import annotations

from ..diagnostics import Diagnostic
from ..syntax import ast
from .program import Program


def _rename_node(node: ast.Node, names: dict[str, str]) -> None:
    if isinstance(node, ast.Name):
        node.name = names.get(node.name, node.name)
    elif isinstance(node, ast.Call):
        node.function = names.get(node.function, node.function)
        for keyword in node.keywords:
            keyword.name = names.get(keyword.name, keyword.name)
    elif isinstance(node, ast.Total):
        node.term = names.get(node.term, node.term)
        node.day = names.get(node.day, node.day)


def rename(program: Program, names: dict[str, str], problems: list[Diagnostic]) -> None:
    """Rename terms and events of ``program`` in place; report unknown or clashing names."""
    doc = program.doc
    known = set(program.terms) | set(program.events) | set(program.obligations)
    for old, new in names.items():
        if old not in known:
            problems.append(doc.diagnostic(("rename", old), f"nothing named {old!r} to rename", key=True))
        elif new in known and new not in names:
            problems.append(doc.diagnostic(("rename", old), f"{new!r} is already a name here"))
    if problems:
        return

    def to(name: str) -> str:
        return names.get(name, name)

    for formula in program.formulas():
        for node in ast.walk(formula.node):
            _rename_node(node, names)
    program.terms = {to(name): term for name, term in program.terms.items()}
    for term in program.terms.values():
        term.name = to(term.name)
        term.given = {to(name): type_ for name, type_ in term.given.items()}
    program.events = {to(name): event for name, event in program.events.items()}
    for event in program.events.values():
        event.name = to(event.name)
        event.date_inputs = [to(d) for d in event.date_inputs]
        event.fields = {k: [to(v) for v in inputs] for k, inputs in event.fields.items()}
    program.obligations = {to(name): obligation for name, obligation in program.obligations.items()}
    for obligation in program.obligations.values():
        obligation.name = to(obligation.name)
    for clause in program.clauses:
        clause.on = to(clause.on)
        clause.compute = [to(c) for c in clause.compute]
        for effect in clause.effects:
            if effect.kind in ("schedule", "owe", "settle") and effect.label:
                effect.label = to(effect.label)
            effect.for_each = to(effect.for_each) if effect.for_each else None
    if program.issue_date:
        program.issue_date = to(program.issue_date)
