"""The cached read of a data version, Streamlit-free: one store per process, shared by the pages
(dashboard/ui/cache.py, a thin adapter over it) and the data routes (dashboard/api).

What a reader reads is keyed by ``ReadKey``: the database, its data version (a token that
changes with every published load run, ``dashboard.core.db.data_version``), whether the
synthetic sample is in, and the pending run a preview applies (None for everything public).
A new load gives a new version and so a new key: nothing is ever invalidated by hand, old keys
fall out of the bounded store. Only one thread reads a key at a time; the others that ask for
it meanwhile wait and get the same value (fifty requests on a cold server read the database
once).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy.engine import Engine

from dashboard.core.db import data_version, make_engine

T = TypeVar("T")


@dataclass(frozen=True)
class ReadKey:
    """What a cached read is of."""

    url: str  # the database (RTOP_DATABASE_URL)
    version: str  # its data version token when read (published runs only)
    sample: bool  # the synthetic sample included
    preview: int | None = None  # a pending run applied on top (never for public routes)


class Store(Generic[T]):
    """A bounded map of keys (a ReadKey, or a tuple starting with one) to values, read once per
    key (least recently used dropped): at most ``capacity`` values and, with ``weigh``, at
    most ``budget`` in their total weight (e.g. bytes)."""

    def __init__(
        self,
        *,
        capacity: int,
        budget: int | None = None,
        weigh: Callable[[T], int] | None = None,
    ) -> None:
        self._capacity = capacity
        self._budget = budget
        self._weigh = weigh
        self._weights: dict[Hashable, int] = {}
        self._values: OrderedDict[Hashable, T] = OrderedDict()
        self._gates: dict[Hashable, threading.Lock] = {}
        self._lock = threading.Lock()
        self.reads = 0  # how many times a value was read (loaded), for tests and benchmarks

    def _evict(self) -> None:
        while len(self._values) > self._capacity or (
            self._budget is not None
            and len(self._values) > 1
            and sum(self._weights.values()) > self._budget
        ):
            old, _ = self._values.popitem(last=False)
            self._weights.pop(old, None)

    def has(self, key: Hashable) -> bool:
        """True when the key's value is here already (getting it reads nothing)."""
        with self._lock:
            return key in self._values

    def get(self, key: Hashable, *, load: Callable[[], T]) -> T:
        """The value of ``key``: kept, or read now by ``load`` (once, whoever else asks)."""
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
            gate = self._gates.setdefault(key, threading.Lock())
        with gate:
            with self._lock:
                if key in self._values:  # read by another thread while this one waited
                    self._values.move_to_end(key)
                    return self._values[key]
            try:
                value = load()
            finally:
                with self._lock:
                    self._gates.pop(key, None)
            with self._lock:
                self.reads += 1
                self._values[key] = value
                if self._weigh is not None:
                    self._weights[key] = self._weigh(value)
                self._evict()
            return value

    def clear(self) -> None:
        """Forget every value (tests; a process that changed its database by hand)."""
        with self._lock:
            self._values.clear()
            self._weights.clear()


DATASETS: Store[Any] = Store(capacity=4)  # this process's Datasets (dashboard.views.Dataset)

_ENGINES: dict[str, Engine] = {}
_ENGINES_LOCK = threading.Lock()


def engine_for(url: str) -> Engine:
    """This process's engine for a database URL (made once, shared by pages and routes)."""
    with _ENGINES_LOCK:
        found = _ENGINES.get(url)
        if found is None:
            found = _ENGINES[url] = make_engine(url=url)
        return found


def published_key(*, url: str, sample: bool) -> ReadKey:
    """The key of what is published in the database now (its data version read now)."""
    return ReadKey(url=url, version=data_version(engine=engine_for(url)), sample=sample)


def reset() -> None:
    """Forget every Dataset and close every engine (tests, between databases)."""
    DATASETS.clear()
    with _ENGINES_LOCK:
        for engine in _ENGINES.values():
            engine.dispose()
        _ENGINES.clear()
