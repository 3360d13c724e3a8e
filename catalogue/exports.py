"""The catalogue as CSV and as DCAT-style JSON-LD. Takes sources loaded with
`selectors.sources_with_details`."""

import csv
import io

from catalogue.models import Source, SourceField
from project.lib.spreadsheet import neutralise

# EU Publications Office frequency vocabulary, the one DCAT-AP uses for accrualPeriodicity.
FREQUENCY_URI = "http://publications.europa.eu/resource/authority/frequency/"
FREQUENCY_CODES = {
    "decennial": "DECENNIAL",
    "annual": "ANNUAL",
    "twice-yearly": "ANNUAL_2",
    "quarterly": "QUARTERLY",
    "monthly": "MONTHLY",
    "biennial": "BIENNIAL",
    "irregular": "IRREG",
    "one-off": "NEVER",
    "on-request": "IRREG",
}

JSON_CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "tracker": "urn:migration-data-tracker:",
    "title": "dct:title",
    "description": "dct:description",
    "identifier": "dct:identifier",
    "publisher": "dct:publisher",
    "accrualPeriodicity": {"@id": "dct:accrualPeriodicity", "@type": "@id"},
    "spatial": "dct:spatial",
    "theme": "dcat:theme",
    "keyword": "dcat:keyword",
    "landingPage": {"@id": "dcat:landingPage", "@type": "@id"},
    "dataset": "dcat:dataset",
    "conformsTo": "dct:conformsTo",
    "source": "dct:source",
}

CSV_COLUMNS = [
    "identifier",
    "title",
    "stage",
    "toolkit_reference",
    "theme",
    "publisher",
    "holding_agency_types",
    "description",
    "frequency",
    "release_timing",
    "access_route",
    "landing_page",
    "links",
    "geography_levels",
    "measure",
    "migrant_definitions",
    "fields_carried",
    "fields_partial",
    "fields_to_check",
    "fields_absent",
    "caveats",
    "comparability",
    "relevance_condition",
]


def _fields(source: Source, availability: str) -> list[str]:
    return [sf.field.name for sf in source.source_fields.all() if sf.availability == availability]


def source_record(source: Source) -> dict:
    """One dataset: DCAT property names where one fits, the tracker's own names for the rest."""
    holders = [t.name for t in source.holding_agency_types.all()]
    return {
        "@type": "dcat:Dataset",
        "identifier": source.slug,
        "title": source.title,
        "description": source.summary,
        "publisher": source.publisher or ", ".join(holders),
        "accrualPeriodicity": FREQUENCY_URI + FREQUENCY_CODES[source.frequency],
        "spatial": [g.name for g in source.geography_levels.all()],
        "theme": source.theme.name,
        "keyword": [sf.field.name for sf in source.source_fields.all() if sf.availability in SourceField.HELD],
        "landingPage": source.landing_page or None,
        "stage": source.stage,
        "stageLabel": source.get_stage_display(),
        "frequency": source.frequency,
        "releaseTiming": source.release_timing,
        "releaseMonths": source.release_months,
        "accessRoute": source.access_route,
        "links": source.links,
        "holdingAgencyTypes": [t.code for t in source.holding_agency_types.all()],
        "measure": source.measure,
        "migrantDefinitions": [d.code for d in source.migrant_definitions.all()],
        "fields": {sf.field.code: sf.availability for sf in source.source_fields.all()},
        "caveats": source.caveat_list,
        "comparability": source.comparability,
        "relevanceCondition": source.relevance_condition,
        "toolkitReference": {"appendix": source.appendix or None, "row": source.appendix_row},
    }


def catalogue_json(sources) -> dict:
    return {
        "@context": JSON_CONTEXT,
        "@type": "dcat:Catalog",
        "title": "Local international migration data sources",
        "description": (
            "Public, local and qualitative sources for understanding international migration in a local area."
        ),
        "dataset": [source_record(s) for s in sources],
    }


def catalogue_csv(sources) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for s in sources:
        row = [
            s.slug,
            s.title,
            s.stage,
            s.toolkit_reference,
            s.theme.name,
            s.publisher,
            "; ".join(t.name for t in s.holding_agency_types.all()),
            s.summary,
            s.get_frequency_display(),
            s.release_timing,
            s.get_access_route_display(),
            s.landing_page,
            " ".join(link["url"] for link in s.links),
            "; ".join(g.name for g in s.geography_levels.all()),
            s.get_measure_display(),
            "; ".join(d.term for d in s.migrant_definitions.all()),
            "; ".join(_fields(s, "carried")),
            "; ".join(_fields(s, "partial")),
            "; ".join(_fields(s, "check")),
            "; ".join(_fields(s, "absent")),
            " | ".join(s.caveat_list),
            s.comparability,
            s.relevance_condition,
        ]
        writer.writerow([neutralise(v) for v in row])
    return out.getvalue()
