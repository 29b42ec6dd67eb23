"""The service-standard catalogue: seeded, edited by an administrator, every wording kept."""

from __future__ import annotations

from litestar import Litestar

from server.compliance.service import seed_standards
from server.i18n import LANGUAGE_COOKIE
from server.models import AuditEvent, ServiceStandard, ServiceStandardVersion, User
from tests.server.conftest import LoginAs, post_form


async def test_the_seeded_catalogue_has_every_group_and_a_first_version(app: Litestar) -> None:
    standards = await ServiceStandard.all()
    assert len(standards) == 30
    assert len({s.group_key for s in standards}) == 7
    assert {s.applies_to.value for s in standards} == {"all", "counter", "phone"}
    assert await ServiceStandardVersion.filter(version=1).count() == 30


async def test_rewording_and_retiring_keep_the_history(login_as: LoginAs) -> None:
    admin = await login_as("demo-admin")
    standard = await ServiceStandard.get(code="SB-01")
    listing = await admin.get("/admin/standards")
    assert listing.status_code == 200 and "名札を来庁者から見える位置に着用している" in listing.text
    saved = await post_form(
        admin,
        f"/admin/standards/{standard.id}",
        {
            "group_key": "midashinami",
            "text": "名札を胸の位置に着用している",
            "applies_to": "all",
            "sort_order": "10",
        },
    )
    assert saved.status_code == 302
    await post_form(admin, f"/admin/standards/{standard.id}/active", {})
    standard = await ServiceStandard.get(code="SB-01")
    assert (standard.text, standard.version, standard.active) == ("名札を胸の位置に着用している", 3, False)
    page = await admin.get(f"/admin/standards/{standard.id}")
    # Both wordings and the retirement are on the page, newest first.
    assert page.text.index("名札を胸の位置に着用している") < page.text.index(
        "名札を来庁者から見える位置に着用している"
    )
    assert "廃止" in page.text and page.text.count("data-version=") == 3
    assert await AuditEvent.filter(action="standard_retired", target_id="SB-01").exists()
    await post_form(admin, f"/admin/standards/{standard.id}/active", {"active": "on"})
    assert (await ServiceStandard.get(code="SB-01")).active


async def test_a_changed_order_alone_is_not_a_new_version(login_as: LoginAs) -> None:
    admin = await login_as("demo-admin")
    standard = await ServiceStandard.get(code="SB-02")
    values = {"group_key": standard.group_key, "text": standard.text, "applies_to": "all", "sort_order": "5"}
    await post_form(admin, f"/admin/standards/{standard.id}", values)
    assert (await ServiceStandard.get(code="SB-02")).version == 1


async def test_standards_read_in_english_on_the_english_screen(login_as: LoginAs) -> None:
    admin = await login_as("demo-admin")
    standard = await ServiceStandard.get(code="SB-02")
    assert standard.text_en == "Is neatly dressed in a way fitting public service"
    # Changing only the English wording keeps the version: the Japanese text is the standard.
    values = {
        "group_key": standard.group_key,
        "text": standard.text,
        "text_en": "Dresses neatly, as fits public service",
        "applies_to": "all",
        "sort_order": str(standard.sort_order),
    }
    await post_form(admin, f"/admin/standards/{standard.id}", values)
    changed = await ServiceStandard.get(code="SB-02")
    assert (changed.text_en, changed.version) == ("Dresses neatly, as fits public service", 1)
    too_long = await post_form(admin, f"/admin/standards/{standard.id}", {**values, "text_en": "x" * 301})
    assert too_long.status_code == 422 and "300文字以内" in too_long.text

    staff = await login_as("demo-staff")
    staff.cookies.set(LANGUAGE_COOKIE, "en")
    sheet = await staff.get("/self-check")
    assert "Dresses neatly, as fits public service" in sheet.text
    assert "清潔感のある、公務にふさわしい身だしなみをしている" not in sheet.text
    staff.cookies.set(LANGUAGE_COOKIE, "ja")
    assert "清潔感のある、公務にふさわしい身だしなみをしている" in (await staff.get("/self-check")).text


async def test_seeding_again_gives_unchanged_standards_their_english_only(app: Litestar) -> None:
    await ServiceStandard.all().update(text_en="")
    await ServiceStandard.filter(code="SB-03").update(text="窓口で飲食をしていない")  # the ward's rewording
    await seed_standards()
    assert (await ServiceStandard.get(code="SB-01")).text_en.startswith("Wears the name badge")
    assert (await ServiceStandard.get(code="SB-03")).text_en == ""


async def test_a_new_standard_in_a_new_group_and_bad_input_keeps_the_text(login_as: LoginAs) -> None:
    admin = await login_as("demo-admin")
    bad = await post_form(
        admin,
        "/admin/standards/new",
        {
            "code": "SB 31!",
            "group_key": "shokuba",
            "text": "オンライン申請の案内をしている",
            "applies_to": "x",
        },
    )
    assert bad.status_code == 422
    assert "オンライン申請の案内をしている" in bad.text and "SB-31" in bad.text  # the hint shows the form
    assert "対象を選んでください" in bad.text
    no_name = await post_form(
        admin,
        "/admin/standards/new",
        {
            "code": "SB-31",
            "group_key": "shokuba",
            "new_group_key": "online",
            "text": "案内",
            "applies_to": "all",
        },
    )
    assert no_name.status_code == 422 and "新しいグループの名前を入力してください" in no_name.text
    created = await post_form(
        admin,
        "/admin/standards/new",
        {
            "code": "sb-31",
            "group_key": "shokuba",
            "new_group_key": "online",
            "group_name": "オンライン手続",
            "text": "オンライン申請の案内をしている",
            "applies_to": "counter",
            "sort_order": "400",
        },
    )
    assert created.status_code == 302
    standard = await ServiceStandard.get(code="SB-31")
    assert (standard.group_key, standard.group_name, standard.version) == ("online", "オンライン手続", 1)
    assert await ServiceStandardVersion.filter(standard_id=standard.id).count() == 1
    duplicate = await post_form(
        admin,
        "/admin/standards/new",
        {"code": "SB-31", "group_key": "online", "text": "重複", "applies_to": "all"},
    )
    assert duplicate.status_code == 422 and "このコードは他の基準で使われています" in duplicate.text


async def test_the_account_form_records_counter_and_phone_duties(login_as: LoginAs) -> None:
    admin = await login_as("demo-admin")
    user = await User.get(login="demo-okuyami")
    form = await admin.get(f"/admin/users/{user.id}")
    assert "窓口で応対する" in form.text and "電話に出る" in form.text
    await post_form(
        admin,
        f"/admin/users/{user.id}",
        {"display_name": user.display_name, "role": "okuyami", "section_id": str(user.section_id),
         "active": "on", "counter_duty": "on"},
    )  # fmt: skip
    user = await User.get(login="demo-okuyami")
    assert (user.counter_duty, user.phone_duty) == (True, False)
