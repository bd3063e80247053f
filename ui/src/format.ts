// Display helpers shared by every page: money, numbers, durations, dates, ratings and the
// colours of statuses (one place, so a value looks the same on every page, list and chart).
//
// ONE LOCALE FOR THE WHOLE UI. Every number, amount and date on screen goes through the
// formatters below (nothing else calls Intl or toLocaleString), all built for `LOCALE`:
//
// - en-IN by default: the app serves Indian households (₹, PIN codes), so amounts read
//   "₹2,499.00" and "₹1,00,000.00" (lakh grouping) and dates "5 Dec 2026".
// - The system locale is followed where it is really set: navigator.language (WebKitGTK takes
//   it from the session's LANG/LC_* settings), e.g. en-GB, hi-IN or de-DE.
// - Except plain "en-US" (and a missing or bare "en"): that is what the webview reports when
//   no locale is configured at all (LANG=C, a minimal desktop, CI), so it cannot be told
//   apart from "not set" and is the very mix of US dates beside ₹ that issue #10 reported.
//   Such systems get en-IN. A locale Intl does not support falls back to en-IN as well.
// - Times are always 24-hour ("10:00"), as the core writes them in its messages ("This visit
//   is scheduled for 5 Dec 2026, 10:00") and as the booking slots are named.
// - Date-times are composed from a date part and a time part ("Sat, 5 Dec 2026, 10:00")
//   rather than left to one Intl pattern: ICU versions disagree about the commas in between
//   (some print "Sat, 5 Dec, 2026"), and the webview's ICU is not the test runner's.

/** Most a service may cost, in minor units (mirrors Rust `MAX_PRICE_MINOR`). */
export const MAX_PRICE_MINOR = 1_000_000_000;

/** The locale used when the system's cannot be trusted (see the top of this file). */
export const DEFAULT_LOCALE = "en-IN";

/** Picks the UI locale from the system's preferred languages (navigator.languages). */
export function pickLocale(preferred: readonly (string | null | undefined)[] | null | undefined): string {
  const first = preferred?.find((l) => typeof l === "string" && l.trim() !== "")?.trim();
  if (!first) return DEFAULT_LOCALE;
  const tag = first.replace(/_/g, "-").replace(/\..*$/, ""); // "en_GB.UTF-8" → "en-GB"
  const lower = tag.toLowerCase();
  if (lower === "en-us" || lower === "en" || lower === "c" || lower === "posix") return DEFAULT_LOCALE;
  try {
    const [supported] = Intl.DateTimeFormat.supportedLocalesOf([tag]);
    return supported ?? DEFAULT_LOCALE;
  } catch {
    return DEFAULT_LOCALE; // not a valid language tag
  }
}

function systemLanguages(): readonly string[] {
  if (typeof navigator === "undefined") return [];
  return navigator.languages?.length ? navigator.languages : [navigator.language];
}

/** The one locale of the whole UI. */
export const LOCALE = pickLocale(systemLanguages());

const money = new Intl.NumberFormat(LOCALE, { style: "currency", currency: "INR" });
const integer = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 2 });

/** 49990 → "₹499.90", 10000000 → "₹1,00,000.00". */
export function formatMoney(minor: number): string {
  return money.format(minor / 100);
}

/** 1234567 → "12,34,567" (counts, row numbers); fractions keep up to 2 decimals. */
export function formatNumber(n: number): string {
  return Number.isInteger(n) ? integer.format(n) : decimal.format(n);
}

export type PriceParse = { ok: true; minor: number } | { ok: false; error: string };

/**
 * A decimal rupee amount as typed ("499", "499.9", "499.90") → integer minor units,
 * computed from the digits (never through floating point). More than two decimals,
 * negatives, separators and anything else are refused.
 */
export function parsePriceToMinor(raw: string): PriceParse {
  const text = raw.trim();
  if (text === "") return { ok: false, error: "Enter a base price." };
  if (/^-/.test(text)) return { ok: false, error: "The price cannot be negative." };
  const m = /^(\d+)(?:\.(\d*))?$/.exec(text);
  if (!m) return { ok: false, error: "Enter a price like 499 or 499.90." };
  const [, whole, fraction = ""] = m;
  if (fraction.length > 2) return { ok: false, error: "Use at most 2 decimal places." };
  const digits = whole.replace(/^0+(?=\d)/, "");
  const tooMuch = `The price must be at most ${formatMoney(MAX_PRICE_MINOR)}.`;
  if (digits.length > 8) return { ok: false, error: tooMuch };
  const minor = Number(digits) * 100 + Number(fraction.padEnd(2, "0"));
  if (minor > MAX_PRICE_MINOR) return { ok: false, error: tooMuch };
  return { ok: true, minor };
}

/** 49990 → "499.90", 50000 → "500": the price as the form's input shows it. */
export function minorToPriceInput(minor: number): string {
  const whole = Math.floor(minor / 100);
  const cents = minor % 100;
  return cents === 0 ? String(whole) : `${whole}.${String(cents).padStart(2, "0")}`;
}

/** 90 → "1 h 30 min", 60 → "1 h", 45 → "45 min". */
export function formatMinutes(total: number): string {
  const mins = Math.max(0, Math.round(total));
  const h = Math.floor(mins / 60);
  const m = mins % 60;
  if (h === 0) return `${m} min`;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

function parseDate(value: string | null | undefined): Date | null {
  if (!value) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

const dateFmt = new Intl.DateTimeFormat(LOCALE, { day: "numeric", month: "short", year: "numeric" });
const shortDateFmt = new Intl.DateTimeFormat(LOCALE, { day: "numeric", month: "short" });
const weekdayFmt = new Intl.DateTimeFormat(LOCALE, { weekday: "short" });
const timeFmt = new Intl.DateTimeFormat(LOCALE, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });

/** "10:00": a local time of day, 24-hour. */
export function formatTime(d: Date): string {
  return timeFmt.format(d);
}

/** A stored UTC timestamp as local date and time ("5 Dec 2026, 10:00"); "—" when absent. */
export function formatDateTime(value: string | null | undefined): string {
  if (!value) return "—";
  const d = parseDate(value);
  return d ? `${dateFmt.format(d)}, ${timeFmt.format(d)}` : value;
}

/** The local calendar date of a stored timestamp ("5 Dec 2026"); "—" when absent. */
export function formatDate(value: string | null | undefined): string {
  if (!value) return "—";
  const d = parseDate(value);
  return d ? dateFmt.format(d) : value;
}

/** A visit time with its weekday ("Sat, 5 Dec 2026, 10:00"), local; "—" when absent. */
export function formatSchedule(value: string | null | undefined): string {
  if (!value) return "—";
  const d = parseDate(value);
  return d ? `${weekdayFmt.format(d)}, ${dateFmt.format(d)}, ${timeFmt.format(d)}` : value;
}

/** A visit time in the near future, without the year ("Sat, 5 Dec, 10:00"). */
export function formatScheduleShort(value: string | null | undefined): string {
  if (!value) return "—";
  const d = parseDate(value);
  return d ? `${weekdayFmt.format(d)}, ${shortDateFmt.format(d)}, ${timeFmt.format(d)}` : value;
}

/** A local calendar day `YYYY-MM-DD` with its weekday ("Sat, 5 Dec 2026"); the input when malformed. */
export function formatDay(day: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return day;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return `${weekdayFmt.format(d)}, ${dateFmt.format(d)}`;
}

const relativeFmt = new Intl.RelativeTimeFormat(LOCALE, { numeric: "auto" });
const RELATIVE_UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["week", 7 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
];

/** "2 days ago", "yesterday", "in 3 hours"; "just now" under a minute; "—" when absent. */
export function formatRelative(value: string | null | undefined, now: Date = new Date()): string {
  if (!value) return "—";
  const d = parseDate(value);
  if (!d) return value;
  const secs = (d.getTime() - now.getTime()) / 1000;
  for (const [unit, size] of RELATIVE_UNITS) {
    if (Math.abs(secs) >= size) return relativeFmt.format(Math.trunc(secs / size), unit);
  }
  return "just now";
}

/** "1 review", "3 reviews". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatNumber(n)} ${n === 1 ? one : many}`;
}

const dayFmt = new Intl.DateTimeFormat(LOCALE, { day: "numeric", month: "short", timeZone: "UTC" });
const dayLongFmt = new Intl.DateTimeFormat(LOCALE, { dateStyle: "full", timeZone: "UTC" });

/** A `YYYY-MM-DD` day label → "21 Nov" (or the long form), read as that calendar day. */
export function formatDayLabel(day: string, long = false): string {
  const d = parseDate(/^\d{4}-\d{2}-\d{2}$/.test(day) ? `${day}T00:00:00Z` : day);
  if (!d) return day;
  return (long ? dayLongFmt : dayFmt).format(d);
}

/** 4.25 → "4.3"; "—" when there is no rating yet. */
export function formatRating(avg: number | null | undefined): string {
  return avg === null || avg === undefined ? "—" : avg.toFixed(1);
}

/**
 * A short elapsed time: 1400 → "1.4 s", 3000 → "3 s", 42000 → "42 s", 125000 → "2 min 5 s",
 * 3_720_000 → "1 h 2 min"; under a second (stored timestamps have whole seconds) → "< 1 s".
 */
export function formatElapsed(ms: number): string {
  if (!Number.isFinite(ms) || ms < 1000) return "< 1 s";
  if (ms < 10_000) {
    const tenths = Math.round(ms / 100) / 10;
    return `${Number.isInteger(tenths) ? tenths : tenths.toFixed(1)} s`;
  }
  const secs = Math.round(ms / 1000);
  if (secs < 60) return `${secs} s`;
  if (secs < 3600) {
    const m = Math.floor(secs / 60);
    const s = secs % 60;
    return s === 0 ? `${m} min` : `${m} min ${s} s`;
  }
  const h = Math.floor(secs / 3600);
  const m = Math.floor((secs % 3600) / 60);
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

/** The time between two stored timestamps, or null when either is missing or malformed. */
export function elapsedBetween(start: string | null | undefined, end: string | null | undefined): number | null {
  const a = parseDate(start);
  const b = parseDate(end);
  return a && b ? Math.max(0, b.getTime() - a.getTime()) : null;
}

/** 1536 → "1.5 KB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KB", "MB", "GB"];
  let value = bytes / 1024;
  let i = 0;
  while (value >= 1024 && i < units.length - 1) {
    value /= 1024;
    i++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[i]}`;
}

/** "Showing 21–40 of 57"; with `capped` the total is a lower bound ("of 1,000+"). */
export function showingRange(page: number, perPage: number, total: number, capped = false): string {
  if (total <= 0) return "No results";
  const of = `${formatNumber(total)}${capped ? "+" : ""}`;
  const first = (page - 1) * perPage + 1;
  if (first > total) return `Showing 0 of ${of}`;
  const last = Math.min(page * perPage, total);
  return `Showing ${formatNumber(first)}–${formatNumber(last)} of ${of}`;
}

export function pageCount(perPage: number, total: number): number {
  return Math.max(1, Math.ceil(total / Math.max(1, perPage)));
}

/** Bootstrap theme colour names. */
export type BsColor = "primary" | "secondary" | "success" | "danger" | "warning" | "info" | "light" | "dark";

export const REQUEST_STATUSES = ["requested", "assigned", "completed", "closed", "rejected", "cancelled", "expired"] as const;

export const REQUEST_STATUS_COLOR: Record<(typeof REQUEST_STATUSES)[number], BsColor> = {
  requested: "secondary",
  assigned: "primary",
  completed: "info",
  closed: "success",
  rejected: "danger",
  cancelled: "warning",
  // Nobody accepted it before its visit time.
  expired: "dark",
};

/** How a request status reads on screen ("expired" → "Expired"). */
export const REQUEST_STATUS_LABEL: Record<(typeof REQUEST_STATUSES)[number], string> = {
  requested: "Requested",
  assigned: "Assigned",
  completed: "Completed",
  closed: "Closed",
  rejected: "Rejected",
  cancelled: "Cancelled",
  expired: "Expired",
};

/** How the customer paid, as receipts and dialogs name it. */
export const PAYMENT_METHOD_LABEL: Record<"cash" | "upi" | "card", string> = { cash: "Cash", upi: "UPI", card: "Card" };

/** What a complaint can be about (mirrors Rust `complaints::CATEGORIES`). */
export const COMPLAINT_CATEGORIES = ["quality", "damage", "conduct", "billing", "lateness", "other"] as const;

export const COMPLAINT_CATEGORY_LABEL: Record<string, string> = {
  quality: "Quality of the work",
  damage: "Damage",
  conduct: "Conduct",
  billing: "Billing",
  lateness: "Lateness",
  other: "Other",
};

/** Weekday names, 0 = Monday … 6 = Sunday (the core's numbering). */
export const WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"] as const;

/** "10:00" of a stored timestamp, local; the input when malformed. */
export function formatClock(value: string): string {
  const d = parseDate(value);
  return d ? timeFmt.format(d) : value;
}

export const USER_STATUS_COLOR: Record<string, BsColor> = { active: "success", blocked: "danger" };
export const VERIFICATION_COLOR: Record<string, BsColor> = {
  pending: "warning",
  approved: "success",
  rejected: "danger",
};
export const ROLE_COLOR: Record<string, BsColor> = {
  admin: "dark",
  professional: "info",
  customer: "primary",
};

/** Export jobs: queued → running → succeeded | failed | cancelled. */
export const EXPORT_STATUS_COLOR: Record<string, BsColor> = {
  queued: "secondary",
  running: "primary",
  succeeded: "success",
  failed: "danger",
  cancelled: "warning",
};

/** Outgoing emails: queued → sending → sent | failed (retried while attempts remain). */
export const EMAIL_STATUS_COLOR: Record<string, BsColor> = {
  queued: "secondary",
  sending: "primary",
  sent: "success",
  failed: "danger",
};

export type StatusKind = "request" | "user" | "verification" | "role" | "export" | "job" | "email";

/** The Bootstrap colour of a status; "light" for anything unknown. */
export function statusColor(kind: StatusKind, value: string | null | undefined): BsColor {
  if (!value) return "light";
  const table: Record<string, BsColor> =
    kind === "request"
      ? REQUEST_STATUS_COLOR
      : kind === "user"
        ? USER_STATUS_COLOR
        : kind === "verification"
          ? VERIFICATION_COLOR
          : kind === "export" || kind === "job"
            ? EXPORT_STATUS_COLOR
            : kind === "email"
              ? EMAIL_STATUS_COLOR
              : ROLE_COLOR;
  return table[value] ?? "light";
}

/** "requested" → "Requested". */
export function capitalize(s: string): string {
  return s ? s[0].toUpperCase() + s.slice(1) : s;
}

const AUDIT_LABELS: Record<string, string> = {
  "professional.approved": "Approved",
  "professional.rejected": "Rejected",
  "user.blocked": "Blocked",
  "user.unblocked": "Unblocked",
  "service.created": "Service created",
  "service.updated": "Service updated",
  "service.activated": "Service activated",
  "service.deactivated": "Service deactivated",
  "service.deleted": "Service deleted",
  "password.reset_issued": "Password-reset code issued",
  "password.reset": "Password reset with a code",
  "password.changed": "Password changed",
  "backup.created": "Backup made",
  "backup.restored": "Backup restored",
};

/** "user.blocked" → "Blocked"; unknown actions are made readable ("login.failed" → "Login failed"). */
export function auditActionLabel(action: string): string {
  return AUDIT_LABELS[action] ?? capitalize(action.replace(/[._]+/g, " "));
}

/** Cuts `text` to `max` characters with an ellipsis. */
export function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join("").trimEnd()}…`;
}
