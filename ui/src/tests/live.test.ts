import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { flushPromises, mount } from "@vue/test-utils";
import { listen } from "@tauri-apps/api/event";
import { defineComponent, h } from "vue";
import { setFailureHandler } from "../api";
import type {
  FeedItem,
  FeedPage as FeedPageData,
  LiveEvent,
  PersonDetail,
  RequestDetail,
  RequestRecord,
  RequestRow,
  ServiceAdminRow,
  Settings,
} from "../bindings";
import {
  dispatchLive,
  LIVE_WINDOW_MS,
  liveKinds,
  listenForLiveUpdates,
  onLive,
  resetLive,
  useLiveRefresh,
  type LiveMatcher,
  type LiveOptions,
} from "../live";
import PersonDetailPage from "../pages/admin/PersonDetailPage.vue";
import RequestsPage from "../pages/admin/RequestsPage.vue";
import ServicesPage from "../pages/admin/ServicesPage.vue";
import MyRequestsPage from "../pages/customer/MyRequestsPage.vue";
import CustomerRequestDetailPage from "../pages/customer/RequestDetailPage.vue";
import FeedPage from "../pages/professional/FeedPage.vue";
import SettingsPage from "../pages/SettingsPage.vue";
import { handleFailure } from "../shell";
import { apiError, backend, calls, mountAt, resetSession, tid, user, type Args } from "./helpers";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn() }));

/** A component that reloads on matching live updates while mounted. */
function mountWatcher(matches: LiveMatcher, options?: LiveOptions) {
  const reload = vi.fn();
  const Watcher = defineComponent({
    setup() {
      useLiveRefresh(matches, reload, options);
      return () => h("p", "watching");
    },
  });
  return { wrapper: mount(Watcher), reload };
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
  resetLive();
  resetSession({ user: user("customer", { user_id: 1 }) });
  setFailureHandler(handleFailure);
  document.body.innerHTML = "";
});

afterEach(() => {
  vi.useRealTimers();
});

describe("dispatching live updates", () => {
  it("reloads only the handlers whose events arrive", () => {
    const requests = mountWatcher(liveKinds("request"));
    const catalog = mountWatcher(liveKinds("catalog"));
    const one = mountWatcher((e) => e.kind === "request" && e.request_id === 12);

    dispatchLive({ kind: "request", request_id: 7 });
    vi.advanceTimersByTime(LIVE_WINDOW_MS);
    expect(requests.reload).toHaveBeenCalledTimes(1);
    expect(catalog.reload).not.toHaveBeenCalled();
    expect(one.reload).not.toHaveBeenCalled();

    dispatchLive({ kind: "request", request_id: 12 });
    dispatchLive({ kind: "people", user_id: 3 });
    dispatchLive({ kind: "export", job_id: 1 });
    vi.advanceTimersByTime(LIVE_WINDOW_MS);
    expect(requests.reload).toHaveBeenCalledTimes(2);
    expect(catalog.reload).not.toHaveBeenCalled();
    expect(one.reload).toHaveBeenCalledTimes(1);
  });

  it("coalesces a burst into one reload at the end of the window", () => {
    const { reload } = mountWatcher(liveKinds("request"));
    for (let i = 0; i < 20; i++) dispatchLive({ kind: "request", request_id: i });
    vi.advanceTimersByTime(LIVE_WINDOW_MS - 1);
    expect(reload).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(reload).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(10 * LIVE_WINDOW_MS);
    expect(reload).toHaveBeenCalledTimes(1);
  });

  it("a steady stream still reloads once per window (it does not wait for the stream to stop)", () => {
    const { reload } = mountWatcher(liveKinds("export"), { windowMs: 500 });
    // An export reporting every 250 ms for 2 s.
    for (let t = 0; t < 2000; t += 250) {
      dispatchLive({ kind: "export", job_id: 1 });
      vi.advanceTimersByTime(250);
    }
    expect(reload).toHaveBeenCalledTimes(4);
  });

  it("resync reloads everything shown", () => {
    const requests = mountWatcher(liveKinds("request"));
    const settings = mountWatcher(liveKinds("settings"));
    const nothing = mountWatcher(() => false);
    dispatchLive({ kind: "resync" });
    vi.advanceTimersByTime(LIVE_WINDOW_MS);
    expect(requests.reload).toHaveBeenCalledTimes(1);
    expect(settings.reload).toHaveBeenCalledTimes(1);
    expect(nothing.reload).toHaveBeenCalledTimes(1);
  });

  it("leaves session_ended to the shell, and ignores everything when signed out", () => {
    const { reload } = mountWatcher(() => true);
    dispatchLive({ kind: "session_ended", reason: "idle", message: "Signed out after inactivity" });
    vi.advanceTimersByTime(LIVE_WINDOW_MS);
    expect(reload).not.toHaveBeenCalled();

    resetSession({ user: null });
    dispatchLive({ kind: "resync" });
    dispatchLive({ kind: "request", request_id: 1 });
    vi.advanceTimersByTime(LIVE_WINDOW_MS);
    expect(reload).not.toHaveBeenCalled();
  });

  it("stops on unmount, including a reload already on its way", () => {
    const { wrapper, reload } = mountWatcher(liveKinds("request"));
    dispatchLive({ kind: "request", request_id: 1 });
    wrapper.unmount();
    vi.advanceTimersByTime(LIVE_WINDOW_MS);
    dispatchLive({ kind: "request", request_id: 2 });
    vi.advanceTimersByTime(LIVE_WINDOW_MS);
    expect(reload).not.toHaveBeenCalled();
  });

  it("listens to live-update (and the old notifications-changed) once, and is safe outside Tauri", async () => {
    const handlers: Record<string, (e: { payload: unknown }) => void> = {};
    vi.mocked(listen).mockImplementation(async (name, cb) => {
      handlers[name] = cb as (e: { payload: unknown }) => void;
      return () => {};
    });
    await listenForLiveUpdates();
    expect(Object.keys(handlers).sort()).toEqual(["live-update", "notifications-changed"]);

    const requests = mountWatcher(liveKinds("request"));
    const bell = mountWatcher(liveKinds("notifications"));
    handlers["live-update"]({ payload: { kind: "request", request_id: 4 } satisfies LiveEvent });
    handlers["notifications-changed"]({ payload: 2 });
    vi.advanceTimersByTime(LIVE_WINDOW_MS);
    expect(requests.reload).toHaveBeenCalledTimes(1);
    expect(bell.reload).toHaveBeenCalledTimes(1);

    vi.mocked(listen).mockRejectedValue(new Error("window.__TAURI_INTERNALS__ is undefined"));
    await expect(listenForLiveUpdates()).resolves.toBeUndefined();
  });
});

describe("idle users", () => {
  it("reloads at once however long the user has been idle (Rust marks these calls passive)", () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    const { reload } = mountWatcher(liveKinds("request"));
    // Nobody touched anything for an hour.
    vi.setSystemTime(Date.now() + 3600_000);
    dispatchLive({ kind: "request", request_id: 1 });
    vi.advanceTimersByTime(LIVE_WINDOW_MS);
    expect(reload).toHaveBeenCalledTimes(1);
  });

  it("keeps reloading after a reload fails", () => {
    let fail = true;
    const reload = vi.fn(() => (fail ? Promise.reject(new Error("down")) : undefined));
    const stop = onLive(liveKinds("catalog"), reload);
    dispatchLive({ kind: "catalog" });
    vi.advanceTimersByTime(LIVE_WINDOW_MS);
    fail = false;
    dispatchLive({ kind: "catalog" });
    vi.advanceTimersByTime(LIVE_WINDOW_MS);
    expect(reload).toHaveBeenCalledTimes(2);
    stop();
  });
});

// ---- The pages ----

function feedItem(id: number): FeedItem {
  return { id, service_name: "Plumbing", scheduled_for: "2026-11-25T04:30:00Z", duration_minutes: 90, pincode: "560034", remarks: "", created_at: "2026-11-19T08:00:00Z" };
}

function feed(items: FeedItem[]): FeedPageData {
  return { items, page: { page: 1, per_page: 20, total: items.length, total_is_capped: false }, has_more: false };
}

function record(extra: Partial<RequestRecord>): RequestRecord {
  return {
    id: 12, status: "requested", service_id: 1, service_name: "Plumbing", price_minor: 49990, customer_id: 1,
    customer_name: "Asha Rao", professional_id: null, professional_name: null, professional_phone: null,
    scheduled_for: "2026-11-25T04:30:00Z", address: "12 Lake Road", pincode: "560034", remarks: "", completion_note: null,
    created_at: "2026-11-20T08:00:00Z", assigned_at: null, completed_at: null, closed_at: null, cancelled_at: null,
    rating: null, comment: null, customer_rating: null, customer_comment: null,
    ...extra,
  };
}

function row(extra: Partial<RequestRow>): RequestRow {
  return {
    id: 12, status: "requested", service_id: 1, service_name: "Plumbing", customer_id: 1, customer_name: "Asha Rao",
    professional_id: null, professional_name: null, scheduled_for: "2026-11-25T04:30:00Z", pincode: "560034",
    created_at: "2026-11-20T08:00:00Z", rating: null,
    ...extra,
  };
}

describe("pages follow live updates", () => {
  it("the professional's feed shows a new booking in place, without dimming or a skeleton", async () => {
    resetSession({ user: user("professional", { user_id: 5 }) });
    let items = [feedItem(21)];
    let release: () => void = () => {};
    let slow = false;
    backend({
      professional_feed: () => {
        const answer = feed(items);
        return slow ? new Promise((r) => (release = () => r(answer))) : answer;
      },
      professional_profile: apiError("internal", "not needed"),
    });
    const { wrapper } = await mountAt(FeedPage, "/professional/feed");
    expect(wrapper.findAll(tid("feed-item"))).toHaveLength(1);

    items = [feedItem(21), feedItem(22)];
    slow = true;
    dispatchLive({ kind: "request", request_id: 22 });
    vi.advanceTimersByTime(LIVE_WINDOW_MS);
    await flushPromises();
    // On its way: what is shown stays as it is.
    expect(calls("professional_feed")).toHaveLength(2);
    expect(wrapper.find(".opacity-50").exists()).toBe(false);
    expect(wrapper.find('[aria-busy="true"]').exists()).toBe(false);
    expect(wrapper.find(tid("feed-refresh")).attributes("disabled")).toBeUndefined();
    release();
    await flushPromises();
    expect(wrapper.findAll(tid("feed-item")).map((i) => i.attributes("data-request-id"))).toEqual(["21", "22"]);
    wrapper.unmount();
  });

  it("a failed live reload keeps what is shown", async () => {
    resetSession({ user: user("professional", { user_id: 5 }) });
    let fail = false;
    backend({
      professional_feed: () => (fail ? Promise.reject(apiError("unavailable", "The server is not answering.")) : feed([feedItem(21)])),
      professional_profile: apiError("internal", "not needed"),
    });
    const { wrapper } = await mountAt(FeedPage, "/professional/feed");
    fail = true;
    dispatchLive({ kind: "resync" });
    vi.advanceTimersByTime(LIVE_WINDOW_MS);
    await flushPromises();
    expect(calls("professional_feed")).toHaveLength(2);
    expect(wrapper.findAll(tid("feed-item"))).toHaveLength(1);
    expect(wrapper.text()).not.toContain("The server is not answering.");
    wrapper.unmount();
  });

  it("the customer's request page follows its own request only", async () => {
    let status: RequestRecord["status"] = "requested";
    backend({
      customer_request_detail: (a: Args) => ({
        request: record({ id: a?.id as number, status, professional_name: status === "assigned" ? "Ravi Kumar" : null }),
        history: [],
      }) satisfies RequestDetail,
      notifications_mark_read: null,
    });
    const { wrapper } = await mountAt(CustomerRequestDetailPage, "/customer/requests/12");
    expect(wrapper.find(tid("request-status")).text()).toBe("requested");

    status = "assigned";
    dispatchLive({ kind: "request", request_id: 13 });
    vi.advanceTimersByTime(LIVE_WINDOW_MS);
    await flushPromises();
    expect(calls("customer_request_detail")).toHaveLength(1);

    dispatchLive({ kind: "request", request_id: 12 });
    vi.advanceTimersByTime(LIVE_WINDOW_MS);
    await flushPromises();
    expect(calls("customer_request_detail")).toHaveLength(2);
    expect(wrapper.find(tid("request-status")).text()).toBe("assigned");
    expect(wrapper.find(tid("request-professional")).text()).toContain("Ravi Kumar");
    wrapper.unmount();
  });

  it("My requests reloads the tab and page the customer is on", async () => {
    let status: RequestRow["status"] = "requested";
    backend({
      customer_my_requests: () => ({
        items: [row({ status })],
        page: { page: 2, per_page: 20, total: 21, total_is_capped: false },
        has_more: false,
      }),
    });
    const { wrapper } = await mountAt(MyRequestsPage, "/customer/requests?scope=all&page=2");
    status = "assigned";
    dispatchLive({ kind: "request", request_id: 12 });
    vi.advanceTimersByTime(LIVE_WINDOW_MS);
    await flushPromises();
    expect(calls("customer_my_requests")).toEqual([
      { query: { scope: "all", page: 2, per_page: 20 } },
      { query: { scope: "all", page: 2, per_page: 20 } },
    ]);
    expect(wrapper.find(tid("my-request-row")).attributes("data-status")).toBe("assigned");
    wrapper.unmount();
  });

  it("the admin's request list keeps its filters, sort and page", async () => {
    resetSession({ user: user("admin") });
    backend({
      admin_list_services: [],
      admin_list_requests: () => ({ items: [row({ id: 31 })], page: { page: 2, per_page: 20, total: 21, total_is_capped: false } }),
    });
    const { wrapper } = await mountAt(RequestsPage, "/admin/requests?status=requested&sort=status&dir=asc&page=2");
    dispatchLive({ kind: "request", request_id: 99 });
    dispatchLive({ kind: "catalog" });
    vi.advanceTimersByTime(LIVE_WINDOW_MS);
    await flushPromises();
    const [first, second] = calls("admin_list_requests");
    expect(calls("admin_list_requests")).toHaveLength(2);
    expect(second).toEqual(first);
    expect(second).toMatchObject({ query: { status: "requested", sort: "status", descending: false, page: 2 } });
    wrapper.unmount();
  });

  it("a person's page follows their account, and requests (their figures)", async () => {
    resetSession({ user: user("admin", { user_id: 1 }) });
    let status: "active" | "blocked" = "active";
    const detail = (): PersonDetail => ({
      person: {
        id: 5, username: "asha", full_name: "Asha Rao", email: "asha@example.com", role: "customer", status,
        blocked_reason: status === "blocked" ? "Abuse" : null, phone: null, pincode: "560034", created_at: "2024-05-01T10:00:00Z",
        service_id: null, service_name: null, verification_status: null, rating_avg: null, rating_count: 0, completed_jobs: 0,
        request_count: 3, customer_rating_avg: null, customer_rating_count: 0, complaint_count: 0, open_complaint_count: 0,
      },
      professional: null,
      audit: [],
      live_sessions: 0,
    });
    backend({ admin_person_detail: detail });
    const { wrapper } = await mountAt(PersonDetailPage, "/admin/people/5");
    status = "blocked";
    dispatchLive({ kind: "people", user_id: 6 });
    dispatchLive({ kind: "catalog" });
    vi.advanceTimersByTime(LIVE_WINDOW_MS);
    await flushPromises();
    expect(calls("admin_person_detail")).toHaveLength(1);

    dispatchLive({ kind: "people", user_id: 5 });
    vi.advanceTimersByTime(LIVE_WINDOW_MS);
    await flushPromises();
    expect(calls("admin_person_detail")).toHaveLength(2);
    expect(wrapper.find(tid("person-status")).text()).toBe("blocked");

    dispatchLive({ kind: "request", request_id: 40 });
    vi.advanceTimersByTime(LIVE_WINDOW_MS);
    await flushPromises();
    expect(calls("admin_person_detail")).toHaveLength(3);
    wrapper.unmount();
  });

  it("the catalogue shows another administrator's new service, and keeps an open form", async () => {
    resetSession({ user: user("admin") });
    const svc = (id: number, name: string): ServiceAdminRow => ({
      id, name, description: "", base_price_minor: 49990, estimated_minutes: 60, is_active: true,
      request_count: 0, professional_count: 0, rating_avg: null, rating_count: 0,
    });
    let rows = [svc(1, "Plumbing")];
    backend({ admin_list_services: () => rows });
    const { wrapper } = await mountAt(ServicesPage, "/admin/services");
    await wrapper.find(tid("service-new")).trigger("click");
    await wrapper.find(tid("service-name")).setValue("Pest con");

    rows = [svc(1, "Plumbing"), svc(2, "Electrical")];
    dispatchLive({ kind: "catalog" });
    vi.advanceTimersByTime(LIVE_WINDOW_MS);
    await flushPromises();
    expect(wrapper.text()).toContain("Electrical");
    expect((wrapper.find(tid("service-name")).element as HTMLInputElement).value).toBe("Pest con");
    wrapper.unmount();
  });

  describe("settings", () => {
    const SAVED: Settings = { theme: "system", idle_timeout_minutes: 5, notifications_enabled: true, reminder_time: "18:00", smtp: null };

    it("loads another machine's save while nothing is edited here", async () => {
      resetSession({ user: user("admin") });
      let current = SAVED;
      backend({ get_settings: () => current });
      const { wrapper } = await mountAt(SettingsPage, "/settings");
      current = { ...SAVED, reminder_time: "07:00" };
      dispatchLive({ kind: "settings" });
      vi.advanceTimersByTime(LIVE_WINDOW_MS);
      await flushPromises();
      expect((wrapper.find(tid("settings-reminder-time")).element as HTMLInputElement).value).toBe("07:00");
      expect(wrapper.find(tid("settings-unsaved")).exists()).toBe(false);
      expect(wrapper.find(tid("settings-changed-elsewhere")).exists()).toBe(false);
      wrapper.unmount();
    });

    it("never loads over an unsaved edit: a note offers to", async () => {
      resetSession({ user: user("admin") });
      let current = SAVED;
      backend({ get_settings: () => current });
      const { wrapper } = await mountAt(SettingsPage, "/settings");
      const reminder = () => (wrapper.find(tid("settings-reminder-time")).element as HTMLInputElement).value;

      // An echo of what is shown (e.g. our own save) says nothing.
      await wrapper.find(tid("settings-reminder-time")).setValue("09:15");
      dispatchLive({ kind: "settings" });
      vi.advanceTimersByTime(LIVE_WINDOW_MS);
      await flushPromises();
      expect(wrapper.find(tid("settings-changed-elsewhere")).exists()).toBe(false);

      current = { ...SAVED, reminder_time: "07:00" };
      dispatchLive({ kind: "settings" });
      vi.advanceTimersByTime(LIVE_WINDOW_MS);
      await flushPromises();
      expect(reminder()).toBe("09:15");
      expect(wrapper.find(tid("settings-unsaved")).exists()).toBe(true);
      expect(wrapper.find(tid("settings-changed-elsewhere")).exists()).toBe(true);

      await wrapper.find(tid("settings-load-newer")).trigger("click");
      expect(reminder()).toBe("07:00");
      expect(wrapper.find(tid("settings-unsaved")).exists()).toBe(false);
      expect(wrapper.find(tid("settings-changed-elsewhere")).exists()).toBe(false);
      wrapper.unmount();
    });
  });
});
