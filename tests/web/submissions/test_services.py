"""Storage rules: a count indicator holds counts per level or one weighted value (uploaded as a
single column), never both; every change is kept with who, when, old, new and how."""

from __future__ import annotations

import pytest

from ikp_web.apps.frameworks.models import Edition
from ikp_web.apps.submissions import services, spreadsheets
from ikp_web.apps.submissions.models import Observation, ObservationChange

from .helpers import Personas, region, url


def _values(sub: object) -> dict[tuple[str, str], float]:
    return {
        (o.indicator_code, o.incidence_level): o.value
        for o in Observation.objects.filter(submission=sub, value__isnull=False)
    }


def test_weighted_value_and_counts_per_level_replace_each_other(
    personas: Personas, kab_edition: Edition
) -> None:
    fw = spreadsheets.framework_of(kab_edition)
    sub = services.get_submission(kab_edition, region("32.01"))
    user = personas["bogor"].user
    services.apply_values(sub, fw, {("I01", "L1"): 2, ("I01", "L2"): None}, actor=user)
    # an upload with the weighted column I01 clears the counts per level
    services.apply_values(sub, fw, {("I01", ""): 7.0}, actor=user, via="upload")
    assert _values(sub) == {("I01", ""): 7.0}
    html = (
        personas["bogor"]
        .client.get(url("questionnaire", kab_edition.slug, "32.01"))
        .content.decode()
    )
    assert "Nilai tertimbang 7" in html
    # the form's empty level fields keep the weighted value …
    services.apply_values(sub, fw, {("I01", "L1"): None, ("I01", "L3"): None}, actor=user)
    assert _values(sub) == {("I01", ""): 7.0}
    # … and counts entered per level replace it
    services.apply_values(sub, fw, {("I01", "L3"): 1}, actor=user)
    assert _values(sub) == {("I01", "L3"): 1.0}
    history = sorted(
        ObservationChange.objects.order_by("pk").values_list(
            "observation__incidence_level", "old", "new", "via"
        )
    )
    assert history == sorted(
        [
            ("L1", "", "2", "form"),
            ("", "", "7", "upload"),
            ("L1", "2", "", "upload"),
            ("", "7", "", "form"),
            ("L3", "", "1", "form"),
        ]
    )
    assert sub.status == "draft"


def test_no_changes_once_submitted(kab_edition: Edition) -> None:
    fw = spreadsheets.framework_of(kab_edition)
    sub = services.get_submission(kab_edition, region("32.01"))
    services.apply_values(sub, fw, {("I01", "L1"): 1})
    services.submit(sub)
    sub.refresh_from_db()
    with pytest.raises(services.NotAllowed):
        services.apply_values(sub, fw, {("I01", "L1"): 2})
    with pytest.raises(services.NotAllowed):
        services.submit(sub)
    with pytest.raises(ValueError, match="comment"):
        services.review(sub, "return", "")
    services.review(sub, "return", "perbaiki")
    with pytest.raises(services.NotAllowed):
        services.review(sub, "verify")


def test_format_value() -> None:
    assert services.format_value(3.0) == "3"
    assert services.format_value(2.5) == "2.5"
    assert services.format_value(None) == ""
    assert services.format_value(float("nan")) == ""
