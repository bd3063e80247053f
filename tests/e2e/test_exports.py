"""Issue 6, end to end: the administrator exports the closed requests to CSV.

The native save dialog cannot be driven by WebDriver: the fixtures start tauri-driver (and
so the app) with HS_EXPORT_DIR set, and the app saves there without asking.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from flows import create_admin_with_demo
from helpers import App, DbusMonitor, css

CLOSED_REQUESTS_HEADER = [
    "request_id", "service", "customer", "customer_email", "professional", "requested_at",
    "completed_at", "closed_at", "remarks", "rating", "review_comment", "base_price",
]  # fmt: skip
DEMO_CLOSED_REQUESTS = 4


def test_export_closed_requests_csv(app: App, export_dir: Path, notify_monitor: DbusMonitor):
    create_admin_with_demo(app)

    app.click("nav-exports")
    app.wait("export-kind")
    app.select("export-kind", "closed_requests")
    app.click("export-start")

    # The new job is the only row; it runs in the background until it succeeds.
    app.wait("export-row")
    ids = app.all_attrs("export-row", "data-export-id")
    assert len(ids) == 1, f"export history rows: {ids}"
    export_id = ids[0]
    app.wait_attr("export-row", "data-status", "succeeded", export_id=export_id)
    rows_cell = app.wait_css(f'{css("export-row", export_id=export_id)} {css("export-rows")}')
    assert rows_cell.get_attribute("data-rows") == str(DEMO_CLOSED_REQUESTS)
    assert rows_cell.text.strip() == str(DEMO_CLOSED_REQUESTS)

    # The file: closed-requests-YYYY-MM-DD.csv in HS_EXPORT_DIR, the exact header, one row each.
    files = sorted(p.name for p in export_dir.iterdir())
    assert len(files) == 1 and re.fullmatch(r"closed-requests-\d{4}-\d{2}-\d{2}\.csv", files[0]), files
    with open(export_dir / files[0], newline="", encoding="utf-8") as f:
        table = list(csv.reader(f))
    assert table[0] == CLOSED_REQUESTS_HEADER
    data = table[1:]
    assert len(data) == DEMO_CLOSED_REQUESTS, data
    assert all(len(r) == len(CLOSED_REQUESTS_HEADER) for r in data), data
    ids = [r[0] for r in data]
    assert all(i.isdigit() for i in ids) and len(set(ids)) == len(ids), ids
    assert all(r[7] for r in data), "a closed request without closed_at"

    # The desktop is told too.
    strings = notify_monitor.wait_for_notify("Export finished", timeout=6)
    assert f"{DEMO_CLOSED_REQUESTS} rows saved to" in strings[3] and files[0] in strings[3], strings
