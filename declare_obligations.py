"""One-off: declare the obligations the contract files create, and name them in owe and settle.

Each distinct ``owe:`` description of a file becomes an obligation declared in the provision
of the clause that first owes it (``what`` is the description; ``unit`` the type of its
amounts; ``debtor`` and ``creditor`` when every owe agrees, which those owes then leave
out); each ``owe``/``settle`` names it. A deal's settle of a document's obligation names it
qualified. Run on the files in dependency order (bodies, documents, then the deal).

    python declare_obligations.py FILE...
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

from interpreter.checker import _Context, _type
from interpreter.loader import load_program

STOP = {"the", "of", "a", "an", "to", "for", "by", "on", "in", "and", "with", "its", "as", "if",
        "from", "s"}


def slug(label: str) -> str:
    words = [w for w in re.findall(r"[a-z0-9]+", label.lower()) if w not in STOP]
    return "_".join(words[:5]) or "obligation"


def effects(node: yaml.Node, path: tuple[object, ...] = ()):
    """(provision-or-quote node, clause effect mapping node) for every effect in the file."""
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if k.value == "clauses" and isinstance(v, yaml.MappingNode):
                for _, clause in v.value:
                    for kk, vv in clause.value:
                        if kk.value == "effects":
                            for effect in vv.value:
                                yield node, effect
            else:
                yield from effects(v, (*path, k.value))
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from effects(item, path)


def field(node: yaml.MappingNode, name: str) -> tuple[yaml.Node, yaml.Node] | None:
    return next(((k, v) for k, v in node.value if k.value == name), None)


def convert(path: Path, known: dict[str, str]) -> None:
    """Rewrite ``path``; ``known`` maps the descriptions a deal's documents declare to their names."""
    text = path.read_text(encoding="utf-8")
    root = yaml.compose(text)
    program = load_program(path)
    units: dict[str, set[str]] = {}
    for clause in program.clauses:
        if clause.doc.path != str(path):
            continue
        for effect in clause.effects:
            if effect.kind == "owe" and "amount" in effect.formulas:
                found = _type(effect.formulas["amount"].node, _Context(program, None, effect.formulas["amount"]))
                units.setdefault(effect.label or "", set()).add(str(found))
    owes: dict[str, list[tuple[yaml.MappingNode, yaml.MappingNode]]] = {}
    settles: list[yaml.MappingNode] = []
    for holder, effect in effects(root):
        if field(effect, "owe"):
            owes.setdefault(field(effect, "owe")[1].value, []).append((holder, effect))
        elif field(effect, "settle"):
            settles.append(effect)
    names: dict[str, str] = {}
    taken = set(program.terms) | set(program.events)
    for label in owes:
        name = slug(label)
        while name in taken:
            name += "_owed"
        names[label] = name
        taken.add(name)
    edits: list[tuple[int, int, str]] = []  # (start, end, replacement), applied from the end
    lines = text.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))

    def drop_field(effect: yaml.MappingNode, key: str) -> None:
        k, v = field(effect, key)  # type: ignore[misc]
        start = offsets[k.start_mark.line]
        pairs = effect.value
        i = next(i for i, (kk, _) in enumerate(pairs) if kk is k)
        end = offsets[pairs[i + 1][0].start_mark.line] if i + 1 < len(pairs) else offsets[v.end_mark.line + (
            1 if v.end_mark.column > 0 else 0)]
        edits.append((start, end, ""))

    declarations: dict[int, tuple[int, list[str]]] = {}  # clauses-key offset → (indent, lines)
    for label, uses in owes.items():
        name = names[label]
        decl = [f"{name}:", f"  what: {yaml.safe_dump(label, width=10**6, allow_unicode=True).strip().removesuffix('...').strip()}"]
        if label in units:
            (unit,) = units[label]
            decl.append(f"  unit: {unit}")
        for key in ("debtor", "creditor"):
            texts = {field(e, key)[1].value if field(e, key) else None for _, e in uses}
            if len(texts) == 1 and None not in texts:
                (formula,) = texts
                decl.append(f"  {key}: {formula}")
                for _, e in uses:
                    drop_field(e, key)
                for e in settles:
                    if field(e, "settle")[1].value == label and key == "creditor" and field(e, key) \
                            and field(e, key)[1].value == formula:
                        drop_field(e, key)
        holder = uses[0][0]
        clauses_key = field(holder, "clauses")[0]
        at = offsets[clauses_key.start_mark.line]
        indent = clauses_key.start_mark.column
        declarations.setdefault(at, (indent, []))[1].extend(decl)
    for label, uses in owes.items():
        for _, effect in uses:
            v = field(effect, "owe")[1]
            edits.append((v.start_mark.index, v.end_mark.index, names[label]))
    for effect in settles:
        v = field(effect, "settle")[1]
        name = names.get(v.value) or known[v.value]
        edits.append((v.start_mark.index, v.end_mark.index, name))
    for at, (indent, decl) in declarations.items():
        block = " " * indent + "obligations:\n" + "".join(" " * (indent + 2) + d + "\n" for d in decl)
        edits.append((at, at, block))
    for start, end, new in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        text = text[:start] + new + text[end:]
    path.write_text(text, encoding="utf-8")


def declared_in_documents(path: Path) -> dict[str, str]:
    """A deal's documents' obligations, by description, qualified by the document's short name."""
    found: dict[str, set[str]] = {}
    for short, file in (yaml.safe_load(path.read_text()).get("documents") or {}).items():
        for obligation in load_program(path.parent / file).obligations.values():
            found.setdefault(obligation.what, set()).add(f"{short}.{obligation.name}")
    return {what: next(iter(names)) for what, names in found.items() if len(names) == 1}


def main() -> None:
    for file in sys.argv[1:]:
        path = Path(file)
        convert(path, declared_in_documents(path))


if __name__ == "__main__":
    main()
