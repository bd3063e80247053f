// Pure routing decision, mirrored from the Rust checks (which stay authoritative).
import type { Role, SessionView } from "./bindings";
import { homeFor } from "./session";

export interface RouteAccess {
  /** "setup": only while no admin exists; "guest": only when signed out. */
  kind?: "setup" | "guest";
  /** Signed-in users of this role only. */
  role?: Role;
}

export interface GuardState {
  needsSetup: boolean;
  user: SessionView | null;
}

/** Where someone in `state` belongs when nothing more specific is asked for. */
export function landingPath(state: GuardState): string {
  if (state.needsSetup) return "/setup";
  if (state.user) return homeFor(state.user.role);
  return "/login";
}

/** `true` to allow the navigation, or the path to redirect to. */
export function decide(path: string, access: RouteAccess, state: GuardState): true | string {
  if (state.needsSetup) return path === "/setup" ? true : "/setup";
  if (access.kind === "setup") return landingPath(state);
  if (access.kind === "guest") return state.user ? homeFor(state.user.role) : true;
  if (access.role) {
    if (!state.user) return "/login";
    if (state.user.role !== access.role) return homeFor(state.user.role);
    return true;
  }
  // Anything else (the root "/") just lands where the user belongs.
  return landingPath(state);
}
