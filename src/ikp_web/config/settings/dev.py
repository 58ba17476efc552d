"""Local development and the README's main command: SQLite, debug off-by-default secrets."""

from __future__ import annotations

from ikp_web.config.env import env_bool, env_list, env_str
from ikp_web.config.settings.base import *  # noqa: F403


def _local_secret() -> str:
    """A random key generated once per checkout (var/secret_key); production never uses it."""
    path = VAR_DIR / "secret_key"  # noqa: F405
    if not path.exists():
        import secrets

        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(64), "utf-8")
        path.chmod(0o600)
    return path.read_text("utf-8").strip()


SECRET_KEY = env_str("SECRET_KEY") or _local_secret()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
