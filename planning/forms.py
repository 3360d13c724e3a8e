from django import forms

from catalogue.forms import RefreshForm
from catalogue.models import Agency, Definition, GeographyLevel
from planning.models import ChecklistDecision, Engagement, Milestone, Plan
from planning.services import PLAN_TEXT_FIELDS
from planning.toolkit import BENEFITS
from project.lib.widgets import DateInput

ROWS = {"rows": 3}


class PlanForm(forms.ModelForm):
    """The plan's answers, in the order of the toolkit's steps (the template groups them by step)."""

    benefits = forms.MultipleChoiceField(
        choices=list(BENEFITS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="What the area wants from the work (toolkit section 1.2)",
    )

    STEPS = {
        "step1": ["lead_name", "lead_role", "sponsor_name", "sponsor_role", "partners", "forums", "earlier_work"],
        "step2": [
            "aims",
            "benefits",
            "scope",
            "focus",
            "special_features",
            "definitions",
            "definitions_reason",
            "geography_level",
            "methods",
            "outputs",
        ],
        "step3": ["data_security", "resources", "review_cycle", "planning_rounds"],
    }

    class Meta:
        model = Plan
        fields = [*PLAN_TEXT_FIELDS, "partners", "definitions", "geography_level"]
        widgets = {
            "partners": forms.CheckboxSelectMultiple,
            "definitions": forms.CheckboxSelectMultiple,
            "scope": forms.RadioSelect,
            **{
                name: forms.Textarea(attrs=ROWS)
                for name in PLAN_TEXT_FIELDS
                if Plan._meta.get_field(name).get_internal_type() == "TextField"
            },
        }
        help_texts = {
            "partners": "From the agency directory; add an agency there first if it is missing.",
            "special_features": "For example an asylum dispersal area, a university town, seasonal farm work.",
            "focus": "Only for a focused plan: the issue or the service pressure to understand.",
            "data_security": "Personal or aggregate data, sharing agreements in place, secure transfer and storage.",
        }

    def __init__(self, *args, area, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = Plan.Scope.choices
        self.fields["scope"].required = False
        self.fields["partners"].queryset = Agency.objects.filter(area=area).order_by("name")
        self.fields["definitions"].queryset = Definition.objects.filter(kind=Definition.Kind.MIGRANT).order_by("term")
        self.fields["geography_level"].queryset = GeographyLevel.objects.order_by("order")
        if self.instance.pk:
            self.initial["benefits"] = self.instance.benefits

    def clean(self):
        data = super().clean()
        if data.get("scope") == Plan.Scope.FOCUSED and not data.get("focus", "").strip():
            self.add_error("focus", "Say what a focused plan focuses on.")
        return data


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["title", "owner", "due_on"]
        labels = {"title": "Milestone", "owner": "Owner", "due_on": "Due on"}
        widgets = {"due_on": DateInput()}


class DoneForm(forms.Form):
    done_on = forms.DateField(label="Done on", widget=DateInput())


class DecisionForm(forms.ModelForm):
    class Meta:
        model = ChecklistDecision
        fields = ["decision", "note", "decided_on"]
        labels = {"decision": "Decision", "note": "Note", "decided_on": "Decided on"}
        widgets = {"note": forms.Textarea(attrs={"rows": 2}), "decided_on": DateInput()}


class EngagementForm(forms.ModelForm):
    class Meta:
        model = Engagement
        fields = ["title", "kind", "status", "community", "owner", "starts_on", "ends_on", "notes"]
        labels = {"kind": "Kind of work"}
        widgets = {"starts_on": DateInput(), "ends_on": DateInput(), "notes": forms.Textarea(attrs={"rows": 2})}


class TakenInForm(RefreshForm):
    """The coverage page's form, in a calendar row: no room for the example under the box."""

    note = forms.CharField(label="Which release", required=False, max_length=300)
