"""The pytest plugin: scenarios with an ``expect:`` block as test items (``pytest --clause PATH``).

Installed with the package (entry point ``pytest11``), it collects nothing unless asked: give
``--clause PATH`` (a scenario file or a folder, as often as needed) or list paths in the ini
option ``clause_paths``, relative to the ini file. Each scenario with an ``expect:`` block is one
item, ``FILE::expect``, marked ``clause`` (``-m clause`` runs only them); a failure shows the
lines ``clause test`` prints for it, each at its ``path:line:col``.

The engine is imported only when a scenario is collected, so a test run that does not ask for
scenarios pays nothing for the plugin.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

MARKER = "clause"
#: The scenario paths asked for, resolved; none when the run did not ask.
_ROOTS = pytest.StashKey[list[Path]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--clause PATH`` and the ini option ``clause_paths``."""
    group = parser.getgroup("clause", "Clause scenarios")
    group.addoption("--clause", action="append", default=[], metavar="PATH", dest="clause_paths",
                    help="collect the scenarios with an expect: block in this file or folder")
    parser.addini("clause_paths", type="paths", default=[],
                  help="scenario files or folders to collect, relative to the ini file")


def _roots(config: pytest.Config) -> list[Path]:
    given = [Path(p) for p in config.getoption("clause_paths")]
    listed = [Path(p) for p in config.getini("clause_paths")]
    return [config.invocation_params.dir / p if not p.is_absolute() else p for p in given] + listed


def pytest_configure(config: pytest.Config) -> None:
    """Add the scenario paths asked for to what pytest collects, beside the tests it would run."""
    config.addinivalue_line("markers", f"{MARKER}: a Clause scenario checked against its expect: block")
    roots = _roots(config)
    missing = [str(p) for p in roots if not p.exists()]
    if missing:
        raise pytest.UsageError(f"--clause / clause_paths: no such file or folder: {', '.join(missing)}")
    config.stash[_ROOTS] = [p.resolve() for p in roots]
    config.args = [*config.args, *(str(p) for p in roots)]


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> ScenarioFile | None:
    """A scenario file with expectations below a path asked for; nothing anywhere else."""
    roots = parent.config.stash.get(_ROOTS, [])
    if not roots or file_path.suffix not in (".yaml", ".yml"):
        return None
    resolved = file_path.resolve()
    if not any(resolved == root or root in resolved.parents for root in roots):
        return None
    from .files import expects

    if not expects(file_path):
        return None
    found: ScenarioFile = ScenarioFile.from_parent(parent, path=file_path)
    return found


class ScenarioFile(pytest.File):
    """A scenario file: one item, its ``expect:`` block."""

    def collect(self) -> list[ScenarioItem]:
        """The scenario's one item."""
        item: ScenarioItem = ScenarioItem.from_parent(self, name="expect")
        item.add_marker(MARKER)
        return [item]


class ScenarioFailed(Exception):
    """The scenario did not meet its expectations, or would not load or run."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


class ScenarioItem(pytest.Item):
    """The scenario run and checked as ``clause test`` checks it."""

    def runtest(self) -> None:
        """Run the scenario; raise ``ScenarioFailed`` with ``clause test``'s lines if it fails."""
        from .run.testing import PASSED, check_scenario

        here = self.config.invocation_params.dir
        shown = self.path.relative_to(here) if self.path.is_relative_to(here) else self.path
        outcome = check_scenario(shown)  # its places as `clause test` run here would name them
        if outcome.status != PASSED:
            raise ScenarioFailed(outcome.lines())

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException],
                     style: Any = None) -> str:
        """The failure as ``clause test`` shows it, without a Python traceback."""
        if isinstance(excinfo.value, ScenarioFailed):
            return "\n".join(excinfo.value.lines)
        return str(super().repr_failure(excinfo, style))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        """The scenario file, as the heading of its report (a domain ending the node id would be
        split at its dots)."""
        return self.path, None, self.parent.nodeid if self.parent else self.name
