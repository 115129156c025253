"""Overview: headline figures with change, where the region stands on each recommendation, a small
status map, latest events, freshness."""

import streamlit as st

from dashboard import maps, presentation
from dashboard.charts import overview as overview_charts
from dashboard.ui import cache, downloads, mapfiles, present, state, why, widgets
from dashboard.views import map as map_view
from dashboard.views import overview, words

filters = state.current_filters()
ds = cache.dataset(include_sample=filters.sample)
st.title("Responsibility to Protect in the ARF region")
st.caption("Implementation of the twelve recommendations of CSCAP Memorandum No. 18 (2011)")
widgets.notices(ds)

since = st.select_slider(
    "Compare with", options=list(range(filters.from_year, filters.to_year + 1)),
    value=filters.from_year, key="overview_since",
)
figures = cache.compute(overview.headlines, filters=filters, since=since)
standing = cache.compute(overview.rec_standing, filters=filters, year=filters.to_year)
sm = widgets.meta(f"Where the region stands on each national recommendation, {filters.to_year}",
                  filters=filters, ds=ds, sources=standing["sources"], synthetic=bool(standing["synthetic"].any()),
                  stem="rtop-overview-standing")
if present.active():  # the meeting room: the figures beside where the region stands, on one screen
    tiles, chart = st.columns([9, 11])
    with tiles:
        widgets.headline_tiles(figures, per_row=2)
    with chart:
        present.chart(cache.figure("overview_standing_room", lambda: overview_charts.standing_bars(
            standing=standing, meta=sm, screen=present.room(presentation.OVERVIEW_CHART)), filters=filters,
            extra=(present.screen(),)), key="overview_standing_room",
            summary=words.summarise(standing.drop(columns=["key", "rank"]), title=sm.title))
    present.end_view()
with st.container():  # one or two rows of figures, by the pillars chosen; the map stays put
    widgets.headline_tiles(figures, per_row=3)

widgets.plot(cache.figure("overview_standing", lambda: overview_charts.standing_bars(standing=standing, meta=sm),
                          filters=filters), chart_meta=sm, key="overview_standing",
             data=standing.drop(columns=["key", "rank"]))  # the chart's own sort keys stay out of the CSV

left, right = st.columns([3, 2])
with left:
    st.subheader(f"Average status of the selected recommendations, {filters.to_year}")
    values = cache.compute(map_view.overview_map, filters=filters, year=filters.to_year)
    summary = map_view.map_summary(values=values, title=f"Average status, {filters.to_year}")
    # fitted to the column's width at 1366 px (518 px), centred where the column is wider
    st.pydeck_chart(maps.deck(values=values, synthetic=bool(values["synthetic"].any()), height=420,
                              width=518, publish=mapfiles.publish), key="overview_map", height=420, alt=summary)
    widgets.status_legend()
    st.caption(f"Map summary: {summary}")
    st.caption("Southeast Asia is enlarged in the inset. Hover a point for its status; the Map page has "
               "every recommendation and year.")
    map_meta = widgets.meta(f"Average status of the selected recommendations, {filters.to_year}", filters=filters,
                       ds=ds, sources=values["source"], synthetic=bool(values["synthetic"].any()),
                       stem="rtop-overview-map")
    downloads.downloads(fig=lambda: maps.static_map(values=values, meta=map_meta), meta=map_meta, filters=filters,
                        key="overview_map", data=values[["code", "name", "status", "status_label", "value",
                                                         "date", "source", "synthetic"]])
with right:
    st.subheader(f"Regional recommendations, {filters.to_year}")
    st.caption("Acts of the ARF as a whole: the region's own status, whichever participants are selected.")
    lines = cache.compute(overview.regional_standing, filters=filters, year=filters.to_year)
    if lines:
        st.markdown("\n".join(f"- {why.md_escape(line)}" for line in lines))
    else:
        st.info("No regional recommendations in this selection.")
    st.subheader(f"Treaty commitments, {filters.to_year}")
    parties = cache.compute(overview.treaty_lines, filters=filters, year=filters.to_year)
    st.markdown("\n".join(f"- {why.md_escape(line)}" for line in parties) or "No States in this selection.")
    st.caption("Of the selected States; a track of its own (the tracker has each participant's).")
    st.subheader("Latest events")
    events = cache.compute(overview.latest_events, filters=filters)
    if events.empty:
        st.info("No events in this period for this selection.")
    else:
        widgets.compact_list(events, columns={"when": "When", "title": "Event", "source": "Source"},
                             key="overview_events", title="Latest events")
    st.subheader("Data freshness")
    fresh = cache.compute(overview.freshness, filters=filters)
    for label, value in fresh.items():
        st.markdown(f"- **{label.capitalize()}**: {value}")
