from __future__ import annotations

from django.conf import settings
from django.core.cache import caches
from rest_framework.throttling import UserRateThrottle


class ApiRateThrottle(UserRateThrottle):
    """API_REQUESTS_PER_MINUTE requests per user (or address, before signing in), counted in the "ratelimit" cache:
    Redis when REDIS_URL is set, so the limit holds across processes. Past it: 429 with Retry-After."""

    scope = "api"

    @property
    def cache(self):
        # Looked up per request, not at import: the store may be swapped (tests give each test a store of its own).
        return caches["ratelimit"]

    def get_rate(self) -> str:
        return f"{settings.API_REQUESTS_PER_MINUTE}/min"
