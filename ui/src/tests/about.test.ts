// The About dialog (issue #14): version, mode, folders, bundled libraries with licences and
// "Copy diagnostics" (not at a counter terminal).
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { flushPromises, mount } from "@vue/test-utils";
import type { AboutInfo } from "../bindings";
import AboutDialog from "../components/AboutDialog.vue";
import { kiosk, resetKiosk } from "../kiosk";
import { session } from "../session";
import { toasts } from "../toasts";
import { backend, calls, resetSession, tid, user } from "./helpers";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

const ABOUT: AboutInfo = {
  version: "0.1.0",
  mode: "connected",
  server_address: "https://office.local:8443",
  data_dir: "/home/desk/.local/share/household",
  log_dir: "/home/desk/.local/share/household/logs",
  platform: "linux x86_64",
  libraries: [
    { ecosystem: "crates.io", name: "tauri", version: "2.9.0", licence: "Apache-2.0 OR MIT" },
    { ecosystem: "npm", name: "bootstrap", version: "5.3.9", licence: "MIT" },
    { ecosystem: "npm", name: "entities", version: "7.0.1", licence: "BSD-2-Clause" },
  ],
};

beforeEach(() => {
  resetSession({ user: user("admin") });
  resetKiosk();
  document.body.innerHTML = "";
  Object.assign(navigator, { clipboard: { writeText: vi.fn().mockResolvedValue(undefined) } });
});
afterEach(() => resetKiosk());

async function open() {
  const wrapper = mount(AboutDialog, { attachTo: document.body });
  await flushPromises();
  return wrapper;
}

describe("AboutDialog", () => {
  it("shows the version, the mode with its server and the folders", async () => {
    backend({ about: ABOUT });
    const w = await open();
    expect(w.find(tid("about-version")).text()).toBe("0.1.0");
    expect(w.find(tid("about-mode")).text()).toContain("https://office.local:8443");
    expect(w.find(tid("about-log-dir")).text()).toBe(ABOUT.log_dir);
    expect(w.findAll(tid("about-library"))).toHaveLength(3);
  });

  it("filters the libraries by name or licence", async () => {
    backend({ about: ABOUT });
    const w = await open();
    await w.find(tid("about-filter")).setValue("bsd");
    expect(w.findAll(tid("about-library")).map((r) => r.text())).toEqual([expect.stringContaining("entities")]);
  });

  it("copies the diagnostics the Rust side wrote", async () => {
    backend({ about: ABOUT, diagnostics: "Household Services 0.1.0\nMode: connected" });
    const w = await open();
    await w.find(tid("about-copy-diagnostics")).trigger("click");
    await flushPromises();
    expect(calls("diagnostics")).toHaveLength(1);
    expect(navigator.clipboard.writeText).toHaveBeenCalledWith("Household Services 0.1.0\nMode: connected");
    expect(toasts.map((t) => t.message).join()).toContain("Diagnostics copied");
  });

  it("offers no diagnostics at a counter terminal", async () => {
    kiosk.counter = true;
    kiosk.locked = true;
    session.user = user("customer");
    backend({ about: ABOUT });
    const w = await open();
    expect(w.find(tid("about-copy-diagnostics")).exists()).toBe(false);
  });
});
