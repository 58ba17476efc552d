"""``/wilayah/<code>/``: the region profile — headline with interval and reliability, bars,
indicator detail, comparisons, maps and Bawaslu's published figure; per persona."""

from __future__ import annotations

import re

import numpy as np
import pytest
from django.test import Client
from django.urls import resolve

from ikp_web.apps.dashboards.templatetags.dashboards import num
from ikp_web.apps.scoring.models import Result

from .conftest import PRIVILEGED, PUBLIC, DashData


def idn(value: float, digits: int = 2) -> str:
    """A number as the Indonesian pages print it (decimal comma)."""
    return f"{value:.{digits}f}".replace(".", ",")


def section(html: str, testid: str) -> str:
    start = html.index(f'data-testid="{testid}"')
    return html[start : start + 20000]


def test_regency_profile_headline(d: DashData) -> None:
    response = d.clients["anonymous"].get("/wilayah/32.04/")
    assert response.status_code == 200
    html = response.content.decode()
    row = Result.objects.get(computation=d.kab_v1, node_code="IKP", region__code="32.04")
    head = section(html, "profile-score")
    assert 'id="profile-score"' in html
    assert idn(row.score) in head
    assert f'data-class="{row.klass}"' in head
    assert f"{round(row.rank)} <span" in head and "dari 35" in head
    interval = re.search(r'data-testid="rank-interval">(.*?)</dd>', html, re.S)[1]
    assert f"{round(row.rank_p05)}–{round(row.rank_p95)}" in interval
    assert f"{100 * row.reliability:.0f}%" in section(html, "reliability")[:200]
    assert response.context["synthetic"] is True and "bukan data Bawaslu" in html
    assert "Peluang kelas" in html


PROB_CELL = re.compile(r'<td class="num( own)?" data-prob="([a-z]+)" data-v="([^"]*)">([^<]*)</td>')


def probability_table(html: str) -> dict[str, list[tuple[str, bool, float, str]]]:
    """node → [(class, own class?, P, shown text)] of the class-probability table."""
    part = section(html, "class-probabilities").split("</table>", 1)[0]
    out = {}
    for node, body in re.findall(r'<tr data-node="([A-Z0-9.]+)"[^>]*>(.*?)</tr>', part, re.S):
        out[node] = [(k, bool(own), float(v), text) for own, k, v, text in PROB_CELL.findall(body)]
    return out


def test_profile_shows_every_class_probability_of_the_index(d: DashData) -> None:
    html = d.clients["anonymous"].get("/wilayah/32.04/").content.decode()
    row = Result.objects.get(computation=d.kab_v1, node_code="IKP", region__code="32.04")
    table = probability_table(html)
    assert list(table) == ["IKP"]  # this edition's analysis covered the index only
    cells = table["IKP"]
    assert [k for k, *_ in cells] == ["rendah", "sedang", "tinggi"]
    for klass, own, p, text in cells:
        stored = row.class_probabilities.get(klass, 0.0)
        assert p == pytest.approx(stored) and text == f"{100 * stored:.0f}%"
        assert own == (klass == row.klass)
    assert sum(p for _, _, p, _ in cells) == pytest.approx(1.0)
    for name in ("P(rendah)", "P(sedang)", "P(tinggi)"):
        assert name in section(html, "class-probabilities")
    english = Client()
    english.cookies["django_language"] = "en"
    en = section(english.get("/wilayah/32.04/").content.decode(), "class-probabilities")
    assert "Class probabilities (Monte Carlo)" in en
    assert all(f"P({name})" in en for name in ("low", "medium", "high"))


def test_profile_shows_dimension_probabilities_when_stored(d: DashData) -> None:
    html = d.clients["anonymous"].get("/wilayah/32/?edisi=ikp-2024-provinsi").content.decode()
    table = probability_table(html)
    assert list(table)[:2] == ["IKP", "D1"] and {"D2", "D3", "D4"} <= set(table)
    stored = Result.objects.get(computation=d.prov_v1, node_code="D2", region__code="32")
    assert stored.class_probabilities
    shown = {k: p for k, _, p, _ in table["D2"]}
    for klass, p in stored.class_probabilities.items():
        assert shown[klass] == pytest.approx(p)


def test_regency_profile_comparisons(d: DashData) -> None:
    response = d.clients["anonymous"].get("/wilayah/32.04/")
    comparisons = {c.label.split(":")[0].split(" (")[0]: c for c in response.context["comparisons"]}
    scores = list(
        Result.objects.filter(computation=d.kab_v1, node_code="IKP").values_list("score", flat=True)
    )
    jabar = list(
        Result.objects.filter(
            computation=d.kab_v1, node_code="IKP", region__province_code="32"
        ).values_list("score", flat=True)
    )
    assert comparisons["Rata-rata nasional"].score == pytest.approx(np.mean(scores))
    assert comparisons["Rata-rata kabupaten/kota di provinsinya"].score == pytest.approx(
        np.mean(jabar)
    )
    province = Result.objects.get(computation=d.prov_v1, node_code="IKP", region__code="32")
    assert comparisons["Skor provinsinya"].score == pytest.approx(province.score)
    assert comparisons["Skor provinsinya"].url.startswith("/wilayah/32/")
    previous = Result.objects.get(
        computation__edition=d.kab_2019, node_code="IKP", region__code="32.04"
    )
    assert comparisons["Edisi sebelumnya"].score == pytest.approx(previous.score)
    assert "Versi sebelumnya" not in comparisons  # v1 is the first published version
    html = response.content.decode()
    assert 'data-testid="comparisons"' in html and idn(province.score) in html


def test_dimension_and_subdimension_bars(d: DashData) -> None:
    html = d.clients["anonymous"].get("/wilayah/32.04/").content.decode()
    table = section(html, "dimensions")
    nodes = re.findall(r'data-node="([A-Z0-9.]+)"', table.split("</table>")[0])
    assert nodes[:4] == ["D1", "D1.S1", "D1.S2", "D1.S3"] and len(nodes) == 16
    d2 = Result.objects.get(computation=d.kab_v1, node_code="D2", region__code="32.04")
    assert f' w{round(min(max(d2.score, 0), 100))}"' in table  # a stepped width class
    assert idn(d2.score) in table  # the value is written as text too


def test_indicator_detail_raw_and_normalised(d: DashData) -> None:
    response = d.clients["anonymous"].get("/wilayah/32.04/")
    html = response.content.decode()
    table = section(html, "indicators").split("</table>")[0]
    assert len(re.findall(r"<tr data-indicator=", table)) == 61
    i05 = Result.objects.get(computation=d.kab_v1, node_code="I05", region__code="32.04")
    row = re.search(r'<tr data-indicator="I05">(.*?)</tr>', table, re.S)[1]
    assert idn(i05.score) in row
    # the raw value is the one v1 read (stored with it), although I01 of 32.04 changed after
    assert i05.raw is not None and num(i05.raw, -2) in row
    i01 = Result.objects.get(computation=d.kab_v1, node_code="I01", region__code="32.04")
    v2 = Result.objects.get(computation=d.kab_v2, node_code="I01", region__code="32.04")
    assert i01.raw is not None and v2.raw is not None and i01.raw != v2.raw
    row = re.search(r'<tr data-indicator="I01">(.*?)</tr>', table, re.S)[1]
    assert re.findall(r'<td class="num">([^<]*)</td>', row)[0] == num(i01.raw, -2)


def test_kecamatan_map_of_a_regency(d: DashData) -> None:
    html = d.clients["anonymous"].get("/wilayah/32.04/").content.decode()
    local = html.split('id="local-map"', 1)[1].split("</svg>", 1)[0]
    codes = re.findall(r'data-code="([0-9.]+)"', local)
    assert len(codes) > 20 and all(c.startswith("32.04.") for c in codes)


def test_province_profile_with_regency_map_and_bawaslu_figure(d: DashData) -> None:
    response = d.clients["anonymous"].get("/wilayah/32/")
    assert response.status_code == 200
    html = response.content.decode()
    row = Result.objects.get(computation=d.prov_v1, node_code="IKP", region__code="32")
    assert idn(row.score) in section(html, "profile-score")
    local = html.split('id="local-map"', 1)[1].split("</svg>", 1)[0]
    hrefs = re.findall(r'<a href="([^"]+)" data-region="(32\.[0-9]+)"', local)
    assert len(hrefs) == 27
    assert resolve(hrefs[0][0].split("?")[0]).url_name == "region"
    bawaslu = section(html, "bawaslu")
    assert "77,04" in bawaslu and "https://beta.tvonenews.com/" in bawaslu
    regencies = Result.objects.filter(
        computation=d.kab_v1, node_code="IKP", region__province_code="32"
    ).values_list("score", flat=True)
    average = [c for c in response.context["comparisons"] if "di provinsi ini" in c.label]
    assert average and average[0].score == pytest.approx(np.mean(list(regencies)))


def test_split_province_shows_the_parent_value_with_a_note(d: DashData) -> None:
    response = d.clients["anonymous"].get("/wilayah/93/?edisi=ikp-2024-bawaslu-provinsi")
    assert response.status_code == 200
    html = response.content.decode()
    assert "57,27" in section(html, "profile-score")
    assert any("sebelum pemekaran" in n for n in response.context["notes"])
    assert response.context["synthetic"] is False and "bukan data Bawaslu" not in html


def test_regency_without_results_and_unknown_region(d: DashData) -> None:
    response = d.clients["anonymous"].get("/wilayah/35.01/")
    assert response.status_code == 200
    assert "tidak memiliki hasil" in response.content.decode()
    assert d.clients["anonymous"].get("/wilayah/99.99/").status_code == 404


@pytest.mark.parametrize("persona", PUBLIC)
def test_public_profile_has_no_unpublished_version(d: DashData, persona: str) -> None:
    client = d.clients[persona]
    response = client.get("/wilayah/32.04/")
    assert response.context["choice"].comp == d.kab_v1
    assert b"BELUM DITERBITKAN" not in response.content
    assert client.get("/wilayah/32.04/?edisi=ikp-2024-kabkota@v2").status_code == 404


@pytest.mark.parametrize("persona", PRIVILEGED)
def test_privileged_profile_of_the_unpublished_version(d: DashData, persona: str) -> None:
    response = d.clients[persona].get("/wilayah/32.04/?edisi=ikp-2024-kabkota@v2")
    assert response.status_code == 200
    assert response.context["choice"].comp == d.kab_v2
    assert b"BELUM DITERBITKAN / NOT PUBLISHED" in response.content
    labels = [c.label for c in response.context["comparisons"]]
    assert any(label.startswith("Versi sebelumnya: ") for label in labels)
    v2 = Result.objects.get(computation=d.kab_v2, node_code="IKP", region__code="32.04")
    assert idn(v2.score) in section(response.content.decode(), "profile-score")
