"""The synthetic incident stream of the demo: seeded, more reports where the published score is
higher, inside the live window, clustered in the synthetic campaign and voting-day periods, a
few left received (two of them copies of a verified report), every row labelled synthetic."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from ikp import SYNTHETIC_LABEL
from ikp.framework import load_framework
from ikp.sample_incidents import CAMPAIGN_DAYS, VOTING_DAYS, generate_incidents

NOW = dt.datetime(2026, 12, 3, 12, tzinfo=dt.UTC)
FW = load_framework("ikp-2024")
_rng = np.random.default_rng(7)
CODES = [f"{p:02d}.{r:02d}" for p in range(11, 20) for r in range(1, 30)]
SCORES = {c: float(_rng.uniform(5, 95)) for c in CODES}
PARENTS = {c: c[:2] for c in CODES}


def stream(**kw: object) -> object:
    return generate_incidents(FW, SCORES, PARENTS, now=NOW, **kw)  # type: ignore[arg-type]


def test_the_same_seed_gives_the_same_stream_and_another_seed_another() -> None:
    a, b, c = stream(seed=1), stream(seed=1), stream(seed=2)
    assert a.equals(b)
    assert not a.equals(c)


def test_more_reports_where_the_score_is_higher() -> None:
    frame = stream(n=2000)
    counts = frame["regency_code"].value_counts().reindex(CODES, fill_value=0)
    r = np.corrcoef(counts.to_numpy(), [SCORES[c] for c in CODES])[0, 1]
    assert r > 0.5
    assert (frame["province_code"] == frame["regency_code"].str[:2]).all()


def test_inside_the_window_and_clustered_in_the_synthetic_periods() -> None:
    frame = stream(n=1000, window_days=90)
    ago = (NOW - frame["occurred_at"]).dt.total_seconds() / 86_400
    assert (ago > 0).all() and (ago < 90).all()
    campaign = ((ago >= CAMPAIGN_DAYS[1]) & (ago < CAMPAIGN_DAYS[0])).mean()
    voting = ((ago >= VOTING_DAYS[1]) & (ago < VOTING_DAYS[0])).mean()
    # a third of the window holds ~half the reports; 4 days hold a third of them
    assert campaign > 0.4 and voting > 0.3
    assert set(frame["indicator_code"]) <= set(FW.indicators)
    d1s1 = frame["indicator_code"].isin(FW.indicators_under("D1.S1")).mean()
    assert d1s1 > 0.5  # weighted toward Keamanan


def test_a_few_received_two_likely_duplicates_and_the_rest_verified() -> None:
    frame = stream(n=800)
    status = frame["status"].value_counts()
    assert status["received"] == 24 and status["verified"] == 776
    dup = frame[frame["duplicate_of"] >= 0]
    assert len(dup) == 2 and (dup["status"] == "received").all()
    for row, original in dup["duplicate_of"].items():
        a, b = frame.loc[row], frame.loc[original]
        assert b["status"] == "verified"
        assert (a["regency_code"], a["indicator_code"]) == (b["regency_code"], b["indicator_code"])
        assert abs(a["occurred_at"] - b["occurred_at"]) <= dt.timedelta(hours=3)


def test_every_row_is_labelled_synthetic() -> None:
    frame = stream(n=300)
    assert frame.attrs["synthetic"] is True and frame["synthetic"].all()
    assert frame["description"].str.startswith("SINTETIS / SYNTHETIC").all()
    assert frame["description"].str.contains(SYNTHETIC_LABEL, regex=False).all()
    assert set(frame["source_type"]) <= {"pengawas", "masyarakat", "media", "mitra"}


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        generate_incidents(FW, SCORES, PARENTS, now=NOW.replace(tzinfo=None))


def test_boost_puts_voting_day_incidents_in_the_named_regions() -> None:
    low = min(CODES, key=lambda c: SCORES[c])  # the region the stream favours least
    plain, boosted = stream(n=800), stream(n=800, boost={low: 25})
    assert len(boosted) == 800
    ago = (NOW - boosted["occurred_at"]).dt.total_seconds() / 86_400
    voting = (ago >= VOTING_DAYS[1]) & (ago < VOTING_DAYS[0])
    here = boosted["regency_code"] == low
    assert (here & voting).sum() >= 25 > (plain["regency_code"] == low).sum()
    assert boosted["occurred_at"].equals(plain["occurred_at"])  # only places changed
    with pytest.raises(ValueError, match="99.99"):
        stream(boost={"99.99": 3})
