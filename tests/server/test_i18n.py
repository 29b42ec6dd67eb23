"""Every message the UI shows has a Japanese translation: staff never meet an English string by accident."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}


def extracted_ids() -> dict[str, str]:
    found: dict[str, str] = {}
    sources = [
        ("server", [("**.py", "python")]),
        ("templates", [("**.html", "jinja2")]),
    ]
    for folder, method_map in sources:
        for filename, _lineno, message, _comments, _context in extract_from_dir(
            str(ROOT / folder),
            method_map=method_map,
            keywords=KEYWORDS,
            options_map={"**.html": {"extensions": "jinja2.ext.i18n"}},
        ):
            msgid = message[0] if isinstance(message, tuple) else message
            if msgid:
                found.setdefault(msgid, f"{folder}/{filename}")
    return found


def test_every_message_has_a_japanese_translation() -> None:
    with (ROOT / "server/locale/ja/LC_MESSAGES/messages.po").open("rb") as handle:
        catalog = read_po(handle, locale="ja")
    translated = {m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy}
    ids = extracted_ids()
    missing = sorted(f"{where}: {msgid}" for msgid, where in ids.items() if msgid not in translated)
    assert not missing, "untranslated messages:\n" + "\n".join(missing)
    assert len(ids) > 100


# A message id whose Japanese fits one meaning only, with the places that use it in that meaning. Another
# meaning needs its own id: 「受信日時」 over a count, 「対象」 over a target rate, 「氏名」 over a section.
ONE_MEANING = {
    "Received": ("受信日時", {"templates/feedback/show.html", "templates/feedback/_rows.html",
                              "templates/conflicts/detail.html"}),
    "Target": ("対象", {"templates/admin/audit.html", "templates/admin/_audit_rows.html"}),
    "Name": ("氏名", {"templates/admin/user_form.html", "templates/admin/users.html",
                      "templates/compliance/section.html", "server/okuyami/questions.py"}),
}  # fmt: skip


def usages() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for folder, method_map in (("server", [("**.py", "python")]), ("templates", [("**.html", "jinja2")])):
        for filename, _lineno, message, _comments, _context in extract_from_dir(
            str(ROOT / folder),
            method_map=method_map,
            keywords=KEYWORDS,
            options_map={"**.html": {"extensions": "jinja2.ext.i18n"}},
        ):
            msgid = message[0] if isinstance(message, tuple) else message
            if msgid:
                found.setdefault(msgid, set()).add(f"{folder}/{filename}")
    return found


def test_a_message_id_is_not_reused_in_another_meaning() -> None:
    with (ROOT / "server/locale/ja/LC_MESSAGES/messages.po").open("rb") as handle:
        catalog = read_po(handle, locale="ja")
    used = usages()
    for msgid, (japanese, places) in ONE_MEANING.items():
        message = catalog.get(msgid)
        assert message is not None and message.string == japanese, msgid
        assert used.get(msgid, set()) <= places, (
            f"{msgid!r} ({japanese}) used elsewhere: {used[msgid] - places}"
        )
    for msgid, japanese in (
        ("Comments received", "受付件数"),
        ("Target rate", "目標"),
        ("Section name", "課の名称"),
    ):
        message = catalog.get(msgid)
        assert message is not None and message.string == japanese, msgid
