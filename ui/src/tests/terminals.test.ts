// Enrolled terminals (issue #12): the enrolment screen, what sends a machine there (the
// guard, a refused call, a disconnected terminal's session), the login screen's badge and
// the administrator's Terminals page.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { flushPromises } from "@vue/test-utils";
import { createMemoryHistory } from "vue-router";
import { setFailureHandler } from "../api";
import type { Terminal, TerminalRow, TerminalState } from "../bindings";
import AppLayout from "../components/AppLayout.vue";
import { applyConnection } from "../connection";
import { decide, landingPath } from "../guard";
import { dispatchLive, LIVE_WINDOW_MS, resetLive } from "../live";
import LoginPage from "../pages/LoginPage.vue";
import SetupPage from "../pages/SetupPage.vue";
import TerminalsPage from "../pages/admin/TerminalsPage.vue";
import { createAppRouter } from "../router";
import { session } from "../session";
import { DISCONNECTED_MESSAGE, handleFailure, onSessionEnded } from "../shell";
import { terminalLabel, terminalStatus } from "../terminals";
import { pushToast, toasts } from "../toasts";
import { apiError, backend, calls, mountApp, mountAt, resetSession, tid, user } from "./helpers";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn() }));

const NOT_ENROLLED = "This computer is not enrolled with the server: ask an administrator to enrol it.";
const COUNTER_1: Terminal = { id: 4, name: "Counter 1", profile: "counter" };
const enrolled = (terminal: Terminal): TerminalState => ({ state: "enrolled", terminal });

beforeEach(() => {
  resetSession();
  resetLive();
  applyConnection({ mode: "connected", address: "office.local:8443", fingerprint: "AB:CD", online: true });
  setFailureHandler(handleFailure);
  document.body.innerHTML = "";
});

afterEach(() => {
  vi.useRealTimers();
  applyConnection({ mode: "standalone", address: null, fingerprint: null, online: true });
});

describe("the guard", () => {
  const unenrolled = { needsSetup: false, user: null, terminal: { state: "not_enrolled" } as TerminalState };

  it("lets an unenrolled or disconnected machine reach nothing but the enrolment screen", () => {
    for (const terminal of [{ state: "not_enrolled" }, { state: "disconnected" }] as TerminalState[]) {
      const state = { ...unenrolled, terminal };
      expect(decide("/login", { kind: "guest" }, state)).toBe("/enrol");
      expect(decide("/register/customer", { kind: "guest" }, state)).toBe("/enrol");
      expect(decide("/register/professional", { kind: "guest" }, state)).toBe("/enrol");
      expect(decide("/admin", { role: "admin" }, { ...state, user: user("admin") })).toBe("/enrol");
      expect(decide("/", {}, state)).toBe("/enrol");
      expect(decide("/enrol", { kind: "enrol" }, state)).toBe(true);
      expect(landingPath(state)).toBe("/enrol");
    }
  });

  it("keeps an enrolled (or standalone) machine away from the enrolment screen", () => {
    const state = { needsSetup: false, user: null, terminal: enrolled(COUNTER_1) };
    expect(decide("/enrol", { kind: "enrol" }, state)).toBe("/login");
    expect(decide("/login", { kind: "guest" }, state)).toBe(true);
    expect(decide("/enrol", { kind: "enrol" }, { needsSetup: false, user: user("customer") })).toBe("/customer");
    // An empty server asks for its first administrator first (nobody could enrol anything).
    expect(decide("/enrol", { kind: "enrol" }, { ...unenrolled, needsSetup: true })).toBe("/setup");
  });

  it("applies it to real navigations", async () => {
    resetSession({ terminal: { state: "not_enrolled" } });
    const router = createAppRouter(createMemoryHistory());
    await router.push("/login");
    expect(router.currentRoute.value.path).toBe("/enrol");
    await router.push("/register/customer");
    expect(router.currentRoute.value.path).toBe("/enrol");
  });
});

describe("the enrolment screen", () => {
  it("enrols with the code as typed, then shows the login screen with what this computer is", async () => {
    resetSession({ terminal: { state: "not_enrolled" } });
    backend({ enrol_this_computer: COUNTER_1 });
    const { wrapper, router } = await mountApp("/enrol");
    expect(router.currentRoute.value.path).toBe("/enrol");
    expect(wrapper.find("h1").text()).toBe("Ask an administrator to enrol this computer");
    expect(wrapper.find(tid("enrol-disconnected")).exists()).toBe(false);
    expect(document.activeElement).toBe(wrapper.find(tid("enrol-code")).element);

    await wrapper.find(tid("enrol-code")).setValue(" k7qm-3xpa ");
    await wrapper.find(tid("enrol-form")).trigger("submit");
    await flushPromises();

    expect(calls("enrol_this_computer")).toEqual([{ code: "k7qm-3xpa" }]);
    expect(session.terminal).toEqual(enrolled(COUNTER_1));
    expect(router.currentRoute.value.path).toBe("/login");
    expect(wrapper.find(tid("login-terminal")).text()).toBe("Counter 1 · counter terminal");
    // A counter terminal: professionals register on a staff computer.
    expect(wrapper.find(tid("link-register-professional")).exists()).toBe(false);
    expect(wrapper.find(tid("link-register-customer")).exists()).toBe(true);
    wrapper.unmount();
  });

  it("shows a refused code under the field, and a missing one without asking Rust", async () => {
    resetSession({ terminal: { state: "not_enrolled" } });
    const refused = "That code is not valid (codes are 8 letters and digits, work once and for 24 hours).";
    backend({
      enrol_this_computer: () => Promise.reject(apiError("validation", refused, { field: "code" })),
    });
    const { wrapper, router } = await mountApp("/enrol");

    await wrapper.find(tid("enrol-form")).trigger("submit");
    await flushPromises();
    expect(calls("enrol_this_computer")).toHaveLength(0);
    expect(wrapper.find("#enrol-code-error").text()).toBe("Enter the code an administrator gave you.");

    await wrapper.find(tid("enrol-code")).setValue("WRONG-CODE");
    await wrapper.find(tid("enrol-form")).trigger("submit");
    await flushPromises();
    const field = wrapper.find(tid("enrol-code"));
    expect(field.classes()).toContain("is-invalid");
    expect(field.attributes("aria-describedby")).toBe("enrol-code-error");
    expect(wrapper.find("#enrol-code-error").text()).toBe(refused);
    expect(document.activeElement).toBe(field.element);
    // Said once, under the field: no toast.
    expect(toasts).toHaveLength(0);
    expect(router.currentRoute.value.path).toBe("/enrol");
    expect(session.terminal.state).toBe("not_enrolled");
    wrapper.unmount();
  });

  it("says prominently that an administrator disconnected this computer", async () => {
    resetSession({ terminal: { state: "disconnected" } });
    const { wrapper } = await mountApp("/login");
    expect(wrapper.find(tid("enrol-disconnected")).text()).toContain(DISCONNECTED_MESSAGE);
    expect(wrapper.find(tid("enrol-code")).exists()).toBe(true);
    wrapper.unmount();
  });
});

describe("connecting a desk", () => {
  const FP = "AB:CD";

  it("to a server that enrols its machines shows the enrolment screen, not the login", async () => {
    resetSession({ needsSetup: true });
    applyConnection({ mode: "unset", address: null, fingerprint: null, online: true });
    backend({
      probe_server: { address: "https://office.local:8443", fingerprint: FP },
      connect_server: { mode: "connected", address: "https://office.local:8443", fingerprint: FP, online: true },
      app_status: { needs_setup: false, session: null, demo_available: false, email_password_reset: false, terminal: { state: "not_enrolled" } },
    });
    const { wrapper, router } = await mountAt(SetupPage, "/setup");
    await wrapper.find(tid("mode-server-input")).setValue(true);
    await wrapper.find(tid("connect-address")).setValue("office.local");
    await wrapper.find(tid("connect-form")).trigger("submit");
    await flushPromises();
    await wrapper.find(tid("connect-form")).trigger("submit");
    await flushPromises();
    expect(router.currentRoute.value.path).toBe("/enrol");
  });

  it("that creates a server's first administrator knows it is that server's first terminal", async () => {
    resetSession({ needsSetup: true });
    const desk: Terminal = { id: 1, name: "First office computer", profile: "staff" };
    backend({
      create_first_admin: user("admin"),
      app_status: { needs_setup: false, session: user("admin"), demo_available: true, email_password_reset: false, terminal: enrolled(desk) },
    });
    const { wrapper, router } = await mountAt(SetupPage, "/setup");
    await wrapper.find(tid("setup-fullname")).setValue("Asha Admin");
    await wrapper.find(tid("setup-username")).setValue("asha");
    await wrapper.find(tid("setup-email")).setValue("asha@example.com");
    await wrapper.find(tid("setup-password")).setValue("correct horse battery");
    await wrapper.find(tid("setup-password-confirm")).setValue("correct horse battery");
    await wrapper.find("form").trigger("submit");
    await flushPromises();
    expect(session.terminal).toEqual(enrolled(desk));
    expect(router.currentRoute.value.path).toBe("/admin");
  });
});

describe("a machine the server stops accepting", () => {
  it("any call refused with not_enrolled clears the user and shows the enrolment screen", async () => {
    resetSession({ user: user("customer", { full_name: "Asha Rao" }), terminal: enrolled(COUNTER_1) });
    pushToast("info", "Booked Plumbing for Asha Rao");
    backend({ customer_profile: () => Promise.reject(apiError("not_enrolled", NOT_ENROLLED)) });
    const { wrapper, router } = await mountApp("/customer/profile");

    expect(router.currentRoute.value.path).toBe("/enrol");
    expect(session.user).toBeNull();
    expect(session.terminal).toEqual({ state: "not_enrolled" });
    expect(wrapper.find("h1").text()).toBe("Ask an administrator to enrol this computer");
    // Nothing of the previous user stays on screen: no navbar, no toast, no name.
    expect(wrapper.find(tid("current-user")).exists()).toBe(false);
    expect(toasts).toHaveLength(0);
    expect(wrapper.text()).not.toContain("Asha");
    wrapper.unmount();
  });

  it("tells a disconnected machine so (Rust's error code decides which screen)", async () => {
    resetSession({ terminal: enrolled(COUNTER_1) });
    backend({ login: () => Promise.reject(apiError("disconnected", DISCONNECTED_MESSAGE)) });
    const { wrapper, router } = await mountApp("/login");
    await wrapper.find(tid("login-identifier")).setValue("asha");
    await wrapper.find(tid("login-password")).setValue("a-long-password");
    await wrapper.find("form").trigger("submit");
    await flushPromises();
    expect(router.currentRoute.value.path).toBe("/enrol");
    expect(session.terminal).toEqual({ state: "disconnected" });
    expect(wrapper.find(tid("enrol-disconnected")).exists()).toBe(true);
    wrapper.unmount();
  });

  it("a session ended because the terminal was disconnected goes to the enrolment screen", async () => {
    resetSession({ user: user("admin", { full_name: "Grace Hopper" }), terminal: enrolled({ id: 1, name: "Desk", profile: "staff" }) });
    backend({ admin_list_terminals: [] });
    const { wrapper, router } = await mountApp("/admin/terminals");
    expect(wrapper.find(tid("current-user")).text()).toBe("Grace Hopper");

    onSessionEnded("disconnected", DISCONNECTED_MESSAGE);
    await flushPromises();
    expect(router.currentRoute.value.path).toBe("/enrol");
    expect(session.user).toBeNull();
    expect(session.terminal).toEqual({ state: "disconnected" });
    expect(wrapper.find(tid("enrol-disconnected")).text()).toContain(DISCONNECTED_MESSAGE);
    expect(wrapper.text()).not.toContain("Grace");
    expect(toasts).toHaveLength(0);
    wrapper.unmount();
  });
});

describe("the login screen on a terminal", () => {
  it("shows a staff computer's name and keeps the professional link", async () => {
    resetSession({ terminal: enrolled({ id: 2, name: "Laptop of Ravi", profile: "staff" }) });
    const { wrapper } = await mountAt(LoginPage, "/login");
    expect(wrapper.find(tid("login-terminal")).text()).toBe("Laptop of Ravi · staff computer");
    expect(wrapper.find(tid("link-register-professional")).exists()).toBe(true);
  });

  it("shows no badge where nothing is enrolled", async () => {
    const { wrapper } = await mountAt(LoginPage, "/login");
    expect(wrapper.find(tid("login-terminal")).exists()).toBe(false);
  });

  it("shows the server's refusal of staff at the counter like other sign-in errors", async () => {
    resetSession({ terminal: enrolled(COUNTER_1) });
    const refusal = '"Counter 1" is a counter terminal: only customers sign in here. Please use a staff computer.';
    backend({ login: () => Promise.reject(apiError("forbidden", refusal)) });
    const { wrapper, router } = await mountAt(LoginPage, "/login");
    await wrapper.find(tid("login-identifier")).setValue("ravi.k");
    await wrapper.find(tid("login-password")).setValue("a-long-password");
    await wrapper.find("form").trigger("submit");
    await flushPromises();
    expect(wrapper.find(tid("login-error")).text()).toBe(refusal);
    expect(toasts).toHaveLength(0);
    expect(router.currentRoute.value.path).toBe("/login");
  });
});

// ---- The administrator's Terminals page ----

const NOW = new Date("2026-12-03T12:00:00Z");

function terminal(extra: Partial<TerminalRow>): TerminalRow {
  return {
    id: 1,
    name: "Front desk",
    profile: "staff",
    code_expires_at: null,
    enrolled_at: "2026-11-20T08:00:00Z",
    last_seen_at: "2026-12-03T11:55:00Z",
    app_version: "0.1.0",
    revoked_at: null,
    signed_in: null,
    ...extra,
  };
}

const ROWS: TerminalRow[] = [
  terminal({ id: 1, name: "First office computer", signed_in: "Grace Hopper" }),
  terminal({ id: 2, name: "Counter 1", profile: "counter", signed_in: "Asha Rao" }),
  terminal({ id: 3, name: "Laptop of Ravi", enrolled_at: null, last_seen_at: null, app_version: null, code_expires_at: "2026-12-04T11:00:00Z" }),
  terminal({ id: 4, name: "Old counter", profile: "counter", revoked_at: "2026-12-01T09:00:00Z" }),
];

describe("terminal helpers", () => {
  it("reads a terminal's status and label", () => {
    expect(ROWS.map((r) => terminalStatus(r, NOW))).toEqual(["enrolled", "enrolled", "waiting", "disconnected"]);
    expect(terminalStatus(ROWS[2], new Date("2026-12-04T11:00:01Z"))).toBe("expired");
    expect(terminalLabel(COUNTER_1)).toBe("Counter 1 · counter terminal");
  });
});

describe("Terminals page", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(NOW);
    resetSession({ user: user("admin"), terminal: enrolled({ id: 1, name: "First office computer", profile: "staff" }) });
  });

  it("lists every terminal: profile, status, last seen, version, who is signed in", async () => {
    backend({ admin_list_terminals: ROWS });
    const { wrapper } = await mountAt(TerminalsPage, "/admin/terminals");
    const rows = wrapper.findAll(tid("terminal-row"));
    expect(rows.map((r) => [r.attributes("data-terminal-name"), r.attributes("data-status")])).toEqual([
      ["First office computer", "enrolled"],
      ["Counter 1", "enrolled"],
      ["Laptop of Ravi", "waiting"],
      ["Old counter", "disconnected"],
    ]);
    expect(rows[0].find(tid("terminal-this")).exists()).toBe(true);
    expect(rows[1].find(tid("terminal-this")).exists()).toBe(false);
    expect(rows[1].find(tid("terminal-profile")).text()).toBe("Counter terminal");
    expect(rows[1].find(tid("terminal-signed-in")).text()).toBe("Asha Rao");
    expect(rows[2].find(tid("terminal-signed-in")).text()).toBe("Nobody");
    expect(rows[1].find(tid("terminal-last-seen")).text()).toContain("5 minutes ago");
    expect(rows[1].find(tid("terminal-last-seen")).text()).toContain("3 Dec 2026");
    expect(rows[2].find(tid("terminal-last-seen")).text()).toBe("Never");
    expect(rows[2].find(tid("terminal-status")).text()).toBe("Waiting for enrolment");
    expect(rows[2].text()).toContain("Code expires in 23 hours");
    expect(rows[1].text()).toContain("0.1.0");
    // Disconnected already: nothing left to disconnect.
    expect(rows.map((r) => r.find(tid("terminal-disconnect")).exists())).toEqual([true, true, true, false]);
  });

  it("shows an empty state, and a loading state until Rust answers", async () => {
    let release: (rows: TerminalRow[]) => void = () => {};
    backend({ admin_list_terminals: () => new Promise<TerminalRow[]>((r) => (release = r)) });
    const { wrapper } = await mountAt(TerminalsPage, "/admin/terminals");
    expect(wrapper.find(tid("terminals-loading")).exists()).toBe(true);
    release([]);
    await flushPromises();
    expect(wrapper.find(tid("terminals-loading")).exists()).toBe(false);
    expect(wrapper.find(tid("terminals-empty")).text()).toContain("No computers yet");
  });

  it("adds a computer and shows its one-time code once", async () => {
    backend({
      admin_list_terminals: ROWS,
      admin_create_terminal: { terminal_id: 9, code: "K7QM-3XPA", expires_at: "2026-12-04T12:00:00Z" },
    });
    const { wrapper } = await mountAt(TerminalsPage, "/admin/terminals");
    await wrapper.find(tid("terminal-new")).trigger("click");
    await wrapper.find(tid("terminal-name")).setValue("  Counter 2 ");
    await wrapper.find(tid("terminal-profile-select")).setValue("counter");
    expect(wrapper.find(tid("terminal-form")).text()).toContain("only customers sign in");
    await wrapper.find(tid("terminal-form")).find("form").trigger("submit");
    await flushPromises();

    expect(calls("admin_create_terminal")).toEqual([{ input: { name: "Counter 2", profile: "counter" } }]);
    const dialog = wrapper.find(tid("terminal-form"));
    expect(dialog.find("h2").text()).toBe("Enrolment code for Counter 2");
    expect(dialog.find(tid("terminal-code")).text()).toBe("K7QM-3XPA");
    expect(dialog.find(tid("terminal-code-copy")).exists()).toBe(true);
    expect(dialog.text()).toContain("works once, for 24 hours");
    expect(dialog.text()).toContain("4 Dec 2026");
    expect(calls("admin_list_terminals")).toHaveLength(2);

    await dialog.find(tid("terminal-code-done")).trigger("click");
    expect(wrapper.find(tid("terminal-form")).exists()).toBe(false);
    // Shown once: the dialog opens empty next time.
    await wrapper.find(tid("terminal-new")).trigger("click");
    expect(wrapper.find(tid("terminal-code")).exists()).toBe(false);
    expect((wrapper.find(tid("terminal-name")).element as HTMLInputElement).value).toBe("");
  });

  it("shows a name problem under the field (the client's and Rust's)", async () => {
    const tooLong = 'Give the computer a name of 1 to 60 characters, like "Counter 2".';
    backend({
      admin_list_terminals: ROWS,
      admin_create_terminal: () => Promise.reject(apiError("validation", "That name is taken by another computer.", { field: "name" })),
    });
    const { wrapper } = await mountAt(TerminalsPage, "/admin/terminals");
    await wrapper.find(tid("terminal-new")).trigger("click");
    await wrapper.find(tid("terminal-form")).find("form").trigger("submit");
    await flushPromises();
    expect(calls("admin_create_terminal")).toHaveLength(0);
    expect(wrapper.find("#terminal-name-error").text()).toBe(tooLong);

    await wrapper.find(tid("terminal-name")).setValue("Counter 1");
    await wrapper.find(tid("terminal-form")).find("form").trigger("submit");
    await flushPromises();
    expect(wrapper.find("#terminal-name-error").text()).toBe("That name is taken by another computer.");
    expect(wrapper.find(tid("terminal-code")).exists()).toBe(false);
    expect(toasts).toHaveLength(0);
  });

  it("disconnects a terminal after a confirmation saying who is signed out", async () => {
    let rows = ROWS;
    backend({
      admin_list_terminals: () => rows,
      admin_revoke_terminal: () => {
        rows = ROWS.map((r) => (r.id === 2 ? { ...r, revoked_at: NOW.toISOString(), signed_in: null } : r));
        return 1;
      },
    });
    const { wrapper } = await mountAt(TerminalsPage, "/admin/terminals");
    await wrapper.findAll(tid("terminal-disconnect"))[1].trigger("click");
    const dialog = wrapper.find(tid("confirm-dialog"));
    expect(dialog.find("h2").text()).toBe("Disconnect Counter 1?");
    expect(dialog.text()).toContain("Everyone signed in there is signed out at once (Asha Rao)");
    expect(dialog.find(tid("terminal-disconnect-self")).exists()).toBe(false);
    // The safe choice has the focus.
    expect(document.activeElement).toBe(dialog.find(tid("confirm-cancel")).element);

    await dialog.find(tid("confirm-ok")).trigger("click");
    await flushPromises();
    expect(calls("admin_revoke_terminal")).toEqual([{ id: 2 }]);
    expect(toasts.map((t) => t.message)).toEqual(["Counter 1 disconnected: 1 signed out"]);
    expect(wrapper.find(`${tid("terminal-row")}[data-terminal-name="Counter 1"]`).attributes("data-status")).toBe("disconnected");
  });

  it("warns before disconnecting the computer in use", async () => {
    backend({ admin_list_terminals: ROWS });
    const { wrapper } = await mountAt(TerminalsPage, "/admin/terminals");
    await wrapper.findAll(tid("terminal-disconnect"))[0].trigger("click");
    expect(wrapper.find(tid("terminal-disconnect-self")).text()).toContain("you are signed out too");
  });

  it("follows live terminals updates", async () => {
    vi.useRealTimers();
    vi.useFakeTimers({ toFake: ["Date", "setTimeout", "clearTimeout"] });
    vi.setSystemTime(NOW);
    let rows = ROWS.slice(0, 2);
    backend({ admin_list_terminals: () => rows });
    const { wrapper } = await mountAt(TerminalsPage, "/admin/terminals");
    expect(wrapper.findAll(tid("terminal-row"))).toHaveLength(2);

    rows = ROWS;
    dispatchLive({ kind: "request", request_id: 3 });
    vi.advanceTimersByTime(LIVE_WINDOW_MS);
    await flushPromises();
    expect(calls("admin_list_terminals")).toHaveLength(1);

    dispatchLive({ kind: "terminals" });
    vi.advanceTimersByTime(LIVE_WINDOW_MS);
    await flushPromises();
    expect(calls("admin_list_terminals")).toHaveLength(2);
    expect(wrapper.findAll(tid("terminal-row"))).toHaveLength(4);
    wrapper.unmount();
  });
});

describe("admin navigation", () => {
  async function mountLayout(path: string) {
    resetSession({ user: user("admin") });
    backend({ admin_list_terminals: [], admin_job_runs: [], admin_email_queue: [] });
    const { wrapper } = await mountAt(AppLayout, path);
    return wrapper;
  }

  it("groups Terminals and Jobs under System on a connected desk", async () => {
    const wrapper = await mountLayout("/admin/terminals");
    const system = wrapper.find(tid("nav-system"));
    expect(system.attributes("data-bs-toggle")).toBe("dropdown");
    expect(system.element.closest("li")?.classList).toContain("nav-group-active");
    expect(wrapper.find(tid("nav-terminals")).attributes("href")).toBe("/admin/terminals");
    expect(wrapper.find(tid("nav-terminals")).classes()).toContain("active");
    expect(wrapper.find(tid("nav-jobs-admin")).classes()).toContain("dropdown-item");
  });

  it("leaves Bootstrap's dropdown state alone when the page changes (so the menu closes)", async () => {
    await import("bootstrap");
    resetSession({ user: user("admin") });
    backend({ admin_list_terminals: [], admin_job_runs: [], admin_email_queue: [] });
    const { wrapper, router } = await mountAt(AppLayout, "/admin/jobs");
    const toggle = wrapper.find(tid("nav-system")).element as HTMLElement;
    // System's own menu (Operations is a dropdown too).
    const menu = toggle.parentElement!.querySelector(".dropdown-menu")!;
    toggle.click();
    expect(menu.classList).toContain("show");
    // In the webview the new page may render before Bootstrap sees the click that leads
    // there: a re-render must not take the "show" off the toggle, or the menu stays open.
    await router.push("/admin/people");
    await flushPromises();
    expect(toggle.classList).toContain("show");
    document.body.click();
    expect(menu.classList).not.toContain("show");
  });

  it("has no Terminals where this computer runs the business (System holds Jobs and Backups)", async () => {
    applyConnection({ mode: "standalone", address: null, fingerprint: null, online: true });
    const wrapper = await mountLayout("/admin/jobs");
    expect(wrapper.find(tid("nav-system")).exists()).toBe(true);
    expect(wrapper.find(tid("nav-terminals")).exists()).toBe(false);
    expect(wrapper.find(tid("nav-jobs-admin")).exists()).toBe(true);
    expect(wrapper.find(tid("nav-backups")).exists()).toBe(true);
  });
});
