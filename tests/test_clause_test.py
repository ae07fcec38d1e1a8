"""``clause test`` for CI: failures at their place, GitHub annotations, a JUnit XML report; and
``clause validate`` on scenario files."""

from __future__ import annotations

import os
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from support import TOY, toy_scenario


@pytest.fixture
def three(tmp_path: Path) -> list[Path]:
    """A scenario that passes, one that fails two expectations, one that does not load."""
    # 100 × $2.50 = $250.00; the late fees are 4 days × $100 = $400, due 07-19 (07-12 + 5 business days).
    good = toy_scenario(tmp_path, "a_good.yaml", "expect:\n  - {after: 0, values: {cost: $250.00}}\n")
    wrong = toy_scenario(tmp_path, "b_wrong.yaml", textwrap.dedent("""\
        expect:
          - after: 0
            values: {cost: $250.01}
          - after: 1
            state: {held: {Buyer A: 111}}
        """))
    broken = toy_scenario(tmp_path, "c_broken.yaml", "expect:\n  - {after: 0, values: {cost: $1}}\n",
                      events="  - {date: 1999-07-01, event: ordre, buyer: Buyer A, units: 100}\n")
    return [good, wrong, broken]


def test_each_failure_is_at_the_expectation_it_fails(cli, three: list[Path]) -> None:
    good, wrong, broken = three
    run = cli("test", *three)
    assert run.code == 1
    # b_wrong.yaml: line 11 is "    values: {cost: $250.01}" (the value at column 20), line 13
    # "    state: {held: {Buyer A: 111}}" (Buyer A's value at column 29).
    assert run.out.splitlines() == [
        f"pass {good}",
        f"FAIL {wrong}",
        f"     {wrong}:11:20: error: after event 0 (1999-07-01 order): cost expected $250.01, got $250.00 "
        "[T 1; clause take_order]",
        f"     {wrong}:13:29: error: after event 1 (1999-07-12 delivered): held[Buyer A] expected 111 "
        "shares, got 110 shares",
        f"FAIL {broken}",
        f"     {broken}:7:31: error: unknown event 'ordre' (events: check, delivered, order)",
        "1 passed, 2 failed",
    ]


def test_github_annotations_for_failed_expectations(cli, three: list[Path]) -> None:
    _, wrong, broken = three
    run = cli("test", *three, "--format", "github")
    assert run.code == 1
    assert run.out.splitlines() == [
        f"::error file={wrong},line=11,col=20::after event 0 (1999-07-01 order): cost expected $250.01, "
        "got $250.00 [T 1; clause take_order]",
        f"::error file={wrong},line=13,col=29::after event 1 (1999-07-12 delivered): held[Buyer A] "
        "expected 111 shares, got 110 shares",
        f"::error file={broken},line=7,col=31::unknown event 'ordre' (events: check, delivered, order)",
        "1 passed, 2 failed",
    ]


def test_junit_report(cli, three: list[Path], tmp_path: Path) -> None:
    report = tmp_path / "out" / "clause.xml"
    report.parent.mkdir()
    run = cli("test", *three, "--junit", report)
    assert run.code == 1 and run.out.splitlines()[1] == f"FAIL {three[1]}"
    assert os.listdir(report.parent) == ["clause.xml"]  # no temporary file left beside it
    root = ET.parse(report).getroot()
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("3", "1", "1")
    (suite,) = root
    assert suite.tag == "testsuite" and suite.get("tests") == "3"
    cases = {case.get("name"): case for case in suite}
    assert list(cases) == ["a_good.yaml", "b_wrong.yaml", "c_broken.yaml"]
    folder = ".".join(p for p in tmp_path.as_posix().split("/") if p)
    assert {case.get("classname") for case in suite} == {folder}
    assert list(cases["a_good.yaml"]) == []
    (failure,) = cases["b_wrong.yaml"]
    assert failure.tag == "failure"
    assert failure.get("message") == ("after event 0 (1999-07-01 order): cost expected $250.01, got $250.00 "
                                      "[T 1; clause take_order]")
    # Its text: the lines `clause test` prints below FAIL.
    assert failure.text is not None
    assert failure.text.splitlines() == [line.strip() for line in run.out.splitlines()[2:4]]
    (error,) = cases["c_broken.yaml"]
    assert error.tag == "error" and error.get("message", "").startswith("unknown event 'ordre'")
    assert all(float(case.get("time", "-1")) >= 0 for case in suite)


def test_junit_is_written_whole_or_not_at_all(cli, three: list[Path], tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    report = tmp_path / "report.xml"
    report.write_text("the last run's report", encoding="utf-8")

    def fail(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    run = cli("test", three[0], "--junit", report)
    assert run.code == 1
    assert run.err.strip() == f"error: cannot write {report}: No space left on device"
    assert report.read_text(encoding="utf-8") == "the last run's report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a_good.yaml", "b_wrong.yaml", "c_broken.yaml",
                                                          "report.xml"]


def test_junit_into_a_missing_folder_is_an_error(cli, three: list[Path], tmp_path: Path) -> None:
    run = cli("test", three[0], "--junit", tmp_path / "nowhere" / "report.xml")
    assert run.code == 1
    assert run.err.startswith(f"error: cannot write {tmp_path / 'nowhere' / 'report.xml'}: ")
    assert not (tmp_path / "nowhere").exists()


def test_validate_checks_a_scenario_as_a_scenario(cli, three: list[Path]) -> None:
    good, _, broken = three
    # The toy contract's 19 terms: 3 parameters, 6 inputs, 5 definitions, 5 state variables.
    run = cli("validate", good, TOY / "toy_contract.yaml")
    assert (run.code, run.out) == (0, "ok: 2 files (1 scenario), 19 terms, 0 interpretations\n")
    run = cli("validate", broken, "--format", "github")
    assert run.code == 1
    assert run.out.splitlines() == [
        f"::error file={broken},line=7,col=31::unknown event 'ordre' (events: check, delivered, order)"]

