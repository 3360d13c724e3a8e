"""Reads for the plan, the checklist decisions, the Stage 3 register and the release calendar."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from catalogue.models import Area, Source, SourceRefresh
from planning.models import CalendarFeed, ChecklistDecision, Engagement, Milestone, Plan
from planning.releases import Release, Status, releases_for
from planning.toolkit import CHECKLIST
from project import roles


def plan_for(area: Area) -> Plan | None:
    return (
        Plan.objects.filter(area=area)
        .select_related("geography_level", "updated_by")
        .prefetch_related("partners__organisation_type", "definitions")
        .first()
    )


def milestones_for(area: Area) -> QuerySet:
    return Milestone.objects.filter(plan__area=area)


def overdue_milestones(area: Area, today: datetime.date) -> QuerySet:
    return milestones_for(area).filter(done_on__isnull=True, due_on__lt=today)


def overdue_milestones_anywhere(today: datetime.date) -> QuerySet:
    """For the coordinator's home, which has no area at hand (one area per installation today)."""
    return Milestone.objects.filter(done_on__isnull=True, due_on__lt=today).order_by("due_on")


def checklist_decisions(area: Area) -> dict[str, ChecklistDecision]:
    """Checklist item code -> the area's decision on it."""
    return {d.item: d for d in ChecklistDecision.objects.filter(area=area).select_related("recorded_by")}


@dataclass
class ChecklistProgress:
    decisions: dict[str, ChecklistDecision]

    @property
    def rows(self) -> list[tuple[str, str, ChecklistDecision | None]]:
        return [(code, text, self.decisions.get(code)) for code, text in CHECKLIST.items()]

    def count(self, decision: str) -> int:
        return sum(1 for d in self.decisions.values() if d.decision == decision)

    @property
    def done(self) -> int:
        return self.count(ChecklistDecision.Decision.DONE)

    @property
    def in_progress(self) -> int:
        return self.count(ChecklistDecision.Decision.IN_PROGRESS)

    @property
    def accepted(self) -> int:
        return self.count(ChecklistDecision.Decision.ACCEPTED)

    @property
    def not_for_us(self) -> int:
        return self.count(ChecklistDecision.Decision.NOT_FOR_US)

    @property
    def undecided(self) -> int:
        return len(CHECKLIST) - len(self.decisions)

    @property
    def total(self) -> int:
        return len(CHECKLIST)


def checklist_progress(area: Area) -> ChecklistProgress:
    return ChecklistProgress(checklist_decisions(area))


@dataclass
class RegisterRow:
    engagement: Engagement
    too_close: list[Engagement] = field(default_factory=list)


def engagement_gap_days() -> int:
    return settings.TRACKER_ENGAGEMENT_GAP_DAYS


def engagement_register(area: Area) -> list[RegisterRow]:
    """The register in date order; each entry lists the other entries with the same community that fall
    within the setting's number of days of it (consultation fatigue)."""
    gap = datetime.timedelta(days=engagement_gap_days())
    entries = list(Engagement.objects.filter(area=area).select_related("recorded_by"))
    rows = [RegisterRow(e) for e in entries]
    by_community = defaultdict(list)
    for row in rows:
        if row.engagement.community.strip():
            by_community[row.engagement.community.strip().casefold()].append(row)
    for group in by_community.values():
        for row in group:
            mine = row.engagement
            row.too_close = [
                other.engagement
                for other in group
                if other is not row
                and other.engagement.starts_on - gap < mine.last_day
                and mine.starts_on - gap < other.engagement.last_day
            ]
    return rows


def take_ins(area: Area) -> dict[int, list[datetime.date]]:
    """Source id -> the days the area took it in."""
    found = defaultdict(list)
    for source_id, day in SourceRefresh.objects.filter(area=area).values_list("source_id", "refreshed_on"):
        found[source_id].append(day)
    return found


def release_calendar(area: Area, today: datetime.date, *, back: int = 12, ahead: int = 12) -> list[Release]:
    """Every public source's releases in the window, by month then title."""
    days = take_ins(area)
    sources = Source.objects.filter(stage=Source.Stage.PUBLIC).exclude(release_months=[]).order_by("title")
    releases = [r for s in sources for r in releases_for(s, days.get(s.pk, []), today, back=back, ahead=ahead)]
    return sorted(releases, key=lambda r: (r.month, r.source.title))


def sources_without_calendar() -> QuerySet:
    return Source.objects.filter(stage=Source.Stage.PUBLIC, release_months=[]).order_by("title")


@dataclass
class CalendarPage:
    overdue: list[Release]
    due: list[Release]
    upcoming: list[Release]
    taken_in: list[Release]


def calendar_page(area: Area, today: datetime.date) -> CalendarPage:
    releases = release_calendar(area, today, ahead=3)
    of = {status: [r for r in releases if r.status == status] for status in Status}
    return CalendarPage(
        overdue=of[Status.OVERDUE],
        due=of[Status.DUE],
        upcoming=of[Status.UPCOMING],
        taken_in=sorted(of[Status.TAKEN_IN], key=lambda r: r.taken_in_on, reverse=True),
    )


def coordinators() -> QuerySet:
    return get_user_model().objects.filter(groups__name=roles.COORDINATOR, is_active=True)


def feed_for(user) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user).first()


def feed_owner(token: str):
    """The person whose calendar address this is, while they may still read the calendar; else None."""
    feed = CalendarFeed.objects.filter(token=token).select_related("user").first()
    if feed is None or not feed.user.is_active:
        return None
    if not (roles.is_coordinator(feed.user) or roles.is_dpo(feed.user)):
        return None
    return feed.user
