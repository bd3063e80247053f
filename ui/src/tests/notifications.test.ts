import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { flushPromises, mount } from "@vue/test-utils";
import { listen } from "@tauri-apps/api/event";
import { createMemoryHistory } from "vue-router";
import { setFailureHandler } from "../api";
import type { NotificationCentre, NotificationRow, Role } from "../bindings";
import AppLayout from "../components/AppLayout.vue";
import NotificationBell from "../components/NotificationBell.vue";
import { LIVE_WINDOW_MS, listenForLiveUpdates, resetLive } from "../live";
import {
  badgeText,
  clearNotifications,
  NEW_REQUEST_KIND,
  notificationRoute,
  notifications,
  NOTIFICATIONS_POLL_MS,
  markNotificationRead,
  markRequestNotificationsRead,
  refreshNotifications,
  startNotificationCentre,
} from "../notifications";
import { createAppRouter } from "../router";
import { session } from "../session";
import { handleFailure } from "../shell";
import { toasts } from "../toasts";
import { apiError, backend, calls, resetSession, tid, user } from "./helpers";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn() }));

const HOME: Record<Role, string> = { admin: "/admin", professional: "/professional", customer: "/customer" };

function row(extra: Partial<NotificationRow> = {}): NotificationRow {
  return {
    id: 1,
    kind: "request.assigned",
    title: "Request accepted",
    body: "Plumbing on 3 Dec accepted by Ravi K.",
    request_id: 12,
    created_at: new Date(Date.now() - 2 * 3600e3).toISOString(),
    read_at: null,
    ...extra,
  };
}

function centre(items: NotificationRow[], unread = items.filter((n) => n.read_at === null).length): NotificationCentre {
  return { unread, items };
}

async function mountBell(role: Role = "customer") {
  resetSession({ user: user(role) });
  const router = createAppRouter(createMemoryHistory());
  await router.push(HOME[role]);
  await router.isReady();
  const wrapper = mount(NotificationBell, { global: { plugins: [router] }, attachTo: document.body });
  await flushPromises();
  return { wrapper, router };
}

let restoreHandler: () => void;

beforeEach(() => {
  vi.useRealTimers();
  vi.mocked(listen).mockReset();
  resetLive();
  clearNotifications();
  resetSession({ user: user("customer") });
  restoreHandler = setFailureHandler(handleFailure);
});

afterEach(() => {
  restoreHandler();
  clearNotifications();
  document.body.innerHTML = "";
  vi.useRealTimers();
});

describe("notification helpers", () => {
  it("caps the badge at 99+ and hides it at 0", () => {
    expect(badgeText(0)).toBe("");
    expect(badgeText(1)).toBe("1");
    expect(badgeText(99)).toBe("99");
    expect(badgeText(100)).toBe("99+");
  });

  it.each([
    ["customer", 12, "/customer/requests/12"],
    ["professional", 12, "/professional/jobs"],
    ["admin", 12, "/admin/requests/12"],
    ["customer", null, null],
    ["admin", null, null],
  ] as const)("routes a %s to the request %s → %s", (role, id, to) => {
    expect(notificationRoute(role, id)).toBe(to);
  });

  it("routes a professional's new-request notification to the feed", () => {
    expect(notificationRoute("professional", 12, NEW_REQUEST_KIND)).toBe("/professional/feed");
    expect(notificationRoute("professional", 12, "request.cancelled")).toBe("/professional/jobs");
    expect(notificationRoute("customer", 12, NEW_REQUEST_KIND)).toBe("/customer/requests/12");
  });
});

describe("notification bell", () => {
  it("shows the unread count and hides the badge at 0", async () => {
    let answer = centre([row({ id: 1 }), row({ id: 2 }), row({ id: 3, read_at: "2024-05-01T10:00:00Z" })]);
    backend({ notifications_centre: () => answer });
    const { wrapper } = await mountBell();
    // Mounting alone does not call Rust (the centre follows the session, see below).
    expect(calls("notifications_centre")).toHaveLength(0);
    await refreshNotifications();
    await flushPromises();

    const bell = wrapper.find(tid("notification-bell"));
    expect(wrapper.find(tid("notification-badge")).text()).toBe("2");
    expect(bell.attributes("aria-label")).toBe("Notifications, 2 unread");
    expect(bell.find(".bi-bell").exists()).toBe(true);
    const items = wrapper.findAll(tid("notification-item"));
    expect(items.map((i) => [i.attributes("data-notification-id"), i.attributes("data-read")])).toEqual([
      ["1", "false"],
      ["2", "false"],
      ["3", "true"],
    ]);
    expect(items[0].classes()).toContain("notification-unread");
    expect(items[2].classes()).not.toContain("notification-unread");
    expect(items[0].text()).toContain("Request accepted");
    expect(items[0].text()).toContain("Plumbing on 3 Dec accepted by Ravi K.");
    expect(items[0].find("time").text()).toMatch(/2 hours ago/);
    expect(wrapper.find(tid("notification-empty")).exists()).toBe(false);

    answer = centre([row({ id: 1, read_at: "2024-05-01T10:00:00Z" })]);
    await refreshNotifications();
    await flushPromises();
    expect(wrapper.find(tid("notification-badge")).exists()).toBe(false);
    expect(bell.attributes("aria-label")).toBe("Notifications, 0 unread");
    expect(wrapper.find(tid("notification-mark-all")).attributes("disabled")).toBeDefined();

    answer = centre([], 250);
    await refreshNotifications();
    await flushPromises();
    expect(wrapper.find(tid("notification-badge")).text()).toBe("99+");
    expect(bell.attributes("aria-label")).toBe("Notifications, 250 unread");
    wrapper.unmount();
  });

  it("shows the empty state once loaded with nothing in it", async () => {
    backend({ notifications_centre: centre([]) });
    const { wrapper } = await mountBell();
    expect(wrapper.find(tid("notification-empty")).exists()).toBe(false); // still loading
    await refreshNotifications();
    await flushPromises();
    expect(wrapper.find(tid("notification-empty")).text()).toContain("You're all caught up");
    expect(wrapper.findAll(tid("notification-item"))).toHaveLength(0);
    wrapper.unmount();
  });

  it("refreshes when the panel opens", async () => {
    backend({ notifications_centre: centre([row()]) });
    const { wrapper } = await mountBell();
    await wrapper.find(tid("notification-bell")).trigger("click");
    await flushPromises();
    expect(calls("notifications_centre")).toHaveLength(1);
    expect(wrapper.find(tid("notification-bell")).attributes("aria-expanded")).toBe("true");
    expect(wrapper.findAll(tid("notification-item"))).toHaveLength(1);
    // Escape closes the panel and gives the focus back to the bell (Bootstrap).
    wrapper.find(tid("notification-item")).element.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }));
    await flushPromises();
    expect(wrapper.find(tid("notification-bell")).attributes("aria-expanded")).toBe("false");
    expect(document.activeElement).toBe(wrapper.find(tid("notification-bell")).element);
    wrapper.unmount();
  });

  it.each([
    ["customer", "/customer/requests/12"],
    ["professional", "/professional/jobs"],
    ["admin", "/admin/requests/12"],
  ] as const)("marks an item read and opens its request for a %s (%s)", async (role, path) => {
    backend({
      notifications_centre: centre([
        row({ id: 5 }),
        row({ id: 4, request_id: null }),
        row({ id: 3, request_id: 9 }),
        row({ id: 2, title: "Request booked" }),
      ]),
      notifications_mark_read: null,
      customer_request_detail: () => new Promise(() => {}),
      professional_jobs: () => new Promise(() => {}),
      admin_request_detail: () => new Promise(() => {}),
    });
    const { wrapper, router } = await mountBell(role);
    await refreshNotifications();
    await flushPromises();
    expect(wrapper.find(tid("notification-badge")).text()).toBe("4");

    // Opening #5 (request 12) marks it read, and #2, also about request 12; not #4 or #3.
    await wrapper.find('[data-notification-id="5"]').trigger("click");
    await flushPromises();
    expect(calls("notifications_mark_read")).toEqual([{ id: 5 }, { id: 2 }]);
    expect(router.currentRoute.value.path).toBe(path);
    expect(wrapper.findAll(tid("notification-item")).map((i) => i.attributes("data-read"))).toEqual([
      "true",
      "false",
      "false",
      "true",
    ]);
    expect(wrapper.find(tid("notification-badge")).text()).toBe("2");
    expect(document.activeElement).toBe(wrapper.find(tid("notification-bell")).element);
    wrapper.unmount();
  });

  it("marks an item without a request read and stays put; read items are not sent again", async () => {
    backend({
      notifications_centre: centre([row({ id: 4, request_id: null }), row({ id: 2, read_at: "2024-05-01T10:00:00Z" })]),
      notifications_mark_read: null,
    });
    const { wrapper, router } = await mountBell("customer");
    await refreshNotifications();
    await flushPromises();
    await wrapper.find('[data-notification-id="4"]').trigger("click");
    await flushPromises();
    expect(calls("notifications_mark_read")).toEqual([{ id: 4 }]);
    expect(router.currentRoute.value.path).toBe("/customer");
    expect(wrapper.find(tid("notification-badge")).exists()).toBe(false);

    await wrapper.find('[data-notification-id="2"]').trigger("click");
    await flushPromises();
    expect(calls("notifications_mark_read")).toEqual([{ id: 4 }]);
    wrapper.unmount();
  });

  it("opens an item with Enter from the keyboard", async () => {
    backend({ notifications_centre: centre([row({ id: 8 })]), notifications_mark_read: null, customer_request_detail: () => new Promise(() => {}) });
    const { wrapper, router } = await mountBell("customer");
    await refreshNotifications();
    await flushPromises();
    const item = wrapper.find('[data-notification-id="8"]').element as HTMLButtonElement;
    expect(item.tagName).toBe("BUTTON"); // Enter/Space activate it natively
    item.focus();
    item.click();
    await flushPromises();
    expect(calls("notifications_mark_read")).toEqual([{ id: 8 }]);
    expect(router.currentRoute.value.path).toBe("/customer/requests/12");
    wrapper.unmount();
  });

  it("mark all read sends null and clears the badge", async () => {
    backend({ notifications_centre: centre([row({ id: 2 }), row({ id: 1 })]), notifications_mark_read: null });
    const { wrapper } = await mountBell("professional");
    await refreshNotifications();
    await flushPromises();
    expect(wrapper.find(tid("notification-badge")).text()).toBe("2");

    await wrapper.find(tid("notification-mark-all")).trigger("click");
    await flushPromises();
    expect(calls("notifications_mark_read")).toEqual([{ id: null }]);
    expect(wrapper.find(tid("notification-badge")).exists()).toBe(false);
    expect(wrapper.findAll(tid("notification-item")).map((i) => i.attributes("data-read"))).toEqual(["true", "true"]);
    expect(wrapper.find(tid("notification-mark-all")).attributes("disabled")).toBeDefined();
    wrapper.unmount();
  });

  it("shows the real state again when marking read fails", async () => {
    backend({
      notifications_centre: centre([row({ id: 2 })]),
      notifications_mark_read: () => Promise.reject(apiError("not_found", "That notification does not exist.")),
    });
    const { wrapper } = await mountBell();
    await refreshNotifications();
    await flushPromises();
    await wrapper.find(tid("notification-mark-all")).trigger("click");
    await flushPromises();
    expect(toasts.map((t) => t.message)).toEqual(["That notification does not exist."]);
    expect(calls("notifications_centre")).toHaveLength(2);
    expect(wrapper.find(tid("notification-badge")).text()).toBe("1");
    wrapper.unmount();
  });

  it("is in the navbar for every role, left of the user name", async () => {
    for (const role of ["customer", "professional", "admin"] as const) {
      resetSession({ user: user(role) });
      const router = createAppRouter(createMemoryHistory());
      await router.push(HOME[role]);
      await router.isReady();
      const wrapper = mount(AppLayout, { global: { plugins: [router] }, slots: { default: "<p>page</p>" }, attachTo: document.body });
      await flushPromises();
      const bell = wrapper.find(tid("notification-bell")).element;
      const name = wrapper.find(tid("current-user")).element;
      expect(bell.compareDocumentPosition(name) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
      wrapper.unmount();
    }
  });
});

describe("read stays read", () => {
  it("an answer that left Rust before the mark cannot bring an opened notification back as unread", async () => {
    const answers: ((c: NotificationCentre) => void)[] = [];
    backend({
      notifications_centre: () => new Promise<NotificationCentre>((r) => answers.push(r)),
      notifications_mark_read: null,
    });
    const first = refreshNotifications();
    answers[0](centre([row({ id: 5 }), row({ id: 4, request_id: 9 })]));
    await first;
    expect(notifications.unread).toBe(2);

    // The panel's refresh is on its way when the person opens #5.
    const slow = refreshNotifications();
    await markNotificationRead(5);
    answers[1](centre([row({ id: 5 }), row({ id: 4, request_id: 9 })])); // Rust's answer from before the mark
    await slow;
    expect(notifications.items.map((n) => [n.id, n.read_at !== null])).toEqual([
      [5, true],
      [4, false],
    ]);
    expect(notifications.unread).toBe(1);

    // A refresh issued after Rust stored the mark is Rust's word again.
    const later = refreshNotifications();
    answers[2](centre([row({ id: 5, read_at: "2026-12-03T08:00:00Z" }), row({ id: 4, request_id: 9 })]));
    await later;
    expect(notifications.unread).toBe(1);
    expect(notifications.items[0].read_at).toBe("2026-12-03T08:00:00Z");
  });

  it("opening a request marks what the bell said about it read, and nothing else", async () => {
    backend({
      notifications_centre: centre([row({ id: 7 }), row({ id: 6, request_id: 3 }), row({ id: 5 }), row({ id: 2, read_at: "2026-12-01T08:00:00Z" })]),
      notifications_mark_read: null,
    });
    await refreshNotifications();
    await markRequestNotificationsRead(12);
    expect(calls("notifications_mark_read")).toEqual([{ id: 7 }, { id: 5 }]);
    expect(notifications.unread).toBe(1);
    expect(notifications.items.filter((n) => n.read_at === null).map((n) => n.id)).toEqual([6]);
  });

  it("the customer's request page marks its notifications read when it opens", async () => {
    backend({
      notifications_centre: centre([row({ id: 7 }), row({ id: 6, request_id: 3 })]),
      notifications_mark_read: null,
      customer_request_detail: {
        request: {
          id: 12, status: "assigned", service_id: 1, service_name: "Plumbing", price_minor: 49990, customer_id: 1,
          customer_name: "Test customer", professional_id: 5, professional_name: "Ravi K.", professional_phone: null,
          scheduled_for: "2026-12-05T04:30:00Z", address: "12 Lake Road", pincode: "560001", remarks: "", completion_note: null,
          created_at: "2026-12-01T08:00:00Z", assigned_at: "2026-12-02T08:00:00Z", completed_at: null, closed_at: null,
          cancelled_at: null, rating: null, comment: null, customer_rating: null, customer_comment: null,
        },
        history: [],
      },
    });
    await refreshNotifications();
    const { default: CustomerRequestDetailPage } = await import("../pages/customer/RequestDetailPage.vue");
    resetSession({ user: user("customer") });
    const router = createAppRouter(createMemoryHistory());
    await router.push("/customer/requests/12");
    await router.isReady();
    const wrapper = mount(CustomerRequestDetailPage, { global: { plugins: [router] }, attachTo: document.body });
    await flushPromises();
    expect(calls("notifications_mark_read")).toEqual([{ id: 7 }]);
    expect(notifications.unread).toBe(1);
    wrapper.unmount();
  });
});

describe("notification refreshes", () => {
  it("a live notifications update refreshes the centre, coalesced with the old notifications-changed", async () => {
    vi.useFakeTimers();
    const handlers: Record<string, (e: { payload: unknown }) => void> = {};
    vi.mocked(listen).mockImplementation(async (name, cb) => {
      handlers[name] = cb as (e: { payload: unknown }) => void;
      return () => {};
    });
    backend({ notifications_centre: centre([row({ id: 1 })]) });
    const stop = startNotificationCentre();
    await listenForLiveUpdates();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls("notifications_centre")).toHaveLength(1); // signed in already

    // Rust emits both after showing the OS notifications: one refresh.
    handlers["notifications-changed"]({ payload: 1 });
    handlers["live-update"]({ payload: { kind: "notifications" } });
    await vi.advanceTimersByTimeAsync(LIVE_WINDOW_MS);
    expect(calls("notifications_centre")).toHaveLength(2);
    expect(notifications.unread).toBe(1);

    // Other kinds are not the bell's business.
    handlers["live-update"]({ payload: { kind: "catalog" } });
    handlers["live-update"]({ payload: { kind: "request", request_id: 4 } });
    await vi.advanceTimersByTimeAsync(5 * LIVE_WINDOW_MS);
    expect(calls("notifications_centre")).toHaveLength(2);
    stop();
  });

  it("ignores a refresh when signed out", async () => {
    resetSession({ user: null });
    backend({ notifications_centre: centre([row()]) });
    await refreshNotifications();
    await flushPromises();
    expect(calls("notifications_centre")).toHaveLength(0);
  });

  it("follows the session: sign-in, every minute (idle user or not), sign-out clears and stops", async () => {
    vi.useFakeTimers();
    resetSession({ user: null });
    backend({ notifications_centre: centre([row({ id: 1 }), row({ id: 2 })]) });
    const stop = startNotificationCentre(NOTIFICATIONS_POLL_MS);
    await flushPromises();
    expect(calls("notifications_centre")).toHaveLength(0);

    session.user = user("customer");
    await flushPromises();
    expect(calls("notifications_centre")).toHaveLength(1);
    expect(notifications.unread).toBe(2);

    // The minute tick refreshes whether or not the user does anything: the call is passive
    // on the Rust side, so it cannot keep an idle session alive.
    await vi.advanceTimersByTimeAsync(NOTIFICATIONS_POLL_MS);
    expect(calls("notifications_centre")).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(NOTIFICATIONS_POLL_MS);
    expect(calls("notifications_centre")).toHaveLength(3);

    session.user = null;
    await flushPromises();
    expect(notifications.unread).toBe(0);
    expect(notifications.items).toEqual([]);
    await vi.advanceTimersByTimeAsync(3 * NOTIFICATIONS_POLL_MS);
    expect(calls("notifications_centre")).toHaveLength(3);
    stop();
  });

  it("drops an answer that arrives after sign-out", async () => {
    let release: (c: NotificationCentre) => void = () => {};
    backend({ notifications_centre: () => new Promise<NotificationCentre>((r) => (release = r)) });
    const pending = refreshNotifications();
    clearNotifications();
    session.user = null;
    release(centre([row()]));
    await pending;
    expect(notifications.items).toEqual([]);
    expect(notifications.unread).toBe(0);
    expect(notifications.loading).toBe(false);
  });

  it("keeps quiet when a background refresh fails", async () => {
    backend({ notifications_centre: () => Promise.reject(apiError("internal", "database is locked")) });
    await refreshNotifications();
    expect(toasts).toHaveLength(0);
    expect(notifications.error).toBe("database is locked");
  });
});
