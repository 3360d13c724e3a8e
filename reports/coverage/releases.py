"""Which public releases the area has taken in, and which it is behind on."""

import datetime
from dataclasses import dataclass

from django.db.models import Max

from catalogue.models import Area, Source, SourceRefresh
from project.lib.periods import months_before, release_dates

# Months between releases of a regularly published source, for public sources whose catalogue
# entry gives a frequency but no release months: without a calendar, the frequency is the only
# way to tell that the area's copy has fallen behind. Irregular, one-off, on-request and decennial
# sources are left out on purpose: no interval says when their next release is owed.
RELEASE_INTERVALS = {"monthly": 1, "quarterly": 3, "twice-yearly": 6, "annual": 12, "biennial": 24}
RELEASE_WORDS = {
    "monthly": "monthly",
    "quarterly": "quarterly",
    "twice-yearly": "twice a year",
    "annual": "yearly",
    "biennial": "every two years",
}
# Publishers' dates slip by a few weeks, and taking a release in takes time: a month's grace stops
# a source being flagged the day its interval runs out.
RELEASE_GRACE_MONTHS = 1


@dataclass
class ReleaseRow:
    source: Source
    last_release: datetime.date | None  # first day of the latest release month up to today
    next_release: datetime.date | None
    refreshed_on: datetime.date | None
    # Set only for a source with no release months but a regular frequency: the day before which a
    # take-in is older than its release interval and the grace.
    take_in_after: datetime.date | None = None

    @property
    def stale(self) -> bool:
        if self.last_release is not None:
            return self.refreshed_on is None or self.refreshed_on < self.last_release
        if self.take_in_after is not None:
            return self.refreshed_on is None or self.refreshed_on < self.take_in_after
        return False


def last_refreshed(area: Area) -> dict[int, datetime.date]:
    """Source id -> the day the area last took in its release."""
    return dict(
        SourceRefresh.objects.filter(area=area)
        .values("source_id")
        .annotate(last=Max("refreshed_on"))
        .values_list("source_id", "last")
        .order_by()
    )


def release_rows(sources: list[Source], refreshed: dict[int, datetime.date], today: datetime.date) -> list[ReleaseRow]:
    """Each public source's latest and next release, and when the area last took one in."""
    rows = []
    for s in sources:
        if s.stage == Source.Stage.PUBLIC:
            last, following = release_dates(s.release_months, today)
            interval = RELEASE_INTERVALS.get(s.frequency) if last is None else None
            take_in_after = months_before(today, interval + RELEASE_GRACE_MONTHS) if interval else None
            rows.append(ReleaseRow(s, last, following, refreshed.get(s.pk), take_in_after))
    return rows
