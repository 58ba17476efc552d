"""One issue type, from core to screen.

Every validator in ikp (framework files, data files, recipes) reports problems as a
:class:`ValidationReport`: a list of :class:`Issue` objects, each with a stable ``code``, a
severity, a location (file, sheet, row, column, region code, node code), a human message and a
hint. Validators never stop at the first problem.
"""

from __future__ import annotations

import difflib
import json
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


class IssueCode(StrEnum):
    # framework files
    SCHEMA = "SCHEMA"
    DUPLICATE_CODE = "DUPLICATE_CODE"
    UNKNOWN_PARENT = "UNKNOWN_PARENT"
    AGGREGATE_WITHOUT_CHILDREN = "AGGREGATE_WITHOUT_CHILDREN"
    BAD_WEIGHT = "BAD_WEIGHT"
    BAD_DIRECTION = "BAD_DIRECTION"
    SKIPPED_LEVEL = "SKIPPED_LEVEL"
    MULTIPLE_ROOTS = "MULTIPLE_ROOTS"
    CYCLE = "CYCLE"
    BAD_METHOD = "BAD_METHOD"
    BAD_CUTOFFS = "BAD_CUTOFFS"
    BAD_AHP_MATRIX = "BAD_AHP_MATRIX"
    AHP_INCONSISTENT = "AHP_INCONSISTENT"
    # data files
    FILE_UNREADABLE = "FILE_UNREADABLE"
    WRONG_SHEET = "WRONG_SHEET"
    EMPTY_FILE = "EMPTY_FILE"
    MISSING_COLUMN = "MISSING_COLUMN"
    UNKNOWN_COLUMN = "UNKNOWN_COLUMN"
    UNKNOWN_REGION_CODE = "UNKNOWN_REGION_CODE"
    WRONG_REGION_LEVEL = "WRONG_REGION_LEVEL"
    DUPLICATE_REGION_CODE = "DUPLICATE_REGION_CODE"
    DUPLICATE_ROW = "DUPLICATE_ROW"
    UNKNOWN_INDICATOR = "UNKNOWN_INDICATOR"
    NOT_NUMERIC = "NOT_NUMERIC"
    NEGATIVE_COUNT = "NEGATIVE_COUNT"
    OUT_OF_RANGE = "OUT_OF_RANGE"
    MISSING_VALUE = "MISSING_VALUE"
    UNKNOWN_INCIDENCE_LEVEL = "UNKNOWN_INCIDENCE_LEVEL"
    NOT_UTF8 = "NOT_UTF8"
    RAGGED_ROW = "RAGGED_ROW"
    MERGED_CELLS = "MERGED_CELLS"
    DUPLICATE_COLUMN = "DUPLICATE_COLUMN"
    MALFORMED_REGION_CODE = "MALFORMED_REGION_CODE"
    OUTSIDE_JURISDICTION = "OUTSIDE_JURISDICTION"
    REGION_NAME_MISMATCH = "REGION_NAME_MISMATCH"
    MISSING_REGIONS = "MISSING_REGIONS"
    CONFLICTING_VALUES = "CONFLICTING_VALUES"
    NOT_INTEGER = "NOT_INTEGER"
    PERIOD_REQUIRED = "PERIOD_REQUIRED"
    UNKNOWN_PERIOD = "UNKNOWN_PERIOD"
    # TPS checklists
    MALFORMED_TPS_CODE = "MALFORMED_TPS_CODE"
    BAD_TPS_NUMBER = "BAD_TPS_NUMBER"
    TPS_VILLAGE_MISMATCH = "TPS_VILLAGE_MISMATCH"
    DUPLICATE_TPS_CODE = "DUPLICATE_TPS_CODE"
    BAD_CHECK_VALUE = "BAD_CHECK_VALUE"
    # incident reports
    INVALID_DATE = "INVALID_DATE"
    REGION_NOT_IN_PARENT = "REGION_NOT_IN_PARENT"
    UNKNOWN_REGION_NAME = "UNKNOWN_REGION_NAME"
    INVALID_CHOICE = "INVALID_CHOICE"
    TOO_LONG = "TOO_LONG"
    # recipes and runs
    RECIPE_MISMATCH = "RECIPE_MISMATCH"


@dataclass(frozen=True)
class Location:
    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    region_code: str | None = None
    node_code: str | None = None

    def describe(self) -> str:
        parts: list[str] = []
        if self.file:
            parts.append(self.file)
        if self.sheet:
            parts.append(f"sheet {self.sheet!r}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column!r}")
        if self.region_code:
            parts.append(f"region {self.region_code}")
        if self.node_code:
            parts.append(f"code {self.node_code}")
        return ", ".join(parts)


@dataclass(frozen=True)
class Issue:
    code: IssueCode
    message: str
    severity: Severity = Severity.ERROR
    location: Location = field(default_factory=Location)
    hint: str | None = None
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def message_key(self) -> str:
        from ikp.messages import message_key

        return message_key(str(self.code))

    def messages(self) -> dict[str, str]:
        """The issue's sentence in Bahasa Indonesia and English (``{"id": …, "en": …}``), from
        the code's message template (:mod:`ikp.messages`) and the issue's params."""
        from ikp.messages import render

        return render(str(self.code), self.params, asdict(self.location), self.message)

    def to_dict(self) -> dict[str, Any]:
        """``message`` is the validator's detailed (English) sentence, as before; ``message_key``,
        ``message_id`` and ``message_en`` are the templated sentences in both languages."""
        data = asdict(self)
        data["code"] = str(self.code)
        data["severity"] = str(self.severity)
        texts = self.messages()
        data["message_key"] = self.message_key
        data["message_id"] = texts["id"]
        data["message_en"] = texts["en"]
        return data

    def __str__(self) -> str:
        where = self.location.describe()
        text = f"[{self.severity}] {self.code}: {self.message}"
        if where:
            text += f" ({where})"
        if self.hint:
            text += f" — {self.hint}"
        return text


@dataclass
class ValidationReport:
    """All issues found by one validation, never just the first."""

    issues: list[Issue] = field(default_factory=list)

    def add(
        self,
        code: IssueCode,
        message: str,
        *,
        severity: Severity = Severity.ERROR,
        hint: str | None = None,
        params: dict[str, Any] | None = None,
        **location: Any,
    ) -> Issue:
        issue = Issue(code, message, severity, Location(**location), hint, params or {})
        self.issues.append(issue)
        return issue

    def extend(self, other: ValidationReport | Iterable[Issue]) -> None:
        self.issues.extend(other.issues if isinstance(other, ValidationReport) else other)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity is Severity.WARNING]

    @property
    def ok(self) -> bool:
        return not self.errors

    def counts(self) -> dict[str, int]:
        return dict(Counter(str(i.code) for i in self.issues))

    def codes(self) -> set[IssueCode]:
        return {i.code for i in self.issues}

    def __iter__(self) -> Iterator[Issue]:
        return iter(self.issues)

    def __len__(self) -> int:
        return len(self.issues)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "counts": self.counts(),
            "issues": [i.to_dict() for i in self.issues],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    def __str__(self) -> str:
        return "\n".join(str(i) for i in self.issues) or "no issues"


class IkpError(Exception):
    """Base class for errors the core raises on purpose."""


class ValidationFailed(IkpError):
    """Raised when a validation finds error-severity issues; carries the whole report."""

    def __init__(self, report: ValidationReport, what: str = "input") -> None:
        self.report = report
        n = len(report.errors)
        super().__init__(f"{what} has {n} error{'s' if n != 1 else ''}:\n{report}")


class MethodError(IkpError, ValueError):
    """A method was asked for something it cannot do (e.g. geometric mean of values <= 0)."""


def did_you_mean(word: str, choices: Sequence[str], n: int = 3) -> str | None:
    """A 'did you mean' hint for a misspelt name, tolerant of case."""
    lowered = {c.lower(): c for c in choices}
    hits = difflib.get_close_matches(word.lower(), list(lowered), n=n, cutoff=0.6)
    if not hits:
        return None
    return "did you mean " + " or ".join(repr(lowered[h]) for h in hits) + "?"
