import { sha256 } from "@oslojs/crypto/sha2";
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from "@oslojs/encoding";
import { parse, serialize } from "cookie";
import type { DbOrTx } from "~/utils/db.server.ts";
import { getEnv } from "~/utils/env.server.ts";

// Sessions as Lucia's guide writes them: a random token in the cookie, its SHA-256 as the row id,
// 30-day expiry renewed when less than 15 days remain.
const DAY_MS = 24 * 60 * 60 * 1000;
export const SESSION_TTL_MS = 30 * DAY_MS;
const RENEW_BEFORE_MS = 15 * DAY_MS;

export function generateToken(): string {
  const bytes = new Uint8Array(20);
  crypto.getRandomValues(bytes);
  return encodeBase32LowerCaseNoPadding(bytes);
}

export function hashToken(token: string): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(token)));
}

export async function createSession(db: DbOrTx, userId: string): Promise<{ token: string; expiresAt: Date }> {
  const token = generateToken();
  const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
  await db.session.create({ data: { id: hashToken(token), userId, expiresAt } });
  return { token, expiresAt };
}

export type ValidSession = { id: string; userId: string; expiresAt: Date; renewed: boolean };

export async function validateSessionToken(db: DbOrTx, token: string): Promise<ValidSession | null> {
  const id = hashToken(token);
  const row = await db.session.findUnique({
    where: { id },
    select: { id: true, userId: true, expiresAt: true },
  });
  if (!row) return null;
  const now = Date.now();
  if (row.expiresAt.getTime() <= now) {
    await db.session.deleteMany({ where: { id } });
    return null;
  }
  if (row.expiresAt.getTime() - now < RENEW_BEFORE_MS) {
    const expiresAt = new Date(now + SESSION_TTL_MS);
    await db.session.update({ where: { id }, data: { expiresAt } });
    return { ...row, expiresAt, renewed: true };
  }
  return { ...row, renewed: false };
}

export async function invalidateSession(db: DbOrTx, sessionId: string): Promise<void> {
  await db.session.deleteMany({ where: { id: sessionId } });
}

export async function invalidateAllSessions(db: DbOrTx, userId: string): Promise<void> {
  await db.session.deleteMany({ where: { userId } });
}

// `__Host-` requires the Secure attribute, which browsers refuse over plain http, so the prefix is
// used whenever cookies are Secure (always in production).
export function sessionCookieName(): string {
  return getEnv().COOKIE_SECURE ? "__Host-synochi_session" : "synochi_session";
}

export function readSessionToken(cookieHeader: string | null | undefined): string | undefined {
  if (!cookieHeader) return undefined;
  return parse(cookieHeader)[sessionCookieName()];
}

export function sessionCookie(token: string, expiresAt: Date): string {
  return serialize(sessionCookieName(), token, {
    httpOnly: true,
    secure: getEnv().COOKIE_SECURE,
    sameSite: "lax",
    path: "/",
    expires: expiresAt,
  });
}

export function blankSessionCookie(): string {
  return serialize(sessionCookieName(), "", {
    httpOnly: true,
    secure: getEnv().COOKIE_SECURE,
    sameSite: "lax",
    path: "/",
    maxAge: 0,
  });
}
