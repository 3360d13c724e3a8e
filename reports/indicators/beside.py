"""Public figures beside the local ones: for the field of the rows and the whole area, each public
release in force as published (the publisher's rounding and suppression kept, nothing suppressed
again), the local sources' protected totals cut from their masters in the cache, change since the
baseline release, and rates per 1,000 residents from the named population estimate.

Nothing here protects anything: local figures come only from tables already protected."""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from catalogue.models import Area, Source
from releases.comparators import comparator_codes
from releases.selectors import (
    BASELINES,
    DENOMINATOR,
    WARD_CODES,
    Population,
    PublicCounts,
    comparator_counts,
    population_of,
    public_counts,
    ward_populations,
)
from reports.indicators.masters import _label, _names
from reports.indicators.query import ALL_AREAS, DIMENSIONS, NESTED, NOT_RECORDED, TOTAL
from reports.indicators.tables import IndicatorTable, comparability_warnings

NOT_RETURNED = object()  # a value the local source has no count for at all


@dataclass(frozen=True)
class Rate:
    """A rate per 1,000 residents, or why there is none."""

    per_1000: Decimal | None = None
    why: str = ""


def rate_of(count: int | None, population: Population | None, *, suppressed: str) -> Rate:
    """Never from a suppressed or missing count, nor from a population partly suppressed."""
    if count is None:
        return Rate(why=suppressed)
    if population is None:
        return Rate(why="No population estimate has been taken in.")
    if population.count is None:
        return Rate(why="The population estimate is partly suppressed.")
    if not population.count:
        return Rate(why="The population estimate is zero.")
    per_1000 = (Decimal(count) * 1000 / population.count).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return Rate(per_1000)


@dataclass(frozen=True)
class Figure:
    count: int | None  # None: suppressed
    rate: Rate
    missing: bool = False  # no count at all for this value


@dataclass(frozen=True)
class Row:
    label: str
    public: Figure
    baseline: Figure | None  # the baseline release's count, when there is one
    change: int | None  # public count minus the baseline's, when both are published
    local: list[Figure]
    wider: list[Figure] = field(default_factory=list)  # the comparator areas' counts, as published


@dataclass(frozen=True)
class WiderColumn:
    """A comparator area the public file carried (its region, England, the UK), with the
    population its rates are worked out from, when the estimates give that area too."""

    code: str
    name: str
    counts: PublicCounts
    population: Population | None


@dataclass
class LocalColumn:
    source: Source
    period: str
    refused: str  # why the source's protected figures cannot be shown yet (or at all)


@dataclass
class Comparison:
    public: PublicCounts
    baseline: PublicCounts | None
    population: Population | None
    local: list[LocalColumn]
    rows: list[Row]
    warnings: list[str]
    field_label: str
    notes: list[tuple[str, str]] = field(default_factory=list)
    wider: list[WiderColumn] = field(default_factory=list)
    per_ward: str = ""  # by ward: the ward-level population the rates come from, named

    @property
    def source(self) -> Source:
        return self.public.release.source


def _public_notes(counts: PublicCounts) -> list[tuple[str, str]]:
    """What the publisher's own figures are: definition, caveats and the conventions kept."""
    release, source = counts.release, counts.release.source
    notes = [("Release", f"{source.title}, {release.edition}{f' ({release.table})' if release.table else ''}")]
    definitions = list(source.migrant_definitions.all())
    notes += [(f"Definition: {d.term}", d.text) for d in definitions]
    if not definitions:
        notes.append(("Definition", "This source defines no migrant group; read it as context."))
    notes += [("Caveat", caveat) for caveat in source.caveat_list]
    published = ["Figures are shown as the publisher published them: nothing is suppressed again here."]
    if release.publisher_rounding > 1:
        published.append(f"The publisher rounded them to the nearest {release.publisher_rounding}.")
    if release.publisher_suppressed:
        published.append(f"The publisher suppressed {release.publisher_suppressed} cells, shown as [c].")
    if release.report.get("publication", {}).get("noise"):
        published.append("The publisher perturbed small counts to protect them, so some are slightly changed.")
    if release.provisional:
        published.append("Some estimates are provisional.")
    notes.append(("As published", " ".join(published)))
    return notes


def _local_figure(table: IndicatorTable, value: str, population: Population | None) -> Figure:
    found = table.whole(value, NOT_RETURNED)
    if found is NOT_RETURNED:
        return Figure(None, Rate(why="No count returned."), missing=True)
    return Figure(found, rate_of(found, population, suppressed="Suppressed to protect small numbers: no rate."))


def _comparison(
    counts: PublicCounts,
    baseline: PublicCounts | None,
    population: Population | None,
    column: str,
    tables: list[IndicatorTable],
    wider: list[WiderColumn] = (),
) -> Comparison:
    codes = set(counts.counts) | set(baseline.counts if baseline else ()) | {c for w in wider for c in w.counts.counts}
    names = _names(column, {code for code in codes if code})
    by_label = {_label(code, names): code for code in counts.counts}
    local_labels = [label for table in tables for label in table.whole_values() if label not in by_label]
    publisher_suppressed = "Suppressed by the publisher: no rate."
    rows = []
    for label in sorted(
        by_label, key=lambda lab: (counts.counts[by_label[lab]] is None, -(counts.counts[by_label[lab]] or 0))
    ):
        code = by_label[label]
        public = counts.counts[code]
        before = None
        change = None
        if baseline is not None:
            earlier = baseline.counts.get(code, NOT_RETURNED)
            if earlier is NOT_RETURNED:
                before = Figure(None, Rate(why="Not in the baseline release."), missing=True)
            else:
                before = Figure(earlier, rate_of(earlier, population, suppressed=publisher_suppressed))
                change = None if public is None or earlier is None else public - earlier
        rows.append(
            Row(
                label,
                Figure(public, rate_of(public, population, suppressed=publisher_suppressed)),
                before,
                change,
                [_local_figure(table, label, population) for table in tables],
                [_wider_figure(w, code) for w in wider],
            )
        )
    missing = Figure(None, Rate(why="Not in the public release."), missing=True)
    for label in dict.fromkeys(local_labels):
        rows.append(
            Row(
                label,
                missing,
                missing if baseline else None,
                None,
                [_local_figure(table, label, population) for table in tables],
                [missing for _ in wider],
            )
        )
    local = [LocalColumn(table.source, table.whole_period, table.refused) for table in tables]
    warnings = [text for table in tables for text in comparability_warnings([counts.release.source, table.source])]
    notes = _public_notes(counts)
    if baseline is not None:
        notes += [
            (
                "Change",
                f"Change since {baseline.release.source.title} ({baseline.period}): the later count minus the "
                "earlier one, for the whole area. Boundaries of wards and small areas changed between the two, "
                "so only the area as a whole is compared.",
            )
        ]
    if population is not None and counts.last and counts.last.year != population.on.year:
        notes.append(
            (
                "Rates",
                f"These figures are for {counts.period}; the population they are set against is of "
                f"{population.on:%B %Y}, so the rates are an approximation.",
            )
        )
    for w in wider:
        if w.population is None:
            notes.append(
                ("Rates", f"No population estimate for {w.name} has been taken in, so its counts have no rate.")
            )
        else:
            notes.append(("Denominator", f"Rates for {w.name}: {w.population.named}."))
    label = next(name for name, observed, _ in DIMENSIONS.values() if observed == column)
    return Comparison(counts, baseline, population, local, rows, warnings, label, notes, list(wider))


def _wider_figure(wider: WiderColumn, code: str) -> Figure:
    if code not in wider.counts.counts:
        return Figure(None, Rate(why=f"Not published for {wider.name}."), missing=True)
    count = wider.counts.counts[code]
    return Figure(count, rate_of(count, wider.population, suppressed="Suppressed by the publisher: no rate."))


def _comparisons(area: Area, found: list[PublicCounts], column: str, tables: list[IndicatorTable]) -> list[Comparison]:
    by_slug = {counts.release.source.slug: counts for counts in found}
    baselines = {by_slug[slug].release.pk for later, slug in BASELINES.items() if later in by_slug and slug in by_slug}
    population = population_of(area)
    # A local source that has no counts by this field has nothing to set beside the public ones.
    tables = [table for table in tables if set(table.master_values) - {NOT_RECORDED} or table.refused]
    by_release = comparator_counts(area, column)
    names = comparator_codes(area)
    populations: dict[str, Population | None] = {}

    def wider_of(counts: PublicCounts) -> list[WiderColumn]:
        found_for = by_release.get(counts.release.pk, {})
        out = []
        for code, name in names.items():
            if code in found_for:
                if code not in populations:
                    populations[code] = population_of(area, code)
                out.append(WiderColumn(code, name, found_for[code], populations[code]))
        return out

    return [
        _comparison(
            counts,
            by_slug.get(BASELINES.get(counts.release.source.slug, "")),
            population,
            column,
            tables,
            wider_of(counts),
        )
        for counts in found
        if counts.release.pk not in baselines
    ]


def _places(table: IndicatorTable) -> list[str]:
    """The areas of a local table by area: its master's subtotal rows, one a ward or small area."""
    if not table.master_nested:
        return []
    rows = dict.fromkeys(row for row, column in table.master_published if column == table.master_overall)
    # Rows with no area (an agency that gave none) are not a ward to set beside a public one.
    return [row for row in rows if NESTED not in row and row not in (TOTAL, ALL_AREAS, NOT_RECORDED)]


def _place_figure(table: IndicatorTable, label: str, population: Population | None) -> Figure:
    found = (
        table.master_published.get((label, table.master_overall), NOT_RETURNED) if table.master_nested else NOT_RETURNED
    )
    if found is NOT_RETURNED:
        return Figure(None, Rate(why="No count returned."), missing=True)
    return Figure(found, rate_of(found, population, suppressed="Suppressed to protect small numbers: no rate."))


def _ward_counts(area: Area) -> list[PublicCounts]:
    """The public releases in force giving the council's wards, each ward's count of everyone;
    not the population estimates, which the rates are worked out from."""
    found = []
    for counts in public_counts(area, "geography_code"):
        if counts.release.source.slug == DENOMINATOR:
            continue
        wards = {code: n for code, n in counts.counts.items() if re.match(WARD_CODES, code)}
        if wards:
            found.append(PublicCounts(counts.release, wards, counts.first, counts.last, counts.stock))
    return found


def _by_ward(area: Area, found: list[PublicCounts], tables: list[IndicatorTable]) -> list[Comparison]:
    """Each public release giving the council's wards, ward by ward (all its categories together),
    beside the local tables by area. Rates are per 1,000 residents of each ward when ward-level
    estimates are taken in. No baseline: ward boundaries changed since the 2011 Census."""
    column = "geography_code"
    populations = ward_populations(area)
    tables = [table for table in tables if _places(table) or table.refused]
    names = _names(column, {code for counts in found for code in counts.counts})
    codes_of = {_label(code, names): code for code in names} | {code: code for c in found for code in c.counts}
    publisher_suppressed = "Suppressed by the publisher: no rate."
    out = []
    for counts in found:
        by_label = {_label(code, names): code for code in counts.counts}
        labels = list(by_label) + [label for table in tables for label in table.whole_values() if label not in by_label]
        rows = []
        for label in dict.fromkeys(labels):
            code = codes_of.get(label, "")
            population = populations.get(code)
            public = (
                Figure(counts.counts[code], rate_of(counts.counts[code], population, suppressed=publisher_suppressed))
                if code in counts.counts
                else Figure(None, Rate(why="Not in the public release."), missing=True)
            )
            local = [_place_figure(table, label, population) for table in tables]
            if population is None:
                why = "No population estimate for this ward has been taken in."
                public = Figure(
                    public.count, Rate(why=public.rate.why if public.count is None else why), public.missing
                )
                local = [Figure(f.count, Rate(why=f.rate.why if f.count is None else why), f.missing) for f in local]
            rows.append(Row(label, public, None, None, local))
        notes = _public_notes(counts)
        notes.append(
            (
                "Wards",
                "Ward by ward, all categories of the table together. Wards are matched by their GSS code: a "
                "ward whose code changed with new boundaries has a row of its own on each side, unmatched.",
            )
        )
        estimate = next(iter(populations.values()), None)
        per_ward = (
            f"Rates per 1,000 residents of each ward, from {estimate.release.source.title} "
            f"({estimate.release.edition}, {estimate.on:%-d %B %Y}), ward by ward."
            if estimate
            else "No ward-level population estimate has been taken in, so there are no rates by ward."
        )
        notes.append(("Denominator", per_ward))
        warnings = [text for table in tables for text in comparability_warnings([counts.release.source, table.source])]
        local_columns = [LocalColumn(table.source, table.whole_period, table.refused) for table in tables]
        out.append(Comparison(counts, None, None, local_columns, rows, warnings, "Ward", notes, per_ward=per_ward))
    return out


def beside_build(*, area: Area, rows: str, tables: list[IndicatorTable]) -> list[Comparison]:
    """Each public release giving counts by the field of the rows, beside the local tables of the
    same field (already built and protected); by ward when the rows are areas."""
    if rows == "area":
        found = _ward_counts(area)
        return _by_ward(area, found, tables) if found else []
    column = DIMENSIONS[rows][1]
    found = public_counts(area, column)
    return _comparisons(area, found, column, tables) if found else []


def beside_report(
    *, area: Area, dimensions: list[str], tables_for: Callable[[str], list[IndicatorTable]]
) -> list[Comparison]:
    """For the printed report: the comparisons of each key field some public release gives (and by
    ward, when "area" is among them), the local tables of that field built only when there is
    something to set them beside."""
    out = []
    for rows in dimensions:
        if rows == "area":
            if found := _ward_counts(area):
                out += _by_ward(area, found, tables_for(rows))
            continue
        column = DIMENSIONS[rows][1]
        if found := public_counts(area, column):
            out += _comparisons(area, found, column, tables_for(rows))
    return out
