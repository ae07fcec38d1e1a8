"""Variants in data: Series A and Series B extend one certificate body; a third variant is data only."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import CONTRACTS, SMALL_MARKET, values

from interpreter.diagnostics import ClauseError
from interpreter.pipeline import load_checked
from interpreter.rational import Fraction as F

SERIES_A = CONTRACTS / "series_a_certificate.yaml"
BODY = CONTRACTS / "preferred_certificate_body.yaml"


def test_series_a_amendment_registration_figure() -> None:
    # The November 30, 1998 amendment registered 1,269,543 shares for Series A: that day's conversion.
    # N = 126 days from 1998-07-27 (4 + 31 + 30 + 31 + 30); Premium = 1000 × 126/365 × 6% = 20.7123…;
    # 7,500 × 1,020.7123… / 6.03 = 1,269,542.70 → 1,269,543 (IV.E rounds up). Counting the Closing Date
    # too (N = 127: Premium 20.8767…) would give 1,269,747.3 → 1,269,748: the filing supports the
    # default reading of premium_days.
    got = values(SERIES_A, "conversion_shares", "premium_days", notice_date="1998-11-30",
                 preferred_shares="7,500")
    assert got == {"conversion_shares": 1269543, "premium_days": 126}
    other = values(SERIES_A, "conversion_shares", notice_date="1998-11-30", preferred_shares="7,500",
                   interpret={"premium_days": "closing_date_included"})
    assert other["conversion_shares"] == 1269748


def test_series_a_original_registration_figure() -> None:
    # August 1998: 7,500 × $1,000 / $6.03 = 1,243,781.09 shares, registered as 1,243,781 (no Premium
    # on the day of issue: N = 0).
    got = values(SERIES_A, "premium", "conversion_rate", conversion_date="1998-07-27")
    assert got["premium"] == 0
    assert 7500 * got["conversion_rate"] == F(250_000_000, 201)  # 1,243,781.09…


def test_series_a_variable_pricing_starts_six_months_after_issue() -> None:
    # Before 1999-01-27 the Fixed price; from then the lower of Fixed and Variable. The made-up small
    # market file covers July 1999: on 1999-08-02 Series A and Series B share the variable price.
    before = values(SERIES_A, "conversion_price", conversion_date="1999-01-26")
    assert before["conversion_price"] == F("6.03")
    after = values(SERIES_A, "conversion_price", conversion_date="1999-08-02", market=SMALL_MARKET)
    assert after["conversion_price"] == F(10807, 2400)


def test_the_two_series_differ_only_in_names_and_dates() -> None:
    a, b = load_checked(str(SERIES_A)), load_checked(str(CONTRACTS / "series_b_certificate.yaml"))
    assert "series_a_preferred" in a.terms and "series_b_preferred" in b.terms
    assert "preferred" not in a.terms and "preferred" not in b.terms
    own = {name for name, t in b.terms.items() if t.doc is b.doc}
    assert own == {"closing_date", "variable_pricing_date"}
    assert {c.name for c in a.clauses} == {c.name for c in b.clauses}


VARIANT = """\
extends: {body}
title: A third series, written only as data
document: {{title: Series C (hypothetical), source: none}}
rename: {{preferred: series_c_preferred}}
provisions:
  COD III.D:
    text: from March
    parameters:
      variable_pricing_date: {{type: date, value: 1999-03-01}}
  COD III.F:
    parameters:
      closing_date: {{type: date, value: 1999-01-04, text: the closing date}}
      premium_rate: {{type: ratio, value: 8%, text: eight percent}}
  COD III.G:
    parameters:
      variable_price_percentage: {{type: ratio, value: 90%, text: a 10% discount}}
      variable_price_lowest: {{type: count, value: 3, text: three lowest}}
      variable_price_lookback: {{type: trading days, value: 5 trading days, text: five days}}
"""


def test_a_third_variant_from_a_temporary_folder(tmp_path: Path) -> None:
    # 8% a year from 1999-01-04; on 1999-08-02 N = 210: Premium = 1000 × 210/365 × 8% = 46.0273…
    # Variable: 90% × average of the 3 lowest of the 5 trading days 07-26..07-30 (4.00, 5.50, 6.00,
    # 4.50, 4.75 → 4.00, 4.50, 4.75; average 4.4166…) = 3.975 < $6.03.
    # 100 shares × 1,046.0273… / 3.975 = 26,315.15… → 26,316.
    path = tmp_path / "series_c.yaml"
    path.write_text(VARIANT.format(body=BODY))
    got = values(path, "premium", "variable_conversion_price", "conversion_shares",
                 notice_date="1999-08-02", preferred_shares="100", market=SMALL_MARKET)
    assert got["premium"] == F(1000) * 210 / 365 * F(8, 100)
    assert got["variable_conversion_price"] == F("3.975")
    assert got["conversion_shares"] == 26316


@pytest.mark.parametrize(("body", "message"), [
    ("extends: {body}\ntitle: t\ndocument: {{title: t, source: s}}\n",
     "parameter closing_date of {body} has no value"),
    ("extends: nowhere.yaml\ntitle: t\ndocument: {{title: t, source: s}}\n", "no such contract body"),
    ("extends: c.yaml\ntitle: t\ndocument: {{title: t, source: s}}\n", "extends itself"),
    ("extends: {body}\ntitle: t\ndocument: {{title: t, source: s}}\nrename: {{nothing: x}}\n",
     "nothing named 'nothing' to rename"),
])
def test_variant_errors(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(body.format(body=BODY))
    with pytest.raises(ClauseError, match=message.format(body=BODY)):
        load_checked(str(path))


def test_the_body_alone_cannot_be_evaluated_but_validates(cli) -> None:
    assert cli("validate", BODY).code == 0
    run = cli("eval", BODY, "premium", "--set", "conversion_date=1999-03-01")
    assert run.code == 1 and "parameter closing_date has no value" in run.err


def test_diff_of_series_a_and_b_shows_only_data(cli) -> None:
    run = cli("diff", SERIES_A, CONTRACTS / "series_b_certificate.yaml", "--format", "json")
    assert run.code == 0
    data = run.json()
    # In the document's order: COD III.D (the variable pricing date) comes before COD III.F.
    assert [(d["name"], d["a"], d["b"]) for d in data["parameters"]] == [
        ("variable_pricing_date", "1999-01-27", "1999-07-27"), ("closing_date", "1998-07-27", "1998-12-18")]
    assert data["parameters"][1]["source"] == ["COD III.F", "SPA 1.1", "SPA 1.3"]
    assert data["definitions"] == data["clauses"] == data["interpretations"] == []
    assert [(d["a"], d["b"]) for d in data["names"]] == [("series_a_preferred", "series_b_preferred")]


def test_diff_of_a_scenario_run_names_the_cause(cli, tmp_path: Path) -> None:
    # Series B at 8% instead of 6%: on 1999-08-02 the Premium is 1000 × 227/365 × 8% = 49.7534…,
    # 1,000 shares give 1,049.7534… × 1,000 / 5.03421875 = 208,523.6 → 208,524 instead of 206,053.
    what_if = tmp_path / "b8.yaml"
    what_if.write_text(f"extends: {CONTRACTS / 'series_b_certificate.yaml'}\ntitle: Series B at 8%\n"
                       "document: {title: what-if, source: none}\nprovisions:\n  COD III.F:\n"
                       "    text: eight\n    parameters:\n      premium_rate: {type: ratio, value: 8%}\n")
    scenario = CONTRACTS.parent / "examples" / "scenarios" / "01-conversion-after-variable-pricing.yaml"
    run = cli("diff", "--run", scenario, "--variant", CONTRACTS / "series_b_certificate.yaml",
              "--variant", what_if, "--format", "json")
    assert run.code == 0, run.err
    results = {r["name"]: r for r in run.json()["results"]}
    assert results["conversion_shares"]["a"] == "206053" and results["conversion_shares"]["b"] == "208524"
    assert results["conversion_shares"]["causes"] == ["premium_rate"]


def test_diff_needs_two_contracts(cli) -> None:
    assert cli("diff", SERIES_A).code == 2
