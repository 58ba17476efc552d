"""Load benchmark against the running platform: gunicorn (several workers) on PostgreSQL.

Seeds a PostgreSQL database (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/ikp_bench),
starts gunicorn with 4 workers on 127.0.0.1, then for each target (the map, ranking, region
profile and methodology pages, the results API) runs 50 concurrent anonymous clients (threads
with keep-alive connections) for a fixed number of requests each, and prints median and p95
latency, throughput and errors. It does so twice: with the public-page cache turned off
(``IKP_PAGE_CACHE_SECONDS=0``, the pages rendered on every request as before issue 7) and on
(the default), and prints the ratios. Everything stays on the loopback interface; the loops are
bounded in count and time.

Run: .venv/bin/python benchmarks/bench_web_load.py [--requests 20] [--clients 50] [--only on]
Targets on a 2-core machine: API p95 < 150 ms, pages p95 < 300 ms, zero errors (issue 7 saw
p95 330–360 ms for the map and profile pages on PostgreSQL without the cache).
"""

from __future__ import annotations

import argparse
import http.client
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGETS = [
    ("map page", "/peta/", 0.300),
    ("ranking page", "/peringkat/", 0.300),
    ("profile page", "/wilayah/32.04/", 0.300),
    ("methodology", "/metodologi/", 0.300),
    ("results API", "/api/v1/editions/ikp-2024-kabkota/results?node=IKP&limit=100", 0.150),
]


def _env(db_url: str, var_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ikp_web.config.settings.dev",
        "DATABASE_URL": db_url,
        "IKP_VAR_DIR": str(var_dir),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
    }


def _prepare(db_url: str, env: dict[str, str]) -> None:
    import psycopg

    admin_url, _, name = db_url.rpartition("/")
    with psycopg.connect(f"{admin_url}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    for args in (
        ["migrate", "--noinput", "-v", "0"],
        ["ikp_seed", "--runs", "200"],
        ["collectstatic", "--noinput", "-v", "0"],
    ):
        subprocess.run(
            [sys.executable, "-m", "django", *args],
            env=env,
            check=True,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
        )


def _client(
    port: int, path: str, n: int, out: list[float], errors: list[str], deadline: float
) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    for _ in range(n):
        if time.monotonic() > deadline:
            errors.append("deadline")
            break
        start = time.perf_counter()
        try:
            conn.request("GET", path, headers={"Connection": "keep-alive"})
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                errors.append(str(response.status))
        except (OSError, http.client.HTTPException) as exc:
            errors.append(type(exc).__name__)
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            continue
        out.append(time.perf_counter() - start)
    conn.close()


def run_target(
    port: int, path: str, clients: int, requests: int
) -> tuple[list[float], list[str], float]:
    latencies: list[float] = []
    errors: list[str] = []
    deadline = time.monotonic() + 120
    threads = [
        threading.Thread(target=_client, args=(port, path, requests, latencies, errors, deadline))
        for _ in range(clients)
    ]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, errors, time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=20, help="requests per client per target")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--db",
        default=os.environ.get(
            "IKP_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ikp_bench"
        ),
    )
    parser.add_argument("--skip-seed", action="store_true")
    parser.add_argument(
        "--only", choices=("off", "on"), help="one pass: page cache off (as before) or on"
    )
    args = parser.parse_args()
    var_dir = Path(f"/tmp/ikp-bench-var-{args.db.rpartition('/')[2]}")  # one per database
    env = _env(args.db, var_dir)
    if not args.skip_seed:
        _prepare(args.db, env)
    passes = [args.only] if args.only else ["off", "on"]
    results: dict[str, dict[str, tuple[float, float, int]]] = {}
    failed = False
    for mode in passes:
        results[mode], missed = one_pass(
            args, {**env, "IKP_PAGE_CACHE_SECONDS": "0" if mode == "off" else "600"}, mode
        )
        failed |= missed and mode == passes[-1]
    if len(passes) == 2:
        load = os.getloadavg()
        print(
            f"\n== page cache off → on (load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, {os.cpu_count()} cores) =="
        )
        print(
            f"{'target':<16} {'p95 off':>9} {'p95 on':>9} {'ratio':>7} {'req/s off':>10} {'req/s on':>9} {'ratio':>7}"
        )
        for name, _path, _target in TARGETS:
            p_off, r_off, _ = results["off"][name]
            p_on, r_on, _ = results["on"][name]
            print(
                f"{name:<16} {p_off * 1000:>7.0f}ms {p_on * 1000:>7.0f}ms {p_off / p_on:>6.1f}x "
                f"{r_off:>10.0f} {r_on:>9.0f} {r_on / r_off:>6.1f}x"
            )
    return 1 if failed else 0


def one_pass(
    args: argparse.Namespace, env: dict[str, str], mode: str
) -> tuple[dict[str, tuple[float, float, int]], bool]:
    """Start gunicorn with ``env``, load every target; (p95, req/s, errors) per target and
    whether a target was missed."""
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "ikp_web.config.wsgi:application",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    out: dict[str, tuple[float, float, int]] = {}
    failed = False
    try:
        for _ in range(100):
            try:
                c = http.client.HTTPConnection("127.0.0.1", args.port, timeout=2)
                c.request("GET", "/api/v1/health")
                if c.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.2)
        load = os.getloadavg()
        print(
            f"\n== load: {args.clients} concurrent clients × {args.requests} requests, gunicorn "
            f"{args.workers} workers, PostgreSQL, page cache {mode} (load average {load[0]:.2f}) =="
        )
        print(
            f"{'target':<16} {'path':<62} {'median':>8} {'p95':>8} {'req/s':>7} {'errors':>6}  target p95"
        )
        for name, path, target in TARGETS:
            run_target(args.port, path, 16, 5)  # warm every worker and its caches
            lat, errors, elapsed = run_target(args.port, path, args.clients, args.requests)
            lat.sort()
            p95 = lat[int(0.95 * (len(lat) - 1))] if lat else float("nan")
            med = statistics.median(lat) if lat else float("nan")
            ok = not errors and p95 < target
            failed |= not ok
            out[name] = (p95, len(lat) / elapsed, len(errors))
            print(
                f"{name:<16} {path:<62} {med * 1000:>6.0f}ms {p95 * 1000:>6.0f}ms {len(lat) / elapsed:>7.0f} {len(errors):>6}  < {target * 1000:.0f} ms {'ok' if ok else 'MISSED'}"
            )
        return out, failed
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    raise SystemExit(main())
