"""Passwords nobody may choose: the demo's, which the README publishes."""

from django.core.exceptions import ValidationError

# The one password `seed_demo` gives its demo users (it sets it directly, past the validators).
DEMO_PASSWORD = "demo-pass-2026"
PUBLISHED = frozenset({DEMO_PASSWORD})


class PublishedPasswordValidator:
    """Refuses a password printed in this project's documentation, whatever its case."""

    def validate(self, password: str, user=None) -> None:
        if password.casefold() in PUBLISHED:
            raise ValidationError(
                "This password is published with the tracker's demo: choose another.", code="password_published"
            )

    def get_help_text(self) -> str:
        return "Your password cannot be the demo's published password."
