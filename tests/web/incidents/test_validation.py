"""The one validation every intake path runs: every problem at once, each with its field and a
hint; places checked against the region registry; the reporter's jurisdiction."""

from __future__ import annotations

from typing import Any

import pytest

from ikp_web.apps.frameworks.models import Edition
from ikp_web.apps.incidents import services

from .conftest import report


def codes(found: Any) -> dict[str, str]:
    return {str(i.location.column): str(i.code) for i in found}


def test_a_valid_report_is_cleaned(edition: Edition, personas: Any) -> None:
    records, found = services.check(
        edition, personas["bogor"].user, [(None, report(indicator_code="i01", incidence_level="2"))]
    )
    assert found.ok and len(records) == 1
    record = records[0]
    assert (record.indicator_code, record.incidence_level) == ("I01", "L2")
    assert record.occurred_at.utcoffset() is not None  # read in Asia/Jakarta
    assert record.regency_code == "32.01" and record.district_code == "32.01.01"


def test_every_problem_is_listed_at_once(edition: Edition, personas: Any) -> None:
    bad = report(
        occurred_at="kemarin",
        regency_code="31.71",  # Jakarta Pusat, not in Jawa Barat
        district_code="32.99.99",
        tps_number="tujuh",
        latitude="-6.5",
        indicator_code="I99",
        incidence_level="L9",
        description="",
        source_type="televisi",
    )
    _records, found = services.check(edition, personas["ri"].user, [(None, bad)])
    assert codes(found) == {
        "occurred_at": "INVALID_DATE",
        "regency_code": "REGION_NOT_IN_PARENT",
        "district_code": "UNKNOWN_REGION_CODE",
        "tps_number": "NOT_INTEGER",
        "longitude": "MISSING_VALUE",
        "indicator_code": "UNKNOWN_INDICATOR",
        "incidence_level": "UNKNOWN_INCIDENCE_LEVEL",
        "description": "MISSING_VALUE",
        "source_type": "INVALID_CHOICE",
    }
    assert all(i.hint for i in found)


def test_village_fills_in_its_kecamatan_and_must_lie_in_the_regency(
    edition: Edition, personas: Any
) -> None:
    registry = services.registry_of(edition)
    village = registry.children("32.01.01")[0].code
    records, found = services.check(
        edition, personas["ri"].user, [(None, report(district_code=None, village_code=village))]
    )
    assert found.ok and records[0].district_code == "32.01.01"
    _r, found = services.check(
        edition, personas["ri"].user, [(None, report(regency_code="32.02", village_code=village))]
    )
    assert "REGION_NOT_IN_PARENT" in {str(i.code) for i in found}


def test_future_time_and_coordinates_outside_indonesia(edition: Edition, personas: Any) -> None:
    bad = report(occurred_at="2099-01-01 10:00", latitude="51.5", longitude="-0.12")
    _r, found = services.check(edition, personas["ri"].user, [(None, bad)])
    assert codes(found) == {
        "occurred_at": "OUT_OF_RANGE",
        "latitude": "OUT_OF_RANGE",
        "longitude": "OUT_OF_RANGE",
    }


@pytest.mark.parametrize(
    ("persona", "regency", "allowed"),
    [
        ("ri", "31.71", True),
        ("mitra", "31.71", True),
        ("jabar", "32.73", True),
        ("jabar", "31.71", False),
        ("bogor", "32.01", True),
        ("bogor", "32.73", False),
        ("publik", "32.01", False),
    ],
)
def test_an_office_reports_only_inside_its_jurisdiction(
    edition: Edition, personas: Any, persona: str, regency: str, allowed: bool
) -> None:
    values = report(province_code=regency[:2], regency_code=regency, district_code=None)
    _r, found = services.check(edition, personas[persona].user, [(None, values)])
    assert found.ok is allowed
    if not allowed:
        assert {str(i.code) for i in found} == {"OUTSIDE_JURISDICTION"}


def test_the_public_form_may_report_anywhere(edition: Edition, personas: Any) -> None:
    values = report(province_code="31", regency_code="31.71", district_code=None)
    _r, found = services.check(edition, personas["anonymous"].user, [(None, values)], public=True)
    assert found.ok


def test_evidence_is_checked_by_content_and_size() -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    ok = SimpleUploadedFile("foto.jpg", b"\xff\xd8\xff\xe0" + b"0" * 100)
    webp = SimpleUploadedFile("foto.webp", b"RIFF\x00\x00\x00\x00WEBPVP8 ")
    fake = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf")
    big = SimpleUploadedFile("besar.pdf", b"%PDF-" + b"0" * services.EVIDENCE_MAX_BYTES)
    problems = services.check_evidence([ok, webp, fake, big])
    assert len(problems) == 2
    assert "virus.pdf" in problems[0] and "besar.pdf" in problems[1]
