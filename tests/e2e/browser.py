"""What the browser tests share: Debian's Chromium driven by Playwright, a phone profile,
and signing in on the PIN pad. The fixtures (browser, contexts) are in conftest.py."""
from __future__ import annotations

import shutil

import pytest

CHROMIUM = "/usr/bin/chromium"
# Every browser test module: `pytestmark = BROWSER_TESTS`.
BROWSER_TESTS = [pytest.mark.e2e,
                 pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason="Debian chromium not installed")]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync", "--disable-quic"]
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "is_mobile": True,
         "has_touch": True, "locale": "zh-HK"}
TABLET = {"viewport": {"width": 1280, "height": 800}}
TIMEOUT_MS = 5000


def sign_in_on_pad(page, user_id: int, pin: str) -> None:
    """Sign in on the /login page's name buttons and PIN pad."""
    page.click(f'[data-user="{user_id}"]')
    for key in pin:
        page.click(f'[data-key="{key}"]')
    page.click('[data-key="OK"]')


def staff_context(contexts, live, role: str, **options):
    """A browser context signed in as the demo user of role (its session cookie)."""
    context = contexts(**(options or TABLET))
    context.add_cookies([{"name": "session", "value": live.session(role).cookies["session"], "url": live.url}])
    return context
