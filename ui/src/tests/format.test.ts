import { describe, expect, it } from "vitest";
import {
  auditActionLabel,
  DEFAULT_LOCALE,
  formatDate,
  formatDateTime,
  formatDay,
  formatNumber,
  formatRelative,
  formatSchedule,
  formatScheduleShort,
  LOCALE,
  pickLocale,
  plural,
  formatBytes,
  formatDayLabel,
  formatMinutes,
  formatMoney,
  formatRating,
  minorToPriceInput,
  parsePriceToMinor,
  REQUEST_STATUS_COLOR,
  REQUEST_STATUS_LABEL,
  REQUEST_STATUSES,
  showingRange,
  statusColor,
  truncate,
} from "../format";
import { peopleQueryFromRoute, peopleQueryToRoute, requestQueryFromRoute, requestQueryToRoute } from "../listQuery";

describe("parsePriceToMinor", () => {
  it("converts rupees to exact integer minor units", () => {
    expect(parsePriceToMinor("499.90")).toEqual({ ok: true, minor: 49990 });
    expect(parsePriceToMinor("499.9")).toEqual({ ok: true, minor: 49990 });
    expect(parsePriceToMinor("499")).toEqual({ ok: true, minor: 49900 });
    expect(parsePriceToMinor(" 0.05 ")).toEqual({ ok: true, minor: 5 });
    expect(parsePriceToMinor("0")).toEqual({ ok: true, minor: 0 });
    // Values where floating point would go wrong (1.1 * 100 = 110.00000000000001, 4.35 * 100 = 434.99…).
    expect(parsePriceToMinor("1.10")).toEqual({ ok: true, minor: 110 });
    expect(parsePriceToMinor("4.35")).toEqual({ ok: true, minor: 435 });
    expect(parsePriceToMinor("10000000")).toEqual({ ok: true, minor: 1_000_000_000 });
  });

  it("rejects more than two decimals, negatives, junk and too much", () => {
    const error = (raw: string) => {
      const r = parsePriceToMinor(raw);
      return r.ok ? null : r.error;
    };
    expect(error("1.234")).toMatch(/2 decimal/);
    expect(error("-5")).toMatch(/negative/);
    expect(error("-0.50")).toMatch(/negative/);
    expect(error("")).toMatch(/Enter a base price/);
    expect(error("12a")).toMatch(/like 499/);
    expect(error("1,000")).toMatch(/like 499/);
    expect(error("1e3")).toMatch(/like 499/);
    expect(error("10000000.01")).toMatch(/at most/);
    expect(error("123456789")).toMatch(/at most/);
  });

  it("round-trips with the form's display value", () => {
    expect(minorToPriceInput(49990)).toBe("499.90");
    expect(minorToPriceInput(50000)).toBe("500");
    expect(minorToPriceInput(5)).toBe("0.05");
    for (const minor of [0, 1, 99, 100, 12345, 49990]) {
      expect(parsePriceToMinor(minorToPriceInput(minor))).toEqual({ ok: true, minor });
    }
  });

  it("formats money as INR from minor units, grouped the Indian way", () => {
    expect(formatMoney(49990)).toBe("₹499.90");
    expect(formatMoney(249900)).toBe("₹2,499.00");
    expect(formatMoney(10_000_000)).toBe("₹1,00,000.00");
    expect(formatMoney(0)).toBe("₹0.00");
  });
});

describe("formatMinutes", () => {
  it("uses hours and minutes", () => {
    expect(formatMinutes(90)).toBe("1 h 30 min");
    expect(formatMinutes(60)).toBe("1 h");
    expect(formatMinutes(45)).toBe("45 min");
    expect(formatMinutes(5)).toBe("5 min");
    expect(formatMinutes(1440)).toBe("24 h");
    expect(formatMinutes(125)).toBe("2 h 5 min");
  });
});

describe("status colours", () => {
  it("gives every request status its fixed colour", () => {
    expect(REQUEST_STATUS_COLOR).toEqual({
      requested: "secondary",
      assigned: "primary",
      completed: "info",
      closed: "success",
      rejected: "danger",
      cancelled: "warning",
      expired: "dark",
    });
    expect(statusColor("request", "assigned")).toBe("primary");
    expect(statusColor("request", "expired")).toBe("dark");
    expect(REQUEST_STATUS_LABEL.expired).toBe("Expired");
    expect(REQUEST_STATUSES).toContain("expired");
    expect(statusColor("request", "closed")).toBe("success");
  });

  it("colours people's states and falls back for unknown values", () => {
    expect(statusColor("user", "active")).toBe("success");
    expect(statusColor("user", "blocked")).toBe("danger");
    expect(statusColor("verification", "pending")).toBe("warning");
    expect(statusColor("verification", "approved")).toBe("success");
    expect(statusColor("request", "mystery")).toBe("light");
    expect(statusColor("verification", null)).toBe("light");
  });
});

describe("other formatting", () => {
  it("describes the visible range", () => {
    expect(showingRange(1, 20, 57)).toBe("Showing 1–20 of 57");
    expect(showingRange(3, 20, 57)).toBe("Showing 41–57 of 57");
    expect(showingRange(2, 20, 1000, true)).toBe("Showing 21–40 of 1,000+");
    expect(showingRange(1, 20, 0)).toBe("No results");
  });

  it("formats ratings, sizes, day labels, audit actions and long text", () => {
    expect(formatRating(4.25)).toBe("4.3");
    expect(formatRating(null)).toBe("—");
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(1536)).toBe("1.5 KB");
    expect(formatBytes(3 * 1024 * 1024)).toBe("3.0 MB");
    // A YYYY-MM-DD label is that calendar day whatever the time zone.
    expect(formatDayLabel("2024-03-01")).toBe("1 Mar");
    expect(formatDayLabel("2024-03-01", true)).toBe("Friday, 1 March 2024");
    expect(auditActionLabel("user.blocked")).toBe("Blocked");
    expect(auditActionLabel("login.failed")).toBe("Login failed");
    expect(truncate("abcdefghij", 5)).toBe("abcd…");
    expect(truncate("abc", 5)).toBe("abc");
  });
});

describe("one locale for the whole UI", () => {
  it("is en-IN unless the system really sets another one", () => {
    expect(DEFAULT_LOCALE).toBe("en-IN");
    // What WebKitGTK reports without a configured locale (LANG=C): not a choice, so en-IN.
    for (const unset of [undefined, null, [], [""], ["C"], ["C.UTF-8"], ["POSIX"], ["en-US"], ["en-us"], ["en"], ["en-US", "fr"]]) {
      expect(pickLocale(unset as string[] | null | undefined)).toBe("en-IN");
    }
    expect(pickLocale(["en-GB"])).toBe("en-GB");
    expect(pickLocale(["hi-IN", "en-US"])).toBe("hi-IN");
    expect(pickLocale(["de_DE.UTF-8"])).toBe("de-DE");
    expect(pickLocale(["not a locale!"])).toBe("en-IN");
    // jsdom says en-US: the tests run in en-IN like an unconfigured desktop.
    expect(LOCALE).toBe("en-IN");
  });

  it("writes dates as 5 Dec 2026 and visits as Sat, 5 Dec 2026, 10:00 (24-hour, local)", () => {
    const visit = new Date(2026, 11, 5, 10, 0).toISOString();
    expect(formatDate(visit)).toBe("5 Dec 2026");
    expect(formatDateTime(visit)).toBe("5 Dec 2026, 10:00");
    expect(formatSchedule(visit)).toBe("Sat, 5 Dec 2026, 10:00");
    expect(formatScheduleShort(visit)).toBe("Sat, 5 Dec, 10:00");
    expect(formatSchedule(new Date(2026, 11, 5, 18, 30).toISOString())).toBe("Sat, 5 Dec 2026, 18:30");
    expect(formatDay("2026-12-05")).toBe("Sat, 5 Dec 2026");
    expect(formatDate(null)).toBe("—");
    expect(formatSchedule("garbage")).toBe("garbage");
  });

  it("groups counts the Indian way everywhere", () => {
    expect(formatNumber(1234567)).toBe("12,34,567");
    expect(formatNumber(999)).toBe("999");
    expect(plural(100000, "row")).toBe("1,00,000 rows");
    expect(showingRange(2, 20, 150000)).toBe("Showing 21–40 of 1,50,000");
    const now = new Date(2026, 11, 3, 12, 0);
    expect(formatRelative(new Date(2026, 11, 3, 10, 0).toISOString(), now)).toBe("2 hours ago");
    expect(formatRelative(new Date(2026, 11, 2, 12, 0).toISOString(), now)).toBe("yesterday");
  });
});

describe("list queries in the URL", () => {
  it("reads a people preset and ignores unknown values", () => {
    const q = peopleQueryFromRoute({ role: "professional", verification: "pending", status: "weird", page: "x" });
    expect(q).toEqual({
      role: "professional",
      status: null,
      verification: "pending",
      service_id: null,
      pincode: null,
      search: null,
      open_complaints: false,
      page: 1,
      per_page: 20,
    });
    expect(peopleQueryToRoute({ ...q, search: " asha ", page: 2 })).toEqual({
      search: "asha",
      role: "professional",
      verification: "pending",
      page: "2",
    });
    expect(peopleQueryFromRoute({ complaints: "open" }).open_complaints).toBe(true);
    expect(peopleQueryFromRoute({ complaints: "all" }).open_complaints).toBe(false);
    expect(peopleQueryToRoute({ ...q, open_complaints: true })).toMatchObject({ complaints: "open" });
  });

  it("defaults requests to newest first and round-trips sort and filters", () => {
    const q = requestQueryFromRoute({});
    expect(q.sort).toBe("created_at");
    expect(q.descending).toBe(true);
    expect(requestQueryToRoute(q)).toEqual({});
    const custom = requestQueryFromRoute({ status: "assigned", sort: "status", dir: "asc", customer: "12", from: "2024-01-02" });
    expect(custom).toMatchObject({ status: "assigned", sort: "status", descending: false, customer_id: 12, created_from: "2024-01-02" });
    expect(requestQueryFromRoute(requestQueryToRoute(custom) as never)).toEqual(custom);
    expect(requestQueryFromRoute({ sort: "id; DROP TABLE", from: "01/02/2024" })).toMatchObject({
      sort: "created_at",
      created_from: null,
    });
  });
});
