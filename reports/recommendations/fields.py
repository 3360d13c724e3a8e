"""Rules on whether agencies record the key fields, how completely, and in a form they can report."""

from collections import defaultdict

from project.lib.text import plural
from reports.coverage import Coverage
from reports.coverage.cells import COLLECTED, MEASURED, NOT_COLLECTED, PARTLY, Cell
from reports.recommendations.items import Evidence, Recommendation
from requests_app.ingest.completeness import KEY_FIELDS

LOW_COMPLETENESS = 50  # percent


def key_field_not_collected(coverage: Coverage) -> list[Recommendation]:
    """An agency that does not record a key field (it said so, or its return showed none)."""
    names = coverage.field_names
    out = []
    for code in KEY_FIELDS:
        lacking = [
            (row.label, row.cells[code])
            for row in coverage.agency_rows
            if row.requests and row.cells[code].state == NOT_COLLECTED and row.cells[code].provenance
        ]
        if lacking:
            out.append(
                Recommendation(
                    "key-field-not-collected",
                    "fields",
                    f"Start recording {names[code].lower()} in {plural(len(lacking), 'agency')}",
                    f"Without {names[code].lower()}, these agencies' data cannot say who among their service users is "
                    "a migrant or where they come from, and the area cannot combine their figures with other sources.",
                    [Evidence(agency, f"{cell.provenance_label}: {cell.detail}") for agency, cell in lacking],
                    len(lacking),
                )
            )
    return out


def low_completeness(coverage: Coverage) -> list[Recommendation]:
    """A key field recorded for fewer than half of the records."""
    names = coverage.field_names
    out = []
    for code in KEY_FIELDS:
        weak = [
            (row.label, row.cells[code])
            for row in coverage.agency_rows
            if row.cells[code].state in (COLLECTED, PARTLY)
            and row.cells[code].completeness is not None
            and row.cells[code].completeness < LOW_COMPLETENESS
        ]
        if weak:
            out.append(
                Recommendation(
                    "low-completeness",
                    "standards",
                    f"Raise the completeness of {names[code].lower()} above {LOW_COMPLETENESS}%",
                    f"When most records leave {names[code].lower()} blank, counts by it describe the people who "
                    "answered, not the population served; agreeing how it is captured and checked at the point of "
                    "entry fixes this.",
                    [
                        Evidence(agency, f"{cell.completeness:g}% complete ({_how_known(cell)})")
                        for agency, cell in sorted(weak, key=lambda pair: pair[1].completeness)
                    ],
                    len(weak),
                )
            )
    return out


def _how_known(cell: Cell) -> str:
    return "measured in a return" if cell.provenance == MEASURED else "estimated by the agency"


def not_mandatory(coverage: Coverage) -> list[Recommendation]:
    """A key field that is recorded but optional, so it is left blank when staff are busy."""
    optional = defaultdict(list)
    for answer in coverage.checklist:
        if answer["field"] in KEY_FIELDS and answer["mandatory"] == "no" and answer["collected"] in ("yes", "partly"):
            optional[answer["agency_id"]].append(answer["field"])
    if not optional:
        return []
    names, labels = coverage.field_names, coverage.agency_names
    evidence = [
        Evidence(
            labels[pk], "optional: " + ", ".join(names[c].lower() for c in sorted(set(codes), key=KEY_FIELDS.index))
        )
        for pk, codes in optional.items()
    ]
    return [
        Recommendation(
            "not-mandatory",
            "mandate",
            f"Make the migration fields mandatory in {plural(len(evidence), 'agency')}",
            "Optional fields are filled in unevenly, so their completeness drifts from one period to the next; a "
            "mandate from senior leaders makes collection routine.",
            sorted(evidence, key=lambda e: e.subject),
            len(evidence),
        )
    ]


def not_extractable(coverage: Coverage) -> list[Recommendation]:
    """A key field that is recorded but cannot be reported out of the agency's system."""
    stuck = defaultdict(set)
    for answer in coverage.checklist:
        if answer["field"] in KEY_FIELDS and answer["extractable"] == "no" and answer["collected"] in ("yes", "partly"):
            stuck[answer["agency_id"]].add(answer["field"])
    if not stuck:
        return []
    names, labels = coverage.field_names, coverage.agency_names
    evidence = [
        Evidence(
            labels[pk],
            "recorded but not extractable: " + ", ".join(names[c].lower() for c in sorted(codes, key=KEY_FIELDS.index)),
        )
        for pk, codes in stuck.items()
    ]
    return [
        Recommendation(
            "not-extractable",
            "standards",
            f"Make recorded migration fields reportable in {plural(len(evidence), 'agency')}",
            "A field held only in free text or in a part of the system that reports cannot reach is as good as "
            "missing for the area's analysis; agreeing coded fields and standard extracts makes it usable.",
            sorted(evidence, key=lambda e: e.subject),
            len(evidence),
        )
    ]
