import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { flushPromises, mount, type VueWrapper } from "@vue/test-utils";
import { createMemoryHistory } from "vue-router";
import { setFailureHandler } from "../api";
import type {
  Dashboard,
  PeoplePage,
  PersonDetail,
  PersonRow,
  RequestDetail,
  RequestPage,
  RequestRecord,
  RequestStatus,
  ServiceAdminRow,
} from "../bindings";
import AppLayout from "../components/AppLayout.vue";
import HomePage from "../pages/HomePage.vue";
import PeoplePageView from "../pages/admin/PeoplePage.vue";
import PersonDetailPage from "../pages/admin/PersonDetailPage.vue";
import RequestDetailPage from "../pages/admin/RequestDetailPage.vue";
import RequestsPage from "../pages/admin/RequestsPage.vue";
import ServicesPage from "../pages/admin/ServicesPage.vue";
import { createAppRouter } from "../router";
import { handleFailure } from "../shell";
import { toasts } from "../toasts";
import { apiError, backend, calls, mountAt, resetSession, tid, user } from "./helpers";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
// jsdom has no canvas: record what the dashboard asks Chart.js to draw instead.
const charts = vi.hoisted(() => [] as { type: string; labels: unknown[]; data: unknown[] }[]);
vi.mock("chart.js", () => {
  class Chart {
    static defaults = { color: "", font: { family: "" } };
    static register() {}
    constructor(_el: unknown, config: { type: string; data: { labels: unknown[]; datasets: { data: unknown[] }[] } }) {
      charts.push({ type: config.type, labels: config.data.labels, data: config.data.datasets[0].data });
    }
    destroy() {}
  }
  return {
    Chart,
    ArcElement: {},
    CategoryScale: {},
    DoughnutController: {},
    Filler: {},
    Legend: {},
    LinearScale: {},
    LineController: {},
    LineElement: {},
    PointElement: {},
    Tooltip: {},
  };
});


function service(extra: Partial<ServiceAdminRow>): ServiceAdminRow {
  return {
    id: 1,
    name: "Plumbing",
    description: "Leaks, taps and pipes",
    base_price_minor: 49990,
    estimated_minutes: 90,
    is_active: true,
    request_count: 0,
    professional_count: 0,
    rating_avg: null,
    rating_count: 0,
    ...extra,
  };
}

function person(extra: Partial<PersonRow>): PersonRow {
  return {
    id: 5,
    username: "pro.plumber",
    full_name: "Ravi Kumar",
    email: "ravi@example.com",
    role: "professional",
    status: "active",
    blocked_reason: null,
    phone: "9876543210",
    pincode: "560001",
    created_at: "2024-05-01T10:00:00Z",
    service_id: 1,
    service_name: "Plumbing",
    verification_status: "approved",
    rating_avg: 4.5,
    rating_count: 8,
    completed_jobs: 12,
    request_count: 0,
    customer_rating_avg: null,
    customer_rating_count: 0,
    complaint_count: 0,
    open_complaint_count: 0,
    ...extra,
  };
}

function peoplePage(items: PersonRow[], total = items.length, page = 1): PeoplePage {
  return { items, page: { page, per_page: 20, total, total_is_capped: false } };
}

const SERVICES = [
  service({ id: 1, name: "Plumbing", request_count: 14, professional_count: 3, rating_avg: 4.25, rating_count: 9 }),
  service({ id: 2, name: "Window cleaning", base_price_minor: 25000, estimated_minutes: 60, is_active: false }),
];

beforeEach(() => {
  resetSession({ user: user("admin", { user_id: 1 }) });
  setFailureHandler(handleFailure);
  document.body.innerHTML = "";
  charts.length = 0;
});

afterEach(() => {
  vi.useRealTimers();
});

describe("Services page", () => {
  it("renders the rows and only allows deleting an unused service", async () => {
    backend({ admin_list_services: SERVICES });
    const { wrapper } = await mountAt(ServicesPage, "/admin/services");

    const rows = wrapper.findAll(tid("service-row"));
    expect(rows.map((r) => r.attributes("data-service-name"))).toEqual(["Plumbing", "Window cleaning"]);
    const plumbing = wrapper.find('[data-service-name="Plumbing"]');
    expect(plumbing.text()).toContain("1 h 30 min");
    expect(plumbing.text()).toContain(
      new Intl.NumberFormat(undefined, { style: "currency", currency: "INR" }).format(499.9),
    );
    expect(plumbing.find(tid("service-active-badge")).text()).toBe("Active");
    expect(plumbing.find(tid("service-delete")).attributes("disabled")).toBeDefined();
    expect(plumbing.find(tid("service-toggle-active")).text()).toBe("Deactivate");

    const windows = wrapper.find('[data-service-name="Window cleaning"]');
    expect(windows.find(tid("service-active-badge")).text()).toBe("Inactive");
    expect(windows.find(tid("service-delete")).attributes("disabled")).toBeUndefined();
    expect(windows.find(tid("service-toggle-active")).text()).toBe("Activate");
  });

  it("creates a service with the price in minor units and refuses 3 decimals first", async () => {
    backend({ admin_list_services: [], admin_create_service: 9 });
    const { wrapper } = await mountAt(ServicesPage, "/admin/services");
    expect(wrapper.find(tid("services-empty")).exists()).toBe(true);

    await wrapper.find(tid("service-new")).trigger("click");
    await wrapper.find(tid("service-name")).setValue("Deep cleaning");
    await wrapper.find(tid("service-description")).setValue("Whole flat");
    await wrapper.find(tid("service-price")).setValue("1.234");
    await wrapper.find(tid("service-minutes")).setValue("150");
    await wrapper.find("form").trigger("submit");
    await flushPromises();
    expect(calls("admin_create_service")).toHaveLength(0);
    expect(wrapper.find(tid("service-price")).classes()).toContain("is-invalid");
    expect(wrapper.find("#service-price-error").text()).toMatch(/2 decimal/);

    await wrapper.find(tid("service-price")).setValue("499.90");
    await wrapper.find("form").trigger("submit");
    await flushPromises();
    expect(calls("admin_create_service")).toEqual([
      { input: { name: "Deep cleaning", description: "Whole flat", base_price_minor: 49990, estimated_minutes: 150 } },
    ]);
    expect(wrapper.find(tid("service-form")).exists()).toBe(false);
  });

  it("shows a Rust field error under its input", async () => {
    backend({
      admin_list_services: SERVICES,
      admin_update_service: () => {
        throw apiError("validation", "A service with this name already exists.", { field: "name" });
      },
    });
    const { wrapper } = await mountAt(ServicesPage, "/admin/services");
    await wrapper.find('[data-service-name="Window cleaning"]').find(tid("service-edit")).trigger("click");
    expect((wrapper.find(tid("service-price")).element as HTMLInputElement).value).toBe("250");
    await wrapper.find(tid("service-name")).setValue("Plumbing");
    await wrapper.find("form").trigger("submit");
    await flushPromises();
    expect(calls("admin_update_service")[0]).toMatchObject({ id: 2, input: { name: "Plumbing", base_price_minor: 25000 } });
    expect(wrapper.find("#service-name-error").text()).toContain("already exists");
  });

  it("confirms a delete and toasts Rust's conflict", async () => {
    backend({
      admin_list_services: SERVICES,
      admin_delete_service: () => {
        throw apiError("conflict", "\"Window cleaning\" has requests or professionals on record");
      },
    });
    const { wrapper } = await mountAt(ServicesPage, "/admin/services");
    await wrapper.find('[data-service-name="Window cleaning"]').find(tid("service-delete")).trigger("click");
    expect(calls("admin_delete_service")).toHaveLength(0);
    await wrapper.find(tid("confirm-ok")).trigger("click");
    await flushPromises();
    expect(calls("admin_delete_service")).toEqual([{ id: 2 }]);
    expect(toasts.map((t) => t.kind)).toEqual(["danger"]);
    expect(toasts[0].message).toContain("has requests or professionals");
  });

  it("deactivates a service", async () => {
    backend({ admin_list_services: SERVICES, admin_set_service_active: null });
    const { wrapper } = await mountAt(ServicesPage, "/admin/services");
    await wrapper.find('[data-service-name="Plumbing"]').find(tid("service-toggle-active")).trigger("click");
    await flushPromises();
    expect(calls("admin_set_service_active")).toEqual([{ id: 1, active: false }]);
  });
});

describe("People page", () => {
  it("applies a query-string preset and sends every filter to Rust", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    backend({
      admin_list_services: SERVICES,
      admin_list_people: peoplePage([person({})], 57),
    });
    const { wrapper, router } = await mountAt(PeoplePageView, "/admin/people?role=professional&verification=pending");

    expect(calls("admin_list_people")[0]).toEqual({
      query: {
        role: "professional",
        status: null,
        verification: "pending",
        service_id: null,
        pincode: null,
        search: null,
        open_complaints: false,
        page: 1,
        per_page: 20,
      },
    });
    expect((wrapper.find(tid("people-filter-role")).element as HTMLSelectElement).value).toBe("professional");
    expect(wrapper.find(tid("person-row")).attributes("data-username")).toBe("pro.plumber");
    expect(wrapper.find(tid("people-pagination")).text()).toContain("Showing 1–20 of 57");

    await wrapper.find(tid("people-filter-status")).setValue("blocked");
    await flushPromises();
    await wrapper.find(tid("people-search")).setValue("ravi");
    // Debounced: nothing sent until the pause.
    const before = calls("admin_list_people").length;
    vi.advanceTimersByTime(299);
    await flushPromises();
    expect(calls("admin_list_people")).toHaveLength(before);
    vi.advanceTimersByTime(1);
    await flushPromises();

    expect(calls("admin_list_people").at(-1)).toEqual({
      query: {
        role: "professional",
        status: "blocked",
        verification: "pending",
        service_id: null,
        pincode: null,
        search: "ravi",
        open_complaints: false,
        page: 1,
        per_page: 20,
      },
    });
    expect(router.currentRoute.value.query).toMatchObject({ status: "blocked", search: "ravi" });

    // Page 2 keeps the filters.
    await wrapper.find(tid("page-2")).trigger("click");
    await flushPromises();
    expect(calls("admin_list_people").at(-1)).toMatchObject({ query: { status: "blocked", search: "ravi", page: 2 } });
  });

  it("shows the empty state", async () => {
    backend({ admin_list_services: SERVICES, admin_list_people: peoplePage([]) });
    const { wrapper } = await mountAt(PeoplePageView, "/admin/people?search=nobody");
    expect(wrapper.find(tid("people-empty")).exists()).toBe(true);
    expect(wrapper.find(tid("people-empty")).text()).toContain("Nobody matches");
    expect(wrapper.findAll(tid("person-row"))).toHaveLength(0);
  });

  it("opens the detail on a row click", async () => {
    backend({ admin_list_services: [], admin_list_people: peoplePage([person({ id: 42 })]) });
    const { wrapper, router } = await mountAt(PeoplePageView, "/admin/people");
    await wrapper.find(tid("person-row")).trigger("click");
    await flushPromises();
    expect(router.currentRoute.value.path).toBe("/admin/people/42");
  });

  it("flags open complaints and filters on them", async () => {
    backend({
      admin_list_services: [],
      admin_list_people: peoplePage([
        person({ id: 5, username: "pro.plumber", complaint_count: 3, open_complaint_count: 2 }),
        person({ id: 6, username: "pro.calm", complaint_count: 1, open_complaint_count: 0 }),
      ]),
    });
    const { wrapper, router } = await mountAt(PeoplePageView, "/admin/people");
    expect(calls("admin_list_people")[0]).toMatchObject({ query: { open_complaints: false } });
    const rows = wrapper.findAll(tid("person-row"));
    expect(rows[0].find(tid("person-open-complaints")).text()).toBe("2 open complaints");
    expect(rows[1].find(tid("person-open-complaints")).exists()).toBe(false);

    const box = wrapper.find(tid("people-filter-open-complaints"));
    expect(wrapper.find("label[for='people-open-complaints']").text()).toBe("Open complaints");
    await box.setValue(true);
    await flushPromises();
    expect(calls("admin_list_people").at(-1)).toMatchObject({ query: { open_complaints: true, page: 1 } });
    expect(router.currentRoute.value.query).toMatchObject({ complaints: "open" });
    expect((wrapper.find(tid("people-clear")).element as HTMLButtonElement).disabled).toBe(false);

    await wrapper.find(tid("people-filter-open-complaints")).setValue(false);
    await flushPromises();
    expect(calls("admin_list_people").at(-1)).toMatchObject({ query: { open_complaints: false } });
    expect(router.currentRoute.value.query.complaints).toBeUndefined();
  });

  it("reads the open-complaints filter from the URL", async () => {
    backend({ admin_list_services: [], admin_list_people: peoplePage([]) });
    const { wrapper } = await mountAt(PeoplePageView, "/admin/people?complaints=open");
    expect(calls("admin_list_people")[0]).toMatchObject({ query: { open_complaints: true } });
    expect((wrapper.find(tid("people-filter-open-complaints")).element as HTMLInputElement).checked).toBe(true);
    expect(wrapper.find(tid("people-empty")).text()).toContain("Nobody matches");
  });
});

function detailOf(row: PersonRow, extra: Partial<PersonDetail> = {}): PersonDetail {
  return {
    person: row,
    professional:
      row.role === "professional"
        ? {
            experience_years: 6,
            description: "Certified plumber",
            verification_note: null,
            verified_at: null,
            document_name: "licence.pdf",
            document_mime: "application/pdf",
            document_size: 204800,
            document_uploaded_at: "2024-05-01T10:00:00Z",
          }
        : null,
    audit: [
      { id: 2, action: "professional.approved", actor_name: "Grace Hopper", detail: "", created_at: "2024-05-03T10:00:00Z" },
      { id: 1, action: "user.registered", actor_name: null, detail: "", created_at: "2024-05-01T10:00:00Z" },
    ],
    live_sessions: 0,
    ...extra,
  };
}

describe("Person detail", () => {
  it("shows a professional's complaints, linking to the Complaints page", async () => {
    backend({ admin_person_detail: detailOf(person({ complaint_count: 2, open_complaint_count: 1 })) });
    const { wrapper, router } = await mountAt(PersonDetailPage, "/admin/people/5");
    const link = wrapper.find(tid("person-complaints-link"));
    expect(link.text()).toBe("Complaints: 2 (1 open)");
    await link.trigger("click");
    await flushPromises();
    expect(router.currentRoute.value.path).toBe("/admin/complaints");
  });

  it("says so when a professional has no complaints", async () => {
    backend({ admin_person_detail: detailOf(person({})) });
    const { wrapper } = await mountAt(PersonDetailPage, "/admin/people/5");
    expect(wrapper.find(tid("person-complaints")).text()).toBe("Complaints: none");
    expect(wrapper.find(tid("person-complaints-link")).exists()).toBe(false);
  });

  it("blocks with the reason, reports released jobs and reloads", async () => {
    let blocked = false;
    backend({
      admin_person_detail: () =>
        detailOf(person({ status: blocked ? "blocked" : "active", blocked_reason: blocked ? "Fake documents" : null })),
      admin_block_user: () => {
        blocked = true;
        return { released_requests: [31, 32] };
      },
    });
    const { wrapper } = await mountAt(PersonDetailPage, "/admin/people/5");
    expect(calls("admin_person_detail")).toEqual([{ userId: 5 }]);
    expect(wrapper.find(tid("person-status")).text()).toBe("active");
    expect(wrapper.find(tid("person-verification")).text()).toBe("approved");
    expect(wrapper.findAll(tid("audit-item"))).toHaveLength(2);
    expect(wrapper.find(tid("person-approve")).exists()).toBe(false);

    await wrapper.find(tid("person-block")).trigger("click");
    // Too short: refused on the client.
    await wrapper.find(tid("block-reason")).setValue("no");
    await wrapper.find(tid("block-confirm")).trigger("submit");
    await flushPromises();
    expect(calls("admin_block_user")).toHaveLength(0);
    expect(wrapper.find(tid("block-reason")).classes()).toContain("is-invalid");

    await wrapper.find(tid("block-reason")).setValue("  Fake documents ");
    await wrapper.find("form").trigger("submit");
    await flushPromises();

    expect(calls("admin_block_user")).toEqual([{ userId: 5, reason: "Fake documents" }]);
    expect(toasts.at(-1)?.kind).toBe("success");
    expect(toasts.at(-1)?.message).toContain("2 assigned job(s) returned to the open pool");
    expect(wrapper.find(tid("released-jobs")).text()).toContain("#31");
    expect(calls("admin_person_detail")).toHaveLength(2);
    expect(wrapper.find(tid("person-status")).text()).toBe("blocked");
    expect(wrapper.find(tid("person-unblock")).exists()).toBe(true);
    expect(wrapper.find(tid("person-block")).exists()).toBe(false);
    expect(wrapper.find(tid("block-dialog")).exists()).toBe(false);
  });

  it("signs a person out everywhere when they are signed in somewhere", async () => {
    let live = 2;
    backend({
      admin_person_detail: () => detailOf(person({ status: "active" }), { live_sessions: live }),
      admin_end_sessions: () => {
        const n = live;
        live = 0;
        return n;
      },
    });
    const { wrapper } = await mountAt(PersonDetailPage, "/admin/people/5");
    expect(wrapper.find(tid("person-live-sessions")).text()).toBe("2");
    await wrapper.find(tid("person-end-sessions")).trigger("click");
    await flushPromises();
    expect(calls("admin_end_sessions")).toEqual([{ userId: 5 }]);
    expect(toasts.at(-1)?.message).toContain("signed out on 2 computer(s)");
    expect(wrapper.find(tid("person-end-sessions")).exists()).toBe(false);
  });

  it("rejects a pending professional with a reason and approves after a confirm", async () => {
    backend({
      admin_person_detail: detailOf(person({ verification_status: "pending" })),
      admin_reject_professional: { released_requests: [] },
      admin_approve_professional: null,
    });
    const { wrapper } = await mountAt(PersonDetailPage, "/admin/people/5");
    await wrapper.find(tid("person-reject")).trigger("click");
    await wrapper.find(tid("reject-reason")).setValue("Blurry licence");
    await wrapper.find("form").trigger("submit");
    await flushPromises();
    expect(calls("admin_reject_professional")).toEqual([{ userId: 5, reason: "Blurry licence" }]);

    await wrapper.find(tid("person-approve")).trigger("click");
    expect(calls("admin_approve_professional")).toHaveLength(0);
    await wrapper.find(tid("confirm-ok")).trigger("click");
    await flushPromises();
    expect(calls("admin_approve_professional")).toEqual([{ userId: 5 }]);
  });

  it("hides Block on the signed-in admin's own page", async () => {
    backend({
      admin_person_detail: detailOf(person({ id: 1, role: "admin", service_id: null, verification_status: null })),
    });
    const { wrapper } = await mountAt(PersonDetailPage, "/admin/people/1");
    expect(wrapper.find(tid("person-status")).text()).toBe("active");
    expect(wrapper.find(tid("person-block")).exists()).toBe(false);
    expect(wrapper.find(tid("person-verification")).exists()).toBe(false);
  });

  it("shows an image document inline and a note for PDFs", async () => {
    let mime = "image/png";
    backend({
      admin_person_detail: detailOf(person({})),
      admin_professional_document: () => ({ file_name: "licence", mime, content_base64: "iVBORw0KGgo=" }),
      admin_open_professional_document: null,
    });
    const { wrapper } = await mountAt(PersonDetailPage, "/admin/people/5");
    await wrapper.find(tid("document-view")).trigger("click");
    await flushPromises();
    expect(wrapper.find(tid("document-image")).attributes("src")).toBe("data:image/png;base64,iVBORw0KGgo=");
    await wrapper.find(tid("document-dialog")).trigger("keydown", { key: "Escape" });
    expect(wrapper.find(tid("document-dialog")).exists()).toBe(false);

    mime = "application/pdf";
    await wrapper.find(tid("document-view")).trigger("click");
    await flushPromises();
    expect(wrapper.find(tid("document-image")).exists()).toBe(false);
    expect(wrapper.find(tid("document-no-preview")).text()).toContain("PDF preview is not available in the app window");

    await wrapper.find(tid("document-open")).trigger("click");
    await flushPromises();
    expect(calls("admin_open_professional_document")).toEqual([{ userId: 5 }]);
  });
});

function requestPage(total = 1): RequestPage {
  return {
    items: [
      {
        id: 31,
        status: "assigned",
        service_id: 1,
        service_name: "Plumbing",
        customer_id: 7,
        customer_name: "Asha Rao",
        professional_id: 5,
        professional_name: "Ravi Kumar",
        scheduled_for: "2024-06-01T09:30:00Z",
        pincode: "560001",
        created_at: "2024-05-30T08:00:00Z",
        rating: null,
      },
    ],
    page: { page: 1, per_page: 20, total, total_is_capped: false },
  };
}

describe("Requests page", () => {
  it("passes status, sort and direction to the command", async () => {
    backend({ admin_list_services: SERVICES, admin_list_requests: requestPage() });
    const { wrapper, router } = await mountAt(RequestsPage, "/admin/requests?customer=7");
    expect(calls("admin_list_requests")[0]).toEqual({
      query: {
        status: null,
        service_id: null,
        professional_id: null,
        customer_id: 7,
        created_from: null,
        created_to: null,
        sort: "created_at",
        descending: true,
        page: 1,
        per_page: 20,
      },
    });
    expect(wrapper.find(tid("request-row")).attributes("data-request-id")).toBe("31");
    expect(wrapper.text()).toContain("Customer: Asha Rao");

    await wrapper.find(tid("requests-filter-status")).setValue("assigned");
    await flushPromises();
    await wrapper.find(tid("requests-sort")).setValue("scheduled_for");
    await flushPromises();
    await wrapper.find(tid("requests-sort-dir")).trigger("click");
    await flushPromises();
    await wrapper.find(tid("requests-filter-from")).setValue("2024-05-01");
    await flushPromises();

    expect(calls("admin_list_requests").at(-1)).toEqual({
      query: {
        status: "assigned",
        service_id: null,
        professional_id: null,
        customer_id: 7,
        created_from: "2024-05-01",
        created_to: null,
        sort: "scheduled_for",
        descending: false,
        page: 1,
        per_page: 20,
      },
    });
    expect(router.currentRoute.value.query).toEqual({
      status: "assigned",
      customer: "7",
      from: "2024-05-01",
      sort: "scheduled_for",
      dir: "asc",
    });

    await wrapper.find(tid("request-row")).trigger("click");
    await flushPromises();
    expect(router.currentRoute.value.path).toBe("/admin/requests/31");
  });

  it("has date filters that look empty when empty and take typed dates", async () => {
    backend({ admin_list_services: SERVICES, admin_list_requests: requestPage() });
    const { wrapper, router } = await mountAt(RequestsPage, "/admin/requests?to=2024-06-30");
    const from = wrapper.find(tid("requests-filter-from"));
    const to = wrapper.find(tid("requests-filter-to"));
    // Text fields: an empty one shows only its placeholder (WebKitGTK's date input shows today).
    expect(from.attributes("type")).toBe("text");
    expect((from.element as HTMLInputElement).value).toBe("");
    expect(from.attributes("placeholder")).toBe("dd/mm/yyyy");
    expect((to.element as HTMLInputElement).value).toBe("30/06/2024");

    // Typing does not reload the list per keystroke; the finished date does.
    const before = calls("admin_list_requests").length;
    (from.element as HTMLInputElement).value = "01/05/20";
    await from.trigger("input");
    await flushPromises();
    expect(calls("admin_list_requests")).toHaveLength(before);
    await from.setValue("01/05/2024");
    await from.trigger("change");
    await flushPromises();
    expect(router.currentRoute.value.query).toEqual({ from: "2024-05-01", to: "2024-06-30" });
    expect(calls("admin_list_requests").at(-1)).toMatchObject({ query: { created_from: "2024-05-01", created_to: "2024-06-30" } });

    // Not a date: said under the field, and the list keeps its filter.
    await to.setValue("31/06/2024");
    await to.trigger("change");
    await flushPromises();
    expect(wrapper.find("#requests-to-error").text()).toBe("That date does not exist: check the day and the month.");
    expect(router.currentRoute.value.query).toEqual({ from: "2024-05-01", to: "2024-06-30" });

    // Clearing a field clears its filter; Clear filters empties the fields.
    await to.setValue("");
    await to.trigger("change");
    await flushPromises();
    expect(router.currentRoute.value.query).toEqual({ from: "2024-05-01" });
    // Emptied without an input event (WebDriver's clear), then Enter: the field is read as it is.
    (from.element as HTMLInputElement).value = "";
    await from.trigger("keydown", { key: "Enter" });
    await flushPromises();
    expect(router.currentRoute.value.query).toEqual({});
    await from.setValue("01/05/2024");
    await from.trigger("change");
    await flushPromises();
    expect(router.currentRoute.value.query).toEqual({ from: "2024-05-01" });
    await wrapper.find(tid("requests-clear")).trigger("click");
    await flushPromises();
    expect(router.currentRoute.value.query).toEqual({});
    expect((from.element as HTMLInputElement).value).toBe("");
  });

  it("shows the empty state", async () => {
    backend({ admin_list_services: [], admin_list_requests: { items: [], page: { page: 1, per_page: 20, total: 0, total_is_capped: false } } });
    const { wrapper } = await mountAt(RequestsPage, "/admin/requests?status=closed");
    expect(wrapper.find(tid("requests-empty")).text()).toContain("No requests match");
  });
});

function requestRecord(extra: Partial<RequestRecord>): RequestRecord {
  return {
    id: 12,
    status: "requested",
    service_id: 1,
    service_name: "Plumbing",
    price_minor: 249900,
    customer_id: 7,
    customer_name: "Asha Rao",
    professional_id: null,
    professional_name: null,
    professional_phone: null,
    scheduled_for: new Date(2026, 11, 5, 10, 0).toISOString(),
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
    ...extra,
  };
}

describe("Admin request page", () => {
  function requestBackend(status: RequestStatus, extra: Partial<RequestRecord> = {}, handlers: Record<string, unknown> = {}) {
    let current: RequestDetail = {
      request: requestRecord({ status, ...extra }),
      history: [{ id: 1, actor_id: 7, actor_name: "Asha Rao", from_status: null, to_status: status, note: null, created_at: "2026-12-01T08:00:00Z" }],
    };
    const decide = (to: RequestStatus) => (a: Record<string, unknown> | undefined) => {
      current = {
        request: { ...current.request, status: to },
        history: [
          ...current.history,
          { id: 2, actor_id: 1, actor_name: "Grace Admin", from_status: status, to_status: to, note: String(a?.reason), created_at: "2026-12-03T08:00:00Z" },
        ],
      };
      return null;
    };
    backend({
      admin_request_detail: () => current,
      admin_cancel_request: decide("cancelled"),
      admin_reject_request: decide("rejected"),
      ...handlers,
    });
  }
  const buttons = (w: VueWrapper) => ["admin-request-reject", "admin-request-cancel"].filter((b) => w.find(tid(b)).exists());

  it.each([
    ["requested", ["admin-request-reject", "admin-request-cancel"]],
    ["assigned", ["admin-request-cancel"]],
    ["completed", []],
    ["closed", []],
    ["rejected", []],
    ["cancelled", []],
  ] as const)("a %s request offers %j", async (status, expected) => {
    requestBackend(status);
    const { wrapper } = await mountAt(RequestDetailPage, "/admin/requests/12");
    expect(buttons(wrapper)).toEqual(expected);
  });

  it("rejects an open request with a reason checked inline, then shows the new status and history", async () => {
    requestBackend("requested");
    const { wrapper } = await mountAt(RequestDetailPage, "/admin/requests/12");
    // One locale: the price and the visit as the rest of the UI writes them.
    expect(wrapper.text()).toContain("₹2,499.00");
    expect(wrapper.text()).toContain("5 Dec 2026, 10:00");

    await wrapper.find(tid("admin-request-reject")).trigger("click");
    expect(wrapper.find(tid("admin-reject-dialog")).text()).toContain("Plumbing for Asha Rao on Sat, 5 Dec 2026, 10:00");
    await wrapper.find(tid("admin-reject-reason")).setValue("no");
    await wrapper.find(tid("admin-reject-confirm")).trigger("submit");
    await flushPromises();
    expect(calls("admin_reject_request")).toHaveLength(0);
    expect(wrapper.find("#admin-reject-reason-error").text()).toBe("Please give a reason (at least 3 characters).");
    expect(toasts).toHaveLength(0);

    await wrapper.find(tid("admin-reject-reason")).setValue("  Nobody serves this PIN code yet  ");
    await wrapper.find(tid("admin-reject-dialog")).find("form").trigger("submit");
    await flushPromises();
    expect(calls("admin_reject_request")).toEqual([{ id: 12, reason: "Nobody serves this PIN code yet" }]);
    expect(toasts.map((t) => [t.kind, t.message])).toEqual([["success", "Request #12 rejected: Asha Rao is notified."]]);
    expect(wrapper.find(tid("admin-reject-dialog")).exists()).toBe(false);
    expect(calls("admin_request_detail")).toHaveLength(2);
    expect(wrapper.find(tid("request-status")).attributes("data-status")).toBe("rejected");
    const history = wrapper.findAll(tid("history-item"));
    expect(history.map((h) => h.attributes("data-status"))).toEqual(["requested", "rejected"]);
    expect(history[1].text()).toContain("Nobody serves this PIN code yet");
    expect(buttons(wrapper)).toEqual([]);
  });

  it("cancels an assigned request, telling who is notified", async () => {
    requestBackend("assigned", { professional_id: 5, professional_name: "Ravi Kumar" });
    const { wrapper } = await mountAt(RequestDetailPage, "/admin/requests/12");
    await wrapper.find(tid("admin-request-cancel")).trigger("click");
    expect(wrapper.find(tid("admin-cancel-dialog")).text()).toContain("Asha Rao and Ravi Kumar (who accepted it) are told");
    await wrapper.find(tid("admin-cancel-reason")).setValue("Customer phoned: moving house");
    await wrapper.find(tid("admin-cancel-dialog")).find("form").trigger("submit");
    await flushPromises();
    expect(calls("admin_cancel_request")).toEqual([{ id: 12, reason: "Customer phoned: moving house" }]);
    expect(toasts.map((t) => t.message)).toEqual(["Request #12 cancelled: Asha Rao and Ravi Kumar are notified."]);
    expect(wrapper.find(tid("request-status")).attributes("data-status")).toBe("cancelled");
  });

  it("shows Rust's reason problem under the field, and closes on a conflict", async () => {
    requestBackend("requested", {}, {
      admin_cancel_request: () => {
        throw apiError("validation", "The reason must be at most 500 characters.", { field: "reason" });
      },
      admin_reject_request: () => {
        throw apiError("conflict", "This request is assigned now: it can no longer be rejected.");
      },
    });
    const { wrapper } = await mountAt(RequestDetailPage, "/admin/requests/12");
    await wrapper.find(tid("admin-request-cancel")).trigger("click");
    await wrapper.find(tid("admin-cancel-reason")).setValue("Customer phoned");
    await wrapper.find(tid("admin-cancel-dialog")).find("form").trigger("submit");
    await flushPromises();
    expect(wrapper.find("#admin-cancel-reason-error").text()).toBe("The reason must be at most 500 characters.");
    expect(toasts).toHaveLength(0);
    await wrapper.find(tid("admin-cancel-dialog")).find(".btn-outline-secondary").trigger("click");

    await wrapper.find(tid("admin-request-reject")).trigger("click");
    await wrapper.find(tid("admin-reject-reason")).setValue("Nobody serves it");
    await wrapper.find(tid("admin-reject-dialog")).find("form").trigger("submit");
    await flushPromises();
    expect(toasts.map((t) => t.message)).toEqual(["This request is assigned now: it can no longer be rejected."]);
    expect(wrapper.find(tid("admin-reject-dialog")).exists()).toBe(false);
    expect(calls("admin_request_detail")).toHaveLength(2);
  });
});

const DASHBOARD: Dashboard = {
  by_status: [
    { label: "requested", count: 4 },
    { label: "assigned", count: 3 },
    { label: "completed", count: 2 },
    { label: "closed", count: 9 },
    { label: "rejected", count: 1 },
    { label: "cancelled", count: 0 },
  ],
  per_day: Array.from({ length: 30 }, (_, i) => ({
    label: `2024-05-${String(i + 1).padStart(2, "0")}`,
    count: i % 4,
  })),
  top_services: [{ service_id: 1, name: "Plumbing", requests: 14, rating_avg: 4.25, rating_count: 9 }],
  rating_avg: 4.25,
  rating_count: 9,
  pending_professionals: 3,
};

describe("Admin dashboard", () => {
  it("keeps the summary cards and adds charts, top services and the approval link", async () => {
    backend({
      home_summary: { role: "admin", cards: [{ key: "services", label: "Active services", value: 8, hint: "" }] },
      app_status: { needs_setup: false, session: user("admin"), demo_available: false, email_password_reset: false, terminal: { state: "not_required" } },
      admin_dashboard: DASHBOARD,
    });
    const { wrapper } = await mountAt(HomePage, "/admin");
    expect(wrapper.find(tid("home-title")).text()).toBe("Admin dashboard");
    expect(wrapper.findAll(tid("summary-card"))).toHaveLength(1);
    expect(wrapper.find(tid("chart-per-day")).element.tagName).toBe("CANVAS");
    expect(wrapper.find(tid("chart-by-status")).element.tagName).toBe("CANVAS");
    expect(charts.map((c) => c.type)).toEqual(["line", "doughnut"]);
    expect(charts[0].data).toHaveLength(30);
    expect(charts[1].data).toEqual([4, 3, 2, 9, 1, 0]);
    expect(wrapper.find(tid("top-services")).text()).toContain("Plumbing");
    expect(wrapper.find(tid("top-services")).text()).toContain("4.3");
    expect(wrapper.find(tid("awaiting-approval-count")).text()).toBe("3");
    expect(wrapper.find(tid("awaiting-approval-link")).attributes("href")).toBe(
      "/admin/people?role=professional&verification=pending",
    );
  });
});

describe("admin navigation", () => {
  async function mountLayout(path: string): Promise<VueWrapper> {
    const router = createAppRouter(createMemoryHistory());
    await router.push(path);
    await router.isReady();
    const wrapper = mount(AppLayout, {
      global: { plugins: [router] },
      slots: { default: "<p>page</p>" },
      attachTo: document.body,
    });
    await flushPromises();
    return wrapper;
  }

  it("links the admin sections and highlights the current one on detail pages", async () => {
    backend({ admin_person_detail: detailOf(person({})) });
    const wrapper = await mountLayout("/admin/people/5");
    expect(wrapper.find(tid("nav-services")).attributes("href")).toBe("/admin/services");
    expect(wrapper.find(tid("nav-requests")).attributes("href")).toBe("/admin/requests");
    expect(wrapper.find(tid("nav-people")).classes()).toContain("active");
    expect(wrapper.find(tid("nav-dashboard")).classes()).not.toContain("active");
    expect(wrapper.find(tid("nav-exports")).attributes("href")).toBe("/admin/exports");
    expect(wrapper.find(".nav-coming-soon").exists()).toBe(false);
  });

  it("keeps other roles away from the admin pages", async () => {
    resetSession({ user: user("customer") });
    const router = createAppRouter(createMemoryHistory());
    await router.push("/admin/people/5");
    expect(router.currentRoute.value.path).toBe("/customer");
  });
});
