"""Browser tests: Debian's Chromium driven by Playwright for Python against pytest-django's live
server. Never downloads a browser: the executable is /usr/bin/chromium (IKP_CHROMIUM overrides).
Screenshots of every step are kept in test-artifacts/screenshots/ as test artefacts."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("IKP_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).parents[2] / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


PASSWORD = "browser-password-1"


def make_user(username: str, role: str, region: str | None) -> None:
    """A user with ``PASSWORD`` and a profile of ``role`` for the region coded ``region``."""
    from django.contrib.auth import get_user_model

    from ikp_web.apps.accounts.models import Profile
    from ikp_web.apps.regions.models import Region

    user = get_user_model().objects.create_user(username=username, password=PASSWORD)
    Profile.objects.create(
        user=user,
        role=role,
        region=Region.objects.get(edition="current", code=region) if region else None,
    )


def login(page: Any, base: str, username: str) -> None:
    """Sign ``username`` in through the login page."""
    page.goto(f"{base}/akun/masuk/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert "masuk" not in page.url, f"login failed for {username}"


def synthetic_edition(slug: str) -> Any:
    """Today's regions, the IKP 2024 framework and an empty SYNTHETIC kab/kota edition."""
    from ikp.framework import load_framework
    from ikp_web.apps.frameworks.models import Edition, FrameworkVersion
    from ikp_web.apps.regions.services import load_regions

    load_regions("current")
    fw = load_framework("ikp-2024")
    version = FrameworkVersion.objects.create(
        slug="ikp-2024", version=fw.version, name=fw.name_id, definition=fw.to_yaml()
    )
    return Edition.objects.create(
        slug=slug,
        name="IKP 2024 kabupaten/kota (DATA SINTETIS)",
        framework=version,
        region_level="regency",
        synthetic=True,
    )


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install Debian's chromium (apt-get install chromium)"
        )
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run while
    # an event loop is running unless told it is safe (it is here: one thread drives the browser
    # and the live server runs in its own thread). Set only while browsers run, then restored.
    saved = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
            if saved is None:
                os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
            else:
                os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = saved


class CspViolations(list[str]):
    """What the browser reported refusing under the Content-Security-Policy: console messages
    naming it (Chromium: "Refused to apply inline style because it violates the following
    Content Security Policy directive …") and ``securitypolicyviolation`` events."""

    def watch(self, page: Any) -> None:
        page.on("console", self._console)
        page.add_init_script(
            """document.addEventListener('securitypolicyviolation', e => console.error(
                 'Content Security Policy violation: ' + e.violatedDirective + ' ' +
                 (e.blockedURI || 'inline') + ' at ' + e.sourceFile + ':' + e.lineNumber));"""
        )

    def _console(self, message: Any) -> None:
        if "Content Security Policy" in message.text:
            self.append(f"{message.type}: {message.text}")


@pytest.fixture()
def csp_violations() -> CspViolations:
    return CspViolations()


@pytest.fixture()
def page(browser: Any, csp_violations: CspViolations) -> Iterator[Any]:
    """A page whose test fails if the browser refused anything under the policy."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    page = context.new_page()
    csp_violations.watch(page)
    page.set_default_timeout(20_000)
    yield page
    context.close()
    assert list(csp_violations) == [], csp_violations


class Shots:
    """Numbered full-page screenshots for one test."""

    def __init__(self, name: str) -> None:
        self.dir = ARTIFACTS / name
        self.dir.mkdir(parents=True, exist_ok=True)
        for old in self.dir.glob("*.png"):
            old.unlink()
        self.n = 0

    def __call__(self, page: Any, label: str, element: Any = None) -> Path:
        """A full-page screenshot, or just ``element`` (a locator) when given."""
        self.n += 1
        path = self.dir / f"{self.n:02d}-{label}.png"
        if element is not None:
            element.screenshot(path=str(path))
        else:
            page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture()
def shots(request: pytest.FixtureRequest) -> Shots:
    return Shots(request.node.name)


#: a phone's viewport (the report forms are used on phones)
PHONE = {"width": 390, "height": 844}


@contextmanager
def phone_page(browser: Any, csp_violations: CspViolations) -> Iterator[Any]:
    """A page on a 390 px touch phone (Indonesian locale), watched for CSP refusals."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="id-ID")
    try:
        page = context.new_page()
        csp_violations.watch(page)
        page.set_default_timeout(20_000)
        yield page
    finally:
        context.close()


def no_horizontal_scroll(page: Any) -> None:
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= PHONE["width"], f"page is {width}px wide on a {PHONE['width']}px phone"
