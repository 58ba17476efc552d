"""The browser can reach the platform: the login page renders and is keyboard-usable."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_page_renders(live_server: Any, page: Any, shots: Any) -> None:
    page.goto(f"{live_server.url}/akun/masuk/")
    assert page.locator("#id_username").is_visible()
    page.keyboard.press("Tab")
    shots(page, "login")
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.reload()
    assert all(u.startswith(live_server.url) for u in requests), requests
