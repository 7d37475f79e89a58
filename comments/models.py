from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from journeys.models import Journey, Step


class StepComment(models.Model):
    """A comment on a step, by anyone on the journey; `@username` mentions a member."""

    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="+", verbose_name=_("journey"))
    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="comments", verbose_name=_("step"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by")
    )
    text = models.TextField(_("comment"), max_length=2000)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("step comment")
        verbose_name_plural = _("step comments")

    def __str__(self) -> str:
        return self.text[:60]
