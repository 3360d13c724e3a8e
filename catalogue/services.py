"""Writes to the catalogue. Views, commands and tasks call these; nothing else saves catalogue rows."""

import datetime
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth.models import AbstractBaseUser, Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from catalogue.loading.codes import load_countries, load_gss_prefixes, load_languages
from catalogue.loading.seed import DATA_DIR, LoadReport
from catalogue.loading.sources import load_sources, load_vocabulary
from catalogue.models import (
    Agency,
    Area,
    AreaCode,
    GeographyLevel,
    OrganisationType,
    Source,
    SourceAvailability,
    SourceRefresh,
)
from project import roles


@transaction.atomic
def catalogue_load(*, data_dir: Path = DATA_DIR) -> LoadReport:
    """Loads or updates all catalogue content and reference data, all or nothing."""
    report = LoadReport()
    vocab = load_vocabulary(report, data_dir)
    load_sources(report, vocab, data_dir)
    load_countries(report, data_dir)
    load_languages(report)
    load_gss_prefixes(report, data_dir)
    return report


@dataclass(frozen=True)
class AvailabilityAnswer:
    source: Source
    available: str
    notes: str


@transaction.atomic
def availability_record(*, area: Area, answers: list[AvailabilityAnswer], user: AbstractBaseUser) -> int:
    """Records the coordinator's Appendix 3 answers for an area; returns how many changed.

    Only answers that differ from what is stored are written, so who-and-when stays true.
    """
    stored = {a.source_id: a for a in SourceAvailability.objects.filter(area=area).select_for_update()}
    changed = 0
    for answer in answers:
        if answer.source.stage != Source.Stage.QUALITATIVE:
            raise ValidationError(f"{answer.source} is not an Appendix 3 source.")
        row = stored.get(answer.source.pk) or SourceAvailability(area=area, source=answer.source)
        if row.pk and row.available == answer.available and row.notes == answer.notes:
            continue
        row.available = answer.available
        row.notes = answer.notes
        row.updated_by = user
        row.full_clean()
        row.save()
        changed += 1
    return changed


def source_refresh_record(
    *, area: Area, source: Source, user: AbstractBaseUser, on: datetime.date, note: str = ""
) -> SourceRefresh:
    """Records that the area took in a public source's latest release on a day."""
    if source.stage != Source.Stage.PUBLIC:
        raise ValidationError(f"{source} is not a public source: its data comes through data requests.")
    if on > timezone.localdate():
        raise ValidationError("The refresh date cannot be in the future.")
    refresh = SourceRefresh(area=area, source=source, refreshed_on=on, note=note, recorded_by=user)
    refresh.full_clean()
    refresh.save()
    return refresh


@transaction.atomic
def agency_create(
    *,
    name: str,
    organisation_type: OrganisationType,
    area: Area,
    response_working_days: int | None = None,
    email: str = "",
    phone: str = "",
) -> Agency:
    """Creates an agency with the group that holds its contacts and their object permissions."""
    agency = Agency(
        name=name,
        organisation_type=organisation_type,
        area=area,
        response_working_days=response_working_days,
        email=email,
        phone=phone,
    )
    agency.group = Group.objects.create(name=f"agency:{agency.public_id}")
    agency.full_clean()
    agency.save()
    return agency


def agency_contact_add(*, agency: Agency, user: AbstractBaseUser) -> None:
    """Makes the user a contact of the agency (they must have the Agency contact role)."""
    if not roles.is_agency_contact(user):
        raise ValidationError(f"{user} needs the {roles.AGENCY_CONTACT} role before joining an agency.")
    agency.group.user_set.add(user)


# Column name stems of ONS lookup files (e.g. WD24CD, LSOA21CD, MSOA21NM, LAD24CD) by level.
LOOKUP_LEVELS = {"WD": "ward", "LSOA": "lsoa", "MSOA": "msoa"}


@transaction.atomic
def area_lookup_load(*, area: Area, rows: list[dict]) -> dict[str, int]:
    """Replaces the area's ward, LSOA and MSOA codes with those of an ONS lookup whose local
    authority column (LADyyCD) matches the area's GSS code. Rows of other councils are ignored.
    Each code keeps the year of its boundaries (WD23CD: 2023), and a region column (RGNyyCD), when
    the lookup has one, gives the area its region."""
    import re

    if not rows:
        raise ValidationError("The lookup file is empty.")
    columns = list(rows[0])
    lad = next((c for c in columns if re.fullmatch(r"LAD\d{2}CD", c.strip(), re.I)), None)
    if lad is None:
        raise ValidationError("The lookup has no local authority code column (such as LAD24CD).")
    region = next((c for c in columns if re.fullmatch(r"RGN\d{2}CD", c.strip(), re.I)), None)
    levels = {level.code: level for level in GeographyLevel.objects.filter(code__in=LOOKUP_LEVELS.values())}
    found: dict[str, AreaCode] = {}
    regions = set()
    for row in rows:
        if row[lad].strip() != area.gss_code:
            continue
        if region and row[region].strip():
            regions.add(row[region].strip().upper())
        for column in columns:
            match = re.fullmatch(r"(WD|LSOA|MSOA)(\d{2})CD", column.strip(), re.I)
            if match and row[column].strip():
                code = row[column].strip().upper()
                name_column = column.strip()[:-2] + "NM"
                found[code] = AreaCode(
                    area=area,
                    code=code,
                    name=(row.get(name_column) or "").strip(),
                    level=levels[LOOKUP_LEVELS[match.group(1).upper()]],
                    vintage=2000 + int(match.group(2)),
                )
    if not found:
        raise ValidationError(f"No row of the lookup belongs to {area.name} ({area.gss_code}).")
    for code in found.values():
        code.full_clean(exclude=["area"], validate_unique=False)
    AreaCode.objects.filter(area=area).delete()
    AreaCode.objects.bulk_create(found.values())
    if len(regions) == 1:
        area.region_code = regions.pop()
        area.full_clean()
        area.save(update_fields=["region_code"])
    counts: dict[str, int] = {}
    for code in found.values():
        counts[code.level.code] = counts.get(code.level.code, 0) + 1
    return counts
