import datetime

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone

from catalogue.models import Agency, Source
from project.lib.select import PlainSelect
from requests_app.models import AWAITING_AGENCY, Campaign, DataRequest, Status


class RequestFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    status = django_filters.MultipleChoiceFilter(choices=Status.choices, widget=forms.CheckboxSelectMultiple)
    due = django_filters.ChoiceFilter(
        label="Due",
        choices=[("overdue", "Overdue"), ("long-overdue", "Long overdue"), ("this-week", "Due in the next 7 days")],
        method="filter_due",
        empty_label="Any time",
    )
    agency = django_filters.ModelChoiceFilter(
        queryset=Agency.objects.only("pk", "public_id", "name").order_by("name"),
        field_name="agency",
        to_field_name="public_id",
        widget=PlainSelect,
    )
    source = django_filters.ModelChoiceFilter(
        queryset=Source.objects.order_by("title"), field_name="source", to_field_name="slug"
    )
    campaign = django_filters.ModelChoiceFilter(
        queryset=Campaign.objects.all(), field_name="campaign", to_field_name="public_id"
    )

    class Meta:
        model = DataRequest
        fields = []

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        if agencies is not None:
            # An agency contact chooses among their own agencies only.
            self.filters["agency"].queryset = agencies

    def search(self, queryset, name, value):
        # Agencies and sources are matched in their own (small) tables, once per term: matched
        # through the join, each of thousands of request rows would test their names again.
        for term in value.split():
            queryset = queryset.filter(
                Q(title__icontains=term)
                | Q(reference__icontains=term)
                | Q(agency__in=Agency.objects.filter(name__icontains=term).values("pk"))
                | Q(source__in=Source.objects.filter(title__icontains=term).values("pk"))
            )
        return queryset

    def filter_due(self, queryset, name, value):
        today = timezone.localdate()
        waiting = queryset.filter(status__in=AWAITING_AGENCY)
        if value == "overdue":
            return waiting.filter(due_date__lt=today)
        if value == "long-overdue":
            return waiting.filter(long_overdue_date__lt=today)
        return waiting.filter(due_date__gte=today, due_date__lte=today + datetime.timedelta(days=7))
