"""Reading literal text exactly: numbers, money, percentages, dates, times.

Every number becomes a ``Fraction``; binary floats never appear. ``literal_formula`` reads
a formula that is a single literal (a ``--set`` value) without loading the grammar.
"""

from __future__ import annotations

import datetime as dt
import re

from ..limits import MAX_LITERAL_DIGITS
from ..rational import Fraction
from ..types import BOOLEAN, COUNT, DATE, MONEY_T, RATIO
from . import ast

_NUMBER = re.compile(r"(\d{1,3}(,\d{3})+|\d+)(\.\d+)?|\.\d+")
_TIME = r"(?i)(\d{1,2}):(\d{2})\s*([ap])\.m\."  # compiled (and kept by re) when first used


def parse_number(text: str) -> Fraction:
    """``7,500`` → 7500; ``.06`` → 3/50. Raises ValueError on anything else."""
    text = text.strip()
    negative = text.startswith("-")
    body = text[1:].strip() if negative else text
    if not _NUMBER.fullmatch(body):
        raise ValueError(f"not a number: {shown(text)}")
    digits = len(body) - body.count(",") - body.count(".")
    if digits > MAX_LITERAL_DIGITS:
        raise ValueError(f"a number of {digits:,} digits: the limit is {MAX_LITERAL_DIGITS}")
    whole, _, decimals = body.replace(",", "").partition(".")
    value = Fraction(int(whole + decimals), 10 ** len(decimals))  # from ints: twice as fast as from text
    return -value if negative else value


def parse_money(text: str) -> Fraction:
    """``$1,000.00`` → 1000 (dollars)."""
    text = text.strip()
    negative = text.startswith("-")
    body = text[1:].strip() if negative else text
    if not body.startswith("$"):
        raise ValueError(f"not an amount of money: {shown(text)}")
    value = parse_number(body[1:])
    return -value if negative else value


def parse_percent(text: str) -> Fraction:
    """``4.9%`` → 49/1000."""
    text = text.strip()
    if not text.endswith("%"):
        raise ValueError(f"not a percentage: {shown(text)}")
    return parse_number(text[:-1]) / 100


def parse_date(text: str) -> dt.date:
    """An ISO date, ``1999-07-27``."""
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"not a date (YYYY-MM-DD): {shown(text)}") from None


#: The grammar's ``_DIGITS``, and the formulas ``literal_formula`` reads: one date, amount of
#: money, percentage or number, perhaps negated.
_DIGITS = r"(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+)"
_LITERAL = re.compile(rf"(?P<minus>-?)(?:(?P<date>\d{{4}}-\d{{2}}-\d{{2}})|\$(?P<money>{_DIGITS})"
                      rf"|(?P<percent>{_DIGITS})%|(?P<number>{_DIGITS}))")
#: Longer texts go to the parser, which knows the limits on what a formula may be.
_LONGEST_LITERAL = 40


def literal_formula(text: str) -> ast.Node | None:
    """The tree ``parser.parse_formula`` makes of ``text`` when it is one date, amount of money,
    percentage or number (perhaps negated), ``true`` or ``false``, read without the grammar;
    None for any other text, which is the parser's to read (or reject)."""
    if len(text) > _LONGEST_LITERAL:
        return None
    if text in ("true", "false"):
        return ast.Literal((0, len(text)), text == "true", BOOLEAN)
    match = _LITERAL.fullmatch(text)
    if match is None:
        return None
    span = (len(match["minus"]), len(text))
    try:
        if match["date"]:
            literal = ast.Literal(span, parse_date(match["date"]), DATE)
        elif match["money"]:
            literal = ast.Literal(span, parse_number(match["money"]), MONEY_T)
        elif match["percent"]:
            literal = ast.Literal(span, parse_number(match["percent"]) / 100, RATIO, percent=True)
        else:
            number = match["number"]
            literal = ast.Literal(span, parse_number(number), RATIO if "." in number else COUNT)
    except ValueError:  # no such date: the parser says so
        return None
    return ast.Negate((0, len(text)), literal) if match["minus"] else literal


def parse_time(text: str) -> dt.time:
    """A time of day as documents write it, ``11:59 p.m.``."""
    match = re.fullmatch(_TIME, text.strip())
    if not match:
        raise ValueError(f"not a time of day (like 11:59 p.m.): {shown(text)}")
    hour, minute, half = int(match[1]), int(match[2]), match[3].lower()
    if not (1 <= hour <= 12 and minute < 60):
        raise ValueError(f"not a time of day: {shown(text)}")
    hour = hour % 12 + (12 if half == "p" else 0)
    return dt.time(hour, minute)


#: How much of a text that is not what was expected an error quotes.
SHOWN_CHARS = 40


def shown(text: str) -> str:
    """``text`` quoted for an error message, cut short when it is long (a cell of a file that is
    not market data, a megabyte pasted into --set)."""
    if len(text) <= SHOWN_CHARS:
        return repr(text)
    return f"{text[:SHOWN_CHARS]!r}… ({len(text):,} characters)"
