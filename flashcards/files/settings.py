"""Where k8sprep keeps things and what time it is: the edge that reads the
environment, so the pure core never has to.

- ``K8SPREP_HOME``: the data directory (default: the platform's app dir).
- ``K8SPREP_DB``: a database file path or any SQLAlchemy URL.
- ``K8SPREP_NOW``: ISO 8601 local time that every command takes as "now"; a date
  alone (``2026-12-13``) is the start of that date's study day.
"""

from __future__ import annotations

import os
import re
from datetime import datetime, timedelta
from pathlib import Path

from flashcards.errors import ConfigError, K8sprepError, StoreError
from flashcards.files.reading import MiB, read_regular_file
from flashcards.schedule.config import Config, parse_config

APP_NAME = "k8sprep"
EARLIEST_NOW = datetime(1970, 1, 2)
LATEST_NOW = datetime(9000, 1, 1)
"""``K8SPREP_NOW`` must lie between these: every date the commands derive from "now"
(yesterday's study day, a 30-day forecast, intervals of years) stays a real date."""
DB_FILENAME = "k8sprep.db"
CONFIG_FILENAME = "config.toml"
MAX_CONFIG_BYTES = 1 * MiB
_DATE_ALONE = re.compile(r"[0-9]{4}-?[0-9]{2}-?[0-9]{2}")


def data_dir() -> Path:
    """The data directory: ``$K8SPREP_HOME`` or the platform's app dir."""
    home = os.environ.get("K8SPREP_HOME")
    if home:
        return Path(home).expanduser()
    import typer  # deferred: only needed when no override is set

    return Path(typer.get_app_dir(APP_NAME))


def backups_dir() -> Path:
    """Where ``backup`` and schema upgrades keep copies of the database."""
    return data_dir() / "backups"


def config_path() -> Path:
    """The TOML config file (limits such as ``new_per_day``)."""
    return data_dir() / CONFIG_FILENAME


def load_config(path: Path) -> Config:
    """The config at ``path``; the defaults when there is no such file.

    Raises:
        ConfigError: the file cannot be read or is invalid.
    """
    try:
        text = read_regular_file(path, MAX_CONFIG_BYTES).decode("utf-8")
    except FileNotFoundError:
        return Config()
    except OSError as error:
        raise ConfigError(
            f"cannot read config: {error.strerror or error}", path=str(path)
        ) from None
    except UnicodeDecodeError as error:
        raise ConfigError(f"cannot read config: {error}", path=str(path)) from None
    return parse_config(text, str(path))


def database_url(db: str | None = None) -> str:
    """The SQLAlchemy URL to use: ``--db``, else ``$K8SPREP_DB``, else the default file.

    A plain path becomes an SQLite URL; anything with ``://`` is taken as a URL.

    Raises:
        StoreError: a path the user named lies in a folder that does not exist. A
            typo there would otherwise start a fresh, empty history in a new folder;
            only the default data directory is created on first use.
    """
    chosen = db or os.environ.get("K8SPREP_DB")
    if chosen and "://" in chosen:
        return chosen
    if not chosen:
        return f"sqlite:///{(data_dir() / DB_FILENAME).expanduser().resolve()}"
    path = Path(chosen).expanduser()
    if not path.parent.is_dir():
        raise StoreError(f"{path}: folder {path.parent} does not exist")
    return f"sqlite:///{path.resolve()}"


def now() -> datetime:
    """Local "now" as a naive datetime: ``$K8SPREP_NOW`` when set, else the clock."""
    fixed = os.environ.get("K8SPREP_NOW")
    if not fixed:
        return datetime.now()
    try:
        moment = datetime.fromisoformat(fixed)
        if _DATE_ALONE.fullmatch(fixed.strip()):
            # A date means that date's study day: its start (the rollover hour), not
            # midnight, which lies in the study day before.
            moment = moment.replace(hour=load_config(config_path()).rollover_hour)
    except ValueError:
        raise K8sprepError(
            f"K8SPREP_NOW={fixed!r} is not an ISO 8601 time (e.g. 2026-11-26T09:30)"
        ) from None
    if not EARLIEST_NOW <= moment.replace(tzinfo=None) < LATEST_NOW - timedelta(days=1):
        raise K8sprepError(
            f"K8SPREP_NOW={fixed!r} is out of range: use a time from "
            f"{EARLIEST_NOW.year} to {LATEST_NOW.year - 1}"
        )
    if moment.tzinfo is not None:  # an offset is converted to this machine's local time
        moment = moment.astimezone().replace(tzinfo=None)
    return moment


def bundled_decks_dir() -> Path:
    """The decks that ship with k8sprep (wheel package data, or the checkout's ``decks/``)."""
    return _bundled("decks")


def _bundled(name: str) -> Path:
    from importlib import resources  # imports tempfile and more: only when decks are needed

    packaged = Path(str(resources.files("flashcards"))) / "_bundled" / name
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / name
