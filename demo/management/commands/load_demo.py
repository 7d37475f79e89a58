from __future__ import annotations

from django.core.management.base import BaseCommand

from demo.data import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load the demo organisation: an insurer's change-of-address journey, with demo users."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the demo journey and build it again.",
        )

    def handle(self, *args, reset: bool = False, **options) -> None:
        result = load_demo(reset=reset)
        verb = "Loaded" if result.created else "Already there (use --reset to rebuild)"
        self.stdout.write(self.style.SUCCESS(f'{verb}: "{result.journey.title}" (journey {result.journey.pk})'))
        self.stdout.write(f"Demo users, all with the password {DEMO_PASSWORD}:")
        for username, description in result.users:
            self.stdout.write(f"  {username:<8} {description}")
