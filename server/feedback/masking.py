"""Removing personal information from a citizen's comment before it is published.

Detected and masked: personal names (found by the Japanese morphological analyser SudachiPy with its core
dictionary, which tags 姓 and 名 as 人名, and by the names followed by an honorific: 様, さん, 殿, 氏, くん,
ちゃん), telephone numbers (with hyphens, spaces, parentheses or none, half- or full-width digits), e-mail
addresses, postcodes and street addresses (都道府県・市区町村 with 丁目・番地・号 or digit runs). Other
proper nouns the analyser finds (places, buildings, organisations) stay but are pointed out, so the manager
who publishes reads each of them before confirming.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from sudachipy import Dictionary, SplitMode, Tokenizer

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
    (
        # Half- or full-width letters and digits (ｈａｎａ＠example.jp is as personal as the half-width form).
        "email",
        re.compile(
            r"[A-Za-z0-9Ａ-Ｚａ-ｚ０-９._%+\-．＿－]+\s*[@＠]\s*[A-Za-z0-9Ａ-Ｚａ-ｚ０-９.\-．－]+[.．][A-Za-zＡ-Ｚａ-ｚ]{2,}"
        ),
    ),
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


# Kawasaki's town names that the dictionary also knows as surnames. Alone (no given name, no honorific)
# such a word is read as the place (「溝口の図書館」), kept and pointed out to the approver.
PLACE_SURNAMES = frozenset(
    [
        "溝口",
        "高津",
        "末長",
        "久本",
        "子母口",
        "明津",
        "上作延",
        "下野毛",
        "久末",
        "梶ケ谷",
        "小杉",
        "木月",
        "今井",
        "苅宿",
        "上平間",
        "土橋",
        "菅",
        "長沢",
        "片平",
        "栗木",
        "岡上",
        "金程",
        "細山",
        "小田",
        "渡田",
        "田島",
        "藤崎",
        "桜本",
        "鹿島田",
        "矢上",
        "戸手",
        "塚越",
        "上丸子",
        "市ノ坪",
        "向河原",
        "中原",
        "麻生",
        "栗平",
        "布田",
        "長尾",
        "",
    ]
)
# What follows a surname-like word when it names a place or a building, not a person.
_PLACE_SUFFIXES = (
    "駅",
    "区",
    "市",
    "町",
    "村",
    "通り",
    "公園",
    "小学校",
    "中学校",
    "高校",
    "図書館",
    "病院",
    "橋",
)

# The kinds of personal information replaced, in the order they are looked for (earlier kinds win).
KINDS = ("email", "phone", "postcode", "address", "name")
PROPER_NOUN = "proper_noun"


@dataclass(frozen=True)
class Finding:
    kind: str
    text: str


@dataclass(frozen=True)
class Segment:
    """A run of the masked text: plain (kind ""), a replacement (kind in KINDS, with what it replaced) or a
    proper noun left in place (kind PROPER_NOUN)."""

    text: str
    kind: str = ""
    original: str = ""


@dataclass(frozen=True)
class Review:
    text: str
    findings: list[Finding]
    segments: list[Segment]

    @property
    def proper_nouns(self) -> list[str]:
        return [segment.text for segment in self.segments if segment.kind == PROPER_NOUN]


@cache
def _tokenizer() -> Tokenizer:
    """Loaded on first use (about 0.1 s), then shared: tokenising a comment takes well under a millisecond."""
    return Dictionary(dict="core").tokenizer(mode=SplitMode.C, fields={"pos"})


def _is_role(text: str) -> bool:
    stripped = text.strip()
    return stripped in NOT_NAMES or any(stripped.endswith(word) for word in NOT_NAMES if len(word) > 1)


def _not_an_address(found: str) -> bool:
    """ "2階の4-5番窓口" is a counter, not a home: a bare number pair needs a town with a city or a third
    number to count as an address."""
    if "丁目" in found or re.search(r"[市区町村]", found):
        return False
    return len(re.findall(r"[0-9０-９]+", found)) < 3


def _pattern_spans(text: str) -> Iterator[tuple[int, int, str]]:
    for kind, pattern in PATTERNS:
        for match in pattern.finditer(text):
            found = match.group(0)
            if kind == "name" and _is_role(found):
                continue
            if kind == "phone" and sum(ch.isdigit() for ch in found) < 10:
                continue  # too short for a Japanese number: a date or a count
            if kind == "address" and _not_an_address(found):
                continue
            yield match.start(), match.end(), kind


def _analysed_spans(text: str) -> Iterator[tuple[int, int, str]]:
    """Personal names as runs of 人名 tokens (姓 and 名, a space between allowed), and other proper nouns."""
    tokens = list(_tokenizer().tokenize(text))
    index = 0
    while index < len(tokens):
        token = tokens[index]
        pos = token.part_of_speech()
        if pos[1] != "固有名詞":
            index += 1
            continue
        if pos[2] != "人名":
            yield token.begin(), token.end(), PROPER_NOUN
            index += 1
            continue
        run = [token]
        index += 1
        while index < len(tokens):
            nxt = tokens[index]
            if nxt.part_of_speech()[2] == "人名":
                run.append(nxt)
                index += 1
            elif (
                nxt.surface().strip(" 　") == ""
                and index + 1 < len(tokens)
                and tokens[index + 1].part_of_speech()[2] == "人名"
            ):
                index += 1
            else:
                break
        begin, end = run[0].begin(), run[-1].end()
        surface = text[begin:end]
        following = text[end:]
        lone_surname = len(run) == 1 and pos[3] == "姓"
        if _is_role(surface):
            continue
        if lone_surname and (surface in PLACE_SURNAMES or following.startswith(_PLACE_SUFFIXES)):
            yield begin, end, PROPER_NOUN
        else:
            yield begin, end, "name"


def review(text: str) -> Review:
    """The text with personal information replaced by ＊＊＊, what was replaced, and the text in runs that
    point out each replacement and each proper noun left in place."""
    text = unicodedata.normalize("NFC", text)
    taken: list[tuple[int, int, str]] = []

    def free(begin: int, end: int) -> bool:
        return all(end <= b or begin >= e for b, e, _ in taken)

    for begin, end, kind in _pattern_spans(text):
        if free(begin, end):
            taken.append((begin, end, kind))
    for begin, end, kind in _analysed_spans(text):
        if free(begin, end):
            taken.append((begin, end, kind))
    taken.sort()
    segments: list[Segment] = []
    findings: list[Finding] = []
    masked: list[str] = []
    cursor = 0
    for begin, end, kind in taken:
        if begin > cursor:
            segments.append(Segment(text[cursor:begin]))
        original = text[begin:end]
        if kind == PROPER_NOUN:
            segments.append(Segment(original, PROPER_NOUN))
            masked.append(text[cursor:end])
        else:
            segments.append(Segment(MASK, kind, original))
            findings.append(Finding(kind, original))
            masked.append(text[cursor:begin] + MASK)
        cursor = end
    if cursor < len(text):
        segments.append(Segment(text[cursor:]))
    masked.append(text[cursor:])
    findings.sort(key=lambda finding: KINDS.index(finding.kind))
    return Review("".join(masked), findings, segments)


def mask(text: str) -> tuple[str, list[Finding]]:
    """The text with personal information replaced by ＊＊＊, and what was found."""
    result = review(text)
    return result.text, result.findings
