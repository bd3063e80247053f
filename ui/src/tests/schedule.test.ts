import { afterEach, describe, expect, it, vi } from "vitest";
import { formatRelative, plural } from "../format";
import {
  addDays,
  bookingDayProblem,
  bookingRange,
  dayInputText,
  parseDayInput,
  slotLabel,
  firstAvailableSlot,
  scheduledFor,
  SLOTS,
  slotAvailable,
  splitScheduled,
  toRfc3339Local,
} from "../schedule";

afterEach(() => {
  vi.restoreAllMocks();
});

describe("schedule", () => {
  it("offers hourly slots from 08:00 to 19:00", () => {
    expect(SLOTS[0]).toBe("08:00");
    expect(SLOTS.at(-1)).toBe("19:00");
    expect(SLOTS).toHaveLength(12);
  });

  it.each([
    [-330, "2026-11-22T10:00:00+05:30"],
    [0, "2026-11-22T10:00:00+00:00"],
    [300, "2026-11-22T10:00:00-05:00"],
    [-345, "2026-11-22T10:00:00+05:45"],
  ])("formats the local slot with its offset (getTimezoneOffset %i → %s)", (tzo, expected) => {
    vi.spyOn(Date.prototype, "getTimezoneOffset").mockReturnValue(tzo);
    expect(scheduledFor("2026-11-22", "10:00")).toBe(expected);
  });

  it("sends the very instant of the local slot", () => {
    const sent = scheduledFor("2026-03-09", "19:00")!;
    expect(sent).toMatch(/^2026-03-09T19:00:00[+-]\d{2}:\d{2}$/);
    expect(new Date(sent).getTime()).toBe(new Date(2026, 2, 9, 19, 0).getTime());
    expect(toRfc3339Local(new Date(2026, 0, 5, 8, 0))).toMatch(/^2026-01-05T08:00:00/);
  });

  it("refuses malformed days and slots", () => {
    expect(scheduledFor("2026-02-31", "10:00")).toBeNull();
    expect(scheduledFor("", "10:00")).toBeNull();
    expect(scheduledFor("2026-02-10", "")).toBeNull();
  });

  it("disables past slots today and slots beyond 90 days, like Rust", () => {
    const now = new Date(2026, 10, 21, 10, 30);
    expect(bookingRange(now)).toEqual({ min: "2026-11-21", max: "2027-02-19" });
    expect(slotAvailable("2026-11-21", "10:00", now)).toBe(false);
    expect(slotAvailable("2026-11-21", "11:00", now)).toBe(true);
    expect(slotAvailable("2026-11-20", "19:00", now)).toBe(false);
    // now + 90 days is 2027-02-19 10:30: 10:00 that day is fine, 11:00 is too far.
    expect(slotAvailable("2027-02-19", "10:00", now)).toBe(true);
    expect(slotAvailable("2027-02-19", "11:00", now)).toBe(false);
  });

  it("starts at the next free slot, tomorrow once today's are gone", () => {
    expect(firstAvailableSlot(new Date(2026, 10, 21, 10, 30))).toEqual({ day: "2026-11-21", slot: "11:00" });
    expect(firstAvailableSlot(new Date(2026, 10, 21, 19, 0))).toEqual({ day: "2026-11-22", slot: "08:00" });
    expect(firstAvailableSlot(new Date(2026, 11, 31, 20, 0))).toEqual({ day: "2027-01-01", slot: "08:00" });
  });

  it("splits a stored instant back into the local day and slot", () => {
    const stored = new Date(2026, 10, 22, 9, 0).toISOString();
    expect(splitScheduled(stored)).toEqual({ day: "2026-11-22", slot: "09:00" });
    expect(splitScheduled(new Date(2026, 10, 22, 9, 30).toISOString())).toEqual({ day: "2026-11-22", slot: "" });
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
  });
});

describe("relative times", () => {
  const now = new Date("2026-11-21T12:00:00Z");
  it("says how long ago", () => {
    expect(formatRelative("2026-11-19T11:00:00Z", now)).toBe("2 days ago");
    expect(formatRelative("2026-11-21T11:55:00Z", now)).toBe("5 minutes ago");
    expect(formatRelative("2026-11-21T11:59:40Z", now)).toBe("just now");
    expect(formatRelative(null, now)).toBe("—");
  });

  it("pluralises counts", () => {
    expect(plural(1, "review")).toBe("1 review");
    expect(plural(3, "review")).toBe("3 reviews");
  });
});

describe("typed dates", () => {
  it("reads dd/mm/yyyy with any separator, bare digits and ISO days", () => {
    for (const text of ["05/12/2026", "5/12/2026", "5-12-2026", "05.12.2026", "5 12 2026", " 05122026 ", "2026-12-05", "2026-12-5"]) {
      expect(parseDayInput(text)).toEqual({ ok: true, day: "2026-12-05" });
    }
    expect(dayInputText("2026-12-05")).toBe("05/12/2026");
    expect(dayInputText("")).toBe("");
    expect(dayInputText("2026-02-31")).toBe("");
  });

  it("says what is wrong with anything else", () => {
    expect(parseDayInput("  ")).toEqual({ ok: false, empty: true, error: "Enter a date." });
    for (const text of ["5/12", "05/12/26", "12/2026/05", "tomorrow", "0512202"]) {
      expect(parseDayInput(text)).toMatchObject({ ok: false, empty: false, error: "Enter the date as dd/mm/yyyy, e.g. 05/12/2026." });
    }
    expect(parseDayInput("31/02/2026")).toMatchObject({ ok: false, error: "That date does not exist: check the day and the month." });
    expect(parseDayInput("05/13/2026")).toMatchObject({ ok: false, error: "That date does not exist: check the day and the month." });
  });

  it("says why a visit cannot be on a day: past, too far, nothing left", () => {
    const evening = new Date(2026, 10, 21, 19, 30);
    expect(bookingDayProblem("2026-11-20", evening)).toBe("That date is in the past.");
    expect(bookingDayProblem("2026-11-21", evening)).toBe("No slots left on this day: pick another date.");
    expect(bookingDayProblem("2026-11-22", evening)).toBeNull();
    expect(bookingDayProblem("2027-02-19", evening)).toBeNull();
    expect(bookingDayProblem("2027-02-20", evening)).toBe("Bookings can be made up to 90 days ahead.");
    expect(bookingDayProblem("2026-11-21", new Date(2026, 10, 21, 9, 30))).toBeNull();
  });

  it("names slots in 24-hour time like the rest of the UI", () => {
    expect(slotLabel("08:00")).toBe("08:00");
    expect(slotLabel("19:00")).toBe("19:00");
  });
});
