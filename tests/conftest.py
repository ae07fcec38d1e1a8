"""Fixtures: running the CLI in-process, writing small contracts to a temp folder, a cache
of checked programs of the session's own (never the user's), and the hypothesis profiles of
the property-based tests."""

from __future__ import annotations

import os
import shutil
import tempfile
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from support import HEADER, Run

from interpreter.cli import main

#: The cache folder the session found set, if any: put back when it ends.
_SAVED_CACHE_DIR = pytest.StashKey[str | None]()


def pytest_configure(config: pytest.Config) -> None:
    """Every test reads and writes the cache (as users do), in a folder of this session's, set
    before the tests are even collected."""
    config.stash[_SAVED_CACHE_DIR] = os.environ.get("CLAUSE_CACHE_DIR")
    os.environ["CLAUSE_CACHE_DIR"] = tempfile.mkdtemp(prefix="clause-test-cache-")


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(os.environ["CLAUSE_CACHE_DIR"], ignore_errors=True)
    saved = config.stash[_SAVED_CACHE_DIR]
    if saved is None:
        del os.environ["CLAUSE_CACHE_DIR"]
    else:
        os.environ["CLAUSE_CACHE_DIR"] = saved


# The property-based tests (test_properties.py) run a bounded number of examples in CI
# ("ci", the default); HYPOTHESIS_PROFILE=thorough runs 100,000 of each (hours, not minutes).
settings.register_profile("ci", max_examples=40, deadline=None, derandomize=True, database=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=100_000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    """Run ``clause ARGS...`` in-process and capture what it prints."""

    def run(*args: str | Path) -> Run:
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


@pytest.fixture
def contract(tmp_path: Path) -> Callable[..., Path]:
    """Write a contract (HEADER + the given YAML body) and return its path."""

    def write(body: str, name: str = "c.yaml", header: str = HEADER) -> Path:
        path = tmp_path / name
        path.write_text(header + textwrap.dedent(body), encoding="utf-8")
        return path

    return write
