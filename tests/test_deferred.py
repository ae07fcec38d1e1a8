"""Dataclasses made when first needed (interpreter/deferred.py) and slotted classes
(interpreter/slotted.py): the same fields, defaults, equality, hashing and printing as the
standard dataclasses they stand for, before and after they are made."""

from __future__ import annotations

import dataclasses
import pickle
import sys

import pytest

from interpreter.deferred import dataclass, field, fields, replace
from interpreter.types import MONEY_T, PARTY, RATIO, TEXT, PartyMap, Quantity, Scalar


def classes() -> tuple[type, type]:
    """A base and a subclass, as the program's classes are written, not made yet."""

    @dataclass(eq=False)
    class Base:
        span: tuple[int, int]
        kind: str | None = field(default=None, init=False, repr=False)

    @dataclass
    class Child(Base):
        name: str
        tags: list[str] = field(default_factory=list)
        count: int = 0

        def __post_init__(self) -> None:
            self.count = self.count or len(self.name)

    return Base, Child


def test_before_dataclasses_is_loaded_init_sets_what_the_standard_one_would(
        monkeypatch: pytest.MonkeyPatch) -> None:
    _, child_class = classes()
    monkeypatch.delitem(sys.modules, "dataclasses")  # as in a warm run
    first = child_class((0, 3), "abc")
    second = child_class(span=(1, 2), name="xy", tags=["t"], count=7)
    with pytest.raises(TypeError):
        child_class((0, 1))  # no name
    with pytest.raises(TypeError):
        child_class((0, 1), "a", [], 1, "one too many")
    with pytest.raises(TypeError):
        child_class((0, 1), "a", span=(0, 2))  # span twice
    assert "_deferred" in vars(child_class)  # not made: no dataclass yet
    monkeypatch.undo()
    # kind (init=False) is left to the class attribute, as the standard __init__ leaves it;
    # count comes from __post_init__: len("abc") is 3.
    assert vars(first) == {"span": (0, 3), "name": "abc", "tags": [], "count": 3}
    assert vars(second) == {"span": (1, 2), "name": "xy", "tags": ["t"], "count": 7}
    assert first.kind is None
    made = child_class((0, 3), "abc")  # dataclasses is loaded: the class is made now
    assert "_deferred" not in vars(child_class) and dataclasses.is_dataclass(child_class)
    assert vars(made) == vars(first) and made == first != second


def test_comparing_printing_hashing_and_fields_make_the_standard_dataclass() -> None:
    base_class, child_class = classes()
    one, two = child_class((0, 1), "a"), child_class((0, 1), "a")
    assert one == two  # eq: the fields compared, the standard way
    assert repr(one) == "classes.<locals>.Child(span=(0, 1), name='a', tags=[], count=1)"  # kind: repr=False
    with pytest.raises(TypeError, match="unhashable"):
        hash(one)  # eq and not frozen: no hash, as the standard decorator says
    assert hash(base_class((0, 1))) != hash(base_class((0, 1)))  # eq=False: by identity
    assert [f.name for f in fields(child_class)] == ["span", "kind", "name", "tags", "count"]
    changed = replace(one, name="bcd", count=0)
    assert (changed.name, changed.count, changed.tags) == ("bcd", 3, [])


@dataclass
class Kept:
    """A class a module defines (pickle finds it by name), as the program's are."""

    name: str
    tags: list[str] = field(default_factory=list)


def test_pickling_neither_needs_nor_makes_the_dataclass(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, "dataclasses")
    kept = Kept("a", ["t"])
    monkeypatch.undo()
    assert "_deferred" in vars(Kept)
    again = pickle.loads(pickle.dumps(kept))
    assert "_deferred" in vars(Kept) and vars(again) == {"name": "a", "tags": ["t"]}
    assert again == kept and "_deferred" not in vars(Kept)


def test_a_frozen_one_is_frozen_once_made() -> None:
    @dataclass(frozen=True)
    class Point:
        x: int
        y: int = 0

    point = Point(1)
    assert hash(point) == hash(Point(1)) and point == Point(1, 0)  # hashing made it
    with pytest.raises(dataclasses.FrozenInstanceError):
        point.x = 2  # type: ignore[misc]


def test_types_compare_hash_print_and_pickle_by_their_fields() -> None:
    price = Quantity((("money", 1), ("shares", -1)))
    assert price == Quantity((("money", 1), ("shares", -1))) and price != MONEY_T and price != RATIO
    assert {price: 1}[Quantity((("money", 1), ("shares", -1)))] == 1
    assert Scalar("text") == TEXT and PartyMap(MONEY_T) == PartyMap(MONEY_T, PARTY)
    assert repr(PartyMap(MONEY_T)) == ("PartyMap(element=Quantity(dims=(('money', 1),), count=False), "
                                       "key=Scalar(name='party'))")
    assert pickle.loads(pickle.dumps(PartyMap(price))) == PartyMap(price)
    with pytest.raises(AttributeError, match="immutable"):
        price.count = True
