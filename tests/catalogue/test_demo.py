import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from catalogue.models import Agency, Area
from project import roles
from requests_app.models import DataRequest, Status

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_one_user_per_role_and_can_run_twice():
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    User = get_user_model()
    for role in roles.ALL:
        assert User.objects.filter(groups__name=role).exists(), role
    assert Area.objects.count() == 1
    assert Agency.objects.count() >= 10
    school = User.objects.get(username="school")
    assert list(Agency.objects.filter(group__user=school).values_list("name", flat=True)) == ["Northgate Academy"]


def test_demo_logins_work(client):
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    from catalogue.demo import DEMO_PASSWORD

    assert client.login(username="coordinator", password=DEMO_PASSWORD)
    assert client.get("/catalogue/").status_code == 200


def test_demo_requests_exist_in_every_state_with_some_overdue_and_a_campaign():
    call_command("seed_demo", stdout=open("/dev/null", "w"))
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
    from reports.coverage import coverage_build

    call_command("seed_demo", stdout=open("/dev/null", "w"))
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    area = Area.objects.get()
    public = Source.objects.filter(stage=Source.Stage.PUBLIC)
    assert NEVER_TAKEN_IN <= set(public.values_list("slug", flat=True))
    assert SourceRefresh.objects.filter(area=area).count() == public.count() - len(NEVER_TAKEN_IN)

    releases = coverage_build(area=area, today=timezone.localdate()).releases
    stale = {r.source.slug for r in releases if r.stale}
    assert NEVER_TAKEN_IN <= stale and len(stale) < len(releases) / 2
