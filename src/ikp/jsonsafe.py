"""Plain, JSON/YAML-safe values from numpy and pandas results (NaN and ±inf become None)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd


def plain(value: Any) -> Any:
    """Recursively turn mappings, sequences, numpy arrays and scalars into plain Python values."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    return value


def column_values(series: pd.Series) -> list[Any]:
    """One column as plain Python values, converted a whole column at a time: numeric columns
    through numpy's ``tolist`` (non-finite floats become None), other columns cell by cell
    through :func:`plain` only where a cell is not already a ``str``."""
    kind = series.dtype.kind if isinstance(series.dtype, np.dtype) else "O"
    if kind in "biu":
        return list(series.to_numpy().tolist())
    if kind == "f":
        arr = series.to_numpy(dtype=np.float64)
        values: list[Any] = arr.tolist()
        for i in np.flatnonzero(~np.isfinite(arr)).tolist():
            values[i] = None
        return values
    return [v if type(v) is str else plain(v) for v in series.to_numpy(dtype=object).tolist()]


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A frame's rows as plain dicts (column names as strings)."""
    names = [str(c) for c in frame.columns]
    columns = [column_values(frame.iloc[:, j]) for j in range(frame.shape[1])]
    if not columns:
        return [{} for _ in range(len(frame))]
    return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]
