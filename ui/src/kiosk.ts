// Counter terminals (issue #12): a public machine where only customers sign in. Rust decides
// (the server enrolled this machine as a counter) and keeps the window locked in kiosk mode;
// this mirrors its `kioskStatus()` for what the UI does differently there: the "Done" button,
// the idle countdown, a full clean-up at every sign-out and the maintenance unlock.
import { computed, effectScope, reactive, watch } from "vue";
import { commands, events, type KioskStatus, type LoginInput } from "./bindings";
import { call } from "./api";
import { session } from "./session";

export const kiosk = reactive<KioskStatus>({ counter: false, locked: false });

/**
 * This machine is a counter terminal: Rust's word (kept while the server is away or after a
 * disconnection), or the server's for the terminal it enrolled (before Rust's is read again).
 */
export const atCounter = computed(
  () => kiosk.counter || (session.terminal.state === "enrolled" && session.terminal.terminal.profile === "counter"),
);

function apply(status: KioskStatus): void {
  kiosk.counter = status.counter;
  kiosk.locked = status.locked;
}

/** Re-reads the kiosk's state (quietly: a failure keeps what is known). */
export async function loadKiosk(): Promise<void> {
  try {
    apply(await call(commands.kioskStatus(), { toast: false }));
  } catch {
    // Not inside Tauri (tests, preview), or Rust could not say: keep what is known.
  }
}

/**
 * Lifts the lock for maintenance with an administrator's credentials (Rust asks the server;
 * no session starts). Throws the ApiFailure (wrong credentials, not an admin, too many tries).
 */
export async function unlockKiosk(input: LoginInput): Promise<void> {
  apply(await call(commands.unlockKiosk(input), { toast: false }));
}

/** Puts the lock back on. */
export async function lockKiosk(): Promise<void> {
  apply(await call(commands.lockKiosk()));
}

/** Who is signed in, and which terminal this is: the kiosk's state may change with either. */
const WHO_AND_WHERE = [
  () => session.user?.user_id ?? null,
  () => (session.terminal.state === "enrolled" ? session.terminal.terminal.id : session.terminal.state),
];

/**
 * Re-reads the state (read once at start-up by main.ts) whenever it may have changed: after
 * enrolling (the terminal's profile), after each sign-in and sign-out. Returns a function
 * stopping it.
 */
export function followKiosk(): () => void {
  const scope = effectScope(true);
  scope.run(() => {
    watch(WHO_AND_WHERE, () => void loadKiosk());
  });
  return () => scope.stop();
}

/**
 * Installed once at start-up: Rust says whenever it shapes the window, e.g. when the server's
 * word that this is a counter arrives after the first read.
 */
export async function listenForKiosk(): Promise<void> {
  try {
    await events.kioskChanged.listen((e) => apply(e.payload));
  } catch {
    // Not inside Tauri (tests, preview): the reads above still apply.
  }
}

/** Tests only. */
export function resetKiosk(): void {
  apply({ counter: false, locked: false });
}
