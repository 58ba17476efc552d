"""WSGI entry point (gunicorn ikp_web.config.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ikp_web.config.settings.dev")
application = get_wsgi_application()
