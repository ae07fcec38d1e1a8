"""Fixtures: running the CLI in-process, writing small contracts to a temp folder, and a
cache of checked programs of the session's own (never the user's)."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from support import HEADER, Run

from interpreter.cli import main


@pytest.fixture(autouse=True, scope="session")
def _session_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Every test reads and writes the cache (as users do), in a folder of this session's."""
    saved = os.environ.get("CLAUSE_CACHE_DIR")
    os.environ["CLAUSE_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if saved is None:
        del os.environ["CLAUSE_CACHE_DIR"]
    else:
        os.environ["CLAUSE_CACHE_DIR"] = saved


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
