"""WSGI entry point of ``ikp serve``: gunicorn's master (``--preload``) first gets the platform
ready (``ikp_prepare``: migrate, seed, static files, each only when needed) and then loads the
application, so that Django starts once for both. Options come from ``ikp serve`` through the
environment: ``IKP_SERVE_RUNS`` (Monte Carlo runs queued per sample edition) and
``IKP_SERVE_RESET_PASSWORDS`` (new demo passwords). A failure stops gunicorn before it listens.
"""

import os

import django
from django.core.management import call_command
from django.db import connections
from huey.contrib.djhuey import HUEY

from ikp_web.config.env import env_bool, env_int

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ikp_web.config.settings.dev")
django.setup()
call_command(
    "ikp_prepare",
    runs=env_int("IKP_SERVE_RUNS", 1000),
    background_uncertainty=True,
    reset_passwords=env_bool("IKP_SERVE_RESET_PASSWORDS", False),
)
# nothing opened here may be shared by the forked workers: they open their own connections
connections.close_all()
HUEY.storage.close()  # the seed queued its uncertainty jobs through it

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
