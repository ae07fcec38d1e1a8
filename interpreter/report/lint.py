"""What a careful reader would flag across documents (``clause lint``).

Every finding is computed from what the loaded files record; this module knows no document:

- two terms that are deadlines of one obligation (``deadline_of``) give different dates;
- two terms that answer one question (``answers``) answer it differently;
- a cross-reference (``references``) names a provision that does not exist or is not the one
  meant, or a range of items covers more items than the provision has;
- a formula uses a name no loaded file declares, or a parameter is used by nothing.

Findings are warnings at ``path:line:col``; when a finding involves a second place, its message
names it as ``path:line:col``. A body loaded with its variants is seen through them (they give its
parameters values), and each finding is reported once however many variants share the entries.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ..check.builtins import BUILTINS
from ..check.checker import check
from ..diagnostics import Diagnostic, Note, close_match
from ..display import human
from ..evaluate.evaluator import Environment, EvaluationError, Evaluator
from ..evaluate.trace import Record
from ..link.program import (
    GIVEN,
    INPUT,
    INTERPRETATION,
    OWED,
    PARAMETER,
    SERIES,
    STATE,
    Formula,
    Program,
    Reference,
    Term,
)
from ..syntax import ast
from ..syntax.yamldoc import Path_, YamlDoc

#: A place in a file: path, 1-based line and column.
Place = tuple[str, int, int]
#: A declaration, wherever it is inherited: its file and its YAML path.
Declaration = tuple[str, Path_]


def lint(programs: list[Program], listed: dict[str, Place] | None = None) -> list[Diagnostic]:
    """The checker's errors and the lint's warnings for ``programs``, each once, in file order.

    ``listed`` adds provision ids (an inventory's rows, say) to those the files cite or list
    under ``provisions``, with the place each is written.
    """
    found: set[Diagnostic] = set()
    clean: set[str] = set()  # programs without errors: their terms may be evaluated
    declared: dict[str, str] = {}
    for program in programs:
        for term in program.terms.values():
            declared.setdefault(term.name, term.doc.path)
    for program in programs:
        problems = check(program)
        unknown = _unknown_names(program, declared)
        # An unknown name is the lint's finding; the checker's error at the same place says the same.
        replaced = {(d.path, d.line, d.column) for d in unknown}
        found.update(d for d in problems if (d.path, d.line, d.column) not in replaced)
        found.update(unknown)
        if not problems:
            clean.add(program.path)
    found.update(_disagreements(programs, clean, "deadline_of", "are deadlines of"))
    found.update(_disagreements(programs, clean, "answers", "answer"))
    found.update(_cross_references(programs, listed or {}))
    found.update(_unused_parameters(programs))
    return sorted(found, key=lambda d: (d.path, d.line, d.column, d.message))


def _warning(place: Place, message: str, *others: tuple[Place, str]) -> Diagnostic:
    """A warning at ``place``; ``others`` are the other places it names, each with a note."""
    return Diagnostic(*place, message, "warning", tuple(Note(*at, note) for at, note in others))


def _at(place: Place) -> str:
    return f"{place[0]}:{place[1]}:{place[2]}"


def _place(doc: YamlDoc, where: Path_, *, key: bool = False) -> Place:
    return (doc.path, *doc.position(where, key=key))


def _in_formula(formula: Formula, offset: int) -> Place:
    return (formula.doc.path, *formula.doc.text_position(formula.where, offset))


# -- names ------------------------------------------------------------------

def _names(node: ast.Node) -> Iterator[tuple[str, int]]:
    """Every term name a formula refers to, with the offset it is written at."""
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and sub.name not in BUILTINS:
            yield sub.name, sub.span[0]
        elif isinstance(sub, ast.Call):
            if sub.function not in BUILTINS:
                yield sub.function, sub.span[0]
            yield from ((k.name, k.span[0]) for k in sub.keywords)
        elif isinstance(sub, ast.Total):
            yield sub.term, sub.span[0]
            yield sub.day, sub.span[0]


def _unknown_names(program: Program, declared: dict[str, str]) -> list[Diagnostic]:
    """A warning at every name a formula uses that ``program`` does not declare."""
    found = []
    for formula in program.formulas():
        for name, offset in _names(formula.node):
            if name in program.terms:
                continue
            elsewhere = declared.get(name)
            why = (f"not declared here, but {elsewhere} declares it" if elsewhere
                   else f"no loaded file declares it{close_match(name, program.terms)}")
            found.append(_warning(_in_formula(formula, offset), f"unknown name {name!r}: {why}"))
    return found


def _uses(program: Program) -> dict[str, Place]:
    """Where each name is first used: formulas, computed terms, event dates and fields, issue date."""
    uses: dict[str, Place] = {}
    for formula in program.formulas():
        for name, offset in _names(formula.node):
            uses.setdefault(name, _in_formula(formula, offset))
    for clause in program.clauses:
        for i, name in enumerate(clause.compute):
            uses.setdefault(name, _place(clause.doc, (*clause.where, "compute", i)))
        for effect in clause.effects:
            if effect.for_each:
                uses.setdefault(effect.for_each, _place(clause.doc, (*effect.where, "for_each")))
    for event in program.events.values():
        for name in event.date_inputs:
            uses.setdefault(name, _place(event.doc, (*event.where, "date")))
        for inputs in event.fields.values():
            for name in inputs:
                uses.setdefault(name, _place(event.doc, (*event.where, "fields")))
    for issue_date in (program.issue_date, *(d.issue_date for d in program.documents.values())):
        if issue_date:
            uses.setdefault(issue_date, _place(program.doc, ("issue_date",)))
    return uses


def _unused_parameters(programs: list[Program]) -> list[Diagnostic]:
    """Parameters nothing uses in any loaded program that has them (a variant's use counts)."""
    parameters: dict[Declaration, Term] = {}
    used: dict[Declaration, Place] = {}
    for program in programs:
        uses = _uses(program)
        for term in program.terms.values():
            if term.kind != PARAMETER:
                continue
            declaration = (term.doc.path, term.where)
            parameters.setdefault(declaration, term)
            if term.name in uses:
                used.setdefault(declaration, uses[term.name])
    found = []
    for declaration, term in parameters.items():
        place = _place(term.doc, term.where, key=True)
        if declaration in used and term.unused:
            found.append(_warning(place, f"parameter {term.origin} is marked unused, but "
                                         f"{_at(used[declaration])} uses it",
                                  (used[declaration], f"{term.origin} is used here")))
        elif declaration not in used and not term.unused:
            found.append(_warning(place, f"parameter {term.origin} is used by no formula, clause or "
                                         "event; if it only records a fact, say why with unused:"))
    return found


# -- two terms that should agree ---------------------------------------------

@dataclass
class _Reading:
    """What one term says, as evaluated in one program: a constant when nothing else decides it."""

    key: str
    term: Term
    program: Program
    record: Record | None  # None: the value depends on inputs, data, state or a reading

    @property
    def place(self) -> Place:
        return _place(self.term.doc, self.term.where, key=True)

    def text(self) -> str:
        return " ".join(self.term.formula.text.split()) if self.term.formula else "(no value)"

    def shown(self, as_value: bool) -> str:
        if not as_value or self.record is None:
            return repr(self.text())
        where = f" (in {self.program.path})" if self.program.path != self.term.doc.path else ""
        return human(self.record.value, self.term.type) + where


def _constant(program: Program, term: Term) -> Record | None:
    """The term's record when the files alone fix its value: no input, market data, state or reading."""
    try:
        record = Evaluator(program, Environment()).record(term.name)
    except EvaluationError:
        return None
    stack, seen = [record], []
    while stack:
        current = stack.pop()
        seen.append(current)
        stack.extend(current.uses)
    leaves = (INPUT, GIVEN, SERIES, STATE, OWED, INTERPRETATION)
    return None if any(r.term.kind in leaves for r in seen) else record


def _disagreements(programs: list[Program], clean: set[str], attribute: str, verb: str) -> list[Diagnostic]:
    """Pairs of terms with the same ``attribute`` key whose values (or formulas) differ."""
    chosen: dict[Declaration, _Reading] = {}
    for program in programs:
        for term in program.terms.values():
            key = getattr(term, attribute)
            if key is None:
                continue
            record = _constant(program, term) if program.path in clean else None
            declaration = (term.doc.path, term.where)
            current = chosen.get(declaration)
            # A body's term is read where a variant gives it values, if one does.
            if current is None or (current.record is None and record is not None):
                chosen[declaration] = _Reading(key, term, program, record)
    readings = sorted(chosen.values(), key=lambda r: r.place)
    found = []
    for i, a in enumerate(readings):
        for b in readings[i + 1:]:
            if a.key != b.key:
                continue
            as_values = a.record is not None and b.record is not None
            if a.record is not None and b.record is not None:
                differ = (a.record.value, a.term.type) != (b.record.value, b.term.type)
            else:
                differ = a.text() != b.text()
            if differ:
                found.append(_warning(a.place, (
                    f"{_named(a.term)} and {_named(b.term)} ({_at(b.place)}) {verb} {a.key} but "
                    f"differ: {a.shown(as_values)} vs {b.shown(as_values)}"),
                    (b.place, f"{_named(b.term)}: {b.shown(as_values)}")))
    return found


def _named(term: Term) -> str:
    return f"{term.origin} [{', '.join(term.sources)}]"


# -- cross-references -----------------------------------------------------------

_NUMBER = r"[0-9]+(?:\.[0-9]+)*|[IVXLCDM]+(?:\.[A-Z]+)*"
_ITEM = r"\((?:[a-z]+|[0-9]+)\)"
_SECTION = re.compile(rf"\b(?i:section|article|paragraph)s?\s+(?P<number>{_NUMBER})(?P<items>(?:{_ITEM})*)")
_RANGE = re.compile(rf"(?P<first>{_ITEM})\s*(?:-|–|—|through|to)\s*(?P<last>{_ITEM})")
_ITEMS = re.compile(rf"(?:{_ITEM})+")
_PARENT = re.compile(r"(?P<parent>.+?)(?:\([a-z0-9]+\)|\.[A-Za-z0-9]+)")
_ONES = ["", "i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix"]
_ROMAN = {"x" * (n // 10) + _ONES[n % 10]: n for n in range(1, 40)}


def _parent(provision: str) -> str | None:
    """``W 8(f)`` → ``W 8``, ``COD XIV.D`` → ``COD XIV``, ``SPA 4.2`` → ``SPA 4``; None at the top."""
    match = _PARENT.fullmatch(provision)
    return match["parent"] if match else None


def _labels(first: str, last: str) -> list[str] | None:
    """The item labels from ``first`` to ``last``: numbers, roman numerals (i, v, x) or letters."""
    if first.isdigit() and last.isdigit():
        return [str(n) for n in range(int(first), int(last) + 1)] or None
    if first in _ROMAN and last in _ROMAN:  # (i) to (x) are numerals, not letters
        numerals = list(_ROMAN)
        return numerals[_ROMAN[first] - 1:_ROMAN[last]] or None
    if len(first) == len(last) == 1:
        return [chr(c) for c in range(ord(first), ord(last) + 1)] or None
    return None


def _targets(reference: Reference) -> tuple[str, list[str]] | None:
    """The provision the words name and the ids they cover, read in the numbering of the one meant.

    A range of items (``clauses (i) - (v)``) covers each item; items without a section number
    belong to the provision the words are in.
    """
    span = _RANGE.search(reference.says)
    rest = reference.says if span is None else reference.says[:span.start()] + reference.says[span.end():]
    section = _SECTION.search(rest)
    items = _ITEMS.search(rest)
    if section:
        base = f"{reference.means.split()[0]} {section['number']}{section['items']}"
    elif items or span:
        base = reference.within + (items.group() if items else "")
    else:
        return None
    if span is None:
        return base, [base]
    labels = _labels(span["first"][1:-1], span["last"][1:-1])
    return (base, [f"{base}({label})" for label in labels]) if labels else None


class _Numbering:
    """The provision ids known, each with the place it is first written, and their parents."""

    def __init__(self, places: dict[str, Place]) -> None:
        self.places = dict(places)
        for provision, place in places.items():
            parent = _parent(provision)
            while parent is not None:
                self.places.setdefault(parent, place)  # a section is where its first part is
                parent = _parent(parent)

    def children(self, provision: str) -> list[str]:
        return [p for p in self.places if _parent(p) == provision]

    def problem(self, reference: Reference) -> tuple[str, list[tuple[Place, str]]] | None:
        """Why the reference does not name the provision meant, with the places it names; or None."""
        quoted = f"{reference.says!r} in {reference.within}"
        targets = _targets(reference)
        if targets is None:
            return f"{quoted}: cannot tell which provision the words name", []
        if reference.means not in self.places:
            return f"{quoted} is meant as {reference.means}, which is not a known provision", []
        base, covered = targets
        meant = f"{reference.means} ({_at(self.places[reference.means])})"
        notes = [(self.places[reference.means], f"{reference.means}, the provision meant")]
        missing = [p for p in covered if p not in self.places]
        if missing and len(covered) > 1:
            have = [p.removeprefix(base) for p in self.children(base)]
            where = f" ({_at(self.places[base])})" if base in self.places else ""
            return (f"{quoted} covers {len(covered)} items, {covered[0].removeprefix(base)} to "
                    f"{covered[-1].removeprefix(base)}, but {base}{where} has {len(have)}: "
                    f"{', '.join(have) or 'none'}; no {', '.join(missing)}", notes)
        if missing:
            return f"{quoted} names {base}, which does not exist; the provision meant is {meant}", notes
        if base != reference.means:
            return (f"{quoted} names {base} ({_at(self.places[base])}), not {meant}, the provision meant",
                    [(self.places[base], f"{base}, the provision named"), *notes])
        return None


def _parts(program: Program) -> Iterator[Program]:
    """The program, the bodies it extends and, for a deal, its documents and theirs."""
    yield program
    for document in program.documents.values():
        yield from _parts(document)
    if program.parent is not None:
        yield from _parts(program.parent)


def _cross_references(programs: list[Program], listed: dict[str, Place]) -> list[Diagnostic]:
    """Each recorded reference resolved against the numbering of the files (and ``listed``)."""
    files: dict[str, Program] = {}  # each file once, bodies included, for its own entries
    for program in programs:
        for part in _parts(program):
            files.setdefault(part.path, part)
    # Where each id is first cited, else listed under provisions, else in the inventory.
    # A deal cites its documents' provisions: their place is in the documents, when they cite them.
    deals = {program.doc.path for program in programs if program.documents}
    cited = sorted((doc.path in deals, _place(doc, site.where, key=site.key), provision)
                   for program in programs for provision, doc, site in program.citations())
    places: dict[str, Place] = {}
    for _, place, provision in cited:
        places.setdefault(provision, place)
    for program in files.values():
        for provision, site in program.provisions:
            places.setdefault(provision, _place(program.doc, site.where, key=site.key))
    for provision, place in listed.items():
        places.setdefault(provision, place)
    numbering = _Numbering(places)
    found = []
    for program in files.values():
        for reference in program.references:
            problem = numbering.problem(reference)
            if problem:
                message, others = problem
                found.append(_warning(_place(reference.doc, (*reference.where, "says")), message, *others))
    return found
