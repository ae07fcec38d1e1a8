"""Dataclasses made when first needed: the standard ``dataclass``, ``field``, ``fields`` and
``replace``, but a class becomes the standard dataclass only when one of its instances is
compared, hashed or printed, its fields are asked for, or one is made once ``dataclasses``
is loaded anyway.

Making a dataclass compiles its methods from source, and importing ``dataclasses`` imports
``inspect``: for the classes of a checked program that was a third of a warm ``clause
eval``, which reads the program from the cache (unpickling calls no ``__init__``) and
never compares or prints a term, a formula or a node. So ``@dataclass`` here keeps the
options and the ``field(...)`` specifications aside, leaves each field's default where the
standard decorator leaves it (a class attribute, or none for a factory), and puts a
stand-in for each method it would add. The stand-ins of ``__repr__``, ``__eq__`` and
``__hash__`` make the class (its bases first) with the standard decorator and call the
real method. The stand-in ``__init__`` does the same once ``dataclasses`` is imported (a
cold run imports it to load and check); before that (a warm run making a literal of a
``--set`` value, say), it sets the fields itself from the same specifications, in the
same order, with the same defaults, and calls ``__post_init__``. Type checkers see the
standard functions themselves.

A class with ``slots=True`` is made at once (slots make a new class); a subclass of one of
these classes must use this decorator too (the standard one reads its bases' fields).
"""

from __future__ import annotations

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing: a warm run never does
if TYPE_CHECKING:
    from dataclasses import dataclass, field, fields, replace
    from typing import Any
else:
    import sys

    def dataclass(cls: type | None = None, /, **options: Any) -> Any:
        """``@dataclass`` or ``@dataclass(...)``, made when first needed."""
        def defer(cls: type) -> type:
            if options.get("slots"):
                import dataclasses

                return dataclasses.dataclass(cls, **options)
            specified = {name: spec.options for name, spec in vars(cls).items() if isinstance(spec, _Field)}
            for name, spec in specified.items():
                if "default" in spec:
                    setattr(cls, name, spec["default"])
                else:
                    delattr(cls, name)
            methods = ["__init__"] if options.get("init", True) else []
            methods += ["__repr__"] if options.get("repr", True) else []
            methods += ["__eq__", "__hash__"] if options.get("eq", True) else []
            stand_ins = [name for name in methods if name not in vars(cls)]
            for name in stand_ins:
                setattr(cls, name, (_stand_in_init if name == "__init__" else _stand_in)(cls, name))
            cls._deferred = (options, specified, stand_ins)
            return cls

        return defer if cls is None else defer(cls)

    def field(**options: Any) -> Any:
        """``field(...)``: its options, kept until the class is made."""
        return _Field(options)

    def fields(class_or_instance: Any) -> Any:
        """The fields of a dataclass or of an instance of one."""
        import dataclasses

        _make(class_or_instance if isinstance(class_or_instance, type) else type(class_or_instance))
        return dataclasses.fields(class_or_instance)

    def replace(obj: Any, /, **changes: Any) -> Any:
        """A copy of ``obj`` with ``changes``, made by its ``__init__``."""
        import dataclasses

        _make(type(obj))
        return dataclasses.replace(obj, **changes)

    class _Field:
        """The options of a ``field(...)``, until its class is made."""

        __slots__ = ("options",)

        def __init__(self, options: dict[str, Any]) -> None:
            self.options = options

    _MISSING = object()

    def _stand_in(owner: type, name: str) -> Any:
        def method(self: Any, *args: Any, **kwargs: Any) -> Any:
            _make(owner)
            made = getattr(owner, name)
            if made is None:  # __hash__ of a dataclass that compares but is not frozen
                raise TypeError(f"unhashable type: {owner.__name__!r}")
            return made(self, *args, **kwargs)

        method.__name__ = method.__qualname__ = name
        return method

    def _stand_in_init(owner: type, name: str) -> Any:
        specs: list[tuple[str, bool, Any, Any]] = []  # each field: name, init, default, factory

        def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
            if "dataclasses" in sys.modules:
                _make(owner)
                owner.__init__(self, *args, **kwargs)
                return
            if not specs:
                specs.extend(_field_specs(owner))
            named = [spec[0] for spec in specs if spec[1]]
            given = dict(zip(named, args, strict=False))  # too many: refused below
            if len(args) > len(named) or not given.keys().isdisjoint(kwargs) or not set(kwargs) <= set(named):
                raise TypeError(f"{owner.__name__}() takes the fields {', '.join(named)}")
            given.update(kwargs)
            for field_name, init, default, factory in specs:
                if init and field_name in given:
                    self.__dict__[field_name] = given[field_name]
                elif factory is not _MISSING:
                    self.__dict__[field_name] = factory()
                elif not init:
                    continue  # its default, if any, is the class attribute's (as the standard one does)
                elif default is not _MISSING:
                    self.__dict__[field_name] = default
                else:
                    raise TypeError(f"{owner.__name__}() missing the field {field_name!r}")
            if hasattr(self, "__post_init__"):
                self.__post_init__()

        return __init__

    def _field_specs(cls: type) -> list[tuple[str, bool, Any, Any]]:
        """The fields of ``cls`` in the standard decorator's order (the first base's first), each
        with whether ``__init__`` takes it, its default and its default factory. Its bases are
        all waiting too: making one imports ``dataclasses``."""
        found: dict[str, tuple[str, bool, Any, Any]] = {}
        for base in reversed(cls.__mro__):
            if "_deferred" not in vars(base):
                continue
            specified = vars(base)["_deferred"][1]
            for name, annotation in vars(base).get("__annotations__", {}).items():
                if str(annotation).startswith(("ClassVar", "typing.ClassVar")):
                    continue
                spec = specified.get(name, {})
                default = spec.get("default", vars(base).get(name, _MISSING))
                found[name] = (name, spec.get("init", True), default, spec.get("default_factory", _MISSING))
        return list(found.values())

    def _make(cls: type) -> None:
        """Turn ``cls``, and each of its bases still waiting, into the standard dataclass."""
        waiting = vars(cls).get("_deferred")
        if waiting is None:
            return
        for base in cls.__mro__[1:]:
            _make(base)
        import dataclasses

        options, specified, stand_ins = waiting
        del cls._deferred
        for name in stand_ins:
            delattr(cls, name)
        for name, spec in specified.items():
            setattr(cls, name, dataclasses.field(**spec))
        dataclasses.dataclass(cls, **options)


__all__ = ["dataclass", "field", "fields", "replace"]
