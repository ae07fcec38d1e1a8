"""Values at run time that are not plain numbers, dates or words: a series, values by party."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from .calendar import TradingCalendar


@dataclass
class SeriesValue:
    """A time series at run time: values by trading day and the calendar they follow."""

    name: str
    values: Mapping[dt.date, Fraction]
    calendar: TradingCalendar


@dataclass
class PartyValues:
    """Values kept per party at run time; a party not listed has ``default``."""

    values: dict[str, Any]
    default: Any

    def get(self, party: str) -> Any:
        """The value for ``party``."""
        return self.values.get(party, self.default)
