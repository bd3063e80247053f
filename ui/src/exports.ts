// CSV exports: labels, summaries of a job's stored filters, and the app-wide announcement of
// finished jobs (the Rust `export-finished` event, or a page that saw the end while polling),
// one toast per job with "Open file" / "Show in folder" on success.
import { listen } from "@tauri-apps/api/event";
import { commands, type ExportFilters, type ExportJobRow, type ExportKind, type ExportStatus, type RequestStatus } from "./bindings";
import { call } from "./api";
import { capitalize, formatNumber, plural, REQUEST_STATUSES } from "./format";
import { session } from "./session";
import { pushToast } from "./toasts";

/** Event Rust emits with an ExportJobRow when a job ends (mirrors `EXPORT_FINISHED_EVENT`). */
export const EXPORT_FINISHED_EVENT = "export-finished";

export interface ExportKindInfo {
  value: ExportKind;
  label: string;
  /** Short name for the history table. */
  short: string;
  description: string;
}

export const EXPORT_KINDS: readonly ExportKindInfo[] = [
  {
    value: "closed_requests",
    label: "Closed requests (the original report)",
    short: "Closed requests",
    description: "Every closed request with its customer, professional, dates, review and price.",
  },
  {
    value: "requests",
    label: "All requests, with filters",
    short: "Requests",
    description: "Requests of any status matching the filters below, with address, dates, rating and price.",
  },
  {
    value: "professionals",
    label: "Professionals",
    short: "Professionals",
    description: "Every professional with contact details, service, verification, rating and completed jobs.",
  },
  {
    value: "customers",
    label: "Customers",
    short: "Customers",
    description: "Every customer with contact details, address, number of requests and rating.",
  },
  {
    value: "receipts",
    label: "Receipts",
    short: "Receipts",
    description: "Every receipt issued, by number: date, customer, professional, service, price, extras, total and payment.",
  },
];

/** "closed_requests" → "Closed requests"; unknown kinds are made readable. */
export function exportKindLabel(kind: string): string {
  return EXPORT_KINDS.find((k) => k.value === kind)?.short ?? capitalize(kind.replace(/_/g, " "));
}

export function emptyExportFilters(): ExportFilters {
  return {
    status: null,
    service_id: null,
    professional_id: null,
    customer_id: null,
    created_from: null,
    created_to: null,
  };
}

/** A job that may still change (its progress comes with live updates). */
export function isExportActive(status: ExportStatus): boolean {
  return status === "queued" || status === "running";
}

function parseFilters(json: string): Partial<ExportFilters> {
  try {
    const value: unknown = JSON.parse(json);
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Partial<ExportFilters>) : {};
  } catch {
    return {};
  }
}

/**
 * The stored filters JSON in words, one part per filter: ["Status: Closed", "Service: Plumbing",
 * "Created 2024-05-01 → 2024-05-31"]; empty when nothing was filtered. `serviceName` resolves
 * a service id.
 */
export function exportFilterParts(json: string, serviceName: (id: number) => string | null = () => null): string[] {
  const f = parseFilters(json);
  const parts: string[] = [];
  if (typeof f.status === "string" && (REQUEST_STATUSES as readonly string[]).includes(f.status)) {
    parts.push(`Status: ${capitalize(f.status as RequestStatus)}`);
  }
  if (typeof f.service_id === "number") parts.push(`Service: ${serviceName(f.service_id) ?? `#${f.service_id}`}`);
  if (typeof f.professional_id === "number") parts.push(`Professional #${f.professional_id}`);
  if (typeof f.customer_id === "number") parts.push(`Customer #${f.customer_id}`);
  const from = typeof f.created_from === "string" && f.created_from ? f.created_from : null;
  const to = typeof f.created_to === "string" && f.created_to ? f.created_to : null;
  if (from && to) parts.push(`Created ${from} → ${to}`);
  else if (from) parts.push(`Created from ${from}`);
  else if (to) parts.push(`Created until ${to}`);
  return parts;
}

/** The filters on one line ("Status: Closed · Service: Plumbing"); "—" when none. */
export function summariseExportFilters(json: string, serviceName: (id: number) => string | null = () => null): string {
  const parts = exportFilterParts(json, serviceName);
  return parts.length ? parts.join(" · ") : "—";
}

/** "12,000 of 600,000 rows" (or "12,000 rows" while the total is unknown). */
export function progressText(job: Pick<ExportJobRow, "rows_written" | "rows_total">): string {
  if (job.rows_total === null) return plural(job.rows_written, "row");
  return `${formatNumber(job.rows_written)} of ${plural(job.rows_total, "row")}`;
}

/** Percentage written, 0-100; null while the total is unknown. */
export function progressPercent(job: Pick<ExportJobRow, "rows_written" | "rows_total">): number | null {
  if (job.rows_total === null) return null;
  if (job.rows_total <= 0) return 0;
  return Math.min(100, Math.max(0, Math.round((job.rows_written / job.rows_total) * 100)));
}

export async function openExport(id: number): Promise<void> {
  try {
    await call(commands.adminOpenExport(id));
  } catch {
    // Toasted by the global handler ("The exported file has been moved or deleted.").
  }
}

export async function revealExport(id: number): Promise<void> {
  try {
    await call(commands.adminRevealExport(id));
  } catch {
    // Toasted by the global handler.
  }
}

// ---- Announcements ----

const announced = new Set<number>();
type FinishedListener = (job: ExportJobRow) => void;
const finishedListeners = new Set<FinishedListener>();

/**
 * Toasts the end of a job, once per job id (the event and a polling page may both see it).
 * Returns false when it was already announced or the job has not ended.
 */
export function announceExportFinished(job: ExportJobRow): boolean {
  if (isExportActive(job.status) || announced.has(job.id)) return false;
  announced.add(job.id);
  switch (job.status) {
    case "succeeded":
      pushToast("success", `Export finished: ${plural(job.rows_written, "row")}`, {
        actions: [
          { label: "Open file", icon: "bi-box-arrow-up-right", testid: "export-toast-open", run: () => openExport(job.id) },
          { label: "Show in folder", icon: "bi-folder2-open", testid: "export-toast-reveal", run: () => revealExport(job.id) },
        ],
      });
      break;
    case "cancelled":
      pushToast("info", "Export cancelled. No file was written.");
      break;
    default:
      pushToast("danger", `Export failed: ${job.error ?? "see the export history."}`);
  }
  return true;
}

/** Called with every job the `export-finished` event reports (the Exports page updates its row). */
export function onExportFinished(listener: FinishedListener): () => void {
  finishedListeners.add(listener);
  return () => finishedListeners.delete(listener);
}

/** What the `export-finished` event does: tell any open page, then toast (admins only). */
export function handleExportFinishedEvent(job: ExportJobRow | null | undefined): void {
  if (!job || typeof job.id !== "number") return;
  if (session.user?.role !== "admin") return;
  for (const listener of [...finishedListeners]) listener(job);
  announceExportFinished(job);
}

/** Installed once at start-up, next to `session-ended`. */
export async function listenForExportFinished(): Promise<void> {
  try {
    await listen<ExportJobRow>(EXPORT_FINISHED_EVENT, (event) => handleExportFinishedEvent(event.payload));
  } catch {
    // Not running inside Tauri (plain browser preview): no events to listen to.
  }
}

/** Tests only: forget which jobs were announced. */
export function resetExportAnnouncements(): void {
  announced.clear();
  finishedListeners.clear();
}
