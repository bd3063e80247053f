// The admin lists keep their filters in the URL query (so the dashboard and the detail pages
// can link to a preset list, and Back restores it). These helpers translate between the
// route query and the Rust query types; anything unknown in the URL is ignored.
import type { LocationQuery, LocationQueryRaw } from "vue-router";
import type {
  JobsQuery,
  MyRequestsQuery,
  PeopleQuery,
  RequestQuery,
  RequestScope,
  RequestSort,
  RequestStatus,
  Role,
  UserStatus,
  VerificationStatus,
} from "./bindings";
import { REQUEST_STATUSES } from "./format";

export const PER_PAGE = 20;

export const ROLES: readonly Role[] = ["admin", "professional", "customer"];
export const USER_STATUSES: readonly UserStatus[] = ["active", "blocked"];
export const VERIFICATIONS: readonly VerificationStatus[] = ["pending", "approved", "rejected"];
export const REQUEST_SORTS: readonly RequestSort[] = ["created_at", "scheduled_for", "status"];

function first(q: LocationQuery, key: string): string | null {
  const v = q[key];
  const s = Array.isArray(v) ? v[0] : v;
  return typeof s === "string" && s.trim() !== "" ? s.trim() : null;
}

function oneOf<T extends string>(q: LocationQuery, key: string, allowed: readonly T[]): T | null {
  const v = first(q, key);
  return v !== null && (allowed as readonly string[]).includes(v) ? (v as T) : null;
}

function positiveInt(q: LocationQuery, key: string): number | null {
  const v = first(q, key);
  if (v === null || !/^\d+$/.test(v)) return null;
  const n = Number(v);
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}

function isoDay(q: LocationQuery, key: string): string | null {
  const v = first(q, key);
  return v !== null && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : null;
}

/** Drops empty values so URLs stay short. */
function compact(values: Record<string, string | number | boolean | null | undefined>): LocationQueryRaw {
  const out: LocationQueryRaw = {};
  for (const [k, v] of Object.entries(values)) {
    if (v === null || v === undefined || v === "" || v === false) continue;
    out[k] = String(v);
  }
  return out;
}

export function peopleQueryFromRoute(q: LocationQuery): PeopleQuery {
  return {
    role: oneOf(q, "role", ROLES),
    status: oneOf(q, "status", USER_STATUSES),
    verification: oneOf(q, "verification", VERIFICATIONS),
    service_id: positiveInt(q, "service"),
    pincode: first(q, "pincode"),
    search: first(q, "search"),
    // `?complaints=open`: only professionals with a complaint still open.
    open_complaints: first(q, "complaints") === "open",
    page: positiveInt(q, "page") ?? 1,
    per_page: PER_PAGE,
  };
}

export function peopleQueryToRoute(p: PeopleQuery): LocationQueryRaw {
  return compact({
    search: p.search?.trim(),
    role: p.role,
    status: p.status,
    verification: p.verification,
    service: p.service_id,
    pincode: p.pincode?.trim(),
    complaints: p.open_complaints ? "open" : null,
    page: p.page > 1 ? p.page : null,
  });
}

export function requestQueryFromRoute(q: LocationQuery): RequestQuery {
  return {
    status: oneOf<RequestStatus>(q, "status", REQUEST_STATUSES),
    service_id: positiveInt(q, "service"),
    professional_id: positiveInt(q, "professional"),
    customer_id: positiveInt(q, "customer"),
    created_from: isoDay(q, "from"),
    created_to: isoDay(q, "to"),
    sort: oneOf(q, "sort", REQUEST_SORTS) ?? "created_at",
    // Newest first unless asked otherwise.
    descending: first(q, "dir") !== "asc",
    page: positiveInt(q, "page") ?? 1,
    per_page: PER_PAGE,
  };
}

export function requestQueryToRoute(r: RequestQuery): LocationQueryRaw {
  return compact({
    status: r.status,
    service: r.service_id,
    customer: r.customer_id,
    professional: r.professional_id,
    from: r.created_from,
    to: r.created_to,
    sort: r.sort === "created_at" ? null : r.sort,
    dir: r.descending ? null : "asc",
    page: r.page > 1 ? r.page : null,
  });
}

export const REQUEST_SCOPES: readonly RequestScope[] = ["current", "past", "all"];

/** The customer's "My requests" tab and page (`?scope=past&page=2`); "current" by default. */
export function myRequestsQueryFromRoute(q: LocationQuery): MyRequestsQuery {
  return {
    scope: oneOf(q, "scope", REQUEST_SCOPES) ?? "current",
    page: positiveInt(q, "page") ?? 1,
    per_page: PER_PAGE,
  };
}

export function myRequestsQueryToRoute(m: MyRequestsQuery): LocationQueryRaw {
  return compact({ scope: m.scope === "current" ? null : m.scope, page: m.page > 1 ? m.page : null });
}

/** The statuses a professional's job list can be filtered on (tabs; `null` is "All"). */
export const JOB_STATUSES: readonly RequestStatus[] = ["assigned", "completed", "closed", "cancelled"];

/** The professional's "My jobs" tab and page (`?status=completed&page=2`); "assigned" by default. */
export function jobsQueryFromRoute(q: LocationQuery): JobsQuery {
  const all = first(q, "status") === "all";
  return {
    status: all ? null : (oneOf(q, "status", JOB_STATUSES) ?? "assigned"),
    page: positiveInt(q, "page") ?? 1,
    per_page: PER_PAGE,
  };
}

export function jobsQueryToRoute(j: JobsQuery): LocationQueryRaw {
  return compact({
    status: j.status === null ? "all" : j.status === "assigned" ? null : j.status,
    page: j.page > 1 ? j.page : null,
  });
}
