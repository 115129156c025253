"""The app's writes, all through the loaders: an uploaded file, the demo sample, a sign-in.

Every write checks the role on the server (auth.require_role), whatever the page showed, and
records who made it. With review on (RTOP_REVIEW), a load made here waits for a reviewer.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from dashboard.core import models, roles
from dashboard.core import questionnaire as q
from dashboard.core.config import get_settings
from dashboard.ui import auth
from dashboard.ui.cache import engine, refresh_version
from loaders import collection
from loaders.accounts import record_sign_in, review_required, verify_password
from loaders.errors import LoaderError, Rejected
from loaders.history import undo
from loaders.names import display_name
from loaders.review import decline, preview, publish
from loaders.review import submission_rows as review_rows
from loaders.sample import add_sample, remove_sample
from loaders.store import load_bytes


def inert(name: str) -> str:
    """A (cleaned) file name as a Markdown message quotes it, forming no markup: an entity
    (&#x202e;), emphasis, a link. A name an autolink would take (www.example.org,
    a@example.org: escapes do not stop those) goes in a code span (cleaned names hold no `)."""
    if _AUTOLINK.search(name):
        return f"`{name}`"
    return _INERT.sub(lambda found: "\\" + found.group(), name)


_INERT = re.compile(r"[&*~#\[\]<>$`\\|_]")
_AUTOLINK = re.compile(r"www\.|@|://", re.IGNORECASE)


def _empty_problems() -> pd.DataFrame:
    return pd.DataFrame(columns=["row", "column", "reason"])


@dataclass
class LoadOutcome:
    """What a check or load of an uploaded file (or another write) said, ready to show."""

    ok: bool
    message: str
    notes: list[str] = field(default_factory=list)
    problems: pd.DataFrame = field(default_factory=_empty_problems)
    pending: bool = False  # loaded for review: not public until a reviewer publishes it
    run_id: int | None = None  # the load run written (or kept pending)


def demo_sample(*, add: bool) -> LoadOutcome:
    """Add or remove the synthetic demo sample through the loaders (editors and above)."""
    try:
        identity = auth.require_role("editor", doing="Changing the demo sample")
    except auth.Forbidden as exc:
        return LoadOutcome(ok=False, message=str(exc))
    settings = get_settings()
    user = identity.username or None  # a guest on an open install: RTOP_USER / OS user
    try:
        if add:
            n = add_sample(
                engine=engine(),
                seed=settings.sample_seed,
                last_year=settings.sample_to_year,
                user=user,
            )
            message = f"Added {n:,} synthetic observations (SAMPLE DATA)."
        else:
            n = remove_sample(engine=engine(), user=user)
            message = f"Removed the synthetic sample ({n:,} observations)."
    except LoaderError as exc:
        return LoadOutcome(ok=False, message=str(exc))
    refresh_version()
    return LoadOutcome(ok=True, message=message)


def _rejected(name: str, exc: Rejected) -> LoadOutcome:
    """A rejected file as the page shows it: every problem, and that nothing was written."""
    problems = pd.DataFrame(
        [
            {"row": "-" if p.row is None else str(p.row), "column": p.column or "",
             "reason": p.reason}
            for p in exc.problems
        ]
    )  # fmt: skip
    return LoadOutcome(
        ok=False,
        message=f"{inert(display_name(name, base_only=True))} was rejected: "
        f"{len(exc.problems)} problem(s); nothing was written.",
        problems=problems,
    )


def submit_evidence(*, data: bytes, name: str, dry_run: bool = False) -> LoadOutcome:
    """A contributor's file (a filled questionnaire, or any file of observations and events):
    checked against their scope on the server (loaders.collection.submit: a row for anyone
    else refuses the file, naming it) and held for a reviewer, whatever RTOP_REVIEW says."""
    try:
        identity = auth.require_role("contributor", doing="Submitting evidence")
    except auth.Forbidden as exc:
        return LoadOutcome(ok=False, message=str(exc))
    if identity.role != "contributor":
        return LoadOutcome(ok=False, message="Editors and above load files on the Load data page.")
    try:
        result = collection.submit(
            engine=engine(), data=data, name=display_name(name, base_only=True),
            user=identity.username, scope=identity.scope, dry_run=dry_run,
        )  # fmt: skip
    except Rejected as exc:
        return _rejected(name, exc)
    except LoaderError as exc:
        return LoadOutcome(ok=False, message=str(exc))
    return LoadOutcome(
        ok=True, message=result.summary(), notes=result.notes, pending=result.pending,
        run_id=result.load_run_id,
    )  # fmt: skip


def submit_record(*, fields: dict[str, str]) -> LoadOutcome:
    """One record from the form: the questionnaire's columns (participant, indicator,
    new_value, date, date_precision, source_title, source_url, excerpt, comment) as a one-row
    file, submitted like any file (the same checks and messages)."""
    columns = ["participant", *q.FILL_COLUMNS]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    writer.writerow([fields.get(c, "") for c in columns])
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    name = f"form-{fields.get('participant', '')}-{fields.get('indicator', '')}-{stamp}.csv"
    return submit_evidence(data=buffer.getvalue().encode(), name=name)


def load_file(*, data: bytes, name: str, kind: str, dry_run: bool) -> LoadOutcome:
    """Check (dry run) or load an uploaded file through the loaders; never raises to the page.

    Both need an editor: a check records a rejected file in the load-run log too."""
    try:
        identity = auth.require_role("editor", doing="Loading data")
    except auth.Forbidden as exc:
        return LoadOutcome(ok=False, message=str(exc))
    try:
        chosen = None if kind == "detect" else kind
        review = not dry_run and review_required(engine=engine())
        result = load_bytes(
            engine=engine(),
            data=data,
            name=name,
            kind=chosen,
            dry_run=dry_run,
            user=identity.username or None,  # a guest on an open install: RTOP_USER / OS user
            review=review,
            uploaded=True,  # the browser chose the name: shown cleaned, its last part only
        )
    except Rejected as exc:
        return _rejected(name, exc)
    except LoaderError as exc:
        return LoadOutcome(ok=False, message=str(exc))
    if not dry_run:
        refresh_version()  # the rest of this run already sees the new data
    return LoadOutcome(
        ok=True,
        message=result.summary().replace(result.file_name, inert(result.file_name), 1),
        notes=result.notes,
        pending=result.pending,
        run_id=result.load_run_id,
    )


def sign_in(*, username: str, password: str) -> str | None:
    """Check a local account's password (the loaders may rehash it); keep the identity in this
    session. None when signed in, else the message to show (the same for every wrong user name
    or password). Guessing is slowed down per user name and client address together, in the
    database every app process reads: someone else's failures never hold back the right
    password from another address. Every attempt is recorded; admins can list the failures."""
    if not username.strip() or not password:
        return "Enter your user name and password."
    where = auth.connection()
    client = "this machine" if where.in_process else roles.plain_address(where.peer or "unknown")
    wait = roles.sign_in_wait(
        engine=engine(), username=username, client=client, now=dt.datetime.now(dt.UTC)
    )
    if wait > 0:
        return f"Too many failed sign-ins from here: try again in {max(1, round(wait))} seconds."
    try:
        user = verify_password(engine=engine(), username=username, password=password)
    except SQLAlchemyError:
        return "The accounts cannot be read: is the database initialised (`make db`)?"
    try:
        record_sign_in(engine=engine(), username=username, client=client, ok=user is not None)
    except SQLAlchemyError:
        pass  # a read-only database: the sign-in itself still works
    if user is None:
        return "Unknown user name or wrong password."
    auth.remember_local(username=user.username)
    return None


def undo_run(*, run_id: int) -> LoadOutcome:
    """Undo one load run (admins only); the refusal names the reason or the later run."""
    try:
        identity = auth.require_role("admin", doing="Undoing a load")
    except auth.Forbidden as exc:
        return LoadOutcome(ok=False, message=str(exc))
    try:
        done = undo(engine=engine(), run_id=run_id, user=identity.username or None)
    except LoaderError as exc:
        return LoadOutcome(ok=False, message=str(exc))
    refresh_version()
    return LoadOutcome(ok=True, message=done.summary())


def review_run(
    *,
    run_id: int,
    publish_it: bool,
    comment: str,
    rows: set[tuple[str, int]] | None = None,
) -> LoadOutcome:
    """Publish (all of it, or only ``rows``: (part, row number) pairs) or decline a pending
    load run (reviewers, never the author's own)."""
    try:
        identity = auth.require_role("reviewer", doing="Reviewing a load")
    except auth.Forbidden as exc:
        return LoadOutcome(ok=False, message=str(exc))
    reviewer = identity.username or get_settings().user
    try:
        if publish_it:
            result = publish(
                engine=engine(), run_id=run_id, reviewer=reviewer, comment=comment, rows=rows
            )
            message = f"Published run {run_id}: {result.summary()}"
        else:
            decline(engine=engine(), run_id=run_id, reviewer=reviewer, comment=comment)
            message = f"Declined run {run_id}; nothing was written."
    except Rejected as exc:
        first = "; ".join(str(p) for p in exc.problems[:3])
        return LoadOutcome(
            ok=False,
            message=(
                f"Run {run_id} no longer checks against the data as they are now "
                f"({len(exc.problems)} problem(s), e.g. {first}); it stays pending: decline it."
            ),
        )
    except LoaderError as exc:
        return LoadOutcome(ok=False, message=str(exc))
    refresh_version()
    return LoadOutcome(ok=True, message=message)


def preview_run(*, run_id: int) -> tuple[LoadOutcome, pd.DataFrame]:
    """What publishing a pending run would change, for its author and reviewers: the
    statuses that would move this year. Nothing is written."""
    empty = pd.DataFrame(columns=["participant_code", "recommendation", "before", "after"])
    try:
        identity = auth.require_role("editor", doing="Previewing a pending load")
    except auth.Forbidden as exc:
        return LoadOutcome(ok=False, message=str(exc)), empty
    with Session(engine()) as session:
        run = session.get(models.LoadRun, run_id)
    author = "" if run is None else run.user or ""
    if not roles.may_preview(role=identity.role, user=identity.username, author=author):
        message = "Only its author and reviewers preview a pending load."
        return LoadOutcome(ok=False, message=message), empty
    if roles.allows(role=identity.role, needed="reviewer") and identity.username:
        collection.mark_opened(engine=engine(), run_id=run_id, reviewer=identity.username)
    try:
        shown = preview(engine=engine(), run_id=run_id)
    except Rejected as exc:
        message = f"Run {run_id} no longer checks: {exc.problems[0]}"
        return LoadOutcome(ok=False, message=message), empty
    except LoaderError as exc:
        return LoadOutcome(ok=False, message=str(exc)), empty
    return LoadOutcome(ok=True, message=shown.result.summary()), shown.moved


def record_assessment(
    *,
    participant: str,
    recommendation: str,
    date: str,
    status: int,
    assessor: str,
    rationale: str,
    source: str,
) -> LoadOutcome:
    """Record one expert assessment through the same loader as a file (checked the same way,
    pending when review is on); an editor's."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        ["participant", "indicator", "date", "value", "status", "assessor", "rationale", "source"]
    )
    writer.writerow([participant, recommendation, date, "", status, assessor, rationale, source])
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    name = f"assessment-{participant or 'ARF'}-{recommendation}-{stamp}.csv"
    return load_file(data=buffer.getvalue().encode(), name=name, kind="observations", dry_run=False)


def submission_rows(*, run_id: int) -> pd.DataFrame:
    """A pending run's rows for a reviewer to pick from (reviewers only; empty otherwise)."""
    identity = auth.current_identity()
    if not auth.allows(identity, "reviewer"):
        return pd.DataFrame()
    try:
        return review_rows(engine=engine(), run_id=run_id)
    except LoaderError:
        return pd.DataFrame()


def round_action(*, action: str, name: str = "", due: dt.date | None = None) -> LoadOutcome:
    """Open or close a collection round (admins)."""
    try:
        identity = auth.require_role("admin", doing="Opening or closing a collection round")
    except auth.Forbidden as exc:
        return LoadOutcome(ok=False, message=str(exc))
    who = identity.username or get_settings().user
    try:
        if action == "open":
            if due is None:
                return LoadOutcome(ok=False, message="A round needs a due date.")
            opened = collection.open_round(engine=engine(), name=name, due=due, user=who)
            return LoadOutcome(ok=True, message=f"Round '{opened.name}' is open, due {due}.")
        closed = collection.close_round(engine=engine(), user=who)
        return LoadOutcome(ok=True, message=f"Round '{closed.name}' is closed.")
    except LoaderError as exc:
        return LoadOutcome(ok=False, message=str(exc))


def save_contact(*, participant: str, name: str, email: str) -> LoadOutcome:
    """Keep a participant's focal contact (admins)."""
    try:
        identity = auth.require_role("admin", doing="Changing a focal contact")
    except auth.Forbidden as exc:
        return LoadOutcome(ok=False, message=str(exc))
    try:
        collection.set_contact(engine=engine(), participant=participant, name=name, email=email,
                               user=identity.username or get_settings().user)  # fmt: skip
    except LoaderError as exc:
        return LoadOutcome(ok=False, message=str(exc))
    return LoadOutcome(ok=True, message=f"Focal contact of {participant} saved.")


def failed_sign_ins(*, days: int) -> pd.DataFrame:
    """Failed sign-ins of the last ``days`` days, newest first (admins only; empty otherwise)."""
    if not auth.allows(auth.current_identity(), "admin"):
        return pd.DataFrame(columns=["at", "username", "client"])
    since = dt.datetime.now(dt.UTC) - dt.timedelta(days=days)
    rows = roles.failed_sign_ins(engine=engine(), since=since)
    frame = pd.DataFrame(rows, columns=["at", "username", "client"])
    frame["at"] = frame["at"].map(lambda t: t.strftime("%Y-%m-%d %H:%M:%S"))
    return frame
