"""Derivations for people (an indented tree) and for programs (JSON), from the evaluator's records."""

from __future__ import annotations

from ..deferred import dataclass, field
from ..display import human, plain
from ..evaluate.trace import Record
from ..link.program import Program

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing: a warm run never does
if TYPE_CHECKING:
    from typing import Any


def _origin(rec: Record) -> str:
    if rec.origin == "interpretation":
        return f"interpretation, reading {rec.choice!r}"
    if rec.origin == "given":
        return "given with --set"
    if rec.origin == "bound":
        return "given by the formula that uses it"
    return rec.origin


@dataclass
class Derivation:
    """One value of a derivation, for people: the term, its value, where it comes from, how it was
    computed (formula, steps, quoted text) and the derivations of the values it used.

    A value shown in full earlier in the same tree is ``repeated``, with nothing under it.
    """

    name: str
    value: str
    sources: list[str]
    origin: str
    file: str  # the file the term is written in
    bindings: list[tuple[str, str]] = field(default_factory=list)
    repeated: bool = False
    formula: str | None = None
    steps: list[str] = field(default_factory=list)
    text: str | None = None
    uses: list[Derivation] = field(default_factory=list)


def derivation(rec: Record, program: Program) -> Derivation:
    """The derivation of ``rec`` as a tree, each term once in full."""
    shown: set[int] = set()

    def visit(r: Record) -> Derivation:
        bound = [(k, human(v, program.terms[k].type)) for k, v in r.bindings if k != r.term.name]
        node = Derivation(r.term.name, human(r.value, r.term.type), list(r.term.sources), _origin(r),
                          r.term.doc.path, bound)
        if id(r) in shown:
            node.repeated = True
            return node
        shown.add(id(r))
        if r.origin in ("formula", "interpretation", "default"):
            formula = r.term.choices[r.choice].formula if r.choice else r.term.formula
            node.formula = " ".join(formula.text.split()) if formula is not None else None
        node.steps = [f"{step.text} = {human(step.value, step.type)}"
                      + (f"  ({step.detail})" if step.detail else "") for step in r.steps]
        if r.term.text and r.origin not in ("given", "bound"):
            node.text = " ".join(r.term.text.split())
        node.uses = [visit(used) for used in _unique(r.uses)]
        return node

    return visit(rec)


def explain(rec: Record, program: Program) -> list[str]:
    """The derivation of ``rec`` as an indented tree, each term once in full."""
    lines: list[str] = []

    def visit(d: Derivation, depth: int) -> None:
        pad = "  " * depth
        bound = "".join(f", {k} = {v}" for k, v in d.bindings)
        head = f"{pad}{d.name} = {d.value}"
        if d.repeated:
            lines.append(f"{head}  (as above{bound and ' with' + bound[1:]})")
            return
        where = f"  [{', '.join(d.sources)}]" if d.sources else ""
        lines.append(f"{head}{where}  ({d.origin}{bound})")
        if d.formula:
            lines.append(f"{pad}  formula: {d.formula}")
        lines.extend(f"{pad}  step: {step}" for step in d.steps)
        if d.text:
            lines.append(f"{pad}  text: “{d.text}”")
        for used in d.uses:
            visit(used, depth + 1)

    visit(derivation(rec, program), 0)
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
