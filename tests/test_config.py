"""The TOML config: defaults, overrides, and one-line errors with file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from flashcards.errors import ConfigError
from flashcards.files.settings import load_config
from flashcards.schedule.config import Config, parse_config


def test_missing_file_means_defaults(tmp_path: Path) -> None:
    assert load_config(tmp_path / "config.toml") == Config(20, 200, 4)


def test_values_and_overrides(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("# limits\nnew_per_day = 5\nreviews_per_day = 50\nrollover_hour = 3\n")
    config = load_config(path)
    assert config == Config(new_per_day=5, reviews_per_day=50, rollover_hour=3)
    assert config.with_overrides(new=0, limit=None) == Config(0, 50, 3)
    assert config.with_overrides(limit=7).reviews_per_day == 7


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("new_per_day = 5\nnew_per_dya = 3\n", "cfg.toml:2: unknown setting 'new_per_dya'"),
        (
            "\nrollover_hour = 24\n",
            "cfg.toml:2: rollover_hour must be a whole number from 0 to 23, got 24",
        ),
        ("reviews_per_day = -1\n", "cfg.toml:1: reviews_per_day must be a whole number from 0"),
        ('new_per_day = "ten"\n', "cfg.toml:1: new_per_day must be a whole number from 0"),
        ("new_per_day = true\n", "cfg.toml:1: new_per_day must be a whole number from 0"),
        ("new_per_day = \n", "cfg.toml:1: invalid TOML: "),
        ("[review]\nnew_per_day = 3\n", "cfg.toml:1: unknown setting 'review'"),
    ],
)
def test_bad_config_is_a_located_error(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, "cfg.toml")
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


def test_unreadable_config(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b"new_per_day = 3\n\xff\xfe")
    with pytest.raises(ConfigError, match="cannot read config"):
        load_config(path)


def test_grading_is_sm2_by_default_or_anki() -> None:
    assert Config().grading == "sm2"
    assert parse_config('grading = "anki"\n').grading == "anki"
    with pytest.raises(ConfigError, match=r"^c.toml:2: grading must be \"sm2\" or \"anki\""):
        parse_config('new_per_day = 3\ngrading = "Anki"\n', "c.toml")
