"""The upload page's issue titles (gettext, Indonesian source strings) say what the core's
message catalogue says (``ikp.messages``), so the CLI and the web name each problem alike."""

from __future__ import annotations

from django.utils import translation

from ikp.messages import TEXTS
from ikp_web.apps.submissions.queries import ISSUE_TITLES


def test_web_titles_match_the_core_catalogue() -> None:
    shared = set(ISSUE_TITLES) & set(TEXTS)
    assert len(shared) >= 25
    with translation.override("id"):
        for code in shared:
            assert str(ISSUE_TITLES[code]) == TEXTS[code].title_id, code


def test_incident_titles_match_the_core_catalogue() -> None:
    from ikp_web.apps.incidents.views import ISSUE_TITLES as INCIDENT_TITLES

    shared = set(INCIDENT_TITLES) & set(TEXTS)
    assert {"INVALID_DATE", "REGION_NOT_IN_PARENT", "INVALID_CHOICE", "TOO_LONG"} <= shared
    with translation.override("id"):
        for code in shared:
            assert str(INCIDENT_TITLES[code]) == TEXTS[code].title_id, code
