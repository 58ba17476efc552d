"""Parameters of the methodology page as readable rows instead of raw YAML: each setting gets a
name in the active language, each method its name (``method_labels``), each number the active
locale's format (``0,25`` in Bahasa Indonesia, ``0.25`` in English, through Django's
``number_format``), lists become ``a; b`` and nested settings become ``parent — child`` rows.
Empty settings are left out."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ikp_web.apps.core import method_labels as names

#: names of the settings the recipe, the framework and the uncertainty specification use
KEY_NAMES: dict[str, Any] = {
    "method": gettext_lazy("metode"),
    "min_region_coverage": gettext_lazy("cakupan data minimum per wilayah"),
    "min_indicator_coverage": gettext_lazy("cakupan data minimum per indikator"),
    "flag_below": gettext_lazy("tandai bila cakupan di bawah"),
    "skew_threshold": gettext_lazy("ambang kemencengan"),
    "kurtosis_threshold": gettext_lazy("ambang kurtosis"),
    "max_points": gettext_lazy("titik pencilan maksimum"),
    "log_fallback": gettext_lazy("transformasi log bila winsorisasi tidak cukup"),
    "lower": gettext_lazy("batas bawah"),
    "upper": gettext_lazy("batas atas"),
    "constant": gettext_lazy("indikator konstan"),
    "max_cr": gettext_lazy("rasio konsistensi maksimum (CR)"),
    "allow_inconsistent": gettext_lazy("izinkan matriks tidak konsisten"),
    "min_coverage": gettext_lazy("cakupan minimum komponen"),
    "p": gettext_lazy("eksponen p"),
    "labels": gettext_lazy("kelas"),
    "cutoffs": gettext_lazy("batas kelas"),
    "k": gettext_lazy("k (kelipatan simpangan baku)"),
    "probs": gettext_lazy("peluang kuantil"),
    "per_level": gettext_lazy("per tingkat wilayah"),
    "source": gettext_lazy("sumber"),
    "province": gettext_lazy("provinsi"),
    "regency": gettext_lazy("kabupaten/kota"),
    "weights": gettext_lazy("bobot"),
    "n_runs": gettext_lazy("jumlah ulangan"),
    "seed": gettext_lazy("seed"),
    "weight_noise": gettext_lazy("variasi bobot"),
    "normalize_methods": gettext_lazy("metode normalisasi alternatif"),
    "aggregate_methods": gettext_lazy("metode agregasi alternatif"),
    "impute_methods": gettext_lazy("metode imputasi alternatif"),
    "data_noise": gettext_lazy("variasi data"),
    "range": gettext_lazy("rentang"),
    "impute_alternatives": gettext_lazy("imputasi alternatif"),
    "normalize_alternatives": gettext_lazy("normalisasi alternatif"),
    "aggregate_alternatives": gettext_lazy("agregasi alternatif"),
    "other_scale_classes": gettext_lazy("kelas ulangan pada skala lain"),
    "targets": gettext_lazy("sasaran"),
    "n_boot": gettext_lazy("ulangan bootstrap"),
    "ci_level": gettext_lazy("tingkat kepercayaan"),
    "sa_per_region": gettext_lazy("sensitivitas per wilayah"),
    "model": gettext_lazy("model"),
    "draws": gettext_lazy("jumlah tarikan"),
    "dispersion": gettext_lazy("dispersi"),
    "scale": gettext_lazy("skala"),
    "centre": gettext_lazy("dipusatkan pada nilai tercatat"),
}
#: names of the settings' fixed values (by setting key, then value), so that no code word such
#: as ``coinr`` or ``ua`` is shown as it is stored
VALUE_NAMES: dict[str, dict[str, Any]] = {
    "constant": {
        "coinr": gettext_lazy("dikeluarkan, bobot saudaranya disesuaikan (seperti COINr)"),
        "lower": gettext_lazy("diberi nilai batas bawah"),
    },
    "other_scale_classes": {
        "exclude": gettext_lazy("tidak diklasifikasi"),
        "quantile": gettext_lazy("diklasifikasi dengan batas kuantil yang setara"),
    },
    "method": {
        "ua": gettext_lazy("analisis ketidakpastian"),
        "sa": gettext_lazy("analisis sensitivitas (indeks Sobol)"),
    },
    "targets": {
        "index": gettext_lazy("indeks"),
        "all": gettext_lazy("semua komponen"),
    },
    "model": {
        "poisson": gettext_lazy("Poisson"),
        "negbin": gettext_lazy("binomial negatif"),
        "none": gettext_lazy("tidak ada"),
    },
    "scale": {"same": gettext_lazy("skala yang sama")},
}
#: the method names of each kind of setting, by the key the method sits under
METHOD_TABLES: dict[str, dict[str, Any]] = {
    "normalize": names.NORMALIZE,
    "aggregate": names.AGGREGATE,
    "weight": names.WEIGHT,
    "classify": names.CLASSES,
    "impute": names.IMPUTE,
    "treat": names.TREAT,
    "rescale": names.RESCALE,
}


@dataclass(frozen=True)
class Row:
    label: str
    value: str


def number(value: float | int, digits: int = 4) -> str:
    """A number in the active locale, at most ``digits`` decimals, trailing zeros dropped."""
    if isinstance(value, bool):
        return _("ya") if value else _("tidak")
    if isinstance(value, int) or (math.isfinite(value) and float(value).is_integer()):
        return number_format(int(value), 0, force_grouping=True)
    if not math.isfinite(value):
        return "–"
    text = f"{round(value, digits):.{digits}f}".rstrip("0").rstrip(".")
    decimals = len(text.partition(".")[2])
    return number_format(round(value, digits), decimals, force_grouping=True)


def key_name(key: str) -> str:
    name = KEY_NAMES.get(key)
    return str(name) if name is not None else key.replace("_", " ")


def value_text(value: Any, key: str = "", kind: str = "") -> str:
    """One setting's value as text (lists joined with ``; ``)."""
    if value is None:
        return "–"
    if isinstance(value, bool | int | float):
        return number(value)
    if isinstance(value, str):
        if key == "method" and kind in METHOD_TABLES:
            return names.label(METHOD_TABLES[kind], value)
        named = VALUE_NAMES.get(key, {}).get(value)
        return str(named) if named is not None else value
    if isinstance(value, dict):
        if set(value) >= {"id"} and set(value) <= {"id", "en"}:  # a bilingual label
            return " / ".join(str(v) for v in value.values() if v)
        return "; ".join(
            f"{key_name(str(k))}: {value_text(v, str(k), kind)}" for k, v in value.items()
        )
    if isinstance(value, list | tuple):
        return "; ".join(value_text(v, key, kind) for v in value)
    return str(value)


def rows(settings: Any, kind: str = "", prefix: str = "") -> list[Row]:
    """``settings`` (a mapping from the recipe or the framework) as readable rows; ``kind``:
    the step, to name its methods."""
    out: list[Row] = []
    if not isinstance(settings, dict):
        return out
    for key, value in settings.items():
        if value in (None, {}, [], ""):
            continue
        name = key_name(str(key))
        if prefix and str(key).isdigit():  # weight noise per level of the tree
            name = _("tingkat %(n)s") % {"n": key}
        label = f"{prefix} — {name}" if prefix else name
        # "impute_alternatives": the methods named inside are imputation methods
        here = (
            str(key).removesuffix("_alternatives") if str(key).endswith("_alternatives") else kind
        )
        if isinstance(value, dict) and not (set(value) >= {"id"} and set(value) <= {"id", "en"}):
            out.extend(rows(value, here, label))
        else:
            out.append(Row(label, value_text(value, str(key), here)))
    return out
