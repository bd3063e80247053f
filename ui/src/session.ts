// Client-side mirror of the session. The Rust side is the authority: this only drives
// what the UI shows and where the router sends people.
import { reactive } from "vue";
import type { AppStatus, DemoSummary, Role, SessionView } from "./bindings";

export interface SessionState {
  /** appStatus() has answered at least once. */
  ready: boolean;
  /** appStatus() failed at start-up: the app shows this instead of the routes. */
  startupError: string | null;
  needsSetup: boolean;
  demoAvailable: boolean;
  user: SessionView | null;
  /** Result of the last loadDemoData(), shown once on the admin home. */
  demoSummary: DemoSummary | null;
}

export const session = reactive<SessionState>({
  ready: false,
  startupError: null,
  needsSetup: false,
  demoAvailable: false,
  user: null,
  demoSummary: null,
});

export function applyStatus(status: AppStatus): void {
  session.ready = true;
  session.startupError = null;
  session.needsSetup = status.needs_setup;
  session.demoAvailable = status.demo_available;
  session.user = status.session;
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
