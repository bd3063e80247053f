// Small helpers shared by the forms: per-field error messages and password checks.
import { reactive } from "vue";
import { ApiFailure } from "./api";

export const MIN_ADMIN_PASSWORD = 12;

export type FieldErrors = Record<string, string | undefined>;

export function useFieldErrors() {
  const errors = reactive<FieldErrors>({});
  return {
    errors,
    clear() {
      for (const key of Object.keys(errors)) delete errors[key];
    },
    /** Copies client-side problems in; returns true when there were any. */
    set(problems: FieldErrors): boolean {
      let any = false;
      for (const [key, value] of Object.entries(problems)) {
        if (value) {
          errors[key] = value;
          any = true;
        }
      }
      return any;
    },
    /** Shows every field problem of a server validation error under its field. */
    fromFailure(err: unknown) {
      if (!(err instanceof ApiFailure)) return;
      for (const f of err.fields) errors[f.field] = f.message;
    },
  };
}

/** Problems with a password + confirmation pair, keyed by field name. */
export function passwordProblems(
  password: string,
  confirm: string,
  minLength = 0,
): { password?: string; password_confirm?: string } {
  const problems: { password?: string; password_confirm?: string } = {};
  if (minLength > 0 && password.length < minLength) {
    problems.password = `Use at least ${minLength} characters.`;
  }
  if (password !== confirm) problems.password_confirm = "The passwords do not match.";
  return problems;
}

/** "45 seconds", "2 minutes", "1 minute 30 seconds". */
export function formatDuration(totalSecs: number): string {
  const secs = Math.max(0, Math.round(totalSecs));
  const m = Math.floor(secs / 60);
  const s = secs % 60;
  const part = (n: number, unit: string) => `${n} ${unit}${n === 1 ? "" : "s"}`;
  if (m === 0) return part(s, "second");
  return s === 0 ? part(m, "minute") : `${part(m, "minute")} ${part(s, "second")}`;
}

/** "This field is required" for every listed key whose value is blank. */
export function requiredProblems(values: Record<string, unknown>, keys: string[]): FieldErrors {
  const problems: FieldErrors = {};
  for (const key of keys) {
    const value = values[key];
    if (value === null || value === undefined || (typeof value === "string" && value.trim() === "")) {
      problems[key] = "This field is required.";
    }
  }
  return problems;
}

/** Moves keyboard focus to the first invalid control inside `root`. */
export function focusFirstInvalid(root: HTMLElement | null | undefined): void {
  const el = root?.querySelector<HTMLElement>(".is-invalid");
  el?.focus();
}
