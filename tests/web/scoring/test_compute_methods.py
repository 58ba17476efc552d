"""Method control on the compute page (``/hitung/``): weighting, normalisation, aggregation and a
class method per region level, prefilled from the framework file, checked against the edition's
framework, passed to the background job and recorded in the stored recipe; the methodology page
shows the effective weights used and each AHP matrix's consistency ratio."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest
import yaml
from django.urls import reverse

from ikp.framework import Framework, load_framework
from ikp_web.apps.core.models import Job
from ikp_web.apps.frameworks.models import Edition, FrameworkVersion
from ikp_web.apps.scoring.models import Computation

from .conftest import SOURCE, Persona, add_observations

SAATY_3 = [[1, 3, 5], ["1/3", 1, 2], ["1/5", "1/2", 1]]
INCONSISTENT_4 = [[1, 9, "1/9", 1], ["1/9", 1, 9, 1], [9, "1/9", 1, 1], [1, 1, 1, 1]]


def post(client: Any, capture: Any, edition: Edition, **fields: Any) -> Any:
    data = {"edition": edition.slug, "runs": 0, **fields}
    with capture(execute=True):
        return client.post(reverse("scoring:start"), data)


def recipe_of(comp: Computation) -> dict[str, Any]:
    return dict(yaml.safe_load(comp.recipe))


def ikp_scores(comp: Computation) -> dict[str, float]:
    return dict(comp.results.filter(node_code="IKP").values_list("region__code", "score"))


@pytest.fixture()
def ahp_edition(edition: Edition) -> Edition:
    """An edition on ikp-2024 with AHP matrices in its framework file: the four dimensions
    (inconsistent on purpose, CR > 0.1) and D1's three sub-dimensions (Saaty's example)."""
    data = copy.deepcopy(load_framework("ikp-2024").to_dict())
    data["version"] = "2024.1-ahp"
    data["defaults"]["weight"] = {
        "method": "framework",
        "ahp": {
            "IKP": {"order": ["D1", "D2", "D3", "D4"], "matrix": INCONSISTENT_4},
            "D1": {"order": ["D1.S1", "D1.S2", "D1.S3"], "matrix": SAATY_3},
        },
    }
    data["classification"]["per_level"] = {"regency": {"method": "quantile"}}
    data["uncertainty"] = {"weight_noise": {1: 0.1, 2: 0.05}}
    fw = Framework.from_dict(data)
    stored = FrameworkVersion.objects.create(
        slug="ikp-2024", version=fw.version, name=fw.name_id, definition=fw.to_yaml()
    )
    ahp = Edition.objects.create(
        slug="ikp-2024-kabkota-ahp",
        name="IKP 2024 kab/kota (AHP)",
        framework=stored,
        region_level="regency",
        synthetic=True,
        source=SOURCE,
    )
    add_observations(ahp)
    return ahp


def test_method_choices_are_prefilled_from_the_framework(
    data_edition: Edition, personas: dict[str, Persona]
) -> None:
    html = personas["ri"].client.get(reverse("scoring:index")).content.decode()
    form = html.split('id="methods"', 1)[1].split("</fieldset>", 1)[0]
    for name, value in (
        ("weights", "framework"),
        ("normalize", "minmax"),
        ("aggregate", "arithmetic"),
        ("classes_province", "fixed"),
        ("classes_regency", "fixed"),
    ):
        select = form.split(f'name="{name}"', 1)[1].split("</select>", 1)[0]
        assert re.search(rf'<option value="{value}"[^>]*selected', select), name
        assert f'<label for="{name}">' in form
    assert '<option value="ahp">AHP (matriks perbandingan berpasangan di kerangka) (ahp)' in form
    assert 'aria-describedby="weights-help"' in form


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"weights": "magic"}, "weights", "Masukkan pilihan yang valid"),
        ({"classes_regency": "jenks"}, "classes_regency", "Masukkan pilihan yang valid"),
        ({"aggregate": "generalised"}, "aggregate_p", "Rata-rata umum memerlukan p."),
        ({"aggregate_p": "0.5"}, "aggregate_p", "p hanya dipakai oleh rata-rata umum"),
    ],
)
def test_invalid_method_choices_are_refused(
    data_edition: Edition,
    personas: dict[str, Persona],
    django_capture_on_commit_callbacks: Any,
    fields: dict[str, str],
    field: str,
    message: str,
) -> None:
    response = post(
        personas["ri"].client, django_capture_on_commit_callbacks, data_edition, **fields
    )
    assert response.status_code == 400
    assert message in response.context["form"].errors[field][0]
    html = response.content.decode()
    assert f'id="{field}-error"' in html and 'aria-invalid="true"' in html
    assert not Job.objects.exists()


def test_ahp_needs_matrices_in_the_editions_framework(
    data_edition: Edition, personas: dict[str, Persona], django_capture_on_commit_callbacks: Any
) -> None:
    response = post(
        personas["ri"].client, django_capture_on_commit_callbacks, data_edition, weights="ahp"
    )
    assert response.status_code == 400
    (error,) = response.context["form"].non_field_errors()
    assert "Metode tidak dapat dipakai untuk edisi ikp-2024-kabkota" in error
    assert "framework ikp-2024 has no AHP matrices" in error
    assert not Job.objects.exists() and not Computation.objects.filter(edition=data_edition)


def test_chosen_methods_reach_the_job_the_recipe_and_the_results(
    computed: Computation, personas: dict[str, Persona], django_capture_on_commit_callbacks: Any
) -> None:
    edition = computed.edition
    response = post(
        personas["ri"].client,
        django_capture_on_commit_callbacks,
        edition,
        weights="equal",
        normalize="prank",
        aggregate="generalised",
        aggregate_p="0.5",
        classes_province="fixed",
        classes_regency="quantile",
    )
    assert response.status_code == 302
    job = Job.objects.get()
    assert job.status == Job.Status.DONE, job.message
    assert job.params["methods"] == {
        "weights": "equal",
        "normalize": "prank",
        "aggregate": "generalised",
        "aggregate_p": 0.5,
        "classes": {"province": "fixed", "regency": "quantile"},
    }
    v2 = Computation.objects.get(edition=edition, version=2)
    recipe = recipe_of(v2)
    params = {s["step"]: s["params"] for s in recipe["steps"]}
    assert params["weight"]["method"] == "equal"
    assert params["normalize"]["method"] == "prank"
    assert (params["aggregate"]["method"], params["aggregate"]["p"]) == ("generalised", 0.5)
    assert params["classify"]["method"] == "quantile"
    used = recipe["methods"]
    assert used["weight"]["method"] == "equal"
    assert used["classify"]["method"] == "quantile"
    assert used["normalize"] == {"method": "prank"}
    before, after = ikp_scores(computed), ikp_scores(v2)
    assert before.keys() == after.keys() and before != after
    counts = sorted(set(v2.results.filter(node_code="IKP").values_list("klass", flat=True)))
    assert counts == ["rendah", "sedang", "tinggi"]
    per_class = [v2.results.filter(node_code="IKP", klass=k).count() for k in counts]
    assert per_class == [9, 9, 9]  # terciles of 27 kab/kota


def test_pca_weights_reach_the_core_which_leaves_out_the_constant_indicator(
    computed: Computation, personas: dict[str, Persona], django_capture_on_commit_callbacks: Any
) -> None:
    """Jawa Barat's synthetic data has an indicator without spread; the normalize step blanks it
    (COINr) and PCA leaves it out. The first component's loadings of a group then have mixed
    signs, which would be negative weights: the job fails and says so, naming PCA and the group,
    instead of computing something else."""
    post(personas["ri"].client, django_capture_on_commit_callbacks, computed.edition, weights="pca")
    job = Job.objects.get()
    assert job.params["methods"] == {"weights": "pca"}
    assert job.status == Job.Status.FAILED
    assert "PCA weights of D1.S1" in job.message and "mixed signs" in job.message
    assert "constant" not in job.message


def test_empty_choices_keep_the_framework_and_match_the_default_computation(
    computed: Computation, personas: dict[str, Persona], django_capture_on_commit_callbacks: Any
) -> None:
    fields = dict.fromkeys(("weights", "normalize", "aggregate", "classes_regency"), "")
    post(personas["ri"].client, django_capture_on_commit_callbacks, computed.edition, **fields)
    v2 = Computation.objects.get(edition=computed.edition, version=2)
    assert Job.objects.get().params["methods"] == {}
    assert ikp_scores(v2) == ikp_scores(computed)
    assert recipe_of(v2)["methods"]["weight"]["method"] == "framework"


def test_ahp_from_the_framework_file_with_cr_on_the_methodology_page(
    ahp_edition: Edition, personas: dict[str, Persona], django_capture_on_commit_callbacks: Any
) -> None:
    ri = personas["ri"].client
    index = ri.get(reverse("scoring:index")).content.decode()
    assert 'id="compute-ikp-2024-kabkota-ahp"' in index
    response = post(ri, django_capture_on_commit_callbacks, ahp_edition, weights="ahp")
    assert response.status_code == 302
    comp = Computation.objects.get(edition=ahp_edition)
    used = recipe_of(comp)["methods"]
    assert used["weight"]["method"] == "ahp"
    assert used["weight"]["ahp"]["D1"]["cr"] == pytest.approx(0.0032, abs=1e-4)
    assert used["weight"]["ahp"]["IKP"]["cr"] > 0.1
    assert used["weight"]["warnings"][0].startswith("AHP IKP: CR = ")
    assert used["classify"]["method"] == "quantile"  # per_level of the framework file

    page = ri.get(f"/metodologi/{ahp_edition.slug}/?versi=1")
    assert page.status_code == 200
    html = page.content.decode()
    methods = html.split('data-testid="methods"', 1)[1].split("</dl>", 1)[0]
    assert "AHP (matriks perbandingan berpasangan di kerangka) (ahp)" in methods
    ahp = html.split('data-testid="ahp"', 1)[1].split("</table>", 1)[0]
    d1 = re.search(r'<tr data-node="D1">(.*?)</tr>', ahp, re.S)[1]
    assert "0,003" in d1 and "konsisten" in d1
    root = re.search(r'<tr data-node="IKP">(.*?)</tr>', ahp, re.S)[1]
    assert "tidak konsisten: CR > 0,1" in root
    classes = html.split('data-testid="class-methods"', 1)[1].split("</table>", 1)[0]
    regency = re.search(r'<tr data-level="regency" class="current">(.*?)</tr>', classes, re.S)[1]
    assert "kuantil (quantile)" in regency and "batas kelas: " in regency
    province = re.search(r'<tr data-level="province">(.*?)</tr>', classes, re.S)[1]
    assert "batas tetap (fixed)" in province and "21,7; 68,5" in province
    # the tree shows the weights the run used: D1 gets the AHP share of the index
    tree = html.split('data-testid="tree"', 1)[1].split("</table>", 1)[0]
    d1_row = re.search(r'<tr class="l3" data-node="D1">(.*?)</tr>', tree, re.S)[1]
    share = used["weight"]["effective"]["D1"]
    assert f"{share * 100:.1f}".replace(".", ",") + "%" in d1_row
    assert share != pytest.approx(0.25)
    d1s1 = re.search(r'<tr class="l2" data-node="D1.S1">(.*?)</tr>', tree, re.S)[1]
    assert f"{used['weight']['weights']['D1.S1']:.3f}".replace(".", ",") in d1s1

    assert ri.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 302
    english = ri.get(f"/metodologi/{ahp_edition.slug}/?versi=1").content.decode()
    assert "Methods used" in english and "Consistency of the AHP judgements" in english
    assert "inconsistent: CR > 0.1; the weights are used all the same" in english
    assert "quantiles (quantile)" in english and "this computation" in english
    form = ri.get(reverse("scoring:index")).content.decode()
    assert "Weighting method" in form and "Class method — regency/city" in form
    assert "AHP (pairwise-comparison matrices in the framework) (ahp)" in form


def test_the_framework_uncertainty_block_drives_the_job_and_is_shown(
    ahp_edition: Edition, personas: dict[str, Persona], django_capture_on_commit_callbacks: Any
) -> None:
    ri = personas["ri"].client
    post(ri, django_capture_on_commit_callbacks, ahp_edition, runs=10)
    comp = Computation.objects.get(edition=ahp_edition)
    assert comp.uncertainty_runs == 10
    spec = comp.audit["uncertainty_spec"]
    assert (spec["n_runs"], spec["seed"]) == (10, 1)
    assert {int(k): v for k, v in spec["weight_noise"].items()} == {1: 0.1, 2: 0.05}
    html = ri.get(f"/metodologi/{ahp_edition.slug}/?versi=1").content.decode()
    shown = html.split('data-testid="uncertainty-spec"', 1)[1].split("</table>", 1)[0]
    assert '<th scope="row">variasi bobot — tingkat 1</th><td>0,1</td>' in shown
    assert '<th scope="row">variasi bobot — tingkat 2</th><td>0,05</td>' in shown
