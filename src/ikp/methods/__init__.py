"""Pure numeric methods of the index pipeline (numpy only).

One module per step: :mod:`~ikp.methods.stats` (skewness, kurtosis, ranks),
:mod:`~ikp.methods.impute`, :mod:`~ikp.methods.treat`, :mod:`~ikp.methods.normalize`,
:mod:`~ikp.methods.weights`, :mod:`~ikp.methods.aggregate` and :mod:`~ikp.methods.classify`.
Each step module has a registry dict from a short method key to its function.

Where a method also exists in the JRC's COINr R package (MIT licence, (c) 2022 William Becker;
notice in ``/work/shared/data/licenses/COINr.MIT.md``), ikp uses the same definition, so the same
data and settings give the same scores to floating-point precision. The formulas were
re-implemented from COINr's documented definitions; each function's docstring names the COINr
function and file it matches and any deviation. See ``docs/methodology/``.

Arrays are 2-D float64 ``(n_regions, n_columns)`` with NaN for missing; operations are
column-wise and never modify their inputs.
"""

from __future__ import annotations

from ikp.methods import aggregate, classify, impute, normalize, stats, treat, weights

__all__ = ["aggregate", "classify", "impute", "normalize", "stats", "treat", "weights"]
