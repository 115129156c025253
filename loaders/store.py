"""Write checked tables to the database in one transaction, recording a load run for each file."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import and_, bindparam, delete, or_, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from dashboard.core import models
from dashboard.core.db import is_initialised
from dashboard.core.history import ENTITIES
from dashboard.core.inputs import columnar
from dashboard.core.models import table
from dashboard.core.scoring import REGION
from loaders.bulk import insert_columns
from loaders.errors import NotInitialised, Problem, Rejected
from loaders.history import (
    delete_events,
    delete_measured,
    event_states,
    fill_after,
    inserted_by,
    last_id,
    record_events,
    record_measured,
    record_measured_ids,
)
from loaders.locks import CannotWrite, cannot_write, write_lock
from loaders.names import display_name, original_bytes
from loaders.parts import Parsed, read_parts, sniff_kind
from loaders.readers import Format, release_memory
from loaders.readmodel import Known, refresh
from loaders.runs import new_run, now
from loaders.validate import Checked, Reference, check_events, check_observations

KINDS = ("observations", "events", "questionnaire")
__all__ = [
    "KINDS", "LoadResult", "Written", "apply_file", "load_bytes", "load_path", "sniff_kind"
]  # fmt: skip
WRITE_BATCH = 20_000


@dataclass
class LoadResult:
    """What loading one file did (or would do, for a dry run)."""

    file_name: str
    kind: str
    file_format: str
    rows_read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False
    notes: list[str] = field(default_factory=list)
    load_run_id: int | None = None
    pending: bool = False  # checked and waiting for a reviewer; nothing written yet

    def summary(self) -> str:
        """One line for a person: what happened to the file's rows."""
        if self.pending:
            return (
                f"{self.file_name}: {self.rows_read} {self.kind} rows checked and submitted for "
                f"review as load run {self.load_run_id} ({self.inserted} new, {self.updated} "
                f"updated, {self.unchanged} unchanged once published); nothing is public until "
                "a reviewer publishes it"
            )
        verb = "would load" if self.dry_run else "loaded"
        text = (
            f"{self.file_name}: {verb} {self.rows_read} {self.kind} rows: "
            f"{self.inserted} new, {self.updated} updated, {self.unchanged} unchanged"
        )
        if not self.dry_run and self.inserted == 0 and self.updated == 0:
            text += " (already loaded: nothing added)"
        return text


@dataclass
class Written:
    """What a writer did with a check (or, dry, would do): returned, never kept on the check.

    counts: inserted, updated, unchanged; touched: the (owner, code) pairs the read model must
    recompute; after/after_codes: the observations of those codes as the write leaves them
    (so the refresh need not read them back); keys/key_frames: the rows' identities (what a
    corrected evidence file keeps); notes for the person loading."""

    counts: tuple[int, int, int] = (0, 0, 0)
    touched: set[tuple[str, str]] = field(default_factory=set)
    after: pd.DataFrame | None = None
    after_codes: frozenset[str] = frozenset()
    keys: list[tuple[object, ...]] = field(default_factory=list)
    key_frames: list[pd.DataFrame] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def record_run(
    *,
    engine: Engine,
    result: LoadResult,
    sha256: str,
    status: str,
    errors: list[str],
    started: dt.datetime,
    user: str | None = None,
    original_name: bytes | None = None,
) -> int:
    """Append to the load-run log (the only write a rejected file causes)."""
    with Session(engine) as session:
        run = new_run(
            file_name=result.file_name,
            sha256=sha256,
            kind=result.kind,
            file_format=result.file_format,
            rows_read=result.rows_read,
            inserted=result.inserted,
            status=status,
            errors=errors,
            started=started,
            user=user,
        )
        run.updated, run.unchanged = result.updated, result.unchanged
        run.original_name = original_name
        session.add(run)
        session.commit()
        assert run.id is not None
        return run.id


def _source_ids(
    session: Session,
    ref: Reference,
    texts: pd.Series,
    *,
    dry: bool = False,
    urls: dict[str, str] | None = None,
) -> dict[str, int]:
    """Map each row's source text to a Source id, creating plain (non-synthetic) sources with
    the web address the file gave for them (``urls``; a questionnaire's source_url), and
    giving an existing source without one that address (a dry run gives new sources negative
    ids and writes nothing)."""
    ids: dict[str, int] = {}
    urls = urls or {}
    for text in sorted(str(t) for t in texts.drop_duplicates()):
        found = ref.sources.get(text.casefold())
        if found is None and dry:
            ids[text] = -1 - len(ids)
            continue
        if found is None:
            found = models.Source(code=text[:200], title=text, url=urls.get(text, ""))
            session.add(found)
            session.flush()
            ref.sources[text.casefold()] = found
        elif urls.get(text) and not found.url and not dry:
            found.url = urls[text]
            session.add(found)
        assert found.id is not None
        ids[text] = found.id
    return ids


def _synthetic_ids(ref: Reference) -> set[int]:
    return {s.id for s in ref.sources.values() if s.synthetic and s.id is not None}


def _drop_shadowed_sample(
    session: Session, *, part: pd.DataFrame, synthetic: set[int], written: Written, run_id: int
) -> pd.DataFrame:
    """A documented value for a participant and indicator removes the sample's values there;
    returns the (participant_code, indicator_code) pairs whose sample values were removed."""
    documented = part[~part["source_id"].astype(int).isin(synthetic)]
    gone_pairs = part.iloc[:0][["participant_code", "indicator_code"]]
    if documented.empty or not synthetic:
        return gone_pairs
    o = table(models.Observation).c
    pairs = documented[["participant_code", "indicator_code"]].drop_duplicates()
    removed = 0
    found = []
    for code, group in pairs.groupby("indicator_code"):
        people = [p for p in group["participant_code"] if p is not None]
        who: Any = o.participant_code.in_(people)
        if group["participant_code"].isna().any():
            who = who | o.participant_code.is_(None)
        where = and_(o.indicator_code == code, o.synthetic.is_(True), who)
        gone = delete_measured(
            session.connection(), entity="observation", run_id=run_id, where=where
        )
        if gone:  # the read model must forget those sample values too
            written.touched.update((p or REGION, str(code)) for p in group["participant_code"])
            found.append(group)
        removed += gone
    if removed:
        written.notes.append(
            f"removed {removed} synthetic sample observation(s) for the participants and "
            "indicators this file documents (sample data never stands beside documented data)"
        )
    return pd.concat(found) if found else gone_pairs


def _shared_text(series: pd.Series) -> pd.Series:
    """Text as Python strings, one object per distinct value (not one per row)."""
    return series.astype("category").astype(object)


def _existing(
    session: Session, *, model: type, is_assessment: bool, wanted: list[str]
) -> pd.DataFrame:
    """The stored rows of the file's codes, with the fields a load compares or keeps."""
    t = table(model).c
    code_c = t["item_code" if is_assessment else "indicator_code"]
    value_c = t["status" if is_assessment else "value"]
    extra = (
        [t.assessor.label("old_assessor"), t.rationale.label("old_rationale")]
        if is_assessment
        else [t.synthetic.label("old_synthetic"), t.precision.label("old_precision")]
    )
    stmt = select(
        t.id,
        t.participant_code,
        code_c.label("indicator_code"),
        t.date.label("date_value"),
        t.source_id,
        value_c.label("old"),
        t.note.label("old_note"),
        *extra,
    ).where(code_c.in_(wanted))
    kinds = {
        "id": "int",
        "participant_code": "text",
        "indicator_code": "text",
        "date_value": "date",
        "source_id": "int",
        "old": "float",
        "old_note": "text",
        "old_assessor": "text",
        "old_rationale": "text",
        "old_synthetic": "bool",
        "old_precision": "text",
    }
    out = columnar(session.connection(), stmt, kinds)
    out["date_value"] = out["date_value"].astype("datetime64[ns]")
    if is_assessment:
        out = out.assign(old_synthetic=False, old_precision="")
    else:
        out = out.assign(old_assessor="", old_rationale="")
    return out


def _after_write(
    existing: pd.DataFrame,
    *,
    part: pd.DataFrame,
    is_new: pd.Series,
    changed: pd.Series,
    synthetic: set[int],
) -> pd.DataFrame:
    """The observations of the file's indicators as this write leaves them (observations()'s
    columns plus the row id; new rows have none), in id order, as a read back would give."""
    old = existing.sort_values("id", kind="stable").set_index("id")
    value, note = old["old"].copy(), old["old_note"].copy()
    moved = part.loc[changed, ["id", "new", "note"]]
    if not moved.empty:
        ids = moved["id"].astype("int64").to_numpy()
        value.loc[ids] = moved["new"].astype(float).to_numpy()
        note.loc[ids] = moved["note"].astype(object).to_numpy()
    kept = pd.DataFrame(
        {
            "id": old.index.to_numpy(dtype="float64"),
            "participant_code": old["participant_code"].to_numpy(dtype=object),
            "indicator_code": old["indicator_code"].to_numpy(dtype=object),
            "date": old["date_value"].to_numpy(),
            "precision": old["old_precision"].to_numpy(dtype=object),
            "value": value.to_numpy(dtype=float),
            "note": note.to_numpy(dtype=object),
            "synthetic": old["old_synthetic"].to_numpy(dtype=bool),
            "source_id": old["source_id"].to_numpy(dtype="int64"),
        }
    )
    new = part if is_new.all() else part[is_new]
    source_id = new["source_id"].astype("int64")
    fresh = pd.DataFrame(
        {
            "id": np.full(len(new), np.nan),
            "participant_code": new["participant_code"].to_numpy(dtype=object),
            "indicator_code": _shared_text(new["indicator_code"]).to_numpy(),
            "date": new["date_value"].to_numpy(),
            "precision": _shared_text(new["precision"]).to_numpy(),
            "value": new["new"].to_numpy(dtype=float),
            "note": _shared_text(new["note"]).to_numpy(),
            "synthetic": source_id.isin(synthetic).to_numpy(),
            "source_id": source_id.to_numpy(),
        }
    )
    out = pd.concat([kept, fresh], ignore_index=True) if len(kept) else fresh
    out["participant_code"] = out["participant_code"].where(out["participant_code"].notna(), REGION)
    return out


def _write_observations(
    session: Session, ref: Reference, checked: Checked, run_id: int, dry: bool
) -> Written:
    written = Written()
    frame = checked.frame
    urls: dict[str, str] = {}
    if "source_url" in frame:
        given = frame[frame["source_url"].astype(str).ne("")][["source", "source_url"]]
        urls = dict(zip(given["source"].astype(str), given["source_url"].astype(str), strict=True))
    ids = _source_ids(session, ref, frame["source"], dry=dry, urls=urls)
    frame = frame.assign(source_id=frame["source"].map(ids).astype("int64"))
    synthetic = _synthetic_ids(ref)
    counts = [0, 0, 0]
    flags = frame["is_assessment"].astype(bool)
    groups = [(flag, frame[flags == flag]) for flag in (False, True) if (flags == flag).any()]
    if len(groups) == 1:  # one kind of row (the usual case): no copy of the whole table
        groups = [(groups[0][0], frame)]
    del frame, flags
    for is_assessment, part in groups:
        model = models.Assessment if is_assessment else models.Observation
        code_col = "item_code" if is_assessment else "indicator_code"
        value_col = "status" if is_assessment else "value"
        t = table(model).c
        wanted = sorted(str(c) for c in part["indicator_code"].unique())
        existing = _existing(session, model=model, is_assessment=bool(is_assessment), wanted=wanted)
        part = part.assign(
            new=part["status_number"] if is_assessment else part["value_number"],
            participant_code=part["participant_code"]
            .astype(object)
            .where(part["participant_code"].notna(), None),
        )
        key = ["participant_code", "indicator_code", "date_value", "source_id"]
        if not existing.empty:
            part = part.merge(existing, on=key, how="left")
        else:
            part = part.assign(id=None, old=None, old_note=None, old_assessor="", old_rationale="")
        is_new = part["id"].isna()
        changed = ~is_new & (
            (part["old"].astype(float) != part["new"].astype(float))
            | (part["old_note"] != part["note"])
        )
        if is_assessment:
            changed = changed | (
                ~is_new
                & (
                    (part["old_assessor"] != part["assessor"])
                    | (part["old_rationale"] != part["rationale"])
                )
            )
        entity = "assessment" if is_assessment else "observation"
        conn = session.connection()
        new = part if is_new.all() else part[is_new]
        if dry:  # a check counts; it writes nothing (and needs no write access)
            new = new.iloc[:0]
        if not new.empty:
            columns: dict[str, Any] = {
                "participant_code": new["participant_code"],
                code_col: new["indicator_code"],
                "date": new["date_value"],
                "precision": new["precision"],
                value_col: new["new"].astype(int if is_assessment else float),
                "source_id": new["source_id"],
                "note": new["note"],
                "synthetic": new["source_id"].isin(synthetic),
                "load_run_id": run_id,
            }
            if is_assessment:
                columns |= {"assessor": new["assessor"], "rationale": new["rationale"]}
            after = last_id(conn, entity=entity)
            insert_columns(conn, table_name=table(model).name, columns=columns, rows=len(new))
            del columns
            # Recorded before any update below gives other rows this run's id.
            where = inserted_by(entity=entity, run_id=run_id, after=after)
            record_measured(conn, entity=entity, run_id=run_id, op="insert", where=where)
        moved_ids = part.loc[changed, "id"].astype(int).tolist()
        if moved_ids and not dry:
            record_measured_ids(conn, entity=entity, run_id=run_id, op="update", ids=moved_ids)
            fields = [value_col, "note"] + (["assessor", "rationale"] if is_assessment else [])
            values = part.loc[changed, ["id", "new", "note", "assessor", "rationale"]]
            params = [
                {
                    "_id": int(r.id),
                    value_col: int(r.new) if is_assessment else float(r.new),
                    "note": r.note,
                    "assessor": r.assessor,
                    "rationale": r.rationale,
                }
                for r in values.itertuples()
            ]
            stmt = (
                update(table(model))
                .where(t.id == bindparam("_id"))
                .values({f: bindparam(f) for f in fields} | {"load_run_id": run_id})
            )
            conn.execute(stmt, params)
            fill_after(conn, entity=entity, run_id=run_id)
        if not is_assessment and not dry:
            after = _after_write(
                existing, part=part, is_new=is_new, changed=changed, synthetic=synthetic
            )
            del existing
            gone = _drop_shadowed_sample(
                session, part=part, synthetic=synthetic, written=written, run_id=run_id
            )
            if not gone.empty:  # as the database now holds them: those sample rows are gone
                gone_keys = pd.MultiIndex.from_arrays(
                    [gone["participant_code"].fillna(REGION), gone["indicator_code"]]
                )
                hit = pd.MultiIndex.from_arrays(
                    [after["participant_code"], after["indicator_code"]]
                ).isin(gone_keys)
                after = after[~(after["synthetic"] & hit)].reset_index(drop=True)
            written.after, written.after_codes = after, frozenset(wanted)
        moved = part[is_new | changed]  # unchanged rows leave the read model as it is
        pairs = moved[["participant_code", "indicator_code"]].drop_duplicates()
        written.touched.update(
            zip(
                pairs["participant_code"].fillna(REGION).astype(str),
                pairs["indicator_code"].astype(str),
                strict=True,
            )
        )
        written.key_frames.append(
            part[["participant_code", "indicator_code", "date_value", "source_id"]]
        )
        counts[0] += int(is_new.sum())
        counts[1] += int(changed.sum())
        counts[2] += int((~is_new & ~changed).sum())
    written.counts = (counts[0], counts[1], counts[2])
    return written


def _write_events(
    session: Session, ref: Reference, checked: Checked, run_id: int, dry: bool
) -> Written:
    written = Written()
    frame = checked.frame
    ids = _source_ids(session, ref, frame["source"], dry=dry)
    synthetic = _synthetic_ids(ref)
    inserted = updated = unchanged = 0
    for r in frame.itertuples():
        source_id = ids[r.source]
        written.keys.append(_key(r.date_value, r.title, source_id))
        ev = table(models.Event).c
        event = session.scalars(
            select(models.Event).where(
                ev.date == r.date_value, ev.title == r.title, ev.source_id == source_id
            )
        ).first()
        fields = {
            "precision": r.precision,
            "end_date": r.end_value,
            "kind": r.kind,
            "description": r.description,
            "url": r.url,
            "synthetic": source_id in synthetic,
        }
        links = (list(r.participant_codes), list(r.item_codes), list(r.pillar_numbers))
        before: dict[int, dict[str, Any]] | None = None
        if event is None and dry:
            inserted += 1
            continue
        if event is None:
            event = models.Event(
                date=r.date_value, title=r.title, source_id=source_id, load_run_id=run_id, **fields
            )
            session.add(event)
            session.flush()
            inserted += 1
        else:
            old_links = tuple(
                sorted(
                    session.scalars(select(table(m).c[col]).where(table(m).c.event_id == event.id))
                )
                for m, col in (
                    (models.EventParticipant, "participant_code"),
                    (models.EventItem, "item_code"),
                    (models.EventPillar, "pillar"),
                )
            )
            same = all(getattr(event, k) == v for k, v in fields.items()) and old_links == links
            if same or dry:
                unchanged += int(same)
                updated += int(not same)
                continue
            assert event.id is not None
            before = event_states(session.connection(), [event.id])
            for k, v in fields.items():
                setattr(event, k, v)
            event.load_run_id = run_id
            for link_model in (models.EventParticipant, models.EventItem, models.EventPillar):
                session.execute(delete(link_model).where(link_model.event_id == event.id))  # type: ignore[arg-type]
            updated += 1
        assert event.id is not None
        session.add_all(
            [models.EventParticipant(event_id=event.id, participant_code=c) for c in links[0]]
        )
        session.add_all([models.EventItem(event_id=event.id, item_code=c) for c in links[1]])
        session.add_all([models.EventPillar(event_id=event.id, pillar=p) for p in links[2]])
        session.flush()
        record_events(
            session.connection(),
            run_id=run_id,
            op="insert" if before is None else "update",
            before=before,
            after=event_states(session.connection(), [event.id]),
        )
    written.counts = (inserted, updated, unchanged)
    return written


def _key(*parts: object) -> tuple[object, ...]:
    """A row's identity as plain values (dates as ISO text, ids as int, missing as None)."""
    out: list[object] = []
    for p in parts:
        if p is None or (isinstance(p, float) and pd.isna(p)):
            out.append(None)
        elif hasattr(p, "isoformat"):
            out.append(pd.Timestamp(p).date().isoformat())  # type: ignore[arg-type]
        elif isinstance(p, int | float) and not isinstance(p, bool):
            out.append(int(p))
        else:
            out.append(str(p))
    return tuple(out)


def _remove_withdrawn(
    session: Session, *, kind: str, name: str, written: Written, run_id: int, dry: bool
) -> int:
    """Delete rows earlier loads of ``name`` wrote that are not in this version of the file."""
    runs = table(models.LoadRun).c
    earlier = select(runs.id).where(
        runs.id != run_id,
        or_(runs.file_name == name, runs.file_name.like("%/" + name.lstrip("/"))),
    )
    conn = session.connection()
    if kind == "events":
        keep = set(written.keys)
        e = table(models.Event).c
        events = conn.execute(
            select(e.id, e.date, e.title, e.source_id).where(e.load_run_id.in_(earlier))
        ).all()
        gone = [r.id for r in events if _key(r.date, r.title, r.source_id) not in keep]
        if not dry:
            delete_events(conn, run_id=run_id, ids=gone)
        return len(gone)
    kept = [_key_text(f, code="indicator_code", date="date_value") for f in written.key_frames]
    keep_keys = set(pd.concat(kept)) if kept else set()
    removed = 0
    for entity, (model, code, _) in ENTITIES.items():
        t = table(model).c
        rows = pd.DataFrame(
            conn.execute(
                select(t.id, t.participant_code, t[code], t.date, t.source_id).where(
                    t.load_run_id.in_(earlier)
                )
            ).all(),
            columns=["id", "participant_code", code, "date", "source_id"],
        )
        if rows.empty:
            continue
        withdrawn = rows[~_key_text(rows, code=code, date="date").isin(keep_keys)]
        written.touched.update(
            zip(
                withdrawn["participant_code"].fillna(REGION).astype(str),
                withdrawn[code].astype(str),
                strict=True,
            )
        )
        ids = withdrawn["id"].astype(int).tolist()
        if entity == "observation" and written.after is not None and not dry:
            after = written.after
            written.after = after[~after["id"].isin(ids)].reset_index(drop=True)
        for start in range(0, 0 if dry else len(ids), WRITE_BATCH):
            chunk = ids[start : start + WRITE_BATCH]
            delete_measured(conn, entity=entity, run_id=run_id, where=t.id.in_(chunk))
        removed += len(ids)
    return removed


def _key_text(frame: pd.DataFrame, *, code: str, date: str) -> pd.Series:
    """Each row's identity (participant|code|date|source id) as text, vectorised."""
    who = frame["participant_code"].astype(object).where(frame["participant_code"].notna(), "")
    day = pd.to_datetime(frame[date]).dt.strftime("%Y-%m-%d")
    return (
        who.astype(str)
        + "|"
        + frame[code].astype(str)
        + "|"
        + day
        + "|"
        + frame["source_id"].astype("int64").astype(str)
    )


def load_bytes(
    *,
    engine: Engine,
    data: bytes,
    name: str,
    kind: str | None = None,
    file_format: Format | None = None,
    dry_run: bool = False,
    replaces_earlier: bool = False,
    user: str | None = None,
    review: bool = False,
    uploaded: bool = False,
) -> LoadResult:
    """Validate a whole file, then write it in one transaction; on any problem write nothing.

    With ``replaces_earlier`` the file is the whole set for its name: rows that earlier loads
    of a file of the same name wrote, and that this file no longer has, are deleted (the
    shipped evidence uses this, so a corrected evidence file corrects existing databases).
    With ``review`` the checked file is kept as a pending load run and nothing else is
    written until a reviewer publishes it (loaders/review.py). ``user`` is recorded on the run
    (default: RTOP_USER or the OS user, for the command line). ``name`` is shown and recorded
    cleaned (loaders/names.py; only its last part when ``uploaded``: a browser chose it), the
    original kept as data.
    """
    started = now()
    sha = hashlib.sha256(data).hexdigest()
    given, name = name, display_name(name, base_only=uploaded)
    original = None if name == given else original_bytes(given)
    if not is_initialised(engine=engine):
        raise NotInitialised()
    if kind is not None and kind not in KINDS:
        raise Rejected(
            [Problem(name, None, None, f"unknown kind '{kind}': use one of {', '.join(KINDS)}")]
        )
    result = LoadResult(file_name=name, kind=kind or "", file_format=(file_format or "").__str__())
    try:
        # Parsing and checking need no lock: a long check never holds up another writer.
        parsed = read_parts(data=data, name=name, file_format=file_format, kind=kind)
        run = new_run(
            file_name=name,
            sha256=sha,
            kind=kind or "",
            file_format=parsed.file_format.value,
            started=started,
            finished=False,
            user=user,
        )
        run.original_name = original
        if dry_run or review:
            _check(engine=engine, run=run, parsed=parsed, replaces_earlier=replaces_earlier,
                   result=result)  # fmt: skip
            if review:
                return _hold_for_review(engine=engine, data=data, result=result, run=run)
            result.dry_run = True
            return result
        try:
            with Session(engine) as session:
                write_lock(session.connection())
                session.add(run)
                session.flush()
                apply_file(
                    session,
                    run=run,
                    parsed=parsed,
                    replaces_earlier=replaces_earlier,
                    result=result,
                    dry=False,
                )
                session.commit()
                result.load_run_id = run.id
        except (DBAPIError, CannotWrite):
            # A file with problems is told them, not that the database refused the write
            # (a read-only or full database fails before the check would have run).
            run.id = None
            _check(engine=engine, run=run, parsed=parsed, replaces_earlier=replaces_earlier,
                   result=result)  # fmt: skip
            raise
    except Rejected as exc:
        if dry_run:
            raise  # a check writes nothing, not even to the load-run log
        try:
            record_run(
                engine=engine,
                result=result,
                sha256=sha,
                status="rejected",
                errors=[str(p) for p in exc.problems],
                started=started,
                user=user,
                original_name=original,
            )
        except DBAPIError:
            pass  # a read-only or full database: the rejection itself is what to report
        raise
    except DBAPIError as exc:
        raise cannot_write(exc) from None
    return result


def _check(
    *,
    engine: Engine,
    run: models.LoadRun,
    parsed: Parsed,
    replaces_earlier: bool,
    result: LoadResult,
) -> None:
    """Check a parsed file against the database and count what loading it would do, writing
    nothing (it works on a read-only database). Raises Rejected."""
    with Session(engine) as session:
        run.id = 0  # a check writes nothing, not even its load run
        apply_file(
            session,
            run=run,
            parsed=parsed,
            replaces_earlier=replaces_earlier,
            result=result,
            dry=True,
        )
        session.rollback()


def apply_file(
    session: Session,
    *,
    run: models.LoadRun,
    parsed: Parsed,
    replaces_earlier: bool,
    result: LoadResult,
    dry: bool,
) -> None:
    """Check a parsed file and write it under a load run, in the session's transaction (not
    committed); the read model is refreshed for what it touched. A file of several parts (a
    questionnaire's observations and events) is checked whole before any part is written, and
    written all or nothing under the one run. ``dry``: count what it would do and write
    nothing. Raises Rejected with every part's problems, in the file's own column names."""
    assert run.id is not None
    name = run.file_name
    result.file_format = parsed.file_format.value
    result.kind = parsed.kind if parsed.questionnaire else (result.kind or parsed.kind)
    result.rows_read = parsed.rows
    ref = Reference.from_session(session)
    checked: list[tuple[str, Checked]] = []
    problems: list[Problem] = []
    for part in parsed.parts:
        checker = check_events if part.kind == "events" else check_observations
        try:
            checked.append((part.kind, checker(table=part.table, ref=ref)))
        except Rejected as exc:
            problems.extend(part.named(exc).problems)
    if problems:
        raise Rejected(problems)
    release_memory()
    result.notes = [*parsed.notes]
    if parsed.questionnaire:
        from loaders.questionnaire import changed_since, current_records  # noqa: PLC0415

        owner = parsed.meta.get("participant", "")
        answered = [
            str(c) for p in parsed.parts if p.kind == "observations"
            for c in p.table.frame["indicator"]
        ]  # fmt: skip
        if owner and parsed.meta.get("made_at"):
            now_records = current_records(
                session, owner=owner, indicators=answered, since=parsed.meta["made_at"]
            )
            result.notes += changed_since(meta=parsed.meta, now=now_records, answered=answered)
    counts = [0, 0, 0]
    touched: set[tuple[str, str]] = set()
    for kind, check in checked:
        result.notes += check.notes
        writer = _write_events if kind == "events" else _write_observations
        done = writer(session, ref, check, run.id, dry)
        result.notes += done.notes
        counts = [a + b for a, b in zip(counts, done.counts, strict=True)]
        if replaces_earlier:
            removed = _remove_withdrawn(
                session, kind=kind, name=name, written=done, run_id=run.id, dry=dry
            )
            if removed:
                verb = "would remove" if dry else "removed"
                result.notes.append(
                    f"{verb} {removed} row(s) an earlier version of {name} had and this "
                    "one no longer has"
                )
        if not dry and done.touched:
            # one refresh per part: each hands over the rows it left (_known)
            refresh(session.connection(), touched=done.touched, known=_known(done))
            touched |= done.touched
    result.inserted, result.updated, result.unchanged = counts
    if dry:
        return
    run.kind, run.file_format, run.rows_read = result.kind, result.file_format, result.rows_read
    run.inserted, run.updated, run.unchanged = result.inserted, result.updated, result.unchanged
    run.finished_at = now()
    session.add(run)
    session.flush()


def _known(written: Written) -> Known | None:
    """The rows the write left, handed over to the read model's refresh."""
    if written.after is None:
        return None
    known = Known(frame=written.after, indicators=written.after_codes)
    written.after = None
    return known


def _hold_for_review(
    *, engine: Engine, data: bytes, result: LoadResult, run: models.LoadRun
) -> LoadResult:
    """Record a checked file as a pending load run with its bytes; nothing else is written."""
    with Session(engine) as session:
        pending = new_run(
            file_name=run.file_name,
            sha256=run.sha256,
            kind=result.kind,
            file_format=result.file_format,
            rows_read=result.rows_read,
            started=run.started_at,
            user=run.user,
        )
        pending.inserted, pending.updated, pending.unchanged = (
            result.inserted,
            result.updated,
            result.unchanged,
        )
        pending.review_state = "pending"
        pending.original_name = run.original_name
        session.add(pending)
        session.flush()
        assert pending.id is not None
        session.add(models.PendingFile(load_run_id=pending.id, data=data))
        session.commit()
        result.load_run_id = pending.id
    result.pending = True
    return result


def load_path(
    *,
    engine: Engine,
    path: Path,
    kind: str | None = None,
    dry_run: bool = False,
    name: str | None = None,
    replaces_earlier: bool = False,
) -> LoadResult:
    """Load one file from disk (see load_bytes); ``name`` is what the load run records."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise Rejected(
            [Problem(display_name(str(path)), None, None, f"cannot read the file: {exc.strerror}")]
        ) from None
    return load_bytes(
        engine=engine,
        data=data,
        name=name or str(path),
        kind=kind,
        dry_run=dry_run,
        replaces_earlier=replaces_earlier,
    )
