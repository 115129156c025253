"""What changed since the last meeting: status changes, new evidence and events, since a date
or a recorded meeting (`?since=YYYY-MM-DD`)."""

import datetime as dt

import streamlit as st

from dashboard import presentation
from dashboard.ui import cache, downloads, present, state, widgets
from dashboard.views import changes
from dashboard.views import happened as happened_view

filters = state.current_filters()
ds = cache.dataset(include_sample=filters.sample)
st.title("What changed")
widgets.notices(ds)

meetings = changes.meetings(ds=ds)
today = dt.date.today()
try:
    asked = dt.date.fromisoformat(st.query_params.get("since", ""))
except ValueError:
    asked = None
mode_col, pick_col = st.columns([1, 2])
modes = ["a recorded meeting", "a date"] if len(meetings) else ["a date"]
mode = mode_col.radio("Since", modes, key="changes_mode", index=modes.index("a date") if asked else 0)
if mode == "a recorded meeting":
    options = [m.date() for m in meetings["date"]]
    titles = dict(zip(options, meetings["title"], strict=False))
    since = pick_col.selectbox("Meeting", options, key="changes_meeting",
                               format_func=lambda d: f"{d.isoformat()} · {titles[d]}")
else:
    since = pick_col.date_input("Date", value=asked or today - dt.timedelta(days=90),
                                max_value=today, key="changes_date")
state.sync_param("since", since.isoformat())

happened = cache.compute(happened_view.happened_since, filters=filters, since=since)
st.header(f"What happened since {since:%d %b %Y}")
st.caption(f"By the evidence's own dates: each status then, on the evidence dated up to {since:%d %b %Y}, "
           f"against its status now ({happened.year}), for the cells with evidence dated since. A status "
           "that only aged (a record past its age limit) is not an event.")
if happened.statuses.empty:
    st.info("No status moved on evidence dated since then in this selection.")
else:
    widgets.status_table(happened.statuses, key="happened_statuses", title=f"What happened since {since}",
                         columns={"name": "Participant", "recommendation": "Recommendation", "then": "Then",
                                  "now": "Now", "direction": "Change", "evidence": "Evidence dated since"})
if not happened.evidence.empty:
    st.markdown(f"**Evidence dated since {since:%d %b %Y}** ({len(happened.evidence)} records)")
    # In the meeting room the evidence takes the room the view has left (the slide's 600 px under
    # the heading, less the table above); at the desk 280 px
    height = (presentation.table_height(room=present.room((1840, 600)).height, rows_above=len(happened.statuses))
              if present.active() else 280)
    widgets.status_table(happened.evidence, key="happened_evidence", height=height,
                         title=f"Evidence dated since {since}",
                         columns={"when": "Dated", "name": "Participant", "indicator_name": "Indicator",
                                  "value_text": "Value", "source": "Source"})

present.end_view()  # the meeting room: what happened is the view; what was loaded is for the desk

found = cache.compute(changes.changes_for, filters=filters, since=since)
st.header(f"New in our records since {since:%d %b %Y}")
st.markdown(f"**{changes.summary_sentence(found)}** What was loaded, published or undone since then, "
            "whatever the evidence's own dates (the load history): statuses for "
            f"{found.year} on the evidence as it stood then and as it stands now; documented data only"
            + (", and the synthetic sample." if filters.sample else "."))
s = found.summary
cols = st.columns(5)
cols[0].metric("Status changes (records)", s["statuses changed"])
cols[1].metric("Up / new", s["up"])
cols[2].metric("Down / lost", s["down"])
cols[3].metric("Evidence added · changed · removed",
               f"{s['evidence added']} · {s['evidence changed']} · {s['evidence removed']}")
cols[4].metric("Events", s["events"])

st.subheader("Statuses moved by new records")
if found.statuses.empty:
    st.info("No status changed in this selection since then.")
else:
    widgets.status_table(found.statuses, key="changes_statuses", title=f"Status changes since {since}",
                         columns={"name": "Participant", "recommendation": "Rec.", "before": "Then",
                                  "after": "Now", "direction": "Change", "evidence": "Evidence that moved it",
                                  "loads": "Load runs"})
st.subheader("Evidence added, changed or removed")
if found.evidence.empty:
    st.info("No observation or assessment was added, changed or removed since then.")
else:
    widgets.status_table(found.evidence, key="changes_evidence", title=f"Evidence changed since {since}",
                         height=320, columns={"when": "Recorded", "change": "Change",
                                              "participant_name": "Participant", "indicator_name": "Indicator",
                                              "date": "Dated", "before": "Before",
                                              "after": "After", "load": "Load run", "by": "By"})
st.subheader("Events since then")
if found.events.empty:
    st.info("No event dated or recorded since then in this selection.")
else:
    widgets.status_table(found.events.assign(date=found.events["date"].dt.date.astype(str)),
                         key="changes_events", title=f"Events since {since}",
                         columns={"date": "Date", "title": "Event", "kind_name": "Kind",
                                  "participant_names": "Participants", "source": "Source"})

st.header("Briefing pack with this view")
st.caption("The pack gains a 'What changed' slide for this date, after the key figures.")
downloads.briefing_buttons(ds=ds, filters=filters, participant=None, key="changes_brief", since=since)
