"""The words packs and exports use: names not codes, versions a reader can say."""

from __future__ import annotations

from dashboard.core.history import DataVersion


def test_data_version_reads_release_and_date_first_hash_second() -> None:
    label = DataVersion(run_id=3, date="2026-12-07", digest="1a2b3c4d").label
    assert label == "release 3 of 7 Dec 2026 #1a2b3c4d"
    assert DataVersion(run_id=0, date="", digest="").label == "empty database"


def test_event_kinds_read_as_names() -> None:
    from dashboard.export.words import kind_name

    assert kind_name("un_dialogue") == "UN dialogue" and kind_name("un dialogue") == "UN dialogue"
    assert kind_name("asean_un") == "ASEAN–UN cooperation" and kind_name("") == "Other"
    assert kind_name("arf_workshop") == "ARF workshop"  # a kind not listed: words, acronyms kept


def test_values_read_as_words(sample_ds: object) -> None:
    from dashboard.export.words import day_text, value_text, when_text

    assert value_text(sample_ds, code="TR.GEN", value=2.0, unit="level") == "party (ratification, accession or succession)"  # type: ignore[arg-type]
    assert value_text(sample_ds, code="R6.2", value=1.0, unit="events per year") == "1 event per year"  # type: ignore[arg-type]
    assert value_text(sample_ds, code="R6.2", value=2.0, unit="events per year") == "2 events per year"  # type: ignore[arg-type]
    assert day_text("2015-02-05") == "5 Feb 2015" and day_text(None) == ""
    assert when_text("2015-03-01", "month") == "Mar 2015" and when_text("2015-01-01", "year") == "2015"
