"""PNG encoding of an RGBA picture with zlib: the whole of what a small picture needs."""

from __future__ import annotations

import struct
import zlib

SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def encode_rgba(width: int, height: int, pixels: bytes | bytearray) -> bytes:
    """A PNG of `pixels`: `height` rows of `width` RGBA pixels, 8 bits a channel, top row first."""
    stride = width * 4
    if len(pixels) != stride * height:
        raise ValueError(f"{len(pixels)} bytes is not {width}x{height} RGBA pixels")
    rows = b"".join(b"\x00" + bytes(pixels[y * stride : (y + 1) * stride]) for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA, no interlace
    return (
        SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(rows, 6)) + _chunk(b"IEND", b"")
    )
