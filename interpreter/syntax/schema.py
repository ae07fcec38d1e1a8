"""Reading a YAML file of a known kind: loaded with positions, validated against its JSON Schema.

Each problem is a diagnostic at the offending key or value. A file is read and validated
once per run, whatever asks for it (a body many variants extend, a document a deal joins).
"""

from __future__ import annotations

from functools import cache

from .. import cache as on_disk
from ..diagnostics import ClauseError, Diagnostic
from ..files import read_text
from ..resources import resource
from ..types import parse_type
from .yamldoc import Path_, YamlDoc, load_yaml

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing: a warm run never does
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

    import jsonschema
    from jsonschema.exceptions import ValidationError


@cache
def schema(name: str) -> dict[str, Any]:
    """A bundled JSON Schema, by file name (read only to check a file: a warm run reads none)."""
    import json

    loaded: dict[str, Any] = json.loads(resource(name).read_text(encoding="utf-8"))
    return loaded


@cache
def _validator(schema_name: str, definition: str | None = None) -> jsonschema.protocols.Validator:
    """The validator of a bundled schema (or of one of its ``$defs``), for the draft its ``$schema``
    names, built once per run, and only in a run that reads a file."""
    import jsonschema

    loaded = schema(schema_name)
    if definition is not None:  # the definition, its references resolved in the schema
        loaded = {**loaded, "$ref": f"#/$defs/{definition}"}
    validator: jsonschema.protocols.Validator = jsonschema.validators.validator_for(loaded)(loaded)
    return validator


def schema_diagnostics(doc: YamlDoc, schema_name: str) -> list[Diagnostic]:
    """Validate ``doc`` against a bundled schema; one diagnostic per problem, in file order."""
    return _diagnostics(doc, _validator(schema_name), doc.data, ())


def part_diagnostics(doc: YamlDoc, where: Path_, value: Any, schema_name: str,
                     definition: str) -> list[Diagnostic]:
    """Validate ``value``, the part of ``doc`` at ``where``, against one definition
    (``$defs/NAME``) of a bundled schema: a scenario's chart is a contract file's chart."""
    return _diagnostics(doc, _validator(schema_name, definition), value, where)


def _diagnostics(doc: YamlDoc, validator: jsonschema.protocols.Validator, value: Any,
                 where: Path_) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for error in validator.iter_errors(value):
        error.path.extendleft(reversed(where))  # positions are in the whole file
        found.extend(_describe(doc, error))
    return sorted(set(found), key=lambda d: (d.line, d.column, d.message))


def _describe(doc: YamlDoc, error: ValidationError) -> list[Diagnostic]:
    where: Path_ = tuple(error.absolute_path)
    label = ".".join(str(p) for p in where) or "file"
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = set(error.schema.get("properties", {})) if isinstance(error.schema, dict) else set()
        extra = [k for k in error.instance if k not in allowed]
        expected = ", ".join(sorted(allowed)) or "none"
        return [doc.diagnostic((*where, k), f"{label}: unknown key {k!r} (expected: {expected})",
                               key=True) for k in extra]
    if error.validator == "dependencies" and isinstance(error.instance, dict):
        schema_of = error.schema if isinstance(error.schema, dict) else {}
        needed: dict[str, list[str]] = schema_of.get("dependencies", {})
        return [doc.diagnostic((*where, k), f"{k}: only a file that joins documents has it (give documents:)",
                               key=True) for k, needs in needed.items()
                if k in error.instance and any(n not in error.instance for n in needs)]
    if "propertyNames" in error.schema_path:
        bad = str(error.instance)
        return [doc.diagnostic((*where, bad), f"{bad!r} is not a valid name: use lower_snake_case "
                               "(letters, digits, _)", key=True)]
    if error.validator == "oneOf" and error.context:
        # Report the most specific branch's complaint rather than "is not valid under any".
        best = max(error.context, key=lambda e: len(e.absolute_path))
        return _describe(doc, best)
    if error.validator == "pattern" and where and where[-1] == "type":
        try:
            meant = parse_type(str(error.instance))
        except ValueError as exc:  # it names the types a file may use
            return [doc.diagnostic(where, f"{label}: {exc}")]
        return [doc.diagnostic(where, f"{label}: write the type as {str(meant)!r}")]
    message = error.message  # it quotes the value, which may be long: a screenful is enough
    return [doc.diagnostic(where, f"{label}: {message if len(message) <= 200 else message[:200] + '…'}")]


def load_checked_yaml(path: str | Path, schema_name: str, kind: str) -> YamlDoc:
    """Load a YAML mapping and validate it against a bundled schema, or raise every problem.

    A file is read and validated once per run, whatever loads it (a body many variants
    extend, a document a deal joins): the result is kept by its path and content.
    """
    text = read_text(path)
    key = (str(path), schema_name, text)
    if key in _CHECKED:
        return _CHECKED[key]
    # Valid YAML of this kind, by the digest of its text: a warm run reads neither PyYAML nor the
    # schema (a scenario of thousands of events spends most of its loading time there).
    entry = on_disk.digest(schema_name, text)
    data = on_disk.load("documents", entry)
    if isinstance(data, dict):
        doc = _CHECKED[key] = YamlDoc.with_data(str(path), text, data)
        return doc
    doc = load_yaml(path, text)
    required = schema(schema_name).get("required", [])
    if not isinstance(doc.data, dict) or any(key not in doc.data for key in required):
        # Another kind of file: say so, quoting nothing of it (it may be anyone's).
        keys = ", ".join(f"{key}:" for key in required)
        missing = [key for key in required if key not in doc.data] if isinstance(doc.data, dict) else []
        lacks = f"it has no {', '.join(f'{key}:' for key in missing)} (" if missing else ""
        message = (f"not a {kind} file: {lacks}a {kind} file is a YAML mapping with {keys} and more"
                   f"{')' if missing else ''}")
        raise ClauseError(message, [Diagnostic(doc.path, 1, 1, message)])
    problems = schema_diagnostics(doc, schema_name)
    if problems:
        raise ClauseError(problems[0].message, problems)
    _CHECKED[key] = doc
    on_disk.store("documents", entry, doc.data)
    return doc


#: Files read and validated in this run, by path (as named), schema and content.
_CHECKED: dict[tuple[str, str, str], YamlDoc] = {}
