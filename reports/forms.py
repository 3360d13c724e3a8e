import datetime

from django import forms

from project.lib.periods import month_end
from reports.indicators import COLUMN_CHOICES, DIMENSIONS, Query


class MonthInput(forms.DateInput):
    """A month box: the browser shows only a value written as yyyy-mm. Django takes the format from
    the constructor and ignores one set on the class."""

    input_type = "month"

    def __init__(self, attrs=None, format="%Y-%m"):
        super().__init__(attrs, format=format)


class IndicatorForm(forms.Form):
    source = forms.MultipleChoiceField(
        label="Sources",
        widget=forms.CheckboxSelectMultiple,
        help_text="Each source gets its own table: sources are never added together.",
        error_messages={
            "required": "Choose at least one source.",
            "invalid_choice": "%(value)s has no processed returns to show.",
        },
    )
    rows = forms.ChoiceField(
        label="Rows", choices=[(code, label) for code, (label, _, _) in DIMENSIONS.items()], initial="nationality_group"
    )
    columns = forms.ChoiceField(label="Columns", choices=list(COLUMN_CHOICES.items()), initial="quarter")
    by_area = forms.BooleanField(
        label="Within each area (ward or small area), with a subtotal per area", required=False
    )
    since = forms.DateField(
        label="From",
        required=False,
        widget=MonthInput,
        input_formats=["%Y-%m"],
        help_text="The first month to show, e.g. 2025-04.",
        error_messages={"invalid": "Give the first month as year and month, e.g. 2025-04."},
    )
    until = forms.DateField(
        label="To",
        required=False,
        widget=MonthInput,
        input_formats=["%Y-%m"],
        help_text="The last month to show.",
        error_messages={"invalid": "Give the last month as year and month, e.g. 2026-03."},
    )
    areas = forms.MultipleChoiceField(
        label="Only these areas",
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
        help_text="Leave empty for every area and the authority's totals.",
        error_messages={"invalid_choice": "%(value)s is not an area of this authority."},
    )

    def __init__(self, *args, sources, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [(s.slug, s.title) for s in sources]
        self.fields["areas"].choices = [(code, f"{name} ({code})" if name else code) for code, name in areas]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("rows") == "area" and cleaned.get("columns") == "area":
            self.add_error("columns", "Rows are already areas: choose a period for the columns.")
        if (cleaned.get("since") or cleaned.get("until")) and cleaned.get("columns") == "area":
            self.add_error("columns", "To show only some months, choose periods for the columns.")
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            self.add_error("until", "The last month comes before the first.")
        return cleaned

    def query(self) -> Query:
        data = self.cleaned_data
        until: datetime.date | None = data["until"] and month_end(data["until"])  # the whole of the last month
        return Query(
            sources=tuple(data["source"]),
            rows=data["rows"],
            columns=data["columns"],
            by_area=data["by_area"],
            since=data["since"],
            until=until,
            areas=tuple(data["areas"]),
        )
