"""Values at run time that are not plain numbers, dates or words: a series, values by party."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from .calendar import TradingCalendar
from .rational import Fraction
from .slotted import Slotted

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing: a warm run never does
if TYPE_CHECKING:
    from typing import Any


class SeriesValue(Slotted):
    """A time series at run time: values by trading day and the calendar they follow."""

    _names = ("name", "values", "calendar")
    __slots__ = _names

    def __init__(self, name: str, values: Mapping[dt.date, Fraction], calendar: TradingCalendar) -> None:
        self.name = name
        self.values = values
        self.calendar = calendar


class PartyValues(Slotted):
    """Values kept per party at run time; a party not listed has ``default``."""

    _names = ("values", "default")
    __slots__ = _names

    def __init__(self, values: dict[str, Any], default: Any) -> None:
        self.values = values
        self.default = default

    def get(self, party: str) -> Any:
        """The value for ``party``."""
        return self.values.get(party, self.default)

    def at(self, keys: tuple[Any, ...]) -> Any:
        """The value under ``keys``, outermost first, in a map of maps (``x[party][key]``)."""
        found: Any = self
        for key in keys:
            found = found.get(key)
        return found

    def replaced(self, keys: tuple[Any, ...], value: Any = None, remove: bool = False) -> PartyValues:
        """A new map with ``value`` under ``keys`` (or, with ``remove``, the last key without a value
        of its own, and an inner map left with none without one either); the maps it does not
        change are shared with this one."""
        first, rest = keys[0], keys[1:]
        if remove and first not in self.values:
            return self
        if rest:
            inner = self.get(first).replaced(rest, value, remove)
            if remove and not inner.values:
                return self.replaced((first,), remove=True)
            return PartyValues({**self.values, first: inner}, self.default)
        if remove:
            return PartyValues({k: v for k, v in self.values.items() if k != first}, self.default)
        return PartyValues({**self.values, first: value}, self.default)


def empty_map(levels: int, value: Any) -> PartyValues:
    """A map of ``levels`` maps without values of their own, each key finally holding ``value``."""
    inner = value if levels == 1 else empty_map(levels - 1, value)
    return PartyValues({}, inner)
