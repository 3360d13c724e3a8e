from django import forms

from catalogue.models import Agency, Field
from project.lib.widgets import DateInput
from sharing.models import SharingAgreement
from sharing.services import CONTENT_FIELDS


class AgreementForm(forms.ModelForm):
    providers = forms.ModelMultipleChoiceField(
        queryset=Agency.objects.select_related("organisation_type").order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        help_text="Agencies that share data under this agreement. The council is always a recipient.",
    )
    recipients = forms.ModelMultipleChoiceField(
        queryset=Agency.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Other organisations that receive the data, if any.",
    )
    privacy_notice_url = forms.URLField(required=False, assume_scheme="https", label="Privacy notice link")
    data_items = forms.ModelMultipleChoiceField(
        queryset=Field.objects.order_by("order"),
        widget=forms.CheckboxSelectMultiple,
        label="Data items covered",
        help_text="Special category fields (ethnicity, health) need an Article 9 and a Schedule 1 condition.",
    )

    class Meta:
        model = SharingAgreement
        fields = CONTENT_FIELDS
        labels = {"dpia_reference": "DPIA reference"}
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "purpose": forms.Textarea(attrs={"rows": 3}),
            "necessity": forms.Textarea(attrs={"rows": 3}),
            "legal_power": forms.Textarea(attrs={"rows": 2}),
            "security": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The model field's own form field allows 0; the browser should refuse it as the model does.
        self.fields["reporting_threshold"].widget.attrs["min"] = 1
        if self.instance.pk:
            parties = list(self.instance.parties.all())
            self.initial["providers"] = [p.agency_id for p in parties if p.agency_id and p.role == "provider"]
            self.initial["recipients"] = [p.agency_id for p in parties if p.agency_id and p.role == "recipient"]
            self.initial["data_items"] = [f.pk for f in self.instance.data_items.all()]

    def service_values(self) -> dict:
        values = {name: self.cleaned_data[name] for name in CONTENT_FIELDS}
        values.update(
            providers=list(self.cleaned_data["providers"]),
            recipients=list(self.cleaned_data["recipients"]),
            data_items=list(self.cleaned_data["data_items"]),
        )
        return values


class AgreementActionForm(forms.Form):
    action = forms.CharField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)
    siro_name = forms.CharField(required=False, max_length=120, label="SIRO's name")
    siro_signed_on = forms.DateField(required=False, label="Date signed", widget=DateInput())
    signed_document = forms.FileField(required=False, label="Signed agreement (PDF)")

    def clean_signed_document(self):
        upload = self.cleaned_data.get("signed_document")
        if upload and not upload.name.lower().endswith(".pdf"):
            raise forms.ValidationError("Upload the signed agreement as a PDF.")
        return upload


class CommentForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="Comment", max_length=5000)
