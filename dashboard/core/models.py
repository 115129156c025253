"""SQLModel tables: frameworks and their items, participants, indicators, observations, events."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, Index, LargeBinary, Table, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

STATUS_LABELS: dict[int, str] = {
    0: "Not started",
    1: "Under consideration",
    2: "Initiated",
    3: "Substantial progress",
    4: "Implemented",
}
NO_DATA = "No data"
PRECISIONS = ("year", "month", "day")
FIRST_YEAR = 2005  # the first year of every yearly panel
RECOMMENDATIONS = tuple(f"R{i}" for i in range(1, 13))
PILLARS = (1, 2, 3)


def this_year() -> int:
    """The current calendar year (the last year of every yearly panel)."""
    return dt.date.today().year


def table(model: type) -> Table:
    """The Core table of a SQLModel class, whose typed columns build queries."""
    result: Table = model.__table__  # type: ignore[attr-defined]
    return result


class Pillar(SQLModel, table=True):
    """One of the three RtoP pillars."""

    number: int = Field(primary_key=True)
    short_name: str
    meaning: str
    source_code: str = ""


class Framework(SQLModel, table=True):
    """A set of items progress is tracked against (CSCAP Memo 18, the 2011 SG report, ...)."""

    code: str = Field(primary_key=True, max_length=32)
    title: str
    publisher: str = ""
    date: str = ""
    source_code: str = ""


class FrameworkItem(SQLModel, table=True):
    """A recommendation, sub-item, next step or role; sub-items point to their parent."""

    __tablename__ = "framework_item"

    code: str = Field(primary_key=True, max_length=32)
    framework_code: str = Field(foreign_key="framework.code", index=True, max_length=32)
    parent_code: str | None = Field(default=None, foreign_key="framework_item.code", max_length=32)
    ordinal: int = 0
    kind: str = Field(max_length=32)
    addressee: str = ""
    level: str = Field(default="participant", max_length=16)
    short_name: str
    text: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    source_code: str = ""


class ItemPillar(SQLModel, table=True):
    """Links an item to a pillar, as primary or secondary, with the reason."""

    __tablename__ = "item_pillar"

    item_code: str = Field(foreign_key="framework_item.code", primary_key=True, max_length=32)
    pillar: int = Field(foreign_key="pillar.number", primary_key=True)
    role: str = Field(max_length=16)
    rationale: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    source_code: str = ""


class ItemLink(SQLModel, table=True):
    """Links items of two frameworks (an SG-report role addressed by a CSCAP recommendation)."""

    __tablename__ = "item_link"

    from_item: str = Field(foreign_key="framework_item.code", primary_key=True, max_length=32)
    to_item: str = Field(foreign_key="framework_item.code", primary_key=True, max_length=32)
    relation: str = Field(default="addresses", max_length=32)
    rationale: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    source_code: str = ""


class Participant(SQLModel, table=True):
    """An ARF participant: a State or a regional organisation."""

    code: str = Field(primary_key=True, max_length=8)
    name: str
    kind: str = Field(default="State", max_length=32)
    grouping: str = Field(default="", max_length=32)
    arf_joined: int | None = None
    lat: float | None = None
    lon: float | None = None
    source_code: str = ""


class ParticipantAlias(SQLModel, table=True):
    """Another way people write a participant's name (matched case-insensitively)."""

    __tablename__ = "participant_alias"

    alias: str = Field(primary_key=True, max_length=128)
    participant_code: str = Field(foreign_key="participant.code", max_length=8)


class Group(SQLModel, table=True):
    """A grouping with dated memberships (ARF, ASEAN, CSCAP)."""

    __tablename__ = "participant_group"

    code: str = Field(primary_key=True, max_length=16)
    name: str
    source_code: str = ""


class Membership(SQLModel, table=True):
    """A participant's membership of a group, with the dates known."""

    group_code: str = Field(foreign_key="participant_group.code", primary_key=True, max_length=16)
    participant_code: str = Field(foreign_key="participant.code", primary_key=True, max_length=8)
    joined: str = ""
    left: str = ""
    as_of: str = ""  # when the membership was observed, where no joining date is known
    source_code: str = ""


class Source(SQLModel, table=True):
    """Where a figure comes from; synthetic sources are sample data and say so everywhere."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=200)
    title: str
    publisher: str = ""
    date: str = ""
    url: str = ""
    seed_file: str = ""
    accessed: str = ""  # the date someone read the source (YYYY-MM-DD)
    synthetic: bool = False


class Indicator(SQLModel, table=True):
    """A measurable sign of progress on an item, with the thresholds that turn it into a status."""

    code: str = Field(primary_key=True, max_length=32)
    item_code: str = Field(foreign_key="framework_item.code", index=True, max_length=32)
    name: str
    description: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    level: str = Field(default="participant", max_length=16)
    value_type: str = Field(max_length=16)
    unit: str = ""
    levels: str = ""
    thresholds: str = ""
    measure: str = Field(default="stock", max_length=8)  # stock (a state) or flow (in a year)
    window_years: int | None = None  # flows: years an observation counts (its own and next)
    stale_after_years: int | None = None  # stocks: older than this is marked stale
    source_code: str = ""


class LoadRun(SQLModel, table=True):
    """One attempt to load a file: what it was, what happened, and every error found."""

    __tablename__ = "load_run"

    id: int | None = Field(default=None, primary_key=True)
    file_name: str  # as shown: cleaned of control characters and markup (loaders/names.py)
    # The name the client gave, when it differed: data only, never shown.
    original_name: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    sha256: str = Field(default="", max_length=64)
    kind: str = Field(default="", max_length=32)
    file_format: str = Field(default="", max_length=16)
    rows_read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    status: str = Field(default="ok", max_length=16)
    errors: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    started_at: dt.datetime
    finished_at: dt.datetime | None = None
    user: str = ""
    # Review (issue 8): a run made in the app with review on is "pending" until a reviewer
    # publishes or declines it; CLI runs and runs made with review off are "published".
    review_state: str = Field(default="published", max_length=16, index=True)
    reviewed_by: str = ""
    reviewed_at: dt.datetime | None = None
    review_comment: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    undoes_run_id: int | None = None  # this run reverted that one
    undone_by_run_id: int | None = None  # this run was reverted by that one
    # Collection (issue 18): whose rows a submission holds ("VNM;THA", "ARF" for the region),
    # so a collection round can say who has submitted; and when a reviewer first opened it.
    owners: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    review_opened_by: str = ""
    review_opened_at: dt.datetime | None = None


REVIEW_STATES = ("published", "pending", "declined")


class DataChange(SQLModel, table=True):
    """One change a load run made to one observation, assessment or event (the history).

    ``row_key`` is the row's identity as JSON (participant, code, date, source id; for events
    date, title, source id), which survives deletes and re-inserts; ``before``/``after`` hold the
    row's stored fields as JSON (null for an insert's before and a delete's after).
    """

    __tablename__ = "data_change"
    # Only the run is indexed: history is read run by run, and every index would cost each
    # bulk load; lookups by row or participant (an undo's refusal, a history filter) scan.

    id: int | None = Field(default=None, primary_key=True)
    load_run_id: int = Field(foreign_key="load_run.id", index=True)
    entity: str = Field(max_length=16)  # observation | assessment | event
    op: str = Field(max_length=8)  # insert | update | delete
    row_id: int
    row_key: str = Field(sa_column=Column(Text, nullable=False))
    participant_code: str | None = Field(default=None, max_length=8)
    code: str | None = Field(default=None, max_length=32)
    date: dt.date | None = None
    before: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    after: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class PendingFile(SQLModel, table=True):
    """The bytes of a load waiting for review; publishing loads them, declining keeps them."""

    __tablename__ = "pending_file"

    load_run_id: int = Field(foreign_key="load_run.id", primary_key=True)
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


# A contributor (issue 18) submits evidence for the participants of their scope only, and
# everything they send waits for a reviewer.
ROLES = ("viewer", "contributor", "editor", "reviewer", "admin")


class AppUser(SQLModel, table=True):
    """An account: a local one (Argon2 password hash) or an OpenID Connect one (by e-mail)."""

    __tablename__ = "app_user"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, unique=True)
    email: str = Field(default="", max_length=254, index=True)
    display_name: str = ""
    role: str = Field(default="viewer", max_length=16)
    password_hash: str = ""  # empty for accounts that sign in through the identity provider
    active: bool = True
    created_at: dt.datetime
    # A contributor's scope: participant codes ("VNM;THA"; "ARF" for the region's own).
    participants: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))


class ReadToken(SQLModel, table=True):
    """A read token for the open-data routes (/api/v1/, needed when RTOP_REQUIRE_LOGIN=1): its
    name, the SHA-256 of the token (the token is shown once, when issued, and never stored),
    who issued it and when, when it was revoked, and its use (the one thing a route writes)."""

    __tablename__ = "read_token"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=64, index=True)  # one active token per name (loaders/tokens.py)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: dt.datetime
    created_by: str = Field(default="", max_length=120)
    revoked_at: dt.datetime | None = None
    last_used_at: dt.datetime | None = None
    uses: int = 0


class SignInAttempt(SQLModel, table=True):
    """One sign-in with a local password: who (user name as typed, lower-cased), from where (the
    browser's address as the server saw it), when, and whether it succeeded. Read by every app
    process to slow down guessing (dashboard.core.roles.sign_in_wait); listed for admins."""

    __tablename__ = "sign_in_attempt"
    __table_args__ = (
        Index("ix_sign_in_attempt_user_at", "username", "at"),
        Index("ix_sign_in_attempt_client_at", "client", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64)
    client: str = Field(default="", max_length=64)
    at: dt.datetime
    ok: bool


class CollectionRound(SQLModel, table=True):
    """A collection round: evidence asked of every participant by a due date (issue 18)."""

    __tablename__ = "collection_round"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120, unique=True)
    opened_at: dt.datetime
    due: dt.date
    closed_at: dt.datetime | None = None
    opened_by: str = ""
    note: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))


class ParticipantContact(SQLModel, table=True):
    """Who answers for a participant in a collection round (kept by admins; nothing is sent
    from the app: an organiser copies the address into a message)."""

    __tablename__ = "participant_contact"

    participant_code: str = Field(foreign_key="participant.code", primary_key=True, max_length=8)
    name: str = Field(default="", max_length=200)
    email: str = Field(default="", max_length=254)
    updated_at: dt.datetime
    updated_by: str = ""


class Observation(SQLModel, table=True):
    """A dated value of an indicator for a participant, or for the region (participant null)."""

    __table_args__ = (
        UniqueConstraint("participant_code", "indicator_code", "date", "source_id", name="uq_obs"),
        Index("ix_observation_indicator_date", "indicator_code", "date"),
    )

    id: int | None = Field(default=None, primary_key=True)
    # No index of its own on participant_code (uq_obs starts with it) or source_id: each index
    # costs every bulk load, and these lookups are rare (migration 0005).
    participant_code: str | None = Field(default=None, foreign_key="participant.code", max_length=8)
    indicator_code: str = Field(foreign_key="indicator.code", max_length=32)
    date: dt.date
    precision: str = Field(default="year", max_length=8)
    value: float
    source_id: int = Field(foreign_key="source.id")
    note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    synthetic: bool = Field(default=False, index=True)
    load_run_id: int | None = Field(default=None, foreign_key="load_run.id")


class Assessment(SQLModel, table=True):
    """An expert-assessed status of a participant (or the region) on an item; overrides the rule."""

    __table_args__ = (
        UniqueConstraint("participant_code", "item_code", "date", "source_id", name="uq_assess"),
    )

    id: int | None = Field(default=None, primary_key=True)
    participant_code: str | None = Field(
        default=None, foreign_key="participant.code", index=True, max_length=8
    )
    item_code: str = Field(foreign_key="framework_item.code", max_length=32)
    date: dt.date
    precision: str = Field(default="year", max_length=8)
    status: int
    source_id: int = Field(foreign_key="source.id")
    assessor: str = ""
    rationale: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    synthetic: bool = False
    load_run_id: int | None = Field(default=None, foreign_key="load_run.id")


class Event(SQLModel, table=True):
    """A dated event (a decision, report, dialogue, commitment), with its date's precision."""

    __table_args__ = (UniqueConstraint("date", "title", "source_id", name="uq_event"),)

    id: int | None = Field(default=None, primary_key=True)
    date: dt.date = Field(index=True)
    precision: str = Field(default="day", max_length=8)
    end_date: dt.date | None = None
    title: str
    kind: str = Field(default="", max_length=32)
    description: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    url: str = ""
    source_id: int = Field(foreign_key="source.id")
    synthetic: bool = False
    load_run_id: int | None = Field(default=None, foreign_key="load_run.id")


class EventParticipant(SQLModel, table=True):
    """Which participants an event involves."""

    __tablename__ = "event_participant"

    event_id: int = Field(foreign_key="event.id", primary_key=True)
    participant_code: str = Field(foreign_key="participant.code", primary_key=True, max_length=8)


class EventItem(SQLModel, table=True):
    """Which framework items an event bears on."""

    __tablename__ = "event_item"

    event_id: int = Field(foreign_key="event.id", primary_key=True)
    item_code: str = Field(foreign_key="framework_item.code", primary_key=True, max_length=32)


class EventPillar(SQLModel, table=True):
    """Which pillars an event bears on."""

    __tablename__ = "event_pillar"

    event_id: int = Field(foreign_key="event.id", primary_key=True)
    pillar: int = Field(foreign_key="pillar.number", primary_key=True)


# ---------------------------------------------------------------- read model
# What the pages read, kept current by the loaders inside each write's transaction (see
# dashboard/core/readmodel.py). ``sample`` tells the two variants apart: computed from documented
# rows only (False) or with the synthetic sample included (True). The region is owner "ARF".


class ReadIndicatorYear(SQLModel, table=True):
    """Read model: an indicator's current value and status for one owner and year."""

    __tablename__ = "read_indicator_year"
    __table_args__ = (
        Index("ix_read_indicator_scope", "sample", "participant_code", "recommendation"),
        Index("ix_read_indicator_year", "sample", "year"),
    )

    sample: bool = Field(primary_key=True)
    participant_code: str = Field(primary_key=True, max_length=8)
    indicator_code: str = Field(primary_key=True, max_length=32)
    year: int = Field(primary_key=True)
    recommendation: str = Field(max_length=32)
    date: dt.date
    value: float
    synthetic: bool
    source: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    age: int
    stale: bool
    ind_status: int


class ReadCellYear(SQLModel, table=True):
    """Read model: the result of one recommendation for one owner and year, under the rule."""

    __tablename__ = "read_cell_year"

    sample: bool = Field(primary_key=True)
    participant_code: str = Field(primary_key=True, max_length=8)
    recommendation: str = Field(primary_key=True, max_length=32)
    year: int = Field(primary_key=True)
    result: str = Field(max_length=24)
    status: float | None = None
    basis: str = Field(max_length=16)
    computed_status: float | None = None
    computed_result: str = Field(max_length=24)
    last_date: dt.date | None = None
    n_indicators: int
    n_expected: int
    coverage: float
    stale: bool
    n_stale: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    last_known: float | None = None  # the stale evidence's status when result is stale evidence
    synthetic: bool
    sources: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    assessor: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    rationale: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))


class ReadModelState(SQLModel, table=True):
    """What the read model was built for; a different key means it must be rebuilt."""

    __tablename__ = "read_model_state"

    id: int = Field(default=1, primary_key=True)
    key: str = Field(max_length=64)  # rule version, years and indicator catalogue, hashed
    rule_version: str = Field(max_length=16)
    first_year: int
    last_year: int
    built_at: dt.datetime
    refreshed_at: dt.datetime
