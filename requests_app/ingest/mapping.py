"""Which column holds which canonical field, which holds the count, and which hold categories
spread across the columns.

Every column ends up with one role: a field (one column per field: a code column over a name
column, the finest geography, the values that read best), the count, a category column (its
heading gives a value of one or more fields: "Girls", "2024 Q1", "Male 0-4"), a total column
(set aside and checked against the columns it sums, see tables.py), a name column checked against
its code column, or unused, which is reported with the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from requests_app.ingest import codes, headers, headings
from requests_app.ingest.across import Across, join_periods
from requests_app.ingest.categories import HEADING, RATE, TEXT, TOTAL, VALUE, Atom, Column, Reader, is_period
from requests_app.ingest.dimensions import VALUE_SAMPLE, Dimensions
from requests_app.ingest.problems import ERROR, WARNING, Problem, columns_named


@dataclass
class Mapping:
    fields: dict[int, str] = field(default_factory=dict)  # column position -> canonical field code
    count: int | None = None  # column position of the count
    ignored: list[int] = field(default_factory=list)  # reported as not used
    names: dict[str, int] = field(default_factory=dict)  # field -> name column checked against its code column
    across: dict[int, dict[str, str]] = field(default_factory=dict)  # category column -> {field: value}
    totals: dict[int, dict[str, str]] = field(default_factory=dict)  # total column -> the values it is the total of
    guessed: set[int] = field(default_factory=set)  # category columns placed by their neighbours, not their heading
    # After reshaping: the spreadsheet column of each row's count, and the positions whose
    # problems are reported in that column rather than in one column of their own.
    cell_letters: pd.Series | None = None
    melted: set[int] = field(default_factory=set)

    def letter(self, position: int, letters: list[str]) -> str | pd.Series:
        if position in self.melted and self.cell_letters is not None:
            return self.cell_letters
        return letters[position]


def label_key(label: str) -> str:
    """'Country of Birth (ISO code)' and 'country_of_birth' both become 'country of birth iso code':
    the key other steps match headings by (the period columns, the geography levels)."""
    text = re.sub(r"[_\-/]+", " ", str(label).casefold())
    text = re.sub(r"[()\[\]:.,*]+", " ", text)
    return " ".join(text.split())


def map_columns(
    table: headers.Table,
    parts: list[list[str]],
    *,
    aliases: dict[str, list[str]],
    requested: list[str],
    reference: codes.Reference,
    geography_level: str = "",
) -> tuple[Mapping, list[Problem]]:
    """The role of every column of the table; parts[i] is column i's heading, one text per header row."""
    vocabulary = headings.Vocabulary(aliases)
    reader = Reader(vocabulary, reference)
    plan = _Plan(table, aliases, requested, reference, geography_level)
    columns = [plan.read(i, label, parts[i], reader, vocabulary) for i, label in enumerate(table.labels)]
    plan.assign(columns)
    return plan.mapping, plan.problems


class _Plan(Dimensions, Across):
    def __init__(self, table, aliases, requested, reference, geography_level):
        self.table, self.aliases, self.requested = table, aliases, requested
        self.reference, self.geography_level = reference, geography_level
        self.mapping, self.problems = Mapping(), []
        self.reasons: dict[int, str] = {}
        self.unsure: set[str] = set()  # fields two columns could be: reported once, as ambiguous
        self.header_row = table.header_rows[-1] if table.header_rows else None
        self._figures: dict[int, bool] = {}
        self.qualities = {}

    # -- reading each heading ----------------------------------------------------------------

    def read(self, position, label, parts, reader: Reader, vocabulary: headings.Vocabulary) -> Column:
        heading = vocabulary.field_of(label) if label else None
        if len([p for p in parts if p]) > 1 and is_period(label):
            atoms = [((0, 0), Atom(VALUE, label, frozenset({"period"})))]  # "2024" over "Q1"
        else:
            atoms = [
                ((row, piece), atom)
                for row, found in enumerate(reader.atoms_of(parts))
                for piece, atom in enumerate(found)
            ]
        column = Column(position, label, join_periods(atoms), heading, parts)
        column.total = any(atom.kind == TOTAL for _, atom in column.atoms)
        column.rate = any(atom.kind == RATE for _, atom in column.atoms)
        pending = None
        for index, (_, atom) in enumerate(column.atoms):
            if atom.kind == HEADING:
                pending = next(iter(atom.fields))
            elif pending is not None and atom.kind in (VALUE, TEXT):
                column.fixed[index], pending = pending, None
        return column

    def figures(self, position: int) -> bool:
        """Does the column hold figures (counts, markers) rather than words or codes?"""
        if position not in self._figures:
            values = pd.unique(self.table.body[position])[:VALUE_SAMPLE]
            kinds = [headers.cell_kind(str(v)) for v in values]
            filled = [k for k in kinds if k]
            self._figures[position] = bool(filled) and sum(k in headers.FIGURES for k in filled) * 2 > len(filled)
        return self._figures[position]

    def is_dimension(self, column: Column) -> bool:
        kinds = {atom.kind for _, atom in column.atoms}
        if column.heading is None or column.heading.other_person:
            return False
        return kinds == {HEADING} or (HEADING in kinds and not self.figures(column.position))

    def crossed(self, column: Column) -> bool:
        """Could the heading be a category, its cells the counts? A value, a value under a field's
        heading, or an unknown word over figures (a language the reference lacks); never a column
        of words, such as Home Office's "UASC" column holding "UASC" and "Non-UASC"."""
        kinds = {atom.kind for _, atom in column.atoms}
        if kinds == {TEXT}:
            return self.figures(column.position)
        return (VALUE in kinds or bool(column.fixed)) and not self.words(column.position)

    def words(self, position: int) -> bool:
        """Does the column hold words rather than figures (most of its filled sampled cells)?"""
        values = pd.unique(self.table.body[position])[:VALUE_SAMPLE]
        filled = [k for k in (headers.cell_kind(str(v)) for v in values) if k]
        return bool(filled) and sum(k == headers.TEXT for k in filled) * 2 > len(filled)

    # -- roles -----------------------------------------------------------------------------

    def assign(self, columns: list[Column]) -> None:
        dimensions = [c for c in columns if self.is_dimension(c)]
        dimensions += self.countries(columns, dimensions)
        self.choose_dimensions(dimensions)
        others = [c for c in columns if c not in dimensions and c.label]
        crossed = [c for c in others if self.crossed(c)]
        if not self.resolve(crossed):
            return
        leaves = [c for c in crossed if c.key and not c.total and not c.rate]
        if leaves:
            leaves = self.one_breakdown(leaves)
            if leaves is None or not self.one_measure(leaves):
                return
            for c in leaves:
                self.mapping.across[c.position] = c.key
            for c in others:
                if c in leaves or c.rate or c.position in self.reasons:
                    continue
                if c.total:  # "Total", "Male total", "2024" over "Total"
                    self.mapping.totals[c.position] = c.key
                elif not c.key and headings.count_rank(c.label) is not None:
                    self.mapping.totals[c.position] = {}  # a count beside its breakdown is the breakdown's total
        elif not self.choose_count([c for c in others if not c.rate]):
            return
        self.report_unused(columns)
        self.check_requested()

    def choose_count(self, candidates: list[Column]) -> bool:
        ranked = sorted((rank, c.position, c) for c in candidates if (rank := headings.count_rank(c.label)) is not None)
        if not ranked:
            # A column of code numbers (DfE's three-digit old_la_code) holds figures that count nothing.
            figures = [c for c in candidates if self.figures(c.position) and headings.core_of(c.label)[1] != "code"]
            if len(figures) > 1:
                self.mixed_measures({" / ".join(part for part in c.parts if part) or c.label: c for c in figures})
            else:
                self.missing_count(figures)
            return False
        best_rank = ranked[0][0]
        best = [c for rank, _, c in ranked if rank == best_rank]
        if len(best) > 1 and best_rank < 3:
            self.problems.append(
                Problem(
                    "ambiguous-label",
                    ERROR,
                    f"{_upper_first(columns_named([self.letter(c) for c in best]))} "
                    f"({', '.join(repr(c.label) for c in best)}) could each be the count. Keep one count "
                    "column per table, or name the others so they say what they hold.",
                    sheet=self.table.sheet,
                    row=self.header_row,
                )
            )
            return False
        self.mapping.count = best[0].position
        for _, _, c in ranked[1:]:
            self.reasons[c.position] = f"column {self.letter(best[0])} ('{best[0].label}') was taken as the count"
        return True

    def missing_count(self, figures: list[Column]) -> None:
        hint = (
            f" {_upper_first(columns_named([self.letter(c) for c in figures]))} holds figures under a heading the "
            f"tracker does not recognise ('{figures[0].label}'): if it is the number of people, head it 'Count'."
            if figures
            else ""
        )
        self.problems.append(
            Problem(
                "missing-label",
                ERROR,
                "No count column. Add a column headed 'Count' with the number of people in each row." + hint,
                sheet=self.table.sheet,
                row=self.header_row,
                value="count",
            )
        )

    # -- reports ---------------------------------------------------------------------------

    def report_unused(self, columns: list[Column]) -> None:
        used = (
            set(self.mapping.fields)
            | set(self.mapping.across)
            | set(self.mapping.totals)
            | {self.mapping.count}
            | set(self.mapping.names.values())
        )
        for c in columns:
            if c.position in used or not c.label:
                continue
            self.mapping.ignored.append(c.position)
            self.problems.append(
                Problem(
                    "unknown-label",
                    WARNING,
                    f"Column {self.letter(c)} ('{c.label}') was not used: {self.reason(c)}.",
                    sheet=self.table.sheet,
                    row=self.header_row,
                    column=self.letter(c),
                    value=c.label,
                )
            )
        for position in self.mapping.names.values():
            c = columns[position]
            self.problems.append(
                Problem(
                    "unknown-label",
                    WARNING,
                    f"Column {self.letter(c)} ('{c.label}') was not stored: {self.reasons[position]}.",
                    sheet=self.table.sheet,
                    row=self.header_row,
                    column=self.letter(c),
                    value=c.label,
                )
            )

    def reason(self, c: Column) -> str:
        if c.position in self.reasons:
            return self.reasons[c.position]
        if c.heading is not None and c.heading.other_person:
            return (
                f"it is about the person's {c.heading.other_person}, not the person counted, so it was not read as "
                f"{self.field_name(c.heading.field).lower()}"
            )
        if c.rate:
            return "it holds rates or percentages, not counts of people"
        return (
            "its heading is not one of the requested fields. If it holds one of them, rename it to the "
            "template's heading"
        )

    def check_requested(self) -> None:
        found = set(self.mapping.fields.values()) | {f for key in self.mapping.across.values() for f in key}
        for code in self.requested:
            if code not in found and code not in self.unsure:
                self.problems.append(
                    Problem(
                        "missing-label",
                        ERROR,
                        f"No column for the requested field '{self.field_name(code)}'. "
                        "Add it with the heading used in the template.",
                        sheet=self.table.sheet,
                        row=self.header_row,
                        value=code,
                    )
                )

    def ambiguous(self, code: str, positions: list[int]) -> None:
        letters = [self.table.letters[p] for p in positions]
        self.unsure.add(code)
        for p in positions:
            self.reasons[p] = f"{columns_named(letters)} could both be {self.field_name(code).lower()}: see the error"
        self.problems.append(
            Problem(
                "ambiguous-label",
                ERROR,
                f"{_upper_first(columns_named(letters))} "
                f"({' and '.join(repr(self.table.labels[p]) for p in positions)}) could both be "
                f"{self.field_name(code).lower()}, and nothing tells which is meant. Keep only the one the request "
                "asks about, or rename the other (for example keep 'Victim nationality' when the count is of victims).",
                sheet=self.table.sheet,
                row=self.header_row,
                column=letters[0],
            )
        )

    def field_name(self, code: str) -> str:
        names = self.aliases.get(code)
        return names[0] if names else code

    def letter(self, column: Column) -> str:
        return self.table.letters[column.position]


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]
