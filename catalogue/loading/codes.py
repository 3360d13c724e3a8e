"""Reference code lists: countries and the words people write for them, ONS nationality groups,
languages and GSS code prefixes."""

import datetime
from pathlib import Path

import pycountry

from catalogue.loading.seed import CatalogueDataError, LoadReport, read_yaml, upsert
from catalogue.models import (
    Country,
    CountryAlias,
    GeographyLevel,
    GssPrefix,
    Language,
    NationalityGroup,
    NationalityGroupMember,
)

# Kept as categories of their own, never matched to a country.
SPECIAL_COUNTRIES = {
    "STATELESS": ("Stateless", ["stateless", "stateless person", "no nationality"]),
    "UNKNOWN": ("Unknown", ["unknown", "not known", "unk"]),
    "NOT-RECORDED": ("Not recorded", ["not recorded", "not stated", "not given", "missing", "blank"]),
}


def normalise_alias(text: str) -> str:
    return " ".join(str(text).replace("\u00a0", " ").split()).casefold()


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
