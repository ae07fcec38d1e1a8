"""Hypothesis strategies: formulas from the grammar (with a printer), contract files guided by
the JSON Schema, scenarios, market data, ``--set`` values and JSON-able values.

A formula is generated as a *shape*, the syntax tree without spans in plain tuples, and
printed with just the parentheses its precedence needs; ``shape`` reads a parsed tree back
into the same form, so a printed formula must re-parse to the shape it was printed from.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from interpreter.check.builtins import BUILTINS
from interpreter.rational import Fraction
from interpreter.syntax import ast
from interpreter.syntax.parser import RESERVED

Shape = tuple[Any, ...]

# -- formulas ---------------------------------------------------------------------------------

#: Words a generated name avoids: the language's, the units' and the rounding words.
_WORDS = RESERVED | {"up", "down", "nearest", "to", "cent", "whole", "share", "shares", "day", "days",
                     "year", "years", "trading", "business"}

NAMES = st.from_regex(r"[a-z_][a-z0-9_]{0,8}(\.[a-z_][a-z0-9_]{0,6})?", fullmatch=True).filter(
    lambda n: not (set(n.split(".")) & _WORDS))

_GROUPED = st.integers(0, 10**12).map(lambda n: (f"{n:,}", Fraction(n)))
_PLAIN = st.integers(0, 10**15).map(lambda n: (str(n), Fraction(n)))
_WHOLE = st.one_of(_GROUPED, _PLAIN)


@st.composite
def _number(draw: st.DrawFn) -> tuple[str, Fraction, bool]:
    """A number as written, its value, and whether it has a decimal point."""
    whole, value = draw(_WHOLE)
    if draw(st.booleans()):
        digits = draw(st.from_regex(r"[0-9]{1,6}", fullmatch=True))
        text = f"{whole}.{digits}" if draw(st.booleans()) or whole != "0" else f".{digits}"
        return text, value + Fraction(int(digits), 10 ** len(digits)), True
    return whole, value, False


@st.composite
def literals(draw: st.DrawFn) -> tuple[str, Shape]:
    """A literal's text and its shape: (``lit``, type, value, percent)."""
    text, value, point = draw(_number())
    kind = draw(st.sampled_from(["money", "price", "percent", "number", "shares", "days", "business",
                                 "trading", "years", "date", "time", "text", "curly", "true", "false"]))
    if kind == "money":
        return f"${text}", ("lit", "money", value, False)
    if kind == "price":
        return f"${text} per share", ("lit", "price", value, False)
    if kind == "percent":
        return f"{text}%", ("lit", "ratio", value / 100, True)
    if kind == "number":
        return text, ("lit", "ratio" if point else "count", value, False)
    if kind == "shares":
        return f"{text} {'share' if value == 1 else 'shares'}", ("lit", "shares", value, False)
    if kind in ("days", "business", "trading", "years"):
        unit = {"days": "days", "business": "business days", "trading": "trading days",
                "years": "years"}[kind]
        return f"{text} {unit}", ("lit", unit, value, False)
    if kind == "date":
        day = draw(st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)))
        return day.isoformat(), ("lit", "date", day, False)
    if kind == "time":
        hour, minute, half = draw(st.integers(1, 12)), draw(st.integers(0, 59)), draw(st.sampled_from("ap"))
        value_time = dt.time(hour % 12 + (12 if half == "p" else 0), minute)
        return f"{hour}:{minute:02d} {half}.m.", ("lit", "time", value_time, False)
    if kind in ("text", "curly"):
        words = draw(st.text(st.characters(codec="utf-8", exclude_characters='"“”\n\r\x00'), max_size=12))
        quoted = f'"{words}"' if kind == "text" else f"“{words}”"
        return quoted, ("lit", "text", words, False)
    return kind, ("lit", "boolean", kind == "true", False)


# Precedence levels, loosest first, as in grammar/clause.lark.
IF, OR, AND, NOT, COMPARE, SUM, PRODUCT, UNARY, POSTFIX, ATOM = range(10)

Printed = tuple[str, Shape, int]  # text, shape, level


def _at_least(item: Printed, level: int) -> str:
    text, _, own = item
    return text if own >= level else f"({text})"


_KINDS = ["sum", "product", "or", "and", "not", "compare", "minus", "round", "if", "index", "call", "total"]


@st.composite
def _printed(draw: st.DrawFn, depth: int) -> Printed:
    """A formula of at most ``depth`` levels above its leaves, every kind as likely as another."""
    if depth == 0 or draw(st.integers(0, 4)) == 0:
        if draw(st.booleans()):
            text, lit = draw(literals())
            return text, lit, ATOM
        name = draw(NAMES)
        return name, ("name", name), ATOM
    kind = draw(st.sampled_from(_KINDS))
    child = _printed(depth - 1)
    if kind in ("sum", "product", "or", "and"):
        items = draw(st.lists(child, min_size=2, max_size=4))
        if kind in ("or", "and"):
            level = OR if kind == "or" else AND
            return (f" {kind} ".join(_at_least(i, level + 1) for i in items),
                    ("logical", kind, tuple(i[1] for i in items)), level)
        level = SUM if kind == "sum" else PRODUCT
        ops = draw(st.lists(st.sampled_from("+-" if kind == "sum" else "*/"), min_size=len(items) - 1,
                            max_size=len(items) - 1))
        written = [draw(st.sampled_from({"*": "*×", "/": "/÷"}.get(op, op))) for op in ops]
        text = _at_least(items[0], level + 1) + "".join(
            f" {w} {_at_least(item, level + 1)}" for w, item in zip(written, items[1:], strict=True))
        return text, ("arith", tuple(ops), tuple(i[1] for i in items)), level
    if kind == "not":
        operand = draw(child)
        return f"not {_at_least(operand, NOT)}", ("not", operand[1]), NOT
    if kind == "compare":
        left, right = draw(child), draw(child)
        op = draw(st.sampled_from(["<", "<=", ">", ">=", "=", "!=", "≤", "≥", "≠"]))
        canonical = {"≤": "<=", "≥": ">=", "≠": "!="}.get(op, op)
        return (f"{_at_least(left, SUM)} {op} {_at_least(right, SUM)}",
                ("compare", canonical, left[1], right[1]), COMPARE)
    if kind == "minus":
        operand = draw(child)
        return f"- {_at_least(operand, UNARY)}", ("neg", operand[1]), UNARY
    if kind == "round":
        direction = draw(st.sampled_from([None, "up", "down", "nearest"]))
        step = draw(st.sampled_from([None, "cent", "whole"]))
        operand = draw(child)
        words = ["round", *([direction] if direction else []), *([f"to {step}"] if step else [])]
        return (" ".join([*words, _at_least(operand, UNARY)]),
                ("round", direction or "nearest", step or "whole", operand[1]), UNARY)
    if kind == "if":
        condition, then, otherwise = draw(child), draw(child), draw(child)
        return (f"if {condition[0]} then {then[0]} else {otherwise[0]}",
                ("if", condition[1], then[1], otherwise[1]), IF)
    if kind == "index":
        target, index = draw(child), draw(child)
        return f"{_at_least(target, POSTFIX)}[{index[0]}]", ("index", target[1], index[1]), POSTFIX
    if kind == "call":
        function = draw(st.one_of(NAMES, st.sampled_from(sorted(BUILTINS))))
        args = draw(st.lists(child, max_size=3))
        keywords = draw(st.lists(st.tuples(NAMES, child), max_size=2, unique_by=lambda kv: kv[0]))
        written = [*(_at_least(a, SUM) for a in args), *(f"{k} = {v[0]}" for k, v in keywords)]
        return (f"{function}(" + ", ".join(written) + ")",
                ("call", function, tuple(a[1] for a in args), tuple((k, v[1]) for k, v in keywords)), ATOM)
    mode, term, day = draw(st.sampled_from(["total", "least", "greatest"])), draw(NAMES), draw(NAMES)
    start, end = draw(child), draw(child)
    return (f"{mode} {term} for each {day} from {start[0]} through {end[0]}",
            ("total", mode, term, day, start[1], end[1]), IF)


#: A formula's text and shape: the grammar's every form, up to four levels above its leaves.
formulas: st.SearchStrategy[tuple[str, Shape]] = _printed(4).map(lambda p: (p[0], p[1]))


def shape(node: ast.Node) -> Shape:
    """A parsed tree as the strategies write it: no spans, no types, plain tuples."""
    if isinstance(node, ast.Literal):
        return ("lit", str(node.literal_type), node.value, node.percent)
    if isinstance(node, ast.Name):
        return ("name", node.name)
    if isinstance(node, ast.Arithmetic):
        return ("arith", tuple(node.ops), tuple(shape(o) for o in node.operands))
    if isinstance(node, ast.Logical):
        return ("logical", node.op, tuple(shape(o) for o in node.operands))
    if isinstance(node, ast.Not):
        return ("not", shape(node.operand))
    if isinstance(node, ast.Negate):
        return ("neg", shape(node.operand))
    if isinstance(node, ast.Compare):
        return ("compare", node.op, shape(node.left), shape(node.right))
    if isinstance(node, ast.Round):
        return ("round", node.direction, node.step, shape(node.operand))
    if isinstance(node, ast.If):
        return ("if", shape(node.condition), shape(node.then), shape(node.otherwise))
    if isinstance(node, ast.Index):
        return ("index", shape(node.target), shape(node.index))
    if isinstance(node, ast.Call):
        return ("call", node.function, tuple(shape(a) for a in node.args),
                tuple((k.name, shape(k.value)) for k in node.keywords))
    assert isinstance(node, ast.Total)
    return ("total", node.mode, node.term, node.day, shape(node.start), shape(node.end))


# -- files ------------------------------------------------------------------------------------

TYPES = ["money", "price", "shares", "count", "ratio", "days", "business days", "trading days", "years",
         "date", "time", "boolean", "party", "text", "one of low, high", "shares by party",
         "list of money", "series of price", "money by party"]

#: Values as people type them (``--set``, a scenario) and as files write them, right and wrong.
values = st.one_of(
    literals().map(lambda lit: lit[0]),
    st.sampled_from(["1,000", "$6.03", "-5", "0", "1999-02-30", "10^5000", "1e400", "nan", "inf", "true",
                     "low", "high", "medium", "$", "%", "1,25", "--5", "1" * 120, "$" + "9" * 200,
                     "1999-08-02", "12:00 p.m.", "13:00 p.m.", "", " ", "CC Investments"]),
    st.text(max_size=20))

#: A formula's text, mostly from the grammar, sometimes any text at all.
formula_texts = st.one_of(formulas.map(lambda f: f[0]), formulas.map(lambda f: f[0]), st.text(max_size=30))

_ENTRY_NAMES = st.sampled_from(["a", "b", "c", "d_day", "n", "p", "q", "r", "shares_held", "when",
                                "x.y", "if", "sum"])


def _quote(text: str) -> str:
    """A YAML double-quoted scalar holding ``text`` exactly."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    escaped = "".join(ch if ch.isprintable() or ch in "\\" else f"\\U{ord(ch):08x}" for ch in escaped)
    return f'"{escaped}"'


#: Literals of the types a well-typed contract uses, as a formula writes them.
typed_literals: dict[str, st.SearchStrategy[str]] = {
    "money": st.integers(0, 10**9).map(lambda c: f"${c // 100:,}.{c % 100:02d}"),
    "price": st.integers(1, 10**6).map(lambda c: f"${c // 100}.{c % 100:02d} per share"),
    "shares": st.integers(0, 10**7).map(lambda n: f"{n:,} shares"),
    "count": st.integers(0, 1000).map(str),
    "ratio": st.one_of(st.integers(0, 300).map(lambda n: f"{n}%"),
                       st.integers(0, 999).map(lambda n: f".{n:03d}")),
    "days": st.integers(0, 3000).map(lambda n: f"{n} days"),
    "date": st.dates(dt.date(1990, 1, 1), dt.date(2010, 12, 31)).map(dt.date.isoformat),
    "boolean": st.sampled_from(["true", "false"]),
}


def _forms(*written: str) -> list[tuple[str, tuple[str, ...]]]:
    """Formulas as ``"{money} + {money}"``: the form, and the type of each operand."""
    return [(re.sub(r"\{\w+\}", "{}", form), tuple(re.findall(r"\{(\w+)\}", form))) for form in written]


#: Formulas of each type from operands of given types.
_TYPED_FORMS: dict[str, list[tuple[str, tuple[str, ...]]]] = {
    "money": _forms("{money} + {money}", "{money} - {money}", "{price} × {shares}", "{money} × {ratio}",
                    "round to cent ({money})", "-{money}", "lesser_of({money}, {money})", "abs({money})",
                    "{money} / {count}"),
    "price": _forms("{money} / {shares}", "{price} × {ratio}", "round up to cent ({price})",
                    "greater_of({price}, {price})"),
    "shares": _forms("{money} / {price}", "{shares} + {shares}", "round down ({shares})",
                     "{count} × 1 share"),
    "count": _forms("{count} + {count}", "{count} × {count}"),
    "ratio": _forms("{money} / {money}", "{ratio} × {ratio}", "{days} / {days}", "{ratio} - {count}",
                    "{shares} / 1 share"),
    "days": _forms("{date} - {date}", "{days} + {days}"),
    "date": _forms("{date} + 30 days", "{date} + 3 business days", "{date} - 1 day",
                   "greater_of({date}, {date})", "{date} + 2 years"),
    "boolean": _forms("{money} < {money}", "{date} >= {date}", "{boolean} and {boolean}", "not {boolean}",
                      "{shares} = {shares}", "is_business_day({date})", "{boolean} or {boolean}"),
}


def _typed(draw: st.DrawFn, type_: str, known: dict[str, list[str]], depth: int) -> str:
    """A formula of ``type_`` over the names ``known`` (by type), ``depth`` levels at most."""
    choice = draw(st.integers(0, 5)) if depth > 0 else 0
    if choice == 0 or (choice == 1 and not known.get(type_)):
        return draw(typed_literals[type_])
    if choice == 1:
        return draw(st.sampled_from(known[type_]))
    if choice == 2:
        condition, then = _typed(draw, "boolean", known, depth - 1), _typed(draw, type_, known, depth - 1)
        return f"(if {condition} then {then} else {_typed(draw, type_, known, depth - 1)})"
    form, operands = draw(st.sampled_from(_TYPED_FORMS[type_]))
    return "(" + form.format(*(_typed(draw, t, known, depth - 1) for t in operands)) + ")"


@st.composite
def contract_files(draw: st.DrawFn) -> str:
    """A contract file as YAML text, guided by grammar/contract.schema.json. Most are meant
    to be right: typed parameters, inputs and definitions over them, whose values may still
    divide by zero or leave the calendar; some have one entry spoiled; some are anything."""
    if draw(st.integers(0, 4)) == 0:
        return draw(_any_contract())
    known: dict[str, list[str]] = {}
    entries: dict[str, list[str]] = {"parameters": [], "inputs": [], "definitions": []}
    for i in range(draw(st.integers(1, 8))):
        section = draw(st.sampled_from(["parameters", "inputs", "definitions"])) if i else "parameters"
        type_ = draw(st.sampled_from(sorted(typed_literals)))
        name = f"{type_[:3]}_{i}"
        if section == "parameters":
            value = _quote(draw(typed_literals[type_]))
            entries[section].append(f"      {name}: {{type: {type_}, value: {value}}}")
        elif section == "inputs":
            entries[section].append(f"      {name}: {{type: {type_}, description: an input}}")
        else:
            formula = _typed(draw, type_, known, 3)
            entries[section].append(f"      {name}: {{type: {type_}, formula: {_quote(formula)}}}")
        known.setdefault(type_, []).append(name)
    lines = ["title: generated", "document: {title: T, source: t.txt}",
             "calendars: {business_days: [FED], exchange: XNYS}", "provisions:", "  S 1:", "    text: quoted"]
    for section, written in entries.items():
        if written:
            lines += [f"    {section}:", *written]
    if draw(st.integers(0, 2)) == 0:  # one line spoiled: its value, formula or type replaced by anything
        spoilt = draw(st.sampled_from([n for n, line in enumerate(lines) if line.startswith("      ")]))
        key = draw(st.sampled_from(["value", "formula", "type", "description"]))
        lines[spoilt] = lines[spoilt].split(":")[0] + f": {{{key}: {_quote(draw(formula_texts))}}}"
    return "\n".join(lines) + "\n"


@st.composite
def _any_contract(draw: st.DrawFn) -> str:
    """A contract file of any entries, of any types, with any values and formulas."""
    lines = [f"title: {_quote(draw(st.text(min_size=0, max_size=10)))}",
             "document: {title: T, source: t.txt}"]
    if draw(st.booleans()):
        lines.append("calendars: {business_days: [" + ", ".join(draw(st.lists(
            st.sampled_from(["FED", "XNYS", "US", "ZZ", "nowhere"]), max_size=2))) + "]"
            + draw(st.sampled_from(["", ", exchange: XNAS", ", exchange: XXXX"])) + "}")
    if draw(st.booleans()):
        lines.append(f"issue_date: {draw(_ENTRY_NAMES)}")
    lines.append("provisions:")
    for number in range(draw(st.integers(1, 3))):
        lines.append(f"  {draw(st.sampled_from(['S', 'COD', 'W']))} {number}.{draw(st.integers(0, 9))}:")
        if draw(st.booleans()):
            lines.append(f"    text: {_quote(draw(st.text(min_size=1, max_size=20)))}")
        for section in draw(st.lists(st.sampled_from(["parameters", "inputs", "definitions",
                                                      "interpretations", "state", "market"]),
                                     unique=True, max_size=4)):
            lines.append(f"    {section}:")
            for name in draw(st.lists(_ENTRY_NAMES, unique=True, min_size=1, max_size=3)):
                lines.extend(_entry(draw, section, name))
    return "\n".join(lines) + "\n"


def _entry(draw: st.DrawFn, section: str, name: str) -> list[str]:
    type_ = draw(st.sampled_from(TYPES))
    head = [f"      {name}:", f"        type: {type_}"]
    if section == "parameters":
        return [*head, f"        value: {_quote(draw(values))}"]
    if section == "inputs":
        extra = [f"        default: {_quote(draw(formula_texts))}"] if draw(st.booleans()) else []
        bounds = [f"        at_least: {_quote(draw(values))}"] if draw(st.booleans()) else []
        return [*head, "        description: an input", *extra, *bounds]
    if section == "definitions":
        given = ["        given: {d_day: date}"] if draw(st.booleans()) else []
        return [*head, f"        formula: {_quote(draw(formula_texts))}", *given]
    if section == "interpretations":
        return [*head, "        question: which?", "        default: one", "        choices:",
                f"          one: {{formula: {_quote(draw(formula_texts))}, reason: r}}",
                f"          two: {{formula: {_quote(draw(formula_texts))}, reason: r}}"]
    if section == "state":
        return [*head, f"        initial: {_quote(draw(values))}", "        description: a state"]
    return [*head, "        description: a series"]


def _spoilt(draw: st.DrawFn, lines: list[str], first: int) -> list[str]:
    """``lines`` as they are, or (one time in three) with one of them from ``first`` on replaced
    by anything, removed or written twice."""
    if len(lines) <= first or draw(st.integers(0, 2)) != 0:
        return lines
    at = draw(st.integers(first, len(lines) - 1))
    how = draw(st.sampled_from(["replace", "remove", "twice", "cut"]))
    if how == "replace":
        return [*lines[:at], draw(st.text(max_size=30)).replace("\n", " "), *lines[at + 1:]]
    if how == "remove":
        return [*lines[:at], *lines[at + 1:]]
    if how == "twice":
        return [*lines[:at + 1], *lines[at:]]
    return [*lines[:at], lines[at][:draw(st.integers(0, len(lines[at])))], *lines[at + 1:]]


#: Weekdays of the Nasdaq from June to August 1999 (Independence Day, observed July 5, excepted).
_TRADING_DAYS = [dt.date(1999, 6, 1) + dt.timedelta(days=i) for i in range(92)]
_TRADING_DAYS = [d for d in _TRADING_DAYS if d.weekday() < 5 and d != dt.date(1999, 7, 5)]


@st.composite
def market_files(draw: st.DrawFn) -> str:
    """Market data CSV text: mostly every trading day of the summer of 1999 with a closing bid
    (and a volume), now and then a line spoilt; now and then any header and rows."""
    if draw(st.integers(0, 4)) == 0:
        return draw(_any_market())
    volume = draw(st.booleans())
    lines = ["# made up", "date,closing_bid" + (",volume" if volume else "")]
    for day in _TRADING_DAYS:
        bid = draw(st.decimals(Decimal("0.01"), Decimal("50"), places=draw(st.integers(0, 5))))
        lines.append(f"{day.isoformat()},{'$' if draw(st.booleans()) else ''}{bid}"
                     + (f",{draw(st.integers(0, 10**6))}" if volume else ""))
    return "\n".join(_spoilt(draw, lines, 1)) + "\n"


@st.composite
def _any_market(draw: st.DrawFn) -> str:
    """Market data of any header and rows, right and wrong."""
    header = draw(st.sampled_from(["date,closing_bid", "date,closing_bid,volume", "closing_bid,date",
                                   "Date,closing_bid", "date", "# comment\ndate,closing_bid", ""]))
    start = draw(st.dates(dt.date(1999, 6, 1), dt.date(1999, 8, 1)))
    rows = []
    for i in range(draw(st.integers(0, 40))):
        day = start + dt.timedelta(days=i * draw(st.integers(0, 3)))
        when = draw(st.sampled_from([day.isoformat(), day.isoformat(), "1999-02-30", "x", ""]))
        cell = draw(st.one_of(st.decimals(Decimal("0.01"), Decimal("100"), places=4).map(str),
                              values.filter(lambda v: "\n" not in v and "\r" not in v)))
        rows.append(f"{when},{cell}" + draw(st.sampled_from(["", ",100", ",", ",,"])))
    return header + "\n" + "\n".join(rows) + ("\n" if draw(st.booleans()) else "")


@st.composite
def scenario_files(draw: st.DrawFn) -> str:
    """A scenario of the toy contract (tests/data/toy) as YAML text, guided by
    grammar/scenario.schema.json: mostly orders, deliveries and checks of its holders in date
    order, with expectations; now and then a line spoilt."""
    as_of = draw(st.dates(dt.date(1999, 7, 15), dt.date(2000, 6, 30)))
    lines = ["title: generated", "contracts: [toy_contract.yaml]", f"as_of: {as_of.isoformat()}",
             # A due date of their own: else a delivery without an order would accrue late fees
             # from the initial 1900-01-01, a hundred years of days for each example.
             "holders:", f"  Buyer A: {{held: {draw(st.integers(0, 10**6))}, due_date: 1999-07-01}}",
             "  Buyer B: {due_date: 1999-07-01}"]
    if draw(st.booleans()):
        lines.append(f"facts: {{lot_price: {_quote(draw(typed_literals['price']))}}}")
    days = sorted(draw(st.lists(st.dates(dt.date(1999, 7, 1), as_of), max_size=6)))
    lines.append("events:" + ("" if days else " []"))
    for day in days:
        name = draw(st.sampled_from(["order", "order", "delivered", "check"]))
        buyer = draw(st.sampled_from(["Buyer A", "Buyer B"]))
        units = f", units: {draw(st.integers(0, 10**5))}" if name == "order" else ""
        lines.append(f"  - {{date: {day.isoformat()}, event: {name}, buyer: {buyer}{units}}}")
    if days and draw(st.booleans()):
        lines += ["expect:", f"  - after: {draw(st.integers(0, len(days) - 1))}",
                  f"    values: {{cost: {_quote(draw(typed_literals['money']))}}}",
                  f"    state: {{total_ordered: {draw(st.integers(0, 10**5))}}}",
                  "  - after: end",
                  f"    state: {{held: {{Buyer A: {draw(st.integers(0, 10**6))}}}}}"]
    return "\n".join(_spoilt(draw, lines, 2)) + "\n"


# -- JSON-able values -------------------------------------------------------------------------

#: Characters json escapes in its own ways: quote, backslash, control characters, DEL, a line
#: separator, a lone surrogate, a letter with an accent and one beyond the BMP.
_AWKWARD = st.sampled_from(['"', "\\", "/", "\x00", "\b", "\t", "\n", "\x0c", "\r", "\x1f", "\x7f",
                            "\x80", "\u2028", "\ud800", "\udfff", "é", "\uffff", "😀", "\U0010ffff"])
_TEXTS = st.text(st.one_of(st.characters(), _AWKWARD), max_size=12)
_NUMBERS = st.one_of(st.integers(), st.integers(-2**200, 2**200), st.floats())
_KEYS = st.one_of(_TEXTS, _NUMBERS, st.booleans(), st.none())

#: What ``json.dumps`` writes with no ``default``: nested lists, tuples and objects of texts
#: (every character), numbers (integers of any size, floats with nan and the infinities),
#: booleans and null, keys of each kind it turns into text.
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), _NUMBERS, _TEXTS),
    lambda inner: st.one_of(st.lists(inner, max_size=5), st.lists(inner, max_size=5).map(tuple),
                            st.dictionaries(_KEYS, inner, max_size=5)),
    max_leaves=40)
