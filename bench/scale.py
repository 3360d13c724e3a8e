"""A council's tracker at scale, for bench/reports.py: agencies with contacts, local sources,
requests in every state with their checklists, timelines and returns, agreements, campaigns, and
observations in nine sources. Written in bulk around the services (as a data import would be),
then evidence refreshed, as the services' notes ask of bulk writes.

`populate(scale)` builds 300 agencies, 5,000 requests and 2,000,000 observations at scale 1.
"""

import datetime
import random
from dataclasses import dataclass

import numpy as np
import pandas as pd

SOURCES = 80  # catalogue sources, loaded and bench-made, whatever the scale
OBSERVED_SOURCES = 9
WARDS = 30
QUARTERS = 20
AGES = ["0-4", "5-10", "11-15", "16-17", "18-24", "25-34", "35-49", "50-64", "65+", "Unknown"]
START = datetime.date(2026, 1, 1)
RECEIVED = {"received", "under-query", "completed", "partial"}


@dataclass
class Built:
    agencies: int
    requests: int
    returns: int
    observations: int
    coordinator: str
    dpo: str
    contact: str  # an agency contact of the first agency
    password: str = "bench-password"


def _users(password: str) -> tuple:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from project import roles

    made = []
    for name, role in (("bench-coordinator", roles.COORDINATOR), ("bench-dpo", roles.DPO)):
        user = get_user_model().objects.create_user(name, password=password, first_name=name.split("-")[1].title())
        user.groups.add(Group.objects.get(name=role))
        made.append(user)
    contact = get_user_model().objects.create_user("bench-contact", password=password, first_name="Contact")
    contact.groups.add(Group.objects.get(name=roles.AGENCY_CONTACT))
    return (*made, contact)


def _sources(rng, fields) -> list:
    from catalogue.models import GeographyLevel, Source, SourceField, Theme

    theme = Theme.objects.first()
    ward = GeographyLevel.objects.get(code="ward")
    for i in range(SOURCES - Source.objects.count()):
        source = Source.objects.create(
            slug=f"bench-{i}",
            title=f"Bench source {i}",
            stage="local",
            theme=theme,
            summary="Bench.",
            frequency="annual",
            access_route="request-local-agency",
            measure="service-activity",
        )
        source.geography_levels.add(ward)
        SourceField.objects.bulk_create(
            SourceField(source=source, field=f, availability=rng.choice(["carried", "partial", "check"]))
            for f in fields[:6]
        )
    return list(Source.objects.filter(stage="local").order_by("pk"))


def _agreements(area, agencies, fields, coordinator) -> list:
    from sharing.models import AgreementParty, SharingAgreement

    made = []
    for i, agency in enumerate(agencies[: max(1, len(agencies) // 2)]):
        agreement = SharingAgreement.objects.create(
            area=area,
            reference=f"ISP-B-{i:04d}",
            title=f"Sharing with {agency.name}",
            purpose="Bench",
            start_date=START,
            end_date=START + datetime.timedelta(days=700),
            next_review_date=START + datetime.timedelta(days=365),
            status=["in-review", "active", "active", "submitted", "approved", "review-due"][i % 6],
            data_form="aggregate",
            article6_basis="6(1)(e)",
            necessity="Bench",
            legal_power="Bench",
            security="Bench",
            retention="Bench",
            disposal="Bench",
            siro_name="Pat",
            siro_signed_on=START,
            created_by=coordinator,
        )
        agreement.data_items.set(fields)
        AgreementParty.objects.create(agreement=agreement, agency=agency, role=AgreementParty.Role.PROVIDER)
        made.append(agreement)
    return made


def _requests(rng, n, agencies, local, observed, ward, coordinator, campaigns) -> list:
    from requests_app.models import DataRequest, Status

    requests = []
    for i in range(n):
        status = list(Status)[i % len(Status)]
        sent = (
            None if status in (Status.DRAFT, Status.WITHDRAWN) else START + datetime.timedelta(days=rng.randint(0, 330))
        )
        # Requests with returns are for the observed sources: a processed return stores observations.
        source = rng.choice(observed) if status in RECEIVED else rng.choice(local)
        requests.append(
            DataRequest(
                reference=f"REQ-2026-{i + 1:05d}",
                title=f"{source.title} for {i % 7 + 2020}",
                agency=rng.choice(agencies),
                source=source,
                campaign=rng.choice(campaigns) if rng.random() < 0.2 else None,
                purpose="Bench",
                geography_level=ward,
                period_start=START,
                period_end=START + datetime.timedelta(days=364),
                response_working_days=20,
                coordinator=coordinator,
                status=status,
                sent_on=sent,
                received_on=sent if status in RECEIVED else None,
                due_date=sent and sent + datetime.timedelta(days=28),
                long_overdue_date=sent and sent + datetime.timedelta(days=56),
                recurrence=rng.choice(["", "", "quarterly"]),
            )
        )
    return DataRequest.objects.bulk_create(requests, batch_size=1000)


def _permissions(requests) -> None:
    """What the services grant on creating a request: the agency's group views and answers it."""
    from django.contrib.auth.models import Permission

    from catalogue.models import Agency
    from requests_app.models import DataRequestGroupObjectPermission
    from requests_app.permissions import RESPOND, VIEW

    perms = list(Permission.objects.filter(codename__in=[VIEW, RESPOND], content_type__app_label="requests_app"))
    groups = dict(Agency.objects.values_list("pk", "group_id"))
    DataRequestGroupObjectPermission.objects.bulk_create(
        (
            DataRequestGroupObjectPermission(group_id=groups[r.agency_id], permission=p, content_object_id=r.pk)
            for r in requests
            for p in perms
        ),
        batch_size=5000,
    )


def _timelines(rng, requests, coordinator) -> None:
    from requests_app.models import RequestEvent

    events = []
    for r in requests:
        events.append(RequestEvent(request=r, kind="created", actor=coordinator, happened_on=START))
        if r.sent_on:
            events.append(
                RequestEvent(
                    request=r,
                    kind="transition",
                    action="send",
                    from_status="draft",
                    to_status="sent",
                    actor=coordinator,
                    happened_on=r.sent_on,
                )
            )
            for _ in range(rng.randint(0, 3)):
                events.append(
                    RequestEvent(request=r, kind="message", note="Any news?", actor=coordinator, happened_on=r.sent_on)
                )
    RequestEvent.objects.bulk_create(events, batch_size=5000)


def _checklists(rng, requests, fields) -> None:
    from requests_app.models import ChecklistAnswer

    through = requests[0].__class__.fields.through
    through.objects.bulk_create(
        (through(datarequest_id=r.pk, field_id=f.pk) for r in requests for f in rng.sample(fields, 4)),
        batch_size=5000,
    )
    ChecklistAnswer.objects.bulk_create(
        (
            ChecklistAnswer(
                request=r,
                field=f,
                collected=rng.choice(["yes", "partly", "no", "unknown"]),
                mandatory=rng.choice(["yes", "no", "unknown"]),
                extractable=rng.choice(["yes", "no", "unknown"]),
                completeness=rng.randint(0, 100),
                recorded_as="agency",
                measured_completeness=rng.randint(0, 100) if rng.random() < 0.3 else None,
                measured_at=datetime.datetime(2026, 5, 1, tzinfo=datetime.UTC),
            )
            for r in requests
            for f in rng.sample(fields[:4], 3)
        ),
        batch_size=5000,
    )


def _returns(rng, requests, agreement, coordinator) -> list:
    from requests_app.models import Return

    received = [r for r in requests if r.status in RECEIVED]
    made = []
    for r in received:
        # Some requests were answered twice: the first file stays, superseded, beside the one in force.
        versions = 2 if rng.random() < 0.2 else 1
        for version in range(1, versions + 1):
            made.append(
                Return(
                    request=r,
                    version=version,
                    file="returns/bench.csv",
                    original_name="bench.csv",
                    size=1,
                    sha256="0" * 64,
                    agreement=agreement,
                    uploaded_by=coordinator,
                    status="done",
                    superseded=version < versions,
                    report={
                        "categories": {
                            "age_band": rng.choice([["0-15", "16-64", "65+"], ["0-17", "18+"]]),
                            "gender": ["F", "M"],
                        }
                    },
                )
            )
    return Return.objects.bulk_create(made, batch_size=2000)


def _observations(returns, total: int, area, ward) -> int:
    """`total` rows over the live returns (all of the observed sources), through the tracker's bulk path."""
    from catalogue.models import AreaCode, NationalityGroupMember
    from requests_app.models import Return
    from requests_app.storage import insert_observations

    codes = [f"E05{990000 + i:06d}" for i in range(WARDS)]
    AreaCode.objects.bulk_create(
        AreaCode(area=area, code=c, name=f"Bench ward {i}", level=ward) for i, c in enumerate(codes)
    )
    members = list(
        NationalityGroupMember.objects.filter(valid_to__isnull=True, country__kind="iso")
        .order_by("country__code")
        .values_list("country__code", "group__code")[:60]
    )
    live = [r for r in returns if not r.superseded]
    quarters = [
        (datetime.date(2021 + q // 4, q % 4 * 3 + 1, 1), datetime.date(2021 + (q + 1) // 4, (q + 1) % 4 * 3 + 1, 1))
        for q in range(QUARTERS)
    ]
    starts = np.array([s.isoformat() for s, _ in quarters])
    ends = np.array([(e - datetime.timedelta(days=1)).isoformat() for _, e in quarters])
    nations = np.array([c for c, _ in members])
    groups = np.array([g for _, g in members])
    generator = np.random.default_rng(2026)
    stored = 0
    for i, ret in enumerate(live):
        n = total // len(live) + (i < total % len(live))
        step = np.arange(n)
        period = step % QUARTERS
        nation = generator.integers(0, len(nations), n)
        suppressed = generator.random(n) < 0.05
        frame = pd.DataFrame(
            {
                "period_start": starts[period],
                "period_end": ends[period],
                "geography_code": np.array(codes)[step // QUARTERS % WARDS],
                "country_of_birth": "",
                "nationality": nations[nation],
                "nationality_group": groups[nation],
                "immigration_status": "",
                "main_language": "",
                "age_band": np.array(AGES)[generator.integers(0, len(AGES), n)],
                "gender": np.array(["F", "M"])[generator.integers(0, 2, n)],
                "other": "{}",
                "count": pd.array(np.where(suppressed, None, generator.integers(0, 200, n)), dtype="Int64"),
                "suppressed": suppressed,
            }
        )
        stored += insert_observations(frame, ret.pk)
        Return.objects.filter(pk=ret.pk).update(
            rows_read=n,
            observation_count=n,
            total=int(frame["count"].sum()),
            processed_at=datetime.datetime.now(datetime.UTC),
        )
    return stored


def populate(scale: float) -> Built:
    from django.db import transaction

    from catalogue.models import Area, Field, GeographyLevel, OrganisationType
    from catalogue.services import agency_contact_add, agency_create
    from requests_app.models import Campaign
    from requests_app.services.checklists import evidence_refresh

    rng = random.Random(2026)
    password = Built.password
    with transaction.atomic():
        area = Area.objects.create(name="Benchborough", slug="bench", gss_code="E06000098")
        coordinator, dpo, contact = _users(password)
        fields = list(Field.objects.filter(kind__in=["key", "breakdown"]).order_by("order"))
        local = _sources(rng, fields)
        observed = local[:OBSERVED_SOURCES]
        kinds = list(OrganisationType.objects.all())
        agencies = [
            agency_create(name=f"Agency {i:03d}", organisation_type=rng.choice(kinds), area=area)
            for i in range(max(2, round(300 * scale)))
        ]
        agency_contact_add(agency=agencies[0], user=contact)
        agreements = _agreements(area, agencies, fields, coordinator)
        campaigns = [
            Campaign.objects.create(name=f"Campaign {i}", source=rng.choice(local), created_by=coordinator)
            for i in range(10)
        ]
        ward = GeographyLevel.objects.get(code="ward")
        requests = _requests(rng, max(20, round(5000 * scale)), agencies, local, observed, ward, coordinator, campaigns)
        _permissions(requests)
        _timelines(rng, requests, coordinator)
        _checklists(rng, requests, fields)
        returns = _returns(rng, requests, agreements[0], coordinator)
        observations = _observations(returns, round(2_000_000 * scale), area, ward)
        # Rows stored in bulk bypass the services, which keep each agency's evidence: derive it once here.
        evidence_refresh(agency_ids=[a.pk for a in agencies])
    return Built(
        len(agencies), len(requests), len(returns), observations, coordinator.username, dpo.username, contact.username
    )


def built_before() -> Built | None:
    """The data set a kept database already holds, or None when it holds none."""
    from catalogue.models import Agency, Area
    from requests_app.models import DataRequest, Observation, Return

    area = Area.objects.filter(slug="bench").first()
    if area is None:
        return None
    return Built(
        Agency.objects.filter(area=area).count(),
        DataRequest.objects.filter(agency__area=area).count(),
        Return.objects.filter(request__agency__area=area).count(),
        Observation.objects.count(),
        "bench-coordinator",
        "bench-dpo",
        "bench-contact",
    )
