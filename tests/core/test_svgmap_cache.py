"""The national maps are drawn once and kept in the user's cache folder: a later process reads
the same shapes instead of projecting and simplifying every ring again."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ikp.report import svgmap


@pytest.fixture()
def fresh() -> Iterator[None]:
    svgmap._national.cache_clear()
    yield
    svgmap._national.cache_clear()


def test_shapes_are_cached_on_disk_and_read_back_equal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh: None
) -> None:
    monkeypatch.setenv("IKP_CACHE_DIR", "off")
    drawn = svgmap.shapes("province")
    proj = svgmap.national_projection()
    svgmap._national.cache_clear()
    monkeypatch.setenv("IKP_CACHE_DIR", str(tmp_path))
    assert svgmap.shapes("province") == drawn  # drawn, then written
    files = list(tmp_path.glob("svgmap-province-*.json"))
    assert len(files) == 1
    svgmap._national.cache_clear()
    monkeypatch.setattr(svgmap, "load_boundaries", None)  # a read from the cache needs none
    assert svgmap.shapes("province") == drawn
    assert svgmap.national_projection() == proj


def test_a_damaged_cache_file_is_drawn_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh: None
) -> None:
    monkeypatch.setenv("IKP_CACHE_DIR", str(tmp_path))
    drawn = svgmap.shapes("province")
    (path,) = tmp_path.glob("svgmap-province-*.json")
    path.write_text('{"shapes": [', "utf-8")
    svgmap._national.cache_clear()
    assert svgmap.shapes("province") == drawn
    assert path.read_text("utf-8").endswith("]]}")  # rewritten whole


def test_cache_folder_follows_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("IKP_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", "/x/cache")
    assert svgmap.cache_dir() == Path("/x/cache/ikp")
    monkeypatch.setenv("IKP_CACHE_DIR", "off")
    assert svgmap.cache_dir() is None
