"""Turning errors into the one-line messages shown at the top of a page."""

from django import forms
from django.core.exceptions import ValidationError


def error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def form_error_text(form: forms.Form) -> str:
    return " ".join(error for errors in form.errors.values() for error in errors)
