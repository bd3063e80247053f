// Keeps an active user's session alive: on activity, touch the session at most once
// per interval while signed in. Expiry itself is decided on the Rust side, and touchSession
// is the only call Rust counts as activity (every other call is passive), so the interval is
// how far the server's idle timer may lag: counter terminals sign out after 2 minutes.

/** At most one touch this often: the idle sign-out is accurate to about this. */
export const TOUCH_EVERY_MS = 10_000;

export interface ActivityTrackerOptions {
  touch: () => Promise<unknown>;
  isSignedIn: () => boolean;
  minIntervalMs?: number;
  now?: () => number;
}

export function createActivityTracker(options: ActivityTrackerOptions) {
  const interval = options.minIntervalMs ?? TOUCH_EVERY_MS;
  const now = options.now ?? (() => Date.now());
  let last = Number.NEGATIVE_INFINITY;
  let inFlight = false;

  function send(t: number): boolean {
    last = t;
    inFlight = true;
    options
      .touch()
      .catch(() => undefined)
      .finally(() => {
        inFlight = false;
      });
    return true;
  }

  return {
    /** Call on every user activity event. Returns true when a touch was sent. */
    onActivity(): boolean {
      if (!options.isSignedIn() || inFlight) return false;
      const t = now();
      if (t - last < interval) return false;
      return send(t);
    },
    /**
     * Touches now, whatever the interval: the person just answered the idle countdown, and
     * the server must hear it before the session runs out. A touch in flight counts already.
     */
    touchNow(): boolean {
      if (!options.isSignedIn() || inFlight) return false;
      return send(now());
    },
    /** Something else just proved activity (e.g. a login): start a fresh interval. */
    markActive(): void {
      last = now();
    },
  };
}

export const ACTIVITY_EVENTS = ["pointerdown", "keydown", "wheel"] as const;

export function installActivityListeners(onActivity: () => void, target: EventTarget = window) {
  const handler = () => onActivity();
  for (const name of ACTIVITY_EVENTS) {
    target.addEventListener(name, handler, { capture: true, passive: true });
  }
  return () => {
    for (const name of ACTIVITY_EVENTS) target.removeEventListener(name, handler, { capture: true });
  };
}
