// The shared list and form pieces, mounted on their own (the pages' tests cover them in place).
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { flushPromises, mount } from "@vue/test-utils";
import { defineComponent, h, nextTick } from "vue";
import { createMemoryHistory, createRouter, type Router } from "vue-router";
import { ApiFailure, setFailureHandler } from "../api";
import type { PageInfo } from "../bindings";
import ClearFiltersButton from "../components/ClearFiltersButton.vue";
import FilterCard from "../components/FilterCard.vue";
import FilterSelect from "../components/FilterSelect.vue";
import PagedList from "../components/PagedList.vue";
import PagedTable from "../components/PagedTable.vue";
import PageHeader from "../components/PageHeader.vue";
import ProfileForm, { type ProfileSummary } from "../components/ProfileForm.vue";
import RouteTabs from "../components/RouteTabs.vue";
import ServiceFilter from "../components/ServiceFilter.vue";
import TextField from "../components/TextField.vue";
import { useRoutedList } from "../routedList";
import { apiError, backend, calls, tid } from "./helpers";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

const Blank = { render: () => null };

function memoryRouter(): Router {
  return createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: "/list", component: Blank },
      { path: "/elsewhere", component: Blank },
    ],
  });
}

beforeEach(() => {
  setFailureHandler(null);
  document.body.innerHTML = "";
});

afterEach(() => {
  vi.useRealTimers();
});

describe("PageHeader", () => {
  it("shows the title, the lead and the actions", () => {
    const wrapper = mount(PageHeader, {
      props: { title: "People", lead: "Everyone." },
      attrs: { class: "mb-4" },
      slots: { default: () => h("button", { type: "button" }, "Act") },
    });
    expect(wrapper.find("h1").text()).toBe("People");
    expect(wrapper.find("p").text()).toBe("Everyone.");
    expect(wrapper.find("button").text()).toBe("Act");
    expect(wrapper.classes()).toEqual(expect.arrayContaining(["d-flex", "mb-4"]));
  });
});

describe("ClearFiltersButton", () => {
  it("emits clear on click and is a disabled plain button when there is nothing to clear", async () => {
    const wrapper = mount(ClearFiltersButton, { props: { disabled: false, testid: "people-clear" } });
    const button = wrapper.get(tid("people-clear"));
    expect(button.attributes("type")).toBe("button");
    expect(button.text()).toBe("Clear filters");
    await button.trigger("click");
    expect(wrapper.emitted("clear")).toHaveLength(1);

    await wrapper.setProps({ disabled: true });
    expect(button.attributes("disabled")).toBeDefined();
  });
});

describe("FilterCard", () => {
  it("is a labelled search form that Enter does not submit", async () => {
    const wrapper = mount(FilterCard, {
      props: { label: "Filter people" },
      slots: { default: () => h("input", { id: "q" }), below: () => h("p", { class: "chips" }, "chips") },
      attachTo: document.body,
    });
    const form = wrapper.get("form");
    expect(form.attributes("role")).toBe("search");
    expect(form.attributes("aria-label")).toBe("Filter people");
    expect(form.find(".row #q").exists()).toBe(true);
    expect(form.find(".card-body > .chips").exists()).toBe(true);

    const event = new Event("submit", { cancelable: true });
    form.element.dispatchEvent(event);
    expect(event.defaultPrevented).toBe(true);
    wrapper.unmount();
  });
});

describe("FilterSelect", () => {
  function mountSelect(value: string | null, hint?: string) {
    return mount(FilterSelect, {
      props: { id: "people-role", label: "Role", anyLabel: "Any role", value, testid: "people-filter-role", hint },
      slots: { default: () => [h("option", { value: "admin" }, "Admin"), h("option", { value: "customer" }, "Customer")] },
      attrs: { class: "col-6" },
    });
  }

  it("labels the select, starts with the any option and reports a choice (or null for any)", async () => {
    const wrapper = mountSelect(null);
    expect(wrapper.classes()).toContain("col-6");
    expect(wrapper.get("label").attributes("for")).toBe("people-role");
    const select = wrapper.get("select");
    expect(select.attributes("id")).toBe("people-role");
    expect(select.attributes("aria-describedby")).toBeUndefined();
    expect(wrapper.findAll("option").map((o) => o.text())).toEqual(["Any role", "Admin", "Customer"]);
    expect((select.element as HTMLSelectElement).value).toBe("");

    await select.setValue("customer");
    await select.setValue("");
    expect(wrapper.emitted("change")).toEqual([["customer"], [null]]);
  });

  it("shows the current value and describes the select with a hidden hint", () => {
    const wrapper = mountSelect("admin", "Applies to professionals only");
    expect((wrapper.get("select").element as HTMLSelectElement).value).toBe("admin");
    expect(wrapper.get("select").attributes("aria-describedby")).toBe("people-role-hint");
    const hint = wrapper.get("#people-role-hint");
    expect(hint.classes()).toContain("visually-hidden");
    expect(hint.text()).toBe("Applies to professionals only");
  });
});

describe("ServiceFilter", () => {
  it("loads the catalogue and reports the chosen service as a number", async () => {
    backend({
      admin_list_services: [
        { id: 1, name: "Plumbing" },
        { id: 7, name: "Painting" },
      ],
    });
    const wrapper = mount(ServiceFilter, { props: { id: "requests-service", value: 7, testid: "requests-filter-service" } });
    await flushPromises();
    expect(calls("admin_list_services")).toHaveLength(1);
    const select = wrapper.get(tid("requests-filter-service"));
    expect(wrapper.findAll("option").map((o) => o.text())).toEqual(["Any service", "Plumbing", "Painting"]);
    expect((select.element as HTMLSelectElement).value).toBe("7");

    await select.setValue("1");
    await select.setValue("");
    expect(wrapper.emitted("change")).toEqual([[1], [null]]);
  });

  it("offers only Any service when the catalogue cannot be loaded", async () => {
    backend({
      admin_list_services: () => {
        throw apiError("internal", "boom");
      },
    });
    const wrapper = mount(ServiceFilter, { props: { id: "s", value: null, testid: "s" } });
    await flushPromises();
    expect(wrapper.findAll("option").map((o) => o.text())).toEqual(["Any service"]);
  });
});

interface Row {
  id: number;
  name: string;
}

describe("PagedTable", () => {
  const page = (total: number, p = 1): PageInfo => ({ page: p, per_page: 20, total, total_is_capped: false });
  const base = {
    loading: false,
    error: null as string | null,
    what: "people",
    caption: "People",
    pagesLabel: "People pages",
    filtered: false,
    emptyIcon: "bi-people",
    emptyTitle: "No people yet",
    emptyText: "Accounts appear here.",
    emptyTestid: "people-empty",
    paginationTestid: "people-pagination",
  };
  const slots = {
    head: () => h("th", { scope: "col" }, "Name"),
    default: ({ items }: { items: Row[] }) => items.map((r) => h("tr", { key: r.id, "data-testid": "row" }, [h("td", r.name)])),
  };
  const mountTable = (props: Partial<typeof base> & { result: { items: Row[]; page: PageInfo } | null }) =>
    mount(PagedTable<Row>, { props: { ...base, ...props }, slots });

  it("shows a busy skeleton until the first page arrives", () => {
    const wrapper = mountTable({ result: null, loading: true });
    expect(wrapper.find('[aria-busy="true"] .placeholder-glow').exists()).toBe(true);
    expect(wrapper.text()).toContain("Loading…");
    expect(wrapper.find("table").exists()).toBe(false);
  });

  it("shows the error with a Retry that asks to load again", async () => {
    const wrapper = mountTable({ result: null, error: "disk full" });
    expect(wrapper.get('[role="alert"]').text()).toContain("Could not load people: disk full");
    await wrapper.get('[role="alert"] button').trigger("click");
    expect(wrapper.emitted("retry")).toHaveLength(1);
  });

  it("says when nothing matches and offers to clear the filters only when filtered", async () => {
    const wrapper = mountTable({ result: { items: [], page: page(0) } });
    const empty = wrapper.get(tid("people-empty"));
    expect(empty.text()).toContain("No people yet");
    expect(empty.text()).toContain("Accounts appear here.");
    expect(empty.find("i").classes()).toContain("bi-people");
    expect(empty.find("button").exists()).toBe(false);

    await wrapper.setProps({ filtered: true, emptyTitle: "Nobody matches these filters" });
    expect(empty.text()).toContain("Nobody matches these filters");
    await empty.get("button").trigger("click");
    expect(wrapper.emitted("clear")).toHaveLength(1);
  });

  it("still shows the empty state when there is no page and nothing is loading (a refused query)", () => {
    const wrapper = mountTable({ result: null, loading: false });
    expect(wrapper.find(tid("people-empty")).exists()).toBe(true);
  });

  it("renders the rows under the header, dims them while loading and pages", async () => {
    const wrapper = mountTable({ result: { items: [{ id: 1, name: "Ravi" }, { id: 2, name: "Asha" }], page: page(57) } });
    expect(wrapper.get("caption").text()).toBe("People");
    expect(wrapper.get("thead th").text()).toBe("Name");
    expect(wrapper.findAll(`tbody ${tid("row")}`).map((r) => r.text())).toEqual(["Ravi", "Asha"]);
    expect(wrapper.get(".table-responsive").classes()).not.toContain("opacity-50");
    const pager = wrapper.get(tid("people-pagination"));
    expect(pager.attributes("aria-label")).toBe("People pages");
    expect(pager.text()).toContain("Showing 1–20 of 57");

    await wrapper.get(tid("page-2")).trigger("click");
    expect(wrapper.emitted("update:page")).toEqual([[2]]);

    await wrapper.setProps({ loading: true });
    expect(wrapper.get(".table-responsive").classes()).toContain("opacity-50");
    expect(wrapper.get(".table-responsive").attributes("aria-busy")).toBe("true");
  });

  it("marks a capped total", () => {
    const wrapper = mountTable({ result: { items: [{ id: 1, name: "Ravi" }], page: { ...page(1000), total_is_capped: true } } });
    expect(wrapper.get(tid("pagination-summary")).text()).toContain("1,000+");
  });
});

describe("PagedList", () => {
  const base = {
    page: 1,
    loading: false,
    error: null as string | null,
    what: "your jobs",
    pagesLabel: "Job pages",
    listClass: "list-group shadow-sm mb-3",
    skeletonRows: 3,
    skeletonLines: [4, 8, 6],
    emptyIcon: "bi-briefcase",
    emptyTitle: "No jobs yet",
    emptyText: "Accept a request.",
    emptyTestid: "jobs-empty",
  };
  const slots = {
    default: ({ items }: { items: Row[] }) => items.map((r) => h("div", { key: r.id, "data-testid": "item" }, r.name)),
    empty: () => h("a", { href: "/feed", class: "btn" }, "Go to the feed"),
  };
  const mountList = (props: Partial<typeof base> & { result: { items: Row[]; has_more: boolean } | null }) =>
    mount(PagedList<Row>, { props: { ...base, ...props }, slots });

  it("shows a skeleton of the asked rows and lines until the first page arrives", () => {
    const wrapper = mountList({ result: null, loading: true });
    const rows = wrapper.findAll(".list-group-item.placeholder-glow");
    expect(rows).toHaveLength(3);
    const lines = rows[0].findAll(".placeholder");
    expect(lines.map((l) => l.classes().find((c) => c.startsWith("col-")))).toEqual(["col-4", "col-8", "col-6"]);
    expect(lines.map((l) => l.classes().includes("d-block"))).toEqual([true, true, false]);
    expect(wrapper.get('[aria-busy="true"]').text()).toContain("Loading…");
  });

  it("shows the error with Retry", async () => {
    const wrapper = mountList({ result: null, error: "offline" });
    expect(wrapper.text()).toContain("Could not load your jobs: offline");
    await wrapper.get('[role="alert"] button').trigger("click");
    expect(wrapper.emitted("retry")).toHaveLength(1);
  });

  it("shows the empty state with its actions", () => {
    const wrapper = mountList({ result: { items: [], has_more: false } });
    const empty = wrapper.get(tid("jobs-empty"));
    expect(empty.text()).toContain("No jobs yet");
    expect(empty.text()).toContain("Accept a request.");
    expect(empty.get("a").text()).toBe("Go to the feed");
    expect(wrapper.find(tid("more-pager")).exists()).toBe(false);
  });

  it("lists the items in the wrapper, dims them while loading and pages with Previous/Next", async () => {
    const wrapper = mountList({ result: { items: [{ id: 1, name: "Tap" }, { id: 2, name: "Sink" }], has_more: true }, page: 2 });
    const list = wrapper.get(".list-group");
    expect(list.findAll(tid("item")).map((i) => i.text())).toEqual(["Tap", "Sink"]);
    expect(list.classes()).not.toContain("opacity-50");
    expect(wrapper.get(tid("more-pager")).attributes("aria-label")).toBe("Job pages");

    await wrapper.get(tid("page-next")).trigger("click");
    await wrapper.get(tid("page-prev")).trigger("click");
    expect(wrapper.emitted("update:page")).toEqual([[3], [1]]);

    await wrapper.setProps({ loading: true });
    expect(list.classes()).toContain("opacity-50");
    expect(list.attributes("aria-busy")).toBe("true");
    expect(wrapper.get(tid("page-next")).attributes("disabled")).toBeDefined();
  });
});

describe("RouteTabs", () => {
  it("links each tab, replacing the history entry, and marks the current one", async () => {
    const router = memoryRouter();
    await router.push("/list");
    await router.isReady();
    const replace = vi.spyOn(router, "replace");
    const tabs = [
      { key: "current", label: "Current", to: { path: "/list" } },
      { key: "past", label: "Past", to: { path: "/list", query: { scope: "past" } } },
    ];
    const wrapper = mount(RouteTabs, {
      props: { tabs, active: "current", label: "Which requests", testidPrefix: "requests-tab" },
      global: { plugins: [router] },
    });
    expect(wrapper.get("ul").attributes("aria-label")).toBe("Which requests");
    const current = wrapper.get(tid("requests-tab-current"));
    const past = wrapper.get(tid("requests-tab-past"));
    expect(current.classes()).toContain("active");
    expect(current.attributes("aria-current")).toBe("page");
    expect(past.classes()).not.toContain("active");
    expect(past.attributes("aria-current")).toBeUndefined();
    expect(past.attributes("href")).toBe("/list?scope=past");

    await past.trigger("click");
    await flushPromises();
    expect(replace).toHaveBeenCalled();
    expect(router.currentRoute.value.fullPath).toBe("/list?scope=past");
  });
});

describe("ProfileForm", () => {
  const PROFILE: ProfileSummary = { full_name: "Asha Rao", username: "asha", email: "asha@example.com", rating_avg: 4.5, rating_count: 3 };

  function mountForm(props: { profile?: ProfileSummary | null; problems?: () => Record<string, string | undefined>; save?: () => Promise<unknown> }) {
    return mount(ProfileForm, {
      props: {
        profile: PROFILE,
        skeletonRows: 5,
        ratingLabel: "Rating",
        ratingUnit: "review",
        unratedText: "No reviews yet",
        ratingTestid: "profile-rating",
        problems: () => ({}),
        save: () => Promise.resolve(),
        ...props,
      },
      slots: {
        details: () => [h("dt", "Service"), h("dd", "Plumbing")],
        default: ({ errors }: { errors: Record<string, string | undefined> }) =>
          h(TextField, { id: "profile-phone", label: "Phone", modelValue: "", error: errors.phone, testid: "profile-phone" }),
      },
      attachTo: document.body,
    });
  }

  it("shows a skeleton of the asked size until the profile arrives", () => {
    const wrapper = mountForm({ profile: null });
    expect(wrapper.find("form").exists()).toBe(false);
    expect(wrapper.findAll(".placeholder")).toHaveLength(5);
    expect(wrapper.get('[aria-busy="true"]').text()).toContain("Loading…");
  });

  it("shows the read-only details, the role's rows, the rating and the password card", () => {
    const wrapper = mountForm({});
    const dl = wrapper.get("dl");
    expect(dl.findAll("dt").map((d) => d.text())).toEqual(["Name", "Username", "Email", "Service", "Rating"]);
    expect(dl.text()).toContain("Asha Rao");
    expect(dl.text()).toContain("asha@example.com");
    expect(wrapper.get(tid("profile-rating")).text()).toContain("from 3 reviews");
    expect(wrapper.find(tid("password-save")).exists()).toBe(true);
    wrapper.unmount();

    const unrated = mountForm({ profile: { ...PROFILE, rating_avg: null, rating_count: 0 } });
    expect(unrated.get(tid("profile-rating")).text()).toBe("No reviews yet");
  });

  it("shows the client-side problems and focuses the first without saving", async () => {
    const save = vi.fn().mockResolvedValue(undefined);
    const wrapper = mountForm({ problems: () => ({ phone: "Enter a phone number." }), save });
    await wrapper.get(tid("profile-save")).trigger("click");
    await flushPromises();
    expect(save).not.toHaveBeenCalled();
    expect(wrapper.get("#profile-phone-error").text()).toBe("Enter a phone number.");
    expect(document.activeElement).toBe(wrapper.get(tid("profile-phone")).element);
  });

  it("saves once while busy, then shows Rust's field error and focuses it", async () => {
    let fail!: (err: unknown) => void;
    const save = vi.fn(() => new Promise((_, reject) => (fail = reject)));
    const wrapper = mountForm({ save });
    const button = wrapper.get(tid("profile-save"));

    await wrapper.get("form").trigger("submit");
    await nextTick();
    expect(save).toHaveBeenCalledTimes(1);
    expect(button.attributes("disabled")).toBeDefined();
    expect(button.find(".spinner-border").exists()).toBe(true);
    await wrapper.get("form").trigger("submit");
    expect(save).toHaveBeenCalledTimes(1);

    fail(new ApiFailure(apiError("validation", "Phone is not valid.", { field: "phone" })));
    await flushPromises();
    expect(button.attributes("disabled")).toBeUndefined();
    expect(wrapper.get("#profile-phone-error").text()).toBe("Phone is not valid.");
    expect(document.activeElement).toBe(wrapper.get(tid("profile-phone")).element);
  });

  it("clears old errors on a successful save", async () => {
    let bad = true;
    const wrapper = mountForm({ problems: () => ({ phone: bad ? "Enter a phone number." : undefined }) });
    await wrapper.get("form").trigger("submit");
    await flushPromises();
    expect(wrapper.find("#profile-phone-error").exists()).toBe(true);
    bad = false;
    await wrapper.get("form").trigger("submit");
    await flushPromises();
    expect(wrapper.find("#profile-phone-error").exists()).toBe(false);
  });
});

describe("useRoutedList", () => {
  interface Q {
    scope: string;
    page: number;
  }
  interface R {
    items: number[];
    has_more: boolean;
  }

  async function mountList(fetch: (q: Q) => Promise<R>, path = "/list?scope=past&page=3") {
    const router = memoryRouter();
    await router.push(path);
    await router.isReady();
    let list!: ReturnType<typeof useRoutedList<Q, R>>;
    const Host = defineComponent({
      setup() {
        list = useRoutedList<Q, R>({
          path: "/list",
          fromRoute: (q) => ({ scope: String(q.scope ?? "current"), page: Number(q.page ?? 1) }),
          toRoute: (q) => ({ scope: q.scope, page: String(q.page) }),
          fetch,
        });
        return () => null;
      },
    });
    mount(Host, { global: { plugins: [router] } });
    await flushPromises();
    return { list, router };
  }

  it("loads the URL's query, and again when it changes", async () => {
    const fetch = vi.fn(async (q: Q) => ({ items: [q.page], has_more: false }));
    const { list, router } = await mountList(fetch);
    expect(fetch).toHaveBeenLastCalledWith({ scope: "past", page: 3 });
    expect(list.result.value?.items).toEqual([3]);
    expect(list.loading.value).toBe(false);

    list.go({ page: 4 });
    await flushPromises();
    expect(router.currentRoute.value.query).toEqual({ scope: "past", page: "4" });
    expect(list.result.value?.items).toEqual([4]);
  });

  it("steps back a page when the current one came back empty", async () => {
    const fetch = vi.fn(async (q: Q) => ({ items: q.page > 2 ? [] : [q.page], has_more: false }));
    const { list, router } = await mountList(fetch);
    expect(router.currentRoute.value.query.page).toBe("2");
    expect(fetch).toHaveBeenCalledTimes(2);
    expect(list.result.value?.items).toEqual([2]);
  });

  it("keeps only the latest answer and reports a failure", async () => {
    const answers: ((r: R) => void)[] = [];
    const fetch = vi.fn(() => new Promise<R>((resolve) => answers.push(resolve)));
    const { list } = await mountList(fetch);
    void list.load();
    answers[1]({ items: [2], has_more: false });
    answers[0]({ items: [1], has_more: false });
    await flushPromises();
    expect(list.result.value?.items).toEqual([2]);

    fetch.mockImplementationOnce(async () => {
      throw new Error("offline");
    });
    await list.load();
    expect(list.loadError.value).toBe("offline");
    expect(list.loading.value).toBe(false);
  });

  it("does not reload for another route", async () => {
    const fetch = vi.fn(async () => ({ items: [1], has_more: false }));
    const { router } = await mountList(fetch);
    await router.push("/elsewhere?page=9");
    await flushPromises();
    expect(fetch).toHaveBeenCalledTimes(1);
  });
});
