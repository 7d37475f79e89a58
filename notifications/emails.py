"""E-mails: written in the recipient's language, plain text with a simple HTML twin, absolute links back to the
site (`SITE_URL`) and an unsubscribe link (and the one-click List-Unsubscribe headers) in every one."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from notifications.models import OutgoingEmail

UNSUBSCRIBE_SALT = "notifications.unsubscribe"


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def unsubscribe_token(*, user_id: int | None = None, address: str = "") -> str:
    """A signed token naming a person (or, for a reporter without an account, an address): no expiry, nothing
    stored, and nobody can forge one for someone else."""
    payload = {"u": user_id} if user_id is not None else {"e": address.lower()}
    return signing.dumps(payload, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> dict[str, Any] | None:
    try:
        payload = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return payload if isinstance(payload, dict) and ("u" in payload or "e" in payload) else None


def unsubscribe_url(*, user_id: int | None = None, address: str = "") -> str:
    token = unsubscribe_token(user_id=user_id, address=address)
    return absolute(reverse("notifications_unsubscribe", args=[token]))


def render_email(*, template: str, context: dict[str, Any], language: str, to: str, unsubscribe: str) -> OutgoingEmail:
    """The e-mail `<template>_subject.txt`, `<template>.txt` and `<template>.html` for `to`, not saved yet."""
    context = {
        **context,
        "site_url": settings.SITE_URL.rstrip("/"),
        "unsubscribe_url": unsubscribe,
        "preferences_url": absolute(reverse("notification_preferences")),
    }
    with translation.override(language):
        subject = render_to_string(f"{template}_subject.txt", context)
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", {**context, "language": language})
    return OutgoingEmail(
        to=to,
        subject=" ".join(subject.split())[:300],
        body_text=text.strip() + "\n",
        body_html=html,
        unsubscribe_url=unsubscribe,
    )


def message(outgoing: OutgoingEmail) -> EmailMultiAlternatives:
    headers = {}
    if outgoing.unsubscribe_url:
        # RFC 8058: mail programs show an "unsubscribe" button that posts to this address.
        headers["List-Unsubscribe"] = f"<{outgoing.unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    email = EmailMultiAlternatives(subject=outgoing.subject, body=outgoing.body_text, to=[outgoing.to], headers=headers)
    if outgoing.body_html:
        email.attach_alternative(outgoing.body_html, "text/html")
    return email
