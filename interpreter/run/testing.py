"""``clause test``: each scenario file run and checked against its ``expect:`` block.

One outcome per scenario, with every problem as a diagnostic at its place (the expectation
not met, in the scenario file; or what kept the scenario from loading or running). The
command, its JUnit XML report and the pytest plugin all show outcomes through this module,
so a failure reads the same everywhere.
"""

from __future__ import annotations

import datetime as dt
import re
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from ..diagnostics import ClauseError, Diagnostic
from .engine import run_scenario
from .expectations import failures
from .scenario import load_scenario

PASSED, FAILED, ERROR, CRASHED = "passed", "failed", "error", "crashed"

NO_EXPECTATIONS = ("no expect: block, so nothing to check: add what the run should give, "
                   "worked by hand")


@dataclass
class Outcome:
    """One scenario checked: ``failed`` (an expectation not met, or none given), ``error`` (it
    would not load or run), ``crashed`` (a bug of Clause's, said, and the other files still run)
    or ``passed``; ``problems`` says why, each at its place."""

    path: str
    status: str
    problems: list[Diagnostic]
    seconds: float

    def lines(self) -> list[str]:
        """The problems as ``path:line:col: error: message`` lines, each note on a line of its own."""
        return [line for problem in self.problems for line in str(problem).splitlines()]

    def report(self) -> list[str]:
        """What ``clause test`` prints for it: ``pass PATH``, or ``FAIL PATH`` and its problems below."""
        if self.status == PASSED:
            return [f"pass {self.path}"]
        return [f"FAIL {self.path}", *(f"     {line}" for line in self.lines())]


def check_scenario(path: str | Path) -> Outcome:
    """Load and run the scenario at ``path`` and check it against its expectations."""
    start = time.perf_counter()
    try:
        scenario = load_scenario(path)
        if scenario.expectations:  # nothing to check is not a pass
            problems = failures(run_scenario(scenario))
        else:
            problems = [Diagnostic(str(path), 1, 1, NO_EXPECTATIONS)]
        status = FAILED if problems else PASSED
    except ClauseError as exc:
        problems = exc.located(str(path))
        status = ERROR
    except Exception as exc:  # a bug: said at the file, and the other files still run
        problems = [Diagnostic(str(path), 1, 1, f"internal error: {type(exc).__name__}: {exc} "
                               "(please report this)")]
        status = CRASHED
    return Outcome(str(path), status, problems, time.perf_counter() - start)


def summary(outcomes: list[Outcome]) -> str:
    """``N passed, N failed``: a scenario that would not load or run has failed too."""
    passed = sum(1 for o in outcomes if o.status == PASSED)
    return f"{passed} passed, {len(outcomes) - passed} failed"


# XML 1.0 cannot carry most control characters, even escaped.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def junit_xml(outcomes: list[Outcome], name: str = "clause test") -> str:
    """The outcomes as a JUnit XML report, the format CI dashboards read.

    One ``testcase`` per scenario: its class is its folder (``examples.scenarios``), its name the
    file's; an expectation not met is a ``failure``, a scenario that would not load or run an
    ``error``, each with the first problem as its message and every line of them as its text.
    """
    failed = sum(1 for o in outcomes if o.status == FAILED)
    errors = sum(1 for o in outcomes if o.status in (ERROR, CRASHED))
    seconds = f"{sum(o.seconds for o in outcomes):.3f}"
    counts = {"tests": str(len(outcomes)), "failures": str(failed), "errors": str(errors)}
    root = ET.Element("testsuites", {"name": name, **counts, "time": seconds})
    suite = ET.SubElement(root, "testsuite", {
        "name": name, **counts, "skipped": "0", "time": seconds,
        "timestamp": dt.datetime.now().isoformat(timespec="seconds")})
    for outcome in outcomes:
        path = Path(outcome.path)
        folder = ".".join(part for part in path.parent.as_posix().split("/") if part not in ("", "."))
        case = ET.SubElement(suite, "testcase", {
            "classname": _xml_text(folder or "."), "name": _xml_text(path.name),
            "time": f"{outcome.seconds:.3f}"})
        if outcome.status != PASSED:
            kind = "failure" if outcome.status == FAILED else "error"
            detail = ET.SubElement(case, kind, {"message": _xml_text(outcome.problems[0].message),
                                                "type": "expectation" if kind == "failure" else "scenario"})
            detail.text = _xml_text("\n".join(outcome.lines()))
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
