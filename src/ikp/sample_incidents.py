"""Seeded generator of a SYNTHETIC stream of incident reports for the demo (issue 8).

DATA SINTETIS — bukan data Bawaslu. The stream only looks plausible, so that a new user of the
demo sees the live index move and alerts open at once:

* **where**: each kab/kota's rate is proportional to its published score (higher-vulnerability
  regions get more reports); the voting-day spike leans further toward the highest scores
  (rate ∝ score⁴, so that a few regions see a burst);
* **what**: an indicator among the framework's count indicators, half of them from the
  sub-dimension ``focus`` (default ``D1.S1``, Keamanan), the rest spread evenly; a level of
  incidence drawn with the sample's shares (:data:`ikp.sample.LEVEL_SHARES`);
* **boost** (optional): a few named regions get a given number of the voting-day spike's
  incidents (the demo concentrates them on a region or two just below a class cut-off, so that
  the live index moves them across it and a class-transition alert opens);
* **when**, relative to ``now`` and inside the live window (default the last 90 days): a
  synthetic "campaign period" 60–30 days ago, a synthetic "voting day" spike 7–3 days ago, and a
  thin background over the whole window. These dates are synthetic, not the real election
  calendar;
* **status**: most ``verified``; a few left ``received`` (to try the review), of which a couple
  copy a verified report a few hours later (``duplicate_of``: the row they copy) so that the
  intake flags them as likely duplicates;
* every description starts with ``SINTETIS / SYNTHETIC`` and carries
  :data:`ikp.SYNTHETIC_LABEL`; the frame has ``synthetic = True`` in ``attrs`` and a column.

Vectorised with numpy; the same ``seed``, ``now`` and inputs give the same stream.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import numpy as np
import pandas as pd

from ikp import SYNTHETIC_LABEL
from ikp.framework import Framework
from ikp.incidents import SOURCE_TYPES
from ikp.sample import LEVEL_SHARES

#: the synthetic periods, in days before ``now`` (start, end)
CAMPAIGN_DAYS = (60.0, 30.0)
VOTING_DAYS = (7.0, 3.0)
#: the stream's shares: campaign cluster, voting-day spike, background over the window
PERIOD_SHARES = (0.45, 0.35, 0.20)
#: the voting-day spike's rate per region ∝ score ** SPIKE_EXPONENT
SPIKE_EXPONENT = 4
SOURCE_SHARES = {"pengawas": 0.5, "masyarakat": 0.2, "media": 0.2, "mitra": 0.1}
DESCRIPTION_PREFIX = "SINTETIS / SYNTHETIC"

COLUMNS = (
    "occurred_at",
    "province_code",
    "regency_code",
    "indicator_code",
    "incidence_level",
    "description",
    "source_type",
    "status",
    "duplicate_of",
    "synthetic",
)


def generate_incidents(
    framework: Framework,
    scores: Mapping[str, float],
    parents: Mapping[str, str],
    *,
    now: dt.datetime,
    n: int = 800,
    seed: int = 2024,
    window_days: int = 90,
    focus: str = "D1.S1",
    received: int | None = None,
    duplicates: int = 2,
    boost: Mapping[str, int] | None = None,
) -> pd.DataFrame:
    """``n`` synthetic incidents over the regions of ``scores`` (kab/kota code → published
    score; ``parents``: kab/kota code → province code), one row each (:data:`COLUMNS`, in time
    order). ``received``: how many are left unreviewed (default 3 % of ``n``, at least 5), of
    which ``duplicates`` copy an earlier verified row (``duplicate_of`` its row number; -1
    elsewhere). ``boost`` (kab/kota code → count) puts that many of the voting-day spike's
    incidents in those regions instead (the demo pushes a region or two near a class cut-off
    across it); ``n`` stays the total. ``now`` must be aware."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if not scores:
        raise ValueError("no regions to put incidents in")
    if window_days < CAMPAIGN_DAYS[0]:
        raise ValueError(f"window_days must be at least {CAMPAIGN_DAYS[0]:.0f}")
    rng = np.random.default_rng(seed)
    codes = np.array(sorted(scores))
    score = np.clip(np.array([float(scores[c]) for c in codes]), 1.0, None)
    score = np.where(np.isfinite(score), score, 1.0)

    # when: one of three periods, then a moment inside it
    period = rng.choice(3, size=n, p=np.array(PERIOD_SHARES))
    starts = np.array([CAMPAIGN_DAYS[0], VOTING_DAYS[0], window_days - 0.5])
    ends = np.array([CAMPAIGN_DAYS[1], VOTING_DAYS[1], 0.1])
    seconds_ago = np.round(rng.uniform(ends[period], starts[period]) * 86_400)
    occurred = pd.Timestamp(now).tz_convert("UTC") - pd.to_timedelta(seconds_ago, unit="s")

    # where: ∝ score, the voting-day spike ∝ score⁴
    region = np.empty(n, dtype=np.int64)
    spike = period == 1
    region[~spike] = rng.choice(len(codes), size=int((~spike).sum()), p=score / score.sum())
    steep = score**SPIKE_EXPONENT
    region[spike] = rng.choice(len(codes), size=int(spike.sum()), p=steep / steep.sum())
    if boost:
        pushed = [
            int(np.searchsorted(codes, c)) for c, k in sorted(boost.items()) for _ in range(k)
        ]
        unknown = sorted(set(boost) - set(codes))
        if unknown:
            raise ValueError(f"boost names regions without a score: {unknown}")
        rows = np.flatnonzero(spike)[: len(pushed)]
        region[rows] = pushed[: len(rows)]

    # what: half from the focus sub-dimension, the rest evenly among count indicators
    counted = [c for c in framework.indicators if framework.nodes[c].input_type == "count"]
    counted = counted or list(framework.indicators)
    focused = [c for c in framework.indicators_under(focus) if c in counted] if focus else []
    weights = np.full(len(counted), 0.5 / len(counted) if focused else 1.0 / len(counted))
    for c in focused:
        weights[counted.index(c)] += 0.5 / len(focused)
    indicator = np.array(counted)[rng.choice(len(counted), size=n, p=weights / weights.sum())]
    levels = [lv.code for lv in framework.incidence_levels]
    if levels:
        shares = np.array(LEVEL_SHARES[: len(levels)] or (1.0,), dtype=float)
        if len(shares) < len(levels):
            shares = np.full(len(levels), 1.0)
        level = np.array(levels)[rng.choice(len(levels), size=n, p=shares / shares.sum())]
    else:
        level = np.full(n, "")
    sources = np.array(list(SOURCE_SHARES))
    assert set(sources) <= set(SOURCE_TYPES)
    source_p = np.array(list(SOURCE_SHARES.values()))
    source = sources[rng.choice(len(sources), size=n, p=source_p)]

    frame = pd.DataFrame(
        {
            "occurred_at": occurred,
            "province_code": [parents.get(c, "") for c in codes[region]],
            "regency_code": codes[region],
            "indicator_code": indicator,
            "incidence_level": level,
            "source_type": source,
        }
    )
    frame = frame.sort_values(["occurred_at", "regency_code"], kind="stable", ignore_index=True)

    # status: a few received, a couple of them copies of an earlier verified report
    n_received = min(n, max(5, round(0.03 * n)) if received is None else received)
    status = np.full(n, "verified", dtype=object)
    pick = rng.choice(n, size=n_received, replace=False) if n_received else np.array([], int)
    status[pick] = "received"
    duplicate_of = np.full(n, -1, dtype=np.int64)
    verified_rows = np.flatnonzero(status == "verified")
    copies: list[int] = []
    originals: list[int] = []
    for row in pick[: min(duplicates, len(pick))]:
        earlier = verified_rows[verified_rows < row]
        if len(earlier):
            copies.append(int(row))
            originals.append(int(earlier[-1]))
    if copies:
        duplicate_of[copies] = originals
        same = ["province_code", "regency_code", "indicator_code", "incidence_level"]
        frame.loc[copies, same] = frame.loc[originals, same].to_numpy()
        latest = pd.Timestamp(now) - pd.Timedelta(minutes=1)
        later = frame["occurred_at"].iloc[originals] + pd.Timedelta(hours=3)
        times = frame["occurred_at"].copy()
        times.iloc[copies] = later.where(later < latest, latest).to_numpy()
        frame["occurred_at"] = times
        frame.loc[np.isin(np.arange(n), copies), "source_type"] = "masyarakat"
    frame["status"] = status
    frame["duplicate_of"] = duplicate_of

    names = {c: framework.nodes[c].name_id for c in counted}
    period_text = np.array(
        [
            "masa kampanye sintetis / synthetic campaign period",
            "sekitar hari pemungutan suara sintetis / around a synthetic voting day",
            "di luar periode khusus / outside the synthetic periods",
        ]
    )
    frame["description"] = [
        f"{DESCRIPTION_PREFIX}: contoh laporan {names[i]} ({i}, {lv or '-'}); {when}. "
        f"{SYNTHETIC_LABEL}."
        for i, lv, when in zip(
            frame["indicator_code"],
            frame["incidence_level"],
            period_text[_period_of(frame["occurred_at"], now)],
            strict=True,
        )
    ]
    frame["synthetic"] = True
    frame.attrs["synthetic"] = True
    frame.attrs["label"] = SYNTHETIC_LABEL
    frame.attrs["seed"] = seed
    return frame[list(COLUMNS)]


def _period_of(occurred: pd.Series, now: dt.datetime) -> np.ndarray:
    """0 campaign, 1 voting day, 2 other: by the days before ``now``."""
    ago = (pd.Timestamp(now) - occurred).dt.total_seconds().to_numpy(dtype=float) / 86_400
    return np.where(
        (ago >= CAMPAIGN_DAYS[1]) & (ago < CAMPAIGN_DAYS[0]),
        0,
        np.where((ago >= VOTING_DAYS[1]) & (ago < VOTING_DAYS[0]), 1, 2),
    )
