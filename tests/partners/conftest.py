import re

import pytest
from django.core import mail

from partners.services import contact_invite


@pytest.fixture
def invite(agency_a, coordinator, django_capture_on_commit_callbacks):
    """Invites someone to agency A as the coordinator; returns the new account and its emailed link."""

    def make(email="new.person@school.example.org", first_name="Nia", last_name="Newcomer"):
        with django_capture_on_commit_callbacks(execute=True):
            user = contact_invite(
                agency=agency_a, email=email, first_name=first_name, last_name=last_name, by=coordinator
            )
        link = re.search(r"https?://\S+/partners/invitation/\S+/", mail.outbox[-1].body).group(0)
        return user, link

    return make
