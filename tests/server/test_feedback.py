"""ひと言ポスト: masking personal information, the public form's defences, and triage → answer → publish."""

from __future__ import annotations

import datetime as dt
import uuid

import httpx
import pytest
from litestar import Litestar

from server.auth import service as auth_service
from server.feedback import service
from server.feedback.masking import MASK, mask
from server.models import AuditEvent, CorrectiveAction, Feedback, FeedbackSection, Role, Section, User
from tests.server.conftest import LoginAs, csrf_token, post_form, sign_in

COMMENT = "窓口の山田様に丁寧に案内していただきました。044-811-0000 まで連絡ください"


@pytest.mark.parametrize(
    ("text", "hidden"),
    [
        ("山田太郎様に助けていただいた", "山田太郎"),
        ("鈴木 花子 様の対応", "鈴木 花子"),
        ("受付の佐藤さんが親切", "佐藤"),
        ("2番窓口の田中さんの説明", "田中"),
        ("ヤマダ様", "ヤマダ"),
        ("連絡先 044-811-0000", "044-811-0000"),
        ("携帯は09012345678です", "09012345678"),
        ("自宅 (044)811-0000", "811-0000"),
        ("電話 ０４４－８１１－００００", "８１１－００００"),
        ("mail: taro.yamada@example.jp", "taro.yamada@example.jp"),
        ("川崎市高津区下作延二丁目8番1号に住む者です", "下作延二丁目8番1号"),
        ("高津区溝口3-5-1 の者", "溝口3-5-1"),
        ("〒213-8570 高津区", "213-8570"),
    ],
)
def test_personal_information_is_masked(text: str, hidden: str) -> None:
    masked, found = mask(text)
    assert hidden not in masked and MASK in masked and found


@pytest.mark.parametrize(
    "text",
    [
        "職員さんの説明が丁寧でした",
        "お客様への声かけが良い",
        "3番窓口で30分待った。2階の4-5番窓口",
        "2024年10月15日に来庁",
    ],
)
def test_ordinary_remarks_stay_readable(text: str) -> None:
    assert mask(text) == (text, [])


async def leave(client: httpx.AsyncClient, comment: str = COMMENT, **extra: str) -> httpx.Response:
    await client.get("/voice")
    return await post_form(client, "/voice", {"comment": comment, "place": "1階 区民課", **extra})


async def test_a_resident_leaves_a_comment_and_gets_a_reference_once(client: httpx.AsyncClient) -> None:
    first = await leave(client)
    assert first.status_code == 302 and first.headers["location"].startswith("/voice/thanks/T-")
    thanks = await client.get(first.headers["location"])
    reference = first.headers["location"].rsplit("/", 1)[-1]
    assert reference in thanks.text and "ありがとう" in thanks.text
    again = await leave(client)  # a double tap, or the back button and send again
    assert again.headers["location"] == first.headers["location"]
    stored = await Feedback.filter(channel="web")
    assert len(stored) == 1 and stored[0].text == COMMENT and stored[0].status == "received"


async def test_the_public_form_refuses_forgery_bots_floods_and_oversized_comments(
    client: httpx.AsyncClient,
) -> None:
    await client.get("/voice")
    forged = await client.post("/voice", data={"comment": "x"})
    assert forged.status_code == 403
    bot = await leave(client, "買ってください http://spam.example", website="http://spam.example")
    assert bot.status_code == 302 and await Feedback.all().count() == 0
    empty = await leave(client, "   ")
    assert empty.status_code == 422 and "ご意見を入力してください" in empty.text
    long = "あ" * 2001
    too_long = await leave(client, long)
    assert too_long.status_code == 422 and "2,000文字以内" in too_long.text and long in too_long.text
    huge = await client.post(
        "/voice", data={"comment": "x" * 40_000, "_csrf_token": await csrf_token(client)}
    )
    assert huge.status_code == 413
    wants = await leave(client, "回答がほしい", wants_answer="on")
    assert wants.status_code == 422 and "連絡先" in wants.text
    for n in range(service.PUBLIC_LIMIT):
        assert (await leave(client, f"意見その{n}")).status_code == 302
    flood = await leave(client, "もう一件")
    assert flood.status_code == 429 and "もう一件" in flood.text
    assert await Feedback.all().count() == service.PUBLIC_LIMIT


async def test_script_in_a_comment_is_shown_as_text(client: httpx.AsyncClient, login_as: LoginAs) -> None:
    await leave(client, "<script>alert(1)</script> 待ち時間が長い")
    await login_as("demo-staff")
    row = await Feedback.get(channel="web")
    page = await client.get(f"/feedback/{row.id}")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text and "<script>alert(1)" not in page.text


async def test_triage_answer_approval_and_publishing_follow_the_roles(
    client: httpx.AsyncClient, login_as: LoginAs
) -> None:
    await leave(client, wants_answer="on", contact="taro@example.jp")
    feedback = await Feedback.get(channel="web")
    kumin = (await User.get(login="demo-chief")).section_id
    url = f"/feedback/{feedback.id}"

    await login_as("demo-staff")
    assert "taro@example.jp" not in (await client.get(url)).text, (
        "contact details only for chiefs and managers"
    )
    triage = {"category": "manners", "kind": "praise", "standard_code": "SB-04", "sections": str(kumin)}
    assert (await post_form(client, f"{url}/triage", triage)).status_code == 302
    assert (await post_form(client, f"{url}/answer", {"text": "ありがとうございます"})).status_code == 403
    bad = await post_form(client, f"{url}/triage", {"category": "??", "kind": "", "sections": "999"})
    assert bad.status_code == 422 and "区分を選んでください" in bad.text

    other = await Section.exclude(id=kumin).first()
    assert other is not None
    await auth_service.create_user(
        login="other-chief",
        display_name="他課 課長",
        password="another-password-1",
        role=Role.CHIEF,
        section=other,
    )
    await sign_in(client, "other-chief", "another-password-1")
    assert (await post_form(client, f"{url}/answer", {"text": "他課から"})).status_code == 403

    await sign_in(client, "demo-chief")
    answer = "お褒めの言葉をありがとうございます。山田様にも伝えました。"
    assert (await post_form(client, f"{url}/answer", {"text": answer})).status_code == 302
    assert (await post_form(client, f"{url}/approve", {})).status_code == 403

    await sign_in(client, "demo-manager")
    detail = await client.get(url)
    assert "taro@example.jp" in detail.text and detail.headers["cache-control"] == "no-store"
    assert await AuditEvent.filter(action="feedback.contact.view", target_id=str(feedback.id)).exists()
    assert (await post_form(client, f"{url}/approve", {})).status_code == 302
    prepared = await client.get(f"{url}/publish")
    assert "044-811-0000" not in prepared.text and "山田様" not in prepared.text and MASK in prepared.text
    leaked = await post_form(client, f"{url}/publish", {"comment": COMMENT, "answer": answer})
    assert leaked.status_code == 422 and "個人情報" in leaked.text
    masked_comment, _ = mask(COMMENT)
    masked_answer, _ = mask(answer)
    unconfirmed = {"comment": masked_comment, "answer": masked_answer}
    refused = await post_form(client, f"{url}/publish", unconfirmed)
    assert refused.status_code == 422 and "確認" in refused.text
    assert (await Feedback.get(id=feedback.id)).status == "approved"
    done = await post_form(client, f"{url}/publish", {**unconfirmed, "confirmed": "yes"})
    assert done.status_code == 302

    await client.post("/logout", data={"_csrf_token": await csrf_token(client)})
    public = await client.get("/voice/answers")
    assert public.status_code == 200
    assert masked_answer in public.text and "044-811-0000" not in public.text and "山田" not in public.text
    stored = await Feedback.get(id=feedback.id)
    assert stored.status == "published" and stored.answered_on is not None


async def test_a_comment_leads_to_an_action_and_is_improved_once_it_is_confirmed(
    client: httpx.AsyncClient, login_as: LoginAs
) -> None:
    await leave(client, "案内表示が小さくて読めない")
    feedback = await Feedback.get(channel="web")
    url = f"/feedback/{feedback.id}"
    await login_as("demo-chief")
    untriaged = await post_form(client, f"{url}/action", {})
    assert untriaged.status_code == 409
    kumin = (await User.get(login="demo-chief")).section_id
    triage = {"category": "guidance", "kind": "request", "sections": str(kumin)}
    await post_form(client, f"{url}/triage", triage)
    assert (await post_form(client, f"{url}/action", {})).status_code == 302
    action = await CorrectiveAction.get(title="案内表示が小さくて読めない")
    assert action.section_id == kumin
    early = await post_form(client, f"{url}/improved", {})
    assert early.status_code == 409 and "確認" in early.text
    action.status = "confirmed"
    await action.save()
    assert (await post_form(client, f"{url}/improved", {})).status_code == 302
    assert (await Feedback.get(id=feedback.id)).improved is True
    assert "案内表示が小さくて読めない" in (await client.get(url)).text


async def test_response_times_are_median_and_90th_percentile_per_section(app: Litestar) -> None:
    sections = [s.id for s in await Section.all().order_by("id").limit(2)]
    received = dt.date(2026, 4, 1)
    for days, section in [(1, 0), (2, 0), (3, 0), (10, 0), (5, 1), (None, 1)]:
        row = await Feedback.create(
            id=uuid.uuid4(),
            text="x",
            received_on=received,
            answered_on=received + dt.timedelta(days=days) if days is not None else None,
        )
        await FeedbackSection.create(feedback_id=row.id, section_id=sections[section])
    times = await service.response_times()
    first, second = times[sections[0]], times[sections[1]]
    assert (first.answered, first.median_days, first.p90_days) == (4, 2.5, 10)
    assert (second.answered, second.median_days, second.p90_days) == (1, 5, 5)
    by_category, by_section = await service.counts()
    assert by_section[sections[0]] == 4 and by_section[sections[1]] == 2 and by_category[""] == 6
