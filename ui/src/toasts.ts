import { reactive } from "vue";

export type ToastKind = "success" | "info" | "warning" | "danger";

/** A button inside a toast ("Open file"). */
export interface ToastAction {
  label: string;
  /** A Bootstrap icon class ("bi-box-arrow-up-right"). */
  icon?: string;
  testid?: string;
  run: () => void | Promise<void>;
}

export interface Toast {
  id: number;
  kind: ToastKind;
  message: string;
  /** Optional buttons under the message. */
  actions?: ToastAction[];
}

export interface ToastOptions {
  actions?: ToastAction[];
  /** How long the toast stays, in ms (default by kind; longer when it has actions). */
  lifetimeMs?: number;
}

export const toasts = reactive<Toast[]>([]);
let nextId = 1;

const LIFETIME_MS: Record<ToastKind, number> = {
  success: 4000,
  info: 6000,
  warning: 8000,
  danger: 8000,
};

/** Toasts with buttons stay long enough to reach for them. */
const ACTION_LIFETIME_MS = 15000;

export function pushToast(kind: ToastKind, message: string, options: ToastOptions = {}): number {
  const id = nextId++;
  const toast: Toast = { id, kind, message };
  if (options.actions?.length) toast.actions = options.actions;
  toasts.push(toast);
  // Keep the stack short.
  while (toasts.length > 5) toasts.shift();
  const lifetime = options.lifetimeMs ?? (toast.actions ? ACTION_LIFETIME_MS : LIFETIME_MS[kind]);
  setTimeout(() => dismissToast(id), lifetime);
  return id;
}

export function dismissToast(id: number): void {
  const index = toasts.findIndex((t) => t.id === id);
  if (index !== -1) toasts.splice(index, 1);
}

export function clearToasts(): void {
  toasts.splice(0, toasts.length);
}
