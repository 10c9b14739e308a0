"""Tiny PNG, JPEG and WebP files built in code: valid headers with a known width and height,
so tests need no binary fixtures."""

from __future__ import annotations

import struct
import zlib


def png(width: int = 3, height: int = 2, shade: int = 0) -> bytes:
    """A whole PNG (RGB, one grey level `shade`)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = b"".join(b"\0" + bytes([shade]) * 3 * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def jpeg(width: int = 5, height: int = 4) -> bytes:
    """A JPEG's headers: JFIF, a comment, then the baseline frame with the size."""
    jfif = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0"
    comment = b"\xff\xfe" + struct.pack(">H", 2 + 5) + b"hello"
    frame = b"\xff\xc0" + struct.pack(">HBHHB", 17, 8, height, width, 3)
    frame += b"\x01\x11\x00\x02\x11\x01\x03\x11\x01"
    return b"\xff\xd8" + jfif + comment + frame + b"\xff\xd9"


def _riff(chunk: bytes, body: bytes) -> bytes:
    payload = b"WEBP" + chunk + struct.pack("<I", len(body)) + body
    return b"RIFF" + struct.pack("<I", len(payload)) + payload


def webp_lossy(width: int = 7, height: int = 6) -> bytes:
    body = b"\x00\x00\x00" + b"\x9d\x01\x2a" + struct.pack("<HH", width, height) + b"\0" * 8
    return _riff(b"VP8 ", body)


def webp_lossless(width: int = 9, height: int = 8) -> bytes:
    bits = (width - 1) | ((height - 1) << 14)
    return _riff(b"VP8L", b"\x2f" + struct.pack("<I", bits) + b"\0" * 4)


def webp_extended(width: int = 300, height: int = 200) -> bytes:
    body = b"\x10\0\0\0" + (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")
    return _riff(b"VP8X", body)
