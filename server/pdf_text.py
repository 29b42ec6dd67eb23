"""Japanese text in the PDFs the app makes (inspection reports, the family's guide, plan reports).

They use HeiseiKakuGo-W5, one of the standard Japanese CID fonts every PDF reader knows: no font file is
shipped or embedded, and the characters keep their Unicode mapping, so the text can be searched and copied.
"""

from __future__ import annotations

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont

FONT = "HeiseiKakuGo-W5"


def font() -> str:
    """The font's name, registered with reportlab the first time it is asked for."""
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def style(size: float) -> ParagraphStyle:
    """A paragraph style at ``size`` points that wraps Japanese anywhere, as Japanese text does."""
    return ParagraphStyle(f"ja{size}", fontName=font(), fontSize=size, leading=size * 1.45, wordWrap="CJK")


def text(value: object) -> str:
    """Plain text for reportlab's paragraph markup: every value is escaped."""
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
