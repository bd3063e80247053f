import { flushPromises, mount } from "@vue/test-utils";
import { invoke } from "@tauri-apps/api/core";
import { vi } from "vitest";
import { defineComponent, h, type Component } from "vue";
import { createMemoryHistory, RouterView } from "vue-router";
import App from "../App.vue";
import type { ApiError, SessionView } from "../bindings";
import { createAppRouter } from "../router";
import { session } from "../session";
import { useRouterForShell } from "../shell";
import { clearToasts } from "../toasts";

/** An ApiError; `field` is shorthand for a validation error on that one field. */
export function apiError(
  code: ApiError["code"],
  message: string,
  extra: Partial<ApiError> & { field?: string | null } = {},
): ApiError {
  const { field, ...rest } = extra;
  return { code, message, fields: field ? [{ field, message }] : [], retry_after_secs: null, ...rest };
}

export function user(role: SessionView["role"], extra: Partial<SessionView> = {}): SessionView {
  return {
    user_id: 1,
    username: `${role}1`,
    full_name: `Test ${role}`,
    email: `${role}@example.com`,
    role,
    idle_timeout_secs: 300,
    ...extra,
  };
}

export function resetSession(state: Partial<typeof session> = {}): void {
  Object.assign(session, {
    ready: true,
    startupError: null,
    needsSetup: false,
    demoAvailable: false,
    emailPasswordReset: false,
    user: null,
    demoSummary: null,
    terminal: { state: "not_required" },
    ...state,
  });
  clearToasts();
}

/** Mounts a page at `path` with the real router (memory history) and its guard. */
export async function mountAt(component: Component, path: string) {
  const router = createAppRouter(createMemoryHistory());
  await router.push(path);
  await router.isReady();
  const wrapper = mount(component, { global: { plugins: [router] }, attachTo: document.body });
  await flushPromises();
  return { wrapper, router };
}

/**
 * Mounts the app's RouterView at `path` (the real routes, guard, scroll and focus handling):
 * for what only happens to routed pages, such as leave guards and page changes.
 */
export async function mountRouted(path: string) {
  const router = createAppRouter(createMemoryHistory());
  await router.push(path);
  await router.isReady();
  const host = defineComponent({ render: () => h("main", [h(RouterView)]) });
  const wrapper = mount(host, { global: { plugins: [router] }, attachTo: document.body });
  await flushPromises();
  return { wrapper, router };
}

/** The whole app (App.vue: layout, toasts, routes and guard) at `path`, wired like main.ts. */
export async function mountApp(path: string) {
  const router = createAppRouter(createMemoryHistory());
  useRouterForShell(router);
  await router.push(path);
  await router.isReady();
  const wrapper = mount(App, { global: { plugins: [router] }, attachTo: document.body });
  await flushPromises();
  return { wrapper, router };
}

// ---- Mocked backend (the test file must `vi.mock("@tauri-apps/api/core", …)` itself) ----

/** What a mocked command receives. */
export type Args = Record<string, unknown> | undefined;
type Handler = (args: Args) => unknown;

/** Answers each command from `handlers` (a value or a function of the args); anything else fails loudly. */
export function backend(handlers: Record<string, Handler | unknown>): void {
  vi.mocked(invoke).mockImplementation(async (cmd: string, args?: unknown) => {
    if (!(cmd in handlers)) throw apiError("internal", `unexpected command ${cmd}`);
    const h = handlers[cmd];
    return typeof h === "function" ? (h as Handler)(args as Record<string, unknown>) : h;
  });
}

/** The arguments of every call of `cmd`, in order. */
export function calls(cmd: string): Record<string, unknown>[] {
  return vi
    .mocked(invoke)
    .mock.calls.filter((c) => c[0] === cmd)
    .map((c) => c[1] as Record<string, unknown>);
}

/** `[data-testid="…"]`. */
export const tid = (id: string) => `[data-testid="${id}"]`;
