"""One protection per source at a time, of its newest returns: the generation and the claim."""

import datetime

import pytest
from django.utils import timezone

from catalogue.models import Source
from reports.indicators.runs import (
    CLAIM_EXPIRES,
    Claim,
    protection_claim,
    protection_current,
    protection_generation,
    protection_outdate,
    protection_release,
)
from tests.factories import EAL

pytestmark = pytest.mark.django_db


@pytest.fixture
def source(db):
    return Source.objects.get(slug=EAL)


def claim(area, source, generation, task_id, now=None):
    return protection_claim(area=area, source=source, generation=generation, task_id=task_id, now=now or timezone.now())


def test_each_processed_return_counts_the_generation_up(area, source):
    assert protection_generation(area=area, source=source) == 0
    assert [protection_outdate(area=area, source=source) for _ in range(3)] == [1, 2, 3]
    assert protection_generation(area=area, source=source) == 3


def test_a_source_never_processed_is_claimed_at_generation_nought(area, source):
    assert claim(area, source, 0, "page") is Claim.TAKEN


def test_a_run_of_an_older_generation_is_stale_and_no_longer_wanted(area, source):
    protection_outdate(area=area, source=source)
    assert claim(area, source, 1, "first") is Claim.TAKEN
    protection_outdate(area=area, source=source)

    assert not protection_current(area=area, source=source, generation=1)
    assert claim(area, source, 1, "first again") is Claim.STALE
    assert claim(area, source, 2, "newest") is Claim.BUSY  # until the first stops
    protection_release(area=area, source=source, task_id="first")
    assert claim(area, source, 2, "newest") is Claim.TAKEN


def test_only_one_run_of_a_generation_holds_the_source(area, source):
    assert claim(area, source, 0, "one") is Claim.TAKEN
    assert claim(area, source, 0, "two") is Claim.DUPLICATE


def test_the_same_task_delivered_again_takes_its_own_claim_back(area, source):
    assert claim(area, source, 0, "task") is Claim.TAKEN
    assert claim(area, source, 0, "task") is Claim.TAKEN


def test_a_claim_its_worker_never_released_expires(area, source):
    long_ago = timezone.now() - CLAIM_EXPIRES - datetime.timedelta(minutes=1)
    assert claim(area, source, 0, "killed", now=long_ago) is Claim.TAKEN
    assert claim(area, source, 0, "next") is Claim.TAKEN


def test_releasing_leaves_a_claim_another_task_holds(area, source):
    claim(area, source, 0, "holder")
    protection_release(area=area, source=source, task_id="someone else")
    assert claim(area, source, 0, "next") is Claim.DUPLICATE
