"""Rules on whether agencies and sources describe people the same way, so their figures add up."""

from collections import defaultdict

from project.lib.text import plural
from reports.coverage import Coverage
from reports.recommendations.items import Evidence, Recommendation

CATEGORY_COLUMNS = {
    "age_band": "age bands",
    "immigration_status": "immigration status categories",
    "gender": "gender categories",
}


def categories_differ(coverage: Coverage) -> list[Recommendation]:
    """Agencies returning the same field with different category lists, so their counts cannot be added."""
    labels = coverage.agency_names
    out = []
    for column, words in CATEGORY_COLUMNS.items():
        used = coverage.categories.get(column, {})
        if len({frozenset(v) for v in used.values()}) > 1:
            out.append(
                Recommendation(
                    "categories-differ",
                    "categories",
                    f"Agree common {words} across {plural(len(used), 'agency')}",
                    f"The agencies' returns use different {words}, so their counts cannot be added or compared cell by "
                    "cell.",
                    [
                        Evidence(labels[pk], ", ".join(sorted(values)))
                        for pk, values in sorted(used.items(), key=lambda i: labels[i[0]])
                    ],
                    len(used),
                )
            )
    nationality = coverage.categories.get("nationality", {})
    groups_only = [pk for pk in coverage.categories.get("nationality_group", {}) if pk not in nationality]
    if nationality and groups_only:
        involved = sorted(set(nationality) | set(groups_only), key=lambda pk: labels[pk])
        out.append(
            Recommendation(
                "categories-differ",
                "categories",
                "Report nationality by country in every agency",
                "Some agencies send nationality by country and others only by broad group, so the detailed figures "
                "stop at the coarsest grouping any agency uses.",
                [Evidence(labels[pk], "by country" if pk in nationality else "by group only") for pk in involved],
                len(groups_only),
            )
        )
    return out


def definitions_differ(coverage: Coverage) -> list[Recommendation]:
    """Local sources in use that define a migrant in different ways."""
    used = {r["source_id"] for r in coverage.requests if r["status"] not in ("draft", "withdrawn")}
    sources = [coverage.sources[pk] for pk in used]
    by_definitions = defaultdict(list)
    for source in sources:
        by_definitions[coverage.definitions.get(source.pk, ())].append(source.title)
    if len(by_definitions) < 2:
        return []
    evidence = [
        Evidence("; ".join(sorted(titles)), ", ".join(terms) or "no migrant definition (context only)")
        for terms, titles in sorted(by_definitions.items())
    ]
    return [
        Recommendation(
            "definitions-differ",
            "definitions",
            f"Choose one migrant definition for the {plural(len(sources), 'local source')} in use",
            "The sources requested count migrants in different ways (by birth, by nationality, by status), so their "
            "figures describe different groups; choose the definition that suits local decisions and ask for it "
            "everywhere.",
            evidence,
            len(sources),
            "sources",
        )
    ]
