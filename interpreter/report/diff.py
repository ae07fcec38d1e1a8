"""Comparing two contracts, and one scenario run against two contracts (``clause diff``).

Terms are matched by the name they were declared under, so two variants of one
body that rename a term (``units`` → ``class_a_units``) are compared
entry by entry, and the rename is reported as a difference of names.
Formulas are compared as written, so a renamed name inside a formula is no
difference.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..display import plain
from ..evaluate.trace import Record
from ..link.program import (
    DEFINITION,
    GIVEN,
    INPUT,
    INTERPRETATION,
    OWED,
    PARAMETER,
    SERIES,
    STATE,
    Clause,
    Effect,
    Formula,
    Program,
    Term,
)
from ..run.engine import RunResult

#: The sections of a diff, in the order it shows them, and the kind of term each compares.
SECTIONS = {"parameters": PARAMETER, "definitions": DEFINITION, "interpretations": INTERPRETATION,
            "inputs": INPUT, "given": GIVEN, "state": STATE, "market": SERIES, "obligations": OWED}


@dataclass
class Difference:
    """One entry that differs: its name, both sides (None where absent) and its sources."""

    name: str
    a: Any
    b: Any
    source: list[str]

    def as_json(self) -> dict[str, Any]:
        """The difference as a JSON-ready mapping."""
        return {"name": self.name, "a": self.a, "b": self.b, "source": self.source}


def _text(formula: Formula | None) -> str | None:
    return " ".join(formula.text.split()) if formula else None


def _term_content(term: Term) -> Any:
    """What a term says: a parameter's value, a definition's formula, the rest as a mapping."""
    if term.kind in (PARAMETER, DEFINITION):
        return _text(term.formula)
    if term.kind == INTERPRETATION:
        return {"default": term.default_choice,
                "choices": {c.name: _text(c.formula) for c in term.choices.values()}}
    if term.kind == OWED:
        return {"type": str(term.type), "what": term.description}
    return {"type": str(term.type), "initial or default": _text(term.formula)}


def _effect_content(effect: Effect) -> dict[str, Any]:
    return {"kind": effect.kind, "label": effect.label, "target": _text(effect.target),
            "when": _text(effect.when), "for_each": effect.for_each,
            **{k: _text(f) for k, f in effect.formulas.items()},
            **{f"with {k}": _text(f) for k, f in effect.fields.items()}}


def _clause_content(clause: Clause) -> dict[str, Any]:
    on: str | list[str] = clause.on[0] if len(clause.on) == 1 else clause.on
    return {"on": on, "when": _text(clause.when), "compute": clause.compute,
            "effects": [_effect_content(e) for e in clause.effects]}


def _sources(*terms: Term | Clause | None) -> list[str]:
    found: list[str] = []
    for item in terms:
        for source in item.sources if item else []:
            if source not in found:
                found.append(source)
    return found


def diff_programs(a: Program, b: Program) -> dict[str, list[Difference]]:
    """What differs between two contracts, by section."""
    out: dict[str, list[Difference]] = {key: [] for key in [*SECTIONS, "clauses", "names"]}
    a_terms = {t.origin: t for t in a.terms.values()}
    b_terms = {t.origin: t for t in b.terms.values()}
    for origin in dict.fromkeys([*a_terms, *b_terms]):
        ta, tb = a_terms.get(origin), b_terms.get(origin)
        kind = (ta or tb).kind  # type: ignore[union-attr]
        section = next(key for key, k in SECTIONS.items() if k == kind)
        ca = _term_content(ta) if ta else None
        cb = _term_content(tb) if tb else None
        if ca != cb:
            out[section].append(Difference(origin, ca, cb, _sources(ta, tb)))
        if ta and tb and ta.name != tb.name:
            out["names"].append(Difference(origin, ta.name, tb.name, _sources(ta, tb)))
    a_clauses = {c.name: c for c in a.clauses}
    b_clauses = {c.name: c for c in b.clauses}
    for name in dict.fromkeys([*a_clauses, *b_clauses]):
        ca_, cb_ = a_clauses.get(name), b_clauses.get(name)
        content_a = _clause_content(ca_) if ca_ else None
        content_b = _clause_content(cb_) if cb_ else None
        if content_a != content_b:
            out["clauses"].append(Difference(name, content_a, content_b, _sources(ca_, cb_)))
    return out


@dataclass
class ResultDifference:
    """A value computed differently in two runs, and the term differences behind it."""

    event: str
    name: str
    a: Any
    b: Any
    causes: list[str]


def _uses(record: Record) -> set[str]:
    seen: set[int] = set()
    names: set[str] = set()
    stack = [record]
    while stack:
        rec = stack.pop()
        if id(rec) in seen:
            continue
        seen.add(id(rec))
        names.add(rec.term.origin)
        stack.extend(rec.uses)
    return names


def diff_runs(a: RunResult, b: RunResult, terms: dict[str, list[Difference]]) -> list[ResultDifference]:
    """Values computed at the same event that differ, with the differing terms they depend on."""
    changed = {d.name for key in ("parameters", "definitions", "interpretations", "inputs", "state")
               for d in terms[key]}
    out = []
    for ra, rb in zip(a.results, b.results, strict=False):
        label = f"{ra.occurrence.date.isoformat()} {ra.occurrence.name}"
        values_b = {c.record.term.origin: c.record for c in rb.values}
        for computed in ra.values:
            other = values_b.get(computed.record.term.origin)
            if other is None:
                continue
            va = plain(computed.record.value, computed.record.term.type)
            vb = plain(other.value, other.term.type)
            if va != vb:
                causes = sorted((_uses(computed.record) | _uses(other)) & changed)
                out.append(ResultDifference(label, computed.record.term.origin, va, vb, causes))
    return out
