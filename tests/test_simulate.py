"""Scenario rules (``clause run``) and ``clause simulate``: hand-worked rules, errors at their
places, the same outcomes with 1 worker, 2 workers and a Dask cluster, and a path that is the
market data's own prices giving exactly ``clause run``'s result."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from support import ROOT, SERIES_B, Run

from interpreter.deferred import replace
from interpreter.diagnostics import ClauseError
from interpreter.evaluate.paths import PathMarket
from interpreter.rational import Fraction
from interpreter.report.charts import Frequencies, Histogram, QuantileRows
from interpreter.report.run_report import run_json
from interpreter.report.simulation_output import dumps, simulation_json, summary
from interpreter.report.simulation_page import distributions
from interpreter.run.engine import run_scenario
from interpreter.run.scenario import load_scenario
from interpreter.simulate import simulation as sim
from interpreter.simulate.simulation import ModelOptions, outcomes, prepare, run_path, simulate

EXAMPLE = ROOT / "examples" / "scenarios" / "13-weekly-conversions-by-rule.yaml"
MARKET = ROOT / "examples" / "closing-bids-MADE-UP.csv"
#: The example stopped after its first conversions, for quick runs.
FIRST_WEEKS = dt.date(1999, 8, 31)


def test_rules_convert_on_the_made_up_bids() -> None:
    # Mondays from 1999-08-02; the rule converts when the Conversion Price is below the previous close.
    # 08-02: 5.03421875 (README) > 4.96875 (07-30): no. 08-09: the ten bids 07-26..08-06, six lowest
    # 4.8125, 4.84375, 4.875, 4.96875, 5, 5 average 4.9166…, × 1.01 = 4.9658… > 4.875 (08-06): no.
    # 08-16: the bids 08-02..08-13, six lowest 4.75, 4.84375, 4.875, 4.875, 4.96875, 5.03125, average
    # 4.890625, × 1.01 = 4.93953125 < 5.03125 (08-13): yes. N = 241 days from 1998-12-18, Premium
    # 1000 × 241/365 × 6% = 39.6164…; CC converts 10% of 6,000 = 600: 600 × 1,039.6164… / 4.93953125
    # = 126,281.08… → 126,282; Gemini 10% of 1,500 = 150: 31,570.27… → 31,571.
    result = run_scenario(load_scenario(EXAMPLE, as_of=dt.date(1999, 8, 16)))
    conversions = [r for r in result.results if r.occurrence.name == "conversion_notice"]
    assert [(r.occurrence.date, r.occurrence.origin) for r in conversions] == [
        (dt.date(1999, 8, 16), "rule weekly_conversion for CC Investments"),
        (dt.date(1999, 8, 16), "rule weekly_conversion for Gemini Capital")]
    price = next(c.record.value for c in conversions[0].values if c.name == "conversion_price")
    assert price == Fraction("4.93953125")
    assert result.state["common"].values == {"CC Investments": 126282, "Gemini Capital": 31571}
    assert result.state["series_b_preferred"].values == {"CC Investments": 5400, "Gemini Capital": 1350}
    assert result.state["common_issued"] == 126282 + 31571
    # Certificates and Common Stock the same day, by the other two rules: nothing left open.
    shares = [o for o in result.obligations if o.what == "shares of Common Stock"]
    assert [(o.amount, o.settled) for o in shares] == [(126282, dt.date(1999, 8, 16)),
                                                        (31571, dt.date(1999, 8, 16))]


def _scenario(tmp_path: Path, rules: str, outcomes: str = "") -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(f"""title: rules
contracts: [{SERIES_B}]
market: {MARKET}
as_of: 1999-08-31
facts: {{common_outstanding: 26704073}}
holders:
  CC Investments: {{series_b_preferred: 1000}}
events: []
rules:
{rules}{outcomes}""")
    return path


@pytest.mark.parametrize(("rules", "where", "message"), [
    ("  r:\n    every: week\n    event: conversion_notise\n", "12:12", "unknown event 'conversion_notise'"),
    ("  r:\n    every: week\n    event: trading_day_close\n", "12:12",
     "trading_day_close happens by itself every trading day; a rule cannot emit it"),
    ("  r:\n    every: week\n    for_each: preferred_shares\n    event: conversion_notice\n", "12:15",
     "for_each names a party input, not 'preferred_shares'"),
    ("  r:\n    every: week\n    event: conversion_notice\n    with: {shares: 1 shares}\n", "13:12",
     "conversion_notice has no field 'shares'"),
    ("  r:\n    every: week\n    event: conversion_notice\n    with: {holder: '\"CC Investments\"'}\n",
     "10:3",
     "conversion_notice needs its field 'preferred_shares'"),
    ("  r:\n    every: week\n    event: conversion_notice\n    with: {preferred_shares: 10 shares}\n"
     "    when: conversion_prise < $5\n", "14:11", "unknown name 'conversion_prise'"),
    ("  r:\n    every: week\n    event: conversion_notice\n    with: {preferred_shares: $10}\n", "13:30",
     "field preferred_shares must be shares, not money"),
    ("  r:\n    every: week\n    event: conversion_notice\n    with: {preferred_shares: 10 shares}\n"
     "    when: conversion_price\n", "14:11", "a rule's condition must be boolean, not price"),
    ("  r:\n    every: week\n    event: conversion_notice\n    with: {preferred_shares: 10 shares}\n"
     "    from: 1999-02-30\n", "14:11", "1999-02-30"),
])
def test_a_bad_rule_is_an_error_at_its_place(tmp_path: Path, cli: Callable[..., Run], rules: str, where: str,
                                             message: str) -> None:
    path = _scenario(tmp_path, rules)
    found = cli("validate", path)
    assert found.code == 1
    assert f"{path}:{where}: error: " in found.out and message in found.out, found.out


def test_a_rule_that_asks_the_impossible_stops_the_run_at_the_rule(tmp_path: Path) -> None:
    # 2,000 shares of a holding of 1,000: the event's requirement fails, reported at the rule.
    path = _scenario(tmp_path, "  r:\n    every: week\n    from: 1999-08-02\n    event: conversion_notice\n"
                               "    with: {holder: '\"CC Investments\"', preferred_shares: 2000 shares}\n")
    with pytest.raises(ClauseError) as caught:
        run_scenario(load_scenario(path))
    assert str(caught.value.diagnostics[0]).startswith(f"{path}:10:3: error: rule r (conversion_notice of "
                                                       "1999-08-02: a Holder converts only shares")


def test_outcomes_are_checked(tmp_path: Path, cli: Callable[..., Run]) -> None:
    path = _scenario(tmp_path, "  r: {every: week, event: stockholder_approval}\n",
                     "outcomes:\n  holders:\n    owned: common[holder]\n  first:\n    x: common_issued\n")
    found = cli("validate", path)
    assert found.code == 1
    assert f"{path}:12:3: error: holders' formulas need for_each" in found.out
    assert f"{path}:15:8: error: a condition must be boolean, not shares" in found.out


def _history_path(history: Any, columns: list[str], program: Any, model: str, paths: int, seed: int,
                  start: dt.date | None, end: dt.date, *args: Any, first_path: int = 0) -> PathMarket:
    """A 'model' whose one path is the market data's own prices through ``end``."""
    days = [d for d in history.dates if d <= end]
    series = {c: np.array([[float(history.columns[c][d]) for d in days]]) for c in columns}
    return PathMarket("history", days, series)


def test_a_path_of_the_market_data_gives_clause_runs_result(monkeypatch: pytest.MonkeyPatch) -> None:
    scenario = load_scenario(EXAMPLE, as_of=FIRST_WEEKS)
    monkeypatch.setattr(sim, "simulated", _history_path)
    simulation = prepare(scenario, ModelOptions("gbm", 7, dt.date(1999, 8, 2)))
    run = run_scenario(scenario)
    replayed = run_scenario(replace(scenario, market=sim.path_market(simulation, 0)))
    assert run_json(replayed) == run_json(run)
    found = run_path(simulation, 0)
    assert found == {"path": 0, **outcomes(run, scenario.outcomes)}
    # 08-16 as above; 08-23: 540 and 135 more shares at 4.9553125 (clause run shows it).
    assert found["values"] == {"Common Stock issued": str(run.state["common_issued"])}
    assert run.state["common_issued"] > 126282 + 31571


def test_the_same_seed_gives_the_same_bytes_however_the_paths_are_spread() -> None:
    distributed = pytest.importorskip("distributed")
    scenario = load_scenario(EXAMPLE, as_of=FIRST_WEEKS)
    simulation = prepare(scenario, ModelOptions("gbm", 11, dt.date(1999, 8, 2), volatility=0.8))
    alone = dumps(simulation_json(simulation, simulate(simulation, 3)))
    assert dumps(simulation_json(simulation, simulate(simulation, 3, workers=2))) == alone
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster:
        on_dask = simulate(simulation, 3, scheduler=cluster.scheduler_address)
    assert dumps(simulation_json(simulation, on_dask)) == alone
    # Path 1 is path 1 whichever paths are drawn with it.
    assert simulate(simulation, 2)[1] == json.loads(alone)["outcomes"][1]
    paths = json.loads(alone)["outcomes"]
    assert len({json.dumps(p["values"]) for p in paths}) > 1  # the paths differ


def test_simulate_command(tmp_path: Path, cli: Callable[..., Run]) -> None:
    out = tmp_path / "sim.json"
    found = cli("simulate", EXAMPLE, "--paths", "2", "--model", "bootstrap", "--seed", "3",
                "--simulate-from", "1999-08-02", "--output", out)
    assert found.code == 0, found.err
    document = json.loads(out.read_text())
    assert document["kind"] == "clause simulate" and document["paths"] == 2
    assert document["model"]["model"] == "bootstrap" and document["limits"] == {"ownership": "0.049"}
    assert [o["path"] for o in document["outcomes"]] == [0, 1]
    assert "2 paths: bootstrap of closing_bid (seed 3), drawn from 1999-08-02; 0 failed" in found.out
    assert found.out.rstrip().endswith(f"wrote {out} (2 paths)")
    assert summary(document, [50])[3].split()[:4] == ["at", "the", "end", "of"]
    printed = cli("simulate", EXAMPLE, "--paths", "2", "--model", "bootstrap", "--seed", "3",
                  "--simulate-from", "1999-08-02", "--format", "json")
    assert printed.code == 0 and printed.out == out.read_text()


@pytest.mark.parametrize(("args", "message"), [
    (["--paths", "0", "--model", "gbm"], "not a number of paths"),
    (["--paths", "2"], "the following arguments are required: --model"),
    (["--paths", "2", "--model", "gbm", "--workers", "2", "--scheduler", "x:1"], "not both"),
    (["--paths", "2", "--model", "gbm", "--output", "x.csv"], "a simulation is written as .json"),
    (["--paths", "2", "--model", "gbm", "--simulate-from", "1999-13-01"], "--simulate-from"),
])
def test_simulate_usage_errors(cli: Callable[..., Run], args: list[str], message: str) -> None:
    found = cli("simulate", EXAMPLE, *args)
    assert found.code == 2 and message in found.err, found.err


def test_simulate_errors(tmp_path: Path, cli: Callable[..., Run]) -> None:
    found = cli("simulate", EXAMPLE, "--paths", "2", "--model", "gbm")
    assert found.code == 1
    assert "runs through 2001-08-31, past the run's end (2000-06-30): give --simulate-from" in found.err
    found = cli("simulate", ROOT / "tests" / "data" / "toy" / "toy_scenario.yaml", "--paths", "2", "--model",
                "gbm")
    assert found.code == 1 and "the scenario has no market data" in found.err
    out = tmp_path / "kept.json"
    out.write_text("before")
    found = cli("simulate", EXAMPLE, "--paths", "2", "--model", "gbm", "--simulate-from", "2001-01-02",
                "--output", out)
    assert found.code == 1 and "after the run's end" in found.err
    assert out.read_text() == "before"


def test_a_failing_path_is_counted_with_its_first_message(tmp_path: Path) -> None:
    # Without board_only, the first Reserved Amount shortfall of a path stops its run (as in clause run).
    text = EXAMPLE.read_text().replace(", board_only: true", "").replace("../../", f"{ROOT}/").replace(
        "../closing", f"{ROOT}/examples/closing")
    path = tmp_path / "no-board.yaml"
    path.write_text(text)
    scenario = load_scenario(path, as_of=dt.date(1999, 12, 31))
    simulation = prepare(scenario, ModelOptions("gbm", 7, dt.date(1999, 8, 2), volatility=0.8))
    found = simulate(simulation, 8)
    failed = [o for o in found if "error" in o]
    assert failed and "missing input board_only" in failed[0]["error"]
    document = simulation_json(simulation, found)
    said = f"{len(failed)} of 8 runs failed; the first, path {failed[0]['path']}: "
    assert said in summary(document, [50])[-1]


def test_the_report_of_a_simulation(tmp_path: Path, cli: Callable[..., Run]) -> None:
    scenario = load_scenario(EXAMPLE, as_of=FIRST_WEEKS)
    simulation = prepare(scenario, ModelOptions("gbm", 5, dt.date(1999, 8, 2), volatility=0.8))
    document = simulation_json(simulation, simulate(simulation, 3))
    charts = distributions(document)
    assert [type(c).__name__ for c in charts] == ["Histogram", "QuantileRows", "Cumulative", "Frequencies",
                                                  "Frequencies", "QuantileRows"]
    issued, holders, _, flags, _, owed = charts
    assert isinstance(issued, Histogram) and isinstance(holders, QuantileRows)
    assert isinstance(owed, QuantileRows)
    assert issued.values == [Fraction(o["values"]["Common Stock issued"]) for o in document["outcomes"]]
    assert holders.limit == Fraction(49, 1000)
    assert [label for label, _ in holders.rows] == ["CC Investments (final)", "CC Investments (highest)",
                                                    "Gemini Capital (final)", "Gemini Capital (highest)"]
    # The Stockholder Approval deadline (1999-02-08) passes on every path, before any path differs.
    assert isinstance(flags, Frequencies) and flags.rows == [("cap_restriction_remains", 3)]
    # All the Common Stock issued is owed (and delivered): the amounts owed are the totals issued.
    assert owed.rows == [("shares of Common Stock", issued.values)]
    result, page = tmp_path / "sim.json", tmp_path / "sim.html"
    result.write_text(dumps(document))
    found = cli("report", result, "-o", page)
    assert found.code == 0 and page.read_text().count('<svg class="chart"') == 6
    bad = tmp_path / "bad.json"
    bad.write_text("{\n  nope")
    found = cli("report", bad)
    assert found.code == 1 and f"{bad}:2:3: error: not JSON" in found.err
    bad.write_text("{}")
    found = cli("report", bad)
    assert found.code == 1 and "not a result of clause simulate" in found.err


def test_the_progress_bar_is_on_standard_error(capsys: pytest.CaptureFixture[str]) -> None:
    scenario = load_scenario(EXAMPLE, as_of=FIRST_WEEKS)
    simulation = prepare(scenario, ModelOptions("bootstrap", 1, dt.date(1999, 8, 2)))
    simulate(simulation, 2, progress=True)
    captured = capsys.readouterr()
    assert captured.out == "" and "2/2" in captured.err and "simulate" in captured.err
