import { reactive } from "vue";

export type ToastKind = "success" | "info" | "warning" | "danger";

export interface Toast {
  id: number;
  kind: ToastKind;
  message: string;
}

export const toasts = reactive<Toast[]>([]);
let nextId = 1;

const LIFETIME_MS: Record<ToastKind, number> = {
  success: 4000,
  info: 6000,
  warning: 8000,
  danger: 8000,
};

export function pushToast(kind: ToastKind, message: string): number {
  const id = nextId++;
  toasts.push({ id, kind, message });
  // Keep the stack short.
  while (toasts.length > 5) toasts.shift();
  setTimeout(() => dismissToast(id), LIFETIME_MS[kind]);
  return id;
}

export function dismissToast(id: number): void {
  const index = toasts.findIndex((t) => t.id === id);
  if (index !== -1) toasts.splice(index, 1);
}

export function clearToasts(): void {
  toasts.splice(0, toasts.length);
}
