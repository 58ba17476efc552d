"""The live index core: incidents in a window counted per region × indicator × level, added to
the published inputs and computed on the published scale (fixed limits, bounds and weights)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from tests.core.conftest import make_counts

from ikp.dataset import Dataset
from ikp.framework import Framework
from ikp.issues import IkpError
from ikp.live import (
    Window,
    compare_live,
    compare_live_nodes,
    incident_counts,
    live_inputs,
    live_run,
)
from ikp.run import IndexRun, compute

NOW = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def published(ikp2024: Framework) -> IndexRun:
    raw = make_counts(ikp2024, n=60, seed=11, missing=0.0)
    return compute(ikp2024, raw, "regency")


def incidents(rows: list[tuple[str, str, str, dt.datetime]]) -> pd.DataFrame:
    return pd.DataFrame(
        rows, columns=["region_code", "indicator_code", "incidence_level", "occurred_at"]
    )


def test_counts_in_window_per_region_indicator_level(ikp2024: Framework) -> None:
    ind = ikp2024.indicators[0]
    levels = list(ikp2024.incidence_weights())
    day = dt.timedelta(days=1)
    table = incidents(
        [
            ("99.01", ind, levels[0], NOW - day),
            ("99.01", ind, levels[0], NOW - 2 * day),
            ("99.01", ind, levels[-1], NOW - 3 * day),
            ("99.02", ind, levels[0], NOW - 200 * day),  # outside the window
            ("00.00", ind, levels[0], NOW - day),  # unknown region
        ]
    )
    got = incident_counts(table, ikp2024, ["99.01", "99.02"], Window.last(90, NOW))
    assert got.counts[0, 0, 0] == 2 and got.counts[0, 0, len(levels) - 1] == 1
    assert got.counts.sum() == 3 and got.n_in_window == 3 and got.n_ignored == 1
    w = ikp2024.incidence_weights()
    assert got.weighted.values[0, 0] == pytest.approx(2 * w[levels[0]] + w[levels[-1]])
    assert got.long()["count"].sum() == 3


def test_no_incidents_live_equals_published(ikp2024: Framework, published: IndexRun) -> None:
    empty = incident_counts(incidents([]), ikp2024, published.data["raw"].regions, Window())
    raw = live_inputs(published.data["raw"], empty.weighted)
    live = live_run(published, raw)
    np.testing.assert_array_equal(live.data["scores"].values, published.data["scores"].values)
    table = compare_live(published, live)
    assert (table["delta"] == 0).all() and not any(table["contributions"])


def test_incidents_move_only_their_region(ikp2024: Framework, published: IndexRun) -> None:
    raw = published.data["raw"]
    region = raw.regions[5]
    ind = ikp2024.indicators[3]
    level = next(iter(ikp2024.incidence_weights()))
    table = incidents([(region, ind, level, NOW - dt.timedelta(days=d)) for d in range(1, 4)])
    counts = incident_counts(table, ikp2024, raw.regions, Window.last(90, NOW))
    live = live_run(published, live_inputs(raw, counts.weighted))
    before, after = published.data["scores"], live.data["scores"]
    j, root = before.columns.index(ind), before.columns.index(ikp2024.root)
    if before.values[5, j] < 100:  # below the published maximum there is room to rise
        assert after.values[5, j] > before.values[5, j]
        assert after.values[5, root] > before.values[5, root]
    others = np.arange(len(raw.regions)) != 5
    np.testing.assert_array_equal(after.values[others], before.values[others])
    cmp = compare_live(published, live).set_index("region_code")
    assert set(cmp.loc[region, "contributions"]) <= {ind}
    assert sum(cmp.loc[region, "contributions"].values()) == pytest.approx(
        cmp.loc[region, "delta"], abs=1e-9
    )
    assert cmp["residual"].abs().max() < 1e-9


def test_contributions_sum_to_delta_with_missing_cells(ikp2024: Framework) -> None:
    raw = make_counts(ikp2024, n=50, seed=3, missing=0.05)
    pub = compute(ikp2024, raw, "regency")
    rng = np.random.default_rng(1)
    levels = list(ikp2024.incidence_weights())
    n = 400
    table = incidents(
        [
            (
                raw.regions[rng.integers(len(raw.regions))],
                ikp2024.indicators[rng.integers(len(ikp2024.indicators))],
                levels[rng.integers(len(levels))],
                NOW - dt.timedelta(hours=int(rng.integers(1, 2000))),
            )
            for _ in range(n)
        ]
    )
    counts = incident_counts(table, ikp2024, raw.regions, Window.last(90, NOW))
    live = live_run(pub, live_inputs(raw, counts.weighted))
    cmp = compare_live(pub, live)
    sums = np.array([sum(c.values()) for c in cmp["contributions"]])
    np.testing.assert_allclose(sums, cmp["delta"].to_numpy(), atol=1e-9)
    assert (cmp["delta"] >= -1e-9).all()  # incidents only add vulnerability (direction +1)


def test_missing_cell_takes_the_incidents_value() -> None:
    pub = Dataset(("a", "b"), ("X", "Y"), np.array([[np.nan, 1.0], [np.nan, 2.0]]))
    add = Dataset(("a",), ("X", "Y"), np.array([[3.0, 0.5]]))
    got = live_inputs(pub, add)
    np.testing.assert_array_equal(got.values, [[3.0, 1.5], [np.nan, 2.0]])


def test_incidents_chosen_by_the_caller_need_an_open_window(ikp2024: Framework) -> None:
    ind, level = ikp2024.indicators[0], next(iter(ikp2024.incidence_weights()))
    table = incidents([("99.01", ind, level, NOW)]).drop(columns="occurred_at")
    got = incident_counts(table, ikp2024, ["99.01"], Window())
    assert got.counts.sum() == 1
    with pytest.raises(ValueError, match="open Window"):
        incident_counts(table, ikp2024, ["99.01"], Window.last(90, NOW))


def test_every_aggregate_node_compared(ikp2024: Framework) -> None:
    """Per node: the change is the sum of the contributions of the indicators under it (missing
    cells included), nodes without a moved indicator are unchanged, the index table is
    :func:`compare_live`'s, and live classes follow the published cut-offs."""
    raw = make_counts(ikp2024, n=40, seed=5, missing=0.05)
    pub = compute(ikp2024, raw, "regency")
    moved = ikp2024.indicators[7]
    table = incidents(
        [(raw.regions[k], moved, "L3", NOW - dt.timedelta(days=1)) for k in range(0, 40, 3)]
    )
    counts = incident_counts(table, ikp2024, raw.regions, Window.last(90, NOW))
    live = live_run(pub, live_inputs(raw, counts.weighted))
    nodes = compare_live_nodes(pub, live)
    assert set(nodes) == set(ikp2024.aggregates)
    pd.testing.assert_frame_equal(nodes[ikp2024.root], compare_live(pub, live))
    cut = pub.artefact("classify")["cutoffs"]
    labels = ["", *pub.artefact("classify")["labels_id"]]
    from ikp.methods.classify import classify

    for code, t in nodes.items():
        sums = np.array([sum(c.values()) for c in t["contributions"]])
        np.testing.assert_allclose(sums, t["delta"].to_numpy(), atol=1e-9, err_msg=code)
        expected = [labels[k + 1] for k in classify(t["score_live"].to_numpy(), cut[code])]
        assert t["class_live"].tolist() == expected, code
        if moved in ikp2024.indicators_under(code):
            assert t["delta"].max() > 0, code
            # a cell missing in the snapshot and now evidenced re-weights its siblings too
            keys = {k for c in t["contributions"] for k in c}
            assert moved in keys and keys <= set(ikp2024.indicators_under(code)), code
        else:
            assert (t["delta"] == 0).all() and not any(t["contributions"]), code
            assert t["class_live"].tolist() == t["class_published"].tolist()
    with pytest.raises(IkpError):
        compare_live_nodes(pub, live, [moved])  # an indicator is not an aggregate node
