"""Load history: every load run and what it changed; review of pending loads; undo (admins)."""

import datetime as dt

import streamlit as st

from dashboard.core.history import Since
from dashboard.ui import auth, cache, preview, widgets, writes
from dashboard.views import history
from dashboard.views.words import indicator_names

st.title("Load history")
identity = auth.current_identity()
if not auth.allows(identity, "editor"):
    st.error("The load history needs an editor account: sign in with one.")
    st.stop()
widgets.notices()
st.markdown(
    "Every load, sample change and undo is a **load run**; every value it added, changed or "
    "removed is kept with it, before and after. An undo restores exactly what one run changed "
    "and is itself recorded. Command line: `rtop history`, `rtop undo RUN`, `rtop review`."
)
for message in st.session_state.pop("history_messages", []):
    (st.success if message[0] else st.error)(message[1])


def _said(outcome: writes.LoadOutcome) -> None:
    st.session_state.setdefault("history_messages", []).append((outcome.ok, outcome.message))
    st.rerun()


st.header("Waiting for review")
pending = history.pending_table(engine=cache.engine())
if pending.empty:
    st.caption("Nothing is waiting for review.")
else:
    widgets.status_table(pending, key="history_pending", columns={c: c.capitalize() for c in pending.columns})
    chosen = st.selectbox("Pending load run", pending["run"].tolist(), key="history_pending_run",
                          format_func=lambda r: f"run {r}: {pending.set_index('run').loc[r, 'file']} "
                                                f"by {pending.set_index('run').loc[r, 'by']}")
    whole_col, moved_col = st.columns(2)
    if whole_col.button("Preview the whole dashboard with it", key="history_preview_all",
                        help="Every page shows the data as they would be once it is published, "
                             "for you only, until you end the preview."):
        refused = preview.start(run_id=int(chosen))
        if refused:
            st.error(refused)
        else:
            st.rerun()
    if moved_col.button("List the statuses it would move", key="history_preview"):
        outcome, moved = writes.preview_run(run_id=int(chosen))
        (st.info if outcome.ok else st.error)(outcome.message)
        if outcome.ok and moved.empty:
            st.caption("No status would change this year.")
        elif outcome.ok:
            widgets.status_table(moved, key="history_moved", columns={
                "participant_code": "Participant", "recommendation": "Recommendation",
                "before": "Status now", "after": "Status once published"})
    if auth.allows(identity, "reviewer"):
        rows = writes.submission_rows(run_id=int(chosen))
        picked: list[str] = []
        if not rows.empty:
            st.markdown("**What it holds** (who submitted it and for whom are in the list above)")
            widgets.status_table(rows, key="history_rows", columns={c: c for c in rows.columns}, height=240)
            labels = [f"{p} row {r}" for p, r in zip(rows["part"], rows["row"], strict=True)]
            picked = st.multiselect("Publish only these rows (the others are declined); none chosen: all",
                                    labels, key="history_rows_pick")
        comment = st.text_input("Comment for the author (required to decline)", key="history_comment")
        publish_col, decline_col = st.columns(2)
        chosen_rows = {(label.split(" row ")[0], int(label.split(" row ")[1])) for label in picked} or None
        if publish_col.button("Publish the chosen rows" if picked else "Publish", type="primary",
                              key="history_publish"):
            _said(writes.review_run(run_id=int(chosen), publish_it=True, comment=comment, rows=chosen_rows))
        if decline_col.button("Decline", key="history_decline"):
            _said(writes.review_run(run_id=int(chosen), publish_it=False, comment=comment))
    else:
        st.caption("A reviewer publishes or declines it; its author can preview it.")

st.header("Load runs")
since_col, participant_col = st.columns(2)
since = since_col.date_input("Since", value=None, key="history_since", max_value=dt.date.today())
ds = cache.dataset(include_sample=False)
names = widgets.names(ds)
participant = participant_col.selectbox("Changed rows of", ["", *ds.participants["code"]], key="history_who",
                                        format_func=lambda c: "any participant" if not c else f"{names[c]} ({c})")
runs = history.run_table(engine=cache.engine(), since=Since(start=since), participant=participant or None)
if runs.empty:
    st.caption("No load runs match.")
    st.stop()
widgets.status_table(runs, key="history_runs", columns={c: c.capitalize() for c in runs.columns},
                     height=360, title="load-history")
run_id = st.selectbox("Show the changes of run", runs["run"].tolist(), key="history_run")
changes = history.change_table(engine=cache.engine(), run_id=int(run_id), participant=participant or None,
                               names=names, indicators=indicator_names(ds))
row = runs.set_index("run").loc[run_id]
total = int(row["added"] + row["changed"] + row["removed"])
st.subheader(f"Run {run_id}: {writes.inert(row['file or action'])}")
st.caption(f"{row['when (UTC)']} UTC · by {row['by']} · {row['state']} · "
           f"{row['added']} added, {row['changed']} changed, {row['removed']} removed"
           + (f" (the first {len(changes):,} shown; `rtop history --run {run_id}` lists all)"
              if len(changes) < total and not participant else ""))
if changes.empty:
    st.caption("This run changed no rows.")
else:
    widgets.status_table(changes, key="history_changes", columns={
        "change": "Change", "row": "Row", "before": "Before", "after": "After"}, height=360)
if auth.allows(identity, "admin") and total and "undone" not in row["state"] and row["state"].startswith("published"):
    sure = st.checkbox(f"Yes, revert everything run {run_id} changed", key="history_undo_sure")
    if st.button(f"Undo run {run_id}", key="history_undo", disabled=not sure):
        _said(writes.undo_run(run_id=int(run_id)))
