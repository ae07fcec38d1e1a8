"""Plain classes with ``__slots__`` that print and compare as dataclasses do.

For the values every command makes, compares or hashes (types, the evaluator's records,
values at run time): a dataclass of these would be made at import or at the first value
(see ``deferred``), which imports ``dataclasses`` and compiles its methods; a slotted
instance is smaller besides. Each class writes its ``__init__`` and names its
fields in ``_names``, in the order ``__init__`` takes them.
"""

from __future__ import annotations

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing: a warm run never does
if TYPE_CHECKING:
    from typing import Any


class Slotted:
    """Printed as ``Name(field=value, ...)``; equal to another of its class with equal fields;
    not hashable (defining ``__eq__`` unsets ``__hash__``), as a dataclass that compares and
    is not frozen is not, unless a subclass says how."""

    __slots__ = ()
    _names: tuple[str, ...] = ()

    def _fields(self) -> tuple[Any, ...]:
        """The values of the fields, in the order of ``_names``."""
        return tuple(getattr(self, name) for name in self._names)

    def copy_with(self, **changes: Any) -> Any:
        """A copy with ``changes``, made by ``__init__`` (as ``dataclasses.replace``)."""
        return type(self)(**{name: changes.get(name, getattr(self, name)) for name in self._names})

    def __repr__(self) -> str:
        values = zip(self._names, self._fields(), strict=True)
        return f"{type(self).__qualname__}({', '.join(f'{name}={value!r}' for name, value in values)})"

    def __eq__(self, other: object) -> bool:
        if other is self:  # the usual case of a type compared with a constant one (PARTY, DATE)
            return True
        if other.__class__ is self.__class__:
            assert isinstance(other, Slotted)
            return self._fields() == other._fields()
        return NotImplemented
