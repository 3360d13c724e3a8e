"""Ingest benchmark: a 1,000,000-row return through the whole pipeline and storage, against the
bare floor measured in the same run (pandas.read_csv plus the fastest bulk load for the database
in use: COPY on PostgreSQL, executemany on SQLite).

    python bench/ingest.py [--rows 1000000]              # SQLite in a temporary folder
    DATABASE_URL=postgres://... python bench/ingest.py   # PostgreSQL
    python bench/ingest.py --rows 1300000                # a CSV just under the 50 MB upload limit
    python bench/ingest.py --format xlsx --rows 1000000  # the same rows as an Excel workbook
    python bench/ingest.py --format xlsx --readers       # also calamine against openpyxl read-only

Each phase runs in its own child process so that its peak memory (max RSS) is its own.
Prints figures and ratios. The return timed is a valid one (its small areas are in the area's
lookup): the bench fails unless the pipeline found it valid and stored every row with the total
written, since timing a file that fails its checks would measure less work than a real upload.
"""

import argparse
import itertools
import multiprocessing
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

NATIONALITIES = [
    "Polish",
    "Romanian",
    "Lithuanian",
    "Syrian",
    "Eritrean",
    "Sudanese",
    "Iraqi",
    "Iranian",
    "Afghan",
    "Pakistani",
    "Indian",
    "Bangladeshi",
    "Chinese",
    "Nigerian",
    "Filipino",
    "Ukrainian",
    "Latvian",
    "Slovak",
    "Czech",
    "Hungarian",
    "Bulgarian",
    "Italian",
    "Spanish",
    "Portuguese",
    "French",
    "German",
    "Irish",
    "British",
    "Albanian",
    "Kosovan",
    "Turkish",
    "Somali",
    "Ethiopian",
    "Egyptian",
    "Libyan",
    "Yemeni",
    "Vietnamese",
    "Thai",
    "Malaysian",
    "Brazilian",
    "Colombian",
    "Venezuelan",
    "American",
    "Canadian",
    "Australian",
    "Zimbabwean",
    "South African",
    "Ghanaian",
    "Kenyan",
    "Not recorded",
]
AGES = ["0-4", "5-10", "11-15", "16-17", "18-24", "25-34", "35-49", "50-64", "65+", "Unknown"]
GENDERS = ["F", "M"]
HEADER = "Period,Ward or small area,Nationality,Age or age band,Gender,Count\n"


def small_areas(rows: int) -> list[str]:
    """The MSOA codes the generated return uses, all of them loaded into the area's lookup."""
    per_area = len(PERIODS) * len(NATIONALITIES) * len(AGES) * len(GENDERS)
    return [f"E020{n:05d}" for n in range(1, rows // per_area + 2)]


PERIODS = [f"{year} Q{q}" for year in (2024, 2025) for q in (1, 2, 3, 4)]


def generate(path: Path, rows: int) -> int:
    """Writes the return and gives the sum of its counts."""
    rng = random.Random(2026)
    total = 0
    with path.open("w") as out:
        out.write(HEADER)
        for i, (area, period, nat, age, sex) in enumerate(
            itertools.product(small_areas(rows), PERIODS, NATIONALITIES, AGES, GENDERS)
        ):
            if i == rows:
                break
            count = rng.randint(0, 400)
            total += count
            out.write(f"{period},{area},{nat},{age},{sex},{count}\n")
    return total


def write_xlsx(csv_path: Path, path: Path) -> None:
    """The generated return as Excel writes a workbook: one sheet, text in shared strings."""
    import csv
    import zipfile
    from xml.sax.saxutils import escape

    strings: dict[str, int] = {}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet, csv_path.open() as source:
            sheet.write(b'<?xml version="1.0"?><worksheet xmlns="%s"><sheetData>' % MAIN.encode())
            for number, row in enumerate(csv.reader(source), start=1):
                cells = []
                for column, value in zip("ABCDEF", row, strict=False):
                    if value.isdigit():
                        cells.append(f'<c r="{column}{number}"><v>{value}</v></c>')
                    else:
                        index = strings.setdefault(value, len(strings))
                        cells.append(f'<c r="{column}{number}" t="s"><v>{index}</v></c>')
                sheet.write(f'<row r="{number}">{"".join(cells)}</row>'.encode())
            sheet.write(b"</sheetData></worksheet>")
        shared = "".join(f"<si><t>{escape(text)}</t></si>" for text in strings)
        archive.writestr("xl/sharedStrings.xml", f'<?xml version="1.0"?><sst xmlns="{MAIN}">{shared}</sst>')
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0"?><workbook xmlns="{MAIN}" xmlns:r="{RELS}"><sheets>'
            '<sheet name="Return" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr("xl/_rels/workbook.xml.rels", BOOK_RELS)


MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006"
CONTENT_TYPES = (
    f'<?xml version="1.0"?><Types xmlns="{PACKAGE}/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)
ROOT_RELS = (
    f'<?xml version="1.0"?><Relationships xmlns="{PACKAGE}/relationships">'
    f'<Relationship Id="rId1" Type="{RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
BOOK_RELS = (
    f'<?xml version="1.0"?><Relationships xmlns="{PACKAGE}/relationships">'
    f'<Relationship Id="rId1" Type="{RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{RELS}/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)


def reader(path: str, engine: str, queue) -> None:
    """One workbook reader alone over the sheet: every row, every value."""
    import io

    data = Path(path).read_bytes()
    started, cpu = time.perf_counter(), time.process_time()
    if engine == "calamine":
        import python_calamine

        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        rows = sum(1 for _ in book.get_sheet_by_index(0).iter_rows())
    else:
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        rows = sum(1 for _ in book.worksheets[0].iter_rows(values_only=True))
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    queue.put((elapsed, cpu, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, rows))


def django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
    import django

    django.setup()


def floor(path: str, queue) -> None:
    django_setup()
    import pandas as pd
    from django.db import connection, transaction

    from requests_app.models import Return
    from requests_app.storage import insert_observations

    started, cpu = time.perf_counter(), time.process_time()
    frame = pd.read_csv(path)
    # The fastest load of the same rows into the same table: no cleaning, no checks.
    rows = pd.DataFrame(
        {
            "period_start": pd.Timestamp("2024-01-01"),
            "period_end": pd.Timestamp("2024-03-31"),
            "geography_code": frame.iloc[:, 1],
            "country_of_birth": "",
            "nationality": frame.iloc[:, 2].str[:16],
            "nationality_group": "",
            "immigration_status": "",
            "main_language": "",
            "age_band": frame.iloc[:, 3],
            "gender": frame.iloc[:, 4],
            "other": "{}",
            "count": frame.iloc[:, 5],
            "suppressed": False,
        }
    )
    with transaction.atomic():
        insert_observations(rows, Return.objects.get(original_name="bench-floor").pk)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        transaction.set_rollback(True)
    queue.put((elapsed, cpu, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, connection.vendor))


def pipeline(path: str, name: str, queue) -> None:
    django_setup()
    from django.db import transaction

    from requests_app.ingest import validate
    from requests_app.models import Return
    from requests_app.services.processing import ingest_context
    from requests_app.storage import insert_observations

    stored = Return.objects.select_related("request").get(original_name="bench-pipeline")
    context = ingest_context(stored.request)
    started, cpu = time.perf_counter(), time.process_time()
    result = validate.run(Path(path).read_bytes(), name, context)
    with transaction.atomic():
        stored_rows = insert_observations(result.observations, stored.pk)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        transaction.set_rollback(True)
    queue.put(
        (
            elapsed,
            cpu,
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
            {"valid": result.valid, "rows": stored_rows, "total": result.total, "errors": result.counts},
        )
    )


def prepare(rows: int) -> None:
    """A database with the catalogue, a demo request asking for these columns, the small areas of
    the return in its area's lookup, and two returns."""
    django_setup()
    import datetime
    import hashlib

    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from catalogue.models import Field, GeographyLevel, Source
    from catalogue.services import area_lookup_load
    from requests_app.models import Return
    from requests_app.services.requests import request_create
    from sharing.models import SharingAgreement

    call_command("migrate", verbosity=0)
    call_command("load_catalogue", stdout=open(os.devnull, "w"))
    call_command("seed_demo", stdout=open(os.devnull, "w"))

    agency = (
        SharingAgreement.objects.get(status="active", title__startswith="Schools")
        .parties.filter(agency__isnull=False)
        .first()
        .agency
    )
    # As an ONS lookup would load them: the codes are checked against the area, as in production.
    area_lookup_load(
        area=agency.area,
        rows=[
            {"LAD24CD": agency.area.gss_code, "MSOA21CD": code, "MSOA21NM": f"Bench {code}"}
            for code in small_areas(rows)
        ],
    )
    request = request_create(
        agency=agency,
        source=Source.objects.get(slug="school-census-eal-pupils"),
        title="Benchmark",
        purpose="Benchmark",
        fields=list(Field.objects.filter(code__in=["period", "ward", "nationality", "age", "gender"])),
        geography_level=GeographyLevel.objects.get(code="msoa"),
        period_start=datetime.date(2024, 1, 1),
        period_end=datetime.date(2025, 12, 31),
        coordinator=get_user_model().objects.get(username="coordinator"),
    )
    agreement = SharingAgreement.objects.filter(status="active").first()
    for version, name in enumerate(["bench-floor", "bench-pipeline"], start=1):
        Return.objects.create(
            request=request,
            version=version,
            file="bench",
            original_name=name,
            size=0,
            sha256=hashlib.sha256(name.encode()).hexdigest(),
            agreement=agreement,
            uploaded_by=request.coordinator,
            status="storing",
        )


def run_child(target, *args):
    queue = multiprocessing.get_context("spawn").Queue()
    child = multiprocessing.get_context("spawn").Process(target=target, args=(*args, queue))
    child.start()
    outcome = queue.get()
    child.join()
    return outcome


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--format", choices=["csv", "xlsx"], default="csv", help="the file the pipeline reads")
    parser.add_argument("--readers", action="store_true", help="time calamine and openpyxl on the xlsx alone")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        os.environ.setdefault("TRACKER_VAR_DIR", scratch)
        path = Path(scratch) / "return.csv"
        written_total = generate(path, args.rows)
        print(f"generated {args.rows:,} rows ({path.stat().st_size / 1e6:.1f} MB)")
        read = path
        if args.format == "xlsx":
            read = Path(scratch) / "return.xlsx"
            write_xlsx(path, read)
            print(f"as a workbook: {read.stat().st_size / 1e6:.1f} MB")
        if args.readers and args.format == "xlsx":
            for engine in ("calamine", "openpyxl"):
                seconds, cpu, rss, rows = run_child(reader, str(read), engine)
                print(
                    f"reader {engine:9}: {seconds:6.2f} s (cpu {cpu:6.2f} s) for {rows:,} rows  "
                    f"peak {rss / 1024:6.0f} MB"
                )
        child = multiprocessing.get_context("spawn").Process(target=prepare, args=(args.rows,))
        child.start()
        child.join()
        if child.exitcode:
            raise SystemExit("Preparing the database failed.")
        floor_s, floor_cpu, floor_rss, vendor = run_child(floor, str(path))
        pipe_s, pipe_cpu, pipe_rss, outcome = run_child(pipeline, str(read), read.name)
    # CPU seconds beside the wall clock: on a machine shared with other work the wall clock grows
    # with its load, the CPU time much less.
    print(f"database: {vendor}; load average {' '.join(f'{n:.1f}' for n in os.getloadavg())}")
    rows = [
        ("floor (read_csv + bulk load)", floor_s, floor_cpu, floor_rss),
        ("pipeline (read, map, validate, harmonise, store)", pipe_s, pipe_cpu, pipe_rss),
    ]
    phase = f"{args.rows:,} rows of {args.format}"
    print(f"  {phase:48} {'wall s':>7} {'cpu s':>8} {'rows/s':>10} {'peak MB':>8}")
    for label, seconds, cpu, rss in rows:
        print(f"  {label:48} {seconds:7.2f} {cpu:8.2f} {args.rows / seconds:>10,.0f} {rss / 1024:8.0f}")
    print(
        f"ratio pipeline / floor: time {pipe_s / floor_s:.2f}, cpu {pipe_cpu / floor_cpu:.2f} (target <= 2.0); "
        f"peak memory {pipe_rss / floor_rss:.2f} ({pipe_rss / 1024:.0f} MB, target < 1024 MB)"
    )
    print(f"pipeline outcome: {outcome}")
    expected = {"valid": True, "rows": args.rows, "total": written_total}
    if {key: outcome[key] for key in expected} != expected:
        raise SystemExit(f"The return timed was not stored whole: expected {expected}.")


if __name__ == "__main__":
    main()
