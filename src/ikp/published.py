"""Bawaslu's published IKP 2024 results — REAL data, for display and comparison.

Bawaslu publishes no machine-readable dataset or API of IKP scores; these figures were
transcribed from news reports of the launch on 16 Dec 2022, each row and figure keeping the
address it came from (files in ``ikp/data/published/``):

* :func:`published_provinces` — the 34 province totals (approach 1: each province office's own
  input), on the **2022** province codes (before the four new Papua provinces);
* :func:`published_regencies_top10` — the ten highest kabupaten/kota, on today's codes;
* :func:`published_national` — class counts, cut-offs, national dimension averages and DKI
  Jakarta by dimension;
* :func:`published_provinces_on_current_map` — the 34 totals shown on today's 38 provinces: a
  province split since 2022 shows its parent's value (Papua's 57.27 on 91, 93, 94 and 95; Papua
  Barat's 53.48 on 92 and 96), with a ``note`` saying so.
"""

from __future__ import annotations

import copy
import io
from functools import cache
from importlib import resources
from typing import Any

import pandas as pd
import yaml

PUBLISHED_EDITION = "IKP Pemilu dan Pemilihan Serentak 2024"
PUBLISHED_REGION_EDITION = "2022"

PUBLISHED_SOURCE_NOTE = (
    "Hasil resmi Bawaslu IKP 2024 (diluncurkan 16 Desember 2022), skor provinsi pendekatan 1 "
    "(input Bawaslu provinsi). Bawaslu tidak menerbitkan dataset atau API; angka disalin dari "
    "pemberitaan media yang mengutip Bawaslu, dengan sumber pada setiap baris. 34 provinsi "
    "menurut kode wilayah 2022: empat provinsi baru Papua tidak dinilai tersendiri."
)
PUBLISHED_SOURCE_NOTE_EN = (
    "Official Bawaslu IKP 2024 results (launched 16 December 2022), province scores from "
    "approach 1 (the province office's own input). Bawaslu publishes no dataset or API; the "
    "figures are transcribed from news reports quoting Bawaslu, each row with its source. 34 "
    "provinces on the 2022 region codes: the four new Papua provinces were not scored separately."
)

_PROVINCES = "ikp2024-published-provinces.csv"
_REGENCIES = "ikp2024-published-kabkota-top10.csv"
_NATIONAL = "national.yaml"


def _read_text(name: str) -> str:
    return resources.files("ikp").joinpath("data", "published", name).read_text("utf-8")


@cache
def _provinces() -> pd.DataFrame:
    raw = pd.read_csv(
        io.StringIO(_read_text(_PROVINCES)), dtype={"province_code_2022": str, "province_name": str}
    )
    return pd.DataFrame(
        {
            "region_code": raw["province_code_2022"].astype(str),
            "region_name": raw["province_name"].astype(str),
            "score": raw["score"].astype(float),
            "class": raw["category"].astype(str),
            "rank": raw["rank"].astype(int),
            "source": raw["source"].astype(str),
            "region_edition": PUBLISHED_REGION_EDITION,
        }
    )


@cache
def _regencies() -> pd.DataFrame:
    raw = pd.read_csv(
        io.StringIO(_read_text(_REGENCIES)),
        dtype={"regency_code_current": str, "regency_name": str},
    )
    return pd.DataFrame(
        {
            "region_code": raw["regency_code_current"].astype(str),
            "region_name": raw["regency_name"].astype(str),
            "score": raw["score"].astype(float),
            "class": raw["category"].astype(str),
            "rank": raw["rank"].astype(int),
            "source": raw["source"].astype(str),
            "region_edition": "current",
        }
    )


@cache
def _national() -> dict[str, Any]:
    data = yaml.safe_load(_read_text(_NATIONAL))
    if not isinstance(data, dict):  # pragma: no cover - packaged file
        raise ValueError(f"{_NATIONAL} must hold a mapping")
    return data


def published_provinces() -> pd.DataFrame:
    """The 34 published province totals of IKP 2024 (approach 1), best-ranked first.

    Columns: ``region_code`` (2022 province code), ``region_name``, ``score``, ``class``
    (rendah/sedang/tinggi), ``rank`` (1 = most vulnerable; Jawa Barat and Kalimantan Timur tie on
    77.04 and are ranked 4 and 5 as published), ``source`` (URL), ``region_edition`` = "2022".
    """
    return _provinces().copy()


def published_regencies_top10() -> pd.DataFrame:
    """The ten most vulnerable kabupaten/kota as published, on today's regency codes; same
    columns as :func:`published_provinces` (``region_edition`` = "current")."""
    return _regencies().copy()


def published_national() -> dict[str, Any]:
    """The other published figures (``cutoffs``, ``regency_class_counts``,
    ``province_class_counts``, ``dimension_means`` by region level and dimension code,
    ``dki_jakarta``, ``province_score_summary``, ``approaches``), each block with its ``source``.
    A deep copy: callers may change it freely."""
    return copy.deepcopy(_national())


def published_provinces_on_current_map(edition: str = "current") -> pd.DataFrame:
    """The 34 published province totals on today's provinces (38 rows, by code).

    Uses :func:`ikp.regions.expand_to_edition`: a province split since 2022 shows its 2022
    parent's value on each successor (Papua's 57.27 on 91, 93, 94 and 95; Papua Barat's 53.48
    on 92 and 96). That is display only, not a score for the new provinces. Columns:
    ``region_code`` and ``region_name`` (today's), ``score``, ``class``, ``rank`` (the 2022
    province's published rank), ``source_code`` / ``source_name`` (the 2022 province the value
    belongs to), ``source`` (URL), ``region_edition`` (= ``edition``) and ``note`` (empty
    unless the value is a 2022 parent's value shown on a successor, in Indonesian / English).
    """
    from ikp.regions import RegionRegistry, crosswalk, expand_to_edition

    prov = {str(r["region_code"]): r for r in _provinces().to_dict(orient="records")}
    values = {c: float(r["score"]) for c, r in prov.items()}
    expanded = expand_to_edition(values, from_edition=PUBLISHED_REGION_EDITION, to_edition=edition)
    cw = crosswalk(PUBLISHED_REGION_EDITION, edition, level=1)
    parent_of = {str(b): (str(a), str(rel)) for a, b, rel in cw.itertuples(index=False, name=None)}
    registry = RegionRegistry.load(edition, max_level=1)
    frame = registry.frame(1)
    names = {
        str(c): str(n) for c, n in zip(frame["region_code"], frame["region_name"], strict=True)
    }
    rows: list[dict[str, Any]] = []
    for code in sorted(expanded):
        parent, relation = parent_of.get(code, (code, "same"))
        src = prov[parent]
        note = ""
        if relation != "same":
            successors = ", ".join(sorted(c for c, (p, _) in parent_of.items() if p == parent))
            note = (
                f"Nilai {src['region_name']} ({parent}) sebelum pemekaran 2022, ditampilkan pada "
                f"{successors}; provinsi ini tidak dinilai tersendiri pada IKP 2024. / Value of "
                f"{src['region_name']} ({parent}) before the 2022 split, shown on {successors}; "
                f"this province was not scored separately in IKP 2024."
            )
        rows.append(
            {
                "region_code": code,
                "region_name": names.get(code, str(src["region_name"])),
                "score": float(expanded[code]),
                "class": str(src["class"]),
                "rank": int(src["rank"]),
                "source_code": parent,
                "source_name": str(src["region_name"]),
                "source": str(src["source"]),
                "region_edition": edition,
                "note": note,
            }
        )
    return pd.DataFrame(rows)
