"""The core's store of cached reads (dashboard/core/store.py): read once per key however many
threads ask, bounded, keyed by data version, sample and preview; the pages' cache reads
through it, so a page and a route share one Dataset per version."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from dashboard.core import store
from dashboard.core.store import ReadKey, Store


def key(version: str = "v1", *, sample: bool = False, preview: int | None = None) -> ReadKey:
    return ReadKey(url="sqlite://", version=version, sample=sample, preview=preview)


def test_fifty_threads_asking_for_a_cold_key_read_it_once() -> None:
    box: Store[object] = Store(capacity=4)
    calls: list[int] = []
    value = object()

    def load() -> object:
        calls.append(1)
        time.sleep(0.2)  # a slow read, so the other threads really do arrive during it
        return value

    got: list[object] = []
    threads = [threading.Thread(target=lambda: got.append(box.get(key(), load=load)))
               for _ in range(50)]  # fmt: skip
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(calls) == 1 and box.reads == 1
    assert len(got) == 50 and all(g is value for g in got)


def test_keys_apart_by_version_sample_and_preview_and_the_oldest_dropped() -> None:
    box: Store[str] = Store(capacity=3)
    keys = [key("v1"), key("v1", sample=True), key("v1", preview=7), key("v2")]
    for k in keys:
        assert box.get(k, load=lambda k=k: repr(k)) == repr(k)
    assert box.reads == 4
    assert not box.has(keys[0]) and all(box.has(k) for k in keys[1:])  # least recently used
    assert box.get(keys[3], load=lambda: "read again") == repr(keys[3])  # kept: not read


def test_a_failed_read_is_not_kept_and_the_next_caller_reads() -> None:
    box: Store[str] = Store(capacity=2)

    def broken() -> str:
        raise RuntimeError("database gone")

    with pytest.raises(RuntimeError):
        box.get(key(), load=broken)
    assert not box.has(key()) and box.get(key(), load=lambda: "ok") == "ok"


def test_the_published_key_follows_the_data_version(sqlite_reference_path: Path) -> None:
    from loaders.store import load_bytes

    url = f"sqlite:///{sqlite_reference_path}"
    try:
        before = store.published_key(url=url, sample=False)
        assert store.published_key(url=url, sample=False) == before  # nothing changed
        load_bytes(
            engine=store.engine_for(url),
            data=b"participant,indicator,date,value,source\nVNM,R1.1,2024,3,a test\n",
            name="one.csv",
        )
        after = store.published_key(url=url, sample=False)
        assert after != before and after.version != before.version
        assert store.engine_for(url) is store.engine_for(url)
    finally:
        store.reset()


def test_the_pages_cache_reads_through_the_store(sqlite_reference_path: Path) -> None:
    from dashboard.ui import cache
    from dashboard.views import load_dataset

    url = f"sqlite:///{sqlite_reference_path}"
    try:
        published = store.published_key(url=url, sample=False)
        assert cache.read_key(url, published.version, False) == published
        preview = cache.read_key(url, f"{published.version}{cache.PREVIEW_MARK}12", True)
        assert (preview.preview, preview.sample, preview.version) == (12, True, published.version)
        # what a route reads (the same key, the same loader) is what the page gets, read once
        read_by_route = store.DATASETS.get(
            published,
            load=lambda: load_dataset(engine=store.engine_for(url), include_sample=False),
        )
        reads = store.DATASETS.reads
        assert cache.dataset_at(url, published.version, False) is read_by_route
        assert store.DATASETS.reads == reads
    finally:
        store.reset()
