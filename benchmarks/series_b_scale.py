"""A Series B scenario of many events, and a hand-written loop in exact Fractions computing its numbers.

The scenario: four Holders of the 7,500 Series B shares convert one share at a time (a Notice of
Conversion, the certificates and the Common Stock on the same day), and now and then one of them
transfers shares to the next, on dates spread from 1999-01-04 to 2001-06-29 (before the Maturity
Date). ``hand_loop`` computes what the engine computes for it, from the certificate's
formulas written out by hand: the Premium, the Conversion Price, the 4.9% and Cap Amount limits,
the Common Stock issued, the transfers' Cap Amount, the Trading Market Trigger Events and the
daily count of the Reserved Amount's coverage (and the Redemption Event it leads to). It
imports nothing of Clause, so that as a process it is the reference a generic engine is measured
against (``bench_scale.py``).

Run ``python benchmarks/series_b_scale.py EVENTS [--quicktions]`` to compute the numbers of the
scenario of EVENTS events with the hand loop alone and print their summary; with ``--quicktions``,
in quicktions' Fraction (the type Clause computes with) instead of the standard library's.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import sys
from bisect import bisect_left
from dataclasses import dataclass, field
from pathlib import Path

if "--quicktions" in sys.argv:  # the rational type Clause computes with, for a second reference
    from quicktions import Fraction
else:
    from fractions import Fraction

ROOT = Path(__file__).resolve().parent.parent
MARKET = ROOT / "examples" / "closing-bids-MADE-UP.csv"
HOLDERS = ["CC Investments", "Gemini Capital", "Holder Three", "Holder Four"]
FIRST, LAST = dt.date(1999, 1, 4), dt.date(2001, 6, 29)
AS_OF = dt.date(2001, 6, 30)
COMMON_OUTSTANDING = 26_704_073
TRANSFERRED = 3  # Preferred shares a transfer moves
TRANSFERS = 20

# The certificate's numbers (contracts/preferred_certificate_body.yaml, series_b_certificate.yaml).
DESIGNATED = 7500
CLOSING_DATE = dt.date(1998, 12, 18)
VARIABLE_PRICING_DATE = dt.date(1999, 7, 27)  # also the Trading Market Trigger's start
FACE = Fraction(1000)
PREMIUM_RATE = Fraction(6, 100)
FIXED_PRICE = Fraction(603, 100)
VARIABLE_PERCENTAGE = Fraction(101, 100)
LOOKBACK, LOWEST = 10, 6
CAP_AMOUNT = 5_071_913
OWNERSHIP_LIMIT = Fraction(49, 1000)
COVERAGE = 2
APPROVAL_DEADLINE = dt.date(1999, 2, 8)
RESERVED_AMOUNT = 4_000_000
RESERVE_DAYS = 10  # to increase the Reserved Amount when the Board's approval alone is needed


@dataclass
class Event:
    """One event of the scenario; ``shares`` is Preferred Stock, or Common Stock delivered."""

    date: dt.date
    kind: str  # conversion_notice, certificates_delivered, shares_delivered or transfer
    holder: str
    shares: int = 0
    to: str = ""


def plan(count: int) -> list[Event]:
    """The scenario's first ``count`` events, without the Common Stock each delivery carries
    (``hand_loop`` fills it in): conversions by each Holder in turn, and ``TRANSFERS`` transfers
    among them, each to the next, spread evenly. (Few transfers: each makes the fractions of the
    Cap Amount allocated longer, and the engine refuses a number past a thousand digits.)"""
    every = max(1, count // (3 * TRANSFERS))  # conversions between two transfers
    groups: list[list[Event]] = []
    conversions = transfers = 0
    while sum(len(g) for g in groups) < count:
        due = conversions and conversions % every == 0 and groups[-1][0].kind != "transfer"
        if due and transfers < TRANSFERS:
            giver, taker = HOLDERS[transfers % len(HOLDERS)], HOLDERS[(transfers + 1) % len(HOLDERS)]
            groups.append([Event(FIRST, "transfer", giver, TRANSFERRED, taker)])
            transfers += 1
            continue
        holder = HOLDERS[conversions % len(HOLDERS)]
        groups.append([Event(FIRST, "conversion_notice", holder, 1),
                       Event(FIRST, "certificates_delivered", holder),
                       Event(FIRST, "shares_delivered", holder)])
        conversions += 1
    span = (LAST - FIRST).days
    events = []
    for n, group in enumerate(groups):
        day = FIRST + dt.timedelta(days=n * span // max(1, len(groups) - 1))
        for event in group:
            event.date = day
        events += group
    return events[:count]


def closing_bids(path: Path = MARKET) -> tuple[list[dt.date], dict[dt.date, Fraction]]:
    """The trading days and closing bids of the market data, exactly."""
    with path.open(encoding="utf-8") as f:
        rows = [line for line in f if not line.startswith("#")]
    bids = {dt.date.fromisoformat(r["date"]): Fraction(r["closing_bid"]) for r in csv.DictReader(rows)}
    return sorted(bids), bids


@dataclass
class Numbers:
    """What the hand loop computes: each conversion's values, the holdings at the end, the flags raised."""

    conversions: list[dict[str, Fraction]] = field(default_factory=list)
    preferred: dict[str, Fraction] = field(default_factory=dict)
    common: dict[str, Fraction] = field(default_factory=dict)
    cap_allocation: dict[str, Fraction] = field(default_factory=dict)
    cap_used: dict[str, Fraction] = field(default_factory=dict)
    outstanding_preferred: Fraction = Fraction(DESIGNATED)
    common_issued: Fraction = Fraction(0)
    reserve_short_days: Fraction = Fraction(0)
    flags: list[tuple[str, str | None, dt.date]] = field(default_factory=list)  # name, holder, day


def hand_loop(events: list[Event], dates: list[dt.date], bids: dict[dt.date, Fraction]) -> Numbers:
    """The scenario's numbers, by hand; fills in each delivery's Common Stock (all that is due).

    Each day: its events, then at the close of a trading day the Reserved Amount's count (V.B).
    """
    out = Numbers()
    out.preferred = {h: Fraction(DESIGNATED, len(HOLDERS)) for h in HOLDERS}
    out.common = dict.fromkeys(HOLDERS, Fraction(0))
    out.cap_used = dict.fromkeys(HOLDERS, Fraction(0))
    # XIV.C: the Cap Amount allocated pro rata to the shares held at the start.
    out.cap_allocation = {h: CAP_AMOUNT * out.preferred[h] / DESIGNATED for h in HOLDERS}
    pending = dict.fromkeys(HOLDERS, Fraction(0))
    triggered: set[str] = set()
    reserve_deadline = None
    by_day: dict[dt.date, list[Event]] = {}
    for event in events:
        by_day.setdefault(event.date, []).append(event)
    closes = set(dates)
    for day in (CLOSING_DATE + dt.timedelta(days=n) for n in range((AS_OF - CLOSING_DATE).days + 1)):
        if day == reserve_deadline:  # V.B, Redemption Event (vii): the Reserved Amount not increased in time
            out.flags.append(("redemption_event_vii", None, day))
        for event in by_day.get(day, []):
            _event(out, event, pending, triggered, dates, bids)
        if day == APPROVAL_DEADLINE:  # VI.A: no Stockholder Approval by February 8, 1999
            out.flags.append(("cap_restriction_remains", None, day))
        if day in closes:
            # V.B: the Reserved Amount under 200% of the shares issuable on all the outstanding
            # Preferred Stock converted that day, for three consecutive trading days.
            premium = FACE * Fraction((day - CLOSING_DATE).days, 365) * PREMIUM_RATE
            price = conversion_price(day, dates, bids)
            issuable = math.ceil(out.outstanding_preferred * (premium + FACE) / price)
            short = RESERVED_AMOUNT < COVERAGE * issuable
            if short and out.reserve_short_days < 3:
                out.reserve_short_days += 1
                if out.reserve_short_days == 3 and reserve_deadline is None:  # the Authorization Trigger Date
                    out.flags.append(("reserve_increase_pending", None, day))
                    reserve_deadline = day + dt.timedelta(days=RESERVE_DAYS + 1)
            elif not short:
                out.reserve_short_days = Fraction(0)
    return out


def _event(out: Numbers, event: Event, pending: dict[str, Fraction], triggered: set[str],
           dates: list[dt.date], bids: dict[dt.date, Fraction]) -> None:
    """One of the scenario's events, by hand."""
    h, day = event.holder, event.date
    if event.kind == "conversion_notice":
        n = event.shares
        assert n < out.preferred[h], "converting all of a holder's shares reallocates its Cap Amount"
        # III.F: Premium = 1000 × (N / 365) × 6%, N the days from the Closing Date.
        premium = FACE * Fraction((day - CLOSING_DATE).days, 365) * PREMIUM_RATE
        price = conversion_price(day, dates, bids)
        # IV.A, IV.E: shares rounded up; IV.G: the 4.9% limit and the Cap Amount cut the notice.
        rate = (premium + FACE) / price
        shares = math.ceil(n * (premium + FACE) / price)
        ownership_room = max(0, math.floor((OWNERSHIP_LIMIT * (COMMON_OUTSTANDING + out.common_issued)
                                            - out.common[h]) / (1 - OWNERSHIP_LIMIT)))
        cap_room = max(0, out.cap_allocation[h] - out.cap_used[h])
        convertible = min(n, math.floor(ownership_room / rate), math.floor(cap_room / rate))
        issued = math.ceil(convertible * (premium + FACE) / price)
        assert issued > 0, "a conversion the limits stop entirely delivers nothing"
        out.conversions.append({"premium": premium, "conversion_price": price,
                                "conversion_shares": Fraction(shares),
                                "convertible_preferred": Fraction(convertible),
                                "issued_shares": Fraction(issued)})
        out.preferred[h] -= convertible
        out.outstanding_preferred -= convertible
        out.common[h] += issued
        out.common_issued += issued
        out.cap_used[h] += issued
        pending[h] += issued
        # VI.B, after the conversion: the unissued Cap Amount under 200% of the shares issuable
        # on all the Holder's Preferred Stock.
        room = max(0, out.cap_allocation[h] - out.cap_used[h])
        issuable = math.ceil(out.preferred[h] * (premium + FACE) / price)
        if day > VARIABLE_PRICING_DATE and room < COVERAGE * issuable and h not in triggered:
            triggered.add(h)
            out.flags.append(("trading_market_trigger", h, day))
    elif event.kind == "shares_delivered":
        event.shares = int(pending[h])
        pending[h] = Fraction(0)
    elif event.kind == "transfer":
        # XIV.C: the transferee takes the unused Cap Amount pro rata to the shares transferred.
        n = event.shares
        assert 0 < n <= out.preferred[h]
        moved = (out.cap_allocation[h] - out.cap_used[h]) * n / out.preferred[h]
        out.preferred[h] -= n
        out.preferred[event.to] += n
        out.cap_allocation[h] -= moved
        out.cap_allocation[event.to] += moved


def conversion_price(day: dt.date, dates: list[dt.date], bids: dict[dt.date, Fraction]) -> Fraction:
    """III.D: the Fixed Conversion Price before July 27, 1999, then the lesser of it and the
    Variable Conversion Price (III.G: 101% × the average of the six lowest closing bids of the ten
    trading days ending the trading day before the Conversion Date)."""
    if day < VARIABLE_PRICING_DATE:
        return FIXED_PRICE
    end = bisect_left(dates, day)
    window = sorted(bids[d] for d in dates[end - LOOKBACK:end])
    variable = VARIABLE_PERCENTAGE * sum(window[:LOWEST], Fraction(0)) / LOWEST
    return min(FIXED_PRICE, variable)


def scenario_yaml(events: list[Event], market: Path = MARKET) -> str:
    """The scenario file of ``events`` (deliveries filled in by ``hand_loop``)."""
    lines = [f"title: Series B, {len(events)} events",
             f"contracts: [{ROOT / 'contracts' / 'series_b_certificate.yaml'}]",
             f"market: {market}",
             f"as_of: {AS_OF.isoformat()}",
             f"facts: {{common_outstanding: {COMMON_OUTSTANDING}, board_only: true}}",
             "holders:"]
    lines += [f"  {h}: {{series_b_preferred: {DESIGNATED // len(HOLDERS)}}}" for h in HOLDERS]
    lines.append("events:")
    for e in events:
        start = f"  - {{date: {e.date.isoformat()}, event: {e.kind}"
        if e.kind == "conversion_notice":
            lines.append(f"{start}, holder: {e.holder}, preferred_shares: {e.shares}}}")
        elif e.kind == "certificates_delivered":
            lines.append(f"{start}, holder: {e.holder}}}")
        elif e.kind == "shares_delivered":
            lines.append(f"{start}, holder: {e.holder}, shares: {e.shares}}}")
        else:
            lines.append(f"{start}, from: {e.holder}, to: {e.to}, preferred_shares: {e.shares}}}")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> None:
    """The hand loop as a process: the numbers of a scenario of ``argv[0]`` events."""
    events = plan(int(argv[0]))
    numbers = hand_loop(events, *closing_bids())
    issued = sum(c["issued_shares"] for c in numbers.conversions)
    print(f"{len(numbers.conversions)} conversions, {issued} shares of Common Stock issued, "
          f"{len(numbers.flags)} flags raised")


if __name__ == "__main__":
    main(sys.argv[1:])
