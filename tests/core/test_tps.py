"""TPS rawan core (ikp.tps): both layouts, every value spelling, every validation failure with
its row and column, aggregation against hand counts, the variable rule, national totals, the
engine at kecamatan level, and the SYNTHETIC sample (determinism, proportions)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from ikp.framework import load_framework
from ikp.issues import IssueCode, ValidationFailed
from ikp.run import compute, index_scores
from ikp.tps import (
    aggregate,
    aggregate_levels,
    check_tps,
    indicator_codes,
    indicator_dataset,
    indicators,
    load_tps,
    sample_tps,
    tps_code,
    variables,
)
from ikp.tps.files import write_table
from ikp.tps.villages import regency_population, villages

INDS = indicator_codes()

# Six TPS in four villages, two kecamatan of Aceh Selatan and one of Bogor, with the counts
# worked out by hand below. Cells not named are 0 (checked, not flagged); None = blank.
HAND: list[tuple[str, str, dict[str, int | None]]] = [
    ("1101012001001", "11.01.01.2001", {"T01": 1, "T02": 1}),  # rawan, V1 (twice: one TPS)
    ("1101012001002", "11.01.01.2001", {"T04": 1}),  # rawan, V7
    ("1101012002001", "11.01.01.2002", {}),  # checked, not rawan
    ("1101012002002", "11.01.01.2002", dict.fromkeys(INDS, None)),  # not checked
    ("1101022001001", "11.01.02.2001", {"T12": 1, "T13": 1}),  # rawan, V2 once
    ("3201011001001", "32.01.01.1001", {"T01": 1, "T22": 1, "T05": None}),  # V1 and V3
]


def wide_rows(rows: list[tuple[str, str, dict[str, int | None]]] = HAND) -> list[list[str]]:
    out = [["tps_code", "village_code", *INDS]]
    for code, village, cells in rows:
        values = dict.fromkeys(INDS, 0) | cells
        out.append([code, village, *("" if values[c] is None else str(values[c]) for c in INDS)])
    return out


def write_csv(path: Path, rows: list[list[str]], sep: str = ",") -> Path:
    path.write_text("\n".join(sep.join(r) for r in rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture()
def hand_csv(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "hand.csv", wide_rows())


@pytest.fixture()
def hand_long_csv(tmp_path: Path) -> Path:
    rows = [["tps_code", "indicator", "value"]]
    for code, _, cells in HAND:
        values = dict.fromkeys(INDS, 0) | cells
        rows += [[code, c, "" if v is None else "ya" if v else "tidak"] for c, v in values.items()]
    return write_csv(tmp_path / "long.csv", rows)


# --------------------------------------------------------------------------- reference data


def test_indicators_match_the_tps_2024_framework() -> None:
    fw = load_framework("tps-2024")
    assert fw.indicators == INDS
    assert {i.code: i.variable for i in indicators()} == {c: fw.nodes[c].parent for c in INDS}
    assert sum(len(v) for v in variables().values()) == 22 and len(variables()) == 7
    assert indicators()[0].national_flagged == 125_224


def test_tps_code_format() -> None:
    assert tps_code("32.04.17.2001", 7) == "3204172001007"
    with pytest.raises(ValueError):
        tps_code("32.04.17", 1)
    with pytest.raises(ValueError):
        tps_code("32.04.17.2001", 1000)


# --------------------------------------------------------------------------- layouts and formats


def test_wide_csv_reads_into_typed_columns(hand_csv: Path) -> None:
    checked = load_tps(hand_csv)
    frame = checked.frame
    assert frame is not None and checked.layout == "wide" and not checked.synthetic
    assert frame.columns == ["tps_code", "village_code", "tps_number", "voters", *INDS]
    assert frame["tps_number"].to_list() == [1, 2, 1, 2, 1, 1]
    assert frame["T01"].to_list() == [True, False, False, None, False, True]
    assert frame.schema["T22"] == pl.Boolean
    assert len(checked.report) == 0


def test_long_layout_gives_the_same_checklist(hand_csv: Path, hand_long_csv: Path) -> None:
    wide = load_tps(hand_csv).frame
    long = load_tps(hand_long_csv)
    assert long.layout == "long"
    assert long.frame is not None and wide is not None
    assert long.frame.equals(wide)


def test_long_layout_from_a_dataframe_with_integers(hand_csv: Path) -> None:
    wide = load_tps(hand_csv).frame
    assert wide is not None
    long = (
        wide.unpivot(index="tps_code", on=list(INDS), variable_name="indikator", value_name="nilai")
        .with_columns(pl.col("nilai").cast(pl.Int8), pl.col("indikator").str.replace("T0", "t"))
        .sort("tps_code", maintain_order=True)
    )
    checked = load_tps(long)
    assert checked.layout == "long" and checked.frame is not None
    assert checked.frame.equals(wide)


@pytest.mark.parametrize("suffix", [".xlsx", ".parquet"])
def test_xlsx_and_parquet_read_like_csv(hand_csv: Path, tmp_path: Path, suffix: str) -> None:
    wide = load_tps(hand_csv).frame
    assert wide is not None
    source = pl.read_csv(hand_csv, schema_overrides={"tps_code": pl.String})
    path = write_table(source, tmp_path / f"hand{suffix}")
    again = load_tps(path).frame
    assert again is not None and again.equals(wide)


def test_semicolon_csv_and_dataframes(hand_csv: Path, tmp_path: Path) -> None:
    wide = load_tps(hand_csv).frame
    semi = write_csv(tmp_path / "semi.csv", wide_rows(), sep=";")
    assert load_tps(semi).frame.equals(wide)  # type: ignore[union-attr]
    pandas_frame = pl.read_csv(hand_csv, infer_schema=False).to_pandas()
    assert load_tps(pandas_frame).frame.equals(wide)  # type: ignore[union-attr]


SPELLINGS = [
    ("1", True),
    ("0", False),
    (" YA ", True),
    ("Tidak", False),
    ("y", True),
    ("T", False),
    ("TRUE", True),
    ("false", False),
    ("Yes", True),
    ("NO", False),
    ("", None),
    ("   ", None),
]


def test_every_value_spelling(tmp_path: Path) -> None:
    rows = [
        (tps_code("11.01.01.2001", k + 1), "11.01.01.2001", {"T07": None})
        for k in range(len(SPELLINGS))
    ]
    table = wide_rows(rows)
    t07 = table[0].index("T07")
    for k, (text, _) in enumerate(SPELLINGS):
        table[k + 1][t07] = text
    frame = load_tps(write_csv(tmp_path / "spell.csv", table)).frame
    assert frame is not None
    assert frame["T07"].to_list() == [want for _, want in SPELLINGS]


def test_blank_rows_are_skipped_but_keep_their_numbers(tmp_path: Path) -> None:
    rows = wide_rows(HAND[:3])
    rows[3][rows[0].index("T10")] = "x"
    lines = [",".join(r) for r in rows]
    path = tmp_path / "gap.csv"
    path.write_text("\n".join(lines[:3]) + "\n\n" + lines[3] + "\n", encoding="utf-8")
    report = check_tps(path).report
    [issue] = report.errors
    assert issue.code is IssueCode.BAD_CHECK_VALUE
    assert issue.location.row == 5  # header 1, rows 2-3, a blank line 4, then row 5


# --------------------------------------------------------------------------- validation


def _issues(report: object, code: IssueCode) -> list:  # type: ignore[type-arg]
    return [i for i in report.issues if i.code is code]  # type: ignore[attr-defined]


def test_every_wide_failure_is_reported_at_once_with_row_and_column(tmp_path: Path) -> None:
    rows = wide_rows(
        [
            ("1101019999001", "11.01.01.9999", {}),  # row 2: unknown village
            ("1101012001001", "11.01.01.2001", {}),  # row 3: duplicate of row 4
            ("1101012001001", "11.01.01.2001", {}),  # row 4
            ("1101012002001", "11.01.01.2001", {}),  # row 5: TPS code of another village
            ("1101012001000", "11.01.01.2001", {}),  # row 6: TPS number 000
            ("11010120011", "11.01.01.2001", {}),  # row 7: not 13 digits
            ("1101012001003", "11.01.01.2001", {}),  # row 8: "maybe" in T03
            ("1101012001004", "11.01", {}),  # row 9: not a village code
        ]
    )
    rows[7][rows[0].index("T03")] = "maybe"
    rows[0].append("T23")
    for r in rows[1:]:
        r.append("0")
    report = check_tps(write_csv(tmp_path / "bad.csv", rows)).report
    assert not report.ok

    def where(code: IssueCode) -> list[tuple[int | None, str | None]]:
        return [(i.location.row, i.location.column) for i in _issues(report, code)]

    assert where(IssueCode.UNKNOWN_REGION_CODE) == [(2, "village_code")]
    assert where(IssueCode.DUPLICATE_TPS_CODE) == [(3, "tps_code")]
    assert _issues(report, IssueCode.DUPLICATE_TPS_CODE)[0].params["rows"] == [3, 4]
    assert where(IssueCode.TPS_VILLAGE_MISMATCH) == [(5, "tps_code")]
    assert where(IssueCode.BAD_TPS_NUMBER) == [(6, "tps_code")]
    assert where(IssueCode.MALFORMED_TPS_CODE) == [(7, "tps_code")]
    assert where(IssueCode.BAD_CHECK_VALUE) == [(8, "t03")]
    assert where(IssueCode.MALFORMED_REGION_CODE) == [(9, "village_code")]
    assert where(IssueCode.UNKNOWN_INDICATOR) == [(1, "t23")]
    assert all(i.hint for i in report.errors)
    texts = _issues(report, IssueCode.BAD_CHECK_VALUE)[0].messages()
    assert "maybe" in texts["id"] and "bukan ya/tidak" in texts["id"]
    assert "yes/no" in texts["en"]


def test_tps_number_and_voter_columns_are_checked(tmp_path: Path) -> None:
    rows = wide_rows(HAND[:3])
    rows[0] += ["tps_number", "voters"]
    rows[1] += ["1", "250"]
    rows[2] += ["5", "abc"]  # row 3: number 5 but code ends 002; voters not a number
    rows[3] += ["1", "-4"]  # row 4: negative voters
    report = check_tps(write_csv(tmp_path / "num.csv", rows)).report
    assert [
        (i.location.row, i.location.column) for i in _issues(report, IssueCode.BAD_TPS_NUMBER)
    ] == [(3, "tps_number")]
    voters = _issues(report, IssueCode.NOT_INTEGER)
    assert [(i.location.row, i.params["value"]) for i in voters] == [(3, "abc"), (4, "-4")]


def test_missing_required_column(tmp_path: Path) -> None:
    rows = [[c for c in r if c] for r in wide_rows(HAND[:1])]
    rows = [r[:1] + r[2:] for r in rows]  # drop village_code
    report = check_tps(write_csv(tmp_path / "nov.csv", rows)).report
    missing = _issues(report, IssueCode.MISSING_COLUMN)
    assert [(i.location.row, i.location.column, i.severity) for i in missing] == [
        (1, "village_code", "error")
    ]


def test_missing_indicator_column_is_a_warning_and_counts_as_not_checked(
    tmp_path: Path,
) -> None:
    rows = [r[:-1] for r in wide_rows(HAND[:2])]  # no T22
    checked = check_tps(write_csv(tmp_path / "no22.csv", rows))
    assert checked.report.ok and checked.frame is not None
    [warning] = checked.report.warnings
    assert warning.code is IssueCode.MISSING_COLUMN and warning.location.column == "T22"
    assert checked.frame["T22"].to_list() == [None, None]


def test_long_layout_failures(tmp_path: Path) -> None:
    rows = [
        ["tps_code", "indicator", "value"],
        ["1101012001001", "T01", "ya"],
        ["1101012001001", "T01", "tidak"],  # row 3: same TPS and indicator again
        ["1101012001001", "T99", "ya"],  # row 4: unknown indicator
        ["9901012001001", "T02", "ya"],  # row 5: village 99.01.01.2001 unknown
        ["1101012001002", "T03", "2"],  # row 6: not yes/no
    ]
    report = check_tps(write_csv(tmp_path / "long-bad.csv", rows)).report

    def where(code: IssueCode) -> list[tuple[int | None, str | None]]:
        return [(i.location.row, i.location.column) for i in _issues(report, code)]

    assert where(IssueCode.DUPLICATE_ROW) == [(2, "tps_code")]
    assert _issues(report, IssueCode.DUPLICATE_ROW)[0].params["rows"] == [2, 3]
    assert where(IssueCode.UNKNOWN_INDICATOR) == [(4, "indicator")]
    assert where(IssueCode.UNKNOWN_REGION_CODE) == [(5, "tps_code")]
    assert where(IssueCode.BAD_CHECK_VALUE) == [(6, "value")]


def test_all_or_nothing(tmp_path: Path) -> None:
    rows = wide_rows(HAND)
    rows[2][rows[0].index("T10")] = "?"
    path = write_csv(tmp_path / "one-bad.csv", rows)
    assert check_tps(path).frame is None
    with pytest.raises(ValidationFailed) as err:
        load_tps(path)
    assert err.value.report.codes() == {IssueCode.BAD_CHECK_VALUE}


def test_many_bad_values_are_grouped_and_capped(tmp_path: Path) -> None:
    rows = wide_rows([(tps_code("11.01.01.2001", k + 1), "11.01.01.2001", {}) for k in range(150)])
    t01 = rows[0].index("T01")
    for k, row in enumerate(rows[1:]):
        row[t01] = f"x{k}" if k < 120 else "zz"
    report = check_tps(write_csv(tmp_path / "many.csv", rows)).report
    bad = _issues(report, IssueCode.BAD_CHECK_VALUE)
    assert len(bad) == 101  # 100 listed values, then one issue for the rest
    assert bad[-1].params["count"] == 20 + 30  # 20 more single values and 30 × "zz"
    assert bad[-1].params["n_more"] == 21


def test_unreadable_and_empty_files(tmp_path: Path) -> None:
    assert check_tps(tmp_path / "nope.csv").report.codes() == {IssueCode.FILE_UNREADABLE}
    empty = write_csv(tmp_path / "empty.csv", [wide_rows()[0]])
    assert check_tps(empty).report.codes() == {IssueCode.EMPTY_FILE}


# --------------------------------------------------------------------------- aggregation


def _row(table: pl.DataFrame, code: str) -> dict:  # type: ignore[type-arg]
    return table.filter(pl.col("code") == code).row(0, named=True)


def test_village_counts_by_hand(hand_csv: Path) -> None:
    table = aggregate(load_tps(hand_csv).frame, "village")  # type: ignore[arg-type]
    assert table["code"].to_list() == [
        "11.01.01.2001",
        "11.01.01.2002",
        "11.01.02.2001",
        "32.01.01.1001",
    ]
    a = _row(table, "11.01.01.2001")
    assert (a["n_tps"], a["n_checked"], a["n_rawan"], a["rawan_pct"]) == (2, 2, 2, 100.0)
    assert (a["V1_n"], a["V7_n"], a["T01_n"], a["T01_checked"], a["T01_pct"]) == (1, 1, 1, 2, 50.0)
    assert (a["district_code"], a["regency_code"], a["province_code"]) == (
        "11.01.01",
        "11.01",
        "11",
    )
    b = _row(table, "11.01.01.2002")
    assert (b["n_tps"], b["n_checked"], b["n_rawan"], b["rawan_pct"]) == (2, 1, 0, 0.0)
    assert b["T01_checked"] == 1 and b["top_1"] is None


def test_district_counts_and_top_indicators_by_hand(hand_csv: Path) -> None:
    table = aggregate(load_tps(hand_csv).frame, "district")  # type: ignore[arg-type]
    a = _row(table, "11.01.01")
    assert a["name"] == "Bakongan"
    assert (a["n_tps"], a["n_checked"], a["n_rawan"]) == (4, 3, 2)
    assert math.isclose(a["rawan_pct"], 200 / 3)
    assert (a["T01_n"], a["T01_checked"]) == (1, 3)
    assert math.isclose(a["T01_pct"], 100 / 3)
    assert (a["top_1"], a["top_2"], a["top_3"]) == ("T01", "T02", "T04")  # ties: code order


def test_variable_rule_counts_a_tps_once(hand_csv: Path) -> None:
    table = aggregate(load_tps(hand_csv).frame, "district")  # type: ignore[arg-type]
    kluet = _row(table, "11.01.02")
    assert (kluet["T12_n"], kluet["T13_n"]) == (1, 1)
    assert kluet["V2_n"] == 1 and kluet["V2_pct"] == 100.0  # both in V2: one rawan TPS
    assert kluet["n_rawan"] == 1
    bogor = _row(aggregate(load_tps(hand_csv).frame, "province"), "32")  # type: ignore[arg-type]
    assert (bogor["V1_n"], bogor["V3_n"], bogor["V6_n"]) == (1, 1, 0)
    assert bogor["T05_checked"] == 0 and bogor["T05_pct"] is None


def test_national_totals_and_levels_agree(hand_csv: Path) -> None:
    tables = aggregate_levels(load_tps(hand_csv).frame)  # type: ignore[arg-type]
    nation = tables["nation"].row(0, named=True)
    assert (nation["code"], nation["name"]) == ("ID", "Indonesia")
    assert (nation["n_tps"], nation["n_checked"], nation["n_rawan"]) == (6, 5, 4)
    assert (nation["T01_n"], nation["T01_checked"], nation["T22_n"]) == (2, 5, 1)
    assert [nation[f"V{k}_n"] for k in range(1, 8)] == [2, 1, 1, 0, 0, 0, 1]
    assert nation["top_1"] == "T01"
    counts = ["n_tps", "n_checked", "n_rawan", *(f"{c}_n" for c in INDS)]
    for level in ("village", "district", "regency", "province"):
        sums = tables[level].select(pl.col(counts).sum()).row(0, named=True)
        assert sums == {c: nation[c] for c in counts}, level
    assert tables["regency"]["code"].to_list() == ["11.01", "32.01"]


def test_row_order_does_not_change_the_counts(hand_csv: Path) -> None:
    frame = load_tps(hand_csv).frame
    assert frame is not None
    shuffled = frame.reverse()
    assert aggregate(shuffled, "village").equals(aggregate(frame, "village"))


def test_counts_stay_exact_for_a_village_with_more_than_1023_rows() -> None:
    # aggregate() takes any frame: its packed sums widen their lanes beyond 10 bits
    n = 1500
    flags = {c: [k % (j + 2) == 0 for k in range(n)] for j, c in enumerate(INDS)}
    frame = pl.DataFrame(
        {
            "tps_code": [f"1101012001{k:04d}" for k in range(n)],
            "village_code": ["11.01.01.2001"] * n,
            **flags,
        }
    ).with_columns(pl.when(pl.int_range(pl.len()) >= 7).then(pl.col("T22")).alias("T22"))
    row = aggregate(frame, "village").row(0, named=True)
    assert row["n_tps"] == n and row["n_checked"] == n
    assert row["T01_n"] == sum(flags["T01"]) == 750
    assert row["T22_n"] == sum(flags["T22"][7:]) and row["T22_checked"] == n - 7
    assert row["n_rawan"] == sum(any(flags[c][k] for c in INDS) for k in range(n))


def test_indicator_rates_run_through_the_engine_at_kecamatan_level() -> None:
    frame = sample_tps(3000, seed=5, province="31")  # DKI Jakarta: 267 kelurahan, 44 kecamatan
    checked = load_tps(frame).frame
    assert checked is not None
    table = aggregate(checked, "district")
    data = indicator_dataset(table)
    assert data.columns == INDS and len(data.regions) == table.height == 44
    assert np.allclose(data.column("T01"), table["T01_pct"].to_numpy(), equal_nan=True)
    run = compute(load_framework("tps-2024"), data, "district")
    scores = index_scores(run)
    assert scores.shape == (44,) and np.isfinite(scores).all()


# --------------------------------------------------------------------------- synthetic sample


def test_sample_is_deterministic_and_labelled() -> None:
    a = sample_tps(2000, seed=11, province="31")
    b = sample_tps(2000, seed=11, province="31")
    c = sample_tps(2000, seed=12, province="31")
    assert a.equals(b) and not a.equals(c)
    assert a["synthetic"].all()
    assert a.height == 2000


def test_sample_codes_and_village_coverage() -> None:
    sample = sample_tps(60_000, seed=3, province="32")
    jabar = villages().filter(pl.col("province_code") == "32")
    per_village = sample.group_by("village_code").len()
    assert per_village.height == jabar.height  # every village has at least one TPS
    assert sample["tps_code"].is_unique().all()
    expected = sample["village_code"].str.replace_all(".", "", literal=True) + sample[
        "tps_number"
    ].cast(pl.String).str.zfill(3)
    assert (sample["tps_code"] == expected).all()
    assert sample["voters"].max() <= 300  # type: ignore[operator]
    assert load_tps(sample).frame is not None  # the sample passes its own validation


def test_sample_follows_population_and_national_rates() -> None:
    sample = sample_tps(60_000, seed=3, province="32")
    per_regency = (
        sample.group_by(pl.col("village_code").str.slice(0, 5).alias("regency_code"))
        .len()
        .join(regency_population(), on="regency_code")
    )
    share = per_regency["len"] / per_regency["len"].sum()
    pop = per_regency["population"] / per_regency["population"].sum()
    assert np.corrcoef(share.to_numpy(), pop.to_numpy())[0, 1] > 0.95
    t01 = sample["T01"].drop_nulls().mean()
    assert abs(t01 - 125_224 / 820_161) < 0.03  # type: ignore[operator]
    assert 0.005 < sample["T01"].null_count() / sample.height < 0.03
