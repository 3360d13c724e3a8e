"""Writes for the project plan, the checklist decisions, the Stage 3 register, the release reminders
and calendar addresses."""

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from catalogue.models import Area
from notifications.services import notify
from planning.models import (
    CalendarFeed,
    ChecklistDecision,
    Engagement,
    Milestone,
    Plan,
    ReleaseReminder,
    new_feed_token,
)
from planning.selectors import coordinators, release_calendar
from planning.toolkit import BENEFITS, CHECKLIST
from project.lib.text import plural

PLAN_TEXT_FIELDS = (
    "lead_name",
    "lead_role",
    "sponsor_name",
    "sponsor_role",
    "forums",
    "earlier_work",
    "aims",
    "scope",
    "focus",
    "special_features",
    "definitions_reason",
    "methods",
    "outputs",
    "data_security",
    "resources",
    "review_cycle",
    "planning_rounds",
)


def plan_get_or_create(*, area: Area) -> Plan:
    plan, _ = Plan.objects.get_or_create(area=area)
    return plan


@transaction.atomic
def plan_update(
    *, area: Area, user: AbstractBaseUser, values: dict, partners, definitions, geography_level, benefits: list[str]
) -> Plan:
    """Saves the plan's answers: `values` holds the text fields of PLAN_TEXT_FIELDS."""
    unknown = set(values) - set(PLAN_TEXT_FIELDS)
    if unknown:
        raise ValidationError(f"Not part of the plan: {', '.join(sorted(unknown))}.")
    plan = plan_get_or_create(area=area)
    if any(agency.area_id != area.pk for agency in partners):
        raise ValidationError("Partners must be agencies of this area.")
    for name, value in values.items():
        setattr(plan, name, value)
    plan.geography_level = geography_level
    if set(benefits) - set(BENEFITS):
        raise ValidationError("Choose the benefits from the toolkit's list.")
    plan.benefits = list(benefits)
    plan.updated_by = user
    plan.full_clean()
    plan.save()
    plan.partners.set(partners)
    plan.definitions.set(definitions)
    return plan


def milestone_add(*, area: Area, title: str, owner: str, due_on: datetime.date) -> Milestone:
    milestone = Milestone(plan=plan_get_or_create(area=area), title=title, owner=owner, due_on=due_on)
    milestone.full_clean()
    milestone.save()
    return milestone


def milestone_complete(*, milestone: Milestone, on: datetime.date) -> Milestone:
    if on > timezone.localdate():
        raise ValidationError("A milestone cannot be done on a day still to come.")
    milestone.done_on = on
    milestone.full_clean()
    milestone.save(update_fields=["done_on"])
    return milestone


def milestone_delete(*, milestone: Milestone) -> None:
    milestone.delete()


def checklist_decide(
    *, area: Area, item: str, decision: str, note: str, on: datetime.date, user: AbstractBaseUser
) -> ChecklistDecision:
    """Records (or replaces) the area's decision on one section 5 checklist item."""
    if item not in CHECKLIST:
        raise ValidationError(f"There is no checklist item {item!r}.")
    if on > timezone.localdate():
        raise ValidationError("The decision date cannot be in the future.")
    with transaction.atomic():
        found = ChecklistDecision.objects.select_for_update().filter(area=area, item=item).first()
        row = found or ChecklistDecision(area=area, item=item)
        row.decision, row.note, row.decided_on, row.recorded_by = decision, note, on, user
        row.full_clean()
        row.save()
    return row


ENGAGEMENT_FIELDS = ("title", "kind", "status", "community", "owner", "starts_on", "ends_on", "notes")


def engagement_add(*, area: Area, user: AbstractBaseUser, values: dict) -> Engagement:
    entry = Engagement(area=area, recorded_by=user, **{k: values[k] for k in ENGAGEMENT_FIELDS if k in values})
    entry.full_clean()
    entry.save()
    return entry


def engagement_update(*, engagement: Engagement, values: dict) -> Engagement:
    for name in ENGAGEMENT_FIELDS:
        if name in values:
            setattr(engagement, name, values[name])
    engagement.full_clean()
    engagement.save()
    return engagement


def engagement_delete(*, engagement: Engagement) -> None:
    engagement.delete()


def _claim(area: Area, release) -> bool:
    """True for the one caller that records the reminder; any other (a second run, a second worker) gets False."""
    try:
        with transaction.atomic():
            ReleaseReminder.objects.create(area=area, source=release.source, release_month=release.month)
    except IntegrityError:
        return False
    return True


@transaction.atomic
def release_reminders_send(*, area: Area, today: datetime.date) -> list[str]:
    """Tells the coordinators, in the tracker and by email, of each release that is out and not taken
    in, once per release: one message per run lists those not mentioned before. Returns their ids."""
    awaited = [r for r in release_calendar(area, today, ahead=0) if r.awaited]
    # Skipping what was sent before keeps the daily run to one insert per new release.
    sent = set(ReleaseReminder.objects.filter(area=area).values_list("source_id", "release_month"))
    fresh = [r for r in awaited if (r.source.pk, r.month) not in sent and _claim(area, r)]
    if fresh:
        lines = [f"- {r.source.title}: released {r.month:%B %Y} ({r.source.release_timing})" for r in fresh]
        notify(
            users=coordinators(),
            subject=f"{plural(len(fresh), 'public release')} to take in for {area.name}",
            body="Out and not yet taken in:\n"
            + "\n".join(lines)
            + "\n\nDownload each release and record that it was taken in on the release calendar.",
            url=reverse("planning:calendar"),
        )
    return [r.uid for r in fresh]


def calendar_feed_reset(*, user: AbstractBaseUser) -> CalendarFeed:
    """Gives the person a new secret calendar address; the old one stops working."""
    feed, created = CalendarFeed.objects.get_or_create(user=user)
    if not created:
        feed.token = new_feed_token()
        feed.save(update_fields=["token", "created_at"])
    return feed
