"""One cell of the coverage matrix: whether a source or an agency records a field, how completely,
and on what evidence, in words a reader can check."""

from typing import NamedTuple

from catalogue.models import Source

COLLECTED, PARTLY, NOT_COLLECTED, UNKNOWN = "collected", "partly", "not-collected", "unknown"
STATE_LABELS = {COLLECTED: "Collected", PARTLY: "Partly", NOT_COLLECTED: "Not collected", UNKNOWN: "Unknown"}
CATALOGUE, CHECKLIST, MEASURED = "catalogue", "checklist", "measured"
PROVENANCE_LABELS = {
    CATALOGUE: "catalogue fact",
    CHECKLIST: "checklist answer",
    MEASURED: "measured in a return",
    "": "no evidence",
}

# Levels fine enough to give a ward breakdown when the catalogue lists no ward field.
WARD_OR_FINER = {"ward", "electoral-district", "msoa", "lsoa", "postcode-sector"}

# get_FOO_display() rebuilds the flat choice list on every call; these pages call it hundreds of times.
FREQUENCIES = dict(Source.Frequency.choices)
# Keyed by plain strings: enum members hash slowly, and these lookups run thousands of times a page.
FROM_AVAILABILITY = {"carried": COLLECTED, "partial": PARTLY, "check": UNKNOWN, "absent": NOT_COLLECTED}
AVAILABILITY_WORDS = {
    "carried": "carries it",
    "partial": "carries it for some records or categories only",
    "check": "may carry it: check with each agency",
    "absent": "does not carry it",
}
FROM_ANSWER = {"yes": COLLECTED, "partly": PARTLY, "no": NOT_COLLECTED, "unknown": UNKNOWN}
ANSWERED_BY = {"agency": "the agency", "coordinator": "the coordinator", "measured": "the agency"}


class Cell(NamedTuple):
    # A tuple of plain values: thousands of them per page, and the garbage collector skips tuples
    # of plain values once it has seen them, where it would walk objects every time.
    state: str
    provenance: str = ""
    completeness: float | None = None  # percent of records with a value
    detail: str = ""
    request: str = ""  # reference of the request the evidence came from

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def provenance_label(self) -> str:
        return PROVENANCE_LABELS[self.provenance]


def source_cell(source: Source, code: str, availability: dict[tuple[int, str], str], levels: set[str]) -> Cell:
    """What the catalogue says a source carries; `levels` are the geography levels it is published at."""
    found = availability.get((source.pk, code))
    if found:
        state = FROM_AVAILABILITY[found]
        return Cell(state, CATALOGUE, detail=f"The catalogue says {source.title} {AVAILABILITY_WORDS[found]}.")
    if code == "ward":
        reached = levels & WARD_OR_FINER
        state = COLLECTED if reached else NOT_COLLECTED
        return Cell(
            state, CATALOGUE, detail=f"Published at {', '.join(sorted(reached)) or 'no level below local authority'}."
        )
    if code == "period":
        return Cell(COLLECTED, CATALOGUE, detail=f"Released {FREQUENCIES[source.frequency].lower()}.")
    if source.stage == Source.Stage.PUBLIC:
        return Cell(NOT_COLLECTED, CATALOGUE, detail=f"{source.title} has no such breakdown in its published tables.")
    return Cell(UNKNOWN, "", detail="The catalogue does not say; ask the agencies that hold it.")


def agency_cell(
    code: str,
    measured: dict | None,
    answered: dict | None,
    catalogue: tuple[str, Source] | None,
    returned: str | None = None,
) -> Cell:
    """The strongest evidence on whether an agency records a field: a measurement, a processed
    return's column, a checklist answer, then what the catalogue says of its sources."""
    if measured:
        share = float(measured["measured_completeness"])
        state = COLLECTED if share >= 95 else PARTLY if share > 0 else NOT_COLLECTED
        return Cell(
            state,
            MEASURED,
            share,
            f"{share:g}% of rows had a value in the latest return for {measured['reference']}.",
            measured["reference"],
        )
    if returned:
        # A processed return always has every requested column; its completeness is measured
        # for the key fields only.
        return Cell(COLLECTED, MEASURED, detail=f"A column of the processed return for {returned}.", request=returned)
    if answered:
        estimate = answered["completeness"]
        detail = f"Answered by {ANSWERED_BY[answered['recorded_as']]} for {answered['reference']}"
        if estimate is not None:
            detail += f", about {estimate}% complete"
        if answered["mandatory"] == "no":
            detail += "; not mandatory"
        return Cell(FROM_ANSWER[answered["collected"]], CHECKLIST, estimate, detail + ".", answered["reference"])
    if catalogue:
        availability, source = catalogue
        return Cell(
            FROM_AVAILABILITY[availability],
            CATALOGUE,
            detail=f"The catalogue says {source.title} {AVAILABILITY_WORDS[availability]}.",
        )
    return Cell(UNKNOWN, "", detail="No request, checklist answer or catalogue fact yet.")
