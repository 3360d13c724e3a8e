"""The coverage and its recommendations, kept in the cache until what they are read from changes.

Building them is most of the time of the coverage pages, their exports and the printable report
(every agency's evidence shaped into cells, every rule run over them), and what they are read from
changes far less often than they are read. The cache key is the day and a fingerprint: the
area's agencies, read in full (a few hundred rows with no change time, handed on to the build);
the area's requests summed up in the database (how many, the newest change and id, how many in
each status, the sums of their agencies' and sources' ids), never read row by row; and for every
other table the build reads, its number of rows with its newest id or change time, in one query.
The rows edited in place carry a change time; the rest (evidence, catalogue links, parties,
refreshes) are rebuilt or added, never edited, so their ids move when they change.
"""

import copy
import datetime
import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db.models import Count, Max, Q, QuerySet, Subquery, Sum, Value

from catalogue.models import Area, Field, Source, SourceAvailability, SourceField, SourceRefresh, Theme
from reports.coverage import Coverage, coverage_build
from reports.coverage.counts import request_counts
from reports.coverage.matrix import area_agencies
from reports.recommendations import recommend
from reports.recommendations.items import Recommendation
from requests_app.models import DataRequest, FieldEvidence, Return, Status
from sharing.models import AgreementParty, SharingAgreement

T = TypeVar("T")

# A day at most: the day is in the key, and a key unused for a day belongs to data that has changed.
_KEPT = 24 * 3600


def _mark(queryset: QuerySet, aggregate) -> Subquery:
    """One aggregate of a table as a column of the fingerprint's single query."""
    return Subquery(queryset.order_by().values(one=Value(1)).annotate(mark=aggregate).values("mark")[:1])


def _marks(area: Area) -> tuple:
    # Evidence and returns are counted over every area: read through their agencies they cost most
    # of the query, and a change in another area only means one build too many.
    tables = [
        (FieldEvidence.objects.all(), "pk"),
        (Source.objects.all(), "updated_at"),
        (SourceField.objects.all(), "pk"),
        (Source.holding_agency_types.through.objects.all(), "pk"),
        (Source.geography_levels.through.objects.all(), "pk"),
        (Source.migrant_definitions.through.objects.all(), "pk"),
        (Field.objects.all(), "pk"),
        (Theme.objects.all(), "pk"),
        (SourceAvailability.objects.filter(area=area), "updated_at"),
        (SourceRefresh.objects.filter(area=area), "pk"),
        (SharingAgreement.objects.all(), "updated_at"),
        (AgreementParty.objects.all(), "pk"),
        # Processing a newer upload supersedes the one before as it changes its own status.
        (Return.objects.all(), "status_changed_at"),
    ]
    columns = {}
    for i, (queryset, newest) in enumerate(tables):
        columns[f"n{i}"] = _mark(queryset, Count("pk"))
        columns[f"last{i}"] = _mark(queryset, Max(newest))
    return Area.objects.filter(pk=area.pk).annotate(**columns).values_list(*columns).get()


def _request_marks(area: Area) -> dict:
    """The area's requests in one row: the status counts see a change even when it was written
    without its change time, and the id sums a request moved to another agency or source."""
    per_status = {f"s_{s}": Count("pk", filter=Q(status=s)) for s in Status.values}
    return DataRequest.objects.filter(agency__area=area).aggregate(
        n=Count("pk"),
        last=Max("updated_at"),
        newest=Max("pk"),
        agencies=Sum("agency_id"),
        sources=Sum("source_id"),
        repeating=Count("pk", filter=~Q(recurrence="")),
        **per_status,
    )


def _fingerprint(area: Area, today: datetime.date) -> tuple[str, list]:
    """The cache key of the area's coverage on `today`, with the agencies read for it."""
    agencies = area_agencies(area)
    marks = (area.pk, today, agencies, sorted(_request_marks(area).items()), _marks(area))
    return hashlib.sha256(repr(marks).encode()).hexdigest(), agencies


def _coverage(key: str, area: Area, today: datetime.date, agencies: list):
    if (found := cache.get(f"coverage:v3:{key}")) is not None:
        coverage, recommendations = found
        # Kept out of the cached copy: just read, and the same.
        coverage.agencies = agencies
        return coverage, recommendations
    coverage = coverage_build(area=area, today=today, agencies=agencies, requests=request_counts(area))
    # The rules read the coverage's parts built on first use, so the cached copy holds them too.
    recommendations = recommend(coverage)
    kept = copy.copy(coverage)
    kept.agencies = []
    cache.set(f"coverage:v3:{key}", (kept, recommendations), timeout=_KEPT)
    return coverage, recommendations


def coverage_cached(*, area: Area, today: datetime.date) -> tuple[Coverage, list[Recommendation]]:
    """The area's coverage on `today` and its recommendations, from the cache while still current."""
    key, agencies = _fingerprint(area, today)
    return _coverage(key, area, today, agencies)


def coverage_derived(
    *, area: Area, today: datetime.date, name: str, make: Callable[[Coverage, list[Recommendation]], T]
) -> T:
    """What `make` derives from the coverage (a file of reports.exports, the recommendations
    alone), kept under the coverage's own key, so that it is made again exactly when the coverage
    would be built again. Reading it from the cache skips loading the whole coverage, every
    agency's cells, which is most of the time of a page that needs only a part."""
    key, agencies = _fingerprint(area, today)
    if (found := cache.get(f"coverage-derived:v2:{name}:{key}")) is not None:
        return found
    made = make(*_coverage(key, area, today, agencies))
    cache.set(f"coverage-derived:v2:{name}:{key}", made, timeout=_KEPT)
    return made
