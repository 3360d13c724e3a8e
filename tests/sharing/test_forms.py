"""The agreement forms as the browser gets them."""

import pytest

from sharing.forms import AgreementActionForm, AgreementForm
from tests.factories import START

pytestmark = pytest.mark.django_db


def test_editing_an_agreement_shows_its_dates_in_the_form_a_date_input_takes(make_agreement, agency_a):
    agreement = make_agreement([agency_a], steps=())
    form = AgreementForm(instance=agreement)
    assert f'value="{START:%Y-%m-%d}"' in str(form["start_date"])
    assert f'value="{agreement.end_date:%Y-%m-%d}"' in str(form["end_date"])
    assert 'type="date"' in str(form["start_date"])


def test_the_siro_sign_off_date_is_given_as_a_date_input_takes_it():
    assert f'value="{START:%Y-%m-%d}"' in str(AgreementActionForm(initial={"siro_signed_on": START})["siro_signed_on"])
