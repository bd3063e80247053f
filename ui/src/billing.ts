// Extra line items of a job (parts, extra time) as the professional types them, and the
// customer's payment: the client-side mirror of Rust `receipts` (the core stays the authority).
import type { PaymentMethod, ReceiptLine } from "./bindings";
import { formatMoney, parsePriceToMinor } from "./format";

/** Mirrors Rust `receipts::MAX_EXTRAS`. */
export const MAX_EXTRAS = 20;
/** Mirrors Rust `receipts::MAX_LINE_MINOR` (₹10,00,000.00). */
export const MAX_LINE_MINOR = 100_000_000;
/** Mirrors Rust `receipts::check_payment` (reference length). */
export const MAX_REFERENCE = 64;
/** The completion code's length (Rust `completion::CODE_LEN`). */
export const CODE_LEN = 6;

/** One extra line as typed: a description and an amount in rupees ("250", "250.50"). */
export interface ExtraDraft {
  description: string;
  amount: string;
}

export type ExtrasParse = { ok: true; lines: ReceiptLine[] } | { ok: false; error: string };

/**
 * Typed extra lines → `ReceiptLine`s in minor units. Rows left completely empty are dropped;
 * the first problem is named with its item number, as the core does.
 */
export function parseExtras(drafts: readonly ExtraDraft[]): ExtrasParse {
  const lines: ReceiptLine[] = [];
  const filled = drafts.filter((d) => d.description.trim() !== "" || d.amount.trim() !== "");
  if (filled.length > MAX_EXTRAS) return { ok: false, error: `At most ${MAX_EXTRAS} extra items can be added to a job.` };
  for (const [i, d] of filled.entries()) {
    const n = i + 1;
    const description = d.description.trim();
    if (description === "") return { ok: false, error: `Item ${n} needs a description (e.g. "Washer").` };
    if ([...description].length > 200) return { ok: false, error: `Item ${n}'s description must be at most 200 characters.` };
    const amount = parsePriceToMinor(d.amount);
    if (!amount.ok || amount.minor <= 0 || amount.minor > MAX_LINE_MINOR) {
      return {
        ok: false,
        error: `Item ${n}'s amount must be more than zero and at most ${formatMoney(MAX_LINE_MINOR)} (like 250 or 250.50).`,
      };
    }
    lines.push({ description, amount_minor: amount.minor });
  }
  return { ok: true, lines };
}

/** The digits of a typed completion code (spaces dropped), or a problem. */
export function codeProblem(raw: string): string | undefined {
  const digits = raw.replace(/\s+/g, "");
  if (digits === "") return "Enter the 6-digit code the customer reads out from their request.";
  if (!/^\d{6}$/.test(digits)) return "The code is 6 digits.";
  return undefined;
}

export const PAYMENT_METHODS: readonly PaymentMethod[] = ["cash", "upi", "card"];

/** The reference a payment needs, or a problem (cash needs none). */
export function referenceProblem(method: PaymentMethod, raw: string): string | undefined {
  if (method === "cash") return undefined;
  const s = raw.trim();
  const label = method === "upi" ? "UPI" : "Card";
  if (s === "") return `Enter the ${label} reference of the payment.`;
  if ([...s].length > MAX_REFERENCE) return `The payment reference must be at most ${MAX_REFERENCE} characters.`;
  return undefined;
}
