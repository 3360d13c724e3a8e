"""The field checklist starts unanswered: nothing is recorded, nor taken as evidence, until someone
chooses an answer, and "Don't know" is an answer."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from catalogue.models import Field
from requests_app.forms import ChecklistForm
from requests_app.models import ChecklistAnswer, FieldEvidence, Status
from requests_app.services.checklists import ChecklistInput, checklist_record
from tests.factories import force_status

pytestmark = pytest.mark.django_db
FIELDS = ("nationality", "ward", "period")
BLANK = {"collected": "", "mandatory": "", "extractable": "", "completeness": "", "notes": ""}


@pytest.fixture
def sent_request(agency_a, make_request):
    return force_status(make_request(agency_a), Status.SENT)


def page_url(data_request):
    return reverse("requests:checklist", args=[data_request.public_id])


def posted(**rows) -> dict:
    """The form as a browser sends it: every select and box of every row, blank unless given."""
    data = {}
    for code in FIELDS:
        for key, value in {**BLANK, **rows.get(code, {})}.items():
            data[f"{code}-{key}"] = value
    return data


def selected_options(html: str) -> list[str]:
    return re.findall(r'<option value="([^"]*)"[^>]*selected', html)


class TestTheForm:
    def test_an_unanswered_row_shows_no_answer_chosen(self):
        html = str(ChecklistForm(prefix="nationality"))
        assert selected_options(html) == ["", "", ""] and "Not answered" in html
        assert "Don&#x27;t know" in html or "Don't know" in html

    def test_a_blank_row_is_valid_and_says_nothing(self):
        form = ChecklistForm({f"f-{k}": v for k, v in BLANK.items()}, prefix="f")
        assert form.is_valid() and not form.answered

    @pytest.mark.parametrize(
        "given, missing",
        [
            ({"collected": "yes"}, {"mandatory", "extractable"}),
            ({"collected": "partly", "mandatory": "no"}, {"extractable"}),
            ({"mandatory": "yes"}, {"collected"}),
            ({"notes": "Only since 2024"}, {"collected"}),
            ({"completeness": "40"}, {"collected"}),
        ],
    )
    def test_a_row_begun_asks_for_what_it_still_needs(self, given, missing):
        form = ChecklistForm({f"f-{k}": v for k, v in {**BLANK, **given}.items()}, prefix="f")
        assert not form.is_valid() and set(form.errors) == missing
        assert all("Don't know" in message for name in missing for message in form.errors[name])

    @pytest.mark.parametrize("collected", ["no", "unknown"])
    def test_a_field_not_recorded_or_not_known_needs_no_more(self, collected):
        form = ChecklistForm({f"f-{k}": v for k, v in {**BLANK, "collected": collected}.items()}, prefix="f")
        assert form.is_valid() and form.answered


class TestTheService:
    def given(self, collected, mandatory="", extractable=""):
        return ChecklistInput(Field.objects.get(code="nationality"), collected, mandatory, extractable, None, "")

    @pytest.mark.parametrize("answer", [("",), ("", "yes", "yes"), ("yes",), ("partly", "yes")])
    def test_an_unanswered_question_is_refused_and_nothing_is_kept(self, sent_request, contact_a, answer):
        with pytest.raises(ValidationError, match="Nationality: say whether"):
            checklist_record(request=sent_request, user=contact_a, answers=[self.given(*answer)])
        assert not ChecklistAnswer.objects.exists() and not FieldEvidence.objects.exists()

    def test_a_field_not_recorded_keeps_the_other_questions_as_not_known(self, sent_request, contact_a):
        checklist_record(request=sent_request, user=contact_a, answers=[self.given("no")])
        stored = ChecklistAnswer.objects.get()
        assert (stored.collected, stored.mandatory, stored.extractable) == ("no", "unknown", "unknown")
        assert FieldEvidence.objects.get().answer == stored

    def test_dont_know_is_kept_but_is_no_evidence(self, sent_request, contact_a):
        checklist_record(request=sent_request, user=contact_a, answers=[self.given("unknown")])
        assert ChecklistAnswer.objects.get().get_collected_display() == "Don't know"
        assert not FieldEvidence.objects.filter(answer__isnull=False).exists()

    def test_answering_a_row_only_measured_in_a_return_makes_it_the_agencys_answer(self, sent_request, contact_a):
        measured = ChecklistAnswer.objects.create(
            request=sent_request,
            field=Field.objects.get(code="nationality"),
            collected="yes",
            recorded_as=ChecklistAnswer.RecordedAs.MEASURED,
            measured_completeness=80,
        )
        assert checklist_record(request=sent_request, user=contact_a, answers=[self.given("yes", "unknown", "unknown")])
        measured.refresh_from_db()
        assert measured.recorded_as == "agency" and measured.recorded_by == contact_a
        assert float(measured.measured_completeness) == 80.0


class TestThePage:
    def test_it_opens_with_nothing_chosen(self, contact_a_client, sent_request):
        page = contact_a_client.get(page_url(sent_request)).content.decode()
        assert selected_options(page) == [""] * 9 and "Nothing is filled in for you" in page

    def test_saving_it_untouched_records_nothing(self, contact_a_client, sent_request):
        response = contact_a_client.post(page_url(sent_request), posted(), follow=True)
        assert "Nothing was saved: no field was answered" in response.content.decode()
        assert not ChecklistAnswer.objects.exists() and not FieldEvidence.objects.exists()
        assert not sent_request.events.filter(kind="checklist").exists()

    def test_only_the_rows_answered_are_recorded(self, contact_a_client, contact_a, sent_request):
        response = contact_a_client.post(
            page_url(sent_request),
            posted(
                nationality={"collected": "partly", "mandatory": "no", "extractable": "yes"},
                ward={"collected": "unknown"},
            ),
            follow=True,
        )
        page = response.content.decode()
        assert "Checklist saved (2 answers changed). 1 field left unanswered: nothing was recorded for it." in page
        assert sorted(ChecklistAnswer.objects.values_list("field__code", "collected")) == [
            ("nationality", "partly"),
            ("ward", "unknown"),
        ]
        # Only the real answer is evidence; the detail page says the period is not answered yet.
        assert list(FieldEvidence.objects.values_list("field__code", flat=True)) == ["nationality"]
        assert "Not answered yet" in page

    def test_a_row_begun_is_shown_again_asking_for_the_rest(self, contact_a_client, sent_request):
        response = contact_a_client.post(page_url(sent_request), posted(nationality={"collected": "yes"}))
        page = response.content.decode()
        assert response.status_code == 200 and "Answer this too, or choose Don" in page
        assert not ChecklistAnswer.objects.exists()

    def test_an_earlier_answer_is_shown_and_a_measured_row_is_not(self, contact_a_client, contact_a, sent_request):
        checklist_record(
            request=sent_request,
            user=contact_a,
            answers=[ChecklistInput(Field.objects.get(code="ward"), "yes", "yes", "no", 90, "")],
        )
        ChecklistAnswer.objects.create(
            request=sent_request,
            field=Field.objects.get(code="nationality"),
            collected="yes",
            recorded_as=ChecklistAnswer.RecordedAs.MEASURED,
            measured_completeness=80,
        )
        page = contact_a_client.get(page_url(sent_request)).content.decode()
        # Rows in field order: nationality (measured only: unanswered), ward (answered), period.
        assert selected_options(page) == ["", "", "", "yes", "yes", "no", "", "", ""]

    def test_another_agencys_contact_gets_404_and_records_nothing(self, contact_b_client, sent_request):
        assert contact_b_client.get(page_url(sent_request)).status_code == 404
        answer = {"collected": "yes", "mandatory": "yes", "extractable": "yes"}
        assert contact_b_client.post(page_url(sent_request), posted(nationality=answer)).status_code == 404
        assert not ChecklistAnswer.objects.exists()
