"""Charts inside markdown: the PNG travels in the text as a ``data:`` URI, so a Prefect
markdown artifact shows it with no file server or blob store behind the UI."""

from __future__ import annotations

import base64

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# A report carries a few charts; a bigger image means a chart was not made by this package.
MAX_IMAGE_BYTES = 200_000


def markdown_image(png: bytes, alt: str) -> str:
    """``![alt](data:image/png;base64,...)``; the alt text says what the chart shows."""
    if not png.startswith(PNG_SIGNATURE):
        raise ValueError("not a PNG image")
    if len(png) > MAX_IMAGE_BYTES:
        raise ValueError(f"chart of {len(png):,} bytes is over {MAX_IMAGE_BYTES:,}")
    # Brackets and newlines would end the alt text early.
    text = " ".join(alt.replace("[", "(").replace("]", ")").split())
    return f"![{text}](data:image/png;base64,{base64.b64encode(png).decode('ascii')})"
