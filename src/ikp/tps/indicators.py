"""The 22 TPS rawan indicators, their 7 variables, Bawaslu's published national counts, and
the TPS code format.

The indicator list is ``data/published/tps2024-indicators.csv`` (REAL, published data: the
number of TPS flagged per indicator nationally, Bawaslu, 11 Feb 2024); it matches the nodes of
the built-in ``tps-2024`` framework (a test keeps the two in step).

**TPS code.** 13 digits: the village's Kemendagri code without dots (10 digits) followed by the
TPS number within the village, zero-padded to 3 digits (``001`` … ``999``). TPS 7 of desa
``32.04.17.2001`` is ``3204172001007``. Dots in an input code are ignored
(``32.04.17.2001.007`` reads as ``3204172001007``).
"""

from __future__ import annotations

import csv
import functools
import io
from dataclasses import dataclass
from importlib import resources

#: The 2024 election's number of domestic TPS (Bawaslu / KPU).
NATIONAL_TPS_2024 = 820_161
#: Where the national counts come from.
NATIONAL_SOURCE = (
    "Bawaslu RI, Pemetaan TPS Rawan Pemilu 2024 (dirilis 11 Feb 2024 / released 11 Feb 2024)"
)
VILLAGE_DIGITS = 10
NUMBER_DIGITS = 3
TPS_CODE_DIGITS = VILLAGE_DIGITS + NUMBER_DIGITS
MAX_TPS_NUMBER = 10**NUMBER_DIGITS - 1


@dataclass(frozen=True)
class Indicator:
    code: str
    name_id: str
    name_en: str
    variable: str
    national_flagged: int


@functools.cache
def indicators() -> tuple[Indicator, ...]:
    """The 22 indicators T01 … T22 in code order."""
    text = (
        resources.files("ikp")
        .joinpath("data", "published", "tps2024-indicators.csv")
        .read_text(encoding="utf-8")
    )
    rows = csv.DictReader(io.StringIO(text))
    return tuple(
        sorted(
            (
                Indicator(
                    r["indicator_code"],
                    r["indicator_name_id"],
                    r["indicator_name_en"],
                    r["variable_code"],
                    int(r["tps_flagged_national"]),
                )
                for r in rows
            ),
            key=lambda i: i.code,
        )
    )


@functools.cache
def variable_names() -> dict[str, str]:
    """Variable code → Indonesian name (V1 … V7), from the same file."""
    text = (
        resources.files("ikp")
        .joinpath("data", "published", "tps2024-indicators.csv")
        .read_text(encoding="utf-8")
    )
    pairs = {(r["variable_code"], r["variable_name_id"]) for r in csv.DictReader(io.StringIO(text))}
    return dict(sorted(pairs))


def indicator_codes() -> tuple[str, ...]:
    return tuple(i.code for i in indicators())


def variables() -> dict[str, tuple[str, ...]]:
    """Variable code → its indicator codes, variables in code order."""
    out: dict[str, list[str]] = {}
    for ind in indicators():
        out.setdefault(ind.variable, []).append(ind.code)
    return {v: tuple(out[v]) for v in sorted(out)}


def tps_code(village_code: str, number: int) -> str:
    """``tps_code("32.04.17.2001", 7) == "3204172001007"``."""
    digits = village_code.replace(".", "")
    if len(digits) != VILLAGE_DIGITS or not digits.isdigit():
        raise ValueError(f"not a village code: {village_code!r}")
    if not 1 <= number <= MAX_TPS_NUMBER:
        raise ValueError(f"TPS number must be 1 … {MAX_TPS_NUMBER}; got {number}")
    return f"{digits}{number:0{NUMBER_DIGITS}d}"


def dotted_village(digits: str) -> str:
    """``"3204172001"`` → ``"32.04.17.2001"``."""
    return f"{digits[:2]}.{digits[2:4]}.{digits[4:6]}.{digits[6:10]}"
