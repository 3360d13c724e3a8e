import pytest

from catalogue.models import AreaCode, GeographyLevel, Source
from tests.factories import EAL, Q1, Q2, rows


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
