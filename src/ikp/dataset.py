"""The in-memory table the engine works on: regions × columns of float64, NaN = missing."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ikp._types import FloatArray


@dataclass(frozen=True, eq=False)
class Dataset:
    """An immutable matrix with row labels (region codes) and column labels (node codes)."""

    regions: tuple[str, ...]
    columns: tuple[str, ...]
    values: FloatArray

    def __post_init__(self) -> None:
        values = np.asarray(self.values, dtype=np.float64)
        if values.shape != (len(self.regions), len(self.columns)):
            raise ValueError(
                f"values have shape {values.shape}, expected "
                f"({len(self.regions)}, {len(self.columns)})"
            )
        values.flags.writeable = False
        object.__setattr__(self, "values", values)

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> Dataset:
        """From a wide frame indexed by region code, one numeric column per node."""
        return cls(
            tuple(str(r) for r in frame.index),
            tuple(str(c) for c in frame.columns),
            frame.to_numpy(dtype=np.float64, na_value=np.nan),
        )

    def to_frame(self, index_name: str = "region_code") -> pd.DataFrame:
        frame = pd.DataFrame(
            np.array(self.values), index=list(self.regions), columns=list(self.columns)
        )
        frame.index.name = index_name
        return frame

    def column(self, code: str) -> FloatArray:
        return self.values[:, self.columns.index(code)]

    def select(self, columns: Sequence[str]) -> Dataset:
        idx = [self.columns.index(c) for c in columns]
        return Dataset(self.regions, tuple(columns), self.values[:, idx])

    def select_regions(self, regions: Sequence[str]) -> Dataset:
        pos = {r: i for i, r in enumerate(self.regions)}
        idx = [pos[r] for r in regions]
        return Dataset(tuple(regions), self.columns, self.values[idx, :])

    def with_values(self, values: FloatArray, columns: Sequence[str] | None = None) -> Dataset:
        return Dataset(
            self.regions, tuple(columns) if columns is not None else self.columns, values
        )

    @property
    def shape(self) -> tuple[int, int]:
        return (len(self.regions), len(self.columns))

    def content_hash(self) -> str:
        """A stable hash of labels and values (NaN-safe), recorded in recipes."""
        h = hashlib.sha256()
        h.update("\x1f".join(self.regions).encode("utf-8"))
        h.update(b"\x1e")
        h.update("\x1f".join(self.columns).encode("utf-8"))
        h.update(b"\x1e")
        h.update(np.ascontiguousarray(self.values).tobytes())
        return "sha256:" + h.hexdigest()
