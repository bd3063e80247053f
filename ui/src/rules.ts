// The core's field rules, mirrored where it is cheap so a form can show every problem at once
// before it is sent, in the core's own words (src-tauri/core/src/domain.rs and friends). The
// core stays the authority: its answer lists every bad field too, and the forms show that list.
//
// Each check returns the core's message for a bad value, or undefined. `RULES` are the short
// statements of the rules shown beside the fields before anything went wrong.

/** Mirrors Rust `NewPassword::MIN_LEN` / `MAX_LEN`. */
export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 128;
/** Mirrors Rust `admin::reason` (rejections, blocks, cancellations). */
export const REASON_MIN = 3;
export const REASON_MAX = 500;
/** Mirrors Rust `accounts::experience_years`. */
export const EXPERIENCE_MAX = 70;

/** What each field accepts, said beside the field. */
export const RULES = {
  username: "3 to 32 characters: letters, digits, '.', '_' or '-'.",
  password: `At least ${PASSWORD_MIN} characters.`,
  phone: "10 to 15 digits; may start with +.",
  pincode: "6 digits.",
  address: "5 to 300 characters.",
  experience: `Whole years, 0 to ${EXPERIENCE_MAX}.`,
  reason: `${REASON_MIN} to ${REASON_MAX} characters.`,
} as const;

type Problem = string | undefined;

const chars = (s: string) => [...s].length;

const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/** Rust `trimmed`: `min`..`max` characters after trimming, no control characters. */
export function textProblem(raw: string, label: string, min: number, max: number): Problem {
  const s = raw.trim();
  const n = chars(s);
  if (n < min) return min <= 1 ? `${label} is required.` : `${label} must be at least ${min} characters.`;
  if (n > max) return `${label} must be at most ${max} characters.`;
  if (CONTROL.test(s)) return `${label} contains characters that are not allowed.`;
  return undefined;
}

export function fullNameProblem(raw: string): Problem {
  return textProblem(raw, "Full name", 1, 100);
}

export function usernameProblem(raw: string): Problem {
  const s = raw.trim().toLowerCase();
  const n = chars(s);
  if (n < 3 || n > 32) return "Username must be 3 to 32 characters.";
  if (!/^[a-z0-9._-]+$/.test(s)) return "Username may only use letters, digits, '.', '_' and '-'.";
  return undefined;
}

export function emailProblem(raw: string): Problem {
  const s = raw.trim();
  if (s === "") return "Email is required.";
  if (s.length > 254 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(s)) {
    return "Enter a valid email address, like name@example.com.";
  }
  return undefined;
}

export function passwordProblem(raw: string): Problem {
  const n = chars(raw);
  if (n < PASSWORD_MIN) return `Password must be at least ${PASSWORD_MIN} characters.`;
  if (n > PASSWORD_MAX) return `Password must be at most ${PASSWORD_MAX} characters.`;
  if (raw.trim() === "") return "Password cannot be only spaces.";
  return undefined;
}

/** Client-only: the confirmation must repeat the password. */
export function confirmProblem(password: string, confirm: string): Problem {
  if (confirm === "") return "Repeat the password.";
  return password === confirm ? undefined : "The passwords do not match.";
}

export function phoneProblem(raw: string): Problem {
  const digits = raw.trim().replace(/[\s\-()]/g, "").replace(/^\+/, "");
  return /^\d{10,15}$/.test(digits) ? undefined : "Enter a phone number of 10 to 15 digits.";
}

export function pincodeProblem(raw: string): Problem {
  return /^\d{6}$/.test(raw.trim()) ? undefined : "PIN code must be exactly 6 digits.";
}

export function addressProblem(raw: string): Problem {
  return textProblem(raw, "Address", 5, 300);
}

export function experienceProblem(years: number | string | null | undefined): Problem {
  const n = typeof years === "string" ? (/^\d+$/.test(years.trim()) ? Number(years.trim()) : NaN) : years;
  return typeof n === "number" && Number.isInteger(n) && n >= 0 && n <= EXPERIENCE_MAX
    ? undefined
    : `Years of experience must be between 0 and ${EXPERIENCE_MAX}.`;
}

export function reasonProblem(raw: string): Problem {
  const n = chars(raw.trim());
  if (n < REASON_MIN) return `Please give a reason (at least ${REASON_MIN} characters).`;
  if (n > REASON_MAX) return `The reason must be at most ${REASON_MAX} characters.`;
  return undefined;
}

/** Optional free text (remarks, comments, notes, descriptions): at most `max` characters. */
export function optionalTextProblem(raw: string, label: string, max: number): Problem {
  return textProblem(raw, label, 0, max);
}
