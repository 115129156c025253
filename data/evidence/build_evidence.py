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
import re
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
    "cat_not_party": ("TR.CAT", 0),
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
    "focal_point_engaged": ("R1.2", 1),
    "r2p_awareness_adhoc": ("R2.2", 1),
    "r2p_awareness_programme_recurring": ("R2.2", 2),
    "r2p_awareness_budget": ("R2.2", 3),
    "peace_education_under_review": ("R3.1", 1),
    "peace_education_piloted": ("R3.1", 2),
    "peace_education_in_curriculum": ("R3.1", 3),
    "peace_education_with_teacher_training": ("R3.1", 4),
    "arf_pillar1_briefing": ("R7.1", 1),
    "r2p_official_regional_dialogue": ("R12.2", 1),
    "friends_of_r2p_member": ("R12.4", 1),
    "arf_rrc_proposed": ("R4.1", 1),
    "arf_pd_concept_principles": ("R5.1", 1),
    "arf_hanoi_plan_of_action": ("R5.1", 2),
    "arf_pd_work_plan": ("R5.1", 3),
    "arf_salw_meeting": ("R8.2", 1),
    "asean_un_summit": ("R11a.1", 1),
    "asean_un_comprehensive_partnership": ("R11.1", 2),
    "asean_un_plan_of_action": ("R11.1", 3),
    "asean_un_plan_of_action_adopted": ("R11.1", 3),
}
# Facts that are one event each, counted per owner and year (count indicators): each event is
# its own observation, its value the running count of that owner's events in the year, so the
# year's latest observation carries the year's count and every event keeps its own source.
COUNTED: dict[str, str] = {
    "r2p_awareness_event": "R2.1",
    "peace_ops_training_exercise": "R6.2",
    "r2p_regional_dialogue": "R12.1",
    "asean_un_officials_meeting": "R11b.1",
}
# Facts kept in the records as context and scored by no indicator, with the reason (written on
# the Methodology page too).
CONTEXT_ONLY = {
    "unga_r2p_statement": "a statement at the UN General Assembly's RtoP debate is global "
    "dialogue, not the region-to-region or intra-regional dialogue R12 asks for: an event",
    "pbc_member": "membership of the UN Peacebuilding Commission is not the ARF consultative "
    "mechanism R9 asks for",
    "aseanpcn_member": "the ASEAN Peacekeeping Centres Network links national centres; it is "
    "not an ARF standing capacity (R6.1)",
    "eu_not_eligible": "the four treaties are open to States only: the profile says so",
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
    "arf_pd_work_plan": ("arf_decision", "R5", "3", "ARF Work Plan on Preventive Diplomacy adopted (18th ARF, Bali)"),
    "arf_pd_training": ("arf_meeting", "R5", "3", "ARF workshop on preventive diplomacy"),
    "aichr_inaugurated": ("asean_decision", "", "1", "ASEAN Intergovernmental Commission on Human Rights inaugurated"),
    "asean_human_rights_declaration": ("asean_decision", "", "1", "ASEAN Human Rights Declaration adopted"),
    "asean_ipr_launched": ("asean_decision", "R12", "1;2", "ASEAN Institute for Peace and Reconciliation launched"),
    "appap_launched": ("regional_initiative", "R12", "2", "Asia Pacific Partnership for Atrocity Prevention launched"),
    "arf_eep_meeting": ("arf_meeting", "R10", "2", "ARF Experts and Eminent Persons meeting"),
    "arf_salw_meeting": ("arf_meeting", "R8", "1;2", "ARF seminar on small arms and light weapons"),
    "arf_peacekeeping_experts_meeting_host": ("arf_meeting", "R6", "3", "ARF Peacekeeping Experts' Meeting"),
    "aseanpcn_meeting_host": ("asean_meeting", "R6", "3", "ASEAN Peacekeeping Centres Network meeting"),
    "peace_ops_training_exercise": ("training", "R6", "3", ""),
    "asean_un_summit": ("asean_un", "R11a", "2;3", "ASEAN-UN Summit"),
    "asean_un_officials_meeting": ("asean_un", "R11b", "2;3", "ASEAN-UN officials' meeting on peace and security"),
    "asean_un_comprehensive_partnership": ("asean_un", "R11", "2;3", "Joint Declaration on Comprehensive Partnership between ASEAN and the UN"),
    "asean_un_plan_of_action": ("asean_un", "R11", "2;3", "ASEAN-UN Plan of Action (2016-2020) adopted"),
    "asean_un_plan_of_action_adopted": ("asean_un", "R11", "2;3", "ASEAN-UN Plan of Action (2021-2025) adopted"),
    "focal_point_network_host": ("dialogue", "R1", "1;2", "Global Network of R2P Focal Points meeting"),
    "unga_r2p_statement": ("un_statement", "", "1;2;3", ""),
}
# Events held by several participants (co-hosts, exercise partners): one event per occasion,
# its participants the owners of the records that name it.
SHARED_EVENTS = {"arf_peacekeeping_experts_meeting_host", "aseanpcn_meeting_host",
                 "peace_ops_training_exercise", "focal_point_network_host"}
# (participant, fact, date) -> why the row is set aside on review
EXCLUDED: dict[tuple[str, str, str], str] = {
    ("MYS", "genocide_party", "1994-12-20"): "only a blog gives it; the UNTC row (MIRRORED) replaces it",
    ("CHN", "cat_party", "1988"): "superseded by the UNTC row (MIRRORED), with the day",
    ("JPN", "cat_party", "1999-06"): "superseded by the UNTC row (MIRRORED), with the day",
    ("LAO", "cat_party", "2012-09"): "superseded by the UNTC row (MIRRORED), with the day",
    ("THA", "cat_party", "2007-10"): "superseded by the UNTC row (MIRRORED), with the day",
    ("EUU", "friends_of_r2p_member", "2024"): "year taken from the statement's wording, date not seen",
    # The issue-17 review of disputed cells: a Group of Friends statement describing the
    # focal-point network is not a record of the EU's own membership. The EU's focal point
    # rests on the 2016 records (Yonhap; JCMS blog) instead.
    ("EUU", "focal_point_network_member", "2016-09-06"): "a Group of Friends statement, not a record of the EU's focal point",
    # Participation announced on the eve of an exercise is a plan, not participation seen.
    **{(p, "peace_ops_training_exercise", "2018-02-26"): "participant list given before the exercise ('will participate')"
       for p in ("AUS", "KHM", "CAN", "IDN", "JPN", "MYS", "MNG", "NZL", "PAK", "PHL", "KOR", "LKA", "VNM")},
    # Human-rights policy dialogues are region-to-region but not on RtoP (R12.1 counts RtoP
    # and atrocity-prevention dialogues).
    **{(p, "r2p_regional_dialogue", d): "an EU-ASEAN policy dialogue on human rights, not on RtoP"
       for p, d in (("EUU", "2015-10-19"), ("EUU", "2017-11-29"), ("EUU", "2019-11-27"),
                    ("EUU", "2022-10-24"), ("EUU", "2023-10"), ("TLS", "2023-10"))},
    ("ARF", "asean_un_officials_meeting", "2013-09-23"): "prepares the ministerial meeting on the whole partnership, not a peace-and-security meeting",
}
# Awareness events (R2.1 counts national events) that were meetings of regional networks or
# international conferences held in the country, organised from outside it: not that
# participant's national awareness effort. They stay in the records and, where officials or
# institutes of a participant took part, count under R12.1 instead.
NOT_NATIONAL = {
    ("THA", "2008-02-20"): "launch of the regional APR2P centre",
    ("SGP", "2016-11-07"): "first meeting of the regional APPAP network",
    ("THA", "2018-06-25"): "regional workshop for officials of several states",
    ("THA", "2018-08"): "APR2P's regional flagship events",
    ("IDN", "2010-02-26"): "CSCAP regional study group",
    ("SGP", "2010-04-08"): "regional consultation",
    ("KHM", "2015-02-25"): "regional policy meeting organised by the Stanley Center",
    ("KHM", "2015-02-28"): "regional civil-society workshop organised from outside",
    ("USA", "2012-01-18"): "international conference in New York",
}
# (participant, fact, date) -> (fact, value note): the level a record's own excerpt supports
LEVEL_AS = {
    # The R2P Fund funded research and NGO outreach (14 projects), not officials: a programme
    # (level 2), not a budget reaching officials and civil society (level 3).
    ("AUS", "r2p_awareness_budget", "2009-09-25"): "r2p_awareness_programme_recurring",
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
    **LEVEL_AS,
}
# Rows of the UN Treaty Collection's status tables read from a public mirror of them (the stored
# UNTC pages stop at "Gabon"): zmjones/untreaties, CSV scrapes of the UNTC tables, which agree
# with every row the UNTC pages show (see notes/treaties.md). Read by this project on
# 2026-12-07; (participant, fact, date, chapter, the row as the mirror gives it).
UNTC = {
    "IV-1": ("Convention on the Prevention and Punishment of the Crime of Genocide", "4-1"),
    "IV-9": ("Convention against Torture and Other Cruel, Inhuman or Degrading Treatment or "
             "Punishment", "4-9"),
}
MIRROR = "https://github.com/zmjones/untreaties/blob/3265c6ab727ba1041151e078a21ca255494c256a/data"
MIRRORED = [
    ("MYS", "genocide_party", "1994-12-20", "IV-1", "Malaysia,,20 Dec 1994 a"),
    ("CHN", "cat_party", "1988-10-04", "IV-9", "China,12 Dec 1986,4 Oct 1988"),
    ("JPN", "cat_party", "1999-06-29", "IV-9", "Japan,,29 Jun 1999 a"),
    ("LAO", "cat_party", "2012-09-26", "IV-9", "Lao People's Democratic Republic,21 Sep 2010,26 Sep 2012"),
    ("THA", "cat_party", "2007-10-02", "IV-9", "Thailand,,2 Oct 2007 a"),
]


def _untc_row(who: str, fact: str, date: str, chapter: str, row: str) -> dict[str, str]:
    title, number = UNTC[chapter]
    return {
        "participant": who, "fact": fact, "date": date, "precision": "day",
        "source_title": f"UN Treaty Collection, Chapter {chapter}: {title}; row read from the "
        "GitHub mirror zmjones/untreaties",
        "source_url": "http://treaties.un.org/pages/ShowMTDSGDetails.aspx?src=UNTSONLINE&tabid=2"
        f"&mtdsg_no={chapter}&chapter=4&lang=en",
        "accessed": "2026-12-07", "excerpt": row,
        "notes": f"Row read from {MIRROR}/{number}.csv, a scrape of this UNTC table that agrees "
        "with the rows the UNTC page shows (notes/treaties.md).",
    }


EXTRA = [*(_untc_row(*m) for m in MIRRORED),
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


def _event_key(r: dict[str, str]) -> str:
    """What names one occasion: the exercise's name for a training exercise (its records give
    the same exercise at several precisions), else the date."""
    if r["fact"] == "peace_ops_training_exercise":
        return re.split(r"[,;:(]", r["notes"])[0].strip()
    return r["date"]


def _event_title(r: dict[str, str], template: str, names: dict[str, str]) -> str:
    fact = r["fact"]
    title = template or r["source_title"]
    if fact == "arf_hanoi_plan_of_action":
        return ("ARF Ha Noi Plan of Action II (2020-2025) adopted" if r["date"] >= "2020"
                else "ARF Ha Noi Plan of Action adopted")
    place = next((p.split(":", 1)[1].strip() for p in r["notes"].split(";")
                  if p.strip().lower().startswith("place:")), "")
    if fact in ("arf_eep_meeting", "arf_salw_meeting") and place:
        return f"{title}, {place.rstrip('.')}"
    if fact == "peace_ops_training_exercise":
        return f"Multinational peace-operations exercise: {_event_key(r)}"
    if fact == "unga_r2p_statement":
        return f"{names.get(r['participant'], r['participant'])} speaks at the UN General " \
               "Assembly's dialogue on RtoP"
    return title


def _counted(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """Observations of count indicators: per owner, indicator and year, one per distinct event
    (in date order), its value the running count (see COUNTED)."""
    out: list[dict[str, str]] = []
    seen: dict[tuple[str, str, str], list[str]] = {}
    ordered = sorted((r for r in rows if r["fact"] in COUNTED), key=lambda r: r["date"])
    for r in ordered:
        who, indicator = r["participant"], COUNTED[r["fact"]]
        if r["fact"] == "r2p_awareness_event" and (who, r["date"]) in NOT_NATIONAL:
            continue
        events = seen.setdefault((who, indicator, r["date"][:4]), [])
        key = _event_key(r)
        if key in events:
            continue  # the same occasion again (another record, another precision)
        events.append(key)
        out.append({"participant": "" if who == "ARF" else who, "indicator": indicator,
                    "date": r["date"], "value": str(len(events)),
                    "source": source_code(r["source_url"]),
                    "note": _note(r) if len(events) == 1 else
                    f"event {len(events)} of the year: {_note(r)}"[:300]})
    return out


def build() -> tuple[int, int, int]:
    """Write observations.csv, events.csv and sources.csv; return their row counts."""
    rows = records()
    names = {r["code"]: r["name"] for r in _read(HERE.parent / "reference" / "participants.csv")}
    signed = {(r["participant"], r["fact"]) for r in rows}
    sources: dict[str, dict[str, str]] = {}
    obs: list[dict[str, str]] = list(_read(HERE / "seed_observations.csv"))
    events: list[dict[str, str]] = list(_read(HERE / "seed_events.csv"))
    shared: dict[tuple[str, str], dict[str, str]] = {}
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
        if fact not in EVENTS:
            continue
        kind, items, pillars, template = EVENTS[fact]
        if fact in SHARED_EVENTS:
            key = (fact, _event_key(r))
            if key in shared:
                held = shared[key]
                if who != "ARF" and who not in held["participants"].split(";"):
                    held["participants"] = ";".join(filter(None, [held["participants"], who]))
                continue
        elif fact == "unga_r2p_statement":
            key = (fact, f"{who}|{r['date']}")
        else:
            key = (fact, r["date"])
        if key in seen_events:
            continue
        seen_events.add(key)
        event = {"date": r["date"], "end_date": "", "title": _event_title(r, template, names)[:200],
                 "kind": kind, "participants": "" if who == "ARF" else who, "items": items,
                 "pillars": pillars, "source": code, "url": r["source_url"],
                 "description": _note(r)}
        events.append(event)
        if fact in SHARED_EVENTS:
            shared[key] = event
    obs.extend(_counted(rows))
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
