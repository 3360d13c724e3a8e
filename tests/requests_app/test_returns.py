"""Uploading returns through the request page: the governance gate, storage, audit."""

import contextlib
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from notifications.models import Notification
from requests_app.models import DataRequest, Return, Status
from requests_app.services.processing import return_process
from sharing.models import AuditEntry
from sharing.services import agreement_transition, agreements_refresh
from tests.factories import force_status

pytestmark = pytest.mark.django_db
CSV = b"Nationality,Ward or small area,Period,Count\nPolish,E05000001,2025 Q1,12\n"


def upload(client, data_request, content=CSV, name="return.csv"):
    return client.post(
        reverse("requests:upload", args=[data_request.public_id]),
        {"file": SimpleUploadedFile(name, content)},
        follow=True,
    )


@pytest.fixture
def sent_request(agency_a, make_request):
    return force_status(make_request(agency_a), Status.SENT)


def media_files(settings):
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_an_upload_under_an_active_agreement_is_stored_with_its_hash(
    contact_a_client, sent_request, make_agreement, agency_a, settings
):
    agreement = make_agreement([agency_a])
    page = upload(contact_a_client, sent_request).content.decode()
    assert "return.csv was received (version 1)" in page
    stored = Return.objects.get()
    assert stored.agreement == agreement and stored.size == len(CSV)
    assert stored.sha256 == __import__("hashlib").sha256(CSV).hexdigest()
    assert stored.file.read() == CSV and "static" not in stored.file.path
    sent_request.refresh_from_db()
    assert sent_request.status == Status.SENT  # received once a version is accepted (test_processing)
    assert AuditEntry.objects.filter(action="return-uploaded", agency=agency_a).exists()


@pytest.mark.parametrize(
    "problem, setup, message",
    [
        ("no agreement", lambda mk, a, b: None, "No sharing agreement names Agency A School"),
        ("not yet active", lambda mk, a, b: mk([a], steps=("submit", "approve")), "not active"),
        (
            "agency not a provider",
            lambda mk, a, b: mk([b], recipients=[a]),
            "does not name Agency A School as a provider",
        ),
        ("field not covered", lambda mk, a, b: mk([a], fields=("nationality", "ward")), "does not cover: Period"),
        (
            "form not permitted",
            lambda mk, a, b: mk([a], data_form="aggregate-suppressed"),
            "permits only aggregate counts, small numbers suppressed",
        ),
    ],
)
def test_an_upload_is_refused_saying_what_is_missing_and_nothing_is_kept(
    problem,
    setup,
    message,
    contact_a_client,
    sent_request,
    make_agreement,
    agency_a,
    agency_b,
    coordinator,
    dpo,
    settings,
):
    agreement = setup(make_agreement, agency_a, agency_b)
    if problem == "agency not a provider":
        DataRequest.objects.filter(pk=sent_request.pk).update(agreement=agreement)
    page = upload(contact_a_client, sent_request).content.decode()
    assert "The file was not accepted, and nothing of it was kept" in page and message in page
    assert not Return.objects.exists() and media_files(settings) == []
    assert DataRequest.objects.get(pk=sent_request.pk).status == Status.SENT
    assert AuditEntry.objects.filter(action="upload-refused").count() == 1
    for user in (coordinator, dpo):
        assert Notification.objects.filter(user=user, subject__contains="blocked by governance").exists()


def test_expiry_by_the_daily_task_blocks_the_next_upload(contact_a_client, sent_request, make_agreement, agency_a):
    agreement = make_agreement([agency_a], end_date=datetime.date.today() + datetime.timedelta(days=10))
    assert "was received" in upload(contact_a_client, sent_request).content.decode()
    agreements_refresh(today=agreement.end_date + datetime.timedelta(days=1))
    page = upload(contact_a_client, sent_request, name="again.csv").content.decode()
    assert "expired on" in page
    assert Return.objects.count() == 1


def test_a_new_upload_supersedes_the_previous_one_once_accepted_and_both_are_kept(
    contact_a_client, sent_request, make_agreement, agency_a
):
    make_agreement([agency_a])
    upload(contact_a_client, sent_request)
    upload(contact_a_client, sent_request, content=CSV + b"Romanian,E05000001,2025 Q1,7\n", name="fixed.csv")
    first, second = Return.objects.order_by("version")
    # Not yet checked: nothing is replaced by a file that may still be refused.
    assert (first.superseded, second.superseded, second.version) == (False, False, 2)
    return_process(return_id=first.pk)
    return_process(return_id=second.pk)
    first.refresh_from_db()
    assert first.superseded and first.file.read() == CSV


def test_a_dpo_approval_unblocks_the_agencys_upload(contact_a_client, sent_request, make_agreement, agency_a, dpo):
    agreement = make_agreement([agency_a], steps=("submit",))
    assert "not active" in upload(contact_a_client, sent_request).content.decode()
    agreement_transition(agreement=agreement, action="request_changes", user=dpo, note="State the retention period.")
    from sharing.services import agreement_transition as move

    move(agreement=agreement, action="submit", user=agreement.created_by)
    move(agreement=agreement, action="approve", user=dpo)
    move(
        agreement=agreement,
        action="activate",
        user=dpo,
        siro_name="Pat Senior",
        siro_signed_on=datetime.date(2026, 1, 1),
    )
    assert "was received" in upload(contact_a_client, sent_request).content.decode()


@pytest.mark.parametrize(
    "name, content",
    [
        ("return.tsv", CSV.replace(b",", b"\t")),
        ("return.txt", CSV),
        ("Return.CSV", CSV.replace(b",", b";")),
        ("return.xlsx", b"PK\x03\x04 not checked until processed"),
        ("return.ods", b"PK\x03\x04 not checked until processed"),
    ],
)
def test_every_kind_of_file_the_pipeline_reads_is_taken(
    name, content, contact_a_client, sent_request, make_agreement, agency_a
):
    make_agreement([agency_a])
    assert f"{name} was received (version 1)" in upload(contact_a_client, sent_request, content, name).content.decode()


def test_the_upload_form_names_every_kind_of_file_it_takes():
    from requests_app.forms import UPLOAD_KINDS, UploadForm
    from requests_app.ingest.read import CSV_EXTENSIONS, WORKBOOK_EXTENSIONS

    html = str(UploadForm()["file"])
    for extension in CSV_EXTENSIONS | WORKBOOK_EXTENSIONS:
        assert extension in UPLOAD_KINDS and extension in html, extension


@pytest.mark.parametrize(
    "name, says",
    [("return.xlsm", "carries macros"), ("return.xls", "old-style Excel"), ("return", "Upload a CSV, Excel")],
)
def test_the_form_refuses_what_check_return_refuses_with_the_same_message(
    name, says, contact_a_client, sent_request, make_agreement, agency_a
):
    from requests_app.ingest.read import read_file

    make_agreement([agency_a])
    page = upload(contact_a_client, sent_request, name=name).content.decode()
    (problem,) = read_file(CSV, name)[1]
    assert says in problem.message and escape(problem.message) in page
    assert not Return.objects.exists()


NAMES = [
    "return.csv",
    "Return.CSV",
    "return.tsv",
    "return.txt",
    "return.xlsx",
    "RETURN.ODS",
    "return.xlsm",
    "template.xltm",
    "addin.xlam",
    "book.xlsb",
    "return.xls",
    "return",
    ".csv",
    "return.csv.zip",
    "data.pdf",
    "return.json",
]


@pytest.mark.parametrize("name", NAMES)
def test_check_return_and_the_upload_form_take_exactly_the_same_files(name, tmp_path):
    """Whatever the name, both take the file, or both refuse it with the same message."""
    import json

    from django.core.management import call_command

    from requests_app.forms import UploadForm
    from requests_app.ingest.read import MACRO_MESSAGE, OLD_EXCEL_MESSAGE, WRONG_KIND_MESSAGE

    form = UploadForm(files={"file": SimpleUploadedFile(name, CSV)})
    form_refusal = "" if form.is_valid() else form.errors["file"][0]
    path = tmp_path / name
    path.write_bytes(CSV)
    out = io.StringIO()
    with contextlib.suppress(SystemExit):
        call_command("check_return", str(path), "--json", stdout=out)
    messages = [error["message"] for error in json.loads(out.getvalue())["errors"]]
    refused_by_name = [m for m in messages if m in {MACRO_MESSAGE, OLD_EXCEL_MESSAGE, WRONG_KIND_MESSAGE}]
    assert form_refusal == (refused_by_name[0] if refused_by_name else "")


@pytest.mark.parametrize("over", [0, 1])
def test_check_return_and_the_upload_form_take_the_same_sizes(over, tmp_path, settings):
    """A file one byte over the upload limit is refused by both, with the same message."""
    import json

    from django.core.management import call_command

    from requests_app.forms import UploadForm

    settings.TRACKER_UPLOAD_MAX_BYTES = len(CSV) - over
    form = UploadForm(files={"file": SimpleUploadedFile("return.csv", CSV)})
    path = tmp_path / "return.csv"
    path.write_bytes(CSV)
    out = io.StringIO()
    with contextlib.suppress(SystemExit):
        call_command("check_return", str(path), "--json", stdout=out)
    too_large = [e for e in json.loads(out.getvalue())["errors"] if e["type"] == "too-large"]
    if not over:
        assert form.is_valid() and too_large == []
        return
    (refusal,) = form.errors["file"]
    assert [e["message"] for e in too_large] == [refusal] and "larger than" in refusal


def test_the_upload_form_says_before_the_upload_what_sizes_pass(settings):
    from requests_app.forms import UploadForm

    settings.TRACKER_UPLOAD_MAX_BYTES = 50 * 1024 * 1024
    help_text = UploadForm().fields["file"].help_text
    assert "50 MB" in help_text and "1,500,000 rows" in help_text and "2,000 columns" in help_text


def test_too_large_or_unknown_files_are_refused_with_a_message(
    contact_a_client, sent_request, make_agreement, agency_a, settings
):
    make_agreement([agency_a])
    assert "Upload a CSV, Excel" in upload(contact_a_client, sent_request, name="data.pdf").content.decode()
    settings.TRACKER_UPLOAD_MAX_BYTES = 10
    assert "larger than" in upload(contact_a_client, sent_request).content.decode()
    assert not Return.objects.exists()


def test_downloads_of_returned_files_are_audited_and_outsiders_get_404(
    contact_a_client, contact_b_client, dpo_client, sent_request, make_agreement, agency_a
):
    make_agreement([agency_a])
    upload(contact_a_client, sent_request)
    stored = Return.objects.get()
    url = reverse("requests:return", args=[sent_request.public_id, stored.public_id])
    assert contact_b_client.get(url).status_code == 404
    assert (
        contact_b_client.post(
            reverse("requests:upload", args=[sent_request.public_id]), {"file": SimpleUploadedFile("x.csv", CSV)}
        ).status_code
        == 404
    )
    response = dpo_client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == CSV
    assert AuditEntry.objects.filter(action="return-download", object_id=str(stored.pk)).count() == 1


def test_the_blocked_page_lists_requests_without_an_agreement_for_coordinator_and_dpo(
    coordinator_client, dpo_client, contact_a_client, sent_request, agency_b, make_request, make_agreement
):
    covered = force_status(make_request(agency_b), Status.SENT)
    make_agreement([agency_b])
    for client in (coordinator_client, dpo_client):
        page = client.get(reverse("requests:blocked")).content.decode()
        assert sent_request.reference in page and covered.reference not in page
    assert contact_a_client.get(reverse("requests:blocked")).status_code == 403


def test_the_blocked_page_tells_each_role_its_own_next_step(coordinator_client, dpo_client, sent_request):
    for_coordinator = coordinator_client.get(reverse("requests:blocked")).content.decode()
    for_dpo = dpo_client.get(reverse("requests:blocked")).content.decode()
    assert "ask the coordinator" not in for_coordinator.lower()
    assert f'<a href="{reverse("sharing:new")}">Draft an agreement</a>' in for_coordinator
    assert "you review it when it is sent to you" in for_dpo and reverse("sharing:new") not in for_dpo


def test_the_request_list_shows_each_requests_governance(coordinator_client, sent_request, make_agreement, agency_a):
    page = coordinator_client.get(reverse("requests:list")).content.decode()
    assert "Blocked: No sharing agreement" in page
    agreement = make_agreement([agency_a])
    assert f"Covered by {agreement.label}" in coordinator_client.get(reverse("requests:list")).content.decode()


def test_the_blocked_page_shows_25_requests_a_page_with_labelled_links_overdue_first(
    coordinator_client, agency_a, make_request
):
    made = [force_status(make_request(agency_a), Status.SENT) for _ in range(26)]
    overdue = force_status(make_request(agency_a), Status.SENT, sent_on=datetime.date(2025, 1, 6))
    first = coordinator_client.get(reverse("requests:blocked")).content.decode()
    second = coordinator_client.get(reverse("requests:blocked"), {"page": 2}).content.decode()
    assert "<strong>27</strong> open requests blocked" in first
    assert 'aria-label="Pages of blocked requests"' in first and ">Next page</a>" in first
    assert first.index(overdue.reference) < first.index(made[0].reference)
    shown = [r.reference for r in made if r.reference in first]
    assert len(shown) == 24 and all(r.reference in second for r in made if r.reference not in shown)
    assert "Page 2 of 2" in second and ">Previous page</a>" in second


def test_the_blocked_page_runs_the_same_number_of_queries_however_many_requests(
    coordinator_client, agency_a, agency_b, make_request, make_agreement
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert coordinator_client.get(reverse("requests:blocked")).status_code == 200
        return len(ctx)

    make_agreement([agency_b])
    force_status(make_request(agency_a), Status.SENT)
    force_status(make_request(agency_b, fields=("nationality", "main-language")), Status.SENT)
    before = queries()
    for _ in range(30):
        force_status(make_request(agency_a), Status.SENT)
        force_status(make_request(agency_b, fields=("nationality", "main-language")), Status.SENT)
    assert queries() == before


def test_a_dpo_pages_through_the_blocked_list_and_an_agency_contact_never_does(
    dpo_client, contact_a_client, agency_a, make_request
):
    for _ in range(26):
        force_status(make_request(agency_a), Status.SENT)
    assert "Page 2 of 2" in dpo_client.get(reverse("requests:blocked"), {"page": 2}).content.decode()
    assert contact_a_client.get(reverse("requests:blocked"), {"page": 2}).status_code == 403
