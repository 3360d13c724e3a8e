import csv
import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalogue.models import Agency, GeographyLevel, Source
from requests_app.models import ChecklistAnswer, DataRequest, RequestEvent, Status
from requests_app.services.requests import request_message_post
from tests.factories import force_status, make_user

pytestmark = pytest.mark.django_db


def url(name, data_request, *args):
    return reverse(f"requests:{name}", args=[data_request.public_id, *args])


@pytest.fixture
def request_a(agency_a, contact_a, make_request):
    data_request = force_status(make_request(agency_a), Status.SENT)
    request_message_post(
        request=data_request, user=contact_a, body="See attached", attachment=SimpleUploadedFile("note.txt", b"x")
    )
    return data_request


def attachment_url(data_request):
    return url("attachment", data_request, data_request.events.get(kind=RequestEvent.Kind.MESSAGE).pk)


class TestAnotherAgencysContact:
    """Contact B must not learn anything about agency A's request, whatever they try."""

    def test_gets_404_for_every_page_of_the_request(self, contact_b_client, request_a):
        for page in ["detail", "checklist", "template-xlsx", "template-csv"]:
            assert contact_b_client.get(url(page, request_a)).status_code == 404, page
        assert contact_b_client.get(attachment_url(request_a)).status_code == 404

    def test_gets_404_for_every_action_and_changes_nothing(self, contact_b_client, request_a):
        posts = [
            ("transition", {"action": "acknowledge", "version": request_a.version, "note": ""}),
            ("transition", {"action": "refuse", "version": request_a.version, "note": "no"}),
            ("message", {"body": "hello"}),
            ("checklist", {"nationality-collected": "yes"}),
        ]
        for page, data in posts:
            assert contact_b_client.post(url(page, request_a), data).status_code == 404, page
        request_a.refresh_from_db()
        assert request_a.status == Status.SENT
        assert request_a.events.filter(kind=RequestEvent.Kind.MESSAGE).count() == 1
        assert not ChecklistAnswer.objects.exists()

    def test_does_not_see_it_in_lists_searches_or_filters(self, contact_b_client, request_a, agency_a):
        for query in [
            "",
            "?q=Pupils",
            f"?q={request_a.reference}",
            "?q=Agency+A+School",
            f"?q={request_a.source.title.split()[0]}",
            f"?agency={agency_a.public_id}",
            "?status=sent",
        ]:
            response = contact_b_client.get(reverse("requests:list") + query)
            page = response.content.decode()
            assert str(request_a.public_id) not in page, query
            assert "Pupils by nationality" not in page, query
            assert response.context["page"].paginator.count == 0, query

    def test_cannot_reach_campaign_pages(self, contact_b_client, coordinator_client, agency_a, make_request):
        from requests_app.models import Campaign

        campaign = Campaign.objects.create(
            name="C", source=Source.objects.first(), created_by=make_request(agency_a).coordinator
        )
        assert contact_b_client.get(reverse("requests:campaign", args=[campaign.public_id])).status_code == 404
        assert contact_b_client.post(reverse("requests:campaign-chase", args=[campaign.public_id])).status_code == 404
        assert contact_b_client.get(reverse("requests:campaigns")).status_code == 403

    def test_a_made_up_identifier_is_404_too(self, contact_b_client):
        assert contact_b_client.get("/requests/00000000-0000-0000-0000-000000000000/").status_code == 404
        assert contact_b_client.get("/requests/12/").status_code == 404


@pytest.mark.parametrize("words", ["Pupils", "school", "a school", "census additional"])
def test_the_coordinator_finds_a_request_by_its_title_agency_or_source(coordinator_client, request_a, words):
    # Every word must match one of title, reference, agency name or source title.
    found = coordinator_client.get(reverse("requests:list"), {"q": words}).context["page"].object_list
    assert [r.pk for r in found] == [request_a.pk]


def test_a_search_matching_nothing_in_any_column_finds_nothing(coordinator_client, request_a):
    assert coordinator_client.get(reverse("requests:list"), {"q": "pupils zebra"}).context["page"].paginator.count == 0


def test_the_list_pages_through_requests_overdue_first_and_each_page_has_its_details(
    coordinator_client, contact_b_client, agency_a, make_request
):
    made = [force_status(make_request(agency_a), Status.SENT) for _ in range(26)]
    overdue = force_status(make_request(agency_a), Status.SENT, sent_on=datetime.date(2025, 1, 6))
    first = coordinator_client.get(reverse("requests:list")).context["page"]
    second = coordinator_client.get(reverse("requests:list"), {"page": 2}).context["page"]
    assert first.object_list[0] == overdue and len(first.object_list) == 25 and len(second.object_list) == 2
    assert {r.pk for r in [*first.object_list, *second.object_list]} == {r.pk for r in [*made, overdue]}
    assert all(r.agency.name == "Agency A School" and r.governance for r in second.object_list)
    assert contact_b_client.get(reverse("requests:list"), {"page": 2}).context["page"].paginator.count == 0


def test_anonymous_users_are_sent_to_login(request_a):
    for target in [
        reverse("requests:list"),
        url("detail", request_a),
        url("template-xlsx", request_a),
        reverse("requests:campaigns"),
    ]:
        response = Client().get(target)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


class TestAgencyPortal:
    def test_the_contact_sees_only_their_agencys_requests(self, contact_a_client, request_a, agency_b, make_request):
        other = force_status(make_request(agency_b), Status.SENT)
        page = contact_a_client.get(reverse("requests:list")).content.decode()
        assert request_a.reference in page and other.reference not in page

    def test_the_contact_acknowledges_and_answers_the_checklist(self, contact_a_client, contact_a, request_a):
        response = contact_a_client.post(
            url("transition", request_a), {"action": "acknowledge", "version": request_a.version}
        )
        assert response.status_code == 302
        request_a.refresh_from_db()
        assert request_a.status == Status.ACKNOWLEDGED
        data = {}
        for code in ["nationality", "ward", "period"]:
            data.update(
                {
                    f"{code}-collected": "partly",
                    f"{code}-mandatory": "no",
                    f"{code}-extractable": "yes",
                    f"{code}-completeness": "55",
                    f"{code}-notes": "",
                }
            )
        assert contact_a_client.post(url("checklist", request_a), data).status_code == 302
        assert ChecklistAnswer.objects.filter(request=request_a, recorded_by=contact_a, completeness=55).count() == 3

    def test_a_checklist_with_a_bad_percentage_is_shown_again_with_the_error(self, contact_a_client, request_a):
        data = {
            "nationality-collected": "yes",
            "nationality-mandatory": "no",
            "nationality-extractable": "yes",
            "nationality-completeness": "150",
        }
        response = contact_a_client.post(url("checklist", request_a), data)
        assert response.status_code == 200 and "less than or equal to 100" in response.content.decode()
        assert not ChecklistAnswer.objects.exists()

    def test_the_contact_cannot_take_a_coordinator_action(self, contact_a_client, request_a):
        contact_a_client.post(
            url("transition", request_a), {"action": "withdraw", "version": request_a.version, "note": "x"}
        )
        request_a.refresh_from_db()
        assert request_a.status == Status.SENT

    def test_a_stale_form_is_refused_with_a_message(self, contact_a_client, request_a):
        response = contact_a_client.post(
            url("transition", request_a), {"action": "acknowledge", "version": request_a.version - 1}, follow=True
        )
        assert "Someone changed this request" in response.content.decode()
        request_a.refresh_from_db()
        assert request_a.status == Status.SENT

    def test_the_contact_downloads_attachments_of_their_own_request(self, contact_a_client, request_a):
        response = contact_a_client.get(attachment_url(request_a))
        assert response.status_code == 200 and b"".join(response.streaming_content) == b"x"


class TestTemplates:
    def test_the_excel_template_has_exactly_the_requested_columns(self, contact_a_client, request_a):
        response = contact_a_client.get(url("template-xlsx", request_a))
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        header = [c.value for c in book["Data"][1]]
        assert header == [f.name for f in request_a.fields.order_by("order")] + ["Count"]
        assert "Allowed codes" in book.sheetnames and "Instructions" in book.sheetnames

    def test_the_csv_template_has_exactly_the_requested_columns(self, contact_a_client, request_a):
        response = contact_a_client.get(url("template-csv", request_a))
        header = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert header == [f.name for f in request_a.fields.order_by("order")] + ["Count"]
        assert response["Content-Disposition"].endswith('-template.csv"')


class TestCoordinatorPages:
    def test_the_coordinator_creates_a_draft_request(self, coordinator_client, agency_a):
        data = {
            "agency": agency_a.pk,
            "title": "Pupils by nationality",
            "source": Source.objects.get(slug="school-census-eal-pupils").pk,
            "purpose": "Planning",
            "fields": [],
            "geography_level": GeographyLevel.objects.get(code="ward").pk,
            "period_start": "2025-09-01",
            "period_end": "2026-07-31",
            "granularity": "quarter",
            "data_form": "aggregate",
            "reporting_threshold": "10",
        }
        response = coordinator_client.post(reverse("requests:new"), data)
        assert response.status_code == 200 and "This field is required" in response.content.decode()
        from catalogue.models import Field

        data["fields"] = [Field.objects.get(code="nationality").pk, Field.objects.get(code="ward").pk]
        response = coordinator_client.post(reverse("requests:new"), data)
        created = DataRequest.objects.get()
        assert response.status_code == 302 and response["Location"] == url("detail", created)
        assert created.status == Status.DRAFT and created.response_working_days == 30

    def test_a_period_that_ends_before_it_starts_is_explained(self, coordinator_client, agency_a):
        response = coordinator_client.post(
            reverse("requests:new"), {"period_start": "2026-01-01", "period_end": "2025-01-01"}
        )
        assert "The period must end on or after its start" in response.content.decode()

    def test_agency_contacts_and_dpos_cannot_create_requests(self, contact_a_client, dpo_client):
        assert contact_a_client.get(reverse("requests:new")).status_code == 403
        assert dpo_client.post(reverse("requests:new"), {}).status_code == 403

    def test_a_campaign_to_three_agencies_then_chase_the_overdue(self, coordinator_client, agency_a, agency_b, area):
        from catalogue.models import Field, OrganisationType
        from catalogue.services import agency_create

        third = agency_create(
            name="Third School", area=area, organisation_type=OrganisationType.objects.get(code="primary-school")
        )
        data = {
            "name": "EAL everywhere",
            "agencies": [agency_a.pk, agency_b.pk, third.pk],
            "title": "EAL pupils",
            "source": Source.objects.get(slug="school-census-eal-pupils").pk,
            "purpose": "Planning",
            "fields": [Field.objects.get(code="nationality").pk],
            "geography_level": GeographyLevel.objects.get(code="ward").pk,
            "period_start": "2025-09-01",
            "period_end": "2026-07-31",
            "granularity": "quarter",
            "data_form": "aggregate",
            "reporting_threshold": "10",
            "send_now": "on",
        }
        response = coordinator_client.post(reverse("requests:campaign-new"), data)
        assert response.status_code == 302
        campaign_url = response["Location"]
        late = DataRequest.objects.get(agency=agency_b)
        DataRequest.objects.filter(pk=late.pk).update(due_date=datetime.date(2020, 1, 6))
        page = coordinator_client.get(campaign_url).content.decode()
        assert "0% complete" in page and "Chase 1 overdue agency" in page
        chase = coordinator_client.post(campaign_url + "chase/", follow=True).content.decode()
        assert "Chased 1 overdue agency" in chase
        assert "Every overdue agency (1) was chased today" in chase
        filtered = coordinator_client.get(campaign_url + "?due=overdue").content.decode()
        assert "Agency B Trust" in filtered and "Agency A School" not in filtered


@pytest.mark.parametrize("persona", ["coordinator_client", "contact_a_client"])
def test_the_request_list_runs_the_same_number_of_queries_however_many_requests(
    persona, request, agency_a, make_request
):
    client = request.getfixturevalue(persona)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("requests:list")).status_code == 200
        return len(ctx)

    make_request(agency_a)
    # A person's first page of a session also fills per-process caches (content types) and the session:
    # those queries are paid once, whatever the number of requests, so the count is taken after it.
    queries()
    before = queries()
    for _ in range(15):
        force_status(make_request(agency_a), Status.SENT)
    assert queries() == before


def test_the_campaign_page_runs_the_same_number_of_queries_however_many_agencies(
    coordinator_client, coordinator, area, make_request
):
    from catalogue.models import OrganisationType
    from catalogue.services import agency_create
    from requests_app.models import Campaign

    campaign = Campaign.objects.create(name="C", source=Source.objects.first(), created_by=coordinator)
    school = OrganisationType.objects.get(code="primary-school")

    def add(n):
        for _ in range(n):
            agency = agency_create(name=f"School {Agency.objects.count()}", area=area, organisation_type=school)
            force_status(make_request(agency, campaign=campaign), Status.SENT)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert coordinator_client.get(reverse("requests:campaign", args=[campaign.public_id])).status_code == 200
        return len(ctx)

    add(1)
    before = queries()
    add(12)
    assert queries() == before


class TestExport:
    def test_the_export_contains_only_what_the_user_may_see(
        self, contact_b_client, coordinator_client, request_a, agency_b, make_request
    ):
        own = force_status(make_request(agency_b), Status.SENT)
        rows = list(csv.DictReader(io.StringIO(contact_b_client.get(reverse("requests:export")).content.decode())))
        assert [r["reference"] for r in rows] == [own.reference]
        rows = list(
            csv.DictReader(
                io.StringIO(coordinator_client.get(reverse("requests:export") + "?status=sent").content.decode())
            )
        )
        assert {r["reference"] for r in rows} == {own.reference, request_a.reference}

    def test_the_export_runs_the_same_number_of_queries_however_many_rows(
        self, coordinator_client, agency_a, make_request
    ):
        def queries():
            with CaptureQueriesContext(connection) as ctx:
                coordinator_client.get(reverse("requests:export"))
            return len(ctx)

        make_request(agency_a)
        before = queries()
        for _ in range(10):
            make_request(agency_a)
        assert queries() == before

    def test_each_row_says_what_the_request_is_in_words(self, coordinator_client, coordinator, request_a):
        from requests_app.models import Campaign

        campaign = Campaign.objects.create(name="Schools 2026", source=request_a.source, created_by=coordinator)
        DataRequest.objects.filter(pk=request_a.pk).update(campaign=campaign)
        (row,) = csv.DictReader(io.StringIO(coordinator_client.get(reverse("requests:export")).content.decode()))
        assert row["agency"] == "Agency A School" and row["agency_type"] == request_a.agency.organisation_type.name
        assert row["status"] == request_a.get_status_display() and row["campaign"] == "Schools 2026"
        assert row["coordinator"] == coordinator.get_full_name() and row["source"] == request_a.source.title

    def test_a_coordinator_without_a_full_name_is_named_by_username(self, coordinator_client, coordinator, request_a):
        type(coordinator).objects.filter(pk=coordinator.pk).update(first_name="", last_name="")
        (row,) = csv.DictReader(io.StringIO(coordinator_client.get(reverse("requests:export")).content.decode()))
        assert row["coordinator"] == coordinator.username


class TestAgencyPages:
    def test_the_coordinator_adds_a_contact_and_removes_one_who_left(
        self, coordinator_client, agency_a, contact_a, make_request
    ):
        newcomer = make_user("newcomer", "Agency contact")
        page = reverse("requests:agency", args=[agency_a.public_id])
        assert coordinator_client.post(page, {"user": newcomer.pk}).status_code == 302
        assert agency_a.contacts.filter(pk=newcomer.pk).exists()
        named = make_request(agency_a, agency_contact=contact_a)
        response = coordinator_client.post(page, {"remove": contact_a.pk}, follow=True)
        assert "1 open request passed on" in response.content.decode()
        named.refresh_from_db()
        assert named.agency_contact == newcomer and not agency_a.contacts.filter(pk=contact_a.pk).exists()

    def test_only_agency_contacts_can_be_added(self, coordinator_client, agency_a, dpo):
        response = coordinator_client.post(reverse("requests:agency", args=[agency_a.public_id]), {"user": dpo.pk})
        assert response.status_code == 200 and "Select a valid choice" in response.content.decode()

    def test_agency_pages_are_for_coordinators_only(self, contact_a_client, dpo_client, agency_a, contact_b):
        for client in (contact_a_client, dpo_client):
            assert client.get(reverse("requests:agencies")).status_code == 403
            assert (
                client.post(reverse("requests:agency", args=[agency_a.public_id]), {"remove": contact_b.pk}).status_code
                == 403
            )
        assert agency_a.contacts.count() == 1

    def test_the_agency_list_runs_the_same_number_of_queries_however_many_agencies(self, coordinator_client, area):
        from catalogue.models import OrganisationType
        from catalogue.services import agency_create

        def queries():
            with CaptureQueriesContext(connection) as ctx:
                coordinator_client.get(reverse("requests:agencies"))
            return len(ctx)

        before = queries()
        for i in range(8):
            agency_create(name=f"GP {i}", area=area, organisation_type=OrganisationType.objects.get(code="gp-practice"))
        assert queries() == before


class TestUploadsWhileAQuestionIsOpen:
    def test_the_contact_is_told_why_the_upload_box_is_gone_and_what_brings_it_back(self, contact_a_client, request_a):
        force_status(request_a, Status.CLARIFICATION)
        html = contact_a_client.get(url("detail", request_a)).content.decode()
        assert 'action="' + url("upload", request_a) + '"' not in html
        assert "Uploads are paused while your question is open." in html
        assert "The coordinator's answer reopens the request" in html

    def test_the_coordinator_is_told_that_answering_reopens_uploads(self, coordinator_client, request_a):
        force_status(request_a, Status.CLARIFICATION)
        html = coordinator_client.get(url("detail", request_a)).content.decode()
        assert "Uploads are paused while the agency's question is open." in html
        assert "Answer it under" in html


class TestActionsOnTheRequestPage:
    def test_the_coordinator_is_not_offered_the_agencys_moves(self, coordinator_client, request_a):
        html = coordinator_client.get(url("detail", request_a)).content.decode()
        assert 'value="acknowledge"' not in html and 'value="mark_received"' not in html
        assert 'value="withdraw"' in html

    def test_the_contact_is_offered_its_own_moves_and_not_the_coordinators(self, contact_a_client, request_a):
        html = contact_a_client.get(url("detail", request_a)).content.decode()
        assert 'value="acknowledge"' in html and 'value="mark_received"' in html
        assert 'value="withdraw"' not in html

    def test_the_server_refuses_a_dpo_any_move(self, dpo_client, request_a):
        response = dpo_client.post(
            url("transition", request_a), {"action": "acknowledge", "version": request_a.version}
        )
        assert response.status_code in (403, 404)
        request_a.refresh_from_db()
        assert request_a.status == Status.SENT


class TestPagesOfAgencies:
    def test_the_agency_list_pages_by_name_and_page_two_shows_the_rest(
        self, coordinator_client, agency_a, agency_b, monkeypatch
    ):
        from requests_app.views import agencies

        monkeypatch.setattr(agencies, "AGENCY_PAGE_SIZE", 1)
        first = coordinator_client.get(reverse("requests:agencies")).content.decode()
        second = coordinator_client.get(reverse("requests:agencies"), {"page": 2}).content.decode()
        assert "Agency A School" in first and "Agency B Trust" not in first
        assert "Agency B Trust" in second and "Agency A School" not in second
        assert 'aria-label="Pages of agencies"' in first and 'href="?page=2"' in first
        assert "1 to 1 shown" in first and "2 to 2 shown" in second

    def test_an_agency_page_pages_through_its_requests(self, coordinator_client, agency_a, make_request, monkeypatch):
        from requests_app.views import agencies

        monkeypatch.setattr(agencies, "AGENCY_REQUESTS_PAGE_SIZE", 1)
        made = [make_request(agency_a, title=f"Request number {i}") for i in range(2)]
        url = reverse("requests:agency", args=[agency_a.public_id])
        shown = [coordinator_client.get(url, {"page": n}).context["requests"].object_list for n in (1, 2)]
        assert {r.pk for page in shown for r in page} == {r.pk for r in made}
        assert 'href="?page=2#requests"' in coordinator_client.get(url).content.decode()


class TestPagesOfACampaign:
    @pytest.fixture
    def campaign(self, coordinator, agency_a, agency_b, make_request):
        from requests_app.models import Campaign

        campaign = Campaign.objects.create(name="C", source=Source.objects.first(), created_by=coordinator)
        for agency in (agency_a, agency_b):
            force_status(make_request(agency, campaign=campaign), Status.SENT)
        make_request(agency_b, campaign=campaign)  # a draft, left out by the filter below
        return campaign

    def test_page_two_holds_the_other_agency_and_its_links_keep_the_filter(
        self, coordinator_client, campaign, monkeypatch
    ):
        from requests_app.views import campaigns

        monkeypatch.setattr(campaigns, "CAMPAIGN_PAGE_SIZE", 1)
        url = reverse("requests:campaign", args=[campaign.public_id])
        first = coordinator_client.get(url, {"status": "sent"})
        second = coordinator_client.get(url, {"status": "sent", "page": 2})
        names = [r.agency.name for page in (first, second) for r in page.context["page"].object_list]
        assert sorted(names) == ["Agency A School", "Agency B Trust"]
        assert second.context["page"].paginator.count == 2  # the draft is filtered out
        html = first.content.decode()
        assert 'href="?status=sent&amp;page=2#agencies"' in html
        assert "2 agencies match the filter" in html

    def test_a_filter_matching_nothing_says_how_to_see_every_agency(self, coordinator_client, campaign):
        url = reverse("requests:campaign", args=[campaign.public_id])
        html = coordinator_client.get(url, {"status": "received"}).content.decode()
        assert "No agency in this campaign matches the filter." in html and "Show every agency" in html

    def test_another_agencys_contact_gets_404_on_every_page_of_it(self, contact_b_client, campaign):
        url = reverse("requests:campaign", args=[campaign.public_id])
        for query in ({}, {"page": 2}, {"status": "sent", "page": 2}):
            assert contact_b_client.get(url, query).status_code == 404
