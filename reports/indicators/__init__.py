"""Indicator tables from the returned aggregates, protected before anything leaves the server.

Only the counts of processed, current returns are used (a superseded upload no longer counts).
Each source gets its own table, protected on its own: adding sources together would mix stocks
with flows and one definition of migrant with another, and a sum of two sources published beside
each source alone would let a reader subtract one from the other.

The parts, each importing only those before it: `query` (what is asked, and its choices),
`periods` (period columns), `masters` (the tables read from the observations), `protection`
(the masters protected together), `runs` (which protection is wanted), `caching` (the protected
masters in the cache, and what a page does without them), `state` (the worker's side: preparing,
progress, out of time, failed) and `tables` (the views a person sees).
"""

from reports.indicators.caching import Preparation, _cached_masters, _keys
from reports.indicators.masters import (
    Live,
    Master,
    _master,
    _read,
    _threshold,
    area_choices,
    available_sources,
    live_of,
    live_returns,
    observations_of,
)
from reports.indicators.protection import _margin, _masters
from reports.indicators.query import COLUMN_CHOICES, DIMENSIONS, TOTAL, Query
from reports.indicators.state import indicators_failed, indicators_give_up, indicators_outdate, indicators_prepare
from reports.indicators.tables import (
    Indicators,
    IndicatorTable,
    build_table,
    comparability_warnings,
    has_areas,
    indicators_build,
)

__all__ = [
    "COLUMN_CHOICES",
    "DIMENSIONS",
    "TOTAL",
    "IndicatorTable",
    "Indicators",
    "Live",
    "Master",
    "Preparation",
    "Query",
    "_cached_masters",
    "_keys",
    "_margin",
    "_master",
    "_masters",
    "_read",
    "_threshold",
    "area_choices",
    "available_sources",
    "build_table",
    "comparability_warnings",
    "has_areas",
    "indicators_build",
    "indicators_failed",
    "indicators_give_up",
    "indicators_outdate",
    "indicators_prepare",
    "live_of",
    "live_returns",
    "observations_of",
]
