"""Derivations for people (an indented tree) and for programs (JSON), from the evaluator's records."""

from __future__ import annotations

from typing import Any

from ..display import human, plain
from ..evaluate.trace import Record
from ..link.program import Program, Term


def _origin(rec: Record) -> str:
    if rec.origin == "interpretation":
        return f"interpretation, reading {rec.choice!r}"
    if rec.origin == "given":
        return "given with --set"
    if rec.origin == "bound":
        return "given by the formula that uses it"
    return rec.origin


def _sources(term: Term) -> str:
    return ", ".join(term.sources)


def explain(rec: Record, program: Program) -> list[str]:
    """The derivation of ``rec`` as an indented tree, each term once in full."""
    lines: list[str] = []
    shown: set[int] = set()

    def visit(r: Record, depth: int) -> None:
        pad = "  " * depth
        bound = "".join(f", {k} = {human(v, program.terms[k].type)}" for k, v in r.bindings
                        if k != r.term.name)
        head = f"{pad}{r.term.name} = {human(r.value, r.term.type)}"
        where = f"  [{_sources(r.term)}]" if r.term.sources else ""
        if id(r) in shown:
            lines.append(f"{head}  (as above{bound and ' with' + bound[1:]})")
            return
        shown.add(id(r))
        lines.append(f"{head}{where}  ({_origin(r)}{bound})")
        if r.origin in ("formula", "interpretation", "default", "parameter"):
            formula = (r.term.choices[r.choice].formula if r.choice else r.term.formula)
            if formula is not None and r.origin != "parameter":
                lines.append(f"{pad}  formula: {' '.join(formula.text.split())}")
        for step in r.steps:
            detail = f"  ({step.detail})" if step.detail else ""
            lines.append(f"{pad}  step: {step.text} = {human(step.value, step.type)}{detail}")
        if r.term.text and r.origin not in ("given", "bound"):
            lines.append(f"{pad}  text: “{' '.join(r.term.text.split())}”")
        for used in _unique(r.uses):
            visit(used, depth + 1)

    visit(rec, 0)
    return lines


def _unique(records: list[Record]) -> list[Record]:
    """Each record once, in the order first used (a sum of one term ten thousand times uses it once)."""
    return list({id(r): r for r in records}.values())


def explain_json(rec: Record, program: Program) -> dict[str, Any]:
    """The derivation of ``rec`` as nested JSON objects, each term once in full: a record met
    again is its term, value and ``"as_above": true`` (else terms that share what they use
    would repeat it, exponentially in the depth)."""
    shown: set[int] = set()

    def visit(r: Record) -> dict[str, Any]:
        head: dict[str, Any] = {"term": r.term.name, "value": plain(r.value, r.term.type)}
        if id(r) in shown:
            return {**head, "as_above": True}
        shown.add(id(r))
        formula = None
        if r.origin in ("formula", "interpretation", "default"):
            chosen = r.term.choices[r.choice].formula if r.choice else r.term.formula
            formula = chosen.text if chosen else None
        return {
            **head,
            "type": str(r.term.type),
            "origin": r.origin,
            **({"reading": r.choice} if r.choice else {}),
            **({"bindings": {k: plain(v, program.terms[k].type) for k, v in r.bindings}}
               if r.bindings else {}),
            "source": r.term.sources,
            **({"formula": " ".join(formula.split())} if formula else {}),
            **({"text": " ".join(r.term.text.split())} if r.term.text else {}),
            "steps": [{"expression": s.text, "value": plain(s.value, s.type),
                       **({"detail": s.detail} if s.detail else {})} for s in r.steps],
            "uses": [visit(u) for u in _unique(r.uses)],
        }

    return visit(rec)
