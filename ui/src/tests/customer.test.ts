import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { flushPromises, mount, type VueWrapper } from "@vue/test-utils";
import { createMemoryHistory } from "vue-router";
import { setFailureHandler } from "../api";
import type { CustomerProfile, MyRequestsPage as MyRequestsPageData, RequestDetail, RequestRecord, RequestRow, RequestStatus, ServiceSearchRow } from "../bindings";
import AppLayout from "../components/AppLayout.vue";
import HomePage from "../pages/HomePage.vue";
import FindServicesPage from "../pages/customer/FindServicesPage.vue";
import MyRequestsPage from "../pages/customer/MyRequestsPage.vue";
import ProfilePage from "../pages/customer/ProfilePage.vue";
import RequestDetailPage from "../pages/customer/RequestDetailPage.vue";
import { createAppRouter } from "../router";
import { handleFailure } from "../shell";
import { toasts } from "../toasts";
import { apiError, backend, calls, mountAt, resetSession, tid, user, type Args } from "./helpers";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

const ME = 7;

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

function service(extra: Partial<ServiceSearchRow>): ServiceSearchRow {
  return {
    id: 1,
    name: "Plumbing",
    description: "Leaks, taps and pipes",
    base_price_minor: 49990,
    estimated_minutes: 90,
    rating_avg: 4.25,
    rating_count: 9,
    professionals_available: 3,
    ...extra,
  };
}

const SERVICES = [service({}), service({ id: 2, name: "Deep cleaning", rating_avg: null, rating_count: 0, professionals_available: 1 })];

function record(extra: Partial<RequestRecord>): RequestRecord {
  return {
    id: 12,
    status: "requested",
    service_id: 1,
    service_name: "Plumbing",
    price_minor: 49990,
    customer_id: ME,
    customer_name: "Asha Rao",
    professional_id: null,
    professional_name: null,
    professional_phone: null,
    scheduled_for: "2026-11-25T04:30:00Z",
    address: "12 Lake Road, Indiranagar",
    pincode: "560034",
    remarks: "Kitchen tap",
    completion_note: null,
    created_at: "2026-11-20T08:00:00Z",
    assigned_at: null,
    completed_at: null,
    closed_at: null,
    cancelled_at: null,
    rating: null,
    comment: null,
    customer_rating: null,
    customer_comment: null,
    ...extra,
  };
}

function detail(extra: Partial<RequestRecord>): RequestDetail {
  return {
    request: record(extra),
    history: [
      { id: 1, actor_id: ME, actor_name: "Asha Rao", from_status: null, to_status: "requested", note: null, created_at: "2026-11-20T08:00:00Z" },
      { id: 2, actor_id: 9, actor_name: "Vikram Singh", from_status: "requested", to_status: "requested", note: "Declined by a professional", created_at: "2026-11-20T09:00:00Z" },
      { id: 3, actor_id: 5, actor_name: "Ravi Kumar", from_status: "requested", to_status: "assigned", note: null, created_at: "2026-11-20T10:00:00Z" },
    ],
  };
}

function row(extra: Partial<RequestRow>): RequestRow {
  return {
    id: 12,
    status: "requested",
    service_id: 1,
    service_name: "Plumbing",
    customer_id: ME,
    customer_name: "Asha Rao",
    professional_id: null,
    professional_name: null,
    scheduled_for: "2026-11-25T04:30:00Z",
    pincode: "560034",
    created_at: "2026-11-20T08:00:00Z",
    rating: null,
    ...extra,
  };
}

const ACTIONS = ["request-edit", "request-cancel", "request-close", "request-review"];

function visibleActions(wrapper: VueWrapper): string[] {
  return ACTIONS.filter((a) => wrapper.find(tid(a)).exists());
}

beforeEach(() => {
  resetSession({ user: user("customer", { user_id: ME, full_name: "Asha Rao" }) });
  setFailureHandler(handleFailure);
  document.body.innerHTML = "";
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe("Find services", () => {
  it("searches the profile's PIN code first, then sends text, PIN code and sort", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    backend({ customer_profile: PROFILE, customer_search_services: SERVICES });
    const { wrapper } = await mountAt(FindServicesPage, "/customer/services");

    expect(calls("customer_search_services")).toEqual([{ query: { text: null, pincode: "560034", sort: "name" } }]);
    expect((wrapper.find(tid("search-pincode")).element as HTMLInputElement).value).toBe("560034");

    const plumbing = wrapper.find('[data-service-name="Plumbing"]');
    expect(plumbing.attributes("data-testid")).toBe("service-result");
    expect(plumbing.find(tid("result-rating")).text()).toBe("4.3");
    expect(plumbing.find(tid("result-review-count")).text()).toBe("9 reviews");
    expect(plumbing.text()).toContain("3 professionals nearby");
    expect(plumbing.text()).toContain("1 h 30 min");
    expect(plumbing.text()).toContain(new Intl.NumberFormat(undefined, { style: "currency", currency: "INR" }).format(499.9));
    const cleaning = wrapper.find('[data-service-name="Deep cleaning"]');
    expect(cleaning.find(tid("result-rating")).text()).toBe("No reviews yet");
    expect(cleaning.find(tid("result-review-count")).exists()).toBe(false);
    expect(cleaning.text()).toContain("1 professional nearby");

    await wrapper.find(tid("search-text")).setValue("plumb");
    vi.advanceTimersByTime(299);
    await flushPromises();
    expect(calls("customer_search_services")).toHaveLength(1);
    vi.advanceTimersByTime(1);
    await flushPromises();
    expect(calls("customer_search_services").at(-1)).toEqual({ query: { text: "plumb", pincode: "560034", sort: "name" } });

    // Sort applies at once.
    await wrapper.find(tid("search-sort")).setValue("price_desc");
    await flushPromises();
    expect(calls("customer_search_services").at(-1)).toEqual({ query: { text: "plumb", pincode: "560034", sort: "price_desc" } });

    // A half-typed PIN code is not sent.
    const before = calls("customer_search_services").length;
    await wrapper.find(tid("search-pincode")).setValue("5600");
    vi.advanceTimersByTime(300);
    await flushPromises();
    expect(calls("customer_search_services")).toHaveLength(before);
    expect(wrapper.find("#search-pincode-error").text()).toContain("6 digits");

    // No PIN code: every service, with a hint that availability depends on the area.
    await wrapper.find(tid("search-pincode")).setValue("");
    vi.advanceTimersByTime(300);
    await flushPromises();
    expect(calls("customer_search_services").at(-1)).toEqual({ query: { text: "plumb", pincode: null, sort: "price_desc" } });
    expect(wrapper.find(tid("search-area-hint")).text()).toContain("Availability depends on your area");
    expect(wrapper.text()).not.toContain("nearby");
  });

  it("says which PIN code has nothing and offers every service", async () => {
    backend({ customer_profile: PROFILE, customer_search_services: (a: Args) => ((a?.query as { pincode: string | null }).pincode ? [] : SERVICES) });
    const { wrapper } = await mountAt(FindServicesPage, "/customer/services");
    expect(wrapper.find(tid("search-empty")).text()).toContain("No service is available in PIN 560034 yet");
    await wrapper.find(tid("search-empty")).find("button").trigger("click");
    await new Promise((r) => setTimeout(r, 320));
    await flushPromises();
    expect(wrapper.findAll(tid("service-result"))).toHaveLength(2);
  });
});

describe("Booking", () => {
  const DAYS = [
    { day: "2026-11-21", slots: [] },
    { day: "2026-11-22", slots: ["2026-11-22T03:30:00Z", "2026-11-22T05:00:00Z", "2026-11-22T09:30:00Z"] },
    { day: "2026-11-23", slots: ["2026-11-23T04:30:00Z"] },
  ];

  async function openBooking(extra: Record<string, unknown> = {}) {
    backend({ customer_profile: PROFILE, customer_search_services: SERVICES, customer_available_slots: DAYS, customer_book: 31, ...extra });
    const mounted = await mountAt(FindServicesPage, "/customer/services");
    await mounted.wrapper.find('[data-service-name="Plumbing"]').find(tid("book-button")).trigger("click");
    await flushPromises();
    return mounted;
  }

  it("offers the core's free times for the next 14 days and books the chosen one", async () => {
    const { wrapper, router } = await openBooking();
    expect(calls("customer_available_slots")).toEqual([{ query: { service_id: 1, pincode: "560034", from_day: "", days: 14 } }]);
    // The first day with free times is shown; every day says how many it has.
    const day = wrapper.find(tid("book-day"));
    expect((day.element as HTMLSelectElement).value).toBe("2026-11-22");
    const labels = day.findAll("option").map((o) => o.text());
    expect(labels[0]).toContain("no free times");
    expect(labels[1]).toContain("3 free times");
    const options = () => wrapper.findAll(tid("book-slot-option"));
    expect(options().map((o) => o.attributes("data-slot"))).toEqual(DAYS[1].slots);
    // The first free time is chosen to start with.
    const checked = () => options().map((o) => o.attributes("aria-checked"));
    expect(checked()).toEqual(["true", "false", "false"]);
    // Buttons in a radio group: Tab reaches the chosen one only, the arrow keys move the choice.
    expect(wrapper.find('[role="radiogroup"]').exists()).toBe(true);
    expect(options().every((o) => o.attributes("role") === "radio" && o.element.tagName === "BUTTON")).toBe(true);
    expect(options().map((o) => o.attributes("tabindex"))).toEqual(["0", "-1", "-1"]);
    await options()[0].trigger("keydown", { key: "ArrowRight" });
    expect(checked()).toEqual(["false", "true", "false"]);
    expect(options().map((o) => o.attributes("tabindex"))).toEqual(["-1", "0", "-1"]);
    await options()[1].trigger("keydown", { key: "End" });
    expect(checked()).toEqual(["false", "false", "true"]);
    await options()[2].trigger("keydown", { key: "ArrowDown" });
    expect(checked()).toEqual(["true", "false", "false"]);

    // A day without free times says so.
    await day.setValue("2026-11-21");
    expect(wrapper.find(tid("book-slots-empty")).text()).toContain("No free times on this day");
    expect(wrapper.findAll(tid("book-slot-option"))).toHaveLength(0);

    // Nothing chosen: nothing sent.
    await wrapper.find(tid("book-submit")).trigger("click");
    await flushPromises();
    expect(calls("customer_book")).toHaveLength(0);
    expect(wrapper.find(tid("book-slot-error")).text()).toBe("Choose one of the free times.");

    await day.setValue("2026-11-22");
    expect(checked()).toEqual(["true", "false", "false"]);
    await wrapper.find('[data-slot="2026-11-22T05:00:00Z"]').trigger("click");
    await wrapper.find(tid("book-remarks")).setValue("  Kitchen tap drips  ");
    await wrapper.find(tid("book-submit")).trigger("click");
    await flushPromises();
    expect(calls("customer_book")).toEqual([
      {
        input: {
          service_id: 1,
          scheduled_for: "2026-11-22T05:00:00Z",
          address: PROFILE.address,
          pincode: "560034",
          remarks: "Kitchen tap drips",
        },
      },
    ]);
    expect(toasts.map((t) => t.message)).toContain("Booked! We'll let you know when a professional accepts.");
    expect(router.currentRoute.value.path).toBe("/customer/requests");
  });

  it("asks again for the free times of another PIN code, and when a time was taken meanwhile", async () => {
    let taken = true;
    const { wrapper } = await openBooking({
      customer_available_slots: (a: Args) =>
        (a?.query as { pincode: string }).pincode === "110001" ? [{ day: "2026-11-22", slots: ["2026-11-22T06:00:00Z"] }] : DAYS,
      customer_book: () => {
        if (taken) {
          taken = false;
          throw apiError("validation", "No professional is free at that time. Choose one of the offered times.", { field: "scheduled_for" });
        }
        return 31;
      },
    });
    // A half-typed PIN code does not ask.
    await wrapper.find(tid("book-pincode")).setValue("1100");
    await flushPromises();
    expect(calls("customer_available_slots")).toHaveLength(1);
    await wrapper.find(tid("book-pincode")).setValue("110001");
    await flushPromises();
    expect(calls("customer_available_slots").at(-1)).toEqual({ query: { service_id: 1, pincode: "110001", from_day: "", days: 14 } });
    expect(wrapper.findAll(tid("book-slot-option")).map((o) => o.attributes("data-slot"))).toEqual(["2026-11-22T06:00:00Z"]);

    await wrapper.find(tid("book-slot-option")).trigger("click");
    await wrapper.find(tid("book-submit")).trigger("click");
    await flushPromises();
    expect(calls("customer_book")).toHaveLength(1);
    expect(wrapper.find(tid("book-slot-error")).text()).toContain("No professional is free at that time");
    expect(calls("customer_available_slots")).toHaveLength(3);
    expect(wrapper.find(tid("booking-dialog")).exists()).toBe(true);
    expect(toasts).toHaveLength(0);
  });

  it("checks the form before sending and shows Rust's field errors", async () => {
    const { wrapper } = await openBooking({
      customer_book: () => {
        throw apiError("validation", "No verified professional offers Plumbing in PIN code 560001 yet.", { field: "pincode" });
      },
    });
    await wrapper.find(tid("book-pincode")).setValue("12");
    await wrapper.find(tid("book-address")).setValue("x");
    await wrapper.find(tid("book-submit")).trigger("click");
    await flushPromises();
    // Every problem at once, in the core's words, and nothing sent.
    expect(calls("customer_book")).toHaveLength(0);
    expect(wrapper.find("#book-pincode-error").text()).toBe("PIN code must be exactly 6 digits.");
    expect(wrapper.find("#book-address-error").text()).toBe("Address must be at least 5 characters.");

    await wrapper.find(tid("book-address")).setValue(PROFILE.address);
    await wrapper.find(tid("book-pincode")).setValue("560001");
    await flushPromises();
    await wrapper.find(tid("book-slot-option")).trigger("click");
    await wrapper.find(tid("book-submit")).trigger("click");
    await flushPromises();
    expect(calls("customer_book")).toHaveLength(1);
    expect(wrapper.find("#book-pincode-error").text()).toContain("No verified professional offers Plumbing");
    expect(wrapper.find(tid("booking-dialog")).exists()).toBe(true);
  });

  it("says when the free times cannot be loaded and retries", async () => {
    let fail = true;
    const { wrapper } = await openBooking({
      customer_available_slots: () => {
        if (fail) {
          fail = false;
          throw apiError("internal", "database is busy");
        }
        return DAYS;
      },
    });
    const picker = wrapper.find(tid("book-slot-picker"));
    expect(picker.text()).toContain("Could not load the free times: database is busy");
    await picker.find("button").trigger("click");
    await flushPromises();
    expect(wrapper.findAll(tid("book-slot-option"))).toHaveLength(3);
  });
});

describe("My requests", () => {
  function page(items: RequestRow[], hasMore = false, p = 1): MyRequestsPageData {
    return { items, page: { page: p, per_page: 20, total: items.length + (hasMore ? 1 : 0), total_is_capped: false }, has_more: hasMore };
  }

  it("lists the current requests, switches tabs and pages with Previous/Next", async () => {
    backend({
      customer_my_requests: (a: Args) => {
        const q = a?.query as { scope: string; page: number };
        if (q.scope === "past") return page([row({ id: 3, status: "closed", professional_name: "Ravi Kumar", rating: 4 })]);
        return q.page === 1
          ? page([row({}), row({ id: 11, status: "assigned", professional_name: "Ravi Kumar" })], true)
          : page([row({ id: 2, status: "completed", professional_name: "Meera Iyer" })], false, 2);
      },
    });
    const { wrapper, router } = await mountAt(MyRequestsPage, "/customer/requests");
    expect(calls("customer_my_requests")[0]).toEqual({ query: { scope: "current", page: 1, per_page: 20 } });
    const rows = wrapper.findAll(tid("my-request-row"));
    expect(rows.map((r) => [r.attributes("data-request-id"), r.attributes("data-status")])).toEqual([
      ["12", "requested"],
      ["11", "assigned"],
    ]);
    expect(rows[0].text()).toContain("Waiting for a professional");
    expect(rows[1].text()).toContain("Ravi Kumar");
    expect(rows[0].attributes("href")).toBe("/customer/requests/12");

    await wrapper.find(tid("page-next")).trigger("click");
    await flushPromises();
    expect(router.currentRoute.value.fullPath).toBe("/customer/requests?page=2");
    expect(calls("customer_my_requests").at(-1)).toEqual({ query: { scope: "current", page: 2, per_page: 20 } });
    expect(wrapper.find(tid("page-next")).attributes("disabled")).toBeDefined();

    await wrapper.find(tid("requests-tab-past")).trigger("click");
    await flushPromises();
    expect(calls("customer_my_requests").at(-1)).toEqual({ query: { scope: "past", page: 1, per_page: 20 } });
    const past = wrapper.find(tid("my-request-row"));
    expect(past.attributes("data-status")).toBe("closed");
    expect(past.text()).toContain("4.0");
  });

  it("points an empty list to the search", async () => {
    backend({ customer_my_requests: page([]) });
    const { wrapper } = await mountAt(MyRequestsPage, "/customer/requests?scope=all");
    expect(calls("customer_my_requests")[0]).toMatchObject({ query: { scope: "all" } });
    const empty = wrapper.find(tid("my-requests-empty"));
    expect(empty.find("a").attributes("href")).toBe("/customer/services");
  });
});

describe("Request detail", () => {
  it.each([
    ["requested", null, ["request-edit", "request-cancel"]],
    ["assigned", null, ["request-cancel"]],
    ["completed", null, ["request-close"]],
    ["closed", null, ["request-review"]],
    ["closed", 4, []],
    ["cancelled", null, []],
    ["rejected", null, []],
  ] as const)("a %s request (rating %s) offers %j", async (status, rating, expected) => {
    backend({ customer_request_detail: detail({ status, rating, professional_name: status === "requested" ? null : "Ravi Kumar" }) });
    const { wrapper } = await mountAt(RequestDetailPage, "/customer/requests/12");
    expect(calls("customer_request_detail")).toEqual([{ id: 12 }]);
    expect(wrapper.find(tid("request-status")).attributes("data-status")).toBe(status);
    expect(visibleActions(wrapper)).toEqual(expected);
  });

  it("shows the timeline, naming the customer as You and not naming a decliner", async () => {
    backend({ customer_request_detail: detail({ status: "assigned", professional_id: 5, professional_name: "Ravi Kumar" }) });
    const { wrapper } = await mountAt(RequestDetailPage, "/customer/requests/12");
    const items = wrapper.findAll(tid("history-item"));
    expect(items).toHaveLength(3);
    expect(items[0].text()).toContain("You");
    expect(items[1].text()).toContain("A professional");
    expect(items[1].text()).toContain("Declined by a professional");
    expect(items[1].text()).not.toContain("Vikram");
    expect(items[2].text()).toContain("Ravi Kumar");
    expect(wrapper.find(tid("request-professional")).text()).toBe("Ravi Kumar");
    expect(wrapper.find(tid("request-professional-phone")).exists()).toBe(false);
  });

  it("offers the professional's phone when Rust sends it", async () => {
    backend({
      customer_request_detail: detail({ status: "assigned", professional_id: 5, professional_name: "Ravi Kumar", professional_phone: "9845012345" }),
    });
    const { wrapper } = await mountAt(RequestDetailPage, "/customer/requests/12");
    const phone = wrapper.find(tid("request-professional-phone"));
    expect(phone.text()).toBe("9845012345");
    expect(phone.attributes("href")).toBe("tel:9845012345");
  });

  it("confirms a cancel, telling that the professional will be told, and reloads", async () => {
    let status: RequestStatus = "assigned";
    backend({
      customer_request_detail: () => detail({ status, professional_name: "Ravi Kumar" }),
      customer_cancel_request: () => {
        status = "cancelled";
        return null;
      },
    });
    const { wrapper } = await mountAt(RequestDetailPage, "/customer/requests/12");
    await wrapper.find(tid("request-cancel")).trigger("click");
    expect(wrapper.find(tid("confirm-dialog")).text()).toContain("The professional will be told");
    await wrapper.find(tid("confirm-cancel")).trigger("click");
    expect(calls("customer_cancel_request")).toHaveLength(0);
    await wrapper.find(tid("request-cancel")).trigger("click");
    await wrapper.find(tid("confirm-ok")).trigger("click");
    await flushPromises();
    expect(calls("customer_cancel_request")).toEqual([{ id: 12 }]);
    expect(wrapper.find(tid("request-status")).attributes("data-status")).toBe("cancelled");
    expect(visibleActions(wrapper)).toEqual([]);
  });

  it("edits an open request with a new offered time, address and remarks", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-11-21T05:00:00Z"));
    const booked = "2026-11-25T04:30:00Z";
    backend({
      customer_request_detail: detail({ status: "requested", scheduled_for: booked }),
      customer_available_slots: [
        { day: "2026-11-24", slots: ["2026-11-24T06:00:00Z"] },
        { day: "2026-11-25", slots: ["2026-11-25T11:30:00Z"] },
      ],
      customer_edit_request: null,
    });
    const { wrapper } = await mountAt(RequestDetailPage, "/customer/requests/12");
    await wrapper.find(tid("request-edit")).trigger("click");
    await flushPromises();
    expect(calls("customer_available_slots")).toEqual([{ query: { service_id: 1, pincode: "560034", from_day: "", days: 14 } }]);
    // The booked time is kept until another is chosen.
    expect(wrapper.find(tid("edit-slot-current")).exists()).toBe(true);
    await wrapper.find(tid("edit-remarks")).setValue("Kitchen and bathroom taps");
    await wrapper.find(tid("edit-submit")).trigger("click");
    await flushPromises();
    expect(calls("customer_edit_request")).toEqual([
      { id: 12, input: { scheduled_for: booked, address: "12 Lake Road, Indiranagar", remarks: "Kitchen and bathroom taps" } },
    ]);

    await wrapper.find(tid("request-edit")).trigger("click");
    await flushPromises();
    await wrapper.find('[data-slot="2026-11-25T11:30:00Z"]').trigger("click");
    await wrapper.find(tid("edit-address")).setValue("Flat 4B, 12 Lake Road");
    await wrapper.find(tid("edit-submit")).trigger("click");
    await flushPromises();
    expect(calls("customer_edit_request").at(-1)).toEqual({
      id: 12,
      input: { scheduled_for: "2026-11-25T11:30:00Z", address: "Flat 4B, 12 Lake Road", remarks: "Kitchen tap" },
    });
    expect(toasts.map((t) => t.message)).toContain("Request updated");
  });

  const BILL = { base_minor: 49990, extras: [{ description: "Washer", amount_minor: 4000 }], total_minor: 53990 };
  const CASH = { method: "cash", reference: "", accepted_total_minor: 53990 };

  async function openClose(handlers: Record<string, unknown> = {}) {
    backend({
      customer_request_detail: detail({ status: "completed", professional_name: "Ravi Kumar" }),
      customer_bill: BILL,
      customer_close_request: 41,
      ...handlers,
    });
    const { wrapper } = await mountAt(RequestDetailPage, "/customer/requests/12");
    await wrapper.find(tid("request-close")).trigger("click");
    await flushPromises();
    return wrapper;
  }

  it("shows the bill and closes with the chosen rating and comment, paid in cash", async () => {
    const wrapper = await openClose();
    expect(calls("customer_bill")).toEqual([{ id: 12 }]);
    const lines = wrapper.findAll(tid("close-bill-line")).map((l) => l.text());
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain("Plumbing");
    expect(lines[0]).toContain("499.90");
    expect(lines[1]).toContain("Washer");
    expect(lines[1]).toContain("40.00");
    expect(wrapper.find(tid("close-total")).text()).toContain("539.90");
    expect((wrapper.find(tid("close-method-cash")).element as HTMLInputElement).checked).toBe(true);
    expect(wrapper.find(tid("close-reference")).exists()).toBe(false);
    await wrapper.find(tid("review-star-2")).setValue(true);
    await wrapper.find(tid("review-star-4")).setValue(true);
    expect(wrapper.findAll(".star-radio.filled")).toHaveLength(4);
    await wrapper.find(tid("review-comment")).setValue("  Quick and tidy  ");
    await wrapper.find(tid("review-submit")).trigger("click");
    await flushPromises();
    expect(calls("customer_close_request")).toEqual([{ id: 12, review: { rating: 4, comment: "Quick and tidy" }, payment: CASH }]);
    expect(wrapper.find(tid("review-dialog")).exists()).toBe(false);
    expect(toasts.map((t) => t.message)).toContain("Request closed. Thank you! Receipt No. 41 is ready.");
  });

  it("closes without a review when the rating is skipped", async () => {
    const wrapper = await openClose();
    await wrapper.find(tid("review-submit")).trigger("click");
    await flushPromises();
    expect(calls("customer_close_request")).toEqual([{ id: 12, review: null, payment: CASH }]);
  });

  it("asks for the reference of a UPI or card payment", async () => {
    const wrapper = await openClose();
    await wrapper.find(tid("close-method-upi")).setValue(true);
    await wrapper.find(tid("review-submit")).trigger("click");
    await flushPromises();
    expect(calls("customer_close_request")).toHaveLength(0);
    expect(wrapper.find(tid("review-dialog")).text()).toContain("Enter the UPI reference of the payment.");
    await wrapper.find(tid("close-reference")).setValue("  UPI-4321  ");
    await wrapper.find(tid("review-submit")).trigger("click");
    await flushPromises();
    expect(calls("customer_close_request")).toEqual([
      { id: 12, review: null, payment: { method: "upi", reference: "UPI-4321", accepted_total_minor: 53990 } },
    ]);
  });

  it("reloads the bill when the total changed meanwhile and sends the new total", async () => {
    let bill = BILL;
    let refuse = true;
    const wrapper = await openClose({
      customer_bill: () => bill,
      customer_close_request: () => {
        if (refuse) {
          refuse = false;
          bill = { ...BILL, extras: [...BILL.extras, { description: "Extra hour", amount_minor: 20000 }], total_minor: 73990 };
          throw apiError("conflict", "The total of this job is now ₹739.90: check it and close again.");
        }
        return 42;
      },
    });
    await wrapper.find(tid("review-submit")).trigger("click");
    await flushPromises();
    expect(toasts.map((t) => t.message)).toContain("The total of this job is now ₹739.90: check it and close again.");
    expect(wrapper.find(tid("review-dialog")).exists()).toBe(true);
    expect(wrapper.find(tid("close-total")).text()).toContain("739.90");
    await wrapper.find(tid("review-submit")).trigger("click");
    await flushPromises();
    expect(calls("customer_close_request").map((c) => (c.payment as { accepted_total_minor: number }).accepted_total_minor)).toEqual([
      53990, 73990,
    ]);
  });

  it("will not drop a comment written without stars", async () => {
    const wrapper = await openClose();
    await wrapper.find(tid("review-comment")).setValue("Fine");
    await wrapper.find(tid("review-submit")).trigger("click");
    await flushPromises();
    expect(calls("customer_close_request")).toHaveLength(0);
    expect(wrapper.find(tid("review-dialog")).text()).toContain("Choose a star rating to send your comment");
    await wrapper.find(tid("review-star-5")).setValue(true);
    await wrapper.find(tid("review-submit")).trigger("click");
    await flushPromises();
    expect(calls("customer_close_request")).toEqual([{ id: 12, review: { rating: 5, comment: "Fine" }, payment: CASH }]);
  });

  it("shows the completion code while assigned, and the receipt once closed", async () => {
    backend({
      customer_request_detail: { ...detail({ status: "assigned", professional_name: "Ravi Kumar" }), completion_code: "482913" },
    });
    const { wrapper } = await mountAt(RequestDetailPage, "/customer/requests/12");
    expect(wrapper.find(tid("completion-code")).text()).toBe("482913");
    expect(wrapper.find(tid("request-receipt")).exists()).toBe(false);
    wrapper.unmount();

    const print = vi.spyOn(window, "print").mockImplementation(() => {});
    backend({
      customer_request_detail: { ...detail({ status: "closed", professional_name: "Ravi Kumar", rating: 5 }), receipt_number: 41 },
      customer_receipt: {
        number: 41,
        request_id: 12,
        issued_at: "2026-11-25T08:00:00Z",
        business_name: "Sharma Home Services",
        business_address: "1 MG Road, Bengaluru",
        customer_name: "Asha Rao",
        professional_name: "Ravi Kumar",
        service_name: "Plumbing",
        visit_at: "2026-11-25T04:30:00Z",
        lines: [
          { description: "Plumbing", amount_minor: 49990 },
          { description: "Washer", amount_minor: 4000 },
        ],
        total_minor: 53990,
        payment_method: "upi",
        payment_reference: "UPI-4321",
      },
    });
    const closed = (await mountAt(RequestDetailPage, "/customer/requests/12")).wrapper;
    expect(closed.find(tid("completion-code")).exists()).toBe(false);
    expect(closed.find(tid("request-receipt")).text()).toContain("Receipt No. 41");
    await closed.find(tid("request-receipt")).trigger("click");
    await flushPromises();
    expect(calls("customer_receipt")).toEqual([{ id: 12 }]);
    const receipt = closed.find(tid("receipt"));
    expect(receipt.find(tid("receipt-number")).text()).toBe("Receipt No. 41");
    expect(receipt.find(tid("receipt-business-name")).text()).toBe("Sharma Home Services");
    expect(receipt.find(tid("receipt-business-address")).text()).toBe("1 MG Road, Bengaluru");
    expect(receipt.findAll(tid("receipt-line"))).toHaveLength(2);
    expect(receipt.find(tid("receipt-total")).text()).toContain("539.90");
    expect(receipt.find(tid("receipt-payment")).text()).toContain("UPI");
    expect(receipt.find(tid("receipt-payment")).text()).toContain("UPI-4321");
    expect(receipt.classes()).toContain("receipt-print");
    await closed.find(tid("receipt-print")).trigger("click");
    expect(print).toHaveBeenCalledTimes(1);
  });

  it("reviews a closed request later, stars required", async () => {
    backend({ customer_request_detail: detail({ status: "closed", professional_name: "Ravi Kumar" }), customer_review_request: null });
    const { wrapper } = await mountAt(RequestDetailPage, "/customer/requests/12");
    await wrapper.find(tid("request-review")).trigger("click");
    await wrapper.find(tid("review-submit")).trigger("click");
    await flushPromises();
    expect(calls("customer_review_request")).toHaveLength(0);
    expect(wrapper.find(tid("review-dialog")).text()).toContain("Choose a rating from 1 to 5 stars");
    await wrapper.find(tid("review-star-3")).setValue(true);
    await wrapper.find(tid("review-submit")).trigger("click");
    await flushPromises();
    expect(calls("customer_review_request")).toEqual([{ id: 12, review: { rating: 3, comment: null } }]);
  });

  it("says when the request does not exist", async () => {
    backend({
      customer_request_detail: () => {
        throw apiError("not_found", "That request does not exist.");
      },
    });
    const { wrapper } = await mountAt(RequestDetailPage, "/customer/requests/99");
    expect(wrapper.find(tid("request-not-found")).exists()).toBe(true);
    expect(toasts).toHaveLength(0);
  });
});

describe("Customer profile", () => {
  it("saves the contact details and shows Rust's field error", async () => {
    let fail = true;
    backend({
      customer_profile: PROFILE,
      customer_update_profile: (a: Args) => {
        if (fail) {
          fail = false;
          throw apiError("validation", "PIN code must be exactly 6 digits.", { field: "pincode" });
        }
        return { ...PROFILE, ...(a?.input as object) };
      },
    });
    const { wrapper } = await mountAt(ProfilePage, "/customer/profile");
    expect((wrapper.find(tid("profile-phone")).element as HTMLInputElement).value).toBe(PROFILE.phone);
    await wrapper.find(tid("profile-phone")).setValue("abc");
    await wrapper.find(tid("profile-save")).trigger("click");
    await flushPromises();
    expect(calls("customer_update_profile")).toHaveLength(0);
    expect(wrapper.find("#profile-phone-error").text()).toContain("10 to 15 digits");

    await wrapper.find(tid("profile-phone")).setValue("+91 98765 43210");
    await wrapper.find(tid("profile-pincode")).setValue("560001");
    await wrapper.find(tid("profile-save")).trigger("click");
    await flushPromises();
    expect(calls("customer_update_profile")[0]).toEqual({
      input: { phone: "+91 98765 43210", address: PROFILE.address, pincode: "560001" },
    });
    expect(wrapper.find("#profile-pincode-error").text()).toContain("6 digits");

    await wrapper.find(tid("profile-save")).trigger("click");
    await flushPromises();
    expect(calls("customer_update_profile")).toHaveLength(2);
    expect(toasts.at(-1)?.message).toBe("Profile saved");
  });

  it("changes the password after checking length and confirmation", async () => {
    let fail = true;
    backend({
      customer_profile: PROFILE,
      change_password: () => {
        if (fail) {
          fail = false;
          throw apiError("validation", "The current password is not correct.", { field: "current_password" });
        }
        return null;
      },
    });
    const { wrapper } = await mountAt(ProfilePage, "/customer/profile");
    await wrapper.find(tid("password-current")).setValue("old-password-1");
    await wrapper.find(tid("password-new")).setValue("short");
    await wrapper.find(tid("password-confirm")).setValue("short");
    await wrapper.find(tid("password-save")).trigger("click");
    await flushPromises();
    expect(calls("change_password")).toHaveLength(0);
    expect(wrapper.find("#password-new-error").text()).toContain("12");

    await wrapper.find(tid("password-new")).setValue("a much longer passphrase");
    await wrapper.find(tid("password-confirm")).setValue("a much longer passphrase!");
    await wrapper.find(tid("password-save")).trigger("click");
    expect(wrapper.find("#password-confirm-error").text()).toContain("do not match");

    await wrapper.find(tid("password-confirm")).setValue("a much longer passphrase");
    await wrapper.find(tid("password-save")).trigger("click");
    await flushPromises();
    expect(calls("change_password")).toEqual([
      { input: { current_password: "old-password-1", new_password: "a much longer passphrase" } },
    ]);
    expect(wrapper.find("#password-current-error").text()).toContain("not correct");

    await wrapper.find(tid("password-current")).setValue("right-password");
    await wrapper.find(tid("password-save")).trigger("click");
    await flushPromises();
    expect(calls("change_password")).toHaveLength(2);
    expect(toasts.at(-1)?.message).toBe("Password changed");
    expect((wrapper.find(tid("password-new")).element as HTMLInputElement).value).toBe("");
  });
});

describe("customer navigation and home", () => {
  it("links the customer sections and highlights the current one on detail pages", async () => {
    backend({ customer_request_detail: detail({}) });
    const router = createAppRouter(createMemoryHistory());
    await router.push("/customer/requests/12");
    await router.isReady();
    const wrapper = mount(AppLayout, { global: { plugins: [router] }, slots: { default: "<p>page</p>" }, attachTo: document.body });
    await flushPromises();
    expect(wrapper.find(tid("nav-find-services")).attributes("href")).toBe("/customer/services");
    expect(wrapper.find(tid("nav-my-requests")).attributes("href")).toBe("/customer/requests");
    expect(wrapper.find(tid("nav-profile")).attributes("href")).toBe("/customer/profile");
    expect(wrapper.find(tid("nav-my-requests")).classes()).toContain("active");
    expect(wrapper.find(tid("nav-home")).classes()).not.toContain("active");
    expect(wrapper.find(".nav-coming-soon").exists()).toBe(false);
  });

  it("keeps professionals away from customer pages", async () => {
    resetSession({ user: user("professional") });
    const router = createAppRouter(createMemoryHistory());
    await router.push("/customer/services");
    expect(router.currentRoute.value.path).toBe("/professional");
  });

  it("adds quick links under the summary cards", async () => {
    backend({ home_summary: { role: "customer", cards: [{ key: "open", label: "Open requests", value: 2, hint: "" }] } });
    const { wrapper } = await mountAt(HomePage, "/customer");
    expect(wrapper.findAll(tid("summary-card"))).toHaveLength(1);
    expect(wrapper.find(tid("quick-find-services")).attributes("href")).toBe("/customer/services");
    expect(wrapper.find(tid("quick-my-requests")).attributes("href")).toBe("/customer/requests");
  });
});
