"""Disclosure protection of a source's indicator tables, at growing sizes.

    python bench/protect.py            # two sizes, a few minutes
    python bench/protect.py --large    # adds 4 wards x 40 nationalities x 12 months: up to half an hour

For each size, a synthetic processed return with every field (nationality and its group, country
of birth, language, immigration status, age band, gender) by ward and month, and two ways of
protecting its seven tables:

- alone (the baseline): each field's table protected on its own, sharing only which area and
  period totals are suppressed; fast, but tables read side by side can narrow a suppressed cell;
- together (what the tracker does, reports.indicators._masters): the tables protected as one
  wherever a reader could combine them.

Prints cells, suppressed cells, seconds, linear programmes solved and the ratio of together to
alone. SQLite in a temporary folder, or DATABASE_URL's throwaway test database. Asserts nothing.
"""

import argparse
import datetime
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# (wards, nationalities, months)
SIZES = [(2, 10, 6), (3, 20, 12)]
LARGE = (4, 40, 12)


def make_source(number: int, wards: int, nationalities: int, months: int):
    """A processed return of synthetic counts for a source of its own; returns (area, source)."""
    from django.contrib.auth import get_user_model

    from catalogue.models import (
        Area,
        Country,
        GeographyLevel,
        Language,
        NationalityGroupMember,
        OrganisationType,
        Source,
    )
    from catalogue.services import agency_create
    from requests_app.models import DataRequest, Observation, Return
    from sharing.models import SharingAgreement

    rng = random.Random(number)
    area = Area.objects.create(name=f"Bench {number}", slug=f"bench-{number}", gss_code=f"E0600{number:04d}")
    source = Source.objects.filter(stage="local").order_by("slug")[number]
    user = get_user_model().objects.get_or_create(username="bench")[0]
    agency = agency_create(name=f"Agency {number}", organisation_type=OrganisationType.objects.first(), area=area)
    start = datetime.date(2025, 4, 1)
    request = DataRequest.objects.create(
        reference=f"REQ-B-{number}",
        title="Bench",
        agency=agency,
        source=source,
        purpose="Bench",
        geography_level=GeographyLevel.objects.get(code="ward"),
        period_start=start,
        period_end=start + datetime.timedelta(days=364),
        response_working_days=20,
        coordinator=user,
        status="received",
        sent_on=start,
        due_date=start + datetime.timedelta(days=28),
        long_overdue_date=start + datetime.timedelta(days=56),
    )
    agreement = SharingAgreement.objects.create(
        area=area,
        reference=f"ISP-B-{number}",
        title="Bench",
        purpose="Bench",
        start_date=start,
        end_date=start + datetime.timedelta(days=700),
        next_review_date=start + datetime.timedelta(days=365),
        status="active",
        data_form="aggregate",
        article6_basis="6(1)(e)",
        necessity="Bench",
        legal_power="Bench",
        security="Bench",
        retention="Bench",
        disposal="Bench",
        siro_name="Pat",
        siro_signed_on=start,
        created_by=user,
    )
    stored = Return.objects.create(
        request=request,
        version=1,
        file="returns/bench.csv",
        original_name="bench.csv",
        size=1,
        sha256="0" * 64,
        agreement=agreement,
        uploaded_by=user,
        status="done",
    )
    member = dict(NationalityGroupMember.objects.values_list("country__code", "group__code"))
    countries = sorted(Country.objects.filter(kind="iso").values_list("code", flat=True))
    chosen = sorted(
        rng.sample([c for c in countries if c in member], nationalities // 3)
        + rng.sample([c for c in countries if c not in member], nationalities - nationalities // 3)
    )
    languages = list(Language.objects.order_by("code").values_list("code", flat=True)[:25])
    observations = []
    for w in range(wards):
        for nationality in chosen:
            for m in range(months):
                first = datetime.date(start.year + (start.month + m - 1) // 12, (start.month + m - 1) % 12 + 1, 1)
                following = datetime.date(first.year + first.month // 12, first.month % 12 + 1, 1)
                count = rng.choice([0, 1, 2, 3, 4, 5, 6, 8, 11, 14, 20, 30])
                if count:
                    observations.append(
                        Observation(
                            source_return=stored,
                            period_start=first,
                            period_end=following - datetime.timedelta(days=1),
                            geography_code=f"E05{number:03d}{w:03d}",
                            nationality=nationality,
                            nationality_group=member.get(nationality, "NON-EU"),
                            country_of_birth=rng.choice(chosen),
                            main_language=rng.choice(languages),
                            immigration_status=rng.choice("ABCD"),
                            age_band=rng.choice(["0-17", "18-24", "25-44", "45-64", "65+"]),
                            gender=rng.choice("FM"),
                            count=count,
                        )
                    )
    Observation.objects.bulk_create(observations)
    return area, source


def counted(function):
    """Runs function(), counting the linear programmes it solves; returns (result, seconds, solves)."""
    import sharing.disclosure as disclosure

    solves = [0]
    real = disclosure.linprog

    def linprog(*args, **kwargs):
        solves[0] += 1
        return real(*args, **kwargs)

    disclosure.linprog = linprog
    try:
        began = time.perf_counter()
        result = function()
        return result, time.perf_counter() - began, solves[0]
    finally:
        disclosure.linprog = real


def measure(number: int, size: tuple[int, int, int]) -> None:
    from reports import indicators
    from sharing.disclosure import DisclosureRefused, Policy, protect

    area, source = make_source(number, *size)
    policy = Policy(threshold=10)

    def alone():
        built = indicators._read(area, source)
        margin = indicators._margin(area, source, policy)
        suppressed = 0
        for _, table in built.values():
            try:
                suppressed += sum(value is None for value in protect(table, policy, fixed=margin).published.values())
            except DisclosureRefused:
                pass
        return built, suppressed

    def together():
        masters = indicators._masters(area, source, policy, indicators._read(area, source))
        return sum(
            sum(value is None for value in m.protected.published.values()) for m in masters.values() if m.protected
        )

    (built, alone_suppressed), alone_s, alone_lps = counted(alone)
    together_suppressed, together_s, together_lps = counted(together)
    cells = sum(len(table.values) for _, table in built.values())
    label = "{} x {} x {}".format(*size)
    print(
        f"{label:<14}{cells:>7}{alone_suppressed:>9}{alone_s:>9.1f}{alone_lps:>8}"
        f"{together_suppressed:>9}{together_s:>9.1f}{together_lps:>8}{together_s / alone_s:>9.1f}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--large", action="store_true", help="add the large size (up to half an hour)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        os.environ.setdefault("TRACKER_VAR_DIR", scratch)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
        try:
            call_command("load_catalogue", stdout=open(os.devnull, "w"))
            print("wards x nationalities x months; tables of all seven fields; threshold 10")
            print(
                f"{'size':<14}{'cells':>7}{'alone':>9}{'s':>9}{'LPs':>8}{'together':>9}{'s':>9}{'LPs':>8}{'ratio':>9}"
            )
            print(f"{'':<14}{'':>7}{'hidden':>9}{'':>9}{'':>8}{'hidden':>9}")
            for number, size in enumerate([*SIZES, *([LARGE] if args.large else [])], start=1):
                measure(number, size)
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
