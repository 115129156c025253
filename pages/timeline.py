"""Timeline: dated events from 2005 to today, and status over time for the selection."""

import streamlit as st

from dashboard.charts import timeline as timeline_charts
from dashboard.ui import cache, present, state, widgets
from dashboard.views import timeline, words

filters = state.current_filters()
ds = cache.dataset(include_sample=filters.sample)
st.title("Timeline")
widgets.notices(ds)

color_by = st.radio("Colour events by", ["kind", "pillar"], horizontal=True, key="timeline_color")
since_first = st.toggle("Show the background milestones from 2005 (World Summit) onwards",
                        value=True, key="timeline_since_2005")
events = cache.compute(timeline.timeline_events, filters=filters, since_first=since_first)
shown = timeline.shown_period(filters=filters, since_first=since_first)
m = widgets.meta("Events bearing on RtoP implementation", filters=shown, ds=ds,
            sources=events["source"] if len(events) else None,
            synthetic=bool(events["synthetic"].any()) if len(events) else False, stem="rtop-timeline")
if present.active():  # the meeting room: every event in its lane, under a date axis, on one screen
    present.chart(cache.figure("timeline_room", lambda: timeline_charts.event_lanes(
        events=events, color_by=color_by, meta=m, period=(shown.from_year, shown.to_year),
        screen=present.room()), filters=filters, extra=(color_by, since_first, present.screen())),
        key="timeline_room", summary=words.summarise(widgets.event_rows(events), title=m.title))
    present.end_view()
widgets.plot(cache.figure("timeline", lambda: timeline_charts.event_timeline(
    events=events, color_by=color_by, meta=m, period=(shown.from_year, shown.to_year)),
    filters=filters, extra=(color_by, since_first)), chart_meta=m, key="timeline_events",
    data=widgets.event_rows(events), filters=shown)
st.caption("Bars span the precision of each date: a year-precise event covers its whole year, a "
           "month-precise one its month.")

lines = cache.compute(timeline.status_over_time, filters=filters)
m2 = widgets.meta("Status over time (mean over the selected recommendations)", filters=filters, ds=ds,
             synthetic=bool(lines["synthetic"].any()) if len(lines) else False, stem="rtop-status-over-time")
widgets.plot(cache.figure("status_lines", lambda: timeline_charts.status_lines(frame=lines, meta=m2), filters=filters), chart_meta=m2, key="timeline_status", data=lines)
if not filters.participants:
    st.caption("Choose up to eight participants in the sidebar to draw one line each.")
for sentence in cache.compute(timeline.missing_lines, filters=filters):
    st.caption(sentence)

with st.expander("Event list", expanded=False):
    if events.empty:
        st.info("No events in this period for this selection.")
    else:
        widgets.status_table(events, key="timeline_table", title="Events", columns={
            "when": "When", "title": "Event", "kind_label": "Kind", "participant_names": "Participants",
            "items": "Recommendations", "pillars": "Pillars", "source": "Source"})
