import { beforeEach, describe, expect, it, vi } from "vitest";
import { flushPromises, type VueWrapper } from "@vue/test-utils";
import { invoke } from "@tauri-apps/api/core";
import { setFailureHandler } from "../api";
import RegisterCustomerPage from "../pages/RegisterCustomerPage.vue";
import RegisterProfessionalPage from "../pages/RegisterProfessionalPage.vue";
import SetupPage from "../pages/SetupPage.vue";
import { session } from "../session";
import { handleFailure } from "../shell";
import { toasts } from "../toasts";
import { apiError, mountAt, resetSession, user } from "./helpers";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
const invokeMock = vi.mocked(invoke);

const SERVICE = { id: 7, name: "Plumbing", description: "Pipes", base_price_minor: 50000, estimated_minutes: 60 };

async function fill(wrapper: VueWrapper, values: Record<string, string | number>) {
  for (const [testid, value] of Object.entries(values)) {
    await wrapper.find(`[data-testid="${testid}"]`).setValue(value);
  }
}

const IDENTITY = {
  "reg-fullname": "Asha Rao",
  "reg-username": "asha",
  "reg-email": "asha@example.com",
  "reg-password": "correct horse battery",
  "reg-password-confirm": "correct horse battery",
};

async function chooseFile(wrapper: VueWrapper, file: File) {
  const input = wrapper.find('[data-testid="reg-document"]');
  Object.defineProperty(input.element, "files", { value: [file], configurable: true });
  await input.trigger("change");
}

function calledCommands(): string[] {
  return invokeMock.mock.calls.map((c) => c[0]);
}

beforeEach(() => {
  resetSession();
  setFailureHandler(handleFailure);
  document.body.innerHTML = "";
});

describe("password confirmation", () => {
  it("customer registration refuses mismatched passwords without calling the backend", async () => {
    const { wrapper } = await mountAt(RegisterCustomerPage, "/register/customer");
    await fill(wrapper, {
      ...IDENTITY,
      "reg-password-confirm": "something else entirely",
      "reg-phone": "9876543210",
      "reg-address": "12 Lake Road",
      "reg-pincode": "560001",
    });
    await wrapper.find("form").trigger("submit");
    await flushPromises();
    expect(calledCommands()).not.toContain("register_customer");
    const confirm = wrapper.find('[data-testid="reg-password-confirm"]');
    expect(confirm.classes()).toContain("is-invalid");
    expect(wrapper.find("#reg-password-confirm-error").text()).toContain("do not match");
  });

  it("setup requires matching passwords of at least 12 characters", async () => {
    session.needsSetup = true;
    const { wrapper } = await mountAt(SetupPage, "/setup");
    await fill(wrapper, {
      "setup-fullname": "Admin Person",
      "setup-username": "admin",
      "setup-email": "admin@example.com",
      "setup-password": "short",
      "setup-password-confirm": "shorter",
    });
    await wrapper.find('[data-testid="setup-submit"]').trigger("submit");
    await flushPromises();
    expect(calledCommands()).not.toContain("create_first_admin");
    expect(wrapper.find("#setup-password-error").text()).toContain("at least 12");
    expect(wrapper.find("#setup-password-confirm-error").text()).toContain("do not match");
  });
});

describe("customer registration", () => {
  /** The message under each invalid field, by field id. */
  function inlineErrors(wrapper: VueWrapper): Record<string, string> {
    return Object.fromEntries(
      wrapper.findAll(".is-invalid").map((el) => [el.attributes("id"), wrapper.find(`#${el.attributes("id")}-error`).text()]),
    );
  }

  it("states the rules beside the fields", async () => {
    const { wrapper } = await mountAt(RegisterCustomerPage, "/register/customer");
    expect(wrapper.find("#reg-password-hint").text()).toBe("At least 12 characters.");
    expect(wrapper.find("#reg-pincode-hint").text()).toBe("6 digits.");
    expect(wrapper.find("#reg-phone-hint").text()).toBe("10 to 15 digits; may start with +.");
    expect(wrapper.find("#reg-address-hint").text()).toBe("5 to 300 characters.");
    expect(wrapper.find("#reg-username-hint").text()).toContain("3 to 32 characters");
  });

  it("shows every problem of issue #10's form at once, in the core's words, without asking Rust", async () => {
    const { wrapper } = await mountAt(RegisterCustomerPage, "/register/customer");
    await fill(wrapper, {
      "reg-fullname": "Asha Rao",
      "reg-username": "asha",
      "reg-email": "asha@",
      "reg-password": "abc",
      "reg-password-confirm": "abc",
      "reg-phone": "12",
      "reg-address": "x",
      "reg-pincode": "5600",
    });
    await wrapper.find("form").trigger("submit");
    await flushPromises();
    expect(calledCommands()).not.toContain("register_customer");
    expect(inlineErrors(wrapper)).toEqual({
      "reg-email": "Enter a valid email address, like name@example.com.",
      "reg-password": "Password must be at least 12 characters.",
      "reg-phone": "Enter a phone number of 10 to 15 digits.",
      "reg-pincode": "PIN code must be exactly 6 digits.",
      "reg-address": "Address must be at least 5 characters.",
    });
    expect(toasts).toHaveLength(0);
    // The first bad field has the focus.
    expect(document.activeElement?.id).toBe("reg-email");
  });

  it("shows all of Rust's field errors inline and toasts none of them; then registers", async () => {
    const fields = [
      { field: "username", message: "This username is already taken." },
      { field: "email", message: "An account with this email already exists." },
      { field: "phone", message: "Enter a phone number of 10 to 15 digits." },
      { field: "pincode", message: "PIN code must be exactly 6 digits." },
      { field: "address", message: "Address must be at least 5 characters." },
    ];
    invokeMock.mockRejectedValueOnce(apiError("validation", "Please correct the 5 fields marked below.", { fields }));
    const { wrapper, router } = await mountAt(RegisterCustomerPage, "/register/customer");
    await fill(wrapper, {
      ...IDENTITY,
      "reg-phone": "9876543210",
      "reg-address": "12 Lake Road",
      "reg-pincode": "560001",
    });
    await wrapper.find("form").trigger("submit");
    await flushPromises();
    expect(inlineErrors(wrapper)).toEqual({
      "reg-username": "This username is already taken.",
      "reg-email": "An account with this email already exists.",
      "reg-phone": "Enter a phone number of 10 to 15 digits.",
      "reg-pincode": "PIN code must be exactly 6 digits.",
      "reg-address": "Address must be at least 5 characters.",
    });
    expect(toasts).toHaveLength(0);

    // A problem with something the form does not show is still told (in a toast).
    invokeMock.mockRejectedValueOnce(
      apiError("validation", "Please correct the 2 fields marked below.", {
        fields: [
          { field: "email", message: "An account with this email already exists." },
          { field: "role", message: "Unknown role." },
        ],
      }),
    );
    await wrapper.find("form").trigger("submit");
    await flushPromises();
    expect(inlineErrors(wrapper)).toEqual({ "reg-email": "An account with this email already exists." });
    expect(toasts.map((t) => t.message)).toEqual(["Unknown role."]);

    invokeMock.mockResolvedValueOnce(user("customer", { full_name: "Asha Rao" }));
    await wrapper.find("form").trigger("submit");
    await flushPromises();
    expect(invokeMock).toHaveBeenLastCalledWith("register_customer", {
      input: {
        full_name: "Asha Rao",
        username: "asha",
        email: "asha@example.com",
        password: "correct horse battery",
        phone: "9876543210",
        address: "12 Lake Road",
        pincode: "560001",
      },
    });
    expect(session.user?.role).toBe("customer");
    expect(router.currentRoute.value.path).toBe("/customer");
  });
});

describe("professional registration", () => {
  function backend() {
    invokeMock.mockImplementation(async (cmd: string) => {
      if (cmd === "list_public_services") return [SERVICE];
      if (cmd === "register_professional") return null;
      throw apiError("internal", `unexpected ${cmd}`);
    });
  }

  async function fillValidForm(wrapper: VueWrapper) {
    await fill(wrapper, {
      ...IDENTITY,
      "reg-phone": "9876543210",
      "reg-pincode": "560001",
      "reg-service": SERVICE.id,
      "reg-experience": "4",
      "reg-description": "Leaks, taps and bathroom fittings.",
    });
  }

  it("rejects a document over 5 MiB on the client", async () => {
    backend();
    const { wrapper } = await mountAt(RegisterProfessionalPage, "/register/professional");
    await fillValidForm(wrapper);
    await chooseFile(wrapper, new File([new Uint8Array(5 * 1024 * 1024 + 1)], "scan.pdf", { type: "application/pdf" }));
    expect(wrapper.find('[data-testid="reg-document"]').classes()).toContain("is-invalid");
    expect(wrapper.find('[data-testid="reg-document-error"]').text()).toContain("5 MiB");

    await wrapper.find("form").trigger("submit");
    await flushPromises();
    expect(calledCommands()).not.toContain("register_professional");
    expect(wrapper.find('[data-testid="pending-approval"]').exists()).toBe(false);
  });

  it("sends the document as plain base64 and shows the pending-approval state", async () => {
    backend();
    const { wrapper } = await mountAt(RegisterProfessionalPage, "/register/professional");
    expect(wrapper.find('[data-testid="reg-service"]').text()).toContain("Plumbing");
    await fillValidForm(wrapper);
    await chooseFile(wrapper, new File(["hello world"], "licence.pdf", { type: "application/pdf" }));
    await wrapper.find("form").trigger("submit");

    await vi.waitFor(() => expect(calledCommands()).toContain("register_professional"));
    const call = invokeMock.mock.calls.find((c) => c[0] === "register_professional")!;
    expect(call[1]).toEqual({
      input: {
        full_name: "Asha Rao",
        username: "asha",
        email: "asha@example.com",
        password: "correct horse battery",
        phone: "9876543210",
        pincode: "560001",
        service_id: 7,
        experience_years: 4,
        description: "Leaks, taps and bathroom fittings.",
        document: { file_name: "licence.pdf", content_base64: "aGVsbG8gd29ybGQ=" },
      },
    });
    await flushPromises();
    const done = wrapper.find('[data-testid="pending-approval"]');
    expect(done.exists()).toBe(true);
    expect(done.text()).toContain("awaiting approval");
    expect(session.user).toBeNull();
  });

  it("shows the empty state when there are no services", async () => {
    invokeMock.mockResolvedValue([]);
    const { wrapper } = await mountAt(RegisterProfessionalPage, "/register/professional");
    expect(wrapper.text()).toContain("No services available yet — ask the administrator");
    expect(wrapper.find('[data-testid="reg-service"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="reg-submit"]').attributes("disabled")).toBeDefined();
  });
});
