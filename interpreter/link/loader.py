"""Link a contract file: its parsed entries, the body it extends, its renames, a deal's
documents → one ``Program``.

Every problem becomes a diagnostic at the file, line and column of the text
that causes it. Types and names are checked afterwards by ``checker``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..calendar import unknown_calendar
from ..diagnostics import ClauseError, Diagnostic, close_match
from ..files import named_file
from ..syntax import ast
from ..syntax.entries import QUOTING, Entry, read_layout
from ..syntax.parser import FormulaLimitError, FormulaSyntaxError, parsed_formula
from ..syntax.schema import load_checked_yaml
from ..syntax.yamldoc import Path_, YamlDoc
from ..types import (
    PARTY,
    TEXT,
    Enum,
    PartyMap,
    Series,
    held_value,
    parse_type,
)
from .compose import compose, qualified_keywords
from .literal_fit import value_problem
from .program import (
    DEFINITION,
    GIVEN,
    INPUT,
    INTERPRETATION,
    LINE_CHART,
    OWED,
    PARAMETER,
    SECTION_OF,
    SECTIONS,
    SERIES,
    STATE,
    TIMELINE_CHART,
    Bounds,
    Chart,
    Choice,
    Clause,
    Effect,
    EventDecl,
    Formula,
    ObligationDecl,
    Program,
    Reference,
    Requirement,
    Term,
)
from .rename import renamed
from .reuse import linked_once, note_read


def load_program(path: str | Path, _chain: tuple[Path, ...] = ()) -> Program:
    """Load and parse one contract file, and the body it extends (once per run: see ``reuse``).

    Raises ``ClauseError`` listing every problem found.
    """
    return linked_once(str(path), lambda: _load_program(path, _chain))


def _load_program(path: str | Path, chain: tuple[Path, ...]) -> Program:
    doc = load_checked_yaml(path, "contract.schema.json", "contract")
    note_read(doc.path, doc.text)
    problems: list[Diagnostic] = []
    if "documents" in doc.data and "extends" in doc.data:
        problem = doc.diagnostic(("extends",), "a file either extends a body or joins documents "
                                 "into a deal, not both", key=True)
        raise ClauseError(problem.message, [problem])
    parent = _parent(doc, Path(path), chain)
    if "documents" in doc.data:
        parent = compose(doc, Path(path), _documents_loader(doc, Path(path), chain), problems)
    program = _build(doc, problems, parent)
    if "documents" in doc.data:
        program = qualified_keywords(program)
    if "rename" in doc.data:
        program = renamed(program, dict(doc.data["rename"]), problems)
    if not program.abstract:
        for term in program.terms.values():
            if term.kind == PARAMETER and term.formula is None:
                problems.append(doc.diagnostic((), f"parameter {term.name} of {term.doc.path} has no value: "
                                               "give it under parameters"))
    if problems:
        raise ClauseError(problems[0].message, problems)
    return program


def _documents_loader(doc: YamlDoc, path: Path, chain: tuple[Path, ...]) -> Callable[[Path], Program]:
    """Loads the documents of the deal ``doc``, refusing one that leads back to the deal."""
    here = path.resolve()

    def load(document: Path) -> Program:
        if document.resolve() in (*chain, here):
            problem = doc.diagnostic(("documents",), f"{document} includes the deal {path} itself")
            raise ClauseError(problem.message, [problem])
        return load_program(document, (*chain, here))

    return load


def _parent(doc: YamlDoc, path: Path, chain: tuple[Path, ...]) -> Program | None:
    """The body ``doc`` extends, loaded (with its own body) relative to ``path``."""
    if "extends" not in doc.data:
        return None
    body = Path(named_file(doc, ("extends",), str(doc.data["extends"]), "contract body"))
    here = path.resolve()
    if body.resolve() in (*chain, here):
        problem = doc.diagnostic(("extends",), f"{body} extends itself, through {path}")
        raise ClauseError(problem.message, [problem])
    return load_program(body, (*chain, here))


def _build(doc: YamlDoc, problems: list[Diagnostic], parent: Program | None = None) -> Program:
    data = doc.data
    calendars = data.get("calendars", {})
    holidays = list(calendars.get("business_days", []))
    for i, code in enumerate(holidays):
        message = unknown_calendar(code)
        if message:
            problems.append(doc.diagnostic(("calendars", "business_days", i), message))
    exchange = calendars.get("exchange")
    if exchange is not None and unknown_calendar(exchange):
        problems.append(doc.diagnostic(("calendars", "exchange"), str(unknown_calendar(exchange))))
    layout = read_layout(doc)
    terms: dict[str, Term] = dict(parent.terms) if parent else {}
    for entry in layout.entries:
        kind = SECTIONS.get(entry.section)
        if kind is None:
            continue
        name = entry.name
        if name in terms and (terms[name].doc is doc or terms[name].kind != kind):
            other = SECTION_OF.get(terms[name].kind, terms[name].kind)
            inherited = "" if terms[name].doc is doc else f" of {terms[name].doc.path}"
            problems.append(doc.diagnostic(entry.where, f"{name!r} is already declared in {other}{inherited}",
                                           key=True))
            continue
        term = _term(doc, entry, kind, problems)
        if term is not None:
            _declare_given(doc, term, terms, problems)
        if term is not None and entry.section in QUOTING and entry.text is None:
            term.text = _inherited_text(doc, entry, terms.get(name), parent, problems)
        if term is not None:
            terms[name] = term
    if parent and not calendars:
        holidays, exchange = parent.business_holidays, parent.exchange
    program = Program(doc, str(data["title"]), dict(data["document"]), terms, holidays, exchange,
                      issue_date=data.get("issue_date", parent.issue_date if parent else None),
                      parent=parent, abstract=bool(data.get("abstract", False)))
    program.references = [Reference(r.within, r.data["says"], r.data["means"], r.data["text"], r.where, doc)
                          for r in layout.references]
    program.provisions = list(layout.provisions)
    program.provision_texts = {**(parent.provision_texts if parent else {}), **layout.texts}
    if parent:
        program.events = dict(parent.events)
        program.clauses = list(parent.clauses)
        program.documents = parent.documents
    own_events: set[str] = set()
    for entry in (e for e in layout.entries if e.section == "events"):
        if _declared_twice(doc, entry, own_events, "event", problems):
            continue
        fields = entry.data.get("fields", [])
        pairs = fields.items() if isinstance(fields, dict) else ((f, f) for f in fields)
        requires = [Requirement(formula, str(r["message"]), (*entry.where, "requires", i))
                    for i, r in enumerate(entry.data.get("requires") or [])
                    if (formula := formula_at(doc, (*entry.where, "requires", i, "that"), problems))]
        program.events[entry.name] = EventDecl(
            entry.name, entry.where, doc, [entry.data["date"]] if "date" in entry.data else [],
            {k: [v] for k, v in pairs}, list(entry.sources), entry.data.get("description"),
            list(entry.source_sites), requires, entry.data.get("every"))
    if parent:
        program.obligations = dict(parent.obligations)
    own_obligations: set[str] = set()
    for entry in (e for e in layout.entries if e.section == "obligations"):
        if not _declared_twice(doc, entry, own_obligations, "obligation", problems):
            declared = program.obligations[entry.name] = _obligation(doc, entry, problems)
            if declared.unit is not None and (entry.name not in terms or terms[entry.name].kind == OWED):
                terms[entry.name] = Term(entry.name, OWED, PartyMap(declared.unit), entry.where, doc,
                                         list(entry.sources), description=f"{declared.what} outstanding, "
                                         "by creditor", source_sites=list(entry.source_sites))
    clauses: list[Clause] = []
    own_clauses: set[str] = set()
    for entry in (e for e in layout.entries if e.section == "clauses"):
        if _declared_twice(doc, entry, own_clauses, "clause", problems):
            continue
        clause = _clause(doc, entry, problems)
        if clause.text is None:
            replaced = next((c for c in program.clauses if c.name == entry.name), None)
            clause.text = _inherited_text(doc, entry, replaced, parent, problems)
        clauses.append(clause)
    program.clauses = ordered_clauses(doc, program.clauses, clauses, problems)
    program.charts = {**(parent.charts if parent else {}), **_charts(doc, program, problems)}
    return program


def _charts(doc: YamlDoc, program: Program, problems: list[Diagnostic]) -> dict[str, Chart]:
    """The file's own charts."""
    return {str(name): read_chart(doc, str(name), data, program, problems)
            for name, data in (doc.data.get("charts") or {}).items()}


def read_chart(doc: YamlDoc, name: str, data: dict[str, Any], program: Program,
               problems: list[Diagnostic]) -> Chart:
    """The chart ``name`` that ``doc`` declares under ``charts:`` (a contract file's own, or a
    scenario's over ``program``); a timeline without a list shows every obligation ``program``
    declares so far."""
    where: Path_ = ("charts", name)
    kind = str(data.get("kind", LINE_CHART))
    default = list(program.obligations) if kind == TIMELINE_CHART else []
    return Chart(
        name, str(data["title"]), kind, where, doc,
        _labelled(doc, (*where, "lines"), data.get("lines"), problems),
        _labelled(doc, (*where, "limits"), data.get("limits"), problems),
        data.get("each_day"), data.get("days"), data.get("for_each"),
        formula_at(doc, (*where, "when"), problems) if "when" in data else None,
        [str(o) for o in data.get("obligations") or default], [str(c) for c in data.get("cites", [])],
        data.get("note"))


def _labelled(doc: YamlDoc, where: Path_, raw: dict[str, Any] | None,
              problems: list[Diagnostic]) -> dict[str, Formula]:
    """The formulas of a mapping ``label: formula`` (``raw``, at ``where``; none if absent)."""
    found = {str(label): formula_at(doc, (*where, label), problems) for label in raw or {}}
    return {label: f for label, f in found.items() if f is not None}


def _declare_given(doc: YamlDoc, term: Term, terms: dict[str, Term], problems: list[Diagnostic]) -> None:
    """Make each name ``term`` is given a term of its own, one for every definition that is given it."""
    for name, type_ in term.given.items():
        where = (*term.where, "given", name)
        known = terms.get(name)
        if known is None or (known.kind == GIVEN and known.doc is not doc):
            terms[name] = Term(name, GIVEN, type_, where, doc, list(term.sources),
                               description=f"a name given to {term.name}",
                               source_sites=list(term.source_sites))
        elif known.kind != GIVEN:
            problems.append(doc.diagnostic(where, f"{name!r} is already {_article(known.kind)}; a given "
                                           "name is bound only where the definition is used", key=True))
        elif known.type != type_:
            problems.append(doc.diagnostic(where, f"{name} is given as {known.type} to another "
                                           f"definition; here it is {type_}"))
        else:
            known.description = f"{known.description}, {term.name}"


def _article(word: str) -> str:
    return f"{'an' if word[0] in 'aeiou' else 'a'} {word}"


def _obligation(doc: YamlDoc, entry: Entry, problems: list[Diagnostic]) -> ObligationDecl:
    data, where = entry.data, entry.where
    parties = {key: formula_at(doc, (*where, key), problems) if key in data else None
               for key in ("debtor", "creditor")}
    return ObligationDecl(entry.name, str(data["what"]), parse_type(data["unit"]) if "unit" in data else None,
                          parties["debtor"], parties["creditor"], where, doc, list(entry.sources),
                          list(entry.source_sites))


def _inherited_text(doc: YamlDoc, entry: Entry, replaced: Term | Clause | None, parent: Program | None,
                    problems: list[Diagnostic]) -> str | None:
    """The quote of the entry ``entry`` replaces, else its provision's in the files this one
    extends or joins; an entry that finds none must quote."""
    if replaced is not None and replaced.doc is not doc and replaced.text is not None:
        return replaced.text
    if parent is not None and parent.provision_texts.get(entry.sources[0]):
        return parent.provision_texts[entry.sources[0]]
    problems.append(doc.diagnostic(entry.where, f"{entry.name}: no quoted text: give the provision's "
                                   "'text', or the entry's own", key=True))
    return None


def _declared_twice(doc: YamlDoc, entry: Entry, seen: set[str], what: str,
                    problems: list[Diagnostic]) -> bool:
    if entry.name in seen:
        problems.append(doc.diagnostic(entry.where, f"{what} {entry.name!r} is declared twice in this file",
                                       key=True))
        return True
    seen.add(entry.name)
    return False


def _clause(doc: YamlDoc, entry: Entry, problems: list[Diagnostic]) -> Clause:
    data, where = entry.data, entry.where
    when = formula_at(doc, (*where, "when"), problems) if "when" in data else None
    effects = [_effect(doc, (*where, "effects", i), e, problems)
               for i, e in enumerate(data.get("effects", []))]
    before = data.get("before", [])
    on = data["on"]
    return Clause(entry.name, [on] if isinstance(on, str) else list(on), where, doc, when,
                  list(data.get("compute", [])), effects,
                  list(entry.sources), entry.text, list(entry.source_sites),
                  [before] if isinstance(before, str) else list(before))


def ordered_clauses(doc: YamlDoc, inherited: list[Clause], own: list[Clause],
                    problems: list[Diagnostic]) -> list[Clause]:
    """The run order of clauses: inherited ones first, then this file's, in file order.

    A clause that replaces an inherited one of its name takes its place, unless it says
    ``before``; a clause with ``before`` runs just before the first of the clauses it names.
    """
    order = list(inherited)
    placed: list[Clause] = []
    for clause in own:
        replaced = [i for i, c in enumerate(order) if c.name == clause.name]
        if replaced and not clause.before:
            order[replaced[0]] = clause
        elif replaced:
            del order[replaced[0]]
            placed.append(clause)
        elif not clause.before:
            order.append(clause)
        else:
            placed.append(clause)
    pending = {c.name: c for c in placed}

    def place(clause: Clause, chain: tuple[str, ...]) -> None:
        for name in clause.before:
            if name in pending and name not in chain:
                place(pending.pop(name), (*chain, clause.name))
        targets = [i for i, c in enumerate(order) if c.name in clause.before]
        if not targets:
            missing = ", ".join(repr(n) for n in clause.before)
            hint = close_match(clause.before[0], [c.name for c in order])
            problems.append(doc.diagnostic((*clause.where, "before"), f"no clause named {missing} "
                                           f"to come before{hint}"))
        order.insert(min(targets) if targets else len(order), clause)

    for clause in placed:
        if pending.pop(clause.name, None) is not None:
            place(clause, ())
    return order


#: For each kind of effect: the key naming its target or label, and its formula keys.
EFFECT_KINDS: dict[str, tuple[str, ...]] = {
    "set": ("to",),
    "increase": ("by",),
    "decrease": ("by",),
    "raise": (),
    "clear": (),
    "remove": (),
    "owe": ("debtor", "creditor", "amount", "due"),  # debtor, creditor: if not the declaration's
    "settle": ("debtor", "creditor", "amount", "due"),
    "schedule": ("on",),
}


#: Keys any effect may have, besides its kind's.
COMMON_EFFECT_KEYS = ("when", "for_each", "source")


def _effect(doc: YamlDoc, where: Path_, entry: dict[str, Any], problems: list[Diagnostic]) -> Effect:
    kind = next(k for k in EFFECT_KINDS if k in entry)  # the schema guarantees exactly one
    takes = (kind, *EFFECT_KINDS[kind], *COMMON_EFFECT_KEYS, *(("with", "at") if kind == "schedule" else ()))
    for key in entry:
        if key not in takes:
            problems.append(doc.diagnostic((*where, key), f"{key!r} is not a key of a {kind} effect "
                                           f"(it takes {', '.join(takes[1:])})", key=True))
    source = entry.get("source", [])
    effect = Effect(kind, where, for_each=entry.get("for_each"),
                    sources=[source] if isinstance(source, str) else list(source),
                    at_start=entry.get("at") == "start")
    if "when" in entry:
        effect.when = formula_at(doc, (*where, "when"), problems)
    if kind in ("owe", "settle", "schedule"):
        effect.label = str(entry[kind])
    else:
        effect.target = formula_at(doc, (*where, kind), problems)
    for key in EFFECT_KINDS[kind]:
        if key in entry:
            formula = formula_at(doc, (*where, key), problems)
            if formula is not None:
                effect.formulas[key] = formula
    for name in entry.get("with") or {}:
        formula = formula_at(doc, (*where, "with", name), problems)
        if formula is not None:
            effect.fields[name] = formula
    return effect


def _term(doc: YamlDoc, entry: Entry, kind: str, problems: list[Diagnostic]) -> Term | None:
    name, where, data = entry.name, entry.where, entry.data
    try:
        declared = parse_type(data["type"])
    except ValueError as exc:  # the schema checks the spelling; here, an enum's members
        problems.append(doc.diagnostic((*where, "type"), f"{name}: {exc}"))
        return None
    if kind == SERIES:
        declared = Series(declared)
    term = Term(name, kind, declared, where, doc, list(entry.sources), entry.text,
                data.get("description"), column=data.get("column", name),
                assumption=data.get("assumption"), question=data.get("question"),
                deadline_of=data.get("deadline_of"), answers=data.get("answers"),
                unused=data.get("unused"), source_sites=list(entry.source_sites),
                given={name: parse_type(t) for name, t in (data.get("given") or {}).items()},
                role=data.get("role"))
    if term.role is not None and declared != PARTY:
        problems.append(doc.diagnostic((*where, "role"), f"{name}: only a party has a role; {name} "
                                       f"is {declared}"))
        return None
    if kind == PARAMETER and (declared in (PARTY, TEXT) or isinstance(declared, Enum)) and "value" in data:
        text = str(data["value"])  # written as is, without quotes
        word = ast.Literal((0, len(text)), text, TEXT if isinstance(declared, Enum) else declared)
        term.formula = Formula(word, text, (*where, "value"), doc)
        message = value_problem(word, declared, text)
        if message:
            problems.append(doc.diagnostic((*where, "value"), f"{name}: {message}"))
            return None
    elif kind == PARAMETER and "value" in data:
        term.formula = formula_at(doc, (*where, "value"), problems)
        if term.formula is not None:
            node = term.formula.node
            literal = ast.signed_literal(node) is not None
            message = (value_problem(node, declared, term.formula.text) if literal
                       else "a parameter's value is a single literal; put a formula in definitions")
            if message:
                problems.append(doc.diagnostic((*where, "value"), f"{name}: {message}"))
                return None
    if kind in (INPUT, STATE, SERIES) and any(k in data for k in ("at_least", "more_than", "whole")):
        term.bounds = _bounds(doc, term, data, problems)
    if kind == STATE:
        term.formula = formula_at(doc, (*where, "initial"), problems)
        if term.formula is not None:
            message = value_problem(term.formula.node, held_value(declared), term.formula.text)
            if message:
                problems.append(doc.diagnostic((*where, "initial"), f"{name}: {message}"))
    elif kind == INPUT and "default" in data:
        term.formula = formula_at(doc, (*where, "default"), problems)
        if term.formula is not None:  # a default that is not a literal is type-checked as a formula
            message = value_problem(term.formula.node, declared, term.formula.text)
            if message:
                problems.append(doc.diagnostic((*where, "default"), f"{name}: {message}"))
    elif kind == DEFINITION:
        term.formula = formula_at(doc, (*where, "formula"), problems)
    elif kind == INTERPRETATION:
        for choice_name, choice in data["choices"].items():
            formula = formula_at(doc, (*where, "choices", choice_name, "formula"), problems)
            if formula is not None:
                term.choices[choice_name] = Choice(choice_name, formula, choice["reason"])
        term.default_choice = data["default"]
        if data["default"] not in data["choices"]:
            problems.append(doc.diagnostic(
                (*where, "default"),
                f"{name}: default {data['default']!r} is not one of its choices "
                f"({', '.join(data['choices'])})"))
    return term


def _bounds(doc: YamlDoc, term: Term, data: dict[str, Any], problems: list[Diagnostic]) -> Bounds:
    """An input's, state variable's or series' limits, each a literal of its type (its element's,
    by party or by day)."""
    element = term.type.element if isinstance(term.type, Series) else held_value(term.type)
    limits: dict[str, Any] = {}
    for key in ("at_least", "more_than"):
        if key not in data:
            continue
        formula = formula_at(doc, (*term.where, key), problems)
        if formula is None:
            continue
        node = formula.node
        message = value_problem(node, element, formula.text) if ast.signed_literal(node) is not None else (
            "a limit is a single literal")
        if message:
            problems.append(doc.diagnostic((*term.where, key), f"{term.name}: {message}"))
            continue
        limits[key] = ast.literal_value(node)
    return Bounds(limits.get("at_least"), limits.get("more_than"), bool(data.get("whole", False)))


def formula_at(doc: YamlDoc, where: Path_, problems: list[Diagnostic]) -> Formula | None:
    """The formula written at ``where`` in ``doc``, parsed; None, with its syntax error added to
    ``problems`` at its line and column, if it does not parse."""
    text = doc.formula_text(where)
    try:
        return Formula(parsed_formula(text), text, where, doc)
    except FormulaSyntaxError as exc:
        line, col = doc.text_position(where, exc.offset)
        what = "" if isinstance(exc, FormulaLimitError) else "syntax error: "
        problems.append(Diagnostic(doc.path, line, col, f"{what}{exc.message}"))
        return None
