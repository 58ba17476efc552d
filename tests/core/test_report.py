"""The self-contained HTML summary (ikp.report.html) on a random run for all 514 kab/kota."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ikp import SYNTHETIC_LABEL, SYNTHETIC_LABEL_EN
from ikp.dataset import Dataset
from ikp.framework import Framework, load_framework
from ikp.regions import RegionRegistry
from ikp.report import write_summary
from ikp.report.html import (
    BACKGROUND_COLOUR,
    BANNER_BACKGROUND,
    BANNER_TEXT,
    MUTED_TEXT_COLOUR,
    NO_DATA_COLOUR,
    TEXT_COLOUR,
    class_palette,
    contrast_ratio,
    render_summary,
)
from ikp.run import IndexRun, compute


def _random_raw(framework: Framework, codes: list[str], seed: int) -> Dataset:
    rng = np.random.default_rng(seed)
    values = rng.negative_binomial(1, 0.2, size=(len(codes), len(framework.indicators)))
    values = values.astype(np.float64) * rng.lognormal(0, 0.8, size=(len(codes), 1))
    values[rng.random(values.shape) < 0.02] = np.nan
    return Dataset(tuple(codes), framework.indicators, values)


@pytest.fixture(scope="module")
def fw() -> Framework:
    return load_framework("ikp-2024")


@pytest.fixture(scope="module")
def regencies() -> pd.DataFrame:
    frame = RegionRegistry.load("current", max_level=2).frame(2)
    assert len(frame) == 514
    return frame


@pytest.fixture(scope="module")
def run(fw: Framework, regencies: pd.DataFrame) -> IndexRun:
    codes = regencies["region_code"].astype(str).tolist()
    names = dict(zip(codes, regencies["region_name"].astype(str), strict=True))
    return compute(
        fw,
        _random_raw(fw, codes, seed=11),
        "regency",
        region_names=names,
        metadata={"synthetic": True, "label": SYNTHETIC_LABEL, "seed": 11},
    )


@pytest.fixture(scope="module")
def province_run(fw: Framework) -> IndexRun:
    frame = RegionRegistry.load("current", max_level=1).frame(1)
    codes = frame["region_code"].astype(str).tolist()
    names = dict(zip(codes, frame["region_name"].astype(str), strict=True))
    return compute(
        fw,
        _random_raw(fw, codes, seed=12),
        "province",
        region_names=names,
        metadata={"synthetic": True},
    )


@pytest.fixture(scope="module")
def uncertainty(run: IndexRun) -> pd.DataFrame:
    res = run.results()
    idx = res[res["node_code"] == run.framework.root]
    rank = idx["rank"].to_numpy(dtype=float)
    score = idx["score"].to_numpy(dtype=float)
    return pd.DataFrame(
        {
            "region_code": idx["region_code"].to_numpy(),
            "rank_nominal": rank,
            "rank_median": rank,
            "rank_mean": rank,
            "rank_p05": np.maximum(rank - 7, 1),
            "rank_p95": rank + 9,
            "score_nominal": score,
            "score_p05": score - 2,
            "score_p95": score + 2,
            "prob_rendah": 0.25,
            "prob_sedang": 0.5,
            "prob_tinggi": 0.25,
        }
    )


@pytest.fixture(scope="module")
def page(run: IndexRun, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    path = write_summary(run, tmp_path_factory.mktemp("report") / "ringkasan.html")
    return path, path.read_text("utf-8")


def _strip_links(text: str) -> str:
    """The page without the targets of ``<a href="...">`` (the only allowed URLs)."""
    return re.sub(r'(<a\b[^>]*?\bhref=")[^"]*(")', r"\1\2", text)


def test_writes_one_file(page: tuple[Path, str]) -> None:
    path, text = page
    assert path.exists() and path.suffix == ".html"
    assert text.startswith("<!DOCTYPE html>")
    assert path.stat().st_size < 3_000_000


def test_synthetic_banner_title_and_footer(page: tuple[Path, str]) -> None:
    _, text = page
    banner = f"{SYNTHETIC_LABEL} <span"
    assert banner in text
    assert SYNTHETIC_LABEL_EN in text
    title = re.search(r"<title>(.*?)</title>", text, re.S)
    assert title is not None and SYNTHETIC_LABEL in title.group(1)
    assert SYNTHETIC_LABEL_EN in title.group(1)
    footer = text[text.index("<footer>") :]
    assert SYNTHETIC_LABEL in footer and SYNTHETIC_LABEL_EN in footer
    assert 'class="banner"' in text


def test_no_remote_resources(page: tuple[Path, str]) -> None:
    _, text = page
    stripped = _strip_links(text)
    assert "http://" not in stripped
    assert "https://" not in stripped
    assert not re.search(r"""=\s*["']//""", stripped)  # protocol-relative references
    assert not re.search(r"\bsrc\s*=", text)
    assert "@import" not in text
    assert "<link" not in text
    assert "url(" not in text
    # the published sources are linked
    assert 'href="https://beta.tvonenews.com/' in text


def test_maps_have_every_region(page: tuple[Path, str], regencies: pd.DataFrame) -> None:
    _, text = page
    assert text.count("<svg") == 2
    on_map = set(re.findall(r'data-code="([0-9.]+)"', text))
    in_table = set(re.findall(r"<td>(\d\d\.\d\d)</td>", text))
    codes = set(regencies["region_code"].astype(str))
    assert codes <= on_map
    assert codes <= in_table
    # tooltips carry name, score, class and rank
    tip = re.search(r'data-code="32\.04" d="[^"]*"><title>([^<]*)</title>', text)
    assert tip is not None
    assert "Kabupaten Bandung (32.04)" in tip.group(1)
    assert "skor" in tip.group(1) and "peringkat" in tip.group(1)
    # every published province value is drawn on the 38 current provinces
    assert "Papua Selatan (93) — skor resmi / official score 57.27" in text


def test_published_results_shown(page: tuple[Path, str]) -> None:
    _, text = page
    assert "88.95" in text
    assert "Hasil resmi Bawaslu IKP 2024 (pendekatan 1), sumber" in text
    assert text.count("<td>DKI Jakarta</td>") == 1
    for name in ("Sulawesi Utara", "Bengkulu", "Nusa Tenggara Barat"):
        assert f"<td>{name}</td>" in text


def test_meta_counts_and_dimensions(page: tuple[Path, str], run: IndexRun) -> None:
    _, text = page
    assert run.input_hash in text
    assert "Indeks Kerawanan Pemilu 2024" in text
    assert "ikp-2024" in text
    # class counts of this run
    res = run.results()
    idx = res[res["node_code"] == run.framework.root]
    for label in ("rendah", "sedang", "tinggi"):
        n = int((idx["class"] == label).sum())
        assert re.search(rf"{label} / \w+</td><td class=\"n\">{n}</td>", text)
    # published kab/kota counts beside them
    assert '<td class="n">85</td>' in text and '<td class="n">349</td>' in text
    # dimension table of the top 10
    assert "Skor dimensi: 10 teratas" in text
    top = idx.sort_values("rank").iloc[0]
    assert f"<td>{top['region_code']}</td><td>{top['region_name']}</td>" in text


def test_uncertainty_and_province_run(
    run: IndexRun, province_run: IndexRun, uncertainty: pd.DataFrame, tmp_path: Path
) -> None:
    path = write_summary(
        run, tmp_path / "full.html", uncertainty=uncertainty, province_run=province_run
    )
    text = path.read_text("utf-8")
    assert "Interval peringkat p05–p95" in text
    assert "P(tinggi)" in text
    assert "25%" in text
    assert "Peringkat provinsi" in text
    assert "provinsi (data ini)" in text
    assert province_run.input_hash in text
    assert path.stat().st_size < 3_000_000


def test_non_synthetic_run_has_no_banner(fw: Framework, regencies: pd.DataFrame) -> None:
    codes = regencies["region_code"].astype(str).tolist()
    real = compute(fw, _random_raw(fw, codes, seed=3), "regency")
    text = render_summary(real)
    assert SYNTHETIC_LABEL not in text
    assert SYNTHETIC_LABEL_EN not in text
    assert "SINTETIS" not in text
    assert 'class="banner"' not in text
    # names fall back to the map's names
    assert "Kabupaten Bandung" in text


def test_english_first(run: IndexRun) -> None:
    text = render_summary(run, lang="en", title="Test summary")
    assert '<html lang="en">' in text
    assert f"{SYNTHETIC_LABEL_EN} <span" in text
    assert "Ranking of all regencies/cities" in text
    assert "<h1>Test summary</h1>" in text
    with pytest.raises(ValueError, match="lang"):
        render_summary(run, lang="fr")


def test_province_level_run(province_run: IndexRun) -> None:
    text = render_summary(province_run)
    on_map = set(re.findall(r'data-code="([0-9.]+)"', text))
    assert {str(c) for c in province_run.data["raw"].regions} <= on_map


def test_palette_and_contrast() -> None:
    palette = class_palette(3)
    assert len(set(palette)) == 3
    # ordered light to dark so the classes also read in grey scale
    lum = [contrast_ratio(c, "#000000") for c in palette]
    assert lum == sorted(lum, reverse=True)
    # legend and table text: WCAG AA (4.5:1) on the page background
    assert contrast_ratio(TEXT_COLOUR, BACKGROUND_COLOUR) >= 4.5
    assert contrast_ratio(MUTED_TEXT_COLOUR, BACKGROUND_COLOUR) >= 4.5
    assert contrast_ratio(BANNER_TEXT, BANNER_BACKGROUND) >= 4.5
    assert NO_DATA_COLOUR not in palette
    assert len(class_palette(7)) == 7
    assert contrast_ratio("#ffffff", "#000000") == pytest.approx(21.0)
