from django import forms

from catalogue.models import SourceAvailability
from project.lib.widgets import DateInput


class AvailabilityForm(forms.Form):
    """One row of the Appendix 3 checklist; the page shows one per local source."""

    available = forms.ChoiceField(
        choices=SourceAvailability.Answer.choices, widget=forms.RadioSelect, label="Available in this area?"
    )
    notes = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Notes",
        help_text="Who holds it, when it was last done, how to get a copy.",
    )


class CompareForm(forms.Form):
    s = forms.MultipleChoiceField(choices=[], label="Sources to compare")

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["s"].choices = choices

    def clean_s(self):
        chosen = self.cleaned_data["s"]
        if not 2 <= len(chosen) <= 4:
            raise forms.ValidationError("Tick between two and four sources to compare.")
        return chosen


class RefreshForm(forms.Form):
    refreshed_on = forms.DateField(
        label="Taken in on",
        widget=DateInput(),
        error_messages={
            "required": "Give the date the release was taken in.",
            "invalid": "Give the date as day, month and year.",
        },
    )
    note = forms.CharField(
        label="Which release", required=False, max_length=300, help_text="For example 'mid-2025 estimates'."
    )
