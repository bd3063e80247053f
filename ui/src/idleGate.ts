// Refreshes nobody asked for (a live update, the bell's poll) call Rust commands, and Rust
// counts every command as activity for the idle sign-out. Counter terminals are public
// machines: a session must still end after the idle timeout however many events arrive. So
// such a refresh runs at once only when the user did something in the last few seconds;
// otherwise it waits for their next activity (pointer, key, wheel), when it runs once
// however often it was asked for meanwhile.

import { installActivityListeners } from "./activity";

/** A background refresh runs at once only this soon after the user's last activity. */
export const RECENT_ACTIVITY_MS = 10_000;

let lastActivityAt = Date.now();
/** Refreshes put off until the next activity, keyed by the function itself. */
const waiting = new Set<() => unknown>();

function start(run: () => unknown): void {
  // Failures are reported where they happen (the page's error state, a toast).
  void Promise.resolve(run()).catch(() => undefined);
}

/**
 * Runs `run` now if the user was active recently, else at their next activity. The function
 * is its own key: asking again while it waits does not run it twice. Returns true when it ran.
 */
export function runWhenActive(run: () => unknown, now: number = Date.now()): boolean {
  if (now - lastActivityAt <= RECENT_ACTIVITY_MS) {
    waiting.delete(run);
    start(run);
    return true;
  }
  waiting.add(run);
  return false;
}

/** Forgets a refresh put off (the page closed, the user signed out). */
export function cancelWhenActive(run: () => unknown): void {
  waiting.delete(run);
}

/** `run` is waiting for the user's next activity. */
export function isWaitingForActivity(run: () => unknown): boolean {
  return waiting.has(run);
}

/** The user did something (or signed in): runs every refresh that was put off. */
export function noteActivity(now: number = Date.now()): void {
  lastActivityAt = now;
  if (waiting.size === 0) return;
  const due = [...waiting];
  waiting.clear();
  due.forEach(start);
}

/** Installed once at start-up: user activity on `target` releases the refreshes put off. */
export function listenForActivity(target: EventTarget = window): () => void {
  return installActivityListeners(() => noteActivity(), target);
}

/** Tests only: nothing waiting, the user active now. */
export function resetIdleGate(): void {
  waiting.clear();
  lastActivityAt = Date.now();
}
