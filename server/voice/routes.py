"""The public side of ひと言ポスト: a resident leaves a comment online (no sign-in) and reads the published
answers. Protected by CSRF, a size limit, a limit per address and a honeypot field bots fill in."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from server.audit import client_ip
from server.auth.guards import PUBLIC
from server.feedback import service
from server.feedback.forms import PublicForm, parse_public
from server.form_body import FormBody
from server.models import Feedback
from server.rendering import render
from server.state import AppState
from server.timekeeping import today

PUBLIC_NAMESPACE = uuid.UUID("0c6b8a49-8f1e-4d6a-b1f4-52a7d3c9e611")
BODY_LIMIT = 32 * 1024  # a 2,000-character comment and its form fit many times over
HONEYPOT = "website"


@get("/voice", opt=PUBLIC)
async def comment_form(request: Request[Any, Any, Any]) -> Template:
    """The online ひと言ポスト: works on a phone, no account needed."""
    return render(request, "voice/form.html", {"form": PublicForm(), "limit": service.MAX_COMMENT})


@post("/voice", opt=PUBLIC, request_max_body_size=BODY_LIMIT)
async def leave_comment(request: Request[Any, Any, Any], data: FormBody) -> Template | Redirect:
    state: AppState = request.app.state.madoguchi
    secret = state.settings.secret_key
    if data.get(HONEYPOT):
        # A person never sees this field; answer as if accepted so the bot learns nothing.
        return Redirect("/voice/thanks/T-00000000")
    form = parse_public(data)
    if form.errors:
        return render(
            request, "voice/form.html", {"form": form, "limit": service.MAX_COMMENT}, status_code=422
        )
    address = client_ip(request)
    # The same comment from the same address on the same day is the same record: sending twice (a double
    # tap, a reload) stores it once and shows the same reference number.
    record_id = str(
        uuid.uuid5(PUBLIC_NAMESPACE, f"{service.address_hash(secret, address)}|{today()}|{form.comment}")
    )
    if not await Feedback.exists(id=record_id):
        if not await service.take_public_slot(secret, address):
            context = {"form": form, "limit": service.MAX_COMMENT, "too_many": True}
            return render(request, "voice/form.html", context, status_code=429)
        fields = {
            "received_on": today().isoformat(),
            "channel": "web",
            "text": form.comment,
            "place": form.place,
            "wants_answer": form.wants_answer,
            "contact": form.contact if form.wants_answer else "",
            "status": "received",
        }
        result = await state.sync.public_write("feedback", record_id, fields, state.settings.default_ward)
        if result["status"] == "rejected":
            await service.give_back_public_slot(secret, address)
            context = {"form": form, "limit": service.MAX_COMMENT, "failed": True}
            return render(request, "voice/form.html", context, status_code=422)
    feedback = await Feedback.get(id=record_id)
    return Redirect(f"/voice/thanks/{feedback.reference}")


@get("/voice/thanks/{reference:str}", opt=PUBLIC)
async def thanks(request: Request[Any, Any, Any], reference: FromPath[str]) -> Template:
    """Thank-you page with the reference number to quote."""
    if not (reference.startswith("T-") and len(reference) == 10 and reference[2:].isalnum()):
        raise NotFoundException()
    return render(request, "voice/thanks.html", {"reference": reference})


@get("/voice/answers", opt=PUBLIC)
async def published_answers(request: Request[Any, Any, Any]) -> Template:
    """Published comments and the ward office's answers, personal information removed."""
    rows = await Feedback.filter(status="published", deleted=False).order_by("-published_on").limit(200)
    context = {"rows": rows, "category_labels": service.CATEGORY_LABELS}
    return render(request, "voice/answers.html", context)


routes = [comment_form, leave_comment, thanks, published_answers]
