import { redirect } from "@remix-run/node";
import { getDb, type DbOrTx } from "~/utils/db.server.ts";
import { can, type Action, type Actor, type RoleName } from "./policy.ts";
import { readSessionToken, validateSessionToken, sessionCookie } from "./session.server.ts";

export type CurrentUser = NonNullable<Actor> & {
  email: string;
  displayName: string;
  locale: string;
  sessionId: string;
};

const cache = new WeakMap<Request, Promise<{ user: CurrentUser | null; setCookie?: string }>>();

/** Resolves the session cookie of a request to its user (or null), once per request. */
export async function loadUserFromCookie(
  db: DbOrTx,
  cookieHeader: string | null | undefined,
): Promise<{ user: CurrentUser | null; setCookie?: string }> {
  const token = readSessionToken(cookieHeader);
  if (!token) return { user: null };
  const session = await validateSessionToken(db, token);
  if (!session) return { user: null };
  const row = await db.user.findUnique({
    where: { id: session.userId },
    select: {
      id: true,
      email: true,
      displayName: true,
      locale: true,
      emailVerifiedAt: true,
      erasedAt: true,
      roles: { select: { role: true } },
      committees: { select: { committeeId: true, role: true } },
    },
  });
  if (!row || row.erasedAt) return { user: null };
  return {
    user: {
      id: row.id,
      email: row.email,
      displayName: row.displayName,
      locale: row.locale,
      emailVerified: !!row.emailVerifiedAt,
      roles: row.roles.map((r) => r.role as RoleName),
      committees: row.committees,
      sessionId: session.id,
    },
    setCookie: session.renewed ? sessionCookie(token, session.expiresAt) : undefined,
  };
}

export function getUserAndCookie(request: Request) {
  let pending = cache.get(request);
  if (!pending) {
    pending = loadUserFromCookie(getDb(), request.headers.get("Cookie"));
    cache.set(request, pending);
  }
  return pending;
}

export async function getUser(request: Request): Promise<CurrentUser | null> {
  return (await getUserAndCookie(request)).user;
}

/** Signed-in user or a redirect to the login page that comes back here afterwards. */
export async function requireUser(request: Request): Promise<CurrentUser> {
  const user = await getUser(request);
  if (!user) {
    const url = new URL(request.url);
    throw redirect(`/login?redirectTo=${encodeURIComponent(url.pathname + url.search)}`);
  }
  return user;
}

/** Signed-in user allowed to do `action`, else 403 (checked on the server for every loader and action). */
export async function requireCan(request: Request, action: Action, thing?: { committeeId?: string }) {
  const user = await requireUser(request);
  if (!can(user, action, thing)) throw forbidden();
  return user;
}

export async function requireRole(request: Request, role: RoleName): Promise<CurrentUser> {
  const user = await requireUser(request);
  if (!user.roles.includes(role)) throw forbidden();
  return user;
}

/** Guards throw Responses so loaders and actions alike end in the route's error boundary with 403. */
export function forbidden(messageKey = "errors.forbidden"): Response {
  return new Response(messageKey, { status: 403, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}
