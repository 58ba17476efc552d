"""The live index of every aggregate node (dimensions and sub-dimensions), not only the index:
stored per region in ``LiveResult.nodes``, each node's change the sum of its indicators'
contributions, nodes without a moved indicator unchanged; the API's ``node`` parameter, the map
switch on a dimension and the profile panel's per-dimension table."""

from __future__ import annotations

import re
from typing import Any

import pytest

from ikp.methods.classify import classify
from ikp_web.apps.frameworks.models import Edition
from ikp_web.apps.live import services
from ikp_web.apps.live.models import LiveResult
from ikp_web.apps.scoring.models import Computation, Result

from .conftest import report, verify

#: the verified report of the ``verified`` fixture: I05 (D1 › D1.S1) in Kabupaten Bogor
MOVED = ("IKP", "D1", "D1.S1")
API = "/api/v1/live/ikp-2024-kabkota"
MAP = "/peta/?edisi=ikp-2024-kabkota&tingkat=kabkota"


def bogor(edition: Edition) -> LiveResult:
    run = services.latest_run(edition)
    assert run is not None
    return run.results.get(region__code="32.01")


def test_every_node_has_its_live_result(
    edition: Edition, published: Computation, verified: Any
) -> None:
    fw = edition.framework.framework()
    row = bogor(edition)
    assert set(row.nodes) == set(fw.aggregates) - {fw.root}
    stored = {
        node: (score, klass)
        for node, score, klass in Result.objects.filter(
            computation=published, region__code="32.01"
        ).values_list("node_code", "score", "klass")
    }
    for code in fw.aggregates:
        r = row.node(code, fw.root)
        assert r.published_score == pytest.approx(stored[code][0])
        assert r.published_class == (stored[code][1] or "")
        # a node's change is the sum of the contributions of the indicators under it
        assert sum(r.contributions.values()) == pytest.approx(r.delta, abs=1e-5)
        assert r.score == pytest.approx(r.published_score + r.delta)
        if code in MOVED:
            assert r.delta > 0 and set(r.contributions) == {"I05"}, code
        else:  # no moved input below: unchanged
            assert (r.delta, r.contributions, r.score) == (0.0, {}, r.published_score), code
            assert r.klass == r.published_class
    # the indicator's points are larger in the smaller node (its share of it is larger)
    assert row.node("D1.S1", fw.root).delta > row.node("D1", fw.root).delta > row.delta
    # every other region: every node unchanged
    others = services.latest_run(edition).results.exclude(region__code="32.01")
    for other in others:
        assert all(n["delta"] == 0 and not n["contributions"] for n in other.nodes.values())


def test_a_dimension_class_changes_on_the_published_cutoffs(
    edition: Edition,
    published: Computation,
    personas: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Three verified I42 reports (D3 › D3.S1) in Kabupaten Sumedang: D3's and the index's class
    are those of their live scores on the published cut-offs; D1, D2, D4 keep theirs."""
    user = personas["jabar"].user
    for days in (1, 2, 3):
        incident = report(
            edition,
            user,
            days_ago=days,
            regency_code="32.11",
            district_code="32.11.01",
            indicator_code="I42",
        )
        verify(incident, personas["ri"].user, django_capture_on_commit_callbacks)  # four-eyes
    fw = edition.framework.framework()
    cutoffs = fw.cutoffs("regency")
    labels = fw.class_labels("id")
    run = services.latest_run(edition)
    assert run is not None and run.n_incidents == 3
    row = run.results.get(region__code="32.11")
    changed = []
    for code in fw.aggregates:
        r = row.node(code, fw.root)
        assert r.klass == labels[int(classify([r.score], cutoffs)[0])]
        if r.klass != r.published_class:
            changed.append(code)
        if code in ("D1", "D2", "D4") or code.split(".")[0] in ("D1", "D2", "D4"):
            assert r.delta == 0 and r.klass == r.published_class
    assert "IKP" in changed  # 11.06 (rendah) → above the 13.47 cut-off (sedang)
    assert (row.published_class, row.klass) == ("rendah", "sedang")


def test_api_node_parameter(personas: Any, verified: Any) -> None:
    client = personas["ri"].client
    index = client.get(API).json()
    assert index["node"] == "IKP"
    assert client.get(API + "?node=IKP").json()["items"] == index["items"]
    d1 = client.get(API + "?node=D1&limit=5").json()
    assert d1["node"] == "D1" and d1["live"] is True and d1["count"] == index["count"]
    first = d1["items"][0]  # largest change first
    assert first["region"]["code"] == "32.01" and first["delta"] > index["items"][0]["delta"]
    assert set(first["contributions"]) == {"I05"}
    assert sum(first["contributions"].values()) == pytest.approx(first["delta"], abs=1e-5)
    assert first["incidents"] == {"I05": [verified.pk]}
    assert d1["next"] and "node=D1" in d1["next"]
    sub = client.get(API + "?node=D1.S1&region=32.01").json()
    assert sub["count"] == 1 and sub["items"][0]["delta"] > first["delta"]
    d2 = client.get(API + "?node=D2&region=32.01").json()["items"][0]
    assert d2["delta"] == 0 and d2["contributions"] == {} and d2["incidents"] == {}
    assert d2["score"] == d2["published_score"] and d2["class"] == d2["published_class"]
    for wrong in ("I05", "D9"):  # an indicator, an unknown node: 404 naming the valid ones
        response = client.get(API + f"?node={wrong}")
        assert response.status_code == 404, wrong
        assert "D1.S1" in response.json()["data"]["choices"]
    assert client.get(API + "?node=D1%20S1").status_code == 422  # outside the declared syntax


def test_map_switch_on_a_dimension(personas: Any, verified: Any) -> None:
    client = personas["ri"].client
    assert 'data-testid="live-switch"' in client.get(MAP + "&dimensi=D1").content.decode()
    change = client.get(MAP + "&dimensi=D1.S1&tampilan=perubahan").content.decode()
    assert 'data-live="perubahan"' in change and 'data-node="D1.S1"' in change
    risen = (
        r'data-region="32.01" data-delta="([0-9.]+)"[^>]*><title>[^<]*</title><path class="ld[123]'
    )
    match = re.search(risen, change)
    assert match and float(match.group(1)) > 0
    other = client.get(MAP + "&dimensi=D2&tampilan=perubahan").content.decode()
    assert re.search(
        r'data-region="32.01" data-delta="0.000000"[^>]*><title>[^<]*</title><path class="ld0"',
        other,
    )
    live = client.get(MAP + "&dimensi=D2&tampilan=langsung").content.decode()
    assert 'data-live="langsung"' in live and 'data-node="D2"' in live


def test_profile_panel_lists_the_dimensions(personas: Any, verified: Any) -> None:
    html = personas["ri"].client.get("/wilayah/32.01/?edisi=ikp-2024-kabkota").content.decode()
    table = html[html.index('data-testid="live-nodes"') :]
    table = table[: table.index("</table>")]
    for dim in ("D1", "D2", "D3", "D4"):
        assert f'data-node="{dim}"' in table
    assert 'data-node="D1.S1"' in table and 'data-node="D2.S1"' not in table  # moved subs only
    d1 = table[table.index('data-node="D1"') :]
    assert "I05 +" in d1[: d1.index("</tr>")]
