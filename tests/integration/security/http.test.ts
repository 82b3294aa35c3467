/**
 * HTTP-level security of the real server (`tsx server.ts` on its own database and Redis prefix): CSRF and
 * Origin checks on every route action, same answer to known and unknown e-mails at registration, role checks,
 * redirects for anonymous visitors, cookie attributes, language switching and the 404 page.
 */
import { createHash, randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "~/domain/accounts/password.server.ts";
import type { Role } from "~/generated/prisma/client.ts";
import el from "~/i18n/el.json";
import { newId } from "~/utils/ids.ts";
import { useTestDatabase } from "../../helpers/db.ts";
import { createSessionToken, createUser } from "../../helpers/factories.ts";
import { useTestRedis } from "../../helpers/redis.ts";
import { repoRoot, startApp, type RunningApp } from "../../helpers/server.ts";

const testDb = useTestDatabase();
useTestRedis();

const EVIL_ORIGIN = "https://evil.example";
const PASSWORD = "correct horse battery";
const FORM = "application/x-www-form-urlencoded";

let app: RunningApp;
let passwordHash: string;

beforeAll(async () => {
  passwordHash = await hashPassword(PASSWORD);
  // Every request here comes from 127.0.0.1: per-IP limits must not get in the way of this file's own checks.
  app = await startApp({
    databaseUrl: testDb().url,
    env: { LOGIN_MAX_PER_IP: "1000", REGISTER_MAX_PER_IP: "1000", LOGIN_MAX_PER_ACCOUNT: "1000" },
  });
});

afterAll(async () => {
  await app?.stop();
});

// ───────────────────────────── route discovery ─────────────────────────────

const ROUTES_DIR = path.join(repoRoot, "app/routes");
const PARAM_VALUE = "00000000-0000-4000-8000-000000000000";

/** Remix flat-route file name (without extension) → URL path; `$param` segments get a placeholder value. */
function urlForRouteId(id: string): string {
  const segments: string[] = [];
  for (const raw of id.split(/(?<!\[[^\]]*)\.(?![^[]*\])/)) {
    if (raw === "_index" || raw === "route") continue;
    if (raw.startsWith("_")) continue; // pathless layout
    let segment = raw.endsWith("_") ? raw.slice(0, -1) : raw; // opt out of the parent layout
    if (segment.startsWith("($") || segment.startsWith("(")) continue; // optional segment: leave it out
    if (segment === "$")
      segment = "x"; // splat
    else if (segment.startsWith("$")) segment = PARAM_VALUE;
    segments.push(segment.replace(/\[([^\]]*)\]/g, "$1"));
  }
  return `/${segments.join("/")}`;
}

/** Every route module (file or folder with route.tsx) whose source exports an `action`. */
function discoverActionRoutes(): { file: string; url: string }[] {
  const found: { file: string; url: string }[] = [];
  for (const entry of readdirSync(ROUTES_DIR)) {
    const full = path.join(ROUTES_DIR, entry);
    let file: string;
    let id: string;
    if (statSync(full).isDirectory()) {
      const routeFile = ["route.tsx", "route.ts", "route.jsx", "route.js"]
        .map((f) => path.join(full, f))
        .find(existsSync);
      if (!routeFile) continue;
      file = routeFile;
      id = entry;
    } else {
      if (!/\.(tsx|ts|jsx|js)$/.test(entry) || /\.test\.|^\./.test(entry)) continue;
      file = full;
      id = entry.replace(/\.(tsx|ts|jsx|js)$/, "");
    }
    const source = readFileSync(file, "utf8");
    if (
      /export\s+(async\s+)?function\s+action\b|export\s+(const|let)\s+action\b|export\s*\{[^}]*\baction\b/.test(
        source,
      )
    ) {
      found.push({ file: path.relative(repoRoot, file), url: urlForRouteId(id) });
    }
  }
  return found.sort((a, b) => a.url.localeCompare(b.url));
}

const actionRoutes = discoverActionRoutes();

// ───────────────────────────── helpers ─────────────────────────────

const sha256Hex = (value: string) => createHash("sha256").update(value).digest("hex");

const makeUser = (roles: Role[], email?: string) =>
  createUser(testDb().prisma, { roles, email, passwordHash });
const sessionFor = (userId: string) => createSessionToken(testDb().prisma, userId);

type Cookies = Record<string, string>;

function cookieHeader(cookies: Cookies): string {
  return Object.entries(cookies)
    .map(([k, v]) => `${k}=${v}`)
    .join("; ");
}

/** `name → { value, attributes (lower-cased) }` from a response's Set-Cookie headers. */
function setCookies(res: Response): Record<string, { value: string; attributes: string[]; raw: string }> {
  const out: Record<string, { value: string; attributes: string[]; raw: string }> = {};
  for (const raw of res.headers.getSetCookie()) {
    const [pair, ...attributes] = raw.split(";").map((s) => s.trim());
    const eq = pair.indexOf("=");
    out[pair.slice(0, eq)] = {
      value: pair.slice(eq + 1),
      attributes: attributes.map((a) => a.toLowerCase()),
      raw,
    };
  }
  return out;
}

/** A fresh visitor's CSRF token, from the cookie the server sets on a GET. */
async function csrfToken(cookieName = "synochi_csrf", base = app.url): Promise<string> {
  const res = await fetch(`${base}/terms`, { redirect: "manual" });
  await res.arrayBuffer();
  const cookie = setCookies(res)[cookieName];
  if (!cookie) throw new Error(`No ${cookieName} cookie set: ${JSON.stringify(res.headers.getSetCookie())}`);
  return cookie.value;
}

function get(pathname: string, cookies: Cookies = {}, base = app.url): Promise<Response> {
  return fetch(`${base}${pathname}`, {
    redirect: "manual",
    headers: Object.keys(cookies).length ? { Cookie: cookieHeader(cookies) } : {},
  });
}

function post(
  pathname: string,
  fields: Record<string, string>,
  opts: { cookies?: Cookies; origin?: string; base?: string } = {},
): Promise<Response> {
  const base = opts.base ?? app.url;
  const headers: Record<string, string> = { "Content-Type": FORM };
  if (opts.cookies && Object.keys(opts.cookies).length) headers.Cookie = cookieHeader(opts.cookies);
  if (opts.origin) headers.Origin = opts.origin;
  return fetch(`${base}${pathname}`, {
    method: "POST",
    redirect: "manual",
    headers,
    body: new URLSearchParams(fields),
  });
}

const htmlLang = (html: string) => /<html[^>]*\slang="([^"]*)"/.exec(html)?.[1];

// ───────────────────────────── CSRF and Origin ─────────────────────────────

describe("every route action", () => {
  let adminId: string;
  beforeAll(async () => {
    adminId = (await makeUser(["citizen", "admin", "moderator", "directorate"])).id;
  });

  it("is found by reading app/routes", () => {
    const urls = actionRoutes.map((r) => r.url);
    // The known ones must be among them, so a broken discovery cannot pass by finding nothing.
    expect(urls).toEqual(
      expect.arrayContaining([
        "/account",
        "/admin/users",
        "/language",
        "/login",
        "/logout",
        "/password/forgot",
        "/password/reset",
        "/register",
      ]),
    );
    expect(urlForRouteId("_index")).toBe("/");
    expect(urlForRouteId("consultations.$slug.submissions_.new")).toBe(
      `/consultations/${PARAM_VALUE}/submissions/new`,
    );
    expect(urlForRouteId("_public.about[.]json")).toBe("/about.json");
  });

  describe.each(actionRoutes)("POST $url ($file)", ({ url }) => {
    // Signed in as a user holding every role, so guards that run before the form is read let the request through.
    const signedIn = async (token: string): Promise<Cookies> => ({
      synochi_csrf: token,
      synochi_session: await sessionFor(adminId),
    });

    it("is refused with 403 without the _csrf field", async () => {
      const token = await csrfToken();
      const res = await post(url, { intent: "profile" }, { cookies: await signedIn(token) });
      const body = await res.text();
      expect(res.status).toBe(403);
      // Page routes render the error page; resource routes (no component) answer the bare message key.
      if (body !== "errors.csrf") expect(body).toContain(el.errors.csrf);
    });

    it("is refused with 403 when _csrf does not match the cookie, or there is no cookie", async () => {
      const token = await csrfToken();
      const other = await csrfToken();
      const mismatched = await post(
        url,
        { _csrf: other, intent: "profile" },
        { cookies: await signedIn(token) },
      );
      expect(mismatched.status).toBe(403);
      await mismatched.arrayBuffer();
      const session = await sessionFor(adminId);
      const noCookie = await post(
        url,
        { _csrf: token, intent: "profile" },
        { cookies: { synochi_session: session } },
      );
      expect(noCookie.status).toBe(403);
      await noCookie.arrayBuffer();
    });

    it(`is refused with 403 from Origin ${EVIL_ORIGIN}, even with a valid token`, async () => {
      const token = await csrfToken();
      const res = await post(url, { _csrf: token }, { cookies: await signedIn(token), origin: EVIL_ORIGIN });
      expect(res.status).toBe(403);
      expect(await res.text()).toBe("Cross-origin request refused");
    });

    it("is not refused with a matching token from the same origin (the 403s above are the CSRF checks)", async () => {
      const token = await csrfToken();
      // An empty form: every action answers it without changing anything harmful (400, or a redirect).
      const res = await post(url, { _csrf: token }, { cookies: await signedIn(token), origin: app.url });
      await res.arrayBuffer();
      expect(res.status).not.toBe(403);
      expect(res.status).toBeLessThan(500);
    });
  });
});

// ───────────────────────────── registration ─────────────────────────────

describe("registration", () => {
  it("answers a known and an unknown e-mail with the same status and page", async () => {
    const known = await makeUser(["citizen"]);
    const unknown = `fresh-${newId()}@example.org`;
    const usersBefore = await testDb().prisma.user.count();

    const attempt = async (email: string) => {
      const token = await csrfToken();
      const res = await post(
        "/register",
        {
          _csrf: token,
          email,
          displayName: "Νίκος Δ.",
          password: PASSWORD,
          acceptTerms: "on",
          acceptPrivacy: "on",
        },
        { cookies: { synochi_csrf: token } },
      );
      const body = (await res.text()).replaceAll(token, "<csrf>");
      return { status: res.status, body, cookies: Object.keys(setCookies(res)).sort() };
    };
    const forKnown = await attempt(known.email);
    const forUnknown = await attempt(unknown);

    expect(forKnown.status).toBe(200);
    expect(forUnknown.status).toBe(forKnown.status);
    expect(forKnown.body).toContain(el.accounts.register.sentTitle);
    expect(forUnknown.body).toBe(forKnown.body);
    expect(forUnknown.cookies).toEqual(forKnown.cookies);
    // Only the unknown address became an account.
    expect(await testDb().prisma.user.count()).toBe(usersBefore + 1);
    expect(await testDb().prisma.user.count({ where: { email: unknown } })).toBe(1);
  });
});

// ───────────────────────────── roles and redirects ─────────────────────────────

describe("access", () => {
  it("answers /admin/users with 403 to a signed-in citizen and 200 to an admin", async () => {
    const citizen = await makeUser(["citizen"]);
    const admin = await makeUser(["citizen", "admin"]);

    const refused = await get("/admin/users", { synochi_session: await sessionFor(citizen.id) });
    const refusedBody = await refused.text();
    expect(refused.status).toBe(403);
    expect(refusedBody).toContain(el.errors.title403);
    expect(refusedBody).not.toContain(admin.email);

    const allowed = await get("/admin/users", { synochi_session: await sessionFor(admin.id) });
    const allowedBody = await allowed.text();
    expect(allowed.status).toBe(200);
    expect(allowedBody).toContain(el.admin.users.title);
    expect(allowedBody).toContain(citizen.email);
  });

  it("sends an anonymous visitor of /account to the login page, and back afterwards", async () => {
    const res = await get("/account");
    await res.arrayBuffer();
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/login?redirectTo=%2Faccount");

    const admin = await get("/admin/users");
    await admin.arrayBuffer();
    expect(admin.status).toBe(302);
    expect(admin.headers.get("location")).toBe("/login?redirectTo=%2Fadmin%2Fusers");
  });

  it("ignores an unknown or expired session token", async () => {
    const user = await makeUser(["citizen"]);
    const expired = await createSessionToken(testDb().prisma, user.id, new Date(Date.now() - 1000));
    for (const token of [expired, randomBytes(20).toString("hex")]) {
      const res = await get("/account", { synochi_session: token });
      await res.arrayBuffer();
      expect(res.status).toBe(302);
    }
  });
});

// ───────────────────────────── cookies ─────────────────────────────

describe("cookies", () => {
  it("sets an HttpOnly, SameSite=Lax, Path=/ session cookie at login that opens the account page", async () => {
    const user = await makeUser(["citizen"]);
    const token = await csrfToken();
    const res = await post(
      "/login",
      { _csrf: token, email: user.email, password: PASSWORD, redirectTo: "/account" },
      { cookies: { synochi_csrf: token } },
    );
    await res.arrayBuffer();
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/account");
    const session = setCookies(res).synochi_session;
    expect(session, JSON.stringify(res.headers.getSetCookie())).toBeDefined();
    expect(session.value).toMatch(/^[a-z2-7]{32}$/);
    expect(session.attributes).toContain("httponly");
    expect(session.attributes).toContain("samesite=lax");
    expect(session.attributes).toContain("path=/");
    expect(session.attributes.some((a) => a.startsWith("domain="))).toBe(false);
    expect(session.attributes).not.toContain("secure"); // COOKIE_SECURE=false in tests (plain http)
    const expires = session.attributes.find((a) => a.startsWith("expires="));
    expect(new Date(expires!.slice("expires=".length)).getTime()).toBeGreaterThan(
      Date.now() + 29 * 24 * 3600 * 1000,
    );
    // Stored only as its SHA-256.
    expect(
      await testDb().prisma.session.count({ where: { id: sha256Hex(session.value), userId: user.id } }),
    ).toBe(1);

    const account = await get("/account", { synochi_session: session.value });
    expect(account.status).toBe(200);
    expect(await account.text()).toContain(user.email);
  });

  it("sets the CSRF cookie HttpOnly, SameSite=Lax, Path=/ on the first GET", async () => {
    const res = await get("/");
    await res.arrayBuffer();
    const csrf = setCookies(res).synochi_csrf;
    expect(csrf.value).toMatch(/^[a-z2-7]{32}$/);
    expect(csrf.attributes).toEqual(expect.arrayContaining(["httponly", "samesite=lax", "path=/"]));
  });

  it("never redirects off-site after login", async () => {
    const user = await makeUser(["citizen"]);
    for (const redirectTo of ["https://evil.example/", "//evil.example/x", "/\\evil.example"]) {
      const token = await csrfToken();
      const res = await post(
        "/login",
        { _csrf: token, email: user.email, password: PASSWORD, redirectTo },
        { cookies: { synochi_csrf: token } },
      );
      await res.arrayBuffer();
      expect(res.status).toBe(302);
      expect(res.headers.get("location")).toBe("/?notice=loggedIn");
    }
  });

  it("uses __Host- cookies with Secure when COOKIE_SECURE=true (and serves the first login after a start)", async () => {
    const secure = await startApp({
      databaseUrl: testDb().url,
      env: { COOKIE_SECURE: "true", LOGIN_MAX_PER_IP: "1000" },
    });
    try {
      const user = await makeUser(["citizen"]);
      // This login is the new server's first request that needs Redis (rate limits): it must not fail
      // because the connection is still being opened.
      const token = await csrfToken("__Host-synochi_csrf", secure.url);
      const res = await post(
        "/login",
        { _csrf: token, email: user.email, password: PASSWORD },
        { cookies: { "__Host-synochi_csrf": token }, base: secure.url },
      );
      await res.arrayBuffer();
      expect(res.status).toBe(302);
      const cookies = setCookies(res);
      expect(cookies.synochi_session).toBeUndefined();
      const session = cookies["__Host-synochi_session"];
      expect(session.attributes).toEqual(
        expect.arrayContaining(["httponly", "samesite=lax", "path=/", "secure"]),
      );
      expect(session.attributes.some((a) => a.startsWith("domain="))).toBe(false);
      expect(res.headers.get("strict-transport-security")).toMatch(/max-age=\d+/);
    } finally {
      await secure.stop();
    }
  });
});

// ───────────────────────────── misc pages ─────────────────────────────

describe("pages", () => {
  it("answers /healthz with 200", async () => {
    const res = await get("/healthz");
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("ok");
  });

  it("sends protective headers", async () => {
    const res = await get("/");
    await res.arrayBuffer();
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("x-powered-by")).toBeNull();
  });

  it("is in Greek by default and in English after POST /language lang=en", async () => {
    const token = await csrfToken();
    const before = await get("/", { synochi_csrf: token });
    const beforeHtml = await before.text();
    expect(before.status).toBe(200);
    expect(htmlLang(beforeHtml)).toBe("el");
    expect(beforeHtml).toContain(el.nav.login);

    const switched = await post(
      "/language",
      { _csrf: token, lang: "en", redirectTo: "/privacy" },
      { cookies: { synochi_csrf: token } },
    );
    await switched.arrayBuffer();
    expect(switched.status).toBe(302);
    expect(switched.headers.get("location")).toBe("/privacy");
    const lang = setCookies(switched).synochi_lang;
    expect(lang?.value).toBe("en");

    const after = await get("/", { synochi_csrf: token, synochi_lang: lang.value });
    const afterHtml = await after.text();
    expect(htmlLang(afterHtml)).toBe("en");
    expect(afterHtml).not.toContain(el.nav.login);
  });

  it("answers an unknown URL with 404 and the Greek not-found page", async () => {
    const res = await get(`/no-such-page-${newId()}`);
    const html = await res.text();
    expect(res.status).toBe(404);
    expect(htmlLang(html)).toBe("el");
    expect(html).toContain(el.errors.title404);
    expect(html).toContain(el.errors.notFound);
  });
});
