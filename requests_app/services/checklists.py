"""The field-availability checklist and the per-agency evidence derived from it and from returns."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from catalogue.models import (
    Agency,
    Field,
)
from requests_app.models import (
    ChecklistAnswer,
    DataRequest,
    FieldEvidence,
    RequestEvent,
    Return,
)
from requests_app.services.requests import require_participant


@dataclass(frozen=True)
class ChecklistInput:
    """One field's answers as given. Whether it is recorded must be answered ("unknown" is the
    answer "Don't know"); whether it is mandatory and extractable too when it is recorded, and
    may be left "" when it is not, which is stored as "Don't know"."""

    field: Field
    collected: str
    mandatory: str
    extractable: str
    completeness: int | None
    notes: str


RECORDED = (ChecklistAnswer.Collected.YES, ChecklistAnswer.Collected.PARTLY)


def _unanswered(given: ChecklistInput) -> str:
    if not given.collected:
        return f"{given.field.name}: say whether it is recorded, or that you don't know."
    if given.collected in RECORDED and not (given.mandatory and given.extractable):
        return f"{given.field.name}: say whether it is mandatory and can be extracted, or that you don't know."
    return ""


@transaction.atomic
def checklist_record(*, request: DataRequest, user, answers: list[ChecklistInput]) -> int:
    """Records the field-availability checklist: by the agency in the portal, or by the coordinator
    after a call. Only the fields given are touched: a field nobody answered keeps its earlier
    answer, or stays unanswered. Returns how many answers changed; all or nothing."""
    checker = require_participant(user, request)
    requested = set(request.fields.values_list("pk", flat=True))
    stored = {a.field_id: a for a in ChecklistAnswer.objects.select_for_update().filter(request=request)}
    recorded_as = (
        ChecklistAnswer.RecordedAs.COORDINATOR if checker.is_coordinator else ChecklistAnswer.RecordedAs.AGENCY
    )
    changed = []
    for given in answers:
        if given.field.pk not in requested:
            raise ValidationError(f"{given.field} was not requested.")
        if missing := _unanswered(given):
            raise ValidationError(missing)
        answer = stored.get(given.field.pk) or ChecklistAnswer(request=request, field=given.field)
        values = {
            "collected": given.collected,
            "mandatory": given.mandatory or ChecklistAnswer.YesNo.UNKNOWN,
            "extractable": given.extractable or ChecklistAnswer.YesNo.UNKNOWN,
            "completeness": given.completeness,
            "notes": given.notes.strip(),
        }
        # A row measured in a return was never answered: the same values given now are an answer.
        measured_only = answer.recorded_as == ChecklistAnswer.RecordedAs.MEASURED
        if answer.pk and not measured_only and all(getattr(answer, k) == v for k, v in values.items()):
            continue
        for key, value in values.items():
            setattr(answer, key, value)
        answer.recorded_as, answer.recorded_by = recorded_as, user
        answer.full_clean()
        answer.save()
        changed.append(given.field.name)
    if changed:
        RequestEvent.objects.create(
            request=request,
            kind=RequestEvent.Kind.CHECKLIST,
            actor=user,
            happened_on=timezone.localdate(),
            note=f"{answer.get_recorded_as_display()}: {', '.join(changed)}.",
        )
        evidence_refresh(agency_ids=[request.agency_id])
    return len(changed)


@transaction.atomic
def evidence_refresh(*, agency_ids) -> None:
    """Derives the agencies' FieldEvidence afresh from their checklist answers and current
    processed returns. Rebuilt rather than patched, so it cannot drift from what it summarises;
    one agency's evidence is a few dozen rows."""
    agency_ids = sorted(set(agency_ids))
    # Two writers refreshing one agency would both delete, then both insert: take turns.
    list(Agency.objects.select_for_update().filter(pk__in=agency_ids).values_list("pk"))
    answers = ChecklistAnswer.objects.filter(request__agency_id__in=agency_ids)

    def newest(queryset, order: str) -> dict[tuple[int, int], int]:
        ranked = queryset.annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("request__agency_id"), F("field_id")],
                order_by=[F(order).desc(), F("pk").desc()],
            )
        )
        return {
            (agency, field): pk
            for pk, agency, field in ranked.filter(rank=1)
            .values_list("pk", "request__agency_id", "field_id")
            .order_by()
        }

    # A "don't know" says nothing about the field, and a measured row's own answer is the measurement.
    answered = newest(
        answers.exclude(collected=ChecklistAnswer.Collected.UNKNOWN).exclude(
            recorded_as=ChecklistAnswer.RecordedAs.MEASURED
        ),
        "recorded_at",
    )
    measured = newest(answers.filter(measured_completeness__isnull=False), "measured_at")
    live = Return.objects.filter(status=Return.Status.DONE, superseded=False, request__agency_id__in=agency_ids)
    # A processed return has every column its request asked for.
    returned = {
        (agency, field): request
        for agency, field, request in DataRequest.fields.through.objects.filter(
            datarequest__in=live.values("request_id")
        )
        .values_list("datarequest__agency_id", "field_id")
        .annotate(request=Max("datarequest_id"))
        .order_by()
    }
    FieldEvidence.objects.filter(agency_id__in=agency_ids).delete()
    FieldEvidence.objects.bulk_create(
        FieldEvidence(
            agency_id=agency,
            field_id=field,
            answer_id=answered.get((agency, field)),
            measured_id=measured.get((agency, field)),
            returned_id=returned.get((agency, field)),
        )
        for agency, field in sorted(answered.keys() | measured.keys() | returned.keys())
    )
