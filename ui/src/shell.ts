// App-wide wiring: the global API failure handler, the end of a session (from an error,
// the Rust `session-ended` event or a logout), start-up status and the theme setting.
import { ref } from "vue";
import type { Router } from "vue-router";
import { listen } from "@tauri-apps/api/event";
import { commands, type Settings, type Theme } from "./bindings";
import { call, toastText, type ApiFailure, type FailureOptions } from "./api";
import { applyStatus, clearSession, session } from "./session";
import { clearToasts, pushToast, type ToastKind } from "./toasts";
import { applyTheme, currentTheme } from "./theme";

let router: Router | null = null;

export function useRouterForShell(r: Router): void {
  router = r;
}

export const settings = ref<Settings | null>(null);

/** Clears the client session, shows why and goes to the login screen. */
export function endSession(message: string | null, kind: ToastKind = "warning"): void {
  // Counter terminals are shared: nothing of the previous user's stays on screen.
  clearToasts();
  clearSession();
  if (message) pushToast(kind, message);
  void router?.push("/login");
}

export function handleFailure(failure: ApiFailure, options: FailureOptions): void {
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

export type SessionEndReason = "idle" | "logout" | "blocked" | "password_changed" | "revoked";

/** Rust ended the session on its own; `message` is Rust's explanation (with a block's reason). */
export function onSessionEnded(reason: SessionEndReason, message?: string): void {
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
