"""``ikp serve``: set up and start the platform on the embedded default (SQLite).

Starts the web server (gunicorn, several workers), whose master first migrates, seeds (regions,
frameworks, the SYNTHETIC sample editions computed and published, Bawaslu's published IKP 2024
results, one demo login per role) and collects static files, each only when needed
(``ikp_prepare`` in ``ikp_web.config.serve_wsgi``, so that Django starts once), then loads the
application; once the server answers it prints the address (the demo logins were printed by the
seed) and starts the background-job worker (huey). Each phase prints a line as it starts and its
time as it ends; the sample editions' uncertainty runs are not waited for: they are queued as
compute jobs (their pages show progress) that publish a version with uncertainty when done. A
second start skips what is already seeded, migrated and collected, and keeps the demo passwords
(printed again from ``var/demo-logins.json``) unless ``reset_passwords``. The worker is
supervised: when it dies it is started again (with a log line); on exit (Ctrl-C, SIGTERM, or the
web server stopping) both are stopped.
"""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from types import FrameType


def main(
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = 3,
    runs: int = 1000,
    reset_passwords: bool = False,
) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ikp_web.config.settings.dev")
    python = sys.executable

    os.environ["IKP_SERVE_RUNS"] = str(runs)
    os.environ["IKP_SERVE_RESET_PASSWORDS"] = "1" if reset_passwords else "0"
    started = time.monotonic()

    def ready() -> bool:
        """Once the web server answers: say so (and start the worker)."""
        if not _answers(host, port):
            return False
        print(
            f"\n[ikp serve] siap dalam / ready in {time.monotonic() - started:.1f} s\n"
            f"ikp berjalan di / is running at http://{host}:{port}/  "
            "(Ctrl-C untuk berhenti / to stop)\n"
            "DATA SINTETIS — bukan data Bawaslu: the sample editions are synthetic.\n",
            flush=True,
        )
        return True

    supervisor = Supervisor(
        web=gunicorn_command(host, port, workers, app=SERVE_APP),
        worker=[python, "-m", "django", "run_huey", "--workers", "2"],
        worker_after=ready,
    )
    supervisor.start()
    return supervisor.run()


#: gunicorn's application for ``ikp serve``: prepares the platform, then loads Django
SERVE_APP = "ikp_web.config.serve_wsgi:application"


def gunicorn_command(
    host: str, port: int, workers: int, app: str = "ikp_web.config.wsgi:application"
) -> list[str]:
    """The web server: Django loaded once in the master (``--preload``), which warms up the map
    geometry before forking (``ikp_web.config.gunicorn``)."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        app,
        "-c",
        "python:ikp_web.config.gunicorn",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--preload",
        "--access-logfile",
        "-",
    ]


def _answers(host: str, port: int) -> bool:
    """Whether the web server answers a request (its workers are up)."""
    conn = http.client.HTTPConnection(host, port, timeout=1)
    try:
        conn.request("GET", "/api/v1/health")
        return conn.getresponse().status == 200
    except (OSError, http.client.HTTPException):
        return False
    finally:
        conn.close()


def _say(line: str) -> None:
    print(f"[ikp serve] {line}", file=sys.stderr, flush=True)


class Supervisor:
    """Runs the web server and the background worker. The worker is restarted whenever it exits
    (a pause that doubles, up to ``max_delay`` seconds, while it keeps dying within ``quick``
    seconds of its start); the web server exiting ends the run. :meth:`stop` terminates both
    (SIGTERM, then SIGKILL after ``grace`` seconds). With ``worker_after``, the worker is
    started only once that returns true (``ikp serve``: once the web server answers, so that it
    does not compete for the CPU with the start-up, and runs after the migrations)."""

    def __init__(
        self,
        *,
        web: Sequence[str],
        worker: Sequence[str],
        say: Callable[[str], None] = _say,
        poll: float = 0.5,
        quick: float = 10.0,
        max_delay: float = 30.0,
        grace: float = 10.0,
        worker_after: Callable[[], bool] | None = None,
    ) -> None:
        self.web_cmd = list(web)
        self.worker_cmd = list(worker)
        self.say = say
        self.poll, self.quick, self.max_delay, self.grace = poll, quick, max_delay, grace
        self.web: subprocess.Popen[bytes] | None = None
        self.worker: subprocess.Popen[bytes] | None = None
        self.restarts = 0
        self._worker_started = 0.0
        self._delay = 0.0
        self._restart_at: float | None = None
        self.worker_after = worker_after

    def start(self) -> None:
        self.web = subprocess.Popen(self.web_cmd)
        if self.worker_after is None:
            self._start_worker()

    def _start_worker(self) -> None:
        self.worker = subprocess.Popen(self.worker_cmd)
        self._worker_started = time.monotonic()
        self._restart_at = None

    def check(self) -> int | None:
        """One round: restart the worker if it is gone (once its pause is over); the web
        server's exit code if it stopped, else ``None``."""
        now = time.monotonic()
        if self.worker is None and self.worker_after is not None and self.worker_after():
            self._start_worker()
        if self.worker is not None and self._restart_at is None:
            code = self.worker.poll()
            if code is not None:
                lived = now - self._worker_started
                self._delay = (
                    min(self.max_delay, max(1.0, self._delay * 2)) if lived < self.quick else 0.0
                )
                self._restart_at = now + self._delay
                self.say(
                    f"pekerja latar belakang (pid {self.worker.pid}) berhenti dengan kode {code}; "
                    f"dijalankan lagi dalam {self._delay:.0f} s / the background worker "
                    f"(pid {self.worker.pid}) exited with code {code}; restarting it in "
                    f"{self._delay:.0f} s"
                )
        if self._restart_at is not None and now >= self._restart_at:
            self._start_worker()
            self.restarts += 1
            assert self.worker is not None
            self.say(
                f"pekerja latar belakang dijalankan lagi (pid {self.worker.pid}) / "
                f"background worker restarted (pid {self.worker.pid})"
            )
        return self.web.poll() if self.web is not None else None

    def run(self) -> int:
        """Supervise until the web server stops, Ctrl-C or SIGTERM; then stop everything."""

        def terminate(signum: int, frame: FrameType | None) -> None:
            raise KeyboardInterrupt

        previous = signal.signal(signal.SIGTERM, terminate)
        code: int | None = None
        try:
            while code is None:
                code = self.check()
                if code is None:
                    time.sleep(self.poll)
            self.say(f"server web berhenti (kode {code}) / the web server exited (code {code})")
        except KeyboardInterrupt:
            code = 0
        finally:
            self.stop()
            signal.signal(signal.SIGTERM, previous)
        return code

    def stop(self) -> None:
        procs = [p for p in (self.web, self.worker) if p is not None and p.poll() is None]
        for proc in procs:
            proc.terminate()
        deadline = time.monotonic() + self.grace
        for proc in procs:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.say(f"pid {proc.pid} tidak berhenti; dihentikan paksa / did not stop; killed")
                proc.kill()
                proc.wait()
