import csv
import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalogue.models import Field
from requests_app.services.requests import request_transition
from sharing.models import AuditEntry, SharingAgreement, Status
from sharing.services import agreement_amend

pytestmark = pytest.mark.django_db


def detail(agreement, name="detail"):
    return reverse(f"sharing:{name}", args=[agreement.public_id])


def test_anonymous_users_are_sent_to_login(make_agreement, agency_a):
    agreement = make_agreement([agency_a])
    for url in [reverse("sharing:register"), detail(agreement), reverse("sharing:dpo"), reverse("sharing:audit")]:
        assert Client().get(url)["Location"].startswith(reverse("login"))


class TestAnotherAgencysContact:
    def test_gets_404_for_an_agreement_their_agency_is_not_party_to(self, contact_b_client, make_agreement, agency_a):
        agreement = make_agreement([agency_a])
        for name in ("detail", "edit", "document"):
            assert contact_b_client.get(detail(agreement, name)).status_code in (403, 404), name
        assert contact_b_client.get(detail(agreement)).status_code == 404
        for name, data in [
            ("action", {"action": "suspend", "version": 0, "note": "x"}),
            ("comment", {"text": "x"}),
            ("amend", {}),
        ]:
            assert contact_b_client.post(detail(agreement, name), data).status_code in (403, 404), name
        assert SharingAgreement.objects.get(pk=agreement.pk).status == Status.ACTIVE

    def test_sees_only_their_agencys_agreements_in_the_register_and_export(
        self, contact_a_client, make_agreement, agency_a, agency_b
    ):
        own = make_agreement([agency_a], title="Ours")
        other = make_agreement([agency_b], title="Theirs")
        page = contact_a_client.get(reverse("sharing:register")).content.decode()
        assert own.reference in page and other.reference not in page
        rows = list(
            csv.DictReader(io.StringIO(contact_a_client.get(reverse("sharing:register-export")).content.decode()))
        )
        assert [r["reference"] for r in rows] == [own.reference]
        assert contact_a_client.get(detail(own)).status_code == 200


def test_the_register_export_has_the_central_log_columns(coordinator_client, make_agreement, agency_a):
    agreement = make_agreement([agency_a])
    row = next(csv.DictReader(io.StringIO(coordinator_client.get(reverse("sharing:register-export")).content.decode())))
    assert row["reference"] == agreement.reference and row["status"] == "Active"
    assert row["providers"] == "Agency A School" and row["recipients"] == "The council"
    assert row["article6_basis"].startswith("6(1)(e)") and "Nationality" in row["data_items"]


def test_the_register_export_words_each_choice_as_the_agreement_page_does(coordinator_client, make_agreement, agency_a):
    agreement = make_agreement([agency_a], steps=("submit",), data_form="aggregate-suppressed")
    row = next(csv.DictReader(io.StringIO(coordinator_client.get(reverse("sharing:register-export")).content.decode())))
    assert row["status"] == agreement.get_status_display() and row["dpia"] == agreement.get_dpia_status_display()
    assert row["data_form"] == agreement.get_data_form_display()
    assert row["article6_basis"] == agreement.get_article6_basis_display()
    assert row["article9_condition"] == row["schedule1_condition"] == ""


class TestDpoWorkspace:
    def test_the_queue_shows_what_waits_for_review(self, dpo_client, make_agreement, agency_a, agency_b):
        make_agreement([agency_a], steps=("submit",), title="Waiting one")
        make_agreement([agency_b], title="Active one")
        page = dpo_client.get(reverse("sharing:dpo")).content.decode()
        assert "Waiting one" in page and "Waiting for review (1)" in page

    def test_only_dpos_open_the_workspace_and_the_audit_log(self, coordinator_client, contact_a_client):
        for client in (coordinator_client, contact_a_client):
            assert client.get(reverse("sharing:dpo")).status_code == 403
            assert client.get(reverse("sharing:audit")).status_code == 403

    def test_the_dpo_requests_changes_then_approves_in_the_browser_flow(
        self, dpo_client, coordinator_client, make_agreement, agency_a
    ):
        agreement = make_agreement([agency_a], steps=("submit",))

        def post(client, action, **extra):
            version = SharingAgreement.objects.get(pk=agreement.pk).lock_version
            return client.post(
                detail(agreement, "action"), {"action": action, "version": version, **extra}, follow=True
            )

        assert (
            "changes requested"
            in post(dpo_client, "request_changes", note="Add the retention period.").content.decode()
        )
        post(coordinator_client, "submit")
        post(dpo_client, "start_review")
        assert "approved" in post(dpo_client, "approve").content.decode()
        page = post(dpo_client, "activate", siro_name="Pat Senior", siro_signed_on="2026-01-01").content.decode()
        assert "is now active" in page
        assert AuditEntry.objects.filter(agreement=agreement, action="agreement-approved").count() == 1

    def test_a_stale_action_is_refused(self, dpo_client, make_agreement, agency_a):
        agreement = make_agreement([agency_a], steps=("submit",))
        page = dpo_client.post(
            detail(agreement, "action"), {"action": "approve", "version": agreement.lock_version - 1}, follow=True
        )
        assert "Someone changed this agreement" in page.content.decode()
        assert SharingAgreement.objects.get(pk=agreement.pk).status == Status.SUBMITTED


def test_the_audit_log_filters_by_agreement_agency_user_and_date(dpo_client, dpo, make_agreement, agency_a, agency_b):
    one = make_agreement([agency_a], title="One")
    make_agreement([agency_b], title="Two")
    page = dpo_client.get(reverse("sharing:audit") + f"?agreement={one.public_id}")
    entries = list(page.context["page"].object_list)
    assert entries and all(e.agreement_id == one.pk for e in entries)
    by_agency = dpo_client.get(reverse("sharing:audit") + f"?agency={agency_b.public_id}").context["page"].object_list
    assert all(e.agency_id == agency_b.pk for e in by_agency)
    by_user = dpo_client.get(reverse("sharing:audit") + f"?actor={dpo.pk}").context["page"].object_list
    assert by_user and all(e.actor_id == dpo.pk for e in by_user)
    assert not dpo_client.get(reverse("sharing:audit") + "?until=2000-01-01").context["page"].object_list


def new_agreement_form(agency, field_code: str) -> dict:
    """What the browser sends for a new agreement with every required answer given."""
    return {
        "title": "T",
        "controller_relationship": "separate",
        "purpose": "P",
        "necessity": "N",
        "data_form": "aggregate",
        "reporting_threshold": "10",
        "legal_power": "L",
        "article6_basis": "6(1)(e)",
        "article9_condition": "",
        "schedule1_condition": "",
        "dpia_status": "not-screened",
        "security": "S",
        "retention": "R",
        "disposal": "D",
        "start_date": "2026-01-01",
        "end_date": "2027-01-01",
        "review_interval_months": "12",
        "providers": [agency.pk],
        "data_items": [Field.objects.get(code=field_code).pk],
    }


def test_creating_an_agreement_in_the_browser_refuses_ethnicity_without_conditions(coordinator_client, agency_a, area):
    data = new_agreement_form(agency_a, "ethnicity")
    response = coordinator_client.post(reverse("sharing:new"), data)
    assert response.status_code == 200 and "Ethnicity is special category data" in response.content.decode()
    assert not SharingAgreement.objects.exists()
    data.update(article9_condition="9(2)(g)", schedule1_condition="2-8")
    assert coordinator_client.post(reverse("sharing:new"), data).status_code == 302


def test_the_agreement_form_refuses_a_small_numbers_threshold_of_0(
    coordinator_client, contact_b_client, agency_a, area
):
    data = {**new_agreement_form(agency_a, "nationality"), "reporting_threshold": "0"}
    response = coordinator_client.post(reverse("sharing:new"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["reporting_threshold"] == [
        "Set the small-numbers threshold to 1 or more: 0 would let every count be published."
    ]
    assert "0 would let every count be published" in response.content.decode()
    assert contact_b_client.post(reverse("sharing:new"), data).status_code == 403
    assert not SharingAgreement.objects.exists()


def test_the_agreement_page_and_the_register_export_show_the_small_numbers_threshold(
    coordinator_client, contact_b_client, make_agreement, agency_a
):
    agreement = make_agreement([agency_a], reporting_threshold=5)
    assert "Counts below 5 are never published" in coordinator_client.get(detail(agreement)).content.decode()
    row = next(csv.DictReader(io.StringIO(coordinator_client.get(reverse("sharing:register-export")).content.decode())))
    assert row["reporting_threshold"] == "5"
    assert contact_b_client.get(detail(agreement)).status_code == 404


def test_the_page_of_a_new_version_shows_a_change_to_the_threshold(
    coordinator_client, contact_b_client, coordinator, make_agreement, agency_a
):
    v1 = make_agreement([agency_a], reporting_threshold=10)
    v2 = agreement_amend(agreement=v1, user=coordinator)
    SharingAgreement.objects.filter(pk=v2.pk).update(reporting_threshold=20)
    page = coordinator_client.get(detail(v2)).content.decode()
    assert '<th scope="row">Small-numbers threshold</th><td><del>10</del></td><td><ins>20</ins></td>' in page
    assert contact_b_client.get(detail(v2)).status_code == 404


@pytest.mark.parametrize("url_name", ["sharing:register", "sharing:dpo", "sharing:audit"])
def test_list_pages_run_the_same_number_of_queries_however_many_agreements(
    url_name, dpo_client, make_agreement, agency_a
):
    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert dpo_client.get(reverse(url_name)).status_code == 200
        return len(ctx)

    make_agreement([agency_a], steps=("submit",))
    before = queries()
    for _ in range(6):
        make_agreement([agency_a], steps=("submit",))
    assert queries() == before


def test_downloading_the_signed_agreement_is_audited(dpo_client, contact_b_client, make_agreement, agency_a, dpo):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from sharing.services import agreement_transition

    agreement = make_agreement([agency_a], steps=("submit", "approve"))
    agreement_transition(
        agreement=agreement,
        action="activate",
        user=dpo,
        siro_name="Pat Senior",
        siro_signed_on=agreement.start_date,
        signed_document=SimpleUploadedFile("signed.pdf", b"%PDF-1.4"),
    )
    assert contact_b_client.get(detail(agreement, "document")).status_code == 404
    response = dpo_client.get(detail(agreement, "document"))
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4"
    assert AuditEntry.objects.filter(action="agreement-download", agreement=agreement, actor=dpo).count() == 1


@pytest.fixture
def two_requests_audited(agency_a, agency_b, coordinator, make_request):
    one = request_transition(request=make_request(agency_a), action="send", user=coordinator)
    other = request_transition(request=make_request(agency_b), action="send", user=coordinator)
    return one, other


def test_the_audit_log_filters_by_request(dpo_client, two_requests_audited):
    one, _ = two_requests_audited
    entries = dpo_client.get(reverse("sharing:audit") + f"?request={one.reference}").context["page"].object_list
    assert entries and all(e.request_reference == one.reference for e in entries)


def test_the_dpo_exports_the_filtered_audit_log_as_csv(dpo_client, dpo, agency_a, two_requests_audited):
    one, _ = two_requests_audited
    response = dpo_client.get(reverse("sharing:audit-export") + f"?agency={agency_a.public_id}")
    assert response["Content-Type"].startswith("text/csv") and "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows and {row["agency"] for row in rows} == {agency_a.name}
    assert {row["request"] for row in rows} == {one.reference}
    assert "Request status changed" in {row["action"] for row in rows}
    exported = AuditEntry.objects.get(action=AuditEntry.Action.AUDIT_EXPORTED)
    assert exported.actor == dpo and str(agency_a.public_id) in exported.detail


@pytest.mark.parametrize("persona", ["coordinator_client", "contact_a_client", "contact_b_client"])
def test_only_the_dpo_exports_the_audit_log(persona, request):
    assert request.getfixturevalue(persona).get(reverse("sharing:audit-export")).status_code == 403


class TestDpoWorkspacePages:
    def test_each_list_pages_on_its_own_and_keeps_the_others_page(
        self, dpo_client, make_agreement, agency_a, agency_b, monkeypatch
    ):
        from sharing import views

        monkeypatch.setattr(views, "DPO_PAGE_SIZE", 1)
        make_agreement([agency_a], steps=("submit",), title="Waiting first")
        make_agreement([agency_b], steps=("submit",), title="Waiting second")
        first = dpo_client.get(reverse("sharing:dpo")).content.decode()
        second = dpo_client.get(reverse("sharing:dpo"), {"queue": 2, "expiring": 1}).content.decode()
        assert "Waiting first" in first and "Waiting second" not in first and "Waiting for review (2)" in first
        assert "Waiting second" in second and "Waiting first" not in second
        assert 'aria-label="Pages of agreements waiting for review"' in first
        assert 'href="?queue=2#queue"' in first
        assert 'href="?expiring=1&amp;queue=1#queue"' in second

    def test_an_empty_list_says_what_brings_agreements_into_it(self, dpo_client):
        page = dpo_client.get(reverse("sharing:dpo")).content.decode()
        assert "Agreements appear here when a coordinator submits one." in page
