"""Timeline: dated events from 2005 to today, and status over time for the selection."""

import streamlit as st

from dashboard import charts, ui

filters = ui.current_filters()
ds = ui.dataset(include_sample=filters.sample)
st.title("Timeline")
ui.show_notices()
ui.sample_banner(ds)

color_by = st.radio("Colour events by", ["kind", "pillar"], horizontal=True, key="timeline_color")
since_first = st.toggle("Show the background milestones from 2005 (World Summit) onwards",
                        value=True, key="timeline_since_2005")
events = ui.compute("timeline_events", filters=filters, since_first=since_first)
m = ui.meta("Events bearing on RtoP implementation", filters=filters, ds=ds,
            sources=events["source"] if len(events) else None,
            synthetic=bool(events["synthetic"].any()) if len(events) else False, stem="rtop-timeline")
ui.plot(ui.figure("timeline", lambda: charts.timeline(events=events, color_by=color_by, meta=m),
                  filters=filters, extra=(color_by, since_first)), chart_meta=m, key="timeline_events",
        data=ui.event_rows(events))
st.caption("Bars span the precision of each date: a year-precise event covers its whole year, a "
           "month-precise one its month.")

lines = ui.compute("status_over_time", filters=filters)
m2 = ui.meta("Status over time (mean over the selected recommendations)", filters=filters, ds=ds,
             synthetic=bool(lines["synthetic"].any()) if len(lines) else False, stem="rtop-status-over-time")
ui.plot(ui.figure("status_lines", lambda: charts.status_lines(frame=lines, meta=m2), filters=filters), chart_meta=m2, key="timeline_status", data=lines)
if not filters.participants:
    st.caption("Choose up to eight participants in the sidebar to draw one line each.")

with st.expander("Event list", expanded=False):
    if events.empty:
        st.info("No events in this period for this selection.")
    else:
        ui.status_table(events, key="timeline_table", title="Events", columns={
            "when": "When", "title": "Event", "kind_label": "Kind", "participants": "Participants",
            "items": "Recommendations", "pillars": "Pillars", "source": "Source"})
