"""Clause: contracts as data.

The package is a generic engine whose folders are its stages, each reading only what the
ones before it produce: ``syntax`` (files → parsed), ``link`` (parsed → one program per
contract), ``check`` (every formula typed), ``evaluate`` (exact values), ``run`` (scenarios
over time) and ``report`` (what people and programs read); ``pipeline`` runs them in
order and ``cli`` is the command. It knows nothing of any particular contract; that lives
in the clause files.
"""

__version__ = "0.1.0"

from .limits import ensure_stack

ensure_stack()  # the documented nesting limits (limits.py) need more than Python's default stack
