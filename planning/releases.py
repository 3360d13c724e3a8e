"""Which public releases fall in a window, and for each whether the area has taken it in.

Publishers name months, not days, so a release is identified by the first day of its month. A release
is taken in by any take-in recorded from its month until the next release comes out; once a newer
release is out, an older one not taken in no longer matters (the newer one replaces it).
"""

import datetime
from dataclasses import dataclass
from enum import StrEnum

from dateutil.relativedelta import relativedelta

from catalogue.models import Source


class Status(StrEnum):
    UPCOMING = "upcoming"
    DUE = "due"  # out this month, not taken in yet
    OVERDUE = "overdue"  # out before this month, still the latest, not taken in
    TAKEN_IN = "taken-in"
    REPLACED = "replaced"  # never taken in, and a newer release is out


@dataclass(frozen=True)
class Release:
    source: Source
    month: datetime.date
    status: Status
    taken_in_on: datetime.date | None = None

    @property
    def awaited(self) -> bool:
        """Out and not taken in: what the reminders are about."""
        return self.status in (Status.DUE, Status.OVERDUE)

    @property
    def uid(self) -> str:
        return f"{self.source.slug}-{self.month:%Y-%m}"


def release_months_between(months: list[int], start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """First days of the release months from `start`'s month to `end`'s month, in order."""
    found, day = [], start.replace(day=1)
    while day <= end:
        if day.month in months:
            found.append(day)
        day += relativedelta(months=1)
    return found


def releases_for(
    source: Source, take_ins: list[datetime.date], today: datetime.date, *, back: int = 12, ahead: int = 12
) -> list[Release]:
    """The source's releases from `back` months before today to `ahead` months after, each with its status.
    `take_ins` are the days the area took the source in."""
    if not source.release_months:
        return []
    months = release_months_between(
        source.release_months, today - relativedelta(months=back), today + relativedelta(months=ahead)
    )
    this_month = today.replace(day=1)
    releases = []
    for month, following in zip(months, [*months[1:], None], strict=True):
        if month > today:
            releases.append(Release(source, month, Status.UPCOMING))
            continue
        until = following if following is not None and following <= today else None
        taken = sorted(day for day in take_ins if day >= month and (until is None or day < until))
        if taken:
            releases.append(Release(source, month, Status.TAKEN_IN, taken[0]))
        elif until is not None:
            releases.append(Release(source, month, Status.REPLACED))
        else:
            releases.append(Release(source, month, Status.DUE if month == this_month else Status.OVERDUE))
    return releases
