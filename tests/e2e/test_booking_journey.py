"""Issue 4, end to end: a customer books (one of the free times the core offers), a professional
accepts (and cannot complete a visit that is still ahead: the button says from when), completes
an overdue job with the code its customer reads out from their request page, that customer
closes it paying cash, with a review and saves the receipt as a PDF (issue 15) — and the
customers' OS notifications reach the desktop bus, and a notification opened from the bell stays
read (issue 10). Along the way: the professional's week and the admin's dispatch board with the
booked job (doc screenshots)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

from flows import (
    ADMIN,
    DEMO_PASSWORD,
    admin_nav,
    create_admin_with_demo,
    login_expect_home,
    logout,
    search_services,
    switch_user,
)
from pypdf import PdfReader
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

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


def completion_code(app: App, request_id: int) -> str:
    """The 6-digit completion code the signed-in customer sees on one of their assigned requests."""
    app.click("nav-my-requests")
    row = css("my-request-row", request_id=request_id)
    app.wait_css(f'{row}[data-status="assigned"]')
    app.click_css(row)
    app.wait_attr("request-status", "data-status", "assigned")
    code = app.wait("completion-code").text.strip()
    assert re.fullmatch(r"\d{6}", code), f"the completion code reads {code!r}"
    return code


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def pdf_text(path: Path) -> str:
    """The text of every page of a PDF, as pypdf extracts it."""
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def test_book_accept_complete_close_and_review(app: App, notify_monitor: DbusMonitor, export_dir: Path):
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
    # Prefilled from the customer's profile; the times are the ones the core offers.
    assert app.attr("book-pincode", "value") == "560001"
    assert app.attr("book-address", "value"), "booking address not prefilled"
    app.wait("book-day")
    # The first free time of the first day shown is chosen to start with.
    app.wait_css(f'{css("book-slot-option")}[aria-checked="true"]')
    # Two days ahead, at 10:00 (demo professionals work the default week, 08:00–20:00).
    visit_day = date.today() + timedelta(days=2)
    app.select("book-day", visit_day.isoformat())
    app.click("book-slot-option", time="10:00")
    app.wait_attr("book-slot-option", "aria-checked", "true", time="10:00")
    app.click("book-submit")
    app.wait_gone("booking-dialog")

    # My requests (where booking leads) lists it as requested; it is the newest one.
    app.wait_css('[data-testid="my-request-row"][data-status="requested"]')
    ids = [int(i) for i in app.all_attrs("my-request-row", "data-request-id")]
    request_id = max(ids)
    booked_id = request_id
    app.wait_attr("my-request-row", "data-status", "requested", request_id=request_id)
    assert "Plumbing" in app.text("my-request-row", request_id=request_id)

    # --- the professional accepts and completes it -------------------------------------------
    switch_user(app, PRO, DEMO_PASSWORD, "Professional")
    app.click("nav-feed")
    app.wait("feed-item", request_id=request_id)
    app.doc_screenshot("screenshot-professional-feed.png")
    app.click_css(f'{css("feed-item", request_id=request_id)} {css("feed-accept")}')
    app.wait_gone("feed-item", request_id=request_id)

    # My week shows the accepted job on its day (two days ahead: this week or the next).
    app.click("nav-my-week")
    app.wait("week-grid")
    if monday_of(visit_day) != monday_of(date.today()):
        app.click("week-next")
    app.wait("week-job", request_id=request_id)
    app.wait_css(f'{css("week-grid")}:not(.opacity-50)')
    app.doc_screenshot("screenshot-week.png")

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
    # The professional needs the code the customer sees on their request: Rahul reads it out.
    switch_user(app, OVERDUE_CUSTOMER, DEMO_PASSWORD, "Customer")
    code = completion_code(app, overdue_id)
    switch_user(app, PRO, DEMO_PASSWORD, "Professional")
    app.click("nav-jobs")
    app.click_css(f'{overdue} {css("job-complete")}')
    app.wait("complete-dialog")
    # A wrong code is refused under the field (with the tries left), not completed.
    wrong = "000000" if code != "000000" else "111111"
    app.type("complete-code", wrong)
    app.click("complete-submit")
    assert "tries left" in app.wait_text("complete-code-error", "tries left")
    app.type("complete-code", code)
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
        rf"Plumbing on \d{{1,2}} \w{{3}} accepted by {re.escape(PRO_SHORT)}"
            r" — your completion code is \d{6}: give it to them when the job is done",
            body,
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
    # The bill (booked price, no extras here) and the total to accept; paid in cash.
    total = app.wait_text("close-total", "₹")
    assert re.fullmatch(r"₹[\d,]+\.\d{2}", total.strip()), f"total reads {total!r}"
    app.click("close-method-cash")
    app.click("review-star-5")
    app.click("review-submit")
    app.wait_gone("review-dialog")
    app.wait_attr("request-status", "data-status", "closed")
    app.wait("request-your-review")
    # Closing issued a receipt with that total, paid in cash.
    app.click("request-receipt")
    app.wait("receipt")
    assert app.text("receipt-number").startswith("Receipt No. ")
    assert app.text("receipt-total").strip() == total.strip()
    assert app.text("receipt-payment").strip() == "Paid by Cash"
    number = app.text("receipt-number").strip().removeprefix("Receipt No. ")
    assert number.isdigit(), f"receipt number reads {number!r}"
    service = app.text("receipt-service").strip().split(" (request #")[0]
    assert service == "Plumbing", service

    # Save as PDF: the desktop writes receipt-<number>.pdf into HS_EXPORT_DIR (no save dialog).
    app.click("receipt-save-pdf")
    pdf = export_dir / f"receipt-{number}.pdf"
    # The toast (a few seconds on screen) comes once the file is in place.
    app.wait_until(
        lambda: any(
            f"Receipt saved to {pdf}" in t.text for t in app.driver.find_elements(*sel("toast"))
        ),
        lambda: f"no 'Receipt saved to {pdf}' toast; toasts: {[t.text for t in app.driver.find_elements(*sel('toast'))]}",
    )
    app.wait_until(lambda: pdf.is_file() and pdf.stat().st_size > 0, f"{pdf} was not saved")
    text = pdf_text(pdf)
    # Helvetica has no rupee sign: the PDF writes "Rs 539.00" (no thousands separator).
    rupees = "Rs " + total.strip().removeprefix("₹").replace(",", "")
    for expected in (f"Receipt No. {number}", service, rupees, "Paid by Cash"):
        assert expected in text, f"{expected!r} not in the PDF text:\n{text}"
    app.click_css(f'{css("receipt-dialog")} .btn-close')
    app.wait_gone("receipt-dialog")

    # The review counts on the service card.
    search_services(app, "plumb", ["Plumbing"])
    app.wait_until(
        lambda: plumbing_reviews(app) == ("5.0", reviews_before + 1),
        lambda: f"Plumbing shows {plumbing_reviews(app)}, want ('5.0', {reviews_before + 1})",
    )

    # --- the admin's dispatch board: the booked job in Ravi's column on its day ---------------
    switch_user(app, ADMIN.username, ADMIN.password, "Admin")
    admin_nav(app, "nav-dispatch")
    app.wait("dispatch-board")
    app.type("dispatch-day", visit_day.strftime("%d/%m/%Y") + Keys.ENTER)
    app.wait_until(
        lambda: "Plumbing" in [o.text.strip() for o in Select(app.wait("dispatch-service")).options],
        "Plumbing is not offered on the dispatch board",
    )
    Select(app.wait("dispatch-service")).select_by_visible_text("Plumbing")
    job = app.wait("dispatch-job", request_id=booked_id)
    assert "Plumbing" in job.text and "10:00" in job.text, job.text
    app.wait_css(f'{css("dispatch-board")}:not(.opacity-50)')
    assert f"day={visit_day.isoformat()}" in app.driver.current_url, app.driver.current_url
    app.doc_screenshot("screenshot-dispatch.png")
