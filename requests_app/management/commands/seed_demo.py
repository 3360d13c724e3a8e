from django.core.management.base import BaseCommand
from django.db import transaction

from catalogue.demo import DEMO_PASSWORD, demo_seed
from requests_app.demo import demo_requests


class Command(BaseCommand):
    help = "Creates a demo area, agencies, one user per role and requests in every state. Safe to run again. Never in production."

    @transaction.atomic
    def handle(self, *args, **options):
        users = demo_seed()
        made = demo_requests()
        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({made} new requests). Demo logins (password for all: {DEMO_PASSWORD}):"))
        for role, username in users:
            self.stdout.write(f"  {role:<16} {username}")
