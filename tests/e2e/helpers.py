"""Small helpers on top of selenium for driving the Household Services window.

Every element the tests touch carries a `data-testid` attribute; all waits are
explicit (WebDriverWait), the only fixed pause is ~0.5 s before a screenshot so
the last UI update has been painted.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path
from typing import Callable, TypeVar

from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
DOCS = ROOT / "docs"

# Password hashing in a debug build is slow-ish; leave room on a busy 2-core CI machine.
DEFAULT_TIMEOUT = float(os.environ.get("HS_E2E_TIMEOUT", "30"))

GENERIC_LOGIN_ERROR = "The username/email or password is incorrect."

# axe-core (a devDependency of ui/, installed by scripts/setup.sh), injected into the window.
AXE_JS = ROOT / "ui" / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.0, 2.1 and 2.2 levels A and AA, plus axe's best practices (landmarks, headings).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
# What fails a page: any violation of these impacts, and these rules whatever their impact
# (axe rates them "moderate"): one main landmark per page, nothing outside the landmarks.
AXE_FAILING_IMPACTS = ("serious", "critical")
AXE_FAILING_RULES = ("landmark-one-main", "landmark-no-duplicate-main", "region")
AXE_DIR = Path(__file__).resolve().parent / "artifacts" / "axe"


T = TypeVar("T")


def css(testid: str, **data: object) -> str:
    """`[data-testid=testid]`, narrowed by data attributes: css("service-row", service_name="X")
    → `[data-testid="service-row"][data-service-name="X"]`."""
    attrs = "".join(f'[data-{k.replace("_", "-")}="{v}"]' for k, v in data.items())
    return f'[data-testid="{testid}"]{attrs}'


def sel(testid: str, **data: object) -> tuple[str, str]:
    return (By.CSS_SELECTOR, css(testid, **data))


class App:
    """One running app window (one WebDriver session) with its own data dir."""

    def __init__(self, driver: WebDriver, data_dir: Path, script_clicks: bool = False):
        self.driver = driver
        self.data_dir = data_dir
        # At page zoom WebKitWebDriver's pointer clicks miss (it finds the element's in-view
        # point in unzoomed coordinates: "element not interactable"): such a window is
        # clicked with the DOM's click() instead.
        self.script_clicks = script_clicks

    # --- waiting -----------------------------------------------------------------
    def wait(self, testid: str, timeout: float | None = None, **data: object) -> WebElement:
        """Wait until `[data-testid=testid]` (and the given data attributes) is visible."""
        return self.wait_css(css(testid, **data), timeout)

    def wait_css(self, selector: str, timeout: float | None = None) -> WebElement:
        """Wait until the first element matching the CSS selector is visible and return it."""
        try:
            return WebDriverWait(self.driver, timeout or DEFAULT_TIMEOUT).until(
                EC.visibility_of_element_located((By.CSS_SELECTOR, selector))
            )
        except TimeoutException:
            raise AssertionError(
                f"{selector} not visible after {timeout or DEFAULT_TIMEOUT:.0f} s;"
                f" testids on screen: {self.visible_testids()}"
            ) from None

    def wait_until(
        self, check: Callable[[], T], what: str | Callable[[], str], timeout: float | None = None
    ) -> T:
        """Poll `check()` until it returns something truthy (elements re-rendered meanwhile
        count as "not yet"); fail with `what` (a string, or a function giving the last state)."""
        def poll(_driver):
            try:
                return check()
            except StaleElementReferenceException:
                return False

        try:
            return WebDriverWait(self.driver, timeout or DEFAULT_TIMEOUT).until(poll)
        except TimeoutException:
            message = what() if callable(what) else what
            raise AssertionError(
                f"after {timeout or DEFAULT_TIMEOUT:.0f} s: {message};"
                f" testids on screen: {self.visible_testids()}"
            ) from None

    def attr(self, testid: str, name: str, **data: object) -> str | None:
        return self.wait(testid, **data).get_attribute(name)

    def wait_attr(self, testid: str, name: str, value: str, timeout: float | None = None, **data: object) -> None:
        """Wait until the element's attribute `name` equals `value` (e.g. data-status)."""
        last: list[str | None] = [None]

        def check():
            last[0] = self.driver.find_element(*sel(testid, **data)).get_attribute(name)
            return last[0] == value

        self.wait(testid, timeout, **data)
        self.wait_until(check, lambda: f"{css(testid, **data)} has {name}={last[0]!r}, want {value!r}", timeout)

    def all_attrs(self, testid: str, name: str) -> list[str | None]:
        """The attribute `name` of every visible `[data-testid=testid]`, in page order (read in
        one script, so a re-render cannot leave a stale element halfway)."""
        return self.driver.execute_script(
            "return Array.from(document.querySelectorAll(arguments[0]))"
            ".filter(e => e.getClientRects().length > 0).map(e => e.getAttribute(arguments[1]))",
            css(testid),
            name,
        )

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

    def wait_gone(self, testid: str, timeout: float | None = None, **data: object) -> None:
        try:
            WebDriverWait(self.driver, timeout or DEFAULT_TIMEOUT).until(
                EC.invisibility_of_element_located(sel(testid, **data))
            )
        except TimeoutException:
            raise AssertionError(
                f"{css(testid, **data)} still visible after {timeout or DEFAULT_TIMEOUT:.0f} s"
            ) from None

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
    def click(self, testid: str, timeout: float | None = None, **data: object) -> None:
        self.click_css(css(testid, **data), timeout)

    def click_css(self, selector: str, timeout: float | None = None) -> None:
        for attempt in range(3):
            try:
                self._click_once(selector, timeout)
                return
            except StaleElementReferenceException:
                if attempt == 2:  # re-rendered under our feet three times: give up
                    raise

    def _click_once(self, selector: str, timeout: float | None) -> None:
        try:
            el = WebDriverWait(self.driver, timeout or DEFAULT_TIMEOUT).until(
                EC.element_to_be_clickable((By.CSS_SELECTOR, selector))
            )
        except TimeoutException:
            raise AssertionError(
                f"{selector} not clickable after {timeout or DEFAULT_TIMEOUT:.0f} s;"
                f" testids on screen: {self.visible_testids()}"
            ) from None
        # WebKitWebDriver can fail on elements cut by the window edge while
        # Bootstrap's smooth scrolling is still moving: centre it at once first.
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", el)
        if self.script_clicks:
            self.driver.execute_script("arguments[0].click()", el)
        else:
            el.click()

    def type(self, testid: str, text: str) -> None:
        """Replace the content of an input with `text`."""
        el = self.wait(testid)
        # As for clicks: a field below the fold of a small window must be in view at once
        # (Bootstrap's smooth scrolling would still be moving when WebKitWebDriver checks).
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", el)
        if self.script_clicks:  # see __init__: focus it and type over its content
            self.driver.execute_script("arguments[0].focus(); arguments[0].select()", el)
            ActionChains(self.driver).send_keys(text or Keys.BACKSPACE).perform()
            return
        el.clear()
        el.send_keys(text)

    def fill(self, **fields: str) -> None:
        """fill(setup_username="x") types into [data-testid=setup-username]."""
        for key, value in fields.items():
            self.type(key.replace("_", "-"), value)

    def select(self, testid: str, value: str) -> None:
        """Choose the <option value=value> of a <select>."""
        Select(self.wait(testid)).select_by_value(value)

    def text(self, testid: str, **data: object) -> str:
        return self.wait(testid, **data).text

    def scroll_top(self) -> None:
        self.driver.execute_script("window.scrollTo({top: 0, behavior: 'instant'})")

    def wait_canvas_settled(self, testid: str, timeout: float | None = None) -> None:
        """Wait until a chart canvas has been drawn and its animation has ended (two reads
        of its pixels 300 ms apart are equal and not blank)."""
        blank = self.driver.execute_script(
            "const c = document.createElement('canvas');"
            "const o = arguments[0]; c.width = o.width; c.height = o.height; return c.toDataURL();",
            self.wait(testid),
        )
        last: list[str | None] = [None]

        def settled():
            now = self.driver.find_element(*sel(testid)).get_attribute("width") and self.driver.execute_script(
                "return arguments[0].toDataURL()", self.driver.find_element(*sel(testid))
            )
            done = now != blank and now == last[0]
            last[0] = now
            if not done:
                time.sleep(0.3)
            return done

        self.wait_until(settled, f"{css(testid)} never settled (blank or still animating)", timeout)

    # --- accessibility (axe-core) -------------------------------------------------
    def wait_settled(self, timeout: float | None = None) -> None:
        """Wait until the page has stopped loading and moving: a visible h1, nothing marked
        aria-busy or drawn as a loading placeholder, and no finite CSS transition or animation
        running (a colour caught halfway through a transition would fool the contrast check;
        spinners loop for ever and do not count)."""
        self.wait_until(
            lambda: self.driver.execute_script(
                """
                const shown = (e) => e.getClientRects().length > 0;
                if (![...document.querySelectorAll('h1')].some(shown)) return false;
                if ([...document.querySelectorAll('[aria-busy="true"], .placeholder')].some(shown)) return false;
                return document.getAnimations().every(
                  (a) => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity);
                """
            ),
            "the page never settled (no h1, still loading, or still animating)",
            timeout,
        )

    def axe(self, context: str | None = None) -> dict:
        """Runs axe-core (injected on first use) on the whole document, or on the elements
        matching the CSS selector `context`, with the AXE_TAGS rules; returns its violations
        (rule id, impact, help, and each node's target and summary) and the rules it could
        not decide for some node ("incomplete")."""
        if not self.driver.execute_script("return typeof window.axe === 'object'"):
            if not AXE_JS.is_file():
                raise AssertionError(f"{AXE_JS} missing: run `bash scripts/setup.sh` (npm ci in ui/)")
            self.driver.execute_script(AXE_JS.read_text() + "\n;return typeof window.axe;")
        self.driver.set_script_timeout(120)
        result = self.driver.execute_async_script(
            """
            const [context, tags, done] = arguments;
            const brief = (rules) => rules.map((r) => ({
              id: r.id, impact: r.impact, help: r.help, helpUrl: r.helpUrl,
              nodes: r.nodes.map((n) => ({ target: n.target, html: n.html.slice(0, 300),
                                           summary: n.failureSummary })),
            }));
            axe.run(context ? { include: [context] } : document,
                    { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations', 'incomplete'] })
              .then((r) => done({ violations: brief(r.violations), incomplete: brief(r.incomplete),
                                  theme: document.documentElement.getAttribute('data-bs-theme'),
                                  url: location.href }),
                    (e) => done({ error: String(e && e.stack || e) }));
            """,
            context,
            AXE_TAGS,
        )
        if "error" in result:
            raise AssertionError(f"axe-core failed: {result['error']}")
        return result

    def assert_accessible(self, page_name: str, context: str | None = None) -> dict:
        """axe-core on the settled page (or on `context`): fails when any violation is
        serious or critical, or breaks one of AXE_FAILING_RULES, listing rule, impact,
        targets and summary. Writes every finding to artifacts/axe/<page>-<theme>.json."""
        self.wait_settled()
        result = self.axe(context)
        theme = result.get("theme") or "unknown"
        AXE_DIR.mkdir(parents=True, exist_ok=True)
        slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", f"{page_name}-{theme}")
        (AXE_DIR / f"{slug}.json").write_text(json.dumps({"page": page_name, **result}, indent=2))
        failing = [
            v for v in result["violations"]
            if v["impact"] in AXE_FAILING_IMPACTS or v["id"] in AXE_FAILING_RULES
        ]  # fmt: skip
        if failing:
            lines = [f"{page_name} ({theme} theme, {result['url']}): {len(failing)} axe violation(s)"]
            for v in failing:
                lines.append(f"- {v['id']} [{v['impact']}] {v['help']} ({len(v['nodes'])} node(s))")
                for n in v["nodes"][:8]:
                    summary = " ".join((n["summary"] or "").split())[:300]
                    lines.append(f"    {' '.join(map(str, n['target']))}: {summary}")
            raise AssertionError("\n".join(lines))
        return result

    def focus_ring(self) -> dict:
        """The focused element and how its focus shows: outline and box-shadow as computed."""
        return self.driver.execute_script(
            """
            const e = document.activeElement;
            const s = getComputedStyle(e);
            return { tag: e.tagName.toLowerCase(), testid: e.getAttribute('data-testid'),
                     text: (e.innerText || e.value || e.getAttribute('aria-label') || '').trim().slice(0, 60),
                     outlineStyle: s.outlineStyle, outlineWidth: parseFloat(s.outlineWidth) || 0,
                     boxShadow: s.boxShadow, isBody: e === document.body };
            """
        )

    # --- screenshots -------------------------------------------------------------
    def screenshot(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        time.sleep(0.5)  # let the last UI update paint
        self.driver.save_screenshot(str(path))
        return path

    def dismiss_toasts(self) -> None:
        """Close the toasts on screen (transient messages do not belong in doc screenshots)."""
        self.driver.execute_script(
            "document.querySelectorAll('[data-testid=\"toast\"] .btn-close').forEach(b => b.click())"
        )
        self.wait_gone("toast")

    def park_pointer(self) -> None:
        """Move the pointer onto the page heading, away from charts and buttons: the last click
        may have left it over a chart, which then shows a tooltip."""
        headings = [h for h in self.driver.find_elements(By.TAG_NAME, "h1") if h.is_displayed()]
        if headings:
            ActionChains(self.driver).move_to_element(headings[0]).perform()

    def doc_screenshot(self, name: str) -> Path:
        """docs/<name> when UPDATE_DOCS_SCREENSHOTS=1, else tests/e2e/artifacts/<name>;
        without toasts, scrolled to the top."""
        self.dismiss_toasts()
        self.scroll_top()
        self.park_pointer()
        target = DOCS if os.environ.get("UPDATE_DOCS_SCREENSHOTS") == "1" else ARTIFACTS
        return self.screenshot(target / name)


# --- the desktop notification bus ----------------------------------------------------------
NOTIFY_MATCH = "interface='org.freedesktop.Notifications'"


class DbusMonitor:
    """`dbus-monitor --session` on the org.freedesktop.Notifications interface, logging to a
    file: proves that the app's OS notifications really reach the desktop bus (the plugin's
    show() returns Ok even when they do not). The session bus is the one scripts/e2e.sh
    starts (dbus-run-session) and the app inherits; on it, D-Bus activation starts dunst
    (org.knopwob.dunst.service) for the first Notify call, so the calls get an answer.
    """

    def __init__(self, log_path: Path, address: str | None = None):
        """Watches the suite's session bus, or the bus at `address` (another desktop's)."""
        if not address and not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
            raise RuntimeError("no session bus: run the suite through scripts/e2e.sh (dbus-run-session)")
        exe = shutil.which("dbus-monitor")
        if not exe:
            raise RuntimeError("dbus-monitor missing: run `bash scripts/setup.sh` (package dbus)")
        self.log_path = log_path
        log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = open(log_path, "wb")
        self.proc = subprocess.Popen(
            [exe, *(["--address", address] if address else ["--session"]), NOTIFY_MATCH],
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        # Once the connection has become a monitor the bus sends it NameLost for its own
        # unique name: from then on every matching call is logged.
        deadline = time.monotonic() + 10
        while "member=NameLost" not in self.read():
            if self.proc.poll() is not None:
                raise RuntimeError(f"dbus-monitor exited with {self.proc.returncode}: {self.read()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"dbus-monitor not monitoring after 10 s: {log_path}")
            time.sleep(0.05)

    def read(self) -> str:
        return self.log_path.read_text(errors="replace")

    def notify_calls(self) -> list[list[str]]:
        """The string arguments (app name, icon, summary, body, …) of every Notify call so far."""
        calls = []
        # A message starts on a line without indentation; its arguments follow, indented.
        for block in re.split(r"\n(?=\S)", self.read()):
            if block.startswith("method call") and "member=Notify" in block.splitlines()[0]:
                calls.append(re.findall(r'^\s+string "(.*)"$', block, re.M))
        return calls

    def wait_for_notify(self, *needles: str, timeout: float = 6.0) -> list[str]:
        """Wait for a Notify call one of whose strings contains each needle; return its strings."""
        deadline = time.monotonic() + timeout
        while True:
            for strings in self.notify_calls():
                if all(any(n in s for s in strings) for n in needles):
                    return strings
            if time.monotonic() > deadline:
                seen = [s[2:4] for s in self.notify_calls()]
                raise AssertionError(
                    f"no org.freedesktop.Notifications.Notify call with {needles!r} within {timeout:.0f} s;"
                    f" Notify calls seen (summary, body): {seen}; dbus-monitor log: {self.log_path}"
                )
            time.sleep(0.1)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()
