from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from catalogue.demo import DEMO_PASSWORD, demo_seed
from requests_app.demo import demo_morning_inbox, demo_requests, demo_returns, demo_seeded
from sharing.demo import demo_agreements
from sharing.services import agreements_refresh


class Command(BaseCommand):
    help = (
        "Creates a demo area, agencies, one user per role and requests in every state. "
        "Safe to run again. Never in production."
    )

    # The demo's notifications are kept in the app; their emails would only flood the console.
    @override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
    @transaction.atomic
    def handle(self, *args, **options):
        users = demo_seed()
        demo_agreements()
        # The daily task's work: old demo agreements expire or fall due for review now.
        agreements_refresh(today=timezone.localdate())
        made = demo_requests()
        if demo_returns():
            demo_morning_inbox()
        # The apps above this one add theirs: public tables taken in, indicator pages prepared.
        demo_seeded.send(sender=self.__class__)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready ({made} new requests). Demo logins (password for all: {DEMO_PASSWORD}):"
            )
        )
        for role, username in users:
            self.stdout.write(f"  {role:<16} {username}")
