// Live updates (issue #12): Rust passes on every change made on any machine as the typed
// `live-update` event (LiveEvent in bindings.ts). One listener, installed at start-up, hands
// each event to the handlers of what is on screen, which reload it in place; no page needs a
// manual refresh to see another machine's change.
//
// - `resync` (events were missed) matches every handler; `session_ended` is shell.ts's.
// - Bursts are coalesced: a handler reloads at most once per window, at its end. A steady
//   stream (an export's progress every 250 ms) still reloads once per window, never starves.
// - Reloads run at once, idle user or not: Rust marks such calls passive, so they never keep
//   an idle session alive (only touchSession, on real input, does; see activity.ts).
import { onBeforeUnmount, onMounted } from "vue";
import { listen } from "@tauri-apps/api/event";
import { events, type LiveEvent } from "./bindings";
import { session } from "./session";

/** Events closer together than this cost one reload. */
export const LIVE_WINDOW_MS = 200;

/**
 * The string event Rust still emits after showing OS notifications (also when the stream
 * opens, for what piled up meanwhile, with no live event after it): the same as a live
 * `notifications`, coalesced with it.
 */
export const NOTIFICATIONS_CHANGED_EVENT = "notifications-changed";

export type LiveKind = LiveEvent["kind"];
export type LiveMatcher = (e: LiveEvent) => boolean;

export interface LiveOptions {
  /** The coalescing window (default LIVE_WINDOW_MS). */
  windowMs?: number;
}

interface Handler {
  matches: LiveMatcher;
  fire: () => void;
}

const handlers = new Set<Handler>();

/** Failures are reported where they happen (the page's error state, a toast). */
function runQuietly(reload: () => unknown): void {
  try {
    void Promise.resolve(reload()).catch(() => undefined);
  } catch {
    // A synchronous throw: the same.
  }
}

/** Matches events of these kinds. */
export function liveKinds(...kinds: LiveKind[]): LiveMatcher {
  return (e) => kinds.includes(e.kind);
}

/** Hands one event to every handler it concerns. */
export function dispatchLive(event: LiveEvent): void {
  // Only a signed-in user's pages listen; the end of a session is shell.ts's business.
  if (!session.user || !event || event.kind === "session_ended") return;
  for (const h of [...handlers]) {
    if (event.kind === "resync" || h.matches(event)) h.fire();
  }
}

/** Calls `reload` (coalesced) after events `matches` accepts, until the returned function is called. */
export function onLive(matches: LiveMatcher, reload: () => unknown, options: LiveOptions = {}): () => void {
  const windowMs = options.windowMs ?? LIVE_WINDOW_MS;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const handler: Handler = {
    matches,
    fire() {
      if (timer !== null) return;
      timer = setTimeout(() => {
        timer = null;
        runQuietly(reload);
      }, windowMs);
    },
  };
  handlers.add(handler);
  return () => {
    handlers.delete(handler);
    if (timer !== null) clearTimeout(timer);
    timer = null;
  };
}

/**
 * For a component: reloads what it shows after matching events while it is mounted. `reload`
 * should update in place (no skeleton, no spinner) and keep the user's filters, page and input.
 */
export function useLiveRefresh(matches: LiveMatcher, reload: () => unknown, options: LiveOptions = {}): void {
  let stop: (() => void) | null = null;
  onMounted(() => {
    stop = onLive(matches, reload, options);
  });
  onBeforeUnmount(() => {
    stop?.();
    stop = null;
  });
}

/** Installed once at start-up, next to `session-ended`. */
export async function listenForLiveUpdates(): Promise<void> {
  try {
    await events.liveUpdate.listen((e) => dispatchLive(e.payload));
    await listen<number>(NOTIFICATIONS_CHANGED_EVENT, () => dispatchLive({ kind: "notifications" }));
  } catch {
    // Not running inside Tauri (plain browser preview): no events; pages load when opened.
  }
}

/** Tests only: forget every handler. */
export function resetLive(): void {
  handlers.clear();
}
