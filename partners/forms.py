from django import forms

from catalogue.models import Area, OrganisationType
from project import roles
from project.lib.text import display_name


class OrganisationTypeChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.get_group_display()})"


class AgencyForm(forms.Form):
    name = forms.CharField(max_length=200, label="Name of the agency")
    organisation_type = OrganisationTypeChoice(
        queryset=OrganisationType.objects.order_by("name"), label="Type of organisation"
    )
    area = forms.ModelChoiceField(queryset=Area.objects.all(), label="Area", empty_label=None)
    email = forms.EmailField(
        required=False, label="General email address", help_text="Optional: the agency's shared inbox, not a person's."
    )
    phone = forms.CharField(required=False, max_length=40, label="Phone number", help_text="Optional.")


class InvitationForm(forms.Form):
    first_name = forms.CharField(max_length=150, label="First name")
    last_name = forms.CharField(max_length=150, label="Last name")
    email = forms.EmailField(
        label="Email address",
        help_text="The invitation goes here; the address is also what they sign in with.",
    )


class ColleagueInvitationForm(InvitationForm):
    role = forms.ChoiceField(
        label="Role",
        choices=[(roles.COORDINATOR, "Coordinator"), (roles.DPO, "Data Protection Officer (DPO)")],
        widget=forms.RadioSelect,
        initial=roles.COORDINATOR,
    )


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        role = "coordinator" if roles.is_coordinator(obj) else "contact"
        return f"{display_name(obj)} ({role})"


class HandOverForm(forms.Form):
    """Whom a leaver's work goes to; asked only when they hold some."""

    to = PersonChoice(
        queryset=None,
        label="Pass their work to",
        required=False,
        empty_label="Choose someone",
        error_messages={"required": "Choose who takes their work over."},
    )

    def __init__(self, *args, successors, required: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = successors
        self.fields["to"].required = required
