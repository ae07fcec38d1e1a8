"""Editors: every bundled file names its JSON Schema on its first line, and the schemas are ones
the YAML language server reads (draft-07, with a versioned ``$id``)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from support import ROOT

import interpreter
from interpreter.files import is_scenario

GRAMMAR = ROOT / "grammar"
BUNDLED = sorted([*(ROOT / "contracts").glob("*.yaml"), *(ROOT / "examples" / "scenarios").rglob("*.yaml")])
MODELINE = re.compile(r"# yaml-language-server: \$schema=(\S+)")


def test_every_contract_and_scenario_is_bundled() -> None:
    # 9 contract files, 25 scenarios (13 Series B, 8 warrant, 2 agreement, 2 deal).
    assert sum(1 for p in BUNDLED if is_scenario(p)) == 25
    assert len(BUNDLED) == 34


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: str(p.relative_to(ROOT)))
def test_first_line_names_the_right_schema(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    match = MODELINE.fullmatch(first)
    assert match, f"{path}: the first line should be '# yaml-language-server: $schema=...'"
    wanted = GRAMMAR / ("scenario.schema.json" if is_scenario(path) else "contract.schema.json")
    named = (path.parent / match.group(1)).resolve()
    assert named == wanted.resolve(), f"{path}: names {match.group(1)}, which is {named}, not {wanted}"


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [v for k, v in node.items() if k == "$ref"] + [r for v in node.values() for r in _refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []


@pytest.mark.parametrize("name", ["contract.schema.json", "scenario.schema.json"])
def test_schema_is_draft_07_with_a_versioned_id(name: str) -> None:
    schema = json.loads((GRAMMAR / name).read_text(encoding="utf-8"))
    # The YAML language server validates with draft-07 (it does not implement 2019-09 or 2020-12).
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    jsonschema.Draft7Validator.check_schema(schema)
    major, minor, _ = interpreter.__version__.split(".")
    assert schema["$id"] == f"https://clause.dev/schema/{major}.{minor}/{name}"
    # Every reference is a JSON pointer into the schema itself, and points at something.
    for ref in _refs(schema):
        assert ref.startswith("#/"), ref
        target: Any = schema
        for part in ref[2:].split("/"):
            target = target[part]
        assert isinstance(target, dict), ref
