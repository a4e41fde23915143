"""Reading the charts back: PNG signature, and pixel size through matplotlib's own reader."""

from __future__ import annotations

import io

import matplotlib.image as mpimg

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(png: bytes) -> tuple[int, int]:
    """(width, height) of a PNG, failing unless it is one matplotlib can decode."""
    assert png.startswith(PNG_SIGNATURE)
    pixels = mpimg.imread(io.BytesIO(png), format="png")
    return pixels.shape[1], pixels.shape[0]


def by_gid(figure, gid: str) -> list:
    """Every artist of the figure's axes tagged ``gid`` (lines, spans, fills, texts)."""
    return [a for a in figure.axes[0].get_children() if a.get_gid() == gid]


def legend_labels(figure) -> list[str]:
    return [text.get_text() for legend in figure.legends for text in legend.get_texts()]
