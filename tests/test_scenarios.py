"""Every bundled scenario meets its hand-worked expectations; every COD row is covered."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import CONTRACTS, INVENTORY, ROOT

from interpreter.run.engine import run_scenario
from interpreter.run.expectations import failures
from interpreter.run.scenario import load_scenario

SCENARIOS = sorted((ROOT / "examples" / "scenarios").rglob("*.yaml"))


def test_there_are_at_least_eight_scenarios() -> None:
    assert len(SCENARIOS) >= 8


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_scenario_meets_its_expectations(path: Path) -> None:
    scenario = load_scenario(path)
    assert scenario.expectations, "a bundled scenario carries an expect: block"
    assert failures(run_scenario(scenario)) == []


def test_every_certificate_provision_is_covered(cli) -> None:
    run = cli("coverage", INVENTORY, CONTRACTS, "--prefix", "COD")
    assert run.code == 0, run.out
    assert run.out.strip() == "52 of 52 provisions covered"


def test_coverage_names_what_is_missing(cli, tmp_path: Path) -> None:
    inventory = tmp_path / "inventory.md"
    inventory.write_text("| id | what |\n| --- | --- |\n| COD I | designation |\n| COD XV | none |\n")
    run = cli("coverage", inventory, CONTRACTS)
    assert run.code == 1
    assert run.out.splitlines() == ["not covered: COD XV", "1 of 2 provisions covered"]


def test_a_fact_the_scenario_lacks_is_asked_for_at_the_event_that_needs_it(cli, tmp_path: Path) -> None:
    # Scenario 05 without its facts: the conversion of 1999-08-02 (its first event, line 9 here)
    # needs common_outstanding for the 4.9% limit; the error is located there and says where to give it.
    text = (ROOT / "examples" / "scenarios" / "05-late-delivery-default.yaml").read_text(encoding="utf-8")
    text = text.replace("facts: {common_outstanding: 26704073}\n", "").split("expect:")[0]
    text = text.replace("../../contracts", str(CONTRACTS)).replace("../closing-bids", str(ROOT / "examples"
                                                                                           / "closing-bids"))
    path = tmp_path / "05.yaml"
    path.write_text(text, encoding="utf-8")
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "event: conversion_notice" in t)
    result = cli("run", path)
    assert result.code == 1
    assert result.err.startswith(f"{path}:{line}:5: error: missing input common_outstanding (shares): ")
    assert "give it under the scenario's facts (common_outstanding: VALUE)" in result.err
    # an empty facts: changes nothing but the line: the event is still where it is needed
    path.write_text(text.replace("holders:", "facts: {}\nholders:"), encoding="utf-8")
    assert cli("run", path).err.startswith(f"{path}:{line + 1}:5: error: missing input common_outstanding")
