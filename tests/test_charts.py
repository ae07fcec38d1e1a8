"""Charts declared in contract files (``charts:``): checked like formulas, computed from a run."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from support import ROOT, SERIES_B

from interpreter.pipeline import load_checked
from interpreter.rational import Fraction
from interpreter.report.charts import LineChart, Timeline, run_charts
from interpreter.run.engine import run_scenario
from interpreter.run.scenario import load_scenario

SCENARIO_05 = ROOT / "examples" / "scenarios" / "05-late-delivery-default.yaml"

TOY = """\
provisions:
  T 1:
    text: the holder is paid a fee
    parameters:
      fee: {type: money, value: $10}
      limit_shares: {type: shares, value: 5 shares}
      company: {type: party, value: Co}
    inputs:
      holder: {type: party, description: a holder}
      day: {type: date, description: a day}
    definitions:
      daily: {type: money, given: {d: date}, formula: "if d > day then fee else $0"}
    state:
      held: {type: shares by party, initial: 0 shares, description: what each holds}
    obligations:
      fee_owed: {what: a fee, unit: money, debtor: company, creditor: holder}
charts:
"""


@pytest.fixture(scope="module")
def run_05():
    return run_scenario(load_scenario(SCENARIO_05))


def _chart(run, name):
    return next(c for c in run_charts(run) if c.chart.name == name)


def _check(contract, cli, charts: str) -> list[str]:
    path = contract(TOY + charts)
    result = cli("validate", path)
    return [line.split(": error: ", 1)[1] for line in result.out.splitlines() if ": error: " in line]


def test_a_chart_has_one_unit(cli, contract) -> None:
    errors = _check(contract, cli, """\
  mixed:
    title: Mixed
    for_each: holder
    lines:
      held: held[holder]
      fee: fee
""")
    assert errors == ["'fee' is money, but 'held' of the same chart is shares: a chart has one unit"]


def test_each_day_for_each_and_obligations_are_checked(cli, contract) -> None:
    errors = _check(contract, cli, """\
  wrong:
    title: Wrong
    each_day: fee
    for_each: company
    lines:
      fee: fee
  timeline:
    title: Owed
    kind: timeline
    obligations: [fee_owd]
""")
    assert errors == ["each_day names a date term, not 'fee'",
                      "for_each names a party input, not 'company'",
                      "unknown obligation 'fee_owd'; did you mean 'fee_owed'?"]


def test_a_chart_may_read_the_given_name_its_each_day_binds(cli, contract) -> None:
    assert _check(contract, cli, """\
  fees:
    title: Fees
    each_day: d
    lines:
      fee a day: daily
""") == []
    errors = _check(contract, cli, """\
  fees:
    title: Fees
    lines:
      fee a day: daily
""")
    assert len(errors) == 1
    assert errors[0].startswith("this formula reads d, which only a call or a loop binds")


def test_a_variant_inherits_its_body_charts_under_its_names() -> None:
    program = load_checked(str(SERIES_B))
    cap = program.charts["cap_amount"]
    # the body writes cap_used[holder]; the text stays, the names are the program's
    assert cap.lines["Cap Amount used"].text == "cap_used[holder]"
    held = program.charts["common_issued"].lines["Common Stock held"].node
    assert held.target.name == "common"  # not renamed by Series B: only preferred is
    assert program.charts["obligations"].obligations[0] in program.obligations


def test_a_deal_qualifies_its_documents_charts() -> None:
    deal = load_checked(str(ROOT / "contracts" / "valence_financing.yaml"))
    chart = deal.charts["series_b.conversion_price"]
    assert chart.each_day == "series_b.conversion_date" and chart.for_each == "series_b.holder"
    assert chart.document == "Series B Certificate of Designation"
    assert "series_b.conversion_default_payments" in deal.charts["series_b.obligations"].obligations
    assert deal.charts["cap_amount"].document == ""  # the deal's own


def test_conversion_default_payments_accrue_day_by_day(run_05) -> None:
    chart = _chart(run_05, "conversion_default_payments")
    assert isinstance(chart, LineChart)
    (line,) = chart.lines
    # The Delivery Period ended 1999-08-05, the shares came on 08-24: the default exists 08-06..08-23.
    assert line.points[0] == (dt.date(1999, 8, 6), Fraction(500))  # $500 for the first day
    assert line.points[3] == (dt.date(1999, 8, 9), Fraction(2000))  # 4 days × $500 to the 5th business day
    # 08-10: 1% × $1,000 × 1,000 shares = $10,000 more, plus the Premium once, 1,000 × 2724/73
    assert line.points[4] == (dt.date(1999, 8, 10), 2000 + 10000 + Fraction(2724000, 73))
    # 08-23: $2,000 + 14 × $10,000 + $37,315.07 = $179,315.07, the obligation the delivery creates
    assert line.points[-1] == (dt.date(1999, 8, 23), 142000 + Fraction(2724000, 73))
    assert len(line.points) == 18


def test_the_conversion_price_is_read_on_each_trading_day(run_05) -> None:
    chart = _chart(run_05, "conversion_price")
    lines = {line.label: dict(line.points) for line in chart.lines}
    assert set(lines) == {"Closing Bid Price", "Fixed Conversion Price", "Variable Conversion Price",
                          "Conversion Price"}  # one holder: no party in the labels
    price = lines["Conversion Price"]
    assert price[dt.date(1999, 8, 2)] == Fraction("5.03421875")  # the README's worked example
    assert price[dt.date(1999, 7, 26)] == Fraction("6.03")  # before July 27, 1999: the Fixed price
    # the late delivery of 08-24 resets the Fixed Conversion Price to $4.9027083333 from that day
    assert lines["Fixed Conversion Price"][dt.date(1999, 8, 23)] == Fraction("6.03")
    assert round(lines["Fixed Conversion Price"][dt.date(1999, 8, 24)], 10) == Fraction("4.9027083333")
    # trading days only: the first of the run (1998-12-18) to the last (1999-12-31)
    days = sorted(price)
    assert days[0] == dt.date(1998, 12, 18) and days[-1] == dt.date(1999, 12, 31)
    assert dt.date(1999, 8, 1) not in price  # a Sunday


def test_ownership_against_the_limit_after_each_event(run_05) -> None:
    chart = _chart(run_05, "ownership")
    owned, limit = chart.lines
    assert limit.limit and set(v for _, v in limit.points) == {Fraction(49, 1000)}
    # after the conversion of 08-02: 206,053 / (26,704,073 + 206,053)
    assert dict(owned.points)[dt.date(1999, 8, 2)] == Fraction(206053, 26910126)
    assert owned.points[0][1] == 0


def test_the_obligations_timeline_marks_late_and_overdue(run_05) -> None:
    chart = _chart(run_05, "obligations")
    assert isinstance(chart, Timeline)
    status = {bar.obligation.what: bar.status for bar in chart.bars}
    assert status["Preferred Stock Certificates"] == "on time"  # due 08-04, delivered 08-03
    assert status["shares of Common Stock"] == "late"  # due 08-05, delivered 08-24
    # due 08-31, settled on 08-25 into the Redemption Amount, which is due 09-01 and open on 12-31
    assert status["Conversion Default Payments"] == "on time"
    assert status["Redemption Amount"] == "overdue"
    assert chart.chart.obligations == list(run_05.scenario.programs[0].obligations)


def test_a_chart_whose_condition_never_holds_has_no_lines() -> None:
    path = ROOT / "examples" / "scenarios" / "01-conversion-after-variable-pricing.yaml"
    run = run_scenario(load_scenario(path))
    assert _chart(run, "conversion_default_payments").lines == []


def test_what_cannot_be_computed_is_a_gap_with_its_reason(tmp_path: Path) -> None:
    # scenario 05 without its common_outstanding fact, stopped before the conversion that needs it
    scenario = SCENARIO_05.read_text(encoding="utf-8").replace("facts: {common_outstanding: 26704073}\n", "")
    scenario = scenario.replace("../../contracts", str(ROOT / "contracts")).replace(
        "../closing-bids", str(ROOT / "examples" / "closing-bids"))
    path = tmp_path / "05.yaml"
    path.write_text(scenario.split("expect:")[0], encoding="utf-8")
    chart = _chart(run_scenario(load_scenario(path, dt.date(1999, 7, 1))), "ownership")
    assert [line.label for line in chart.lines] == ["4.9% limit"]
    assert chart.gaps == ["beneficial ownership: missing input common_outstanding (shares): shares of Common "
                          "Stock outstanding before any conversion of the run (a scenario fact) (1998-12-18)"]


SCENARIO_04 = ROOT / "examples" / "scenarios" / "04-cap-amount-after-transfer.yaml"
AGREEMENT_02 = ROOT / "examples" / "scenarios" / "agreements" / "02-registration-trigger.yaml"


def test_a_scenario_draws_charts_of_its_own_after_the_contracts() -> None:
    run = run_scenario(load_scenario(SCENARIO_04))
    charts = run_charts(run)
    assert [c.chart.name for c in charts][-1] == "preferred_held"  # after the certificate's six
    held = {line.label: dict(line.points) for line in charts[-1].lines}
    # 5,000 and 2,500 at the start; the transfer of 02-01 moves 1,000; Gemini converts 2,923 of its
    # 3,500 on 03-01 (its Cap Amount allows 2,923, as the scenario's expectation works out): 577 left
    assert held["Preferred Stock held (CC Investments)"][dt.date(1999, 2, 1)] == 4000
    assert held["Preferred Stock held (Gemini Capital)"][dt.date(1998, 12, 18)] == 2500
    assert held["Preferred Stock held (Gemini Capital)"][dt.date(1999, 3, 1)] == 577


def _scenario_with_chart(tmp_path: Path, source: Path, chart: str) -> Path:
    text = source.read_text(encoding="utf-8").split("expect:")[0].split("charts:")[0]
    for relative in ("../../../contracts", "../../contracts"):
        text = text.replace(relative, str(ROOT / "contracts"))
    for relative in ("../../closing-bids", "../closing-bids"):
        text = text.replace(relative, str(ROOT / "examples" / "closing-bids"))
    path = tmp_path / "s.yaml"
    path.write_text(text + "charts:\n" + chart, encoding="utf-8")
    return path


def _errors(cli, path: Path) -> list[str]:
    result = cli("validate", path)
    assert result.code == 1
    return [line.split(str(path) + ":", 1)[1] for line in result.out.splitlines() if ": error: " in line]


def test_a_scenario_chart_is_checked_against_its_contract_at_the_scenario(cli, tmp_path: Path) -> None:
    path = _scenario_with_chart(tmp_path, SCENARIO_04, """\
  held:
    title: Held
    for_each: holder
    lines:
      held: series_b_preferred[holder]
      fee: fixed_conversion_price
      typo: series_b_preferrd[holder]
""")
    lines = path.read_text(encoding="utf-8").splitlines()
    line = next(i for i, text in enumerate(lines, 1) if "fee:" in text)
    assert _errors(cli, path) == [
        f"{line}:12: error: 'fee' is price, but 'held' of the same chart is shares: a chart has "
        "one unit",
        f"{line + 1}:13: error: unknown name 'series_b_preferrd'; did you mean 'series_b_preferred'?"]


def test_a_scenario_chart_is_a_contract_chart_by_the_schema(cli, tmp_path: Path) -> None:
    path = _scenario_with_chart(tmp_path, SCENARIO_04, "  held:\n    title: Held\n    kind: pie\n")
    line = len(path.read_text(encoding="utf-8").splitlines())
    assert _errors(cli, path) == [
        f"{line}:11: error: charts.held.kind: 'pie' is not one of ['line', 'timeline']"]


def test_with_several_contracts_a_scenario_chart_names_the_one_it_reads(cli, tmp_path: Path) -> None:
    chart = ("  held:\n    title: Held\n    for_each: holder\n"
             "    lines:\n      held: series_b_preferred[holder]\n")
    path = _scenario_with_chart(tmp_path, AGREEMENT_02, chart)
    contracts = [str(ROOT / "contracts" / name) for name in
                 ("registration_rights_agreement.yaml", "series_b_certificate.yaml")]
    line = len(path.read_text(encoding="utf-8").splitlines()) - 4
    assert _errors(cli, path) == [f"{line}:3: error: chart held must say which contract's names it reads: "
                                  f"contract: one of {', '.join(contracts)}"]
    path.write_text(path.read_text(encoding="utf-8") + f"    contract: {contracts[1]}\n", encoding="utf-8")
    assert cli("validate", path).code == 0
    run = run_scenario(load_scenario(path))
    assert run_charts(run)[-1].chart.name == "held"
