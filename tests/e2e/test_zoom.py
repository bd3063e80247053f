"""Issue 14, zoom and the smallest window: at the minimum window size (tauri.conf.json:
900x600) every page of every role fits the window's width (no sideways scrolling of the
page; wide tables scroll inside their own box), and at 200 % zoom in that window (450x300
CSS pixels) too, with the navbar collapsed behind its toggler, which opens it with Logout
in reach."""

from __future__ import annotations

from typing import Callable

from flows import DEMO_PASSWORD, admin_nav, create_admin_with_demo, login_expect_home
from helpers import ARTIFACTS, App, css
from test_ui_issue10 import set_size

MIN_WIDTH, MIN_HEIGHT = 900, 600


def measure(app: App) -> dict:
    return app.driver.execute_script(
        """
        const d = document.documentElement;
        const shown = (e) => !!e && e.getClientRects().length > 0;
        const wide = [...document.querySelectorAll('body *')]
          .filter((e) => shown(e) && e.getBoundingClientRect().right > innerWidth + 1
                         && !e.parentElement.closest('.table-responsive, .modal'))
          .slice(0, 6)
          .map((e) => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')} right=${Math.round(e.getBoundingClientRect().right)}`);
        return { scrollWidth: d.scrollWidth, innerWidth, wide,
                 toggler: shown(document.querySelector('.navbar-toggler')),
                 menuOpen: shown(document.querySelector('#main-nav')) };
        """
    )


def fits(m: dict) -> bool:
    return m["scrollWidth"] <= m["innerWidth"] + 1


class Fit:
    """Checks page after page; fails at the end listing every page that does not fit."""

    def __init__(self, app: App, zoomed: bool):
        self.app = app
        self.zoomed = zoomed
        self.problems: list[str] = []
        self.pages = 0

    def check(self, page: str, signed_in: bool = True) -> None:
        self.app.wait_settled()
        # Charts follow a new size a frame or two later: give the page a moment to fit.
        try:
            self.app.wait_until(lambda: fits(measure(self.app)), "", timeout=3)
        except AssertionError:
            pass  # listed below
        m = measure(self.app)
        self.pages += 1
        if not fits(m):
            self.problems.append(f"{page}: page is {m['scrollWidth']} px wide in {m['innerWidth']} px; too wide: {m['wide']}")
        if signed_in and m["toggler"] != self.zoomed:
            self.problems.append(f"{page}: navbar toggler {'missing' if self.zoomed else 'shown'} at {m['innerWidth']} px")
        if signed_in and self.zoomed and m["menuOpen"]:
            self.problems.append(f"{page}: the collapsed menu is open")

    def done(self, screenshot: str) -> None:
        self.app.screenshot(ARTIFACTS / screenshot)
        assert not self.problems, f"{len(self.problems)} of {self.pages} pages do not fit:\n" + "\n".join(self.problems)


MENU_STATE = (
    "const m = document.querySelector('#main-nav');"
    "return m.classList.contains('collapsing') ? 'moving' : m.classList.contains('show') ? 'open' : 'closed'"
)


def menu_state(app: App) -> str:
    return app.driver.execute_script(MENU_STATE)


def open_menu(app: App) -> None:
    """The collapsed navbar's toggler, then wait until the menu has finished opening."""
    app.click_css(".navbar-toggler")
    app.wait_until(lambda: menu_state(app) == "open", lambda: f"the navbar menu is {menu_state(app)}, not open")




def go(app: App, testid: str, zoomed: bool) -> None:
    """A navbar entry; in a collapsed navbar, through the toggler, and the menu must fold
    again by itself once the page is chosen (AppLayout)."""
    if zoomed:
        open_menu(app)
    # The admin's entries inside a navbar menu (Requests, System): open it first.
    admin_nav(app, testid)
    if zoomed:
        app.wait_until(lambda: menu_state(app) == "closed", lambda: f"the navbar menu stayed {menu_state(app)}")


def logout(app: App, zoomed: bool) -> None:
    if zoomed:
        _zoomed_logout(app)
    else:
        app.click("nav-logout")
    app.wait("login-identifier")


def _zoomed_logout(app: App) -> None:
    open_menu(app)
    logout_button = app.wait("nav-logout")
    box = app.driver.execute_script("return arguments[0].getBoundingClientRect().toJSON()", logout_button)
    width = app.driver.execute_script("return innerWidth")
    assert 0 <= box["left"] and box["right"] <= width, f"Logout outside the window in the open menu: {box}, {width} px"
    app.click("nav-logout")


def visit_everything(app: App, zoomed: bool) -> Fit:
    fit = Fit(app, zoomed)
    nav: Callable[[str], None] = lambda testid: go(app, testid, zoomed)  # noqa: E731
    app.wait("setup-username")
    fit.check("setup", signed_in=False)
    create_admin_with_demo(app)
    fit.check("admin-dashboard")
    for testid, wait in (
        ("nav-services", "service-row"),
        ("nav-people", "person-row"),
        ("nav-requests", "request-row"),
        ("nav-dispatch", "dispatch-board"),
        ("nav-complaints", None),
        ("nav-exports", None),
        ("nav-jobs-admin", None),
        ("nav-backups", "backup-empty"),
        ("nav-settings", None),
    ):
        nav(testid)
        if wait:
            app.wait(wait)
        fit.check(testid.removeprefix("nav-"))
        if testid == "nav-requests":
            first = app.all_attrs("request-row", "data-request-id")[0]
            app.click_css(f'{css("request-row", request_id=first)} a')
            app.wait_css("nav[aria-label=Breadcrumb]")
            fit.check("admin-request-detail")
    nav("nav-people")
    app.wait("person-row")
    _open_person(app, "ravi.k")
    fit.check("admin-person-detail")
    logout(app, zoomed)

    fit.check("login", signed_in=False)
    app.click("link-register-customer")
    app.wait("reg-username")
    fit.check("register-customer", signed_in=False)
    app.driver.back()
    app.click("link-register-professional")
    app.wait("reg-username")
    fit.check("register-professional", signed_in=False)
    app.driver.back()
    app.click("link-forgot-password")
    app.wait("reset-login")
    fit.check("reset-password", signed_in=False)
    app.driver.back()

    login_expect_home(app, "anita.d", DEMO_PASSWORD, "Customer")
    fit.check("customer-home")
    nav("nav-find-services")
    app.wait("service-result")
    fit.check("customer-find-services")
    app.click("book-button")
    app.wait("booking-dialog")
    app.wait("book-day")  # the free times are in
    fit.check("customer-booking-dialog")
    app.click_css(f'{css("booking-dialog")} .btn-close')
    app.wait_gone("booking-dialog")
    nav("nav-my-requests")
    app.wait("my-request-row")
    fit.check("customer-my-requests")
    app.click("my-request-row")
    app.wait("request-title")
    fit.check("customer-request-detail")
    nav("nav-profile")
    fit.check("customer-profile")
    logout(app, zoomed)

    login_expect_home(app, "ravi.k", DEMO_PASSWORD, "Professional")
    fit.check("professional-home")
    for testid in ("nav-feed", "nav-jobs", "nav-my-week", "nav-availability", "nav-profile"):
        nav(testid)
        fit.check(f"professional-{testid.removeprefix('nav-')}")
    return fit


def _open_person(app: App, username: str) -> None:
    app.type("people-search", username)
    app.wait_until(lambda: app.all_attrs("person-row", "data-username") == [username], f"no row for {username}")
    app.click_css(f'{css("person-row", username=username)} {css("person-open")}')
    app.wait("person-status")


def test_every_page_fits_the_minimum_window(app: App):
    set_size(app, MIN_WIDTH, MIN_HEIGHT)
    visit_everything(app, zoomed=False).done("min-window-professional-profile.png")


def test_every_page_fits_the_minimum_window_at_200_percent_zoom(zoomed_app: App):
    app = zoomed_app
    set_size_zoomed(app, MIN_WIDTH, MIN_HEIGHT)
    visit_everything(app, zoomed=True).done("zoom-200-professional-profile.png")


def set_size_zoomed(app: App, width: int, height: int) -> None:
    """The window at width x height screen pixels: half as many CSS pixels at 200 %."""
    app.driver.set_window_size(width, height)
    app.wait_until(
        lambda: app.driver.execute_script("return [innerWidth, innerHeight]") == [width // 2, height // 2],
        lambda: f"the zoomed window shows {app.driver.execute_script('return [innerWidth, innerHeight]')} CSS px,"
        f" want {[width // 2, height // 2]} (is the page zoom 200 %?)",
    )
