"""Settings shared by every test suite."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest


@pytest.fixture(scope="session", autouse=True)
def _own_cache_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The drawn national maps (``ikp.report.svgmap``) go to a folder of this test session,
    not the user's ``~/.cache/ikp``."""
    before = os.environ.get("IKP_CACHE_DIR")
    os.environ["IKP_CACHE_DIR"] = str(tmp_path_factory.mktemp("ikp-cache"))
    yield
    if before is None:
        os.environ.pop("IKP_CACHE_DIR", None)
    else:
        os.environ["IKP_CACHE_DIR"] = before
