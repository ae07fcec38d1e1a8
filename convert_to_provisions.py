"""One-off: rewrite contract files laid out by section into provision-first files.

Each entry moves, as written (its lines re-indented, comments and quoting kept), into the
block of the first provision it cites; its other sources become ``cites``. A provision
quotes once the sentence most of its entries encode; an entry that encodes another keeps
it as its own ``text``, and a sentence several entries encode becomes a ``quotes`` item
holding them. Cross-references move into the provision they are written in; clauses get
``before`` where the new order would change the order in which they run on an event.

    python convert_to_provisions.py INVENTORY FILE...
"""

from __future__ import annotations

import re
import shutil
import sys
from collections import Counter
from pathlib import Path

import yaml

SECTIONS = ("market", "parameters", "inputs", "definitions", "interpretations", "state", "events",
            "clauses")
QUOTING = ("parameters", "definitions", "interpretations", "clauses")
ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}


def roman(text: str) -> int | None:
    t = text.lower()
    if not t or any(ch not in ROMAN for ch in t):
        return None
    total = 0
    for a, b in zip(t, t[1:] + " ", strict=True):
        total += -ROMAN[a] if b in ROMAN and ROMAN[b] > ROMAN[a] else ROMAN[a]
    return total


def natural(pid: str) -> tuple[object, ...]:
    """A provision id's place in its document: sections, then dotted parts, then (items)."""
    prefix, _, rest = pid.partition(" ")
    head, _, items = rest.partition("(")
    key: list[tuple[int, int]] = []
    for n, part in enumerate(head.split(".")):
        value = roman(part) if n == 0 and not part.isdigit() else None
        if n == 0 and not part.isdigit() and not value:
            key.append((-1, 0))  # a preamble comes before the numbered sections
        else:
            key.append((0, int(part)) if part.isdigit() else (0, value) if value else (1, ord(part[0])))
    lettered = "." in head and not head.split(".")[-1].isdigit()
    for depth, item in enumerate(re.findall(r"\(([^)]*)\)", "(" + items if items else "")):
        if item.isdigit():
            key.append((0, int(item)))
        elif (depth > 0 or lettered) and roman(item):
            key.append((0, roman(item) or 0))
        else:
            key.append((1, ord(item[0].lower())))
    return (prefix, *key)


def inventory(path: Path) -> dict[str, tuple[int, str]]:
    rows: dict[str, tuple[int, str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.split("|")]
        if len(cells) > 3 and re.fullmatch(r"[A-Z]+ \S.*", cells[1]) and cells[1] != "id":
            rows.setdefault(cells[1], (len(rows), cells[2]))
    return rows


class Source:
    """A YAML file's text and node tree."""

    def __init__(self, path: Path) -> None:
        self.text = path.read_text(encoding="utf-8")
        self.lines = self.text.splitlines()
        self.root = yaml.compose(self.text)

    def pairs(self, node: yaml.MappingNode) -> list[tuple[str, yaml.Node, yaml.Node]]:
        return [(k.value, k, v) for k, v in node.value]

    def block(self, start_line: int, end_line: int) -> list[str]:
        """Lines start_line..end_line-1 without trailing blank and comment lines."""
        lines = self.lines[start_line:end_line]
        while lines and (not lines[-1].strip() or lines[-1].lstrip().startswith("#")):
            lines.pop()
        return lines

    def pair_lines(self, pairs: list[tuple[str, yaml.Node, yaml.Node]], i: int, end: int) -> list[str]:
        start = pairs[i][1].start_mark.line
        stop = pairs[i + 1][1].start_mark.line if i + 1 < len(pairs) else end
        return self.block(start, stop)

    def value_end_line(self, node: yaml.Node) -> int:
        end = node.end_mark
        return end.line + (1 if end.column > 0 else 0)


def shift(lines: list[str], by: int) -> list[str]:
    return [(" " * by + line) if line.strip() else "" for line in lines]


def entry_lines(src: Source, section_pairs, i: int, end: int, drop: set[str], extra: list[str],
                indent: int) -> list[str]:
    """An entry's lines without the fields in ``drop``, with ``extra`` fields, at ``indent``."""
    name, key, value = section_pairs[i]
    if isinstance(value, yaml.MappingNode) and value.flow_style:
        parts = [src.text[k.start_mark.index:v.end_mark.index] for k, v in value.value
                 if k.value not in drop]
        parts += [x.strip() for x in extra]
        return [" " * indent + f"{name}: {{{', '.join(parts)}}}"]
    fields = src.pairs(value)
    stop = section_pairs[i + 1][1].start_mark.line if i + 1 < len(section_pairs) else end
    head = src.lines[key.start_mark.line]
    base = key.start_mark.column
    out = [" " * indent + head[base:]]
    field_lines: list[str] = []
    for j, (fname, _, _) in enumerate(fields):
        if fname in drop:
            continue
        field_lines += src.pair_lines(fields, j, stop)
    field_indent = fields[0][1].start_mark.column if fields else base + 2
    out += shift([ln[base:] if ln.strip() else "" for ln in field_lines], indent)
    out += [" " * (indent + field_indent - base) + x.strip() for x in extra]
    return out


def norm(text: object) -> str:
    return " ".join(str(text).split())


def text_field_lines(src: Source, value: yaml.MappingNode, end: int) -> list[str]:
    fields = src.pairs(value)
    j = next(j for j, f in enumerate(fields) if f[0] == "text")
    lines = src.pair_lines(fields, j, src.value_end_line(value) if value.flow_style else end)
    col = fields[j][1].start_mark.column
    if value.flow_style:
        k, v = fields[j][1], fields[j][2]
        return ["text: " + src.text[v.start_mark.index:v.end_mark.index]]
    return [ln[col:] if ln.strip() else "" for ln in lines]


def convert(path: Path, rows: dict[str, tuple[int, str]], before: dict[str, list[str]],
            inherited: dict[str, str]) -> str:
    src = Source(path)
    top = src.pairs(src.root)
    end_of_file = len(src.lines)
    starts = [k.start_mark.line for _, k, _ in top] + [end_of_file]
    # Comments above a key belong to it.
    lead = []
    for n, (_, k, _) in enumerate(top):
        line = k.start_mark.line
        while line > 0 and src.lines[line - 1].lstrip().startswith("#") and (
                n == 0 or line - 1 >= starts[n - 1] + 1):
            line -= 1
        lead.append(line)
    header: list[str] = src.lines[:lead[0]]
    entries = []  # (pid, section, text, lines-builder)
    references: dict[str, list[list[str]]] = {}
    listed: list[str] = []
    first_lead = None
    for n, (name, key, value) in enumerate(top):
        stop = lead[n + 1] if n + 1 < len(top) else end_of_file
        if name in SECTIONS:
            pairs = src.pairs(value)
            for i, (ename, ekey, evalue) in enumerate(pairs):
                entry_stop = pairs[i + 1][1].start_mark.line if i + 1 < len(pairs) else stop
                fields = {f: v for f, _, v in src.pairs(evalue)}
                source = yaml.safe_load(src.text[fields["source"].start_mark.index:
                                                 fields["source"].end_mark.index]) \
                    if fields["source"].start_mark.index != fields["source"].end_mark.index else None
                source = [source] if isinstance(source, str) else list(source)
                text = None
                if "text" in fields:
                    text = yaml.safe_load(src.text[fields["text"].start_mark.index:
                                                   fields["text"].end_mark.index])
                    if fields["text"].style in ("|", ">"):
                        text = fields["text"].value
                    else:
                        text = fields["text"].value
                keep = not (text is not None and inherited.get(ename) == norm(text))
                entries.append(dict(keep=keep, own_text=text, pid=source[0], cites=source[1:], section=name, name=ename,
                                    text=text, pairs=pairs, i=i, end=entry_stop, src=src, value=evalue))
            first_lead = first_lead if first_lead is not None else lead[n]
        elif name == "references":
            for m, item in enumerate(value.value):
                fields = src.pairs(item)
                within = next(v.value for f, _, v in fields if f == "in")
                item_end = value.value[m + 1].start_mark.line if m + 1 < len(value.value) else stop
                groups: list[str] = []
                for j, (fname, _, _) in enumerate(fields):
                    if fname == "in":
                        continue
                    groups += src.pair_lines(fields, j, item_end)
                col = fields[0][1].start_mark.column
                references.setdefault(within, []).append([ln[col:] if ln.strip() else "" for ln in groups])
        elif name == "provisions":
            listed += [v.value for v in value.value]
        else:
            header += src.lines[lead[n]:stop] if n + 1 < len(top) else src.block(lead[n], stop)
            while header and not header[-1].strip():
                header.pop()
            header.append("")
    # Provisions in the document's order.
    pids: list[str] = []
    for e in entries:
        if e["pid"] not in pids:
            pids.append(e["pid"])
    pids += [p for p in dict.fromkeys([*listed, *references]) if p not in pids]
    prefixes: list[str] = []
    for p in pids:
        pre = p.split(" ")[0]
        if pre not in prefixes:
            prefixes.append(pre)
    pids.sort(key=lambda p: (prefixes.index(p.split(" ")[0]), natural(p)))
    out = list(header)
    while out and not out[-1].strip():
        out.pop()
    out += ["", "provisions:"]
    for pid in pids:
        mine = [e for e in entries if e["pid"] == pid]
        # An entry keeps the quote of the one it replaces only where the provision quotes nothing else.
        others = any(e["keep"] and e["own_text"] is not None for e in mine)
        for e in mine:
            e["keep"] = e["keep"] or others
            e["text"] = e["own_text"] if e["keep"] else None
        texts = [norm(e["text"]) for e in mine if e["section"] in QUOTING and e["text"] is not None]
        counts = Counter(texts)
        principal = max(counts, key=lambda t: (counts[t], -texts.index(t))) if texts else None
        shared = [t for t in dict.fromkeys(texts) if t != principal and counts[t] > 1]
        out.append("")
        out.append(f"  {pid}:")
        if pid in rows:
            title = rows[pid][1]
            out.append(f"    title: {yaml.safe_dump(title, width=10**6, allow_unicode=True).strip().removesuffix('...').strip()}")
        if principal is not None:
            holder = next(e for e in mine if e["text"] is not None and norm(e["text"]) == principal)
            out += shift(text_field_lines(holder["src"], holder["value"], holder["end"]), 4)

        def emit(group: list[dict], indent: int) -> list[str]:
            lines: list[str] = []
            for section in SECTIONS:
                these = [e for e in group if e["section"] == section]
                if not these:
                    continue
                lines.append(" " * indent + f"{section}:")
                for e in these:
                    drop = {"source"} if e["keep"] else {"source", "text"}
                    if e["text"] is not None and (norm(e["text"]) == principal or norm(e["text"]) in shared):
                        drop.add("text")
                    extra = []
                    if e["cites"]:
                        extra.append(f"cites: [{', '.join(e['cites'])}]")
                    if before.get(e["name"]) and section == "clauses":
                        extra.append(f"before: {before[e['name']][0]}" if len(before[e["name"]]) == 1
                                     else f"before: [{', '.join(before[e['name']])}]")
                    lines += entry_lines(e["src"], e["pairs"], e["i"], e["end"], drop, extra, indent + 2)
            return lines

        direct = [e for e in mine if not (e["text"] is not None and norm(e["text"]) in shared)]
        out += emit(direct, 4)
        if shared:
            out.append("    quotes:")
            for t in shared:
                group = [e for e in mine if e["text"] is not None and norm(e["text"]) == t]
                holder = group[0]
                tl = text_field_lines(holder["src"], holder["value"], holder["end"])
                tl = shift(tl, 8)
                tl[0] = "      - " + tl[0].lstrip()
                out += tl
                out += emit(group, 8)
        if pid in references:
            out.append("    references:")
            for ref in references[pid]:
                lines = shift(ref, 8)
                lines[0] = "      - " + lines[0].lstrip()
                out += lines
        if not mine and pid not in references and principal is None and pid not in rows:
            out[-1] += " {}"
        elif not mine and pid not in references and principal is None:
            pass
    return "\n".join(out) + "\n"


def main() -> None:
    """Convert the files named, adding ``before`` until every event runs its clauses as before."""
    rows = inventory(Path(sys.argv[1]))
    files = [Path(f) for f in sys.argv[2:]]
    old, new = Path("/tmp/convert-old"), Path("/tmp/convert-new")
    for folder in (old, new):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
    for path in files:
        shutil.copy(path, old / path.name)
    before: dict[str, dict[str, list[str]]] = {p.name: {} for p in files}
    inherited: dict[str, dict[str, str]] = {}
    for path in files:
        from interpreter.loader import load_program

        parent = load_program(old / path.name).parent
        inherited[path.name] = {} if parent is None else {
            **{n: norm(t.text) for n, t in parent.terms.items() if t.text},
            **{c.name: norm(c.text) for c in parent.clauses if c.text}}
    for _ in range(50):
        for path in files:
            text = convert(old / path.name, rows, before[path.name], inherited[path.name])
            (new / path.name).write_text(text, encoding="utf-8")
        changed = False
        for path in files:
            a, b = summary(old / path.name)["order"], summary(new / path.name)["order"]
            own = set(yaml.safe_load((old / path.name).read_text()).get("clauses") or {})
            for event, want in a.items():
                got = b[event]
                i = next((i for i, (x, y) in enumerate(zip(want, got, strict=True)) if x != y), None)
                if i is not None and want[i].split(".")[-1] in own:
                    before[path.name].setdefault(want[i], []).append(got[i])
                    changed = True
                    break
        if not changed:
            break
    for path in files:
        shutil.copy(new / path.name, path)


def summary(path: Path) -> dict[str, object]:
    """What a loaded program says, position aside: the basis of the equivalence check."""
    from interpreter.checker import load_checked

    program = load_checked(str(path))

    def formula(f: object) -> str | None:
        return None if f is None else f.text  # type: ignore[attr-defined]

    terms = {n: (t.kind, str(t.type), t.sources, t.text, t.description, [formula(f) for f in t.formulas()],
                 t.default_choice, t.question, t.column, t.assumption, t.deadline_of, t.answers, t.unused,
                 t.origin, {c: ch.reason for c, ch in t.choices.items()})
             for n, t in program.terms.items()}
    events = {n: (e.date_inputs, e.fields, e.sources, e.description) for n, e in program.events.items()}
    clauses = [(c.name, c.on, formula(c.when), c.compute, c.sources, c.text,
                [(e.kind, formula(e.target), {k: formula(f) for k, f in e.formulas.items()}, e.label,
                  {k: formula(f) for k, f in e.fields.items()}, e.for_each, formula(e.when), e.sources)
                 for e in c.effects]) for c in program.clauses]
    by_event: dict[str, list[str]] = {}
    for c in program.clauses:
        by_event.setdefault(c.on, []).append(c.name)
    references = sorted((r.within, r.says, r.means, r.text) for r in program.references)
    return {"terms": terms, "events": events, "clauses": sorted(map(repr, clauses)),
            "order": by_event, "references": references, "title": program.title,
            "document": program.document, "issue_date": program.issue_date,
            "calendars": (program.business_holidays, program.exchange), "cited": sorted(program.cited()),
            "provisions": sorted({p for p, _ in program.provisions} | program.cited())}


def check(old: Path, new: Path) -> int:
    """Compare every program of ``old`` (a folder) with its namesake in ``new``; print differences."""
    bad = 0
    for path in sorted(old.glob("*.yaml")):
        a, b = summary(path), summary(new / path.name)
        for key in a:
            if a[key] != b[key]:
                bad += 1
                if isinstance(a[key], dict):
                    for k in set(a[key]) | set(b[key]):  # type: ignore[arg-type]
                        if a[key].get(k) != b[key].get(k):  # type: ignore[union-attr]
                            print(path.name, key, k, a[key].get(k), "!=", b[key].get(k))  # type: ignore
                else:
                    print(path.name, key, a[key], "!=", b[key])
    print("equivalent" if not bad else f"{bad} differences")
    return bad


if __name__ == "__main__":
    if sys.argv[1] == "--check":
        sys.exit(1 if check(Path(sys.argv[2]), Path(sys.argv[3])) else 0)
    main()
