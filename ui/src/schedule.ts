// Booking slots: the customer picks a local calendar day and an hourly slot; Rust receives
// one RFC 3339 instant with the local offset and checks it is in the future and at most
// MAX_DAYS_AHEAD days ahead (mirrored here so impossible slots are disabled up front).

import { formatTime } from "./format";

/** Mirrors Rust `customer::MAX_DAYS_AHEAD`. */
export const MAX_DAYS_AHEAD = 90;

/** Hourly visit slots, 08:00 to 19:00 (start times). */
export const SLOTS: readonly string[] = Array.from({ length: 12 }, (_, i) => `${String(8 + i).padStart(2, "0")}:00`);

const pad = (n: number, width = 2) => String(Math.abs(n)).padStart(width, "0");

/** The local calendar day of `d` as `YYYY-MM-DD`. */
export function localDay(d: Date): string {
  return `${pad(d.getFullYear(), 4)}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

function dayParts(day: string): [number, number, number] | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const probe = new Date(y, mo - 1, d);
  // Refuse 2026-02-31 and friends instead of letting Date roll them over.
  return probe.getFullYear() === y && probe.getMonth() === mo - 1 && probe.getDate() === d ? [y, mo, d] : null;
}

/** `YYYY-MM-DD` plus `n` calendar days. */
export function addDays(day: string, n: number): string {
  const p = dayParts(day);
  if (!p) return day;
  return localDay(new Date(p[0], p[1] - 1, p[2] + n));
}

/** The local instant of a day + "HH:MM" slot, or null when either is malformed. */
export function slotInstant(day: string, slot: string): Date | null {
  const p = dayParts(day);
  const t = /^(\d{2}):(\d{2})$/.exec(slot);
  if (!p || !t) return null;
  const [h, min] = [Number(t[1]), Number(t[2])];
  if (h > 23 || min > 59) return null;
  return new Date(p[0], p[1] - 1, p[2], h, min, 0, 0);
}

/** `2026-11-22T10:00:00+05:30`: a local date-time with its UTC offset (RFC 3339). */
export function toRfc3339Local(d: Date): string {
  const offset = -d.getTimezoneOffset();
  const sign = offset >= 0 ? "+" : "-";
  return (
    `${localDay(d)}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}` +
    `${sign}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`
  );
}

/** What `scheduled_for` carries for a day + slot; null when incomplete. */
export function scheduledFor(day: string, slot: string): string | null {
  const at = slotInstant(day, slot);
  return at ? toRfc3339Local(at) : null;
}

/** The days a booking may fall on: today to today + MAX_DAYS_AHEAD (local). */
export function bookingRange(now: Date): { min: string; max: string } {
  const min = localDay(now);
  return { min, max: addDays(min, MAX_DAYS_AHEAD) };
}

/** Whether Rust would accept this slot: strictly in the future, at most 90 days ahead. */
export function slotAvailable(day: string, slot: string, now: Date): boolean {
  const at = slotInstant(day, slot);
  if (!at) return false;
  const latest = now.getTime() + MAX_DAYS_AHEAD * 24 * 60 * 60 * 1000;
  return at.getTime() > now.getTime() && at.getTime() <= latest;
}

/** The earliest bookable day and slot (today if a slot is left, else the next day). */
export function firstAvailableSlot(now: Date): { day: string; slot: string } | null {
  const { min } = bookingRange(now);
  for (let i = 0; i <= MAX_DAYS_AHEAD; i++) {
    const day = addDays(min, i);
    const slot = SLOTS.find((s) => slotAvailable(day, s, now));
    if (slot) return { day, slot };
  }
  return null;
}

/** A stored instant → the local day and its slot ("" when it is not on the hourly grid). */
export function splitScheduled(value: string): { day: string; slot: string } {
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return { day: "", slot: "" };
  const slot = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return { day: localDay(d), slot: SLOTS.includes(slot) ? slot : "" };
}

/** "08:00" → the start time as the whole UI writes times (format.ts: 24-hour, "08:00"). */
export function slotLabel(slot: string): string {
  const at = slotInstant("2000-01-01", slot);
  return at ? formatTime(at) : slot;
}

// ---- Typed dates ----------------------------------------------------------------------------
// The date fields are text fields (WebKitGTK's <input type="date"> shows today's date in an
// empty field and ignores typed digits): people type the day as dd/mm/yyyy (or paste an ISO
// YYYY-MM-DD); "/", "-", "." or spaces separate the parts, and eight digits alone work too.

/** What the date fields show when empty. */
export const DATE_PLACEHOLDER = "dd/mm/yyyy";

export type DayParse = { ok: true; day: string } | { ok: false; empty: boolean; error: string };

/** "05/12/2026", "5-12-2026", "05122026" or "2026-12-05" → "2026-12-05". */
export function parseDayInput(raw: string): DayParse {
  const text = raw.trim();
  if (text === "") return { ok: false, empty: true, error: "Enter a date." };
  let parts: [number, number, number] | null = null;
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text);
  if (m) parts = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!parts && (m = /^(\d{1,2})[/.\s-]+(\d{1,2})[/.\s-]+(\d{4})$/.exec(text))) {
    parts = [Number(m[3]), Number(m[2]), Number(m[1])];
  }
  if (!parts && (m = /^(\d{2})(\d{2})(\d{4})$/.exec(text))) parts = [Number(m[3]), Number(m[2]), Number(m[1])];
  if (!parts) return { ok: false, empty: false, error: `Enter the date as ${DATE_PLACEHOLDER}, e.g. 05/12/2026.` };
  const day = `${pad(parts[0], 4)}-${pad(parts[1])}-${pad(parts[2])}`;
  if (!dayParts(day)) return { ok: false, empty: false, error: "That date does not exist: check the day and the month." };
  return { ok: true, day };
}

/** "2026-12-05" → "05/12/2026" (what a date field shows for a day); "" when malformed. */
export function dayInputText(day: string | null | undefined): string {
  const p = day ? dayParts(day) : null;
  return p ? `${pad(p[2])}/${pad(p[1])}/${pad(p[0], 4)}` : "";
}

/**
 * Why a visit cannot be on `day` (for the booking and edit forms), in the order a person
 * would want to hear it: not a date, in the past, too far ahead, no slot left today. Null
 * when slots are left on that day.
 */
export function bookingDayProblem(day: string, now: Date): string | null {
  if (!dayParts(day)) return `Enter the date as ${DATE_PLACEHOLDER}, e.g. 05/12/2026.`;
  const { min, max } = bookingRange(now);
  if (day < min) return "That date is in the past.";
  if (day > max) return `Bookings can be made up to ${MAX_DAYS_AHEAD} days ahead.`;
  if (!SLOTS.some((s) => slotAvailable(day, s, now))) return "No slots left on this day: pick another date.";
  return null;
}

/** The Monday of the week of a local day `YYYY-MM-DD` (weeks run Monday to Sunday, as in the core). */
export function mondayOf(day: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return day;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return addDays(day, -((d.getDay() + 6) % 7));
}
