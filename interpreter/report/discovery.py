"""What a contract offers, for people and programs that use it: ``clause terms`` and ``clause events``.

Each term with its type, its provision and what a user must give to evaluate it (the inputs
and market series it needs, directly or through the terms it uses); each event with its
fields, its provision and the clauses that run on it, in the order they run.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from ..evaluate.inputs import unknown_name
from ..link.program import BUILT_IN_EVENTS, GIVEN, INPUT, SERIES, Clause, Program, Term
from ..syntax import ast


def needs(program: Program, term: Term) -> list[Term]:
    """The inputs, given names and market series that evaluating ``term`` may read, in file order.

    A name a call rebinds (``balance(as_of = due_date)``) or an accrual binds (``for each day``)
    is given there, so what its own formula reads is not needed on that path. An interpretation
    reads what its default choice reads (what ``clause eval`` uses unless told otherwise). Both
    branches of a condition count: which one is taken depends on the values.
    """

    @cache
    def of_term(name: str, bound: frozenset[str]) -> frozenset[str]:
        found: set[str] = set()
        read = program.terms[name]
        chosen = [read.choices[read.default_choice].formula] if read.default_choice else read.formulas()
        for formula in chosen:
            found |= of_node(formula.node, bound)
        return frozenset(found)

    def of_name(name: str, bound: frozenset[str]) -> set[str]:
        if name in bound or name not in program.terms:
            return set()
        return {name} | of_term(name, bound)

    def of_node(node: ast.Node, bound: frozenset[str]) -> set[str]:
        found: set[str] = set()
        if isinstance(node, ast.Name):
            found |= of_name(node.name, bound)
        elif isinstance(node, ast.Call) and node.function in program.terms:
            for keyword in node.keywords:
                found |= of_node(keyword.value, bound)
            for arg in node.args:
                found |= of_node(arg, bound)
            found |= of_name(node.function, bound | {k.name for k in node.keywords})
            return found
        elif isinstance(node, ast.Total):
            found |= of_name(node.term, bound | {node.day})
        for child in ast.children(node):  # a total's condition is read with the name it binds bound
            found |= of_node(child, bound | {node.day} if isinstance(node, ast.Total) and child is node.where
                             else bound)
        return found

    used = of_term(term.name, frozenset())
    return [t for t in program.terms.values() if t.name in used and t.kind in (INPUT, GIVEN, SERIES)]


def _provisions(sources: list[str]) -> dict[str, Any]:
    return {"provision": sources[0] if sources else None, "cites": sources[1:]}


def terms_json(program: Program, names: list[str] | None = None) -> list[dict[str, Any]]:
    """Each term (or those named) as a JSON-ready mapping, in file order."""
    out = []
    for term in _chosen(program, names):
        needed = needs(program, term)
        out.append({
            "name": term.name, "kind": term.kind, "type": str(term.type), **_provisions(term.sources),
            "inputs": [{"name": t.name, "type": str(t.type), "optional": t.formula is not None}
                       for t in needed if t.kind == INPUT],
            "given": [{"name": t.name, "type": str(t.type)} for t in needed if t.kind == GIVEN],
            "market": [{"name": t.name, "type": str(t.type), "column": t.column or t.name}
                       for t in needed if t.kind == SERIES],
            "description": term.description,
        })
    return out


def _chosen(program: Program, names: list[str] | None) -> list[Term]:
    if not names:
        return list(program.terms.values())
    for name in names:
        if name not in program.terms:
            raise unknown_name(name, program, "term")
    return [program.terms[name] for name in names]


def terms_text(program: Program, names: list[str] | None = None) -> list[str]:
    """Each term as a line (``name: type  (kind, provision)``), what it needs on lines below: the
    inputs without a default, those with one, the names a caller gives it, the columns of market
    data it reads."""
    lines = []
    for entry in terms_json(program, names):
        lines.append(f"{entry['name']}: {entry['type']}  ({entry['kind']}{_cited(entry)})")
        required = [i["name"] for i in entry["inputs"] if not i["optional"]]
        optional = [i["name"] for i in entry["inputs"] if i["optional"]]
        columns = [m["column"] for m in entry["market"]]
        given = [g["name"] for g in entry["given"]]
        for label, names in (("inputs", required), ("optional inputs", optional), ("given", given),
                             ("market data columns", list(dict.fromkeys(columns)))):
            if names:
                lines.append(f"  {label}: {', '.join(names)}")
    return lines


def _cited(entry: dict[str, Any]) -> str:
    if entry["provision"] is None:
        return ""
    cites = f"; cites {', '.join(entry['cites'])}" if entry["cites"] else ""
    return f", {entry['provision']}{cites}"


def events_json(program: Program) -> list[dict[str, Any]]:
    """Each event, declared or built in (when a clause runs on it), as a JSON-ready mapping."""
    out = []
    for name, event in program.events.items():
        fields = []
        for field_name, inputs in event.fields.items():
            term = program.terms[inputs[0]]
            fields.append({"name": field_name, "type": str(term.type), "optional": term.formula is not None})
        out.append({
            "name": name, **_provisions(event.sources), "description": event.description, "fields": fields,
            "requires": [r.message for r in event.requires],
            "clauses": _clauses(program, name),
        })
    for name in BUILT_IN_EVENTS:
        if name not in program.events and _clauses(program, name):
            out.append({"name": name, "provision": None, "cites": [], "description": _BUILT_IN[name],
                        "fields": [], "requires": [], "clauses": _clauses(program, name)})
    return out


_BUILT_IN = {"start": "the start of every run (built in)", "as_of": "the end of every run, on its "
             "as_of date (built in)"}


def _clauses(program: Program, event: str) -> list[dict[str, Any]]:
    ran: list[Clause] = [c for c in program.clauses if event in c.on]
    return [{"name": c.name, **_provisions(c.sources)} for c in ran]


def events_text(program: Program) -> list[str]:
    """Each event as a line (``name  [provision]  description``), its fields and clauses below."""
    lines = []
    for entry in events_json(program):
        cited = [entry["provision"], *entry["cites"]] if entry["provision"] else []
        where = f"  [{', '.join(cited)}]" if cited else ""
        about = f"  {entry['description']}" if entry["description"] else ""
        lines.append(f"{entry['name']}{where}{about}")
        if entry["fields"]:
            shown = [f"{f['name']} ({f['type']}{', optional' if f['optional'] else ''})"
                     for f in entry["fields"]]
            lines.append(f"  fields: {', '.join(shown)}")
        for requirement in entry["requires"]:
            lines.append(f"  requires: {requirement}")
        ran = [f"{c['name']} [{c['provision']}]" if c["provision"] else c["name"] for c in entry["clauses"]]
        lines.append(f"  clauses: {', '.join(ran) or 'none'}")
    return lines
