"""The questionnaire: layout from the framework, save as draft with history, validation errors
all shown at once with nothing saved, submit with a confirmation step, read-only afterwards."""

from __future__ import annotations

from ikp_web.apps.core.models import AuditLog
from ikp_web.apps.frameworks.models import Edition, FrameworkVersion
from ikp_web.apps.submissions.models import Observation, ObservationChange, Review

from .helpers import Personas, submission, url


def form_data(**values: str) -> dict[str, str]:
    return {"action": "save_draft", **values}


def test_questionnaire_lists_every_indicator_by_dimension(
    personas: Personas, kab_edition: Edition
) -> None:
    response = personas["bogor"].client.get(url("questionnaire", kab_edition.slug, "32.01"))
    assert response.status_code == 200
    html = response.content.decode()
    # 4 dimensions and 12 sub-dimensions as headings, 61 indicators, 3 levels each
    assert html.count('class="dimension"') == 4
    assert html.count('class="subdimension"') == 12
    assert html.count('class="indicator') == 61
    for name in ("I01_L1", "I01_L2", "I01_L3", "I61_L3", "I01_note", "I01_source"):
        assert f'name="{name}"' in html and f'id="{name}"' in html
    for control in ('id="save-draft"', 'id="submit"', 'id="upload"', 'id="download-template"'):
        assert control in html
    assert "Konteks Sosial dan Politik" in html and "Keamanan" in html


def test_save_draft_records_values_notes_and_history(
    personas: Personas, kab_edition: Edition
) -> None:
    client = personas["bogor"].client
    page = url("questionnaire", kab_edition.slug, "32.01")
    response = client.post(
        page,
        form_data(I01_L1="2", I01_L3="1", I05_L2="0", I01_note="dua kejadian", I01_source="Polres"),
    )
    assert response.status_code == 302
    sub = submission(kab_edition, "32.01")
    assert sub is not None and sub.status == "draft"
    values = {
        (o.indicator_code, o.incidence_level): o.value
        for o in Observation.objects.filter(submission=sub)
        if o.value is not None
    }
    assert values == {("I01", "L1"): 2.0, ("I01", "L3"): 1.0, ("I05", "L2"): 0.0}
    head = Observation.objects.get(submission=sub, indicator_code="I01", incidence_level="")
    assert (head.note, head.source) == ("dua kejadian", "Polres")
    assert ObservationChange.objects.filter(observation__submission=sub).count() == 5
    assert AuditLog.objects.filter(action="save_draft", username="bogor").count() == 1

    # change one value, clear another: two more history rows with old and new values
    client.post(
        page, form_data(I01_L1="3", I05_L2="", I01_note="dua kejadian", I01_source="Polres")
    )
    change = ObservationChange.objects.get(
        observation__indicator_code="I01", observation__incidence_level="L1", old="2"
    )
    assert (change.new, change.changed_by.username, change.via) == ("3", "bogor", "form")
    cleared = ObservationChange.objects.get(observation__indicator_code="I05", old="0")
    assert cleared.new == ""
    # unchanged fields (and the untouched I01_L3 that was now left out) are recorded too
    assert ObservationChange.objects.filter(observation__submission=sub).count() == 8
    html = client.get(page).content.decode()
    assert 'value="3"' in html and "dua kejadian" in html
    assert "Riwayat perubahan" in html


def test_validation_errors_are_all_shown_and_nothing_is_saved(
    personas: Personas, kab_edition: Edition
) -> None:
    client = personas["bogor"].client
    page = url("questionnaire", kab_edition.slug, "32.01")
    response = client.post(
        page,
        form_data(I01_L1="-1", I02_L2="1.5", I03_L3="abc", I04_L1="3", I05_note="x" * 2001),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="error-summary"' in html and "INVALID_TEMPLATE_VARIABLE" not in html
    for field in ("I01_L1", "I02_L2", "I03_L3", "I05_note"):
        assert f'href="#{field}"' in html  # in the summary
        assert f'id="{field}-error"' in html  # next to the field
        assert f'aria-describedby="{field}-error"' in html
    assert 'value="3"' in html  # the valid value is kept in the form, not saved
    assert submission(kab_edition, "32.01") is None
    assert not Observation.objects.exists()
    assert not AuditLog.objects.filter(action="save_draft").exists()


def test_submit_asks_for_confirmation_then_locks_the_data(
    personas: Personas, kab_edition: Edition
) -> None:
    client = personas["bogor"].client
    page = url("questionnaire", kab_edition.slug, "32.01")
    response = client.post(page, {"action": "submit", "I01_L1": "4"})
    assert response.status_code == 302 and "konfirmasi=1" in response["Location"]
    sub = submission(kab_edition, "32.01")
    assert sub is not None and sub.status == "draft"
    confirm = client.get(response["Location"]).content.decode()
    assert 'id="confirm-submit"' in confirm and "1 dari 61" in confirm
    assert "INVALID_TEMPLATE_VARIABLE" not in confirm
    response = client.post(page, {"action": "confirm_submit"})
    assert response.status_code == 302
    sub.refresh_from_db()
    assert sub.status == "submitted" and sub.submitted_by.username == "bogor"
    assert Review.objects.filter(submission=sub, action="submit").exists()
    assert AuditLog.objects.filter(action="submit", username="bogor").exists()
    # read-only for the office now: no save buttons, inputs disabled, saving refused
    html = client.get(page).content.decode()
    assert 'id="save-draft"' not in html and 'id="read-only"' in html
    assert 'name="I01_L1"' in html and "disabled" in html
    assert client.post(page, form_data(I01_L1="9")).status_code == 409
    assert client.post(page, {"action": "confirm_submit"}).status_code == 409
    assert Observation.objects.get(indicator_code="I01", incidence_level="L1").value == 4.0


def test_province_questionnaire_for_the_province_office(
    personas: Personas, prov_edition: Edition
) -> None:
    page = url("questionnaire", prov_edition.slug, "32")
    response = personas["jabar"].client.get(page)
    assert response.status_code == 200
    assert "terlambat" in response.content.decode()  # the deadline was yesterday
    assert personas["jabar"].client.post(page, form_data(I01_L2="1")).status_code == 302
    assert personas["bogor"].client.get(page).status_code == 403
    # a kab/kota code is not a region of a province edition
    assert (
        personas["ri"].client.get(url("questionnaire", prov_edition.slug, "32.01")).status_code
        == 404
    )


def test_english_labels(personas: Personas, kab_edition: Edition) -> None:
    client = personas["bogor"].client
    client.cookies["django_language"] = "en"
    html = client.get(url("questionnaire", kab_edition.slug, "32.01")).content.decode()
    assert '<html lang="en">' in html
    assert "Save draft" in html and "Download template" in html
    assert "D1 Socio-political context" in html  # the framework's English names
    assert "Konteks Sosial dan Politik" not in html


def test_a_framework_without_levels_of_incidence(
    personas: Personas, tps_framework: FrameworkVersion
) -> None:
    """tps-2024: variables (no sub-dimensions) and rate indicators with one value each."""
    edition = Edition.objects.create(
        slug="tps-uji", name="TPS uji", framework=tps_framework, region_level="regency"
    )
    client = personas["bogor"].client
    page = url("questionnaire", edition.slug, "32.01")
    html = client.get(page).content.decode()
    assert html.count('class="indicator') == 22
    assert 'name="T01"' in html and 'name="T01_L1"' not in html
    response = client.post(page, {"action": "save_draft", "T01": "150", "T02": "12,5"})
    assert response.status_code == 400
    assert 'id="T01-error"' in response.content.decode()
    assert (
        client.post(page, {"action": "save_draft", "T01": "40", "T02": "12,5"}).status_code == 302
    )
    values = dict(
        Observation.objects.filter(submission__edition=edition, value__isnull=False).values_list(
            "indicator_code", "value"
        )
    )
    assert values == {"T01": 40.0, "T02": 12.5}


def test_emptying_an_input_clears_the_value_and_says_so(
    personas: Personas, kab_edition: Edition
) -> None:
    """On the form, emptying a stored value is an explicit act: the save's message counts the
    cleared values and the history shows them as cleared."""
    client = personas["bogor"].client
    page = url("questionnaire", kab_edition.slug, "32.01")
    client.post(page, {"action": "save_draft", "I01_L1": "2", "I02_L1": "4"})
    response = client.post(page, {"action": "save_draft", "I02_L1": "4"}, follow=True)
    html = response.content.decode()
    assert "1 nilai tersimpan dikosongkan" in html
    assert 'id="clear-help"' in html
    assert 'data-cleared="1"' in html
    obs = Observation.objects.get(indicator_code="I01", incidence_level="L1")
    assert obs.value is None
    change = ObservationChange.objects.filter(observation=obs).order_by("-pk").first()
    assert change is not None and (change.old, change.new, change.via) == ("2", "", "form")
