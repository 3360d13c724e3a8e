import pytest

from catalogue.comparability import compare_all, compare_pair, verdict
from catalogue.selectors import sources_by_slugs

pytestmark = pytest.mark.django_db


def test_a_stock_and_a_flow_are_not_directly_comparable():
    census, ltim = sources_by_slugs(["census-2011", "ltim-estimates"])
    findings = compare_pair(census, ltim)
    assert verdict(findings) == "not-comparable"
    assert any("Stock" in f.text or "stock" in f.text for f in findings)


def test_sources_with_the_same_measure_definition_and_cycle_are_comparable():
    a, b = sources_by_slugs(
        ["population-by-country-of-birth-nationality", "population-by-country-of-birth-nationality-individual-country"]
    )
    findings = compare_pair(a, b)
    assert verdict(findings) in {"comparable", "caution"}
    assert not [f for f in findings if f.severity == "not-comparable"]


def test_a_local_caseload_beside_a_public_register_needs_care():
    nino, vcs = sources_by_slugs(["nino-registrations", "vcs-migrant-support-organisations"])
    assert any("serves" in f.text for f in compare_pair(nino, vcs))


def test_compare_all_returns_every_pair_once():
    sources = sources_by_slugs(["census-2011", "ltim-estimates", "nino-registrations"])
    assert len(compare_all(sources)) == 3


def test_a_geography_named_with_an_example_code_keeps_the_code_as_written():
    (trust,) = sources_by_slugs(["acute-trust-service-users"])
    texts = [f.text for f in compare_pair(trust, trust)]
    assert any("postcode district (e.g. TS1) level" in text for text in texts), texts


def test_a_geography_starting_with_an_acronym_keeps_it_in_a_sentence():
    (registrations,) = sources_by_slugs(["gp-registrations-local"])
    shared = [f for f in compare_pair(registrations, registrations) if f.short.startswith("both at")]
    assert shared and "gP" not in shared[0].text and "gp practice" not in shared[0].text
