"""Safe YAML loading that remembers where every value came from.

PyYAML's composer gives nodes with positions; this module turns them into plain
Python data (dicts, lists, str, int, bool, None and exact ``Decimal`` for
YAML floats, never ``float``) and keeps a map from each value's path to its
node, so that diagnostics can point at ``file:line:column`` of the offending
text, down to a character inside a formula string. A document read back from the cache
of checked programs holds only its path and text: its data and nodes are read again (and
PyYAML imported) only when something asks for them, such as a diagnostic's position.
"""

from __future__ import annotations

import bisect
import re
from decimal import Decimal

from ..deferred import dataclass, field
from ..diagnostics import ClauseError, Diagnostic, line_and_column
from ..files import read_text
from ..limits import MAX_LITERAL_DIGITS, MAX_STRING_CHARS

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing: a warm run never does
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

    import yaml

Path_ = tuple[str | int, ...]

# The only tags a clause file may carry: YAML's own types, never a language object.
_ALLOWED_TAGS = {f"tag:yaml.org,2002:{t}" for t in (
    "str", "int", "float", "bool", "null", "map", "seq", "timestamp", "binary", "merge", "value")}
# Patterns compiled (and kept by re) when first used: a warm run reads no YAML.
_INT = r"[-+]?[0-9]+"
_FLOAT = r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?"
_BOOL = {"true": True, "false": False}
_NULL = {"", "~", "null"}


@dataclass
class YamlDoc:
    """A loaded YAML file: its data and the node behind every path."""

    path: str
    text: str = field(repr=False)
    data: Any = field(repr=False)
    # Not in the repr: every node holds its children, so printing each path's node is quadratic
    # (a failing test that shows a run printed gigabytes).
    nodes: dict[Path_, yaml.Node] = field(default_factory=dict, repr=False)
    keys: dict[Path_, yaml.Node] = field(default_factory=dict, repr=False)
    _offsets: dict[Path_, list[int]] = field(default_factory=dict, repr=False, compare=False)
    _line_starts: list[int] = field(default_factory=list, repr=False, compare=False)

    def __getstate__(self) -> dict[str, Any]:
        """Pickled as its path and text: the rest is read again from the text when asked for."""
        return {"path": self.path, "text": self.text}

    def __getattr__(self, name: str) -> Any:
        # Reached only for a field a document read from a pickle does not have yet.
        if name in ("_offsets", "_line_starts"):  # caches of positions, made again as asked for
            setattr(self, name, {} if name == "_offsets" else [])
            return getattr(self, name)
        if name not in ("data", "nodes", "keys"):
            raise AttributeError(name)
        again = load_yaml(self.path, self.text)
        if "data" not in self.__dict__:  # one read from the cache with its data keeps that data
            self.data = again.data
        self.nodes, self.keys = again.nodes, again.keys
        return getattr(self, name)

    @classmethod
    def with_data(cls, path: str, text: str, data: Any) -> YamlDoc:
        """A document of ``text`` whose ``data`` is known (read from the cache): its nodes, which only
        positions need, are read again (and PyYAML imported) when something asks for them."""
        doc = cls.__new__(cls)
        doc.__dict__.update(path=path, text=text, data=data)
        return doc

    def position(self, where: Path_, *, key: bool = False) -> tuple[int, int]:
        """1-based line and column of the value at ``where`` (or of its key).

        Falls back to the nearest enclosing value that exists.
        """
        table = self.keys if key else self.nodes
        probe = where
        while probe not in table and probe:
            probe = probe[:-1]
            table = self.nodes
        node = table.get(probe) or self.nodes.get(())
        if node is None:
            return (1, 1)
        return (node.start_mark.line + 1, node.start_mark.column + 1)

    def diagnostic(self, where: Path_, message: str, *, key: bool = False,
                   severity: str = "error") -> Diagnostic:
        """A diagnostic at the value (or key) found at ``where``."""
        line, col = self.position(where, key=key)
        return Diagnostic(self.path, line, col, message, severity)

    def formula_text(self, where: Path_) -> str:
        """The formula written at ``where`` as its text: plain numbers, dates and ``true`` or
        ``false`` keep their exact spelling, so no formula needs quoting to stay a formula."""
        import yaml

        node = self.nodes[where]
        assert isinstance(node, yaml.ScalarNode)
        return str(node.value)

    def text_position(self, where: Path_, offset: int) -> tuple[int, int]:
        """Line and column of character ``offset`` of the string scalar at ``where``.

        Walks the scalar's source text alongside its value, so that quoting,
        block scalars and line folding are all accounted for; the walk is done once
        per scalar, however many places in it are asked for.
        """
        import yaml

        node = self.nodes.get(where)
        if not isinstance(node, yaml.ScalarNode):
            return self.position(where)
        if where not in self._offsets:
            self._offsets[where] = self._source_offsets(where)
        places = self._offsets[where]
        return self._line_column(places[max(0, min(offset, len(places) - 1))])

    def _source_offsets(self, where: Path_) -> list[int]:
        """For each character of the scalar's value (and its end), where it is in the file."""
        import yaml

        node = self.nodes[where]
        assert isinstance(node, yaml.ScalarNode)
        value: str = self.formula_text(where)
        src = self.text
        i = node.start_mark.index
        end = node.end_mark.index
        if node.style in ("|", ">"):
            i = src.index("\n", i) + 1 if "\n" in src[i:end] else i
        elif node.style in ("'", '"'):
            i += 1
        places: list[int] = []
        for ch in value:
            if ch.isspace():
                places.append(i)
                while i < end and src[i].isspace() and src[i] != ch:
                    i += 1
                i += 1
                continue
            while i < end and src[i] != ch:  # skip indentation and escapes
                i += 1
            places.append(i)
            i += 1
        places.append(i)
        return places

    def _line_column(self, index: int) -> tuple[int, int]:
        """1-based line and column of character ``index`` of the file."""
        if not self._line_starts:
            self._line_starts = [0, *(m.end() for m in re.finditer("\n", self.text))]
        line = bisect.bisect_right(self._line_starts, index)
        return (line, index - self._line_starts[line - 1] + 1)


def _scalar(node: yaml.ScalarNode) -> Any:
    text = node.value
    if node.style:  # quoted or block: always a string (plain is None, or "" from libyaml)
        return text
    if text in _NULL:
        return None
    if text.lower() in _BOOL:
        return _BOOL[text.lower()]
    if re.fullmatch(_INT, text):
        return int(text)
    if re.fullmatch(_FLOAT, text):
        return Decimal(text)
    return text


def _loader() -> Any:
    """libyaml's parser when PyYAML was built with it (several times faster), else the pure-Python one."""
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(path: str | Path, text: str | None = None) -> YamlDoc:
    """Load one YAML file safely. Raises ``ClauseError`` with positions on any problem."""
    import yaml  # here, not above: a run whose programs all come from the cache never needs it

    shown = str(path)
    if text is None:
        text = read_text(path)
    try:
        aliases = _aliases(text, shown)
        if aliases:
            raise ClauseError(aliases[0].message, aliases)
        root = yaml.compose(text, Loader=_loader())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        raise ClauseError(problem, [Diagnostic(shown, line, col, f"invalid YAML: {problem}")]) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow (a control character)
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        message = f"invalid YAML: {exc.reason} (character #x{code:04x})"
        line, column = line_and_column(text, exc.position)
        raise ClauseError(message, [Diagnostic(shown, line, column, message)]) from None
    except RecursionError:  # only PyYAML's pure-Python composer recurses; libyaml stops at depth 1,000
        message = "invalid YAML: nested too deep"
        raise ClauseError(message, [Diagnostic(shown, 1, 1, message)]) from None
    doc = YamlDoc(shown, text, None)
    if root is None:
        doc.data = None
        return doc
    problems: list[Diagnostic] = []
    doc.data = _convert(root, (), doc, problems)
    if problems:
        raise ClauseError(problems[0].message, problems)
    return doc


def _aliases(text: str, shown: str) -> list[Diagnostic]:
    """A problem at each alias (``*name``): expanding them, a file of a few lines can stand for
    billions of values, so Clause files write each value where it is used."""
    import yaml

    if "*" not in text:
        return []
    found = []
    for event in yaml.parse(text, Loader=_loader()):
        if isinstance(event, yaml.AliasEvent) and event.start_mark is not None:
            found.append(Diagnostic(shown, event.start_mark.line + 1, event.start_mark.column + 1,
                                    f"YAML alias *{event.anchor} is not allowed in clause files: write "
                                    "the value out where it is used"))
    return found


def _scalar_problem(node: yaml.ScalarNode) -> str | None:
    """Why a scalar is past a limit: a string longer than ``MAX_STRING_CHARS``, a number
    with more digits than ``MAX_LITERAL_DIGITS``."""
    text: str = node.value
    if len(text) > MAX_STRING_CHARS:
        return f"a string of {len(text):,} characters: the limit is {MAX_STRING_CHARS:,}"
    if not node.style and (re.fullmatch(_INT, text) or re.fullmatch(_FLOAT, text)):
        digits = sum(ch.isdigit() for ch in text.lower().partition("e")[0])
        if digits > MAX_LITERAL_DIGITS:
            return f"a number of {digits:,} digits: the limit is {MAX_LITERAL_DIGITS}"
    return None


def _convert(node: yaml.Node, where: Path_, doc: YamlDoc, problems: list[Diagnostic]) -> Any:
    import yaml

    doc.nodes[where] = node
    line, col = node.start_mark.line + 1, node.start_mark.column + 1
    if node.tag not in _ALLOWED_TAGS:
        problems.append(Diagnostic(doc.path, line, col,
                                   f"YAML tag {node.tag} is not allowed in clause files"))
        return None
    if isinstance(node, yaml.ScalarNode):
        problem = _scalar_problem(node)
        if problem:
            problems.append(Diagnostic(doc.path, line, col, problem))
            return None
        return _scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, (*where, i), doc, problems) for i, item in enumerate(node.value)]
    out: dict[str, Any] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            problems.append(Diagnostic(doc.path, key_node.start_mark.line + 1,
                                       key_node.start_mark.column + 1, "keys must be plain text"))
            continue
        key = str(key_node.value)
        problem = _scalar_problem(key_node)
        if problem:
            problems.append(Diagnostic(doc.path, key_node.start_mark.line + 1,
                                       key_node.start_mark.column + 1, problem))
            continue
        if key in out:
            problems.append(Diagnostic(doc.path, key_node.start_mark.line + 1,
                                       key_node.start_mark.column + 1, f"duplicate key {key!r}"))
            continue
        doc.keys[(*where, key)] = key_node
        out[key] = _convert(value_node, (*where, key), doc, problems)
    return out
