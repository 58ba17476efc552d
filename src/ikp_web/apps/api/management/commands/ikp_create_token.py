"""Create an API token for a user and print it once (only its hash is stored).

Usage: python -m django ikp_create_token <username> [--name NAME] [--days N]

The token acts as the user, with the user's role and region scope:
``curl -H "Authorization: Bearer <token>" http://127.0.0.1:8000/api/v1/editions``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ikp_web.apps.api.services import create_token


class Command(BaseCommand):
    help = "Buat token API untuk pengguna / create an API token for a user"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="label, e.g. the script using it")
        parser.add_argument("--days", type=int, default=None, help="expires after N days")

    def handle(self, *args: Any, **opts: Any) -> None:
        user = get_user_model().objects.filter(username=opts["username"]).first()
        if user is None:
            raise CommandError(f"Pengguna / user {opts['username']!r} tidak ada / does not exist")
        if not user.is_active:
            raise CommandError(f"Pengguna / user {opts['username']!r} tidak aktif / is inactive")
        expires = None
        if opts["days"] is not None:
            if opts["days"] < 1:
                raise CommandError("--days must be at least 1")
            expires = timezone.now() + timedelta(days=opts["days"])
        token, raw = create_token(user, name=opts["name"], expires=expires)
        self.stderr.write(
            f"Token untuk / for {user.username} ({token.prefix}…)"
            + (f", berlaku sampai / expires {expires:%Y-%m-%d}" if expires else "")
            + ". Simpan sekarang, tidak ditampilkan lagi / store it now, it is not shown again:"
        )
        self.stdout.write(raw)
