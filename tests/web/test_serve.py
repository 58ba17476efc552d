"""``ikp serve``'s supervisor, with real processes: a worker that dies is started again (and
says so), the web server stopping ends the run, and stopping ends every child."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from ikp_web.serve import Supervisor, gunicorn_command

SLEEP = ["sleep", "60"]


def wait_for(condition: object, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_a_killed_worker_is_restarted_and_logged() -> None:
    lines: list[str] = []
    sup = Supervisor(web=SLEEP, worker=SLEEP, say=lines.append, poll=0.05, quick=0.0)
    sup.start()
    try:
        assert sup.worker is not None and sup.web is not None
        first = sup.worker.pid
        os.kill(first, signal.SIGKILL)
        sup.worker.wait()
        wait_for(lambda: sup.check() is None and sup.restarts == 1)
        assert sup.worker.pid != first and sup.worker.poll() is None
        assert f"(pid {first}) exited with code -9" in lines[0]
        assert f"background worker restarted (pid {sup.worker.pid})" in lines[1]
        assert "dijalankan lagi" in lines[0]
    finally:
        sup.stop()
    assert sup.worker.poll() is not None and sup.web.poll() is not None


def test_a_worker_dying_at_once_is_restarted_after_a_growing_pause() -> None:
    lines: list[str] = []
    dies = [sys.executable, "-c", "raise SystemExit(3)"]
    sup = Supervisor(web=SLEEP, worker=dies, say=lines.append, quick=60.0, max_delay=2.0)
    sup.start()
    try:
        wait_for(lambda: sup.check() is None and sup.restarts == 2)
        pauses = [line for line in lines if "exited with code 3" in line]
        assert "restarting it in 1 s" in pauses[0] and "restarting it in 2 s" in pauses[1]
    finally:
        sup.stop()


def test_the_web_server_exiting_ends_the_run_and_stops_the_worker() -> None:
    lines: list[str] = []
    web = [sys.executable, "-c", "import time; time.sleep(0.3); raise SystemExit(4)"]
    sup = Supervisor(web=web, worker=SLEEP, say=lines.append, poll=0.05)
    sup.start()
    assert sup.run() == 4
    assert sup.worker is not None and sup.worker.returncode == -signal.SIGTERM
    assert "the web server exited (code 4)" in lines[-1]


def test_sigterm_stops_everything_and_a_stubborn_child_is_killed() -> None:
    stubborn = [
        sys.executable,
        "-c",
        "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print('ok', flush=True); time.sleep(60)",
    ]
    lines: list[str] = []
    sup = Supervisor(web=SLEEP, worker=stubborn, say=lines.append, poll=0.05, grace=0.5)
    sup.start()
    time.sleep(0.5)  # the stubborn worker has set its handler
    threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGTERM)).start()
    assert sup.run() == 0
    assert sup.web is not None and sup.web.returncode == -signal.SIGTERM
    assert sup.worker is not None and sup.worker.returncode == -signal.SIGKILL
    assert any("killed" in line for line in lines)
    assert signal.getsignal(signal.SIGTERM) is not None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_gunicorn_master_warms_up_the_maps_before_forking(tmp_path: Path) -> None:
    """The real ``ikp_web.config.gunicorn`` in a real gunicorn (``--preload``, as ``ikp serve``
    runs it): the master draws the map geometry before it boots its workers."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ikp_web.config.settings.dev",
        "IKP_VAR_DIR": str(tmp_path),
    }
    env.pop("DATABASE_URL", None)
    cmd = gunicorn_command("127.0.0.1", free_port(), 2)
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: log.read_text().count("Booting worker") == 2, timeout=60)
        text = log.read_text()
        assert text.index("national map warmed up") < text.index("Booting worker")
        assert len(list((tmp_path / "cache").glob("svgmap-*.json"))) == 2
        assert proc.poll() is None
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_the_worker_starts_only_once_the_web_server_is_ready() -> None:
    """``ikp serve`` starts the background worker once the web server answers (after the
    master's migrations and seed, without competing for the CPU during the start-up)."""
    ready = threading.Event()
    sup = Supervisor(web=SLEEP, worker=SLEEP, say=lambda line: None, worker_after=ready.is_set)
    sup.start()
    try:
        assert sup.check() is None and sup.worker is None
        ready.set()
        assert sup.check() is None and sup.worker is not None and sup.worker.poll() is None
    finally:
        sup.stop()
    assert sup.web is not None and sup.web.poll() is not None
