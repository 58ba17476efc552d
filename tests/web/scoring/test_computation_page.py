"""Inspecting a computation: ranking summary, statistical audit (flags in Indonesian, English on
the English page), sensitivity indices, recipe and input hash, comparison with the published
version, and the synthetic label."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.urls import reverse
from django.utils.html import escape

from ikp_web.apps.scoring import queries
from ikp_web.apps.scoring.models import Computation
from ikp_web.apps.scoring.services import do_publish

from .conftest import Persona, add_observations


def url(comp: Computation) -> str:
    return reverse("scoring:computation", args=[comp.edition.slug, comp.version])


def test_ranking_summary(computed: Computation, personas: dict[str, Persona]) -> None:
    response = personas["ri"].client.get(url(computed))
    html = response.content.decode()
    summary = response.context["summary"]
    assert summary["node"] == "IKP" and summary["n_regions"] == 27
    assert len(summary["top"]) == 10 and len(summary["bottom"]) == 10
    assert [r.rank for r in summary["top"]][:3] == [1.0, 2.0, 3.0]
    assert summary["bottom"][-1].rank == 27.0
    assert [c["label"] for c in summary["classes"]][:3] == ["rendah", "sedang", "tinggi"]
    assert sum(c["n"] for c in summary["classes"]) == 27
    best = computed.results.get(node_code="IKP", rank=1)
    top = html.split('id="ranking-top"')[1].split("</table>")[0]
    assert f'data-region="{best.region.code}"' in top and best.klass in top
    assert 'id="class-counts"' in html and 'class="swatch c-' in html


def test_audit_sensitivity_recipe(computed: Computation, personas: dict[str, Persona]) -> None:
    html = personas["ri"].client.get(url(computed)).content.decode()
    audit = html.split('id="audit"')[1].split("</section>")[0]
    assert 'data-node="IKP"' in audit and 'data-node="D1.S1"' in audit
    assert "Alfa Cronbach" in audit and "Pangsa PC1" in audit
    # each group's correlation with its parent and every ancestor (COINr withparent = "family")
    row = audit.split('data-node="D1.S1"')[1].split("</tr>")[0]
    assert 'data-other="D1"' in row and 'data-other="IKP"' in row
    stored = next(
        c
        for c in computed.audit["correlations"]
        if c["node"] == "D1.S1" and c["other"] == "IKP" and c["relation"] == "ancestor"
    )
    shown = f"{stored['pearson']:.2f}"
    assert shown in row or shown.replace(".", ",") in row
    assert computed.audit["flags"], "the synthetic data should raise some audit flag"
    for flag in computed.audit["flags"]:
        assert escape(flag["message_id"]) in audit
    sensitivity = html.split('id="sensitivity-table"')[1].split("</table>")[0]
    for row in computed.sensitivity:
        assert f'data-input="{row["input"]}"' in sensitivity
        assert escape(row["label_id"]) in sensitivity
    assert computed.input_hash in html
    assert "ikp-recipe/1" in html and "framework_hash" in html


def test_english_page_shows_english_flags(
    computed: Computation, personas: dict[str, Persona]
) -> None:
    client = personas["ri"].client
    client.cookies["django_language"] = "en"
    html = client.get(url(computed), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    flag = computed.audit["flags"][0]
    assert escape(flag["message"]) in html and escape(flag["message_id"]) not in html
    assert escape(computed.sensitivity[0]["label"]) in html
    assert "Statistical audit" in html


def test_comparison_with_the_published_version(
    computed: Computation, compute: Callable[..., Computation], personas: dict[str, Persona]
) -> None:
    client = personas["ri"].client
    first = client.get(url(computed)).content.decode()
    assert "belum pernah diterbitkan" in first and 'id="comparison-table"' not in first
    do_publish(computed, personas["ri"].user)
    add_observations(computed.edition, scale={"32.01": 4.0})
    v2 = compute(runs=0)
    response = client.get(url(v2))
    html = response.content.decode()
    comparison = response.context["comparison"]
    assert comparison["n"] == 27 and comparison["n_changed"] >= 1
    top = comparison["rows"][0]
    assert top["region_code"] == "32.01" and top["score_change"] > 0
    body = html.split('id="comparison-table"')[1].split("<tbody>")[1]
    assert body.index('data-region="32.01"') < body.index("</tr>")  # largest change first
    assert "v1 (versi terbit saat ini)" in html


def test_synthetic_banner_and_labels(computed: Computation, personas: dict[str, Persona]) -> None:
    response = personas["ri"].client.get(url(computed))
    assert response.context["synthetic"] is True
    assert "DATA SINTETIS" in response.content.decode()
    computed.edition.synthetic = False
    computed.edition.save()
    Computation.objects.filter(pk=computed.pk).update(synthetic=False)
    assert personas["ri"].client.get(url(computed)).context["synthetic"] is False


def test_unknown_computation_is_404(computed: Computation, personas: dict[str, Persona]) -> None:
    client = personas["ri"].client
    assert client.get(reverse("scoring:computation", args=["tidak-ada", 1])).status_code == 404
    assert (
        client.get(reverse("scoring:computation", args=[computed.edition.slug, 9])).status_code
        == 404
    )


def _cell(row_html: str, col: str) -> str:
    match = re.search(rf'<td class="num" data-col="{col}">(.*?)</td>', row_html, re.S)
    assert match is not None, col
    return match[1]


def _float(text: str) -> float:
    return float(text.strip().replace(",", "."))


def test_sensitivity_shows_both_indices_with_their_intervals(
    computed: Computation, personas: dict[str, Persona]
) -> None:
    html = personas["ri"].client.get(url(computed)).content.decode()
    table = html.split('id="sensitivity-table"')[1].split("</table>")[0]
    assert "Interval orde pertama (95%)" in table and "Interval total (95%)" in table
    assert computed.sensitivity
    for stored in computed.sensitivity:
        assert stored["first_order_low"] is not None and stored["total_high"] is not None
        row = table.split(f'data-input="{stored["input"]}"')[1].split("</tr>")[0]
        first = _cell(row, "first_order")
        assert _float(re.sub(r"<span.*", "", first, flags=re.S)) == pytest.approx(
            stored["first_order"], abs=5e-4
        )
        low, high = (_float(x) for x in _cell(row, "first_order_ci").split("–"))
        assert low == pytest.approx(stored["first_order_low"], abs=5e-4)
        assert high == pytest.approx(stored["first_order_high"], abs=5e-4)
        low, high = (_float(x) for x in _cell(row, "total_ci").split("–"))
        assert low == pytest.approx(stored["total_low"], abs=5e-4)
        assert high == pytest.approx(stored["total_high"], abs=5e-4)
        assert ('data-flag="negative"' in first) == (stored["first_order"] < 0)
        assert ('data-flag="above-total"' in first) == (stored["first_order"] > stored["total"])
    reading = html.split('data-testid="sobol-reading"')[1].split("</div>")[0]
    assert "sedikit negatif" in reading and "total ≥ indeks orde pertama" in reading
    assert "lebih banyak ulangan" in reading
    client = personas["ri"].client
    client.cookies["django_language"] = "en"
    english = client.get(url(computed)).content.decode()
    reading = english.split('data-testid="sobol-reading"')[1].split("</div>")[0]
    assert "slightly negative" in reading and "more runs" in reading
    assert "First-order interval (95%)" in english


def test_sensitivity_flags_estimates_to_read_as_estimation_error() -> None:
    """A negative first-order estimate and one above its total are marked in words."""
    comp = Computation(
        sensitivity=[
            {"input": "impute", "label_id": "imputasi", "first_order": -0.02, "total": 0.01},
            {"input": "normalize", "label_id": "normalisasi", "first_order": 0.4, "total": 0.35},
            {"input": "weights_L1", "label_id": "bobot", "first_order": 0.2, "total": 0.5},
        ]
    )
    rows = {r["input"]: r for r in queries.sensitivity_rows(comp, "id")}
    assert rows["impute"]["negative"] and not rows["impute"]["above_total"]
    assert rows["normalize"]["above_total"] and not rows["normalize"]["negative"]
    assert not rows["weights_L1"]["negative"] and not rows["weights_L1"]["above_total"]
    assert rows["impute"]["first_order_low"] is None  # no bootstrap stored: no interval
