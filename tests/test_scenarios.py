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
