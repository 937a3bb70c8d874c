"""Real-browser fixtures: the app served on a free local port, and Debian's Chromium via Playwright.

Playwright's own browser download does not work here, so it launches /usr/bin/chromium.
"""

import os
import shutil
import threading
from collections.abc import Iterator

import pytest
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("JOURNAL_CHROMIUM", "/usr/bin/chromium")
PHONE = {"width": 360, "height": 740}
LAPTOP = {"width": 1280, "height": 800}


@pytest.fixture
def app_config():
    """Browsers send real forms, so CSRF protection stays on."""
    return {"WTF_CSRF_ENABLED": True}


@pytest.fixture
def live_server(app) -> Iterator[str]:
    """Serve the test app on 127.0.0.1 in a thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
    server.server_close()


CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


@pytest.fixture(scope="session")
def playwright():
    """Playwright, driving Debian's Chromium."""
    if not shutil.which(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make browser` (apt install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as instance:
        yield instance


@pytest.fixture(scope="session")
def browser(playwright):
    """One headless Chromium for the session."""
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def expected_statuses() -> tuple[int, ...]:
    """Statuses a journey answers on purpose, which Chromium logs as console errors anyway.

    A form sent back with errors answers 422, and an autosave the server would not take for
    this session (its text kept for its writer) 409. A test module expecting another
    (a refused autosave token, say) overrides this fixture.
    """
    return (422, 409)


def _expected(console_text: str, statuses: tuple[int, ...]) -> bool:
    return any(f"responded with a status of {status}" in console_text for status in statuses)


@pytest.fixture
def new_phone(browser, live_server, expected_statuses):
    """Make as many separate phones (browser contexts, 360x740) as a journey needs.

    Every page fails the test on a JavaScript error or a console error (a CSP violation shows
    up there too).
    """
    contexts, errors = [], []

    def make(viewport: dict = PHONE):
        phone_sized = viewport == PHONE
        context = browser.new_context(viewport=viewport, base_url=live_server,
                                      is_mobile=phone_sized, has_touch=phone_sized)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("console", lambda msg: errors.append(msg.text)
                if msg.type == "error" and not _expected(msg.text, expected_statuses)
                else None)
        return page

    yield make
    for context in contexts:
        context.close()
    assert errors == [], f"errors in the browser console: {errors}"


@pytest.fixture
def phone(new_phone):
    """One phone-sized browser tab."""
    return new_phone()


def sign_in(page, username: str, password: str) -> None:
    """Sign in through the real form."""
    page.goto("/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
