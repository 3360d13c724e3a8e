import datetime

import pytest

from catalogue.models import Field
from sharing.gate import candidates_for, gate_check, terms_for
from sharing.services import agreements_refresh
from tests.factories import START

pytestmark = pytest.mark.django_db
DAY = START + datetime.timedelta(days=30)


def fields(*codes):
    return list(Field.objects.filter(code__in=codes))


def check(agency, codes=("nationality", "ward"), form="aggregate", on=DAY, **kwargs):
    decision = gate_check(agency=agency, fields=fields(*codes), data_form=form, on=on, **kwargs)
    # The terms the blocked list reads once per agreement must reach the same verdict in every case,
    # on the same candidates.
    linked = [kwargs["agreement"].pk] if kwargs.get("agreement") else []
    candidates, terms = terms_for([agency.pk], linked, on)
    assert sorted(candidates[agency.pk]) == sorted(a.pk for a in candidates_for([agency.pk])[agency.pk])
    considered = linked or candidates[agency.pk]
    asked = [f.pk for f in fields(*codes)]
    assert any(terms[a].permit(agency.pk, asked, form) for a in considered) == decision.allowed
    return decision


def test_it_accepts_an_active_agreement_that_covers_everything(make_agreement, agency_a):
    agreement = make_agreement([agency_a])
    decision = check(agency_a)
    assert decision.allowed and decision.agreement == agreement and decision.problems == []


def test_it_refuses_when_no_agreement_names_the_agency(make_agreement, agency_a, agency_b):
    make_agreement([agency_b])
    decision = check(agency_a)
    assert not decision.allowed and "No sharing agreement names Agency A School" in decision.summary


def test_it_refuses_an_agreement_that_is_not_yet_active(make_agreement, agency_a):
    make_agreement([agency_a], steps=("submit", "approve"))
    assert "is approved, awaiting SIRO sign-off, not active" in check(agency_a).summary


def test_it_refuses_an_expired_agreement(make_agreement, agency_a):
    agreement = make_agreement([agency_a])
    agreements_refresh(today=agreement.end_date + datetime.timedelta(days=1))
    decision = check(agency_a, on=agreement.end_date + datetime.timedelta(days=2))
    assert not decision.allowed and "expired on" in decision.summary


def test_it_refuses_before_the_agreement_starts(make_agreement, agency_a):
    make_agreement([agency_a])
    assert "only starts on" in check(agency_a, on=START - datetime.timedelta(days=1)).summary


def test_it_refuses_when_the_agency_only_receives_data(make_agreement, agency_a, agency_b):
    agreement = make_agreement([agency_b], recipients=[agency_a])
    decision = check(agency_a, agreement=agreement)
    assert not decision.allowed and "does not name Agency A School as a provider" in decision.summary


def test_it_refuses_a_field_the_agreement_does_not_cover(make_agreement, agency_a):
    make_agreement([agency_a])
    decision = check(agency_a, codes=("nationality", "ward", "main-language"))
    assert not decision.allowed and decision.problems == [f"{decision.agreement.label} does not cover: Main language."]


def test_it_refuses_a_data_form_the_agreement_does_not_permit(make_agreement, agency_a):
    make_agreement([agency_a], data_form="aggregate-suppressed")
    decision = check(agency_a, form="aggregate")
    assert not decision.allowed and "permits only aggregate counts, small numbers suppressed" in decision.summary


def test_it_lists_every_missing_condition_at_once(make_agreement, agency_a):
    make_agreement([agency_a], steps=("submit",))
    decision = check(agency_a, codes=("nationality", "main-language"), form="record-level")
    assert len(decision.problems) == 3


def test_a_linked_agreement_is_the_only_one_considered(make_agreement, agency_a):
    make_agreement([agency_a])
    draft = make_agreement([agency_a], steps=())
    assert check(agency_a).allowed
    assert not check(agency_a, agreement=draft).allowed
