"""Types of values: quantities with units, dates, times, booleans, texts, series, lists.

A quantity's unit is a product of base dimensions with integer exponents, so
``price × shares`` is money and ``money / price`` is shares without a table of
special cases. Durations are quantities too, one base dimension per way of
counting days, so ``10 trading days / 365 days`` has no declarable unit and is
rejected where a ratio is expected.

Two types say more than their dimension: a ``count`` is a ratio that is a whole
number of things (the six lowest of ten values), and an enum (``one of low, high, other``)
is a text that is one of its members. Each may stand where the wider type is
expected (``fits``); ``join`` is the type two values of an ``if`` or a sum meet at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Base dimensions of quantities: money, shares, days, business_days, trading_days.
Dims = tuple[tuple[str, int], ...]


def _dims(**exponents: int) -> Dims:
    return tuple(sorted((k, v) for k, v in exponents.items() if v))


@dataclass(frozen=True)
class Type:
    """Base of all types."""

    def __str__(self) -> str:  # pragma: no cover - every subclass overrides
        raise NotImplementedError


@dataclass(frozen=True)
class Quantity(Type):
    """An exact number with a unit (the empty unit is a ratio, or a count if ``count``)."""

    dims: Dims
    count: bool = False  # a whole number of things, 0 or more: a ratio that counts

    def __mul__(self, other: Quantity) -> Quantity:
        # count × count counts; count × shares is shares; a quotient may be a fraction.
        return Quantity(_combine(self.dims, other.dims, 1), self.count and other.count)

    def __truediv__(self, other: Quantity) -> Quantity:
        return Quantity(_combine(self.dims, other.dims, -1))

    def __str__(self) -> str:
        for name, unit in UNIT_NAMES.items():
            if unit == self:
                return name
        parts = [k if v == 1 else f"{k}^{v}" for k, v in self.dims]
        return "·".join(parts)


def _combine(a: Dims, b: Dims, sign: int) -> Dims:
    total: dict[str, int] = dict(a)
    for k, v in b:
        total[k] = total.get(k, 0) + sign * v
    return _dims(**total)


@dataclass(frozen=True)
class Scalar(Type):
    """A value that is not a quantity: a date, a time of day or a boolean."""

    name: str

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class Enum(Type):
    """A closed choice: a text that is one of the declared members (``one of low, high``)."""

    members: tuple[str, ...]

    def __str__(self) -> str:
        return ENUM_PREFIX + ", ".join(self.members)

    def not_a_member(self, word: str) -> str | None:
        """The complaint about ``word`` if it is none of the members, naming them; else None."""
        return None if word in self.members else f"{word!r} is not {self}"


@dataclass(frozen=True)
class Series(Type):
    """Values by trading day, for example the closing bids of a security."""

    element: Type

    def __str__(self) -> str:
        return f"series of {self.element}"


@dataclass(frozen=True)
class PartyMap(Type):
    """One value per key, with a default for the rest: per party (the shares each owns), or per
    text (each closing condition's waiver) or per date (the days a statement could not be used)."""

    element: Type
    key: Type = Scalar("party")

    def __str__(self) -> str:
        return f"{self.element} by {self.key}"


def held_value(t: Type) -> Type:
    """What a map of maps finally holds (``shares`` in ``shares by text by party``); any other
    type is itself."""
    return held_value(t.element) if isinstance(t, PartyMap) else t


def held_keys(t: Type) -> list[Type]:
    """The keys that name one value of a map of maps, outermost first: [party, text] for
    ``shares by text by party``."""
    return [t.key, *held_keys(t.element)] if isinstance(t, PartyMap) else []


def map_levels(t: Type) -> int:
    """How many keys name one value of ``t``: 2 for ``shares by text by party``, 0 for ``shares``."""
    return len(held_keys(t))


@dataclass(frozen=True)
class List(Type):
    """An ordered list of values, for example a window of a series."""

    element: Type

    def __str__(self) -> str:
        return f"list of {self.element}"


RATIO = Quantity(())
COUNT = Quantity((), count=True)
MONEY_T = Quantity(_dims(money=1))
SHARES_T = Quantity(_dims(shares=1))
PRICE = Quantity(_dims(money=1, shares=-1))
DAYS_T = Quantity(_dims(days=1))
BUSINESS_DAYS_T = Quantity(_dims(business_days=1))
TRADING_DAYS_T = Quantity(_dims(trading_days=1))
YEARS_T = Quantity(_dims(years=1))
MONTHS_T = Quantity(_dims(months=1))
DATE = Scalar("date")
TIME = Scalar("time")
BOOLEAN = Scalar("boolean")
PARTY = Scalar("party")
TEXT = Scalar("text")

#: The names a clause file may use for a type, and what they mean.
UNIT_NAMES: dict[str, Type] = {
    "money": MONEY_T,
    "price": PRICE,
    "shares": SHARES_T,
    "count": COUNT,
    "ratio": RATIO,
    "days": DAYS_T,
    "business days": BUSINESS_DAYS_T,
    "trading days": TRADING_DAYS_T,
    "years": YEARS_T,
    "months": MONTHS_T,
    "date": DATE,
    "time": TIME,
    "boolean": BOOLEAN,
    "party": PARTY,
    "text": TEXT,
}

#: What a map may be keyed by: ``T by party``, ``T by text``, ``T by date``.
MAP_KEYS: dict[str, Type] = {"party": PARTY, "text": TEXT, "date": DATE}

#: Duration units, and the calendar each counts in (years: the same day of the month N years on;
#: months: the same day N months on, or the month's last day when it is shorter).
DURATIONS: dict[Type, str] = {
    DAYS_T: "calendar",
    BUSINESS_DAYS_T: "business",
    TRADING_DAYS_T: "trading",
    YEARS_T: "years",
    MONTHS_T: "months",
}


#: How an enum type begins, and what a member may be: a word without spaces, commas or quotes.
ENUM_PREFIX = "one of "
_MEMBER = re.compile(r'[^\s,"]+')


def parse_type(text: str) -> Type:
    """Read a type as written in a clause file (``price``, ``series of price``, ``one of a, b``).

    Raises ``ValueError`` naming the accepted spellings when ``text`` is none of them.
    """
    words = " ".join(text.split())
    for key in MAP_KEYS:
        if words.endswith(f" by {key}"):
            return PartyMap(parse_type(words[: -len(f" by {key}")]), MAP_KEYS[key])
    for prefix, make in (("series of ", Series), ("list of ", List)):
        if words.startswith(prefix):
            return make(parse_type(words[len(prefix):]))
    if words in UNIT_NAMES:
        return UNIT_NAMES[words]
    if words.startswith(ENUM_PREFIX):
        return _enum(words[len(ENUM_PREFIX):])
    known = ", ".join(UNIT_NAMES)
    raise ValueError(f"unknown type {text!r}; expected one of {known}, 'one of A, B, ...', "
                     "'series of T', 'list of T' or 'T by party' (or by text, by date)")


def _enum(listed: str) -> Enum:
    members = tuple(m.strip() for m in listed.split(","))
    for member in members:
        if not _MEMBER.fullmatch(member):
            raise ValueError(f"{member!r} cannot be a member of an enum: write words without spaces "
                             "or quotes, separated by commas (one of low, high, other)")
    twice = sorted({m for m in members if members.count(m) > 1})
    if twice:
        raise ValueError(f"{', '.join(map(repr, twice))} listed twice: write each member once")
    return Enum(members)


def fits(found: Type, expected: Type) -> bool:
    """A value of type ``found`` may stand where ``expected`` is declared.

    A count is a ratio; a member of an enum is a text, and of every enum with all its
    members; a text names a party; lists, series and values by party fit as their elements do.
    """
    if found == expected:
        return True
    if found == COUNT:
        return expected == RATIO
    if isinstance(found, Enum):
        return expected == TEXT or (isinstance(expected, Enum)
                                    and set(found.members) <= set(expected.members))
    if found == TEXT:
        return expected == PARTY
    if isinstance(found, PartyMap) and isinstance(expected, PartyMap) and found.key != expected.key:
        return False
    for container in (List, Series, PartyMap):
        if isinstance(found, container) and isinstance(expected, container):
            return fits(found.element, expected.element)
    return False


def join(a: Type, b: Type) -> Type | None:
    """The narrowest type both ``a`` and ``b`` fit (count and ratio: ratio), or None."""
    if fits(a, b):
        return b
    if fits(b, a):
        return a
    return None
