"""Reads of the catalogue for pages, exports and other apps. The catalogue holds no agency data,
so every signed-in user may read it; the Appendix 3 answers are per area."""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404

from catalogue.filters import SourceFilter
from catalogue.models import (
    Area,
    Definition,
    Field,
    GeographyLevel,
    Source,
    SourceAvailability,
    SourceField,
    Theme,
)


def sources_with_details(queryset: QuerySet | None = None) -> QuerySet:
    """Sources with everything a list, export or comparison shows, in a fixed number of queries."""
    queryset = Source.objects.all() if queryset is None else queryset
    return queryset.select_related("theme").prefetch_related(
        "geography_levels",
        "holding_agency_types",
        "migrant_definitions",
        Prefetch("source_fields", queryset=SourceField.objects.select_related("field").order_by("field__order")),
    )


def source_filter(data: QueryDict) -> SourceFilter:
    return SourceFilter(data, queryset=Source.objects.order_by("stage", "title"))


@dataclass(frozen=True)
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class Facet:
    param: str
    label: str
    options: list[FacetOption]
    all_of: bool  # True when ticked values must all hold (AND), False for any of them (OR)


def _base(data: QueryDict, param: str, all_of: bool) -> QuerySet:
    """The result set a facet counts within: for OR facets, as if that facet were not ticked."""
    if not all_of:
        data = data.copy()
        data.pop(param, None)
    return source_filter(data).qs


def source_facets(data: QueryDict) -> list[Facet]:
    """Counts per facet value; one query per facet whatever the size of the catalogue."""

    def options(param, pairs, counts):
        chosen = set(data.getlist(param))
        return [FacetOption(value, label, counts.get(value, 0), value in chosen) for value, label in pairs]

    facets = []
    for param, label, choices in (
        ("stage", "Stage", Source.Stage.choices),
        ("frequency", "Frequency", Source.Frequency.choices),
        ("measure", "What it measures", Source.Measure.choices),
    ):
        qs = _base(data, param, all_of=False)
        counts = dict(qs.order_by().values_list(param).annotate(n=Count("id")))
        facets.append(Facet(param, label, options(param, choices, counts), all_of=False))

    qs = _base(data, "theme", all_of=False)
    counts = dict(qs.order_by().values_list("theme__code").annotate(n=Count("id")))
    facets.insert(
        1,
        Facet(
            "theme",
            "Theme",
            options("theme", Theme.objects.order_by("order").values_list("code", "name"), counts),
            False,
        ),
    )

    results = source_filter(data).qs
    levels = GeographyLevel.objects.annotate(n=Count("sources", filter=Q(sources__in=results))).order_by("order")
    facets.append(
        Facet(
            "geography",
            "Geography level reached",
            options("geography", [(g.code, g.name) for g in levels], {g.code: g.n for g in levels}),
            all_of=True,
        )
    )
    fields = Field.objects.annotate(
        n=Count(
            "source_fields",
            filter=Q(source_fields__source__in=results, source_fields__availability__in=SourceField.HELD),
        )
    ).order_by("order")
    facets.append(
        Facet(
            "field",
            "Fields carried",
            options("field", [(f.code, f.name) for f in fields], {f.code: f.n for f in fields}),
            True,
        )
    )
    definitions = (
        Definition.objects.filter(kind=Definition.Kind.MIGRANT)
        .annotate(n=Count("sources", filter=Q(sources__in=results)))
        .order_by("term")
    )
    facets.append(
        Facet(
            "definition",
            "Migrant definition",
            options("definition", [(d.code, d.term) for d in definitions], {d.code: d.n for d in definitions}),
            True,
        )
    )
    return facets


def source_get(slug: str) -> Source:
    return get_object_or_404(sources_with_details(), slug=slug)


def sources_sharing_key_fields(source: Source) -> QuerySet:
    """Other sources that hold at least one of this source's key fields: the ones a coordinator
    would be tempted to compare it with."""
    keys = [
        sf.field_id
        for sf in source.source_fields.all()
        if sf.field.kind == Field.Kind.KEY and sf.availability in SourceField.HELD
    ]
    shared = SourceField.objects.filter(field_id__in=keys, availability__in=SourceField.HELD).values("source_id")
    return sources_with_details(Source.objects.filter(pk__in=shared).exclude(pk=source.pk).order_by("stage", "title"))


def sources_by_slugs(slugs: list[str]) -> list[Source]:
    found = {s.slug: s for s in sources_with_details(Source.objects.filter(slug__in=slugs))}
    return [found[slug] for slug in dict.fromkeys(slugs) if slug in found]


def definitions_glossary() -> QuerySet:
    return Definition.objects.annotate(source_count=Count("sources")).order_by("-kind", "term")


def area_for_user(user) -> Area:
    """The area a coordinator or DPO works on. Agencies belong to one area; the tracker serves one
    area per installation today, so this is the first area (404 when none is set up)."""
    area = Area.objects.order_by("pk").first()
    if area is None:
        raise Http404("No area is set up yet.")
    return area


def availability_rows(area: Area) -> list[tuple[Source, SourceAvailability | None]]:
    answers = {a.source_id: a for a in SourceAvailability.objects.filter(area=area).select_related("updated_by")}
    sources = Source.objects.filter(stage=Source.Stage.QUALITATIVE).order_by("appendix_row", "title")
    return [(s, answers.get(s.pk)) for s in sources]
