"""``ikp serve``: set up and start the platform on the embedded default (SQLite).

Migrates, seeds (regions, frameworks, the SYNTHETIC sample editions computed and published,
Bawaslu's published IKP 2024 results, one demo login per role), collects static files, then runs
the background-job worker (huey) and the web server (gunicorn, several workers), and prints the
address and the demo logins. Each phase prints a line as it starts and its time as it ends; the
sample editions' uncertainty runs are not waited for: they are queued as compute jobs (their
pages show progress) that publish a version with uncertainty when done. A second start skips
what is already seeded. The worker is supervised: when it dies it is started again (with a
log line); on exit (Ctrl-C, SIGTERM, or the web server stopping) both are stopped.
"""

from __future__ import annotations

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
    reset_passwords: bool = True,
) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ikp_web.config.settings.dev")
    python = sys.executable

    def django(label: str, *args: str) -> None:
        print(f"[ikp serve] {label} …", flush=True)
        start = time.monotonic()
        subprocess.run([python, "-m", "django", *args], check=True)
        print(f"[ikp serve] {label}: {time.monotonic() - start:.1f} s", flush=True)

    django("1/3 basis data / database (migrate)", "migrate", "--noinput", "-v", "0")
    seed = ["ikp_seed", "--runs", str(runs), "--background-uncertainty"]
    if reset_passwords:
        seed.append("--reset-passwords")
    django("2/3 data awal / seed (DATA SINTETIS)", *seed)
    django("3/3 berkas statis / static files", "collectstatic", "--noinput", "-v", "0")
    supervisor = Supervisor(
        web=gunicorn_command(host, port, workers),
        worker=[python, "-m", "django", "run_huey", "--workers", "2"],
    )
    supervisor.start()
    print(
        f"\nikp berjalan di / is running at http://{host}:{port}/  (Ctrl-C untuk berhenti / to stop)"
    )
    print("DATA SINTETIS — bukan data Bawaslu: the sample editions are synthetic.\n")
    return supervisor.run()


def gunicorn_command(host: str, port: int, workers: int) -> list[str]:
    """The web server: Django loaded once in the master (``--preload``), which warms up the map
    geometry before forking (``ikp_web.config.gunicorn``)."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "ikp_web.config.wsgi:application",
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


def _say(line: str) -> None:
    print(f"[ikp serve] {line}", file=sys.stderr, flush=True)


class Supervisor:
    """Runs the web server and the background worker. The worker is restarted whenever it exits
    (a pause that doubles, up to ``max_delay`` seconds, while it keeps dying within ``quick``
    seconds of its start); the web server exiting ends the run. :meth:`stop` terminates both
    (SIGTERM, then SIGKILL after ``grace`` seconds)."""

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

    def start(self) -> None:
        self._start_worker()
        self.web = subprocess.Popen(self.web_cmd)

    def _start_worker(self) -> None:
        self.worker = subprocess.Popen(self.worker_cmd)
        self._worker_started = time.monotonic()
        self._restart_at = None

    def check(self) -> int | None:
        """One round: restart the worker if it is gone (once its pause is over); the web
        server's exit code if it stopped, else ``None``."""
        now = time.monotonic()
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
