"""Demo requests in every state, some overdue, a campaign to three schools and a yearly request
whose next round waits as a draft; returns accepted, refused and held as personal data. Dates are
set back in time through the services' `on` argument so that deadlines and chasers have work to do."""

import csv
import datetime
import io
import random

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.dispatch import Signal
from django.utils import timezone

from catalogue.demo import AREA
from catalogue.models import Agency, Area, Field, GeographyLevel, Source
from catalogue.services import area_lookup_load
from notifications.selectors import notifications_for
from notifications.services import notifications_mark_read
from requests_app import deadlines
from requests_app.ingest.completeness import KEY_FIELDS
from requests_app.models import DataRequest, Recurrence, Return
from requests_app.services.campaigns import campaign_create
from requests_app.services.checklists import ChecklistInput, checklist_record
from requests_app.services.processing import return_process
from requests_app.services.requests import request_create, request_transition
from requests_app.services.returns import return_upload


def _working_days_ago(n: int) -> datetime.date:
    day, today = timezone.localdate(), timezone.localdate()
    while deadlines.working_days_between(day, today) < n:
        day -= datetime.timedelta(days=1)
    return day


# (agency, source slug, title, fields, level, steps: [(action, working days ago, note, by)])
DEMO = [
    (
        "Teesmouth Homes",
        "housing-register-applicants",
        "Housing register applicants by nationality, 2025/26",
        [*KEY_FIELDS[:2], "household-type", "period"],
        "local-authority",
        [],
    ),
    (
        "Teesmouth NHS Foundation Trust",
        "acute-trust-service-users",
        "A&E and maternity patients by nationality and main language",
        ["nationality", "main-language", "service-type", "period"],
        "postcode-district",
        [("send", 28, "", "coordinator")],
    ),
    (
        "Tees Valley Mental Health Trust",
        "mental-health-trust-referrals",
        "Referrals by nationality, main language and service",
        ["nationality", "main-language", "service-type", "gender"],
        "local-authority",
        [("send", 50, "", "coordinator"), ("acknowledge", 48, "", "coordinator")],
    ),
    (
        "Teesmouth Police",
        "hate-crime-local",
        "Hate crime victims by nationality and ward",
        ["nationality", "country-of-birth", "ward", "age", "gender"],
        "ward",
        [
            ("send", 12, "", "coordinator"),
            ("ask_clarification", 6, "Do you want victims only, or offenders too?", "coordinator"),
        ],
    ),
    (
        "Open Door Refugee Support",
        "vcs-migrant-support-organisations",
        "Service users by country of birth and immigration status",
        [*KEY_FIELDS, "gender", "period"],
        "local-authority",
        [
            ("send", 25, "", "coordinator"),
            ("acknowledge", 20, "", "coordinator"),
            ("mark_received", 3, "Sent by email as agreed.", "coordinator"),
        ],
    ),
    (
        "Council Children's Social Care",
        "childrens-social-care",
        "Children in need by nationality and immigration status",
        ["nationality", "immigration-status", "ward", "age"],
        "ward",
        [
            ("send", 30, "", "coordinator"),
            ("mark_received", 10, "", "coordinator"),
            ("raise_query", 8, "Ward codes are 2019 boundaries; please use the current wards.", "coordinator"),
        ],
    ),
    (
        "Council Democratic Services",
        "electoral-register-non-uk-electors",
        "Non-UK electors by nationality and ward, 2026",
        ["nationality", "ward"],
        "ward",
        [
            ("send", 60, "", "coordinator"),
            ("acknowledge", 58, "", "coordinator"),
            ("mark_received", 45, "", "coordinator"),
            ("complete", 40, "", "coordinator"),
        ],
    ),
    (
        "Linthorpe Medical Practice",
        "gp-registrations-local",
        "New registrations by main language",
        ["main-language", "age", "gender", "period"],
        "gp-practice",
        [
            ("send", 40, "", "coordinator"),
            ("mark_received", 20, "", "coordinator"),
            ("complete_partially", 15, "Main language recorded for about half of patients only.", "coordinator"),
        ],
    ),
    (
        "Central Medical Group",
        "gp-registrations-local",
        "New registrations by country of birth",
        ["country-of-birth", "period"],
        "gp-practice",
        [("send", 35, "", "coordinator"), ("not_held", 30, "Our system has no country of birth field.", "coordinator")],
    ),
    (
        "Teesmouth Homes",
        "homelessness-support-service",
        "Homelessness applications by nationality",
        ["nationality", "immigration-status", "period"],
        "local-authority",
        [
            ("send", 45, "", "coordinator"),
            ("refuse", 40, "No information sharing agreement covers this yet.", "coordinator"),
        ],
    ),
    (
        "Tees Valley Mental Health Trust",
        "mental-health-trust-referrals",
        "Older people's services by language (duplicate)",
        ["main-language"],
        "local-authority",
        [("send", 20, "", "coordinator"), ("withdraw", 19, "Sent twice by mistake.", "coordinator")],
    ),
]


# Repeated each year: completing this one made its next round, a draft the coordinator checks and sends.
RECURRING = {"Non-UK electors by nationality and ward, 2026": Recurrence.ANNUAL}


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
            agency=agencies[agency],
            source=Source.objects.get(slug=slug),
            title=title,
            purpose="To understand recent international migration in Teesmouth for the needs assessment.",
            fields=[fields[c] for c in codes],
            geography_level=levels[level],
            period_start=datetime.date(2025, 4, 1),
            period_end=datetime.date(2026, 3, 31),
            coordinator=coordinator,
            recurrence=RECURRING.get(title, Recurrence.NONE),
        )
        made += 1
        for action, ago, note, _ in steps:
            request_transition(request=request, action=action, user=coordinator, note=note, on=_working_days_ago(ago))
    school_contact = User.objects.get(username="school")
    campaign = campaign_create(
        name="EAL pupils by nationality and ward, 2025/26 (all schools)",
        agencies=[agencies[n] for n in ("Northgate Academy", "Riverside Primary School", "St Hilda's Primary School")],
        coordinator=coordinator,
        send=False,
        source=Source.objects.get(slug="school-census-eal-pupils"),
        title="EAL pupils by nationality, main language and ward, 2025/26",
        purpose="To plan support for international new arrivals across the borough's schools.",
        fields=[fields[c] for c in ("nationality", "main-language", "english-proficiency", "ward", "period")],
        geography_level=levels["ward"],
        period_start=datetime.date(2025, 9, 1),
        period_end=datetime.date(2026, 7, 31),
        granularity="quarter",
    )
    for request in campaign.requests.order_by("pk"):
        request_transition(request=request, action="send", user=coordinator, on=_working_days_ago(45))
        made += 1
    northgate = campaign.requests.get(agency__name="Northgate Academy")
    request_transition(request=northgate, action="acknowledge", user=school_contact, on=_working_days_ago(40))
    checklist_record(
        request=northgate,
        user=school_contact,
        answers=[
            ChecklistInput(fields["nationality"], "partly", "no", "yes", 70, "Asked at admission; often left blank."),
            ChecklistInput(
                fields["main-language"], "yes", "yes", "yes", 98, "First language is part of the census return."
            ),
        ],
    )
    return made


# Sent by seed_demo once the demo's requests and returns are in, so that apps above this one (which
# it may not import) add their part of the demo: the public tables the demo area has taken in.
demo_seeded = Signal()

# Made-up wards for the demo area, loaded as if from an ONS ward lookup so tables show names.
WARDS = [
    ("E05999901", "Northgate"),
    ("E05999902", "Riverside"),
    ("E05999903", "Old Harbour"),
    ("E05999904", "Linthorpe"),
]
# (nationality, main language) of the pupils in the demo returns; a few very small groups on purpose.
PUPILS = [
    ("Polish", "Polish"),
    ("Romanian", "Romanian"),
    ("Lithuanian", "Lithuanian"),
    ("Syrian", "Arabic"),
    ("Eritrean", "Tigrinya"),
    ("Afghan", "Pashto"),
    ("Ukrainian", "Ukrainian"),
    ("Indian", "Punjabi"),
    ("Pakistani", "Urdu"),
    ("Nigerian", "Yoruba"),
]
QUARTERS = ["2025 Q4", "2026 Q1", "2026 Q2"]
CLIENTS = [
    ("Eritrea", "Eritrean", "Tigrinya"),
    ("Syria", "Syrian", "Arabic"),
    ("Afghanistan", "Afghan", "Pashto"),
    ("Iran", "Iranian", "Persian"),
    ("Sudan", "Sudanese", "Arabic"),
    ("Ukraine", "Ukrainian", "Ukrainian"),
    ("Albania", "Albanian", "Albanian"),
]
STATUSES = ["Asylum seeker", "Refugee", "No recourse to public funds"]


def _csv(header: list[str], rows: list[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def _school_rows(rng: random.Random, blank_share: float) -> list[list]:
    rows = []
    for code, _ in WARDS:
        for nationality, language in PUPILS:
            for quarter in QUARTERS:
                count = rng.choice([0, 1, 2, 3, 4, 6, 8, 12, 15, 19, 24, 31, 40])
                shown = "" if rng.random() < blank_share else nationality
                rows.append([code, shown, language, rng.choice("ABCDE"), quarter, count])
    return rows


def _support_rows(rng: random.Random) -> list[list]:
    rows = []
    for country, nationality, language in CLIENTS:
        for status in STATUSES:
            for gender in ("Female", "Male"):
                for quarter in QUARTERS:
                    rows.append(
                        [
                            country,
                            nationality,
                            status,
                            language,
                            gender,
                            quarter,
                            rng.choice([0, 1, 2, 3, 5, 7, 11, 14, 22]),
                        ]
                    )
    return rows


def _flawed_school_rows(rows: list[list]) -> list[list]:
    """A school's second try: a ward code from old boundaries and a count typed in words."""
    rows = [list(row) for row in rows[:12]]
    rows[3][0] = "E05001234"
    rows[7][5] = "twelve"
    return rows


def _people_rows(rng: random.Random) -> list[list]:
    """A list of clients, one per row, sent by mistake instead of the counts."""
    first = ["Amira", "Dawit", "Farid", "Leyla", "Olena", "Samir", "Yonas", "Zara"]
    rows = []
    for n, name in enumerate(first):
        country, nationality, language = CLIENTS[n % len(CLIENTS)]
        born = datetime.date(1970, 1, 1) + datetime.timedelta(days=rng.randrange(15000))
        rows.append([f"{name} {chr(65 + n)}.", born.strftime("%d/%m/%Y"), nationality, rng.choice(STATUSES)])
    return rows


def demo_returns() -> int:
    """Processed returns from two schools and a refugee charity, so indicators have counts to show
    (and small ones to suppress); then a flawed second file from a school, refused with its report
    while the first stays in force, and a list of people from the charity, held for the DPO.
    Processed here, not by the worker: the demo is ready at once."""
    area = Area.objects.get(slug=AREA["slug"])
    if Return.objects.filter(request__agency__area=area).exists():
        return 0
    area_lookup_load(
        area=area, rows=[{"LAD24CD": area.gss_code, "WD24CD": code, "WD24NM": name} for code, name in WARDS]
    )
    User = get_user_model()
    coordinator, school = User.objects.get(username="coordinator"), User.objects.get(username="school")
    rng = random.Random(2026)
    school_header = ["Ward code", "Nationality", "Main language", "Proficiency in English", "Period", "Count"]
    uploads = [
        (
            "Northgate Academy",
            "school-census-eal-pupils",
            school,
            "northgate-eal-2025-26.csv",
            _csv(school_header, _school_rows(rng, 0.2)),
        ),
        (
            "Riverside Primary School",
            "school-census-eal-pupils",
            coordinator,
            "riverside-eal.csv",
            _csv(school_header, _school_rows(rng, 0.6)),
        ),
        (
            "Open Door Refugee Support",
            "vcs-migrant-support-organisations",
            coordinator,
            "open-door-clients.csv",
            _csv(
                ["Country of birth", "Nationality", "Immigration status", "Main language", "Gender", "Period", "Count"],
                _support_rows(rng),
            ),
        ),
    ]
    uploads += [
        (
            "Northgate Academy",
            "school-census-eal-pupils",
            school,
            "northgate-eal-2025-26-v2.csv",
            _csv(school_header, _flawed_school_rows(_school_rows(rng, 0.0))),
        ),
        (
            "Open Door Refugee Support",
            "vcs-migrant-support-organisations",
            coordinator,
            "open-door-client-list.csv",
            _csv(["Name", "Date of birth", "Nationality", "Immigration status"], _people_rows(rng)),
        ),
    ]
    made = 0
    for agency, slug, user, name, data in uploads:
        request = (
            DataRequest.objects.filter(agency__name=agency, agency__area=area, source__slug=slug).order_by("pk").first()
        )
        stored = return_upload(
            request=request, user=user, upload=SimpleUploadedFile(name, data, content_type="text/csv")
        )
        return_process(return_id=stored.pk)
        made += 1
    return made


# What a person finds on a normal morning: the latest few messages unread, the rest seen already.
UNREAD_KEPT = 3


def demo_morning_inbox() -> None:
    """Marks as read all but each demo user's latest few notifications: the demo made months of
    messages in a moment, and a count of dozens would hide the ones that matter."""
    for user in get_user_model().objects.filter(notifications__read_at__isnull=True).distinct():
        unread = notifications_for(user).filter(read_at__isnull=True).order_by("-created_at", "-pk")
        notifications_mark_read(user=user, ids=list(unread.values_list("pk", flat=True)[UNREAD_KEPT:]))
