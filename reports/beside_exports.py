"""Public figures beside local ones, as rows of a file: the same comparison the indicators page
shows (the council, its comparator areas, the baseline and the local sources, each count with its
rate per 1,000), with what a reader must know beside it: the public source and its definition, the
comparability warning, and the population each rate is worked out from, named.

Local counts come from tables already protected; public counts are as their publisher published
them. A suppressed count is written as [c] with no rate; a count not given at all is left blank."""

from reports.indicators.beside import Comparison, Figure

SUPPRESSED = "[c]"


def title(comparison: Comparison) -> str:
    return f"Public beside local: {comparison.source.title} by {comparison.field_label.lower()}"


def header(comparison: Comparison) -> list[str]:
    public = comparison.public
    out = [comparison.field_label, f"{comparison.source.title}, {public.period}", "per 1,000"]
    if comparison.baseline:
        baseline = comparison.baseline
        out += [f"{baseline.release.source.title}, {baseline.period}", f"Change since {baseline.period}"]
    for local in comparison.local:
        out += [f"Local: {local.source.title}{f', {local.period}' if local.period else ''}", "per 1,000"]
    for wider in comparison.wider:
        out += [f"{wider.name}, {wider.counts.period}", f"{wider.name} per 1,000"]
    return out


def _count(figure: Figure):
    return "" if figure.missing else SUPPRESSED if figure.count is None else figure.count


def _pair(figure: Figure) -> list:
    rate = figure.rate.per_1000
    return [_count(figure), "" if rate is None else float(rate)]


def rows(comparison: Comparison) -> list[list]:
    out = []
    for row in comparison.rows:
        values = [row.label, *_pair(row.public)]
        if comparison.baseline:
            values += [_count(row.baseline), "" if row.change is None else row.change]
        for figure in (*row.local, *row.wider):
            values += _pair(figure)
        out.append(values)
    return out


def denominators(comparison: Comparison) -> list[str]:
    """Each population a rate of the comparison is worked out from, named; or why there is none."""
    council = comparison.population
    out = [
        f"Rates for {comparison.public.release.area.name}: "
        + (council.named if council else "no population estimate has been taken in, so there are no rates.")
    ]
    for wider in comparison.wider:
        out.append(
            f"Rates for {wider.name}: "
            + (wider.population.named if wider.population else "no population estimate for it has been taken in.")
        )
    return out


def notes(comparison: Comparison) -> list[tuple[str, str]]:
    """The public source's release, definitions and caveats, the comparability warnings and the
    denominators, as (label, text)."""
    out = [("Public source", f"{comparison.source.title} ({comparison.source.slug})")]
    out += [(label, text) for label, text in comparison.notes if label != "Denominator"]
    out += [("Not comparable", warning) for warning in comparison.warnings]
    out += [("Denominator", text) for text in denominators(comparison)]
    for local in comparison.local:
        terms = ", ".join(d.term for d in local.source.migrant_definitions.all())
        out.append((f"Local: {local.source.title}", f"Definition: {terms or 'none; read it as context'}."))
        if local.refused:
            out.append((f"Local: {local.source.title}", local.refused))
    out.append(
        ("Rates", "Per 1,000 residents. A rate is never worked out from a suppressed count ([c]) or a missing one.")
    )
    return out


def as_json(comparison: Comparison) -> dict:
    def figure(f: Figure) -> dict:
        rate = f.rate.per_1000
        return {
            "count": None if f.missing else f.count,
            "suppressed": not f.missing and f.count is None,
            "per_1000": None if rate is None else str(rate),
            "no_rate": f.rate.why if rate is None else "",
        }

    return {
        "title": title(comparison),
        "source": comparison.source.slug,
        "edition": comparison.public.release.edition,
        "period": comparison.public.period,
        "field": comparison.field_label,
        "baseline": comparison.baseline.release.source.slug if comparison.baseline else None,
        "comparators": [{"code": w.code, "name": w.name, "period": w.counts.period} for w in comparison.wider],
        "local_sources": [
            {"source": lc.source.slug, "period": lc.period, "refused": lc.refused} for lc in comparison.local
        ],
        "rows": [
            {
                "label": row.label,
                "public": figure(row.public),
                "baseline": figure(row.baseline) if row.baseline else None,
                "change": row.change,
                "comparators": [figure(f) for f in row.wider],
                "local": [figure(f) for f in row.local],
            }
            for row in comparison.rows
        ],
        "warnings": comparison.warnings,
        "denominators": denominators(comparison),
        "notes": [{"label": label, "text": text} for label, text in notes(comparison)],
    }
