import os
import threading

from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "ikp_web.apps.dashboards"
    label = "dashboards"

    def ready(self) -> None:
        # Under gunicorn (``ikp serve``), draw the national map geometry in the background as a
        # worker starts, so the first map requests do not wait ~2 s for it. Not in management
        # commands or tests.
        if os.environ.get("SERVER_SOFTWARE", "").startswith("gunicorn"):
            from ikp_web.apps.dashboards.maps import warm

            threading.Thread(target=warm, name="ikp-warm-maps", daemon=True).start()
