import datetime
import shutil

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test.utils import override_settings
from django.urls import reverse

from catalogue.models import Agency, Area
from project import roles
from requests_app.models import DataRequest, Status

pytestmark = pytest.mark.django_db


def file_cache(folder):
    return {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(folder)}}


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    """seed_demo once for the module (it takes seconds), in a transaction undone after the last
    test so nothing is left for other modules; its files and cached tables go to folders of its own."""
    media, cache = tmp_path_factory.mktemp("demo-media"), tmp_path_factory.mktemp("demo-cache")
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media, CACHES=file_cache(cache)),
        transaction.atomic(),
    ):
        call_command("seed_demo", stdout=open("/dev/null", "w"))
        yield media, cache
        transaction.set_rollback(True)


# Each test starts from the demo just as seeded: its rows in a savepoint rolled back after the
# test, and copies of its files and of its cache (which holds the protected indicator tables).
@pytest.fixture(autouse=True)
def private_media_root(settings, tmp_path, seeded):
    settings.MEDIA_ROOT = shutil.copytree(seeded[0], tmp_path / "media")


@pytest.fixture(autouse=True)
def private_cache(settings, tmp_path, seeded):
    settings.CACHES = file_cache(shutil.copytree(seeded[1], tmp_path / "cache"))


def test_seed_demo_creates_one_user_per_role_and_can_run_twice():
    # The second run: the module seeded the demo once already.
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    User = get_user_model()
    for role in roles.ALL:
        assert User.objects.filter(groups__name=role).exists(), role
    assert Area.objects.count() == 1
    assert Agency.objects.count() >= 10
    school = User.objects.get(username="school")
    assert list(Agency.objects.filter(group__user=school).values_list("name", flat=True)) == ["Northgate Academy"]


def test_demo_logins_work(client):
    from catalogue.demo import DEMO_PASSWORD

    assert client.login(username="coordinator", password=DEMO_PASSWORD)
    assert client.get("/catalogue/").status_code == 200


def test_demo_requests_exist_in_every_state_with_some_overdue_and_a_campaign():
    # The second run: the module seeded the demo once already.
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    assert set(DataRequest.objects.values_list("status", flat=True)) == {s.value for s in Status}
    from django.utils import timezone

    assert (
        DataRequest.objects.filter(status__in=["sent", "acknowledged"], due_date__lt=timezone.localdate()).count() >= 2
    )
    assert DataRequest.objects.filter(campaign__isnull=False).values("agency").distinct().count() == 3


def test_the_demo_area_took_in_its_public_sources_once_so_only_some_are_out_of_date():
    from django.utils import timezone

    from catalogue.demo import NEVER_TAKEN_IN
    from catalogue.models import Source, SourceRefresh
    from releases.demo import DEMO_TABLES
    from reports.coverage import coverage_build

    # The second run: the module seeded the demo once already.
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    area = Area.objects.get()
    public = Source.objects.filter(stage=Source.Stage.PUBLIC)
    assert NEVER_TAKEN_IN <= set(public.values_list("slug", flat=True))
    # One refresh per source six weeks ago, and one for each public table the demo took in today.
    assert SourceRefresh.objects.filter(area=area).count() == public.count() - len(NEVER_TAKEN_IN) + len(DEMO_TABLES)

    releases = coverage_build(area=area, today=timezone.localdate()).releases
    stale = {r.source.slug for r in releases if r.stale}
    assert NEVER_TAKEN_IN <= stale and len(stale) < len(releases) / 2


def login(client, username):
    from catalogue.demo import DEMO_PASSWORD

    assert client.login(username=username, password=DEMO_PASSWORD)
    return client


def test_the_demo_has_an_agreement_in_every_state_each_reached_through_its_timeline(client):
    from sharing.models import AuditEntry, SharingAgreement
    from sharing.models import Status as AgreementStatus

    login(client, "dpo")
    for status in AgreementStatus:
        agreement = SharingAgreement.objects.filter(status=status).order_by("pk").first()
        assert agreement is not None, status
        timeline = list(agreement.events.order_by("created_at", "pk").values_list("to_status", flat=True))
        assert timeline[-1] == status, (status, timeline)
        if status != AgreementStatus.DRAFT:
            assert AuditEntry.objects.filter(agreement=agreement, detail__contains=status.label).exists(), status
        page = client.get(reverse("sharing:detail", args=[agreement.public_id]))
        assert page.status_code == 200 and status.label in page.content.decode(), status


def test_the_demo_has_a_replaced_first_version_and_a_new_version_in_review_that_says_what_it_adds(client):
    from sharing.models import SharingAgreement, Status

    replaced = SharingAgreement.objects.get(status=Status.SUPERSEDED)
    assert SharingAgreement.objects.get(previous_version=replaced).status == Status.ACTIVE
    waiting = SharingAgreement.objects.get(version=2, status=Status.IN_REVIEW)
    assert waiting.previous_version.status == Status.ACTIVE
    page = login(client, "dpo").get(reverse("sharing:detail", args=[waiting.public_id])).content.decode()
    assert "added: Age or age band" in page


def test_the_demo_school_sees_its_refused_second_file_with_its_report_and_its_first_still_counted(client):
    from requests_app.models import Return

    failed = Return.objects.get(status=Return.Status.FAILED)
    assert failed.request.agency.name == "Northgate Academy" and failed.version == 2
    assert {p["type"] for p in failed.report["errors"]} >= {"unknown-code", "type-error"}
    assert failed.request.returns.filter(status=Return.Status.DONE, superseded=False).exists()
    url = reverse("requests:return-report", args=[failed.request.public_id, failed.public_id])
    assert login(client, "school").get(url).status_code == 200
    client.logout()
    assert login(client, "trust").get(url).status_code == 404


def test_the_demo_has_a_list_of_people_held_for_the_dpo_whom_the_agency_cannot_open(client):
    from requests_app.models import Observation, Return

    held = Return.objects.get(status=Return.Status.QUARANTINED)
    assert held.report["quarantine"] and not Observation.objects.filter(source_return=held).exists()
    url = reverse("requests:return-report", args=[held.request.public_id, held.public_id])
    page = login(client, "dpo").get(url)
    assert page.status_code == 200 and "personal data" in page.content.decode()
    client.logout()
    assert login(client, "school").get(url).status_code == 404


def test_a_yearly_demo_request_has_its_next_round_waiting_as_a_draft(client):
    done = DataRequest.objects.get(status=Status.COMPLETED, recurrence="annual")
    following = DataRequest.objects.get(previous=done)
    assert following.status == Status.DRAFT and following.period_start.year == done.period_start.year + 1
    assert login(client, "coordinator").get(reverse("requests:detail", args=[following.public_id])).status_code == 200


def test_each_demo_user_starts_the_day_with_a_few_unread_notifications():
    from notifications.selectors import unread_count

    User = get_user_model()
    counts = {u.username: unread_count(u) for u in User.objects.filter(username__in=["coordinator", "dpo", "school"])}
    assert all(1 <= n <= 3 for n in counts.values()), counts


def test_no_demo_user_is_told_of_one_event_twice():
    # The messages of one event are written one after another in the same call, milliseconds apart;
    # two events on one request (a version processed, the next one held) are separate task runs.
    User = get_user_model()
    for user in User.objects.filter(username__in=["coordinator", "dpo", "school"]):
        unread = sorted(user.notifications.filter(read_at__isnull=True).values_list("url", "created_at"))
        for (url, at), (next_url, next_at) in zip(unread, unread[1:], strict=False):
            assert url != next_url or next_at - at > datetime.timedelta(milliseconds=25), (user.username, unread)


def test_the_demo_area_takes_in_a_census_table_nino_registrations_and_mid_year_estimates_once():
    from releases.models import PublicRelease

    # The second run: the module seeded the demo once already.
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    assert sorted(PublicRelease.objects.values_list("source__slug", flat=True)) == [
        "census-2011",
        "census-2021",
        "mid-year-population-estimates",
        "nino-registrations",
    ]


def test_the_demo_indicators_and_report_show_public_beside_local_with_rates(client):
    from catalogue.demo import DEMO_PASSWORD

    client.login(username="coordinator", password=DEMO_PASSWORD)
    html = client.get(
        reverse("reports:indicators"),
        {
            "source": ["school-census-eal-pupils", "vcs-migrant-support-organisations"],
            "rows": "nationality_group",
            "columns": "quarter",
        },
    ).content.decode()
    assert "Public beside local: NINo registrations for non-UK nationals by nationality group" in html
    assert "30,910 residents" in html and "per 1,000" in html
    report = client.get(reverse("reports:report")).content.decode()
    assert "Census 2021 (England and Wales) beside local returns: country of birth" in report
    assert "Change since 2011" in report
