"""``ikp serve``: set up and start the platform on the embedded default (SQLite).

Migrates, seeds (regions, frameworks, the SYNTHETIC sample editions computed and published,
Bawaslu's published IKP 2024 results, one demo login per role), collects static files, then runs
the background-job worker (huey) and the web server (gunicorn, several workers), and prints the
address and the demo logins.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Sequence


def main(
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = 3,
    runs: int = 1000,
    reset_passwords: bool = True,
) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ikp_web.config.settings.dev")
    python = sys.executable

    def django(*args: str) -> None:
        subprocess.run([python, "-m", "django", *args], check=True)

    django("migrate", "--noinput", "-v", "0")
    seed = ["ikp_seed", "--runs", str(runs)]
    if reset_passwords:
        seed.append("--reset-passwords")
    django(*seed)
    django("collectstatic", "--noinput", "-v", "0")
    procs: list[subprocess.Popen[bytes]] = [
        subprocess.Popen([python, "-m", "django", "run_huey", "--workers", "2"]),
        subprocess.Popen(
            [
                python,
                "-m",
                "gunicorn",
                "ikp_web.config.wsgi:application",
                "--bind",
                f"{host}:{port}",
                "--workers",
                str(workers),
                "--preload",
                "--access-logfile",
                "-",
            ]
        ),
    ]
    print(
        f"\nikp berjalan di / is running at http://{host}:{port}/  (Ctrl-C untuk berhenti / to stop)"
    )
    print("DATA SINTETIS — bukan data Bawaslu: the sample editions are synthetic.\n")
    return _wait(procs)


def _wait(procs: Sequence[subprocess.Popen[bytes]]) -> int:
    try:
        while True:
            for proc in procs:
                code = proc.poll()
                if code is not None:
                    raise SystemExit(code)
            signal.pause() if hasattr(signal, "pause") else None
    except (KeyboardInterrupt, SystemExit):
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=10)
    return 0
