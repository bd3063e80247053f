"""Small helpers on top of selenium for driving the Household Services window.

Every element the tests touch carries a `data-testid` attribute; all waits are
explicit (WebDriverWait), the only fixed pause is ~0.5 s before a screenshot so
the last UI update has been painted.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
DOCS = ROOT / "docs"

# Password hashing in a debug build is slow-ish; leave room on a busy 2-core CI machine.
DEFAULT_TIMEOUT = float(os.environ.get("HS_E2E_TIMEOUT", "30"))

GENERIC_LOGIN_ERROR = "The username/email or password is incorrect."


def sel(testid: str) -> tuple[str, str]:
    return (By.CSS_SELECTOR, f'[data-testid="{testid}"]')


class App:
    """One running app window (one WebDriver session) with its own data dir."""

    def __init__(self, driver: WebDriver, data_dir: Path):
        self.driver = driver
        self.data_dir = data_dir

    # --- waiting -----------------------------------------------------------------
    def wait(self, testid: str, timeout: float | None = None) -> WebElement:
        """Wait until `[data-testid=testid]` is visible and return it."""
        try:
            return WebDriverWait(self.driver, timeout or DEFAULT_TIMEOUT).until(
                EC.visibility_of_element_located(sel(testid))
            )
        except TimeoutException:
            raise AssertionError(
                f"[data-testid={testid}] not visible after {timeout or DEFAULT_TIMEOUT:.0f} s;"
                f" testids on screen: {self.visible_testids()}"
            ) from None

    def wait_text(self, testid: str, contains: str, timeout: float | None = None) -> str:
        """Wait until the element's text contains `contains`; return the text."""
        self.wait(testid, timeout)
        last = ""

        def has_text(_driver):
            nonlocal last
            try:
                last = self.driver.find_element(*sel(testid)).text
            except Exception:  # re-rendered between find and read: try again
                return False
            return contains in last

        try:
            WebDriverWait(self.driver, timeout or DEFAULT_TIMEOUT).until(has_text)
        except TimeoutException:
            raise AssertionError(
                f"[data-testid={testid}] text {last!r} does not contain {contains!r}"
            ) from None
        return last

    def wait_gone(self, testid: str, timeout: float | None = None) -> None:
        WebDriverWait(self.driver, timeout or DEFAULT_TIMEOUT).until(
            EC.invisibility_of_element_located(sel(testid))
        )

    def is_visible(self, testid: str) -> bool:
        try:
            return any(e.is_displayed() for e in self.driver.find_elements(*sel(testid)))
        except StaleElementReferenceException:
            return False

    def visible_testids(self) -> list[str]:
        try:
            return self.driver.execute_script(
                "return Array.from(document.querySelectorAll('[data-testid]'))"
                ".filter(e => e.offsetParent !== null)"
                ".map(e => e.getAttribute('data-testid'))"
            )
        except Exception as exc:  # pragma: no cover - diagnostics only
            return [f"<could not list: {exc}>"]

    # --- acting ------------------------------------------------------------------
    def click(self, testid: str, timeout: float | None = None) -> None:
        el = WebDriverWait(self.driver, timeout or DEFAULT_TIMEOUT).until(
            EC.element_to_be_clickable(sel(testid))
        )
        # WebKitWebDriver can fail on elements cut by the window edge while
        # Bootstrap's smooth scrolling is still moving: centre it at once first.
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", el)
        el.click()

    def type(self, testid: str, text: str) -> None:
        """Replace the content of an input with `text`."""
        el = self.wait(testid)
        el.clear()
        el.send_keys(text)

    def fill(self, **fields: str) -> None:
        """fill(setup_username="x") types into [data-testid=setup-username]."""
        for key, value in fields.items():
            self.type(key.replace("_", "-"), value)

    def text(self, testid: str) -> str:
        return self.wait(testid).text

    # --- screenshots -------------------------------------------------------------
    def screenshot(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        time.sleep(0.5)  # let the last UI update paint
        self.driver.save_screenshot(str(path))
        return path

    def doc_screenshot(self, name: str) -> Path:
        """docs/<name> when UPDATE_DOCS_SCREENSHOTS=1, else tests/e2e/artifacts/<name>."""
        target = DOCS if os.environ.get("UPDATE_DOCS_SCREENSHOTS") == "1" else ARTIFACTS
        return self.screenshot(target / name)
