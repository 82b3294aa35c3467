import { data } from "@remix-run/node";

/**
 * Typed domain errors. Domain functions throw them; `toErrorResponse` maps them to HTTP responses with
 * translation keys that the UI shows in the reader's language.
 */
export class DomainError extends Error {
  constructor(
    readonly status: number,
    readonly messageKey: string,
    readonly params: Record<string, string | number> = {},
  ) {
    super(messageKey);
  }
}

export class NotFound extends DomainError {
  constructor(messageKey = "errors.notFound") {
    super(404, messageKey);
  }
}

export class Forbidden extends DomainError {
  constructor(messageKey = "errors.forbidden") {
    super(403, messageKey);
  }
}

export class RateLimited extends DomainError {
  constructor(readonly retryAfterSeconds: number) {
    super(429, "errors.rateLimited", { minutes: Math.max(1, Math.ceil(retryAfterSeconds / 60)) });
  }
}

/** Invalid input: `fieldErrors` maps a form field to a translation key. */
export class Invalid extends DomainError {
  constructor(
    readonly fieldErrors: Record<string, string>,
    messageKey = "errors.invalid",
  ) {
    super(400, messageKey);
  }
}

export type ActionErrorData = {
  ok: false;
  formError?: { key: string; params?: Record<string, string | number> };
  fieldErrors?: Record<string, string>;
  /** What the user typed, echoed back so nothing is lost (never passwords). */
  values?: Record<string, string>;
  /** Which of several forms on a page failed. */
  intent?: string;
};

/** Turns a thrown DomainError into action data (status kept); rethrows anything else. */
export function actionError(error: unknown, values?: Record<string, string>, intent?: string) {
  if (error instanceof Invalid) {
    return data<ActionErrorData>(
      { ok: false, fieldErrors: error.fieldErrors, formError: { key: error.messageKey }, values, intent },
      { status: 400 },
    );
  }
  if (error instanceof DomainError) {
    const headers: HeadersInit =
      error instanceof RateLimited ? { "Retry-After": String(error.retryAfterSeconds) } : {};
    return data<ActionErrorData>(
      { ok: false, formError: { key: error.messageKey, params: error.params }, values, intent },
      { status: error.status, headers },
    );
  }
  throw error;
}

/** For loaders: a DomainError becomes a thrown Response the route's error boundary renders. */
export function throwAsResponse(error: unknown): never {
  if (error instanceof DomainError) {
    throw new Response(error.messageKey, { status: error.status });
  }
  throw error;
}
