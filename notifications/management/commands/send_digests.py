"""Send the digest to everyone whose digest for this period (week or day) has not gone out yet. Safe to run as often
as you like, and from several machines at once: each period's digest goes out once (see notifications/digest.py)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from notifications.digest import digests_send


class Command(BaseCommand):
    help = "Send the weekly and daily digests that are due."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        report = digests_send()
        if options["verbosity"] > 0:
            seconds = time.perf_counter() - started
            self.stdout.write(
                f"digests: {report.sent} sent, {report.empty} with nothing to tell, {report.failed} failed "
                f"({report.claimed} claimed by this run, {seconds:.1f} s)"
            )
