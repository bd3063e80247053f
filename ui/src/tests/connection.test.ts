// Connecting a desktop to a server: the first-run choice, the fingerprint the person compares
// before anything is trusted, the login screen's note and the "cannot reach" banner.
import { beforeEach, describe, expect, it, vi } from "vitest";
import { flushPromises, mount } from "@vue/test-utils";
import { invoke } from "@tauri-apps/api/core";
import { setFailureHandler } from "../api";
import type { ConnectionInfo } from "../bindings";
import ConnectionBanner from "../components/ConnectionBanner.vue";
import LoginPage from "../pages/LoginPage.vue";
import SetupPage from "../pages/SetupPage.vue";
import { applyConnection, connection } from "../connection";
import { handleFailure } from "../shell";
import { toasts } from "../toasts";
import { apiError, backend, calls, mountAt, resetSession, tid, user } from "./helpers";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

const FP = Array.from({ length: 32 }, (_, i) => (i * 7 % 256).toString(16).padStart(2, "0").toUpperCase()).join(":");
const CONNECTED: ConnectionInfo = { mode: "connected", address: "https://server.local:8443", fingerprint: FP, online: true };
const status = (needs_setup: boolean) => ({
  needs_setup,
  session: null,
  demo_available: needs_setup, email_password_reset: false,
  terminal: { state: "not_required" } as const,
});

describe("first run on a new computer", () => {
  beforeEach(() => {
    vi.mocked(invoke).mockReset();
    resetSession({ needsSetup: true });
    applyConnection({ mode: "unset", address: null, fingerprint: null, online: true });
    setFailureHandler(handleFailure);
    toasts.splice(0);
    document.body.innerHTML = "";
  });

  it("offers both ways; connecting shows the fingerprint first and trusts only on confirmation", async () => {
    backend({
      probe_server: { address: "https://server.local:8443", fingerprint: FP },
      connect_server: CONNECTED,
      app_status: status(false),
    });
    const { wrapper, router } = await mountAt(SetupPage, "/setup");
    expect(wrapper.find(tid("mode-here")).exists()).toBe(true);
    await wrapper.find(tid("mode-server-input")).setValue(true);
    expect(wrapper.find(tid("setup-fullname")).exists()).toBe(false);

    await wrapper.find(tid("connect-address")).setValue("server.local");
    await wrapper.find(tid("connect-form")).trigger("submit");
    await flushPromises();
    expect(calls("probe_server")).toEqual([{ address: "server.local" }]);
    expect(calls("connect_server")).toEqual([]);
    expect(wrapper.find(tid("connect-fingerprint")).text()).toBe(FP);

    await wrapper.find(tid("connect-form")).trigger("submit");
    await flushPromises();
    expect(calls("connect_server")).toEqual([{ address: "https://server.local:8443", fingerprint: FP }]);
    expect(connection.mode).toBe("connected");
    // A server that already runs a business: sign in there.
    expect(router.currentRoute.value.path).toBe("/login");
  });

  it("an unreachable address is said under the field, with nothing trusted", async () => {
    backend({
      probe_server: () => {
        throw apiError("unavailable", "Could not reach a server at https://nowhere:8443.");
      },
    });
    const { wrapper } = await mountAt(SetupPage, "/setup");
    await wrapper.find(tid("mode-server-input")).setValue(true);
    await wrapper.find(tid("connect-address")).setValue("nowhere");
    await wrapper.find(tid("connect-form")).trigger("submit");
    await flushPromises();
    expect(wrapper.find(tid("connect-fingerprint")).exists()).toBe(false);
    expect(toasts.map((t) => t.message)).toContain("Could not reach a server at https://nowhere:8443.");
  });

  it("running the business here remembers that choice before creating the administrator", async () => {
    backend({
      use_this_computer: { mode: "standalone", address: null, fingerprint: null, online: true },
      create_first_admin: user("admin"),
    });
    const { wrapper, router } = await mountAt(SetupPage, "/setup");
    await wrapper.find(tid("setup-fullname")).setValue("Asha Admin");
    await wrapper.find(tid("setup-username")).setValue("asha");
    await wrapper.find(tid("setup-email")).setValue("asha@example.com");
    await wrapper.find(tid("setup-password")).setValue("correct horse battery");
    await wrapper.find(tid("setup-password-confirm")).setValue("correct horse battery");
    await wrapper.find("form").trigger("submit");
    await flushPromises();
    const order = vi.mocked(invoke).mock.calls.map((c) => c[0]);
    expect(order.indexOf("use_this_computer")).toBeLessThan(order.indexOf("create_first_admin"));
    expect(connection.mode).toBe("standalone");
    expect(router.currentRoute.value.path).toBe("/admin");
  });

  it("an empty server asks for its first administrator right after connecting", async () => {
    backend({
      probe_server: { address: "https://server.local:8443", fingerprint: FP },
      connect_server: CONNECTED,
      app_status: status(true),
    });
    const { wrapper, router } = await mountAt(SetupPage, "/setup");
    await wrapper.find(tid("mode-server-input")).setValue(true);
    await wrapper.find(tid("connect-address")).setValue("server.local");
    await wrapper.find(tid("connect-form")).trigger("submit");
    await flushPromises();
    await wrapper.find(tid("connect-form")).trigger("submit");
    await flushPromises();
    expect(router.currentRoute.value.path).toBe("/setup");
    expect(wrapper.find(tid("mode-server")).exists()).toBe(false);
    expect(wrapper.text()).toContain("The server at https://server.local:8443 is new");
    expect(wrapper.find(tid("setup-fullname")).exists()).toBe(true);
  });
});

describe("a connected computer", () => {
  beforeEach(() => {
    resetSession();
    document.body.innerHTML = "";
  });

  it("says on the login screen which server it works on", async () => {
    applyConnection(CONNECTED);
    const { wrapper } = await mountAt(LoginPage, "/login");
    expect(wrapper.find(tid("login-connection")).text()).toContain("https://server.local:8443");
    applyConnection({ mode: "standalone", address: null, fingerprint: null, online: true });
    await flushPromises();
    expect(wrapper.find(tid("login-connection")).exists()).toBe(false);
  });

  it("shows the banner only while its server does not answer", async () => {
    applyConnection(CONNECTED);
    const wrapper = mount(ConnectionBanner);
    expect(wrapper.find(tid("offline-banner")).exists()).toBe(false);
    applyConnection({ ...CONNECTED, online: false });
    await flushPromises();
    expect(wrapper.find(tid("offline-banner")).text()).toContain("Cannot reach the server");
    applyConnection({ ...CONNECTED, online: true });
    await flushPromises();
    expect(wrapper.find(tid("offline-banner")).exists()).toBe(false);
    // Standalone never shows it.
    applyConnection({ mode: "standalone", address: null, fingerprint: null, online: false });
    await flushPromises();
    expect(wrapper.find(tid("offline-banner")).exists()).toBe(false);
  });
});
