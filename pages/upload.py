"""Load data: check a spreadsheet of observations or events, then load it (all or nothing);
record an expert assessment."""

import datetime as dt

import streamlit as st

from dashboard.core.models import RECOMMENDATIONS, STATUS_LABELS
from dashboard.ui import auth, cache, preview, widgets, writes

st.title("Load progress indicators")
if not auth.allows(auth.current_identity(), "editor"):
    st.error("Loading data needs an editor account: sign in with one.")
    st.stop()
widgets.notices()
st.markdown(
    "Upload a CSV (comma or semicolon, UTF-8), XLSX or JSON file of **observations** "
    "(participant, indicator, date, value, source, note) or **events** (date, title, source, …). "
    "The whole file is checked first; a file with any problem loads nothing. See the README for "
    "the formats and the Methodology page for indicator codes."
)
kind = st.radio("The file holds", ["detect", "observations", "events"], horizontal=True, key="upload_kind",
                format_func=lambda k: "detect from the header" if k == "detect" else k)
upload = st.file_uploader("File", type=["csv", "xlsx", "json"], key="upload_file")
if upload is not None:
    data = upload.getvalue()
    # Check each upload (and kind) once, not on every rerun.
    check_key = (upload.file_id, kind)
    cached = st.session_state.get("upload_check")
    if cached is not None and cached[0] == check_key:
        check = cached[1]
    else:
        check = writes.load_file(data=data, name=upload.name, kind=kind, dry_run=True)
        st.session_state["upload_check"] = (check_key, check)
    if check.ok:
        if st.button("Load into the database", type="primary", key="upload_go"):
            done = writes.load_file(data=data, name=upload.name, kind=kind, dry_run=False)
            st.session_state.pop("upload_check", None)  # re-check against the new data next run
            (st.error if not done.ok else st.info if done.pending else st.success)(done.message)
            if done.pending and done.run_id is not None:
                st.session_state["upload_pending_run"] = done.run_id
        else:
            st.success(check.message)
        for note in check.notes:
            st.caption(f"note: {note}")
    else:
        st.error(check.message)
        widgets.status_table(
            check.problems,
            key="upload_problems",
            columns={"row": "Row", "column": "Column", "reason": "Problem"},
        )

st.header("Record an expert assessment")
st.markdown(
    "An expert-assessed status overrides the computed one for a participant (or the region) and "
    "recommendation when it is at least as recent; the computed status stays beside it. It is "
    "checked and recorded like a one-row file (pending a reviewer when review is on)."
)
ds = cache.dataset(include_sample=False)
names = widgets.names(ds)
with st.form("assessment", clear_on_submit=False):
    who_col, rec_col, date_col = st.columns(3)
    who = who_col.selectbox("Participant", ["", *ds.participants["code"]], key="assess_who",
                            format_func=lambda c: "The region (ARF)" if not c else f"{names[c]} ({c})")
    rec = rec_col.selectbox("Recommendation", list(RECOMMENDATIONS), key="assess_rec")
    when = date_col.date_input("Date of the assessment", key="assess_date", max_value=dt.date.today())
    status = st.radio("Status", list(STATUS_LABELS), horizontal=True, key="assess_status",
                      format_func=lambda n: f"{n} {STATUS_LABELS[n]}")
    assessor = st.text_input("Assessor (a person or body)", key="assess_assessor")
    rationale = st.text_area("Rationale: why this status", key="assess_rationale")
    source = st.text_input("Source (a source code or a citation)", key="assess_source")
    if st.form_submit_button("Record the assessment"):
        done = writes.record_assessment(
            participant=who, recommendation=rec, date=when.isoformat() if when else "",
            status=int(status), assessor=assessor, rationale=rationale, source=source)
        (st.error if not done.ok else st.info if done.pending else st.success)(done.message)
        if done.pending and done.run_id is not None:
            st.session_state["upload_pending_run"] = done.run_id
        if not done.ok and not done.problems.empty:
            widgets.status_table(done.problems, key="assess_problems",
                                 columns={"row": "Row", "column": "Column", "reason": "Problem"})

mine = st.session_state.get("upload_pending_run")
if isinstance(mine, int) and not (ds.preview and ds.preview.run_id == mine) and preview.can_preview(run_id=mine):
    box = st.container(border=True)
    box.markdown(f"Your load run {mine} waits for a reviewer. See every page as it would be once published:")
    if box.button(f"Preview the whole dashboard with run {mine}", key="upload_preview"):
        refused = preview.start(run_id=mine)
        if refused:
            st.session_state.pop("upload_pending_run", None)
            box.error(refused)
        else:
            st.rerun()
