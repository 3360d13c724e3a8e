"""Catalogue content: the vocabulary (themes, geography levels, fields, organisation types,
definitions) and the sources of the three stages with their relations."""

from pathlib import Path

from catalogue.loading.seed import CatalogueDataError, LoadReport, check_row, fingerprint, pick, read_yaml, upsert
from catalogue.models import Definition, Field, GeographyLevel, OrganisationType, Source, SourceField, Theme

SOURCE_FILES = ("sources_public.yaml", "sources_current.yaml", "sources_local.yaml", "sources_qualitative.yaml")


def load_vocabulary(report: LoadReport, data_dir: Path) -> dict:
    themes = upsert(
        Theme,
        "code",
        [pick(r, "code", "name", "description", "order") for r in read_yaml("themes.yaml", data_dir)],
        report,
    )
    levels = upsert(
        GeographyLevel,
        "code",
        [pick(r, "code", "name", "order") for r in read_yaml("geography_levels.yaml", data_dir)],
        report,
    )
    fields = upsert(
        Field,
        "code",
        [
            {
                **pick(r, "code", "name", "kind", "description", "order"),
                "special_category": bool(r.get("special_category", False)),
                "aliases": list(r.get("aliases", [])),
            }
            for r in read_yaml("fields.yaml", data_dir)
        ],
        report,
    )
    org_types = upsert(
        OrganisationType,
        "code",
        [
            {
                **pick(r, "code", "name", "group"),
                "in_partner_table": bool(r.get("in_partner_table", True)),
                "response_working_days": int(r.get("response_working_days", 20)),
            }
            for r in read_yaml("organisation_types.yaml", data_dir)
        ],
        report,
    )
    definitions = upsert(
        Definition,
        "code",
        [
            {
                "code": r["code"],
                "term": r["term"],
                "kind": r["kind"],
                "text": " ".join(str(r["text"]).split()),
                "source_document": r.get("source", ""),
            }
            for r in read_yaml("definitions.yaml", data_dir)
        ],
        report,
    )
    return {"themes": themes, "levels": levels, "fields": fields, "org_types": org_types, "definitions": definitions}


def _source_values(row: dict, vocab: dict, where: str) -> tuple[dict, dict]:
    """Splits one YAML source into plain values and relation codes, checking every code."""

    def codes(name: str, table: str) -> list[str]:
        found = sorted(set(row.get(name) or []))
        unknown = [code for code in found if code not in vocab[table]]
        if unknown:
            raise CatalogueDataError(f"{where}: unknown {name} {unknown}")
        return found

    theme = vocab["themes"].get(row.get("theme"))
    if theme is None:
        raise CatalogueDataError(f"{where}: unknown theme {row.get('theme')!r}")
    field_codes = row.get("fields") or {}
    unknown_fields = sorted(set(field_codes) - set(vocab["fields"]))
    if unknown_fields:
        raise CatalogueDataError(f"{where}: unknown fields {unknown_fields}")
    links = row.get("links") or []
    if not all(isinstance(link, dict) and {"title", "url"} <= set(link) for link in links):
        raise CatalogueDataError(f"{where}: each link needs a title and a url")
    values = {
        "slug": row["slug"],
        "title": row["title"],
        "stage": row["stage"],
        "theme_id": theme.pk,
        "publisher": row.get("publisher") or "",
        "summary": " ".join(str(row.get("summary", "")).split()),
        "frequency": row["frequency"],
        "release_timing": row.get("release_timing") or "",
        "release_months": sorted(int(m) for m in row.get("release_months") or []),
        "access_route": row["access_route"],
        "links": [{"title": link["title"], "url": link["url"]} for link in links],
        "measure": row["measure"],
        "unit": row.get("unit") or Source.Unit.PERSONS,
        "caveats": "\n\n".join(" ".join(str(c).split()) for c in row.get("caveats") or []),
        "comparability": " ".join(str(row.get("comparability") or "").split()),
        "relevance_condition": row.get("relevance_condition") or "",
        "appendix": row.get("appendix") or "",
        "appendix_row": row.get("row"),
    }
    relations = {
        "holding_agency_types": codes("holding_agency_types", "org_types"),
        "geography_levels": codes("geography_levels", "levels"),
        "migrant_definitions": codes("migrant_definitions", "definitions"),
        "fields": {code: str(value) for code, value in sorted(field_codes.items())},
    }
    if not relations["geography_levels"]:
        raise CatalogueDataError(f"{where}: every source needs at least one geography level")
    return values, relations


def _current_relations(source: Source) -> dict:
    return {
        "holding_agency_types": sorted(t.code for t in source.holding_agency_types.all()),
        "geography_levels": sorted(g.code for g in source.geography_levels.all()),
        "migrant_definitions": sorted(d.code for d in source.migrant_definitions.all()),
        "fields": {
            sf.field.code: sf.availability for sf in sorted(source.source_fields.all(), key=lambda sf: sf.field.code)
        },
    }


def load_sources(report: LoadReport, vocab: dict, data_dir: Path) -> None:
    label = "sources"
    existing = {
        s.slug: s
        for s in Source.objects.prefetch_related(
            "holding_agency_types", "geography_levels", "migrant_definitions", "source_fields__field"
        )
    }
    seen = set()
    for name in SOURCE_FILES:
        for row in read_yaml(name, data_dir):
            where = f"{name}: {row.get('slug', '?')}"
            if row.get("slug") in seen:
                raise CatalogueDataError(f"{where}: slug used twice")
            seen.add(row.get("slug"))
            values, relations = _source_values(row, vocab, where)
            new_fp = fingerprint({**values, **relations})
            source = existing.get(values["slug"])
            if source is not None:
                current_fp = fingerprint({**{k: getattr(source, k) for k in values}, **_current_relations(source)})
                if current_fp != source.seed_fingerprint:
                    report.kept[label] += 1
                    continue
                if new_fp == source.seed_fingerprint:
                    report.unchanged[label] += 1
                    continue
                report.updated[label] += 1
            else:
                source = Source()
                report.created[label] += 1
            for key, value in values.items():
                setattr(source, key, value)
            source.seed_fingerprint = new_fp
            check_row(source, where)
            source.save()
            _set_relations(source, relations, vocab)


def _set_relations(source: Source, relations: dict, vocab: dict) -> None:
    source.holding_agency_types.set([vocab["org_types"][c] for c in relations["holding_agency_types"]])
    source.geography_levels.set([vocab["levels"][c] for c in relations["geography_levels"]])
    source.migrant_definitions.set([vocab["definitions"][c] for c in relations["migrant_definitions"]])
    source.source_fields.all().delete()
    links = [
        SourceField(source=source, field=vocab["fields"][code], availability=availability)
        for code, availability in relations["fields"].items()
    ]
    for link in links:
        check_row(link, f"source {source.slug}, field {link.field.code}")
    SourceField.objects.bulk_create(links)
