"""Forecasting of metric series: regularise, pick a method by backtest, intervals, ETAs.

from resync_analytics.forecasting import read_series_csv, forecast_series, threshold_eta

series = read_series_csv("cpu.csv")
forecast = forecast_series(series, horizon=288)
eta = threshold_eta(forecast, 95.0)
"""

from resync_analytics.forecasting.select import (
    ForecastError,
    MethodScore,
    SeriesForecast,
    forecast_many,
    forecast_series,
)
from resync_analytics.forecasting.series import (
    RegularSeries,
    SeriesError,
    read_series_csv,
    regularise,
)
from resync_analytics.forecasting.threshold import ThresholdEta, earliest_crossing, threshold_eta

__all__ = [
    "ForecastError",
    "MethodScore",
    "RegularSeries",
    "SeriesError",
    "SeriesForecast",
    "ThresholdEta",
    "earliest_crossing",
    "forecast_many",
    "forecast_series",
    "read_series_csv",
    "regularise",
    "threshold_eta",
]
