import { beforeEach, describe, expect, it, vi } from "vitest";
import { flushPromises } from "@vue/test-utils";
import { invoke } from "@tauri-apps/api/core";
import { setFailureHandler } from "../api";
import LoginPage from "../pages/LoginPage.vue";
import { session } from "../session";
import { handleFailure } from "../shell";
import { toasts } from "../toasts";
import { apiError, mountAt, resetSession, user } from "./helpers";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
const invokeMock = vi.mocked(invoke);

async function signIn(identifier: string, password: string) {
  const { wrapper, router } = await mountAt(LoginPage, "/login");
  await wrapper.find('[data-testid="login-identifier"]').setValue(identifier);
  await wrapper.find('[data-testid="login-password"]').setValue(password);
  await wrapper.find("form").trigger("submit");
  await flushPromises();
  return { wrapper, router };
}

describe("LoginPage", () => {
  beforeEach(() => {
    resetSession();
    setFailureHandler(handleFailure);
    document.body.innerHTML = "";
  });

  it("shows the account-state alert for approval_pending (and no generic error)", async () => {
    invokeMock.mockRejectedValue(apiError("approval_pending", "Your account is awaiting approval"));
    const { wrapper, router } = await signIn("pro1", "secret-password");

    expect(invokeMock).toHaveBeenCalledWith("login", { input: { login: "pro1", password: "secret-password" } });
    const state = wrapper.find('[data-testid="account-state"]');
    expect(state.exists()).toBe(true);
    expect(state.text()).toContain("Your account is awaiting approval");
    expect(state.attributes("data-code")).toBe("approval_pending");
    expect(wrapper.find('[data-testid="login-error"]').exists()).toBe(false);
    expect(router.currentRoute.value.path).toBe("/login");
    expect(session.user).toBeNull();
  });

  it("shows other errors in the login-error alert", async () => {
    invokeMock.mockRejectedValue(apiError("unauthorized", "Wrong username or password"));
    const { wrapper } = await signIn("someone", "nope");
    expect(wrapper.find('[data-testid="login-error"]').text()).toContain("Wrong username or password");
    expect(wrapper.find('[data-testid="account-state"]').exists()).toBe(false);
    // Shown inline, not duplicated as a toast.
    expect(toasts).toHaveLength(0);
  });

  it("includes the wait for a locked account", async () => {
    invokeMock.mockRejectedValue(apiError("locked", "Too many failed attempts.", { retry_after_secs: 300 }));
    const { wrapper } = await signIn("someone", "nope");
    expect(wrapper.find('[data-testid="login-error"]').text()).toContain("Try again in 5 minutes");
  });

  it("signs in and goes to the role home", async () => {
    invokeMock.mockResolvedValue(user("professional"));
    const { router } = await signIn("pro1", "right-password");
    expect(session.user?.role).toBe("professional");
    expect(router.currentRoute.value.path).toBe("/professional");
  });

  it("links to both registration forms", async () => {
    const { wrapper } = await mountAt(LoginPage, "/login");
    expect(wrapper.find('[data-testid="link-register-customer"]').attributes("href")).toBe("/register/customer");
    expect(wrapper.find('[data-testid="link-register-professional"]').attributes("href")).toBe(
      "/register/professional",
    );
  });
});
