"""Bawaslu's published IKP 2024 results shipped as data (ikp.published)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from ikp.framework import Framework
from ikp.published import (
    PUBLISHED_SOURCE_NOTE,
    PUBLISHED_SOURCE_NOTE_EN,
    published_national,
    published_provinces,
    published_provinces_on_current_map,
    published_regencies_top10,
)
from ikp.regions import RegionRegistry


def _class_for(score: float, sedang: float, tinggi: float) -> str:
    if score >= tinggi:
        return "tinggi"
    if score >= sedang:
        return "sedang"
    return "rendah"


def test_provinces_shape_and_columns() -> None:
    prov = published_provinces()
    assert len(prov) == 34
    assert list(prov.columns) == [
        "region_code",
        "region_name",
        "score",
        "class",
        "rank",
        "source",
        "region_edition",
    ]
    assert prov["region_code"].is_unique
    assert set(prov["region_edition"]) == {"2022"}
    assert sorted(prov["rank"]) == list(range(1, 35))
    assert prov["source"].str.startswith("https://").all()
    # the 2022 edition: no separate new Papua provinces
    assert not set(prov["region_code"]) & {"93", "94", "95", "96"}
    registry = RegionRegistry.load("2022", max_level=1)
    assert set(prov["region_code"]) == {r.code for r in registry.provinces()}


def test_provinces_known_values() -> None:
    prov = published_provinces().set_index("region_code")
    assert prov.loc["31", "score"] == pytest.approx(88.95)
    assert prov.loc["31", "region_name"] == "DKI Jakarta"
    assert prov.loc["52", "score"] == pytest.approx(11.09)
    assert prov.loc["52", "rank"] == 32
    assert prov.loc["17", "score"] == pytest.approx(3.79)


def test_province_mean_and_sd_match_ikp_md() -> None:
    scores = published_provinces()["score"].to_numpy()
    assert round(float(scores.mean()), 2) == 45.19
    assert round(float(np.std(scores, ddof=1)), 2) == 23.52
    summary = published_national()["province_score_summary"]
    assert summary["mean"] == 45.19 and summary["sd"] == 23.52


def test_province_classes_follow_bawaslu_cutoffs(ikp2024: Framework) -> None:
    prov = published_provinces()
    sedang, tinggi = 21.7, 68.5
    assert ikp2024.cutoffs("province") == (sedang, tinggi)
    expected = [_class_for(s, sedang, tinggi) for s in prov["score"]]
    assert list(prov["class"]) == expected
    counts = prov["class"].value_counts().to_dict()
    national = published_national()["province_class_counts"]
    assert counts == {k: national[k] for k in ("tinggi", "sedang", "rendah")}
    # ranks follow the scores (ties keep the published order)
    ordered = prov.sort_values("rank")["score"].to_numpy()
    assert np.all(np.diff(ordered) <= 0)


def test_regencies_top10(ikp2024: Framework) -> None:
    top = published_regencies_top10()
    assert len(top) == 10
    assert list(top["rank"]) == list(range(1, 11))
    assert set(top["region_edition"]) == {"current"}
    assert top["source"].str.startswith("https://").all()
    sedang, tinggi = ikp2024.cutoffs("regency")
    assert (sedang, tinggi) == (13.47, 49.33)
    assert all(
        _class_for(s, sedang, tinggi) == c for s, c in zip(top["score"], top["class"], strict=True)
    )
    assert top.loc[top["region_code"] == "32.04", "score"].item() == pytest.approx(91.5)
    registry = RegionRegistry.load("current", max_level=2)
    assert all(code in registry for code in top["region_code"])


def test_national_figures_have_sources() -> None:
    nat = published_national()
    counts = nat["regency_class_counts"]
    assert (counts["tinggi"], counts["sedang"], counts["rendah"]) == (85, 349, 80)
    assert counts["tinggi"] + counts["sedang"] + counts["rendah"] == 514
    assert nat["cutoffs"]["province"]["tinggi"][0] == 68.5
    assert nat["cutoffs"]["province"]["sedang"][0] == 21.7
    assert nat["cutoffs"]["regency"]["tinggi"][0] == 49.33
    assert nat["dimension_means"]["province"] == {
        "D1": 46.55,
        "D2": 54.27,
        "D3": 40.75,
        "D4": 17.23,
    }
    assert nat["dimension_means"]["regency"] == {"D1": 31.13, "D2": 42.22, "D3": 26.22, "D4": 3.83}
    dki = nat["dki_jakarta"]
    assert dki["score"] == 88.95
    assert dki["dimensions"] == {"D1": 78.27, "D2": 92.36, "D3": 96.08, "D4": 87.01}
    for key in (
        "cutoffs",
        "regency_class_counts",
        "province_class_counts",
        "dimension_means",
        "dki_jakarta",
    ):
        assert str(nat[key]["source"]).startswith("https://"), key
    # a copy: changing it does not change the next call
    nat["dki_jakarta"]["score"] = 0
    assert published_national()["dki_jakarta"]["score"] == 88.95


def test_dimension_codes_match_framework(ikp2024: Framework) -> None:
    nat = published_national()
    dims = set(ikp2024.at_level(3))
    assert set(nat["dimension_means"]["province"]) == dims
    assert set(nat["dki_jakarta"]["dimensions"]) == dims


def test_expansion_to_current_map() -> None:
    cur = published_provinces_on_current_map()
    assert len(cur) == 38
    assert cur["region_code"].is_unique
    registry = RegionRegistry.load("current", max_level=1)
    assert set(cur["region_code"]) == {r.code for r in registry.provinces()}
    by = cur.set_index("region_code")
    for code in ("91", "93", "94", "95"):
        assert by.loc[code, "score"] == pytest.approx(57.27)
        assert by.loc[code, "source_code"] == "91"
        assert "Papua" in by.loc[code, "note"]
    for code in ("92", "96"):
        assert by.loc[code, "score"] == pytest.approx(53.48)
        assert by.loc[code, "source_code"] == "92"
        assert "Papua Barat" in by.loc[code, "note"]
    assert by.loc["93", "region_name"] == "Papua Selatan"
    untouched = cur[~cur["region_code"].isin(["91", "92", "93", "94", "95", "96"])]
    assert (untouched["note"] == "").all()
    assert (untouched["region_code"] == untouched["source_code"]).all()
    assert by.loc["31", "score"] == pytest.approx(88.95)
    # the 34 published values are all there, none invented
    prov = published_provinces().set_index("region_code")["score"]
    for _code, row in by.iterrows():
        assert math.isclose(row["score"], prov[row["source_code"]])


def test_source_notes() -> None:
    assert "Bawaslu" in PUBLISHED_SOURCE_NOTE and "pendekatan 1" in PUBLISHED_SOURCE_NOTE
    assert "Bawaslu" in PUBLISHED_SOURCE_NOTE_EN and "approach 1" in PUBLISHED_SOURCE_NOTE_EN
