"""Issue 4, end to end: a customer books (typing the date), a professional accepts (and cannot
complete a visit that is still ahead: the button says from when), completes an overdue job,
that customer closes it with a review — and the customers' OS notifications reach the desktop
bus, and a notification opened from the bell stays read (issue 10)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from flows import (
    DEMO_PASSWORD,
    create_admin_with_demo,
    login_expect_home,
    logout,
    search_services,
    switch_user,
)
from selenium.webdriver.common.by import By

from helpers import ARTIFACTS, App, DbusMonitor, css, sel

CUSTOMER = "anita.d"
OVERDUE_CUSTOMER = "rahul.v"  # has a demo plumbing job with Ravi, due yesterday
PRO = "ravi.k"
PRO_SHORT = "Ravi K."


def plumbing_reviews(app: App) -> tuple[str, int]:
    """(rating text, review count) on the Plumbing card of the search results."""
    card = css("service-result", service_name="Plumbing")
    rating = app.wait_css(f'{card} {css("result-rating")}').text.strip()
    count_text = app.wait_css(f'{card} {css("result-review-count")}').text.strip()
    m = re.fullmatch(r"(\d+) reviews?", count_text)
    assert m, f"Plumbing review count reads {count_text!r}"
    return rating, int(m.group(1))


def test_book_accept_complete_close_and_review(app: App, notify_monitor: DbusMonitor):
    create_admin_with_demo(app)

    # --- the customer books Plumbing ---------------------------------------------------------
    switch_user(app, CUSTOMER, DEMO_PASSWORD, "Customer")
    search_services(app, "plumb", ["Plumbing"])
    rating_before, reviews_before = plumbing_reviews(app)
    assert rating_before == "5.0", rating_before
    assert reviews_before >= 1
    app.doc_screenshot("screenshot-customer-search.png")

    app.click_css(f'{css("service-result", service_name="Plumbing")} {css("book-button")}')
    app.wait("booking-dialog")
    # Prefilled from the first free slot and the customer's profile.
    assert re.fullmatch(r"\d{2}/\d{2}/\d{4}", app.attr("book-date", "value") or ""), "booking date not prefilled"
    assert app.attr("book-slot", "value"), "booking slot not preselected"
    assert app.attr("book-pincode", "value") == "560001"
    assert app.attr("book-address", "value"), "booking address not prefilled"
    # The date takes typed digits; a past day says so (not "no slots left").
    yesterday = date.today() - timedelta(days=1)
    app.type("book-date", yesterday.strftime("%d/%m/%Y"))
    assert app.wait_text("book-date-error", "past") == "That date is in the past."
    visit_day = date.today() + timedelta(days=2)
    app.type("book-date", visit_day.strftime("%d%m%Y"))
    app.wait_attr("book-date", "data-day", visit_day.isoformat())
    hint = app.text("book-date-hint")
    assert re.match(rf"[A-Z][a-z]{{2}}, {visit_day.day} [A-Z][a-z]{{2}} {visit_day.year} · up to 90 days ahead", hint), hint
    app.select("book-slot", "10:00")
    app.click("book-submit")
    app.wait_gone("booking-dialog")

    # My requests (where booking leads) lists it as requested; it is the newest one.
    app.wait_css('[data-testid="my-request-row"][data-status="requested"]')
    ids = [int(i) for i in app.all_attrs("my-request-row", "data-request-id")]
    request_id = max(ids)
    app.wait_attr("my-request-row", "data-status", "requested", request_id=request_id)
    assert "Plumbing" in app.text("my-request-row", request_id=request_id)

    # --- the professional accepts and completes it -------------------------------------------
    switch_user(app, PRO, DEMO_PASSWORD, "Professional")
    app.click("nav-feed")
    app.wait("feed-item", request_id=request_id)
    app.doc_screenshot("screenshot-professional-feed.png")
    app.click_css(f'{css("feed-item", request_id=request_id)} {css("feed-accept")}')
    app.wait_gone("feed-item", request_id=request_id)

    app.click("nav-jobs")
    job = css("job-row", request_id=request_id)
    app.wait_css(f'{job}[data-status="assigned"]')
    phone = app.wait_css(f'{job} {css("job-customer-phone")}').text.strip()
    assert re.fullmatch(r"\+?[0-9][0-9 -]{7,}", phone), f"customer phone reads {phone!r}"
    # The visit is two days ahead: Mark completed is disabled and says from when (the core
    # would refuse it before the visit has started).
    button = app.wait_css(f'{job} {css("job-complete")}')
    assert not button.is_enabled(), "Mark completed is enabled before the visit"
    hint = app.wait_css(f'{job} {css("job-complete-hint")}').text.strip()
    expected = f"Available from {visit_day.strftime('%a')}, {visit_day.day} {visit_day.strftime('%b')}, 10:00"
    assert hint == expected, f"hint reads {hint!r}, want {expected!r}"
    assert button.get_attribute("aria-describedby") == app.wait_css(f'{job} {css("job-complete-hint")}').get_attribute("id")
    assert not app.driver.find_elements(By.CSS_SELECTOR, f'{job} {css("job-overdue")}'), "a future job is flagged overdue"

    # Rahul's demo plumbing visit was yesterday: that job is flagged overdue, listed first
    # (soonest visit first, as the core sorts them) and can be completed.
    ids = [int(i) for i in app.all_attrs("job-row", "data-request-id")]
    overdue_id = next(i for i in ids if i != request_id)
    assert ids == [overdue_id, request_id], f"jobs listed as {ids}"
    overdue = css("job-row", request_id=overdue_id)
    assert app.wait_css(f'{overdue} {css("job-overdue")}').text.strip() == "Overdue"
    assert "Rahul" in app.wait_css(overdue).text
    app.screenshot(ARTIFACTS / "jobs-overdue-and-not-yet.png")
    app.click_css(f'{overdue} {css("job-complete")}')
    app.wait("complete-dialog")
    app.click("complete-submit")
    app.wait_gone("complete-dialog")
    app.wait_gone("job-row", request_id=overdue_id)  # leaves the Assigned tab
    app.click("jobs-tab-completed")
    app.wait_css(f'{overdue}[data-status="completed"]')

    # --- back to the customers: OS notifications, bell, close with a review ------------------
    logout(app)
    login_expect_home(app, CUSTOMER, DEMO_PASSWORD, "Customer")
    accepted = notify_monitor.wait_for_notify(f"accepted by {PRO_SHORT}", timeout=6)
    summary, body = accepted[2], accepted[3]  # Notify(app_name, app_icon, summary, body, …)
    assert summary == "Request accepted" and re.fullmatch(
        rf"Plumbing on \d{{1,2}} \w{{3}} accepted by {re.escape(PRO_SHORT)}", body
    ), f"Notify summary {summary!r}, body {body!r}; dbus-monitor log: {notify_monitor.log_path}"
    badge = app.wait("notification-badge").text.strip()
    assert badge and (badge == "99+" or int(badge) >= 1), f"unread badge reads {badge!r}"
    app.click("notification-bell")
    accepted_item = app.wait_until(
        lambda: next(
            (
                e.get_attribute("data-notification-id")
                for e in app.driver.find_elements(*sel("notification-item", read="false"))
                if f"accepted by {PRO_SHORT}" in e.text
            ),
            None,
        ),
        "no unread 'accepted by Ravi K.' item in the notification panel",
    )
    unread_before = int(app.text("notification-badge"))
    # Opening it leads to the request and marks it read, for good (the panel reloads from Rust).
    app.click("notification-item", notification_id=accepted_item)
    app.wait_text("request-title", "Plumbing")
    assert app.driver.current_url.endswith(f"/customer/requests/{request_id}"), app.driver.current_url
    app.click("notification-bell")
    app.wait_attr("notification-item", "data-read", "true", notification_id=accepted_item)
    app.wait_until(
        lambda: not app.is_visible("notification-badge") or int(app.text("notification-badge")) < unread_before,
        "the unread count did not go down",
    )
    app.click("notification-bell")  # close the panel
    logout(app)
    login_expect_home(app, CUSTOMER, DEMO_PASSWORD, "Customer")
    app.click("notification-bell")
    app.wait_attr("notification-item", "data-read", "true", notification_id=accepted_item)
    app.click("notification-bell")

    logout(app)
    login_expect_home(app, OVERDUE_CUSTOMER, DEMO_PASSWORD, "Customer")
    notify_monitor.wait_for_notify("Job completed", f"{PRO_SHORT} completed Plumbing", timeout=6)
    request_id = overdue_id
    app.click("nav-my-requests")
    row = css("my-request-row", request_id=request_id)
    app.wait_css(f'{row}[data-status="completed"]')
    app.click_css(row)
    app.wait_attr("request-status", "data-status", "completed")
    app.click("request-close")
    app.wait("review-dialog")
    app.click("review-star-5")
    app.click("review-submit")
    app.wait_gone("review-dialog")
    app.wait_attr("request-status", "data-status", "closed")
    app.wait("request-your-review")

    # The review counts on the service card.
    search_services(app, "plumb", ["Plumbing"])
    app.wait_until(
        lambda: plumbing_reviews(app) == ("5.0", reviews_before + 1),
        lambda: f"Plumbing shows {plumbing_reviews(app)}, want ('5.0', {reviews_before + 1})",
    )
