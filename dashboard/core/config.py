"""One settings object read from environment variables, each with a default and a help string."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = PROJECT_ROOT / "data"
DEFAULT_DB_PATH = PROJECT_ROOT / "var" / "rtop.sqlite"


@dataclass(frozen=True)
class Setting:
    """An environment variable the app reads, with its default and what it is for."""

    name: str
    default: str
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "RTOP_DATABASE_URL",
        f"sqlite:///{DEFAULT_DB_PATH}",
        "SQLAlchemy URL of the database (SQLite file by default; postgresql+psycopg://... works).",
    ),
    Setting("RTOP_DATA_DIR", str(DATA_DIR), "Folder with reference/, evidence/ and geo/ data."),
    Setting("RTOP_SAMPLE_SEED", "20110602", "Seed of the deterministic synthetic sample dataset."),
    Setting(
        "RTOP_SAMPLE_TO_YEAR",
        "",
        "Last year of the synthetic sample (default: the current year).",
    ),
    Setting("RTOP_CHROMIUM", "/usr/bin/chromium", "Chromium used by kaleido and browser tests."),
    Setting(
        "RTOP_USER",
        "",
        "Name recorded on load runs made from the command line (default: the OS user).",
    ),
    Setting(
        "RTOP_REVIEW",
        "",
        "'required': loads made in the app wait for a reviewer; 'off': they publish at once "
        "(default: required once any account exists, off before).",
    ),
    Setting(
        "RTOP_REQUIRE_LOGIN",
        "0",
        "1: visitors must sign in to see anything (default 0: anonymous visitors are viewers).",
    ),
    Setting(
        "RTOP_CORS_ORIGINS",
        "",
        "Web origins (comma-separated, e.g. https://partner.example.org) whose pages may read "
        "the data routes from the browser (default: none, CORS closed).",
    ),
    Setting(
        "RTOP_PUBLIC_URL",
        "",
        "The dashboard's public address (e.g. https://rtop.example.org), used in 'Cite this "
        "view', download bundles and briefing packs (default: none; a citation then gives the "
        "address the browser used, and a pack no link).",
    ),
    Setting(
        "RTOP_ADDRESS",
        "127.0.0.1",
        "Address `make run` serves on (default: this machine only; 0.0.0.0 serves the network).",
    ),
)


def _env(name: str) -> str:
    for s in SETTINGS:
        if s.name == name:
            return os.environ.get(name) or s.default
    raise KeyError(name)


@dataclass(frozen=True)
class Settings:
    """The values in force, read once from the environment."""

    database_url: str = field(default_factory=lambda: _env("RTOP_DATABASE_URL"))
    data_dir: Path = field(default_factory=lambda: Path(_env("RTOP_DATA_DIR")))
    sample_seed: int = field(default_factory=lambda: int(_env("RTOP_SAMPLE_SEED")))
    sample_to_year: int | None = field(
        default_factory=lambda: int(v) if (v := _env("RTOP_SAMPLE_TO_YEAR")) else None
    )
    chromium: str = field(default_factory=lambda: _env("RTOP_CHROMIUM"))
    user: str = field(
        default_factory=lambda: _env("RTOP_USER") or os.environ.get("USER", "") or "unknown"
    )
    review: str = field(default_factory=lambda: _env("RTOP_REVIEW").strip().lower())
    require_login: bool = field(
        default_factory=lambda: _env("RTOP_REQUIRE_LOGIN").strip().lower() in ("1", "true", "yes")
    )
    address: str = field(default_factory=lambda: _env("RTOP_ADDRESS"))
    public_url: str = field(default_factory=lambda: _env("RTOP_PUBLIC_URL").strip().rstrip("/"))
    cors_origins: tuple[str, ...] = field(
        default_factory=lambda: tuple(
            o.strip().rstrip("/") for o in _env("RTOP_CORS_ORIGINS").split(",") if o.strip()
        )
    )


def get_settings() -> Settings:
    """Read the settings from the environment now (cheap; call where needed)."""
    return Settings()
