"""The literate contract (``clause render``): the document's provisions in its order, each quoted
sentence beside the entries that encode it, formulas highlighted from the parser's own tokens,
interpretations with their readings and reasons, assumptions marked, cross-references linked,
and what ``clause lint`` flags shown where it stands. A variant renders as the whole document
(its body's provisions with the variant's entries), a deal as its documents, then its own.

Every provision has an anchor, ``A-2.1`` (its id, spaces as dashes), under the document's
key in a deal or when several files are rendered together: ``lease/A-2.1``. Reports
link to these.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

from ..check.builtins import BUILTINS
from ..diagnostics import Diagnostic
from ..link.program import GIVEN, Formula, Program
from ..syntax import ast
from ..syntax.entries import ENTRY_SECTIONS
from ..syntax.parser import FormulaSyntaxError, tokens
from ..syntax.yamldoc import Path_, YamlDoc
from .lint import lint
from .rendering import environment

#: The keys of an entry shown apart from its other fields.
_APART = ("text", "note", "assumption", "cites", "type", "choices", "question", "description", "what")
#: The sections whose entries are terms, which formulas name and link to.
_TERM_SECTIONS = ("parameters", "inputs", "state", "market", "definitions", "interpretations")
#: Terminals shown as literals.
_LITERALS = {"MONEY", "PERCENT", "NUMBER", "SHARES", "DAY_UNIT", "DATE", "TIME", "STRING", "TRUE", "FALSE"}


def provision_anchor(parts: list[str]) -> str:
    """The anchor of a provision: ``A 2.1`` → ``A-2.1``; under keys, ``lease/A-2.1``."""
    *keys, provision = parts
    return "/".join([*keys, provision.replace(" ", "-")])


@dataclass
class Field:
    """One field of an entry: its key, its text, and its highlighted formula when it is one."""

    key: str
    text: str
    html: Markup | None = None
    items: list[Field] = field(default_factory=list)  # a mapping or a list, item by item


@dataclass
class Finding:
    """A ``clause lint`` warning (or error) shown where it stands."""

    severity: str
    message: str
    place: str
    notes: list[str] = field(default_factory=list)


@dataclass
class Choice:
    """One reading of an interpretation."""

    name: str
    formula: Field
    reason: str
    default: bool


@dataclass
class RenderedEntry:
    """One entry as the page shows it."""

    section: str
    name: str  # as the program calls it
    written: str  # as the file writes it
    anchor: str
    place: str  # path:line
    type: str | None
    fields: list[Field]
    text: str | None  # its own quote, when it has one apart from its sentence's
    note: str | None
    assumption: str | None
    question: str | None
    description: str | None
    choices: list[Choice]
    cites: list[tuple[str, str]]
    status: str = ""  # replaced or shared, and by what
    findings: list[Finding] = field(default_factory=list)


@dataclass
class Sentence:
    """A quoted sentence of a provision (or none) and the entries that encode it, from one file."""

    text: str | None
    file: str
    entries: list[RenderedEntry]


@dataclass
class Reference:
    """A cross-reference written in a provision: the words, what they mean, a link to it."""

    says: str
    means: str
    href: str
    text: str
    note: str | None
    findings: list[Finding] = field(default_factory=list)


@dataclass
class Provision:
    """One provision: its id, anchor, title, sentences with their entries, references, findings."""

    id: str
    anchor: str
    title: str | None
    sentences: list[Sentence] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    cited_by: list[str] = field(default_factory=list)  # for a provision with no block: the entries citing it


@dataclass
class Document:
    """A rendered document: its provisions in order, its charts, and a deal's documents."""

    key: str
    title: str
    files: list[str]
    meta: dict[str, Any]
    provisions: list[Provision]
    charts: list[RenderedEntry]
    documents: list[Document] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # those at no provision or entry


def _place(doc: YamlDoc, where: Path_, key: bool = True) -> str:
    return f"{doc.path}:{doc.position(where, key=key)[0]}"


def _lines(doc: YamlDoc, where: Path_) -> tuple[int, int]:
    """The first and last line (1-based) an entry or provision takes in its file."""
    start = doc.keys.get(where) or doc.nodes[where]
    end = doc.nodes[where]
    first = start.start_mark.line + 1
    return first, max(first, end.end_mark.line + (end.end_mark.column > 0))


class _Findings:
    """Lint's findings, each given to the narrowest entry or provision whose lines hold it."""

    def __init__(self, problems: list[Diagnostic]) -> None:
        self.left = list(dict.fromkeys(problems))

    def take(self, doc: YamlDoc, where: Path_) -> list[Finding]:
        if where not in doc.nodes:
            return []
        first, last = _lines(doc, where)
        mine = [d for d in self.left if d.path == doc.path and first <= d.line <= last]
        self.left = [d for d in self.left if d not in mine]
        return [_finding(d) for d in mine]

    def rest(self) -> list[Finding]:
        """The findings no entry or provision took."""
        found = [_finding(d) for d in self.left]
        self.left = []
        return found


def _finding(d: Diagnostic) -> Finding:
    return Finding(d.severity, d.message, f"{d.path}:{d.line}:{d.column}",
                   [f"{n.path}:{n.line}:{n.column}: {n.message}" for n in d.notes])


class _Renderer:
    """Renders one program's files: ``keys`` prefix its anchors, ``final`` is the program in force."""

    def __init__(self, program: Program, final: Program, keys: list[str], findings: _Findings,
                 used: set[str], base: list[str]) -> None:
        self.program, self.final, self.keys, self.base = program, final, keys, base
        self.findings, self.used = findings, used
        self.formulas = {(id(f.doc), f.where): f for f in program.formulas()}
        self.objects: dict[tuple[int, Path_], Any] = {}
        things: list[Any] = [*program.terms.values(), *program.clauses, *program.events.values(),
                             *program.obligations.values(), *program.charts.values()]
        for thing in things:
            self.objects.setdefault((id(thing.doc), thing.where), thing)

    def anchor(self, *parts: str) -> str:
        return provision_anchor([*self.keys, *parts])

    def unique(self, anchor: str) -> str:
        """The anchor, or "" when another element of the page already has it."""
        if anchor in self.used:
            return ""
        self.used.add(anchor)
        return anchor

    def name_href(self, name: str) -> str | None:
        """Where the entry in force for a name is: in a deal, the deal's own, or the document that
        declares it (a shared name: the first that does)."""
        term = self.final.terms.get(name) or self.program.terms.get(name)
        if term is None or term.kind == GIVEN:
            return None
        keys = self.keys
        if self.final.documents:
            holders = [short for short, d in self.final.documents.items()
                       if (found := d.terms.get(name)) is not None and found.where == term.where
                       and found.doc is term.doc]
            short = name.partition(".")[0]
            keys = self.base if term.doc is self.final.doc else [
                *self.base, short if short in holders else holders[0]] if holders else self.keys
        return "#" + "/".join([*keys, f"term-{name}"])

    def highlight(self, formula: Formula) -> Markup:
        """The formula's text with each token marked by what the parser read it as, and each name
        linked to the entry that declares it (as the program calls it)."""
        text = formula.text
        names: dict[int, str] = {}
        try:
            found = tokens(text)
        except FormulaSyntaxError:  # a party or a text written as is, not a formula
            return Markup(escape(text))
        for node in ast.walk(formula.node):
            if isinstance(node, ast.Name):
                names[node.span[0]] = node.name
            elif isinstance(node, ast.Call):
                names[node.span[0]] = node.function
                names.update((k.span[0], k.name) for k in node.keywords)
            elif isinstance(node, ast.Total):
                inside = [s for s, _, kind in found if kind == "NAME" and node.span[0] <= s < node.span[1]]
                names.update(zip(inside[:2], (node.term, node.day), strict=False))
        out, at = [], 0
        for start, end, kind in found:
            out.append(escape(text[at:start]))
            word = text[start:end]
            at = end
            if kind == "NAME":
                name = names.get(start, word)
                href = self.name_href(name)
                if name in BUILTINS:
                    out.append(Markup('<span class="hl-fn">{}</span>').format(word))
                elif href:
                    title = str(self.final.terms.get(name, self.program.terms.get(name)).type)  # type: ignore[union-attr]
                    out.append(Markup('<a class="hl-name" href="{}" title="{}: {}">{}</a>').format(
                        href, name, title, word))
                else:
                    out.append(Markup('<span class="hl-given">{}</span>').format(word))
            elif kind in _LITERALS:
                out.append(Markup('<span class="hl-lit">{}</span>').format(word))
            elif word.isalpha() or kind in ("ACCUMULATE", "ROUND_DIRECTION", "ROUND_STEP"):
                out.append(Markup('<span class="hl-kw">{}</span>').format(word))
            else:
                out.append(Markup('<span class="hl-op">{}</span>').format(word))
        out.append(escape(text[at:]))
        return Markup("").join(out)

    def field(self, doc: YamlDoc, where: Path_, key: str, value: Any) -> Field:
        formula = self.formulas.get((id(doc), where))
        if isinstance(value, dict):
            return Field(key, "", None, [self.field(doc, (*where, k), str(k), v) for k, v in value.items()])
        if isinstance(value, list):
            return Field(key, "", None, [self.field(doc, (*where, i), "", v) for i, v in enumerate(value)])
        text = doc.formula_text(where) if where in doc.nodes and value is not None else str(value)
        return Field(key, text, self.highlight(formula) if formula is not None else None)

    def entry(self, doc: YamlDoc, section: str, name: str, where: Path_, data: dict[str, Any],
              quoted: str | None, renames: dict[str, str]) -> RenderedEntry:
        thing = self.objects.get((id(doc), where))
        called = getattr(thing, "name", None) or renames.get(name, name)
        status = ""
        if thing is None:
            other = self.objects_by_name(section, called)
            status = f"replaced by {_place(other.doc, other.where)}" if other is not None else "replaced"
        elif section in _TERM_SECTIONS:
            final = self.final.terms.get(called)
            if final is not None and (final.doc is not doc or final.where != where):
                verb = "replaced" if final.doc is self.final.doc else "shared: in force as declared"
                status = f"{verb} at {_place(final.doc, final.where)}"
        named = section in (*_TERM_SECTIONS, "obligations")  # what is owed is a name formulas read too
        term = named and not status.startswith("replaced")
        anchor = self.unique("/".join([*self.keys, f"term-{called}"])) if term else ""
        choices = [Choice(c, self.field(doc, (*where, "choices", c, "formula"), "formula", choice["formula"]),
                          str(choice["reason"]), c == data.get("default"))
                   for c, choice in (data.get("choices") or {}).items()]
        fields = [self.field(doc, (*where, key), key, value) for key, value in data.items()
                  if key not in _APART]
        own = data.get("text")
        return RenderedEntry(
            section, called, name, anchor, _place(doc, where), data.get("type"), fields,
            str(own) if own and own != quoted else None, data.get("note"), data.get("assumption"),
            data.get("question"), data.get("description") or data.get("what"), choices,
            [(c, "#" + self.anchor(str(c))) for c in data.get("cites", [])], status,
            self.findings.take(doc, where))

    def objects_by_name(self, section: str, name: str) -> Any:
        """The entry of the program that replaced one of a body's (its section, its name here)."""
        if section == "events":
            return self.program.events.get(name)
        if section == "obligations":
            return self.program.obligations.get(name)
        if section == "clauses":
            return next((c for c in self.program.clauses if c.name.endswith(name)), None)
        return self.program.terms.get(name)

    def provisions(self, docs: list[YamlDoc], renames: list[dict[str, str]]) -> list[Provision]:
        """The provisions of a chain of files (body first), merged by id in the first file's order."""
        merged: dict[str, Provision] = {}
        for doc, names in zip(docs, renames, strict=True):
            for pid, block in (doc.data.get("provisions") or {}).items():
                where: Path_ = ("provisions", pid)
                provision = merged.get(pid)
                if provision is None:
                    anchor = self.unique(self.anchor(pid))
                    provision = merged[pid] = Provision(pid, anchor, block.get("title"))
                provision.title = provision.title or block.get("title")
                sentences = [(block.get("text"), block, where)]
                sentences += [(q.get("text"), q, (*where, "quotes", i))
                              for i, q in enumerate(block.get("quotes") or [])]
                for text, part, at in sentences:
                    entries = [self.entry(doc, section, name, (*at, section, name), data or {}, text, names)
                               for section in ENTRY_SECTIONS
                               for name, data in (part.get(section) or {}).items()]
                    if text or entries:
                        provision.sentences.append(Sentence(text, doc.path, entries))
                for i, ref in enumerate(block.get("references") or []):
                    provision.references.append(Reference(
                        str(ref["says"]), str(ref["means"]), "#" + self.anchor(str(ref["means"])),
                        str(ref["text"]), ref.get("note"),
                        self.findings.take(doc, (*where, "references", i))))
                provision.findings += self.findings.take(doc, where)
        cited: dict[str, Provision] = {}
        for provision in merged.values():  # provisions only cited get an anchor, saying who cites them
            for sentence in provision.sentences:
                for entry in sentence.entries:
                    for pid, _ in entry.cites:
                        if pid not in merged:
                            cited.setdefault(pid, Provision(pid, self.unique(self.anchor(pid)), None))
                            cited[pid].cited_by.append(f"{entry.name} ({provision.id})")
        return [*merged.values(), *cited.values()]

    def charts(self, docs: list[YamlDoc], renames: list[dict[str, str]]) -> list[RenderedEntry]:
        out = []
        for doc, names in zip(docs, renames, strict=True):
            for name, data in (doc.data.get("charts") or {}).items():
                out.append(self.entry(doc, "charts", name, ("charts", name), data, None, names))
        return out


def _chain(program: Program) -> tuple[list[YamlDoc], list[dict[str, str]]]:
    """The files of a program, body first, and for each the renames that the files after it make."""
    docs: list[YamlDoc] = []
    walk: Program | None = program
    while walk is not None:
        if not docs or walk.doc is not docs[0]:
            docs.insert(0, walk.doc)
        walk = walk.parent
    renames = []
    for i in range(len(docs)):
        names: dict[str, str] = {}
        for later in docs[i + 1:]:
            step = dict(later.data.get("rename") or {})
            names = {**{k: step.get(v, v) for k, v in names.items()}, **{k: v for k, v in step.items()
                                                                          if k not in names}}
        renames.append(names)
    return docs, renames


def chain_paths(program: Program) -> list[str]:
    """The files a program is written in: its own and those of the bodies it extends."""
    return [doc.path for doc in _chain(program)[0]]


def _document(program: Program, final: Program, keys: list[str], findings: _Findings,
              used: set[str], base: list[str], own_only: bool = False) -> Document:
    renderer = _Renderer(program, final, keys, findings, used, base)
    docs, renames = _chain(program)
    if own_only:  # a deal's own entries: its documents are rendered apart
        docs, renames = docs[-1:], renames[-1:]
    meta = dict(program.document)
    return Document("/".join(keys), program.title, [d.path for d in docs], meta,
                    renderer.provisions(docs, renames), renderer.charts(docs, renames))


def literate(programs: list[Program]) -> list[Document]:
    """The literate form of each program (a deal with its documents), lint's findings in place."""
    problems = lint(programs, {})
    findings = _Findings(problems)
    used: set[str] = set()
    out = []
    for program in programs:
        keys = [Path(program.path).stem] if len(programs) > 1 else []
        documents = [_document(d, program, [*keys, short], findings, used, keys)
                     for short, d in program.documents.items()]
        document = _document(program, program, keys, findings, used, keys, own_only=bool(documents))
        document.documents = documents
        out.append(document)
    if out:
        out[-1].findings = findings.rest()
    return out


def contract_html(programs: list[Program]) -> str:
    """The literate contract of ``programs`` as one HTML page."""
    documents = literate(programs)
    title = documents[0].title if len(documents) == 1 else " · ".join(d.title for d in documents)
    return environment().get_template("contract.html.j2").render(title=title, documents=documents)


def contract_markdown(programs: list[Program]) -> str:
    """The literate contract of ``programs`` as Markdown: a heading per provision (with its anchor),
    each sentence quoted, its entries as lists, formulas as code."""
    documents = literate(programs)
    out = [f"# {' · '.join(d.title for d in documents)}", "",
           "The literate contract: each provision's sentences beside the entries that encode them "
           "(`clause render`).", ""]
    for document in documents:
        out += _markdown_document(document, 2)
    return "\n".join(out).rstrip("\n") + "\n"


def _markdown_document(d: Document, level: int) -> list[str]:
    out = [f"{'#' * level} {d.title}", "",
           f"{d.meta.get('title', d.title)}; files: {', '.join(f'`{f}`' for f in d.files)}.", ""]
    for sub in d.documents:
        out += _markdown_document(sub, level + 1)
    for p in d.provisions:
        anchor = f' <a id="{p.anchor}"></a>' if p.anchor else ""
        out += [f"{'#' * (level + 1)} {p.id}{f' · {p.title}' if p.title else ''}{anchor}", ""]
        out += _markdown_findings(p.findings)
        if p.cited_by:
            out += [f"No entries of its own; cited by {', '.join(p.cited_by)}.", ""]
        for s in p.sentences:
            if s.text:
                out += [f"> {' '.join(s.text.split())}", ""]
            for e in s.entries:
                out += _markdown_entry(e)
        for r in p.references:
            note = f" ({r.note})" if r.note else ""
            out += [f"- cross-reference: “{r.says}” means [{r.means}]({r.href}){note}", ""]
            out += _markdown_findings(r.findings)
    if d.charts:
        out += [f"{'#' * (level + 1)} Charts a report draws", ""]
        for e in d.charts:
            out += _markdown_entry(e)
    if d.findings:
        out += [f"{'#' * (level + 1)} Other findings", "", *_markdown_findings(d.findings)]
    return out


def _markdown_entry(e: RenderedEntry) -> list[str]:
    facts = [e.section, *([e.type] if e.type else []), *(f"[{pid}]({href})" for pid, href in e.cites)]
    marks = ([f"*{e.status}*"] if e.status else []) + (["**assumption**"] if e.assumption else [])
    written = f" (written `{e.written}`)" if e.written != e.name else ""
    out = [f"- **`{e.name}`**{written} — {', '.join(facts)}{''.join(' — ' + m for m in marks)} ({e.place})"]
    for line in (f"> {e.text}" if e.text else "", e.description or "",
                 f"**Question.** {e.question}" if e.question else ""):
        if line:
            out += ["", f"  {' '.join(line.split())}"]
    if e.choices or e.fields:
        out.append("")
    out += [f"  - `{c.name}`{' (default)' if c.default else ''}: {_code(c.formula)} — {c.reason}"
            for c in e.choices]
    out += [f"  - {f.key}: {_code(f)}" for f in e.fields]
    if e.assumption:
        out += ["", f"  **Assumption.** {e.assumption}"]
    if e.note:
        out += ["", f"  *{' '.join(e.note.split())}*"]
    out.append("")
    return out + _markdown_findings(e.findings, "  ")


def _code(f: Field) -> str:
    if f.items:
        return "; ".join(f"{item.key + ': ' if item.key else ''}{_code(item)}" for item in f.items)
    return "`" + " ".join(f.text.split()).replace("`", "'") + "`"


def _markdown_findings(findings: list[Finding], pad: str = "") -> list[str]:
    out = []
    for f in findings:
        out += [f"{pad}> **lint {f.severity}** at `{f.place}`: {f.message}",
                *(f"{pad}> note: {n}" for n in f.notes), ""]
    return out
