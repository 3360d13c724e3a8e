"""Taking in a public table stores its counts as the source's release and records the day."""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from catalogue.models import Source, SourceRefresh
from releases.models import PublicObservation, PublicRelease
from releases.services import public_table_take_in

FIXTURES = Path(__file__).parent / "fixtures"
LTIM = (FIXTURES / "ons_ltim_provisional_table1.csv").read_bytes()


def take_in(area, user, data=LTIM, edition="year ending June 2024", slug="ltim-estimates", **extra):
    return public_table_take_in(
        area=area,
        source=Source.objects.get(slug=slug),
        data=data,
        filename="ltim.csv",
        edition=edition,
        user=user,
        **extra,
    )


def test_a_table_taken_in_is_stored_as_the_sources_release_with_its_counts_in_persons(area, coordinator):
    taken = take_in(area, coordinator, provenance="https://www.ons.gov.uk/", table="Table 1")
    release = taken.release
    assert release.unit == "thousands" and release.provisional and release.publisher_rounding == 1000
    assert release.observation_count == 12 == PublicObservation.objects.filter(release=release).count()
    assert release.total == sum(PublicObservation.objects.filter(release=release).values_list("count", flat=True))
    assert PublicObservation.objects.filter(release=release, count__lt=1000).count() == 0
    assert not PublicObservation.objects.filter(other__contains="Net").exists()


def test_taking_in_a_release_records_the_day_in_the_catalogue(area, coordinator):
    take_in(area, coordinator)
    refresh = SourceRefresh.objects.get(area=area, source__slug="ltim-estimates")
    assert refresh.recorded_by == coordinator and "year ending June 2024" in refresh.note


def test_a_revision_replaces_the_provisional_edition_and_keeps_it_as_history(area, coordinator):
    first = take_in(area, coordinator, edition="year ending June 2024 (provisional)").release
    revised = LTIM.replace(b'"YE Jun 24","Immigration","Non-EU",850', b'"YE Jun 24","Immigration","Non-EU",870')
    second = take_in(area, coordinator, data=revised, edition="year ending June 2024 (updated)").release
    first.refresh_from_db()
    assert first.replaced_by == second and second.in_force
    assert PublicRelease.objects.filter(area=area, replaced_by__isnull=True).get() == second
    assert first.observations.count() == 12  # the history keeps its counts
    assert second.total - first.total == 20_000


def test_a_table_of_another_table_of_the_source_does_not_replace_the_first(area, coordinator):
    take_in(area, coordinator, table="Table 1")
    take_in(area, coordinator, table="Table 2")
    assert PublicRelease.objects.filter(replaced_by__isnull=True).count() == 2


def test_a_table_that_does_not_say_its_unit_stores_nothing_and_leaves_the_release_in_force(area, coordinator):
    kept = take_in(area, coordinator).release
    unstated = LTIM.replace(b"Estimates are in thousands, rounded", b"Estimates are rounded")
    taken = take_in(area, coordinator, data=unstated, edition="later")
    assert not taken.stored and [e["type"] for e in taken.report["errors"]] == ["unit-unknown"]
    assert PublicRelease.objects.get(replaced_by__isnull=True) == kept


def test_a_dry_run_reads_the_table_and_stores_nothing(area, coordinator):
    taken = take_in(area, coordinator, dry_run=True)
    assert taken.report["valid"] and len(taken.report["observations"]) == 12
    assert not taken.stored and not PublicRelease.objects.exists() and not SourceRefresh.objects.exists()


def test_a_local_source_is_not_taken_in_as_a_public_table(area, coordinator):
    with pytest.raises(ValidationError):
        take_in(area, coordinator, slug="gp-registrations-local")


def test_a_release_needs_its_edition(area, coordinator):
    with pytest.raises(ValidationError):
        take_in(area, coordinator, edition=" ")
    assert not PublicRelease.objects.exists()


def test_two_measures_of_one_lami_table_are_both_in_force(area, coordinator):
    lami = (Path(__file__).parents[1] / "requests_app/ingest/corpus/shapes_ons_lami_migration_flows.xlsx").read_bytes()
    for measure in ("Long-Term International Migration Inflow", "Long-Term International Migration Outflow"):
        public_table_take_in(
            area=area,
            source=Source.objects.get(slug="local-area-migration-indicators"),
            data=lami,
            filename="lami.xlsx",
            edition="August 2024",
            table="Migration Flows",
            measure=measure,
            user=coordinator,
        )
    assert sorted(PublicRelease.objects.filter(replaced_by__isnull=True).values_list("total", flat=True)) == [
        590 + 610,
        1320 + 1480,
    ]
