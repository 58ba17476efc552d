"""Class probabilities in a real browser (headless Debian chromium, Playwright): a public visitor
opens the ranking sorted by P(tinggi), sorts it again by choosing the column heading, opens the
quick view *sedang tapi berisiko*, checks the phone layout and the profile's probability table.

Screenshots are kept in test-artifacts/screenshots/test_ranking_by_probability/. The edition is
SYNTHETIC (Jawa Barat's kab/kota from ``ikp.sample.generate``), computed with 20 Monte Carlo
runs and stored through ``scoring.services.store_run`` as ``compute_edition`` does."""

from __future__ import annotations

from typing import Any

import pytest

from ikp.framework import load_framework
from ikp.run import compute
from ikp.sample import combine_levels, generate
from ikp.uncertainty import UncertaintySpec, run_uncertainty
from ikp_web.apps.scoring.models import Computation, Result
from ikp_web.apps.scoring.services import do_publish, store_run

from .conftest import synthetic_edition

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SLUG = "ikp-2024-kabkota"


@pytest.fixture()
def published() -> Computation:
    edition = synthetic_edition(SLUG)
    fw = load_framework("ikp-2024")
    counts = generate(fw, "regency", seed=2024).counts
    counts = counts[counts["region_code"].str.startswith("32.")].reset_index(drop=True)
    names = dict(zip(counts["region_code"], counts["region_name"], strict=True))
    raw = combine_levels(counts, fw)
    run = compute(
        fw,
        raw,
        "regency",
        region_names=names,
        groups=dict.fromkeys(names, "32"),
        metadata={"synthetic": True, "edition": SLUG},
    )
    unc = run_uncertainty(run, UncertaintySpec(n_runs=20, seed=1))
    return do_publish(store_run(edition, run, uncertainty=unc, runs=20), actor=None)


def _column(page: Any, key: str) -> list[str]:
    """The data-v values of the ranking column ``key``, in the order shown."""
    index = page.evaluate(
        """key => Array.from(document.querySelectorAll('#ranking thead th'))
                 .findIndex(th => th.dataset.key === key)""",
        key,
    )
    assert index >= 0, key
    return page.evaluate(
        """i => Array.from(document.querySelectorAll('#ranking tbody tr'))
                 .map(tr => tr.cells[i].getAttribute('data-v'))""",
        index,
    )


def _descending(values: list[str]) -> bool:
    present = [float(v) for v in values if v]
    return present == sorted(present, reverse=True) and values[: len(present)] == [
        v for v in values if v
    ]


def test_ranking_by_probability(
    live_server: Any, page: Any, shots: Any, published: Computation
) -> None:
    base = live_server.url
    stored = {
        r.region.code: r
        for r in Result.objects.filter(computation=published, node_code="IKP").select_related(
            "region"
        )
    }
    tinggi = {c: r.class_probabilities.get("tinggi") for c, r in stored.items()}
    assert len(set(tinggi.values())) > 1, "the synthetic data should spread P(tinggi)"

    # 1. sorted on the server by P(tinggi), most likely first
    page.goto(f"{base}/peringkat/?edisi={SLUG}&sort=-prob_tinggi")
    table = page.locator("#ranking")
    assert table.is_visible()
    for name in ("P(rendah)", "P(sedang)", "P(tinggi)"):
        assert page.locator("#ranking thead th", has_text=name).count() == 1
    values = _column(page, "prob_tinggi")
    assert len(values) == 27 and _descending(values)
    codes = page.evaluate(
        "Array.from(document.querySelectorAll('#ranking tbody tr')).map(tr => tr.dataset.region)"
    )
    assert [float(v) for v in values] == pytest.approx([tinggi[c] or 0.0 for c in codes])
    header = page.locator('#ranking thead th[data-key="prob_tinggi"]')
    assert header.get_attribute("aria-sort") == "descending"
    top = page.locator("#ranking tbody tr").first
    assert top.locator("td.prob").nth(2).inner_text().endswith("%")  # text, not colour alone
    shots(page, "ranking-by-p-tinggi")

    # 2. from the default order, the column heading sorts in the browser (twice: descending)
    page.goto(f"{base}/peringkat/?edisi={SLUG}")
    ranks = [float(v) for v in _column(page, "rank")]
    assert ranks == sorted(ranks)
    link = page.locator('#ranking thead a[data-sort="prob_tinggi"]')
    link.click()
    ascending = [float(v) for v in _column(page, "prob_tinggi") if v]
    assert ascending == sorted(ascending)
    link.click()
    assert _descending(_column(page, "prob_tinggi"))
    assert page.url.endswith("sort=-prob_tinggi")
    shots(page, "ranking-sorted-in-the-browser")

    # 3. the quick view: class sedang, most likely tinggi first
    page.click("#at-risk a")
    page.wait_for_load_state()
    classes = page.evaluate(
        "Array.from(document.querySelectorAll('#ranking tbody tr')).map(tr => tr.dataset.class)"
    )
    assert classes and set(classes) == {"sedang"}
    assert _descending(_column(page, "prob_tinggi"))
    assert page.locator("#at-risk strong").inner_text() == "sedang tapi berisiko"
    shots(page, "ranking-medium-but-at-risk")

    # 4. on a phone the page itself does not scroll sideways (the table scrolls in its box)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/peringkat/?edisi={SLUG}&sort=-prob_tinggi")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, f"page is {width}px wide on a 390px phone"
    shots(page, "ranking-by-p-tinggi-phone")

    # 5. the profile shows P(rendah), P(sedang), P(tinggi) side by side
    first = codes[0]
    page.goto(f"{base}/wilayah/{first}/?edisi={SLUG}")
    probs = page.locator("#probabilities")
    assert probs.is_visible()
    cells = probs.locator('tr[data-node="IKP"] td.num')
    assert cells.count() == 3
    shown = [float(cells.nth(i).get_attribute("data-v") or 0) for i in range(3)]
    expected = stored[first].class_probabilities
    assert shown == pytest.approx([expected.get(k, 0.0) for k in ("rendah", "sedang", "tinggi")])
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, f"profile is {width}px wide on a 390px phone"
    fits = page.evaluate(
        "(() => { const w = document.querySelector('#probabilities').parentElement;"
        " return w.scrollWidth <= w.clientWidth; })()"
    )
    assert fits, (
        page.evaluate(
            "Array.from(document.querySelectorAll('#probabilities th, #probabilities td'))"
            ".map(e => e.tagName + ':' + e.getBoundingClientRect().width.toFixed(0) + ':'"
            " + getComputedStyle(e).display).join(' ')"
        )
        + " the probability table should fit a phone without scrolling sideways"
    )
    shots(page, "profile-probabilities-phone", probs)


#: the main pages of the platform, public and signed in
MAIN_PAGES = [
    "/",
    f"/peta/?edisi={SLUG}",
    f"/peringkat/?edisi={SLUG}",
    f"/wilayah/32.04/?edisi={SLUG}",
    "/metodologi/",
    "/akun/masuk/",
    "/api/v1/docs",
]


def test_main_pages_break_no_content_security_rule(
    live_server: Any, page: Any, csp_violations: list[str], published: Computation
) -> None:
    """No inline style or script, nothing from elsewhere: the browser refuses nothing on the
    main pages (the policy has no 'unsafe-inline')."""
    for path in MAIN_PAGES:
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.ok, path
        assert "'unsafe-inline'" not in (response.headers.get("content-security-policy") or "")
        page.wait_for_load_state("networkidle")
        assert csp_violations == [], (path, csp_violations)
    # the bars of the profile take their widths from classes, so they are drawn
    page.goto(f"{live_server.url}/wilayah/32.04/?edisi={SLUG}")
    widths = page.evaluate(
        "Array.from(document.querySelectorAll('#dimensions .bar > span'))"
        ".map(s => s.getBoundingClientRect().width)"
    )
    assert widths and max(widths) > 0
