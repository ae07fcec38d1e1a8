"""Fixtures: running the CLI in-process, and writing small contracts to a temp folder."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from support import HEADER, Run

from interpreter.cli import main


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
