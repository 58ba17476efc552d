"""Regenerate the built-in framework files from the domain tables in ../shared/domain.

Usage: .venv/bin/python scripts/build_frameworks.py [/path/to/shared/domain]

Writes src/ikp/frameworks/ikp-2024.yaml and tps-2024.yaml. The files are committed; this
script documents where their content came from.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import yaml

from ikp.framework import DEFAULT_METHODS

ROOT = Path(__file__).resolve().parents[1]
DOMAIN = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "domain"
OUT = ROOT / "src" / "ikp" / "frameworks"

SLIDES = "https://www.slideshare.net/ibnitrisaladam1/ikp-pemilu-dan-pemilihan-2024pdf"
CUTOFFS = "https://alinea.id/amp/daerah/upaya-polri-jaga-kamtibmas-kalimantan-tengah-saat-pemilu-b2iaR9Ppx"
WORDING = "github.com/ruanganpakordiv-code/pengolahandata (Bawaslu data-entry spreadsheet, indicator wording provisional)"


def ikp2024() -> dict:
    df = pd.read_csv(DOMAIN / "ikp2024-indicators.csv")
    nodes: list[dict] = [
        {
            "code": "IKP",
            "name": {
                "id": "Indeks Kerawanan Pemilu 2024",
                "en": "Election Vulnerability Index 2024",
            },
            "level": 4,
        }
    ]
    for _, d in df.drop_duplicates("dimension_code").iterrows():
        nodes.append(
            {
                "code": d.dimension_code,
                "name": {"id": d.dimension_name_id, "en": d.dimension_name_en},
                "level": 3,
                "parent": "IKP",
                "weight": {"province": 1.0, "regency": 1.0},
            }
        )
    for _, s in df.drop_duplicates("subdimension_code").iterrows():
        nodes.append(
            {
                "code": s.subdimension_code,
                "name": {"id": s.subdimension_name_id, "en": s.subdimension_name_en},
                "level": 2,
                "parent": s.dimension_code,
                "weight": {"province": 1.0, "regency": 1.0},
            }
        )
    for _, i in df.iterrows():
        nodes.append(
            {
                "code": i.indicator_code,
                "name": {"id": i.indicator_name_id, "en": i.indicator_name_en},
                "level": 1,
                "parent": i.subdimension_code,
                "weight": 1.0,
                "direction": 1,
                "type": "count",
                "unit": "kejadian (tertimbang)",
                "min_value": 0,
            }
        )
    return {
        "id": "ikp-2024",
        "version": "2024.1",
        "name": {"id": "Indeks Kerawanan Pemilu 2024", "en": "Election Vulnerability Index 2024"},
        "description": (
            "IKP Pemilu dan Pemilihan Serentak 2024 (Bawaslu, 16 Dec 2022): 4 dimensions, "
            "12 sub-dimensions, 61 indicators; each indicator counts incidents weighted by their "
            "level (tingkat kejadian); 0-100, higher = more vulnerable."
        ),
        "sources": [SLIDES, CUTOFFS, WORDING],
        "assumptions": [
            "Dimension, sub-dimension and indicator weights are not published by Bawaslu: the "
            "default gives equal weights within each parent, for provinces and kabupaten/kota "
            "alike. Change them under 'weight' (per region level).",
            "The scale of tingkat kejadian is not published: the default counts an incident at "
            "level 1/2/3 (rendah/sedang/tinggi) as 1/2/3. Change them under 'incidence_levels'.",
            "The normalisation is not published: the default is min-max to 0-100 per indicator "
            "after COINr-style winsorisation of highly skewed indicators.",
            "An indicator with the same value in every region (an incident type that happened "
            "nowhere, or equally everywhere) follows COINr (normalize.constant: coinr): min-max "
            "is 0/0 on it, so it gets no score and its parent averages the other indicators "
            "with their weights rescaled. A column without variation cannot tell regions apart, "
            "and keeping it at 0 with its full weight ('lower') would let 'every region had 5 "
            "incidents' read as 'no vulnerability' and pull every parent down.",
            "Category cut-offs are Bawaslu's published 2024 values per region level.",
        ],
        "level_names": {
            1: {"id": "indikator", "en": "indicator"},
            2: {"id": "subdimensi", "en": "sub-dimension"},
            3: {"id": "dimensi", "en": "dimension"},
            4: {"id": "indeks", "en": "index"},
        },
        "region_levels": ["province", "regency"],
        "incidence_levels": [
            {"code": "L1", "name": {"id": "rendah", "en": "low"}, "weight": 1.0},
            {"code": "L2", "name": {"id": "sedang", "en": "medium"}, "weight": 2.0},
            {"code": "L3", "name": {"id": "tinggi", "en": "high"}, "weight": 3.0},
        ],
        "defaults": {k: dict(v) for k, v in DEFAULT_METHODS.items()},
        "classification": {
            "method": "fixed",
            "labels": [
                {"id": "rendah", "en": "low"},
                {"id": "sedang", "en": "medium"},
                {"id": "tinggi", "en": "high"},
            ],
            "cutoffs": {"province": [21.7, 68.5], "regency": [13.47, 49.33]},
            "source": CUTOFFS,
        },
        "nodes": nodes,
    }


def tps2024() -> dict:
    df = pd.read_csv(DOMAIN / "tps2024-indicators.csv")
    nodes: list[dict] = [
        {
            "code": "TPS",
            "name": {"id": "Indeks TPS Rawan 2024", "en": "Vulnerable polling stations 2024"},
            "level": 3,
        }
    ]
    var_en = {
        "V1": "Use of the right to vote",
        "V2": "Security",
        "V3": "Campaign",
        "V4": "Neutrality",
        "V5": "Logistics",
        "V6": "Polling-station location",
        "V7": "Electricity and internet",
    }
    for _, v in df.drop_duplicates("variable_code").sort_values("variable_code").iterrows():
        nodes.append(
            {
                "code": v.variable_code,
                "name": {"id": v.variable_name_id, "en": var_en.get(v.variable_code, "")},
                "level": 2,
                "parent": "TPS",
                "weight": 1.0,
            }
        )
    for _, i in df.iterrows():
        nodes.append(
            {
                "code": i.indicator_code,
                "name": {"id": i.indicator_name_id, "en": i.indicator_name_en},
                "level": 1,
                "parent": i.variable_code,
                "weight": 1.0,
                "direction": 1,
                "type": "rate",
                "unit": "% TPS",
                "min_value": 0,
                "max_value": 100,
                "description": f"Nationally {int(i.tps_flagged_national):,} TPS flagged (Bawaslu, 11 Feb 2024).",
            }
        )
    return {
        "id": "tps-2024",
        "version": "2024.1",
        "name": {
            "id": "Pemetaan TPS Rawan Pemilu 2024",
            "en": "Vulnerable polling-station mapping 2024",
        },
        "description": (
            "Bawaslu's TPS rawan mapping for the 14 Feb 2024 election: 7 variables, 22 yes/no "
            "indicators per polling station. Aggregated per region as the share (%) of polling "
            "stations where the indicator holds."
        ),
        "sources": ["Bawaslu, Pemetaan TPS Rawan Pemilu 2024 (released 11 Feb 2024)"],
        "assumptions": [
            "Bawaslu publishes counts of flagged TPS, not an index: this framework turns each "
            "indicator into the share of a region's TPS flagged, with equal weights, min-max "
            "normalisation and tercile classes. All of it is configurable.",
        ],
        "level_names": {
            1: {"id": "indikator", "en": "indicator"},
            2: {"id": "variabel", "en": "variable"},
            3: {"id": "indeks", "en": "index"},
        },
        "region_levels": ["province", "regency", "district", "village"],
        "defaults": {
            "treat": {"method": "none"},
            "normalize": {"method": "minmax", "lower": 0.0, "upper": 100.0, "constant": "coinr"},
            "aggregate": {"method": "arithmetic", "min_coverage": 0.0},
        },
        "classification": {"method": "quantile", "probs": [1 / 3, 2 / 3]},
        "nodes": nodes,
    }


def main() -> None:
    for name, data in (("ikp-2024.yaml", ikp2024()), ("tps-2024.yaml", tps2024())):
        header = (
            "# Built-in framework, generated by scripts/build_frameworks.py from ../shared/domain.\n"
            "# Format: docs/framework-format.md\n"
        )
        (OUT / name).write_text(
            header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100), "utf-8"
        )
        print("wrote", OUT / name)


if __name__ == "__main__":
    main()
