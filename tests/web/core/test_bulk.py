"""insert_rows: the seed's and the results' bulk path (COPY on PostgreSQL, executemany on
SQLite) writes what the ORM would read back."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from ikp_web.apps.core.bulk import insert_rows
from ikp_web.apps.frameworks.models import Edition
from ikp_web.apps.regions.models import Region
from ikp_web.apps.scoring.models import Computation, Result
from ikp_web.apps.submissions.models import Observation, Submission


def test_rows_round_trip(edition: Edition, django_assert_max_num_queries: Any) -> None:
    region = Region.objects.get(edition="current", code="32.01")
    sub = Submission.objects.create(edition=edition, region=region)
    now = timezone.now()
    rows = [
        (sub.pk, f"I{i:02d}", "L1", float(i) if i % 3 else None, "", "seed", now) for i in range(50)
    ]
    fields = (
        "submission",
        "indicator_code",
        "incidence_level",
        "value",
        "note",
        "source",
        "updated",
    )
    with django_assert_max_num_queries(3):
        assert insert_rows(Observation, fields, rows) == 50
    stored = {o.indicator_code: o for o in Observation.objects.filter(submission=sub)}
    assert len(stored) == 50
    assert stored["I01"].value == 1.0 and stored["I03"].value is None
    assert stored["I07"].source == "seed" and stored["I07"].note == ""
    assert abs((stored["I07"].updated - now).total_seconds()) < 1e-3


def test_json_and_foreign_keys(edition: Edition) -> None:
    region = Region.objects.get(edition="current", code="32.01")
    comp = Computation.objects.create(edition=edition)
    fields = (
        "computation",
        "region",
        "node_code",
        "level",
        "score",
        "rank",
        "klass",
        "class_probabilities",
        "source",
    )
    row = (comp.pk, region.pk, "IKP", 4, 55.5, 3.0, "tinggi", {"tinggi": 0.75, "sedang": 0.25}, "")
    insert_rows(Result, fields, [row])
    result = Result.objects.get(computation=comp)
    assert result.region == region
    assert result.class_probabilities == {"tinggi": 0.75, "sedang": 0.25}
    assert (result.score, result.rank, result.klass, result.rank_p05) == (55.5, 3.0, "tinggi", None)
