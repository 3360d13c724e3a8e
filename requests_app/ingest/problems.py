"""What the pipeline reports back to the person who sent the file."""

from dataclasses import asdict, dataclass

ERROR, WARNING = "error", "warning"

# The problem types of the validation report (stable: the command line's JSON uses them).
TYPES = {
    "unreadable-file",
    "empty-file",
    "blank-header",
    "duplicate-label",
    "missing-label",
    "unknown-label",
    "type-error",
    "constraint-error",
    "unknown-code",
    "level-mismatch",
    "personal-data",
    "suppressed-cell",
    "total-row",
    "hidden-sheet",
}


# How the report page names each type.
LABELS = {
    "unreadable-file": "The file could not be read",
    "empty-file": "No data found",
    "blank-header": "Columns without a heading",
    "duplicate-label": "Headings used twice",
    "missing-label": "Missing columns",
    "unknown-label": "Columns not used",
    "type-error": "Values of the wrong kind",
    "constraint-error": "Values out of range",
    "unknown-code": "Unknown codes or names",
    "level-mismatch": "Areas of the wrong kind",
    "personal-data": "Personal data",
    "suppressed-cell": "Suppressed counts",
    "total-row": "Total rows left out",
    "hidden-sheet": "Hidden sheets",
}


@dataclass(frozen=True)
class Problem:
    type: str
    severity: str  # ERROR blocks storage; WARNING is reported and the file is still accepted
    message: str  # plain English: what is wrong and how to fix it
    sheet: str = ""
    row: int | None = None  # the spreadsheet row number the sender sees (1-based)
    column: str = ""  # the spreadsheet column letter ("A", "AB"); "" when not about one column
    value: str = ""

    def __post_init__(self):
        if self.type not in TYPES:
            raise ValueError(f"unknown problem type {self.type!r}")
        if self.severity not in (ERROR, WARNING):
            raise ValueError(f"unknown severity {self.severity!r}")

    def as_dict(self) -> dict:
        return asdict(self)


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: as spreadsheet programs label columns."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters
