"""Removing personal information from a citizen's comment before it is published.

Detected and masked: names followed by an honorific (様, さん, 殿, 氏, くん, ちゃん), telephone numbers
(with hyphens, spaces, parentheses or none, half- or full-width digits), e-mail addresses, postcodes and
street addresses (都道府県・市区町村 with 丁目・番地・号 or digit runs). Detection errs towards masking: a
manager confirms the masked text before anything is published, and can mask more by hand.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MASK = "＊＊＊"

_DIGIT = r"[0-9０-９]"
_NUMERAL = r"[0-9０-９一二三四五六七八九十〇]"
_SEP = r"[-－‐―ー−() （）\s]?"
_KANA_KANJI = r"[\u4e00-\u9fff\u3041-\u3096\u30a1-\u30fa]"
_PLACE = (
    r"(?:(?:東京都|北海道|(?:京都|大阪)府|[\u4e00-\u9fff]{2,3}県)?"
    r"[\u4e00-\u9fff]{1,6}[市区町村](?:[\u4e00-\u9fff]{1,6}[区町村])?)?"
    rf"{_KANA_KANJI}{{1,8}}?"
)
PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("email", re.compile(r"[A-Za-z0-9._%+\-]+\s*[@＠]\s*[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")),
    (
        "phone",
        re.compile(
            rf"(?<![0-9０-９])[(（]?[0０]{_DIGIT}{{1,4}}[)）]?{_SEP}{_DIGIT}{{1,4}}{_SEP}{_DIGIT}{{3,4}}(?![0-9０-９])"
        ),
    ),
    (
        "postcode",
        re.compile(rf"(?:〒\s*|(?<![0-9０-９\-－])){_DIGIT}{{3}}[-－‐ー−]{_DIGIT}{{4}}(?![0-9０-９])"),
    ),
    (
        "address",
        re.compile(
            rf"{_PLACE}{_NUMERAL}+丁目\s*(?:{_NUMERAL}+\s*番地?\s*)?(?:{_NUMERAL}+\s*号)?"
            rf"|{_PLACE}{_DIGIT}+[-－‐ー−の]{_DIGIT}+(?:[-－‐ー−の]{_DIGIT}+)?"
        ),
    ),
    (
        # Kanji or katakana right before an honorific; hiragana ends the name ("窓口の田中さん" → 田中).
        "name",
        re.compile(
            r"[\u4e00-\u9fff\u30a1-\u30fa]{1,5}(?:[ 　][\u4e00-\u9fff\u30a1-\u30fa]{1,5})?"
            r"(?=[ 　]?(?:様|さま|さん|殿|氏|くん|ちゃん))"
        ),
    ),
)
# Honorifics that follow a role, not a person: "職員さん" or "お客様" stay readable.
NOT_NAMES = frozenset(
    [
        "職員",
        "係員",
        "窓口の方",
        "お客",
        "皆",
        "皆さま",
        "みな",
        "担当者",
        "担当",
        "係の方",
        "受付の方",
        "課長",
        "区長",
        "警備員",
        "案内係",
        "区役所の方",
        "スタッフ",
        "お年寄り",
        "高齢者",
        "赤ちゃん",
        "お子",
        "ご家族",
        "神",
        "お医者",
        "客",
        "子",
        "赤",
        "医者",
        "皆様",
    ]
)


@dataclass(frozen=True)
class Finding:
    kind: str
    text: str


def _is_role(text: str) -> bool:
    stripped = text.strip()
    return stripped in NOT_NAMES or any(stripped.endswith(word) for word in NOT_NAMES if len(word) > 1)


def _not_an_address(found: str) -> bool:
    """ "2階の4-5番窓口" is a counter, not a home: a bare number pair needs a town with a city or a third
    number to count as an address."""
    if "丁目" in found or re.search(r"[市区町村]", found):
        return False
    return len(re.findall(r"[0-9０-９]+", found)) < 3


def mask(text: str) -> tuple[str, list[Finding]]:
    """The text with personal information replaced by ＊＊＊, and what was found."""
    findings: list[Finding] = []
    masked = unicodedata.normalize("NFC", text)
    for kind, pattern in PATTERNS:

        def replace(match: re.Match[str], kind: str = kind) -> str:
            found = match.group(0)
            if kind == "name" and _is_role(found):
                return found
            if kind == "phone" and sum(ch.isdigit() for ch in found) < 10:
                return found  # too short for a Japanese number: a date or a count
            if kind == "address" and _not_an_address(found):
                return found
            findings.append(Finding(kind, found))
            return MASK

        masked = pattern.sub(replace, masked)
    return masked, findings
