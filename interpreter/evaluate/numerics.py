"""Functions whose results are not rational: square roots, volatility, Black-Scholes.

They are computed with Python's ``decimal`` module at ``DIGITS`` significant
digits and returned as the exact ``Fraction`` of that decimal, so no binary
float ever enters a value. Results are therefore exact to about 40 digits,
far beyond any cent a contract pays.
"""

from __future__ import annotations

from decimal import Decimal, localcontext
from itertools import pairwise

from ..rational import Fraction

DIGITS = 50
SHOWN = 40  # significant digits kept in a result


def _dec(value: Fraction) -> Decimal:
    return Decimal(value.numerator) / Decimal(value.denominator)


def _fraction(value: Decimal) -> Fraction:
    with localcontext() as ctx:
        ctx.prec = SHOWN
        return Fraction(+value)


def square_root(value: Fraction) -> Fraction:
    """√value for value ≥ 0."""
    if value < 0:
        raise ValueError(f"no square root of a negative number ({value})")
    with localcontext() as ctx:
        ctx.prec = DIGITS
        return _fraction(_dec(value).sqrt())


def log_return_volatility(prices: list[Fraction]) -> Fraction:
    """Sample standard deviation of the logarithmic returns between successive prices."""
    if len(prices) < 3:
        raise ValueError(f"volatility needs at least 3 prices, not {len(prices)}")
    if any(p <= 0 for p in prices):
        raise ValueError("volatility needs positive prices")
    with localcontext() as ctx:
        ctx.prec = DIGITS
        returns = [(_dec(b) / _dec(a)).ln() for a, b in pairwise(prices)]
        mean = sum(returns, Decimal(0)) / len(returns)
        variance = sum(((r - mean) ** 2 for r in returns), Decimal(0)) / (len(returns) - 1)
        return _fraction(variance.sqrt())


def _normal_cdf(x: Decimal) -> Decimal:
    """Φ(x) by the series of erf; |x| beyond 10 is 0 or 1 to far more than DIGITS digits."""
    if x > 10:
        return Decimal(1)
    if x < -10:
        return Decimal(0)
    z = x / Decimal(2).sqrt()
    term, total, n = z, z, 0
    while abs(term) > Decimal(10) ** -(DIGITS + 5):
        n += 1
        term = term * -z * z / n
        total += term / (2 * n + 1)
    erf = 2 * total / Decimal("3.14159265358979323846264338327950288419716939937510582097494").sqrt()
    return (1 + erf) / 2


def black_scholes_call(spot: Fraction, strike: Fraction, volatility: Fraction, rate: Fraction,
                       years: Fraction) -> Fraction:
    """Black-Scholes value of a European call on one share (no payouts)."""
    if spot <= 0 or strike <= 0:
        raise ValueError("Black-Scholes needs positive prices")
    with localcontext() as ctx:
        ctx.prec = DIGITS + 30  # the erf series cancels digits for large arguments
        s, k, v, r, t = (_dec(x) for x in (spot, strike, volatility, rate, years))
        discounted = k * (-r * t).exp() if t > 0 else k
        if t <= 0 or v <= 0:
            return _fraction(max(s - discounted, Decimal(0)))
        spread = v * t.sqrt()
        d1 = ((s / k).ln() + (r + v * v / 2) * t) / spread
        d2 = d1 - spread
        return _fraction(s * _normal_cdf(d1) - discounted * _normal_cdf(d2))
