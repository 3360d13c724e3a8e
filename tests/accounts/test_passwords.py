"""Real accounts get the full checks, and never the demo's published password (seed_demo sets it past them,
as tests/catalogue/test_demo.py shows by signing in with it)."""

import pytest
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from accounts.passwords import DEMO_PASSWORD
from tests.factories import make_user


@pytest.mark.parametrize(
    "password",
    [DEMO_PASSWORD, DEMO_PASSWORD.upper(), "password1234", "qwertyuiop123", "4815162342108", "short-pass"],
)
def test_a_published_common_numeric_or_short_password_is_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_long_uncommon_passphrase_is_accepted():
    validate_password("heron lantern quarry 71")


def test_nobody_may_set_the_demo_password_on_their_own_account(db):
    form = SetPasswordForm(make_user("someone", None), {"new_password1": DEMO_PASSWORD, "new_password2": DEMO_PASSWORD})
    assert not form.is_valid()
    assert form.errors["new_password2"] == ["This password is published with the tracker's demo: choose another."]
