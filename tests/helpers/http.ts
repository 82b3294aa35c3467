/**
 * Requests to the real server as a browser without JavaScript would make them: cookies sent by hand, no
 * redirects followed, forms posted urlencoded with the CSRF token the server set in its cookie.
 */
import type { PrismaClient, Role } from "~/generated/prisma/client.ts";
import { createSessionToken, createUser } from "./factories.ts";

export type Cookies = Record<string, string>;

export const FORM = "application/x-www-form-urlencoded";

export const cookieHeader = (cookies: Cookies): string =>
  Object.entries(cookies)
    .map(([k, v]) => `${k}=${v}`)
    .join("; ");

/** Text as React writes it into HTML. */
export const html = (text: string): string =>
  text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#x27;");

export interface HttpClient {
  /** A visitor's CSRF token, from the cookie the server sets on a GET. */
  csrfToken(): Promise<string>;
  /** A CSRF cookie, plus a fresh session of `user` and the language cookie when given. */
  cookiesOf(user: { id: string } | null, lang?: "el" | "en"): Promise<Cookies>;
  /** The cookies of a new user holding `roles`. */
  signedIn(roles: Role[]): Promise<Cookies>;
  get(path: string, cookies?: Cookies): Promise<Response>;
  /** A form post carrying the `_csrf` field of `cookies` first. */
  post(path: string, cookies: Cookies, fields: [string, string][]): Promise<Response>;
}

/** `url` and `db` are read per call: tests start the app in `beforeAll`. */
export function httpClient(url: () => string, db: () => PrismaClient): HttpClient {
  async function csrfToken(): Promise<string> {
    const res = await fetch(`${url()}/terms`, { redirect: "manual" });
    await res.arrayBuffer();
    for (const raw of res.headers.getSetCookie()) {
      const m = /^synochi_csrf=([^;]+)/.exec(raw);
      if (m) return m[1];
    }
    throw new Error("No synochi_csrf cookie set");
  }
  async function cookiesOf(user: { id: string } | null, lang?: "el" | "en"): Promise<Cookies> {
    const cookies: Cookies = { synochi_csrf: await csrfToken() };
    if (user) cookies.synochi_session = await createSessionToken(db(), user.id);
    if (lang) cookies.synochi_lang = lang;
    return cookies;
  }
  return {
    csrfToken,
    cookiesOf,
    signedIn: async (roles) => cookiesOf(await createUser(db(), { roles })),
    get: (path, cookies = {}) =>
      fetch(`${url()}${path}`, { redirect: "manual", headers: { Cookie: cookieHeader(cookies) } }),
    post: (path, cookies, fields) =>
      fetch(`${url()}${path}`, {
        method: "POST",
        redirect: "manual",
        headers: { "Content-Type": FORM, Cookie: cookieHeader(cookies) },
        body: new URLSearchParams([["_csrf", cookies.synochi_csrf ?? ""], ...fields]),
      }),
  };
}
