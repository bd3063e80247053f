// A wall in the router's history: a webview cannot forget its back/forward entries, so after a
// sign-out on a counter terminal Back (a mouse's back button, WebDriver's back) must not walk
// into the previous customer's pages. Entries behind the wall, or ahead of it from before it
// was raised, are refused before the router sees them: the window stays where it is.
import type { Router, RouterHistory } from "vue-router";

export interface HistoryWall {
  /** Refuses Back/Forward out of the current entry and the ones pushed after it. */
  raise(): void;
}

const walls = new WeakMap<RouterHistory, HistoryWall>();

/**
 * Wraps `history` (in place, before the router is made from it): it counts its own position
 * (push +1, replace 0, Back/Forward by their delta), which works for hash and memory history
 * alike.
 */
export function withHistoryWall(history: RouterHistory): HistoryWall {
  const existing = walls.get(history);
  if (existing) return existing;
  let position = 0;
  /** The allowed range [low, high]; null: no wall. */
  let low: number | null = null;
  let high = 0;

  const push = history.push.bind(history);
  history.push = (to, data) => {
    push(to, data);
    position++;
    high = position;
  };

  const go = history.go.bind(history);
  history.go = (delta, triggerListeners = true) => {
    // A silent move (the router undoing a Back its guard refused) never reaches `listen`.
    if (!triggerListeners) position += delta;
    go(delta, triggerListeners);
  };

  const listen = history.listen.bind(history);
  history.listen = (callback) =>
    listen((to, from, info) => {
      const target = position + info.delta;
      if (low !== null && info.delta !== 0 && (target < low || target > high)) {
        // Step back to where we were, without telling the router (it never moved).
        go(-info.delta, false);
        return;
      }
      position = target;
      callback(to, from, info);
    });

  const wall: HistoryWall = {
    raise() {
      low = position;
      high = position;
    },
  };
  walls.set(history, wall);
  return wall;
}

/** Raises the wall of `router`'s history (made by createAppRouter); nothing without one. */
export function raiseHistoryWall(router: Router): void {
  walls.get(router.options.history)?.raise();
}
