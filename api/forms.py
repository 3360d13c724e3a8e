from django import forms

from api.models import Scope

LIFETIMES = [(30, "30 days"), (90, "90 days"), (180, "180 days"), (365, "A year")]


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100, label="What it is for", help_text="For example: MIS nightly export.")
    scope = forms.ChoiceField(choices=Scope.choices, initial=Scope.READ, label="It may")
    days = forms.TypedChoiceField(choices=LIFETIMES, coerce=int, initial=90, label="It stops working after")
