import { flushPromises, mount } from "@vue/test-utils";
import type { Component } from "vue";
import { createMemoryHistory } from "vue-router";
import type { ApiError, SessionView } from "../bindings";
import { createAppRouter } from "../router";
import { session } from "../session";
import { clearToasts } from "../toasts";

export function apiError(code: ApiError["code"], message: string, extra: Partial<ApiError> = {}): ApiError {
  return { code, message, field: null, retry_after_secs: null, ...extra };
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
    user: null,
    demoSummary: null,
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
