"""The ASGI app daphne serves: HTTP (static files too, through whitenoise) through Django, board sockets through
Channels."""

from __future__ import annotations

import gc
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_http = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402  (needs the apps loaded)
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage  # noqa: E402
from django.core.exceptions import ImproperlyConfigured  # noqa: E402

from config.exposure import guarded  # noqa: E402
from config.routing import origin_checked, websocket_urlpatterns  # noqa: E402
from live.frame_budget import FrameBudgetMiddleware  # noqa: E402

if not settings.DEBUG and isinstance(staticfiles_storage, ManifestFilesMixin) and not staticfiles_storage.hashed_files:
    # Every page would fail on its first {% static %}: say why at the start instead.
    raise ImproperlyConfigured(
        f"No collected static files in {settings.STATIC_ROOT}: run `python manage.py collectstatic --noinput` "
        "(`make setup` does)."
    )

application = guarded(
    ProtocolTypeRouter(
        {
            "http": django_http,
            "websocket": origin_checked(AuthMiddlewareStack(FrameBudgetMiddleware(URLRouter(websocket_urlpatterns)))),
        }
    )
)

# Everything loaded so far (Django, the apps, the URL conf) lives as long as the process. Moving it out of the
# garbage collector's reach makes the periodic full collection cheap: measured on a board with two daphne
# processes, it stalled a push for 65-90 ms every few seconds before, 6-30 ms after (bench/bench_live.py).
gc.freeze()
