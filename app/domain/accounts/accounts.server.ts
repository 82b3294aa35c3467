import type { Redis } from "ioredis";
import { addOutboxEvent } from "~/domain/outbox/outbox.server.ts";
import { negotiateLocale, type Locale } from "~/i18n/i18n.ts";
import type { Db } from "~/utils/db.server.ts";
import { getEnv } from "~/utils/env.server.ts";
import { Invalid, RateLimited } from "~/utils/errors.server.ts";
import { newId } from "~/utils/ids.ts";
import { hitRateLimit } from "~/utils/rate-limit.server.ts";
import { redisKey } from "~/utils/redis.server.ts";
import {
  changePasswordSchema,
  eraseSchema,
  parseInput,
  forgotSchema,
  loginSchema,
  profileSchema,
  registerSchema,
  resetSchema,
} from "./accounts.schema.ts";
import { hashPassword, verifyAgainstDummy, verifyPassword } from "./password.server.ts";
import { createSession, generateToken, hashToken, invalidateAllSessions } from "./session.server.ts";

export const TERMS_VERSION = "2026-11";
export const PRIVACY_VERSION = "2026-11";
const HOUR_MS = 60 * 60 * 1000;

export type AccountsDeps = { db: Db; redis: Redis };

async function limit(redis: Redis, key: string, max: number): Promise<void> {
  const r = await hitRateLimit(redis, redisKey("rl", key), max, getEnv().RATE_WINDOW_SECONDS);
  if (!r.allowed) throw new RateLimited(r.retryAfterSeconds);
}

function url(path: string): string {
  return new URL(path, getEnv().APP_URL).toString();
}

async function queueMail(
  tx: Parameters<typeof addOutboxEvent>[0],
  to: string,
  template: string,
  locale: Locale,
  params: Record<string, string>,
): Promise<void> {
  await addOutboxEvent(tx, {
    key: `mail:${newId()}`,
    queue: "mail",
    name: "send",
    payload: { to, template, locale, params },
  });
}

/**
 * Registers an account. Known and unknown e-mails get the same answer and take the same work (a hash
 * and a transaction); a known address is told by e-mail that someone tried to register with it.
 */
export async function register(
  { db, redis }: AccountsDeps,
  input: Record<string, unknown>,
  ctx: { ip: string; locale: Locale },
): Promise<void> {
  await limit(redis, `register:ip:${ctx.ip}`, getEnv().REGISTER_MAX_PER_IP);
  const data = parseInput(registerSchema, input);
  await limit(redis, `register:acct:${hashToken(data.email)}`, getEnv().LOGIN_MAX_PER_ACCOUNT);
  const passwordHash = await hashPassword(data.password);
  await db.$transaction(async (tx) => {
    const existing = await tx.user.findUnique({ where: { email: data.email }, select: { id: true } });
    if (existing) {
      await queueMail(tx, data.email, "register_existing", ctx.locale, {
        loginUrl: url("/login"),
        resetUrl: url("/password/forgot"),
      });
      return;
    }
    const userId = newId();
    await tx.user.create({
      data: {
        id: userId,
        email: data.email,
        passwordHash,
        displayName: data.displayName,
        locale: ctx.locale,
        roles: { create: { role: "citizen" } },
        consents: {
          create: [
            { id: newId(), kind: "terms", version: TERMS_VERSION },
            { id: newId(), kind: "privacy", version: PRIVACY_VERSION },
          ],
        },
      },
    });
    const token = generateToken();
    await tx.emailVerificationToken.create({
      data: {
        id: hashToken(token),
        userId,
        email: data.email,
        expiresAt: new Date(Date.now() + 48 * HOUR_MS),
      },
    });
    await queueMail(tx, data.email, "verify_email", ctx.locale, {
      displayName: data.displayName,
      url: url(`/verify-email?token=${token}`),
    });
    await tx.auditLog.create({ data: { actorId: userId, action: "account.register", ip: ctx.ip } });
  });
}

export class LoginRefused extends Error {
  constructor(readonly messageKey: string) {
    super(messageKey);
  }
}

/**
 * Checks e-mail and password; rate limits come first, before any hashing. Unknown e-mails cost the
 * same as wrong passwords and get the same answer.
 */
export async function login(
  { db, redis }: AccountsDeps,
  input: Record<string, unknown>,
  ctx: { ip: string; previousSessionId?: string },
): Promise<{ token: string; expiresAt: Date; userId: string; locale: string }> {
  await limit(redis, `login:ip:${ctx.ip}`, getEnv().LOGIN_MAX_PER_IP);
  const data = parseInput(loginSchema, input);
  await limit(redis, `login:acct:${hashToken(data.email)}`, getEnv().LOGIN_MAX_PER_ACCOUNT);
  const user = await db.user.findUnique({
    where: { email: data.email },
    select: { id: true, passwordHash: true, erasedAt: true, locale: true },
  });
  const ok =
    user && user.passwordHash && !user.erasedAt
      ? await verifyPassword(user.passwordHash, data.password)
      : await verifyAgainstDummy(data.password);
  if (!ok || !user) throw new Invalid({}, "accounts.errors.badCredentials");
  const block = await db.userBlock.findFirst({
    where: { userId: user.id, liftedAt: null, OR: [{ endsAt: null }, { endsAt: { gt: new Date() } }] },
    orderBy: { startsAt: "desc" },
    select: { endsAt: true },
  });
  if (block) throw new Invalid({}, block.endsAt ? "accounts.errors.blockedUntil" : "accounts.errors.blocked");
  // A new token at every login: a session fixed before login never becomes authenticated.
  if (ctx.previousSessionId) await db.session.deleteMany({ where: { id: ctx.previousSessionId } });
  const session = await createSession(db, user.id);
  await db.auditLog.create({ data: { actorId: user.id, action: "account.login", ip: ctx.ip } });
  return { ...session, userId: user.id, locale: user.locale };
}

export async function verifyEmail(db: Db, token: string): Promise<boolean> {
  if (!/^[a-z2-7]{16,64}$/.test(token)) return false;
  return db.$transaction(async (tx) => {
    const row = await tx.emailVerificationToken.findUnique({ where: { id: hashToken(token) } });
    if (!row || row.usedAt || row.expiresAt < new Date()) return false;
    const user = await tx.user.findUnique({ where: { id: row.userId }, select: { email: true } });
    if (!user || user.email !== row.email) return false;
    await tx.emailVerificationToken.update({ where: { id: row.id }, data: { usedAt: new Date() } });
    await tx.user.update({ where: { id: row.userId }, data: { emailVerifiedAt: new Date() } });
    return true;
  });
}

/** Sends a reset link when the account exists; the caller answers the same either way. */
export async function requestPasswordReset(
  { db, redis }: AccountsDeps,
  input: Record<string, unknown>,
  ctx: { ip: string; locale: Locale },
): Promise<void> {
  await limit(redis, `reset:ip:${ctx.ip}`, getEnv().REGISTER_MAX_PER_IP);
  const data = parseInput(forgotSchema, input);
  await limit(redis, `reset:acct:${hashToken(data.email)}`, getEnv().LOGIN_MAX_PER_ACCOUNT);
  await db.$transaction(async (tx) => {
    const user = await tx.user.findUnique({
      where: { email: data.email },
      select: { id: true, displayName: true, locale: true, erasedAt: true },
    });
    if (!user || user.erasedAt) return;
    const token = generateToken();
    await tx.passwordResetToken.create({
      data: { id: hashToken(token), userId: user.id, expiresAt: new Date(Date.now() + HOUR_MS) },
    });
    await queueMail(tx, data.email, "reset_password", negotiateLocale(user.locale, ctx.locale), {
      displayName: user.displayName,
      url: url(`/password/reset?token=${token}`),
    });
  });
}

export async function isResetTokenValid(db: Db, token: string): Promise<boolean> {
  if (!/^[a-z2-7]{16,64}$/.test(token)) return false;
  const row = await db.passwordResetToken.findUnique({ where: { id: hashToken(token) } });
  return !!row && !row.usedAt && row.expiresAt > new Date();
}

/** Sets a new password from an e-mailed token; every session of the account ends. */
export async function resetPassword(db: Db, input: Record<string, unknown>): Promise<void> {
  const data = parseInput(resetSchema, input);
  const passwordHash = await hashPassword(data.password);
  await db.$transaction(async (tx) => {
    const row = await tx.passwordResetToken.findUnique({ where: { id: hashToken(data.token) } });
    if (!row || row.usedAt || row.expiresAt < new Date()) {
      throw new Invalid({}, "accounts.errors.resetTokenInvalid");
    }
    await tx.passwordResetToken.update({ where: { id: row.id }, data: { usedAt: new Date() } });
    const user = await tx.user.update({
      where: { id: row.userId },
      // Receiving the link proves control of the address.
      data: { passwordHash, emailVerifiedAt: new Date() },
      select: { email: true, displayName: true, locale: true },
    });
    await invalidateAllSessions(tx, row.userId);
    await queueMail(tx, user.email, "password_changed", negotiateLocale(user.locale), {
      displayName: user.displayName,
    });
    await tx.auditLog.create({ data: { actorId: row.userId, action: "account.password_reset" } });
  });
}

/** Changes the password, ends every session and opens a fresh one for this device. */
export async function changePassword(
  db: Db,
  userId: string,
  input: Record<string, unknown>,
): Promise<{ token: string; expiresAt: Date }> {
  const data = parseInput(changePasswordSchema, input);
  const user = await db.user.findUniqueOrThrow({
    where: { id: userId },
    select: { passwordHash: true, email: true, displayName: true, locale: true },
  });
  if (!user.passwordHash || !(await verifyPassword(user.passwordHash, data.currentPassword))) {
    throw new Invalid({ currentPassword: "accounts.errors.currentPasswordWrong" });
  }
  const passwordHash = await hashPassword(data.password);
  return db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: userId }, data: { passwordHash } });
    await invalidateAllSessions(tx, userId);
    await queueMail(tx, user.email, "password_changed", negotiateLocale(user.locale), {
      displayName: user.displayName,
    });
    await tx.auditLog.create({ data: { actorId: userId, action: "account.password_change" } });
    return createSession(tx, userId);
  });
}

export async function updateProfile(db: Db, userId: string, input: Record<string, unknown>): Promise<void> {
  const data = parseInput(profileSchema, input);
  await db.user.update({ where: { id: userId }, data });
}

export async function logoutEverywhere(db: Db, userId: string): Promise<void> {
  await invalidateAllSessions(db, userId);
  await db.auditLog.create({ data: { actorId: userId, action: "account.logout_everywhere" } });
}

/**
 * Right of access: everything we hold about the user, as JSON.
 */
export async function exportUserData(db: Db, userId: string) {
  const user = await db.user.findUniqueOrThrow({
    where: { id: userId },
    select: {
      id: true,
      email: true,
      emailVerifiedAt: true,
      displayName: true,
      locale: true,
      digest: true,
      createdAt: true,
      updatedAt: true,
      roles: { select: { role: true, grantedAt: true } },
      consents: { select: { kind: true, version: true, acceptedAt: true } },
      sessions: { select: { createdAt: true, expiresAt: true } },
      organisations: { select: { since: true, organisation: { select: { name: true } } } },
      committees: { select: { role: true, since: true, committee: { select: { name: true } } } },
      submissions: {
        select: {
          id: true,
          consultationId: true,
          kind: true,
          title: true,
          bodyText: true,
          status: true,
          createdAt: true,
          editedAt: true,
          withdrawalReason: true,
        },
      },
      comments: {
        select: {
          id: true,
          submissionId: true,
          articleId: true,
          body: true,
          alignment: true,
          createdAt: true,
        },
      },
      supports: { select: { submissionId: true, createdAt: true } },
      commentVotes: { select: { commentId: true, value: true, createdAt: true } },
      questions: { select: { id: true, sessionId: true, text: true, status: true, createdAt: true } },
      questionVotes: { select: { questionId: true, createdAt: true } },
      pollBallots: { select: { pollId: true, createdAt: true, choices: { select: { optionId: true } } } },
      sessionInterests: { select: { sessionId: true, createdAt: true } },
      follows: { select: { targetType: true, targetId: true, createdAt: true } },
      notifications: { select: { type: true, payload: true, readAt: true, createdAt: true } },
      flags: { select: { targetType: true, targetId: true, reason: true, text: true, createdAt: true } },
      appeals: { select: { actionId: true, text: true, status: true, createdAt: true } },
      blocks: { select: { reason: true, startsAt: true, endsAt: true, liftedAt: true } },
      auditEntries: { select: { action: true, ip: true, createdAt: true } },
    },
  });
  return { exportedAt: new Date().toISOString(), format: "synochi-user-export/1", user };
}

/**
 * Erasure: personal data removed in one transaction; content stays under "deleted participant"
 * where the consultation record needs it.
 */
export async function eraseAccount(db: Db, userId: string, input: Record<string, unknown>): Promise<void> {
  const data = parseInput(eraseSchema, input);
  const user = await db.user.findUniqueOrThrow({
    where: { id: userId },
    select: { passwordHash: true, email: true, locale: true },
  });
  if (!user.passwordHash || !(await verifyPassword(user.passwordHash, data.password))) {
    throw new Invalid({ password: "accounts.errors.currentPasswordWrong" });
  }
  await db.$transaction(async (tx) => {
    await queueMail(tx, user.email, "account_erased", negotiateLocale(user.locale), {});
    await tx.session.deleteMany({ where: { userId } });
    await tx.emailVerificationToken.deleteMany({ where: { userId } });
    await tx.passwordResetToken.deleteMany({ where: { userId } });
    await tx.follow.deleteMany({ where: { userId } });
    await tx.notification.deleteMany({ where: { userId } });
    await tx.sessionInterest.deleteMany({ where: { userId } });
    await tx.organisationMember.deleteMany({ where: { userId } });
    await tx.committeeMember.deleteMany({ where: { userId } });
    await tx.userRole.deleteMany({ where: { userId } });
    await tx.auditLog.updateMany({ where: { actorId: userId }, data: { ip: null } });
    await tx.user.update({
      where: { id: userId },
      data: {
        email: `erased-${userId}@invalid`,
        displayName: "",
        passwordHash: null,
        emailVerifiedAt: null,
        digest: "none",
        erasedAt: new Date(),
      },
    });
    await tx.auditLog.create({ data: { actorId: userId, action: "account.erase" } });
  });
}

export async function setUserLocale(db: Db, userId: string, locale: Locale): Promise<void> {
  await db.user.update({ where: { id: userId }, data: { locale } });
}

export async function getAccountOverview(db: Db, userId: string) {
  const user = await db.user.findUniqueOrThrow({
    where: { id: userId },
    select: {
      email: true,
      displayName: true,
      locale: true,
      digest: true,
      createdAt: true,
      emailVerifiedAt: true,
      roles: { select: { role: true } },
      committees: { select: { role: true, committee: { select: { name: true } } } },
      _count: { select: { sessions: { where: { expiresAt: { gt: new Date() } } } } },
    },
  });
  return {
    email: user.email,
    displayName: user.displayName,
    locale: user.locale,
    digest: user.digest,
    createdAt: user.createdAt.toISOString(),
    emailVerified: !!user.emailVerifiedAt,
    roles: user.roles.map((r) => r.role),
    committees: user.committees.map((c) => ({ name: c.committee.name, role: c.role })),
    activeSessions: user._count.sessions,
  };
}
