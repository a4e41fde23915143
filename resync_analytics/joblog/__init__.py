"""Deterministic joblog analysis: root cause, the line that states it, entities, fix steps and
a calibrated confidence, in one streaming pass over any bytes.

    from resync_analytics.joblog import analyze_file, analyze_joblog
    analysis = analyze_file("O412233.0200")
    analysis.to_contract_dict("O412233.0200")
"""

from resync_analytics.joblog.analyzer import analyze_file, analyze_joblog
from resync_analytics.joblog.models import (
    CATEGORIES,
    Category,
    JobIdentity,
    JoblogAnalysis,
    JoblogHeader,
)

__all__ = [
    "CATEGORIES",
    "Category",
    "JobIdentity",
    "JoblogAnalysis",
    "JoblogHeader",
    "analyze_file",
    "analyze_joblog",
]
