"""Reads of public releases: for a user, and the figures set beside local returns."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404

from catalogue.models import Area, Source
from project import roles
from releases.comparators import comparator_codes
from releases.models import PublicObservation, PublicRelease


def public_source_for_coordinator(user, slug: str) -> Source:
    """Public figures are the coordinator's to take in; to anyone else the page does not exist."""
    if not roles.is_coordinator(user):
        raise Http404("No such page.")
    return get_object_or_404(Source, slug=slug, stage=Source.Stage.PUBLIC)


def releases_of(area: Area, source: Source) -> QuerySet[PublicRelease]:
    return PublicRelease.objects.filter(area=area, source=source).select_related("taken_in_by", "replaced_by")


# The population estimates every rate per 1,000 residents is worked out from.
DENOMINATOR = "mid-year-population-estimates"
# GSS codes of electoral wards in England (E05) and Wales (W05).
WARD_CODES = r"^[EW]05[0-9]{6}$"
# Which earlier release a public source is compared with to show change (the toolkit's advice to
# compare with the 2011 Census): shown as the baseline of the later one, not as a table of its own.
BASELINES = {"census-2021": "census-2011"}


@dataclass(frozen=True)
class PublicCounts:
    """One public release in force, by one field, for the whole area: its latest count for a stock,
    the sum of its periods for a flow. A value holding any cell the publisher suppressed is None."""

    release: PublicRelease
    counts: dict[str, int | None]  # code of the field's value ("" when not recorded) -> count
    first: datetime.date | None
    last: datetime.date | None
    stock: bool

    @property
    def period(self) -> str:
        return period_label(self.first, self.last, self.stock)


@dataclass(frozen=True)
class Population:
    """The residents a rate per 1,000 is worked out from, with where the figure comes from."""

    release: PublicRelease
    area_code: str
    on: datetime.date
    count: int | None  # None when the publisher suppressed part of it
    place: str = ""  # a comparator area's name; "" for the council itself

    @property
    def named(self) -> str:
        name = self.place or self.release.area.name
        where = f"{name} ({self.area_code})" if self.area_code else name
        count = "not published" if self.count is None else f"{self.count:,} residents"
        return f"{self.release.source.title}, {where}, {self.on:%-d %B %Y} ({self.release.edition}): {count}"


def period_label(first: datetime.date | None, last: datetime.date | None, stock: bool) -> str:
    if last is None:
        return "no period given"
    if stock or first is None or first == last:
        whole_year = first and first.month == 1 and first.day == 1 and (last.month, last.day) == (12, 31)
        return f"{last.year}" if whole_year and first.year == last.year else f"{last:%-d %b %Y}"
    return f"{first:%b %Y} to {last:%b %Y}"


def _in_force(area: Area) -> QuerySet[PublicRelease]:
    return (
        PublicRelease.objects.filter(area=area, replaced_by__isnull=True)
        .select_related("source", "area")
        .prefetch_related("source__migrant_definitions", "source__geography_levels")
    )


def _fold(release: PublicRelease, group: list[dict], column: str) -> PublicCounts:
    """A release's rows for one place as counts by the column's values."""
    stock = any(row["point_in_time"] for row in group)
    if stock:
        # People counted on one day are never added to those counted on another.
        latest = max(row["period_end"] or datetime.date.min for row in group)
        group = [row for row in group if (row["period_end"] or datetime.date.min) == latest]
    counts: dict[str, int | None] = {}
    for row in group:
        value = row[column]
        if row["hidden"] or (value in counts and counts[value] is None):
            counts[value] = None
        else:
            counts[value] = counts.get(value, 0) + (row["n"] or 0)
    starts = [row["period_start"] for row in group if row["period_start"]]
    ends = [row["period_end"] for row in group if row["period_end"]]
    return PublicCounts(release, counts, min(starts, default=None), max(ends, default=None), stock)


def _grouped(area: Area, column: str, *, places: bool) -> tuple[dict[int, PublicRelease], dict[tuple, list[dict]]]:
    """Rows of the area's releases in force summed by the column and period: over the council's
    own places, or (places=True) for each comparator area apart."""
    releases = {r.pk: r for r in _in_force(area)}
    wider = comparator_codes(area)
    rows = PublicObservation.objects.filter(release__in=list(releases))
    rows = rows.filter(geography_code__in=wider) if places else rows.exclude(geography_code__in=wider)
    keys = ["release_id", column, "period_start", "period_end", "point_in_time"]
    if places and column != "geography_code":
        keys.append("geography_code")
    found: dict[tuple, list[dict]] = {}
    for row in rows.values(*keys).annotate(n=Sum("count"), hidden=Count("pk", filter=Q(suppressed=True))).order_by():
        found.setdefault((row["release_id"], row.get("geography_code", "") if places else ""), []).append(row)
    return releases, found


def public_counts(area: Area, column: str) -> list[PublicCounts]:
    """The area's public releases in force that give counts by the observation column, each
    summed over the council's places (the comparator areas' rows apart). Two queries, whatever
    the size of the releases."""
    releases, found = _grouped(area, column, places=False)
    out = [_fold(releases[pk], group, column) for (pk, _), group in found.items() if any(row[column] for row in group)]
    return sorted(out, key=lambda c: (c.release.source.title, c.release.table, c.release.measure))


def comparator_counts(area: Area, column: str) -> dict[int, dict[str, PublicCounts]]:
    """For each release in force (by id), the counts by the column of each comparator area its
    file carried (region, England, the UK), by GSS code. Two queries."""
    releases, found = _grouped(area, column, places=True)
    out: dict[int, dict[str, PublicCounts]] = {}
    for (pk, code), group in found.items():
        if any(row[column] for row in group):
            out.setdefault(pk, {})[code] = _fold(releases[pk], group, column)
    return out


def population_of(area: Area, code: str = "") -> Population | None:
    """The latest mid-year estimate of the whole area's residents (or of the comparator area of
    the code), from the release in force."""
    release = _in_force(area).filter(source__slug=DENOMINATOR).order_by("-released_on", "-taken_in_at").first()
    if release is None:
        return None
    rows = release.observations.filter(geography_code__in=[code] if code else [area.gss_code, ""])
    latest = rows.aggregate(on=Max("period_end"))["on"]
    if latest is None:
        return None
    total = rows.filter(period_end=latest).aggregate(n=Sum("count"), hidden=Count("pk", filter=Q(suppressed=True)))
    count = None if total["hidden"] else total["n"]
    if code:
        return Population(release, code, latest, count, comparator_codes(area).get(code, code))
    code = area.gss_code if rows.filter(geography_code=area.gss_code).exists() else ""
    return Population(release, code, latest, count)


def ward_populations(area: Area) -> dict[str, Population]:
    """The latest mid-year estimate of each of the council's wards the release in force gives
    (ward-level estimates), by GSS code; a ward partly suppressed has a count of None."""
    release = _in_force(area).filter(source__slug=DENOMINATOR).order_by("-released_on", "-taken_in_at").first()
    if release is None:
        return {}
    rows = release.observations.filter(geography_code__regex=WARD_CODES)
    latest = rows.aggregate(on=Max("period_end"))["on"]
    found = (
        rows.filter(period_end=latest)
        .values("geography_code")
        .annotate(n=Sum("count"), hidden=Count("pk", filter=Q(suppressed=True)))
        .order_by()
    )
    return {
        row["geography_code"]: Population(release, row["geography_code"], latest, None if row["hidden"] else row["n"])
        for row in found
    }


def public_releases_in_force(area: Area) -> list[PublicRelease]:
    return list(_in_force(area).order_by("source__title", "table", "measure"))
