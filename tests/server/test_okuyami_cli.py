"""``madoguchi okuyami plan``: the desk's procedure list from an intake file, as a real process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]

WIDOW = {
    "deceased": {
        "date_of_birth": "1944-03-10",
        "date_of_death": "2026-10-20",
        "health_insurance": "kouki",
        "is_householder": True,
    },
    "household": {"remaining_members": 2, "remaining_members_aged_15_plus": 1},
    "pension": {"receiving": "kosei"},
    "survivors": {"financially_dependent_family": "unknown"},
    "cards": {"mynumber_card": True},
}


def plan(
    tmp_path: Path, intake: Any, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    file = tmp_path / "intake.json"
    file.write_text(
        intake if isinstance(intake, str) else json.dumps(intake, ensure_ascii=False), encoding="utf-8"
    )
    # The operator's own setting must not leak into the test; env supplies it where a test wants it.
    inherited = {k: v for k, v in os.environ.items() if k != "OKUYAMI_HOUSEHOLD_HEAD_MODE"}
    environment = {**inherited, "DATA_DIR": str(tmp_path / "var"), "SECRET_KEY": "k" * 40, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "server", "okuyami", "plan", str(file), *args],
        cwd=ROOT,
        env=environment,
        text=True,
        capture_output=True,
        timeout=120,
    )


def test_plan_prints_the_three_sorted_lists(tmp_path: Path) -> None:
    result = plan(tmp_path, WIDOW)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "municipal": ["kaigo_loss", "kouki_funeral_allowance", "kouki_loss", "mynumber_card_return"],
        "external": ["pension_death_report_employee"],
        "to_confirm": ["survivor_employee_pension"],
    }
    assert list(json.loads(result.stdout)) == ["municipal", "external", "to_confirm"]


def test_the_rule_mode_comes_from_the_option_or_the_setting(tmp_path: Path) -> None:
    by_option = plan(tmp_path, WIDOW, "--rule-mode", "kawasaki_simple")
    assert "household_head_change" in json.loads(by_option.stdout)["municipal"]
    by_setting = plan(tmp_path, WIDOW, env={"OKUYAMI_HOUSEHOLD_HEAD_MODE": "kawasaki_simple"})
    assert "household_head_change" in json.loads(by_setting.stdout)["municipal"]
    option_wins = plan(
        tmp_path,
        WIDOW,
        "--rule-mode",
        "refined_15plus",
        env={"OKUYAMI_HOUSEHOLD_HEAD_MODE": "kawasaki_simple"},
    )
    assert "household_head_change" not in json.loads(option_wins.stdout)["municipal"]
    wrong = plan(tmp_path, WIDOW, "--rule-mode", "loose")
    assert wrong.returncode == 2 and "invalid choice: 'loose'" in wrong.stderr


def test_dotted_keys_and_defaults_give_the_same_plan(tmp_path: Path) -> None:
    flat = {
        "deceased.date_of_birth": "1944-03-10",
        "deceased.date_of_death": "2026-10-20",
        "deceased.health_insurance": "kouki",
    }
    result = plan(tmp_path, flat)
    assert json.loads(result.stdout) == {
        "municipal": ["kaigo_loss", "kouki_funeral_allowance", "kouki_loss"],
        "external": [],
        "to_confirm": [],
    }


def _with(path: str, value: object) -> dict[str, Any]:
    intake = json.loads(json.dumps(WIDOW))
    group, name = path.split(".")
    intake.setdefault(group, {})[name] = value
    return intake


@pytest.mark.parametrize(
    ("intake", "expected"),
    [
        ('{"deceased": {"date_of_birth": "1944-03-10",', "is not valid JSON (line 1"),
        ("[1, 2]", "must hold one JSON object"),
        (
            _with("deceased.date_of_death", "2026-02-30"),
            "deceased.date_of_death: This is not a real date",
        ),
        (
            _with("deceased.date_of_death", "1940-01-01"),
            "deceased.date_of_death: The date of death is before",
        ),
        (
            _with("deceased.date_of_death", "2099-01-01"),
            "deceased.date_of_death: The date of death is in the future",
        ),
        (_with("deceased.shoe_size", 27), "deceased.shoe_size: This is not a question of the intake."),
        (
            _with("pension.receiving", "lots"),
            "pension.receiving: This is not one of the choices. (got 'lots'; one of none, kokumin_only",
        ),
        (
            _with("household.remaining_members", -1),
            "household.remaining_members: Enter a number of people from 0 to 99",
        ),
        (
            _with("deceased.my_number", "123456789012"),
            "deceased.my_number: My Number digits are not collected.",
        ),
    ],
)
def test_bad_input_exits_with_2_and_names_the_field(tmp_path: Path, intake: Any, expected: str) -> None:
    result = plan(tmp_path, intake)
    assert result.returncode == 2, result.stdout
    assert expected in result.stderr and result.stdout == ""


def test_a_missing_file_is_explained(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "server", "okuyami", "plan", str(tmp_path / "nothing.json")],
        cwd=ROOT,
        env={**os.environ, "DATA_DIR": str(tmp_path), "SECRET_KEY": "k" * 40},
        text=True,
        capture_output=True,
        timeout=120,
    )
    assert result.returncode == 2 and "cannot read" in result.stderr


def test_purge_runs_on_a_fresh_database_and_says_what_it_did(tmp_path: Path) -> None:
    env = {**os.environ, "DATA_DIR": str(tmp_path), "DATABASE_URL": "", "SECRET_KEY": "k" * 40}
    run = [sys.executable, "-m", "server"]
    assert (
        subprocess.run([*run, "migrate"], cwd=ROOT, env=env, capture_output=True, timeout=120).returncode == 0
    )
    result = subprocess.run(
        [*run, "okuyami", "purge"], cwd=ROOT, env=env, text=True, capture_output=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "Purged the personal data of 0 closed bereavement case(s)." in result.stdout
