from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q
from django.urls import reverse

from fixes.models import Fix
from journeys.models import Journey, PainPoint
from workshops.models import VotingRound

OPEN = ("open", "in_progress")


@dataclass
class Item:
    """One open pain point or fix as the matrix shows it."""

    kind: str  # "pain_point" or "fix"
    pk: int
    title: str
    url: str
    dots: int
    customer_value: int | None
    business_value: int | None
    effort: int | None
    version: int
    customer_from_dots: bool = False

    @property
    def value(self) -> float | None:
        known = [v for v in (self.customer_value, self.business_value) if v is not None]
        return sum(known) / len(known) if known else None

    @property
    def placed(self) -> bool:
        return self.value is not None and self.effort is not None


def _latest_round_dots(journey: Journey) -> Q:
    latest = VotingRound.objects.filter(journey=journey).order_by("-started_at", "-id").values("pk")[:1]
    return Q(dots__round__in=latest)


def matrix_items(journey: Journey) -> list[Item]:
    """The journey's open pain points and the planned or running fixes of its pain points, with their scores and the
    dots of the journey's latest voting round (a fix: its pain points' dots on this journey)."""
    pain_points = (
        PainPoint.objects.filter(journey=journey, status__in=OPEN)
        .select_related("score")
        .annotate(dot_count=Count("dots", filter=_latest_round_dots(journey)))
        .order_by("created_at", "pk")
    )
    items = [
        _item("pain_point", p.pk, p.text, reverse("pain_point_page", args=[journey.pk, p.pk]), p.dot_count, p)
        for p in pain_points
    ]
    latest = VotingRound.objects.filter(journey=journey).order_by("-started_at", "-id").values("pk")[:1]
    fixes = (
        Fix.objects.filter(links__pain_point__journey=journey, state__in=[Fix.State.PLANNED, Fix.State.IN_PROGRESS])
        .select_related("score")
        .annotate(dot_count=Count("links__pain_point__dots", filter=Q(links__pain_point__dots__round__in=latest)))
        .order_by("created_at", "pk")
    )
    items += [_item("fix", f.pk, f.title, reverse("fix_page", args=[f.pk]), f.dot_count, f) for f in fixes]
    return with_dot_defaults(items)


def _item(kind: str, pk: int, title: str, url: str, dots: int, scored: PainPoint | Fix) -> Item:
    score = getattr(scored, "score", None)
    return Item(
        kind=kind, pk=pk, title=title, url=url, dots=dots,
        customer_value=score.customer_value if score else None,
        business_value=score.business_value if score else None,
        effort=score.effort if score else None,
        version=score.version if score else 0,
    )  # fmt: skip


def dots_to_value(dots: int, most: int) -> int:
    """Dot votes as a customer value from 1 to 5: the most voted gets 5, no dots 1."""
    return 1 + round(4 * dots / most) if most else 1


def with_dot_defaults(items: list[Item]) -> list[Item]:
    """Where nobody set a customer value, the dot votes give one (only once anyone voted)."""
    most = max((item.dots for item in items), default=0)
    for item in items:
        if item.customer_value is None and most:
            item.customer_value, item.customer_from_dots = dots_to_value(item.dots, most), True
    return items
