// How this computer is used: standalone (the business's database here) or connected to a
// household-server, and whether that server answers. Rust is the authority; this mirrors it
// for the first-run screen, the login screen, Settings and the "cannot reach" banner.
import { reactive } from "vue";
import { listen } from "@tauri-apps/api/event";
import { commands, type ConnectionInfo } from "./bindings";
import { call } from "./api";

export const connection = reactive<ConnectionInfo>({
  mode: "standalone",
  address: null,
  fingerprint: null,
  online: true,
});

export function applyConnection(info: ConnectionInfo): void {
  Object.assign(connection, info);
}

/** Reads where this computer's data is (quietly: the start-up status reports failures). */
export async function loadConnection(): Promise<void> {
  try {
    applyConnection(await call(commands.connectionInfo(), { toast: false }));
  } catch {
    // Not inside Tauri (tests, preview): keep the standalone default.
  }
}

/** Follows Rust's `connection-changed` events (the server stopped or started answering). */
export async function listenForConnection(): Promise<void> {
  try {
    await listen<ConnectionInfo>("connection-changed", (event) => applyConnection(event.payload));
  } catch {
    // Not running inside Tauri: no events.
  }
}
