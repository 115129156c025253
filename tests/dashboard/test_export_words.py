"""The words packs and exports use: names not codes, versions a reader can say."""

from __future__ import annotations

from dashboard.core.history import DataVersion


def test_data_version_reads_release_and_date_first_hash_second() -> None:
    label = DataVersion(run_id=3, date="2026-12-07", digest="1a2b3c4d").label
    assert label == "release 3 of 7 Dec 2026 #1a2b3c4d"
    assert DataVersion(run_id=0, date="", digest="").label == "empty database"
