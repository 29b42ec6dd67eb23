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
