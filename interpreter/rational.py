"""The exact rational number every value of Clause is: money, shares, percentages, counts.

It is quicktions' ``Fraction``: the standard library's ``fractions.Fraction`` compiled with
Cython (the same operations, the same results, the same printing and pickling), about nine
times faster per operation, which is most of what a long run or a simulation spends in
arithmetic. Values must not mix it with the standard library's class: an operation of the
two gives the slower one, which ``limits.too_large`` does not check. Type checkers see the
standard class, whose interface it has.
"""

from __future__ import annotations

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing: a warm run never does
if TYPE_CHECKING:
    from fractions import Fraction
else:
    from quicktions import Fraction

__all__ = ["Fraction"]
