"""Preview the whole dashboard with a pending load, for its author and reviewers.

``start`` asks for a preview of a pending run (checked: the right person, a pending run);
``check`` runs at the start of every script run and keeps it, or ends it with a reason (the
run was published or declined, no longer checks, or the person may no longer see it);
``banner`` says on every page that what is shown is not published. ``preview_dataset``
composes the writer's rolled-back application of the run (loaders.review.applied) with the
reader (dashboard.views.preview); dashboard.ui.cache keeps it under its own version token.
"""

from __future__ import annotations

import streamlit as st
from sqlalchemy.engine import Engine
from sqlmodel import Session

from dashboard.core import models, roles
from dashboard.ui import auth, cache
from dashboard.views.dataset import Dataset
from dashboard.views.preview import read_preview
from loaders.errors import LoaderError, Rejected
from loaders.review import applied

REQUESTED = "preview_run"  # the run this session asked to preview (set by start)
ENDED = "_preview_ended"  # why a preview ended, shown once


def preview_dataset(*, engine: Engine, run_id: int, include_sample: bool) -> Dataset:
    """The Dataset the pages would read once pending run ``run_id`` is published; nothing is
    written. Raises Rejected when its file no longer checks against the data as they are now,
    ReviewRefused when the run is not pending."""
    with applied(engine=engine, run_id=run_id) as (conn, _result):
        return read_preview(
            engine=engine, read_from=conn, run_id=run_id, include_sample=include_sample
        )


def _refusal(identity: auth.Identity, run_id: int) -> str | None:
    with Session(cache.engine()) as session:
        run = session.get(models.LoadRun, run_id)
    if run is None:
        return f"There is no load run {run_id}."
    if run.review_state != "pending":
        by = f" by {run.reviewed_by}" if run.reviewed_by else ""
        return f"Load run {run_id} is no longer pending review (it was {run.review_state}{by})."
    if not roles.may_preview(role=identity.role, user=identity.username, author=run.user or ""):
        return "Only its author and reviewers preview a pending load."
    return None


def can_preview(*, run_id: int) -> bool:
    """True when this session may preview ``run_id`` now (it is pending, and theirs or they
    review)."""
    return _refusal(auth.current_identity(), run_id) is None


def start(*, run_id: int) -> str | None:
    """Preview pending run ``run_id`` on every page from the next run; None, or why not."""
    refused = _refusal(auth.current_identity(), run_id)
    if refused is None:
        st.session_state[REQUESTED] = run_id
        st.session_state.pop(ENDED, None)
    return refused


def stop(*, reason: str = "") -> None:
    """End this session's preview (the pages show published data again)."""
    st.session_state.pop(REQUESTED, None)
    st.session_state.pop(cache.PREVIEWING, None)
    if reason:
        st.session_state[ENDED] = reason
    cache.refresh_version()


def check(identity: auth.Identity) -> None:
    """Keep this session's preview for this run, or end it saying why (call once per run,
    after cache.refresh_version)."""
    requested = st.session_state.get(REQUESTED)
    if not isinstance(requested, int):
        if st.session_state.pop(cache.PREVIEWING, None) is not None:
            cache.refresh_version()
        return
    refused = _refusal(identity, requested)
    if refused is not None:
        stop(reason=f"The preview ended: {refused}")
        return
    if st.session_state.get(cache.PREVIEWING) != requested:
        st.session_state[cache.PREVIEWING] = requested
        cache.refresh_version()
    try:
        cache.dataset(include_sample=False)  # built (and cached) now, so a failure shows here
    except Rejected as exc:
        stop(reason=f"The preview ended: run {requested} no longer checks ({exc.problems[0]}).")
    except LoaderError as exc:
        stop(reason=f"The preview ended: {exc}")


def banner(ds: Dataset) -> None:
    """On every page: what is shown includes a pending run, not published; a way back."""
    ended = st.session_state.pop(ENDED, None)
    if ended:
        st.info(ended)
    if ds.preview is None:
        return
    p = ds.preview
    by = f" by {p.user}" if p.user else ""
    box = st.container(border=True)
    box.warning(
        f"**PREVIEW — not published.** Every page shows the data as they would be once pending "
        f"load run {p.run_id} (`{p.file_name}`{by}) is published. Nobody else sees this; "
        "the Load history and What changed pages list published runs only.",
        icon="👁️",
    )
    if box.button("End the preview", key="preview_end"):
        stop()
        st.rerun()
