// Admin → Backups (issue #14): back up now, the daily schedule, and restoring a listed backup
// only on the computer that runs the business.
import { beforeEach, describe, expect, it, vi } from "vitest";
import { flushPromises } from "@vue/test-utils";
import { setFailureHandler } from "../api";
import type { BackupSummary, BackupsOverview } from "../bindings";
import { applyConnection } from "../connection";
import BackupsPage from "../pages/admin/BackupsPage.vue";
import { handleFailure } from "../shell";
import { toasts } from "../toasts";
import { apiError, backend, calls, mountAt, resetSession, tid, user } from "./helpers";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

const BACKUP: BackupSummary = {
  file_name: "household-backup-20261203-210455.tar.gz",
  path: "/data/backups/household-backup-20261203-210455.tar.gz",
  created_at: "2026-12-03T21:04:55Z",
  app_version: "0.1.0",
  size_bytes: 123456,
  users: 12,
  services: 5,
  requests: 40,
  documents: 3,
};

function overview(backups: BackupSummary[] = []): BackupsOverview {
  return { settings: { daily: false, folder: "", keep: 7 }, folder: "/data/backups", backups };
}

beforeEach(() => {
  resetSession({ user: user("admin") });
  applyConnection({ mode: "standalone", address: null, fingerprint: null, online: true });
  setFailureHandler(handleFailure);
  document.body.innerHTML = "";
});

describe("BackupsPage", () => {
  it("shows the empty state, then the new backup after Back up now", async () => {
    let made = false;
    backend({
      admin_backups: () => overview(made ? [BACKUP] : []),
      admin_back_up_now: () => {
        made = true;
        return BACKUP;
      },
    });
    const { wrapper } = await mountAt(BackupsPage, "/admin/backups");
    expect(wrapper.find(tid("backup-empty")).exists()).toBe(true);
    await wrapper.find(tid("backup-now")).trigger("click");
    await flushPromises();
    expect(wrapper.findAll(tid("backup-row"))).toHaveLength(1);
    expect(toasts.map((t) => t.message).join()).toContain(BACKUP.file_name);
  });

  it("saves the schedule and shows a refused folder under its field", async () => {
    backend({
      admin_backups: overview(),
      admin_save_backup_settings: () => {
        throw apiError("validation", "Enter the backup folder as a full path", { field: "folder" });
      },
    });
    const { wrapper } = await mountAt(BackupsPage, "/admin/backups");
    await wrapper.find(tid("backup-daily")).setValue(true);
    await wrapper.find(tid("backup-folder")).setValue("relative");
    await wrapper.find(tid("backup-keep")).setValue("3");
    await wrapper.find("form").trigger("submit");
    await flushPromises();
    expect(calls("admin_save_backup_settings")).toEqual([{ input: { daily: true, folder: "relative", keep: 3 } }]);
    expect(wrapper.find(tid("backup-folder")).attributes("aria-invalid")).toBe("true");
  });

  it("checks a backup, asks with what it holds, then restores it", async () => {
    backend({
      admin_backups: overview([BACKUP]),
      admin_inspect_backup: BACKUP,
      admin_restore_backup: { restored: BACKUP, safety_copy: "/data/before-restore/x.sqlite3" },
    });
    const { wrapper } = await mountAt(BackupsPage, "/admin/backups");
    await wrapper.find(tid("backup-restore")).trigger("click");
    await flushPromises();
    expect(calls("admin_inspect_backup")).toEqual([{ path: BACKUP.path }]);
    expect(document.body.querySelector(tid("restore-summary"))?.textContent).toContain("40");
    (document.body.querySelector(tid("confirm-ok")) as HTMLButtonElement | null)?.click();
    await flushPromises();
    expect(calls("admin_restore_backup")).toEqual([{ path: BACKUP.path }]);
    expect(wrapper.find(tid("restore-done")).text()).toContain("/data/before-restore/x.sqlite3");
  });

  it("fills the folder from the native folder dialog", async () => {
    backend({ admin_backups: overview(), admin_pick_backup_folder: "/mnt/usb/backups" });
    const { wrapper } = await mountAt(BackupsPage, "/admin/backups");
    await wrapper.find(tid("backup-choose-folder")).trigger("click");
    await flushPromises();
    expect((wrapper.find(tid("backup-folder")).element as HTMLInputElement).value).toBe("/mnt/usb/backups");
  });

  it("offers no restore on a connected desktop (the server restores from its console)", async () => {
    applyConnection({ mode: "connected", address: "office:8443", fingerprint: "AB", online: true });
    backend({ admin_backups: overview([BACKUP]) });
    const { wrapper } = await mountAt(BackupsPage, "/admin/backups");
    expect(wrapper.findAll(tid("backup-row"))).toHaveLength(1);
    expect(wrapper.find(tid("backup-restore")).exists()).toBe(false);
    expect(wrapper.find(tid("backup-restore-file")).exists()).toBe(false);
    expect(wrapper.find(tid("backup-choose-folder")).exists()).toBe(false);
  });
});
