"""Fuzzing the file readers: mutated copies of the valid upload fixtures (bytes of CSV files,
bytes and sheet XML of XLSX files) never raise; every failure is an issue of the report.

20 examples per case in the test suite; set ``IKP_FUZZ_EXAMPLES`` (e.g. 500) for a longer run."""

from __future__ import annotations

import io
import os
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ikp.framework import Framework, load_framework
from ikp.io import validate_data
from ikp.issues import ValidationReport

UPLOADS = Path(__file__).parents[1] / "fixtures" / "uploads"
FUZZ = settings(
    max_examples=int(os.environ.get("IKP_FUZZ_EXAMPLES", "20")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    database=None,
)


@pytest.fixture(scope="module")
def fw() -> Framework:
    return load_framework("ikp-2024")


Mutation = tuple[str, int, bytes]

mutations = st.lists(
    st.tuples(
        st.sampled_from(["replace", "insert", "delete", "truncate"]),
        st.integers(min_value=0, max_value=10**6),
        st.binary(min_size=1, max_size=8)
        | st.sampled_from([b'"', b"\x00", b",", b";", b"\n", b"\r", b"[/]", b"\xff\xfe", b"1e308"]),
    ),
    min_size=1,
    max_size=6,
)


def mutate(data: bytes, changes: list[Mutation]) -> bytes:
    out = bytearray(data)
    for kind, at, chunk in changes:
        i = at % (len(out) + 1)
        if kind == "replace":
            out[i : i + len(chunk)] = chunk
        elif kind == "insert":
            out[i:i] = chunk
        elif kind == "delete":
            del out[i : i + len(chunk)]
        else:
            del out[i:]
    return bytes(out)


def validate(data: bytes, suffix: str, fw: Framework) -> ValidationReport:
    with tempfile.TemporaryDirectory(prefix="ikp-fuzz-") as tmp:
        path = Path(tmp) / f"data{suffix}"
        path.write_bytes(data)
        report = validate_data(path, fw, "regency")
    assert isinstance(report, ValidationReport)
    return report


CSV_FIXTURES = sorted(p.name for p in UPLOADS.glob("*.csv"))
XLSX_FIXTURES = ["valid_wide.xlsx", "many_errors.xlsx"]


@pytest.mark.parametrize("name", CSV_FIXTURES)
@FUZZ
@given(changes=mutations)
def test_mutated_csv_never_raises(fw: Framework, name: str, changes: list[Mutation]) -> None:
    validate(mutate((UPLOADS / name).read_bytes(), changes), ".csv", fw)


@pytest.mark.parametrize("name", XLSX_FIXTURES)
@FUZZ
@given(changes=mutations)
def test_mutated_xlsx_bytes_never_raise(fw: Framework, name: str, changes: list[Mutation]) -> None:
    validate(mutate((UPLOADS / name).read_bytes(), changes), ".xlsx", fw)


@pytest.mark.parametrize("name", XLSX_FIXTURES)
@FUZZ
@given(changes=mutations)
def test_mutated_sheet_xml_never_raises(fw: Framework, name: str, changes: list[Mutation]) -> None:
    """The zip stays valid; the XML of the sheets (and the shared strings) is damaged."""
    source = zipfile.ZipFile(io.BytesIO((UPLOADS / name).read_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for item in source.infolist():
            content = source.read(item)
            if item.filename.startswith(("xl/worksheets/", "xl/sharedStrings")):
                content = mutate(content, changes)
            z.writestr(item, content)
    validate(out.getvalue(), ".xlsx", fw)
