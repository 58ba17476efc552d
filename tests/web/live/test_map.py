"""The map's published / live / change switch: plain links on the national index map of the
current published version, for signed-in users; the live and change maps are labelled live."""

from __future__ import annotations

import re
from typing import Any

URL = "/peta/?edisi=ikp-2024-kabkota&tingkat=kabkota"


def test_switch_and_the_three_views(personas: Any, verified: Any) -> None:
    client = personas["ri"].client
    published = client.get(URL).content.decode()
    assert 'data-testid="live-switch"' in published and 'data-live="' not in published
    live = client.get(URL + "&tampilan=langsung")
    html = live.content.decode()
    assert 'data-live="langsung"' in html and "LANGSUNG" in html
    assert live["X-IKP-Live"] == "1"
    change = client.get(URL + "&tampilan=perubahan").content.decode()
    assert 'data-live="perubahan"' in change
    # Kabupaten Bogor rose, every other region is unchanged
    bogor = (
        r'data-region="32.01" data-delta="[0-9.]+"[^>]*><title>[^<]*</title><path class="ld[123]"'
    )
    assert re.search(bogor, change)
    assert change.count('class="ld0"') > 20


def test_anonymous_visitors_get_no_switch_by_default(personas: Any, verified: Any) -> None:
    html = personas["anonymous"].client.get(URL + "&tampilan=langsung").content.decode()
    assert 'data-testid="live-switch"' not in html and 'data-live="' not in html
