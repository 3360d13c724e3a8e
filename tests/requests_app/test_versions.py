"""Versions of a request's return: a new upload replaces the accepted one only once it is accepted
itself, so a refused, failed or quarantined upload never loses data already accepted."""

import datetime
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports.indicators import Query, _keys, build_table, observations_of
from requests_app.models import ChecklistAnswer, FieldEvidence, Observation, Return, Status
from requests_app.services.processing import return_process
from requests_app.services.returns import UploadRefused, return_upload
from requests_app.tasks import process_return
from sharing.models import AuditEntry, SharingAgreement
from tests.factories import EAL, force_status

pytestmark = pytest.mark.django_db
HEAD = b"Nationality,Ward or small area,Period,Count\n"
ACCEPTED = HEAD + b"Polish,E05000001,2025 Q1,12\nRomanian,E05000001,2025 Q1,30\n,E05000002,2025 Q2,5\n"
FAILING = HEAD + b"Polska,E05000001,2025 Q1,12\n"
PEOPLE = (
    "Forename,Surname,Date of birth,NHS number,Nationality\n"
    + "".join(f"Ann{i},Smith,1980-02-{i % 27 + 1:02d},943 476 5919,Polish\n" for i in range(60))
).encode()
REPLACEMENT = HEAD + b"Polish,E05000001,2025 Q1,14\nSyrian,E05000002,2025 Q1,21\n"


@pytest.fixture
def covered_request(agency_a, make_request, make_agreement):
    make_agreement([agency_a])
    return force_status(make_request(agency_a), Status.SENT)


def uploaded(data_request, user, content, name):
    with mock.patch.object(process_return, "delay"):
        return return_upload(request=data_request, user=user, upload=SimpleUploadedFile(name, content))


def in_force(data_request) -> list[int]:
    return list(
        data_request.returns.filter(status=Return.Status.DONE, superseded=False).values_list("version", flat=True)
    )


def stored_state(data_request) -> dict:
    """Everything the accepted version feeds: its counts, the evidence, the measured completeness
    and the indicators (their cache key says which returns they were protected from)."""
    area, source = data_request.agency.area, data_request.source
    table = build_table(area, source, Query(sources=(EAL,)))
    data_request.refresh_from_db()
    return {
        "request status": (data_request.status, data_request.received_on),
        "in force": in_force(data_request),
        "observations": sorted(
            observations_of(area, source).values_list("nationality", "geography_code", "count", "suppressed")
        ),
        "evidence": sorted(FieldEvidence.objects.values_list("field__code", "answer_id", "measured_id", "returned_id")),
        "measured": sorted(ChecklistAnswer.objects.values_list("field__code", "measured_completeness")),
        "indicators": (table.rows, table.columns, [table.value(r, c) for r in table.rows for c in table.columns]),
        "indicator cache": _keys(area, source, table.threshold, table.rounding),
    }


def test_a_failed_or_quarantined_upload_leaves_the_accepted_version_and_everything_it_feeds(covered_request, contact_a):
    first = uploaded(covered_request, contact_a, ACCEPTED, "a.csv")
    return_process(return_id=first.pk)
    accepted = stored_state(covered_request)
    assert accepted["in force"] == [1] and len(accepted["observations"]) == 3 and accepted["evidence"]

    for content, name, outcome in ((FAILING, "b.csv", "failed"), (PEOPLE, "people.csv", "quarantined")):
        later = uploaded(covered_request, contact_a, content, name)
        assert stored_state(covered_request) == accepted, f"{name} while it is checked"
        assert return_process(return_id=later.pk).status == outcome
        assert stored_state(covered_request) == accepted, f"{name} once {outcome}"
        first.refresh_from_db()
        assert not first.superseded


def test_an_accepted_upload_replaces_the_earlier_versions(covered_request, contact_a):
    first = uploaded(covered_request, contact_a, ACCEPTED, "a.csv")
    return_process(return_id=first.pk)
    failed = uploaded(covered_request, contact_a, FAILING, "b.csv")
    return_process(return_id=failed.pk)
    replacement = uploaded(covered_request, contact_a, REPLACEMENT, "c.csv")
    return_process(return_id=replacement.pk)

    assert in_force(covered_request) == [3]
    assert [r.superseded for r in Return.objects.order_by("version")] == [True, True, False]
    area, source = covered_request.agency.area, covered_request.source
    assert sorted(observations_of(area, source).values_list("nationality", "count")) == [("PL", 14), ("SY", 21)]
    # Kept with its report and counts, no longer used.
    assert Observation.objects.filter(source_return=first).count() == 3
    measured = ChecklistAnswer.objects.get(request=covered_request, field__code="nationality")
    assert float(measured.measured_completeness) == 100.0


def test_two_versions_processed_out_of_order_leave_the_newer_in_force(covered_request, contact_a):
    older = uploaded(covered_request, contact_a, ACCEPTED, "a.csv")
    newer = uploaded(covered_request, contact_a, REPLACEMENT, "c.csv")
    return_process(return_id=newer.pk)
    measured = ChecklistAnswer.objects.get(request=covered_request, field__code="nationality").measured_completeness
    assert return_process(return_id=older.pk).status == Return.Status.DONE
    assert in_force(covered_request) == [2]
    older.refresh_from_db()
    assert older.superseded
    assert sorted(observations_of(covered_request.agency.area, covered_request.source).values_list("count")) == [
        (14,),
        (21,),
    ]
    # The measured completeness stays that of the version in force.
    assert (
        ChecklistAnswer.objects.get(request=covered_request, field__code="nationality").measured_completeness
        == measured
    )


def test_the_request_page_says_which_version_is_in_force_and_which_is_being_checked(
    covered_request, contact_a, contact_a_client, contact_b_client
):
    detail = reverse("requests:detail", args=[covered_request.public_id])
    first = uploaded(covered_request, contact_a, ACCEPTED, "a.csv")
    assert "No file has been accepted yet." in contact_a_client.get(detail).content.decode()
    return_process(return_id=first.pk)
    checking = uploaded(covered_request, contact_a, FAILING, "b.csv")

    page = contact_a_client.get(detail).content.decode()
    assert "Version 1 (a.csv) is in force" in page and "<strong>in force</strong>" in page
    assert "Being checked: version 1 stays in force until this one is accepted" in page
    report = reverse("requests:return-report", args=[covered_request.public_id, checking.public_id])
    assert (
        "Until this file is accepted, version 1 (a.csv) stays in force."
        in contact_a_client.get(report).content.decode()
    )

    return_process(return_id=checking.pk)
    page = contact_a_client.get(detail).content.decode()
    assert "Version 1 (a.csv) is in force" in page and "Not accepted: version 1 stays in force" in page
    refused = contact_a_client.get(report).content.decode()
    assert "Not accepted: please fix" in refused and "Version 1 (a.csv) is in force" in refused
    assert contact_b_client.get(detail).status_code == 404 and contact_b_client.get(report).status_code == 404


def test_the_agency_is_told_its_accepted_version_stays_in_force(covered_request, contact_a):
    from notifications.models import Notification

    return_process(return_id=uploaded(covered_request, contact_a, ACCEPTED, "a.csv").pk)
    return_process(return_id=uploaded(covered_request, contact_a, FAILING, "b.csv").pk)
    told = Notification.objects.get(user=contact_a, subject__contains="needs fixing")
    assert "Version 1 (a.csv) stays in force." in told.body


KNOWN = ["Polish", "Romanian", "Syrian", "British", ""]
UNKNOWN = ["Polska", "Narnian", "Atlantean", "Xx"]
WARDS = ["E05000001", "E05000002"]
PERIODS = ["2025 Q1", "2025 Q2"]


@st.composite
def failing_tables(draw) -> bytes:
    """A table in the requested shape with at least one cell the checks must refuse."""
    good = st.tuples(st.sampled_from(KNOWN), st.sampled_from(WARDS), st.sampled_from(PERIODS), st.integers(0, 500))
    rows = draw(st.lists(good, max_size=6))
    wrong = draw(
        st.sampled_from(
            [
                (draw(st.sampled_from(UNKNOWN)), "E05000001", "2025 Q1", "12"),
                ("Polish", "E05000001", "2025 Q1", str(draw(st.integers(-500, -1)))),
                ("Polish", "E05000001", draw(st.sampled_from(["2025 Q7", "Spring-ish", "13/2025"])), "12"),
                ("Polish", draw(st.sampled_from(["Z99", "E99999999", "Somewhere"])), "2025 Q1", "12"),
            ]
        )
    )
    rows.insert(draw(st.integers(0, len(rows))), wrong)
    return HEAD + "".join(",".join(map(str, row)) + "\n" for row in rows).encode()


@st.composite
def people(draw) -> bytes:
    n = draw(st.integers(20, 60))
    lines = [f"Ann{i},Smith,19{draw(st.integers(40, 99))}-02-{i % 27 + 1:02d},943 476 5919,Polish\n" for i in range(n)]
    return ("Forename,Surname,Date of birth,NHS number,Nationality\n" + "".join(lines)).encode()


REFUSALS = st.one_of(
    st.tuples(st.just("checks"), failing_tables()),
    st.tuples(st.just("checks"), people()),
    st.tuples(st.just("checks"), st.binary(max_size=300)),
    st.tuples(st.just("governance"), st.sampled_from([ACCEPTED, REPLACEMENT])),
)


def audit_rows() -> set[tuple]:
    return set(AuditEntry.objects.values_list("pk", "action", "object_type", "object_id", "detail"))


@settings(max_examples=30, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(refusal=REFUSALS)
def test_a_refused_upload_changes_nothing_stored(covered_request, contact_a, refusal):
    """Whatever is refused (by the checks, as personal data, or by the governance gate), the
    accepted version and all it feeds stay as they were; the audit log only gains the refusal."""
    if not in_force(covered_request):  # the first example accepts a version; the others reuse it
        return_process(return_id=uploaded(covered_request, contact_a, ACCEPTED, "a.csv").pk)
    before, audit = stored_state(covered_request), audit_rows()
    observations = Observation.objects.count()
    kind, content = refusal
    if kind == "governance":
        agreement = SharingAgreement.objects.get(parties__agency=covered_request.agency)
        with pytest.raises(UploadRefused), mock.patch.object(process_return, "delay"):
            return_upload(
                request=covered_request,
                user=contact_a,
                upload=SimpleUploadedFile("late.csv", content),
                on=agreement.end_date + datetime.timedelta(days=1),
            )
        about_it = {("upload-refused", "requests.datarequest", str(covered_request.pk))}
    else:
        refused = uploaded(covered_request, contact_a, content, "refused.csv")
        outcome = return_process(return_id=refused.pk).status
        assert outcome in (Return.Status.FAILED, Return.Status.QUARANTINED), content
        about_it = {("return-uploaded", "requests.return", str(refused.pk))}
    assert stored_state(covered_request) == before
    assert Observation.objects.count() == observations
    added = audit_rows() - audit
    assert audit <= audit_rows() and {row[1:4] for row in added} <= about_it and added
