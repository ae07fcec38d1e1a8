"""pre-commit: the hooks file is what pre-commit reads, and its commands work on the file lists it passes.

pre-commit picks, for each hook, the staged files whose path (relative to the repository, with
``/``) matches the hook's ``files`` pattern (``re.search``) and whose type is among ``types``,
then runs ``entry`` with those files appended, from the repository's top, possibly in chunks.
"""

from __future__ import annotations

import os
import re
import shlex
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml
from support import ROOT, TOY

from interpreter.cli import main

HOOKS_FILE = ROOT / ".pre-commit-hooks.yaml"
# identify's extensions for the type pre-commit calls yaml.
YAML = (".yaml", ".yml")


def hooks() -> dict[str, dict[str, Any]]:
    loaded = yaml.safe_load(HOOKS_FILE.read_text(encoding="utf-8"))
    assert isinstance(loaded, list)
    return {hook["id"]: hook for hook in loaded}


def selected(hook: dict[str, Any], files: list[str]) -> list[str]:
    """The files pre-commit passes to ``hook``, of those given."""
    pattern = re.compile(hook.get("files", ""))
    excluded = re.compile(hook["exclude"]) if "exclude" in hook else None
    return [f for f in files if pattern.search(f) and not (excluded and excluded.search(f))
            and ("yaml" not in hook.get("types", []) or f.endswith(YAML))]


def tracked() -> list[str]:
    """The repository's files as pre-commit names them, relative and with ``/``."""
    skip = {".git", ".venv", "__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache", "node_modules"}
    found = []
    for folder, subfolders, names in os.walk(ROOT):
        subfolders[:] = [d for d in subfolders if d not in skip and not d.endswith(".egg-info")]
        found.extend(Path(folder, name).relative_to(ROOT).as_posix() for name in names)
    return sorted(found)


def test_the_hooks_file_has_what_pre_commit_requires() -> None:
    found = hooks()
    assert list(found) == ["clause-validate", "clause-test"]
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    for hook in found.values():
        # id, name, entry and language are required; a python hook installs this package.
        assert {"id", "name", "entry", "language"} <= set(hook)
        assert hook["language"] == "python"
        assert hook["types"] == ["yaml"]
        re.compile(hook["files"])
        command = shlex.split(hook["entry"])
        assert command[0] in scripts
        assert hook.get("pass_filenames", True) is True
    assert shlex.split(found["clause-validate"]["entry"])[1:] == ["validate"]
    assert shlex.split(found["clause-test"]["entry"])[1:] == ["test"]


def test_each_hook_is_given_the_files_it_is_for() -> None:
    files = tracked()
    contracts = [f for f in files if f.startswith("contracts/") and f.endswith(".yaml")]
    scenarios = [f for f in files if f.startswith("examples/scenarios/") and f.endswith(".yaml")]
    assert (len(contracts), len(scenarios)) == (9, 25)  # 13 Series B, 8 warrant, 2 agreement, 2 deal
    assert selected(hooks()["clause-validate"], files) == sorted(contracts + scenarios)
    assert selected(hooks()["clause-test"], files) == scenarios


def run_hook(hook_id: str, files: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """The hook's command on ``files``, as pre-commit runs it (from the repository's top)."""
    command = shlex.split(hooks()[hook_id]["entry"])
    code = main([*command[1:], *files])
    return code, capsys.readouterr().out


def test_the_commands_run_on_the_files_as_passed(capsys: pytest.CaptureFixture[str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    # A chunk of what pre-commit would pass: contracts and scenarios mixed, in its order.
    chunk = ["contracts/warrant_gemini.yaml", "examples/scenarios/06-buy-in.yaml",
             "examples/scenarios/warrants/06-split.yaml"]
    code, out = run_hook("clause-validate", chunk, capsys)
    assert code == 0, out
    assert out.startswith("ok: 3 files (2 scenarios), ")
    code, out = run_hook("clause-test", chunk[1:], capsys)
    assert (code, out.splitlines()) == (0, ["pass examples/scenarios/06-buy-in.yaml",
                                            "pass examples/scenarios/warrants/06-split.yaml",
                                            "2 passed, 0 failed"])


def test_a_broken_file_fails_its_hook_at_its_line(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "contracts").mkdir()
    text = (TOY / "toy_contract.yaml").read_text(encoding="utf-8")
    # lot_price's type, on line 12 at column 25, misspelt.
    (tmp_path / "contracts" / "toy.yaml").write_text(text.replace("type: price", "type: prise"),
                                                     encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    files = selected(hooks()["clause-validate"], ["README.md", "contracts/toy.yaml"])
    assert files == ["contracts/toy.yaml"]
    code, out = run_hook("clause-validate", files, capsys)
    assert code == 1
    assert out.startswith("contracts/toy.yaml:12:25: error: provisions.T 1.parameters.lot_price.type: "
                          "unknown type 'prise'")
