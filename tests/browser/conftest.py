"""Browser tier: Debian's headless Chromium, driven by Playwright, against the running service stack.

Playwright cannot download its own browser here, so it drives /usr/bin/chromium
(`bash deploy/local/browser-deps.sh` installs it; `make test` runs that first).
Every test gets a fresh browser context; its page is screenshotted on teardown, pass or fail,
to test-artifacts/screenshots/<test-name>.png.
"""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, Request, sync_playwright

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT_DIR = PROJECT_ROOT / "test-artifacts" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
DEFAULT_TIMEOUT_MS = 10_000
VIEWPORT = {"width": 1280, "height": 900}

# Headless Chromium as root, with nothing phoning home. Playwright itself adds --headless and
# gives each launch a fresh temporary profile (it refuses an explicit --user-data-dir).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def safe_name(name: str) -> str:
    """A test or screenshot name usable as a file name: `test_x[intake]` -> `test_x-intake`."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-.") or "unnamed"


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(
            f"{CHROMIUM} is missing: run `bash deploy/local/browser-deps.sh` (or set CHROMIUM to a Chromium binary)",
            pytrace=False,
        )
    browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A page in a fresh context (no shared cookies or storage); screenshotted on teardown."""
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    context.set_default_navigation_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    try:
        yield page
    finally:
        _save_screenshot(page, SCREENSHOT_DIR / f"{safe_name(request.node.name)}.png")
        context.close()


@pytest.fixture
def screenshot(page: Page, request: pytest.FixtureRequest) -> Callable[[str], Path]:
    """`screenshot("after-login")` saves test-artifacts/screenshots/<test-name>--after-login.png."""
    prefix = safe_name(request.node.name)

    def take(name: str) -> Path:
        path = SCREENSHOT_DIR / f"{prefix}--{safe_name(name)}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def failed_requests(page: Page) -> list[Request]:
    """Every request of `page` that failed at the network level (refused, DNS, aborted...)."""
    failures: list[Request] = []
    page.on("requestfailed", lambda request: failures.append(request))
    return failures


@pytest.fixture
def requests_made(page: Page) -> list[Request]:
    """Every request `page` issued, in order."""
    issued: list[Request] = []
    page.on("request", lambda request: issued.append(request))
    return issued


def _save_screenshot(page: Page, path: Path) -> None:
    # Teardown must not turn a real failure into a screenshot error: warn instead of raising.
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if page.is_closed():
            warnings.warn(f"page closed before teardown; no screenshot at {path}", stacklevel=1)
            return
        page.screenshot(path=str(path), full_page=True)
    except Exception as error:  # noqa: BLE001 - best effort, reported as a warning
        warnings.warn(f"could not save screenshot {path}: {error}", stacklevel=1)
