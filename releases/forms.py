from django import forms

from requests_app.forms import UploadForm


class TakeInForm(UploadForm):
    """A downloaded public table and which release of the source it is."""

    edition = forms.CharField(max_length=200, help_text="Which release, e.g. 'year ending June 2024' or 'TS004, 2022'.")
    table = forms.CharField(
        max_length=120, required=False, help_text="Which of the source's tables, if it has several (e.g. TS004)."
    )
    measure = forms.CharField(
        max_length=200,
        required=False,
        help_text="For a table of several measures, the one to take in, e.g. 'International Migration Inflow'.",
    )
    released_on = forms.DateField(required=False, help_text="The publisher's release date.")
    provenance = forms.CharField(max_length=500, required=False, help_text="Where you downloaded it (its address).")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].label = "Downloaded table"
        self.fields["file"].help_text = "The file as the publisher gave it: CSV, Excel (.xlsx) or OpenDocument (.ods)."
