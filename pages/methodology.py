"""Methodology: the status scale and thresholds, the pillar mapping, the rules, the sources."""

import streamlit as st

from dashboard import scoring, ui

filters = ui.current_filters()
ds = ui.dataset(include_sample=filters.sample)
tables = ui.compute("methodology_tables", filters=filters)
st.title("Methodology")
ui.show_notices()

st.header("Status scale")
st.markdown("Every status is shown by label and symbol as well as colour, so it reads in greyscale "
            "and for colour-blind viewers.")
ui.status_table(tables["scale"], key="m_scale", columns={"status": "Status", "symbol": "Symbol", "label": "Label"})

st.header("How a status is computed")
st.markdown(ui.rule_text(scoring.__doc__ or ""))
st.markdown(
    "- **Trend** compares a recommendation's status now with its status just before its latest "
    "update (▲ up, ▼ down, ► same).\n"
    "- **Headline 'recommendations at or above Initiated'** uses the region's own status for "
    "regional recommendations (R4, R5, R8, R10, R11) and the median over the selected "
    "participants for national ones, when at least half of them have data.\n"
    "- **Pillar averages** use each recommendation's primary pillar; **pillar coverage** counts "
    "primary and secondary links."
)

st.header("Indicators and their thresholds")
st.markdown("A value reaches status 1–4 when it is at least the 1st–4th threshold; '—' means that "
            "status cannot be reached by this indicator alone.")
ui.status_table(tables["thresholds"], key="m_thresholds", columns={
    "code": "Code", "recommendation": "Rec.", "name": "Indicator", "level": "Level",
    "value_type": "Type", "unit": "Unit", "levels": "Levels", "thresholds_text": "Thresholds 1 | 2 | 3 | 4"})

st.header("Recommendation to pillar mapping")
ui.status_table(tables["mapping"], key="m_mapping", columns={
    "item_code": "Rec.", "name": "Recommendation", "pillar": "Pillar", "role": "Role", "rationale": "Rationale"})

st.header("Sources")
ui.status_table(tables["sources"], key="m_sources", columns={
    "code": "Code", "title": "Title", "publisher": "Publisher", "date": "Date", "synthetic": "Synthetic",
    "observations": "Observations", "events": "Events"})

st.header("Sample data")
st.markdown(
    "The synthetic sample (source `sample-synthetic`) exists to demonstrate the dashboard. It is "
    "generated with a fixed seed, marked synthetic in the database, and every chart or export that "
    "includes it says **SAMPLE DATA**. Remove it with `python -m loaders sample --remove`, or untick "
    "*Include sample data* in the sidebar."
)
