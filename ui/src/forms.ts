// Small helpers shared by the forms: per-field error messages (the client's checks and the
// core's list of field problems, all shown at once under their fields) and focus.
import { reactive } from "vue";
import { ApiFailure, type CallOptions } from "./api";
import { confirmProblem, passwordProblem, PASSWORD_MIN } from "./rules";

/** Mirrors Rust `NewPassword::MIN_LEN` (every account, not only the administrator's). */
export const MIN_ADMIN_PASSWORD = PASSWORD_MIN;

export type FieldErrors = Record<string, string | undefined>;

/**
 * The field errors of one form. `shown` lists the fields the form shows errors under, by
 * Rust's names: pass `fields.inline` to `call()` so that a validation error about those
 * fields is only shown under them, not toasted as well (anything else is still toasted).
 */
export function useFieldErrors(shown: readonly string[] = []) {
  const errors = reactive<FieldErrors>({});
  return {
    errors,
    /** `call()` options: the form shows these fields' errors itself. */
    inline: { inline: shown } as CallOptions,
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

/**
 * Problems with a new password + confirmation pair, keyed by field name: the password policy
 * in the core's words, and a confirmation that must repeat it.
 */
export function passwordProblems(password: string, confirm: string): { password?: string; password_confirm?: string } {
  const problems: { password?: string; password_confirm?: string } = {};
  const p = passwordProblem(password);
  if (p) problems.password = p;
  const c = confirmProblem(password, confirm);
  if (c) problems.password_confirm = c;
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
