import base64
import re

import numpy as np
import pandas as pd
import pytest

from resync_analytics.charts import markdown_image
from resync_analytics.charts.thin import thin


def test_markdown_image_carries_the_png_as_a_data_uri():
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
    text = markdown_image(png, "disk of app01 [mount=/]\nforecast")
    match = re.fullmatch(r"!\[([^\]\n]*)\]\(data:image/png;base64,([A-Za-z0-9+/=]+)\)", text)
    assert match is not None
    assert match.group(1) == "disk of app01 (mount=/) forecast"
    assert base64.b64decode(match.group(2)) == png


def test_markdown_image_refuses_what_is_no_chart():
    with pytest.raises(ValueError, match="not a PNG"):
        markdown_image(b"GIF89a", "x")
    with pytest.raises(ValueError, match="over"):
        markdown_image(b"\x89PNG\r\n\x1a\n" + bytes(300_000), "x")


def test_thin_keeps_short_lines_and_the_extremes_of_long_ones():
    index = pd.date_range("2026-01-01", periods=10_000, freq="min")
    values = np.zeros(10_000)
    values[4321], values[8765] = 9.0, -9.0
    _, same = thin(index[:50], values[:50])
    assert len(same) == 50
    few_index, few = thin(index, values, max_points=200)
    assert len(few) <= 200
    assert {9.0, -9.0} <= set(few)
    assert few_index.is_monotonic_increasing
