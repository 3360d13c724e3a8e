import uuid
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from requests_app.models import Return, Status
from requests_app.services.processing import return_process
from requests_app.tasks import process_return
from sharing.models import AuditEntry
from tests.factories import force_status

GOOD = b"Nationality,Ward or small area,Period,Count\nPolish,E05000001,2025 Q1,12\nRomanian,E05000001,2025 Q1,15\n"


@pytest.fixture
def covered_request(agency_a, make_request, make_agreement):
    make_agreement([agency_a])
    return force_status(make_request(agency_a), Status.SENT)


@pytest.fixture
def upload(token_client, contact_a, covered_request):
    """Posts a file as agency A's system would, with processing left to the test."""

    def post(content=GOOD, client=None, data_request=None):
        client = client or token_client(contact_a, "submit")
        data_request = data_request or covered_request
        with mock.patch.object(process_return, "delay"):
            return client.post(
                f"/api/v1/requests/{data_request.public_id}/returns/", {"file": SimpleUploadedFile("r.csv", content)}
            )

    return post


def test_the_agency_uploads_a_return_and_reads_its_report_once_checked(
    token_client, contact_a, covered_request, upload
):
    response = upload()
    assert response.status_code == 201
    body = response.json()
    assert (body["version"], body["status"], body["final"]) == (1, Return.Status.QUEUED, False)
    assert AuditEntry.objects.filter(action=AuditEntry.Action.RETURN_UPLOADED).exists()
    return_process(return_id=Return.objects.get(public_id=body["id"]).pk)
    client = token_client(contact_a)
    report = client.get(f"/api/v1/requests/{covered_request.public_id}/returns/{body['id']}/").json()
    assert report["final"] and report["report"]["valid"] is True
    assert {"rows_read", "errors", "warnings", "completeness"} <= set(report["report"])
    versions = client.get(f"/api/v1/requests/{covered_request.public_id}/returns/").json()
    assert [v["id"] for v in versions] == [body["id"]]


def test_a_read_token_cannot_upload(token_client, contact_a, upload):
    assert upload(client=token_client(contact_a, "read")).status_code == 403
    assert not Return.objects.exists()


def test_another_agencys_contact_gets_404_for_returns(token_client, contact_b, contact_a, covered_request, upload):
    stored = upload().json()
    client = token_client(contact_b, "submit")
    assert client.get(f"/api/v1/requests/{covered_request.public_id}/returns/").status_code == 404
    assert client.get(f"/api/v1/requests/{covered_request.public_id}/returns/{stored['id']}/").status_code == 404
    assert upload(client=client).status_code == 404
    assert Return.objects.count() == 1


def test_an_upload_without_an_active_agreement_is_refused_by_the_gate(
    token_client, contact_b, agency_b, make_request, upload
):
    uncovered = force_status(make_request(agency_b, title="No agreement"), Status.SENT)
    response = upload(client=token_client(contact_b, "submit"), data_request=uncovered)
    assert response.status_code == 400
    assert "not accepted" in str(response.json()["errors"])
    assert AuditEntry.objects.filter(action=AuditEntry.Action.UPLOAD_REFUSED).exists()
    assert not Return.objects.exists()


def test_the_dpo_cannot_upload_but_reads_the_versions(token_client, dpo, covered_request, upload):
    upload()
    assert upload(client=token_client(dpo, "submit")).status_code == 403
    assert len(token_client(dpo).get(f"/api/v1/requests/{covered_request.public_id}/returns/").json()) == 1


def test_an_unknown_return_is_404(token_client, coordinator, covered_request):
    client = token_client(coordinator)
    assert client.get(f"/api/v1/requests/{covered_request.public_id}/returns/{uuid.uuid4()}/").status_code == 404
    assert client.get(f"/api/v1/requests/{covered_request.public_id}/returns/nonsense/").status_code == 404


def test_a_quarantined_file_is_hidden_from_the_agency_but_not_the_dpo(
    token_client, contact_a, dpo, covered_request, upload
):
    stored = upload().json()
    Return.objects.filter(public_id=stored["id"]).update(status=Return.Status.QUARANTINED)
    path = f"/api/v1/requests/{covered_request.public_id}/returns/{stored['id']}/"
    assert token_client(contact_a).get(path).status_code == 404
    assert token_client(dpo).get(path).status_code == 200
