// Counter terminals (issue #12): the kiosk state, the idle countdown, "Done" and the clean-up
// after any sign-out there, the history wall, the counter's login screen and the maintenance
// unlock.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { flushPromises, type VueWrapper } from "@vue/test-utils";
import { createMemoryHistory, type Router } from "vue-router";
import { setFailureHandler } from "../api";
import type { CustomerProfile, MyRequestsPage, Settings, Terminal, TerminalState } from "../bindings";
import { applyConnection } from "../connection";
import { raiseHistoryWall } from "../historyWall";
import { GUEST_IDLE_SECS, SERVER_SLACK_MS, startCounterIdle, WARN_SECS, type CounterIdle } from "../idleCountdown";
import { followKiosk, kiosk, listenForKiosk, loadKiosk, lockKiosk, resetKiosk, unlockKiosk } from "../kiosk";
import { listen } from "@tauri-apps/api/event";
import { notifications } from "../notifications";
import LoginPage from "../pages/LoginPage.vue";
import { createAppRouter } from "../router";
import { session, setUser } from "../session";
import { COUNTER_SIGNED_OUT, handleFailure, onSessionEnded, settings } from "../shell";
import { pushToast, toasts } from "../toasts";
import { apiError, backend, calls, mountApp, mountAt, resetSession, tid, user } from "./helpers";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn() }));

const COUNTER_1: Terminal = { id: 4, name: "Counter 1", profile: "counter" };
const enrolled = (terminal: Terminal): TerminalState => ({ state: "enrolled", terminal });
const CUSTOMER = user("customer", { user_id: 7, full_name: "Asha Rao", idle_timeout_secs: 120 });
const PROFILE: CustomerProfile = {
  full_name: "Asha Rao",
  username: "asha",
  email: "asha@example.com",
  phone: "9876543210",
  address: "12 Lake Road, Indiranagar",
  pincode: "560034",
  rating_avg: null,
  rating_count: 0,
};

const NO_REQUESTS: MyRequestsPage = {
  items: [],
  page: { page: 1, per_page: 20, total: 0, total_is_capped: false },
  has_more: false,
};

/** A counter terminal, locked, with `who` signed in. */
function atTheCounter(who: typeof CUSTOMER | null = CUSTOMER) {
  resetSession({ user: who, terminal: enrolled(COUNTER_1) });
  Object.assign(kiosk, { counter: true, locked: true });
}

/** Everything but setImmediate, which flushPromises needs. */
function fakeClock() {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date"] });
}

async function seconds(n: number) {
  await vi.advanceTimersByTimeAsync(n * 1000);
  await flushPromises();
}

let idle: CounterIdle | null = null;
let wrapper: VueWrapper | null = null;

beforeEach(() => {
  resetSession();
  resetKiosk();
  setFailureHandler(handleFailure);
  notifications.items = [];
  notifications.unread = 0;
  settings.value = null;
  document.body.innerHTML = "";
});

afterEach(() => {
  idle?.stop();
  idle = null;
  wrapper?.unmount();
  wrapper = null;
  vi.useRealTimers();
  applyConnection({ mode: "standalone", address: null, fingerprint: null, online: true });
});

describe("the kiosk state", () => {
  it("follows Rust's kiosk-changed event (the server's word may come after the first read), safely outside Tauri", async () => {
    const handlers: Record<string, (e: { payload: unknown }) => void> = {};
    vi.mocked(listen).mockImplementation(async (name, cb) => {
      handlers[name] = cb as (e: { payload: unknown }) => void;
      return () => {};
    });
    await listenForKiosk();
    expect(Object.keys(handlers)).toEqual(["kiosk-changed"]);
    handlers["kiosk-changed"]({ payload: { counter: true, locked: true } });
    expect({ ...kiosk }).toEqual({ counter: true, locked: true });
    handlers["kiosk-changed"]({ payload: { counter: true, locked: false } });
    expect(kiosk.locked).toBe(false);
    vi.mocked(listen).mockRejectedValue(new Error("window.__TAURI_INTERNALS__ is undefined"));
    await expect(listenForKiosk()).resolves.toBeUndefined();
  });

  it("is read from Rust, and again after enrolling, signing in and signing out", async () => {
    backend({ kiosk_status: { counter: true, locked: true } });
    await loadKiosk();
    expect(kiosk).toEqual({ counter: true, locked: true });
    const stop = followKiosk();
    session.terminal = enrolled(COUNTER_1);
    await flushPromises();
    session.user = CUSTOMER;
    await flushPromises();
    // A touch hands back the same user: nothing to re-read.
    setUser({ ...CUSTOMER });
    await flushPromises();
    session.user = null;
    await flushPromises();
    expect(calls("kiosk_status")).toHaveLength(4);
    stop();
  });

  it("keeps what it knew when Rust cannot say", async () => {
    Object.assign(kiosk, { counter: true, locked: true });
    backend({ kiosk_status: () => Promise.reject(apiError("internal", "no window")) });
    await loadKiosk();
    expect(kiosk).toEqual({ counter: true, locked: true });
    expect(toasts).toHaveLength(0);
  });

  it("unlocks with an administrator's credentials and locks again", async () => {
    backend({ unlock_kiosk: { counter: true, locked: false }, lock_kiosk: { counter: true, locked: true } });
    await unlockKiosk({ login: "admin", password: "Admin-Passw0rd!" });
    expect(calls("unlock_kiosk")).toEqual([{ input: { login: "admin", password: "Admin-Passw0rd!" } }]);
    expect(kiosk.locked).toBe(false);
    await lockKiosk();
    expect(kiosk.locked).toBe(true);
  });
});

describe("the history wall", () => {
  async function routerAt(...paths: string[]) {
    const router = createAppRouter(createMemoryHistory());
    for (const p of paths) await router.push(p);
    await router.isReady();
    return router;
  }

  async function back(router: Router) {
    router.back();
    await flushPromises();
    return router.currentRoute.value.path;
  }

  it("lets Back work as usual until it is raised", async () => {
    const router = await routerAt("/login", "/register/customer");
    expect(await back(router)).toBe("/login");
  });

  it("refuses Back and Forward out of where it was raised, not the pages after it", async () => {
    const router = await routerAt("/login", "/register/customer", "/login");
    expect(await back(router)).toBe("/register/customer");
    raiseHistoryWall(router);
    expect(await back(router)).toBe("/register/customer");
    router.forward();
    await flushPromises();
    expect(router.currentRoute.value.path).toBe("/register/customer");
    await router.push("/login");
    expect(await back(router)).toBe("/register/customer");
    expect(await back(router)).toBe("/register/customer");
    router.forward();
    await flushPromises();
    expect(router.currentRoute.value.path).toBe("/login");
  });
});

describe("the idle countdown", () => {
  const touchNow = vi.fn(() => true);

  async function signedInAtTheCounter(timeoutSecs = 120) {
    atTheCounter({ ...CUSTOMER, idle_timeout_secs: timeoutSecs });
    backend({ customer_profile: PROFILE, logout: null });
    fakeClock();
    const mounted = await mountApp("/customer/profile");
    wrapper = mounted.wrapper;
    touchNow.mockClear();
    idle = startCounterIdle(mounted.router, touchNow);
    return mounted;
  }

  const countdown = () => document.querySelector<HTMLElement>(tid("idle-countdown-text"));

  it("counts the last 30 seconds down from the last activity the server heard, then signs out", async () => {
    const { router } = await signedInAtTheCounter(120);
    // The server may count from up to 5 s earlier: the countdown ends that much early.
    const quiet = 120 - SERVER_SLACK_MS / 1000 - WARN_SECS;
    await seconds(quiet - 1);
    expect(countdown()).toBeNull();
    await seconds(1);
    expect(countdown()?.textContent).toContain("Signing out in 30 s — touch the screen or press any key to stay signed in");
    expect(document.querySelector(tid("idle-stay"))?.textContent).toContain("Stay signed in");
    // The button has the focus: Enter or Space answers it.
    expect(document.activeElement).toBe(document.querySelector(tid("idle-stay")));
    await seconds(1);
    expect(countdown()?.textContent).toContain("Signing out in 29 s");
    await seconds(28);
    expect(countdown()?.textContent).toContain("Signing out in 1 s");
    expect(calls("logout")).toHaveLength(0);
    await seconds(1);
    expect(calls("logout")).toHaveLength(1);
    expect(session.user).toBeNull();
    expect(router.currentRoute.value.path).toBe("/login");
    expect(countdown()).toBeNull();
    expect(toasts).toHaveLength(0);
  });

  it("starts over with every touch the tracker sends", async () => {
    await signedInAtTheCounter(120);
    await seconds(60);
    idle!.touched();
    await seconds(84);
    expect(countdown()).toBeNull();
    await seconds(1);
    expect(countdown()).not.toBeNull();
  });

  it("is dismissed by any input, which touches the session at once", async () => {
    await signedInAtTheCounter(120);
    await seconds(90);
    expect(countdown()).not.toBeNull();
    window.dispatchEvent(new KeyboardEvent("keydown", { key: "a" }));
    await flushPromises();
    expect(touchNow).toHaveBeenCalledTimes(1);
    expect(countdown()).toBeNull();
    // The full time again.
    await seconds(84);
    expect(countdown()).toBeNull();
  });

  it("is dismissed by its button", async () => {
    await signedInAtTheCounter(120);
    await seconds(90);
    document.querySelector<HTMLButtonElement>(tid("idle-stay"))!.click();
    await flushPromises();
    expect(touchNow).toHaveBeenCalled();
    expect(countdown()).toBeNull();
    expect(calls("logout")).toHaveLength(0);
  });

  it("follows the session's own time-out (never more than half of it)", async () => {
    // 60 s, 55 s of it ours: a 27-second warning.
    await signedInAtTheCounter(60);
    await seconds(27);
    expect(countdown()).toBeNull();
    await seconds(1);
    expect(countdown()?.textContent).toContain("Signing out in 27 s");
    await seconds(27);
    expect(calls("logout")).toHaveLength(1);
  });

  it("never runs on a staff computer", async () => {
    resetSession({ user: { ...CUSTOMER }, terminal: enrolled({ id: 2, name: "Front desk", profile: "staff" }) });
    backend({ customer_profile: PROFILE, logout: null });
    fakeClock();
    const mounted = await mountApp("/customer/profile");
    wrapper = mounted.wrapper;
    idle = startCounterIdle(mounted.router, touchNow);
    await seconds(300);
    expect(countdown()).toBeNull();
    expect(calls("logout")).toHaveLength(0);
  });

  it("clears a screen someone started to fill in and left, with the same warning", async () => {
    atTheCounter(null);
    backend({});
    fakeClock();
    const mounted = await mountApp("/register/customer");
    wrapper = mounted.wrapper;
    idle = startCounterIdle(mounted.router, touchNow);
    await wrapper.find(tid("reg-fullname")).setValue("Asha Rao");
    window.dispatchEvent(new KeyboardEvent("keydown", { key: "o" }));
    await seconds(GUEST_IDLE_SECS - WARN_SECS - 1);
    expect(countdown()).toBeNull();
    await seconds(1);
    expect(countdown()?.textContent).toContain("Clearing this screen in 30 s — touch the screen or press any key to keep it");
    await seconds(30);
    expect(mounted.router.currentRoute.value.path).toBe("/login");
    expect(document.body.textContent).not.toContain("Asha Rao");
    expect(countdown()).toBeNull();
    expect(touchNow).not.toHaveBeenCalled();
  });

  it("leaves an untouched welcome screen alone", async () => {
    atTheCounter(null);
    fakeClock();
    const mounted = await mountApp("/login");
    wrapper = mounted.wrapper;
    idle = startCounterIdle(mounted.router, touchNow);
    await seconds(600);
    expect(countdown()).toBeNull();
  });
});

describe("Done, and any other sign-out at the counter", () => {
  it("puts a big Done button in the navbar instead of Logout and the theme switch", async () => {
    atTheCounter();
    backend({ customer_profile: PROFILE });
    ({ wrapper } = await mountApp("/customer/profile"));
    const done = wrapper.find(tid("nav-done"));
    expect(done.text()).toBe("Done");
    expect(done.element.tagName).toBe("BUTTON");
    expect(done.classes()).toContain("btn-lg");
    expect(wrapper.find(tid("nav-logout")).exists()).toBe(false);
    expect(wrapper.find(tid("theme-toggle")).exists()).toBe(false);
  });

  it("keeps Logout on a staff computer", async () => {
    resetSession({ user: { ...CUSTOMER } });
    backend({ customer_profile: PROFILE });
    ({ wrapper } = await mountApp("/customer/profile"));
    expect(wrapper.find(tid("nav-done")).exists()).toBe(false);
    expect(wrapper.find(tid("nav-logout")).exists()).toBe(true);
  });

  it("signs out and leaves nothing of the customer behind, Back included", async () => {
    atTheCounter();
    backend({ customer_profile: PROFILE, customer_my_requests: NO_REQUESTS, logout: null });
    const mounted = await mountApp("/customer/requests");
    wrapper = mounted.wrapper;
    const { router } = mounted;
    await router.push("/customer/profile");
    await flushPromises();
    // The customer's traces: an unsaved edit, the bell, a toast, a cached form, a selection.
    await wrapper.find(tid("profile-address")).setValue("14 Lake Road");
    notifications.items = [
      { id: 1, kind: "request_assigned", title: "Assigned", body: "Ravi will come", request_id: 12, created_at: "2026-12-01T10:00:00Z", read_at: null },
    ];
    notifications.unread = 1;
    notifications.loaded = true;
    pushToast("success", "Profile saved, Asha");
    settings.value = { theme: "dark" } as Settings;
    expect(document.body.textContent).toContain("Asha Rao");

    await wrapper.find(tid("nav-done")).trigger("click");
    await flushPromises();

    expect(calls("logout")).toHaveLength(1);
    expect(session.user).toBeNull();
    expect(notifications).toMatchObject({ items: [], unread: 0, loaded: false });
    expect(toasts).toHaveLength(0);
    expect(settings.value).toBeNull();
    expect(router.currentRoute.value.path).toBe("/login");
    const text = document.body.textContent ?? "";
    for (const trace of ["Asha", "Lake Road", "Ravi"]) expect(text).not.toContain(trace);
    expect((wrapper.find(tid("login-identifier")).element as HTMLInputElement).value).toBe("");
    expect((wrapper.find(tid("login-password")).element as HTMLInputElement).value).toBe("");
    // Back does not even try the customer's pages (the guard would refuse them too).
    const tried: string[] = [];
    router.beforeEach((to) => void tried.push(to.fullPath));
    router.back();
    await flushPromises();
    expect(tried).toEqual([]);
    expect(router.currentRoute.value.path).toBe("/login");
    expect(wrapper.find(tid("login-identifier")).exists()).toBe(true);
  });

  it("remounts the page even when the clean-up stays on it (a half-typed sign-in)", async () => {
    atTheCounter(null);
    const mounted = await mountApp("/login");
    wrapper = mounted.wrapper;
    await wrapper.find(tid("login-identifier")).setValue("asha");
    // A session that ended elsewhere (e.g. the server's idle sign-out) cleans up the same way.
    session.user = CUSTOMER;
    onSessionEnded("idle", "You were signed out after 2 minute(s) without activity. Please sign in again.");
    await flushPromises();
    expect((wrapper.find(tid("login-identifier")).element as HTMLInputElement).value).toBe("");
    // An ordinary end says nothing to the next person.
    expect(toasts).toHaveLength(0);
  });

  it("never shows Rust's personal words about why a counter session ended", async () => {
    atTheCounter();
    backend({ customer_profile: PROFILE });
    const mounted = await mountApp("/customer/profile");
    wrapper = mounted.wrapper;
    onSessionEnded("blocked", "Your account has been blocked by an administrator. Reason: unpaid visits");
    await flushPromises();
    expect(toasts.map((t) => t.message)).toEqual([COUNTER_SIGNED_OUT]);
    expect(mounted.router.currentRoute.value.path).toBe("/login");
  });

  it("tells a staff computer's user Rust's words, as before", async () => {
    resetSession({ user: { ...CUSTOMER } });
    backend({ customer_profile: PROFILE });
    const mounted = await mountApp("/customer/profile");
    wrapper = mounted.wrapper;
    onSessionEnded("blocked", "Your account has been blocked by an administrator. Reason: unpaid visits");
    await flushPromises();
    expect(toasts.map((t) => t.message)).toEqual(["Your account has been blocked by an administrator. Reason: unpaid visits"]);
  });
});

describe("the counter's login screen", () => {
  beforeEach(() => {
    applyConnection({ mode: "connected", address: "office.local:8443", fingerprint: "AB:CD", online: true });
  });

  it("greets customers, makes registering prominent and hides staff things", async () => {
    atTheCounter(null);
    ({ wrapper } = await mountAt(LoginPage, "/login"));
    expect(wrapper.find("h1").text()).toBe("Welcome");
    expect(wrapper.text()).toContain("Sign in or create an account to book a service.");
    const register = wrapper.find(tid("link-register-customer"));
    expect(register.classes()).toEqual(expect.arrayContaining(["btn", "btn-lg"]));
    expect(register.attributes("href")).toBe("/register/customer");
    expect(wrapper.find(tid("link-register-professional")).exists()).toBe(false);
    // Where it is connected is for maintenance only.
    expect(wrapper.find(tid("login-connection")).exists()).toBe(false);
    expect(wrapper.find(tid("login-terminal")).text()).toBe("Counter 1 · counter terminal");
    expect(wrapper.find(tid("kiosk-maintenance")).text()).toBe("Maintenance");
  });

  it("shows the server again once unlocked for maintenance", async () => {
    atTheCounter(null);
    kiosk.locked = false;
    ({ wrapper } = await mountAt(LoginPage, "/login"));
    expect(wrapper.find(tid("login-connection")).text()).toContain("office.local:8443");
    expect(wrapper.find(tid("kiosk-maintenance")).exists()).toBe(false);
  });

  it("is unchanged on a staff computer", async () => {
    resetSession({ terminal: enrolled({ id: 2, name: "Front desk", profile: "staff" }) });
    ({ wrapper } = await mountAt(LoginPage, "/login"));
    expect(wrapper.find("h1").text()).toBe("Sign in");
    expect(wrapper.find(tid("link-register-professional")).exists()).toBe(true);
    expect(wrapper.find(tid("login-connection")).exists()).toBe(true);
    expect(wrapper.find(tid("kiosk-maintenance")).exists()).toBe(false);
  });
});

describe("the maintenance unlock", () => {
  const dialog = () => document.querySelector<HTMLElement>(tid("kiosk-unlock-dialog"));
  const field = (id: string) => document.querySelector<HTMLInputElement>(tid(id))!;

  async function typeIn(id: string, value: string) {
    const el = field(id);
    el.value = value;
    el.dispatchEvent(new Event("input"));
    await flushPromises();
  }

  async function submit() {
    document.querySelector<HTMLFormElement>(`${tid("kiosk-unlock-dialog")} form`)!.dispatchEvent(new Event("submit"));
    await flushPromises();
  }

  const error = () => document.querySelector(tid("kiosk-unlock-error"))?.textContent?.trim();

  it("asks for an administrator's credentials, shows refusals inline and never keeps the password", async () => {
    atTheCounter(null);
    const answers = [
      apiError("unauthorized", "The username/email or password is incorrect."),
      apiError("forbidden", "Only an administrator can unlock this computer."),
      apiError("locked", "Too many failed attempts.", { retry_after_secs: 90 }),
    ];
    backend({
      unlock_kiosk: () => (answers.length ? Promise.reject(answers.shift()) : { counter: true, locked: false }),
      lock_kiosk: { counter: true, locked: true },
    });
    ({ wrapper } = await mountApp("/login"));
    await wrapper.find(tid("kiosk-maintenance")).trigger("click");
    await flushPromises();
    expect(dialog()?.textContent).toContain("Unlock for maintenance");
    expect(document.activeElement).toBe(field("kiosk-login"));

    // Nothing typed: said under the fields, Rust not asked.
    await submit();
    expect(document.querySelectorAll(`${tid("kiosk-unlock-dialog")} .invalid-feedback`)).toHaveLength(2);
    expect(calls("unlock_kiosk")).toHaveLength(0);

    for (const expected of [
      "The username/email or password is incorrect.",
      "Only an administrator can unlock this computer.",
      "Too many failed attempts. Try again in 1 minute 30 seconds.",
    ]) {
      await typeIn("kiosk-login", "ravi.k");
      await typeIn("kiosk-password", "a-long-password");
      await submit();
      expect(error()).toBe(expected);
      expect(field("kiosk-password").value).toBe("");
      expect(document.activeElement).toBe(field("kiosk-password"));
    }
    expect(toasts).toHaveLength(0);

    await typeIn("kiosk-login", "admin");
    await typeIn("kiosk-password", "Admin-Passw0rd!");
    await submit();
    expect(calls("unlock_kiosk").at(-1)).toEqual({ input: { login: "admin", password: "Admin-Passw0rd!" } });
    expect(dialog()).toBeNull();
    expect(kiosk.locked).toBe(false);
    // Nobody was signed in by it.
    expect(session.user).toBeNull();
    const banner = wrapper.find(tid("kiosk-unlocked-banner"));
    expect(banner.text()).toContain("Unlocked for maintenance");
    expect(wrapper.find(tid("kiosk-maintenance")).exists()).toBe(false);

    await wrapper.find(tid("kiosk-lock")).trigger("click");
    await flushPromises();
    expect(calls("lock_kiosk")).toHaveLength(1);
    expect(wrapper.find(tid("kiosk-unlocked-banner")).exists()).toBe(false);
    expect(wrapper.find(tid("kiosk-maintenance")).exists()).toBe(true);
  });

  it("is only on a locked counter terminal", async () => {
    ({ wrapper } = await mountApp("/login"));
    expect(wrapper.find(tid("kiosk-maintenance")).exists()).toBe(false);
    expect(wrapper.find(tid("kiosk-unlocked-banner")).exists()).toBe(false);
  });
});
