import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Router } from "vue-router";
import { createActivityTracker, TOUCH_EVERY_MS } from "../activity";
import { base64FromDataUrl, documentProblem, MAX_DOCUMENT_BYTES, readFileAsBase64 } from "../files";
import { formatDuration, passwordProblems } from "../forms";
import { session } from "../session";
import { onSessionEnded, useRouterForShell } from "../shell";
import { applyTheme, resolveTheme } from "../theme";
import { toasts } from "../toasts";
import { resetSession, user } from "./helpers";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

describe("files", () => {
  it("accepts exactly 5 MiB and refuses one byte more", () => {
    expect(documentProblem({ name: "a.pdf", size: MAX_DOCUMENT_BYTES })).toBeNull();
    expect(documentProblem({ name: "a.pdf", size: MAX_DOCUMENT_BYTES + 1 })).toMatch(/5 MiB/);
  });

  it("refuses other file types and empty files", () => {
    expect(documentProblem({ name: "notes.docx", size: 10 })).toMatch(/PDF, PNG or JPEG/);
    expect(documentProblem({ name: "PHOTO.JPEG", size: 10 })).toBeNull();
    expect(documentProblem({ name: "a.png", size: 0 })).toMatch(/empty/);
  });

  it("reads base64 without the data: prefix", async () => {
    const bytes = new Uint8Array([0, 1, 2, 250, 255]);
    const b64 = await readFileAsBase64(new Blob([bytes], { type: "image/png" }));
    expect(b64).toBe(Buffer.from(bytes).toString("base64"));
    expect(base64FromDataUrl("data:application/pdf;base64,QUJD")).toBe("QUJD");
  });
});

describe("forms", () => {
  it("checks password length and confirmation", () => {
    expect(passwordProblems("abcdefghijkl", "abcdefghijkl")).toEqual({});
    expect(passwordProblems("short", "short")).toEqual({ password: "Password must be at least 12 characters." });
    expect(passwordProblems("            ", "            ")).toEqual({ password: "Password cannot be only spaces." });
    expect(passwordProblems("abcdefghijkl", "abcdefghijkm")).toEqual({
      password_confirm: "The passwords do not match.",
    });
    expect(passwordProblems("", "")).toEqual({
      password: "Password must be at least 12 characters.",
      password_confirm: "Repeat the password.",
    });
  });

  it("formats waits", () => {
    expect(formatDuration(45)).toBe("45 seconds");
    expect(formatDuration(60)).toBe("1 minute");
    expect(formatDuration(90)).toBe("1 minute 30 seconds");
  });
});

describe("activity tracker", () => {
  it("touches at most once every 10 s and only while signed in", async () => {
    // Only touchSession counts as activity on the server: its idle timer lags by this much.
    expect(TOUCH_EVERY_MS).toBe(10_000);
    let now = 0;
    let signedIn = false;
    const touch = vi.fn().mockResolvedValue(undefined);
    const tracker = createActivityTracker({ touch, isSignedIn: () => signedIn, now: () => now });

    expect(tracker.onActivity()).toBe(false);
    signedIn = true;
    expect(tracker.onActivity()).toBe(true);
    await Promise.resolve();
    await Promise.resolve();
    now = 9_999;
    expect(tracker.onActivity()).toBe(false);
    now = 10_000;
    expect(tracker.onActivity()).toBe(true);
    expect(touch).toHaveBeenCalledTimes(2);
  });

  it("touches at once when asked (an answer to the idle countdown), but not twice in flight", async () => {
    let now = 0;
    let signedIn = false;
    let answer: () => void = () => undefined;
    const touch = vi.fn(() => new Promise<void>((resolve) => (answer = resolve)));
    const tracker = createActivityTracker({ touch, isSignedIn: () => signedIn, now: () => now });

    expect(tracker.touchNow()).toBe(false);
    signedIn = true;
    expect(tracker.onActivity()).toBe(true);
    // The touch on its way counts already.
    expect(tracker.touchNow()).toBe(false);
    answer();
    await new Promise((r) => setTimeout(r));
    now = 1_000;
    expect(tracker.onActivity()).toBe(false);
    expect(tracker.touchNow()).toBe(true);
    expect(touch).toHaveBeenCalledTimes(2);
  });
});

describe("session-ended event", () => {
  const push = vi.fn().mockResolvedValue(undefined);
  beforeEach(() => {
    resetSession({ user: user("admin") });
    useRouterForShell({ push } as unknown as Router);
    push.mockClear();
  });

  it("idle: clears the session, goes to login, shows an info toast", () => {
    onSessionEnded("idle");
    expect(session.user).toBeNull();
    expect(push).toHaveBeenCalledWith("/login");
    expect(toasts.map((t) => [t.kind, t.message])).toEqual([["info", "Signed out after inactivity"]]);
  });

  it("is ignored once already signed out (our own logout)", () => {
    session.user = null;
    onSessionEnded("logout");
    expect(push).not.toHaveBeenCalled();
    expect(toasts).toHaveLength(0);
  });
});

describe("theme", () => {
  let listeners: ((e: { matches: boolean }) => void)[] = [];
  let dark = false;

  beforeEach(() => {
    listeners = [];
    dark = false;
    window.matchMedia = vi.fn().mockImplementation(() => ({
      get matches() {
        return dark;
      },
      addEventListener: (_: string, l: (e: { matches: boolean }) => void) => listeners.push(l),
      removeEventListener: (_: string, l: (e: { matches: boolean }) => void) => {
        listeners = listeners.filter((x) => x !== l);
      },
    })) as unknown as typeof window.matchMedia;
  });
  afterEach(() => applyTheme("light"));

  it("resolves explicit and system themes", () => {
    expect(resolveTheme("dark", false)).toBe("dark");
    expect(resolveTheme("system", true)).toBe("dark");
    expect(resolveTheme("system", false)).toBe("light");
  });

  it("follows the OS live in system mode, and stops when a fixed theme is chosen", () => {
    applyTheme("system");
    expect(document.documentElement.getAttribute("data-bs-theme")).toBe("light");
    listeners.forEach((l) => l({ matches: true }));
    expect(document.documentElement.getAttribute("data-bs-theme")).toBe("dark");
    applyTheme("light");
    expect(listeners).toHaveLength(0);
    expect(document.documentElement.getAttribute("data-bs-theme")).toBe("light");
  });
});
