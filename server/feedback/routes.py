"""ひと言ポスト for staff: entering slips (offline on a tablet), triage, the answer, approval, publishing
with personal information masked, and the link to a corrective action that shows the improvement."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from litestar import Request, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect, Template

from server import audit
from server.auth.guards import roles
from server.compliance.service import active_standards
from server.feedback import service
from server.feedback.forms import TextForm, TriageForm, parse_text, parse_triage
from server.feedback.masking import Review, review
from server.feedback.records import CATEGORIES, STATES
from server.flash import flash
from server.form_body import FormBody, query_id
from server.i18n import N_
from server.models import CorrectiveAction, Feedback, FeedbackSection, Role, Section, User
from server.rendering import render
from server.state import AppState
from server.timekeeping import today
from sync import Kind

FEEDBACK_USERS = roles(Role.STAFF, Role.CHIEF, Role.MANAGER)
MANAGERS = roles(Role.MANAGER)
ANSWERERS = roles(Role.CHIEF, Role.MANAGER)
MultiFormBody = URLEncodedBody[dict[str, str | list[str]]]


def _user(request: Request[Any, Any, Any]) -> User:
    user: User = request.scope["state"]["user"]
    return user


async def _sections() -> dict[int, Section]:
    return {s.id: s for s in await Section.all().order_by("sort_order")}


def _labels() -> dict[str, Any]:
    return {
        "channel_labels": service.CHANNEL_LABELS,
        "category_labels": service.CATEGORY_LABELS,
        "kind_labels": service.KIND_LABELS,
        "state_labels": service.STATE_LABELS,
    }


@get("/feedback", opt=FEEDBACK_USERS)
async def list_feedback(
    request: Request[Any, Any, Any],
    category: FromQuery[str | None] = None,
    section: FromQuery[str | None] = None,
    status: FromQuery[str | None] = None,
) -> Template:
    """Comments with filters; counts by category and section; response time per section."""
    query = Feedback.filter(deleted=False)
    if category in CATEGORIES:
        query = query.filter(category=category)
    if status in STATES:
        query = query.filter(status=status)
    section_id = query_id(section)
    if section_id:
        linked = await FeedbackSection.filter(section_id=section_id).values_list("feedback_id", flat=True)
        query = query.filter(id__in=list(linked))
    rows = await query.order_by("-received_on").limit(500)
    by_category, by_section = await service.counts()
    context = {
        "rows": rows,
        "sections": await _sections(),
        "filters": {"category": category or "", "section": section_id, "status": status or ""},
        "by_category": by_category,
        "by_section": by_section,
        "response_times": await service.response_times(),
        "sections_of": service.sections_of,
        **_labels(),
    }
    return render(request, "feedback/index.html", context, fragment="feedback/_rows.html")


@get("/feedback/new", opt=FEEDBACK_USERS)
async def new_feedback(request: Request[Any, Any, Any]) -> Template:
    """Enter a slip from the box (or a call): kept on the tablet at once, sent when online."""
    return render(request, "feedback/new.html", {"today": today().isoformat(), **_labels()})


async def _feedback(feedback_id: uuid.UUID) -> Feedback:
    row = await Feedback.get_or_none(id=feedback_id, deleted=False)
    if row is None:
        raise NotFoundException()
    return row


async def _detail(
    request: Request[Any, Any, Any],
    feedback: Feedback,
    *,
    triage: TriageForm | None = None,
    answer: TextForm | None = None,
    error: str = "",
    status_code: int = 200,
) -> Template:
    user = _user(request)
    sections = await _sections()
    linked = [str(a) for a in service.actions_of(feedback)]
    actions = await CorrectiveAction.filter(id__in=linked) if linked else []
    show_contact = user.role in (Role.CHIEF, Role.MANAGER) and bool(feedback.contact)
    if show_contact:
        await audit.record(
            request, "feedback.contact.view", target_type="feedback", target_id=str(feedback.id)
        )
    responsible = service.sections_of(feedback)
    context = {
        "f": feedback,
        "sections": sections,
        "responsible": responsible,
        "standards": list((await active_standards()).items()),
        "triage": triage
        or TriageForm(
            category=feedback.category,
            kind=feedback.kind,
            standard_code=feedback.standard_code,
            sections=responsible,
        ),
        "answer": answer or TextForm(text=feedback.answer),
        "actions": actions,
        "show_contact": show_contact,
        "may_answer": user.role is Role.MANAGER
        or (user.role is Role.CHIEF and user.section_id in responsible),
        "may_approve": user.role is Role.MANAGER,
        "may_improve": user.role in (Role.CHIEF, Role.MANAGER)
        and any(a.status == "confirmed" for a in actions),
        "error": error,
        **_labels(),
    }
    return render(request, "feedback/show.html", context, status_code=status_code, personal_data=True)


@get("/feedback/{feedback_id:uuid}", opt=FEEDBACK_USERS)
async def show_feedback(request: Request[Any, Any, Any], feedback_id: FromPath[uuid.UUID]) -> Template:
    """One comment with its triage, answer, publishing and improvement."""
    return await _detail(request, await _feedback(feedback_id))


async def _write(
    request: Request[Any, Any, Any], feedback: Feedback, kind: Kind, fields: dict[str, Any]
) -> str:
    """Write through the sync engine; returns the refusal, if any."""
    state: AppState = request.app.state.madoguchi
    result = await state.sync.web_write(
        _user(request), "feedback", str(feedback.id), kind, fields, feedback.version
    )
    return str(result["error"] or "") if result["status"] == "rejected" else ""


@post("/feedback/{feedback_id:uuid}/triage", opt=FEEDBACK_USERS)
async def triage_feedback(
    request: Request[Any, Any, Any], feedback_id: FromPath[uuid.UUID], data: MultiFormBody
) -> Template | Redirect:
    feedback = await _feedback(feedback_id)
    sections = await _sections()
    form = parse_triage(data, set(sections), set(await active_standards()))
    if form.errors:
        return await _detail(request, feedback, triage=form, status_code=422)
    fields: dict[str, Any] = {
        "category": form.category,
        "kind": form.kind,
        "standard_code": form.standard_code,
    }
    if feedback.status == "received":
        fields["status"] = "triaged"
    error = await _write(request, feedback, Kind.PATCH, fields)
    old = set(service.sections_of(feedback))
    new = set(form.sections)
    if not error and new - old:
        error = await _write(request, feedback, Kind.SET_ADD, {"sections": sorted(new - old)})
    if not error and old - new:
        error = await _write(request, feedback, Kind.SET_REMOVE, {"sections": sorted(old - new)})
    if error:
        return await _detail(
            request, feedback, triage=form, error=N_("The change was not accepted."), status_code=409
        )
    flash(request, N_("Triage saved."))
    return Redirect(f"/feedback/{feedback.id}")


@post("/feedback/{feedback_id:uuid}/answer", opt=ANSWERERS)
async def draft_answer(
    request: Request[Any, Any, Any], feedback_id: FromPath[uuid.UUID], data: FormBody
) -> Template | Redirect:
    """The responsible 課長 (or a 管理者) drafts the answer to the resident."""
    feedback = await _feedback(feedback_id)
    user = _user(request)
    if user.role is not Role.MANAGER and user.section_id not in service.sections_of(feedback):
        raise PermissionDeniedException("Only the responsible section answers.")
    form = parse_text(data.get("text", ""))
    if form.errors:
        return await _detail(request, feedback, answer=form, status_code=422)
    if feedback.status not in ("triaged", "drafted"):
        return await _detail(
            request,
            feedback,
            answer=form,
            error=N_("Triage the comment before answering it."),
            status_code=409,
        )
    fields: dict[str, Any] = {"answer": form.text}
    if feedback.status == "triaged":
        fields["status"] = "drafted"
    if await _write(request, feedback, Kind.PATCH, fields):
        return await _detail(
            request, feedback, answer=form, error=N_("The change was not accepted."), status_code=409
        )
    flash(request, N_("Draft answer saved."))
    return Redirect(f"/feedback/{feedback.id}")


@post("/feedback/{feedback_id:uuid}/approve", opt=MANAGERS)
async def approve_answer(
    request: Request[Any, Any, Any], feedback_id: FromPath[uuid.UUID]
) -> Template | Redirect:
    feedback = await _feedback(feedback_id)
    if feedback.status != "drafted":
        return await _detail(
            request, feedback, error=N_("Only a drafted answer can be approved."), status_code=409
        )
    error = await _write(
        request, feedback, Kind.PATCH, {"status": "approved", "answered_on": today().isoformat()}
    )
    if error:
        return await _detail(request, feedback, error=N_("The change was not accepted."), status_code=409)
    flash(request, N_("Answer approved."))
    return Redirect(f"/feedback/{feedback.id}")


# What each kind of replaced detail is called on the publish page.
MASKED_KIND_LABELS = {
    "name": N_("personal name"),
    "phone": N_("telephone number"),
    "email": N_("e-mail address"),
    "postcode": N_("postcode"),
    "address": N_("street address"),
}


def _publish_context(
    feedback: Feedback,
    reviews: dict[str, Review],
    errors: dict[str, str],
    texts: dict[str, str] | None = None,
) -> dict[str, Any]:
    """What the approver checks: both texts with every replacement and every proper noun left in place
    marked, and what was replaced, by kind, with the words it replaced. The boxes hold ``texts`` (what the
    approver sent back, after a refusal) or else the masked texts."""
    replaced: dict[str, list[str]] = {}
    for name in ("comment", "answer"):
        for finding in reviews[name].findings:
            replaced.setdefault(finding.kind, []).append(finding.text)
    return {
        "f": feedback,
        "reviews": reviews,
        "texts": texts or {name: r.text for name, r in reviews.items()},
        "replaced": replaced if texts is None else {},
        "kind_labels": MASKED_KIND_LABELS,
        "errors": errors,
    }


@get("/feedback/{feedback_id:uuid}/publish", opt=MANAGERS)
async def publish_form(request: Request[Any, Any, Any], feedback_id: FromPath[uuid.UUID]) -> Template:
    """The comment and answer with names, numbers, e-mail and addresses masked, for the approver to check."""
    feedback = await _feedback(feedback_id)
    reviews = {"comment": review(feedback.text), "answer": review(feedback.answer)}
    context = _publish_context(feedback, reviews, {})
    return render(request, "feedback/publish.html", context, personal_data=True)


@post("/feedback/{feedback_id:uuid}/publish", opt=MANAGERS)
async def publish(
    request: Request[Any, Any, Any], feedback_id: FromPath[uuid.UUID], data: FormBody
) -> Template | Redirect:
    """Publish what the approver confirmed; anything still detectable as personal information is refused.

    「もう一度確認する」 (step=check) masks what the approver's edits brought in and shows the texts again."""
    feedback = await _feedback(feedback_id)
    texts = {"comment": data.get("comment", "").strip(), "answer": data.get("answer", "").strip()}
    reviews = {name: review(text) for name, text in texts.items()}
    if data.get("step") == "check":
        context = _publish_context(feedback, reviews, {})
        return render(request, "feedback/publish.html", context, personal_data=True)
    errors: dict[str, str] = {}
    for name, text in texts.items():
        if not text:
            errors[name] = N_("This must not be empty.")
        elif reviews[name].findings:
            errors[name] = N_("This still contains what looks like personal information.")
    if feedback.status != "approved":
        errors["form"] = N_("Only an approved answer can be published.")
    elif data.get("confirmed") != "yes":
        errors["confirmed"] = N_("Confirm that you have checked both texts before publishing.")
    if errors:
        context = _publish_context(feedback, reviews, errors, texts)
        context["still_personal"] = [finding.text for r in reviews.values() for finding in r.findings]
        return render(request, "feedback/publish.html", context, status_code=422, personal_data=True)
    fields = {
        "status": "published",
        "published_comment": texts["comment"],
        "published_answer": texts["answer"],
        "published_on": today().isoformat(),
    }
    # The rule book writes the ``feedback.publish`` audit event with the write, whoever publishes.
    if await _write(request, feedback, Kind.PATCH, fields):
        return await _detail(request, feedback, error=N_("The change was not accepted."), status_code=409)
    flash(request, N_("Published: the answer is on the public answers page."))
    return Redirect(f"/feedback/{feedback.id}")


@post("/feedback/{feedback_id:uuid}/action", opt=FEEDBACK_USERS)
async def open_action(
    request: Request[Any, Any, Any], feedback_id: FromPath[uuid.UUID], data: FormBody
) -> Template | Redirect:
    """Open a corrective action from the comment, or link one that already exists."""
    feedback = await _feedback(feedback_id)
    state: AppState = request.app.state.madoguchi
    user = _user(request)
    existing = data.get("action_id", "").strip()
    if existing:
        try:
            action = await CorrectiveAction.get_or_none(id=uuid.UUID(existing), deleted=False)
        except ValueError:
            action = None
        if action is None:
            return await _detail(
                request, feedback, error=N_("No corrective action has that number."), status_code=422
            )
        action_id = str(action.id)
    else:
        sections = service.sections_of(feedback)
        if not sections:
            return await _detail(
                request, feedback, error=N_("Triage the comment before opening an action."), status_code=409
            )
        action_id = str(uuid.uuid4())
        fields = {
            "section_id": sections[0],
            "title": feedback.text.splitlines()[0][:200] if feedback.text else "",
            "description": f"{feedback.reference}: {feedback.text}"[:4000],
            "place": feedback.place,
            "due_on": (today() + dt.timedelta(days=30)).isoformat(),
            "priority": "normal",
            "status": "raised",
        }
        result = await state.sync.web_write(user, "corrective_actions", action_id, Kind.CREATE, fields, None)
        if result["status"] == "rejected":
            return await _detail(request, feedback, error=N_("The change was not accepted."), status_code=409)
    if await _write(request, feedback, Kind.SET_ADD, {"actions": [action_id]}):
        return await _detail(request, feedback, error=N_("The change was not accepted."), status_code=409)
    flash(request, N_("The corrective action is linked to this comment."))
    return Redirect(f"/feedback/{feedback.id}")


@post("/feedback/{feedback_id:uuid}/improved", opt=ANSWERERS)
async def mark_improved(
    request: Request[Any, Any, Any], feedback_id: FromPath[uuid.UUID]
) -> Template | Redirect:
    """改善済: only once a linked corrective action has been confirmed."""
    feedback = await _feedback(feedback_id)
    linked = service.actions_of(feedback)
    confirmed = linked and await CorrectiveAction.filter(id__in=linked, status="confirmed").exists()
    if not confirmed:
        return await _detail(
            request,
            feedback,
            error=N_("A linked corrective action must be confirmed first."),
            status_code=409,
        )
    if await _write(request, feedback, Kind.PATCH, {"improved": True}):
        return await _detail(request, feedback, error=N_("The change was not accepted."), status_code=409)
    flash(request, N_("Marked as improved."))
    return Redirect(f"/feedback/{feedback.id}")


routes = [
    list_feedback,
    new_feedback,
    show_feedback,
    triage_feedback,
    draft_answer,
    approve_answer,
    publish_form,
    publish,
    open_action,
    mark_improved,
]
