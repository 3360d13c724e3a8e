"""What a person asks of the indicators: the sources, the field of the rows, the columns and the
filters, with the choices a page offers for each."""

import datetime
from dataclasses import dataclass

from project.lib.text import plural

NOT_RECORDED = "Not recorded"
TOTAL = "Total"
NESTED = " · "  # between an area and a row nested in it
ALL_AREAS = "All areas"

# code -> (label, observation column, catalogue field it comes from)
DIMENSIONS = {
    "nationality_group": ("Nationality group", "nationality_group", "nationality"),
    "nationality": ("Nationality", "nationality", "nationality"),
    "country_of_birth": ("Country of birth", "country_of_birth", "country-of-birth"),
    "immigration_status": ("Immigration status", "immigration_status", "immigration-status"),
    "main_language": ("Main language", "main_language", "main-language"),
    "age_band": ("Age band", "age_band", "age"),
    "gender": ("Gender", "gender", "gender"),
    "area": ("Area", "geography_code", "ward"),
}
COLUMN_CHOICES = {
    "quarter": "Quarter",
    "month": "Month",
    "month-quarter": "Month, with quarter totals",
    "year": "Financial year (April to March)",
    "area": "Area",
}


@dataclass(frozen=True)
class Query:
    sources: tuple[str, ...]  # slugs
    rows: str = "nationality_group"
    columns: str = "quarter"
    by_area: bool = False  # rows nested within areas, with a subtotal per area
    # Filters. Each only leaves out cells of the protected table, which cannot make any other safer
    # or less safe: a reader of the filtered view knows less than a reader of the whole.
    since: datetime.date | None = None  # periods starting on or after
    until: datetime.date | None = None  # periods ending on or before
    areas: tuple[str, ...] = ()  # GSS codes; empty for every area

    @property
    def label(self) -> str:
        text = f"{DIMENSIONS[self.rows][0]} by {COLUMN_CHOICES[self.columns].lower()}"
        chosen = plural(len(self.areas), "chosen area", one="the chosen area")
        if self.by_area or (self.areas and "area" not in (self.rows, self.columns)):
            text += f" within {chosen if self.areas else 'each area'}"
        elif self.areas:
            text += f" ({chosen})"
        if self.since and self.until:
            text += f", {self.since:%b %Y} to {self.until:%b %Y}"
        elif self.since or self.until:
            text += f", {'from' if self.since else 'up to'} {(self.since or self.until):%b %Y}"
        return text

    @property
    def heading(self) -> str:
        """The label to follow a source's title: "…: nationality group by quarter, Apr 2026 to Jun 2026"."""
        return self.label[0].lower() + self.label[1:]

    @property
    def nested(self) -> bool:
        """Rows within areas: asked for, or implied by choosing areas for a table by period."""
        return self.by_area or (bool(self.areas) and "area" not in (self.rows, self.columns))
