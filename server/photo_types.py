"""The kinds of file the app stores: photos as JPEG, PNG or WebP, recognised by their first bytes.

Signatures (署名) are drawn strokes kept in the record as data, never files. Anything else (an SVG with a
script, an HTML page, a PDF) is refused at upload, whatever name or type the sender gave it, and a file
is served with the type its bytes were checked as.
"""

from __future__ import annotations

import struct

IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/webp"})


def _jpeg(head: bytes) -> bool:
    # Start of image, then the marker of the next segment (APP0 JFIF, APP1 Exif, a table, a frame …).
    return len(head) >= 4 and head[:3] == b"\xff\xd8\xff" and 0xC0 <= head[3] <= 0xFE


def _png(head: bytes) -> bool:
    # The signature, then the IHDR chunk (13 bytes) with a width and height of at least one pixel.
    if len(head) < 24 or head[:8] != b"\x89PNG\r\n\x1a\n" or head[8:16] != b"\x00\x00\x00\rIHDR":
        return False
    width, height = struct.unpack(">II", head[16:24])
    return bool(width > 0 and height > 0)


def _webp(head: bytes) -> bool:
    # A RIFF container of WEBP whose first chunk is a lossy, lossless or extended image.
    return (
        len(head) >= 16
        and head[:4] == b"RIFF"
        and head[8:12] == b"WEBP"
        and head[12:16]
        in {
            b"VP8 ",
            b"VP8L",
            b"VP8X",
        }
    )


def photo_type(head: bytes) -> str | None:
    """The media type of a photo from its first bytes (at least 24), or None when it is not one."""
    if _jpeg(head):
        return "image/jpeg"
    if _png(head):
        return "image/png"
    if _webp(head):
        return "image/webp"
    return None
