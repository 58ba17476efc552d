"""The API's parameters, declared once so that the OpenAPI document says exactly what the API
accepts: every number is bounded, every value from a fixed set is an enumeration (a pattern
``^(a|b)$``), and every region code and framework code has its syntax as a pattern. django-ninja
validates each one before a view runs, so a value outside what the document declares is a 422
and a value inside it is never one (schemathesis checks both ways, ``docs/api.md``).

Values the document cannot know, because they depend on the edition's framework (a node code,
a class label, ``prob_<label>``, a level), are declared by their syntax; a well-formed value the
framework does not have is a 404 (``NOT_FOUND``, with the valid ``choices``)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Annotated

from ninja import Path, Query

from ikp.regions import EDITION_KEYS
from ikp_web.apps.api import queries as q
from ikp_web.apps.submissions.models import Submission


def choice_pattern(values: Iterable[str]) -> str:
    """A pattern accepting exactly ``values``, or nothing (an empty filter is no filter, as an
    HTML form sends it): an enumeration the way a query string has it."""
    return optional("|".join(re.escape(v) for v in values))


def optional(body: str) -> str:
    """``body`` or the empty string, anchored (a query filter left empty is not applied)."""
    return f"^({body})?$"


#: a segment of a region code: two digits, or four (a village's), never all zeros
_S2 = "(0[1-9]|[1-9][0-9])"
_S4 = "(000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3})"
#: a Kemendagri region code as :func:`ikp.regions.normalize_code` reads it: ``32``, ``32.04``,
#: ``32.04.01``, ``32.04.01.2001``, the same without dots (2, 4, 6 or 10 digits), each
#: optionally prefixed by ``kemendagri:`` and surrounded by spaces
_REGION = f" *(kemendagri:)?({_S2}(\\.{_S2}(\\.{_S2}(\\.{_S4})?)?)?|{_S2}{{2}}|{_S2}{{3}}|{_S2}{{3}}{_S4}) *"
REGION_CODE = f"^{_REGION}$"
#: a region code as a filter (empty: none)
REGION_FILTER = optional(_REGION)
#: a province's code (``32`` or ``kemendagri:32``) as a filter (empty: none)
PROVINCE_CODE = optional(f" *(kemendagri:)?{_S2} *")
#: a node code of a framework (``IKP``, ``D1``, ``D1.S2``; empty: the index)
NODE_CODE = optional("[A-Za-z0-9._-]{1,64}")
#: a class label of a framework (``rendah``, ``sedang``, ``tinggi``; empty: every class)
CLASS_LABEL = optional("[a-z0-9_-]{1,32}")
#: an ordering: a fixed key or the probability of a class, ``-`` descending (empty: rank)
ORDERING = optional(
    "-?(rank|score|code|name|province|class|interval|reliability|"
    + q.PROB_PREFIX
    + "[a-z0-9_-]{1,32})"
)
#: an edition's slug (a Django slug)
SLUG = r"^[-a-zA-Z0-9_]{1,64}$"
#: free text to search names for: anything but a NUL character, which PostgreSQL cannot store
SEARCH = r"^[^\u0000]{0,200}$"
#: a version number or ``latest``
VERSION = r"^(latest|[0-9]{1,9})$"

#: the parameters whose values come from a fixed set, and that set (named in 422 answers)
CHOICES: dict[str, tuple[str, ...]] = {
    "edition_level": ("province", "regency"),
    "kind": ("collected", "published_external"),
    "region_edition": tuple(EDITION_KEYS),
    "region_level": tuple(q.LEVEL_ALIASES),
    "status": tuple(c for c, _label in Submission.Status.choices),
}
#: the parameters holding a region code (a value outside the pattern is INVALID_REGION_CODE)
REGION_PARAMS = frozenset({"code", "region", "province"})
REGION_PATTERNS = frozenset({REGION_CODE, REGION_FILTER, PROVINCE_CODE})
#: the tolerances GeoJSON is simplified with (each response cached; any other is a 422)
TOLERANCES = (0.0, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1)

Limit = Annotated[int | None, Query(ge=1, le=q.MAX_LIMIT)]
Offset = Annotated[int | None, Query(ge=0, le=q.MAX_OFFSET)]
Version = Annotated[str | None, Query(pattern=VERSION)]
Node = Annotated[str | None, Query(pattern=NODE_CODE)]
ResultLevel = Annotated[int | None, Query(ge=1, le=4)]
ClassLabel = Annotated[str | None, Query(alias="class", pattern=CLASS_LABEL)]
Ordering = Annotated[str | None, Query(pattern=ORDERING)]
RegionCodeQuery = Annotated[str | None, Query(pattern=REGION_FILTER)]
ProvinceCode = Annotated[str | None, Query(pattern=PROVINCE_CODE)]
RegionCodePath = Annotated[str, Path(pattern=REGION_CODE)]
EditionLevel = Annotated[str | None, Query(pattern=choice_pattern(CHOICES["edition_level"]))]
Kind = Annotated[str | None, Query(pattern=choice_pattern(CHOICES["kind"]))]
RegionEdition = Annotated[str | None, Query(pattern=choice_pattern(CHOICES["region_edition"]))]
RegionLevel = Annotated[str | None, Query(pattern=choice_pattern(CHOICES["region_level"]))]
Status = Annotated[str | None, Query(pattern=choice_pattern(CHOICES["status"]))]
Simplify = Annotated[float, Query(ge=0, le=1)]
Slug = Annotated[str, Path(pattern=SLUG)]
Search = Annotated[str | None, Query(pattern=SEARCH)]
JobId = Annotated[int, Path(ge=1, le=2**31 - 1)]
