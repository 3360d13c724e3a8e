"""The catalogue as DCAT 3 in JSON-LD, after the UK Cross-Government Metadata Exchange Model (CDDO):
a dcat:Catalog of dcat:Dataset records, each with its title, description, publisher (a
foaf:Organization), theme, spatial and, where the caller knows it, temporal coverage, frequency and
distributions (the publisher's links).

A source released on a schedule is a dcat:DatasetSeries, and what is catalogued of its releases
(its latest, with the links) a dcat:Dataset in it through dcat:inSeries: DCAT 3's model of a regular
release. A one-off or irregular source is a plain dcat:Dataset. Takes sources loaded with
`selectors.sources_with_details`."""

import datetime
from collections.abc import Mapping

from catalogue.exports import FREQUENCY_CODES, FREQUENCY_URI
from catalogue.models import Source, SourceField

CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "dcat:startDate": {"@type": "xsd:date"},
    "dcat:endDate": {"@type": "xsd:date"},
    "dct:modified": {"@type": "xsd:dateTime"},
}

# Released on a schedule: a series of releases. The rest are single datasets.
SCHEDULED = {"decennial", "annual", "twice-yearly", "quarterly", "monthly", "biennial"}

Period = tuple[datetime.date, datetime.date]


def _organisation(name: str) -> dict:
    return {"@type": "foaf:Organization", "foaf:name": name}


def _publisher(source: Source) -> dict:
    # A local source has no one publisher: the agencies of these types hold it.
    holders = ", ".join(t.name for t in source.holding_agency_types.all())
    return _organisation(source.publisher or holders or "Local agencies")


def _theme(source: Source, base: str) -> dict:
    return {"@id": f"{base}themes/{source.theme.code}", "@type": "skos:Concept", "skos:prefLabel": source.theme.name}


def _common(source: Source, base: str, temporal: Period | None) -> dict:
    record = {
        "dct:identifier": source.slug,
        "dct:title": source.title,
        "dct:description": source.summary,
        "dct:publisher": _publisher(source),
        "dcat:theme": _theme(source, base),
        "dcat:keyword": [sf.field.name for sf in source.source_fields.all() if sf.availability in SourceField.HELD],
        "dct:accrualPeriodicity": {"@id": FREQUENCY_URI + FREQUENCY_CODES[source.frequency]},
        "dct:spatial": [
            {"@id": f"{base}geography/{g.code}", "@type": "dct:Location", "rdfs:label": g.name}
            for g in source.geography_levels.all()
        ],
        "dct:modified": source.updated_at.isoformat(timespec="seconds"),
    }
    if temporal:
        record["dct:temporal"] = {
            "@type": "dct:PeriodOfTime",
            "dcat:startDate": temporal[0].isoformat(),
            "dcat:endDate": temporal[1].isoformat(),
        }
    if source.landing_page:
        record["dcat:landingPage"] = {"@id": source.landing_page}
    return record


def _distributions(source: Source) -> list[dict]:
    return [
        {"@type": "dcat:Distribution", "dct:title": link.get("title") or source.title, "dcat:accessURL": {"@id": url}}
        for link in source.links
        if (url := link.get("url"))
    ]


def source_nodes(source: Source, base: str, temporal: Period | None = None) -> list[dict]:
    """The source's nodes: one dataset, or a series and its latest release."""
    dataset_id = f"{base}sources/{source.slug}"
    if source.frequency not in SCHEDULED:
        return [
            {
                "@id": dataset_id,
                "@type": "dcat:Dataset",
                **_common(source, base, temporal),
                "dcat:distribution": _distributions(source),
            }
        ]
    series_id = f"{dataset_id}/series"
    series = {"@id": series_id, "@type": "dcat:DatasetSeries", **_common(source, base, temporal)}
    latest = {
        "@id": f"{dataset_id}/latest",
        "@type": "dcat:Dataset",
        **_common(source, base, temporal),
        "dct:title": f"{source.title}: latest release",
        "dcat:inSeries": {"@id": series_id},
        "dcat:distribution": _distributions(source),
    }
    return [series, latest]


def catalogue_jsonld(sources, *, base: str, temporal: Mapping[int, Period] | None = None) -> dict:
    """`base` is the absolute address the identifiers are made under (ending in /); `temporal` the
    period each source's catalogued data covers, by source id, where the caller knows it."""
    temporal = temporal or {}
    datasets = [node for s in sources for node in source_nodes(s, base, temporal.get(s.pk))]
    return {
        "@context": CONTEXT,
        "@id": f"{base}catalogue",
        "@type": "dcat:Catalog",
        "dct:title": "Local international migration data sources",
        "dct:description": (
            "Public, local and qualitative sources for understanding international migration in a local area."
        ),
        "dct:publisher": _organisation("Migration data tracker"),
        "dcat:dataset": datasets,
    }
