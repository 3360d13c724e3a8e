from django import forms

from reports.indicators import COLUMN_CHOICES, DIMENSIONS, Query


class IndicatorForm(forms.Form):
    source = forms.MultipleChoiceField(
        label="Sources", widget=forms.CheckboxSelectMultiple,
        help_text="Each source gets its own table: sources are never added together.",
        error_messages={"required": "Choose at least one source.", "invalid_choice": "%(value)s has no processed returns to show."},
    )
    rows = forms.ChoiceField(label="Rows", choices=[(code, label) for code, (label, _, _) in DIMENSIONS.items()], initial="nationality_group")
    columns = forms.ChoiceField(label="Columns", choices=list(COLUMN_CHOICES.items()), initial="quarter")
    by_area = forms.BooleanField(label="Within each area (ward or small area), with a subtotal per area", required=False)

    def __init__(self, *args, sources, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [(s.slug, s.title) for s in sources]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("rows") == "area" and cleaned.get("columns") == "area":
            self.add_error("columns", "Rows are already areas: choose a period for the columns.")
        return cleaned

    def query(self) -> Query:
        data = self.cleaned_data
        return Query(sources=tuple(data["source"]), rows=data["rows"], columns=data["columns"], by_area=data["by_area"])
