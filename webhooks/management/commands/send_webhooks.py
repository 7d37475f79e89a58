from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from webhooks.services import deliveries_send_due


class Command(BaseCommand):
    help = "Send queued webhook messages and retry failed ones with backoff (WEBHOOK_RETRY_SECONDS)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="send what is due now, then stop (for cron)")

    def handle(self, *args: Any, once: bool = False, **options: Any) -> None:
        while True:
            sent = deliveries_send_due()
            if sent:
                self.stdout.write(f"{sent} webhook attempt(s)")
            if once:
                return
            if not sent:
                time.sleep(settings.WEBHOOK_POLL_SECONDS)
