"""Recommendation tracker: participants x recommendations heatmap, regional track, evidence."""

import streamlit as st

from dashboard.charts import tracker as tracker_charts
from dashboard.ui import cache, present, state, why, widgets
from dashboard.views import profile, tracker, words

filters = state.current_filters()
ds = cache.dataset(include_sample=filters.sample)
st.title("Recommendation tracker")
widgets.notices(ds)

c1, c2 = st.columns([2, 3])
sort = c1.radio("Sort participants by", ["grouping", "score"], horizontal=True, key="tracker_sort",
                format_func=lambda s: {"grouping": "sub-region", "score": "average status"}[s])
year = c2.select_slider("Year", options=list(range(filters.from_year, filters.to_year + 1)),
                        value=filters.to_year, key="tracker_year")

matrix = cache.compute(tracker.tracker_matrix, filters=filters, year=year, sort=sort)
m = widgets.meta(f"Status by participant and recommendation, {year}", filters=filters, ds=ds,
            sources=matrix["sources"].dropna() if "sources" in matrix else None,
            synthetic=bool(matrix["synthetic"].any()), stem="rtop-tracker")
if present.active():  # the meeting room: every participant's row on one screen
    present.chart(cache.figure("tracker_room", lambda: tracker_charts.status_heatmap(
        matrix=matrix, meta=m, screen=present.room()), filters=filters, extra=(year, sort, present.screen())),
        key="tracker_room", summary=words.summarise(widgets.tracker_rows(matrix), title=m.title))
    present.end_view()
event = widgets.plot(cache.figure("tracker", lambda: tracker_charts.status_heatmap(matrix=matrix, meta=m), filters=filters,
                          extra=(year, sort)), chart_meta=m, key="tracker_heatmap", data=widgets.tracker_rows(matrix),
                on_select="rerun", widget_key=widgets.fresh_key("tracker_heatmap"))
st.caption("Symbols: ○ Not started · ◔ Under consideration · ◑ Initiated · ◕ Substantial progress · "
           "● Implemented · ◷ Stale evidence · ◌ Insufficient data · – No data. Hover a cell for the "
           "indicator values; click it for why it has its status and its evidence.")
clicked = widgets.clicked_cell(event)
if clicked:  # the answer opens beside the chart, where the eye is
    widgets.remount("tracker_heatmap")
    cell_ev = cache.compute(profile.evidence, filters=filters, participant=clicked[0], recommendation=clicked[1],
                            from_year=filters.from_year, to_year=year)
    why.why_dialog(ds=ds, participant=clicked[0], recommendation=clicked[1], year=year, key="tracker_click",
                   evidence=widgets.evidence_rows(cell_ev))

st.subheader(f"Regional progress track, {year}")
track = cache.compute(tracker.regional_track, filters=filters, year=year)
widgets.status_table(track, key="regional_track", title=f"Regional progress track, {year}", columns={
    "code": "Item", "name": "Name", "kind": "Kind", "status_label": "Status", "coverage": "Coverage",
    "stale": "Stale", "last_update": "Last update", "events": "Related events", "source": "Source"})
regional = [c for c in track["code"] if str(c).startswith("R")]
if regional:
    pick = st.selectbox("Why this regional status?", regional, key="why_regional",
                        format_func=lambda c: f"{c} {dict(zip(track['code'], track['name']))[c]}")
    why.why_panel(ds=ds, participant="ARF", recommendation=pick, year=year, key="regional")

st.subheader(f"Treaty commitments, {year}")
st.caption("A track of its own: treaty status scores none of the twelve recommendations, but it is the one "
           "commitment on record for nearly every participant (Methodology).")
treaties = cache.compute(tracker.treaty_track, filters=filters, year=year)
widgets.status_table(widgets.treaty_grid(treaties), key="treaty_track", title=f"Treaty commitments, {year}",
                     columns={c: c for c in widgets.treaty_grid(treaties).columns}, height=360)

st.subheader("Why this status? The evidence behind a cell")
names = widgets.names(ds)
people = list(matrix["participant_code"].drop_duplicates()) if len(matrix) else []
recs = list(matrix["recommendation"].drop_duplicates()) if len(matrix) else []
if people and recs:
    # A click opens new select boxes on the clicked cell (fresh keys): setting the old ones' values
    # raced with the browser, which sent their previous values back one rerun later.
    key, pick = widgets.cell_pick(clicked=clicked, people=people, recs=recs)
    a, b = st.columns(2)
    who = a.selectbox("Participant", people, index=people.index(pick[0]),
                      format_func=lambda c: names.get(c, c), key=f"cell_participant{key}")
    rec = b.selectbox("Recommendation", recs, index=recs.index(pick[1]), key=f"cell_rec{key}")
    why.why_panel(ds=ds, participant=who, recommendation=rec, year=year, key="tracker")
    ev = cache.compute(profile.evidence, filters=filters, participant=who, recommendation=rec,
                    from_year=filters.from_year, to_year=year)
    if ev.empty:
        st.info(f"No observations for {names.get(who, who)} on {rec} up to {year}.")
    else:
        widgets.status_table(ev, key="cell_evidence", title=f"Evidence: {names.get(who, who)}, {rec}",
                             columns=widgets.EVIDENCE_COLUMNS)
else:
    st.info("No national recommendations in this selection.")
