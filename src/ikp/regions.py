"""Indonesian administrative regions: codes, names, hierarchy, editions, boundaries.

Identifiers
    Every region is keyed by its Kemendagri dotted code: ``NN`` (provinsi), ``NN.NN``
    (kabupaten/kota), ``NN.NN.NN`` (kecamatan), ``NN.NN.NN.NNNN`` (desa/kelurahan).
    :func:`normalize_code` accepts the KPU form without dots (``3204``), a ``kemendagri:``
    prefix, surrounding spaces and plain ints, and returns the dotted form.

Data
    The shipped code list is Kepmendagri No 300.2.2-2138/2025 (as updated by
    300.2.2-2430/2025): 38 provinces, 514 kab/kota, 7,285 kecamatan, 83,762 desa/kelurahan,
    with Dukcapil population (December 2024) and BIG land area for provinces and kab/kota,
    and simplified boundaries. See ``ikp/data/README.md`` for provenance and licences.

Editions
    ``current`` (id ``regions-2025``) is the shipped list. ``2022`` (id ``regions-2022``) is
    the province list used by IKP 2024 (34 provinces): 93 Papua Selatan, 94 Papua Tengah,
    95 Papua Pegunungan and 96 Papua Barat Daya do not exist; 91 Papua holds today's 91, 93,
    94 and 95, and 92 Papua Barat holds today's 92 and 96. A 2022 province's population and
    area are the sums over its successors, and its boundary is the union of theirs (a
    MultiPolygon; inner borders are not dissolved).

    Design choice and its weakness: the 2022 edition keeps *today's* kab/kota codes (the
    published IKP 2024 kab/kota results are keyed on them) and only re-parents the kab/kota
    of the new provinces (and the ``province_code`` of their descendants) to 91/92. In the
    real 2022 Kemendagri list those kab/kota had different codes (91.xx / 92.xx, e.g.
    Kabupaten Merauke was 91.01, now 93.01). Data keyed on the old kab/kota codes of Papua
    and Papua Barat must be recoded to today's codes before it can be joined; this module
    does not carry the old codes. Kab/kota and lower levels are otherwise identical in both
    editions (names are today's names).

Crosswalk
    :func:`crosswalk` lists, for provinces and kab/kota, how codes of one edition map onto
    another (``same``, ``split`` going forward, ``merge`` going backward).
    :func:`expand_to_edition` copies values across editions for *display only*: a 2022
    Papua value is shown on each of 91, 93, 94 and 95 today. That is not a re-estimate of
    the index for the new provinces.
"""

from __future__ import annotations

import difflib
import functools
import gzip
import io
import json
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Literal

import numpy as np
import pandas as pd

__all__ = [
    "EDITIONS",
    "LEVEL_NAMES_ID",
    "LEVELS",
    "Edition",
    "Region",
    "RegionNotFoundError",
    "RegionRegistry",
    "crosswalk",
    "expand_to_edition",
    "load_boundaries",
    "normalize_code",
    "resolve_edition",
]

LEVELS: dict[int, str] = {1: "province", 2: "regency", 3: "district", 4: "village"}
LEVEL_NAMES_ID: dict[int, str] = {
    1: "provinsi",
    2: "kabupaten/kota",
    3: "kecamatan",
    4: "desa/kelurahan",
}

# digits per code segment, level by level
_SEGMENT_WIDTHS = (2, 2, 2, 4)
_UNDOTTED_LENGTHS = {2: 1, 4: 2, 6: 3, 10: 4}
_LEVEL_ALIASES: dict[str, int] = {
    "province": 1,
    "provinsi": 1,
    "prov": 1,
    "regency": 2,
    "kabupaten/kota": 2,
    "kabkota": 2,
    "kab/kota": 2,
    "district": 3,
    "kecamatan": 3,
    "village": 4,
    "desa/kelurahan": 4,
    "desa": 4,
    "kelurahan": 4,
}
# longest first: the first match wins
_NAME_PREFIXES: tuple[tuple[str, str], ...] = (
    ("Kabupaten Administrasi ", "Kabupaten"),
    ("Kota Administrasi ", "Kota"),
    ("Kabupaten ", "Kabupaten"),
    ("Kota ", "Kota"),
)


# --------------------------------------------------------------------------------------------
# codes


def normalize_code(code: str | int) -> str:
    """Return the dotted Kemendagri code for any accepted spelling of a region code.

    Accepts ``"32.04"``, ``"3204"``, ``"kemendagri:32.04"``, ``"32.04.01.2001"``,
    ``"3204012001"``, surrounding spaces and ints (``32`` → ``"32"``, ``3204`` → ``"32.04"``).
    Digits without dots are split 2/2/2/4. Raises :class:`ValueError` for anything else.
    """
    if isinstance(code, bool) or not isinstance(code, (str, int, np.integer)):
        raise ValueError(
            f"A region code must be a string or an int, got {type(code).__name__} {code!r}."
        )
    if isinstance(code, (int, np.integer)):
        if code <= 0:
            raise ValueError(f"Invalid region code {code!r}: must be a positive number.")
        text = str(int(code))
    else:
        text = code.strip()
    original = code
    if ":" in text:
        scheme, _, rest = text.partition(":")
        if scheme.strip().lower() != "kemendagri":
            raise ValueError(
                f"Invalid region code {original!r}: unknown code scheme {scheme.strip()!r} "
                "(only 'kemendagri:' is accepted; BPS codes are not Kemendagri codes)."
            )
        text = rest.strip()
    if not text:
        raise ValueError(f"Invalid region code {original!r}: empty.")
    parts: list[str]
    if "." in text:
        parts = text.split(".")
        if len(parts) > 4 or not all(p.isdigit() and p.isascii() for p in parts):
            raise ValueError(
                f"Invalid region code {original!r}: expected NN, NN.NN, NN.NN.NN or NN.NN.NN.NNNN."
            )
        for i, part in enumerate(parts):
            if len(part) != _SEGMENT_WIDTHS[i]:
                raise ValueError(
                    f"Invalid region code {original!r}: segment {i + 1} ({part!r}) must have "
                    f"{_SEGMENT_WIDTHS[i]} digits (expected NN, NN.NN, NN.NN.NN or NN.NN.NN.NNNN)."
                )
    else:
        if not (text.isdigit() and text.isascii()):
            raise ValueError(
                f"Invalid region code {original!r}: expected digits, optionally dotted "
                "(e.g. '32', '32.04', '3204', '32.04.01.2001')."
            )
        n = _UNDOTTED_LENGTHS.get(len(text))
        if n is None:
            raise ValueError(
                f"Invalid region code {original!r}: {len(text)} digits; a code without dots has "
                "2 (provinsi), 4 (kab/kota), 6 (kecamatan) or 10 (desa/kelurahan) digits."
            )
        pos = 0
        parts = []
        for width in _SEGMENT_WIDTHS[:n]:
            parts.append(text[pos : pos + width])
            pos += width
    if any(set(p) == {"0"} for p in parts):
        raise ValueError(f"Invalid region code {original!r}: a segment is all zeros.")
    return ".".join(parts)


def _code_level(code: str) -> int:
    return code.count(".") + 1


def _parent_code(code: str) -> str | None:
    return code.rpartition(".")[0] or None


def _as_level(level: int | str) -> int:
    if isinstance(level, str):
        key = level.strip().lower()
        if key.isdigit():
            return _as_level(int(key))
        if key not in _LEVEL_ALIASES:
            raise ValueError(
                f"Unknown level {level!r}; use 1-4 or one of {sorted(set(_LEVEL_ALIASES))}."
            )
        return _LEVEL_ALIASES[key]
    if isinstance(level, bool) or level not in LEVELS:
        raise ValueError(f"Unknown level {level!r}; use 1 (province) to 4 (village).")
    return int(level)


# --------------------------------------------------------------------------------------------
# regions


@dataclass(frozen=True, slots=True)
class Region:
    """One region: dotted Kemendagri ``code``, official ``name``, ``level`` 1-4, ``parent``."""

    code: str
    name: str
    level: int
    parent: str | None

    @property
    def level_name(self) -> str:
        """English level name: province, regency, district or village."""
        return LEVELS[self.level]

    @property
    def level_name_id(self) -> str:
        """Indonesian level name: provinsi, kabupaten/kota, kecamatan, desa/kelurahan."""
        return LEVEL_NAMES_ID[self.level]

    @property
    def kind(self) -> str | None:
        """``"Kabupaten"`` or ``"Kota"`` for level 2 (administrative ones included), else None."""
        if self.level != 2:
            return None
        for prefix, kind in _NAME_PREFIXES:
            if self.name.startswith(prefix):
                return kind
        return None

    @property
    def short_name(self) -> str:
        """The name without the Kabupaten/Kota (Administrasi) prefix, for level 2."""
        if self.level == 2:
            for prefix, _ in _NAME_PREFIXES:
                if self.name.startswith(prefix):
                    return self.name[len(prefix) :]
        return self.name

    @property
    def label(self) -> str:
        """How a picker shows it: ``Kec. Cibinong (32.01.01)``, ``Desa Cipayung (32.01.01.2004)``
        or ``Kel. Pakansari (32.01.01.1001)`` (Kemendagri village codes 1xxx are kelurahan,
        2xxx desa), ``Kabupaten Bogor (32.01)``, ``Jawa Barat (32)``."""
        prefix = ""
        if self.level == 3:
            prefix = "Kec. "
        elif self.level == 4:
            prefix = "Kel. " if self.code.rsplit(".", 1)[-1].startswith("1") else "Desa "
        return f"{prefix}{self.name} ({self.code})"

    @property
    def digits(self) -> str:
        """The code without dots, as KPU data writes it."""
        return self.code.replace(".", "")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class RegionNotFoundError(KeyError):
    """A code that is well formed but not in the registry; the message carries a hint."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(code)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return self.message


# --------------------------------------------------------------------------------------------
# editions


@dataclass(frozen=True, eq=False)
class Edition:
    """A version of the region code list.

    ``merged`` maps a province code of today's list to the province that held it in this
    edition (only for provinces that did not exist yet).
    """

    key: str
    id: str
    label: str
    source: str
    merged: Mapping[str, str] = field(default_factory=dict)

    def province_for(self, current_province: str) -> str:
        """The province of this edition that holds today's province ``current_province``."""
        return self.merged.get(current_province, current_province)

    def successors(self, province: str) -> list[str]:
        """Today's provinces that make up this edition's ``province``."""
        extra = sorted(c for c, p in self.merged.items() if p == province)
        return [] if province in self.merged else [province, *extra]


EDITIONS: dict[str, Edition] = {
    "current": Edition(
        key="current",
        id="regions-2025",
        label="Kemendagri 2025 (38 provinsi)",
        source="Kepmendagri No 300.2.2-2138/2025 as updated by 300.2.2-2430/2025",
    ),
    "2022": Edition(
        key="2022",
        id="regions-2022",
        label="Provinces as in IKP 2024 (34 provinsi)",
        source=(
            "Province list before the 2022 Papua pemekaran (UU 14, 15, 16 and 29 of 2022), "
            "as used by IKP 2024; kab/kota keep today's codes"
        ),
        merged={"93": "91", "94": "91", "95": "91", "96": "92"},
    ),
}
_EDITION_ALIASES = {
    "current": "current",
    "regions-2025": "current",
    "2025": "current",
    "2022": "2022",
    "regions-2022": "2022",
}
#: every name :func:`resolve_edition` accepts for a shipped edition
EDITION_KEYS = tuple(_EDITION_ALIASES)


def resolve_edition(edition: str | Edition) -> Edition:
    """The :class:`Edition` for a key (``current``, ``2022``) or id (``regions-2025``, ...)."""
    if isinstance(edition, Edition):
        return edition
    key = _EDITION_ALIASES.get(str(edition).strip().lower())
    if key is None:
        raise ValueError(
            f"Unknown region edition {edition!r}; use one of {sorted(_EDITION_ALIASES)}."
        )
    return EDITIONS[key]


# --------------------------------------------------------------------------------------------
# shipped data


def _data_file(*parts: str) -> bytes:
    return resources.files("ikp").joinpath("data", *parts).read_bytes()


@functools.lru_cache(maxsize=4)
def _wilayah(max_level: int) -> pd.DataFrame:
    """Rows of wilayah.csv down to ``max_level``; deeper lines are skipped before parsing."""
    text = gzip.decompress(_data_file("regions", "wilayah.csv.gz")).decode("utf-8")
    if max_level < 4:
        header, _, body = text.partition("\n")
        pattern = rf"^\d\d(?:\.\d\d){{0,{max_level - 1}}},.*\n?"
        text = header + "\n" + "".join(re.findall(pattern, body, flags=re.M))
    frame = pd.read_csv(
        io.StringIO(text),
        dtype={"kode": str, "nama": str, "level": np.int64, "parent": str},
        keep_default_na=False,
    )
    frame["nama"] = frame["nama"].str.strip()  # a few names carry trailing spaces
    return frame


@functools.lru_cache(maxsize=1)
def _population() -> dict[str, int]:
    frame = pd.read_csv(io.BytesIO(_data_file("regions", "population.csv")), dtype={"kode": str})
    return {normalize_code(k): int(v) for k, v in zip(frame["kode"], frame["total"], strict=True)}


@functools.lru_cache(maxsize=1)
def _area() -> dict[str, float]:
    frame = pd.read_csv(io.BytesIO(_data_file("regions", "area.csv")), dtype={"kode": str})
    return {
        normalize_code(k): float(v) for k, v in zip(frame["kode"], frame["area_km2"], strict=True)
    }


# --------------------------------------------------------------------------------------------
# registry


def _squash(text: str) -> str:
    """Lower-case, letters and digits only: for tolerant name comparison."""
    return "".join(ch for ch in text.lower() if ch.isalnum())


_QUERY_PREFIXES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("kabupaten", "administrasi"), "Kabupaten"),
    (("kabupaten", "adm"), "Kabupaten"),
    (("kab", "administrasi"), "Kabupaten"),
    (("kab", "adm"), "Kabupaten"),
    (("kota", "administrasi"), "Kota"),
    (("kota", "adm"), "Kota"),
    (("kotamadya",), "Kota"),
    (("kodya",), "Kota"),
    (("kabupaten",), "Kabupaten"),
    (("kab",), "Kabupaten"),
    (("kota",), "Kota"),
)


def _query_readings(query: str) -> list[tuple[str | None, str]]:
    """Ways to read a query: (kind asked for, squashed short name)."""
    words = re.findall(r"[0-9a-z]+", query.lower())
    readings: list[tuple[str | None, str]] = [(None, "".join(words))]
    for prefix, kind in _QUERY_PREFIXES:
        if tuple(words[: len(prefix)]) == prefix and len(words) > len(prefix):
            readings.append((kind, "".join(words[len(prefix) :])))
            break
    return readings


@dataclass
class _SearchIndex:
    codes: list[str]
    keys: list[str]
    by_key: dict[str, list[int]]


class RegionRegistry:
    """All regions of one edition down to ``max_level``; use :meth:`load` (cached)."""

    def __init__(self, edition: Edition, max_level: int) -> None:
        if max_level not in LEVELS:
            raise ValueError(f"max_level must be 1-4, got {max_level!r}.")
        self.edition: str = edition.key
        self.edition_info: Edition = edition
        self.max_level: int = max_level
        table = _wilayah(max_level)
        regions: dict[str, Region] = {}
        by_level: dict[int, list[str]] = {lv: [] for lv in range(1, max_level + 1)}
        children: dict[str, list[str]] = {}
        merged = edition.merged
        for code, name, level, parent in zip(
            table["kode"].tolist(),
            table["nama"].tolist(),
            table["level"].tolist(),
            table["parent"].tolist(),
            strict=True,
        ):
            if level == 1 and code in merged:
                continue
            par: str | None = parent or None
            if level == 2 and par is not None and par in merged:
                par = merged[par]
            regions[code] = Region(code, name, level, par)
            by_level[level].append(code)
            if par is not None:
                children.setdefault(par, []).append(code)
        self._regions = regions
        self._by_level = by_level
        self._children = children
        population, area = _population(), _area()
        self._population: dict[str, int] = {}
        self._area: dict[str, float] = {}
        for code in [*by_level[1], *by_level.get(2, [])]:
            parts = [code] if _code_level(code) == 2 else edition.successors(code)
            pops = [population.get(p) for p in parts]
            areas = [area.get(p) for p in parts]
            if all(v is not None for v in pops):
                self._population[code] = sum(v for v in pops if v is not None)
            if all(v is not None for v in areas):
                self._area[code] = math.fsum(v for v in areas if v is not None)
        self._search: dict[int, _SearchIndex] = {}
        self._frames: dict[int, pd.DataFrame] = {}

    # construction -------------------------------------------------------------------------

    @classmethod
    def load(cls, edition: str = "current", max_level: int = 4) -> RegionRegistry:
        """The registry of ``edition`` down to ``max_level`` (cached; treat as read-only).

        ``max_level=2`` reads provinces and kab/kota only and is fast; villages (level 4)
        take a few tenths of a second the first time.
        """
        return _load_registry(resolve_edition(edition).key, _as_level(max_level))

    def __repr__(self) -> str:
        counts = ", ".join(f"{LEVELS[lv]}={n}" for lv, n in self.counts.items())
        return f"RegionRegistry(edition={self.edition!r}, {counts})"

    # basic access -------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._regions)

    def __iter__(self) -> Iterator[Region]:
        return iter(self._regions.values())

    def __contains__(self, code: object) -> bool:
        if isinstance(code, np.integer):
            code = int(code)
        if not isinstance(code, (str, int)):
            return False
        try:
            return normalize_code(code) in self._regions
        except ValueError:
            return False

    @property
    def counts(self) -> dict[int, int]:
        """Number of regions per level that is loaded."""
        return {lv: len(codes) for lv, codes in self._by_level.items()}

    def find(self, code: str | int) -> Region | None:
        """The region, or None if the code is malformed or unknown."""
        try:
            return self._regions.get(normalize_code(code))
        except ValueError:
            return None

    def get(self, code: str | int) -> Region:
        """The region; :class:`RegionNotFoundError` (a KeyError) with a hint if unknown."""
        norm = normalize_code(code)
        region = self._regions.get(norm)
        if region is None:
            raise RegionNotFoundError(norm, self._not_found_message(norm))
        return region

    def __getitem__(self, code: str | int) -> Region:
        return self.get(code)

    def level(self, code: str | int) -> int:
        return self.get(code).level

    def name(self, code: str | int) -> str:
        return self.get(code).name

    def parent(self, code: str | int) -> Region | None:
        """The parent region (None for a province)."""
        region = self.get(code)
        return None if region.parent is None else self._regions[region.parent]

    def ancestors(self, code: str | int) -> list[Region]:
        """All ancestors, province first, not including the region itself."""
        out: list[Region] = []
        region = self.get(code)
        while region.parent is not None:
            region = self._regions[region.parent]
            out.append(region)
        out.reverse()
        return out

    def children(self, code: str | int) -> list[Region]:
        """Direct children, in code order. ValueError if their level is not loaded."""
        region = self.get(code)
        if region.level >= self.max_level:
            if region.level == 4:
                return []
            raise ValueError(
                f"Children of {region} are at level {region.level + 1} "
                f"({LEVELS[region.level + 1]}), but this registry was loaded with "
                f"max_level={self.max_level}; use RegionRegistry.load({self.edition!r}, "
                f"max_level={region.level + 1})."
            )
        return [self._regions[c] for c in self._children.get(region.code, [])]

    def province_code(self, code: str | int) -> str:
        """The province (in this edition) that a region belongs to."""
        region = self.get(code)
        return self.edition_info.province_for(region.code[:2])

    def provinces(self) -> list[Region]:
        return self.at_level(1)

    def regencies(self, province: str | int | None = None) -> list[Region]:
        """All kab/kota, or those of one province (in this edition)."""
        if province is None:
            return self.at_level(2)
        prov = self.get(province)
        if prov.level != 1:
            raise ValueError(f"{prov} is not a province.")
        return self.children(prov.code)

    def at_level(self, level: int | str) -> list[Region]:
        lv = self._check_loaded(level)
        return [self._regions[c] for c in self._by_level[lv]]

    def population(self, code: str | int) -> int | None:
        """Dukcapil population (Dec 2024) for provinces and kab/kota; None below."""
        return self._population.get(self.get(code).code)

    def area_km2(self, code: str | int) -> float | None:
        """Land area in km² (BIG) for provinces and kab/kota; None below."""
        return self._area.get(self.get(code).code)

    def frame(self, level: int | str) -> pd.DataFrame:
        """One row per region of ``level``: region_code, region_name, level, parent_code,
        province_code, population (Int64, levels 1-2 only), area_km2 (levels 1-2 only)."""
        lv = self._check_loaded(level)
        cached = self._frames.get(lv)
        if cached is None:
            codes = self._by_level[lv]
            regions = [self._regions[c] for c in codes]
            province_for = self.edition_info.province_for
            cached = pd.DataFrame(
                {
                    "region_code": pd.Series(codes, dtype=object),
                    "region_name": pd.Series([r.name for r in regions], dtype=object),
                    "level": pd.Series(np.full(len(codes), lv, dtype=np.int64)),
                    "parent_code": pd.Series([r.parent for r in regions], dtype=object),
                    "province_code": pd.Series([province_for(c[:2]) for c in codes], dtype=object),
                    "population": pd.array(
                        [self._population.get(c) for c in codes], dtype=pd.Int64Dtype()
                    ),
                    "area_km2": pd.Series(
                        [self._area.get(c, np.nan) for c in codes], dtype=np.float64
                    ),
                }
            )
            self._frames[lv] = cached
        return cached.copy()

    # search -------------------------------------------------------------------------------

    def search(self, name: str, level: int | str | None = None, limit: int = 10) -> list[Region]:
        """Regions whose name matches ``name``, best first.

        Tolerant of case, punctuation, spacing and a leading Kabupaten/Kab./Kab/Kota/Kota Adm.
        (a kind in the query ranks regions of that kind first). Order: exact short-name
        matches, then prefix matches (both with higher levels first), then substring
        matches, then close matches (difflib); ties by level and code.
        """
        levels = [self._check_loaded(level)] if level is not None else sorted(self._by_level)
        readings = [(k, q) for k, q in _query_readings(name) if q]
        if not readings or limit <= 0:
            return []
        best: dict[str, tuple[int, int, int, int, float, str]] = {}

        def consider(code: str, tier: int, score: float, kind: str | None) -> None:
            region = self._regions[code]
            penalty = 0 if kind is None or region.kind == kind else 1
            coarse = 0 if tier <= 1 else tier - 1
            key = (coarse, penalty, region.level, tier, -score, code)
            old = best.get(code)
            if old is None or key < old:
                best[code] = key

        for lv in levels:
            index = self._search_index(lv)
            for kind, query in readings:
                for i in index.by_key.get(query, []):
                    consider(index.codes[i], 0, 1.0, kind)
                for i, key in enumerate(index.keys):
                    if key != query and query in key:
                        consider(index.codes[i], 1 if key.startswith(query) else 2, 1.0, kind)
        if len(best) < limit:
            for lv in levels:
                index = self._search_index(lv)
                for kind, query in readings:
                    if len(query) < 3:
                        continue
                    matches = difflib.get_close_matches(query, index.by_key, n=limit, cutoff=0.75)
                    for match in matches:
                        score = difflib.SequenceMatcher(None, query, match).ratio()
                        for i in index.by_key[match]:
                            consider(index.codes[i], 3, score, kind)
        ranked = sorted(best, key=best.__getitem__)
        return [self._regions[c] for c in ranked[:limit]]

    def _search_index(self, level: int) -> _SearchIndex:
        index = self._search.get(level)
        if index is None:
            codes = self._by_level[level]
            keys = [_squash(self._regions[c].short_name) for c in codes]
            by_key: dict[str, list[int]] = {}
            for i, key in enumerate(keys):
                by_key.setdefault(key, []).append(i)
            index = _SearchIndex(codes, keys, by_key)
            self._search[level] = index
        return index

    # helpers ------------------------------------------------------------------------------

    def _check_loaded(self, level: int | str) -> int:
        lv = _as_level(level)
        if lv > self.max_level:
            raise ValueError(
                f"Level {lv} ({LEVELS[lv]}) is not loaded: this registry has max_level="
                f"{self.max_level}; use RegionRegistry.load({self.edition!r}, max_level={lv})."
            )
        return lv

    def _not_found_message(self, code: str) -> str:
        lv = _code_level(code)
        where = f"edition {self.edition!r} ({self.edition_info.id})"
        if lv > self.max_level:
            return (
                f"{code} is a {LEVEL_NAMES_ID[lv]} ({LEVELS[lv]}) code, but this registry was "
                f"loaded with max_level={self.max_level}; use "
                f"RegionRegistry.load({self.edition!r}, max_level={lv})."
            )
        if lv == 1 and code in self.edition_info.merged:
            holder = self._regions[self.edition_info.merged[code]]
            return (
                f"Province {code} does not exist in {where}: it was part of {holder}. "
                f"Its kab/kota keep today's codes ({code}.xx) under {holder.code} in this edition."
            )
        # candidates: codes sharing the longest prefix (siblings first), else the whole level
        pool: list[str] = []
        anchor = _parent_code(code)
        while anchor is not None and not pool:
            pool = [c for c in self._by_level[lv] if c.startswith(anchor + ".")]
            if not pool:
                anchor = _parent_code(anchor)
        if not pool:
            pool = list(self._by_level[lv])
        target = int(code.replace(".", ""))
        near = sorted(pool, key=lambda c: (abs(int(c.replace(".", "")) - target), c))[:8]
        listing = ", ".join(str(self._regions[c]) for c in sorted(near))
        anchor_region = self._regions.get(anchor) if anchor is not None else None
        context = f" near {anchor_region}" if anchor_region is not None else ""
        return (
            f"No {LEVEL_NAMES_ID[lv]} with code {code} in {where}. "
            f"Did you mean one of these{context}: {listing}?"
        )


@functools.lru_cache(maxsize=16)
def _load_registry(edition_key: str, max_level: int) -> RegionRegistry:
    return RegionRegistry(EDITIONS[edition_key], max_level)


# --------------------------------------------------------------------------------------------
# crosswalk


def crosswalk(
    from_edition: str = "2022",
    to_edition: str = "current",
    level: int | str | None = None,
) -> pd.DataFrame:
    """How province and kab/kota codes of one edition map onto another.

    Columns ``from_code, to_code, relation``: ``same`` (one to one), ``split`` (one code
    maps to several, e.g. 2022 Papua 91 → 91, 93, 94, 95) or ``merge`` (several codes map to
    one, the reverse direction). Kab/kota are always ``same`` (the 2022 edition keeps today's
    kab/kota codes). ``level`` (1 or 2) keeps one level only.
    """
    src, dst = resolve_edition(from_edition), resolve_edition(to_edition)
    levels = [1, 2] if level is None else [_as_level(level)]
    if any(lv > 2 for lv in levels):
        raise ValueError("The crosswalk covers provinces and kab/kota (levels 1 and 2).")
    rows: list[tuple[str, str, str]] = []
    if 1 in levels:
        current = RegionRegistry.load("current", max_level=1)
        pairs = sorted({(src.province_for(p.code), dst.province_for(p.code)) for p in current})
        n_to: dict[str, int] = {}
        n_from: dict[str, int] = {}
        for a, b in pairs:
            n_to[a] = n_to.get(a, 0) + 1
            n_from[b] = n_from.get(b, 0) + 1
        for a, b in pairs:
            if n_to[a] > 1 and n_from[b] > 1:
                relation = "complex"
            elif n_to[a] > 1:
                relation = "split"
            elif n_from[b] > 1:
                relation = "merge"
            else:
                relation = "same"
            rows.append((a, b, relation))
    if 2 in levels:
        regencies = RegionRegistry.load("current", max_level=2).at_level(2)
        rows.extend((r.code, r.code, "same") for r in regencies)
    return pd.DataFrame(rows, columns=["from_code", "to_code", "relation"])


def expand_to_edition(
    values: Mapping[str, float],
    from_edition: str = "2022",
    to_edition: str = "current",
    *,
    on_merge: Literal["drop", "error", "mean", "sum"] = "drop",
) -> dict[str, float]:
    """Re-key values of one edition onto another, for display.

    Going forward, a value of a province that was later split is shown on each successor
    (2022 Papua's value appears on 91, 93, 94 and 95). This is display only, not a
    re-estimate for the new provinces. Going backward, several provinces merge into one;
    ``on_merge`` decides: ``drop`` the merged province (default), raise (``error``), or show
    the unweighted ``mean`` or the ``sum`` of the values present. Kab/kota and lower-level
    codes are identical in both editions and pass through. Keys are normalised; unknown
    province or kab/kota codes raise :class:`RegionNotFoundError`.
    """
    if on_merge not in ("drop", "error", "mean", "sum"):
        raise ValueError(f"on_merge must be drop, error, mean or sum; got {on_merge!r}.")
    src_registry = RegionRegistry.load(from_edition, max_level=2)
    cw = crosswalk(from_edition, to_edition, level=1)
    targets: dict[str, list[tuple[str, str]]] = {}
    for a, b, relation in cw.itertuples(index=False, name=None):
        targets.setdefault(str(a), []).append((str(b), str(relation)))
    out: dict[str, float] = {}
    merged: dict[str, list[float]] = {}
    for raw, value in values.items():
        code = normalize_code(raw)
        level = _code_level(code)
        if level > 2:
            out[code] = float(value)
            continue
        src_registry.get(code)  # unknown codes raise with a hint
        if level == 2:
            out[code] = float(value)
            continue
        for target, relation in targets[code]:
            if relation == "merge":
                merged.setdefault(target, []).append(float(value))
            else:
                out[target] = float(value)
    for target, vals in merged.items():
        if on_merge == "error":
            raise ValueError(
                f"Province {target} of edition {to_edition!r} merges several provinces of "
                f"edition {from_edition!r}; pick on_merge='mean', 'sum' or 'drop'."
            )
        present = [v for v in vals if not math.isnan(v)]
        if on_merge == "mean":
            out[target] = math.fsum(present) / len(present) if present else math.nan
        elif on_merge == "sum":
            out[target] = math.fsum(present) if present else math.nan
    return out


# --------------------------------------------------------------------------------------------
# boundaries

_BOUNDARY_LEVELS = {1: "province", 2: "regency", 3: "district"}


@functools.lru_cache(maxsize=64)
def _geo_text(*parts: str) -> str:
    return gzip.decompress(_data_file("geo", *parts)).decode("utf-8")


def _geo(*parts: str) -> list[dict[str, Any]]:
    data = json.loads(_geo_text(*parts))
    features: list[dict[str, Any]] = data["features"]
    return features


def _polygons(geometry: Mapping[str, Any]) -> list[Any]:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    if geometry["type"] == "MultiPolygon":
        return list(geometry["coordinates"])
    raise ValueError(f"Unexpected geometry type {geometry['type']!r}.")


def load_boundaries(
    level: str | int, province: str | int | None = None, edition: str = "current"
) -> dict[str, Any]:
    """A GeoJSON FeatureCollection (WGS84, [lng, lat]) with properties ``kode``, ``nama``.

    ``level`` is ``province``, ``regency`` or ``district`` (or 1-3). ``province`` keeps the
    features of one province and is required for districts. In edition ``2022``, province
    91 and 92 are the union (MultiPolygon, inner borders kept) of their successors, and
    their kab/kota and kecamatan are those of the successors. Geometries are simplified for
    maps, not for legal boundary questions. Each call returns a fresh object.
    """
    lv = _as_level(level)
    if lv not in _BOUNDARY_LEVELS:
        raise ValueError("Boundaries exist for province, regency and district (levels 1-3).")
    ed = resolve_edition(edition)
    registry = RegionRegistry.load(ed.key, max_level=2)
    prov: Region | None = None
    if province is not None:
        prov = registry.get(province)
        if prov.level != 1:
            raise ValueError(f"{prov} is not a province.")
    parts = ed.successors(prov.code) if prov is not None else None
    features: list[dict[str, Any]]
    if lv == 1:
        by_code = {f["properties"]["kode"]: f for f in _geo("provinces.geojson.gz")}
        features = []
        for p in registry.provinces() if prov is None else [prov]:
            members = [by_code[c] for c in ed.successors(p.code)]
            if len(members) == 1:
                geometry = members[0]["geometry"]
            else:
                polygons = [poly for m in members for poly in _polygons(m["geometry"])]
                geometry = {"type": "MultiPolygon", "coordinates": polygons}
            features.append(_feature(p.code, p.name, geometry))
    elif lv == 2:
        features = [
            _feature(f["properties"]["kode"], f["properties"]["nama"].strip(), f["geometry"])
            for f in _geo("kabkota.geojson.gz")
            if parts is None or f["properties"]["kode"][:2] in parts
        ]
    else:
        if parts is None:
            raise ValueError("District boundaries are split by province: pass province=...")
        features = [
            _feature(f["properties"]["kode"], f["properties"]["nama"].strip(), f["geometry"])
            for p in parts
            for f in _geo("kecamatan", f"{p}.geojson.gz")
        ]
    return {"type": "FeatureCollection", "features": features}


def _feature(code: str, name: str, geometry: Any) -> dict[str, Any]:
    return {"type": "Feature", "properties": {"kode": code, "nama": name}, "geometry": geometry}
