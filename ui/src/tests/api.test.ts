import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { invoke } from "@tauri-apps/api/core";
import { commands } from "../bindings";
import { ApiFailure, call, setFailureHandler } from "../api";
import { handleFailure, useRouterForShell } from "../shell";
import { session } from "../session";
import { pushToast, toasts } from "../toasts";
import { apiError, resetSession, user } from "./helpers";
import type { Router } from "vue-router";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
const invokeMock = vi.mocked(invoke);

describe("call()", () => {
  let restore: () => void;
  const handler = vi.fn();

  beforeEach(() => {
    handler.mockReset();
    restore = setFailureHandler(handler);
  });
  afterEach(() => restore());

  it("returns the data of an ok result", async () => {
    const status = { needs_setup: true, session: null, demo_available: false, email_password_reset: false, terminal: { state: "not_required" } as const };
    invokeMock.mockResolvedValueOnce(status);
    await expect(call(commands.appStatus())).resolves.toEqual(status);
    expect(invokeMock).toHaveBeenCalledWith("app_status");
    expect(handler).not.toHaveBeenCalled();
  });

  it("throws an ApiFailure carrying the ApiError of an error result", async () => {
    invokeMock.mockRejectedValueOnce(apiError("validation", "Pincode must be 6 digits", { field: "pincode" }));
    const err = await call(commands.homeSummary()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiFailure);
    expect(err).toBeInstanceOf(Error);
    const failure = err as ApiFailure;
    expect(failure.code).toBe("validation");
    expect(failure.field).toBe("pincode");
    expect(failure.message).toBe("Pincode must be 6 digits");
    expect(handler).toHaveBeenCalledWith(failure, { toast: true, inline: [] });
  });

  it("passes toast:false through and keeps retry_after_secs", async () => {
    invokeMock.mockRejectedValueOnce(apiError("locked", "Too many attempts", { retry_after_secs: 90 }));
    const failure = (await call(commands.login({ login: "a", password: "b" }), { toast: false }).catch(
      (e: unknown) => e,
    )) as ApiFailure;
    expect(failure.retryAfterSecs).toBe(90);
    expect(handler).toHaveBeenCalledWith(failure, { toast: false, inline: [] });
  });

  it("wraps a thrown Error (no Tauri runtime, IPC failure) as an internal ApiFailure", async () => {
    invokeMock.mockRejectedValueOnce(new TypeError("ipc unavailable"));
    const failure = (await call(commands.appStatus()).catch((e: unknown) => e)) as ApiFailure;
    expect(failure).toBeInstanceOf(ApiFailure);
    expect(failure.code).toBe("internal");
    expect(failure.message).toBe("ipc unavailable");
  });
});

describe("global failure handling", () => {
  const push = vi.fn().mockResolvedValue(undefined);

  beforeEach(() => {
    resetSession();
    push.mockClear();
    useRouterForShell({ push } as unknown as Router);
  });

  it("ends the session on unauthorized while signed in", () => {
    session.user = user("customer");
    session.demoSummary = null;
    handleFailure(new ApiFailure(apiError("unauthorized", "No session")), { toast: false, inline: [] });
    expect(session.user).toBeNull();
    expect(push).toHaveBeenCalledWith("/login");
    expect(toasts.map((t) => t.message)).toEqual(["No session"]);
  });

  it("clears the previous user's toasts when the session ends, keeping only why it ended", () => {
    session.user = user("customer");
    pushToast("success", "Booked! We'll let you know when a professional accepts.");
    handleFailure(new ApiFailure(apiError("unauthorized", "Signed out after inactivity")), { toast: false, inline: [] });
    expect(toasts.map((t) => t.message)).toEqual(["Signed out after inactivity"]);
  });

  it("ends the session when Rust reports the account blocked mid-session", () => {
    session.user = user("customer");
    handleFailure(new ApiFailure(apiError("account_blocked", "Blocked: abuse")), { toast: true, inline: [] });
    expect(session.user).toBeNull();
    expect(push).toHaveBeenCalledWith("/login");
    expect(toasts.map((t) => t.message)).toEqual(["Blocked: abuse"]);
  });

  it("toasts every other error with its message", () => {
    session.user = user("admin");
    handleFailure(new ApiFailure(apiError("conflict", "Username already taken")), { toast: true, inline: [] });
    expect(session.user).not.toBeNull();
    expect(push).not.toHaveBeenCalled();
    expect(toasts.map((t) => [t.kind, t.message])).toEqual([["danger", "Username already taken"]]);
  });

  it("treats unauthorized while signed out as an ordinary error (e.g. bad credentials)", () => {
    handleFailure(new ApiFailure(apiError("unauthorized", "Wrong username or password")), { toast: true, inline: [] });
    expect(push).not.toHaveBeenCalled();
    expect(toasts.map((t) => t.message)).toEqual(["Wrong username or password"]);
  });

  it("shows no toast when the caller handles the message inline", () => {
    handleFailure(new ApiFailure(apiError("validation", "Bad")), { toast: false, inline: [] });
    expect(toasts).toHaveLength(0);
  });

  it("does not repeat in a toast the field errors a form shows inline", () => {
    const five = new ApiFailure(
      apiError("validation", "Please correct the 5 fields marked below.", {
        fields: ["email", "phone", "pincode", "address", "password"].map((field) => ({ field, message: `Bad ${field}.` })),
      }),
    );
    const shown = ["full_name", "username", "email", "password", "phone", "address", "pincode"];
    handleFailure(five, { toast: true, inline: shown });
    expect(toasts).toHaveLength(0);

    // A field the form does not show is still told, in its own words (not the summary).
    const other = new ApiFailure(
      apiError("validation", "Please correct the 2 fields marked below.", {
        fields: [
          { field: "pincode", message: "PIN code must be exactly 6 digits." },
          { field: "service_id", message: "This service is no longer offered." },
        ],
      }),
    );
    handleFailure(other, { toast: true, inline: ["scheduled_for", "address", "pincode", "remarks"] });
    expect(toasts.map((t) => t.message)).toEqual(["This service is no longer offered."]);

    // Other codes are toasted as before, inline list or not.
    handleFailure(new ApiFailure(apiError("conflict", "Accepted meanwhile.")), { toast: true, inline: shown });
    expect(toasts.map((t) => t.message)).toEqual(["This service is no longer offered.", "Accepted meanwhile."]);
  });
});
