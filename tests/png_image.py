"""Read a PNG file's size and pixels with the standard library, for tests that check a downloaded chart.

Only what browsers write from a canvas: 8-bit RGB or RGBA, not interlaced. Anything else is an
AssertionError saying what was found, so a test never passes on a file it could not read.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

SIGNATURE = b"\x89PNG\r\n\x1a\n"
CHANNELS = {2: 3, 6: 4}  # colour type -> bytes per pixel at 8 bits: RGB, RGBA


@dataclass(frozen=True, slots=True)
class PngImage:
    width: int
    height: int
    pixels: list[tuple[int, ...]]  # row by row, each (r, g, b) or (r, g, b, a)


def read_png(data: bytes) -> PngImage:
    assert data.startswith(SIGNATURE), f"not a PNG: starts with {data[:8]!r}"
    position, header, compressed = len(SIGNATURE), b"", b""
    while position < len(data):
        (length,) = struct.unpack(">I", data[position:position + 4])
        kind, body = data[position + 4:position + 8], data[position + 8:position + 8 + length]
        (crc,) = struct.unpack(">I", data[position + 8 + length:position + 12 + length])
        assert zlib.crc32(kind + body) == crc, f"chunk {kind!r} at byte {position} fails its CRC"
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            compressed += body
        elif kind == b"IEND":
            break
        position += 12 + length
    assert len(header) == 13, "no IHDR chunk"
    width, height, depth, colour, _compression, _filter, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8 and colour in CHANNELS and interlace == 0, f"unsupported PNG: depth {depth}, colour type {colour}, interlace {interlace}"
    return PngImage(width, height, _pixels(zlib.decompress(compressed), width, height, CHANNELS[colour]))


def _pixels(raw: bytes, width: int, height: int, channels: int) -> list[tuple[int, ...]]:
    """Undo each scanline's filter (PNG specification, section 9)."""
    stride = width * channels
    assert len(raw) == height * (stride + 1), f"{len(raw)} bytes of image data for {width}×{height}"
    previous = bytearray(stride)
    pixels: list[tuple[int, ...]] = []
    for row in range(height):
        start = row * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            corner = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                line[i] = (line[i] + _paeth(left, up, corner)) & 0xFF
            else:
                assert kind == 0, f"row {row} has unknown filter {kind}"
        pixels += [tuple(line[i:i + channels]) for i in range(0, stride, channels)]
        previous = line
    return pixels


def _paeth(left: int, up: int, corner: int) -> int:
    estimate = left + up - corner
    distances = (abs(estimate - left), abs(estimate - up), abs(estimate - corner))
    return (left, up, corner)[distances.index(min(distances))]
