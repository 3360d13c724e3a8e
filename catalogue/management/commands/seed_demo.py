from django.core.management.base import BaseCommand

from catalogue.demo import DEMO_PASSWORD, demo_seed


class Command(BaseCommand):
    help = "Creates a demo area, agencies and one user per role. Safe to run again. Never use in production."

    def handle(self, *args, **options):
        users = demo_seed()
        self.stdout.write(self.style.SUCCESS("Demo data ready. Demo logins (password for all: %s):" % DEMO_PASSWORD))
        for role, username in users:
            self.stdout.write(f"  {role:<16} {username}")
