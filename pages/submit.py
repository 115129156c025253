"""Submit evidence (contributors): one record at a time in a form, or a filled questionnaire;
for the participants of the contributor's scope only, held for a reviewer."""

import datetime as dt

import streamlit as st

from dashboard.export import questionnaire
from dashboard.ui import auth, cache, downloads, state, why, widgets, writes

st.title("Submit evidence")
identity = auth.current_identity()
if identity.role != "contributor" or not identity.scope:
    st.error("Submitting evidence needs a contributor account: sign in with one.")
    st.stop()
filters = state.current_filters()
ds = cache.dataset(include_sample=False)
names = {**ds.names, "ARF": "The region (ARF)"}
scope = sorted(identity.scope, key=lambda c: names.get(c, c))
st.markdown(
    f"You submit evidence for **{', '.join(names.get(c, c) for c in scope)}**. Everything you "
    "send is checked at once and then **waits for a reviewer**, who publishes it (or part of "
    "it) or declines it with a comment; nothing is public before that. Every value needs a "
    "public source: a title or a web address, and the words of the source that show it."
)
for outcome in st.session_state.pop("submit_messages", []):
    (st.success if outcome.ok else st.error)(outcome.message)
    for note in outcome.notes:
        st.caption(f"note: {note}")
    if not outcome.problems.empty:
        widgets.status_table(outcome.problems, key="submit_problems",
                             columns={"row": "Row", "column": "Column", "reason": "Problem"})

who = st.selectbox("For", scope, format_func=lambda c: names.get(c, c), key="submit_for")
rows = cache.compute(questionnaire.rows_for, filters=filters, owner=who, year=filters.to_year)
form_tab, file_tab = st.tabs(["One record (form)", "A filled questionnaire (file)"])
with form_tab:
    code = st.selectbox("Indicator", list(rows["indicator"]), key="submit_indicator",
                        format_func=lambda c: f"{c} {rows.set_index('indicator').loc[c, 'indicator_name']}")
    spec = rows.set_index("indicator").loc[code]
    st.caption(f"**What it measures:** {why.md_escape(spec['definition'])}")
    st.caption(f"**Levels or unit:** {why.md_escape(spec['levels_or_unit'])} · **Recorded now:** "
               + (why.md_escape(f"{spec['current_value']} ({spec['current_date']}, {spec['current_source']})")
                  if spec["current_value"] else "nothing"))
    with st.form("submit_form", clear_on_submit=False):
        choices = list(spec["choices"]) or (["1 = yes", "0 = no"] if spec["value_type"] == "binary" else [])
        if choices:
            value = st.selectbox("New value", choices, key="submit_value")
        else:
            value = str(st.number_input("New value", min_value=0.0, step=1.0, key="submit_number"))
        date_col, precision_col = st.columns(2)
        when = date_col.date_input("Date", value=None, max_value=dt.date.today(), key="submit_date")
        precision = precision_col.selectbox("Known to the", ["day", "month", "year"], key="submit_precision")
        title = st.text_input("Source title", key="submit_title")
        url = st.text_input("Source web address (https://…)", key="submit_url")
        excerpt = st.text_area("Excerpt: the source's own words that show it", key="submit_excerpt")
        comment = st.text_input("Comment for the reviewer (not published)", key="submit_comment")
        sent = st.form_submit_button("Submit for review", type="primary")
    if sent:
        outcome = writes.submit_record(fields={
            "participant": who, "indicator": code, "new_value": value,
            "date": when.isoformat() if when else "", "date_precision": precision,
            "source_title": title, "source_url": url, "excerpt": excerpt, "comment": comment})
        st.session_state.setdefault("submit_messages", []).append(outcome)
        st.rerun()
with file_tab:
    st.caption("Download the questionnaire, fill the yellow columns of the rows you have new "
               "evidence for, and upload it here. Rows you leave untouched are ignored.")
    downloads.questionnaire_button(ds=ds, owner=who, year=filters.to_year, key="submit")
    upload = st.file_uploader("Filled questionnaire (XLSX) or a file of observations", type=["xlsx", "csv", "json"],
                              key="submit_file")
    if upload is not None and st.button("Check and submit for review", type="primary", key="submit_go"):
        outcome = writes.submit_evidence(data=upload.getvalue(), name=upload.name)
        st.session_state.setdefault("submit_messages", []).append(outcome)
        st.rerun()
