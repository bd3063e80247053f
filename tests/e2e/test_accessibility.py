"""Issue 14, accessibility: axe-core (ui/node_modules/axe-core, injected into the real window)
on every page of every role, on the demo data, in the light and the dark theme, and on the
dialogs (booking, confirm, a form): no serious or critical violation, one main landmark per
page and nothing outside the landmarks (helpers.App.assert_accessible). Each page's findings
land in tests/e2e/artifacts/axe/<page>-<theme>.json.

A test visits all its pages before failing, so one run lists every page's violations."""

from __future__ import annotations

from flows import ADMIN, DEMO_PASSWORD, create_admin_with_demo, login_expect_home, logout, open_person
from helpers import ARTIFACTS, App, css


class Audit:
    """Runs axe on page after page and fails at the end with all of their violations."""

    def __init__(self, app: App):
        self.app = app
        self.failures: list[str] = []
        self.checked: list[str] = []

    def check(self, page: str, context: str | None = None) -> None:
        theme = self.app.driver.execute_script("return document.documentElement.getAttribute('data-bs-theme')")
        self.checked.append(f"{page} ({theme})")
        try:
            self.app.assert_accessible(page, context)
        except AssertionError as exc:
            self.failures.append(str(exc))

    def done(self) -> None:
        assert not self.failures, (
            f"{len(self.failures)} of {len(self.checked)} pages fail axe-core:\n\n" + "\n\n".join(self.failures)
        )


def use_theme(app: App, theme: str) -> None:
    """The navbar's theme menu (a signed-in page): Light or Dark, then wait until applied."""
    app.click("theme-toggle")
    app.click(f"theme-{theme}")
    app.wait_until(
        lambda: app.driver.execute_script("return document.documentElement.getAttribute('data-bs-theme')") == theme,
        f"the {theme} theme was not applied",
    )
    app.wait_gone(f"theme-{theme}")  # the menu closed


def set_guest_theme(app: App, theme: str) -> None:
    """Guest pages have no theme menu: set the attribute the way ui/src/theme.ts does."""
    app.driver.execute_script("document.documentElement.setAttribute('data-bs-theme', arguments[0])", theme)


def nav(app: App, testid: str, heading: str | None = None) -> None:
    app.click(testid)
    if heading:
        app.wait_until(
            lambda: any(heading in h.text for h in app.driver.find_elements("css selector", "main h1")),
            f"the page {heading!r} did not open",
        )


def guest_pages(app: App, audit: Audit) -> None:
    app.wait("login-identifier")
    audit.check("login")
    app.click("link-register-customer")
    app.wait("reg-username")
    audit.check("register-customer")
    app.driver.back()
    app.click("link-register-professional")
    app.wait("reg-username")
    audit.check("register-professional")
    app.driver.back()
    app.click("link-forgot-password")
    app.wait("reset-login")
    audit.check("reset-password")
    app.driver.back()
    app.wait("login-identifier")


def test_guest_pages_light_and_dark(app: App):
    audit = Audit(app)
    app.wait("setup-username")
    audit.check("setup")
    app.click("mode-server")
    app.wait("connect-address")
    audit.check("setup-connect")
    set_guest_theme(app, "dark")
    audit.check("setup-connect")
    app.click("mode-here")
    app.wait("setup-username")
    audit.check("setup")
    set_guest_theme(app, "light")

    create_admin_with_demo(app)
    logout(app)
    guest_pages(app, audit)
    app.screenshot(ARTIFACTS / "a11y-login-light.png")

    # The dark theme chosen in the navbar stays for the guest pages after signing out.
    login_expect_home(app, ADMIN.username, ADMIN.password, "Admin")
    use_theme(app, "dark")
    logout(app)
    guest_pages(app, audit)
    app.screenshot(ARTIFACTS / "a11y-login-dark.png")
    audit.done()


def admin_pages(app: App, audit: Audit) -> None:
    nav(app, "nav-dashboard", "Admin")
    app.wait_canvas_settled("chart-per-day")
    audit.check("admin-dashboard")
    nav(app, "nav-services", "Services")
    app.wait("service-row")
    audit.check("admin-services")
    app.click("service-new")
    app.wait("service-form")
    audit.check("admin-service-form-dialog")
    app.driver.find_element("css selector", css("service-form")).send_keys("\ue00c")  # Escape
    app.wait_gone("service-form")
    nav(app, "nav-people", "People")
    app.wait("person-row")
    audit.check("admin-people")
    open_person(app, "ravi.k")
    audit.check("admin-person-detail")
    app.click("person-reset-password")
    app.wait("reset-code-dialog")
    audit.check("admin-reset-code-dialog")
    app.click("reset-code-done")
    app.wait_gone("reset-code-dialog")
    app.click("nav-requests-menu")
    nav(app, "nav-requests", "Requests")
    app.wait("request-row")
    audit.check("admin-requests")
    first = app.all_attrs("request-row", "data-request-id")[0]
    app.click_css(f'{css("request-row", request_id=first)} a')
    app.wait_css("nav[aria-label=Breadcrumb]")
    audit.check("admin-request-detail")
    app.click("nav-requests-menu")
    nav(app, "nav-dispatch", "Dispatch")
    app.wait("dispatch-board")
    audit.check("admin-dispatch")
    app.click("nav-requests-menu")
    nav(app, "nav-complaints", "Complaints")
    app.wait_until(
        lambda: app.is_visible("complaints-empty") or app.is_visible("complaint-row"), "the complaints never loaded"
    )
    audit.check("admin-complaints")
    nav(app, "nav-exports", "Exports")
    audit.check("admin-exports")
    app.click("nav-system")
    nav(app, "nav-jobs-admin", "Background jobs")
    audit.check("admin-jobs")
    app.click("nav-system")
    nav(app, "nav-backups", "Backups")
    app.wait_until(
        lambda: app.is_visible("backup-empty") or app.is_visible("backup-row"), "the backups never loaded"
    )
    audit.check("admin-backups")
    nav(app, "nav-settings", "Settings")
    audit.check("admin-settings")
    app.click("app-about")
    app.wait("about-version")
    audit.check("about-dialog")
    app.click("about-close")
    app.wait_gone("about-dialog")


def test_admin_pages_light_and_dark(app: App):
    audit = Audit(app)
    create_admin_with_demo(app)
    use_theme(app, "light")
    admin_pages(app, audit)
    use_theme(app, "dark")
    admin_pages(app, audit)
    nav(app, "nav-services", "Services")
    app.wait("service-row")
    app.dismiss_toasts()
    app.screenshot(ARTIFACTS / "a11y-admin-services-dark.png")
    audit.done()


def customer_pages(app: App, audit: Audit) -> None:
    nav(app, "nav-home", "Customer")
    audit.check("customer-home")
    nav(app, "nav-find-services", "Find services")
    app.wait("service-result")
    audit.check("customer-find-services")
    app.click("book-button")
    app.wait("booking-dialog")
    app.wait("book-day")  # the free times are in
    audit.check("customer-booking-dialog")
    app.driver.find_element("css selector", css("booking-dialog")).send_keys("\ue00c")  # Escape
    app.wait_gone("booking-dialog")
    nav(app, "nav-my-requests", "My requests")
    app.wait("my-request-row")
    audit.check("customer-my-requests")
    # An open request: it can be cancelled, which asks first (the confirm dialog).
    app.click_css(f'{css("my-request-row")}[data-status="requested"]')
    app.wait("request-title")
    audit.check("customer-request-detail")
    app.click("request-cancel")
    app.wait("confirm-dialog")
    audit.check("customer-confirm-dialog")
    app.click("confirm-cancel")
    app.wait_gone("confirm-dialog")
    nav(app, "nav-profile", "Profile")
    audit.check("customer-profile")


def professional_pages(app: App, audit: Audit) -> None:
    nav(app, "nav-home", "Professional")
    audit.check("professional-home")
    nav(app, "nav-feed", "Feed")
    audit.check("professional-feed")
    nav(app, "nav-jobs", "jobs")
    audit.check("professional-jobs")
    nav(app, "nav-my-week", "My week")
    app.wait("week-grid")
    audit.check("professional-week")
    nav(app, "nav-availability", "Availability")
    app.wait("availability-form")
    audit.check("professional-availability")
    nav(app, "nav-profile", "Profile")
    audit.check("professional-profile")


def test_customer_and_professional_pages_light_and_dark(app: App):
    audit = Audit(app)
    create_admin_with_demo(app)
    logout(app)
    login_expect_home(app, "anita.d", DEMO_PASSWORD, "Customer")
    use_theme(app, "light")
    customer_pages(app, audit)
    use_theme(app, "dark")
    customer_pages(app, audit)
    nav(app, "nav-find-services", "Find services")
    app.wait("service-result")
    app.dismiss_toasts()
    app.screenshot(ARTIFACTS / "a11y-customer-find-services-dark.png")
    logout(app)
    login_expect_home(app, "ravi.k", DEMO_PASSWORD, "Professional")
    professional_pages(app, audit)
    use_theme(app, "light")
    professional_pages(app, audit)
    audit.done()


def test_connected_pages_light_and_dark(server, app: App, second_window):
    """A desktop connected to a server: the first-run screen's server check, Terminals (a
    connected desk only) with its dialogs, and another desktop's enrolment page."""
    from test_connected import connected_prefs, open_terminals

    address, fingerprint = server
    audit = Audit(app)
    app.click("mode-server")
    app.type("connect-address", address)
    app.click("connect-check")
    app.wait("connect-fingerprint")
    audit.check("setup-connect-fingerprint")
    app.click("connect-confirm")
    app.wait("setup-username")
    audit.check("setup-on-empty-server")
    create_admin_with_demo(app)

    for theme in ("light", "dark"):
        use_theme(app, theme)
        open_terminals(app)
        audit.check("admin-terminals")
        app.click("terminal-new")
        app.wait("terminal-name")
        audit.check("admin-terminal-dialog")
        app.type("terminal-name", f"Counter {theme}")
        app.select("terminal-profile-select", "counter")
        app.click("terminal-save")
        app.wait("terminal-code")
        audit.check("admin-terminal-code-dialog")
        app.click("terminal-code-done")
        app.wait_gone("terminal-form")
        app.click("nav-dashboard")
        app.wait_text("home-title", "Admin")

    # Another desktop, connected but not enrolled: only the enrolment page.
    laptop = second_window(connected_prefs(address, fingerprint))
    laptop.wait("enrol-code")
    other = Audit(laptop)
    other.check("enrol")
    set_guest_theme(laptop, "dark")
    other.check("enrol")
    audit.failures += other.failures
    audit.checked += other.checked
    audit.done()
