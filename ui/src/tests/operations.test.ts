// Running the day: dispatch, complaints, availability, the professional's week and the
// admin's "complete without code".
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { flushPromises } from "@vue/test-utils";
import { setFailureHandler } from "../api";
import type {
  Availability,
  BusyJob,
  ComplaintRow,
  DispatchBoard,
  Receipt,
  RequestDetail,
  RequestRecord,
  ServiceAdminRow,
  WeekView,
} from "../bindings";
import ComplaintDetailPage from "../pages/admin/ComplaintDetailPage.vue";
import ComplaintsPage from "../pages/admin/ComplaintsPage.vue";
import DispatchPage from "../pages/admin/DispatchPage.vue";
import AdminRequestDetailPage from "../pages/admin/RequestDetailPage.vue";
import CustomerRequestDetailPage from "../pages/customer/RequestDetailPage.vue";
import AvailabilityPage from "../pages/professional/AvailabilityPage.vue";
import WeekPage from "../pages/professional/WeekPage.vue";
import { handleFailure } from "../shell";
import { toasts } from "../toasts";
import { apiError, backend, calls, mountAt, resetSession, tid, user, type Args } from "./helpers";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

function record(extra: Partial<RequestRecord>): RequestRecord {
  return {
    id: 12,
    status: "closed",
    service_id: 1,
    service_name: "Plumbing",
    price_minor: 49990,
    customer_id: 7,
    customer_name: "Asha Rao",
    professional_id: 5,
    professional_name: "Ravi Kumar",
    professional_phone: null,
    scheduled_for: "2026-11-25T04:30:00Z",
    address: "12 Lake Road, Indiranagar",
    pincode: "560034",
    remarks: "Kitchen tap",
    completion_note: null,
    created_at: "2026-11-20T08:00:00Z",
    assigned_at: "2026-11-20T10:00:00Z",
    completed_at: null,
    closed_at: null,
    cancelled_at: null,
    rating: 4,
    comment: null,
    customer_rating: null,
    customer_comment: null,
    ...extra,
  };
}

function detail(extra: Partial<RequestRecord>, more: Partial<RequestDetail> = {}): RequestDetail {
  return {
    request: record(extra),
    history: [
      { id: 1, actor_id: 7, actor_name: "Asha Rao", from_status: null, to_status: "requested", note: null, created_at: "2026-11-20T08:00:00Z" },
      { id: 2, actor_id: 5, actor_name: "Ravi Kumar", from_status: "requested", to_status: "assigned", note: null, created_at: "2026-11-20T10:00:00Z" },
    ],
    ...more,
  };
}

function complaint(extra: Partial<ComplaintRow>): ComplaintRow {
  return {
    id: 3,
    request_id: 12,
    service_name: "Plumbing",
    customer_id: 7,
    customer_name: "Asha Rao",
    professional_id: 5,
    professional_name: "Ravi Kumar",
    category: "damage",
    body: "The sink cabinet door was broken.",
    has_photo: false,
    status: "open",
    resolution: null,
    resolved_by_name: null,
    resolved_at: null,
    created_at: "2026-11-26T08:00:00Z",
    ...extra,
  };
}

beforeEach(() => {
  setFailureHandler(handleFailure);
  document.body.innerHTML = "";
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

// ---- Dispatch ----

const SERVICES: ServiceAdminRow[] = [
  { id: 1, name: "Plumbing", description: "", base_price_minor: 49990, estimated_minutes: 90, is_active: true } as ServiceAdminRow,
  { id: 2, name: "Old service", description: "", base_price_minor: 100, estimated_minutes: 60, is_active: false } as ServiceAdminRow,
  { id: 3, name: "Deep cleaning", description: "", base_price_minor: 99900, estimated_minutes: 180, is_active: true } as ServiceAdminRow,
];

function busy(extra: Partial<BusyJob>): BusyJob {
  return {
    request_id: 40,
    professional_id: 5,
    status: "assigned",
    scheduled_for: "2026-12-05T04:30:00Z",
    duration_minutes: 90,
    service_name: "Plumbing",
    customer_name: "Meera Iyer",
    pincode: "560034",
    ...extra,
  };
}

function board(extra: Partial<DispatchBoard> = {}): DispatchBoard {
  return {
    day: "2026-12-05",
    columns: [
      { professional_id: 5, name: "Ravi Kumar", pincode: "560034", hours: { weekday: 5, start: "09:00", end: "18:00" }, day_off: false, jobs: [busy({})] },
      { professional_id: 6, name: "Vikram Singh", pincode: "560034", hours: null, day_off: true, jobs: [] },
      { professional_id: 8, name: "Sita Devi", pincode: "560035", hours: { weekday: 5, start: "10:00", end: "16:00" }, day_off: false, jobs: [] },
    ],
    open: [
      {
        request: {
          id: 51,
          service_id: 1,
          service_name: "Plumbing",
          customer_name: "Asha Rao",
          scheduled_for: "2026-12-05T08:30:00Z",
          duration_minutes: 90,
          pincode: "560034",
          remarks: "Kitchen tap",
          created_at: "2026-12-01T08:00:00Z",
        },
        free_professionals: [5, 8],
      },
      {
        request: {
          id: 52,
          service_id: 1,
          service_name: "Plumbing",
          customer_name: "Kiran Rao",
          scheduled_for: "2026-12-05T15:30:00Z",
          duration_minutes: 90,
          pincode: "560034",
          remarks: "",
          created_at: "2026-12-01T09:00:00Z",
        },
        free_professionals: [],
      },
    ],
    ...extra,
  };
}

describe("Dispatch", () => {
  beforeEach(() => resetSession({ user: user("admin") }));

  it("shows a column per professional and the open requests, assigns to a free one and refreshes", async () => {
    let assigned = false;
    backend({
      admin_list_services: SERVICES,
      admin_dispatch_board: () =>
        assigned
          ? board({
              columns: board().columns.map((c) => (c.professional_id === 8 ? { ...c, jobs: [busy({ request_id: 51, professional_id: 8 })] } : c)),
              open: board().open.slice(1),
            })
          : board(),
      admin_assign_request: () => {
        assigned = true;
        return null;
      },
    });
    const { wrapper } = await mountAt(DispatchPage, "/admin/dispatch");
    // Only active services; the first one is shown, for today, every area.
    const service = wrapper.find(tid("dispatch-service"));
    expect(service.findAll("option").map((o) => o.text())).toEqual(["Plumbing", "Deep cleaning"]);
    const asked = calls("admin_dispatch_board")[0].query as { day: string; service_id: number; pincode: string | null };
    expect(asked.service_id).toBe(1);
    expect(asked.pincode).toBeNull();
    expect(asked.day).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    const columns = wrapper.findAll(tid("dispatch-column"));
    expect(columns.map((c) => c.attributes("data-professional-id"))).toEqual(["5", "6", "8"]);
    expect(columns[0].find(tid("dispatch-column-hours")).text()).toBe("09:00–18:00");
    expect(columns[1].find(tid("dispatch-column-hours")).text()).toBe("Day off");
    expect(columns[0].findAll(tid("dispatch-job"))).toHaveLength(1);

    const open = wrapper.findAll(tid("dispatch-open"));
    expect(open).toHaveLength(2);
    // The choice is limited to the professionals free for that request.
    const select = open[0].find(tid("dispatch-assign-select"));
    const choices = select.findAll("option").filter((o) => !(o.element as HTMLOptionElement).disabled);
    expect(choices.map((o) => o.text())).toEqual(["Ravi Kumar", "Sita Devi"]);
    expect(open[0].find(tid("dispatch-assign")).attributes("disabled")).toBeDefined();
    expect(open[1].find(tid("dispatch-nobody-free")).exists()).toBe(true);
    expect(open[1].find(tid("dispatch-assign")).exists()).toBe(false);

    await select.setValue(8);
    await open[0].find(tid("dispatch-assign")).trigger("click");
    await flushPromises();
    expect(calls("admin_assign_request")).toEqual([{ id: 51, professionalId: 8 }]);
    expect(toasts.map((t) => t.message)).toContain("Request #51 assigned to Sita Devi.");
    expect(calls("admin_dispatch_board")).toHaveLength(2);
    expect(wrapper.findAll(tid("dispatch-open")).map((o) => o.attributes("data-request-id"))).toEqual(["52"]);
    expect(wrapper.find('[data-professional-id="8"]').findAll(tid("dispatch-job"))).toHaveLength(1);
  });

  it("toasts the conflict when someone else took the request first, and shows the new board", async () => {
    let taken = false;
    backend({
      admin_list_services: SERVICES,
      admin_dispatch_board: () => (taken ? board({ open: board().open.slice(1) }) : board()),
      admin_assign_request: () => {
        taken = true;
        throw apiError("conflict", "Request #51 was just assigned to someone else.");
      },
    });
    const { wrapper } = await mountAt(DispatchPage, "/admin/dispatch");
    await wrapper.find(tid("dispatch-assign-select")).setValue(5);
    await wrapper.find(tid("dispatch-assign")).trigger("click");
    await flushPromises();
    expect(toasts.map((t) => t.message)).toContain("Request #51 was just assigned to someone else.");
    expect(toasts.some((t) => t.kind === "success")).toBe(false);
    expect(calls("admin_dispatch_board")).toHaveLength(2);
    expect(wrapper.findAll(tid("dispatch-open"))).toHaveLength(1);
  });

  it("asks for another service and one PIN code", async () => {
    backend({ admin_list_services: SERVICES, admin_dispatch_board: board({ columns: [], open: [] }) });
    const { wrapper } = await mountAt(DispatchPage, "/admin/dispatch");
    expect(wrapper.find(tid("dispatch-no-columns")).exists()).toBe(true);
    expect(wrapper.find(tid("dispatch-no-open")).exists()).toBe(true);
    await wrapper.find(tid("dispatch-service")).setValue(3);
    await flushPromises();
    expect((calls("admin_dispatch_board").at(-1)!.query as { service_id: number }).service_id).toBe(3);
    // A half-typed PIN code is not sent.
    await wrapper.find(tid("dispatch-pincode")).setValue("5600");
    await flushPromises();
    expect(calls("admin_dispatch_board")).toHaveLength(2);
    expect(wrapper.find("#dispatch-pincode-error").exists()).toBe(true);
    await wrapper.find(tid("dispatch-pincode")).setValue("560034");
    await flushPromises();
    expect((calls("admin_dispatch_board").at(-1)!.query as { pincode: string }).pincode).toBe("560034");
  });
});

// ---- Complaints ----

describe("Customer complaints", () => {
  beforeEach(() => resetSession({ user: user("customer", { user_id: 7, full_name: "Asha Rao" }) }));

  function customerBackend(extra: Record<string, unknown> = {}) {
    let list: ComplaintRow[] = [complaint({ id: 2, category: "lateness", body: "Came an hour late.", status: "resolved", resolution: "We apologised." })];
    backend({
      customer_request_detail: detail({ status: "closed" }, { receipt_number: 41 }),
      customer_complaints: () => list,
      customer_raise_complaint: (a: Args) => {
        const input = a?.input as { category: string; body: string };
        list = [complaint({ id: 3, category: input.category, body: input.body }), ...list];
        return 3;
      },
      ...extra,
    });
  }

  it("lists the complaints of a closed request and raises one, checked before sending", async () => {
    customerBackend();
    const { wrapper } = await mountAt(CustomerRequestDetailPage, "/customer/requests/12");
    expect(calls("customer_complaints")).toEqual([{ id: 12 }]);
    const items = wrapper.findAll(tid("request-complaint"));
    expect(items).toHaveLength(1);
    expect(items[0].text()).toContain("Lateness");
    expect(items[0].find(tid("request-complaint-resolution")).text()).toContain("We apologised.");

    await wrapper.find(tid("request-complain")).trigger("click");
    const dialog = () => wrapper.find(tid("complaint-dialog"));
    expect(dialog().find("label[for='complaint-category']").exists()).toBe(true);
    expect(dialog().find("label[for='complaint-photo']").exists()).toBe(true);
    await wrapper.find(tid("complaint-submit")).trigger("click");
    await flushPromises();
    expect(calls("customer_raise_complaint")).toHaveLength(0);
    expect(dialog().text()).toContain("Choose what the complaint is about.");
    expect(dialog().text()).toContain("Say what went wrong.");

    await wrapper.find(tid("complaint-category")).setValue("damage");
    await wrapper.find(tid("complaint-body")).setValue("  The sink cabinet door was broken.  ");
    await wrapper.find(tid("complaint-submit")).trigger("click");
    await flushPromises();
    expect(calls("customer_raise_complaint")).toEqual([
      { id: 12, input: { category: "damage", body: "The sink cabinet door was broken.", photo: null } },
    ]);
    expect(dialog().exists()).toBe(false);
    expect(toasts.map((t) => t.message)).toContain("Complaint #3 sent: the office will look into it and tell you.");
    expect(wrapper.findAll(tid("request-complaint"))).toHaveLength(2);
  });

  it("sends an attached photo as base64 and refuses other files", async () => {
    customerBackend();
    const { wrapper } = await mountAt(CustomerRequestDetailPage, "/customer/requests/12");
    await wrapper.find(tid("request-complain")).trigger("click");
    await wrapper.find(tid("complaint-category")).setValue("quality");
    await wrapper.find(tid("complaint-body")).setValue("Still leaking.");
    const input = wrapper.find(tid("complaint-photo-input"));
    const pick = async (file: File) => {
      Object.defineProperty(input.element, "files", { value: [file], configurable: true });
      await input.trigger("change");
    };
    await pick(new File(["hello"], "notes.txt", { type: "text/plain" }));
    expect(wrapper.find(tid("complaint-photo-error")).text()).toBe("Choose a PDF, PNG or JPEG file.");
    await wrapper.find(tid("complaint-submit")).trigger("click");
    await flushPromises();
    expect(calls("customer_raise_complaint")).toHaveLength(0);

    await pick(new File([new Uint8Array([137, 80, 78, 71])], "leak.png", { type: "image/png" }));
    expect(wrapper.find(tid("complaint-photo-error")).exists()).toBe(false);
    await wrapper.find(tid("complaint-submit")).trigger("click");
    await flushPromises();
    await new Promise((r) => setTimeout(r, 20));
    await flushPromises();
    expect(calls("customer_raise_complaint")).toEqual([
      { id: 12, input: { category: "quality", body: "Still leaking.", photo: { file_name: "leak.png", content_base64: "iVBORw==" } } },
    ]);
  });

  it("shows the core's field problem under its field", async () => {
    customerBackend({
      customer_raise_complaint: () => {
        throw apiError("validation", "The document must be at most 5 MiB.", { field: "photo" });
      },
    });
    const { wrapper } = await mountAt(CustomerRequestDetailPage, "/customer/requests/12");
    await wrapper.find(tid("request-complain")).trigger("click");
    await wrapper.find(tid("complaint-category")).setValue("other");
    await wrapper.find(tid("complaint-body")).setValue("Something else.");
    await wrapper.find(tid("complaint-submit")).trigger("click");
    await flushPromises();
    expect(wrapper.find(tid("complaint-photo-error")).text()).toBe("The document must be at most 5 MiB.");
    expect(toasts).toHaveLength(0);
  });
});

describe("Admin complaints", () => {
  beforeEach(() => resetSession({ user: user("admin") }));

  it("lists the open complaints, or all of them", async () => {
    backend({
      admin_list_complaints: (a: Args) =>
        a?.openOnly ? [complaint({})] : [complaint({}), complaint({ id: 2, status: "resolved", resolution: "Refunded." })],
    });
    const { wrapper, router } = await mountAt(ComplaintsPage, "/admin/complaints");
    expect(calls("admin_list_complaints")).toEqual([{ openOnly: true }]);
    expect(wrapper.findAll(tid("complaint-row"))).toHaveLength(1);
    expect(wrapper.find(tid("complaint-open")).attributes("href")).toBe("/admin/complaints/3");
    await wrapper.find(tid("complaints-tab-all")).trigger("click");
    await flushPromises();
    expect(router.currentRoute.value.query.show).toBe("all");
    expect(calls("admin_list_complaints").at(-1)).toEqual({ openOnly: false });
    expect(wrapper.findAll(tid("complaint-row")).map((r) => r.attributes("data-status"))).toEqual(["open", "resolved"]);
  });

  it("says when there is nothing open", async () => {
    backend({ admin_list_complaints: [] });
    const { wrapper } = await mountAt(ComplaintsPage, "/admin/complaints");
    expect(wrapper.find(tid("complaints-empty")).text()).toContain("No open complaints");
  });

  it("shows a complaint with its request history and resolves it with a note", async () => {
    let resolved = false;
    backend({
      admin_complaint_detail: () => ({
        complaint: resolved
          ? complaint({ has_photo: true, status: "resolved", resolution: "Cabinet door replaced.", resolved_by_name: "Test admin", resolved_at: "2026-11-27T08:00:00Z" })
          : complaint({ has_photo: true }),
        request: detail({ status: "closed" }, { receipt_number: 41 }),
      }),
      admin_complaint_photo: { file_name: "door.png", mime: "image/png", content_base64: "iVBORw==" },
      admin_resolve_complaint: () => {
        resolved = true;
        return null;
      },
    });
    const { wrapper } = await mountAt(ComplaintDetailPage, "/admin/complaints/3");
    expect(calls("admin_complaint_detail")).toEqual([{ id: 3 }]);
    expect(wrapper.find(tid("complaint-title")).text()).toContain("Damage");
    expect(wrapper.find(tid("complaint-body")).text()).toBe("The sink cabinet door was broken.");
    expect(wrapper.findAll(tid("history-item"))).toHaveLength(2);
    expect(wrapper.find(tid("complaint-request")).text()).toContain("No. 41");

    await wrapper.find(tid("complaint-photo")).trigger("click");
    await flushPromises();
    expect(wrapper.find(tid("complaint-photo-dialog")).find("img").attributes("src")).toBe("data:image/png;base64,iVBORw==");

    await wrapper.find(tid("complaint-resolve")).trigger("click");
    await flushPromises();
    expect(calls("admin_resolve_complaint")).toHaveLength(0);
    expect(wrapper.find("#complaint-note-error").exists()).toBe(true);
    await wrapper.find(tid("complaint-note")).setValue("  Cabinet door replaced.  ");
    await wrapper.find(tid("complaint-resolve")).trigger("click");
    await flushPromises();
    expect(calls("admin_resolve_complaint")).toEqual([{ id: 3, note: "Cabinet door replaced." }]);
    expect(toasts.map((t) => t.message)).toContain("Complaint #3 resolved: Asha Rao is told.");
    expect(wrapper.find(tid("complaint-status")).attributes("data-status")).toBe("resolved");
    expect(wrapper.find(tid("complaint-resolution")).text()).toContain("Cabinet door replaced.");
    expect(wrapper.find(tid("complaint-resolve")).exists()).toBe(false);
  });
});

// ---- Admin: complete without the code, receipt ----

const RECEIPT: Receipt = {
  number: 41,
  request_id: 12,
  issued_at: "2026-11-25T08:00:00Z",
  business_name: "Household Services",
  business_address: "",
  customer_name: "Asha Rao",
  professional_name: "Ravi Kumar",
  service_name: "Plumbing",
  visit_at: "2026-11-25T04:30:00Z",
  lines: [{ description: "Plumbing", amount_minor: 49990 }],
  total_minor: 49990,
  payment_method: "cash",
  payment_reference: "",
};

describe("Admin request: complete without code", () => {
  beforeEach(() => resetSession({ user: user("admin") }));

  it("is offered on an assigned request and sends the reason", async () => {
    let status: RequestRecord["status"] = "assigned";
    backend({
      admin_request_detail: () => detail({ status }),
      admin_complete_request: () => {
        status = "completed";
        return null;
      },
    });
    const { wrapper } = await mountAt(AdminRequestDetailPage, "/admin/requests/12");
    await wrapper.find(tid("admin-request-complete")).trigger("click");
    await wrapper.find(tid("admin-complete-reason")).setValue("Customer away; confirmed by phone");
    await wrapper.find(tid("admin-complete-confirm")).trigger("submit");
    await flushPromises();
    expect(calls("admin_complete_request")).toEqual([{ id: 12, reason: "Customer away; confirmed by phone" }]);
    expect(toasts.map((t) => t.message)).toContain("Request #12 marked completed: Asha Rao can now close it.");
    expect(wrapper.find(tid("request-status")).attributes("data-status")).toBe("completed");
    expect(wrapper.find(tid("admin-request-complete")).exists()).toBe(false);
  });

  it("shows the receipt of a closed request", async () => {
    backend({
      admin_request_detail: detail({ status: "closed" }, { receipt_number: 41 }),
      admin_receipt: RECEIPT,
    });
    const { wrapper } = await mountAt(AdminRequestDetailPage, "/admin/requests/12");
    expect(wrapper.find(tid("admin-request-complete")).exists()).toBe(false);
    await wrapper.find(tid("admin-request-receipt")).trigger("click");
    await flushPromises();
    expect(calls("admin_receipt")).toEqual([{ id: 12 }]);
    expect(wrapper.find(tid("receipt-number")).text()).toBe("Receipt No. 41");
    expect(wrapper.find(tid("receipt-payment")).text()).toBe("Paid by Cash");
    expect(wrapper.find(tid("receipt-business-address")).exists()).toBe(false);
  });

  it("saves the receipt as a PDF, as the signed-in role", async () => {
    let answer: string | null = "/home/admin/Documents/receipt-41.pdf";
    backend({
      admin_request_detail: detail({ status: "closed" }, { receipt_number: 41 }),
      admin_receipt: RECEIPT,
      save_receipt_pdf: () => answer,
    });
    const { wrapper } = await mountAt(AdminRequestDetailPage, "/admin/requests/12");
    await wrapper.find(tid("admin-request-receipt")).trigger("click");
    await flushPromises();
    const save = wrapper.find(tid("receipt-save-pdf"));
    expect(save.text()).toBe("Save as PDF");
    expect(save.attributes("disabled")).toBeUndefined();
    await save.trigger("click");
    await flushPromises();
    expect(calls("save_receipt_pdf")).toEqual([{ id: 12, role: "admin" }]);
    expect(toasts.map((t) => t.message)).toContain("Receipt saved to /home/admin/Documents/receipt-41.pdf");

    // Cancelled: no toast.
    answer = null;
    const before = toasts.length;
    await save.trigger("click");
    await flushPromises();
    expect(calls("save_receipt_pdf")).toHaveLength(2);
    expect(toasts).toHaveLength(before);
    // The dialog stays open.
    expect(wrapper.find(tid("receipt-number")).text()).toBe("Receipt No. 41");
  });

  it("uses the customer's role and toasts a failed save", async () => {
    resetSession({ user: user("customer", { user_id: 7 }) });
    backend({
      customer_request_detail: detail({ status: "closed" }, { receipt_number: 41 }),
      customer_receipt: RECEIPT,
      save_receipt_pdf: () => {
        throw apiError("cannot_save", "Could not write the file: disk full");
      },
    });
    const { wrapper } = await mountAt(CustomerRequestDetailPage, "/customer/requests/12");
    await wrapper.find(tid("request-receipt")).trigger("click");
    await flushPromises();
    await wrapper.find(tid("receipt-save-pdf")).trigger("click");
    await flushPromises();
    expect(calls("save_receipt_pdf")).toEqual([{ id: 12, role: "customer" }]);
    expect(toasts.some((t) => t.kind === "danger" && t.message.includes("disk full"))).toBe(true);
    expect(toasts.some((t) => t.message.startsWith("Receipt saved"))).toBe(false);
    expect((wrapper.find(tid("receipt-save-pdf")).element as HTMLButtonElement).disabled).toBe(false);
  });
});

// ---- Availability and the week ----

const AVAILABILITY: Availability = {
  days: [
    { weekday: 0, start: "09:00", end: "18:00" },
    { weekday: 2, start: "10:00", end: "24:00" },
  ],
  days_off: ["2026-12-25"],
  is_default: false,
};

describe("Professional availability", () => {
  beforeEach(() => resetSession({ user: user("professional", { user_id: 5, full_name: "Ravi Kumar" }) }));

  it("loads the hours, checks them and saves the week and the days off", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date(2026, 11, 1, 9, 0));
    backend({ professional_availability: AVAILABILITY, professional_save_availability: (a: Args) => ({ ...(a?.input as object), is_default: false }) });
    const { wrapper } = await mountAt(AvailabilityPage, "/professional/availability");
    const works = (i: number) => wrapper.find(tid(`availability-works-${i}`)).element as HTMLInputElement;
    expect(works(0).checked).toBe(true);
    expect(works(1).checked).toBe(false);
    expect((wrapper.find(tid("availability-end-2")).element as HTMLInputElement).value).toBe("24:00");
    expect((wrapper.find(tid("availability-start-1")).element as HTMLInputElement).disabled).toBe(true);
    expect(wrapper.findAll(tid("availability-day-off")).map((d) => d.attributes("data-day"))).toEqual(["2026-12-25"]);
    // Every input has a label.
    for (const el of wrapper.findAll("input")) {
      expect(wrapper.find(`label[for="${el.attributes("id")}"]`).exists()).toBe(true);
    }

    // Hours that end before they start are refused on the client.
    await wrapper.find(tid("availability-works-4")).setValue(true);
    await wrapper.find(tid("availability-start-4")).setValue("17:00");
    await wrapper.find(tid("availability-end-4")).setValue("09:00");
    await wrapper.find(tid("availability-save")).trigger("click");
    await flushPromises();
    expect(calls("professional_save_availability")).toHaveLength(0);
    expect(wrapper.find("#availability-row-4-error").text()).toBe("The hours must end after they start.");
    await wrapper.find(tid("availability-end-4")).setValue("21:30");

    // Days off: added (in order) and removed.
    await wrapper.find(tid("availability-day-off-new")).setValue("24/12/2026");
    await wrapper.find(tid("availability-day-off-add")).trigger("click");
    await wrapper.find(tid("availability-day-off-new")).setValue("30/11/2026");
    await wrapper.find(tid("availability-day-off-add")).trigger("click");
    expect(wrapper.text()).toContain("That date is in the past.");
    await wrapper.find('[data-day="2026-12-25"]').find(tid("availability-day-off-remove")).trigger("click");
    await wrapper.find(tid("availability-works-0")).setValue(false);

    await wrapper.find(tid("availability-save")).trigger("click");
    await flushPromises();
    expect(calls("professional_save_availability")).toEqual([
      {
        input: {
          days: [
            { weekday: 2, start: "10:00", end: "24:00" },
            { weekday: 4, start: "17:00", end: "21:30" },
          ],
          days_off: ["2026-12-24"],
        },
      },
    ]);
    expect(toasts.map((t) => t.message)).toContain("Availability saved: customers see your new hours.");
  });

  it("needs at least one working day", async () => {
    backend({ professional_availability: { ...AVAILABILITY, days: [{ weekday: 0, start: "09:00", end: "18:00" }] } });
    const { wrapper } = await mountAt(AvailabilityPage, "/professional/availability");
    await wrapper.find(tid("availability-works-0")).setValue(false);
    await wrapper.find(tid("availability-save")).trigger("click");
    await flushPromises();
    expect(calls("professional_save_availability")).toHaveLength(0);
    expect(wrapper.find(tid("availability-days-error")).text()).toContain("Choose at least one working day");
  });
});

describe("Admin: a professional's availability", () => {
  beforeEach(() => resetSession({ user: user("admin") }));

  it("edits it on the person's page", async () => {
    const PersonDetailPage = (await import("../pages/admin/PersonDetailPage.vue")).default;
    backend({
      admin_person_detail: {
        person: {
          id: 5,
          username: "ravi",
          full_name: "Ravi Kumar",
          email: "ravi@example.com",
          role: "professional",
          status: "active",
          blocked_reason: null,
          created_at: "2026-11-01T08:00:00Z",
          phone: "9876500001",
          pincode: "560034",
          service_id: 1,
          service_name: "Plumbing",
          verification_status: "approved",
          rating_avg: 4.5,
          rating_count: 8,
          completed_jobs: 3,
        },
        professional: null,
        audit: [],
      },
      admin_professional_availability: AVAILABILITY,
      admin_save_professional_availability: (a: Args) => ({ ...(a?.input as object), is_default: false }),
    });
    const { wrapper } = await mountAt(PersonDetailPage, "/admin/people/5");
    expect(calls("admin_professional_availability")).toEqual([{ userId: 5 }]);
    await wrapper.find(tid("person-availability-works-6")).setValue(true);
    await wrapper.find(tid("person-availability-save")).trigger("click");
    await flushPromises();
    expect(calls("admin_save_professional_availability")).toEqual([
      {
        userId: 5,
        input: {
          days: [
            { weekday: 0, start: "09:00", end: "18:00" },
            { weekday: 2, start: "10:00", end: "24:00" },
            { weekday: 6, start: "09:00", end: "18:00" },
          ],
          days_off: ["2026-12-25"],
        },
      },
    ]);
    expect(toasts.map((t) => t.message)).toContain("Availability of Ravi Kumar saved.");
  });
});

describe("My week", () => {
  beforeEach(() => resetSession({ user: user("professional", { user_id: 5, full_name: "Ravi Kumar" }) }));

  function week(first: string): WeekView {
    const [y, m, d] = first.split("-").map(Number);
    return {
      slot_minutes: 90,
      days: Array.from({ length: 7 }, (_, i) => {
        const day = new Date(y, m - 1, d + i);
        const iso = `${day.getFullYear()}-${String(day.getMonth() + 1).padStart(2, "0")}-${String(day.getDate()).padStart(2, "0")}`;
        return {
          day: iso,
          hours: i < 5 ? { weekday: i, start: "09:00", end: "18:00" } : null,
          day_off: i === 5,
          jobs: i === 1 ? [busy({ scheduled_for: `${iso}T04:30:00Z` })] : [],
          free_slots: i === 1 ? [`${iso}T06:30:00Z`, `${iso}T08:00:00Z`] : [],
        };
      }),
    };
  }

  it("shows seven days from Monday with jobs and free times, and moves by weeks", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date(2026, 11, 3, 9, 0)); // Thursday 3 Dec 2026
    backend({ professional_week: (a: Args) => week(String(a?.firstDay)) });
    const { wrapper, router } = await mountAt(WeekPage, "/professional/week");
    expect(calls("professional_week")).toEqual([{ firstDay: "2026-11-30" }]);
    const days = wrapper.findAll(tid("week-day"));
    expect(days).toHaveLength(7);
    expect(days[0].attributes("data-day")).toBe("2026-11-30");
    expect(days[1].findAll(tid("week-job"))).toHaveLength(1);
    expect(days[1].findAll(tid("week-free"))).toHaveLength(2);
    expect(days[5].find(tid("week-day-hours")).text()).toBe("Day off");
    expect(days[6].find(tid("week-day-hours")).text()).toBe("Not working");
    expect(days[0].find(tid("week-day-hours")).text()).toBe("09:00–18:00");

    await wrapper.find(tid("week-next")).trigger("click");
    await flushPromises();
    expect(router.currentRoute.value.query.from).toBe("2026-12-07");
    expect(calls("professional_week").at(-1)).toEqual({ firstDay: "2026-12-07" });
    await wrapper.find(tid("week-prev")).trigger("click");
    await flushPromises();
    await wrapper.find(tid("week-prev")).trigger("click");
    await flushPromises();
    expect(calls("professional_week").at(-1)).toEqual({ firstDay: "2026-11-23" });
    await wrapper.find(tid("week-today")).trigger("click");
    await flushPromises();
    expect(router.currentRoute.value.query.from).toBeUndefined();
    expect(calls("professional_week").at(-1)).toEqual({ firstDay: "2026-11-30" });
  });
});

// ---- Navigation ----

describe("navigation to the new pages", () => {
  it("puts Dispatch and Complaints with the requests in the admin's navbar", async () => {
    resetSession({ user: user("admin") });
    backend({ admin_list_complaints: [] });
    const AppLayout = (await import("../components/AppLayout.vue")).default;
    const { wrapper } = await mountAt(AppLayout, "/admin/complaints");
    const menu = wrapper.find(tid("nav-requests-menu"));
    expect(menu.attributes("data-bs-toggle")).toBe("dropdown");
    expect(menu.element.closest("li")?.classList).toContain("nav-group-active");
    expect(wrapper.find(tid("nav-requests")).attributes("href")).toBe("/admin/requests");
    expect(wrapper.find(tid("nav-dispatch")).attributes("href")).toBe("/admin/dispatch");
    expect(wrapper.find(tid("nav-complaints")).attributes("href")).toBe("/admin/complaints");
    expect(wrapper.find(tid("nav-complaints")).classes()).toContain("active");
  });

  it("links My week and Availability in the professional's navbar", async () => {
    resetSession({ user: user("professional") });
    backend({ professional_availability: AVAILABILITY });
    const AppLayout = (await import("../components/AppLayout.vue")).default;
    const { wrapper } = await mountAt(AppLayout, "/professional/availability");
    expect(wrapper.find(tid("nav-my-week")).attributes("href")).toBe("/professional/week");
    expect(wrapper.find(tid("nav-availability")).attributes("href")).toBe("/professional/availability");
    expect(wrapper.find(tid("nav-availability")).classes()).toContain("active");
  });
});

describe("expired requests", () => {
  it("have a status badge and say what happened on the customer's page", async () => {
    resetSession({ user: user("customer", { user_id: 7, full_name: "Asha Rao" }) });
    backend({ customer_request_detail: detail({ status: "expired", professional_id: null, professional_name: null }) });
    const { wrapper } = await mountAt(CustomerRequestDetailPage, "/customer/requests/12");
    const badge = wrapper.find(tid("request-status"));
    expect(badge.attributes("data-status")).toBe("expired");
    expect(badge.classes()).toContain("text-bg-dark");
    expect(wrapper.find(tid("request-expired")).text()).toContain("No professional accepted this request");
    expect(wrapper.find(tid("request-cancel")).exists()).toBe(false);
  });

  it("can be filtered in the admin's request list", async () => {
    resetSession({ user: user("admin") });
    backend({ admin_list_services: [], admin_list_requests: { items: [], page: { page: 1, per_page: 20, total: 0, total_is_capped: false } } });
    const RequestsPage = (await import("../pages/admin/RequestsPage.vue")).default;
    const { wrapper } = await mountAt(RequestsPage, "/admin/requests");
    const labels = wrapper.findAll("option").map((o) => o.text());
    expect(labels).toContain("Expired");
  });
});

describe("Dispatch in the URL", () => {
  it("keeps the day, service and PIN code in the URL and reopens the same board", async () => {
    resetSession({ user: user("admin") });
    backend({ admin_list_services: SERVICES, admin_dispatch_board: board() });
    const { wrapper, router } = await mountAt(DispatchPage, "/admin/dispatch?day=2026-12-05&service=3&pin=560034");
    expect(calls("admin_dispatch_board")).toEqual([{ query: { day: "2026-12-05", service_id: 3, pincode: "560034" } }]);
    expect((wrapper.find(tid("dispatch-service")).element as HTMLSelectElement).value).toBe("3");
    await wrapper.find(tid("dispatch-service")).setValue(1);
    await flushPromises();
    expect(router.currentRoute.value.query).toEqual({ day: "2026-12-05", service: "1", pin: "560034" });
    expect(calls("admin_dispatch_board")).toHaveLength(2);
  });
});
