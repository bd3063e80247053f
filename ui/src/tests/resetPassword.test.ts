import { beforeEach, describe, expect, it, vi } from "vitest";
import { flushPromises } from "@vue/test-utils";
import { invoke } from "@tauri-apps/api/core";
import { setFailureHandler } from "../api";
import LoginPage from "../pages/LoginPage.vue";
import ResetPasswordPage from "../pages/ResetPasswordPage.vue";
import { handleFailure } from "../shell";
import { toasts } from "../toasts";
import { apiError, mountAt, resetSession } from "./helpers";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
const invokeMock = vi.mocked(invoke);

async function fill(wrapper: Awaited<ReturnType<typeof mountAt>>["wrapper"], values: Record<string, string>) {
  for (const [testid, value] of Object.entries(values)) {
    await wrapper.find(`[data-testid="${testid}"]`).setValue(value);
  }
}

const COMPLETE = {
  "reset-login": "cara",
  "reset-code": "k7qm 3xpa",
  "reset-new-password": "a brand new passphrase",
  "reset-confirm": "a brand new passphrase",
};

describe("ResetPasswordPage", () => {
  beforeEach(() => {
    resetSession();
    setFailureHandler(handleFailure);
    invokeMock.mockReset();
    document.body.innerHTML = "";
  });

  it("is linked from the sign-in page", async () => {
    const { wrapper } = await mountAt(LoginPage, "/login");
    expect(wrapper.find('[data-testid="link-forgot-password"]').attributes("href")).toBe("/reset-password");
  });

  it("reports every missing field at once without calling the core", async () => {
    const { wrapper } = await mountAt(ResetPasswordPage, "/reset-password");
    await wrapper.find("form").trigger("submit");
    await flushPromises();
    expect(invokeMock).not.toHaveBeenCalled();
    for (const id of ["reset-login", "reset-code", "reset-new-password"]) {
      expect(wrapper.find(`[data-testid="${id}"]`).attributes("aria-invalid")).toBe("true");
    }
  });

  it("sets the new password with the code as typed and goes back to sign in", async () => {
    invokeMock.mockResolvedValue(null);
    const { wrapper, router } = await mountAt(ResetPasswordPage, "/reset-password");
    await fill(wrapper, COMPLETE);
    await wrapper.find("form").trigger("submit");
    await flushPromises();
    expect(invokeMock).toHaveBeenCalledWith("reset_password", {
      input: { login: "cara", code: "k7qm 3xpa", new_password: "a brand new passphrase" },
    });
    expect(router.currentRoute.value.path).toBe("/login");
    expect(toasts.map((t) => t.message)).toContain("Password changed. Sign in with your new password.");
  });

  it("shows a refused code under the code field, not as a toast", async () => {
    invokeMock.mockRejectedValue(apiError("validation", "That reset code is not valid", { field: "code" }));
    const { wrapper, router } = await mountAt(ResetPasswordPage, "/reset-password");
    await fill(wrapper, COMPLETE);
    await wrapper.find("form").trigger("submit");
    await flushPromises();
    expect(wrapper.find('[data-testid="reset-code"]').attributes("aria-invalid")).toBe("true");
    expect(wrapper.text()).toContain("That reset code is not valid");
    expect(toasts).toHaveLength(0);
    expect(router.currentRoute.value.path).toBe("/reset-password");
  });

  it("says how long to wait when attempts are throttled", async () => {
    invokeMock.mockRejectedValue(apiError("locked", "Too many password-reset attempts.", { retry_after_secs: 120 }));
    const { wrapper } = await mountAt(ResetPasswordPage, "/reset-password");
    await fill(wrapper, COMPLETE);
    await wrapper.find("form").trigger("submit");
    await flushPromises();
    expect(wrapper.find('[data-testid="reset-error"]').text()).toContain("Try again in 2 minutes");
  });

  it("without outgoing mail, sends people to an administrator (no email button)", async () => {
    const { wrapper } = await mountAt(ResetPasswordPage, "/reset-password");
    expect(wrapper.find('[data-testid="reset-email-code"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="reset-ask-admin"]').exists()).toBe(true);
  });

  it("with outgoing mail, emails a code and shows the core's answer", async () => {
    resetSession({ emailPasswordReset: true });
    invokeMock.mockResolvedValue("If an account with that username or email exists, a reset code is on its way.");
    const { wrapper } = await mountAt(ResetPasswordPage, "/reset-password");
    expect(wrapper.find('[data-testid="reset-ask-admin"]').exists()).toBe(false);
    await fill(wrapper, { "reset-login": " cara@example.com " });
    await wrapper.find('[data-testid="reset-email-code"]').trigger("click");
    await flushPromises();
    expect(invokeMock).toHaveBeenCalledWith("request_password_reset", { login: "cara@example.com" });
    expect(wrapper.find('[data-testid="reset-sent"]').text()).toContain("a reset code is on its way");
  });
});
