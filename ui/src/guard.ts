// Pure routing decision, mirrored from the Rust checks (which stay authoritative).
import type { Role, SessionView, TerminalState } from "./bindings";
import { homeFor, needsEnrolment } from "./session";

export interface RouteAccess {
  /**
   * "setup": only while no admin exists; "guest": only when signed out; "enrol": only while
   * this machine must be enrolled.
   */
  kind?: "setup" | "guest" | "enrol";
  /** Signed-in users of this role only. */
  role?: Role;
}

export interface GuardState {
  needsSetup: boolean;
  user: SessionView | null;
  /** Absent: nothing to enrol (as standalone). */
  terminal?: TerminalState;
}

/** Where someone in `state` belongs when nothing more specific is asked for. */
export function landingPath(state: GuardState): string {
  if (state.needsSetup) return "/setup";
  if (needsEnrolment(state.terminal)) return "/enrol";
  if (state.user) return homeFor(state.user.role);
  return "/login";
}

/** `true` to allow the navigation, or the path to redirect to. */
export function decide(path: string, access: RouteAccess, state: GuardState): true | string {
  if (state.needsSetup) return path === "/setup" ? true : "/setup";
  // A machine the server does not accept sees the enrolment screen and nothing else: no
  // login, no registration, nothing left of whoever used it before.
  if (needsEnrolment(state.terminal)) return path === "/enrol" ? true : "/enrol";
  if (access.kind === "setup" || access.kind === "enrol") return landingPath(state);
  if (access.kind === "guest") return state.user ? homeFor(state.user.role) : true;
  if (access.role) {
    if (!state.user) return "/login";
    if (state.user.role !== access.role) return homeFor(state.user.role);
    return true;
  }
  // Anything else (the root "/") just lands where the user belongs.
  return landingPath(state);
}
