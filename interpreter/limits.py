"""The limits on what Clause reads and computes, so that any input ends in bounded time and memory.

Each limit is a number here and a row of ``docs/limits.md``, which gives the error it
produces; past a limit, the input is refused with a located error naming the limit, never
left to exhaust the stack, the memory or the user's patience.
"""

from __future__ import annotations

import sys

#: How deep one formula may nest: the expressions from the whole formula down to the
#: innermost one, each operator chain (``a + b + c``, ``a and b``), minus sign, ``not``,
#: ``round``, ``if``, comparison, call and index counting one. A chain itself may be as
#: long as the formula's length allows.
MAX_NESTING = 100

#: How long a chain of terms may be, each using the next (``a`` uses ``b`` uses ``c`` ...).
MAX_TERM_CHAIN = 100

#: Evaluating a term recurses through its formula and the terms it uses: at most
#: MAX_TERM_CHAIN terms, each a formula MAX_NESTING deep, a few Python frames per level.
_FRAMES_NEEDED = (MAX_TERM_CHAIN + 1) * (MAX_NESTING * 3 + 10) + 2_000


def ensure_stack() -> None:
    """Let Python recurse as deep as the limits above allow (its default, 1,000, is less).

    The recursion is of Python functions only, which CPython 3.11+ runs without
    deepening the C stack, so a higher limit is safe.
    """
    if sys.getrecursionlimit() < _FRAMES_NEEDED:
        sys.setrecursionlimit(_FRAMES_NEEDED)
