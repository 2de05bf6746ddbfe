"""``k8sprep stats``: cards by maturity, the activity heatmap and the forecast columns."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import pexpect
import pytest
from typer.testing import CliRunner

from flashcards.cli import app
from flashcards.cli.review_views import stats_lines
from flashcards.schedule.stats import (
    EIGHTHS,
    HEAT,
    WEEKDAYS,
    ReviewRow,
    activity_days,
    column_chart,
    heat_level,
    heatmap,
)
from flashcards.store import Store
from tests.review_helpers import ROOT, k8sprep_env, make_deck, run_k8sprep, write_deck

runner = CliRunner()
TODAY = date(2026, 12, 2)  # a Wednesday
NOW = "2026-12-02T09:30:00"
OLD_KEYS = {
    "today",
    "reviews_per_day",
    "retention",
    "average_easiness",
    "streak",
    "forecast",
    "drill",
}
ANSWERED = ("2026-10-03", "2026-10-04", "2026-10-10", "2026-10-27", "2026-12-01", "2026-12-02")
"""The study days the ``db`` fixture answers on."""


def series(start: date, counts: list[int]) -> list[tuple[date, int]]:
    return [(start + timedelta(days=n), count) for n, count in enumerate(counts)]


# --- the heatmap


def test_activity_days_are_whole_weeks_from_a_monday_to_today() -> None:
    rows = [ReviewRow("c", TODAY, 4, 1, "concept"), ReviewRow("c", TODAY - timedelta(3), 2, 1, "x")]
    days = activity_days(rows, TODAY, weeks=2)
    assert days[0][0] == date(2026, 11, 23) and days[0][0].weekday() == 0
    assert days[-1] == (TODAY, 1) and len(days) == 10
    assert dict(days)[date(2026, 11, 29)] == 1 and sum(n for _, n in days) == 2
    with pytest.raises(ValueError, match="positive"):
        activity_days(rows, TODAY, weeks=0)


def test_heat_levels_are_quarters_of_the_busiest_day() -> None:
    assert [heat_level(n, 8) for n in (0, 1, 2, 3, 4, 5, 6, 7, 8)] == [0, 1, 1, 2, 2, 3, 3, 4, 4]
    assert heat_level(1, 1) == 4 and heat_level(0, 0) == 0


def test_heatmap_is_weeks_by_weekdays() -> None:
    start = date(2026, 11, 16)  # a Monday, 2.5 weeks before TODAY
    counts = [0] * 17
    counts[0], counts[8], counts[16] = 8, 2, 5  # Mon 16, Tue 24, Wed Dec 2
    lines = heatmap(series(start, counts))
    assert len(lines) == 1 + 7 + 1  # months, weekdays, the scale
    assert lines[0].split() == ["Nov", "Dec"]
    assert [line.split()[0] for line in lines[1:8]] == list(WEEKDAYS)
    assert lines[1] == f"Mon {HEAT[4]} · ·"
    assert lines[2] == f"Tue · {HEAT[1]} ·"
    assert lines[3] == f"Wed · · {HEAT[3]}"
    assert lines[4] == "Thu · ·"  # days after today are blank
    assert lines[-1] == "    less · ░ ▒ ▓ █ more (busiest: 8 on Nov 16)"


def test_heatmap_without_answers_has_no_busiest_day() -> None:
    lines = heatmap(series(date(2026, 11, 30), [0, 0, 0]))
    assert lines[1:4] == ["Mon ·", "Tue ·", "Wed ·"] and lines[-1].endswith("more")


# --- the forecast


def test_column_chart_scales_columns_to_the_tallest() -> None:
    lines = column_chart(series(TODAY, [40, 0, 1, 20, 5, 0]), height=4)
    assert len(lines) == 4 + 2  # rows, the axis, the dates
    columns = [line[4::2] for line in lines[:4]]  # after "40 ┤", one cell per day
    assert lines[0].startswith("40 ┤") and lines[4].startswith(" 0 └")
    tallest = "".join(row[0] for row in columns)
    assert tallest == EIGHTHS[-1] * 4
    assert all(row[1:2] in ("", " ") for row in columns)  # zero: no column at all
    assert columns[-1][2] == "▁" and all(row[2:3] in ("", " ") for row in columns[:-1])
    assert "".join(row[3:4] for row in columns).strip() == "██"  # half of the tallest
    assert lines[-1].split() == ["Dec", "2", "Dec", "7"]  # the first day, then Mondays


def test_column_chart_checks_its_input() -> None:
    assert column_chart([]) == []
    with pytest.raises(ValueError):
        column_chart(series(TODAY, [-1]))
    with pytest.raises(ValueError):
        column_chart(series(TODAY, [1]), height=0)


# --- the command


@pytest.fixture
def db(isolated_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Six cards: one mature, one young, one learning, one suspended, two new."""
    monkeypatch.setenv("K8SPREP_NOW", NOW)
    path = isolated_home / "k8sprep.db"
    with Store.open(path) as store:
        store.sync_decks([make_deck(1, "chapter-1", 6)])
        start = TODAY - timedelta(days=60)

        def answer(card: str, offset: int, grade: int) -> None:
            day = start + timedelta(days=offset)
            store.record_review(card, time=datetime(day.year, day.month, day.day, 9), day=day,
                                grade=grade)  # fmt: skip

        for offset in (0, 1, 7, 24):  # intervals 1, 6, 15, then about 40 days
            answer("chapter-1-0", offset, 5)
        answer("chapter-1-1", 59, 4)
        answer("chapter-1-2", 60, 1)
        store.set_suspended("chapter-1-3", True)
    return path


def test_stats_json_keeps_its_keys_and_adds_maturity(db: Path) -> None:
    result = runner.invoke(app, ["stats", "--json"])
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert OLD_KEYS | {"maturity", "leeches", "activity"} == set(report)
    assert report["maturity"] == {
        "new": 2, "learning": 1, "young": 1, "mature": 1, "suspended": 1,
    }  # fmt: skip
    assert report["leeches"] == 0
    assert len(report["reviews_per_day"]) == len(report["forecast"]) == 30
    activity = {day["day"]: day["count"] for day in report["activity"] if day["count"]}
    assert activity == dict.fromkeys(ANSWERED, 1)
    assert report["activity"][-1]["day"] == "2026-12-02"
    assert date.fromisoformat(report["activity"][0]["day"]).weekday() == 0


def test_stats_text_shows_the_heatmap_and_the_forecast(db: Path) -> None:
    result = runner.invoke(app, ["stats"])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Cards: 2 new · 1 learning · 1 young · 1 mature · 1 suspended · 0 leeches"
    assert lines[1] == "Activity (answers per day, last 26 weeks, to 2026-12-02):"
    heat = lines[3:10]
    assert [line.split()[0] for line in heat] == list(WEEKDAYS)
    assert all(len(line.split()) == 27 for line in heat[:3])  # Mon-Wed: 26 weeks
    assert heat[1].split()[-1] == HEAT[4] and heat[2].split()[-1] == HEAT[4]  # Tue, Wed
    assert "Forecast (cards due, next 30 days: 3 in all, 1 today):" in lines
    assert "\x1b" not in result.stdout
    assert len(lines) < 40  # not 60 rows of mostly zeros


def test_a_narrow_terminal_gets_fewer_weeks(db: Path) -> None:
    with Store.open(db) as store:
        from flashcards.cli.review_views import stats_report

        report = stats_report(store.review_facts(), store.scheduled(), TODAY, (),
                              store.maturity_counts(8))  # fmt: skip
    for width in (40, 60, 100):
        lines = stats_lines(report, width)
        heat = [line for line in lines if line.split()[:1] == ["Mon"]]
        assert all(len(line) <= width for line in heat), width
        chart = [line for line in lines if "┤" in line or "└" in line]
        assert all(len(line) <= width for line in chart), width
        cards = [line for line in lines if line.startswith(("Cards: ", "       "))]
        assert all(len(line) <= width for line in cards), width
        assert " · ".join(line.strip() for line in cards) == (
            "Cards: 2 new · 1 learning · 1 young · 1 mature · 1 suspended · 0 leeches"
        )


def spawn_stats(home: Path, **env: str) -> str:
    """``k8sprep stats`` in a real pseudo-terminal: everything it printed."""
    child = pexpect.spawn(
        sys.executable,
        ["-m", "flashcards", "stats"],
        env={**k8sprep_env(home, NOW), **env},
        cwd=str(ROOT),
        encoding="utf-8",
        timeout=60,
        dimensions=(40, 100),
    )
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    return str(child.before)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    folder = write_deck(tmp_path / "decks", make_deck(1, "chapter-1", 2)).parent
    env = k8sprep_env(home, NOW)
    assert run_k8sprep(["import", str(folder)], env=env).returncode == 0
    assert run_k8sprep(["review"], env=env, stdin="5\n5\n").returncode == 0
    return home


def test_a_terminal_gets_colour_unless_no_color(home: Path) -> None:
    coloured = spawn_stats(home, TERM="xterm-256color")
    assert "\x1b[" in coloured and HEAT[4] in coloured
    plain = spawn_stats(home, TERM="xterm-256color", NO_COLOR="1")
    assert "\x1b" not in plain and HEAT[4] in plain
    assert plain.replace("\r\n", "\n") == run_k8sprep(["stats"], env=k8sprep_env(home, NOW)).stdout


def test_stats_on_a_pipe_loads_no_rich(home: Path) -> None:
    code = (
        "import sys; from flashcards.cli import app; sys.argv = ['k8sprep', 'stats']\n"
        "try:\n    app()\nexcept SystemExit:\n    pass\n"
        "print('rich loaded' if 'rich' in sys.modules else 'no rich')"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=k8sprep_env(home, NOW),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "Activity (answers per day" in done.stdout
    assert done.stdout.splitlines()[-1] == "no rich"
