"""Charts people look at, as PNG bytes: forecasts, job runtime trends and anomalies.

Pure rendering (matplotlib's Agg canvas, no display): the reports embed the bytes with
``markdown_image`` and the command line writes them to a file.

from resync_analytics.charts import forecast_chart, markdown_image

png = forecast_chart(series, forecast, title="app01 disk", threshold=90.0, eta=eta)
markdown = markdown_image(png, "app01 disk forecast")
"""

from resync_analytics.charts.anomaly import anomaly_chart, anomaly_figure
from resync_analytics.charts.forecast import (
    forecast_chart,
    forecast_figure,
    from_record,
    metric_axis,
)
from resync_analytics.charts.markdown import markdown_image
from resync_analytics.charts.render import ChartError, png_bytes
from resync_analytics.charts.runtime import JobRun, runs_of_job, runtime_chart, runtime_figure

__all__ = [
    "ChartError",
    "JobRun",
    "anomaly_chart",
    "anomaly_figure",
    "forecast_chart",
    "forecast_figure",
    "from_record",
    "markdown_image",
    "metric_axis",
    "png_bytes",
    "runs_of_job",
    "runtime_chart",
    "runtime_figure",
]
