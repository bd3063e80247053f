import { beforeEach, describe, expect, it, vi } from "vitest";
import { flushPromises } from "@vue/test-utils";
import { setFailureHandler } from "../api";
import type { EmailRow, Job, JobRunRow, Settings } from "../bindings";
import AppLayout from "../components/AppLayout.vue";
import BackgroundJobsPage from "../pages/admin/BackgroundJobsPage.vue";
import SettingsPage from "../pages/SettingsPage.vue";
import { handleFailure } from "../shell";
import { toasts } from "../toasts";
import { apiError, backend, calls, mountAt, mountRouted, resetSession, tid, user, type Args } from "./helpers";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

const SMTP_SETTINGS: Settings = {
  theme: "system",
  idle_timeout_minutes: 5,
  notifications_enabled: true,
  reminder_time: "18:00",
  smtp: {
    host: "smtp.example.com",
    port: 587,
    tls: "start_tls",
    username: "mailer",
    from_address: "bookings@example.com",
    timeout_secs: 30,
  },
  business_name: "Sharma Home Services",
  business_address: "1 MG Road, Bengaluru",
};

const OUTBOX_SETTINGS: Settings = { ...SMTP_SETTINGS, smtp: null };

function settingsBackend(initial: Settings, extra: Record<string, unknown> = {}) {
  backend({
    get_settings: initial,
    save_settings: (a: Args) => a?.input,
    admin_set_smtp_password: null,
    admin_send_test_email: null,
    ...extra,
  });
}

beforeEach(() => {
  vi.clearAllMocks();
  resetSession({ user: user("admin", { email: "grace@example.com" }) });
  setFailureHandler(handleFailure);
  document.body.innerHTML = "";
});

describe("settings page", () => {
  it("shows the loaded settings", async () => {
    settingsBackend(SMTP_SETTINGS);
    const { wrapper } = await mountAt(SettingsPage, "/settings");
    expect((wrapper.find(tid("settings-notifications")).element as HTMLInputElement).checked).toBe(true);
    expect((wrapper.find(tid("settings-reminder-time")).element as HTMLInputElement).value).toBe("18:00");
    expect((wrapper.find(tid("settings-smtp-mode-smtp")).element as HTMLInputElement).checked).toBe(true);
    expect((wrapper.find(tid("settings-smtp-host")).element as HTMLInputElement).value).toBe("smtp.example.com");
    expect((wrapper.find(tid("settings-smtp-tls")).element as HTMLSelectElement).value).toBe("start_tls");
    expect(wrapper.text()).toContain("For security the password is not saved: it is kept until the app closes.");
    expect((wrapper.find(tid("test-email-to")).element as HTMLInputElement).value).toBe("grace@example.com");
  });

  it("saves the SMTP block and sets the password only when it was typed", async () => {
    settingsBackend(SMTP_SETTINGS);
    const { wrapper } = await mountAt(SettingsPage, "/settings");
    await wrapper.find(tid("settings-notifications")).setValue(false);
    await wrapper.find(tid("settings-reminder-time")).setValue("07:30");
    await wrapper.find(tid("settings-smtp-host")).setValue("mail.example.org");
    await wrapper.find(tid("settings-smtp-tls")).setValue("tls");
    await wrapper.find(tid("settings-smtp-username")).setValue("");
    expect((wrapper.find(tid("settings-business-name")).element as HTMLInputElement).value).toBe("Sharma Home Services");
    await wrapper.find(tid("settings-business-address")).setValue("  1 MG Road, Bengaluru, Karnataka ");
    await wrapper.find("form").trigger("submit");
    await flushPromises();

    expect(calls("save_settings")).toEqual([
      {
        input: {
          theme: "system",
          idle_timeout_minutes: 5,
          notifications_enabled: false,
          reminder_time: "07:30",
          smtp: {
            host: "mail.example.org",
            port: 465, // followed the security mode
            tls: "tls",
            username: null,
            from_address: "bookings@example.com",
            timeout_secs: 30,
          },
          business_name: "Sharma Home Services",
          business_address: "1 MG Road, Bengaluru, Karnataka",
        },
      },
    ]);
    expect(calls("admin_set_smtp_password")).toEqual([]);

    await wrapper.find(tid("settings-smtp-password")).setValue("s3cret");
    await wrapper.find("form").trigger("submit");
    await flushPromises();
    expect(calls("admin_set_smtp_password")).toEqual([{ password: "s3cret" }]);

    // Cleared on purpose: forgotten (null).
    await wrapper.find(tid("settings-smtp-password")).setValue("");
    await wrapper.find("form").trigger("submit");
    await flushPromises();
    expect(calls("admin_set_smtp_password")).toEqual([{ password: "s3cret" }, { password: null }]);
    expect(toasts.some((t) => t.message === "Settings saved")).toBe(true);
  });

  it("switching to the outbox sends smtp null", async () => {
    settingsBackend(SMTP_SETTINGS);
    const { wrapper } = await mountAt(SettingsPage, "/settings");
    await wrapper.find(tid("settings-smtp-mode-outbox")).setValue(true);
    expect(wrapper.find(tid("settings-smtp-host")).exists()).toBe(false);
    await wrapper.find("form").trigger("submit");
    await flushPromises();
    expect(calls("save_settings").at(-1)).toEqual({ input: { ...OUTBOX_SETTINGS } });
  });

  it("validates the SMTP fields and shows server field errors under them", async () => {
    settingsBackend(OUTBOX_SETTINGS, {
      save_settings: () => {
        throw apiError("validation", "Enter the sender as an email address, e.g. bookings@example.com.", {
          field: "from_address",
        });
      },
    });
    const { wrapper } = await mountAt(SettingsPage, "/settings");
    await wrapper.find(tid("settings-smtp-mode-smtp")).setValue(true);
    await wrapper.find("form").trigger("submit");
    await flushPromises();
    expect(calls("save_settings")).toEqual([]);
    expect(wrapper.find(tid("settings-smtp-host")).classes()).toContain("is-invalid");
    expect(wrapper.find(tid("settings-smtp-from")).classes()).toContain("is-invalid");

    await wrapper.find(tid("settings-smtp-host")).setValue("smtp.example.com");
    await wrapper.find(tid("settings-smtp-from")).setValue("x@y");
    await wrapper.find("form").trigger("submit");
    await flushPromises();
    expect(calls("save_settings")).toHaveLength(1);
    expect(wrapper.find(tid("settings-smtp-host")).classes()).not.toContain("is-invalid");
    expect(wrapper.find(tid("settings-smtp-from")).classes()).toContain("is-invalid");
    expect(wrapper.text()).toContain("Enter the sender as an email address");
  });

  it("sends a test email to the recipient and shows an SMTP failure", async () => {
    let fail = false;
    settingsBackend(SMTP_SETTINGS, {
      admin_send_test_email: () => {
        if (fail) throw apiError("conflict", "Could not send: 535 5.7.8 authentication failed");
        return null;
      },
    });
    const { wrapper } = await mountAt(SettingsPage, "/settings");
    await wrapper.find(tid("test-email-to")).setValue("ops@example.com");
    await wrapper.findAll("form")[1].trigger("submit");
    await flushPromises();
    expect(calls("admin_send_test_email")).toEqual([{ to: "ops@example.com" }]);
    expect(toasts.some((t) => t.kind === "success" && t.message.includes("ops@example.com"))).toBe(true);

    fail = true;
    await wrapper.findAll("form")[1].trigger("submit");
    await flushPromises();
    expect(wrapper.find(tid("test-email-error")).text()).toContain("535 5.7.8 authentication failed");
    // Shown in the card, not toasted.
    expect(toasts.some((t) => t.kind === "danger")).toBe(false);
  });
});

function run(extra: Partial<JobRunRow>): JobRunRow {
  return {
    id: 1,
    job: "professional_monthly_report",
    period: "2026-10",
    status: "succeeded",
    emails: 12,
    error: null,
    started_at: "2026-11-01T00:00:05Z",
    finished_at: "2026-11-01T00:00:07Z",
    ...extra,
  };
}

function email(extra: Partial<EmailRow>): EmailRow {
  return {
    id: 1,
    to_address: "pro@example.com",
    subject: "Your month: 2026-10",
    text_body: "",
    html_body: "",
    status: "sent",
    attempts: 1,
    next_attempt_at: "2026-11-01T00:00:05Z",
    last_error: null,
    created_at: "2026-11-01T00:00:05Z",
    sent_at: "2026-11-01T00:00:09Z",
    ...extra,
  };
}

describe("leaving settings with unsaved changes", () => {
  const OTHER_PAGE = { admin_job_runs: [], admin_email_queue: [] };

  it("asks in an app dialog; Keep editing stays, Discard changes leaves", async () => {
    settingsBackend(SMTP_SETTINGS, OTHER_PAGE);
    const confirmSpy = vi.spyOn(window, "confirm");
    const { wrapper, router } = await mountRouted("/settings");

    // Nothing changed: leaving is silent.
    await router.push("/admin/jobs");
    await flushPromises();
    expect(router.currentRoute.value.path).toBe("/admin/jobs");
    await router.push("/settings");
    await flushPromises();

    await wrapper.find(tid("settings-idle")).setValue(9);
    expect(wrapper.find(tid("settings-unsaved")).exists()).toBe(true);

    void router.push("/admin/jobs");
    await flushPromises();
    const dialog = wrapper.find(tid("confirm-dialog"));
    expect(dialog.exists()).toBe(true);
    expect(dialog.text()).toContain("Leave without saving?");
    expect(confirmSpy).not.toHaveBeenCalled();
    // The safe answer has the focus.
    expect(document.activeElement).toBe(wrapper.find(tid("confirm-cancel")).element);

    await wrapper.find(tid("confirm-cancel")).trigger("click");
    await flushPromises();
    expect(router.currentRoute.value.path).toBe("/settings");
    expect(wrapper.find(tid("confirm-dialog")).exists()).toBe(false);
    expect((wrapper.find(tid("settings-idle")).element as HTMLInputElement).value).toBe("9");

    void router.push("/admin/jobs");
    await flushPromises();
    await wrapper.find(tid("confirm-ok")).trigger("click");
    await flushPromises();
    expect(router.currentRoute.value.path).toBe("/admin/jobs");
    expect(calls("save_settings")).toHaveLength(0);
    wrapper.unmount();
  });

  it("does not ask once the changes are saved, nor when the session has ended", async () => {
    settingsBackend(SMTP_SETTINGS, OTHER_PAGE);
    const { wrapper, router } = await mountRouted("/settings");
    await wrapper.find(tid("settings-idle")).setValue(9);
    await wrapper.find("form").trigger("submit");
    await flushPromises();
    expect(calls("save_settings")).toHaveLength(1);
    await router.push("/admin/jobs");
    await flushPromises();
    expect(router.currentRoute.value.path).toBe("/admin/jobs");

    await router.push("/settings");
    await flushPromises();
    await wrapper.find(tid("settings-idle")).setValue(3);
    resetSession({ user: null }); // signed out (idle, logout): nobody to ask
    await router.push("/login");
    await flushPromises();
    expect(router.currentRoute.value.path).toBe("/login");
    expect(wrapper.find(tid("confirm-dialog")).exists()).toBe(false);
    wrapper.unmount();
  });
});

describe("background jobs page", () => {
  it("lists runs and the email queue, and runs a job now", async () => {
    const long = "SMTP error: connection refused ".repeat(5).trim();
    backend({
      admin_job_runs: [
        run({ id: 2, job: "daily_reminder", period: "2026-11-20", status: "failed", emails: 0, error: long }),
        run({ id: 1 }),
      ],
      admin_email_queue: [
        email({ id: 2, status: "failed", attempts: 5, last_error: long, sent_at: null }),
        email({ id: 1 }),
      ],
      admin_run_job_now: (a: Args) => run({ id: 3, job: a?.job as Job, period: "2026-10", emails: 4 }),
    });
    const { wrapper } = await mountAt(BackgroundJobsPage, "/admin/jobs");

    const rows = wrapper.findAll(tid("job-run-row"));
    expect(rows).toHaveLength(2);
    expect(rows[0].text()).toContain("Daily reminder to professionals");
    expect(rows[0].attributes("data-status")).toBe("failed");
    expect(rows[0].find("[title]").attributes("title")).toBe(long);
    expect(rows[1].text()).toContain("Monthly report to professionals");
    expect(rows[1].text()).toContain("12");
    expect(rows[1].text()).toContain("2 s");

    const mails = wrapper.findAll(tid("email-row"));
    expect(mails.map((m) => m.attributes("data-status"))).toEqual(["failed", "sent"]);
    expect(mails[0].find(tid("email-error")).attributes("title")).toBe(long);
    expect(mails[0].find(tid("email-error")).text().endsWith("…")).toBe(true);

    await wrapper.find(`${tid("job-run-now")}[data-job="customer_monthly_report"]`).trigger("click");
    await flushPromises();
    document.querySelector<HTMLButtonElement>(tid("confirm-ok"))?.click();
    await flushPromises();
    expect(calls("admin_run_job_now")).toEqual([{ job: "customer_monthly_report" }]);
    expect(calls("admin_job_runs").length).toBeGreaterThanOrEqual(2);
    expect(toasts.some((t) => t.kind === "success" && t.message.includes("4 emails queued"))).toBe(true);
  });

  it("shows empty states and toasts a refused run", async () => {
    backend({
      admin_job_runs: [],
      admin_email_queue: [],
      admin_run_job_now: () => {
        throw apiError("conflict", "This job already ran for 2026-10; it is never sent twice.");
      },
    });
    const { wrapper } = await mountAt(BackgroundJobsPage, "/admin/jobs");
    expect(wrapper.find(tid("job-runs-empty")).exists()).toBe(true);
    expect(wrapper.find(tid("email-queue-empty")).exists()).toBe(true);
    await wrapper.find(`${tid("job-run-now")}[data-job="professional_monthly_report"]`).trigger("click");
    await flushPromises();
    document.querySelector<HTMLButtonElement>(tid("confirm-ok"))?.click();
    await flushPromises();
    expect(calls("admin_run_job_now")).toEqual([{ job: "professional_monthly_report" }]);
    expect(toasts.some((t) => t.kind === "danger" && t.message.includes("never sent twice"))).toBe(true);
  });

  it("is linked from the admin nav", async () => {
    backend({});
    const { wrapper } = await mountAt(AppLayout, "/admin/jobs");
    expect(wrapper.find(tid("nav-jobs-admin")).attributes("href")).toBe("/admin/jobs");
    expect(wrapper.find(tid("nav-jobs-admin")).classes()).toContain("active");
  });
});
