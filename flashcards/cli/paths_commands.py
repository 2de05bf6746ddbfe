"""``k8sprep paths``: where k8sprep keeps the data directory, database, config and backups."""

from __future__ import annotations

from flashcards.cli.app import app
from flashcards.cli.options import DbOpt, JsonOpt
from flashcards.cli.output import echo, echo_json
from flashcards.files import settings


@app.command()
def paths(json: JsonOpt = False, db: DbOpt = None) -> None:
    """Print the data directory, database, config file and backups folder in use.

    What ``K8SPREP_HOME``, ``K8SPREP_DB`` and ``--db`` point at, or the defaults;
    nothing is created. A database given as a server URL is shown without its password.
    """
    from flashcards.store.connection import shown_url, sqlite_path

    url = settings.database_url(db)
    found = {
        "data_dir": str(settings.data_dir()),
        "database": sqlite_path(url) or shown_url(url),
        "config": str(settings.config_path()),
        "backups": str(settings.backups_dir()),
    }
    if json:
        echo_json(found)
        return
    labels = {
        "data_dir": "data directory",
        "database": "database",
        "config": "config file",
        "backups": "backups",
    }
    for key, value in found.items():
        echo(f"{labels[key]:<15} {value}")
