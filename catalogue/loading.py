"""Loads catalogue content and reference data from catalogue/data/*.yaml and pycountry.

Idempotent: a second run changes nothing. Each row remembers a fingerprint of the values the
loader wrote; a row whose values no longer match its fingerprint was edited by a person, and the
loader keeps that edit rather than overwrite it (it reports the row as kept).
"""

import datetime
import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pycountry
import yaml
from django.core.exceptions import ValidationError
from django.db import models

from catalogue.models import (
    Country,
    CountryAlias,
    Definition,
    Field,
    GeographyLevel,
    GssPrefix,
    Language,
    NationalityGroup,
    NationalityGroupMember,
    OrganisationType,
    Source,
    SourceField,
    Theme,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
SOURCE_FILES = ("sources_public.yaml", "sources_local.yaml", "sources_qualitative.yaml")

# Kept as categories of their own, never matched to a country.
SPECIAL_COUNTRIES = {
    "STATELESS": ("Stateless", ["stateless", "stateless person", "no nationality"]),
    "UNKNOWN": ("Unknown", ["unknown", "not known", "unk"]),
    "NOT-RECORDED": ("Not recorded", ["not recorded", "not stated", "not given", "missing", "blank"]),
}


class CatalogueDataError(Exception):
    """The YAML content is wrong; the message says which file and row."""


@dataclass
class LoadReport:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    kept: Counter = field(default_factory=Counter)

    def lines(self) -> list[str]:
        names = sorted(set(self.created) | set(self.updated) | set(self.unchanged) | set(self.kept))
        return [
            f"{name}: {self.created[name]} created, {self.updated[name]} updated, "
            f"{self.unchanged[name]} unchanged, {self.kept[name]} kept as edited by users"
            for name in names
        ]


def normalise_alias(text: str) -> str:
    return " ".join(str(text).replace("\u00a0", " ").split()).casefold()


def fingerprint(values: dict) -> str:
    return hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()


def read_yaml(name: str, data_dir: Path = DATA_DIR) -> list:
    path = data_dir / name
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except (OSError, yaml.YAMLError) as exc:
        raise CatalogueDataError(f"{name}: cannot read: {exc}") from exc


def _check(obj: models.Model, where: str) -> None:
    try:
        # Uniqueness and constraints are enforced by the database within the same transaction.
        obj.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        raise CatalogueDataError(f"{where}: {exc.message_dict}") from exc


def upsert(model, key: str, rows: list[dict], report: LoadReport) -> dict:
    """Creates or updates rows of a model with no many-to-many content; returns {key: object}."""
    label = model._meta.verbose_name_plural
    existing = {getattr(obj, key): obj for obj in model.objects.all()}
    to_create, to_update, changed_fields = [], [], set()
    for row in rows:
        new_fp = fingerprint(row)
        obj = existing.get(row[key])
        if obj is None:
            obj = model(**row, seed_fingerprint=new_fp)
            _check(obj, f"{label} {row[key]}")
            to_create.append(obj)
            report.created[label] += 1
            continue
        current_fp = fingerprint({name: getattr(obj, name) for name in row})
        if current_fp != obj.seed_fingerprint:
            report.kept[label] += 1
        elif new_fp == obj.seed_fingerprint:
            report.unchanged[label] += 1
        else:
            for name, value in row.items():
                setattr(obj, name, value)
            obj.seed_fingerprint = new_fp
            _check(obj, f"{label} {row[key]}")
            to_update.append(obj)
            changed_fields.update(row)
            report.updated[label] += 1
    model.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        model.objects.bulk_update(to_update, sorted(changed_fields | {"seed_fingerprint"}), batch_size=500)
    return {getattr(obj, key): obj for obj in model.objects.all()}


def _pick(row: dict, *names: str, **defaults) -> dict:
    return {name: row.get(name, defaults.get(name, "")) for name in names}


def load_vocabulary(report: LoadReport, data_dir: Path) -> dict:
    themes = upsert(
        Theme,
        "code",
        [_pick(r, "code", "name", "description", "order") for r in read_yaml("themes.yaml", data_dir)],
        report,
    )
    levels = upsert(
        GeographyLevel,
        "code",
        [_pick(r, "code", "name", "order") for r in read_yaml("geography_levels.yaml", data_dir)],
        report,
    )
    fields = upsert(
        Field,
        "code",
        [
            {
                **_pick(r, "code", "name", "kind", "description", "order"),
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
                **_pick(r, "code", "name", "group"),
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
            _check(source, where)
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
        _check(link, f"source {source.slug}, field {link.field.code}")
    SourceField.objects.bulk_create(links)


def load_countries(report: LoadReport, data_dir: Path) -> None:
    rows = [
        {
            "code": c.alpha_2,
            "alpha3": c.alpha_3,
            "numeric": c.numeric,
            "name": getattr(c, "common_name", c.name),
            "official_name": getattr(c, "official_name", ""),
            "kind": Country.Kind.ISO,
        }
        for c in pycountry.countries
    ]
    rows.append(
        {
            "code": "XK",
            "alpha3": "XKX",
            "numeric": "",
            "name": "Kosovo",
            "official_name": "Republic of Kosovo",
            "kind": Country.Kind.USER_ASSIGNED,
        }
    )
    rows += [
        {"code": code, "alpha3": "", "numeric": "", "name": name, "official_name": "", "kind": Country.Kind.SPECIAL}
        for code, (name, _) in SPECIAL_COUNTRIES.items()
    ]
    countries = upsert(Country, "code", rows, report)

    aliases: dict[str, dict] = {}

    def add(alias: str, code: str, kind: str, note: str = "") -> None:
        key = normalise_alias(alias)
        if key and code in countries:
            aliases[key] = {"key": key, "alias": alias, "country_id": countries[code].pk, "kind": kind, "note": note}

    for row in rows:
        for text in (row["code"], row["alpha3"], row["name"], row["official_name"]):
            if text and row["kind"] != Country.Kind.SPECIAL:
                add(text, row["code"], CountryAlias.Kind.ISO_NAME)
    for c in pycountry.countries:
        add(c.name, c.alpha_2, CountryAlias.Kind.ISO_NAME)
    for code, (_, words) in SPECIAL_COUNTRIES.items():
        for word in words:
            add(word, code, CountryAlias.Kind.ALTERNATIVE_NAME)
    # The curated words win over ISO names when both spell the same thing.
    for row in read_yaml("nationalities.yaml", data_dir):
        if row["code"] not in countries:
            raise CatalogueDataError(f"nationalities.yaml: {row['alias']!r} maps to unknown code {row['code']!r}")
        add(row["alias"], row["code"], row["kind"], row.get("note", ""))
    upsert(CountryAlias, "key", list(aliases.values()), report)

    groups = upsert(
        NationalityGroup,
        "code",
        [
            {
                "code": g["code"],
                "name": g["name"],
                "description": " ".join(str(g.get("description", "")).split()),
                "residual": bool(g.get("residual", False)),
            }
            for g in read_yaml("ons_groups.yaml", data_dir)
        ],
        report,
    )
    have = set(NationalityGroupMember.objects.values_list("group__code", "country__code", "valid_from"))
    new_members = []
    for g in read_yaml("ons_groups.yaml", data_dir):
        for m in g.get("members") or []:
            valid_from = m.get("valid_from")
            probe = (g["code"], m["country"], _as_date(valid_from))
            if probe in have:
                continue
            new_members.append(
                NationalityGroupMember(
                    group=groups[g["code"]],
                    country=countries[m["country"]],
                    valid_from=_as_date(valid_from),
                    valid_to=_as_date(m.get("valid_to")),
                )
            )
    NationalityGroupMember.objects.bulk_create(new_members)
    if new_members:
        report.created["nationality group members"] += len(new_members)


def _as_date(value):
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))


def load_languages(report: LoadReport) -> None:
    # Living individual languages and macrolanguages: what a service user might name as their
    # main language. Extinct, ancient and constructed languages are left out.
    rows = [
        {"code": lang.alpha_3, "alpha2": getattr(lang, "alpha_2", ""), "name": lang.name}
        for lang in pycountry.languages
        if getattr(lang, "type", "") == "L" or hasattr(lang, "alpha_2")
    ]
    upsert(Language, "code", rows, report)


def load_gss_prefixes(report: LoadReport, data_dir: Path) -> None:
    levels = {g.code: g for g in GeographyLevel.objects.all()}
    rows = []
    for r in read_yaml("gss_prefixes.yaml", data_dir):
        level = r.get("level")
        if level and level not in levels:
            raise CatalogueDataError(f"gss_prefixes.yaml: {r['prefix']}: unknown level {level!r}")
        rows.append(
            {
                "prefix": r["prefix"],
                "name": r["name"],
                "level_id": levels[level].pk if level else None,
                "nation": r["nation"],
            }
        )
    upsert(GssPrefix, "prefix", rows, report)
