from __future__ import annotations

from datetime import date

import pytest

from server.calendar_ja import fiscal_year, fiscal_year_bounds, fiscal_year_label, format_date, wareki


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2024, 11, 5), "令和6年11月5日"),
        (date(2019, 5, 1), "令和元年5月1日"),
        (date(2019, 4, 30), "平成31年4月30日"),
        (date(1989, 1, 7), "昭和64年1月7日"),
        (date(1989, 1, 8), "平成元年1月8日"),
        (date(1926, 12, 25), "昭和元年12月25日"),
    ],
)
def test_wareki(day: date, expected: str) -> None:
    assert wareki(day) == expected


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (date(2024, 4, 1), 2024),
        (date(2025, 3, 31), 2024),
        (date(2024, 3, 31), 2023),
        (date(2024, 12, 31), 2024),
    ],
)
def test_fiscal_year_runs_april_to_march(day: date, year: int) -> None:
    assert fiscal_year(day) == year


def test_fiscal_year_labels_and_bounds() -> None:
    assert fiscal_year_label(2024) == "令和6年度"
    assert fiscal_year_label(2019) == "令和元年度"
    assert fiscal_year_label(1988) == "昭和63年度"
    assert fiscal_year_label(1989) == "平成元年度"
    assert fiscal_year_label(2024, "en") == "FY2024 (Apr 2024 – Mar 2025)"
    assert fiscal_year_bounds(2024) == (date(2024, 4, 1), date(2025, 3, 31))
    assert format_date(date(2024, 11, 5)) == "令和6年11月5日（2024年）"
    assert format_date(date(2024, 11, 5), "en") == "2024-11-05"
