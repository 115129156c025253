"""Methodology: the status scale and thresholds, the pillar mapping, the rules, the sources."""

import streamlit as st

from dashboard.core import scoring

from dashboard.ui import auth, cache, state, widgets, writes
from dashboard.views import methodology, words

filters = state.current_filters()
ds = cache.dataset(include_sample=filters.sample)
tables = cache.compute(methodology.methodology_tables, filters=filters)
st.title("Methodology")
widgets.notices()

st.header("Status scale")
st.markdown("Every status is shown by label and symbol as well as colour, so it reads in greyscale "
            "and for colour-blind viewers.")
widgets.status_table(tables["scale"], key="m_scale", columns={"status": "Status", "symbol": "Symbol", "label": "Label"})

st.header(f"How a status is computed (method version {scoring.RULE_VERSION})")
st.markdown("\n".join(f"{n}. {step}" for n, step in enumerate(words.rule_steps(), start=1)))
st.markdown(
    f"- **Minimum coverage**: {scoring.MIN_COVERAGE:.0%} of a recommendation's indicators must "
    "have current data; below it the cell says *Insufficient data (n of m indicators)*.\n"
    f"- **Flows** count for {scoring.DEFAULT_FLOW_WINDOW} years (their year and the next) unless "
    "an indicator says otherwise; **stocks** are marked *stale* after their indicator's age limit "
    "(treaty status never goes stale).\n"
    "- **Expert assessments** must name an assessor, a rationale and a source; the computed "
    "status is shown beside them.\n"
    "- Every cell opens a **Why this status?** panel (tracker, profile scorecard, map), and "
    "`rtop explain PARTICIPANT RECOMMENDATION --year YEAR [--json]` prints the same answer."
)
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
widgets.status_table(tables["thresholds"], key="m_thresholds", columns={
    "code": "Code", "recommendation": "Rec.", "name": "Indicator", "level": "Level",
    "value_type": "Type", "unit": "Unit", "levels": "Levels", "thresholds_text": "Thresholds 1 | 2 | 3 | 4",
    "measure": "Stock or flow", "window_years": "Flow window (years)", "stale_after_years": "Stale after (years)"})

st.header("Recommendation to pillar mapping")
widgets.status_table(tables["mapping"], key="m_mapping", columns={
    "item_code": "Rec.", "name": "Recommendation", "pillar": "Pillar", "role": "Role", "rationale": "Rationale"})

st.header("Sources")
widgets.status_table(tables["sources"], key="m_sources", columns={
    "code": "Code", "title": "Title", "publisher": "Publisher", "url": "Link", "accessed": "Read on",
    "synthetic": "Synthetic", "observations": "Observations", "events": "Events"})

st.header("Sample data (demonstration only)")
st.markdown(
    "The dashboard opens on documented evidence only. A synthetic sample (source "
    "`sample-synthetic`) can be added to demonstrate the dashboard: it is generated with a fixed "
    "seed, marked synthetic in the database, never generated for a participant and indicator "
    "that documented data covers, and every chart or export that includes it says "
    "**SAMPLE DATA**. Command line: `rtop sample` and `rtop sample --remove`."
)
has_sample = ds.observed.sample_in_database
if auth.allows(auth.current_identity(), "editor"):
    c1, c2 = st.columns(2)
    if not has_sample and c1.button("Add the synthetic demo sample", key="demo_add"):
        done = writes.demo_sample(add=True)
        (st.success if done.ok else st.error)(done.message)
    if has_sample and c2.button("Remove the synthetic demo sample", key="demo_remove"):
        done = writes.demo_sample(add=False)
        (st.success if done.ok else st.error)(done.message)
if has_sample:
    st.caption("The sample is in the database: tick *Include sample data (demo)* in the sidebar to see it.")
