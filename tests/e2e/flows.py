"""Multi-step user flows shared by the e2e tests."""

from __future__ import annotations

from dataclasses import dataclass

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from helpers import DEFAULT_TIMEOUT, App, css, sel


@dataclass(frozen=True)
class Person:
    fullname: str
    username: str
    email: str
    password: str


ADMIN = Person("Asha Admin", "admin", "admin@example.com", "Admin-Passw0rd!")
CUSTOMER = Person("Carla Customer", "carla", "carla@example.com", "Carla-Passw0rd!")
CUSTOMER_PHONE = "9876543210"
CUSTOMER_ADDRESS = "12 Lake View Road, Springfield"
CUSTOMER_PINCODE = "560001"


def create_admin(app: App, admin: Person = ADMIN) -> None:
    """First-run screen → admin account → admin home."""
    app.wait("setup-username")
    app.fill(
        setup_fullname=admin.fullname,
        setup_username=admin.username,
        setup_email=admin.email,
        setup_password=admin.password,
        setup_password_confirm=admin.password,
    )
    app.click("setup-submit")
    app.wait_text("home-title", "Admin")


def logout(app: App) -> None:
    app.click("nav-logout")
    app.wait("login-identifier")


def login(app: App, identifier: str, password: str) -> None:
    app.type("login-identifier", identifier)
    app.type("login-password", password)
    app.click("login-submit")


def login_expect_home(app: App, identifier: str, password: str, role: str) -> None:
    login(app, identifier, password)
    app.wait_text("home-title", role)


def login_expect_error(app: App, identifier: str, password: str) -> str:
    """Submit a failing login and return the error text of *this* attempt.

    The login page drops its error alert when a new attempt starts (v-if), so an alert
    left from an earlier attempt must go stale before the new one is read.
    """
    old = app.driver.find_elements(*sel("login-error"))
    login(app, identifier, password)
    if old:
        WebDriverWait(app.driver, DEFAULT_TIMEOUT).until(EC.staleness_of(old[0]))
    return app.wait("login-error").text.strip()


def register_customer(app: App, customer: Person = CUSTOMER) -> None:
    """Login screen → customer registration → customer home."""
    app.click("link-register-customer")
    app.wait("reg-username")
    app.fill(
        reg_fullname=customer.fullname,
        reg_username=customer.username,
        reg_email=customer.email,
        reg_password=customer.password,
        reg_password_confirm=customer.password,
        reg_phone=CUSTOMER_PHONE,
        reg_address=CUSTOMER_ADDRESS,
        reg_pincode=CUSTOMER_PINCODE,
    )
    app.click("reg-submit")
    app.wait_text("home-title", "Customer")


# --- demo data ---------------------------------------------------------------------------
DEMO_PASSWORD = "demo-password-2026"


def create_admin_with_demo(app: App, admin: Person = ADMIN) -> None:
    """First-run screen with "Load demo data" ticked → admin dashboard with the demo summary."""
    app.wait("setup-username")
    app.click("setup-demo")
    assert app.wait("setup-demo").is_selected(), "the Load demo data checkbox did not tick"
    create_admin(app, admin)
    app.wait("demo-summary")


def login_expect_account_state(app: App, identifier: str, password: str) -> tuple[str, str]:
    """Submit a login refused for the account's state; return (data-code, alert text)."""
    old = app.driver.find_elements(*sel("account-state"))
    login(app, identifier, password)
    if old:
        WebDriverWait(app.driver, DEFAULT_TIMEOUT).until(EC.staleness_of(old[0]))
    alert = app.wait("account-state")
    return alert.get_attribute("data-code") or "", alert.text.strip()


def switch_user(app: App, identifier: str, password: str, role: str) -> None:
    logout(app)
    login_expect_home(app, identifier, password, role)


# --- admin -------------------------------------------------------------------------------
# The admin's navbar entries inside a dropdown (the navbar must fit a 900 px window): the
# toggle of their menu.
ADMIN_MENU_OF = {
    "nav-requests": "nav-requests-menu",
    "nav-dispatch": "nav-requests-menu",
    "nav-complaints": "nav-requests-menu",
    "nav-jobs-admin": "nav-system",
    "nav-backups": "nav-system",
    "nav-terminals": "nav-system",
}


def admin_nav(app: App, testid: str) -> None:
    """Click an admin navbar entry, opening its dropdown first when it is in one."""
    menu = ADMIN_MENU_OF.get(testid)
    if menu:
        app.click(menu)
    app.click(testid)


def open_person(app: App, username: str) -> None:
    """People → search for `username` → that person's detail page."""
    app.click("nav-people")
    app.type("people-search", username)
    # The search is debounced into the URL, then filtered in Rust: wait for the answer.
    app.wait_until(
        lambda: app.all_attrs("person-row", "data-username") == [username],
        lambda: f"People search {username!r} shows {app.all_attrs('person-row', 'data-username')}",
    )
    app.click_css(f'{css("person-row", username=username)} {css("person-open")}')
    app.wait_until(
        lambda: f"@{username}" in app.driver.find_element(By.TAG_NAME, "main").text,
        f"the detail page of @{username} did not open",
    )
    app.wait("person-status")


# --- customer ----------------------------------------------------------------------------
def search_services(app: App, text: str, expect: list[str]) -> None:
    """Find services → type `text` → wait until exactly the services `expect` are listed."""
    app.click("nav-find-services")
    app.wait("search-text")
    # The first search (all services in the profile's PIN code) must be in before typing.
    app.wait_until(lambda: app.all_attrs("service-result", "data-service-name"), "no services listed")
    app.type("search-text", text)
    app.wait_until(
        lambda: app.all_attrs("service-result", "data-service-name") == expect,
        lambda: f"search {text!r} lists {app.all_attrs('service-result', 'data-service-name')}, want {expect}",
    )
