"""Issue 14, keyboard only: a customer signs in, finds a service, books it in the booking
dialog, sees the request, opens and closes a dialog with Escape (the focus returns to the
button that opened it) and signs out, with Tab, Shift+Tab, Enter, the arrow keys and Escape
only (selenium key events, no click). Every element the Tab key reaches shows its focus
(an outline or a box-shadow, as computed), and the dialogs keep the Tab key inside."""

from __future__ import annotations

from typing import Callable

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from flows import DEMO_PASSWORD, create_admin_with_demo, logout
from helpers import App, css, sel

# How many Tab presses may separate two stops of the journey.
MAX_TABS = 60


def press(app: App, *keys: str, shift: bool = False) -> None:
    chain = ActionChains(app.driver)
    if shift:
        chain.key_down(Keys.SHIFT)
    for key in keys:
        chain.send_keys(key)
    if shift:
        chain.key_up(Keys.SHIFT)
    chain.perform()


def ring_visible(ring: dict) -> bool:
    outline = ring["outlineStyle"] not in ("none", "hidden") and ring["outlineWidth"] >= 1
    shadow = ring["boxShadow"] not in ("", "none") and "rgba(0, 0, 0, 0)" not in ring["boxShadow"]
    return outline or shadow


def focused(app: App) -> dict:
    """The focused element once its focus transition (Bootstrap's box-shadow) has ended."""
    return app.wait_until(
        lambda: app.driver.execute_script(
            "const e = document.activeElement;"
            "return !document.getAnimations().some(a => a.playState === 'running' && a.effect?.target === e)"
        )
        and app.focus_ring(),
        "the focused element kept animating",
    )


def tab_to(app: App, want: Callable[[dict], bool], what: str, backwards: bool = False) -> dict:
    """Tab (or Shift+Tab) until the focused element is `want`; every stop on the way must
    show its focus. Returns that element's description."""
    path: list[str] = []
    for _ in range(MAX_TABS):
        press(app, Keys.TAB, shift=backwards)
        ring = focused(app)
        label = f"{ring['tag']}[{ring['testid'] or ring['text']!r}]"
        path.append(label)
        assert not ring["isBody"], f"the focus fell off the page after {path}"
        assert ring_visible(ring), f"no visible focus on {label}: {ring}; path {path}"
        if want(ring):
            return ring
    raise AssertionError(f"{what} not reached with {'Shift+' if backwards else ''}Tab; path {path}")


def focus_is(name: str) -> Callable[[dict], bool]:
    return lambda ring: ring["testid"] == name


def active_testid(app: App) -> str | None:
    return app.driver.execute_script("return document.activeElement.getAttribute('data-testid')")


def focus_inside(app: App, selector: str) -> bool:
    return app.driver.execute_script(
        "const d = document.querySelector(arguments[0]); return !!d && d.contains(document.activeElement)", selector
    )


def assert_focus_trapped(app: App, selector: str) -> None:
    """Tab and Shift+Tab around the whole dialog: the focus never leaves it."""
    seen = []
    for backwards in (False, True):
        for _ in range(15):
            press(app, Keys.TAB, shift=backwards)
            ring = focused(app)
            seen.append(ring["testid"] or ring["text"])
            assert focus_inside(app, selector), f"Tab left {selector}: focus on {ring} after {seen}"
            assert ring_visible(ring), f"no visible focus on {ring} in {selector}"


def test_customer_books_and_signs_out_with_the_keyboard_only(app: App):
    create_admin_with_demo(app)
    logout(app)  # the set-up may click; from here on, keys only

    # --- sign in: the form starts in its first field; Enter submits ----------------------
    app.wait_until(lambda: active_testid(app) == "login-identifier", "the sign-in form does not start in its field")
    press(app, "anita.d")
    tab_to(app, focus_is("login-password"), "the password field")
    press(app, DEMO_PASSWORD, Keys.ENTER)
    app.wait_text("home-title", "Customer")

    # --- the navbar, backwards from the page heading (which has the focus) ---------------
    app.wait_until(lambda: app.driver.execute_script("return document.activeElement.tagName") == "H1", "no focus on the heading")
    tab_to(app, focus_is("nav-find-services"), "Find services in the navbar", backwards=True)
    press(app, Keys.ENTER)
    app.wait_until(lambda: app.all_attrs("service-result", "data-service-name"), "no services listed")

    # --- the booking dialog: opened with Enter, closed with Escape, focus back on Book ----
    tab_to(app, focus_is("book-button"), "the first Book button")
    opener = app.driver.switch_to.active_element
    press(app, Keys.ENTER)
    app.wait("booking-dialog")
    app.wait_until(lambda: focus_inside(app, css("booking-dialog")), "the focus did not move into the booking dialog")
    assert_focus_trapped(app, css("booking-dialog"))
    press(app, Keys.ESCAPE)
    app.wait_gone("booking-dialog")
    app.wait_until(lambda: app.driver.switch_to.active_element == opener, "Escape did not return the focus to Book")
    assert ring_visible(focused(app)), "the Book button shows no focus after the dialog closed"

    # --- book: a later time with the arrow keys, a remark, Enter on Book ------------------
    press(app, Keys.ENTER)
    app.wait("booking-dialog")
    service = app.driver.find_element("css selector", f'{css("booking-dialog")} .modal-title').text.removeprefix("Book ")
    # The free times are a radio group of buttons: Tab reaches the chosen one (the first
    # free time is chosen to start with), the arrow keys move the choice and the focus.
    app.wait_css(f'{css("book-slot-option")}[aria-checked="true"]')
    tab_to(app, focus_is("book-slot-option"), "the chosen time")
    before = app.driver.execute_script("return document.activeElement.getAttribute('data-slot')")
    assert app.driver.execute_script("return document.activeElement.getAttribute('aria-checked')") == "true"
    if len(app.driver.find_elements(*sel("book-slot-option"))) > 1:
        press(app, Keys.ARROW_RIGHT)
        app.wait_until(
            lambda: app.driver.execute_script(
                "const e = document.activeElement;"
                "return e.getAttribute('data-slot') !== arguments[0] && e.getAttribute('aria-checked') === 'true'",
                before,
            ),
            "the arrow key did not move to the next time",
        )
    tab_to(app, focus_is("book-remarks"), "the remarks")
    press(app, "Please ring the bell twice.")
    tab_to(app, focus_is("book-submit"), "the Book button of the dialog")
    press(app, Keys.ENTER)
    app.wait_gone("booking-dialog")

    # --- the new request in My requests, opened with Enter --------------------------------
    app.wait_css(f'{css("my-request-row")}[data-status="requested"]')
    newest = max(int(i) for i in app.all_attrs("my-request-row", "data-request-id"))
    assert service in app.text("my-request-row", request_id=newest)
    tab_to(
        app,
        lambda ring: ring["testid"] == "my-request-row"
        and app.driver.switch_to.active_element.get_attribute("data-request-id") == str(newest),
        f"request #{newest}",
    )
    press(app, Keys.ENTER)
    app.wait_text("request-title", service)
    assert "Please ring the bell twice." in app.driver.find_element("css selector", "main").text

    # --- a confirm dialog: Escape closes it and the focus returns to its opener -----------
    tab_to(app, focus_is("request-cancel"), "Cancel request")
    press(app, Keys.ENTER)
    app.wait("confirm-dialog")
    app.wait_until(lambda: focus_inside(app, css("confirm-dialog")), "the focus did not move into the dialog")
    assert_focus_trapped(app, css("confirm-dialog"))
    press(app, Keys.ESCAPE)
    app.wait_gone("confirm-dialog")
    app.wait_until(lambda: active_testid(app) == "request-cancel", "Escape did not return the focus to Cancel request")
    app.wait_attr("request-status", "data-status", "requested")  # Escape cancelled nothing

    # --- sign out ---------------------------------------------------------------------------
    tab_to(app, focus_is("nav-logout"), "Logout", backwards=True)
    press(app, Keys.ENTER)
    app.wait("login-identifier")
