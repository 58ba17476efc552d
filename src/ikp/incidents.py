"""Incident reports (*laporan kejadian*): the one validation every intake path runs.

An incident is something that happened at a place and time and evidences one IKP indicator at
one level of incidence (*tingkat kejadian*). The web form, the API, the bulk upload and the
public report form all hand their input to :func:`check_records` as plain mappings (one per
incident, keyed by the field names in :data:`FIELDS` or their aliases) and get back the clean
records and a :class:`~ikp.issues.ValidationReport` listing **every** problem, each with its
row (bulk), column (field) and a hint. Nothing here knows about Django: the caller passes the
framework's indicators and levels, the region registry and the jurisdiction as
:class:`IncidentRules`.

Checks, per record:

* ``occurred_at`` (required): an ISO date and time (``2024-01-05 14:30``, ``2024-01-05T14:30``),
  ``05/01/2024 14:30`` (day first, as written in Indonesia), a date alone (midnight), or a
  spreadsheet date; not in the future (``INVALID_DATE``, ``OUT_OF_RANGE``);
* ``province_code`` and ``regency_code`` (required), ``district_code`` and ``village_code``
  (optional): known codes of the registry at the right level, each inside the one above
  (``MALFORMED_REGION_CODE``, ``UNKNOWN_REGION_CODE``, ``WRONG_REGION_LEVEL``,
  ``REGION_NOT_IN_PARENT``, whose hint lists the regions of the parent); a kecamatan or
  desa/kelurahan may also be given by name (``Cibinong``, ``Kec. Cibinong``) or by the region
  picker's label (``Kec. Cibinong (32.01.01)``), looked up inside its parent
  (``UNKNOWN_REGION_NAME``, with a "did you mean"); a village without its kecamatan gets the
  kecamatan from the registry; the jurisdiction (``OUTSIDE_JURISDICTION``);
* ``tps_number`` (optional): a whole number 1-9999; ``latitude`` / ``longitude`` (optional,
  both or neither): inside Indonesia's bounding box;
* ``indicator_code`` (required): one of the edition's indicators; ``incidence_level``
  (required when the framework has levels): one of its level codes (``L1``; ``1`` is read as
  ``L1``);
* ``description`` (required, at most :data:`MAX_DESCRIPTION` characters) and ``source_type``
  (one of :data:`SOURCE_TYPES`).
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from ikp.issues import IssueCode, Severity, ValidationReport, did_you_mean
from ikp.regions import RegionRegistry, normalize_code

#: where an incident report came from (*jenis sumber*)
SOURCE_TYPES: dict[str, tuple[str, str]] = {
    "pengawas": ("pengawas lapangan", "field supervisor"),
    "masyarakat": ("laporan masyarakat", "public report"),
    "media": ("media", "media"),
    "mitra": ("mitra", "partner agency"),
}
MAX_DESCRIPTION = 5000
MAX_TPS = 9999
#: Indonesia's bounding box (with a margin): latitude, longitude
LATITUDE = (-11.5, 6.5)
LONGITUDE = (94.5, 141.5)

#: canonical field name → accepted column names (compared lower-case, spaces as ``_``)
FIELDS: dict[str, tuple[str, ...]] = {
    "occurred_at": ("occurred_at", "waktu_kejadian", "waktu", "tanggal_kejadian", "tanggal"),
    "province_code": ("province_code", "kode_provinsi", "provinsi"),
    "regency_code": ("regency_code", "kode_kabkota", "kode_kabupaten_kota", "kabkota"),
    "district_code": ("district_code", "kode_kecamatan", "kecamatan"),
    "village_code": ("village_code", "kode_desa", "kode_desa_kelurahan", "desa"),
    "tps_number": ("tps_number", "nomor_tps", "tps"),
    "latitude": ("latitude", "lintang", "lat"),
    "longitude": ("longitude", "bujur", "lon", "lng"),
    "indicator_code": ("indicator_code", "kode_indikator", "indikator"),
    "incidence_level": ("incidence_level", "tingkat_kejadian", "tingkat"),
    "description": ("description", "uraian", "uraian_kejadian", "deskripsi"),
    "source_type": ("source_type", "jenis_sumber", "sumber"),
}
REQUIRED = (
    "occurred_at",
    "province_code",
    "regency_code",
    "indicator_code",
    "description",
    "source_type",
)
#: the bulk template's header, in order (Indonesian names)
TEMPLATE_COLUMNS = tuple(aliases[1] for aliases in FIELDS.values())

_DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%d-%m-%Y %H:%M",
    "%d-%m-%Y",
)
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2})?)?$")
#: a region picker's label ends with the code in brackets: ``Kec. Cibinong (32.01.01)``
_LABELLED = re.compile(r"\(\s*(\d[\d.]*)\s*\)\s*$")
#: or starts with it: ``32.01.01 Cibinong``
_CODE_FIRST = re.compile(r"^(\d[\d.]*\d)\s+\D")
#: words a kecamatan or desa/kelurahan name may start with (dropped before names are compared)
_LEVEL_WORDS = {3: ("kecamatan", "kec"), 4: ("kelurahan", "desa", "kel", "ds")}
_LEVEL_NAMES = {1: "province", 2: "kabupaten/kota", 3: "kecamatan", 4: "desa/kelurahan"}
#: regions listed in a hint at most
_HINT_REGIONS = 6


def name_key(text: str, level: int) -> str:
    """A name as compared: lower case, letters and digits only, without a leading level word
    (``Kec. Cibinong`` and ``cibinong`` are the same kecamatan)."""
    words = re.findall(r"[0-9a-z]+", text.lower())
    if len(words) > 1 and words[0] in _LEVEL_WORDS.get(level, ()):
        words = words[1:]
    return "".join(words)


@dataclass(frozen=True)
class IncidentRules:
    """What a record is checked against. ``indicators``: code → Indonesian name; ``levels``: the
    framework's incidence level codes; ``in_scope(province, regency)``: whether the reporter may
    report there (None: anywhere); ``tz``: the zone of times written without one; ``now``: the
    latest allowed time (aware)."""

    registry: RegionRegistry
    indicators: Mapping[str, str]
    levels: tuple[str, ...]
    now: dt.datetime
    tz: dt.tzinfo
    in_scope: Callable[[str, str], bool] | None = None


@dataclass
class IncidentRecord:
    """One checked incident, its values clean (codes dotted, time aware, numbers typed)."""

    row: int | None
    occurred_at: dt.datetime
    province_code: str
    regency_code: str
    district_code: str
    village_code: str
    tps_number: int | None
    latitude: float | None
    longitude: float | None
    indicator_code: str
    incidence_level: str
    description: str
    source_type: str
    extra: dict[str, Any] = field(default_factory=dict)


def column_key(name: object) -> str:
    return re.sub(r"[\s/\-]+", "_", str(name).strip().lower())


_ALIAS = {alias: name for name, aliases in FIELDS.items() for alias in aliases}


def canonical_columns(header: Iterable[object]) -> tuple[dict[str, str], list[str]]:
    """Map a table's header to field names: ``({column: field}, [unknown columns])``."""
    mapping: dict[str, str] = {}
    unknown: list[str] = []
    for col in header:
        name = _ALIAS.get(column_key(col))
        if name is None:
            unknown.append(str(col))
        elif name not in mapping.values():
            mapping[str(col)] = name
    return mapping, unknown


def _blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, str):
        return not value.strip()
    return str(value) in ("NaT", "<NA>")


def _text(value: object) -> str:
    if _blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse_time(value: object, tz: dt.tzinfo) -> dt.datetime | None:
    """An aware datetime from a cell or field, or None if it cannot be read."""
    moment: dt.datetime | None = None
    if isinstance(value, dt.datetime):
        moment = value
        if hasattr(value, "to_pydatetime"):  # a pandas Timestamp
            moment = value.to_pydatetime()
    elif isinstance(value, dt.date):
        moment = dt.datetime.combine(value, dt.time())
    else:
        text = _text(value)
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError:
            if _ISO.match(text):
                return None
            for fmt in _DATE_FORMATS:
                try:
                    moment = dt.datetime.strptime(text, fmt)
                    break
                except ValueError:
                    continue
    if moment is None:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=tz)


class _Checker:
    """Checks records one by one against cached lookups (codes seen once are looked up once)."""

    def __init__(self, rules: IncidentRules, report: ValidationReport, file: str | None) -> None:
        self.rules = rules
        self.report = report
        self.file = file
        self._codes: dict[str, tuple[str | None, Any]] = {}
        self._indicators = {c.upper(): c for c in rules.indicators}
        self._levels = {lv.upper(): lv for lv in rules.levels}
        self._hints: dict[str, str] = {}
        self._below: dict[tuple[str, int], list[Any]] = {}

    def indicator_hint(self, text: str) -> str:
        hint = self._hints.get(text)
        if hint is None:
            hint = did_you_mean(text, list(self.rules.indicators)) or (
                "choose an indicator code from the list (e.g. I01)"
            )
            self._hints[text] = hint
        return hint

    def add(self, code: IssueCode, message: str, row: int | None, column: str, **kw: Any) -> None:
        self.report.add(code, message, file=self.file, row=row, column=column, **kw)

    def region(self, value: object, level: int, row: int | None, column: str) -> Any:
        """The registry region of a code cell at ``level``, or None (issue reported)."""
        text = _text(value)
        found = self._codes.get(text)
        if found is None:
            try:
                dotted: str | None = normalize_code(text)
            except ValueError:
                dotted = None
            region = self.rules.registry.find(dotted) if dotted else None
            found = (dotted, region)
            self._codes[text] = found
        dotted, region = found
        names = _LEVEL_NAMES
        if dotted is None:
            self.add(
                IssueCode.MALFORMED_REGION_CODE,
                f"{text!r} is not a Kemendagri region code",
                row,
                column,
                hint="write the dotted code, e.g. 32.01 for Kabupaten Bogor",
            )
            return None
        if region is None:
            self.add(
                IssueCode.UNKNOWN_REGION_CODE,
                f"region code {dotted} is not in the region registry",
                row,
                column,
                region_code=dotted,
                hint="check the code against the region list (Kemendagri)",
            )
            return None
        if region.level != level:
            self.add(
                IssueCode.WRONG_REGION_LEVEL,
                f"{dotted} ({region.name}) is a {names[region.level]}, not a {names[level]}",
                row,
                column,
                region_code=dotted,
                hint=f"give the {names[level]} code in this column",
            )
            return None
        return region

    def inside(self, child: Any, parent: Any, row: int | None, column: str) -> bool:
        if child is None or parent is None or child.code.startswith(parent.code + "."):
            return True
        hint = f"a code under {parent.code}."
        if child.level >= 3:
            hint = self.choices_hint(parent, child.level)
        self.add(
            IssueCode.REGION_NOT_IN_PARENT,
            f"{child.code} ({child.name}) is not in {parent.code} ({parent.name})",
            row,
            column,
            region_code=child.code,
            hint=hint,
        )
        return False

    def below(self, parent: Any, level: int) -> list[Any]:
        """The regions of ``level`` inside ``parent`` (a kab/kota's villages too); none when the
        registry does not hold that level."""
        found = self._below.get((parent.code, level))
        if found is None:
            try:
                found = self.rules.registry.children(parent.code)
                while found and found[0].level < level:
                    found = [g for c in found for g in self.rules.registry.children(c.code)]
            except ValueError:
                found = []
            self._below[(parent.code, level)] = found
        return found

    def choices_hint(self, parent: Any, level: int, text: str = "") -> str:
        """A hint naming the right regions of ``parent``: the names closest to ``text`` (a name
        typed), else the first few of them and how many there are."""
        regions = self.below(parent, level)
        if not regions:
            return f"a {_LEVEL_NAMES[level]} code under {parent.code}."
        by_key = {name_key(r.name, level): r for r in regions}
        close = []
        if text:
            close = difflib.get_close_matches(name_key(text, level), list(by_key), n=3, cutoff=0.6)
        if close:
            return "did you mean " + " or ".join(repr(by_key[k].label) for k in close) + "?"
        shown = ", ".join(r.label for r in regions[:_HINT_REGIONS])
        more = f" … ({len(regions)} in all)" if len(regions) > _HINT_REGIONS else ""
        return (
            f"a {_LEVEL_NAMES[level]} of {parent.code} ({parent.name}): {shown}{more}; "
            "type its name or code, or pick it from the list"
        )

    def place(self, value: object, level: int, parent: Any, row: int | None, column: str) -> Any:
        """A kecamatan (3) or desa/kelurahan (4) given by code, by the picker's label
        (``Kec. Cibinong (32.01.01)``: its code counts) or by name, looked up inside
        ``parent``; None when it is not found (issue reported)."""
        text = _text(value)
        labelled = _LABELLED.search(text) or _CODE_FIRST.match(text)
        if labelled is not None:
            return self.region(labelled.group(1), level, row, column)
        if not any(ch.isalpha() for ch in text):
            return self.region(text, level, row, column)
        what = _LEVEL_NAMES[level]
        if parent is None:
            self.add(
                IssueCode.UNKNOWN_REGION_NAME,
                f"{what} {text!r} is given by name, but the region it is in is not known",
                row,
                column,
                hint="choose a valid kab/kota (and kecamatan) first, or give the code",
            )
            return None
        key = name_key(text, level)
        found = [r for r in self.below(parent, level) if name_key(r.name, level) == key]
        if len(found) == 1:
            return found[0]
        if found:
            self.add(
                IssueCode.UNKNOWN_REGION_NAME,
                f"{len(found)} {what} in {parent.code} ({parent.name}) are named {text!r}",
                row,
                column,
                hint="give the one you mean: " + ", ".join(r.label for r in found),
            )
            return None
        self.add(
            IssueCode.UNKNOWN_REGION_NAME,
            f"no {what} named {text!r} in {parent.code} ({parent.name})",
            row,
            column,
            hint=self.choices_hint(parent, level, text),
        )
        return None

    def record(self, values: Mapping[str, Any], row: int | None) -> IncidentRecord | None:
        before = len(self.report.issues)
        rules = self.rules
        for name in REQUIRED:
            if _blank(values.get(name)):
                self.add(
                    IssueCode.MISSING_VALUE,
                    f"{name} is required",
                    row,
                    name,
                    hint="fill in this field",
                )
        if rules.levels and _blank(values.get("incidence_level")):
            self.add(
                IssueCode.MISSING_VALUE,
                "incidence_level is required",
                row,
                "incidence_level",
                hint="one of " + ", ".join(rules.levels),
            )

        occurred: dt.datetime | None = None
        if not _blank(values.get("occurred_at")):
            occurred = parse_time(values["occurred_at"], rules.tz)
            if occurred is None:
                self.add(
                    IssueCode.INVALID_DATE,
                    f"{_text(values['occurred_at'])!r} is not a date and time",
                    row,
                    "occurred_at",
                    hint="write YYYY-MM-DD HH:MM, e.g. 2024-02-14 09:30",
                )
            elif occurred > rules.now:
                self.add(
                    IssueCode.OUT_OF_RANGE,
                    f"{occurred:%Y-%m-%d %H:%M} is in the future",
                    row,
                    "occurred_at",
                    hint="an incident is reported after it happened",
                )

        province = regency = district = village = None
        if not _blank(values.get("province_code")):
            province = self.region(values["province_code"], 1, row, "province_code")
        if not _blank(values.get("regency_code")):
            regency = self.region(values["regency_code"], 2, row, "regency_code")
            if not self.inside(regency, province, row, "regency_code"):
                regency = None
        if not _blank(values.get("district_code")):
            district = self.place(values["district_code"], 3, regency, row, "district_code")
            if not self.inside(district, regency, row, "district_code"):
                district = None
        if not _blank(values.get("village_code")):
            village = self.place(
                values["village_code"], 4, district or regency, row, "village_code"
            )
            if village is not None:
                within = district or regency
                if not self.inside(village, within, row, "village_code"):
                    village = None
                elif district is None:
                    district = rules.registry.find(village.parent)
        if (
            province is not None
            and regency is not None
            and rules.in_scope is not None
            and not rules.in_scope(province.code, regency.code)
        ):
            self.add(
                IssueCode.OUTSIDE_JURISDICTION,
                f"{regency.code} ({regency.name}) is outside your jurisdiction",
                row,
                "regency_code",
                region_code=regency.code,
                hint="report incidents in your own region only",
            )

        tps: int | None = None
        if not _blank(values.get("tps_number")):
            text = _text(values["tps_number"])
            if not text.isdigit():
                self.add(
                    IssueCode.NOT_INTEGER,
                    f"TPS number {text!r} is not a whole number",
                    row,
                    "tps_number",
                    hint="e.g. 7 or 007",
                )
            elif not 1 <= int(text) <= MAX_TPS:
                self.add(
                    IssueCode.OUT_OF_RANGE,
                    f"TPS number {text} is outside 1-{MAX_TPS}",
                    row,
                    "tps_number",
                    hint=f"a number from 1 to {MAX_TPS}",
                )
            else:
                tps = int(text)

        coords: dict[str, float | None] = {"latitude": None, "longitude": None}
        for name, (low, high) in (("latitude", LATITUDE), ("longitude", LONGITUDE)):
            if _blank(values.get(name)):
                continue
            text = _text(values[name]).replace(",", ".")
            try:
                number = float(text)
            except ValueError:
                self.add(
                    IssueCode.NOT_NUMERIC,
                    f"{name} {text!r} is not a number",
                    row,
                    name,
                    hint="decimal degrees, e.g. -6.595 and 106.816",
                )
                continue
            if not low <= number <= high:
                self.add(
                    IssueCode.OUT_OF_RANGE,
                    f"{name} {number} is outside Indonesia ({low} to {high})",
                    row,
                    name,
                    hint="decimal degrees; latitude is south-negative",
                )
                continue
            coords[name] = number
        if (coords["latitude"] is None) != (coords["longitude"] is None) and not any(
            i.location.column in ("latitude", "longitude") for i in self.report.issues[before:]
        ):
            missing = "longitude" if coords["longitude"] is None else "latitude"
            self.add(
                IssueCode.MISSING_VALUE,
                f"{missing} is missing: give both coordinates or neither",
                row,
                missing,
                hint="decimal degrees, e.g. -6.595 and 106.816",
            )

        indicator = ""
        if not _blank(values.get("indicator_code")):
            text = _text(values["indicator_code"])
            indicator = self._indicators.get(text.upper(), "")
            if not indicator:
                self.add(
                    IssueCode.UNKNOWN_INDICATOR,
                    f"{text!r} is not an indicator of this edition",
                    row,
                    "indicator_code",
                    hint=self.indicator_hint(text),
                )
        level = ""
        if rules.levels and not _blank(values.get("incidence_level")):
            text = _text(values["incidence_level"]).upper()
            level = self._levels.get(text) or self._levels.get(f"L{text}", "")
            if not level:
                self.add(
                    IssueCode.UNKNOWN_INCIDENCE_LEVEL,
                    f"{text!r} is not a level of incidence",
                    row,
                    "incidence_level",
                    hint="one of " + ", ".join(rules.levels),
                )

        description = _text(values.get("description"))
        if len(description) > MAX_DESCRIPTION:
            self.add(
                IssueCode.TOO_LONG,
                f"description has {len(description)} characters; at most {MAX_DESCRIPTION}",
                row,
                "description",
                hint="shorten it; attach documents as evidence files",
            )
        source = _text(values.get("source_type")).lower()
        if source and source not in SOURCE_TYPES:
            by_label = {v[0]: k for k, v in SOURCE_TYPES.items()}
            source = by_label.get(source, source)
            if source not in SOURCE_TYPES:
                self.add(
                    IssueCode.INVALID_CHOICE,
                    f"{source!r} is not a source type",
                    row,
                    "source_type",
                    hint="one of " + ", ".join(SOURCE_TYPES),
                )

        if len(self.report.issues) > before or occurred is None:
            return None
        assert province is not None and regency is not None
        return IncidentRecord(
            row=row,
            occurred_at=occurred,
            province_code=province.code,
            regency_code=regency.code,
            district_code=district.code if district is not None else "",
            village_code=village.code if village is not None else "",
            tps_number=tps,
            latitude=coords["latitude"],
            longitude=coords["longitude"],
            indicator_code=indicator,
            incidence_level=level,
            description=description,
            source_type=source,
        )


def check_records(
    records: Iterable[tuple[int | None, Mapping[str, Any]]],
    rules: IncidentRules,
    *,
    file: str | None = None,
) -> tuple[list[IncidentRecord], ValidationReport]:
    """Check ``(row, values)`` pairs (row None for a single form or API record); return the
    records that passed and a report of every issue. All or nothing is the caller's choice:
    a bulk upload stores nothing unless ``report.ok``."""
    report = ValidationReport()
    checker = _Checker(rules, report, file)
    out: list[IncidentRecord] = []
    for row, values in records:
        record = checker.record(values, row)
        if record is not None:
            out.append(record)
    return out, report


def check_header(
    header: Iterable[object], *, file: str | None = None
) -> tuple[dict[str, str], ValidationReport]:
    """The column → field mapping of a bulk table, reporting missing and unknown columns."""
    report = ValidationReport()
    mapping, unknown = canonical_columns(header)
    present = set(mapping.values())
    for name in REQUIRED:
        if name not in present:
            report.add(
                IssueCode.MISSING_COLUMN,
                f"column {FIELDS[name][1]!r} ({name}) is missing",
                file=file,
                column=FIELDS[name][1],
                hint="use the template's header: " + ";".join(TEMPLATE_COLUMNS),
            )
    for col in unknown:
        guess = did_you_mean(column_key(col), list(_ALIAS))
        report.add(
            IssueCode.UNKNOWN_COLUMN,
            f"column {col!r} is not an incident field; it is ignored",
            severity=Severity.WARNING,
            file=file,
            column=col,
            hint=guess or "columns: " + ", ".join(TEMPLATE_COLUMNS),
        )
    return mapping, report


def check_table(
    frame: Any, rules: IncidentRules, *, file: str | None = None
) -> tuple[list[IncidentRecord], ValidationReport]:
    """Check a bulk table (a :class:`~ikp.validation.files.RawTable` frame: header cells as
    columns, the user's row numbers as index): header first, then every row."""
    mapping, report = check_header(frame.columns, file=file)
    if not report.ok:
        return [], report
    columns = list(mapping)
    names = [mapping[c] for c in columns]
    rows = frame.index.tolist()
    cells = zip(*(frame[c].tolist() for c in columns), strict=True)
    pairs = (
        (row, dict(zip(names, values, strict=True)))
        for row, values in zip(rows, cells, strict=True)
    )
    records, found = check_records(pairs, rules, file=file)
    header_of = {name: col for col, name in mapping.items()}
    for issue in found:  # name the columns as the file does
        column = header_of.get(issue.location.column or "", issue.location.column)
        report.issues.append(replace(issue, location=replace(issue.location, column=column)))
    return records, report
