import { timingSafeEqual } from "node:crypto";
import { parse, serialize } from "cookie";
import { generateToken } from "~/domain/accounts/session.server.ts";
import { getEnv } from "./env.server.ts";

// Double-submit token: a random value in an HttpOnly cookie, repeated in every form as `_csrf`.
// The server also refuses cross-origin mutations by their Origin header (server.ts).
export const CSRF_FIELD = "_csrf";

export function csrfCookieName(): string {
  return getEnv().COOKIE_SECURE ? "__Host-synochi_csrf" : "synochi_csrf";
}

export function readCsrfCookie(cookieHeader: string | null | undefined): string | undefined {
  if (!cookieHeader) return undefined;
  const value = parse(cookieHeader)[csrfCookieName()];
  return value && /^[a-z2-7]{32}$/.test(value) ? value : undefined;
}

export function newCsrfCookie(): { token: string; setCookie: string } {
  const token = generateToken();
  const setCookie = serialize(csrfCookieName(), token, {
    httpOnly: true,
    secure: getEnv().COOKIE_SECURE,
    sameSite: "lax",
    path: "/",
    maxAge: 60 * 60 * 24 * 365,
  });
  return { token, setCookie };
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Throws Forbidden unless the submitted form carries the token of the request's CSRF cookie. */
export function assertCsrf(request: Request, form: FormData): void {
  const cookieToken = readCsrfCookie(request.headers.get("Cookie"));
  const formToken = form.get(CSRF_FIELD);
  if (!cookieToken || typeof formToken !== "string" || !same(cookieToken, formToken)) {
    throw new Response("errors.csrf", {
      status: 403,
      headers: { "Content-Type": "text/plain; charset=utf-8" },
    });
  }
}

/** Reads a form body and checks its CSRF token: every action starts here. */
export async function readForm(request: Request): Promise<FormData> {
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    throw new Response("errors.badForm", {
      status: 400,
      headers: { "Content-Type": "text/plain; charset=utf-8" },
    });
  }
  assertCsrf(request, form);
  return form;
}
