"""Send the queued e-mails and tell owners of target dates that are near or past. Run it every minute (see the
README); `--loop SECONDS` keeps it running instead, for a set-up without cron or systemd timers."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from notifications.due_dates import due_dates_check
from notifications.services import outbox_send


class Command(BaseCommand):
    help = "Send queued notification e-mails and check target dates."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", type=int, default=0, metavar="SECONDS", help="run again every SECONDS")

    def handle(self, *args: Any, loop: int = 0, **options: Any) -> None:
        while True:
            made = due_dates_check()
            report = outbox_send()
            if options["verbosity"] > 0 and (made or report.sent or report.failed):
                self.stdout.write(f"target dates: {made} notified; e-mails: {report.sent} sent, {report.failed} failed")
            if not loop:
                return
            close_old_connections()
            time.sleep(loop)
