"""Charts drawn on the server: what a reader (or a screen reader) gets from them."""

from __future__ import annotations

import re

from server.charts import svg, table


def test_a_heat_map_colours_each_cell_against_its_row_s_target_and_writes_the_count() -> None:
    cells = {
        (0, 0): svg.Cell(95.0, 40),  # at or above 90: green
        (0, 1): svg.Cell(89.9, 40),  # below: red
        (1, 0): svg.Cell(50.0, 3, few=True),  # row target 50: green, hatched for few answers
    }
    chart = str(
        svg.heat_map(
            "hm",
            "遵守率 <課別>",
            "説明 & 凡例",
            ["区民課", "保険年金課"],
            ["4月", "5月"],
            cells,
            {0: 90, 1: 50},
        )
    )
    assert 'aria-labelledby="hm-title hm-desc"' in chart
    assert '<title id="hm-title">遵守率 &lt;課別&gt;</title>' in chart and "説明 &amp; 凡例" in chart
    fills = re.findall(r'<rect x="\d+" y="\d+" width="\d+" height="\d+" fill="([^"]+)"/>', chart)
    assert fills == [svg.GOOD, svg.BAD, svg.GOOD, "url(#few)", svg.EMPTY]
    assert re.findall(r">(\d+%)</text>", chart) == ["95%", "90%", "50%"]
    assert re.findall(r">n=(\d+)</text>", chart) == ["40", "40", "3"]
    assert chart.count(">—</text>") == 1  # the cell without answers


def test_a_numbers_table_escapes_text_and_marks_empty_cells() -> None:
    html = str(
        table.data_table(
            ["課", "4月"],
            [("<script>", [table.Figure("85%", "17/20")]), ("区民課", [None]), ("x", ["a & b"])],
        )
    )
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert '<th scope="row">区民課</th><td>—</td>' in html
    assert '<td>85%<br><span class="hint">17/20</span></td>' in html and "a &amp; b" in html
    assert html.count('<th scope="col">') == 2


def test_a_heat_map_row_without_a_target_is_drawn_neutral_not_red() -> None:
    """97% of 29 answers is not a failure when nobody set a target: no red, no green, darker when higher."""
    cells = {(0, 0): svg.Cell(97.0, 29), (0, 1): svg.Cell(40.0, 29), (1, 0): svg.Cell(97.0, 29)}
    chart = str(
        svg.heat_map("h", "t", "d", ["no target", "target 98"], ["4月", "5月"], cells, {0: None, 1: 98.0})
    )
    fills = re.findall(r'<rect x="[\d.]+" y="(\d+)" width="\d+" height="\d+" fill="(#[0-9a-f]{6})"/>', chart)
    first_row = [fill for y, fill in fills if y == "26"]
    assert svg.BAD not in first_row and svg.GOOD not in first_row
    assert first_row == [svg.neutral_shade(97.0), svg.neutral_shade(40.0)]
    assert svg.neutral_shade(97.0) != svg.neutral_shade(40.0)
    assert svg.BAD in [fill for y, fill in fills if y != "26"]  # below its target of 98%
