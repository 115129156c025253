"""Participant profile: memberships, scorecard, status by pillar, events and evidence."""

import streamlit as st

from dashboard.charts import profile as profile_charts
from dashboard.charts import timeline as timeline_charts
from dashboard.ui import cache, downloads, state, why, widgets
from dashboard.views import common, profile

filters = state.current_filters()
ds = cache.dataset(include_sample=filters.sample)
names = dict(zip(ds.participants["code"], ds.participants["name"], strict=True))
codes = list(names)
default = filters.participants[0] if filters.participants else "AUS"
# Back on this page, show the participant shown last, unless the sidebar now selects others.
last = st.session_state.get("p_participant_last")
remember = not filters.participants or last in filters.participants
code = state.page_param("participant", options=codes, default=default, remember=remember)
code = st.selectbox("Participant", codes, format_func=lambda c: names[c], key="p_participant")
state.sync_param("participant", code)
info = ds.participants.set_index("code").loc[code]

st.title(names[code])
widgets.notices(ds)
st.markdown(f"**{info['kind']}** · {info['grouping']} · ARF participant since {info['arf_joined']}")
members = cache.compute(common.memberships_of, filters=filters, participant=code)
st.markdown("**Memberships:** " + " · ".join(members["text"]))

year = filters.to_year
st.subheader(f"Scorecard of the national recommendations, {year}")
card = cache.compute(profile.scorecard, filters=filters, participant=code, year=year)
national = card[card["level"] == "national"]
ev = cache.compute(profile.evidence, filters=filters, participant=code, from_year=filters.from_year, to_year=year)
if national["status"].isna().all():
    st.info(widgets.no_status_note(national, evidence=len(ev), year=year))
row_click = widgets.status_table(
    national, key="scorecard", title=f"{names[code]}: scorecard, {year}",
    columns={"recommendation": "Rec.", "name": "Recommendation", "status_label": "Status",
             "coverage": "Coverage", "trend": "Trend", "last_update": "Last update", "source": "Source"},
    select_key="scorecard_pick",
)
if row_click:  # the answer opens beside the scorecard, where the eye is
    row_ev = cache.compute(profile.evidence, filters=filters, participant=code, recommendation=row_click,
                           from_year=filters.from_year, to_year=year)
    why.why_dialog(ds=ds, participant=code, recommendation=row_click, year=year, key="scorecard_click",
                   evidence=widgets.evidence_rows(row_ev))
st.markdown(f"**The region's own recommendations, {year}** — acts of the ARF as a whole, the same "
            f"for every participant (not {names[code]}'s own status)")
widgets.status_table(
    card[card["level"] == "regional"], key="scorecard_regional",
    columns={"recommendation": "Rec.", "name": "Recommendation", "status_label": "The region's status",
             "last_update": "Last update"},
)
recs = list(card["recommendation"])
pick = st.selectbox("Why this status?", recs, key="scorecard_pick",
                   format_func=lambda r: f"{r} {dict(zip(card['recommendation'], card['name']))[r]}")
why.why_panel(ds=ds, participant=code, recommendation=pick, year=year, key="scorecard")

st.subheader(f"Treaty commitments, {year}")
treaties = cache.compute(profile.commitments, filters=filters, participant=code, year=year)
widgets.status_table(treaties, key="commitments", title=f"{names[code]}: treaty commitments, {year}",
                columns={"name": "Treaty", "record": "Record", "role": "SG 2011 role", "source": "Source"})
if card["synthetic"].any():
    st.caption("SAMPLE DATA: rows based on the synthetic sample are included.")

frame = cache.compute(profile.pillar_status_for, participant=code, filters=filters, year=year)
m = widgets.meta(f"{names[code]}: average status by pillar, {year}", filters=filters, ds=ds,
            sources=card["source"], synthetic=bool(card["synthetic"].any()), stem=f"rtop-{code}-pillars", participant=code)
widgets.plot(cache.figure("profile_pillars", lambda: profile_charts.profile_pillars(frame=frame, meta=m), filters=filters,
                  extra=(code, year)), chart_meta=m, key="profile_pillars", data=frame)

events = cache.compute(profile.participant_events, filters=filters, participant=code)
m = widgets.meta(f"{names[code]}: events", filters=filters, ds=ds, sources=events.get("source"),
            synthetic=bool(events["synthetic"].any()) if len(events) else False, stem=f"rtop-{code}-events", participant=code)
widgets.plot(cache.figure("profile_events", lambda: timeline_charts.event_timeline(events=events, color_by="kind", meta=m),
                  filters=filters, extra=(code,)), chart_meta=m, key="profile_events",
        data=widgets.event_rows(events))

st.subheader("Evidence")
if ev.empty:
    st.info("No observations recorded for this participant in this period.")
else:
    widgets.status_table(ev, key="evidence", title=f"{names[code]}: evidence",
                         columns={"recommendation": "Rec.", **widgets.EVIDENCE_COLUMNS})

st.subheader("Ask for newer evidence")
st.caption(f"A questionnaire for {names[code]}'s focal point or a research institute: every indicator, what is "
           "recorded now, and the columns to fill; the answer loads on the Load data page (the Gaps page lists "
           "what is missing).")
downloads.questionnaire_button(ds=ds, owner=code, year=year, key="profile")

st.subheader("Briefing pack")
st.caption(f"A pack for {names[code]} under the current filters: key figures, map, tracker, pillar "
           "coverage, events, scorecard, evidence, methodology and sources.")
downloads.briefing_buttons(ds=ds, filters=filters, participant=code, key=f"brief_{code}")
