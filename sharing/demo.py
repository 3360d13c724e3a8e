"""Demo agreements in every state, built through the services like real ones, so that their
timelines and the audit log are real, some demo requests are covered and others are blocked by
governance. Two are amended: one new version replaced its first, one waits in review with its diff."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from catalogue.demo import AREA
from catalogue.models import Agency, Area, Field
from sharing.models import AgreementParty, SharingAgreement
from sharing.services import agreement_amend, agreement_create, agreement_transition, agreement_update

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

SIRO = "Pat Senior (Director of Resources)"
# The notes a DPO or coordinator writes when an action asks for one.
NOTES = {
    "request_changes": "Say how long the tracker keeps the counts and who at the council can open them.",
    "reject": "Counts by ward and nationality meet the purpose; record-level patient data is not necessary.",
    "suspend": "The provider reported a file sent to the wrong address; sharing is paused while it is looked into.",
    "terminate": "The pilot ended; the force's figures will come under the agreement now being drafted.",
}

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
    (
        "Housing: homelessness applications",
        ["Teesmouth Homes"],
        ["nationality", "immigration-status", "household-type", "period"],
        ["submit", "start_review", "request_changes"],
        {},
    ),
    (
        "GP practices: patient records with country of birth",
        ["Central Medical Group"],
        ["country-of-birth", "age", "gender", "period"],
        ["submit", "start_review", "reject"],
        {"data_form": "pseudonymised"},
    ),
    (
        "GP practices: new registrations by main language",
        ["Linthorpe Medical Practice"],
        ["main-language", "age", "gender", "period"],
        ["submit", "start_review", "approve"],
        {},
    ),
    (
        "Housing: tenants by nationality and ward",
        ["Teesmouth Homes"],
        ["nationality", "household-type", "ward"],
        ["submit", "approve", "activate", "suspend"],
        {"start_date_offset": -200},
    ),
    (
        "Police: hate crime pilot",
        ["Teesmouth Police"],
        ["nationality", "ward", "period"],
        ["submit", "approve", "activate", "terminate"],
        {"start_date_offset": -500},
    ),
]

# (title of an active agreement, fields added by its new version, how far the new version goes).
AMENDMENTS = [
    # Replaced: the schools' first version is superseded and the new one covers their returns.
    (
        "Schools: pupils with English as an additional language",
        ["age"],
        ["submit", "start_review", "approve", "activate"],
    ),
    # Waiting: the DPO's queue holds a new version whose diff says what it adds.
    ("Voluntary sector: refugee and asylum support service users", ["age"], ["submit", "start_review"]),
]


def demo_agreements() -> int:
    area = Area.objects.get(slug=AREA["slug"])
    if SharingAgreement.objects.filter(area=area).exists():
        return 0
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["coordinator", "dpo"])}
    agencies = {a.name: a for a in Agency.objects.filter(area=area)}
    fields = {f.code: f for f in Field.objects.all()}
    today = timezone.localdate()
    made = {}
    for title, providers, codes, steps, extra in AGREEMENTS:
        extra = dict(extra)
        start = today + datetime.timedelta(days=extra.pop("start_date_offset", -30))
        end = start + datetime.timedelta(days=extra.pop("end_days", 3 * 365))
        values = {
            **COMMON,
            "data_form": "aggregate",
            **extra,
            "title": title,
            "purpose": f"To understand recent international migration in the area: {title.lower()}.",
            "start_date": start,
            "end_date": end,
        }
        agreement = agreement_create(
            area=area,
            user=users["coordinator"],
            providers=[agencies[p] for p in providers],
            data_items=[fields[c] for c in codes],
            **values,
        )
        made[title] = _take(agreement, steps, users, on=start)
    for title, added, steps in AMENDMENTS:
        _amend(made[title], [fields[c] for c in added], steps, users, on=today)
    return len(AGREEMENTS) + len(AMENDMENTS)


def _take(agreement: SharingAgreement, steps: list[str], users: dict, *, on: datetime.date) -> SharingAgreement:
    for action in steps:
        agreement = agreement_transition(
            agreement=agreement,
            action=action,
            user=users["coordinator"] if action == "submit" else users["dpo"],
            note=NOTES.get(action, ""),
            on=on,
            siro_name=SIRO,
            siro_signed_on=on,
        )
    return agreement


def _amend(agreement: SharingAgreement, added: list[Field], steps: list[str], users: dict, *, on) -> None:
    draft = agreement_amend(agreement=agreement, user=users["coordinator"])
    draft = agreement_update(
        agreement=draft,
        user=users["coordinator"],
        data_items=[*draft.data_items.all(), *added],
        providers=[p.agency for p in draft.parties.filter(role=AgreementParty.Role.PROVIDER)],
        retention="Three years after the needs assessment is published, to compare it with the next one",
    )
    _take(draft, steps, users, on=on)
