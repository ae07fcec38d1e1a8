"""JSON text exactly as ``json.dumps(value, indent=2)`` writes it, about three times faster.

Given an indent, the standard library's ``json`` leaves its C encoder for a pure-Python one
that passes every piece up through a generator for each level. This writer walks the value
once, appending to one list, with the same rules in the same order: strings through the same
C function (``ensure_ascii``), ``int.__repr__``, ``float.__repr__`` with ``NaN`` and
``Infinity``, keys that are numbers, booleans or null written as strings, keys in the order
given. A value it cannot write (another type, a cycle) goes to ``json.dumps``, which raises
what it always raised.
"""

from __future__ import annotations

try:  # json's own C function, without the json package (its decoder, which imports re) around it
    from _json import encode_basestring_ascii as _string
except ImportError:  # another Python
    from json.encoder import encode_basestring_ascii as _string

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    Add = Callable[[str], None]

_INFINITY = float("inf")


def json_text(value: Any) -> str:
    """``value`` as ``json.dumps(value, indent=2)`` writes it, byte for byte."""
    out: list[str] = []
    try:
        _value(value, "\n", out.append)
    except Exception:  # not JSON-able, or circular: json's own error
        import json

        return json.dumps(value, indent=2)
    return "".join(out)


def _float(value: float) -> str:
    if value != value:
        return "NaN"
    if value == _INFINITY:
        return "Infinity"
    if value == -_INFINITY:
        return "-Infinity"
    return float.__repr__(value)


def _scalar(value: Any) -> str | None:
    """A leaf's text, or None for a list, an object or what JSON cannot hold."""
    if isinstance(value, str):
        return _string(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return _float(value)
    return None


def _key(key: Any) -> str:
    """A key's text: a number, boolean or null becomes a string, as json makes it one."""
    if isinstance(key, str):
        return _string(key)
    text = _scalar(key)
    if text is None:
        raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")
    return _string(text)


def _value(value: Any, newline: str, add: Add) -> None:
    """Any value whose first line is already written up to it; ``newline`` starts its level's lines."""
    if isinstance(value, (list, tuple)):
        _array(value, newline, add)
    elif isinstance(value, dict):
        _object(value, newline, add)
    else:
        text = _scalar(value)
        if text is None:
            raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")
        add(text)


def _array(items: Any, newline: str, add: Add) -> None:
    if not items:
        add("[]")
        return
    inner = newline + "  "
    comma = "," + inner
    if type(items) is list or type(items) is tuple:
        try:  # most lists hold only strings: one join
            add(f"[{inner}{comma.join(map(_string, items))}{newline}]")
            return
        except TypeError:
            pass
    sep = "[" + inner
    for item in items:
        if type(item) is str:
            add(sep + _string(item))
        else:
            _member(sep, item, inner, add)
        sep = comma
    add(newline + "]")


def _object(members: Any, newline: str, add: Add) -> None:
    if not members:
        add("{}")
        return
    inner = newline + "  "
    sep = "{" + inner
    comma = "," + inner
    for key, item in members.items():
        key = _string(key) if type(key) is str else _key(key)
        if type(item) is str:  # most members: written here, not through _member
            add(f"{sep}{key}: {_string(item)}")
        else:
            _member(f"{sep}{key}: ", item, inner, add)
        sep = comma
    add(newline + "}")


def _member(head: str, item: Any, newline: str, add: Add) -> None:
    """A member of a list or an object after ``head``, its separator and key."""
    kind = type(item)
    if item is None:
        add(head + "null")
    elif kind is list:
        add(head)
        _array(item, newline, add)
    elif kind is dict:
        add(head)
        _object(item, newline, add)
    else:
        text = _scalar(item)
        if text is None:
            add(head)
            _value(item, newline, add)
        else:
            add(head + text)
