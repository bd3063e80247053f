import { beforeEach, describe, expect, it, vi } from "vitest";
import { createMemoryHistory } from "vue-router";
import { decide, landingPath } from "../guard";
import { createAppRouter } from "../router";
import { session } from "../session";
import { resetSession, user } from "./helpers";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

const signedOut = { needsSetup: false, user: null };

describe("decide()", () => {
  it("sends everything to /setup while setup is needed", () => {
    const state = { needsSetup: true, user: null };
    expect(decide("/login", { kind: "guest" }, state)).toBe("/setup");
    expect(decide("/admin", { role: "admin" }, state)).toBe("/setup");
    expect(decide("/", {}, state)).toBe("/setup");
    expect(decide("/setup", { kind: "setup" }, state)).toBe(true);
  });

  it("sends signed-out users to /login for role pages and lets them see guest pages", () => {
    expect(decide("/admin", { role: "admin" }, signedOut)).toBe("/login");
    expect(decide("/customer", { role: "customer" }, signedOut)).toBe("/login");
    expect(decide("/login", { kind: "guest" }, signedOut)).toBe(true);
    expect(decide("/register/professional", { kind: "guest" }, signedOut)).toBe(true);
    expect(decide("/", {}, signedOut)).toBe("/login");
  });

  it("sends a user with the wrong role to their own home", () => {
    const customer = { needsSetup: false, user: user("customer") };
    expect(decide("/admin", { role: "admin" }, customer)).toBe("/customer");
    expect(decide("/settings", { role: "admin" }, customer)).toBe("/customer");
    const pro = { needsSetup: false, user: user("professional") };
    expect(decide("/customer", { role: "customer" }, pro)).toBe("/professional");
    expect(decide("/professional", { role: "professional" }, pro)).toBe(true);
  });

  it("keeps signed-in users away from guest pages and a finished setup", () => {
    const admin = { needsSetup: false, user: user("admin") };
    expect(decide("/login", { kind: "guest" }, admin)).toBe("/admin");
    expect(decide("/setup", { kind: "setup" }, admin)).toBe("/admin");
    expect(decide("/setup", { kind: "setup" }, signedOut)).toBe("/login");
  });

  it("lands on the role home", () => {
    expect(landingPath({ needsSetup: false, user: user("professional") })).toBe("/professional");
  });
});

describe("router guard", () => {
  beforeEach(() => resetSession());

  async function resolve(path: string) {
    const router = createAppRouter(createMemoryHistory());
    await router.push(path);
    return router.currentRoute.value.path;
  }

  it("applies the decisions to real navigations", async () => {
    session.needsSetup = true;
    expect(await resolve("/")).toBe("/setup");
    session.needsSetup = false;
    expect(await resolve("/admin")).toBe("/login");
    session.user = user("customer");
    expect(await resolve("/admin")).toBe("/customer");
    expect(await resolve("/nowhere")).toBe("/customer");
  });
});
