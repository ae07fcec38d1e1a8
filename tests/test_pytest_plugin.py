"""The pytest plugin: ``pytest --clause PATH`` collects scenarios with expectations, and nothing unasked."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml  # noqa: F401 (imported before pytester's runs, which drop the modules they import; PyYAML's

# C extension cannot be imported again into a fresh module, and Clause imports yaml only when it reads)
from support import TOY, toy_scenario

from interpreter.cli import main

pytest_plugins = ["pytester"]

@pytest.fixture
def scenarios(pytester: pytest.Pytester) -> Path:
    """A folder with a passing scenario, a failing one, one without expectations and a contract."""
    folder = pytester.path / "scenarios"
    folder.mkdir()
    # 100 units × $2.50 = $250.00: the first passes, the second expects a cent more.
    # The contract is copied beside them: a scenario may name only files inside its folder's tree.
    toy_scenario(folder, "pass.yaml", "expect:\n  - {after: 0, values: {cost: $250.00}}\n",
                 contract="contract.yaml")
    toy_scenario(folder, "fail.yaml", "expect:\n  - after: 0\n    values: {cost: $250.01}\n",
                 contract="contract.yaml")
    toy_scenario(folder, "no_expect.yaml", "", contract="contract.yaml")
    (folder / "contract.yaml").write_text((TOY / "toy_contract.yaml").read_text(encoding="utf-8"),
                                          encoding="utf-8")
    return folder


def test_the_plugin_is_installed_with_the_package(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--help")
    result.stdout.fnmatch_lines(["*--clause=PATH*", "*clause_paths*"])


def test_nothing_is_collected_unless_asked(pytester: pytest.Pytester, scenarios: Path) -> None:
    result = pytester.runpytest("--collect-only", "-q", scenarios)
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED


def test_scenarios_with_expectations_are_items(pytester: pytest.Pytester, scenarios: Path) -> None:
    result = pytester.runpytest("--clause", "scenarios", "--collect-only", "-q")
    # The scenario without expectations and the contract file are not items.
    assert [line for line in result.outlines if "::" in line] == [
        "scenarios/fail.yaml::expect", "scenarios/pass.yaml::expect"]


def test_a_failure_reads_like_clause_test(pytester: pytest.Pytester, scenarios: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    result = pytester.runpytest("--clause", "scenarios")
    result.assert_outcomes(passed=1, failed=1)
    # The value expected is on line 11 of fail.yaml, column 20 ("    values: {cost: " is 19
    # characters): where `clause test` points.
    lines = result.outlines
    header = next(i for i, line in enumerate(lines) if "_ scenarios/fail.yaml _" in line)
    assert lines[header + 1] == ("scenarios/fail.yaml:11:20: error: after event 0 (1999-07-01 order): "
                                 "cost expected $250.01, got $250.00 [T 1; clause take_order]")
    # The same lines as `clause test` prints below its FAIL line, five spaces in.
    capsys.readouterr()  # what the inner pytest printed
    assert main(["test", str(scenarios / "fail.yaml")]) == 1
    assert capsys.readouterr().out.splitlines()[1] == "     " + lines[header + 1].replace(
        "scenarios/", f"{scenarios}/")
    assert "Traceback" not in result.stdout.str()
    assert any(line.startswith("FAILED scenarios/fail.yaml::expect") for line in lines)


def test_the_ini_option_and_the_marker(pytester: pytest.Pytester, scenarios: Path) -> None:
    pytester.makeini("[pytest]\nclause_paths = scenarios/pass.yaml\n")
    (pytester.path / "test_other.py").write_text("def test_other():\n    pass\n", encoding="utf-8")
    result = pytester.runpytest("-m", "clause", "-v")
    result.assert_outcomes(passed=1, deselected=1)
    result.stdout.fnmatch_lines(["*scenarios/pass.yaml::expect PASSED*"])


def test_a_scenario_that_does_not_load_fails_with_its_error(pytester: pytest.Pytester) -> None:
    (pytester.path / "contract.yaml").write_text((TOY / "toy_contract.yaml").read_text(encoding="utf-8"),
                                                 encoding="utf-8")
    bad = toy_scenario(pytester.path, "bad.yaml", "expect:\n  - {after: 0, values: {costs: $1}}\n",
                       contract="contract.yaml")
    result = pytester.runpytest("--clause", bad)
    result.assert_outcomes(failed=1)
    # The unknown name is the key at column 25 of line 10: "  - {after: 0, values: {" is 24 characters.
    assert "bad.yaml:10:25: error: unknown term 'costs'" in result.outlines


def test_a_path_that_does_not_exist_is_a_usage_error(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--clause", "nowhere")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--clause / clause_paths: no such file or folder: *nowhere*"])
