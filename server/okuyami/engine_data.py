"""What the desk tablet's guide engine (``static/js/okuyami/``) loads: the procedure catalogue as the ward
wrote it, and the intake's fields, defaults and checks generated from the Python definitions.

The Python engine is the reference. The tablet needs the same catalogue and the same intake rules to
build a family's guide with no network, so it reads them from here instead of holding a copy that could
drift: a change to ``intake.py``, ``questions.py`` or the data file reaches the tablet with the next
release fingerprint (``fingerprint``), which versions these documents like any static asset.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from server.calendar_ja import eras
from server.okuyami import intake
from server.okuyami.catalogue import DATA_FILE
from server.okuyami.guide import EVENT_OF_ANCHOR
from server.okuyami.questions import QUESTIONS

CATALOGUE_PATH = "/okuyami/engine/catalogue.json"
INTAKE_PATH = "/okuyami/engine/intake.json"


@cache
def catalogue_document() -> dict[str, Any]:
    """The data file as checked when the app started (``default_catalogue`` reads the same file)."""
    document: dict[str, Any] = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    return document


@cache
def intake_definitions() -> dict[str, Any]:
    """Everything the tablet's ``parseIntake``, ``answersFromForm`` and deadlines read, by name."""
    return {
        "booleans": intake.BOOLEANS,
        "counts": intake.COUNTS,
        "count_max": intake.COUNT_MAX,
        "enums": {name: list(values) for name, values in intake.ENUMS.items()},
        "enum_defaults": intake.ENUM_DEFAULTS,
        "required_dates": list(intake.REQUIRED_DATES),
        "optional_dates": list(intake.OPTIONAL_DATES),
        "birth": intake.BIRTH,
        "death": intake.DEATH,
        "funeral": intake.FUNERAL,
        "always_asked": intake.ALWAYS_ASKED,
        "household_total": intake.HOUSEHOLD_TOTAL,
        "household_parts": list(intake.HOUSEHOLD_PARTS),
        "texts": list(intake.TEXTS),
        "deceased_name": intake.DECEASED_NAME,
        "text_max": intake.TEXT_MAX,
        "derived": intake.DERIVED,
        "not_collected": intake.NOT_COLLECTED,
        "questions": [
            {
                "field": q.field,
                "kind": q.kind,
                "required": q.required,
                "show_if": [q.show_if[0], list(q.show_if[1])] if q.show_if else None,
            }
            for q in QUESTIONS.values()
        ],
        "anchor_events": EVENT_OF_ANCHOR,
        "eras": [list(era) for era in eras()],
    }


def _encoded(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False, sort_keys=True).encode()


@cache
def catalogue_bytes() -> bytes:
    """The catalogue as served: encoded once, as it cannot change while the process runs."""
    return _encoded(catalogue_document())


@cache
def intake_bytes() -> bytes:
    return _encoded(intake_definitions())


def fingerprint() -> bytes:
    """The bytes the release fingerprint takes in, so a changed rule or definition is a new version."""
    return catalogue_bytes() + b"\n" + intake_bytes()
