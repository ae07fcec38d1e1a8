"""The limits on what Clause reads and computes, so that any input ends in bounded time and memory.

Each limit is a number here and a row of ``docs/limits.md``, which gives the error it
produces; past a limit, the input is refused with a located error naming the limit, never
left to exhaust the stack, the memory or the user's patience.
"""

from __future__ import annotations

import sys

from .rational import Fraction

#: How deep one formula may nest: the expressions from the whole formula down to the
#: innermost one, each operator chain (``a + b + c``, ``a and b``), minus sign, ``not``,
#: ``round``, ``if``, comparison, call and index counting one. A chain itself may be as
#: long as the formula's length allows.
MAX_NESTING = 100

#: How long a chain of terms may be, each using the next (``a`` uses ``b`` uses ``c`` ...).
MAX_TERM_CHAIN = 100

#: Digits in a number as written: a literal, a ``--set`` value, a scenario value, a market
#: data cell, a YAML number.
MAX_LITERAL_DIGITS = 100

#: Digits in the numerator or the denominator of any value computed.
MAX_VALUE_DIGITS = 1_000

#: Characters in one string of a file (a formula, a quoted text) or in a ``--set`` value.
MAX_STRING_CHARS = 250_000

#: Bytes in one file Clause reads: a contract, a scenario, market data, an inventory.
MAX_FILE_BYTES = 2_000_000

#: Rows of market data in one file.
MAX_MARKET_ROWS = 100_000

#: Days that one period may span (about 270 years, so that a period from a date left at
#: 1900-01-01 still ends past 2100): the dates of a market data file, the days a ``total``,
#: ``least`` or ``greatest`` runs over, and the business days a date moves by.
MAX_SPAN_DAYS = 100_000

#: Events one scenario run may process, its scheduled ones included.
MAX_RUN_EVENTS = 100_000

#: Evaluating a term recurses through its formula and the terms it uses: at most
#: MAX_TERM_CHAIN terms, each a formula MAX_NESTING deep, a few Python frames per level.
_FRAMES_NEEDED = (MAX_TERM_CHAIN + 1) * (MAX_NESTING * 3 + 10) + 2_000

#: The first numerator or denominator too large: ``too_large``'s bound, and the evaluator's written
#: in its source (``evaluate/source.py``).
VALUE_BOUND = 10**MAX_VALUE_DIGITS


def ensure_stack() -> None:
    """Let Python recurse as deep as the limits above allow (its default, 1,000, is less).

    The recursion is of Python functions only, which CPython 3.11+ runs without
    deepening the C stack, so a higher limit is safe.
    """
    if sys.getrecursionlimit() < _FRAMES_NEEDED:
        sys.setrecursionlimit(_FRAMES_NEEDED)


def too_large(value: object) -> bool:
    """Whether ``value`` is a number whose numerator or denominator has more than
    ``MAX_VALUE_DIGITS`` digits."""
    # Checked after every operation: the class first (a value of a formula is a Fraction, never
    # one of a subclass), then its parts (attributes read in C).
    return value.__class__ is Fraction and (value.denominator >= VALUE_BOUND
                                            or abs(value.numerator) >= VALUE_BOUND)


#: What a value past MAX_VALUE_DIGITS is told.
TOO_LARGE = (f"a value with more than {MAX_VALUE_DIGITS:,} digits (the limit on a number "
             "computed)")
