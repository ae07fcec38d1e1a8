"""Types of values: quantities with units, dates, times, booleans, series, lists.

A quantity's unit is a product of base dimensions with integer exponents, so
``price × shares`` is money and ``money / price`` is shares without a table of
special cases. Durations are quantities too, one base dimension per way of
counting days, so ``10 trading days / 365 days`` has no declarable unit and is
rejected where a ratio is expected.
"""

from __future__ import annotations

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
    """An exact number with a unit (the empty unit is a ratio)."""

    dims: Dims

    def __mul__(self, other: Quantity) -> Quantity:
        return Quantity(_combine(self.dims, other.dims, 1))

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
class Series(Type):
    """Values by trading day, for example the closing bids of a security."""

    element: Type

    def __str__(self) -> str:
        return f"series of {self.element}"


@dataclass(frozen=True)
class PartyMap(Type):
    """One value per party (for example the shares each owns), with a default for the rest."""

    element: Type

    def __str__(self) -> str:
        return f"{self.element} by party"


@dataclass(frozen=True)
class List(Type):
    """An ordered list of values, for example a window of a series."""

    element: Type

    def __str__(self) -> str:
        return f"list of {self.element}"


RATIO = Quantity(())
MONEY_T = Quantity(_dims(money=1))
SHARES_T = Quantity(_dims(shares=1))
PRICE = Quantity(_dims(money=1, shares=-1))
DAYS_T = Quantity(_dims(days=1))
BUSINESS_DAYS_T = Quantity(_dims(business_days=1))
TRADING_DAYS_T = Quantity(_dims(trading_days=1))
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
    "ratio": RATIO,
    "days": DAYS_T,
    "business days": BUSINESS_DAYS_T,
    "trading days": TRADING_DAYS_T,
    "date": DATE,
    "time": TIME,
    "boolean": BOOLEAN,
    "party": PARTY,
    "text": TEXT,
}

#: Duration units, and the calendar each counts in.
DURATIONS: dict[Type, str] = {
    DAYS_T: "calendar",
    BUSINESS_DAYS_T: "business",
    TRADING_DAYS_T: "trading",
}


def parse_type(text: str) -> Type:
    """Read a type as written in a clause file (``price``, ``series of price``).

    Raises ``ValueError`` naming the accepted spellings when ``text`` is none of them.
    """
    words = " ".join(text.split())
    if words.endswith(" by party"):
        return PartyMap(parse_type(words[: -len(" by party")]))
    for prefix, make in (("series of ", Series), ("list of ", List)):
        if words.startswith(prefix):
            return make(parse_type(words[len(prefix):]))
    if words in UNIT_NAMES:
        return UNIT_NAMES[words]
    known = ", ".join(UNIT_NAMES)
    raise ValueError(f"unknown type {text!r}; expected one of {known}, 'series of T', 'list of T' "
                     "or 'T by party'")
