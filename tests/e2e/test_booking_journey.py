"""Issue 4, end to end: a customer books, a professional accepts (and cannot complete a visit
that is still ahead), completes an overdue job, that customer closes it with a review — and the
customers' OS notifications reach the desktop bus."""

from __future__ import annotations

import re

from flows import (
    DEMO_PASSWORD,
    create_admin_with_demo,
    login_expect_home,
    logout,
    search_services,
    switch_user,
)
from helpers import App, DbusMonitor, css, sel

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
    # Prefilled from the first free slot and the customer's profile: nothing to type.
    assert app.attr("book-date", "value"), "booking date not prefilled"
    assert app.attr("book-slot", "value"), "booking slot not preselected"
    assert app.attr("book-pincode", "value") == "560001"
    assert app.attr("book-address", "value"), "booking address not prefilled"
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
    # Tomorrow's visit cannot be completed today: the core refuses and says when it is.
    app.click_css(f'{job} {css("job-complete")}')
    app.wait("complete-dialog")
    app.click("complete-submit")
    app.wait_text("toast", "scheduled for")
    app.wait_css(f'{job}[data-status="assigned"]')
    app.dismiss_toasts()

    # Rahul's demo plumbing visit was yesterday: that job is overdue and can be completed.
    overdue_id = next(
        int(i) for i in app.all_attrs("job-row", "data-request-id") if int(i) != request_id
    )
    overdue = css("job-row", request_id=overdue_id)
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
    app.wait_until(
        lambda: any(
            f"accepted by {PRO_SHORT}" in e.text
            for e in app.driver.find_elements(*sel("notification-item", read="false"))
        ),
        "no unread 'accepted by Ravi K.' item in the notification panel",
    )
    app.click("notification-bell")  # close the panel

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
