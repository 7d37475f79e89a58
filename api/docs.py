from __future__ import annotations

from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny


class ApiDocs(SpectacularSwaggerSplitView):
    """Swagger UI from the app's own static files (drf-spectacular-sidecar), its start script a separate file: the
    page works under the strict Content-Security-Policy (no CDN, no inline script or style)."""

    template_name = "api/docs.html"
    permission_classes = [AllowAny]
