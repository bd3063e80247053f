import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { flushPromises, mount } from "@vue/test-utils";
import { listen } from "@tauri-apps/api/event";
import { setFailureHandler } from "../api";
import type { ExportJobRow, ExportKind, ServiceAdminRow } from "../bindings";
import ToastHost from "../components/ToastHost.vue";
import {
  announceExportFinished,
  EXPORT_KINDS,
  handleExportFinishedEvent,
  listenForExportFinished,
  progressPercent,
  progressText,
  resetExportAnnouncements,
  summariseExportFilters,
} from "../exports";
import { formatElapsed } from "../format";
import { dispatchLive, resetLive } from "../live";
import ExportsPage from "../pages/admin/ExportsPage.vue";
import { handleFailure } from "../shell";
import { pushToast, toasts } from "../toasts";
import { apiError, backend, calls, mountAt, resetSession, tid, user, type Args } from "./helpers";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn() }));

const NO_FILTERS =
  '{"status":null,"service_id":null,"professional_id":null,"customer_id":null,"created_from":null,"created_to":null}';

function job(extra: Partial<ExportJobRow>): ExportJobRow {
  return {
    id: 1,
    requested_by: 1,
    requested_by_name: "Grace Hopper",
    kind: "closed_requests",
    filters: NO_FILTERS,
    status: "succeeded",
    rows_written: 1200,
    rows_total: 1200,
    file_path: "/home/grace/closed-requests-2024-05-01.csv",
    file_size: 1536,
    error: null,
    created_at: "2024-05-01T10:00:00Z",
    started_at: "2024-05-01T10:00:00Z",
    finished_at: "2024-05-01T10:00:03Z",
    ...extra,
  };
}

const SERVICES: ServiceAdminRow[] = [
  {
    id: 1,
    name: "Plumbing",
    description: "",
    base_price_minor: 49990,
    estimated_minutes: 90,
    is_active: true,
    request_count: 0,
    professional_count: 0,
    rating_avg: null,
    rating_count: 0,
  },
];

beforeEach(() => {
  resetSession({ user: user("admin", { user_id: 1 }) });
  setFailureHandler(handleFailure);
  resetExportAnnouncements();
  resetLive();
  document.body.innerHTML = "";
});

afterEach(() => {
  vi.useRealTimers();
});

describe("export helpers", () => {
  it("formats durations, progress and filter summaries", () => {
    expect(formatElapsed(0)).toBe("< 1 s");
    expect(formatElapsed(1400)).toBe("1.4 s");
    expect(formatElapsed(3000)).toBe("3 s");
    expect(formatElapsed(42_000)).toBe("42 s");
    expect(formatElapsed(125_000)).toBe("2 min 5 s");
    expect(formatElapsed(3_720_000)).toBe("1 h 2 min");

    expect(progressText({ rows_written: 12000, rows_total: 600000 })).toBe(
      `12,000 of 6,00,000 rows`,
    );
    expect(progressText({ rows_written: 5000, rows_total: null })).toBe("5,000 rows");
    expect(progressPercent({ rows_written: 12000, rows_total: 600000 })).toBe(2);
    expect(progressPercent({ rows_written: 0, rows_total: null })).toBeNull();
    expect(progressPercent({ rows_written: 7, rows_total: 5 })).toBe(100);

    expect(summariseExportFilters(NO_FILTERS)).toBe("—");
    expect(summariseExportFilters("not json")).toBe("—");
    expect(
      summariseExportFilters(
        '{"status":"closed","service_id":1,"professional_id":null,"customer_id":4,"created_from":"2024-05-01","created_to":"2024-05-31"}',
        (id) => (id === 1 ? "Plumbing" : null),
      ),
    ).toBe("Status: Closed · Service: Plumbing · Customer #4 · Created 2024-05-01 → 2024-05-31");
    expect(summariseExportFilters('{"service_id":9,"created_to":"2024-05-31"}')).toBe(
      "Service: #9 · Created until 2024-05-31",
    );
  });

  it("keeps plain toasts as they were and adds optional buttons", () => {
    pushToast("info", "Plain");
    expect(toasts[0]).toEqual({ id: expect.any(Number), kind: "info", message: "Plain" });
  });
});

describe("starting an export", () => {
  it("sends the kind with its filters and ignores a closed dialog", async () => {
    backend({ admin_list_exports: [], admin_list_services: SERVICES, admin_start_export: null });
    const { wrapper } = await mountAt(ExportsPage, "/admin/exports");
    expect(calls("admin_list_exports")).toEqual([{ page: 1, perPage: 20 }]);
    expect(wrapper.find(tid("exports-empty")).text()).toContain("No exports yet");
    expect(wrapper.find(tid("export-filter-status")).exists()).toBe(false);

    await wrapper.find(tid("export-kind")).setValue("requests");
    expect(wrapper.find(tid("export-kind-help")).text()).toContain("matching the filters");
    await wrapper.find(tid("export-filter-status")).setValue("closed");
    await wrapper.find(tid("export-filter-service")).setValue("1");
    await wrapper.find(tid("export-filter-from")).setValue("2024-05-01");
    await wrapper.find(tid("export-filter-to")).setValue("2024-05-31");
    await wrapper.find(tid("export-start")).trigger("submit");
    await flushPromises();

    expect(calls("admin_start_export")).toEqual([
      {
        kind: "requests",
        filters: {
          status: "closed",
          service_id: 1,
          professional_id: null,
          customer_id: null,
          created_from: "2024-05-01",
          created_to: "2024-05-31",
        },
      },
    ]);
    // The admin closed the save dialog: nothing else happens.
    expect(calls("admin_list_exports")).toHaveLength(1);
    expect(calls("admin_export_job")).toHaveLength(0);
    expect(toasts).toHaveLength(0);
    expect(wrapper.find(tid("exports-empty")).exists()).toBe(true);

    // Other kinds send no filters, whatever the (hidden) request filters say.
    await wrapper.find(tid("export-kind")).setValue("customers");
    await wrapper.find(tid("export-start")).trigger("submit");
    await flushPromises();
    expect(calls("admin_start_export").at(-1)).toEqual({
      kind: "customers",
      filters: {
        status: null,
        service_id: null,
        professional_id: null,
        customer_id: null,
        created_from: null,
        created_to: null,
      },
    });
  });

  it("refuses an end date before the start date without asking Rust", async () => {
    backend({ admin_list_exports: [], admin_list_services: SERVICES, admin_start_export: 1 });
    const { wrapper } = await mountAt(ExportsPage, "/admin/exports");
    await wrapper.find(tid("export-kind")).setValue("requests");
    await wrapper.find(tid("export-filter-from")).setValue("2024-06-01");
    await wrapper.find(tid("export-filter-to")).setValue("2024-05-01");
    await wrapper.find(tid("export-start")).trigger("submit");
    await flushPromises();
    expect(calls("admin_start_export")).toHaveLength(0);
    expect(wrapper.find("#export-to-error").text()).toContain("before the start date");
  });

  it("follows the new job's progress through live export updates, one reload per window", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval"] });
    const running = job({
      id: 7,
      status: "running",
      rows_written: 0,
      rows_total: 600000,
      file_size: null,
      finished_at: null,
    });
    let history: ExportJobRow[] = [job({ id: 6 })];
    backend({
      admin_list_exports: () => history,
      admin_list_services: SERVICES,
      admin_start_export: () => {
        history = [running, ...history];
        return 7;
      },
    });
    const { wrapper } = await mountAt(ExportsPage, "/admin/exports");
    expect(wrapper.findAll(tid("export-row"))).toHaveLength(1);

    await wrapper.find(tid("export-start")).trigger("submit");
    await flushPromises();
    expect(calls("admin_start_export")).toEqual([
      {
        kind: "closed_requests",
        filters: {
          status: null,
          service_id: null,
          professional_id: null,
          customer_id: null,
          created_from: null,
          created_to: null,
        },
      },
    ]);
    const first = () => wrapper.findAll(tid("export-row"))[0];
    expect(first().attributes("data-export-id")).toBe("7");
    expect(first().attributes("data-status")).toBe("running");
    expect(first().find(tid("export-progress")).attributes("data-percent")).toBe("0");
    const listed = calls("admin_list_exports").length;

    // Progress every 250 ms: one reload of the history per 500 ms window, at its end.
    history = [{ ...running, rows_written: 12000 }, job({ id: 6 })];
    dispatchLive({ kind: "export", job_id: 7 });
    vi.advanceTimersByTime(250);
    dispatchLive({ kind: "export", job_id: 7 });
    vi.advanceTimersByTime(249);
    await flushPromises();
    expect(calls("admin_list_exports")).toHaveLength(listed);
    vi.advanceTimersByTime(1);
    await flushPromises();
    expect(calls("admin_list_exports")).toHaveLength(listed + 1);
    expect(first().find(tid("export-progress")).attributes("data-percent")).toBe("2");
    expect(first().find(tid("export-rows")).text()).toContain(`12,000 of 6,00,000 rows`);
    expect(first().find(tid("export-cancel")).exists()).toBe(true);
    // In place: the table is not dimmed by a live reload.
    expect(wrapper.find(".opacity-50").exists()).toBe(false);

    history = [
      { ...running, status: "succeeded", rows_written: 600000, file_size: 5_400_000, finished_at: "2024-05-01T10:00:42Z" },
      job({ id: 6 }),
    ];
    dispatchLive({ kind: "export", job_id: 7 });
    vi.advanceTimersByTime(500);
    await flushPromises();
    expect(calls("admin_list_exports")).toHaveLength(listed + 2);
    expect(first().attributes("data-status")).toBe("succeeded");
    expect(first().find(tid("export-progress")).exists()).toBe(false);
    expect(first().find(tid("export-rows")).text()).toBe("6,00,000");
    expect(first().text()).toContain("5.1 MB");
    expect(first().text()).toContain("42 s");
    expect(first().find(tid("export-open")).exists()).toBe(true);
    expect(toasts.map((t) => [t.kind, t.message])).toEqual([
      ["success", `Export finished: 6,00,000 rows`],
    ]);

    // No events, no calls to Rust (nothing polls).
    vi.advanceTimersByTime(5000);
    await flushPromises();
    expect(calls("admin_list_exports")).toHaveLength(listed + 2);
    expect(calls("admin_export_job")).toHaveLength(0);

    // The event arriving late does not toast the same job again.
    handleExportFinishedEvent(job({ id: 7, rows_written: 600000 }));
    expect(toasts).toHaveLength(1);
    wrapper.unmount();
  });

  it("announces an export that was over before the page saw it running", async () => {
    let history: ExportJobRow[] = [];
    backend({
      admin_list_exports: () => history,
      admin_list_services: [],
      admin_start_export: () => {
        history = [job({ id: 8, kind: "customers", rows_written: 38 })];
        return 8;
      },
    });
    const { wrapper } = await mountAt(ExportsPage, "/admin/exports");
    await wrapper.find(tid("export-kind")).setValue("customers");
    await wrapper.find(tid("export-start")).trigger("submit");
    await flushPromises();
    expect(wrapper.find(tid("export-row")).attributes("data-status")).toBe("succeeded");
    expect(toasts.map((t) => t.message)).toEqual(["Export finished: 38 rows"]);
    expect(calls("admin_export_job")).toHaveLength(0);
  });

  it("stops following the jobs when the page is left", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval"] });
    backend({
      admin_list_exports: [job({ id: 3, status: "queued", rows_total: null, rows_written: 0, started_at: null, finished_at: null })],
      admin_list_services: [],
    });
    const { wrapper } = await mountAt(ExportsPage, "/admin/exports");
    // Total unknown yet: an indeterminate (striped) bar.
    const bar = wrapper.find(`${tid("export-progress")} .progress-bar`);
    expect(bar.classes()).toContain("progress-bar-striped");
    dispatchLive({ kind: "export", job_id: 3 });
    vi.advanceTimersByTime(500);
    await flushPromises();
    expect(calls("admin_list_exports")).toHaveLength(2);
    dispatchLive({ kind: "export", job_id: 3 });
    wrapper.unmount();
    vi.advanceTimersByTime(5000);
    dispatchLive({ kind: "export", job_id: 3 });
    vi.advanceTimersByTime(5000);
    await flushPromises();
    expect(calls("admin_list_exports")).toHaveLength(2);
  });

  it("cancels a running job after a confirm", async () => {
    backend({
      admin_list_exports: [job({ id: 4, status: "running", rows_written: 5000, rows_total: 20000, finished_at: null })],
      admin_list_services: [],
      admin_cancel_export: null,
    });
    const { wrapper } = await mountAt(ExportsPage, "/admin/exports");
    await wrapper.find(tid("export-cancel")).trigger("click");
    expect(calls("admin_cancel_export")).toHaveLength(0);
    expect(document.querySelector(tid("confirm-dialog"))?.textContent).toContain("rows written so far are discarded");
    (document.querySelector(tid("confirm-ok")) as HTMLButtonElement).click();
    await flushPromises();
    expect(calls("admin_cancel_export")).toEqual([{ id: 4 }]);
    expect(wrapper.find(tid("export-cancel")).text()).toContain("Cancelling");
    expect(wrapper.find(tid("export-cancel")).attributes("disabled")).toBeDefined();
    wrapper.unmount();
  });
});

describe("export-finished event", () => {
  const handlers: Record<string, (e: { payload: unknown }) => void> = {};

  beforeEach(() => {
    vi.mocked(listen).mockImplementation(async (name, cb) => {
      handlers[name] = cb as (e: { payload: unknown }) => void;
      return () => {};
    });
  });

  it("toasts once with Open file / Show in folder calling the commands with the id", async () => {
    backend({ admin_open_export: null, admin_reveal_export: null });
    await listenForExportFinished();
    expect(vi.mocked(listen).mock.calls[0][0]).toBe("export-finished");
    const host = mount(ToastHost, { attachTo: document.body });

    const done = job({ id: 9, rows_written: 1234 });
    handlers["export-finished"]({ payload: done });
    handlers["export-finished"]({ payload: done });
    // A page polling the same job sees its end too: still one toast.
    expect(announceExportFinished(done)).toBe(false);
    await flushPromises();

    expect(toasts.map((t) => [t.kind, t.message])).toEqual([["success", "Export finished: 1,234 rows"]]);
    expect(host.findAll(tid("toast"))).toHaveLength(1);
    await host.find(tid("export-toast-open")).trigger("click");
    await host.find(tid("export-toast-reveal")).trigger("click");
    await flushPromises();
    expect(calls("admin_open_export")).toEqual([{ id: 9 }]);
    expect(calls("admin_reveal_export")).toEqual([{ id: 9 }]);
    host.unmount();
  });

  it("toasts failures with the error, cancellations as info, and Rust's error when a file is gone", async () => {
    backend({ admin_open_export: () => Promise.reject(apiError("not_found", "The exported file has been moved or deleted.")) });
    await listenForExportFinished();
    handlers["export-finished"]({ payload: job({ id: 10, status: "failed", error: "Cannot write in /mnt: Permission denied", file_size: null }) });
    handlers["export-finished"]({ payload: job({ id: 11, status: "cancelled", file_size: null }) });
    expect(toasts.map((t) => [t.kind, t.message])).toEqual([
      ["danger", "Export failed: Cannot write in /mnt: Permission denied"],
      ["info", "Export cancelled. No file was written."],
    ]);
    expect(toasts.every((t) => !t.actions)).toBe(true);

    handlers["export-finished"]({ payload: job({ id: 12 }) });
    const host = mount(ToastHost, { attachTo: document.body });
    await host.find(tid("export-toast-open")).trigger("click");
    await flushPromises();
    expect(toasts.at(-1)?.message).toBe("The exported file has been moved or deleted.");
    host.unmount();
  });

  it("ignores the event when no admin is signed in", async () => {
    resetSession({ user: null });
    await listenForExportFinished();
    handlers["export-finished"]({ payload: job({ id: 13 }) });
    expect(toasts).toHaveLength(0);
  });

  it("updates the row of an open Exports page", async () => {
    backend({
      admin_list_exports: [job({ id: 5, status: "running", rows_written: 0, rows_total: 10, finished_at: null })],
      admin_list_services: [],
      admin_export_job: job({ id: 5, status: "running", rows_written: 0, rows_total: 10, finished_at: null }),
    });
    await listenForExportFinished();
    const { wrapper } = await mountAt(ExportsPage, "/admin/exports");
    handlers["export-finished"]({ payload: job({ id: 5, status: "failed", error: "x".repeat(200), file_size: null }) });
    await flushPromises();
    const row = wrapper.find(tid("export-row"));
    expect(row.attributes("data-status")).toBe("failed");
    expect(row.find(tid("export-error")).attributes("title")).toBe("x".repeat(200));
    expect(row.find(tid("export-error")).text().length).toBeLessThan(90);
    expect(toasts).toHaveLength(1);
    wrapper.unmount();
  });
});

describe("export history", () => {
  it("renders rows, sizes, durations, filters and the actions of each status", async () => {
    const full = Array.from({ length: 20 }, (_, k) => job({ id: 100 - k }));
    full[0] = job({
      id: 100,
      kind: "requests",
      filters: '{"status":"closed","service_id":1,"professional_id":null,"customer_id":null,"created_from":"2024-05-01","created_to":null}',
      rows_written: 600000,
      rows_total: 600000,
      file_size: 5_400_000,
      finished_at: "2024-05-01T10:02:05Z",
    });
    full[1] = job({ id: 99, kind: "customers", status: "failed", rows_written: 0, file_size: null, error: "Cannot save /tmp/c.csv: disk full" });
    full[2] = job({ id: 98, kind: "professionals", status: "cancelled", rows_written: 5000, file_size: null });
    full[3] = job({ id: 97, status: "succeeded", finished_at: "2024-05-01T10:00:00Z" });
    backend({
      admin_list_exports: (args: Args) => (args?.page === 1 ? full : [job({ id: 80 })]),
      admin_list_services: SERVICES,
      admin_open_export: null,
      admin_reveal_export: null,
      admin_export_job: () => {
        throw new Error("nothing is running");
      },
    });
    const { wrapper } = await mountAt(ExportsPage, "/admin/exports");
    const rows = wrapper.findAll(tid("export-row"));
    expect(rows).toHaveLength(20);

    const [requests, failed, cancelled, quick] = rows;
    expect(requests.text()).toContain("Requests");
    expect(requests.text()).toContain("Grace Hopper");
    expect(requests.findAll(`${tid("export-filters-summary")} span`).map((s) => s.text())).toEqual([
      "Status: Closed",
      "Service: Plumbing",
      "Created from 2024-05-01",
    ]);
    expect(requests.find(tid("export-rows")).text()).toBe("6,00,000");
    expect(requests.find(tid("export-rows")).attributes("data-rows")).toBe("600000");
    expect(requests.text()).toContain("5.1 MB");
    expect(requests.text()).toContain("2 min 5 s");
    expect(requests.find("[data-status]").text()).toBe("succeeded");

    expect(failed.attributes("data-status")).toBe("failed");
    expect(failed.find(tid("export-rows")).text()).toBe("—");
    expect(failed.find(tid("export-error")).text()).toBe("Cannot save /tmp/c.csv: disk full");
    expect(failed.find(tid("export-open")).exists()).toBe(false);
    expect(failed.find(tid("export-cancel")).exists()).toBe(false);
    expect(failed.find(".badge").classes()).toContain("text-bg-danger");
    expect(failed.find(tid("export-filters-summary")).text()).toBe("—");

    expect(cancelled.find(".badge").classes()).toContain("text-bg-warning");
    expect(cancelled.text()).toContain("Professionals");
    expect(quick.text()).toContain("< 1 s");
    expect(quick.text()).toContain("1.5 KB");

    await requests.find(tid("export-open")).trigger("click");
    await requests.find(tid("export-reveal")).trigger("click");
    await flushPromises();
    expect(calls("admin_open_export")).toEqual([{ id: 100 }]);
    expect(calls("admin_reveal_export")).toEqual([{ id: 100 }]);

    // A full page: there may be more.
    await wrapper.find(tid("page-next")).trigger("click");
    await flushPromises();
    expect(calls("admin_list_exports").at(-1)).toEqual({ page: 2, perPage: 20 });
    expect(wrapper.findAll(tid("export-row"))).toHaveLength(1);
    expect(wrapper.find(tid("page-next")).attributes("disabled")).toBeDefined();
    expect(calls("admin_export_job")).toHaveLength(0);
  });

  it("steps back from an empty page after an exactly full one", async () => {
    const full = Array.from({ length: 20 }, (_, k) => job({ id: 100 - k }));
    backend({ admin_list_exports: (args: Args) => (args?.page === 1 ? full : []), admin_list_services: [] });
    const { wrapper } = await mountAt(ExportsPage, "/admin/exports");
    await wrapper.find(tid("page-next")).trigger("click");
    await flushPromises();
    expect(calls("admin_list_exports").map((c) => c.page)).toEqual([1, 2, 1]);
    expect(wrapper.findAll(tid("export-row"))).toHaveLength(20);
    expect(wrapper.find(tid("more-pager")).exists()).toBe(false);
  });

  it("shows the load error with a retry", async () => {
    let fail = true;
    backend({
      admin_list_exports: () => {
        if (fail) throw apiError("internal", "database is locked");
        return [];
      },
      admin_list_services: [],
    });
    const { wrapper } = await mountAt(ExportsPage, "/admin/exports");
    expect(wrapper.text()).toContain("Could not load the export history: database is locked");
    fail = false;
    await wrapper.find(".alert button").trigger("click");
    await flushPromises();
    expect(wrapper.find(tid("exports-empty")).exists()).toBe(true);
  });
});

describe("export kinds", () => {
  it("offers every kind the core can export", () => {
    // Typed against the generated ExportKind: a kind added in Rust fails the type-check here.
    const every: Record<ExportKind, true> = {
      closed_requests: true,
      requests: true,
      professionals: true,
      customers: true,
      receipts: true,
    };
    expect(EXPORT_KINDS.map((k) => k.value).sort()).toEqual(Object.keys(every).sort());
  });
});
