"""``/metodologi/``: generated from the framework and the stored recipe of the edition shown."""

from __future__ import annotations

import re

import pytest

from ikp import __version__

from .conftest import PRIVILEGED, PUBLIC, ROLES, DashData


def setting(html: str, label: str) -> str | None:
    """The value of the setting row ``label`` in a part of the methodology page."""
    found = re.search(rf'<th scope="row">{re.escape(label)}</th><td>(.*?)</td>', html)
    return found.group(1) if found else None


STEPS = ["screen", "impute", "treat", "normalize", "weight", "aggregate", "rescale", "classify"]


def test_methodology_lists_every_step_with_its_parameters(d: DashData) -> None:
    response = d.clients["anonymous"].get("/metodologi/")
    assert response.status_code == 200
    assert response.context["choice"].comp == d.kab_v1
    html = response.content.decode()
    steps = re.findall(r'<li data-step="([a-z]+)">', html)
    assert steps == STEPS
    treat = html.split('<li data-step="treat">', 1)[1].split("</li>", 1)[0]
    assert setting(treat, "metode") == "winsorisasi (winsorise)"
    assert (
        setting(treat, "ambang kemencengan") == "2" and setting(treat, "ambang kurtosis") == "3,5"
    )
    normalize = html.split('<li data-step="normalize">', 1)[1].split("</li>", 1)[0]
    assert setting(normalize, "metode") == "min–maks 0–100 (minmax)"
    assert setting(normalize, "batas atas") == "100"
    classify = html.split('<li data-step="classify">', 1)[1].split("</li>", 1)[0]
    assert setting(classify, "batas kelas — kabupaten/kota") == "13,47; 49,33"
    assert response.context["synthetic"] is True


def test_methodology_tree_weights_cutoffs_hash_and_version(d: DashData) -> None:
    response = d.clients["anonymous"].get("/metodologi/ikp-2024-kabkota/")
    html = response.content.decode()
    tree = html.split('data-testid="tree"', 1)[1].split("</table>", 1)[0]
    nodes = re.findall(r'data-node="([A-Z0-9.]+)"', tree)
    assert len(nodes) == 1 + 4 + 12 + 61 and nodes[:3] == ["IKP", "D1", "D1.S1"]
    assert "Konteks Sosial dan Politik" in tree and "Socio-political context" in tree
    d1 = re.search(r'<tr class="l3" data-node="D1">(.*?)</tr>', tree, re.S)[1]
    assert "25,0%" in d1  # four equally weighted dimensions
    assert d.kab_v1.input_hash in html
    assert re.search(rf'<code id="ikp-version">{re.escape(__version__)}</code>', html)
    assert "13,47; 49,33" in html and "21,7; 68,5" in html
    assert 'data-testid="uncertainty"' in html and "20 ulangan" in html
    assert 'data-testid="assumptions"' in html and "not published by Bawaslu" in html


def test_methodology_links_to_the_method_documents(d: DashData) -> None:
    html = d.clients["anonymous"].get("/metodologi/").content.decode()
    assert 'href="/metodologi/dokumen/"' in html
    assert 'href="/metodologi/dokumen/normalize/"' in html
    doc = d.clients["anonymous"].get("/metodologi/dokumen/pipeline/")
    assert doc.status_code == 200 and b"The pipeline" in doc.content
    assert b'href="/metodologi/dokumen/screen/"' in doc.content  # .md links rewritten
    index = d.clients["anonymous"].get("/metodologi/dokumen/")
    assert index.status_code == 200 and b"pipeline" in index.content
    assert d.clients["anonymous"].get("/metodologi/dokumen/no-such-page/").status_code == 404


def test_methodology_of_bawaslu_published_results(d: DashData) -> None:
    response = d.clients["anonymous"].get("/metodologi/ikp-2024-bawaslu-provinsi/")
    assert response.status_code == 200
    html = response.content.decode()
    assert response.context["synthetic"] is False and "bukan data Bawaslu" not in html
    assert 'data-testid="published-source"' in html
    assert "Edisi ini tidak memiliki resep perhitungan." in html
    assert "21,7; 68,5" in html


@pytest.mark.parametrize("persona", PUBLIC)
def test_public_cannot_see_the_unpublished_recipe(d: DashData, persona: str) -> None:
    client = d.clients[persona]
    assert client.get("/metodologi/ikp-2024-kabkota/?versi=2").status_code == 404
    assert client.get("/metodologi/ikp-2024-kabkota/?versi=1").status_code == 200
    assert client.get("/metodologi/no-such-edition/").status_code == 404


@pytest.mark.parametrize("persona", PRIVILEGED)
def test_privileged_see_the_unpublished_recipe_marked(d: DashData, persona: str) -> None:
    response = d.clients[persona].get("/metodologi/ikp-2024-kabkota/?versi=2")
    assert response.status_code == 200
    assert response.context["choice"].comp == d.kab_v2
    assert b"BELUM DITERBITKAN / NOT PUBLISHED" in response.content
    assert d.kab_v2.input_hash.encode() in response.content


def test_every_persona_is_listed() -> None:
    assert set(PRIVILEGED) | {"publik"} == set(ROLES)


def test_methodology_lists_the_sources_of_uncertainty(d: DashData) -> None:
    """What the stored computation's uncertainty analysis varied, read from the computation."""
    setup = d.kab_v1.uncertainty_setup
    assert setup["inputs"] and setup["spec"]["n_runs"] == 20
    html = d.clients["anonymous"].get("/metodologi/ikp-2024-kabkota/").content.decode()
    part = html.split('data-testid="uncertainty-sources"', 1)[1].split("</section>", 1)[0]
    assert "Sumber ketidakpastian" in html and "20 ulangan Monte Carlo, seed 1" in part
    varied = re.findall(r'<tr data-input="([a-z_A-Z0-9]+)" data-varied="yes">', part)
    assert varied and set(varied) == set(setup["inputs"])
    noise = setup["spec"]["weight_noise"]
    for level, value in noise.items():
        if f"weights_L{level}" in varied:
            row = part.split(f'data-input="weights_L{level}"', 1)[1].split("</tr>", 1)[0]
            assert f"±{float(value):.0%}" in row
    alternatives = setup["spec"]["normalize_alternatives"]
    if "normalize" in varied:
        row = part.split('data-input="normalize"', 1)[1].split("</tr>", 1)[0]
        assert "Metode normalisasi" in row
        assert all(str(a["method"]) in row for a in alternatives)
    english = d.clients["anonymous"]
    english.cookies["django_language"] = "en"
    en = english.get("/metodologi/ikp-2024-kabkota/").content.decode()
    del english.cookies["django_language"]
    part_en = en.split('data-testid="uncertainty-sources"', 1)[1].split("</section>", 1)[0]
    assert "Sources of uncertainty" in en and "Monte Carlo runs" in part_en


def test_sources_of_uncertainty_without_an_analysis_or_a_stored_setup(d: DashData) -> None:
    # the 2019 edition was computed without uncertainty analysis
    html = d.clients["anonymous"].get("/metodologi/ikp-2019-kabkota/").content.decode()
    part = html.split('data-testid="uncertainty-sources"', 1)[1].split("</section>", 1)[0]
    assert "tanpa analisis ketidakpastian" in part and "data-varied" not in part


def test_sources_of_uncertainty_render_a_data_noise_model() -> None:
    """The spec's ``data_noise`` (its ``model``: poisson, negbin or none) is shown when present."""
    from ikp.framework import load_framework
    from ikp_web.apps.dashboards.views.uncertainty_sources import describe

    fw = load_framework("ikp-2024")
    spec = {
        "n_runs": 100,
        "weight_noise": {"1": 0.25, "3": 0.1},
        "normalize_alternatives": [{"method": "minmax"}, {"method": "prank", "times": 100.0}],
        "aggregate_alternatives": [],
        "impute_alternatives": [{"method": "none"}],
        "data_noise": {"model": "poisson"},
    }
    out = describe({"spec": spec, "inputs": ["weights_L1", "normalize", "data"]}, fw, "id")
    varied = {s["input"]: s for s in out["varied"]}
    assert set(varied) == {"weights_L1", "normalize", "data"}
    assert "prank ×100" in varied["normalize"]["detail"]
    assert "poisson" in varied["data"]["detail"]
    fixed = {s["input"] for s in out["fixed"]}
    assert {"weights_L3", "aggregate", "impute"} <= fixed
    none = describe({"spec": {**spec, "data_noise": {"model": "none"}}, "inputs": []}, fw, "id")
    assert "data" in {s["input"] for s in none["fixed"]} and none["varied"] == []


def test_settings_are_readable_text_in_each_language(d: DashData) -> None:
    """Settings are named rows with localised numbers (decimal comma in Bahasa Indonesia, point
    in English), never a YAML dump; no developer notes or machine paths."""
    client = d.clients["anonymous"]
    indonesian = client.get("/metodologi/").content.decode()
    client.cookies["django_language"] = "en"
    english = client.get("/metodologi/").content.decode()
    del client.cookies["django_language"]
    screen_id = indonesian.split('<li data-step="screen">', 1)[1].split("</li>", 1)[0]
    screen_en = english.split('<li data-step="screen">', 1)[1].split("</li>", 1)[0]
    assert setting(screen_id, "tandai bila cakupan di bawah") == "0,5"
    assert setting(screen_en, "flag when coverage is below") == "0.5"
    treat_en = english.split('<li data-step="treat">', 1)[1].split("</li>", 1)[0]
    assert setting(treat_en, "kurtosis threshold") == "3.5"
    assert setting(treat_en, "log transform when winsorising is not enough") == "yes"
    assert "13.47; 49.33" in english and "13,47; 49,33" in indonesian
    for html in (indonesian, english):
        main = html.split('<main id="main">', 1)[1].split("</main>", 1)[0]
        assert "<pre" not in main
        assert not re.search(
            r"^\s*- |\{\}|\[\]|: \{|\w+_\w+: ", re.sub(r"<[^>]+>", "\n", main), re.M
        )
        for marker in ("/work/", "/home/", "/tmp/", "src/ikp", "TODO", "FIXME", ".py"):
            assert marker not in main, marker
        # stored code words of fixed settings are named, not shown as they are stored
        values = re.findall(r"<td>([^<]*)</td>", main)
        for word in ("coinr", "exclude", "quantile", "ua", "sa", "negbin", "poisson"):
            assert word not in values, word
    normalize_en = english.split('<li data-step="normalize">', 1)[1].split("</li>", 1)[0]
    assert "as COINr does" in normalize_en


@pytest.mark.parametrize("page", ["README", "uncertainty", "pipeline", "normalize"])
def test_method_documents_carry_no_developer_notes_or_machine_paths(d: DashData, page: str) -> None:
    url = "/metodologi/dokumen/" if page == "README" else f"/metodologi/dokumen/{page}/"
    html = d.clients["anonymous"].get(url).content.decode()
    main = html.split('<main id="main">', 1)[1].split("</main>", 1)[0]
    for marker in (
        "/work/",
        "/home/",
        "src/ikp",
        "tests/core",
        "benchmarks/",
        "scripts/",
        "dev --",
    ):
        assert marker not in main, marker
