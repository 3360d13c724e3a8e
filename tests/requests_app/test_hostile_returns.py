"""Hostile files through the real upload path: each is refused with a clear report, nothing of
it stored, and the agency told what to do."""

from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from notifications.models import Notification
from requests_app.models import Observation, Return, Status
from requests_app.services.processing import return_process
from requests_app.services.returns import return_upload
from requests_app.tasks import process_return
from tests.factories import force_status
from tests.requests_app.ingest import hostile

pytestmark = pytest.mark.django_db


@pytest.fixture
def covered_request(agency_a, make_request, make_agreement):
    make_agreement([agency_a])
    return force_status(make_request(agency_a), Status.SENT)


@pytest.mark.parametrize(
    "name, build, kind, says",
    [
        ("bomb.xlsx", hostile.zip_bomb, "too-large", "times its size"),
        ("tall.xlsx", hostile.three_million_rows, "too-large", "Split it into smaller files"),
        ("unnumbered.xlsx", hostile.unnumbered_rows, "too-large", "more than 1,500,000 rows"),
        ("tall.ods", lambda: hostile.tall_ods(1_600_000), "too-large", "more than 1,500,000 rows"),
        ("tall.csv", lambda: hostile.tall_csv(quoted=True), "too-large", "more than 1,500,000 rows"),
        ("corner.xlsx", hostile.far_corner_cell, "too-large", "more than 2,000 columns"),
        ("wide.csv", hostile.wide_csv, "too-large", "more than 2,000 columns"),
        ("repeated.ods", hostile.ods_repeated_far, "too-large", "more than 2,000 columns"),
        (
            "macro.xlsx",
            lambda: hostile.with_part(hostile.xlsx(hostile.return_rows(3)), "xl/vbaProject.bin"),
            "active-content",
            "Save it as a plain workbook",
        ),
    ],
)
def test_a_hostile_upload_is_refused_with_a_report_and_nothing_stored(
    name, build, kind, says, covered_request, contact_a
):
    with mock.patch.object(process_return, "delay"):
        stored = return_upload(request=covered_request, user=contact_a, upload=SimpleUploadedFile(name, build()))
    processed = return_process(return_id=stored.pk)
    assert processed.status == Return.Status.FAILED and processed.observation_count == 0
    (error,) = processed.report["errors"]
    assert error["type"] == kind and says in error["message"]
    assert not Observation.objects.filter(source_return=stored).exists()
    assert Notification.objects.filter(user=contact_a, subject__contains="needs fixing").exists()
