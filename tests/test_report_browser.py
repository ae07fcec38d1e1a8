"""The report and the literate contract open in a real browser (headless Chromium): every chart is
drawn and nothing is logged to the console. CI installs Debian's chromium (.ci/run)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from support import ROOT, SERIES_B

from interpreter.cli import main

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

if CHROMIUM is None and os.environ.get("CI"):  # in CI a missing browser is a failure, not a skip
    raise RuntimeError("chromium is not installed: .ci/run installs it")
pytestmark = pytest.mark.skipif(CHROMIUM is None,
                                reason="chromium is not installed (apt-get install chromium)")


def _open(page: Path, profile: Path) -> tuple[str, list[str]]:
    """The page's DOM after its script ran, and every console message it logged."""
    done = subprocess.run(
        [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=60, check=True)
    return done.stdout, [line for line in done.stderr.splitlines() if ":CONSOLE" in line]


def test_the_console_check_catches_an_error(tmp_path: Path) -> None:
    page = tmp_path / "broken.html"
    page.write_text("<!DOCTYPE html><html><body><script>missing();</script></body></html>", encoding="utf-8")
    _, console = _open(page, tmp_path / "profile")
    assert len(console) == 1 and "missing is not defined" in console[0]


def _charts_drawn(page: Path, profile: Path) -> tuple[str, str]:
    """The page's charts as it counts them and as its script drew them; no console message."""
    dom, console = _open(page, profile)
    assert console == []
    root = re.search(r'<html[^>]*data-charts="(\d+)"[^>]*data-charts-drawn="(\d+)"', dom)
    assert root is not None
    return root.group(1), root.group(2)


def test_the_report_draws_every_chart_without_a_console_message(tmp_path: Path) -> None:
    report = tmp_path / "run.html"
    contract = tmp_path / "contract.html"
    scenario = ROOT / "examples" / "scenarios" / "05-late-delivery-default.yaml"
    assert main(["report", str(scenario), "-o", str(report)]) == 0
    assert main(["render", str(SERIES_B), "-o", str(contract)]) == 0
    # the certificate declares six charts; scenario 05 gives each something to draw
    assert _charts_drawn(report, tmp_path / "profile") == ("6", "6")
    dom, console = _open(contract, tmp_path / "profile")
    assert console == [] and 'id="COD-VII.A"' in dom


def test_the_simulation_page_draws_every_distribution(tmp_path: Path) -> None:
    import datetime as dt

    from interpreter.report.simulation_output import dumps, simulation_json
    from interpreter.run.scenario import load_scenario
    from interpreter.simulate.simulation import ModelOptions, prepare, simulate

    scenario = load_scenario(ROOT / "examples" / "scenarios" / "13-weekly-conversions-by-rule.yaml",
                             as_of=dt.date(1999, 8, 31))
    simulation = prepare(scenario, ModelOptions("gbm", 5, dt.date(1999, 8, 2), volatility=0.8))
    result, page = tmp_path / "sim.json", tmp_path / "sim.html"
    result.write_text(dumps(simulation_json(simulation, simulate(simulation, 3))), encoding="utf-8")
    assert main(["report", str(result), "-o", str(page)]) == 0
    # Common Stock issued, ownership by holder, the Cap Amount's date, flags, obligations, amounts owed
    assert _charts_drawn(page, tmp_path / "profile") == ("6", "6")
