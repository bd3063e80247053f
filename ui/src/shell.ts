// App-wide wiring: the global API failure handler, the end of a session (from an error,
// the Rust `session-ended` event or a logout; on a counter terminal a full clean-up for the
// next person), a machine the server does not accept (the enrolment screen), start-up status
// and the theme setting.
import { ref, watch, type WatchStopHandle } from "vue";
import type { Router } from "vue-router";
import { listen } from "@tauri-apps/api/event";
import { commands, type EndReason, type Settings, type Theme } from "./bindings";
import { call, toastText, type ApiFailure, type FailureOptions } from "./api";
import { raiseHistoryWall } from "./historyWall";
import { atCounter } from "./kiosk";
import { clearNotifications } from "./notifications";
import { applyStatus, clearSession, needsEnrolment, session } from "./session";
import { clearToasts, pushToast, type ToastKind } from "./toasts";
import { applyTheme, currentTheme } from "./theme";

/** Rust's words for a revoked terminal (core `terminals::DISCONNECTED`). */
export const DISCONNECTED_MESSAGE = "This computer was disconnected by an administrator.";

let router: Router | null = null;
let stopEnrolmentWatch: WatchStopHandle | null = null;

export function useRouterForShell(r: Router): void {
  router = r;
  stopEnrolmentWatch?.();
  // However the app learns that this machine must be enrolled (a refused call, a session
  // ended, a switch of server in Settings), it shows the enrolment screen at once. The first
  // navigation (start-up) is left to the guard.
  stopEnrolmentWatch = watch(
    () => needsEnrolment(session.terminal),
    (needed) => {
      const current = r.currentRoute.value;
      if (needed && current.matched.length > 0 && current.path !== "/enrol") void r.replace("/enrol");
    },
    { flush: "sync" },
  );
}

export const settings = ref<Settings | null>(null);

/** Bumped by every clean-up: App.vue keys the routed page on it, so even the same page remounts empty. */
export const screenGeneration = ref(0);

/** What a counter terminal says when a session ends for another reason than idle or "Done". */
export const COUNTER_SIGNED_OUT = "You have been signed out.";

/**
 * A counter terminal is shared: the next person finds a fresh screen at `path`. Pages drop
 * their own state as they unmount; this drops everything user-specific kept outside them (the
 * session, the bell's items, toasts, the settings form's copy, a text selection), and Back
 * cannot return to the previous person's pages.
 */
export function clearForNextPerson(path = "/login"): void {
  clearToasts();
  clearSession();
  clearNotifications();
  settings.value = null;
  screenGeneration.value++;
  window.getSelection?.()?.removeAllRanges();
  if (!router) return;
  // The current entry becomes `path`; the ones behind it (and ahead) are walled off.
  raiseHistoryWall(router);
  void router.replace(path);
}

/** Clears the client session, shows why and goes to the login screen. */
export function endSession(message: string | null, kind: ToastKind = "warning"): void {
  if (atCounter.value) {
    clearForNextPerson();
    // Rust's words may be personal (a block's reason) and the next person may read them: an
    // ordinary end (idle, logout) says nothing, any other only that it happened.
    if (message && kind !== "info") pushToast("info", COUNTER_SIGNED_OUT);
    return;
  }
  // Nothing of the previous user's stays on screen.
  clearToasts();
  clearSession();
  if (message) pushToast(kind, message);
  void router?.push("/login");
}

/**
 * The server no longer accepts this machine (never enrolled, or disconnected by an
 * administrator): whoever was signed in is gone, with their toasts, and the enrolment screen
 * (which says why) replaces everything.
 */
export function requireEnrolment(state: "not_enrolled" | "disconnected"): void {
  clearToasts();
  clearSession();
  session.terminal = { state };
  // A counter terminal: nothing else of the previous customer's either, Back included.
  if (atCounter.value) clearForNextPerson("/enrol");
}

export function handleFailure(failure: ApiFailure, options: FailureOptions): void {
  if (failure.code === "not_enrolled" || failure.code === "disconnected") {
    requireEnrolment(failure.code);
    return;
  }
  // Rust ended the session (idle, logout elsewhere, or the account was blocked meanwhile):
  // mirror it and say why, in Rust's words.
  if ((failure.code === "unauthorized" || failure.code === "account_blocked") && session.user) {
    endSession(failure.message || "Your session has ended", "warning");
    return;
  }
  if (!options.toast) return;
  // Field problems the form shows under its fields are not repeated in a toast.
  const text = toastText(failure, options.inline);
  if (text) pushToast("danger", text);
}

/** Why Rust ended a session: idle, logout, blocked, password_changed, revoked, disconnected. */
export type SessionEndReason = EndReason;

/** Rust ended the session on its own; `message` is Rust's explanation (with a block's reason). */
export function onSessionEnded(reason: SessionEndReason, message?: string): void {
  // The terminal itself was revoked: the enrolment screen says so, not a toast.
  if (reason === "disconnected") {
    requireEnrolment("disconnected");
    return;
  }
  // Already signed out on this side (e.g. our own logout): nothing to announce.
  if (!session.user) return;
  if (message) {
    endSession(message, reason === "idle" || reason === "logout" ? "info" : "warning");
    return;
  }
  switch (reason) {
    case "idle":
      endSession("Signed out after inactivity", "info");
      break;
    case "blocked":
      endSession("Your account has been blocked by an administrator", "warning");
      break;
    default:
      endSession("You have been signed out", "info");
  }
}

export async function listenForSessionEnd(): Promise<void> {
  try {
    await listen<{ reason: SessionEndReason; message?: string }>("session-ended", (event) => {
      onSessionEnded(event.payload?.reason ?? "logout", event.payload?.message);
    });
  } catch {
    // Not running inside Tauri (plain browser preview): no events to listen to.
  }
}

export async function logout(): Promise<void> {
  try {
    await call(commands.logout(), { toast: false });
  } catch {
    // Signed out on this side regardless; the Rust side is authoritative.
  } finally {
    endSession(null);
  }
}

export async function loadStatus(): Promise<void> {
  try {
    applyStatus(await call(commands.appStatus(), { toast: false }));
  } catch (err) {
    session.startupError = err instanceof Error ? err.message : String(err);
  }
}

/**
 * Re-reads only where this machine stands with the server: creating the first administrator
 * enrols the desktop that did it. A failure keeps what is known (nothing to show for it).
 */
export async function refreshTerminal(): Promise<void> {
  try {
    session.terminal = (await call(commands.appStatus(), { toast: false })).terminal;
  } catch {
    // The next start-up (or a refused call) says it again.
  }
}

/** Applies the terminal's stored theme (the one setting readable before sign-in). */
export async function loadTheme(): Promise<void> {
  try {
    applyTheme(await call(commands.getTheme(), { toast: false }));
  } catch {
    applyTheme(currentTheme.value);
  }
}

/** Applies a theme at once and stores it for this terminal. */
export async function saveTheme(theme: Theme): Promise<void> {
  applyTheme(theme);
  applyTheme(await call(commands.setTheme(theme)));
}
