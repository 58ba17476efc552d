"""Likely duplicates: same indicator, same place (kab/kota; kecamatan when both give one),
close in time (``IKP_INCIDENT_DUPLICATE_HOURS``) are flagged to the reviewer."""

from __future__ import annotations

from typing import Any

from django.test import override_settings

from ikp_web.apps.incidents.models import Incident


def flagged(incident: Incident) -> set[int]:
    return set(incident.possible_duplicates.values_list("pk", flat=True))


def test_same_indicator_place_and_time_are_flagged_both_ways(
    personas: Any, make_incident: Any
) -> None:
    ri = personas["ri"].user
    first = make_incident(ri, occurred_at="2024-01-10 09:00")
    near = make_incident(ri, occurred_at="2024-01-12 08:00")
    late = make_incident(ri, occurred_at="2024-01-20 09:00")
    other_indicator = make_incident(ri, occurred_at="2024-01-10 10:00", indicator_code="I02")
    other_district = make_incident(ri, occurred_at="2024-01-10 10:00", district_code="32.01.02")
    no_district = make_incident(ri, occurred_at="2024-01-10 12:00", district_code=None)
    assert flagged(near) == {first.pk, no_district.pk}
    assert flagged(first) == {near.pk, no_district.pk}
    assert flagged(late) == set()
    assert flagged(other_indicator) == set()
    assert flagged(other_district) == {no_district.pk}


@override_settings(IKP_INCIDENT_DUPLICATE_HOURS=1)
def test_the_window_is_a_setting(personas: Any, make_incident: Any) -> None:
    ri = personas["ri"].user
    first = make_incident(ri, occurred_at="2024-01-10 09:00")
    later = make_incident(ri, occurred_at="2024-01-10 11:00")
    assert flagged(first) == flagged(later) == set()
