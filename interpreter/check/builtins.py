"""Signatures of the built-in functions: names, parameters and typing rules.

The type checker uses these; each evaluation back end supplies its own
implementation for every name listed here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..types import (
    BOOLEAN,
    COUNT,
    DATE,
    DAYS_T,
    PRICE,
    RATIO,
    TRADING_DAYS_T,
    List,
    PartyMap,
    Quantity,
    Series,
    Type,
    fits,
    join,
)

TypeRule = Callable[[list[Type]], "Type | str"]


@dataclass(frozen=True)
class Builtin:
    """A built-in: its parameter names (for keywords), a typing rule and a one-line help."""

    name: str
    params: tuple[str, ...]
    rule: TypeRule
    help: str
    variadic: bool = False


def _extreme(args: list[Type]) -> Type | str:
    if len(args) < 2:
        return "needs at least two values"
    first = args[0]
    if not (isinstance(first, Quantity) or first == DATE):
        return f"compares quantities or dates, not {first}"
    common: Type = first
    for other in args[1:]:
        joined = join(common, other)
        if joined is None:
            return f"cannot compare {common} with {other}"
        common = joined
    return common


def _list_of_quantity(t: Type, what: str) -> Type | str:
    if isinstance(t, (List, Series, PartyMap)) and isinstance(t.element, Quantity):
        return t.element
    return f"{what} must be a list, series or party values of quantities, not {t}"


def _aggregate(args: list[Type]) -> Type | str:
    return _list_of_quantity(args[0], "the argument")


def _average(args: list[Type]) -> Type | str:
    element = _aggregate(args)
    return RATIO if element == COUNT else element  # the mean of counts may be a fraction


def _count(args: list[Type]) -> Type | str:
    if isinstance(args[0], (List, Series, PartyMap)):
        return COUNT
    return f"counts a list or series, not {args[0]}"


def _select(args: list[Type]) -> Type | str:
    if args[0] != COUNT:
        return f"how many to take must be a count (a whole number, such as 6), not {args[0]}"
    element = _list_of_quantity(args[1], "the values")
    return element if isinstance(element, str) else List(element)


def _window(args: list[Type]) -> Type | str:
    series, length, ending = args
    if not isinstance(series, Series):
        return f"the first argument must be a series, not {series}"
    if length != TRADING_DAYS_T:
        return f"the length must be in trading days (like 10 trading days), not {length}"
    if ending != DATE:
        return f"ending must be a date, not {ending}"
    return List(series.element)


def _days_between(args: list[Type]) -> Type | str:
    if args != [DATE, DATE]:
        return f"takes two dates, not {', '.join(map(str, args))}"
    return DAYS_T


def _abs(args: list[Type]) -> Type | str:
    return args[0] if isinstance(args[0], Quantity) else f"takes a quantity, not {args[0]}"


def _sqrt(args: list[Type]) -> Type | str:
    return RATIO if fits(args[0], RATIO) else f"takes a ratio, not {args[0]}"


def _volatility(args: list[Type]) -> Type | str:
    element = _list_of_quantity(args[0], "the prices")
    return element if isinstance(element, str) else RATIO


def _black_scholes(args: list[Type]) -> Type | str:
    spot, strike, volatility, rate, term = args
    if spot != PRICE or strike != PRICE:
        return f"spot and strike are prices, not {spot} and {strike}"
    if not (fits(volatility, RATIO) and fits(rate, RATIO)):
        return f"volatility and rate are ratios a year, not {volatility} and {rate}"
    if term != DAYS_T:
        return f"the term is in days, not {term}"
    return PRICE


def _key_of_least(args: list[Type]) -> Type | str:
    found = args[0]
    if isinstance(found, PartyMap) and (isinstance(found.element, Quantity) or found.element == DATE):
        return found.key
    return f"takes values by party, text or date of quantities or dates, not {found}"


def _is_day(args: list[Type]) -> Type | str:
    return BOOLEAN if args == [DATE] else f"takes a date, not {args[0]}"


BUILTINS: dict[str, Builtin] = {
    b.name: b
    for b in [
        Builtin("lesser_of", ("values",), _extreme, "the smallest of two or more values",
                variadic=True),
        Builtin("greater_of", ("values",), _extreme, "the largest of two or more values",
                variadic=True),
        Builtin("average", ("values",), _average, "arithmetic mean of a list, exact"),
        Builtin("sum", ("values",), _aggregate, "total of a list"),
        Builtin("count", ("values",), _count, "number of values in a list"),
        Builtin("lowest", ("count", "values"), _select, "the k lowest values of a list"),
        Builtin("highest", ("count", "values"), _select, "the k highest values of a list"),
        Builtin("window", ("series", "length", "ending"), _window,
                "values of a series over N trading days ending on a date (included if trading)"),
        Builtin("days_between", ("start", "end"), _days_between,
                "calendar days from start to end (end − start)"),
        Builtin("is_business_day", ("day",), _is_day, "true on a business day"),
        Builtin("abs", ("value",), _abs, "the value without its sign"),
        Builtin("sqrt", ("value",), _sqrt, "square root of a ratio (to 40 significant digits)"),
        Builtin("volatility", ("prices",), _volatility,
                "sample standard deviation of the log returns of successive prices, per period"),
        Builtin("black_scholes", ("spot", "strike", "volatility", "rate", "term"), _black_scholes,
                "Black-Scholes value of a call on one share; volatility and rate a year, term in days "
                "(of 365 a year)"),
        Builtin("is_trading_day", ("day",), _is_day, "true on a date of the market data"),
        Builtin("key_of_least", ("values",), _key_of_least,
                "the key of a map whose own value is least (the first key of a tie)"),
    ]
}
