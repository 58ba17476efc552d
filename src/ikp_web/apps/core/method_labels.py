"""Names of the pipeline's methods for people, in Bahasa Indonesia (English through gettext),
shared by the compute form and the methodology page. Keys are the core's method names."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

WEIGHT = {
    "framework": _("bobot dalam berkas kerangka"),
    "equal": _("sama rata"),
    "ahp": _("AHP (matriks perbandingan berpasangan di kerangka)"),
    "pca": _("PCA (komponen utama pertama)"),
}
NORMALIZE = {
    "minmax": _("min–maks 0–100"),
    "zscore": _("skor-z"),
    "rank": _("peringkat"),
    "prank": _("peringkat persentil"),
    "borda": _("skor Borda"),
    "dist2max": _("jarak ke nilai maksimum"),
    "goalposts": _("batas acuan (goalposts)"),
    "dist2target": _("jarak ke target"),
    "none": _("tanpa normalisasi"),
}
AGGREGATE = {
    "arithmetic": _("rata-rata aritmetika"),
    "geometric": _("rata-rata geometrik"),
    "harmonic": _("rata-rata harmonik"),
    "generalised": _("rata-rata umum (dengan p)"),
}
CLASSES = {
    "fixed": _("batas tetap"),
    "quantile": _("kuantil"),
    "mean_sd": _("rata-rata ± k·SD"),
    "natural_breaks": _("natural breaks (Jenks)"),
    "none": _("tanpa kelas"),
}
IMPUTE = {
    "none": _("tanpa imputasi (nilai hilang dibiarkan)"),
    "mean": _("rata-rata nasional"),
    "median": _("median nasional"),
    "group_mean": _("rata-rata provinsi"),
    "group_median": _("median provinsi"),
}
TREAT = {
    "none": _("tanpa penanganan pencilan"),
    "winsorise": _("winsorisasi"),
}
RESCALE = {"none": _("tanpa penskalaan ulang"), "minmax": _("min–maks 0–100")}
REGION_LEVEL = {"province": _("provinsi"), "regency": _("kabupaten/kota")}


def label(table: dict[str, Any], key: str) -> str:
    """``"<name> (<key>)"``, or the key alone if the table has no name for it."""
    name = table.get(key.split(" ", 1)[0])
    return f"{name} ({key})" if name is not None else key
