import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { flushPromises } from "@vue/test-utils";
import type { RouteLocationNormalized } from "vue-router";
import { setFailureHandler } from "../api";
import type { RequestDetail } from "../bindings";
import { isPageChange, scrollBehavior } from "../navigation";
import { handleFailure } from "../shell";
import { backend, mountRouted, resetSession, user } from "./helpers";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

function loc(path: string, query: Record<string, string> = {}, matched = true): RouteLocationNormalized {
  return { path, query, matched: matched ? [{}] : [] } as unknown as RouteLocationNormalized;
}

const PROFILE = {
  full_name: "Asha Rao",
  username: "asha",
  email: "asha@example.com",
  phone: "9876543210",
  address: "12 Lake Road",
  pincode: "560001",
  rating_avg: null,
  rating_count: 0,
};

beforeEach(() => {
  resetSession({ user: user("customer") });
  setFailureHandler(handleFailure);
  document.body.innerHTML = "";
});

afterEach(() => {
  vi.useRealTimers();
});

describe("scroll position on navigation", () => {
  it("starts every other page at the top, keeps it for a new query of the same page", () => {
    expect(scrollBehavior(loc("/customer/requests"), loc("/customer/services"), null)).toEqual({
      top: 0,
      left: 0,
      behavior: "instant",
    });
    // Filters, tabs and pages in the URL: same page, same place.
    expect(scrollBehavior(loc("/professional/jobs", { status: "all" }), loc("/professional/jobs"), null)).toBe(false);
    // Back/Forward: where that page was left.
    expect(scrollBehavior(loc("/admin/people"), loc("/admin/people/5"), { left: 0, top: 640 })).toEqual({ left: 0, top: 640 });
    // The first page of the session.
    expect(isPageChange(loc("/login"), loc("/", {}, false))).toBe(true);
    expect(isPageChange(loc("/admin/requests", { page: "2" }), loc("/admin/requests"))).toBe(false);
  });

  it("scrolls the window to the top when the router opens another page", async () => {
    backend({ customer_profile: PROFILE, customer_my_requests: { items: [], page: { page: 1, per_page: 20, total: 0, total_is_capped: false }, has_more: false } });
    const scrollTo = vi.spyOn(window, "scrollTo");
    const { router, wrapper } = await mountRouted("/customer/profile");
    scrollTo.mockClear();
    await router.push("/customer/requests");
    await flushPromises();
    expect(scrollTo).toHaveBeenCalled();
    const args = scrollTo.mock.calls.at(-1) as unknown[];
    // vue-router passes options where the browser knows scroll-behavior, else (x, y).
    expect(args.length === 1 ? (args[0] as ScrollToOptions).top : args[1]).toBe(0);
    wrapper.unmount();
  });
});

describe("focus on navigation", () => {
  it("moves the focus to the new page's heading", async () => {
    backend({ customer_profile: PROFILE, customer_my_requests: { items: [], page: { page: 1, per_page: 20, total: 0, total_is_capped: false }, has_more: false } });
    const { router, wrapper } = await mountRouted("/customer/profile");
    const link = document.createElement("a");
    link.href = "#";
    document.body.appendChild(link);
    link.focus(); // e.g. the navbar link that was clicked
    await router.push("/customer/requests");
    await flushPromises();
    const h1 = document.querySelector("h1")!;
    expect(h1.textContent).toContain("My requests");
    expect(document.activeElement).toBe(h1);
    expect(h1.getAttribute("tabindex")).toBe("-1");
    wrapper.unmount();
  });

  it("waits for a heading that appears once the page has loaded", async () => {
    let answer: (d: RequestDetail) => void = () => {};
    resetSession({ user: user("admin") });
    backend({
      admin_list_services: [],
      admin_list_requests: { items: [], page: { page: 1, per_page: 20, total: 0, total_is_capped: false } },
      admin_request_detail: () => new Promise<RequestDetail>((r) => (answer = r)),
    });
    const { router, wrapper } = await mountRouted("/admin/requests");
    await router.push("/admin/requests/12");
    await flushPromises();
    expect(document.querySelector("h1")).toBeNull(); // still loading
    answer({
      request: {
        id: 12,
        status: "closed",
        service_id: 1,
        service_name: "Plumbing",
        price_minor: 49990,
        customer_id: 7,
        customer_name: "Asha Rao",
        professional_id: null,
        professional_name: null,
        professional_phone: null,
        scheduled_for: "2026-12-05T04:30:00Z",
        address: "12 Lake Road",
        pincode: "560001",
        remarks: "",
        completion_note: null,
        created_at: "2026-12-01T08:00:00Z",
        assigned_at: null,
        completed_at: null,
        closed_at: null,
        cancelled_at: null,
        rating: null,
        comment: null,
        customer_rating: null,
        customer_comment: null,
      },
      history: [],
    });
    await flushPromises();
    await new Promise((r) => setTimeout(r, 0)); // the MutationObserver's turn
    expect(document.activeElement?.tagName).toBe("H1");
    expect(document.activeElement?.textContent).toContain("Request #12");
    wrapper.unmount();
  });

  it("leaves the focus in a field the new page focused itself (sign-in)", async () => {
    resetSession({ user: null });
    const { router, wrapper } = await mountRouted("/register/customer");
    await router.push("/login");
    await flushPromises();
    expect(document.activeElement?.id).toBe("login-identifier");
    wrapper.unmount();
  });
});
