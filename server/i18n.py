"""Translations: Babel ``.po`` catalogs loaded at start-up, one per language, chosen per request.

Message ids are English; ``locale/ja/LC_MESSAGES/messages.po`` holds the Japanese the staff see by
default. The catalogs are read straight from the ``.po`` files, so there is no compile step to forget.
"""

from __future__ import annotations

import gettext as gettext_module
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from babel.messages.pofile import read_po
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from server.config import SUPPORTED_LANGUAGES

LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGE_COOKIE = "lang"


def N_(message: str) -> str:
    """Mark a message for extraction where it is defined; it is translated where it is shown."""
    return message


class Catalogs:
    """The loaded catalogs; ``for_language`` gives the gettext functions of one language."""

    def __init__(self, languages: Iterable[str] = SUPPORTED_LANGUAGES) -> None:
        self._translations: dict[str, gettext_module.NullTranslations] = {}
        for language in languages:
            po_path = LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"
            if po_path.exists():
                with po_path.open("rb") as handle:
                    catalog = read_po(handle, locale=language)
                self._translations[language] = _PoTranslations(
                    {m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy}
                )
            else:
                self._translations[language] = gettext_module.NullTranslations()

    def gettext(self, language: str) -> Callable[[str], str]:
        return self._translations.get(language, gettext_module.NullTranslations()).gettext

    def template_functions(self, language: str) -> dict[str, Any]:
        """``_``, ``gettext`` and ``ngettext`` for templates: new-style (``%(name)s``) and autoescaped.

        The catalog text is the project's own, so it is trusted markup as in Jinja's i18n extension;
        the variables formatted into it are escaped by ``Markup.__mod__``.
        """
        translations = self._translations.get(language, gettext_module.NullTranslations())

        @pass_context
        def gettext(context: Context, message: str, **variables: Any) -> str:
            text = translations.gettext(message)
            if context.eval_ctx.autoescape:
                text = Markup(text)  # noqa: S704 - trusted catalog text, see above
            return text % variables if variables else text

        @pass_context
        def ngettext(context: Context, singular: str, plural: str, num: int, **variables: Any) -> str:
            variables.setdefault("num", num)
            text = translations.ngettext(singular, plural, num)
            if context.eval_ctx.autoescape:
                text = Markup(text)  # noqa: S704 - trusted catalog text, see above
            return text % variables

        return {"_": gettext, "gettext": gettext, "ngettext": ngettext}


class _PoTranslations(gettext_module.NullTranslations):
    def __init__(self, messages: dict[Any, Any]) -> None:
        super().__init__()
        self._messages = messages

    def gettext(self, message: str) -> str:
        found = self._messages.get(message)
        return found if isinstance(found, str) else message

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        found = self._messages.get(msgid1)
        if isinstance(found, tuple | list):
            # Japanese has one plural form; English catalogs fall through to the ids.
            return str(found[0])
        return msgid1 if n == 1 else msgid2


def negotiate_language(cookie_value: str | None, default: str) -> str:
    """The language of this request: the visitor's own choice, else the office default."""
    if cookie_value in SUPPORTED_LANGUAGES:
        return str(cookie_value)
    return default
