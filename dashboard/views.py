"""What each page shows, as DataFrames computed from one Dataset (plain Python, no Streamlit)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
from sqlalchemy.engine import Engine

from dashboard import queries
from dashboard.core import inputs as inputs_module
from dashboard.core import readmodel, scoring
from dashboard.core.models import NO_DATA, STATUS_LABELS
from dashboard.filters import FIRST_YEAR, RECOMMENDATIONS, Filters, this_year

FOCAL_POINT_INDICATOR = "R1.1"
FOCAL_POINT_APPOINTED = 3
REGION_NAME = "ARF (region)"
SYMBOLS = {0: "○", 1: "◔", 2: "◑", 3: "◕", 4: "●"}
NO_DATA_SYMBOL = "–"


@dataclass(frozen=True)
class Dataset:
    """What the pages read, loaded once per data version (treat as read-only).

    The yearly panels come from the read model the loaders keep; observations themselves are
    not held: evidence for one participant and recommendation is read on demand (``engine``).
    """

    participants: pd.DataFrame
    memberships: pd.DataFrame
    items: pd.DataFrame
    item_pillars: pd.DataFrame
    item_links: pd.DataFrame
    indicators: pd.DataFrame
    events: pd.DataFrame
    sources: pd.DataFrame
    pillars: pd.DataFrame
    status: pd.DataFrame  # cells with a status (computed or expert), status as an integer
    cells: pd.DataFrame  # every cell with any evidence, insufficient data included
    ind_panel: pd.DataFrame
    observed: queries.ObservationStats
    include_sample: bool
    loaded_at: str
    from_read_model: bool
    engine: Engine

    @property
    def has_synthetic(self) -> bool:
        """True when any synthetic observation or event is in this dataset."""
        return bool(self.observed.synthetic or self.events["synthetic"].any())

    @property
    def names(self) -> dict[str, str]:
        """Participant code -> name, with the region's label."""
        return {
            **dict(zip(self.participants["code"], self.participants["name"], strict=True)),
            scoring.REGION: REGION_NAME,
        }


def panels(
    *, engine: Engine, include_sample: bool, indicators: pd.DataFrame
) -> tuple[readmodel.Panels, bool]:
    """The yearly panels from the read model; computed here only when it is out of date."""
    stored = readmodel.read_panels(
        engine=engine, include_sample=include_sample, indicators=indicators
    )
    if stored is not None:
        return stored, True
    first, last = readmodel.current_years()
    inputs = inputs_module.scoring_inputs(
        engine=engine, include_sample=include_sample, indicators=indicators
    )
    computed = readmodel.compute(
        inputs=inputs, sample=include_sample, first_year=first, last_year=last
    )
    return computed, False


def load_dataset(*, engine: Engine, include_sample: bool) -> Dataset:
    """Read the reference tables, the events and the read model's yearly panels."""
    indicators = inputs_module.indicator_catalogue(engine=engine)
    found, stored = panels(engine=engine, include_sample=include_sample, indicators=indicators)
    return Dataset(
        participants=queries.participants(engine=engine),
        memberships=queries.all_memberships(engine=engine),
        items=inputs_module.items(engine=engine),
        item_pillars=queries.item_pillars(engine=engine),
        item_links=queries.item_links(engine=engine),
        indicators=indicators,
        events=queries.events(engine=engine, include_sample=include_sample),
        sources=queries.sources(engine=engine),
        pillars=queries.pillars(engine=engine),
        status=scoring.with_status(found.cells),
        cells=found.cells,
        ind_panel=found.indicators,
        observed=queries.observation_stats(engine=engine, include_sample=include_sample),
        include_sample=include_sample,
        loaded_at=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        from_read_model=stored,
        engine=engine,
    )


INSUFFICIENT_SYMBOL = "◌"
INSUFFICIENT = "Insufficient data"


def status_label(status: float | None) -> str:
    """'◑ Initiated' for 2; the no-data label for missing values."""
    if status is None or pd.isna(status):
        return f"{NO_DATA_SYMBOL} {NO_DATA}"
    s = int(status)
    return f"{SYMBOLS[s]} {STATUS_LABELS[s]}"


def cell_label(*, result: object, status: float | None, observed: int, expected: int) -> str:
    """A cell's label: its status, or 'Insufficient data (1 of 3 indicators)', or no data."""
    if result == scoring.RESULT_INSUFFICIENT:
        return f"{INSUFFICIENT_SYMBOL} {INSUFFICIENT} ({observed} of {expected} indicators)"
    return status_label(status)


def cell_texts(cell: pd.Series | None) -> dict[str, str]:
    """What a table shows of a cell: its label, the rule's own label, coverage and staleness."""
    if cell is None:
        return {"status_label": status_label(None), "computed": "", "coverage": "", "stale": ""}
    observed, expected = int(cell["n_indicators"]), int(cell["n_expected"])
    return {
        "status_label": cell_label(
            result=cell["result"], status=cell["status"], observed=observed, expected=expected
        ),
        "computed": cell_label(
            result=cell["computed_result"],
            status=cell["computed_status"],
            observed=observed,
            expected=expected,
        ),
        "coverage": f"{observed} of {expected}",
        "stale": "stale" if bool(cell["stale"]) else "",
    }


def cells_at(*, ds: Dataset, year: int) -> pd.DataFrame:
    """Every cell with evidence at a year (insufficient data included), indexed by owner, rec."""
    at = ds.cells[ds.cells["year"] == year]
    return at.set_index(["participant_code", "recommendation"])


def selected_recommendations(*, ds: Dataset, filters: Filters) -> list[str]:
    """R1–R12 narrowed by the chosen recommendations and pillars (primary or secondary links)."""
    recs = list(filters.recommendations or RECOMMENDATIONS)
    if filters.pillars:
        linked = ds.item_pillars[ds.item_pillars["pillar"].isin(filters.pillars)]["item_code"]
        recs = [r for r in recs if r in set(linked)]
    return recs


def selected_participants(*, ds: Dataset, filters: Filters) -> list[str]:
    """The chosen participants (all when none chosen), in name order."""
    codes = list(ds.participants["code"])
    return [c for c in codes if c in filters.participants] if filters.participants else codes


def rec_levels(ds: Dataset) -> dict[str, str]:
    """Recommendation code -> 'participant' or 'region'."""
    recs = ds.items[ds.items["kind"] == "recommendation"]
    return dict(zip(recs["code"], recs["level"], strict=True))


def rec_names(ds: Dataset) -> dict[str, str]:
    """Recommendation code -> short name."""
    recs = ds.items[ds.items["kind"].isin(["recommendation", "next_step"])]
    return dict(zip(recs["code"], recs["short_name"], strict=True))


def _status_at(ds: Dataset, year: int) -> pd.DataFrame:
    return ds.status[ds.status["year"] == year]


def _includes_synthetic(frame: pd.DataFrame) -> bool:
    return bool("synthetic" in frame and frame["synthetic"].astype(bool).any())


# ---------------------------------------------------------------- overview


@dataclass(frozen=True)
class Headline:
    """One headline figure now and at the comparison year."""

    label: str
    value: str
    delta: str | None
    help: str


def rec_region_status(*, ds: Dataset, filters: Filters, year: int) -> pd.DataFrame:
    """Status of each selected recommendation for the region at a year.

    Region-level recommendations use the region's own status; participant-level ones the median
    over the selected participants with data, shown only when at least half have data.
    """
    at = _status_at(ds, year)
    people = selected_participants(ds=ds, filters=filters)
    levels = rec_levels(ds)
    rows = []
    for rec in selected_recommendations(ds=ds, filters=filters):
        if levels.get(rec) == "region":
            hit = at[(at["participant_code"] == scoring.REGION) & (at["recommendation"] == rec)]
            status = float(hit["status"].iloc[0]) if len(hit) else None
            have, basis = (1 if len(hit) else 0), "regional status"
            synthetic = bool(hit["synthetic"].any())
        else:
            hit = at[(at["participant_code"].isin(people)) & (at["recommendation"] == rec)]
            have = len(hit)
            ok = have >= scoring.MIN_DATA_SHARE * len(people) and have > 0
            status = float(hit["status"].median()) if ok else None
            basis = f"median of {have}/{len(people)} participants"
            synthetic = bool(hit["synthetic"].any())
        rows.append(
            {
                "recommendation": rec,
                "status": status,
                "basis": basis,
                "with_data": have,
                "synthetic": synthetic,
            }
        )
    return pd.DataFrame(rows)


def headlines(*, ds: Dataset, filters: Filters, since: int) -> list[Headline]:
    """Focal points, recommendations at or above 'initiated', average status by pillar."""
    people = selected_participants(ds=ds, filters=filters)
    year = filters.to_year

    def focal(y: int) -> int:
        p = ds.ind_panel
        hit = p[
            (p["year"] == y)
            & (p["indicator_code"] == FOCAL_POINT_INDICATOR)
            & (p["participant_code"].isin(people))
            & (p["value"] >= FOCAL_POINT_APPOINTED)
        ]
        return int(hit["participant_code"].nunique())

    def initiated(y: int) -> tuple[int, int, int]:
        r = rec_region_status(ds=ds, filters=filters, year=y)
        if not len(r):
            return 0, 0, 0
        return int((r["status"] >= scoring.INITIATED).sum()), len(r), int(r["status"].notna().sum())

    out = []
    f_now, f_then = focal(year), focal(since)
    out.append(
        Headline(
            "Participants with an RtoP focal point",
            f"{f_now} of {len(people)}",
            f"{f_now - f_then:+d} since {since}",
            f"Indicator {FOCAL_POINT_INDICATOR} at level 'appointed' or higher, as of {year}.",
        )
    )
    i_now, n_recs, with_data = initiated(year)
    i_then, _, _ = initiated(since)
    out.append(
        Headline(
            "Recommendations at or above 'Initiated'",
            f"{i_now} of {n_recs}"
            + (f" ({with_data} with enough data)" if with_data < n_recs else ""),
            f"{i_now - i_then:+d} since {since}",
            "Regional status for regional recommendations; the median over participants "
            "(at least half with data) for national ones.",
        )
    )
    by_now = pillar_averages(ds=ds, filters=filters, year=year)
    by_then = pillar_averages(ds=ds, filters=filters, year=since)
    for pillar, value in by_now.items():
        before = by_then.get(pillar)
        out.append(
            Headline(
                f"Average status, pillar {pillar}",
                "insufficient data" if value is None else f"{value:.1f} / 4",
                None if value is None or before is None else f"{value - before:+.1f} since {since}",
                "Mean status over selected participants and the recommendations whose primary "
                "pillar this is; shown only when at least half the pairs have data.",
            )
        )
    return out


def pillar_averages(*, ds: Dataset, filters: Filters, year: int) -> dict[int, float | None]:
    """Mean status per primary pillar over (participant or region, recommendation) pairs."""
    at = _status_at(ds, year)
    recs = selected_recommendations(ds=ds, filters=filters)
    people = selected_participants(ds=ds, filters=filters)
    levels = rec_levels(ds)
    primary = ds.items.set_index("code")["primary_pillar"]
    out: dict[int, float | None] = {}
    for pillar in filters.pillars or (1, 2, 3):
        pillar_recs = [r for r in recs if primary.get(r) == pillar]
        expected = sum(1 if levels.get(r) == "region" else len(people) for r in pillar_recs)
        owners = [*people, scoring.REGION]
        hit = at[at["recommendation"].isin(pillar_recs) & at["participant_code"].isin(owners)]
        out[int(pillar)] = scoring.mean_with_minimum(statuses=hit["status"], expected=expected)
    return out


def latest_events(*, ds: Dataset, filters: Filters, limit: int = 8) -> pd.DataFrame:
    """The most recent events within the period and selection."""
    ev = timeline_events(ds=ds, filters=filters)
    return ev.sort_values("date", ascending=False).head(limit)


def freshness(*, ds: Dataset) -> dict[str, str]:
    """When data was last observed and loaded, and how many sources stand behind it."""
    o = ds.observed
    return {
        "latest observation": o.latest or "none",
        "latest documented (non-sample) observation": o.latest_documented or "none",
        "observations": f"{o.total:,}" + (f" ({o.synthetic:,} sample)" if o.synthetic else ""),
        "sources cited": str(int(((ds.sources["observations"] + ds.sources["events"]) > 0).sum())),
        "data read": ds.loaded_at,
    }


# ---------------------------------------------------------------- map


def map_layers(*, ds: Dataset) -> dict[str, str]:
    """What the map can show: recommendations, pillars and indicators, key -> label."""
    names = rec_names(ds)
    out = {r: f"{r} {names.get(r, '')}" for r in RECOMMENDATIONS}
    out.update({f"P{p}": f"Pillar {p} (average)" for p in (1, 2, 3)})
    for row in ds.indicators.itertuples():
        out[str(row.code)] = f"Indicator {row.code}: {row.name}"
    return out


def map_values(*, ds: Dataset, filters: Filters, layer: str, year: int) -> pd.DataFrame:
    """Per participant: status, label, value, date and source for the chosen layer and year.

    Every participant appears (with 'No data' where nothing is known) so all can be seen.
    """
    people = ds.participants[["code", "name", "lat", "lon", "grouping"]].copy()
    if filters.participants:
        people["selected"] = people["code"].isin(filters.participants)
    else:
        people["selected"] = True
    at = _status_at(ds, year)
    if layer == "SELECTED" or (layer.startswith("P") and layer[1:].isdigit()):
        if layer == "SELECTED":
            levels = rec_levels(ds)
            recs = [
                r
                for r in selected_recommendations(ds=ds, filters=filters)
                if levels.get(r) != "region"
            ]
        else:
            primary = ds.items.set_index("code")["primary_pillar"]
            recs = [r for r in RECOMMENDATIONS if primary.get(r) == int(layer[1:])]
        hit = at[at["recommendation"].isin(recs)]
        agg = hit.groupby("participant_code").agg(
            status=("status", "mean"),
            date=("last_date", "max"),
            source=("sources", lambda s: "; ".join(sorted(set("; ".join(s).split("; "))))),
            synthetic=("synthetic", "any"),
            n=("recommendation", "nunique"),
        )
        agg["value"] = (
            agg["status"].round(1).astype(str) + " (mean of " + agg["n"].astype(str) + ")"
        )
        agg["status"] = agg["status"].map(lambda v: int(v))
    elif layer in RECOMMENDATIONS:
        cells = ds.cells[ds.cells["year"] == year]
        hit = cells[cells["recommendation"] == layer].set_index("participant_code")
        agg = pd.DataFrame(
            {
                "status": hit["status"],
                "date": hit["last_date"],
                "source": hit["sources"],
                "synthetic": hit["synthetic"],
                "value": hit["n_indicators"].astype(str)
                + " of "
                + hit["n_expected"].astype(str)
                + " indicators; "
                + hit["basis"],
                "insufficient": hit["result"].eq(scoring.RESULT_INSUFFICIENT),
            }
        )
    else:
        p = ds.ind_panel
        hit = p[(p["year"] == year) & (p["indicator_code"] == layer)].set_index("participant_code")
        agg = pd.DataFrame(
            {
                "status": hit["ind_status"],
                "date": hit["date"],
                "source": hit["source"],
                "synthetic": hit["synthetic"],
                "value": hit["value"].map(_level_words(ds, layer)),
            }
        )
    if _is_regional_layer(ds, layer) and scoring.REGION in agg.index:
        # An act of the region: every participant shows the region's own status.
        agg = pd.DataFrame([agg.loc[scoring.REGION]] * len(people), index=list(people["code"]))
    out = people.merge(agg, left_on="code", right_index=True, how="left")
    out["status_label"] = out["status"].map(status_label)
    if "insufficient" in out:
        short = f"{INSUFFICIENT_SYMBOL} {INSUFFICIENT}"
        out.loc[out["insufficient"].eq(True), "status_label"] = short
        out = out.drop(columns=["insufficient"])
    out["date"] = out["date"].map(lambda d: "" if pd.isna(d) else str(pd.Timestamp(d).date()))
    out["source"] = out["source"].fillna("")
    out["value"] = out["value"].fillna("")
    out["synthetic"] = out["synthetic"].fillna(False).astype(bool)
    return out


def _level_words(ds: Dataset, code: str) -> Callable[[float], str]:
    """A formatter for an indicator's values: '2 (party ...)' where its levels are named."""
    ind = ds.indicators[ds.indicators["code"] == code]
    levels = str(ind["levels"].iloc[0]) if len(ind) else ""
    words = dict(part.split("=", 1) for part in levels.split(";") if "=" in part)

    def fmt(value: float) -> str:
        word = words.get(f"{value:g}")
        return f"{value:g} ({word})" if word else f"{value:g}"

    return fmt


def _is_regional_layer(ds: Dataset, layer: str) -> bool:
    if layer in RECOMMENDATIONS:
        return rec_levels(ds).get(layer) == "region"
    ind = ds.indicators[ds.indicators["code"] == layer]
    return bool(len(ind)) and ind["level"].iloc[0] == "region"


def overview_map(*, ds: Dataset, filters: Filters, year: int) -> pd.DataFrame:
    """Per participant: mean status over the selected national recommendations at a year."""
    return map_values(ds=ds, filters=filters, layer="SELECTED", year=year)


def regional_value(*, ds: Dataset, layer: str, year: int) -> str | None:
    """For region-level layers, the region's own status as text (None for national layers)."""
    at = ds.cells[ds.cells["year"] == year]
    if layer in RECOMMENDATIONS and rec_levels(ds).get(layer) == "region":
        hit = at[(at["participant_code"] == scoring.REGION) & (at["recommendation"] == layer)]
        return cell_texts(hit.iloc[0] if len(hit) else None)["status_label"]
    ind = ds.indicators.set_index("code")
    if layer in ind.index and ind.loc[layer, "level"] == "region":
        p = ds.ind_panel
        hit = p[(p["year"] == year) & (p["indicator_code"] == layer)]
        return status_label(hit["ind_status"].iloc[0] if len(hit) else None)
    return None


# ---------------------------------------------------------------- participant profile


def scorecard(*, ds: Dataset, participant: str, year: int) -> pd.DataFrame:
    """The twelve recommendations for one participant: status, trend, last update, source.

    Regional recommendations show the region's status (marked 'regional').
    """
    names = rec_names(ds)
    levels = rec_levels(ds)
    st = ds.status[ds.status["year"] <= year]
    cells = cells_at(ds=ds, year=year)
    rows = []
    for rec in RECOMMENDATIONS:
        owner = scoring.REGION if levels.get(rec) == "region" else participant
        hist = st[(st["participant_code"] == owner) & (st["recommendation"] == rec)].sort_values(
            "year"
        )
        cell = cells.loc[(owner, rec)] if (owner, rec) in cells.index else None
        now = hist.iloc[-1] if len(hist) and hist.iloc[-1]["year"] == year else None
        before = None
        if now is not None:
            earlier = hist[pd.to_datetime(hist["last_date"]) < pd.to_datetime(now["last_date"])]
            before = earlier.iloc[-1]["status"] if len(earlier) else None
        rows.append(
            {
                "recommendation": rec,
                "name": names.get(rec, ""),
                "level": "regional" if owner == scoring.REGION else "national",
                "status": None if now is None else int(now["status"]),
                **cell_texts(cell),
                "trend": scoring.trend_symbol(
                    now=None if now is None else float(now["status"]),
                    before=None if before is None else float(before),
                ),
                "last_update": "" if cell is None else str(pd.Timestamp(cell["last_date"]).date()),
                "basis": "" if cell is None else str(cell["basis"]),
                "source": "" if cell is None else str(cell["sources"] or ""),
                "synthetic": False if cell is None else bool(cell["synthetic"]),
            }
        )
    return pd.DataFrame(rows)


TREATY_PREFIX = "TR."


def commitments(*, ds: Dataset, participant: str, year: int) -> pd.DataFrame:
    """The participant's treaty status at a year, one row per treaty indicator, with source."""
    ind = ds.indicators[ds.indicators["code"].str.startswith(TREATY_PREFIX)]
    p = ds.ind_panel
    now = p[(p["participant_code"] == participant) & (p["year"] == year)]
    now = now.set_index("indicator_code")
    roles = rec_names_all(ds)
    rows = []
    for spec in ind.itertuples():
        hit = now.loc[spec.code] if spec.code in now.index else None
        rows.append(
            {
                "indicator": spec.code,
                "name": spec.name,
                "status": None if hit is None else int(hit["ind_status"]),
                "status_label": status_label(None if hit is None else hit["ind_status"]),
                "value": "" if hit is None else _level_words(ds, str(spec.code))(hit["value"]),
                "date": "" if hit is None else str(pd.Timestamp(hit["date"]).date()),
                "role": f"{spec.item_code} {roles.get(str(spec.item_code), '')}",
                "source": "" if hit is None else str(hit["source"]),
                "synthetic": False if hit is None else bool(hit["synthetic"]),
            }
        )
    return pd.DataFrame(rows)


def rec_names_all(ds: Dataset) -> dict[str, str]:
    """Every framework item code -> short name (recommendations, sub-items, SG roles)."""
    return dict(zip(ds.items["code"], ds.items["short_name"], strict=True))


def memberships_of(*, ds: Dataset, participant: str) -> pd.DataFrame:
    """A participant's memberships as short texts ('ASEAN (joined 1967-08-08)')."""
    m = ds.memberships[ds.memberships["participant_code"] == participant]
    when = [
        f" (joined {j})" if j else (f" (member as of {a})" if a else "")
        for j, a in zip(m["joined"], m["as_of"], strict=True)
    ]
    return m.assign(text=m["group"] + pd.Series(when, index=m.index, dtype=object)).reset_index(
        drop=True
    )


def members_at(*, ds: Dataset, group: str, year: int) -> list[str]:
    """Participants that were members of ``group`` in ``year``, by their dated memberships.

    A membership known only as of a date (CSCAP's 2011 list) counts for every year: it is the
    best record there is, and the sidebar says so.
    """
    m = ds.memberships[ds.memberships["group_code"] == group]
    joined = m["joined"].str[:4]
    left = m["left"].str[:4]
    started = joined.eq("") | (joined.where(joined.ne(""), "0").astype(int) <= year)
    ongoing = left.eq("") | (left.where(left.ne(""), "9999").astype(int) > year)
    codes = set(m[started & ongoing]["participant_code"])
    return [c for c in ds.participants["code"] if c in codes]


def participant_events(*, ds: Dataset, filters: Filters, participant: str) -> pd.DataFrame:
    """Events naming this participant, drawn to their date precision."""
    ev = timeline_events(
        ds=ds, filters=Filters(from_year=filters.from_year, to_year=filters.to_year)
    )
    if ev.empty:
        return ev
    mine = ev["participants"].map(lambda s: participant in s.split(";")).astype(bool)
    return ev[mine].reset_index(drop=True)


def pillar_status_for(*, ds: Dataset, participant: str, year: int) -> pd.DataFrame:
    """Mean status by primary pillar for one participant (national recommendations only)."""
    card = scorecard(ds=ds, participant=participant, year=year)
    card = card[card["level"] == "national"]
    primary = ds.items.set_index("code")["primary_pillar"]
    card = card.assign(pillar=card["recommendation"].map(primary))
    rows = []
    for pillar, grp in card.groupby("pillar"):
        mean = scoring.mean_with_minimum(statuses=grp["status"].astype(float), expected=len(grp))
        rows.append(
            {
                "pillar": int(pillar),
                "recommendations": len(grp),
                "with_data": int(grp["status"].notna().sum()),
                "average_status": None if mean is None else round(mean, 2),
            }
        )
    return pd.DataFrame(rows)


def evidence(
    *,
    ds: Dataset,
    participant: str | None,
    recommendation: str | None = None,
    from_year: int = FIRST_YEAR,
    to_year: int | None = None,
) -> pd.DataFrame:
    """The observations behind a participant (and optionally a recommendation), with sources."""
    ind = ds.indicators.set_index("code")
    codes = None
    if recommendation:
        codes = set(ds.indicators[ds.indicators["recommendation"] == recommendation]["code"])
    frame = inputs_module.observations(
        engine=ds.engine,
        include_sample=ds.include_sample,
        owners=None if participant is None else {participant},
        indicators=codes,
    )
    frame = frame.assign(recommendation=frame["indicator_code"].map(ind["recommendation"]))
    if recommendation:
        frame = frame[frame["recommendation"] == recommendation]
    years = frame["date"].dt.year
    frame = frame[(years >= from_year) & (years <= (to_year or this_year()))]
    frame = frame.sort_values("date", ascending=False)
    return pd.DataFrame(
        {
            "date": frame["date"].dt.date.astype(str),
            "precision": frame["precision"],
            "participant": frame["participant_code"].map(ds.names),
            "recommendation": frame["recommendation"],
            "indicator": frame["indicator_code"],
            "indicator_name": frame["indicator_code"].map(ind["name"]),
            "value": frame["value"],
            "unit": frame["indicator_code"].map(ind["unit"]),
            "source": frame["source"],
            "note": frame["note"],
            "synthetic": frame["synthetic"],
        }
    ).reset_index(drop=True)


# ---------------------------------------------------------------- tracker


def tracker_matrix(*, ds: Dataset, filters: Filters, year: int, sort: str) -> pd.DataFrame:
    """Participants x national recommendations: status, label, and the indicator values behind."""
    levels = rec_levels(ds)
    recs = [
        r for r in selected_recommendations(ds=ds, filters=filters) if levels.get(r) != "region"
    ]
    people = selected_participants(ds=ds, filters=filters)
    at = ds.cells[ds.cells["year"] == year]
    at = at[at["participant_code"].isin(people) & at["recommendation"].isin(recs)]
    p = ds.ind_panel
    vals = p[
        (p["year"] == year) & p["participant_code"].isin(people) & p["recommendation"].isin(recs)
    ]
    # Built row by row: an empty selection must still give a text column (string + float
    # Series arithmetic fails on empty frames under pandas 3's string dtype).
    text = [
        f"{code} = {value:g} ({pd.Timestamp(date).date()})"
        for code, value, date in zip(
            vals["indicator_code"], vals["value"], vals["date"], strict=True
        )
    ]
    vals = vals.assign(text=pd.Series(text, index=vals.index, dtype=object))
    behind = vals.groupby(["participant_code", "recommendation"])["text"].agg("<br>".join)
    grid = pd.MultiIndex.from_product([people, recs], names=["participant_code", "recommendation"])
    frame = at.set_index(["participant_code", "recommendation"]).reindex(grid).reset_index()
    frame["indicators"] = [
        behind.get((a, b), "no observations")
        for a, b in zip(frame["participant_code"], frame["recommendation"], strict=True)
    ]
    info = ds.participants.set_index("code")
    frame["name"] = frame["participant_code"].map(info["name"])
    frame["grouping"] = frame["participant_code"].map(info["grouping"])
    frame["status_label"] = [
        cell_label(
            result=r,
            status=v,
            observed=0 if pd.isna(o) else int(o),
            expected=0 if pd.isna(e) else int(e),
        )
        for r, v, o, e in zip(
            frame["result"],
            frame["status"],
            frame["n_indicators"],
            frame["n_expected"],
            strict=True,
        )
    ]
    frame["synthetic"] = frame["synthetic"].fillna(False).astype(bool)
    score = frame.groupby("participant_code")["status"].mean()
    frame["score"] = frame["participant_code"].map(score)
    if sort == "score":
        frame = frame.sort_values(["score", "name"], ascending=[False, True], na_position="last")
    else:
        frame = frame.sort_values(["grouping", "name"])
    return frame.reset_index(drop=True)


def regional_track(*, ds: Dataset, filters: Filters, year: int) -> pd.DataFrame:
    """Regional recommendations and the ARF next steps: status at the year and related events."""
    levels = rec_levels(ds)
    names = rec_names(ds)
    at = ds.cells[ds.cells["year"] == year]
    region = at[at["participant_code"] == scoring.REGION].set_index("recommendation")
    ev = ds.events
    codes = [
        r for r in selected_recommendations(ds=ds, filters=filters) if levels.get(r) == "region"
    ]
    steps = list(ds.items[ds.items["kind"] == "next_step"]["code"])
    # An event linked to a sub-item (R10c) counts for its recommendation (R10) too.
    top = dict(zip(ds.items["code"], ds.items["recommendation"], strict=True))
    ev = ev.assign(
        item_tops=ev["items"].map(
            lambda s: {i for x in s.split(";") if x for i in (x, top.get(x, x))}
        )
    )
    rows = []
    for code in [*codes, *steps]:
        hit = region.loc[code] if code in region.index else None
        related = ev[ev["item_tops"].map(lambda tops, c=code: c in tops).astype(bool)]
        related = related[related["date"].dt.year <= year]
        rows.append(
            {
                "code": code,
                "name": names.get(code, ""),
                "kind": "next step" if code in steps else "regional recommendation",
                "status": None if hit is None or pd.isna(hit["status"]) else int(hit["status"]),
                **{k: v for k, v in cell_texts(hit).items() if k != "computed"},
                "last_update": "" if hit is None else str(pd.Timestamp(hit["last_date"]).date()),
                "source": "" if hit is None else hit["sources"],
                "events": len(related),
                "synthetic": False if hit is None else bool(hit["synthetic"]),
            }
        )
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- timeline


def timeline_events(*, ds: Dataset, filters: Filters, since_first: bool = False) -> pd.DataFrame:
    """Events in the period touching the selection (participants, recommendations, pillars).

    Events with no participants (global or regional) are always kept; each event gets a start
    and end drawn to its date precision (a year-precise event spans its year). With
    ``since_first`` the period starts in 2005 (the World Summit) whatever the filter says.
    """
    ev = ds.events.copy()
    if ev.empty:
        return ev.assign(
            start=pd.Series(dtype="datetime64[ns]"),
            end=pd.Series(dtype="datetime64[ns]"),
            pillar="",
        )
    ev = ev[(ev["date"].dt.year <= filters.to_year)]
    end_year = ev["end_date"].dt.year.fillna(ev["date"].dt.year)
    ev = ev[end_year >= (FIRST_YEAR if since_first else filters.from_year)]
    if filters.participants:
        keep = ev["participants"].map(
            lambda s: not s or bool(set(s.split(";")) & set(filters.participants))
        )
        ev = ev[keep.astype(bool)]
    recs = filters.recommendations
    if recs:
        # astype(bool): on an empty frame map() gives an object Series, which pandas would
        # take for a list of column labels instead of a row mask.
        ev = ev[
            ev["items"]
            .map(lambda s: any(i.rstrip("abcdef") in recs for i in s.split(";") if i))
            .astype(bool)
        ]
    if filters.pillars:
        wanted = {str(p) for p in filters.pillars}
        ev = ev[ev["pillars"].map(lambda s: bool(set(s.split(";")) & wanted)).astype(bool)]
    offsets = {
        "year": pd.DateOffset(years=1),
        "month": pd.DateOffset(months=1),
        "day": pd.DateOffset(days=1),
    }
    ev["start"] = ev["date"]
    ev["end"] = [
        (e + pd.DateOffset(days=1)) if pd.notna(e) else d + offsets.get(p, pd.DateOffset(days=1))
        for d, e, p in zip(ev["date"], ev["end_date"], ev["precision"], strict=True)
    ]
    ev["when"] = [
        d.strftime("%Y")
        if p == "year"
        else d.strftime("%b %Y")
        if p == "month"
        else d.strftime("%d %b %Y")
        for d, p in zip(ev["date"], ev["precision"], strict=True)
    ]
    ev["pillar"] = ev["pillars"].map(lambda s: ("Pillar " + s.split(";")[0]) if s else "No pillar")
    ev["kind_label"] = ev["kind"].replace("", "other").str.replace("_", " ")
    return ev.reset_index(drop=True)


def status_over_time(*, ds: Dataset, filters: Filters, max_lines: int = 8) -> pd.DataFrame:
    """Mean status over the selected recommendations per participant (or region) and year."""
    recs = selected_recommendations(ds=ds, filters=filters)
    people = selected_participants(ds=ds, filters=filters)
    st = ds.status
    st = st[
        st["recommendation"].isin(recs) & st["year"].between(filters.from_year, filters.to_year)
    ]
    if len(people) > max_lines or not filters.participants:
        mine = st[st["participant_code"].isin(people)]
        series = mine.groupby("year").agg(status=("status", "mean"), synthetic=("synthetic", "any"))
        series["participant"] = f"Mean of {len(people)} participants"
        region = (
            st[st["participant_code"] == scoring.REGION]
            .groupby("year")
            .agg(status=("status", "mean"), synthetic=("synthetic", "any"))
        )
        region["participant"] = REGION_NAME
        out = pd.concat([series, region]).reset_index()
    else:
        mine = st[st["participant_code"].isin(people)]
        out = (
            mine.groupby(["participant_code", "year"])
            .agg(status=("status", "mean"), synthetic=("synthetic", "any"))
            .reset_index()
        )
        out["participant"] = out["participant_code"].map(ds.names)
    return out[["participant", "year", "status", "synthetic"]]


# ---------------------------------------------------------------- pillar coverage


def pillar_coverage(*, ds: Dataset, filters: Filters, year: int) -> pd.DataFrame:
    """Per participant and pillar: share of linked recommendations and indicators >= initiated."""
    people = selected_participants(ds=ds, filters=filters)
    recs = selected_recommendations(ds=ds, filters=filters)
    links = ds.item_pillars[ds.item_pillars["item_code"].isin(recs)]
    at = _status_at(ds, year)
    p = ds.ind_panel
    p = p[p["year"] == year]
    levels = rec_levels(ds)
    at = at[at["participant_code"].isin(people)]
    p = p[p["participant_code"].isin(people)]
    frames = []
    for pillar in filters.pillars or (1, 2, 3):
        prec = [
            r for r in links[links["pillar"] == pillar]["item_code"] if levels.get(r) != "region"
        ]
        pind = ds.indicators[
            ds.indicators["recommendation"].isin(prec) & (ds.indicators["level"] == "participant")
        ]
        mine = at[at["recommendation"].isin(prec)]
        recs_ok = (mine["status"] >= scoring.INITIATED).groupby(mine["participant_code"]).sum()
        recs_syn = mine["synthetic"].groupby(mine["participant_code"]).any()
        vals = p[p["indicator_code"].isin(pind["code"])]
        ind_ok = (vals["ind_status"] >= scoring.INITIATED).groupby(vals["participant_code"]).sum()
        ind_syn = vals["synthetic"].groupby(vals["participant_code"]).any()
        frame = pd.DataFrame({"participant_code": people})
        frame["pillar"] = f"Pillar {pillar}"
        frame["recommendations"] = len(prec)
        frame["recs_initiated"] = frame["participant_code"].map(recs_ok).fillna(0).astype(int)
        frame["rec_share"] = frame["recs_initiated"] / len(prec) if prec else None
        frame["indicators"] = len(pind)
        frame["ind_initiated"] = frame["participant_code"].map(ind_ok).fillna(0).astype(int)
        frame["ind_share"] = frame["ind_initiated"] / len(pind) if len(pind) else None
        synthetic = set(recs_syn[recs_syn].index) | set(ind_syn[ind_syn].index)
        frame["synthetic"] = frame["participant_code"].isin(synthetic)
        frames.append(frame)
    rows = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    out = pd.DataFrame(rows)
    if not out.empty:
        out["name"] = out["participant_code"].map(ds.names)
    return out


def pillar_breakdown(*, ds: Dataset, filters: Filters, year: int) -> pd.DataFrame:
    """Pillar -> recommendation -> indicator, with the share of participants >= initiated."""
    people = selected_participants(ds=ds, filters=filters)
    recs = selected_recommendations(ds=ds, filters=filters)
    primary = ds.items.set_index("code")["primary_pillar"]
    p = ds.ind_panel
    p = p[(p["year"] == year)]
    names = rec_names(ds)
    rows = []
    for ind in ds.indicators[ds.indicators["recommendation"].isin(recs)].itertuples():
        owners = [scoring.REGION] if ind.level == "region" else people
        vals = p[(p["indicator_code"] == ind.code) & p["participant_code"].isin(owners)]
        rows.append(
            {
                "pillar": f"Pillar {int(primary[ind.recommendation])}",
                "recommendation": f"{ind.recommendation} {names.get(str(ind.recommendation), '')}",
                "indicator": f"{ind.code} {ind.name}",
                "owners": len(owners),
                "with_data": len(vals),
                "initiated": int((vals["ind_status"] >= scoring.INITIATED).sum()),
                "share_initiated": (vals["ind_status"] >= scoring.INITIATED).sum() / len(owners),
                "synthetic": bool(vals["synthetic"].any()),
            }
        )
    return pd.DataFrame(rows)


def sg_role_coverage(*, ds: Dataset, filters: Filters, year: int) -> pd.DataFrame:
    """The SG report's regional roles: which CSCAP recommendations address each, and whether
    any of them is at or above 'initiated' for the region (median rule, see rec_region_status)."""
    roles = ds.items[ds.items["framework_code"] == "SG2011"]
    pillar_of = ds.item_pillars.set_index("item_code")["pillar"]
    everything = Filters(
        participants=filters.participants,
        from_year=filters.from_year,
        to_year=filters.to_year,
        sample=filters.sample,
    )
    rec_status = rec_region_status(ds=ds, filters=everything, year=year).set_index("recommendation")
    rows = []
    for role in roles.itertuples():
        linked = ds.item_links[ds.item_links["to_item"] == role.code]["from_item"].tolist()
        statuses = [rec_status["status"].get(r) for r in linked]
        known = [s for s in statuses if s is not None and not pd.isna(s)]
        rows.append(
            {
                "pillar": int(pillar_of.get(role.code, 0)),
                "role": role.code,
                "name": role.short_name,
                "addressed_by": ", ".join(linked) or "—",
                "covered": bool(known and max(known) >= scoring.INITIATED),
                "best_status": status_label(max(known) if known else None),
            }
        )
    out = pd.DataFrame(rows)
    if filters.pillars and not out.empty:
        out = out[out["pillar"].isin(filters.pillars)]
    return out.reset_index(drop=True)


# ---------------------------------------------------------------- methodology


def methodology_tables(*, ds: Dataset) -> dict[str, pd.DataFrame]:
    """Status scale, indicator thresholds, pillar mapping and sources (methodology page)."""
    scale = pd.DataFrame(
        {
            "status": list(STATUS_LABELS),
            "symbol": [SYMBOLS[s] for s in STATUS_LABELS],
            "label": list(STATUS_LABELS.values()),
        }
    )
    thresholds = ds.indicators.assign(
        thresholds_text=ds.indicators["thresholds_list"].map(
            lambda t: " | ".join("—" if x == float("inf") else f"{x:g}" for x in t)
        )
    )[
        [
            "code",
            "recommendation",
            "name",
            "level",
            "value_type",
            "unit",
            "levels",
            "thresholds_text",
            "measure",
            "window_years",
            "stale_after_years",
        ]
    ]
    thresholds = thresholds.assign(
        window_years=thresholds["window_years"].map(lambda v: "" if pd.isna(v) else f"{v:g}"),
        stale_after_years=thresholds["stale_after_years"].map(
            lambda v: "never" if pd.isna(v) else f"{v:g}"
        ),
    )
    names = rec_names(ds)
    mapping = ds.item_pillars[ds.item_pillars["item_code"].isin(RECOMMENDATIONS)].copy()
    mapping["name"] = mapping["item_code"].map(names)
    mapping["order"] = mapping["item_code"].str[1:].astype(int)
    mapping = mapping.sort_values(["order", "role"], ascending=[True, True])[
        ["item_code", "name", "pillar", "role", "rationale"]
    ]
    sources = ds.sources[
        [
            "code",
            "title",
            "publisher",
            "date",
            "url",
            "accessed",
            "synthetic",
            "observations",
            "events",
        ]
    ]
    return {"scale": scale, "thresholds": thresholds, "mapping": mapping, "sources": sources}
