"""Exports: briefing packs for a meeting or one participant, and the observations as data."""

import streamlit as st

from dashboard.ui import cache, downloads, state, widgets

filters = state.current_filters()
ds = cache.dataset(include_sample=filters.sample)
st.title("Exports for briefings")
widgets.notices(ds)

st.header("Briefing pack")
st.markdown(
    "A ready pack for the current filters. For the region: key figures, where the region stands, "
    "the status map (with Southeast Asia enlarged), the recommendation tracker, the regional track, "
    "pillar coverage and recent events; for a participant: its key figures, national "
    "recommendations, treaty commitments, pillars, the ARF as a whole, its events and evidence. "
    "Both end with how statuses are read and every source shown. PowerPoint slides are 16:9 with "
    "editable text and speaker notes; the PDF is A4 landscape."
)
names = widgets.names(ds)
scope = st.selectbox("For", ["", *ds.participants["code"]], key="export_scope",
                     format_func=lambda c: "The whole region (ARF meeting)" if not c else names[c])
downloads.briefing_buttons(ds=ds, filters=filters, participant=scope or None, key="export_brief")

st.header("Data")
frame, meta = downloads.data_for_export(filters=filters)
st.markdown(f"**{len(frame):,} observations** for {filters.describe(names=names)} (the Overview's count; "
            f"{ds.observed.total:,} on record in all): participant, indicator, recommendation, pillar, date, "
            "value, status and source.")
downloads.downloads(fig=None, meta=meta, data=frame, filters=filters, key="export_data")
st.caption("CSV files are plain (the header on the first line); what a file is (title, filters, sources, "
           "versions) is in the 'About' file beside it, and on the XLSX's 'About' sheet. Text that a "
           "spreadsheet could run as a formula is prefixed with an apostrophe.")
st.caption("Command line: `python -m loaders export data --format xlsx --out observations.xlsx` · "
           "`python -m loaders export briefing --format pptx --out pack.pptx`")
