// Enrolled terminals (issue #12): how a terminal's profile and state read on screen, in one
// place for the login screen's badge and the administrator's Terminals page.
import type { Terminal, TerminalProfile, TerminalRow } from "./bindings";
import type { BsColor } from "./format";

export const TERMINAL_PROFILES: readonly TerminalProfile[] = ["staff", "counter"];

export const PROFILE_LABEL: Record<TerminalProfile, string> = {
  staff: "Staff computer",
  counter: "Counter terminal",
};

/** Who may sign in there (the server enforces it). */
export const PROFILE_HINT: Record<TerminalProfile, string> = {
  staff: "An office desk or a professional's laptop: anyone may sign in.",
  counter: "A public machine at the counter: only customers sign in, and they are signed out after 2 minutes without activity.",
};

export const PROFILE_COLOR: Record<TerminalProfile, BsColor> = { staff: "primary", counter: "info" };

/** "Counter 1 · counter terminal". */
export function terminalLabel(t: Terminal): string {
  return `${t.name} · ${PROFILE_LABEL[t.profile].toLowerCase()}`;
}

export type TerminalStatus = "waiting" | "expired" | "enrolled" | "disconnected";

export const TERMINAL_STATUS: Record<TerminalStatus, { label: string; color: BsColor }> = {
  waiting: { label: "Waiting for enrolment", color: "warning" },
  expired: { label: "Code expired", color: "secondary" },
  enrolled: { label: "Enrolled", color: "success" },
  disconnected: { label: "Disconnected", color: "danger" },
};

/** Where a terminal stands: its code unused (still valid or not), enrolled, or revoked. */
export function terminalStatus(row: TerminalRow, now: Date = new Date()): TerminalStatus {
  if (row.revoked_at) return "disconnected";
  if (row.enrolled_at) return "enrolled";
  const expires = row.code_expires_at ? Date.parse(row.code_expires_at) : NaN;
  return expires > now.getTime() ? "waiting" : "expired";
}
