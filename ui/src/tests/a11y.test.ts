// Issue 14: status changes reach screen readers. Toasts land in live regions that exist
// before any toast does (errors assertive, the rest polite); the notification bell
// announces a rise of its unread count.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { flushPromises, mount } from "@vue/test-utils";
import { nextTick } from "vue";
import { createMemoryHistory } from "vue-router";
import { h } from "vue";
import { Collapse } from "bootstrap";
import AppLayout from "../components/AppLayout.vue";
import AppModal from "../components/AppModal.vue";
import NotificationBell from "../components/NotificationBell.vue";
import ToastHost from "../components/ToastHost.vue";
import { clearNotifications, notifications, unreadAnnouncement } from "../notifications";
import { createAppRouter } from "../router";
import { clearToasts, pushToast } from "../toasts";
import { resetSession, tid, user } from "./helpers";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn() }));

afterEach(() => {
  clearToasts();
  clearNotifications();
  document.body.innerHTML = "";
});

describe("toasts are announced", () => {
  it("has a polite and an assertive live region before any toast arrives", () => {
    const host = mount(ToastHost, { attachTo: document.body });
    const polite = host.find(tid("toasts-polite"));
    const assertive = host.find(tid("toasts-assertive"));
    expect(polite.attributes()).toMatchObject({ role: "status", "aria-live": "polite" });
    expect(assertive.attributes()).toMatchObject({ role: "alert", "aria-live": "assertive" });
    expect(host.findAll(tid("toast"))).toHaveLength(0);
    host.unmount();
  });

  it("puts errors in the assertive region and the other kinds in the polite one", async () => {
    const host = mount(ToastHost, { attachTo: document.body });
    pushToast("success", "Saved");
    pushToast("info", "Export started");
    pushToast("warning", "The server is slow");
    pushToast("danger", "Could not save");
    await nextTick();
    const texts = (region: string) => host.find(tid(region)).findAll(tid("toast")).map((t) => t.text());
    expect(texts("toasts-polite")).toEqual(["Saved", "Export started", "The server is slow"]);
    expect(texts("toasts-assertive")).toEqual(["Could not save"]);
    // Each toast is read as a whole (icon hidden, message, buttons).
    for (const t of host.findAll(tid("toast"))) expect(t.attributes("aria-atomic")).toBe("true");
    host.unmount();
  });
});

describe("the notification bell announces new unread notifications", () => {
  beforeEach(() => {
    resetSession({ user: user("customer") });
    clearNotifications();
  });

  async function mountBell() {
    const router = createAppRouter(createMemoryHistory());
    await router.push("/customer");
    await router.isReady();
    const wrapper = mount(NotificationBell, { global: { plugins: [router] }, attachTo: document.body });
    await flushPromises();
    return wrapper;
  }

  it("says the new count in a polite live region when it rises, not when it falls", async () => {
    const bell = await mountBell();
    const announcer = bell.find(tid("notification-announcer"));
    expect(announcer.attributes()).toMatchObject({ "aria-live": "polite", "aria-atomic": "true" });
    expect(announcer.classes()).toContain("visually-hidden");
    expect(announcer.text()).toBe("");

    notifications.unread = 1;
    await flushPromises();
    expect(announcer.text()).toBe("1 unread notification");

    notifications.unread = 3;
    await flushPromises();
    expect(announcer.text()).toBe("3 unread notifications");
    expect(bell.find(tid("notification-bell")).attributes("aria-label")).toBe("Notifications, 3 unread");

    // Read by the person: nothing new to say.
    notifications.unread = 1;
    await flushPromises();
    expect(announcer.text()).toBe("3 unread notifications");
    bell.unmount();
  });

  it("announces the same count again when it rises back to it (the text changes in between)", async () => {
    const bell = await mountBell();
    const el = bell.find(tid("notification-announcer")).element;
    notifications.unread = 2;
    await flushPromises();
    notifications.unread = 0;
    await flushPromises();
    const seen: string[] = [];
    const observer = new MutationObserver(() => seen.push(el.textContent ?? ""));
    observer.observe(el, { childList: true, characterData: true, subtree: true });
    notifications.unread = 2;
    await flushPromises();
    observer.disconnect();
    expect(seen).toContain("");
    expect(el.textContent).toBe(unreadAnnouncement(2));
    bell.unmount();
  });
});

describe("a dialog keeps the Tab key inside", () => {
  function mountModal() {
    const opener = document.createElement("button");
    document.body.append(opener);
    opener.focus();
    const wrapper = mount(AppModal, {
      props: { title: "A dialog" },
      slots: { default: () => [h("input", { id: "first-field" }), h("button", { id: "last-button" }, "OK")] },
      attachTo: document.body,
    });
    return { wrapper, opener };
  }

  function keydown(init: KeyboardEventInit) {
    const e = new KeyboardEvent("keydown", { bubbles: true, cancelable: true, ...init });
    document.activeElement!.dispatchEvent(e);
    return e;
  }

  it("wraps Tab from the last element to the first, and Shift+Tab back", async () => {
    const { wrapper } = mountModal();
    await nextTick();
    const close = wrapper.find("button.btn-close").element as HTMLElement;
    const last = document.getElementById("last-button")!;
    last.focus();
    expect(keydown({ key: "Tab" }).defaultPrevented).toBe(true);
    expect(document.activeElement).toBe(close);
    expect(keydown({ key: "Tab", shiftKey: true }).defaultPrevented).toBe(true);
    expect(document.activeElement).toBe(last);
    wrapper.unmount();
  });

  it("knows WebKitGTK's Shift+Tab (key Unidentified, code Tab)", async () => {
    const { wrapper } = mountModal();
    await nextTick();
    const close = wrapper.find("button.btn-close").element as HTMLElement;
    close.focus();
    expect(keydown({ key: "Unidentified", code: "Tab", shiftKey: true }).defaultPrevented).toBe(true);
    expect(document.activeElement).toBe(document.getElementById("last-button"));
    wrapper.unmount();
  });

  it("closes on Escape and gives the focus back to the opener", async () => {
    const { wrapper, opener } = mountModal();
    await nextTick();
    expect(document.activeElement).toBe(document.getElementById("first-field"));
    keydown({ key: "Escape" });
    expect(wrapper.emitted("close")).toHaveLength(1);
    wrapper.unmount();
    expect(document.activeElement).toBe(opener);
  });
});

describe("the collapsed navbar menu", () => {
  it("folds again once a page is chosen in it (narrow or zoomed window)", async () => {
    resetSession({ user: user("customer") });
    const router = createAppRouter(createMemoryHistory());
    await router.push("/customer");
    await router.isReady();
    const wrapper = mount(AppLayout, { global: { plugins: [router] }, slots: { default: "<h1>page</h1>" }, attachTo: document.body });
    await flushPromises();
    const hide = vi.spyOn(Collapse.prototype, "hide");
    const menu = wrapper.find("#main-nav").element;

    await router.push("/customer/services"); // the menu is folded: nothing to do
    await flushPromises();
    expect(hide).not.toHaveBeenCalled();

    menu.classList.add("show"); // opened with the toggler
    // Bootstrap ends the fold on a timer; wait for it so nothing fires after the test
    // environment is gone (CI saw a late transitionend as an unhandled error).
    const hidden = new Promise((resolve) => menu.addEventListener("hidden.bs.collapse", resolve, { once: true }));
    await router.push("/customer/requests");
    await flushPromises();
    expect(hide).toHaveBeenCalledTimes(1);
    expect(Collapse.getInstance(menu)).not.toBeNull();
    await hidden;
    expect(menu.classList.contains("show")).toBe(false);
    hide.mockRestore();
    wrapper.unmount();
  });
});
