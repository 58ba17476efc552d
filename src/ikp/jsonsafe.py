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
    return value


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A frame's rows as plain dicts (column names as strings)."""
    return [{str(k): plain(v) for k, v in row.items()} for row in frame.to_dict("records")]
