"""Schemathesis against a live server: every operation of the OpenAPI document, every check
(``--checks all``), positive and negative data, a bounded number of examples, deterministic.

The platform is the API tests' one (published, unpublished, Bawaslu's and empty editions), built
in this test's own transactional database (flushed afterwards), and a Bawaslu RI token with a
job of its own. Two runs: anonymous (what the public may read; the token-only endpoints answer
401) and with the token (everything, unpublished data and submissions included). Any failure
that schemathesis reports fails this test, with its report in the message. How to run it by
hand: ``docs/api.md``."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from tests.web.api.conftest import build_api_data, remove_api_data
from tests.web.conftest import make_user

from ikp_web.apps.accounts.models import Profile
from ikp_web.apps.api.api import api
from ikp_web.apps.api.services import create_token
from ikp_web.apps.core.models import Job

pytestmark = pytest.mark.django_db(transaction=True)

#: examples per operation and phase (fuzzing; the coverage phase adds its own boundary cases)
MAX_EXAMPLES = 15
#: per-operation settings, each with its reason
CONFIG = Path(__file__).with_name("schemathesis.toml")
#: the whole run's time budget per schemathesis process, far above what it needs (~40 s)
TIMEOUT = 600


def schemathesis(base_url: str, report_dir: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """``schemathesis run`` on the live server's OpenAPI document: all checks, every phase,
    deterministic generation, at most ``MAX_EXAMPLES`` per operation, one worker."""
    cmd = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "--config-file",
        str(CONFIG),
        "run",
        f"{base_url}/api/v1/openapi.json",
        "--checks",
        "all",
        "--mode",
        "all",
        "--max-examples",
        str(MAX_EXAMPLES),
        "--generation-deterministic",
        "--workers",
        "1",
        "--request-timeout",
        "60",
        # ``--checks all`` includes max_response_time with a 10 s default; on a loaded 2-core CI
        # machine the first GeoJSON answer (boundaries read from disk) has taken 10-13 s. The
        # check is here to catch hangs; speed is measured in benchmarks/, not in tests.
        "--max-response-time",
        "60",
        "--no-color",
        "--report",
        "junit",
        "--report-dir",
        str(report_dir),
        *extra,
    ]
    report_dir.mkdir(parents=True)
    # in the report directory: schemathesis keeps a cache (.schemathesis/) where it runs
    return subprocess.run(
        cmd, capture_output=True, text=True, timeout=TIMEOUT, check=False, cwd=report_dir
    )


def _summary(run: subprocess.CompletedProcess[str]) -> str:
    return f"schemathesis exited {run.returncode}\n{run.stdout[-30000:]}\n{run.stderr[-5000:]}"


def test_the_api_passes_every_schemathesis_check(live_server: Any, tmp_path: Path) -> None:
    remove_api_data()
    build_api_data()
    user = make_user("schemathesis-ri", Profile.Role.RI)
    _, token = create_token(user, name="schemathesis")
    Job.objects.create(kind="export", created_by=user)  # /jobs/{id} has one to read
    document = api.get_openapi_schema()
    n_operations = sum(len(item) for item in document["paths"].values())
    assert n_operations >= 14
    try:
        started = time.monotonic()
        anonymous = schemathesis(live_server.url, tmp_path / "anonymous")
        assert anonymous.returncode == 0, _summary(anonymous)
        with_token = schemathesis(
            live_server.url, tmp_path / "token", "--header", f"Authorization: Bearer {token}"
        )
        assert with_token.returncode == 0, _summary(with_token)
        for run in (anonymous, with_token):
            # every operation was tested, and a report was written (a run that tested nothing
            # would pass too)
            assert f"Tested: {n_operations}" in run.stdout, run.stdout
            print(run.stdout[run.stdout.find("SUMMARY") :])  # noqa: T201
        print(f"schemathesis: 2 runs in {time.monotonic() - started:.0f} s")  # noqa: T201
    finally:
        remove_api_data()
