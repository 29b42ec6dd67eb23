"""The applies-when language: parsing, precedence, three-valued evaluation and rejected rules."""

from __future__ import annotations

import copy
import json
import re
from datetime import date
from typing import Any

import pytest

from server.okuyami.catalogue import DATA_FILE, CatalogueError, build, load
from server.okuyami.intake import kaigo_category1, sixty_fifth_birthday_eve
from server.okuyami.rules import UNKNOWN, RuleError, Truth, Value, check, evaluate, parse

TYPES: dict[str, Any] = {
    "a": bool,
    "b": bool,
    "c": bool,
    "n": int,
    "kind": ("x", "y", "z"),
}


def run(source: str, **answers: Value) -> Truth:
    node = parse(source)
    check(node, TYPES.__getitem__)
    return evaluate(node, answers)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # and binds tighter than or: true or (false and false)
        ("a or b and c", True),
        ("a || b && c", True),
        # parentheses override it: (true or false) and false
        ("(a or b) and c", False),
        # not binds tighter than and: (not true) and ... is false, not(true and ...)
        ("not a and b", False),
        ("!(a && c)", True),
        ("not not a", True),
        ("!b || c", True),
    ],
)
def test_precedence_of_and_or_not(source: str, expected: bool) -> None:
    assert run(source, a=True, b=False, c=False) is expected


def test_comparisons_and_in_lists() -> None:
    assert run("n >= 2", n=2) is True
    assert run("n > 2", n=2) is False
    assert run("n < 1 or n <= 0", n=0) is True
    assert run("n != 3", n=3) is False
    assert run('kind in ["x", "y"]', kind="y") is True
    assert run('kind in ["x", "y"]', kind="z") is False
    assert run('kind == "z" and n == 1', kind="z", n=1) is True
    assert run("a == true", a=False) is False


@pytest.mark.parametrize(
    ("source", "answers", "expected"),
    [
        ("a and b", {"a": False, "b": UNKNOWN}, False),
        ("a and b", {"a": UNKNOWN, "b": False}, False),  # a later false still beats an earlier unknown
        ("a and b", {"a": True, "b": UNKNOWN}, UNKNOWN),
        ("a or b", {"a": True, "b": UNKNOWN}, True),
        ("a or b", {"a": UNKNOWN, "b": True}, True),
        ("a or b", {"a": False, "b": UNKNOWN}, UNKNOWN),
        ("not a", {"a": UNKNOWN}, UNKNOWN),
        ("n >= 2", {"n": UNKNOWN}, UNKNOWN),
        ('kind in ["x"]', {"kind": UNKNOWN}, UNKNOWN),
        ('kind in ["x"] and a', {"kind": UNKNOWN, "a": False}, False),
        ('(kind == "x" or a) and b', {"kind": UNKNOWN, "a": True, "b": True}, True),
        ('(kind == "x" or a) and b', {"kind": UNKNOWN, "a": False, "b": True}, UNKNOWN),
    ],
)
def test_unknown_answers_propagate_by_kleene_logic(
    source: str, answers: dict[str, Value], expected: Truth
) -> None:
    assert run(source, **answers) is expected


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("", "empty"),
        ("a and", "expected a field"),
        ("(a or b", "expected ')'"),
        ("a b", "unexpected 'b'"),
        ("n >= ", "expected a field"),
        ("a === b", "unexpected character '='"),
        ("kind in []", "expected a value"),
        ('kind in ["x"', "expected ']'"),
        ('kind == "x', "unterminated string"),
        ("a & b", "unexpected character '&'"),
        ("deceased..x", "malformed field name"),
        ('__import__("os").system("true")', "unexpected character '.'"),
        ('open("x")', "unexpected '('"),
    ],
)
def test_malformed_expressions_are_rejected_with_the_position(source: str, message: str) -> None:
    with pytest.raises(RuleError, match=re.escape(message)):
        parse(source)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("nobody", "unknown field 'nobody'"),
        ('kind == "w"', "'w' is not a possible value of 'kind'"),
        ("n == true", "cannot be compared with 'n'"),
        ('a == "yes"', "cannot be compared with 'a'"),
        ('kind >= "x"', "needs a number field"),
        ("n", "not a yes/no field"),
        ("2", "not a condition"),
        ("1 == 1", "needs a field"),
        ('kind in ["x", 3]', "3 is not a possible value"),
    ],
)
def test_rules_that_do_not_fit_the_fields_are_rejected(source: str, message: str) -> None:
    with pytest.raises(RuleError, match=message):
        check(parse(source), TYPES.__getitem__)


def _document() -> dict[str, Any]:
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


def test_the_shipped_catalogue_has_51_procedures_42_of_them_municipal() -> None:
    catalogue = load()
    assert len(catalogue.procedures) == 51
    assert sum(p.scope == "municipal" for p in catalogue.procedures) == 42
    assert len({p.id for p in catalogue.procedures}) == 51
    kokuho = catalogue.procedure("kokuho_loss")
    assert kokuho.counter.name_ja == "保険年金課" and kokuho.deadline and kokuho.deadline.days == 14
    assert kokuho.prefillable and "資格確認書または被保険者証" in kokuho.documents


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("cards.mynumber_card &&", "procedure mynumber_card_return: rule .*expected a field"),
        ("cards.my_number", "procedure mynumber_card_return: .*unknown field 'cards.my_number'"),
        (
            'deceased.health_insurance == "kokumin"',
            "procedure mynumber_card_return: .*'kokumin' is not a possible",
        ),
    ],
)
def test_a_broken_rule_stops_the_catalogue_loading_and_names_the_procedure(rule: str, message: str) -> None:
    document = copy.deepcopy(_document())
    for procedure in document["procedures"]:
        if procedure["id"] == "mynumber_card_return":
            procedure["applies_when"] = rule
    with pytest.raises(CatalogueError, match=message):
        build(document)


def test_a_mode_dependent_rule_needs_every_mode() -> None:
    document = copy.deepcopy(_document())
    for procedure in document["procedures"]:
        if procedure["id"] == "household_head_change":
            del procedure["applies_when_by_mode"]["kawasaki_simple"]
    with pytest.raises(
        CatalogueError, match="procedure household_head_change: no rule for mode kawasaki_simple"
    ):
        build(document)


@pytest.mark.parametrize(
    ("born", "eve"),
    [
        (date(1961, 11, 20), date(2026, 11, 19)),
        (date(1961, 3, 1), date(2026, 2, 28)),
        (date(1960, 1, 1), date(2024, 12, 31)),
        # 29 February: a leap-day birth's 65th birthday always falls in a common year, so it is
        # 1 March and the eve is 28 February (not 29 February, which does not exist, nor 1 March).
        (date(1960, 2, 29), date(2025, 2, 28)),
        (date(1956, 2, 29), date(2021, 2, 28)),
    ],
)
def test_the_65th_birthday_eve(born: date, eve: date) -> None:
    assert sixty_fifth_birthday_eve(born) == eve


def test_long_term_care_category_1_starts_the_day_before_the_65th_birthday() -> None:
    born = date(1961, 11, 20)
    assert kaigo_category1(born, date(2026, 11, 18)) is False
    assert kaigo_category1(born, date(2026, 11, 19)) is True
    assert kaigo_category1(born, date(2026, 11, 20)) is True
    leap = date(1960, 2, 29)
    assert kaigo_category1(leap, date(2025, 2, 27)) is False
    assert kaigo_category1(leap, date(2025, 2, 28)) is True
