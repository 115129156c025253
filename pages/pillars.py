"""Pillar coverage: share at or above 'initiated' by participant and pillar; SG-report roles."""

import streamlit as st

from dashboard.charts import pillars as pillars_charts
from dashboard.ui import cache, present, state, widgets
from dashboard.views import pillars, words

filters = state.current_filters()
ds = cache.dataset(include_sample=filters.sample)
st.title("Pillar coverage")
widgets.notices(ds)
year = filters.to_year

measure = st.radio("Measure", ["recommendations", "indicators"], horizontal=True, key="pillar_measure")
coverage = cache.compute(pillars.pillar_coverage, filters=filters, year=year)
m = widgets.meta(f"Share of pillar-linked {measure} at or above 'Initiated', {year}", filters=filters, ds=ds,
            synthetic=bool(coverage["synthetic"].any()) if len(coverage) else False, stem="rtop-pillar-coverage")
if present.active():  # the meeting room: the coverage bars, every name whole, on one screen
    present.chart(cache.figure("pillar_bars_room", lambda: pillars_charts.pillar_bars(
        coverage=coverage, measure=measure, meta=m, screen=present.room()), filters=filters,
        extra=(measure, year, present.screen())), key="pillar_bars_room", summary=words.summarise(coverage, title=m.title))
    present.end_view()
widgets.plot(cache.figure("pillar_bars", lambda: pillars_charts.pillar_bars(coverage=coverage, measure=measure, meta=m),
                  filters=filters, extra=(measure, year)), chart_meta=m, key="pillar_bars",
        data=coverage)
st.caption(cache.compute(pillars.overview_difference, filters=filters, year=year))

breakdown = cache.compute(pillars.pillar_breakdown, filters=filters, year=year)
m2 = widgets.meta(f"Pillar → recommendation → indicator: owners at or above 'Initiated', {year}", filters=filters,
                  ds=ds, synthetic=bool(breakdown["synthetic"].any()) if len(breakdown) else False,
                  stem="rtop-pillar-breakdown")
widgets.plot(cache.figure("breakdown", lambda: pillars_charts.breakdown_bars(breakdown=breakdown, meta=m2),
                          filters=filters, extra=(year,)), chart_meta=m2, key="pillar_breakdown", data=breakdown)

left, right = st.columns(2)
roles = cache.compute(pillars.sg_role_coverage, filters=filters, year=year)
with left:
    m3 = widgets.meta(f"Regional roles of the 2011 SG report addressed, {year}", filters=filters, ds=ds,
                 synthetic=filters.sample and ds.has_synthetic, stem="rtop-sg-roles")
    widgets.plot(cache.figure("sg_roles", lambda: pillars_charts.sg_coverage_bars(roles=roles, meta=m3), filters=filters,
                      extra=(year,)), chart_meta=m3, key="pillar_sg_roles",
            data=roles)
with right:
    st.markdown(f"**The regional roles and the recommendations that address them, {year}**")
    widgets.status_table(roles, key="roles_table", height=480, columns={
        "pillar": "Pillar", "name": "Regional role (SG report 2011)", "addressed_by": "Addressed by",
        "best_status": "Best status", "covered_text": "Covered", "role": "Code"})
with st.expander("Breakdown table"):
    widgets.status_table(breakdown, key="breakdown_table", columns={
        "pillar": "Pillar", "recommendation": "Recommendation", "indicator_name": "Indicator",
        "with_data": "With data", "initiated": "≥ Initiated", "owners": "Of"})
