"""Taking in a public table: the returns pipeline reads it, its counts are stored as the source's
release for the area, and the catalogue records the day it was taken in."""

import datetime
import hashlib
from dataclasses import dataclass

import pandas as pd
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from catalogue.models import Area, Source
from catalogue.services import source_refresh_record
from releases import nomis, published
from releases.comparators import comparator_rows
from releases.groups import aggregate_groups, with_groups
from releases.models import PublicObservation, PublicRelease
from requests_app.ingest import read, validate
from requests_app.limits import ingest_limits
from requests_app.services.processing import area_reference, ingest_context_for
from requests_app.storage import insert_observations


@dataclass
class TakenIn:
    """The pipeline's report on the table (what check_return prints) and the release stored, if any."""

    report: dict
    release: PublicRelease | None

    @property
    def stored(self) -> bool:
        return self.release is not None


def public_table_read(
    *, area: Area, source: Source, data: bytes, filename: str, measure: str = ""
) -> tuple[validate.Result, dict]:
    """The council's rows read, and the report on the whole table. Nothing is stored."""
    result, report, _ = _read(area=area, source=source, data=data, filename=filename, measure=measure)
    return result, report


def _read(
    *, area: Area, source: Source, data: bytes, filename: str, measure: str
) -> tuple[validate.Result, dict, pd.DataFrame]:
    """Reads a public table as the returns pipeline reads a return, after the publisher's own
    conventions (units, intervals, balances, provisional marks) are worked out, and the rows of the
    areas the council is compared with (its region, England, the UK) when the file gives them.
    Nothing is stored."""
    if source.stage != Source.Stage.PUBLIC:
        raise ValidationError(f"{source} is not a public source: its data comes through data requests.")
    limits = ingest_limits()
    sheets, found = read.read_file(data, filename, limits=limits)
    sheets = nomis.with_nomis_metadata(sheets)
    sheets, publication, noted = published.prepare(sheets, expected_unit=source.unit, measure=measure)
    reference = area_reference(area)
    # A public table's period may be only in its title ("Mid-2023 population estimates"), which is
    # read when the period is asked for; a table naming no period at all is read without one.
    stock = source.measure == Source.Measure.STOCK
    groups = aggregate_groups(sheets)
    for requested in (["period"], []):
        context = ingest_context_for(requested=requested, geography_level="", stock=stock, **reference)
        context = with_groups(context, groups)
        result = validate.run_sheets(sheets, found + noted, context)
        if not any(p.type == "missing-label" and p.value == "period" for p in result.errors):
            break
    result.observations = published.scaled(result.observations, publication)
    report = result.report(with_observations=True)
    wider = pd.DataFrame()
    if result.valid and not result.observations.empty:
        wider, kept = comparator_rows(
            area=area,
            sheets=sheets,
            found=found + noted,
            reference=reference,
            stock=stock,
            period=bool(requested),
            groups=groups,
        )
        wider = published.scaled(wider, publication)
        report["warnings"] += [p.as_dict() for p in kept]
    report["comparators"] = _comparators_report(wider)
    report["publication"] = {**publication.as_dict(), "measure": measure}
    report["publication"]["suppressed_by_publisher"] = int(result.observations["suppressed"].astype(bool).sum())
    return result, report, wider


def _comparators_report(wider: pd.DataFrame) -> dict:
    """Rows kept and total for each comparator area, suppressed cells excluded, as for the council
    (a stock's total is of its latest date: people counted on two days are not added up)."""
    out = {}
    for code, rows in wider.groupby("geography_code") if not wider.empty else ():
        counted = rows[~rows["suppressed"].astype(bool)]
        if counted["point_in_time"].astype(bool).any():
            counted = counted[counted["period_end"] == counted["period_end"].max()]
        out[code] = {"rows": len(rows), "total": int(counted["count"].sum())}
    return out


def public_table_take_in(
    *,
    area: Area,
    source: Source,
    data: bytes,
    filename: str,
    edition: str,
    user: AbstractBaseUser | None,
    table: str = "",
    released_on: datetime.date | None = None,
    provenance: str = "",
    measure: str = "",
    dry_run: bool = False,
) -> TakenIn:
    """Stores a public table's counts as the source's release for the area, replacing the edition
    of the same table in force (which is kept as history), and records the day it was taken in.
    A table the pipeline refuses, or one with nothing to store, leaves everything as it was."""
    result, report, wider = _read(area=area, source=source, data=data, filename=filename, measure=measure)
    if dry_run or not result.valid or result.observations.empty:
        return TakenIn(report, None)
    if not edition.strip():
        raise ValidationError("Say which release this is (its edition), e.g. 'year ending June 2024'.")
    with transaction.atomic():
        earlier = (
            PublicRelease.objects.select_for_update()
            .filter(area=area, source=source, table=table, measure=measure, replaced_by__isnull=True)
            .first()
        )
        if earlier is not None:
            # The constraint allows one edition in force: the earlier one leaves it before the new one enters.
            earlier.replaced_by = earlier
            earlier.save(update_fields=["replaced_by"])
        stored = report.pop("observations")
        publication = report["publication"]
        release = PublicRelease(
            area=area,
            source=source,
            table=table,
            measure=measure,
            edition=edition.strip(),
            released_on=released_on,
            provenance=provenance,
            original_name=filename,
            sha256=hashlib.sha256(data).hexdigest(),
            unit=publication["unit"],
            provisional=publication["provisional"],
            publisher_rounding=publication["rounding"],
            publisher_suppressed=publication["suppressed_by_publisher"],
            report=report,
            observation_count=len(result.observations),
            total=result.total,
            taken_in_by=user,
        )
        release.file.save(filename, ContentFile(data), save=False)
        release.full_clean()
        release.save()
        report["observations"] = stored
        rows = result.observations
        if not wider.empty:
            rows = pd.concat([rows, wider], ignore_index=True)
        insert_observations(rows, release.pk, table=PublicObservation._meta.db_table, owner="release_id")
        if earlier is not None:
            earlier.replaced_by = release
            earlier.save(update_fields=["replaced_by"])
        source_refresh_record(
            area=area,
            source=source,
            user=user,
            on=timezone.localdate(),
            note=f"{edition.strip()} ({len(result.observations)} counts taken in)"[:300],
        )
    return TakenIn(report, release)
