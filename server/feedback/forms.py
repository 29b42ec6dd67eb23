"""Reading the ひと言ポスト forms: triage, the answer, publishing and the public comment form."""

from __future__ import annotations

from dataclasses import dataclass, field

from server.feedback.records import CATEGORIES, KINDS
from server.feedback.service import MAX_COMMENT
from server.i18n import N_


@dataclass
class TriageForm:
    category: str = ""
    kind: str = ""
    standard_code: str = ""
    sections: list[int] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)


def parse_triage(data: dict[str, str | list[str]], sections: set[int], standards: set[str]) -> TriageForm:
    def one(name: str) -> str:
        value = data.get(name, "")
        return (value[0] if isinstance(value, list) and value else str(value or "")).strip()

    raw = data.get("sections", [])
    chosen = raw if isinstance(raw, list) else [raw]
    form = TriageForm(category=one("category"), kind=one("kind"), standard_code=one("standard_code"))
    form.sections = sorted({int(s) for s in chosen if str(s).isdigit() and int(s) in sections})
    if form.category not in CATEGORIES:
        form.errors["category"] = N_("Choose a category.")
    if form.kind not in KINDS:
        form.errors["kind"] = N_("Choose praise, request or complaint.")
    if form.standard_code and form.standard_code not in standards:
        form.errors["standard_code"] = N_("Choose a standard from the list.")
    if not form.sections:
        form.errors["sections"] = N_("Choose at least one responsible section.")
    return form


@dataclass
class TextForm:
    text: str = ""
    errors: dict[str, str] = field(default_factory=dict)


def parse_text(value: str, limit: int = 4000, empty: str = N_("Write the answer.")) -> TextForm:
    form = TextForm(text=value.strip())
    if not form.text:
        form.errors["text"] = empty
    elif len(form.text) > limit:
        form.errors["text"] = N_("This is too long.")
    return form


@dataclass
class PublicForm:
    comment: str = ""
    place: str = ""
    wants_answer: bool = False
    contact: str = ""
    errors: dict[str, str] = field(default_factory=dict)


def parse_public(data: dict[str, str]) -> PublicForm:
    form = PublicForm(
        comment=data.get("comment", "").strip(),
        place=data.get("place", "").strip(),
        wants_answer=data.get("wants_answer") in ("on", "true", "1"),
        contact=data.get("contact", "").strip(),
    )
    if not form.comment:
        form.errors["comment"] = N_("Please write your comment.")
    elif len(form.comment) > MAX_COMMENT:
        form.errors["comment"] = N_("Please keep your comment within 2,000 characters.")
    if len(form.place) > 200:
        form.errors["place"] = N_("This is too long.")
    if len(form.contact) > 200:
        form.errors["contact"] = N_("This is too long.")
    if form.wants_answer and not form.contact:
        form.errors["contact"] = N_("Tell us how to reach you, or untick the request for an answer.")
    return form
