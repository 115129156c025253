"""Gaps: what evidence is missing, stale or about to lapse, cell by cell, ranked; the
questionnaire to ask for it."""

import streamlit as st

from dashboard.ui import auth, cache, downloads, state, why, widgets, writes
from dashboard.views import gaps

filters = state.current_filters()
ds = cache.dataset(include_sample=filters.sample)
st.title("Gaps: the evidence that would change the picture")
widgets.notices(ds)
year = filters.to_year
work = cache.compute(gaps.work_list, filters=filters, year=year)
owners = ["all", *ds.participants["code"], "ARF"]
names = {"all": "All selected participants and the region", "ARF": "The region (ARF)", **ds.names}
who = state.page_param("participant", options=owners, default="all", label=names.get)
who = st.selectbox("Whose gaps", owners, format_func=lambda o: names.get(o, o), key="p_participant")
state.sync_param("participant", who)
c = gaps.counts_for(work, owner=who)
whose = {"all": "national cells (participants × national recommendations in this selection)",
         "ARF": "of the region's own cells (its recommendations and the ARF next steps)"}.get(
    who, f"of {names.get(who, who)}'s national cells")
st.markdown(
    f"**{c['current']} of {c['cells']}** {whose} have a current status in {year}; **{c['stale']}** rest "
    f"on stale evidence only, **{c['insufficient']}** have too few indicators observed and "
    f"**{c['none']}** have no evidence at all. Each row below is one piece of evidence that is missing, "
    "stale or about to lapse; first those that would give a cell with no current status one."
)
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
                     columns={"indicator_name": "Indicator", "cells_moved": "Cells it would move",
                              "gaps": "Gaps", "indicator": "Code"})

st.subheader(f"Work list, {year}")
if rows.empty:
    st.info("No gaps in this selection: every cell has current evidence.")
else:
    widgets.status_table(rows, key="gaps_list", height=520, title=f"Gaps, {year}",
                         columns={"owner_name": "Participant", "recommendation": "Rec.",
                                  "status": "Status now", "indicator_name": "Indicator", "gap": "Gap",
                                  "detail": "Detail", "moves_cell": "Moves the cell",
                                  "last_date": "Last record", "source": "Source", "indicator": "Code"})

st.subheader("Collection round")
identity = auth.current_identity()
now = gaps.collection_round(ds=ds)  # read afresh: rounds and submissions change between reruns
if now.round is None:
    st.caption("No collection round yet. An admin opens one here or with `rtop round open NAME --due DATE`.")
else:
    r = now.round
    st.markdown(f"**{why.md_escape(r.name)}** · due {r.due:%d %b %Y} · "
                + ("open" if r.open else f"closed {r.closed_at:%d %b %Y}"))
    counts = now.status["state"].value_counts()
    st.caption(" · ".join(f"{int(counts.get(s, 0))} {s}" for s in ("published", "in review", "submitted",
                                                                    "nothing received")))
    columns = {"name": "Participant", "state": "State", "runs": "Submissions"}
    if auth.allows(identity, "editor"):  # contacts are people's addresses: not for every viewer
        columns |= {"contact": "Focal contact", "email": "E-mail", "overdue": "Overdue"}
    widgets.status_table(now.status, key="gaps_round", columns=columns, height=360,
                         title=f"Collection round {r.name}")
    if auth.allows(identity, "editor") and now.status["overdue"].any():
        st.caption("Overdue, with their contacts, to paste into a message (nothing is sent from here):")
        st.code(now.reminder, language=None)
if auth.allows(identity, "admin"):
    with st.expander("Organise the collection (admins)"):
        if now.round is None or not now.round.open:
            with st.form("gaps_round_open"):
                name = st.text_input("Round name", placeholder="ARF ISM 2027", key="gaps_round_name")
                due = st.date_input("Due", value=None, key="gaps_round_due")
                if st.form_submit_button("Open the round"):
                    said = writes.round_action(action="open", name=name, due=due)
                    (st.success if said.ok else st.error)(said.message)
        elif st.button(f"Close round {now.round.name}", key="gaps_round_close"):
            said = writes.round_action(action="close")
            (st.success if said.ok else st.error)(said.message)
        with st.form("gaps_contact"):
            code = st.selectbox("Participant", list(ds.participants["code"]), key="gaps_contact_who",
                                format_func=lambda c: names.get(c, c))
            person = st.text_input("Focal contact's name", key="gaps_contact_name")
            address = st.text_input("E-mail", key="gaps_contact_email")
            if st.form_submit_button("Save the contact"):
                said = writes.save_contact(participant=code, name=person, email=address)
                (st.success if said.ok else st.error)(said.message)
