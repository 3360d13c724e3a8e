"""Processing an uploaded return: the service the Celery task calls, the report pages, the command."""

import datetime
import io
import json
import zipfile
from dataclasses import replace
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from notifications.models import Notification
from project.lib.lifecycle import transition_claim, transition_take
from requests_app.ingest import validate
from requests_app.lifecycle import RETURN_EDGES
from requests_app.models import ChecklistAnswer, Observation, Return, Status
from requests_app.services.processing import RETURNS, return_process
from requests_app.services.returns import return_upload
from requests_app.tasks import process_return
from tests.factories import force_status

pytestmark = pytest.mark.django_db
GOOD = (
    b"Nationality,Ward or small area,Period,Count\n"
    b"Polish,E05000001,2025 Q1,12\nRomanian, E05000001\xc2\xa0,2025 Q1,c\n"
    b",E05000002,2025 Q2,5\nTotal,E05000002,2025 Q2,17\n"
)
BAD = b"Nationality,Ward or small area,Period,Count\nPolska,E05000001,2025 Q1,12\n"
PEOPLE = (
    "Forename,Surname,Date of birth,NHS number,Nationality\n"
    + "".join(f"Ann{i},Smith,1980-02-{i % 27 + 1:02d},943 476 5919,Polish\n" for i in range(60))
).encode()


@pytest.fixture
def covered_request(agency_a, make_request, make_agreement):
    make_agreement([agency_a])
    return force_status(make_request(agency_a), Status.SENT)


def uploaded(data_request, user, content, name="return.csv"):
    with mock.patch.object(process_return, "delay"):
        return return_upload(request=data_request, user=user, upload=SimpleUploadedFile(name, content))


def test_an_upload_enqueues_processing_once_the_transaction_commits(
    covered_request, contact_a, django_capture_on_commit_callbacks
):
    with (
        mock.patch.object(process_return, "delay") as send,
        django_capture_on_commit_callbacks(execute=True),
    ):
        stored = return_upload(request=covered_request, user=contact_a, upload=SimpleUploadedFile("r.csv", GOOD))
    send.assert_called_once_with(stored.pk)
    assert stored.status == Return.Status.QUEUED


def test_a_good_return_is_stored_once_even_if_the_task_runs_twice(covered_request, contact_a, coordinator):
    stored = uploaded(covered_request, contact_a, GOOD)
    with mock.patch("requests_app.tasks.current_app.send_task"):  # the indicator tables' task has its own tests
        process_return.apply(args=[stored.pk])
        process_return.apply(args=[stored.pk])
    stored.refresh_from_db()
    assert stored.status == Return.Status.DONE and stored.attempts == 1
    rows = list(
        Observation.objects.filter(source_return=stored)
        .order_by("pk")
        .values("nationality", "geography_code", "count", "suppressed")
    )
    assert rows == [
        {"nationality": "PL", "geography_code": "E05000001", "count": 12, "suppressed": False},
        {"nationality": "RO", "geography_code": "E05000001", "count": None, "suppressed": True},
        {"nationality": "", "geography_code": "E05000002", "count": 5, "suppressed": False},
    ]
    assert stored.total == 17 == stored.report["total"] and stored.observation_count == 3
    assert Notification.objects.filter(user=contact_a, subject__contains="processed").count() == 1
    assert Notification.objects.filter(user=coordinator, subject__contains="processed").count() == 1


def test_a_crashed_attempt_is_redone_without_duplicating_rows(covered_request, contact_a):
    stored = uploaded(covered_request, contact_a, GOOD)
    with mock.patch("requests_app.services.processing.insert_observations", side_effect=RuntimeError("worker killed")):
        with pytest.raises(RuntimeError):
            return_process(return_id=stored.pk)
    assert not Observation.objects.exists()
    assert Return.objects.get(pk=stored.pk).status == Return.Status.STORING
    return_process(return_id=stored.pk)
    assert Observation.objects.filter(source_return=stored).count() == 3


def test_measured_completeness_goes_beside_the_agencys_estimate(covered_request, contact_a):
    from catalogue.models import Field
    from requests_app.services.checklists import ChecklistInput, checklist_record

    checklist_record(
        request=covered_request,
        user=contact_a,
        answers=[ChecklistInput(Field.objects.get(code="nationality"), "yes", "yes", "yes", 95, "")],
    )
    stored = uploaded(covered_request, contact_a, GOOD)
    return_process(return_id=stored.pk)
    answer = ChecklistAnswer.objects.get(request=covered_request, field__code="nationality")
    assert answer.completeness == 95 and float(answer.measured_completeness) == pytest.approx(66.67)


def test_a_return_with_errors_stores_nothing_and_reports_where_to_fix(covered_request, contact_a, contact_a_client):
    stored = uploaded(covered_request, contact_a, BAD)
    return_process(return_id=stored.pk)
    stored.refresh_from_db()
    assert stored.status == Return.Status.FAILED and not Observation.objects.exists()
    [problem] = stored.report["errors"]
    assert (problem["type"], problem["row"], problem["column"], problem["value"]) == ("unknown-code", 2, "A", "Polska")
    page = contact_a_client.get(
        reverse("requests:return-report", args=[covered_request.public_id, stored.public_id])
    ).content.decode()
    assert "Not accepted: please fix" in page and "Polska" in page and "Row 2<br>column A" in page
    problems = contact_a_client.get(
        reverse("requests:return-problems", args=[covered_request.public_id, stored.public_id])
    )
    assert "unknown-code" in problems.content.decode()


def test_record_level_data_is_quarantined_for_the_dpo_only(
    covered_request, contact_a, contact_a_client, dpo_client, dpo, coordinator
):
    stored = uploaded(covered_request, contact_a, PEOPLE, name="patients.csv")
    return_process(return_id=stored.pk)
    stored.refresh_from_db()
    assert stored.status == Return.Status.QUARANTINED and not Observation.objects.exists()
    assert Notification.objects.filter(user=dpo, subject__contains="quarantined").exists()
    assert Notification.objects.filter(user=contact_a, subject__contains="not accepted").exists()
    file_url = reverse("requests:return", args=[covered_request.public_id, stored.public_id])
    assert contact_a_client.get(file_url).status_code == 404
    assert dpo_client.get(file_url).status_code == 200


def test_a_coordinator_who_sent_in_held_data_hears_of_it_once(covered_request, coordinator):
    stored = uploaded(covered_request, coordinator, PEOPLE, name="patients.csv")
    return_process(return_id=stored.pk)
    about_it = coordinator.notifications.filter(subject__startswith=covered_request.reference)
    assert list(about_it.values_list("subject", flat=True)) == [
        f"{covered_request.reference}: a return was quarantined as possible personal data"
    ]


def test_the_status_endpoint_and_report_are_404_for_another_agency(covered_request, contact_a, contact_b_client):
    stored = uploaded(covered_request, contact_a, GOOD)
    for name in ("return-report", "return-status", "return-problems", "return"):
        assert (
            contact_b_client.get(
                reverse(f"requests:{name}", args=[covered_request.public_id, stored.public_id])
            ).status_code
            == 404
        )


def test_the_report_page_shows_progress_until_the_file_is_processed(covered_request, contact_a, contact_a_client):
    stored = uploaded(covered_request, contact_a, GOOD)
    args = [covered_request.public_id, stored.public_id]
    assert "data-status-url" in contact_a_client.get(reverse("requests:return-report", args=args)).content.decode()
    assert contact_a_client.get(reverse("requests:return-status", args=args)).json() == {
        "status": "queued",
        "label": "Queued",
        "final": False,
    }
    return_process(return_id=stored.pk)
    assert contact_a_client.get(reverse("requests:return-status", args=args)).json()["final"] is True
    assert "Accepted" in contact_a_client.get(reverse("requests:return-report", args=args)).content.decode()


class TestCheckReturnCommand:
    def run(self, tmp_path, content, *args):
        path = tmp_path / "return.csv"
        path.write_bytes(content)
        out = io.StringIO()
        try:
            call_command("check_return", str(path), *args, stdout=out)
            code = 0
        except SystemExit as exit_:
            code = exit_.code
        return code, out.getvalue()

    def test_a_valid_file_exits_0_with_the_json_report(self, tmp_path, covered_request):
        code, out = self.run(tmp_path, GOOD, "--request", covered_request.reference, "--json")
        report = json.loads(out)
        assert code == 0 and report["valid"] and report["total"] == 17 and report["rows_read"] == 4
        for key in ("observations", "errors", "warnings", "completeness"):
            assert key in report
        assert len(report["observations"]) == 3 and report["completeness"]["nationality"] == pytest.approx(
            0.6667, abs=1e-3
        )

    def test_a_file_with_errors_exits_1_and_says_why(self, tmp_path):
        code, out = self.run(tmp_path, BAD)
        assert code == 1 and "NOT VALID" in out and "Polska" in out

    def test_stores_nothing(self, tmp_path, covered_request):
        self.run(tmp_path, GOOD, "--request", covered_request.reference)
        assert not Observation.objects.exists() and not Return.objects.exists()

    def test_a_malformed_spreadsheet_gives_nothing_but_the_json_on_standard_output(self, tmp_path, capfd):
        path = tmp_path / "broken.ods"
        path.write_bytes(malformed_ods())
        with pytest.raises(SystemExit) as exit_:
            call_command("check_return", str(path), "--json")  # onto the real standard output
        out, err = capfd.readouterr()
        report = json.loads(out)
        assert exit_.value.code == 1 and [e["type"] for e in report["errors"]] == ["unreadable-file"]
        assert "SAX" not in out and "table:table" not in out and "table:table" not in err

    def test_whatever_a_library_prints_while_reading_goes_to_standard_error(self, tmp_path, capfd):
        path = tmp_path / "return.csv"
        path.write_bytes(GOOD)
        check = validate.run

        def chatty(*args):
            print("parser banner")
            return check(*args)

        with mock.patch("requests_app.management.commands.check_return.validate.run", side_effect=chatty):
            call_command("check_return", str(path), "--json")
        out, err = capfd.readouterr()
        assert json.loads(out)["valid"] and "parser banner" in err


def malformed_ods() -> bytes:
    """An OpenDocument spreadsheet cut off part-way through its content, as a failed download leaves it."""
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    content = (
        "<office:document-content xmlns:office='urn:oasis:names:tc:opendocument:xmlns:office:1.0'>"
        "<office:body><office:spreadsheet><table:table table:name='Data'><table:table-row>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", manifest)
        archive.writestr("content.xml", content)
    return out.getvalue()


def test_a_spreadsheet_cut_short_is_refused_not_read_as_a_smaller_one(capfd):
    import pandas as pd

    from requests_app.ingest.read import read_file

    table = pd.DataFrame({"Nationality": ["Polish", "Romanian", "Syrian"], "Count": [10, 20, 30]})
    whole = io.BytesIO()
    table.to_excel(whole, engine="odf", index=False)
    cut = io.BytesIO()
    with zipfile.ZipFile(whole) as archive, zipfile.ZipFile(cut, "w") as out:
        for name in archive.namelist():
            part = archive.read(name)
            out.writestr(name, part[: part.index(b"Syrian")] if name == "content.xml" else part)
    assert [p.type for p in read_file(whole.getvalue(), "r.ods")[1]] == []
    sheets, problems = read_file(cut.getvalue(), "r.ods")
    assert not sheets and [p.type for p in problems] == ["unreadable-file"]
    assert capfd.readouterr() == ("", "")


def test_the_reader_prints_nothing_of_a_malformed_spreadsheet_into_the_workers_log(capfd):
    from requests_app.ingest.read import read_file

    sheets, problems = read_file(malformed_ods(), "broken.ods")
    assert not sheets and [p.type for p in problems] == ["unreadable-file"]
    assert capfd.readouterr() == ("", "")


def test_ward_codes_outside_the_area_are_refused_once_a_lookup_is_loaded(covered_request, contact_a, area):
    from catalogue.models import AreaCode, GeographyLevel

    ward = GeographyLevel.objects.get(code="ward")
    AreaCode.objects.create(area=area, code="E05000001", name="Central", level=ward)
    stored = uploaded(covered_request, contact_a, GOOD)
    return_process(return_id=stored.pk)
    stored.refresh_from_db()
    assert stored.status == Return.Status.FAILED
    [outside] = stored.report["errors"]
    assert outside["value"] == "E05000002" and "not in this council's area" in outside["message"]


def test_the_template_lists_the_areas_wards_once_a_lookup_is_loaded(covered_request, contact_a_client, area):
    import openpyxl

    from catalogue.models import AreaCode, GeographyLevel

    AreaCode.objects.create(area=area, code="E05000001", name="Central", level=GeographyLevel.objects.get(code="ward"))
    response = contact_a_client.get(reverse("requests:template-xlsx", args=[covered_request.public_id]))
    codes_sheet = openpyxl.load_workbook(io.BytesIO(response.content))["Allowed codes"]
    assert "E05000001" in [c.value for row in codes_sheet.iter_rows() for c in row]


def test_each_return_step_is_taken_only_from_its_states(covered_request, contact_a):
    bare = replace(RETURNS, before={}, after={})  # the table alone, without the work each step does
    stored = uploaded(covered_request, contact_a, GOOD)
    for action, edge in RETURN_EDGES.items():
        for status in Return.Status:
            Return.objects.filter(pk=stored.pk).update(status=status)
            moved = transition_claim(lifecycle=bare, obj=stored, action=action)
            assert (moved.status if moved else None) == (edge.target if status in edge.sources else None)


def test_no_user_moves_a_return(covered_request, contact_a, coordinator):
    stored = uploaded(covered_request, contact_a, GOOD)
    for user in (contact_a, coordinator):
        with pytest.raises(PermissionDenied):
            transition_take(lifecycle=RETURNS, obj=stored, action="start", user=user)
    assert Return.objects.get(pk=stored.pk).status == Return.Status.QUEUED


def test_a_run_overtaken_by_a_second_delivery_stops_and_the_counts_are_stored_once(covered_request, contact_a):
    stored = uploaded(covered_request, contact_a, GOOD)
    check = validate.run
    runs = []

    def overtaken(*args):
        runs.append(args)
        if len(runs) == 1:
            return_process(return_id=stored.pk)  # the task delivered again finishes while the first checks
        return check(*args)

    with mock.patch("requests_app.services.processing.validate.run", side_effect=overtaken):
        first = return_process(return_id=stored.pk)
    assert len(runs) == 2 and first.status == Return.Status.DONE and first.attempts == 2
    assert Observation.objects.filter(source_return=stored).count() == 3
    assert Notification.objects.filter(user=contact_a, subject__contains="processed").count() == 1


def test_the_pipeline_is_told_the_councils_code_region_lookup_years_and_measure(agency_a, make_request, area):
    from catalogue.models import AreaCode, GeographyLevel, Source
    from requests_app.services.processing import ingest_context

    area.region_code = "E12000001"
    area.save()
    ward = GeographyLevel.objects.get(code="ward")
    AreaCode.objects.create(area=area, code="E05000001", name="Central", level=ward, vintage=2023)
    stock = Source.objects.filter(measure=Source.Measure.STOCK).first()
    reference = ingest_context(make_request(agency_a, source=stock)).reference
    assert (reference.local_authority, reference.region, reference.area_name) == ("E06000099", "E12000001", area.name)
    assert reference.vintages == {"ward": 2023} and reference.area_codes == {"E05000001"}
    assert ingest_context(make_request(agency_a, source=stock)).stock


def test_a_local_authority_return_for_the_council_is_accepted_once_its_ward_lookup_is_loaded(
    agency_a, make_request, make_agreement, contact_a, area
):
    from catalogue.models import AreaCode, GeographyLevel

    AreaCode.objects.create(area=area, code="E05000001", name="Central", level=GeographyLevel.objects.get(code="ward"))
    make_agreement([agency_a])
    request = force_status(
        make_request(agency_a, geography_level=GeographyLevel.objects.get(code="local-authority")), Status.SENT
    )
    content = (
        b"Nationality,Ward or small area,Period,Count\n"
        b"Polish,E92000001,2025 Q1,900\nPolish,E06000099,2025 Q1,12\nPolish,E06000001,2025 Q1,7\n"
    )
    stored = uploaded(request, contact_a, content)
    return_process(return_id=stored.pk)
    stored.refresh_from_db()
    assert stored.status == Return.Status.DONE, stored.report["errors"]
    assert list(Observation.objects.values_list("geography_code", "count")) == [("E06000099", 12)]


def test_counts_taken_on_a_day_are_stored_as_point_in_time(covered_request, contact_a):
    content = b"Date (as at...),Nationality,Ward or small area,Count\n31/03/2025,Polish,E05000001,12\n"
    stored = uploaded(covered_request, contact_a, content)
    return_process(return_id=stored.pk)
    stored.refresh_from_db()
    assert stored.status == Return.Status.DONE, stored.report["errors"]
    assert list(Observation.objects.values_list("period_start", "period_end", "point_in_time")) == [
        (datetime.date(2025, 3, 31), datetime.date(2025, 3, 31), True)
    ]


def test_a_stock_counted_on_several_dates_is_totalled_at_its_latest_date_not_summed(
    covered_request, contact_a, contact_a_client
):
    content = (
        b"Date (as at...),Nationality,Ward or small area,Count\n"
        b"31/03/2025,Polish,E05000001,12\n31/03/2025,Syrian,E05000001,4\n30/06/2025,Polish,E05000001,13\n"
    )
    stored = uploaded(covered_request, contact_a, content)
    return_process(return_id=stored.pk)
    stored.refresh_from_db()
    assert stored.total == stored.report["total"] == 13
    assert stored.report["stock_totals"] == {"2025-03-31": 16, "2025-06-30": 13}
    page = contact_a_client.get(
        reverse("requests:return-report", args=[covered_request.public_id, stored.public_id])
    ).content.decode()
    assert "People counted on each date" in page and "latest date counted" in page


def process(stored) -> Return:
    with mock.patch("requests_app.tasks.current_app.send_task"):  # the indicator tables' task has its own tests
        process_return.apply(args=[stored.pk])
    stored.refresh_from_db()
    return stored


def test_a_first_upload_that_is_refused_leaves_the_request_as_it_was(covered_request, contact_a):
    for content in (BAD, PEOPLE):
        stored = process(uploaded(covered_request, contact_a, content))
        assert stored.status in (Return.Status.FAILED, Return.Status.QUARANTINED)
        covered_request.refresh_from_db()
        assert covered_request.status == Status.SENT and covered_request.received_on is None


def test_the_request_is_received_once_a_version_is_accepted_and_a_refused_one_after_it_changes_nothing(
    covered_request, contact_a
):
    uploaded_first = uploaded(covered_request, contact_a, GOOD)
    covered_request.refresh_from_db()
    assert covered_request.status == Status.SENT  # a file being checked is not yet data received
    assert process(uploaded_first).status == Return.Status.DONE
    covered_request.refresh_from_db()
    received = (covered_request.status, covered_request.received_on, covered_request.version)
    assert received[0] == Status.RECEIVED
    assert covered_request.events.filter(action="mark_received", actor=None).exists()
    for content in (BAD, PEOPLE):
        assert process(uploaded(covered_request, contact_a, content)).status != Return.Status.DONE
        covered_request.refresh_from_db()
        assert (covered_request.status, covered_request.received_on, covered_request.version) == received
    in_force = Return.objects.get(request=covered_request, status=Return.Status.DONE, superseded=False)
    assert in_force.pk == uploaded_first.pk


def test_a_request_under_query_is_received_again_only_when_a_new_version_is_accepted(covered_request, contact_a):
    process(uploaded(covered_request, contact_a, GOOD))
    force_status(covered_request, Status.UNDER_QUERY)
    process(uploaded(covered_request, contact_a, BAD))
    covered_request.refresh_from_db()
    assert covered_request.status == Status.UNDER_QUERY
    process(uploaded(covered_request, contact_a, GOOD, name="fixed.csv"))
    covered_request.refresh_from_db()
    assert covered_request.status == Status.RECEIVED


@pytest.mark.parametrize(
    "content, says, never",
    [
        (GOOD, "The file was accepted with these warnings", "was not accepted"),
        (
            b"Nationality,Ward or small area,Period,Count\nPolska,E05000001,2025 Q1,12\nPolish,E05000001,2025 Q1,c\n",
            "The file was not accepted because of the errors above, so nothing from it was stored",
            "was accepted",
        ),
    ],
)
def test_the_report_page_says_what_happened_to_the_file_above_its_warnings(
    covered_request, contact_a, contact_a_client, content, says, never
):
    stored = process(uploaded(covered_request, contact_a, content))
    assert stored.report["warnings"], "the file has warnings to explain"
    page = contact_a_client.get(
        reverse("requests:return-report", args=[covered_request.public_id, stored.public_id])
    ).content.decode()
    assert says in page and never not in page and "These did not stop the file being accepted" not in page
