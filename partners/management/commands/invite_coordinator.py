"""Brings the first coordinator into a fresh install, where nobody can sign in yet to invite them."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from partners.team import colleague_invite
from project import roles
from project.lib.feedback import error_text


class Command(BaseCommand):
    help = (
        "Creates a coordinator's (or with --dpo a DPO's) account with no password, emails them the "
        "one-time invitation link and prints it, for when no mail is set up yet."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--dpo", action="store_true", help="invite a Data Protection Officer instead")

    def handle(self, *args, email, first_name, last_name, dpo, **options):
        role = roles.DPO if dpo else roles.COORDINATOR
        try:
            user, link = colleague_invite(email=email, first_name=first_name, last_name=last_name, role=role, by=None)
        except ValidationError as exc:
            raise CommandError(error_text(exc)) from None
        self.stdout.write(f"Invited {user.username} as {roles.NAMES[role]}. Their link, which works once:")
        self.stdout.write(link)
