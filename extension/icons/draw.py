#!/usr/bin/env python3
"""Draws the extension's toolbar icon, a white key on a blue rounded square, as PNGs.

Run from anywhere: `python3 extension/icons/draw.py`. The PNGs are committed, so the build does
not need this; it is kept so the icon can be changed without an image editor.
"""

import os
import struct
import zlib

SIZES = (16, 32, 48, 128)
BLUE = (29, 78, 216)
WHITE = (255, 255, 255)
SAMPLES = 4  # per axis and pixel, for smooth edges


def inside_square(x, y):
    """The rounded square, in a 0..1 design space."""
    r = 0.19
    cx = min(max(x, r), 1 - r)
    cy = min(max(y, r), 1 - r)
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r


def inside_key(x, y):
    """A key lying on its side: a ring on the left, a shaft and two teeth to the right."""
    ring = (x - 0.33) ** 2 + (y - 0.5) ** 2 <= 0.17 ** 2
    hole = (x - 0.30) ** 2 + (y - 0.5) ** 2 < 0.07 ** 2
    shaft = 0.45 <= x <= 0.82 and 0.445 <= y <= 0.555
    teeth = (0.66 <= x <= 0.72 or 0.76 <= x <= 0.82) and 0.555 <= y <= 0.67
    return (ring and not hole) or shaft or teeth


def pixel(px, py, size):
    square = key = 0
    for sy in range(SAMPLES):
        for sx in range(SAMPLES):
            x = (px + (sx + 0.5) / SAMPLES) / size
            y = (py + (sy + 0.5) / SAMPLES) / size
            if inside_square(x, y):
                square += 1
                key += inside_key(x, y)
    total = SAMPLES * SAMPLES
    if square == 0:
        return (0, 0, 0, 0)
    mix = key / square
    rgb = tuple(round(b + (w - b) * mix) for b, w in zip(BLUE, WHITE))
    return rgb + (round(255 * square / total),)


def png(size):
    rows = b"".join(
        b"\x00" + bytes(c for px in range(size) for c in pixel(px, py, size))
        for py in range(size)
    )

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    for size in SIZES:
        with open(os.path.join(here, f"icon-{size}.png"), "wb") as out:
            out.write(png(size))
