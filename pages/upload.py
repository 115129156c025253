"""Load data: check a spreadsheet of observations or events, then load it (all or nothing)."""

import streamlit as st

from dashboard.ui import auth, widgets, writes

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
