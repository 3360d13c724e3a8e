from django import forms


class CodeForm(forms.Form):
    token = forms.CharField(
        label="Code from your authenticator app",
        min_length=6,
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_token(self) -> str:
        return self.cleaned_data["token"].replace(" ", "")


class LockoutClearForm(forms.Form):
    kind = forms.ChoiceField(choices=[("username", "username"), ("ip_address", "address")])
    value = forms.CharField(max_length=255)
