"""What earlier receipts left for the next ones: a bounded store, and the scope in which WeasyPrint's patched
functions use one."""

from collections import OrderedDict
from collections.abc import Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Generic, TypeVar

Value = TypeVar("Value")


class Kept(Generic[Value]):
    """Values by key, the least recently used dropped beyond ``limit`` (the class's `LIMIT` unless given);
    ``reused`` counts the values found."""

    LIMIT = 1_000

    def __init__(self, limit: int | None = None) -> None:
        self.limit = limit or self.LIMIT
        self._kept: OrderedDict[Hashable, Value] = OrderedDict()
        self.reused = 0

    def __len__(self) -> int:
        return len(self._kept)

    def clear(self) -> None:
        self._kept.clear()
        self.reused = 0

    def values(self) -> Iterator[Value]:
        return iter(self._kept.values())

    def find(self, key: Hashable) -> Value | None:
        value = self._kept.get(key)
        if value is not None:
            self._kept.move_to_end(key)
            self.reused += 1
        return value

    def keep(self, key: Hashable, value: Value) -> None:
        self._kept[key] = value
        if len(self._kept) > self.limit:
            self._kept.popitem(last=False)


@contextmanager
def using(variable: ContextVar[Value | None], value: Value | None) -> Iterator[None]:
    """``variable`` set to ``value`` for the block (a receipt being written), then back to what it was."""
    token = variable.set(value)
    try:
        yield
    finally:
        variable.reset(token)
