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
from collections.abc import Callable
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
    """A bounded map of ReadKey to value, read once per key (least recently used dropped)."""

    def __init__(self, *, capacity: int) -> None:
        self._capacity = capacity
        self._values: OrderedDict[ReadKey, T] = OrderedDict()
        self._gates: dict[ReadKey, threading.Lock] = {}
        self._lock = threading.Lock()
        self.reads = 0  # how many times a value was read (loaded), for tests and benchmarks

    def has(self, key: ReadKey) -> bool:
        """True when the key's value is here already (getting it reads nothing)."""
        with self._lock:
            return key in self._values

    def get(self, key: ReadKey, *, load: Callable[[], T]) -> T:
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
                while len(self._values) > self._capacity:
                    self._values.popitem(last=False)
            return value

    def clear(self) -> None:
        """Forget every value (tests; a process that changed its database by hand)."""
        with self._lock:
            self._values.clear()


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
