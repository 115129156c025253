"""Build the shipped evidence from the public-record research records (build time only).

Reads ``records/*.csv`` (one row per fact seen in a source: participant, fact, date, precision,
source title and URL, date read, excerpt, notes) and the hand-written seed evidence
(``seed_observations.csv``, ``seed_events.csv``), and writes:

- ``observations.csv``: indicator values, in the loader's observations format;
- ``events.csv``: dated events, in the loader's events format;
- ``sources.csv``: one source per distinct URL, with its title and the date it was read.

Which fact feeds which indicator, and with what value, is the table FACTS below; rows set
aside on review are listed in EXCLUDED with the reason (and in PROVENANCE_NOTES.md).
Usage: ``python data/evidence/build_evidence.py`` (no arguments, no network).
"""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path
from urllib.parse import urlparse

HERE = Path(__file__).resolve().parent

# fact -> (indicator, value) for observations
FACTS: dict[str, tuple[str, float]] = {
    "genocide_signed": ("TR.GEN", 1),
    "genocide_party": ("TR.GEN", 2),
    "genocide_not_party": ("TR.GEN", 0),
    "cat_signed": ("TR.CAT", 1),
    "cat_party": ("TR.CAT", 2),
    "icc_signed": ("TR.ICC", 1),
    "icc_party": ("TR.ICC", 2),
    "icc_withdrawal_effective": ("TR.ICC", 0),
    "icc_signature_withdrawn": ("TR.ICC", 0),
    "icc_not_party": ("TR.ICC", 0),
    "att_signed": ("TR.ATT", 1),
    "att_party": ("TR.ATT", 2),
    "att_signature_withdrawn": ("TR.ATT", 0),
    "att_not_party": ("TR.ATT", 0),
    "focal_point_appointed": ("R1.1", 3),
    "focal_point_network_member": ("R1.1", 4),
    "focal_point_network_host": ("R1.2", 1),
    "friends_of_r2p_member": ("R12.4", 1),
    "unga_r2p_statement": ("R12.3", 1),
    "arf_pd_concept_principles": ("R5.1", 1),
    "arf_hanoi_plan_of_action": ("R5.1", 2),
    "arf_salw_meeting": ("R8.2", 1),
    "asean_un_summit": ("R11a.1", 1),
    "asean_un_comprehensive_partnership": ("R11.1", 2),
    "asean_un_plan_of_action": ("R11.1", 3),
}
# A "not a party as of" list row says nothing new where the participant's signature is on
# record (the signature carries forward): those rows are skipped, not turned into a 0.
NOT_PARTY = {"genocide_not_party": "genocide_signed", "icc_not_party": "icc_signed",
             "att_not_party": "att_signed"}
# Stage indicators whose level an event fixes: the first ARF SALW seminar shows ad hoc ARF
# SALW workshops held (R8.1 level 2), the 2007 ASEAN-UN MoU a memorandum (R11.1 level 1).
# Keyed by (fact, date) of the record.
DERIVED_STAGES = {
    ("arf_salw_meeting", "2005-11-02"): ("R8.1", 2, "ad hoc ARF seminars on SALW held"),
    ("other", "2007-09-27"): ("R11.1", 1, "ASEAN-UN memorandum of understanding on cooperation"),
}

# fact -> (event kind, items, pillars, title template)
EVENTS: dict[str, tuple[str, str, str, str]] = {
    "unga_r2p_event": ("un_dialogue", "R12", "1;2;3", ""),
    "arf_pd_concept_principles": ("arf_decision", "R5", "3", "ARF adopts the Concept and Principles of Preventive Diplomacy"),
    "arf_vision_statement": ("arf_decision", "R5", "3", "ARF Vision Statement adopted"),
    "arf_hanoi_plan_of_action": ("arf_decision", "R5", "3", ""),
    "aichr_inaugurated": ("asean_decision", "", "1", "ASEAN Intergovernmental Commission on Human Rights inaugurated"),
    "asean_human_rights_declaration": ("asean_decision", "", "1", "ASEAN Human Rights Declaration adopted"),
    "asean_ipr_launched": ("asean_decision", "R12", "1;2", "ASEAN Institute for Peace and Reconciliation launched"),
    "appap_launched": ("regional_initiative", "R12", "2", "Asia Pacific Partnership for Atrocity Prevention launched"),
    "arf_eep_meeting": ("arf_meeting", "R10", "2", "ARF Experts and Eminent Persons meeting"),
    "arf_salw_meeting": ("arf_meeting", "R8", "1;2", "ARF seminar on small arms and light weapons"),
    "asean_un_summit": ("asean_un", "R11a", "2;3", "ASEAN-UN Summit"),
    "asean_un_comprehensive_partnership": ("asean_un", "R11", "2;3", "Joint Declaration on Comprehensive Partnership between ASEAN and the UN"),
    "asean_un_plan_of_action": ("asean_un", "R11", "2;3", "ASEAN-UN Plan of Action (2016-2020) adopted"),
}

# (participant, fact, date) -> why the row is set aside on review
EXCLUDED: dict[tuple[str, str, str], str] = {
    ("MYS", "genocide_party", "1994-12-20"): "only a blog gives the accession; not confirmed",
    ("EUU", "friends_of_r2p_member", "2024"): "year taken from the statement's wording, date not seen",
}
# (participant, fact, date) -> precision lowered to month: the day was worked out ("yesterday",
# a dateline) rather than stated.
TO_MONTH = {
    ("PAK", "arf_joined", "2004-07-02"),
    ("ARF", "asean_un_summit", "2022-11-11"),
    ("ARF", "arf_hanoi_plan_of_action", "2010-07-23"),
}
# (participant, fact, date) -> the fact the record's own excerpt states
RECLASSIFIED = {
    # "an early appointer of a national R2P Focal Point and active in the global network"
    ("AUS", "focal_point_appointed", "2019"): "focal_point_network_member",
}
EXTRA = [
    # The TASS report the ICC record cites also gives the presidential order of 16 Nov 2016
    # directing notice that Russia will not become a party.
    {"participant": "RUS", "fact": "icc_signature_withdrawn", "date": "2016-11-16",
     "precision": "day", "source_title": "Russia withdraws from the International Criminal Court "
     "(TASS)", "source_url": "http://tass.com/politics/912756", "accessed": "2026-12-01",
     "excerpt": "presidential order of 16 Nov 2016 directs notice of intention not to become party",
     "notes": "Date of the order; the UN's receipt of the notice was not seen."},
]


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return [{k: (v or "").strip() for k, v in r.items()} for r in csv.DictReader(fh)]


def source_code(url: str) -> str:
    """A stable short code for a web source: the host and a hash of the URL."""
    host = urlparse(url).netloc.removeprefix("www.") or "web"
    return f"web:{host}:{hashlib.sha256(url.encode()).hexdigest()[:8]}"


def _date(row: dict[str, str]) -> str:
    key = (row["participant"], row["fact"], row["date"])
    if key in TO_MONTH:
        return row["date"][:7]
    return row["date"]


def records() -> list[dict[str, str]]:
    """Every reviewed research record, EXTRA included and EXCLUDED left out."""
    rows: list[dict[str, str]] = []
    for path in sorted((HERE / "records").glob("*.csv")):
        for r in _read(path):
            if (r["participant"], r["fact"], r["date"]) in EXCLUDED:
                continue
            fact = RECLASSIFIED.get((r["participant"], r["fact"], r["date"]), r["fact"])
            rows.append(r | {"date": _date(r), "fact": fact})
    return rows + EXTRA


def _note(r: dict[str, str]) -> str:
    text = r["excerpt"]
    return text if len(text) <= 300 else text[:297] + "..."


def build() -> tuple[int, int, int]:
    """Write observations.csv, events.csv and sources.csv; return their row counts."""
    rows = records()
    signed = {(r["participant"], r["fact"]) for r in rows}
    sources: dict[str, dict[str, str]] = {}
    obs: list[dict[str, str]] = list(_read(HERE / "seed_observations.csv"))
    events: list[dict[str, str]] = list(_read(HERE / "seed_events.csv"))
    seen_events: set[tuple[str, str]] = set()
    seed_dates = {e["date"] for e in events if "General Assembly" in e["title"]}
    for r in rows:
        code = source_code(r["source_url"])
        sources.setdefault(
            code,
            {
                "code": code,
                "title": r["source_title"],
                "publisher": urlparse(r["source_url"]).netloc.removeprefix("www."),
                "date": "",
                "url": r["source_url"],
                "seed_file": "",
                "accessed": r["accessed"],
                "synthetic": "false",
            },
        )
        fact, who = r["fact"], r["participant"]
        if fact in NOT_PARTY and (who, NOT_PARTY[fact]) in signed:
            continue
        if fact in FACTS:
            indicator, value = FACTS[fact]
            obs.append({"participant": "" if who == "ARF" else who, "indicator": indicator,
                        "date": r["date"], "value": f"{value:g}", "source": code,
                        "note": _note(r)})
        if (fact, r["date"]) in DERIVED_STAGES:
            indicator, value, what = DERIVED_STAGES[(fact, r["date"])]
            obs.append({"participant": "", "indicator": indicator, "date": r["date"],
                        "value": f"{value:g}", "source": code, "note": what})
        if fact == "unga_r2p_event" and r["date"] in seed_dates:
            continue  # the seed already records this dialogue
        if fact in EVENTS and (fact, r["date"]) not in seen_events:
            seen_events.add((fact, r["date"]))
            kind, items, pillars, title = EVENTS[fact]
            title = title or r["source_title"]
            if fact == "arf_hanoi_plan_of_action":
                title = ("ARF Ha Noi Plan of Action II (2020-2025) adopted" if r["date"] >= "2020"
                         else "ARF Ha Noi Plan of Action adopted")
            if fact == "arf_eep_meeting":
                title = f"{title}, {r['notes'].split(';')[1].replace('place:', '').strip()}"
            if fact == "arf_salw_meeting":
                title = f"{title}, {r['notes'].split(';')[0].replace('place:', '').strip()}"
            events.append({"date": r["date"], "end_date": "", "title": title[:200], "kind": kind,
                           "participants": "", "items": items, "pillars": pillars,
                           "source": code, "url": r["source_url"],
                           "description": _note(r)})
    # ARF join years: the participants file takes the year; the day stays in the records.
    with (HERE / "sources.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(next(iter(sources.values()))))
        w.writeheader()
        w.writerows(sorted(sources.values(), key=lambda s: s["code"]))
    for name, out in (("observations.csv", obs), ("events.csv", events)):
        with (HERE / name).open("w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, fieldnames=list(out[0]))
            w.writeheader()
            w.writerows(out)
    return len(obs), len(events), len(sources)


if __name__ == "__main__":
    n_obs, n_events, n_sources = build()
    print(f"observations: {n_obs}, events: {n_events}, sources: {n_sources}")
