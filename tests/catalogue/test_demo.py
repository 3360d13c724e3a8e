import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from catalogue.models import Agency, Area
from project import roles

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
    assert list(school.agencies.values_list("name", flat=True)) == ["Northgate Academy"]


def test_demo_logins_work(client):
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    from catalogue.demo import DEMO_PASSWORD

    assert client.login(username="coordinator", password=DEMO_PASSWORD)
    assert client.get("/catalogue/").status_code == 200
