"""Regions: shipped code list, registry, editions, crosswalk, boundaries."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from ikp.regions import (
    EDITIONS,
    LEVEL_NAMES_ID,
    LEVELS,
    Region,
    RegionNotFoundError,
    RegionRegistry,
    crosswalk,
    expand_to_edition,
    load_boundaries,
    normalize_code,
    resolve_edition,
)

PAPUA_2022 = {"91": ["91", "93", "94", "95"], "92": ["92", "96"]}


@pytest.fixture(scope="module")
def full() -> RegionRegistry:
    return RegionRegistry.load("current", max_level=4)


@pytest.fixture(scope="module")
def reg() -> RegionRegistry:
    return RegionRegistry.load("current", max_level=2)


@pytest.fixture(scope="module")
def reg22() -> RegionRegistry:
    return RegionRegistry.load("2022", max_level=2)


def codes(regions: list[Region]) -> list[str]:
    return [r.code for r in regions]


# --- counts and levels ---------------------------------------------------------------------


def test_counts_current(full: RegionRegistry) -> None:
    assert full.counts == {1: 38, 2: 514, 3: 7285, 4: 83762}
    assert len(full) == 38 + 514 + 7285 + 83762
    assert full.edition == "current"


def test_max_level_2_does_not_load_villages(reg: RegionRegistry) -> None:
    assert reg.counts == {1: 38, 2: 514}
    assert "32.04.05" not in reg
    with pytest.raises(KeyError, match="max_level=2"):
        reg.get("32.04.05")
    with pytest.raises(ValueError, match="max_level"):
        reg.at_level(3)
    with pytest.raises(ValueError, match="max_level"):
        reg.children("32.04")


def test_load_is_cached() -> None:
    assert RegionRegistry.load("current", 2) is RegionRegistry.load("regions-2025", max_level=2)
    assert RegionRegistry.load("2022", 2) is RegionRegistry.load("regions-2022", max_level=2)


def test_level_names() -> None:
    assert LEVELS == {1: "province", 2: "regency", 3: "district", 4: "village"}
    assert LEVEL_NAMES_ID[2] == "kabupaten/kota"


# --- codes --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("32", "32"),
        (32, "32"),
        (np.int64(32), "32"),
        ("32.04", "32.04"),
        ("3204", "32.04"),
        (3204, "32.04"),
        ("kemendagri:32.04", "32.04"),
        ("Kemendagri: 3204 ", "32.04"),
        ("  32.04  ", "32.04"),
        ("32.04.05", "32.04.05"),
        ("320405", "32.04.05"),
        ("32.04.05.2001", "32.04.05.2001"),
        ("3204052001", "32.04.05.2001"),
    ],
)
def test_normalize_code(raw: str | int, expected: str) -> None:
    assert normalize_code(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "3",
        "320",
        "32041",
        "32.4",
        "32.004",
        "32.04.01.201",
        "32.04.05.2001.01",
        "32-04",
        "32..04",
        "32.04.",
        "abc",
        "bps:3204",
        "00",
        "32.00",
        0,
        -32,
        True,
        3.2,
        None,
    ],
)
def test_normalize_code_rejects(raw: object) -> None:
    with pytest.raises(ValueError, match="region code"):
        normalize_code(raw)  # type: ignore[arg-type]


def test_region_properties(full: RegionRegistry) -> None:
    bandung = full.get("3204")
    assert bandung == Region("32.04", "Kabupaten Bandung", 2, "32")
    assert (bandung.kind, bandung.short_name, bandung.digits) == ("Kabupaten", "Bandung", "3204")
    assert bandung.level_name == "regency"
    assert full.get("32.73").kind == "Kota"
    seribu = full.get("31.01")
    assert (seribu.kind, seribu.short_name) == ("Kabupaten", "Kepulauan Seribu")
    pusat = full.get("31.71")
    assert (pusat.kind, pusat.short_name) == ("Kota", "Jakarta Pusat")
    prov = full.get(32)
    assert (prov.kind, prov.short_name, prov.parent, prov.level_name) == (
        None,
        "Jawa Barat",
        None,
        "province",
    )
    village = full.get("3204052001")
    assert village.level == 4 and village.level_name == "village" and village.kind is None
    # names are stripped
    assert full.get("31.72").name == "Kota Administrasi Jakarta Utara"


def test_lookup_forms(full: RegionRegistry) -> None:
    assert "32.04" in full and "3204" in full and "kemendagri:32.04" in full and 32 in full
    assert "99" not in full and "garbage" not in full and None not in full
    assert full.find("99.01") is None and full.find("x") is None
    assert full.find("3204") == full["32.04"]
    assert full.level("32.04.05") == 3


def test_get_unknown_gives_hint(full: RegionRegistry) -> None:
    with pytest.raises(RegionNotFoundError) as info:
        full.get("32.99")
    message = str(info.value)
    assert "32.99" in message and "Did you mean" in message and "Jawa Barat" in message
    assert "32.79 Kota Banjar" in message
    with pytest.raises(KeyError, match="Did you mean"):
        full.get("99")
    with pytest.raises(ValueError):
        full.get("32.4")


# --- hierarchy ----------------------------------------------------------------------------


def test_hierarchy(full: RegionRegistry) -> None:
    village = "32.04.05.2001"
    assert codes(full.ancestors(village)) == ["32", "32.04", "32.04.05"]
    assert full.parent(village) == full.get("32.04.05")
    assert full.parent("32") is None
    assert full.ancestors("32") == []
    kecamatan = full.children("32.04")
    assert kecamatan and all(k.parent == "32.04" and k.level == 3 for k in kecamatan)
    assert full.children(village) == []
    assert codes(full.provinces())[:3] == ["11", "12", "13"]
    assert len(full.regencies()) == 514
    jabar = full.regencies("32")
    assert len(jabar) == 27 and "32.04" in codes(jabar) and "32.73" in codes(jabar)
    # every non-province region's parent exists, one level up
    for level in (2, 3, 4):
        for region in full.at_level(level):
            assert region.parent is not None and full.get(region.parent).level == level - 1
    assert sum(len(full.children(p.code)) for p in full.provinces()) == 514


def test_frames(reg: RegionRegistry, full: RegionRegistry) -> None:
    columns = [
        "region_code",
        "region_name",
        "level",
        "parent_code",
        "province_code",
        "population",
        "area_km2",
    ]
    for level, n in [(1, 38), (2, 514), (3, 7285)]:
        frame = full.frame(level)
        assert list(frame.columns) == columns and len(frame) == n
        assert frame["region_code"].is_unique
        assert (frame["level"] == level).all()
    kab = reg.frame("regency")
    assert (kab["province_code"] == kab["region_code"].str[:2]).all()
    assert (kab["population"] > 0).all() and (kab["area_km2"] > 0).all()
    assert full.frame(3)["population"].isna().all() and full.frame(3)["area_km2"].isna().all()
    # frames are copies: mutating one does not touch the cache
    kab.loc[0, "region_name"] = "changed"
    assert reg.frame(2).loc[0, "region_name"] != "changed"


def test_population_and_area(reg: RegionRegistry) -> None:
    provinces = reg.frame(1)
    total = int(provinces["population"].sum())
    assert 270_000_000 < total < 300_000_000
    kab = reg.frame(2)
    assert int(kab["population"].sum()) == total
    assert math.isclose(kab["area_km2"].sum(), provinces["area_km2"].sum(), rel_tol=1e-9)
    assert reg.population("32") == int(kab.loc[kab["province_code"] == "32", "population"].sum())
    area = reg.area_km2("11.10")  # one of the rows whose code lost its trailing zero upstream
    assert area is not None and area > 0
    assert all(reg.population(r.code) for r in reg.regencies())


def test_population_none_below_kabkota(full: RegionRegistry) -> None:
    assert full.population("32.04.05") is None and full.area_km2("32.04.05") is None


# --- search -------------------------------------------------------------------------------


def test_search_kab_prefix(reg: RegionRegistry, full: RegionRegistry) -> None:
    for registry in (reg, full):
        assert registry.search("kab. bandung")[0].code == "32.04"
        assert registry.search("Kab Bandung")[0].code == "32.04"
        assert registry.search("  KABUPATEN   bandung ")[0].code == "32.04"


def test_search_plain_name(reg: RegionRegistry, full: RegionRegistry) -> None:
    for registry in (reg, full):
        assert codes(registry.search("bandung"))[:3] == ["32.04", "32.73", "32.17"]


def test_search_kota_and_others(full: RegionRegistry) -> None:
    assert full.search("Kota Bandung")[0].code == "32.73"
    assert codes(full.search("KAB BOGOR"))[:2] == ["32.01", "32.71"]
    assert full.search("kota bogor")[0].code == "32.71"
    assert full.search("kepulauan seribu")[0].code == "31.01"
    assert full.search("Kota Adm. Jakarta Pusat")[0].code == "31.71"
    assert full.search("kota baru")[0].code == "63.02"  # Kabupaten Kotabaru
    assert full.search("labuhan batu")[0].code == "12.10"  # Labuhanbatu
    assert full.search("jawa barat")[0].code == "32"


def test_search_level_limit_and_fuzzy(full: RegionRegistry) -> None:
    districts = full.search("bandung", level=3)
    assert districts and all(r.level == 3 for r in districts)
    assert len(full.search("bandung", limit=2)) == 2
    assert full.search("bandng")[0].code in {"32.04", "32.73"}  # typo → close match
    assert full.search("   ") == []
    assert full.search("qqqqzzzz") == []


# --- editions -----------------------------------------------------------------------------


def test_edition_resolution() -> None:
    assert set(EDITIONS) == {"current", "2022"}
    assert resolve_edition("regions-2025").key == "current"
    assert resolve_edition("regions-2022").key == "2022"
    with pytest.raises(ValueError, match="edition"):
        resolve_edition("1999")


def test_edition_2022(reg22: RegionRegistry) -> None:
    assert reg22.counts == {1: 34, 2: 514}
    assert reg22.edition == "2022"
    for gone in ("93", "94", "95", "96"):
        assert gone not in reg22
        with pytest.raises(KeyError, match="part of 9"):
            reg22.get(gone)
    papua = codes(reg22.children("91"))
    assert {"91.03", "93.01", "94.07", "95.01"} <= set(papua)
    assert len(papua) == 9 + 4 + 8 + 8
    assert {"92.02", "96.01", "96.71"} <= set(codes(reg22.children("92")))
    assert reg22.get("93.01").parent == "91"
    assert reg22.province_code("96.71") == "92"


def test_edition_2022_population(reg: RegionRegistry, reg22: RegionRegistry) -> None:
    for old, successors in PAPUA_2022.items():
        expected = sum(reg.population(c) or 0 for c in successors)
        assert reg22.population(old) == expected
        area = reg22.area_km2(old)
        assert area is not None
        assert math.isclose(area, sum(reg.area_km2(c) or 0.0 for c in successors))
    assert reg22.population("32") == reg.population("32")
    frame = reg22.frame(1)
    assert len(frame) == 34 and int(frame["population"].sum()) == int(
        reg.frame(1)["population"].sum()
    )
    kab = reg22.frame(2)
    assert set(kab.loc[kab["region_code"].str[:2].isin(["93", "94", "95"]), "province_code"]) == {
        "91"
    }


def test_edition_2022_villages_reparented() -> None:
    reg22 = RegionRegistry.load("2022", max_level=3)
    assert reg22.counts[3] == 7285
    assert reg22.province_code("93.01.01") == "91"
    assert codes(reg22.ancestors("93.01.01")) == ["91", "93.01"]
    assert set(reg22.frame(3).query("region_code.str.startswith('96.')")["province_code"]) == {"92"}


# --- crosswalk ----------------------------------------------------------------------------


def test_crosswalk_forward() -> None:
    cw = crosswalk("2022", "current")
    assert list(cw.columns) == ["from_code", "to_code", "relation"]
    prov = cw[cw["from_code"].str.len() == 2]
    assert len(prov) == 38 and prov["from_code"].nunique() == 34
    split = prov[prov["relation"] == "split"]
    assert sorted(split.itertuples(index=False, name=None)) == sorted(
        (old, new, "split") for old, news in PAPUA_2022.items() for new in news
    )
    assert (prov.loc[~prov["from_code"].isin(["91", "92"]), "relation"] == "same").all()
    kab = cw[cw["from_code"].str.len() == 5]
    assert len(kab) == 514 and (kab["relation"] == "same").all()
    assert (kab["from_code"] == kab["to_code"]).all()


def test_crosswalk_backward() -> None:
    back = crosswalk("current", "2022", level=1)
    assert len(back) == 38 and back["to_code"].nunique() == 34
    merged = back[back["relation"] == "merge"]
    assert dict(zip(merged["from_code"], merged["to_code"], strict=True)) == {
        "91": "91",
        "93": "91",
        "94": "91",
        "95": "91",
        "92": "92",
        "96": "92",
    }
    forward = crosswalk("2022", "current", level=1)
    pairs = set(zip(forward["from_code"], forward["to_code"], strict=True))
    assert pairs == set(zip(back["to_code"], back["from_code"], strict=True))
    same = crosswalk("current", "current")
    assert (same["relation"] == "same").all() and len(same) == 38 + 514


def test_expand_to_edition() -> None:
    published = {"91": 57.27, "92": 53.48, "31": 88.95, "94.07": 100.0}
    shown = expand_to_edition(published, "2022", "current")
    for new in PAPUA_2022["91"]:
        assert shown[new] == 57.27
    assert shown["96"] == shown["92"] == 53.48
    assert shown["31"] == 88.95 and shown["94.07"] == 100.0
    with pytest.raises(KeyError, match="part of 91"):
        expand_to_edition({"93": 1.0}, "2022", "current")
    back = {"91": 1.0, "93": 2.0, "94": 3.0, "95": 6.0, "92": 5.0, "32": 7.0}
    assert expand_to_edition(back, "current", "2022") == {"32": 7.0}
    assert expand_to_edition(back, "current", "2022", on_merge="mean") == {
        "91": 3.0,
        "92": 5.0,
        "32": 7.0,
    }
    assert expand_to_edition(back, "current", "2022", on_merge="sum")["91"] == 12.0
    with pytest.raises(ValueError, match="merges"):
        expand_to_edition(back, "current", "2022", on_merge="error")


# --- boundaries ---------------------------------------------------------------------------


def _feature_codes(collection: dict[str, object]) -> list[str]:
    features = collection["features"]
    assert isinstance(features, list)
    return [f["properties"]["kode"] for f in features]


def test_boundaries_join_regions(full: RegionRegistry) -> None:
    provinces = load_boundaries("province")
    assert provinces["type"] == "FeatureCollection"
    assert sorted(_feature_codes(provinces)) == sorted(codes(full.provinces()))
    kab = load_boundaries("regency")
    assert sorted(_feature_codes(kab)) == sorted(codes(full.regencies()))
    for feature in kab["features"]:
        assert feature["properties"]["nama"] == full.get(feature["properties"]["kode"]).name
        assert feature["geometry"]["type"] in {"Polygon", "MultiPolygon"}
    n_districts = 0
    for province in full.provinces():
        districts = _feature_codes(load_boundaries("district", province.code))
        assert all(full.get(c).level == 3 and c.startswith(province.code + ".") for c in districts)
        n_districts += len(districts)
    assert n_districts == 7285


def test_boundaries_filters_and_errors() -> None:
    jabar = _feature_codes(load_boundaries("regency", province="32"))
    assert len(jabar) == 27 and all(c.startswith("32.") for c in jabar)
    with pytest.raises(ValueError, match="province"):
        load_boundaries("district")
    with pytest.raises(ValueError):
        load_boundaries("village", "32")
    with pytest.raises(KeyError):
        load_boundaries("district", "99")
    # fresh objects on every call
    first = load_boundaries("province", "11")
    first["features"][0]["properties"]["nama"] = "changed"
    assert load_boundaries("province", "11")["features"][0]["properties"]["nama"] == "Aceh"


def test_boundaries_2022(reg22: RegionRegistry) -> None:
    provinces = load_boundaries("province", edition="2022")
    assert sorted(_feature_codes(provinces)) == sorted(codes(reg22.provinces()))
    current = {
        f["properties"]["kode"]: f["geometry"] for f in load_boundaries("province")["features"]
    }
    papua = next(f for f in provinces["features"] if f["properties"]["kode"] == "91")
    assert papua["geometry"]["type"] == "MultiPolygon"

    def n_polygons(geometry: dict[str, object]) -> int:
        coords = geometry["coordinates"]
        assert isinstance(coords, list)
        return 1 if geometry["type"] == "Polygon" else len(coords)

    assert n_polygons(papua["geometry"]) == sum(n_polygons(current[c]) for c in PAPUA_2022["91"])
    districts = _feature_codes(load_boundaries("district", "91", edition="2022"))
    assert {c[:2] for c in districts} == {"91", "93", "94", "95"}
    with pytest.raises(KeyError):
        load_boundaries("district", "93", edition="2022")


def test_frame_is_dataframe(reg: RegionRegistry) -> None:
    assert isinstance(reg.frame(1), pd.DataFrame)
