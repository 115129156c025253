"""Pillar coverage: share at or above 'initiated' by participant and pillar; SG-report roles."""

import streamlit as st

from dashboard import charts, ui

filters = ui.current_filters()
ds = ui.dataset(include_sample=filters.sample)
st.title("Pillar coverage")
ui.show_notices()
ui.sample_banner(ds)
year = filters.to_year

measure = st.radio("Measure", ["recommendations", "indicators"], horizontal=True, key="pillar_measure")
coverage = ui.compute("pillar_coverage", filters=filters, year=year)
m = ui.meta(f"Share of pillar-linked {measure} at or above 'Initiated', {year}", filters=filters, ds=ds,
            synthetic=bool(coverage["synthetic"].any()) if len(coverage) else False, stem="rtop-pillar-coverage")
ui.plot(ui.figure("pillar_bars", lambda: charts.pillar_bars(coverage=coverage, measure=measure, meta=m),
                  filters=filters, extra=(measure, year)), chart_meta=m, key="pillar_bars",
        data=coverage)

left, right = st.columns(2)
with left:
    breakdown = ui.compute("pillar_breakdown", filters=filters, year=year)
    m2 = ui.meta(f"Pillar → recommendation → indicator, {year}", filters=filters, ds=ds,
                 synthetic=bool(breakdown["synthetic"].any()) if len(breakdown) else False,
                 stem="rtop-pillar-breakdown")
    ui.plot(ui.figure("sunburst", lambda: charts.breakdown_sunburst(breakdown=breakdown, meta=m2),
                      filters=filters, extra=(year,)), chart_meta=m2, key="pillar_sunburst",
            data=breakdown)
with right:
    roles = ui.compute("sg_role_coverage", filters=filters, year=year)
    m3 = ui.meta(f"Regional roles of the 2011 SG report addressed, {year}", filters=filters, ds=ds,
                 synthetic=filters.sample and ds.has_synthetic, stem="rtop-sg-roles")
    ui.plot(ui.figure("sg_roles", lambda: charts.sg_coverage_bars(roles=roles, meta=m3), filters=filters,
                      extra=(year,)), chart_meta=m3, key="pillar_sg_roles",
            data=roles)

with st.expander("Regional roles and the recommendations that address them"):
    ui.status_table(roles, key="roles_table", columns={
        "pillar": "Pillar", "role": "Role", "name": "Name", "addressed_by": "Addressed by",
        "best_status": "Best status", "covered": "Covered"})
with st.expander("Breakdown table"):
    ui.status_table(breakdown, key="breakdown_table", columns={
        "pillar": "Pillar", "recommendation": "Recommendation", "indicator": "Indicator",
        "with_data": "With data", "initiated": "≥ Initiated", "owners": "Of"})
