"""Values at run time that are not plain numbers, dates or words: a series, values by party."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from fractions import Fraction

from .calendar import TradingCalendar
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
