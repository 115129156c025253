"""Gaps: what evidence is missing, stale or about to lapse, cell by cell, ranked; the
questionnaire to ask for it."""

import streamlit as st

from dashboard.ui import cache, downloads, state, widgets
from dashboard.views import gaps

filters = state.current_filters()
ds = cache.dataset(include_sample=filters.sample)
st.title("Gaps: the evidence that would change the picture")
widgets.notices(ds)
year = filters.to_year
work = cache.compute(gaps.work_list, filters=filters, year=year)
c = work.counts
st.markdown(
    f"**{c['current']} of {c['cells']}** national cells (participants × national recommendations "
    f"in this selection) have a current status in {year}; **{c['stale']}** rest on stale "
    f"evidence only, **{c['insufficient']}** have too few indicators observed and **{c['none']}** "
    "have no evidence at all. Each row below is one piece of evidence that is missing, stale or "
    "about to lapse; first those that would give a cell with no current status one."
)
owners = ["all", *ds.participants["code"], "ARF"]
names = {"all": "All selected participants and the region", "ARF": "The region (ARF)", **ds.names}
who = state.page_param("participant", options=owners, default="all", label=names.get)
who = st.selectbox("Whose gaps", owners, format_func=lambda o: names.get(o, o), key="p_participant")
state.sync_param("participant", who)
rows = work.rows if who == "all" else work.rows[work.rows["owner"] == who]

if who != "all":
    st.subheader("Ask for it")
    st.caption("The questionnaire lists every indicator that applies, what is recorded now, and "
               "the columns to fill; send it to the focal point or research institute, then load "
               "the returned file on the Load data page (or `rtop load FILE`).")
    downloads.questionnaire_button(ds=ds, owner=who, year=year, key="gaps")

st.subheader("The evidence that would move most cells")
top = gaps.by_indicator(gaps.Gaps(rows=rows, cells=work.cells, counts=work.counts))
widgets.status_table(top.head(12), key="gaps_top", title=f"Gaps by indicator, {year}",
                     columns={"indicator": "Indicator", "indicator_name": "Measures",
                              "cells_moved": "Cells it would move", "gaps": "Gaps"})

st.subheader(f"Work list, {year}")
if rows.empty:
    st.info("No gaps in this selection: every cell has current evidence.")
else:
    widgets.status_table(rows, key="gaps_list", height=520, title=f"Gaps, {year}",
                         columns={"owner_name": "Participant", "recommendation": "Rec.",
                                  "status": "Status now", "indicator": "Indicator",
                                  "indicator_name": "Measures", "gap": "Gap", "detail": "Detail",
                                  "moves_cell": "Moves the cell", "last_date": "Last record",
                                  "source": "Source"})
