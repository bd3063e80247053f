import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { flushPromises, mount } from "@vue/test-utils";
import { createMemoryHistory } from "vue-router";
import { setFailureHandler } from "../api";
import type { FeedItem, FeedPage as FeedPageData, JobItem, JobsPage as JobsPageData, ProfessionalOwnProfile } from "../bindings";
import AppLayout from "../components/AppLayout.vue";
import HomePage from "../pages/HomePage.vue";
import FeedPage from "../pages/professional/FeedPage.vue";
import JobsPage from "../pages/professional/JobsPage.vue";
import ProfilePage from "../pages/professional/ProfilePage.vue";
import { createAppRouter } from "../router";
import { handleFailure } from "../shell";
import { toasts } from "../toasts";
import { apiError, backend, calls, mountAt, resetSession, tid, user, type Args } from "./helpers";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

const PROFILE: ProfessionalOwnProfile = {
  full_name: "Ravi Kumar",
  username: "ravi",
  email: "ravi@example.com",
  service_id: 1,
  service_name: "Plumbing",
  phone: "9876543210",
  pincode: "560034",
  experience_years: 6,
  description: "Certified plumber",
  verification_status: "approved",
  rating_avg: 4.5,
  rating_count: 8,
};

function feedItem(extra: Partial<FeedItem>): FeedItem {
  return {
    id: 21,
    service_name: "Plumbing",
    scheduled_for: "2026-11-25T04:30:00Z",
    duration_minutes: 90,
    pincode: "560034",
    remarks: "Kitchen tap drips",
    created_at: "2026-11-19T08:00:00Z",
    ...extra,
  };
}

function feed(items: FeedItem[], hasMore = false): FeedPageData {
  return { items, page: { page: 1, per_page: 20, total: items.length, total_is_capped: false }, has_more: hasMore };
}

function job(extra: Partial<JobItem>): JobItem {
  return {
    id: 31,
    status: "assigned",
    service_name: "Plumbing",
    scheduled_for: "2026-11-25T04:30:00Z",
    pincode: "560034",
    remarks: "",
    customer_name: "Asha Rao",
    customer_phone: null,
    address: null,
    completion_note: null,
    rating: null,
    customer_rating: null,
    overdue: false,
    ...extra,
  };
}

function jobs(items: JobItem[], hasMore = false): JobsPageData {
  return { items, page: { page: 1, per_page: 20, total: items.length, total_is_capped: false }, has_more: hasMore };
}

beforeEach(() => {
  resetSession({ user: user("professional", { user_id: 5, full_name: "Ravi Kumar" }) });
  setFailureHandler(handleFailure);
  document.body.innerHTML = "";
});

afterEach(() => {
  vi.useRealTimers();
});

describe("Feed", () => {
  it("shows the open requests with when they were asked for", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-11-21T09:00:00Z"));
    backend({ professional_profile: PROFILE, professional_feed: feed([feedItem({}), feedItem({ id: 22, remarks: "" })]) });
    const { wrapper } = await mountAt(FeedPage, "/professional/feed");
    expect(calls("professional_feed")).toEqual([{ query: { page: 1, per_page: 20 } }]);
    const items = wrapper.findAll(tid("feed-item"));
    expect(items.map((i) => i.attributes("data-request-id"))).toEqual(["21", "22"]);
    expect(items[0].text()).toContain("2 days ago");
    expect(items[0].text()).toContain("Kitchen tap drips");
    expect(items[0].text()).toContain("PIN 560034");
    expect(items[1].text()).toContain("No remarks");
    expect(wrapper.find(tid("feed-area")).text()).toContain("Plumbing requests in PIN 560034");
  });

  it("accepts and reloads", async () => {
    let open = [feedItem({}), feedItem({ id: 22 })];
    backend({
      professional_profile: PROFILE,
      professional_feed: () => feed(open),
      professional_accept: (a: Args) => {
        open = open.filter((i) => i.id !== a?.id);
        return null;
      },
    });
    const { wrapper } = await mountAt(FeedPage, "/professional/feed");
    await wrapper.find('[data-request-id="22"]').find(tid("feed-accept")).trigger("click");
    await flushPromises();
    expect(calls("professional_accept")).toEqual([{ id: 22 }]);
    expect(calls("professional_feed")).toHaveLength(2);
    expect(wrapper.findAll(tid("feed-item"))).toHaveLength(1);
    expect(toasts.at(-1)?.kind).toBe("success");
  });

  it("toasts Rust's conflict when someone else was faster, then reloads", async () => {
    let open = [feedItem({}), feedItem({ id: 22 })];
    backend({
      professional_profile: PROFILE,
      professional_feed: () => feed(open),
      professional_accept: () => {
        open = [feedItem({ id: 22 })];
        throw apiError("conflict", "Another professional accepted this request first.");
      },
    });
    const { wrapper } = await mountAt(FeedPage, "/professional/feed");
    await wrapper.find('[data-request-id="21"]').find(tid("feed-accept")).trigger("click");
    await flushPromises();
    expect(toasts.map((t) => [t.kind, t.message])).toEqual([["danger", "Another professional accepted this request first."]]);
    expect(calls("professional_feed")).toHaveLength(2);
    expect(wrapper.findAll(tid("feed-item")).map((i) => i.attributes("data-request-id"))).toEqual(["22"]);
  });

  it("declines after a confirm and says when nothing is left", async () => {
    let open = [feedItem({})];
    backend({
      professional_profile: PROFILE,
      professional_feed: () => feed(open),
      professional_decline: () => {
        open = [];
        return null;
      },
    });
    const { wrapper } = await mountAt(FeedPage, "/professional/feed");
    await wrapper.find(tid("feed-decline")).trigger("click");
    expect(calls("professional_decline")).toHaveLength(0);
    await wrapper.find(tid("confirm-ok")).trigger("click");
    await flushPromises();
    expect(calls("professional_decline")).toEqual([{ id: 21 }]);
    expect(wrapper.find(tid("feed-empty")).text()).toContain("No open requests in your area right now.");
  });

  it("shows Rust's refusal when the account may not take jobs", async () => {
    backend({
      professional_profile: PROFILE,
      professional_feed: () => {
        throw apiError("forbidden", "Your account is not approved to take jobs.");
      },
    });
    const { wrapper } = await mountAt(FeedPage, "/professional/feed");
    expect(wrapper.find('[role="alert"]').text()).toContain("not approved to take jobs");
  });
});

describe("My jobs", () => {
  const MIXED = [
    job({ id: 31, status: "assigned", customer_phone: "9876500001", address: "12 Lake Road", remarks: "Ring twice" }),
    job({ id: 32, status: "completed", customer_phone: "9876500002", address: "4 Hill Street", completion_note: "Replaced the washer" }),
    job({ id: 33, status: "closed", rating: 5, customer_rating: null }),
    job({ id: 34, status: "closed", rating: 4, customer_rating: 5 }),
    job({ id: 35, status: "cancelled" }),
  ];

  it("shows the customer's phone and address only when Rust sends them, and the allowed actions", async () => {
    backend({ professional_jobs: jobs(MIXED) });
    const { wrapper } = await mountAt(JobsPage, "/professional/jobs?status=all");
    expect(calls("professional_jobs")).toEqual([{ query: { status: null, page: 1, per_page: 20 } }]);
    const byId = (id: number) => wrapper.find(`[data-testid="job-row"][data-request-id="${id}"]`);

    expect(byId(31).find(tid("job-customer-phone")).text()).toBe("9876500001");
    expect(byId(31).text()).toContain("12 Lake Road");
    expect(byId(33).find(tid("job-customer-phone")).exists()).toBe(false);
    expect(byId(35).find(tid("job-customer-phone")).exists()).toBe(false);
    expect(wrapper.findAll(tid("job-customer-phone"))).toHaveLength(2);

    const actions = (id: number) =>
      ["job-complete", "job-rate-customer"].filter((a) => byId(id).find(tid(a)).exists());
    expect(actions(31)).toEqual(["job-complete"]);
    expect(actions(32)).toEqual(["job-rate-customer"]);
    expect(actions(33)).toEqual(["job-rate-customer"]);
    expect(actions(34)).toEqual([]);
    expect(actions(35)).toEqual([]);
    expect(byId(32).text()).toContain("Replaced the washer");
    expect(byId(34).attributes("data-status")).toBe("closed");
  });

  it("opens on Assigned and sends each tab's status", async () => {
    backend({ professional_jobs: jobs([]) });
    const { wrapper } = await mountAt(JobsPage, "/professional/jobs");
    expect(calls("professional_jobs")[0]).toEqual({ query: { status: "assigned", page: 1, per_page: 20 } });
    expect(wrapper.find(tid("jobs-empty")).text()).toContain("No jobs to do right now");
    await wrapper.find(tid("jobs-tab-completed")).trigger("click");
    await flushPromises();
    expect(calls("professional_jobs").at(-1)).toEqual({ query: { status: "completed", page: 1, per_page: 20 } });
    await wrapper.find(tid("jobs-tab-all")).trigger("click");
    await flushPromises();
    expect(calls("professional_jobs").at(-1)).toEqual({ query: { status: null, page: 1, per_page: 20 } });
  });

  it("marks a job completed with the customer's code and an optional note", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date(2026, 10, 26, 9, 0)); // after both visits
    backend({ professional_jobs: jobs([MIXED[0], job({ id: 36 })]), professional_complete: null });
    const { wrapper } = await mountAt(JobsPage, "/professional/jobs");
    await wrapper.find('[data-request-id="31"]').find(tid("job-complete")).trigger("click");
    await wrapper.find(tid("complete-code")).setValue("123 456");
    await wrapper.find(tid("complete-note")).setValue("  Replaced the cartridge  ");
    await wrapper.find(tid("complete-submit")).trigger("click");
    await flushPromises();
    await wrapper.find('[data-request-id="36"]').find(tid("job-complete")).trigger("click");
    await wrapper.find(tid("complete-code")).setValue("654321");
    await wrapper.find(tid("complete-submit")).trigger("click");
    await flushPromises();
    expect(calls("professional_complete")).toEqual([
      { id: 31, input: { code: "123456", note: "Replaced the cartridge", extras: [] } },
      { id: 36, input: { code: "654321", note: null, extras: [] } },
    ]);
    expect(calls("professional_jobs")).toHaveLength(3);
  });

  it("asks for the 6-digit code before sending and shows a wrong code under the field", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date(2026, 10, 26, 9, 0));
    let wrong = true;
    backend({
      professional_jobs: jobs([MIXED[0]]),
      professional_complete: () => {
        if (wrong) {
          wrong = false;
          throw apiError("validation", "That code is not right: ask the customer for the 6-digit code on their request. 4 tries left.", { field: "code" });
        }
        return null;
      },
    });
    const { wrapper } = await mountAt(JobsPage, "/professional/jobs");
    await wrapper.find(tid("job-complete")).trigger("click");
    await wrapper.find(tid("complete-submit")).trigger("click");
    await flushPromises();
    expect(calls("professional_complete")).toHaveLength(0);
    expect(wrapper.find(tid("complete-code-error")).text()).toContain("6-digit code");
    await wrapper.find(tid("complete-code")).setValue("12345");
    await wrapper.find(tid("complete-submit")).trigger("click");
    await flushPromises();
    expect(calls("professional_complete")).toHaveLength(0);
    expect(wrapper.find(tid("complete-code-error")).text()).toBe("The code is 6 digits.");

    await wrapper.find(tid("complete-code")).setValue("111111");
    await wrapper.find(tid("complete-submit")).trigger("click");
    await flushPromises();
    expect(calls("professional_complete")).toHaveLength(1);
    expect(wrapper.find(tid("complete-dialog")).exists()).toBe(true);
    expect(wrapper.find(tid("complete-code-error")).text()).toContain("4 tries left");
    // Shown under the field, not toasted as well.
    expect(toasts).toHaveLength(0);

    await wrapper.find(tid("complete-code")).setValue("222222");
    await wrapper.find(tid("complete-submit")).trigger("click");
    await flushPromises();
    expect(wrapper.find(tid("complete-dialog")).exists()).toBe(false);
    expect(toasts.map((t) => t.message)).toContain("Marked completed: the customer can now close it and rate the job.");
  });

  it("closes the dialog and toasts when the job is locked after too many wrong codes", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date(2026, 10, 26, 9, 0));
    backend({
      professional_jobs: jobs([MIXED[0]]),
      professional_complete: () => {
        throw apiError("locked", "That code is not right, and this was the 5th wrong try: the job is locked for 15 minutes.");
      },
    });
    const { wrapper } = await mountAt(JobsPage, "/professional/jobs");
    await wrapper.find(tid("job-complete")).trigger("click");
    await wrapper.find(tid("complete-code")).setValue("999999");
    await wrapper.find(tid("complete-submit")).trigger("click");
    await flushPromises();
    expect(wrapper.find(tid("complete-dialog")).exists()).toBe(false);
    expect(toasts.map((t) => t.message).join(" ")).toContain("locked");
  });

  it("adds extra items in rupees, sent in minor units", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date(2026, 10, 26, 9, 0));
    backend({ professional_jobs: jobs([MIXED[0]]), professional_complete: null });
    const { wrapper } = await mountAt(JobsPage, "/professional/jobs");
    await wrapper.find(tid("job-complete")).trigger("click");
    await wrapper.find(tid("complete-code")).setValue("123456");
    await wrapper.find(tid("complete-extra-add")).trigger("click");
    await wrapper.find(tid("complete-extra-add")).trigger("click");
    await wrapper.find(tid("complete-extra-add")).trigger("click");
    expect(wrapper.findAll(tid("complete-extra"))).toHaveLength(3);
    const desc = wrapper.findAll(tid("complete-extra-description"));
    const amount = wrapper.findAll(tid("complete-extra-amount"));
    await desc[0].setValue("Washer");
    await amount[0].setValue("40");
    await desc[1].setValue("Extra hour");
    await amount[1].setValue("abc");
    await wrapper.find(tid("complete-submit")).trigger("click");
    await flushPromises();
    expect(calls("professional_complete")).toHaveLength(0);
    expect(wrapper.find(tid("complete-extras-error")).text()).toContain("Item 2's amount");
    await amount[1].setValue("250.50");
    // The empty third row is dropped; removing works too.
    await wrapper.findAll(tid("complete-extra-remove"))[2].trigger("click");
    expect(wrapper.findAll(tid("complete-extra"))).toHaveLength(2);
    expect(wrapper.find(tid("complete-extras-total")).text()).toContain("290.50");
    await wrapper.find(tid("complete-submit")).trigger("click");
    await flushPromises();
    expect(calls("professional_complete")).toEqual([
      {
        id: 31,
        input: {
          code: "123456",
          note: null,
          extras: [
            { description: "Washer", amount_minor: 4000 },
            { description: "Extra hour", amount_minor: 25050 },
          ],
        },
      },
    ]);
  });

  it("keeps the core's order, flags overdue jobs and offers Mark completed only from the visit time", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date(2026, 11, 3, 9, 0));
    const at = (d: number, h: number) => new Date(2026, 11, d, h, 0).toISOString();
    backend({
      professional_jobs: jobs([
        job({ id: 40, scheduled_for: at(2, 10), overdue: true }),
        job({ id: 41, scheduled_for: at(3, 8) }),
        job({ id: 42, scheduled_for: at(5, 10) }),
      ]),
      professional_complete: null,
    });
    const { wrapper } = await mountAt(JobsPage, "/professional/jobs");
    const rows = wrapper.findAll(tid("job-row"));
    // As the core sent them (soonest visit first), not re-sorted.
    expect(rows.map((r) => r.attributes("data-request-id"))).toEqual(["40", "41", "42"]);
    expect(rows.map((r) => r.find(tid("job-overdue")).exists())).toEqual([true, false, false]);
    expect(rows[0].find(tid("job-overdue")).text()).toBe("Overdue");

    const button = (i: number) => rows[i].find(tid("job-complete")).element as HTMLButtonElement;
    expect([0, 1, 2].map((i) => button(i).disabled)).toEqual([false, false, true]);
    const hint = rows[2].find(tid("job-complete-hint"));
    expect(hint.text()).toBe("Available from Sat, 5 Dec, 10:00");
    expect(button(2).getAttribute("aria-describedby")).toBe(hint.attributes("id"));
    expect(rows[0].find(tid("job-complete-hint")).exists()).toBe(false);

    // A disabled button does nothing.
    await rows[2].find(tid("job-complete")).trigger("click");
    expect(wrapper.find(tid("complete-dialog")).exists()).toBe(false);
    expect(calls("professional_complete")).toHaveLength(0);
  });

  it("enables Mark completed when the visit time comes while the page is open", async () => {
    vi.useFakeTimers({ toFake: ["Date", "setInterval", "clearInterval"] });
    vi.setSystemTime(new Date(2026, 11, 5, 9, 59, 40));
    backend({ professional_jobs: jobs([job({ id: 42, scheduled_for: new Date(2026, 11, 5, 10, 0).toISOString() })]) });
    const { wrapper } = await mountAt(JobsPage, "/professional/jobs");
    const button = () => wrapper.find(tid("job-complete")).element as HTMLButtonElement;
    expect(button().disabled).toBe(true);
    vi.advanceTimersByTime(30_000);
    await flushPromises();
    expect(button().disabled).toBe(false);
    expect(wrapper.find(tid("job-complete-hint")).exists()).toBe(false);
  });

  it("rates a customer with the chosen stars", async () => {
    backend({ professional_jobs: jobs(MIXED), professional_rate_customer: null });
    const { wrapper } = await mountAt(JobsPage, "/professional/jobs?status=all");
    await wrapper.find('[data-request-id="33"]').find(tid("job-rate-customer")).trigger("click");
    await wrapper.find(tid("rate-submit")).trigger("click");
    await flushPromises();
    expect(calls("professional_rate_customer")).toHaveLength(0);
    await wrapper.find(tid("rate-star-5")).setValue(true);
    await wrapper.find(tid("rate-comment")).setValue("Clear instructions");
    await wrapper.find(tid("rate-submit")).trigger("click");
    await flushPromises();
    expect(calls("professional_rate_customer")).toEqual([{ id: 33, review: { rating: 5, comment: "Clear instructions" } }]);
    expect(wrapper.find(tid("rate-dialog")).exists()).toBe(false);
  });
});

describe("Professional profile", () => {
  it("shows the service and verification read-only and saves the editable fields", async () => {
    backend({
      professional_profile: PROFILE,
      professional_update_profile: (a: Args) => ({ ...PROFILE, ...(a?.input as object) }),
    });
    const { wrapper } = await mountAt(ProfilePage, "/professional/profile");
    expect(wrapper.find(tid("profile-service")).text()).toContain("Plumbing");
    expect(wrapper.find(tid("profile-verification")).attributes("data-status")).toBe("approved");
    expect(wrapper.find(tid("profile-rating")).text()).toContain("8 reviews");

    await wrapper.find(tid("profile-experience")).setValue("71");
    await wrapper.find(tid("profile-save")).trigger("click");
    await flushPromises();
    expect(calls("professional_update_profile")).toHaveLength(0);
    expect(wrapper.find("#profile-experience-error").text()).toContain("0 and 70");

    await wrapper.find(tid("profile-experience")).setValue("7");
    await wrapper.find(tid("profile-pincode")).setValue("560001");
    await wrapper.find(tid("profile-save")).trigger("click");
    await flushPromises();
    expect(calls("professional_update_profile")).toEqual([
      { input: { phone: PROFILE.phone, pincode: "560001", experience_years: 7, description: "Certified plumber" } },
    ]);
    expect(toasts.at(-1)?.message).toContain("new PIN code");
    expect(wrapper.find(tid("password-save")).exists()).toBe(true);
  });
});

describe("professional navigation and home", () => {
  it("links Feed, My jobs and Profile with the active state", async () => {
    backend({ professional_jobs: jobs([]) });
    const router = createAppRouter(createMemoryHistory());
    await router.push("/professional/jobs");
    await router.isReady();
    const wrapper = mount(AppLayout, { global: { plugins: [router] }, slots: { default: "<p>page</p>" }, attachTo: document.body });
    await flushPromises();
    expect(wrapper.find(tid("nav-feed")).attributes("href")).toBe("/professional/feed");
    expect(wrapper.find(tid("nav-jobs")).attributes("href")).toBe("/professional/jobs");
    expect(wrapper.find(tid("nav-profile")).attributes("href")).toBe("/professional/profile");
    expect(wrapper.find(tid("nav-jobs")).classes()).toContain("active");
    expect(wrapper.find(tid("nav-home")).classes()).not.toContain("active");
  });

  it("adds quick links to the feed and the jobs", async () => {
    backend({ home_summary: { role: "professional", cards: [] } });
    const { wrapper } = await mountAt(HomePage, "/professional");
    expect(wrapper.find(tid("quick-feed")).attributes("href")).toBe("/professional/feed");
    expect(wrapper.find(tid("quick-jobs")).attributes("href")).toBe("/professional/jobs");
  });
});
