// Client-side mirror of the session. The Rust side is the authority: this only drives
// what the UI shows and where the router sends people.
import { reactive } from "vue";
import type { AppStatus, DemoSummary, Role, SessionView, TerminalState } from "./bindings";

export interface SessionState {
  /** appStatus() has answered at least once. */
  ready: boolean;
  /** appStatus() failed at start-up: the app shows this instead of the routes. */
  startupError: string | null;
  needsSetup: boolean;
  demoAvailable: boolean;
  /** "Forgot password" can email a reset code (the business has outgoing mail). */
  emailPasswordReset: boolean;
  user: SessionView | null;
  /** Result of the last loadDemoData(), shown once on the admin home. */
  demoSummary: DemoSummary | null;
  /** Where this machine stands with the server: enrolled terminal, or must be enrolled first. */
  terminal: TerminalState;
}

export const session = reactive<SessionState>({
  ready: false,
  startupError: null,
  needsSetup: false,
  demoAvailable: false,
  emailPasswordReset: false,
  user: null,
  demoSummary: null,
  terminal: { state: "not_required" },
});

export function applyStatus(status: AppStatus): void {
  session.ready = true;
  session.startupError = null;
  session.needsSetup = status.needs_setup;
  session.demoAvailable = status.demo_available;
  session.emailPasswordReset = status.email_password_reset;
  session.user = status.session;
  session.terminal = status.terminal;
}

/** The machine may not use the server until it is enrolled (again): the enrolment screen only. */
export function needsEnrolment(terminal: TerminalState | undefined): boolean {
  return terminal?.state === "not_enrolled" || terminal?.state === "disconnected";
}

export function setUser(user: SessionView): void {
  session.user = user;
  session.needsSetup = false;
}

export function clearSession(): void {
  session.user = null;
  session.demoSummary = null;
}

export const HOME_BY_ROLE: Record<Role, string> = {
  admin: "/admin",
  professional: "/professional",
  customer: "/customer",
};

export function homeFor(role: Role): string {
  return HOME_BY_ROLE[role];
}

export const ROLE_LABEL: Record<Role, string> = {
  admin: "Admin",
  professional: "Professional",
  customer: "Customer",
};
