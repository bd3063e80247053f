// Thin wrapper around the generated tauri-specta `commands`: unwraps `Result<T, ApiError>`
// into `T` or a thrown `ApiFailure`, and reports every failure to one global handler
// (installed by the app shell) that decides about toasts and ended sessions.
import type { ApiError, ErrorCode, FieldError, Result } from "./bindings";

export class ApiFailure extends Error {
  readonly error: ApiError;

  constructor(error: ApiError) {
    super(error.message);
    this.name = "ApiFailure";
    this.error = error;
  }

  get code(): ErrorCode {
    return this.error.code;
  }

  /** The first field a validation error names (`fields` has them all). */
  get field(): string | null {
    return this.error.fields[0]?.field ?? null;
  }

  /** Every field problem of a validation error, in form order. */
  get fields(): FieldError[] {
    return this.error.fields;
  }

  get retryAfterSecs(): number | null {
    return this.error.retry_after_secs;
  }
}

export interface CallOptions {
  /**
   * Show a toast for ordinary errors (default true). Pages that present the error
   * inline (the login form) pass false. An `unauthorized` error while signed in is
   * always handled globally (session cleared, back to login).
   */
  toast?: boolean;
  /**
   * The fields the calling form shows errors under (Rust's field names). A `validation`
   * failure naming only these is shown there and not toasted as well; one that also names
   * other fields is toasted with those fields' messages only (see `toastText`).
   */
  inline?: readonly string[];
}

export type FailureOptions = Required<CallOptions>;

export type FailureHandler = (failure: ApiFailure, options: FailureOptions) => void;

/**
 * What a toast should say about `failure` when the form shows the `inline` fields itself:
 * null when every problem is already under its field, the other fields' messages when
 * some are not, and the message itself for anything that is not a field problem.
 */
export function toastText(failure: ApiFailure, inline: readonly string[] = []): string | null {
  if (failure.code !== "validation" || failure.fields.length === 0 || inline.length === 0) return failure.message;
  const elsewhere = failure.fields.filter((f) => !inline.includes(f.field));
  if (elsewhere.length === 0) return null;
  return elsewhere.map((f) => f.message).join(" ");
}

let failureHandler: FailureHandler | null = null;

/** Installs the global failure handler; returns a function restoring the previous one. */
export function setFailureHandler(handler: FailureHandler | null): () => void {
  const previous = failureHandler;
  failureHandler = handler;
  return () => {
    failureHandler = previous;
  };
}

function isApiError(value: unknown): value is ApiError {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as ApiError).code === "string" &&
    typeof (value as ApiError).message === "string"
  );
}

/** Turns anything thrown into an ApiFailure (IPC errors, bugs, missing Tauri runtime). */
export function toFailure(err: unknown): ApiFailure {
  if (err instanceof ApiFailure) return err;
  if (isApiError(err)) {
    return new ApiFailure({
      code: err.code,
      message: err.message,
      fields: Array.isArray(err.fields) ? err.fields : [],
      retry_after_secs: err.retry_after_secs ?? null,
    });
  }
  const message =
    err instanceof Error ? err.message : typeof err === "string" ? err : "Unexpected error";
  return new ApiFailure({ code: "internal", message, fields: [], retry_after_secs: null });
}

/** Awaits a generated command and returns its data, or throws an ApiFailure. */
export async function call<T>(
  pending: Promise<Result<T, ApiError>>,
  options: CallOptions = {},
): Promise<T> {
  let failure: ApiFailure;
  try {
    const result = await pending;
    if (result.status === "ok") return result.data;
    failure = toFailure(result.error);
  } catch (err) {
    failure = toFailure(err);
  }
  failureHandler?.(failure, { toast: options.toast ?? true, inline: options.inline ?? [] });
  throw failure;
}
