"""Demo requests in every state, some overdue, and a campaign to three schools. Dates are set
back in time through the services' `on` argument so that deadlines and chasers have work to do."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from catalogue.demo import AREA
from catalogue.models import Agency, Field, GeographyLevel, Source
from requests_app import deadlines
from requests_app.services import request_transition
from requests_app.models import DataRequest
from requests_app.services import ChecklistInput, campaign_create, checklist_record, request_create

KEY = ["country-of-birth", "nationality", "immigration-status", "main-language"]


def _working_days_ago(n: int) -> datetime.date:
    day, today = timezone.localdate(), timezone.localdate()
    while deadlines.working_days_between(day, today) < n:
        day -= datetime.timedelta(days=1)
    return day


# (agency, source slug, title, fields, level, steps: [(action, working days ago, note, by)])
DEMO = [
    ("Teesmouth Homes", "housing-register-applicants", "Housing register applicants by nationality, 2025/26",
     KEY[:2] + ["household-type", "period"], "local-authority", []),
    ("Teesmouth NHS Foundation Trust", "acute-trust-service-users", "A&E and maternity patients by nationality and main language",
     ["nationality", "main-language", "service-type", "period"], "postcode-district",
     [("send", 28, "", "coordinator")]),
    ("Tees Valley Mental Health Trust", "mental-health-trust-referrals", "Referrals by nationality, main language and service",
     ["nationality", "main-language", "service-type", "gender"], "local-authority",
     [("send", 50, "", "coordinator"), ("acknowledge", 48, "", "coordinator")]),
    ("Teesmouth Police", "hate-crime-local", "Hate crime victims by nationality and ward",
     ["nationality", "country-of-birth", "ward", "age", "gender"], "ward",
     [("send", 12, "", "coordinator"), ("ask_clarification", 6, "Do you want victims only, or offenders too?", "coordinator")]),
    ("Open Door Refugee Support", "vcs-migrant-support-organisations", "Service users by country of birth and immigration status",
     KEY + ["gender", "period"], "local-authority",
     [("send", 25, "", "coordinator"), ("acknowledge", 20, "", "coordinator"), ("mark_received", 3, "Sent by email as agreed.", "coordinator")]),
    ("Council Children's Social Care", "childrens-social-care", "Children in need by nationality and immigration status",
     ["nationality", "immigration-status", "ward", "age"], "ward",
     [("send", 30, "", "coordinator"), ("mark_received", 10, "", "coordinator"),
      ("raise_query", 8, "Ward codes are 2019 boundaries; please use the current wards.", "coordinator")]),
    ("Council Democratic Services", "electoral-register-non-uk-electors", "Non-UK electors by nationality and ward, 2026",
     ["nationality", "ward"], "ward",
     [("send", 60, "", "coordinator"), ("acknowledge", 58, "", "coordinator"), ("mark_received", 45, "", "coordinator"), ("complete", 40, "", "coordinator")]),
    ("Linthorpe Medical Practice", "gp-registrations-local", "New registrations by main language",
     ["main-language", "age", "gender", "period"], "gp-practice",
     [("send", 40, "", "coordinator"), ("mark_received", 20, "", "coordinator"),
      ("complete_partially", 15, "Main language recorded for about half of patients only.", "coordinator")]),
    ("Central Medical Group", "gp-registrations-local", "New registrations by country of birth",
     ["country-of-birth", "period"], "gp-practice",
     [("send", 35, "", "coordinator"), ("not_held", 30, "Our system has no country of birth field.", "coordinator")]),
    ("Teesmouth Homes", "homelessness-support-service", "Homelessness applications by nationality",
     ["nationality", "immigration-status", "period"], "local-authority",
     [("send", 45, "", "coordinator"), ("refuse", 40, "No information sharing agreement covers this yet.", "coordinator")]),
    ("Tees Valley Mental Health Trust", "mental-health-trust-referrals", "Older people's services by language (duplicate)",
     ["main-language"], "local-authority",
     [("send", 20, "", "coordinator"), ("withdraw", 19, "Sent twice by mistake.", "coordinator")]),
]


def demo_requests() -> int:
    area_agencies = Agency.objects.filter(area__slug=AREA["slug"])
    if DataRequest.objects.filter(agency__in=area_agencies).exists():
        return 0
    User = get_user_model()
    coordinator = User.objects.get(username="coordinator")
    agencies = {a.name: a for a in area_agencies}
    fields = {f.code: f for f in Field.objects.all()}
    levels = {g.code: g for g in GeographyLevel.objects.all()}
    made = 0
    for agency, slug, title, codes, level, steps in DEMO:
        request = request_create(
            agency=agencies[agency], source=Source.objects.get(slug=slug), title=title,
            purpose="To understand recent international migration in Teesmouth for the needs assessment.",
            fields=[fields[c] for c in codes], geography_level=levels[level],
            period_start=datetime.date(2025, 4, 1), period_end=datetime.date(2026, 3, 31), coordinator=coordinator,
        )
        made += 1
        for action, ago, note, _ in steps:
            request_transition(request=request, action=action, user=coordinator, note=note, on=_working_days_ago(ago))
    school_contact = User.objects.get(username="school")
    campaign = campaign_create(
        name="EAL pupils by nationality and ward, 2025/26 (all schools)",
        agencies=[agencies[n] for n in ("Northgate Academy", "Riverside Primary School", "St Hilda's Primary School")],
        coordinator=coordinator, send=False, source=Source.objects.get(slug="school-census-eal-pupils"),
        title="EAL pupils by nationality, main language and ward, 2025/26",
        purpose="To plan support for international new arrivals across the borough's schools.",
        fields=[fields[c] for c in ("nationality", "main-language", "english-proficiency", "ward", "period")],
        geography_level=levels["ward"], period_start=datetime.date(2025, 9, 1), period_end=datetime.date(2026, 7, 31),
        granularity="quarter",
    )
    for request in campaign.requests.order_by("pk"):
        request_transition(request=request, action="send", user=coordinator, on=_working_days_ago(45))
        made += 1
    northgate = campaign.requests.get(agency__name="Northgate Academy")
    request_transition(request=northgate, action="acknowledge", user=school_contact, on=_working_days_ago(40))
    checklist_record(request=northgate, user=school_contact, answers=[
        ChecklistInput(fields["nationality"], "partly", "no", "yes", 70, "Asked at admission; often left blank."),
        ChecklistInput(fields["main-language"], "yes", "yes", "yes", 98, "First language is part of the census return."),
    ])
    return made
