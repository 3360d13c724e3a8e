from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model

from catalogue.models import Agency, Field, GeographyLevel, Source
from project import roles
from project.lib.widgets import DateInput
from requests_app.ingest import read
from requests_app.limits import upload_refusal
from requests_app.models import ChecklistAnswer, Granularity, Recurrence
from sharing.models import DataForm, SharingAgreement


class RequestFieldsMixin(forms.Form):
    """What to ask for: shared by a single request and a campaign."""

    title = forms.CharField(
        max_length=200, help_text="Short and specific, e.g. 'Pupils with EAL by nationality and ward, 2025/26'."
    )
    source = forms.ModelChoiceField(
        queryset=Source.objects.filter(stage=Source.Stage.LOCAL).order_by("title"),
        help_text="The local source in the catalogue this request is for.",
    )
    purpose = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), help_text="The agency sees this: what the data is for."
    )
    fields = forms.ModelMultipleChoiceField(
        queryset=Field.objects.order_by("order"),
        widget=forms.CheckboxSelectMultiple,
        help_text="The columns of the template. Key fields first; add the breakdowns you need.",
    )
    geography_level = forms.ModelChoiceField(queryset=GeographyLevel.objects.order_by("order"), initial=None)
    period_start = forms.DateField(widget=DateInput())
    period_end = forms.DateField(widget=DateInput())
    granularity = forms.ChoiceField(choices=Granularity.choices, initial=Granularity.QUARTER)
    data_form = forms.ChoiceField(
        choices=DataForm.choices,
        initial=DataForm.AGGREGATE,
        label="Form of the data",
        help_text="Aggregate counts are enough for this work. Small numbers are still sent: "
        "the tracker suppresses them before anything is published.",
    )
    agreement = forms.ModelChoiceField(
        queryset=SharingAgreement.objects.exclude(
            status__in=["superseded", "rejected", "terminated", "expired"]
        ).order_by("reference", "-version"),
        required=False,
        help_text="Leave blank to use whichever active agreement covers the agency.",
    )
    reporting_threshold = forms.IntegerField(
        min_value=1,
        max_value=100,
        initial=settings.TRACKER_REPORTING_THRESHOLD,
        help_text="Counts below this are never published.",
    )
    response_working_days = forms.IntegerField(
        min_value=1,
        max_value=120,
        required=False,
        help_text="Leave blank for the agency type's default (20 working days; 30 for schools and voluntary groups).",
    )
    recurrence = forms.ChoiceField(choices=Recurrence.choices, required=False)

    def clean(self):
        data = super().clean()
        if data.get("period_start") and data.get("period_end") and data["period_end"] < data["period_start"]:
            self.add_error("period_end", "The period must end on or after its start.")
        return data

    def request_values(self) -> dict:
        keys = [
            "title",
            "source",
            "purpose",
            "geography_level",
            "period_start",
            "period_end",
            "granularity",
            "data_form",
            "agreement",
            "reporting_threshold",
            "response_working_days",
            "recurrence",
        ]
        values = {k: self.cleaned_data[k] for k in keys}
        values["fields"] = list(self.cleaned_data["fields"])
        values["recurrence"] = values["recurrence"] or ""
        return values


class RequestForm(RequestFieldsMixin):
    agency = forms.ModelChoiceField(queryset=Agency.objects.select_related("organisation_type").order_by("name"))
    field_order = ["agency", "title", "source"]


class CampaignForm(RequestFieldsMixin):
    name = forms.CharField(max_length=200, help_text="e.g. 'EAL pupils, all secondary schools, 2025/26'.")
    agencies = forms.ModelMultipleChoiceField(
        queryset=Agency.objects.select_related("organisation_type").order_by("organisation_type__name", "name"),
        widget=forms.CheckboxSelectMultiple,
        help_text="Every ticked agency gets its own copy of the request.",
    )
    send_now = forms.BooleanField(required=False, initial=True, label="Send to every agency now")
    field_order = ["name", "agencies", "title", "source"]


class TransitionForm(forms.Form):
    action = forms.CharField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)


class MessageForm(forms.Form):
    body = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Message", max_length=10000)
    attachment = forms.FileField(required=False, help_text="Optional. Up to 10 MB. Never attach personal data.")

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if upload and upload.size > 10 * 1024 * 1024:
            raise forms.ValidationError("The file is larger than 10 MB.")
        return upload

    def clean(self):
        data = super().clean()
        if not data.get("body", "").strip() and not data.get("attachment") and not self.errors:
            raise forms.ValidationError("Write a message or attach a file.")
        return data


NOT_ANSWERED = [("", "Not answered")]


class ChecklistForm(forms.Form):
    """One field's row of the checklist. Every question starts unanswered, so an answer is only
    ever one the person chose: a row left blank records nothing, and "Don't know" is an answer."""

    collected = forms.ChoiceField(
        choices=NOT_ANSWERED + ChecklistAnswer.Collected.choices, required=False, label="Recorded?"
    )
    mandatory = forms.ChoiceField(
        choices=NOT_ANSWERED + ChecklistAnswer.YesNo.choices, required=False, label="Mandatory in your system?"
    )
    extractable = forms.ChoiceField(
        choices=NOT_ANSWERED + ChecklistAnswer.YesNo.choices, required=False, label="Can be extracted electronically?"
    )
    completeness = forms.IntegerField(
        min_value=0,
        max_value=100,
        required=False,
        label="Completeness %",
        help_text="Roughly what share of records have a value.",
    )
    notes = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 1}))

    @property
    def answered(self) -> bool:
        """Whether the person said anything about this field (only meaningful once valid)."""
        data = self.cleaned_data
        return bool(data["collected"] or data["mandatory"] or data["extractable"] or data["notes"].strip()) or (
            data["completeness"] is not None
        )

    def clean(self):
        data = super().clean()
        if self.errors or not self.answered:
            return data
        collected = data["collected"]
        if not collected:
            self.add_error("collected", "Say whether you record this field, or choose Don't know.")
        elif collected in (ChecklistAnswer.Collected.YES, ChecklistAnswer.Collected.PARTLY):
            # Only asked of a field that is recorded: of one that is not, neither question means anything.
            for name in ("mandatory", "extractable"):
                if not data[name]:
                    self.add_error(name, "Answer this too, or choose Don't know.")
        return data


class AgencyContactForm(forms.Form):
    user = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(),
        label="Add a contact",
        help_text="People who already have the Agency contact role; invite someone new by email instead.",
    )

    def __init__(self, *args, agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = (
            get_user_model()
            .objects.filter(groups__name=roles.AGENCY_CONTACT, is_active=True)
            .exclude(groups=agency.group)
            .order_by("last_name", "username")
        )


# The kinds of file the pipeline reads (requests_app.ingest.read, as check_return does): the
# form takes exactly these, by the reader's own rule, and names each (a test keeps them in step).
UPLOAD_EXTENSIONS = sorted(read.CSV_EXTENSIONS | read.WORKBOOK_EXTENSIONS)
UPLOAD_KINDS = read.KINDS


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Completed file",
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(UPLOAD_EXTENSIONS)}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # What passes, said before the upload: the caps are settings (requests_app/limits.py).
        self.fields["file"].help_text = (
            f"{UPLOAD_KINDS}: up to {settings.TRACKER_UPLOAD_MAX_BYTES // (1024 * 1024)} MB, "
            f"{settings.TRACKER_INGEST_MAX_ROWS:,} rows and {settings.TRACKER_INGEST_MAX_COLUMNS:,} columns. "
            "Counts only."
        )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        refusal = upload_refusal(upload.name, upload.size)
        if refusal:
            raise forms.ValidationError(refusal)
        return upload
