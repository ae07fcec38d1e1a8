"""The state of a run day by day, which ``X as of D`` reads: the state as it stood at the end of D."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Iterable
from typing import Any


class StateHistory:
    """What formulas read of the state (state variables, what is owed) after each occurrence of
    a run, in date order, and before the first."""

    def __init__(self, initial: dict[str, Any],
                 after: Iterable[tuple[dt.date, dict[str, Any]]] = ()) -> None:
        self.initial = initial
        self.days: list[dt.date] = []
        self.states: list[dict[str, Any]] = []
        for day, state in after:
            self.add(day, state)

    def add(self, day: dt.date, state: dict[str, Any]) -> None:
        """The state after an occurrence on ``day`` (no earlier than the last one added)."""
        self.days.append(day)
        self.states.append(state)

    def on(self, day: dt.date) -> dict[str, Any]:
        """The state at the end of ``day``: after its last occurrence, else the last before it."""
        at = bisect_right(self.days, day)
        return self.states[at - 1] if at else self.initial
