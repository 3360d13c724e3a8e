"""Demo agreements in several states, built through the services like real ones, so that some
demo requests are covered and others are blocked by governance."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from catalogue.demo import AREA
from catalogue.models import Agency, Area, Field
from sharing.models import SharingAgreement
from sharing.services import agreement_create, agreement_transition

COMMON = dict(
    legal_power="Localism Act 2011 s1 (the council); each provider's own statutory functions.",
    article6_basis="6(1)(e)",
    dpia_status="not-required",
    security="Uploaded to the council's tracker over HTTPS; no email attachments.",
    retention="Two years after the needs assessment is published",
    disposal="Deleted from the tracker and its backups",
    privacy_notice_url="https://www.example.gov.uk/privacy/migration-data",
    necessity=(
        "Public statistics stop at council level; only local agencies can show where new arrivals live "
        "and which services they use."
    ),
)

# (title, providers, fields, steps, extra): steps are actions taken in order by the coordinator or DPO.
AGREEMENTS = [
    (
        "Schools: pupils with English as an additional language",
        ["Northgate Academy", "Riverside Primary School", "St Hilda's Primary School"],
        ["nationality", "main-language", "english-proficiency", "ward", "period"],
        ["submit", "start_review", "approve", "activate"],
        {},
    ),
    (
        "Voluntary sector: refugee and asylum support service users",
        ["Open Door Refugee Support"],
        ["country-of-birth", "nationality", "immigration-status", "main-language", "gender", "period"],
        ["submit", "approve", "activate"],
        {},
    ),
    (
        "Children's social care: children in need",
        ["Council Children's Social Care"],
        ["nationality", "immigration-status", "ward", "age", "ethnicity"],
        ["submit", "approve", "activate"],
        {
            "article9_condition": "9(2)(g)",
            "schedule1_condition": "2-18",
            "dpia_status": "completed",
            "dpia_reference": "DPIA-2025-014",
            "start_date_offset": -400,
            "review_interval_months": 12,
        },
    ),
    (
        "Electoral register: non-UK electors",
        ["Council Democratic Services"],
        ["nationality", "ward"],
        ["submit", "approve", "activate"],
        {"start_date_offset": -800, "end_days": 365},
    ),
    (
        "Acute trust: patients by nationality and language",
        ["Teesmouth NHS Foundation Trust"],
        ["nationality", "main-language", "service-type", "period"],
        ["submit"],
        {},
    ),
    (
        "Mental health trust: referrals",
        ["Tees Valley Mental Health Trust"],
        ["nationality", "main-language", "service-type", "gender"],
        ["submit", "start_review"],
        {},
    ),
    (
        "Police: hate crime victims",
        ["Teesmouth Police"],
        ["nationality", "country-of-birth", "ward", "age", "gender"],
        [],
        {},
    ),
]


def demo_agreements() -> int:
    area = Area.objects.get(slug=AREA["slug"])
    if SharingAgreement.objects.filter(area=area).exists():
        return 0
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["coordinator", "dpo"])}
    agencies = {a.name: a for a in Agency.objects.filter(area=area)}
    fields = {f.code: f for f in Field.objects.all()}
    today = timezone.localdate()
    for title, providers, codes, steps, extra in AGREEMENTS:
        extra = dict(extra)
        start = today + datetime.timedelta(days=extra.pop("start_date_offset", -30))
        end = start + datetime.timedelta(days=extra.pop("end_days", 3 * 365))
        values = {
            **COMMON,
            **extra,
            "title": title,
            "purpose": f"To understand recent international migration in the area: {title.lower()}.",
            "start_date": start,
            "end_date": end,
            "data_form": "aggregate",
        }
        agreement = agreement_create(
            area=area,
            user=users["coordinator"],
            providers=[agencies[p] for p in providers],
            data_items=[fields[c] for c in codes],
            **values,
        )
        for action in steps:
            actor = users["coordinator"] if action == "submit" else users["dpo"]
            agreement = agreement_transition(
                agreement=agreement,
                action=action,
                user=actor,
                on=start,
                siro_name="Pat Senior (Director of Resources)",
                siro_signed_on=start,
            )
    return len(AGREEMENTS)
