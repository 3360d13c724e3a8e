"""One column per field. When several columns could be the same field, the one kept is the one
whose values read best as that field, then the geography asked for (else the finest), then a code
column over a name column, then the heading closest to the field's usual synonyms. A name column
beside its code column is kept to check the two agree; the others are reported as unused."""

from __future__ import annotations

from collections import defaultdict

import pandas as pd

from requests_app.ingest import codes, headings, periods
from requests_app.ingest.categories import Column
from requests_app.ingest.problems import WARNING, Problem

CODED_FIELDS = ("ward", "country-of-birth", "nationality", "main-language")
UK_NATIONS = frozenset({"england", "wales", "scotland", "northern ireland", "united kingdom", "uk", "great britain"})
VALUE_SAMPLE = 5_000  # distinct values looked at to tell which of two columns reads better


class Dimensions:
    """The part of mapping._Plan that chooses the field columns (it uses the plan's table, request,
    reference, mapping, problems and reasons)."""

    qualities: dict[tuple[str, int], tuple[float, float]]

    def countries(self, columns: list[Column], dimensions: list[Column]) -> list[Column]:
        """A bare 'Country' (or 'Country code') holds a person's country when the request asks for
        exactly one of country of birth and nationality and no other column is either; a column
        of GSS codes ('country_code' E92000001) is the area's country, not a person's."""
        named = {c.heading.field for c in dimensions}
        wanted = [f for f in ("country-of-birth", "nationality") if f in self.requested and f not in named]
        if len(wanted) != 1:
            return []
        bare = [
            c for c in columns if c.heading is None and headings.core_of(c.label)[0] in (("country",), ("countries",))
        ]
        if any(self.value_quality("ward", c.position)[0] >= 0.5 for c in bare):
            return []  # DfE's country_code and country_name: the area's country
        found = []
        for c in bare:
            if self.figures(c.position) or self.only_nations(c.position):
                continue
            kind = headings.core_of(c.label)[1]
            c.heading = headings.Heading(wanted[0], False, 1, len(self.aliases.get(wanted[0], [])) + 1, kind, 0)
            found.append(c)
            self.problems.append(
                Problem(
                    "ambiguous-label",
                    WARNING,
                    f"Column {self.letter(c)} ('{c.label}') was read as {self.field_name(wanted[0]).lower()}, the "
                    "field this request asks for. If it holds another country (of birth, of nationality, of "
                    "residence), rename the heading to say which.",
                    sheet=self.table.sheet,
                    row=self.header_row,
                    column=self.letter(c),
                    value=c.label,
                )
            )
        return found

    def only_nations(self, position: int) -> bool:
        """England, Wales, Scotland: the area's country, not a person's."""
        values = set(codes.normalised(pd.Series(pd.unique(self.table.body[position])[:VALUE_SAMPLE]))) - {""}
        return bool(values) and values <= UK_NATIONS

    def choose_dimensions(self, dimensions: list[Column]) -> None:
        by_field: dict[str, list[Column]] = defaultdict(list)
        for c in dimensions:
            by_field[c.heading.field].append(c)
        for code, candidates in by_field.items():
            ranked = sorted(candidates, key=lambda c: self.dimension_rank(c, len(candidates) > 1))
            best = ranked[0]
            tied = len(ranked) > 1 and self.dimension_rank(ranked[1], True) == self.dimension_rank(best, True)
            if tied and not self.same_thing(best, ranked[1]):
                self.ambiguous(code, [best.position, ranked[1].position])
                continue
            self.mapping.fields[best.position] = code
            for other in ranked[1:]:
                if code in CODED_FIELDS and code not in self.mapping.names and self.names_of(best, other):
                    self.mapping.names[code] = other.position
                    self.reasons[other.position] = (
                        f"it names the same {self.field_name(code).lower()} as column "
                        f"{self.letter(best)} ('{best.label}'), which holds the codes; the names were "
                        "checked against the codes instead"
                    )
                else:
                    self.reasons[other.position] = (
                        f"column {self.letter(best)} ('{best.label}') also holds "
                        f"{self.field_name(code).lower()} and reads better, so it was used instead"
                    )

    def dimension_rank(self, column: Column, compare_values: bool) -> tuple:
        heading = column.heading
        code = heading.field
        quality = self.value_quality(code, column.position) if compare_values else (0.0, 0.0)
        wanted = headings.LEVEL_OF_REQUEST.get(self.geography_level)
        level = (heading.level != wanted, heading.level) if code == "ward" else (False, 0)
        kind = {"code": 0, "": 1, "name": 2}[heading.kind] if code in CODED_FIELDS else 1
        return (tuple(-q for q in quality), level, kind, heading.score)

    def value_quality(self, code: str, position: int) -> tuple[float, float]:
        """(share of distinct values that read as this field, how fine a period they give)."""
        if (code, position) not in self.qualities:
            self.qualities[code, position] = self._quality(code, position)
        return self.qualities[code, position]

    def _quality(self, code: str, position: int) -> tuple[float, float]:
        values = pd.Series(pd.unique(self.table.body[position])[:VALUE_SAMPLE]).astype(str).str.strip()
        values = values[values != ""].drop_duplicates()
        if not len(values):
            return (0.0, 0.0)
        if code == "ward":
            return (float(codes.clean_gss(values).str.match(codes.GSS_RE).mean()), 0.0)
        if code in ("country-of-birth", "nationality"):
            return (float((~codes.harmonise_countries(values, self.reference)["unmapped"]).mean()), 0.0)
        if code == "main-language":
            return (float((~codes.harmonise_languages(values, self.reference)["unmapped"]).mean()), 0.0)
        if code == "period":
            spans = periods.parse_periods(values)
            read = spans["start"].notna()
            days = (spans["end"] - spans["start"]).dt.days[read]
            return (round(float(read.mean()), 2), -float(days.median()) if read.any() else 0.0)
        return (1.0, 0.0)

    def same_thing(self, one: Column, other: Column) -> bool:
        """Do two columns hold the same values on every row (Nomis's DATE and DATE_NAME)?"""
        pairs = self.table.body[[one.position, other.position]].drop_duplicates()
        return bool((codes.normalised(pairs[one.position]) == codes.normalised(pairs[other.position])).all())

    def names_of(self, code_column: Column, other: Column) -> bool:
        """Does other name what code_column codes (same field, same level, names not codes)?"""
        if (
            code_column.heading.kind != "code"
            and self.value_quality(code_column.heading.field, code_column.position)[0] < 0.5
        ):
            return False
        return other.heading.kind != "code" and other.heading.level == code_column.heading.level
