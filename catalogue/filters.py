"""The catalogue's search and facets, with django-filter.

Facets of a single-valued attribute (stage, theme, frequency, measure) combine ticked values with
OR; facets of a many-valued attribute (geography levels, fields, definitions) with AND, so that
"ward and nationality" finds sources that have both.
"""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q

from catalogue.models import Definition, Field, GeographyLevel, Source, SourceField, Theme


class SourceFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    stage = django_filters.MultipleChoiceFilter(choices=Source.Stage.choices, widget=forms.CheckboxSelectMultiple)
    theme = django_filters.ModelMultipleChoiceFilter(
        field_name="theme__code",
        to_field_name="code",
        queryset=Theme.objects.all(),
        widget=forms.CheckboxSelectMultiple,
    )
    frequency = django_filters.MultipleChoiceFilter(
        choices=Source.Frequency.choices, widget=forms.CheckboxSelectMultiple
    )
    measure = django_filters.MultipleChoiceFilter(choices=Source.Measure.choices, widget=forms.CheckboxSelectMultiple)
    geography = django_filters.ModelMultipleChoiceFilter(
        to_field_name="code",
        queryset=GeographyLevel.objects.all(),
        method="filter_geography",
        widget=forms.CheckboxSelectMultiple,
    )
    field = django_filters.ModelMultipleChoiceFilter(
        to_field_name="code", queryset=Field.objects.all(), method="filter_field", widget=forms.CheckboxSelectMultiple
    )
    definition = django_filters.ModelMultipleChoiceFilter(
        to_field_name="code",
        queryset=Definition.objects.filter(kind=Definition.Kind.MIGRANT),
        method="filter_definition",
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Source
        fields = []

    def search(self, queryset, name, value):
        for term in value.split():
            holder = Source.holding_agency_types.through.objects.filter(
                source=OuterRef("pk"), organisationtype__name__icontains=term
            )
            queryset = queryset.filter(
                Q(title__icontains=term)
                | Q(summary__icontains=term)
                | Q(caveats__icontains=term)
                | Q(comparability__icontains=term)
                | Q(publisher__icontains=term)
                | Q(relevance_condition__icontains=term)
                | Q(theme__name__icontains=term)
                | Exists(holder)
            )
        return queryset

    # Exists() rather than joins: each ticked value narrows the results without duplicating rows.
    def filter_geography(self, queryset, name, levels):
        through = Source.geography_levels.through
        for level in levels:
            queryset = queryset.filter(Exists(through.objects.filter(source=OuterRef("pk"), geographylevel=level)))
        return queryset

    def filter_field(self, queryset, name, fields):
        for field in fields:
            queryset = queryset.filter(
                Exists(
                    SourceField.objects.filter(source=OuterRef("pk"), field=field, availability__in=SourceField.HELD)
                )
            )
        return queryset

    def filter_definition(self, queryset, name, definitions):
        through = Source.migrant_definitions.through
        for definition in definitions:
            queryset = queryset.filter(Exists(through.objects.filter(source=OuterRef("pk"), definition=definition)))
        return queryset
