"""The in-memory form of a contract file: its terms, their formulas and where they came from."""

from __future__ import annotations

from ..deferred import dataclass, field
from ..diagnostics import Diagnostic
from ..display import human
from ..rational import Fraction
from ..syntax import ast
from ..syntax.entries import Site
from ..syntax.yamldoc import Path_, YamlDoc
from ..types import Type

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing: a warm run never does
if TYPE_CHECKING:
    from typing import Any

PARAMETER = "parameter"
INPUT = "input"
DEFINITION = "definition"
INTERPRETATION = "interpretation"
SERIES = "series"
STATE = "state"
#: A name a definition declares it is given (``given: {day: date}``): bound by a call or a loop.
GIVEN = "given"
#: An obligation with a unit, read in formulas: what is outstanding of it, by creditor.
OWED = "owed"

#: The sections of a contract file that declare terms, and the kind of term each declares.
SECTIONS = {
    "state": STATE,
    "market": SERIES,
    "parameters": PARAMETER,
    "inputs": INPUT,
    "definitions": DEFINITION,
    "interpretations": INTERPRETATION,
}
#: The section of a contract file that declares each kind of term.
SECTION_OF = {kind: section for section, kind in SECTIONS.items()}

#: The event every run ends with, on its ``as_of`` date: accruals are computed then.
END_EVENT = "as_of"
#: The event every run starts with, on the earliest issue date or event date.
START_EVENT = "start"
BUILT_IN_EVENTS = (START_EVENT, END_EVENT)


@dataclass
class Formula:
    """A parsed formula, the file it is written in and the YAML path of its text."""

    node: ast.Node
    text: str
    where: Path_
    doc: YamlDoc

    def diagnostic(self, offset: int, message: str) -> Diagnostic:
        """A diagnostic at character ``offset`` of the formula, in its own file."""
        line, col = self.doc.text_position(self.where, offset)
        return Diagnostic(self.doc.path, line, col, message)


@dataclass
class Choice:
    """One reading of an interpretation."""

    name: str
    formula: Formula
    reason: str


@dataclass(frozen=True)
class Bounds:
    """What values an input or a state variable can take: ``at_least``, ``more_than``, ``whole``.

    The limits are exact values of the term's type, read from literals in the file.
    """

    at_least: Any = None
    more_than: Any = None
    whole: bool = False

    def problem(self, value: Any, type_: Type) -> str | None:
        """Why ``value`` is impossible for a term of ``type_`` (``it must be at least 0 shares``), or None."""
        if self.at_least is not None and value < self.at_least:
            return f"it must be at least {human(self.at_least, type_)}"
        if self.more_than is not None and value <= self.more_than:
            return f"it must be more than {human(self.more_than, type_)}"
        if self.whole and isinstance(value, Fraction) and value.denominator != 1:
            return "it must be a whole number"
        return None


def impossible_value(term: Term, value: Any, type_: Type) -> str | None:
    """``-5 shares is impossible: it must be at least 0 shares``, for a value ``term`` cannot take."""
    problem = term.bounds.problem(value, type_) if term.bounds else None
    return f"{human(value, type_)} is impossible: {problem}" if problem else None


@dataclass
class Requirement:
    """A condition an event must meet before its clauses run, and what the document requires."""

    condition: Formula
    message: str
    where: Path_


@dataclass
class Term:
    """A named value of a contract: parameter, input, definition, interpretation or series.

    ``formula`` is the parameter's literal, the definition's formula or the
    input's default (None when the input has none); interpretations keep their
    formulas in ``choices``.
    """

    name: str
    kind: str
    type: Type
    where: Path_
    doc: YamlDoc
    sources: list[str] = field(default_factory=list)
    text: str | None = None
    description: str | None = None
    formula: Formula | None = None
    choices: dict[str, Choice] = field(default_factory=dict)
    default_choice: str | None = None
    question: str | None = None
    column: str | None = None
    assumption: str | None = None
    deadline_of: str | None = None  # the obligation this date is the deadline of
    answers: str | None = None  # the question this term answers, shared with other terms
    unused: str | None = None  # why a parameter no formula uses is kept
    origin: str = ""  # the name in the body it was declared in, before any rename
    source_sites: list[Site] = field(default_factory=list)  # where each of ``sources`` is written
    given: dict[str, Type] = field(default_factory=dict)  # a definition's names bound where it is used
    bounds: Bounds | None = None  # an input's or state variable's possible values
    role: str | None = None  # a party parameter's part in the document, when it holds nothing (the Company)

    def __post_init__(self) -> None:
        self.origin = self.origin or self.name

    def formulas(self) -> list[Formula]:
        """Every formula of the term: its own, or each reading's."""
        if self.choices:
            return [c.formula for c in self.choices.values()]
        return [self.formula] if self.formula else []


@dataclass
class EventDecl:
    """An event a contract reacts to: its date goes to inputs, its fields are inputs.

    An event declared once fills one input per field; an event a deal shares
    between documents fills each document's input.
    """

    name: str
    where: Path_
    doc: YamlDoc
    date_inputs: list[str]
    fields: dict[str, list[str]]  # field name → the inputs it fills
    sources: list[str] = field(default_factory=list)
    description: str | None = None
    source_sites: list[Site] = field(default_factory=list)
    requires: list[Requirement] = field(default_factory=list)
    every: str | None = None  # "trading day", "business day" or "day": it happens by itself each such day


@dataclass
class ObligationDecl:
    """A kind of obligation a clause can create: what is owed, in what unit, by whom to whom.

    ``debtor`` and ``creditor`` are formulas read where an ``owe`` creates one, unless
    the ``owe`` gives its own; ``unit`` is None for an act owed (a notice, a certificate).
    """

    name: str
    what: str
    unit: Type | None
    debtor: Formula | None
    creditor: Formula | None
    where: Path_
    doc: YamlDoc
    sources: list[str] = field(default_factory=list)
    source_sites: list[Site] = field(default_factory=list)


@dataclass
class Effect:
    """One effect of a clause.

    ``kind`` is set, increase, decrease, raise, clear, owe, settle or schedule.
    ``target`` is the state changed (``name`` or ``name[party]``); ``formulas``
    holds the other computed parts (to, by, debtor, creditor, amount, due, on);
    ``label`` is the declared obligation's name or the scheduled event's name;
    ``fields`` are the scheduled event's field formulas.
    """

    kind: str
    where: Path_
    target: Formula | None = None
    formulas: dict[str, Formula] = field(default_factory=dict)
    label: str | None = None
    fields: dict[str, Formula] = field(default_factory=dict)
    for_each: str | None = None  # a party input: apply once per party of the run
    when: Formula | None = None  # a condition for this effect alone
    sources: list[str] = field(default_factory=list)  # the effect's own provision ids, if any
    at_start: bool = False  # a scheduled event that happens before the day's other events


@dataclass
class Clause:
    """What happens on an event: an optional condition, values computed, effects."""

    name: str
    on: list[str]  # the events it applies on
    where: Path_
    doc: YamlDoc
    when: Formula | None
    compute: list[str]
    effects: list[Effect]
    sources: list[str] = field(default_factory=list)
    text: str | None = None
    source_sites: list[Site] = field(default_factory=list)
    before: list[str] = field(default_factory=list)  # clauses this one runs just before


@dataclass
class Reference:
    """A cross-reference as the document writes it: the words, where they stand, what they mean."""

    within: str  # the provision id the words are in
    says: str  # the words, such as "Section 7(f)"
    means: str  # the provision id a reader takes them to mean
    text: str
    where: Path_
    doc: YamlDoc


#: The kinds of chart: formulas drawn over a run, and the obligations on a timeline.
LINE_CHART = "line"
TIMELINE_CHART = "timeline"


@dataclass
class Chart:
    """A chart a report draws from a run: formulas sampled over it, or its obligations.

    ``lines`` and ``limits`` map a label to a formula of one unit (limits are drawn dashed);
    ``each_day`` names a date term set to each day plotted, else the formulas are read after
    each event; ``for_each`` a party input, evaluated for each holder; ``obligations`` the
    declared obligations a timeline shows. ``document`` is, in a deal, the title of the
    document the chart comes from.
    """

    name: str
    title: str
    kind: str
    where: Path_
    doc: YamlDoc
    lines: dict[str, Formula] = field(default_factory=dict)
    limits: dict[str, Formula] = field(default_factory=dict)
    each_day: str | None = None
    days: str | None = None  # trading or calendar days; None: trading days when there is market data
    for_each: str | None = None
    when: Formula | None = None
    obligations: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    note: str | None = None
    document: str = ""

    def formulas(self) -> list[Formula]:
        """The chart's formulas: its lines, its limits and its condition."""
        return [*self.lines.values(), *self.limits.values(), *([self.when] if self.when else [])]


@dataclass
class Program:
    """A loaded contract file. After ``checker.check`` every formula node is typed."""

    doc: YamlDoc
    title: str
    document: dict[str, object]
    terms: dict[str, Term]
    business_holidays: list[str] = field(default_factory=list)
    exchange: str | None = None
    events: dict[str, EventDecl] = field(default_factory=dict)
    obligations: dict[str, ObligationDecl] = field(default_factory=dict)
    clauses: list[Clause] = field(default_factory=list)
    issue_date: str | None = None
    parent: Program | None = None  # the body this file extends
    abstract: bool = False
    documents: dict[str, Program] = field(default_factory=dict)  # a deal's, by short name (qualified)
    references: list[Reference] = field(default_factory=list)  # this file's own
    provisions: list[tuple[str, Site]] = field(default_factory=list)  # this file's own, with where
    #: Each provision's text, from this file or the files it extends or joins: entries quote it.
    provision_texts: dict[str, str] = field(default_factory=dict)
    charts: dict[str, Chart] = field(default_factory=dict)  # what a report draws, in file order

    @property
    def path(self) -> str:
        """The file the program was loaded from, as the user named it."""
        return self.doc.path

    def citations(self) -> list[tuple[str, YamlDoc, Site]]:
        """Every provision id cited by terms, events, clauses and effects, with where, in that order."""
        found: list[tuple[str, YamlDoc, Site]] = []
        cited: list[tuple[list[str], list[Site], YamlDoc]] = [
            *((t.sources, t.source_sites, t.doc) for t in self.terms.values()),
            *((e.sources, e.source_sites, e.doc) for e in self.events.values()),
            *((o.sources, o.source_sites, o.doc) for o in self.obligations.values())]
        for clause in self.clauses:
            cited.append((clause.sources, clause.source_sites, clause.doc))
            cited.extend((e.sources, [Site((*e.where, "source", i)) for i in range(len(e.sources))],
                          clause.doc) for e in clause.effects)
        for sources, sites, doc in cited:
            found.extend((s, doc, site) for s, site in zip(sources, sites, strict=True))
        return found

    def cited(self) -> set[str]:
        """Every provision id the file cites: terms, events, clauses and effects."""
        return {source for source, _, _ in self.citations()}

    def formulas(self) -> list[Formula]:
        """Every formula: the terms', then each clause's condition and its effects', then the charts'."""
        found = [f for term in self.terms.values() for f in term.formulas()]
        found += [f for o in self.obligations.values() for f in (o.debtor, o.creditor) if f]
        found += [r.condition for e in self.events.values() for r in e.requires]
        for clause in self.clauses:
            found += [clause.when] if clause.when else []
            for effect in clause.effects:
                found += [effect.target] if effect.target else []
                found += [effect.when] if effect.when else []
                found += [*effect.formulas.values(), *effect.fields.values()]
        found += [f for chart in self.charts.values() for f in chart.formulas()]
        return found

    def state(self) -> list[Term]:
        """The state variables, in file order."""
        return [t for t in self.terms.values() if t.kind == STATE]

    def interpretations(self, own: bool = False) -> list[Term]:
        """The terms with alternative readings, in file order (``own``: declared in this file)."""
        return [t for t in self.terms.values()
                if t.kind == INTERPRETATION and (not own or t.doc is self.doc)]
