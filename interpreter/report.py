"""Presenting values and derivations to people and to programs."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Any

from .evaluator import PartyValues, Record, SeriesValue
from .program import Program, Term
from .types import MONEY_T, PRICE, RATIO, SHARES_T, List, PartyMap, Quantity, Series, Type

#: Decimal places shown for a value whose decimal expansion does not end.
REPEATING_PLACES = 20


def decimal_text(value: Fraction, places: int = REPEATING_PLACES) -> tuple[str, bool]:
    """``value`` as a plain decimal, and whether that text is exact.

    Terminating values are written in full; others are rounded half-even to
    ``places`` decimal places (and the flag is False).
    """
    den = value.denominator
    for prime in (2, 5):
        while den % prime == 0:
            den //= prime
    exact = den == 1
    digits = 0
    if exact:
        while (value * 10**digits).denominator != 1:
            digits += 1
    else:
        digits = places
    scaled = round(value * 10**digits)
    sign = "-" if scaled < 0 else ""
    whole, frac = divmod(abs(scaled), 10**digits)
    text = f"{sign}{whole}" + (f".{frac:0{digits}d}" if digits else "")
    return text, exact


def _element(type_: Type) -> Type:
    """The type of the values inside a series, list or values by party."""
    return type_.element if isinstance(type_, (Series, List, PartyMap)) else RATIO


def _common_text(value: Any) -> str | None:
    """Booleans, parties and dates read the same for people and programs."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):  # a party
        return value
    if isinstance(value, dt.date):
        return value.isoformat()
    return None


def plain(value: Any, type_: Type) -> Any:
    """The JSON form: strings for scalars, lists and objects for lists and series."""
    if isinstance(value, SeriesValue):
        return {d.isoformat(): plain(v, _element(type_)) for d, v in sorted(value.values.items())}
    if isinstance(value, PartyValues):
        return {p: plain(v, _element(type_)) for p, v in sorted(value.values.items())}
    if isinstance(value, list):
        return [plain(v, _element(type_)) for v in value]
    text = _common_text(value)
    if text is not None:
        return text
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    return decimal_text(value)[0]


def _grouped(text: str) -> str:
    sign = "-" if text.startswith("-") else ""
    whole, _, frac = text.lstrip("-").partition(".")
    return f"{sign}{int(whole):,}" + (f".{frac}" if frac else "")


def human(value: Any, type_: Type) -> str:
    """A reader's form: ``$6.03 per share``, ``201,234 shares``, ``1999-07-27``."""
    if isinstance(value, PartyValues):
        element = _element(type_)
        parts = [f"{p}: {human(v, element)}" for p, v in sorted(value.values.items())]
        return "; ".join(parts) or f"(each party: {human(value.default, element)})"
    if isinstance(value, SeriesValue):
        days = sorted(value.values)
        if not days:
            return "an empty series"
        return (f"{len(days)} trading days from {days[0].isoformat()} to {days[-1].isoformat()} "
                f"({value.calendar.source})")
    if isinstance(value, list):
        element = _element(type_)
        if element == PRICE:  # say "per share" once for the whole list
            return "[" + ", ".join(human(v, MONEY_T) for v in value) + "] per share"
        return "[" + ", ".join(human(v, element) for v in value) + "]"
    text = _common_text(value)
    if text is not None:
        return text
    if isinstance(value, dt.time):
        hour = value.hour % 12 or 12
        return f"{hour}:{value.minute:02d} {'a.m.' if value.hour < 12 else 'p.m.'}"
    text, exact = decimal_text(value, 10)
    shown = _grouped(text) + ("" if exact else "…")
    if type_ in (MONEY_T, PRICE):
        if exact and "." not in text:
            shown += ".00"
        elif exact and len(text.partition(".")[2]) == 1:
            shown += "0"
        money = ("-$" + shown[1:]) if shown.startswith("-") else "$" + shown
        return money + (" per share" if type_ == PRICE else "")
    if isinstance(type_, Quantity) and type_.dims:  # a ratio or a count has no unit to show
        unit = str(type_)
        if type_ == SHARES_T or unit.endswith("days"):
            unit = unit[:-1] if value == 1 else unit
        return f"{shown} {unit}"
    return shown


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
    out: list[Record] = []
    for r in records:
        if all(r is not o for o in out):
            out.append(r)
    return out


def explain_json(rec: Record, program: Program) -> dict[str, Any]:
    """The derivation of ``rec`` as nested JSON objects."""
    formula = None
    if rec.origin in ("formula", "interpretation", "default"):
        chosen = rec.term.choices[rec.choice].formula if rec.choice else rec.term.formula
        formula = chosen.text if chosen else None
    return {
        "term": rec.term.name,
        "value": plain(rec.value, rec.term.type),
        "type": str(rec.term.type),
        "origin": rec.origin,
        **({"reading": rec.choice} if rec.choice else {}),
        **({"bindings": {k: plain(v, program.terms[k].type) for k, v in rec.bindings}}
           if rec.bindings else {}),
        "source": rec.term.sources,
        **({"formula": " ".join(formula.split())} if formula else {}),
        **({"text": " ".join(rec.term.text.split())} if rec.term.text else {}),
        "steps": [{"expression": s.text, "value": plain(s.value, s.type),
                   **({"detail": s.detail} if s.detail else {})} for s in rec.steps],
        "uses": [explain_json(u, program) for u in _unique(rec.uses)],
    }


def interpretations_markdown(programs: list[Program]) -> str:
    """A Markdown catalogue of every interpretation of ``programs`` (docs/interpretations.md)."""
    out = [
        "# Interpretations",
        "",
        "Where a document can be read more than one way, the contract file names the question,",
        "gives each reading as a formula with its reason, and marks a default. Choose another",
        "reading with `--interpret NAME=CHOICE`. This page is generated by",
        "`clause interpretations contracts/ --format markdown`; a test keeps it current.",
        "",
    ]
    for program in programs:
        for term in program.interpretations(own=True):
            out += [f"## `{term.name}` ({', '.join(term.sources)})", "",
                    f"File: `{program.path}`", "", f"**Question.** {term.question}", "",
                    f"> {' '.join((term.text or '').split())}", "",
                    "| reading | formula | reason |", "| --- | --- | --- |"]
            for choice in term.choices.values():
                default = " (default)" if choice.name == term.default_choice else ""
                formula = " ".join(choice.formula.text.split()).replace("|", "\\|")
                out.append(f"| `{choice.name}`{default} | `{formula}` | {choice.reason} |")
            out.append("")
    return "\n".join(out)
