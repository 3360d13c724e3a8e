"""Coverage and recommendations pages at scale: 300 agencies, 80 sources, 5,000 requests with
checklist answers, processed returns and agreements.

    python bench/reports.py                              # SQLite in a temporary folder
    DATABASE_URL=postgres://... python bench/reports.py  # PostgreSQL (uses a throwaway test database)

Times each page through the server's own WSGI application, project.wsgi (server time: middleware,
view, queries, template and garbage collection, no network), against the home page measured the
same way in the same run. Not through Django's test client, which copies every template context
for its assertions and so adds work a server does not do. Prints the median and
95th percentile, the ratio to the baseline and the number of queries. Asserts nothing.
"""

import argparse
import datetime
import gc
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

AGENCIES, SOURCES, REQUESTS = 300, 80, 5000


def populate() -> None:
    import random

    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from catalogue.models import Area, Field, GeographyLevel, OrganisationType, Source, SourceField, Theme
    from catalogue.services import agency_create
    from project import roles
    from requests_app.models import ChecklistAnswer, DataRequest, Return
    from requests_app.services.checklists import evidence_refresh
    from sharing.models import AgreementParty, SharingAgreement

    rng = random.Random(2026)
    area = Area.objects.create(name="Benchborough", slug="bench", gss_code="E06000098")
    coordinator = get_user_model().objects.create_user("bench-coordinator", password="x")
    coordinator.groups.add(Group.objects.get(name=roles.COORDINATOR))
    theme = Theme.objects.first()
    ward = GeographyLevel.objects.get(code="ward")
    fields = list(Field.objects.filter(kind__in=["key", "breakdown"]))
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
    local = list(Source.objects.filter(stage="local"))
    kinds = list(OrganisationType.objects.all())
    agencies = [
        agency_create(name=f"Agency {i:03d}", organisation_type=rng.choice(kinds), area=area) for i in range(AGENCIES)
    ]

    start = datetime.date(2026, 1, 1)
    for i, agency in enumerate(agencies[: AGENCIES // 2]):
        agreement = SharingAgreement.objects.create(
            area=area,
            reference=f"ISP-B-{i:04d}",
            title="Bench",
            purpose="Bench",
            start_date=start,
            end_date=start + datetime.timedelta(days=700),
            next_review_date=start + datetime.timedelta(days=365),
            status="active" if i % 3 else "in-review",
            data_form="aggregate",
            article6_basis="6(1)(e)",
            necessity="Bench",
            legal_power="Bench",
            security="Bench",
            retention="Bench",
            disposal="Bench",
            siro_name="Pat",
            siro_signed_on=start,
            created_by=coordinator,
        )
        agreement.data_items.set(fields)
        AgreementParty.objects.create(agreement=agreement, agency=agency, role=AgreementParty.Role.PROVIDER)

    statuses = ["draft", "sent", "acknowledged", "received", "completed", "partial", "not-held", "refused", "withdrawn"]
    requests = []
    for i in range(REQUESTS):
        status = rng.choice(statuses)
        sent = None if status in ("draft", "withdrawn") else start
        requests.append(
            DataRequest(
                reference=f"REQ-2026-{i + 1:05d}",
                title=f"Bench request {i}",
                agency=rng.choice(agencies),
                source=rng.choice(local),
                purpose="Bench",
                geography_level=ward,
                period_start=start,
                period_end=start + datetime.timedelta(days=364),
                response_working_days=20,
                coordinator=coordinator,
                status=status,
                sent_on=sent,
                due_date=sent and sent + datetime.timedelta(days=28),
                long_overdue_date=sent and sent + datetime.timedelta(days=56),
                recurrence=rng.choice(["", "", "quarterly"]),
            )
        )
    requests = DataRequest.objects.bulk_create(requests)
    through = DataRequest.fields.through
    through.objects.bulk_create(
        through(datarequest_id=r.pk, field_id=f.pk) for r in requests for f in rng.sample(fields, 4)
    )
    answers = []
    for r in requests:
        for f in rng.sample(fields[:4], 3):
            answers.append(
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
            )
    ChecklistAnswer.objects.bulk_create(answers, batch_size=2000)
    agreement = SharingAgreement.objects.first()
    received = [r for r in requests if r.status in ("received", "completed", "partial")]
    Return.objects.bulk_create(
        Return(
            request=r,
            version=1,
            file="returns/bench.csv",
            original_name="bench.csv",
            size=1,
            sha256="0" * 64,
            agreement=agreement,
            uploaded_by=coordinator,
            status="done",
            report={
                "categories": {
                    "age_band": rng.choice([["0-15", "16-64", "65+"], ["0-17", "18+"]]),
                    "gender": ["F", "M"],
                }
            },
        )
        for r in received
    )
    # Rows stored in bulk bypass the services, which keep each agency's evidence: derive it once here.
    evidence_refresh(agency_ids=[a.pk for a in agencies])


def measure(get, url: str, runs: int) -> tuple[list[float], int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    get(url)  # warm caches and templates
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        get(url)
        times.append((time.perf_counter() - began) * 1000)
    with CaptureQueriesContext(connection) as queries:
        get(url)
    return times, len(queries)


def wsgi_get(application, cookie: str):
    """A GET through the WSGI application, as the server makes it; fails on any status but 200."""
    from wsgiref.util import setup_testing_defaults

    def get(url: str) -> bytes:
        environ = {"PATH_INFO": url, "REQUEST_METHOD": "GET", "HTTP_COOKIE": cookie}
        setup_testing_defaults(environ)
        status = []
        body = b"".join(application(environ, lambda line, headers, exc_info=None: status.append(line)))
        assert status[0].startswith("200"), (url, status[0])
        return body

    return get


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        os.environ.setdefault("TRACKER_VAR_DIR", scratch)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
        from django.conf import settings
        from django.contrib.auth import get_user_model
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client

        from project.wsgi import application  # the server's start-up, garbage-collector settings included

        settings.ALLOWED_HOSTS = ["*"]
        # Production serves hashed names from collectstatic's manifest; the bench does not build it.
        settings.STORAGES = {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
        old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
        try:
            call_command("load_catalogue", stdout=open(os.devnull, "w"))
            began = time.perf_counter()
            populate()
            print(
                f"Populated {AGENCIES} agencies, {SOURCES} sources, {REQUESTS} requests "
                f"in {time.perf_counter() - began:.1f} s ({connection.vendor})."
            )
            if connection.vendor == "postgresql":
                # A live server's autovacuum analyses tables this size within a minute of loading them.
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            # A server freezes what it loaded at start-up (project/wsgi.py); here start-up includes
            # loading the catalogue and the rows above, so their leftovers are collected and frozen
            # too, rather than walked by the first requests' full collections.
            gc.collect()
            gc.freeze()
            client = Client()  # only to sign in: the pages are fetched through the WSGI application
            client.force_login(get_user_model().objects.get(username="bench-coordinator"))
            get = wsgi_get(
                application, f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
            )
            baseline, base_queries = measure(get, "/", args.runs)
            print(f"{'page':<26}{'median ms':>10}{'p95 ms':>10}{'x baseline':>12}{'queries':>9}")
            print(
                f"{'home (baseline)':<26}{statistics.median(baseline):>10.1f}{p95(baseline):>10.1f}"
                f"{1:>12.2f}{base_queries:>9}"
            )
            for label, url in (("coverage", "/reports/coverage/"), ("recommendations", "/reports/recommendations/")):
                times, queries = measure(get, url, args.runs)
                print(
                    f"{label:<26}{statistics.median(times):>10.1f}{p95(times):>10.1f}"
                    f"{statistics.median(times) / statistics.median(baseline):>12.2f}{queries:>9}"
                )
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
