// The in-app notification centre (the navbar bell): a reactive mirror of Rust's
// `notificationsCentre()`, refreshed on sign-in, on a live `notifications` update (live.ts),
// when the panel opens and every minute as a fallback; cleared on sign-out. Rust decides
// what is a notification and shows the OS notifications itself. Rust marks these calls
// passive: a refresh nobody asked for never keeps an idle session alive.
import { effectScope, reactive, watch } from "vue";
import { commands, NEW_REQUEST_KIND, type NotificationRow, type Role } from "./bindings";
import { call } from "./api";
import { liveKinds, onLive } from "./live";
import { session } from "./session";

/** Fallback refresh while signed in, in case the live updates are down. */
export const NOTIFICATIONS_POLL_MS = 60_000;

export interface NotificationState {
  unread: number;
  /** Latest first, as Rust sends them (at most 50). */
  items: NotificationRow[];
  /** The centre has answered at least once since sign-in. */
  loaded: boolean;
  loading: boolean;
  /** The last refresh failed (shown in the panel only while there is nothing to show). */
  error: string | null;
}

export const notifications = reactive<NotificationState>({
  unread: 0,
  items: [],
  loaded: false,
  loading: false,
  error: null,
});

// Responses to requests started before a sign-out (or an older refresh) are dropped.
let generation = 0;
let requestSeq = 0;
let appliedSeq = 0;
let inFlight = 0;

// Read marks made here. A refresh issued before Rust stored a mark can still answer "unread"
// (commands run concurrently): such answers keep the local mark instead of bringing the item
// back as unread. Value: the last refresh issued before Rust confirmed the mark (Infinity
// while the mark is on its way); refreshes issued after that are Rust's word.
const localReads = new Map<number, { at: string; until: number }>();
let localAllRead: { at: string; until: number } | null = null;

function keepsLocalMark(mark: { until: number } | null | undefined, seq: number): boolean {
  return !!mark && seq <= mark.until;
}

/** "99+" above 99; "" at 0 (no badge). */
/** What the bell's live region says when the unread count rises to `count`. */
export function unreadAnnouncement(count: number): string {
  return `${count} unread notification${count === 1 ? "" : "s"}`;
}

export function badgeText(unread: number): string {
  if (unread <= 0) return "";
  return unread > 99 ? "99+" : String(unread);
}

/** The kind of notification a professional gets when a request is booked in their service and
 * PIN code (generated from Rust's `notifications::NEW_REQUEST`). */
export { NEW_REQUEST_KIND };

/** Where a notification (of `kind`) about request `requestId` leads for `role`; null when nowhere. */
export function notificationRoute(role: Role, requestId: number | null, kind = ""): string | null {
  if (requestId === null) return null;
  switch (role) {
    case "customer":
      return `/customer/requests/${requestId}`;
    case "professional":
      // A new request waits in the feed; no per-job page: the jobs list has every assigned one.
      return kind === NEW_REQUEST_KIND ? "/professional/feed" : "/professional/jobs";
    case "admin":
      return `/admin/requests/${requestId}`;
    default:
      return null;
  }
}

/** Reloads the centre (no toast on failure: it runs in the background). No-op when signed out. */
export async function refreshNotifications(): Promise<void> {
  if (!session.user) return;
  const gen = generation;
  const seq = ++requestSeq;
  inFlight++;
  notifications.loading = true;
  try {
    const centre = await call(commands.notificationsCentre(), { toast: false });
    if (gen !== generation || seq < appliedSeq) return;
    appliedSeq = seq;
    let unread = centre.unread;
    const items = centre.items.map((n) => {
      if (n.read_at !== null) return n;
      const own = localReads.get(n.id);
      const mark = keepsLocalMark(own, seq)
        ? own
        : keepsLocalMark(localAllRead, seq) && Date.parse(n.created_at) <= Date.parse(localAllRead!.at)
          ? localAllRead
          : null;
      if (!mark) return n;
      unread--;
      return { ...n, read_at: mark.at };
    });
    notifications.unread = Math.max(0, unread);
    notifications.items = items;
    notifications.loaded = true;
    notifications.error = null;
  } catch (err) {
    if (gen === generation) notifications.error = err instanceof Error ? err.message : String(err);
  } finally {
    inFlight--;
    if (gen === generation && inFlight === 0) notifications.loading = false;
  }
}

function nowIso(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, "Z");
}

/** Marks one notification read (at once on screen; the centre is reloaded if Rust refuses). */
export async function markNotificationRead(id: number): Promise<void> {
  const at = nowIso();
  const item = notifications.items.find((n) => n.id === id);
  if (item && item.read_at === null) {
    item.read_at = at;
    notifications.unread = Math.max(0, notifications.unread - 1);
  }
  const mark = { at, until: Infinity };
  localReads.set(id, mark);
  const gen = generation;
  try {
    await call(commands.notificationsMarkRead(id));
    mark.until = requestSeq;
  } catch {
    // Toasted by the global handler; show the real state again.
    if (localReads.get(id) === mark) localReads.delete(id);
    if (gen === generation) await refreshNotifications();
  }
}

/**
 * Marks read every unread notification about request `requestId` that the centre holds:
 * the person has opened that request, so what they were told about it is seen.
 */
export async function markRequestNotificationsRead(requestId: number): Promise<void> {
  const ids = notifications.items.filter((n) => n.request_id === requestId && n.read_at === null).map((n) => n.id);
  await Promise.all(ids.map((id) => markNotificationRead(id)));
}

/** Marks every notification read. */
export async function markAllNotificationsRead(): Promise<void> {
  const at = nowIso();
  for (const n of notifications.items) if (n.read_at === null) n.read_at = at;
  notifications.unread = 0;
  const mark = { at, until: Infinity };
  localAllRead = mark;
  const gen = generation;
  try {
    await call(commands.notificationsMarkRead(null));
    mark.until = requestSeq;
  } catch {
    if (localAllRead === mark) localAllRead = null;
    if (gen === generation) await refreshNotifications();
  }
}

/** Forgets everything (sign-out); answers still on their way are ignored. */
export function clearNotifications(): void {
  generation++;
  localReads.clear();
  localAllRead = null;
  notifications.unread = 0;
  notifications.items = [];
  notifications.loaded = false;
  notifications.loading = false;
  notifications.error = null;
}

/**
 * Follows the session: refresh on sign-in (or at start when already signed in), on live
 * `notifications` updates and every `pollMs` while signed in; clear and stop on sign-out.
 * Returns a function stopping it all.
 */
export function startNotificationCentre(pollMs: number = NOTIFICATIONS_POLL_MS): () => void {
  const stopLive = onLive(liveKinds("notifications"), refreshNotifications);
  let timer: ReturnType<typeof setInterval> | null = null;
  const stopPolling = () => {
    if (timer !== null) clearInterval(timer);
    timer = null;
  };
  const scope = effectScope(true);
  scope.run(() => {
    watch(
      () => session.user?.user_id ?? null,
      (userId) => {
        stopPolling();
        clearNotifications();
        if (userId === null) return;
        void refreshNotifications();
        timer = setInterval(() => void refreshNotifications(), pollMs);
      },
      { immediate: true },
    );
  });
  return () => {
    scope.stop();
    stopPolling();
    stopLive();
  };
}
