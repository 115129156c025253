"""Load the shipped reference data (frameworks, pillars, participants, indicators) and evidence."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import delete as sa_delete
from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, select

from dashboard.core import models
from dashboard.core.db import migrate
from loaders.errors import Problem, Rejected
from loaders.readmodel import ensure_current
from loaders.runs import new_run
from loaders.store import LoadResult, load_path
from loaders.validate import link_problem

Row = dict[str, str]


def read_csv(path: Path) -> list[Row]:
    """Read a reference CSV as a list of stripped string dicts."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [{k.strip(): (v or "").strip() for k, v in r.items()} for r in csv.DictReader(fh)]


def _bool(text: str) -> bool:
    return text.strip().casefold() in ("true", "1", "yes")


def _int(text: str) -> int | None:
    return int(text) if text.strip() else None


def _float(text: str) -> float | None:
    return float(text) if text.strip() else None


class _BadCell(ValueError):
    """A reference cell that cannot be used, with its column."""

    def __init__(self, column: str, reason: str) -> None:
        super().__init__(reason)
        self.column = column


def _source(r: Row) -> models.Source:
    url = r.get("url", "")
    if url and link_problem(url):
        raise _BadCell("url", link_problem(url))
    return models.Source(
        code=r["code"],
        title=r["title"],
        publisher=r.get("publisher", ""),
        date=r.get("date", ""),
        url=r.get("url", ""),
        seed_file=r.get("seed_file", ""),
        accessed=r.get("accessed", ""),
        synthetic=_bool(r.get("synthetic", "")),
    )


# file name -> (model, row converter); order matters for foreign keys.
def _tables(points: dict[str, Row]) -> list[tuple[str, Callable[[Row], SQLModel]]]:
    return [
        (
            "sources.csv",
            _source,
        ),
        (
            "evidence/sources.csv",  # the public-record sources of data/evidence
            _source,
        ),
        (
            "pillars.csv",
            lambda r: models.Pillar(
                number=int(r["number"]),
                short_name=r["short_name"],
                meaning=r["meaning"],
                source_code=r.get("source", ""),
            ),
        ),
        (
            "frameworks.csv",
            lambda r: models.Framework(
                code=r["code"],
                title=r["title"],
                publisher=r.get("publisher", ""),
                date=r.get("date", ""),
                source_code=r.get("source", ""),
            ),
        ),
        (
            "framework_items.csv",
            lambda r: models.FrameworkItem(
                code=r["code"],
                framework_code=r["framework"],
                parent_code=r.get("parent") or None,
                ordinal=int(r.get("ordinal") or 0),
                kind=r["kind"],
                addressee=r.get("addressee", ""),
                level=r.get("level") or "participant",
                short_name=r["short_name"],
                text=r.get("text", ""),
                source_code=r.get("source", ""),
            ),
        ),
        (
            "item_pillars.csv",
            lambda r: models.ItemPillar(
                item_code=r["item"],
                pillar=int(r["pillar"]),
                role=r["role"],
                rationale=r.get("rationale", ""),
                source_code=r.get("source", ""),
            ),
        ),
        (
            "item_links.csv",
            lambda r: models.ItemLink(
                from_item=r["from_item"],
                to_item=r["to_item"],
                relation=r.get("relation") or "addresses",
                rationale=r.get("rationale", ""),
                source_code=r.get("source", ""),
            ),
        ),
        (
            "participants.csv",
            lambda r: models.Participant(
                code=r["code"],
                name=r["name"],
                kind=r.get("kind") or "State",
                grouping=r.get("grouping", ""),
                arf_joined=_int(r.get("arf_joined", "")),
                lat=_float(points.get(r["code"], {}).get("lat", "")),
                lon=_float(points.get(r["code"], {}).get("lon", "")),
                source_code=r.get("source", ""),
            ),
        ),
        (
            "participant_aliases.csv",
            lambda r: models.ParticipantAlias(
                alias=r["alias"],
                participant_code=r["code"],
            ),
        ),
        (
            "groups.csv",
            lambda r: models.Group(
                code=r["code"],
                name=r["name"],
                source_code=r.get("source", ""),
            ),
        ),
        (
            "memberships.csv",
            lambda r: models.Membership(
                group_code=r["group"],
                participant_code=r["participant"],
                joined=r.get("joined", ""),
                left=r.get("left", ""),
                as_of=r.get("as_of", ""),
                source_code=r.get("source", ""),
            ),
        ),
        (
            "indicators.csv",
            lambda r: models.Indicator(
                code=r["code"],
                item_code=r["item"],
                name=r["name"],
                description=r.get("description", ""),
                level=r.get("level") or "participant",
                value_type=r["value_type"],
                unit=r.get("unit", ""),
                levels=r.get("levels", ""),
                thresholds=r.get("thresholds", ""),
                measure=r.get("measure") or "stock",
                window_years=_int(r.get("window_years", "")),
                stale_after_years=_int(r.get("stale_after_years", "")),
                source_code=r.get("source", ""),
            ),
        ),
    ]


def load_reference(*, engine: Engine, data_dir: Path) -> int:
    """Upsert every reference table from data/reference (one transaction); return rows read."""
    ref_dir = data_dir / "reference"
    points = {r["code"]: r for r in read_csv(data_dir / "geo" / "points.csv")}
    started = dt.datetime.now(dt.UTC)
    digest = hashlib.sha256()
    total = 0
    with Session(engine) as session:
        for file_name, convert in _tables(points):
            path = ref_dir / file_name
            if file_name == "evidence/sources.csv":
                path = data_dir / file_name
                if not path.exists():
                    continue
            rows = read_csv(path)
            digest.update(path.read_bytes())
            seen: set[Any] = set()
            for number, row in enumerate(rows, start=2):
                try:
                    obj = convert(row)
                except _BadCell as exc:
                    raise Rejected([Problem(str(path), number, exc.column, str(exc))]) from None
                except (KeyError, ValueError) as exc:
                    raise Rejected(
                        [Problem(str(path), number, None, f"bad reference row: {exc}")]
                    ) from None
                if file_name == "participant_aliases.csv":
                    key = row["alias"].casefold()
                    if key in seen:
                        continue
                    seen.add(key)
                session.merge(_with_source_id(session, obj))
                total += 1
            session.flush()
        session.add(
            new_run(
                file_name=str(ref_dir),
                sha256=digest.hexdigest(),
                kind="reference",
                file_format="csv",
                rows_read=total,
                started=started,
            )
        )
        session.commit()
    return total


def _with_source_id(session: Session, obj: SQLModel) -> SQLModel:
    """Sources are keyed by code: reuse the existing row's id so merge updates, not duplicates."""
    if isinstance(obj, models.Source):
        existing = session.exec(select(models.Source).where(models.Source.code == obj.code)).first()
        if existing is not None:
            obj.id = existing.id
    return obj


def load_evidence(*, engine: Engine, data_dir: Path) -> list[LoadResult]:
    """Load the documented evidence (events, then observations) through the normal loader."""
    evidence = data_dir / "evidence"
    results = []
    for name, kind in (("events.csv", "events"), ("observations.csv", "observations")):
        path = evidence / name
        if path.exists():
            results.append(
                load_path(
                    engine=engine,
                    path=path,
                    kind=kind,
                    name=f"data/evidence/{name}",
                    replaces_earlier=True,
                )
            )
    return results


def retire_indicators(*, engine: Engine, data_dir: Path) -> list[str]:
    """Remove indicators the catalogue no longer lists, with their synthetic sample values.

    An indicator that still has documented (non-synthetic) observations is kept, and said so:
    nothing documented is deleted by a catalogue change.
    """
    listed = {r["code"] for r in read_csv(data_dir / "reference" / "indicators.csv")}
    ind, obs = models.Indicator.__table__, models.Observation.__table__  # type: ignore[attr-defined]
    notes: list[str] = []
    with Session(engine) as session:
        codes = [c for c in session.scalars(sa_select(ind.c.code)) if c not in listed]
        for code in codes:
            session.execute(
                sa_delete(obs).where(obs.c.indicator_code == code, obs.c.synthetic.is_(True))
            )
            left = session.scalar(
                sa_select(func.count()).select_from(obs).where(obs.c.indicator_code == code)
            )
            if left:
                notes.append(
                    f"indicator {code} is no longer in the catalogue but keeps {left} "
                    "documented observation(s); it stays until they are moved or deleted"
                )
            else:
                session.execute(sa_delete(ind).where(ind.c.code == code))
                notes.append(f"indicator {code} retired (no longer in the catalogue)")
        session.commit()
    return notes


def init(*, engine: Engine, data_dir: Path) -> tuple[int, list[LoadResult]]:
    """Create or migrate the schema, then load reference data and evidence (idempotent)."""
    migrate(engine=engine)
    rows = load_reference(engine=engine, data_dir=data_dir)
    results = load_evidence(engine=engine, data_dir=data_dir)
    notes = retire_indicators(engine=engine, data_dir=data_dir)
    ensure_current(engine=engine)
    if results and notes:
        results[-1].notes.extend(notes)
    return rows, results
