"""Values as people read them (``$6.03 per share``) and as programs read them (exact strings)."""

from __future__ import annotations

import datetime as dt

from .rational import Fraction
from .types import MONEY_T, PRICE, RATIO, SHARES_T, List, PartyMap, Quantity, Series, Type
from .values import PartyValues, SeriesValue

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing: a warm run never does
if TYPE_CHECKING:
    from typing import Any

#: Decimal places shown for a value whose decimal expansion does not end.
REPEATING_PLACES = 20


def decimal_text(value: Fraction, places: int = REPEATING_PLACES) -> tuple[str, bool]:
    """``value`` as a plain decimal, and whether that text is exact.

    Terminating values are written in full; others are rounded half-even to
    ``places`` decimal places (and the flag is False).
    """
    den = value.denominator
    if den == 1:  # a whole number, most values (shares, counts)
        return str(value.numerator), True
    twos = fives = 0
    while den % 2 == 0:
        den //= 2
        twos += 1
    while den % 5 == 0:
        den //= 5
        fives += 1
    exact = den == 1
    if exact:  # 10**digits is a multiple of the denominator, 2**twos × 5**fives, from max(twos, fives)
        digits = max(twos, fives)
        scaled = value.numerator * 10**digits // value.denominator
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


def _key_text(key: Any) -> str:
    """A map's key as shown: a party or text as is, a date in ISO form."""
    return key.isoformat() if isinstance(key, dt.date) else str(key)


def plain(value: Any, type_: Type) -> Any:
    """The JSON form: strings for scalars, lists and objects for lists and series."""
    if value.__class__ is Fraction:  # the most frequent, tried first
        return decimal_text(value)[0]
    if isinstance(value, SeriesValue):
        return {d.isoformat(): plain(v, _element(type_)) for d, v in sorted(value.values.items())}
    if isinstance(value, PartyValues):
        return {_key_text(p): plain(v, _element(type_)) for p, v in sorted(value.values.items())}
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


def _inner(value: Any, type_: Type) -> str:
    """A value inside a map: an inner map in parentheses, or only its value under the empty
    text when that is its one key of its own (the key that stands for none)."""
    if not isinstance(value, PartyValues) or not value.values:
        return human(value, type_)
    if list(value.values) == [""]:
        return human(value.values[""], _element(type_))
    return f"({human(value, type_)})"


def human(value: Any, type_: Type) -> str:
    """A reader's form: ``$6.03 per share``, ``201,234 shares``, ``1999-07-27``."""
    if isinstance(value, PartyValues):
        element = _element(type_)
        parts = [f"{_key_text(p)}: {_inner(v, element)}" for p, v in sorted(value.values.items())]
        key = type_.key if isinstance(type_, PartyMap) else "party"
        return "; ".join(parts) or f"(each {key}: {_inner(value.default, element)})"
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
        if type_ == SHARES_T or unit.endswith(("days", "months", "years")):
            unit = unit[:-1] if value == 1 else unit
        return f"{shown} {unit}"
    return shown
