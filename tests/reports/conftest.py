import pytest

from catalogue.models import AreaCode, GeographyLevel, Source
from requests_app.models import Observation, Return
from requests_app.services.checklists import evidence_refresh
from tests.factories import EAL, Q1, Q2, force_status, rows


@pytest.fixture
def add_return(make_agreement):
    """A processed return with the given observations, stored directly (the ingest has its own
    tests, and refreshes the evidence as processing does): each row is a dict of Observation
    fields; `count=None` means the agency suppressed it."""
    agreements = {}

    def add(request, rows, *, status=Return.Status.DONE, superseded=False, categories=None) -> Return:
        if request.agency_id not in agreements:
            agreements[request.agency_id] = make_agreement([request.agency])
        version = request.returns.count() + 1
        stored = Return.objects.create(
            request=request,
            version=version,
            file=f"returns/test-{request.pk}-{version}.csv",
            original_name="return.csv",
            size=1,
            sha256="0" * 64,
            agreement=agreements[request.agency_id],
            uploaded_by=request.coordinator,
            status=status,
            superseded=superseded,
            report={"categories": categories or {}},
            observation_count=len(rows),
        )
        Observation.objects.bulk_create(
            Observation(
                source_return=stored,
                **{"period_start": Q1[0], "period_end": Q1[1], **row, "suppressed": row.get("count") is None},
            )
            for row in rows
        )
        evidence_refresh(agency_ids=[request.agency_id])
        return stored

    return add


@pytest.fixture
def received(make_request):
    """A request the agency has answered, ready for a return."""

    def make(agency, **extra):
        return force_status(make_request(agency, **extra), "received")

    return make


@pytest.fixture
def two_wards_two_quarters(agency_a, received, add_return):
    """Two named wards, two quarters, and a small count: the EAL source, ready to cut views from."""
    level = GeographyLevel.objects.get(code="ward")
    AreaCode.objects.create(area=agency_a.area, code="E05000001", name="Northgate", level=level)
    AreaCode.objects.create(area=agency_a.area, code="E05000002", name="Riverside", level=level)
    add_return(
        received(agency_a),
        rows(
            ("EU8", "E05000001", Q1, 40),
            ("EU8", "E05000001", Q2, 52),
            ("EU2", "E05000001", Q1, 3),
            ("EU2", "E05000001", Q2, 25),
            ("NON-EU", "E05000002", Q1, 61),
            ("NON-EU", "E05000002", Q2, 70),
            ("EU8", "E05000002", Q1, 18),
            ("EU8", "E05000002", Q2, 21),
        ),
    )
    return Source.objects.get(slug=EAL)
