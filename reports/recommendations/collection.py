"""Rules on how the area's requests are going: agreements in force, checklists answered, repeats arranged."""

from project.lib.text import plural
from reports.coverage import Coverage
from reports.coverage.cells import UNKNOWN
from reports.coverage.counts import RECEIVED
from reports.recommendations.items import Evidence, Recommendation
from requests_app.ingest.completeness import KEY_FIELDS


def no_active_agreement(coverage: Coverage) -> list[Recommendation]:
    """A provider expected to send data with no agreement in force."""
    if not coverage.governance:
        return []
    return [
        Recommendation(
            "no-active-agreement",
            "isp-siro",
            f"Put a sharing agreement in force for {plural(len(coverage.governance), 'agency')}",
            "No returned data can be accepted without an active agreement that names the agency as a provider, covers "
            "the fields and the form of the data, and is signed off by the SIRO; these requests will stall at upload "
            "until then.",
            [
                Evidence(g.agency.name, f"{plural(g.waiting, 'request')} waiting for data; {g.reason}")
                for g in coverage.governance
            ],
            len(coverage.governance),
        )
    ]


def checklist_unanswered(coverage: Coverage) -> list[Recommendation]:
    """Agencies asked for data whose key fields are still a mystery."""
    unknown = [
        row
        for row in coverage.agency_rows
        if row.requests and all(row.cells[c].state == UNKNOWN or row.cells[c].provenance == "" for c in KEY_FIELDS)
    ]
    if not unknown:
        return []
    return [
        Recommendation(
            "checklist-unanswered",
            "prioritise-gaps",
            f"Ask {plural(len(unknown), 'agency')} to answer the field checklist",
            "Nobody yet knows whether these agencies record country of birth, nationality, immigration status or main "
            "language, so their gaps cannot be weighed against others.",
            [Evidence(row.label, f"{plural(row.requests, 'request')}, no answer on the key fields") for row in unknown],
            len(unknown),
        )
    ]


def no_regular_snapshot(coverage: Coverage) -> list[Recommendation]:
    """Agencies that sent data once, with no repeat arranged."""
    repeating = {r["agency_id"] for r in coverage.requests if r["repeating"]}
    once = sorted({r["agency_id"] for r in coverage.requests if r["status"] in RECEIVED} - repeating)
    if not once:
        return []
    labels = coverage.agency_names
    return [
        Recommendation(
            "no-regular-snapshot",
            "central-snapshots",
            f"Arrange a regular snapshot from {plural(len(once), 'agency')}",
            "A single return shows one moment; migration changes quickly, so a quarterly or yearly repeat to the "
            "council shows the trend.",
            [
                Evidence(labels[pk], "data received once; no repeating request")
                for pk in sorted(once, key=lambda pk: labels[pk])
            ],
            len(once),
        )
    ]
