"""Joining contract files into one deal.

A deal file lists ``documents`` under short names. Each document is loaded
as it stands, then every name it declares (terms, events, clauses) is
qualified by its short name (``price`` of ``lease`` becomes
``lease.price``), except the names the deal lists under ``shared``:
those become one parameter, input, state variable or event across the
documents that hold them. A clause the deal lists under ``shared_clauses``
is one too: documents that each change a shared state on a shared event
(a count all of them keep, grown by one shared event) would otherwise change
it once for each of them. The result is the parent of the deal file's own
entries, which may use the qualified names and replace any of them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..deferred import replace
from ..diagnostics import Diagnostic
from ..files import named_file
from ..syntax import ast
from ..syntax.entries import read_layout
from ..syntax.yamldoc import YamlDoc
from .program import BUILT_IN_EVENTS, INPUT, PARAMETER, SECTIONS, SERIES, STATE, Clause, Effect, Program, Term
from .rename import renamed, with_formulas

#: The kinds of term that can be one across documents; a shared definition would be two formulas.
SHAREABLE = (PARAMETER, INPUT, STATE, SERIES)

Loader = Callable[[Path], Program]


def compose(doc: YamlDoc, path: Path, load: Loader, problems: list[Diagnostic]) -> Program:
    """The documents of the deal ``doc``, qualified and merged, as one program.

    ``load`` loads a document file; problems with the deal's own entries go to ``problems``.
    """
    data = doc.data
    shared = _shared(doc, data.get("shared") or {}, set(data["documents"]), problems)
    own = {e.name for e in read_layout(doc).entries if e.section in SECTIONS}
    composed = Program(doc, str(data["title"]), dict(data["document"]), {})
    found: set[tuple[str, str]] = set()
    for short, file in data["documents"].items():
        document = Path(named_file(doc, ("documents", short), str(file), "contract file"))
        program = load(document)
        if program.abstract:
            problems.append(doc.diagnostic(("documents", short), f"{file} is an abstract body; a deal "
                                           "joins the documents that extend it"))
            continue
        declared = set(program.terms) | set(program.events) | set(program.obligations)
        found.update((short, name) for name in declared if (short, name) in shared)
        names = {name: shared[(short, name)][0] if (short, name) in shared
                 else _qualified(short, name, program) for name in declared}
        program = renamed(program, names, problems)
        program = replace(program, clauses=[replace(c, name=f"{short}.{c.name}") for c in program.clauses],
                          charts={f"{short}.{n}": replace(c, name=f"{short}.{n}", document=program.title)
                                  for n, c in program.charts.items()})
        _merge(composed, program, own, problems)
        composed.documents[short] = program
        if composed.issue_date is None and program.issue_date is not None:
            composed.issue_date = program.issue_date
        if not composed.business_holidays and not composed.exchange:
            composed.business_holidays, composed.exchange = program.business_holidays, program.exchange
    for (short, name), (deal_name, index) in shared.items():
        if (short, name) not in found:
            problems.append(doc.diagnostic(("shared", deal_name, index),
                                           f"{short} declares nothing named {name!r}"))
    for deal_name, entries in (data.get("shared_clauses") or {}).items():
        _share_clause(doc, composed, deal_name, [str(e) for e in entries], set(data["documents"]), problems)
    return composed


def _share_clause(doc: YamlDoc, composed: Program, deal_name: str, entries: list[str],
                  documents: set[str], problems: list[Diagnostic]) -> None:
    """The documents' clauses ``entries`` made one clause ``deal_name``: the first one listed,
    run once, in the place of the last of them in the run order (after every clause the others
    came after). They must apply on the same events and change the same things alike."""
    places: list[int] = []
    for i, entry in enumerate(entries):
        short, _, name = entry.partition(".")
        where = ("shared_clauses", deal_name, i)
        qualified = f"{short}.{name or deal_name}"
        place = next((k for k, c in enumerate(composed.clauses) if c.name == qualified), None)
        if short not in documents:
            problems.append(doc.diagnostic(where, f"{short!r} is not one of the documents "
                                                  f"({', '.join(sorted(documents))})"))
        elif place is None:
            problems.append(doc.diagnostic(where, f"{short} has no clause named {name or deal_name!r}"))
        elif place in places:
            problems.append(doc.diagnostic(where, f"{entry} is listed twice"))
        else:
            first = composed.clauses[places[0] if places else place]
            problem = _clauses_differ(first, composed.clauses[place])
            if problem:
                problems.append(doc.diagnostic(where, f"{qualified} cannot be one clause with "
                                                      f"{first.name}: {problem}"))
            places.append(place)
    if len(places) != len(entries):
        return
    kept = replace(composed.clauses[places[0]], name=deal_name)
    last = max(places)
    composed.clauses = [kept if k == last else c for k, c in enumerate(composed.clauses)
                        if k == last or k not in places]


def _clauses_differ(first: Clause, other: Clause) -> str | None:
    """Why two documents' clauses are not one rule, or None when they apply on the same events and
    their effects change the same things in the same ways (each reads its own document's fields)."""
    if sorted(first.on) != sorted(other.on):
        return f"it applies on {', '.join(other.on)}, and {first.name} on {', '.join(first.on)}"
    mine, theirs = [_change(e) for e in other.effects], [_change(e) for e in first.effects]
    if mine != theirs:
        return (f"its effects ({'; '.join(' '.join(c) for c in mine)}) are not those of {first.name} "
                f"({'; '.join(' '.join(c) for c in theirs)})")
    return None


def _change(effect: Effect) -> tuple[str, ...]:
    """What an effect changes: its kind and the state (or the obligation, the event) it names."""
    node = effect.target.node if effect.target else None
    if isinstance(node, ast.Index):
        node = node.target
    target = node.name if isinstance(node, ast.Name) else effect.label or ""
    return (effect.kind, target)


def _qualified(short: str, name: str, program: Program) -> str:
    """A document's name in the deal: ``short.name``; the run's own events (``start``,
    ``as_of``) stay the run's, so a document's clauses on them still run."""
    return name if name in BUILT_IN_EVENTS and name in program.events else f"{short}.{name}"


def _shared(doc: YamlDoc, raw: dict[str, Any], documents: set[str],
            problems: list[Diagnostic]) -> dict[tuple[str, str], tuple[str, int]]:
    """(document, its name) → the deal's name and the entry's place in its list."""
    shared: dict[tuple[str, str], tuple[str, int]] = {}
    for deal_name, entries in raw.items():
        for i, entry in enumerate(entries):
            short, _, name = str(entry).partition(".")
            if short not in documents:
                problems.append(doc.diagnostic(("shared", deal_name, i), f"{short!r} is not one of the "
                                               f"documents ({', '.join(sorted(documents))})"))
                continue
            key = (short, name or deal_name)
            if key in shared:
                problems.append(doc.diagnostic(("shared", deal_name, i), f"{entry} is already shared "
                                               f"as {shared[key][0]!r}"))
            shared[key] = (deal_name, i)
    return shared


def _merge(composed: Program, program: Program, own: set[str], problems: list[Diagnostic]) -> None:
    """Add ``program``'s qualified entries to ``composed``; shared names must agree."""
    for name, term in program.terms.items():
        first = composed.terms.setdefault(name, term)
        if first is not term and name not in own:
            problem = _disagreement(first, term)
            if problem:
                problems.append(term.doc.diagnostic(term.where, f"{name} is shared, but {problem}",
                                                    key=True))
    for name, event in program.events.items():
        merged = composed.events.get(name)
        if merged is None:
            composed.events[name] = event
            continue
        fields = {k: list(v) for k, v in merged.fields.items()}
        for field, inputs in event.fields.items():
            fields[field] = [*fields.get(field, []), *(i for i in inputs if i not in fields.get(field, []))]
        cited = [(s, site) for s, site in zip(event.sources, event.source_sites, strict=True)
                 if s not in merged.sources]
        composed.events[name] = replace(
            merged, fields=fields,
            date_inputs=[*merged.date_inputs, *(d for d in event.date_inputs if d not in merged.date_inputs)],
            sources=[*merged.sources, *(s for s, _ in cited)],
            source_sites=[*merged.source_sites, *(site for _, site in cited)],
            requires=[*merged.requires, *event.requires])
    composed.obligations.update(program.obligations)
    for provision, text in program.provision_texts.items():  # a deal's entry quotes one only if all agree
        if composed.provision_texts.setdefault(provision, text) != text:
            composed.provision_texts[provision] = ""
    composed.clauses += program.clauses
    composed.charts.update(program.charts)


def _disagreement(first: Term, other: Term) -> str | None:
    """Why two declarations cannot be one shared term, or None when they can."""
    where = f"{first.doc.path}:{first.doc.position(first.where)[0]}"
    if first.kind != other.kind or first.kind not in SHAREABLE:
        return (f"it is a {other.kind} here and a {first.kind} in {where}; only parameters, inputs, "
                "state and market series can be one across documents (declare it in the deal to "
                "replace both)")
    if first.type != other.type:
        return f"it is {other.type} here and {first.type} in {where}"
    if first.kind in (PARAMETER, INPUT, STATE) and _literal(first) != _literal(other):
        what = {PARAMETER: "value", INPUT: "default", STATE: "initial value"}[first.kind]
        return (f"its {what} here differs from {where} ({first.formula.text if first.formula else 'none'}); "
                f"declare it in the deal with the {what} it takes")
    return None


def _literal(term: Term) -> object:
    if term.formula is None:
        return None
    node = term.formula.node
    return ast.literal_value(node) if ast.signed_literal(node) is not None else term.formula.text


def qualified_keywords(program: Program) -> Program:
    """The deal with a keyword of a qualified call read in the called term's document.

    In the deal's own formulas, ``lease.rent(day = d)`` gives ``lease.day``: a
    keyword names an input of the term called.
    """

    def leaf(node: ast.Node) -> ast.Node:
        if not isinstance(node, ast.Call) or "." not in node.function:
            return node
        short = node.function.partition(".")[0]
        return replace(node, keywords=[k if "." in k.name else replace(k, name=f"{short}.{k.name}")
                                       for k in node.keywords])

    return with_formulas(program, lambda f: replace(f, node=ast.rebuilt(f.node, leaf))
                         if f.doc is program.doc else f)
