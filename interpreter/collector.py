"""The cyclic garbage collector held off while a piece of work makes many objects that it keeps,
and no garbage in cycles: unpickling a program, evaluating terms, running a scenario, writing
what it did. The collector's passes would only walk those objects, more often the more of them
there are (a twentieth of a warm eval's time, a third of a 20,000-event run's). Whatever a
failure leaves in cycles is collected once the collector is back on.
"""

from __future__ import annotations

import gc


class CollectorOff:
    """``with CollectorOff():``: the collector off inside, and on again after if it was on (an
    inner one, inside an outer, leaves it off)."""

    def __enter__(self) -> None:
        self._collecting = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc: object) -> None:
        if self._collecting:
            gc.enable()
