"""The progress board and the work list: counts by status, a sortable table with deadlines and
an overdue flag, and a map coloured by status (with a legend and text labels)."""

from __future__ import annotations

import datetime as dt
import re

from tests.web.conftest import inline_styles

from ikp_web.apps.frameworks.models import Edition
from ikp_web.apps.submissions import services
from ikp_web.apps.submissions.models import Submission

from .helpers import Personas, region, url


def _set(edition: Edition, code: str, status: str) -> None:
    sub = services.get_submission(edition, region(code))
    sub.status = status
    sub.save()


def _counts(html: str) -> dict[str, int]:
    found = re.findall(r'<li data-status="(\w+)"><span class="n">(\d+)</span>', html)
    out: dict[str, int] = {}
    for status, n in found:
        out.setdefault(status, int(n))  # the first block is the edition overview
    return out


def test_board_counts_table_and_map(personas: Personas, kab_edition: Edition) -> None:
    kab_edition.deadline = dt.date.today() - dt.timedelta(days=3)
    kab_edition.save()
    _set(kab_edition, "32.01", "draft")
    _set(kab_edition, "32.02", "submitted")
    _set(kab_edition, "32.03", "returned")
    _set(kab_edition, "32.04", "verified")
    _set(kab_edition, "11.01", "verified")
    response = personas["jabar"].client.get(url("progress"), {"edisi": kab_edition.slug})
    assert response.status_code == 200
    html = response.content.decode()
    counts = {c["status"]: c["count"] for c in response.context["counts"]}
    assert counts == {
        "not_started": 23,
        "draft": 1,
        "submitted": 1,
        "returned": 1,
        "verified": 1,
    }
    assert _counts(html)["not_started"] == 23
    # overdue: everything neither submitted nor verified after the deadline
    assert response.context["n_overdue"] == 25
    assert html.count('data-overdue="1"') == 25
    # the map (fitted to Jawa Barat): one link per kab/kota, coloured by status, with tooltips
    links = re.findall(
        r'<a href="([^"]+)" data-region="(32\.\d\d)" data-status="(\w+)"><title>([^<]+)</title>'
        r'<path class="st-(\w+)"',
        html,
    )
    assert len(links) == 27
    status_of = {code: status for _, code, status, _, _ in links}
    assert status_of["32.01"] == "draft" and status_of["32.03"] == "returned"
    assert all(status == css for _, _, status, _, css in links)
    assert any("Kabupaten Bogor (32.01) — draf" in tip for _, _, _, tip, _ in links)
    assert ("/data/ikp-2024-kabkota/32.01/", "32.01") in {(h, c) for h, c, _, _, _ in links}
    assert 'id="ikp-stripes-returned"' in html
    assert 'data-region="11.01"' not in html  # outside the province: not drawn
    assert "dikembalikan (1)" in html  # the legend gives names and counts


def test_board_sorts_and_filters(personas: Personas, kab_edition: Edition) -> None:
    _set(kab_edition, "32.05", "verified")
    _set(kab_edition, "32.02", "draft")
    client = personas["jabar"].client
    rows = client.get(url("progress"), {"edisi": kab_edition.slug, "urut": "-status"}).context[
        "rows"
    ]
    assert [r.region.code for r in rows[:2]] == ["32.05", "32.02"]
    rows = client.get(url("progress"), {"edisi": kab_edition.slug, "urut": "nama"}).context["rows"]
    names = [r.region.name for r in rows]
    assert names == sorted(names)
    html = client.get(url("progress"), {"edisi": kab_edition.slug, "urut": "nama"}).content.decode()
    assert 'aria-sort="ascending"' in html
    rows = client.get(url("progress"), {"edisi": kab_edition.slug, "status": "draft"}).context[
        "rows"
    ]
    assert [r.region.code for r in rows] == ["32.02"]
    # RI filters by province; the table and map follow
    response = personas["ri"].client.get(
        url("progress"), {"edisi": kab_edition.slug, "provinsi": "32"}
    )
    assert response.context["n_rows"] == 27
    # a province office cannot widen its scope with the filter
    response = client.get(url("progress"), {"edisi": kab_edition.slug, "provinsi": "11"})
    assert response.context["n_rows"] == 27


def test_board_for_both_editions(
    personas: Personas, kab_edition: Edition, prov_edition: Edition
) -> None:
    _set(prov_edition, "32", "submitted")
    response = personas["ri"].client.get(url("progress"), {"edisi": prov_edition.slug})
    overview = {o["edition"].slug: o["n"] for o in response.context["overview"]}
    assert overview == {kab_edition.slug: 514, prov_edition.slug: 38}
    assert response.context["n_rows"] == 38
    counts = {c["status"]: c["count"] for c in response.context["counts"]}
    assert counts["submitted"] == 1 and counts["not_started"] == 37
    # the kab/kota office has no province-edition work: its board shows its own region only
    response = personas["bogor"].client.get(url("progress"))
    assert [o["edition"].slug for o in response.context["overview"]] == [kab_edition.slug]
    assert response.context["n_rows"] == 1


def test_worklist_shows_status_deadline_and_links(
    personas: Personas, kab_edition: Edition, prov_edition: Edition
) -> None:
    _set(kab_edition, "32.01", "returned")
    response = personas["jabar"].client.get(url("worklist"))
    assert response.status_code == 200
    rows = response.context["n_rows"]
    assert rows == 28  # 27 kab/kota + the province itself in the province edition
    html = response.content.decode()
    assert 'data-region="32.01" data-edition="ikp-2024-kabkota" data-status="returned"' in html
    assert 'data-region="32" data-edition="ikp-2024-provinsi" data-status="not_started"' in html
    assert "terlambat" in html  # the province edition's deadline has passed
    assert 'href="/data/ikp-2024-kabkota/massal/32/"' in html  # one sheet for all its kab/kota
    response = personas["jabar"].client.get(url("worklist"), {"status": "returned"})
    assert response.context["n_rows"] == 1
    response = personas["ri"].client.get(url("worklist"))
    assert response.context["n_rows"] == 552 and len(response.context["rows"]) == 100


def test_status_counts_ignore_other_editions(personas: Personas, kab_edition: Edition) -> None:
    other = Edition.objects.create(
        slug="lain", name="lain", framework=kab_edition.framework, region_level="regency"
    )
    _set(other, "32.01", Submission.Status.VERIFIED)
    response = personas["bogor"].client.get(url("progress"), {"edisi": kab_edition.slug})
    counts = {c["status"]: c["count"] for c in response.context["counts"]}
    assert counts["not_started"] == 1 and counts["verified"] == 0


def test_board_and_map_carry_no_inline_style(personas: Personas, kab_edition: Edition) -> None:
    """The legend's swatches and the map's hidden pattern use classes: the policy allows no
    inline style."""
    _set(kab_edition, "32.03", "returned")
    for name in ("jabar", "ri"):
        response = personas[name].client.get(url("progress"), {"edisi": kab_edition.slug})
        html = response.content.decode()
        assert 'class="sw sw-returned"' in html and 'class="svg-defs"' in html
        assert inline_styles(html) == []
