"""Engine creation and schema migration (Alembic), for SQLite files and PostgreSQL alike."""

from __future__ import annotations

import ast
import functools
from pathlib import Path
from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, create_engine

from dashboard.core import models

LOCK_WAIT_SECONDS = 60.0
MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "loaders" / "migrations"


def make_engine(*, url: str) -> Engine:
    """Create an engine; SQLite files get their folder created and foreign keys switched on."""
    parsed = make_url(url)
    kwargs: dict[str, Any] = {}
    if parsed.get_backend_name() == "sqlite":
        if (
            parsed.database
            and parsed.database != ":memory:"
            and not parsed.database.startswith("file:")
        ):
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        # A writer waits this long for another's lock (loaders/locks.py) before giving up.
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": LOCK_WAIT_SECONDS}
    engine = create_engine(url, **kwargs)
    if parsed.get_backend_name() == "sqlite":

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

    return engine


def alembic_config(*, engine: Engine) -> Any:
    """An Alembic config pointing at the project's migrations and the given engine."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    cfg.attributes["engine"] = engine
    return cfg


def migrate(*, engine: Engine) -> None:
    """Create or upgrade the schema to the newest migration."""
    from alembic import command

    command.upgrade(alembic_config(engine=engine), "head")


@functools.cache
def head_revision() -> str:
    """The newest migration this code knows (the schema it reads and writes)."""
    return migrations_head(directory=MIGRATIONS_DIR / "versions")


def _assignments(*, source: str, names: tuple[str, ...]) -> dict[str, Any]:
    """The literal values given to `names` at the top level of a Python source."""
    found: dict[str, Any] = {}
    for node in ast.parse(source).body:
        target: ast.expr
        if isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        elif isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        else:
            continue
        if isinstance(target, ast.Name) and target.id in names:
            found[target.id] = ast.literal_eval(value)
    return found


def migrations_head(*, directory: Path) -> str:
    """The one revision of a folder of migration files that no other revises.

    Read from the files' ``revision`` and ``down_revision`` assignments rather than through
    Alembic's ScriptDirectory: importing Alembic (with Mako and Pygments) cost a page's first
    run 0.2 s. A test checks it against Alembic's own answer.
    """
    revisions: dict[str, Any] = {}
    for path in sorted(directory.glob("*.py")):
        found = _assignments(
            source=path.read_text(encoding="utf-8"), names=("revision", "down_revision")
        )
        if "revision" in found:
            revisions[str(found["revision"])] = found.get("down_revision")
    parents: set[str] = set()
    for down in revisions.values():
        parents.update([down] if isinstance(down, str) else (down or ()))
    heads = sorted(rev for rev in revisions if rev not in parents)
    if len(heads) != 1:
        raise RuntimeError(f"{directory} has {len(heads)} migration heads ({heads}), not one")
    return heads[0]


def schema_revision(*, engine: Engine) -> str | None:
    """The migration the database was last upgraded to (None: not made by Alembic)."""
    from sqlalchemy import inspect, text

    if not inspect(engine).has_table("alembic_version"):
        return None
    with engine.connect() as conn:
        found = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return None if found is None else str(found)


def is_initialised(*, engine: Engine) -> bool:
    """True when the schema exists and the reference participants are loaded."""
    from sqlalchemy import inspect

    if not inspect(engine).has_table("participant"):
        return False
    with Session(engine) as s:
        return bool(s.scalar(select(func.count()).select_from(models.Participant)))


def data_version(*, engine: Engine) -> str:
    """A cheap token that changes whenever data change (every accepted write records a load run)."""
    from sqlalchemy import inspect

    if not inspect(engine).has_table("load_run"):
        return "empty"
    runs_table = models.LoadRun.__table__  # type: ignore[attr-defined]
    ok = (runs_table.c.status == "ok") & (runs_table.c.review_state == "published")
    stmt = select(func.max(runs_table.c.id), func.max(runs_table.c.finished_at)).where(ok)
    with engine.connect() as conn:
        runs, last = conn.execute(stmt).one()
    return f"{engine.url.render_as_string()}:{runs or 0}:{last}"
