"""First run, admin creation, customer registration and logins, end to end."""

from __future__ import annotations

from flows import (
    ADMIN,
    CUSTOMER,
    create_admin,
    login_expect_error,
    login_expect_home,
    logout,
    register_customer,
)
from helpers import GENERIC_LOGIN_ERROR, App


def test_first_run_customer_registration_and_login_errors(app: App):
    # Empty database → first-run screen → admin account → admin home.
    app.wait("setup-username")
    create_admin(app)
    app.doc_screenshot("screenshot-admin-home.png")

    logout(app)
    app.doc_screenshot("screenshot-login.png")

    # Customer self-registration logs the customer in.
    register_customer(app)
    assert CUSTOMER.fullname in app.text("current-user")
    logout(app)

    # Login by e-mail.
    login_expect_home(app, CUSTOMER.email, CUSTOMER.password, "Customer")
    assert CUSTOMER.fullname in app.text("current-user")
    logout(app)

    # Wrong password and unknown account give the same generic message.
    assert login_expect_error(app, CUSTOMER.username, "Wrong-Passw0rd!") == GENERIC_LOGIN_ERROR
    assert login_expect_error(app, "nobody@example.com", CUSTOMER.password) == GENERIC_LOGIN_ERROR
    assert not app.is_visible("home-title")


def test_admin_login_by_username_after_customer_registration(app: App):
    create_admin(app)
    logout(app)
    register_customer(app)
    logout(app)

    login_expect_home(app, ADMIN.username, ADMIN.password, "Admin")
    assert ADMIN.fullname in app.text("current-user")
