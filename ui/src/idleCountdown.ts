// Counter terminals (issue #12): nobody is signed out, or has their screen cleared, without a
// visible countdown first.
//
// - Signed in: the server ends the session `idle_timeout_secs` (at most 2 minutes there) after
//   the last activity it heard of, i.e. the last touch (activity.ts sends one on real input, at
//   most every 10 s), so that is what the clock counts from, not from the last keystroke. At 0
//   the normal sign-out runs (the server would end it anyway).
// - Signed out, on a sign-in or registration screen someone started and left: the screen is
//   cleared for the next person after GUEST_IDLE_SECS, with the same warning.
// Any input while the warning shows dismisses it and counts as activity (a touch at once).
import { effectScope, reactive, watch } from "vue";
import type { Router } from "vue-router";
import { installActivityListeners } from "./activity";
import { atCounter } from "./kiosk";
import { session } from "./session";
import { clearForNextPerson, logout } from "./shell";

/** The warning shows this long before the end (at most half the time allowed). */
export const WARN_SECS = 30;
/**
 * The server records activity at most every 5 s (core `session::TOUCH_EVERY_SECS`): its
 * clock may be that much ahead of ours, so ours ends that much early, never after it.
 */
export const SERVER_SLACK_MS = 5_000;
/** A signed-out screen with something typed in it is cleared after this long. */
export const GUEST_IDLE_SECS = 120;
const TICK_MS = 1_000;

export interface CountdownOptions {
  /** Seconds allowed without activity now, or null when nothing is timed (asked every second). */
  timeoutSecs: () => number | null;
  onExpire: () => unknown;
  /** Taken off the timeout (see SERVER_SLACK_MS). */
  slackMs?: number;
}

/** One idle clock, ticking every second. */
export function createCountdown(options: CountdownOptions) {
  const state = reactive({
    /** Whole seconds left while the warning shows; null otherwise. */
    remaining: null as number | null,
  });
  let last = Date.now();

  function tick(): void {
    const timeout = options.timeoutSecs();
    const now = Date.now();
    // Nothing timed: the time starts when something is.
    if (timeout === null) {
      last = now;
      state.remaining = null;
      return;
    }
    const allowedMs = Math.max(0, timeout * 1000 - (options.slackMs ?? 0));
    const left = Math.ceil((last + allowedMs - now) / 1000);
    if (left <= 0) {
      last = now;
      state.remaining = null;
      void Promise.resolve()
        .then(options.onExpire)
        .catch(() => undefined);
      return;
    }
    state.remaining = left <= Math.min(WARN_SECS, Math.floor(allowedMs / 2000)) ? left : null;
  }

  const timer = setInterval(tick, TICK_MS);
  return {
    state,
    /** Activity now: the full time again. */
    activity(): void {
      last = Date.now();
      tick();
    },
    stop(): void {
      clearInterval(timer);
    },
  };
}

export type Countdown = ReturnType<typeof createCountdown>;

/** Whether a signed-out screen holds something of whoever used it (typed text, another page). */
function screenInUse(router: Router): boolean {
  const route = router.currentRoute.value;
  if (route.meta.access?.kind !== "guest") return false;
  if (route.path !== "/login") return true;
  return [...document.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>("input, textarea")].some((el) =>
    el instanceof HTMLInputElement && (el.type === "checkbox" || el.type === "radio")
      ? el.checked !== el.defaultChecked
      : el.type !== "hidden" && el.value !== "",
  );
}

export interface CounterIdle {
  signedIn: Countdown;
  guest: Countdown;
  /** The server just heard of activity (a touch was sent). */
  touched(): void;
  /** The person answered the warning ("Stay signed in", or any input). */
  stay(): void;
  stop(): void;
}

let current: CounterIdle | null = null;

/** What the countdown dialog shows: which warning, and the seconds left. */
export const idleWarning = reactive({
  kind: null as "session" | "screen" | null,
  remaining: 0,
});

/**
 * Starts both clocks (they only run on a counter terminal). `touchNow` sends a touch
 * whatever the tracker's interval (activity.ts).
 */
export function startCounterIdle(router: Router, touchNow: () => boolean): CounterIdle {
  current?.stop();
  const signedIn = createCountdown({
    timeoutSecs: () => (atCounter.value && session.user ? session.user.idle_timeout_secs : null),
    slackMs: SERVER_SLACK_MS,
    onExpire: () => logout(),
  });
  const guest = createCountdown({
    timeoutSecs: () => (atCounter.value && !session.user && screenInUse(router) ? GUEST_IDLE_SECS : null),
    onExpire: () => clearForNextPerson(),
  });

  const scope = effectScope(true);
  scope.run(() => {
    // Someone new (sign-in, sign-out) starts with the full time.
    watch(
      () => session.user?.user_id ?? null,
      () => {
        signedIn.activity();
        guest.activity();
      },
    );
    watch(
      () => [signedIn.state.remaining, guest.state.remaining] as const,
      ([s, g]) => {
        idleWarning.kind = s !== null ? "session" : g !== null ? "screen" : null;
        idleWarning.remaining = s ?? g ?? 0;
      },
      { immediate: true },
    );
  });

  const idle: CounterIdle = {
    signedIn,
    guest,
    touched: () => signedIn.activity(),
    stay() {
      touchNow();
      signedIn.activity();
      guest.activity();
    },
    stop() {
      stopInput();
      scope.stop();
      signedIn.stop();
      guest.stop();
      idleWarning.kind = null;
      if (current === idle) current = null;
    },
  };
  // Any input: the signed-out screen's clock starts over; during a warning, it is an answer.
  const stopInput = installActivityListeners(() => {
    if (idleWarning.kind !== null) idle.stay();
    else guest.activity();
  });
  current = idle;
  return idle;
}

/** The dialog's "Stay signed in" / "Keep it" button. */
export function stayActive(): void {
  current?.stay();
}
