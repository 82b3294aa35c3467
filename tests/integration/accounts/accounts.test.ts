/**
 * The accounts domain against a real PostgreSQL (own database) and Redis (own key prefix): registration,
 * login (same answer and cost for unknown e-mails and wrong passwords, rate limits before hashing, session
 * rotation, blocks), e-mail verification, password reset and change, logout everywhere, export and erasure.
 */
import { performance } from "node:perf_hooks";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  PRIVACY_VERSION,
  TERMS_VERSION,
  changePassword,
  eraseAccount,
  exportUserData,
  login,
  logoutEverywhere,
  register,
  requestPasswordReset,
  resetPassword,
  verifyEmail,
} from "~/domain/accounts/accounts.server.ts";
import { hashPassword } from "~/domain/accounts/password.server.ts";
import { createSession, hashToken } from "~/domain/accounts/session.server.ts";
import type { Role } from "~/generated/prisma/client.ts";
import { Invalid, RateLimited } from "~/utils/errors.server.ts";
import { newId } from "~/utils/ids.ts";
import { useTestDatabase } from "../../helpers/db.ts";
import { createRedis, useTestRedis } from "../../helpers/redis.ts";

const testDb = useTestDatabase();
const testRedis = useTestRedis();

const LOGIN_MAX_PER_ACCOUNT = 3;
const LOGIN_MAX_PER_IP = 4;
const APP_URL = "http://synochi.test";

let redis: Redis;
const deps = () => ({ db: testDb().prisma, redis });
const prisma = () => testDb().prisma;

beforeAll(() => {
  // getEnv() reads process.env once, on its first call (no app module calls it at import time).
  Object.assign(process.env, {
    NODE_ENV: "test",
    DATABASE_URL: testDb().url,
    REDIS_URL: testRedis.url,
    REDIS_PREFIX: testRedis.prefix,
    APP_URL,
    COOKIE_SECURE: "false",
    LOGIN_MAX_PER_ACCOUNT: String(LOGIN_MAX_PER_ACCOUNT),
    LOGIN_MAX_PER_IP: String(LOGIN_MAX_PER_IP),
    REGISTER_MAX_PER_IP: "1000",
    RATE_WINDOW_SECONDS: "900",
  });
  redis = createRedis();
});

afterAll(() => {
  redis?.disconnect();
});

// ───────────────────────────── helpers ─────────────────────────────

let ipCounter = 0;
/** A fresh client address, so one test's per-IP counters never touch another's. */
function freshIp(): string {
  ipCounter += 1;
  return `198.51.${Math.floor(ipCounter / 250)}.${(ipCounter % 250) + 1}`;
}

const hashes = new Map<string, Promise<string>>();
function hashFor(password: string): Promise<string> {
  let h = hashes.get(password);
  if (!h) {
    h = hashPassword(password);
    hashes.set(password, h);
  }
  return h;
}

const PASSWORD = "correct horse battery";

async function makeUser(
  opts: { password?: string; roles?: Role[]; email?: string; verified?: boolean } = {},
) {
  const id = newId();
  const email = opts.email ?? `user-${id}@example.org`;
  await prisma().user.create({
    data: {
      id,
      email,
      displayName: `Χρήστης ${id.slice(0, 6)}`,
      passwordHash: await hashFor(opts.password ?? PASSWORD),
      emailVerifiedAt: opts.verified === false ? null : new Date(),
      roles: { create: (opts.roles ?? ["citizen"]).map((role) => ({ role })) },
    },
  });
  return { id, email, password: opts.password ?? PASSWORD };
}

/** Outbox rows of the `mail` queue addressed to `to`, oldest first. */
async function mailsTo(to: string) {
  const rows = await prisma().outboxEvent.findMany({ where: { queue: "mail" }, orderBy: { id: "asc" } });
  return rows
    .map((r) => ({
      ...r,
      payload: r.payload as { to: string; template: string; locale: string; params: Record<string, string> },
    }))
    .filter((r) => r.payload.to === to);
}

function tokenFromUrl(url: string): string {
  const token = new URL(url).searchParams.get("token");
  if (!token) throw new Error(`No token in ${url}`);
  return token;
}

/** Runs `fn`, which must throw; returns what it threw. */
async function caught(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error("Expected the call to throw, but it resolved");
}

async function expectInvalid(fn: () => Promise<unknown>, messageKey: string): Promise<Invalid> {
  const error = await caught(fn);
  expect(error).toBeInstanceOf(Invalid);
  expect((error as Invalid).messageKey).toBe(messageKey);
  return error as Invalid;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn().catch(() => {});
  return performance.now() - start;
}

const registration = (email: string, extra: Record<string, unknown> = {}) => ({
  email,
  displayName: "Μαρία Π.",
  password: PASSWORD,
  acceptTerms: "on",
  acceptPrivacy: "on",
  ...extra,
});

async function sessionIdsOf(userId: string): Promise<string[]> {
  return (await prisma().session.findMany({ where: { userId }, select: { id: true } }))
    .map((s) => s.id)
    .sort();
}

// ───────────────────────────── registration ─────────────────────────────

describe("register", () => {
  it("creates an unverified citizen with versioned consents, a verification token and a verify_email outbox row", async () => {
    const email = `new-${newId()}@example.org`;
    await register(deps(), registration(`  ${email.toUpperCase()} `), { ip: freshIp(), locale: "el" });

    const user = await prisma().user.findUnique({
      where: { email },
      include: { roles: true, consents: true, emailTokens: true },
    });
    expect(user).not.toBeNull();
    expect(user!.emailVerifiedAt).toBeNull();
    expect(user!.erasedAt).toBeNull();
    expect(user!.displayName).toBe("Μαρία Π.");
    expect(user!.locale).toBe("el");
    expect(user!.passwordHash).toMatch(/^\$argon2id\$/);
    expect(user!.passwordHash).not.toContain(PASSWORD);
    expect(user!.roles.map((r) => r.role)).toEqual(["citizen"]);
    expect(user!.consents.map((c) => [c.kind, c.version]).sort()).toEqual([
      ["privacy", PRIVACY_VERSION],
      ["terms", TERMS_VERSION],
    ]);
    expect(user!.emailTokens).toHaveLength(1);
    const [tokenRow] = user!.emailTokens;
    expect(tokenRow.email).toBe(email);
    expect(tokenRow.usedAt).toBeNull();
    expect(tokenRow.expiresAt.getTime()).toBeGreaterThan(Date.now());

    const mails = await mailsTo(email);
    expect(mails.map((m) => m.payload.template)).toEqual(["verify_email"]);
    const link = mails[0].payload.params.url;
    expect(link.startsWith(`${APP_URL}/verify-email?token=`)).toBe(true);
    // The e-mailed token is stored only as its hash.
    expect(hashToken(tokenFromUrl(link))).toBe(tokenRow.id);
  });

  it("writes the user and its e-mail in one transaction: a failing outbox insert leaves no user behind", async () => {
    const db = prisma();
    await db.$executeRawUnsafe(
      `CREATE OR REPLACE FUNCTION test_refuse_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'outbox refused by test'; END $$`,
    );
    await db.$executeRawUnsafe(
      `CREATE TRIGGER test_refuse_outbox BEFORE INSERT ON "OutboxEvent" FOR EACH ROW EXECUTE FUNCTION test_refuse_outbox()`,
    );
    const email = `rollback-${newId()}@example.org`;
    try {
      await expect(register(deps(), registration(email), { ip: freshIp(), locale: "el" })).rejects.toThrow(
        /outbox refused by test/,
      );
    } finally {
      await db.$executeRawUnsafe(`DROP TRIGGER test_refuse_outbox ON "OutboxEvent"`);
    }
    expect(await db.user.count({ where: { email } })).toBe(0);
    expect(await db.emailVerificationToken.count({ where: { email } })).toBe(0);
  });

  it("creates no user for an existing e-mail and queues a register_existing mail instead", async () => {
    const existing = await makeUser();
    const usersBefore = await prisma().user.count();
    const tokensBefore = await prisma().emailVerificationToken.count();

    await register(deps(), registration(existing.email, { displayName: "Άλλος" }), {
      ip: freshIp(),
      locale: "en",
    });

    expect(await prisma().user.count()).toBe(usersBefore);
    expect(await prisma().emailVerificationToken.count()).toBe(tokensBefore);
    const user = await prisma().user.findUniqueOrThrow({ where: { id: existing.id } });
    expect(user.passwordHash).toBe(await hashFor(existing.password)); // untouched
    const mails = await mailsTo(existing.email);
    expect(mails.map((m) => [m.payload.template, m.payload.locale])).toEqual([["register_existing", "en"]]);
    expect(mails[0].payload.params).toEqual({
      loginUrl: `${APP_URL}/login`,
      resetUrl: `${APP_URL}/password/forgot`,
    });
  });

  it("refuses registration without the accepted terms and privacy notice", async () => {
    const email = `noconsent-${newId()}@example.org`;
    const error = await expectInvalid(
      () =>
        register(deps(), registration(email, { acceptTerms: undefined, acceptPrivacy: "" }), {
          ip: freshIp(),
          locale: "el",
        }),
      "errors.invalid",
    );
    expect(error.fieldErrors).toMatchObject({
      acceptTerms: "accounts.errors.acceptTerms",
      acceptPrivacy: "accounts.errors.acceptPrivacy",
    });
    // Leaving the fields out altogether is no way around them.
    const { acceptTerms: _t, acceptPrivacy: _p, ...withoutConsents } = registration(email);
    const omitted = await expectInvalid(
      () => register(deps(), withoutConsents, { ip: freshIp(), locale: "el" }),
      "errors.invalid",
    );
    expect(omitted.fieldErrors).toMatchObject({
      acceptTerms: "accounts.errors.acceptTerms",
      acceptPrivacy: "accounts.errors.acceptPrivacy",
    });
    expect(await prisma().user.count({ where: { email } })).toBe(0);
  });
});

// ───────────────────────────── login ─────────────────────────────

describe("login", () => {
  it("gives a wrong password and an unknown e-mail the same error", async () => {
    const user = await makeUser();
    const wrong = await expectInvalid(
      () => login(deps(), { email: user.email, password: "not the password" }, { ip: freshIp() }),
      "accounts.errors.badCredentials",
    );
    const unknown = await expectInvalid(
      () =>
        login(
          deps(),
          { email: `nobody-${newId()}@example.org`, password: "not the password" },
          { ip: freshIp() },
        ),
      "accounts.errors.badCredentials",
    );
    expect(unknown.status).toBe(wrong.status);
    expect(unknown.fieldErrors).toEqual(wrong.fieldErrors);
    expect(unknown.message).toBe(wrong.message);
    expect(await prisma().session.count({ where: { userId: user.id } })).toBe(0);
  });

  it("takes about as long for an unknown e-mail as for a wrong password (both verify an argon2 hash)", async () => {
    const RUNS = 10;
    const users = await Promise.all(Array.from({ length: RUNS + 1 }, () => makeUser()));
    const attemptWrong = (email: string) =>
      login(deps(), { email, password: "wrong password!" }, { ip: freshIp() });
    const attemptUnknown = () =>
      login(
        deps(),
        { email: `ghost-${newId()}@example.org`, password: "wrong password!" },
        { ip: freshIp() },
      );
    // Warm up both paths (the dummy hash is made on first use, connections are opened).
    await timed(() => attemptWrong(users[RUNS].email));
    await timed(attemptUnknown);

    const wrong: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      // Interleaved, so a burst of load elsewhere hits both series alike.
      wrong.push(await timed(() => attemptWrong(users[i].email)));
      unknown.push(await timed(attemptUnknown));
    }
    const ratio = median(unknown) / median(wrong);
    expect(
      ratio,
      `median unknown-e-mail ${median(unknown).toFixed(1)} ms vs wrong-password ${median(wrong).toFixed(1)} ms`,
    ).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });

  it("refuses the right password after LOGIN_MAX_PER_ACCOUNT failures, from any address, without hashing", async () => {
    const user = await makeUser();
    for (let i = 0; i < LOGIN_MAX_PER_ACCOUNT; i++) {
      await expectInvalid(
        () => login(deps(), { email: user.email, password: `wrong ${i} password` }, { ip: freshIp() }),
        "accounts.errors.badCredentials",
      );
    }
    // What a real check costs here (one argon2 verify), for comparison.
    const other = await makeUser();
    const checked: number[] = [];
    for (let i = 0; i < 3; i++) {
      checked.push(
        await timed(() =>
          login(deps(), { email: other.email, password: "wrong password!" }, { ip: freshIp() }),
        ),
      );
    }

    const refusedTimes: number[] = [];
    for (let i = 0; i < 3; i++) {
      const start = performance.now();
      // The right password, each time from a new address: the limit is per account.
      const error = await caught(() =>
        login(deps(), { email: user.email, password: user.password }, { ip: freshIp() }),
      );
      refusedTimes.push(performance.now() - start);
      expect(error).toBeInstanceOf(RateLimited);
      expect((error as RateLimited).status).toBe(429);
      expect((error as RateLimited).retryAfterSeconds).toBeGreaterThan(0);
      expect((error as RateLimited).retryAfterSeconds).toBeLessThanOrEqual(900);
    }
    const refused = median(refusedTimes);
    expect(refused, `refusal took ${refused.toFixed(1)} ms (median)`).toBeLessThan(20);
    expect(
      refused,
      `refusal ${refused.toFixed(1)} ms vs a checked login ${median(checked).toFixed(1)} ms`,
    ).toBeLessThan(median(checked) / 2);
    expect(await prisma().session.count({ where: { userId: user.id } })).toBe(0);
  });

  it("refuses any login from one address after LOGIN_MAX_PER_IP attempts", async () => {
    const ip = freshIp();
    const user = await makeUser();
    for (let i = 0; i < LOGIN_MAX_PER_IP; i++) {
      await expectInvalid(
        () => login(deps(), { email: `ip-${i}-${newId()}@example.org`, password: "whatever pass" }, { ip }),
        "accounts.errors.badCredentials",
      );
    }
    expect(
      await caught(() => login(deps(), { email: user.email, password: user.password }, { ip })),
    ).toBeInstanceOf(RateLimited);
    // Another address is not affected.
    const ok = await login(deps(), { email: user.email, password: user.password }, { ip: freshIp() });
    expect(ok.userId).toBe(user.id);
  });

  it("opens a new session and deletes the previous session id passed in (no session fixation)", async () => {
    const user = await makeUser();
    const first = await login(
      deps(),
      { email: user.email.toUpperCase(), password: user.password },
      { ip: freshIp() },
    );
    expect(first.userId).toBe(user.id);
    expect(first.token).toMatch(/^[a-z2-7]{32}$/);
    expect(first.expiresAt.getTime()).toBeGreaterThan(Date.now() + 29 * 24 * 3600 * 1000);
    expect(await sessionIdsOf(user.id)).toEqual([hashToken(first.token)]);

    // An unrelated session of the same user survives.
    const otherDevice = await createSession(prisma(), user.id);
    const second = await login(
      deps(),
      { email: user.email, password: user.password },
      { ip: freshIp(), previousSessionId: hashToken(first.token) },
    );
    expect(second.token).not.toBe(first.token);
    expect(await sessionIdsOf(user.id)).toEqual(
      [hashToken(second.token), hashToken(otherDevice.token)].sort(),
    );
  });

  it("refuses a blocked user with accounts.errors.blocked and opens no session", async () => {
    const moderator = await makeUser({ roles: ["moderator"] });
    const user = await makeUser();
    await prisma().userBlock.create({
      data: { id: newId(), userId: user.id, moderatorId: moderator.id, reason: "spam" },
    });
    await expectInvalid(
      () => login(deps(), { email: user.email, password: user.password }, { ip: freshIp() }),
      "accounts.errors.blocked",
    );
    expect(await prisma().session.count({ where: { userId: user.id } })).toBe(0);
  });

  it("tells a temporarily blocked user until when, and lets a user in once the block is lifted or over", async () => {
    const moderator = await makeUser({ roles: ["moderator"] });
    const temporary = await makeUser();
    await prisma().userBlock.create({
      data: {
        id: newId(),
        userId: temporary.id,
        moderatorId: moderator.id,
        reason: "spam",
        endsAt: new Date(Date.now() + 3600_000),
      },
    });
    await expectInvalid(
      () => login(deps(), { email: temporary.email, password: temporary.password }, { ip: freshIp() }),
      "accounts.errors.blockedUntil",
    );

    const lifted = await makeUser();
    await prisma().userBlock.createMany({
      data: [
        {
          id: newId(),
          userId: lifted.id,
          moderatorId: moderator.id,
          reason: "x",
          liftedAt: new Date(),
          liftedById: moderator.id,
        },
        {
          id: newId(),
          userId: lifted.id,
          moderatorId: moderator.id,
          reason: "y",
          endsAt: new Date(Date.now() - 1000),
        },
      ],
    });
    const session = await login(
      deps(),
      { email: lifted.email, password: lifted.password },
      { ip: freshIp() },
    );
    expect(session.userId).toBe(lifted.id);
  });
});

// ───────────────────────────── e-mail verification ─────────────────────────────

describe("verifyEmail", () => {
  it("verifies the address once; the same link does not work twice", async () => {
    const email = `verify-${newId()}@example.org`;
    await register(deps(), registration(email), { ip: freshIp(), locale: "el" });
    const [mail] = await mailsTo(email);
    const token = tokenFromUrl(mail.payload.params.url);

    expect(await verifyEmail(prisma(), "a".repeat(32))).toBe(false); // well-formed but unknown
    expect(await verifyEmail(prisma(), "not a token")).toBe(false);
    expect((await prisma().user.findUniqueOrThrow({ where: { email } })).emailVerifiedAt).toBeNull();

    expect(await verifyEmail(prisma(), token)).toBe(true);
    const verifiedAt = (await prisma().user.findUniqueOrThrow({ where: { email } })).emailVerifiedAt;
    expect(verifiedAt).toBeInstanceOf(Date);

    expect(await verifyEmail(prisma(), token)).toBe(false);
    expect((await prisma().user.findUniqueOrThrow({ where: { email } })).emailVerifiedAt).toEqual(verifiedAt);
  });
});

// ───────────────────────────── password reset and change ─────────────────────────────

describe("password reset", () => {
  it("sends a link for known addresses only; the token works once, sets the password and ends every session", async () => {
    const user = await makeUser({ verified: false });
    const unknown = `nobody-${newId()}@example.org`;
    await requestPasswordReset(deps(), { email: unknown }, { ip: freshIp(), locale: "el" });
    expect(await mailsTo(unknown)).toEqual([]);

    await requestPasswordReset(deps(), { email: user.email }, { ip: freshIp(), locale: "el" });
    const mails = await mailsTo(user.email);
    expect(mails.map((m) => m.payload.template)).toEqual(["reset_password"]);
    const token = tokenFromUrl(mails[0].payload.params.url);
    expect(mails[0].payload.params.url.startsWith(`${APP_URL}/password/reset?token=`)).toBe(true);

    await createSession(prisma(), user.id);
    await createSession(prisma(), user.id);
    expect(await prisma().session.count({ where: { userId: user.id } })).toBe(2);

    const newPassword = "a brand new passphrase";
    await resetPassword(prisma(), { token, password: newPassword });

    expect(await prisma().session.count({ where: { userId: user.id } })).toBe(0);
    const after = await prisma().user.findUniqueOrThrow({ where: { id: user.id } });
    expect(after.emailVerifiedAt).toBeInstanceOf(Date); // the link proved control of the address
    expect((await mailsTo(user.email)).map((m) => m.payload.template)).toEqual([
      "reset_password",
      "password_changed",
    ]);

    await expectInvalid(
      () => resetPassword(prisma(), { token, password: "yet another passphrase" }),
      "accounts.errors.resetTokenInvalid",
    );
    await expectInvalid(
      () => login(deps(), { email: user.email, password: user.password }, { ip: freshIp() }),
      "accounts.errors.badCredentials",
    );
    const session = await login(deps(), { email: user.email, password: newPassword }, { ip: freshIp() });
    expect(session.userId).toBe(user.id);
  });

  it("refuses an unknown reset token", async () => {
    await expectInvalid(
      () => resetPassword(prisma(), { token: "b".repeat(32), password: "a brand new passphrase" }),
      "accounts.errors.resetTokenInvalid",
    );
  });
});

describe("changePassword", () => {
  it("needs the current password, ends every other session and returns a new one", async () => {
    const user = await makeUser();
    const a = await createSession(prisma(), user.id);
    const b = await createSession(prisma(), user.id);

    const wrong = await caught(() =>
      changePassword(prisma(), user.id, { currentPassword: "not it at all", password: "a new passphrase" }),
    );
    expect(wrong).toBeInstanceOf(Invalid);
    expect((wrong as Invalid).fieldErrors).toEqual({
      currentPassword: "accounts.errors.currentPasswordWrong",
    });
    expect(await sessionIdsOf(user.id)).toEqual([hashToken(a.token), hashToken(b.token)].sort());

    const fresh = await changePassword(prisma(), user.id, {
      currentPassword: user.password,
      password: "a new passphrase",
    });
    expect(fresh.token).not.toBe(a.token);
    expect(await sessionIdsOf(user.id)).toEqual([hashToken(fresh.token)]);
    await expectInvalid(
      () => login(deps(), { email: user.email, password: user.password }, { ip: freshIp() }),
      "accounts.errors.badCredentials",
    );
    expect(
      (await login(deps(), { email: user.email, password: "a new passphrase" }, { ip: freshIp() })).userId,
    ).toBe(user.id);
  });
});

describe("logoutEverywhere", () => {
  it("deletes every session of the user and no one else's", async () => {
    const user = await makeUser();
    const bystander = await makeUser();
    await createSession(prisma(), user.id);
    await createSession(prisma(), user.id);
    const kept = await createSession(prisma(), bystander.id);

    await logoutEverywhere(prisma(), user.id);

    expect(await prisma().session.count({ where: { userId: user.id } })).toBe(0);
    expect(await sessionIdsOf(bystander.id)).toEqual([hashToken(kept.token)]);
    expect(
      await prisma().auditLog.count({ where: { actorId: user.id, action: "account.logout_everywhere" } }),
    ).toBe(1);
  });
});

// ───────────────────────────── export and erasure ─────────────────────────────

async function makeContent(authorId: string) {
  const consultationId = newId();
  const submissionId = newId();
  await prisma().consultation.create({
    data: {
      id: consultationId,
      slug: `c-${consultationId}`,
      title: "Στέγαση ευάλωτων ομάδων",
      summary: "Περίληψη",
      bodyJson: {},
      bodyHtml: "<p>Κείμενο</p>",
      phase: "open",
      createdById: authorId,
    },
  });
  await prisma().submission.create({
    data: {
      id: submissionId,
      consultationId,
      authorId,
      kind: "proposal",
      title: "Περισσότερες κοινωνικές κατοικίες",
      bodyJson: {},
      bodyHtml: "<p>Πρόταση</p>",
      bodyText: "Πρόταση για κοινωνικές κατοικίες",
    },
  });
  return { consultationId, submissionId };
}

describe("exportUserData", () => {
  it("contains the user's own data and submissions, and nobody else's", async () => {
    const user = await makeUser();
    const other = await makeUser();
    const mine = await makeContent(user.id);
    const theirs = await makeContent(other.id);

    const exported = await exportUserData(prisma(), user.id);
    const json = JSON.parse(JSON.stringify(exported)); // it is served as JSON
    expect(json.format).toBe("synochi-user-export/1");
    expect(json.user.id).toBe(user.id);
    expect(json.user.email).toBe(user.email);
    expect(json.user.roles.map((r: { role: string }) => r.role)).toEqual(["citizen"]);
    expect(json.user.submissions).toEqual([
      expect.objectContaining({
        id: mine.submissionId,
        consultationId: mine.consultationId,
        title: "Περισσότερες κοινωνικές κατοικίες",
        bodyText: "Πρόταση για κοινωνικές κατοικίες",
      }),
    ]);
    expect(JSON.stringify(json)).not.toContain(theirs.submissionId);
    expect(JSON.stringify(json)).not.toContain("passwordHash");
    expect(JSON.stringify(json)).not.toContain("$argon2");
  });
});

describe("eraseAccount", () => {
  it("removes personal data but keeps the user's content, and the old e-mail no longer logs in", async () => {
    const user = await makeUser({ roles: ["citizen", "moderator"] });
    const content = await makeContent(user.id);
    await prisma().follow.create({
      data: { id: newId(), userId: user.id, targetType: "consultation", targetId: content.consultationId },
    });
    await createSession(prisma(), user.id);
    await createSession(prisma(), user.id);

    await expectInvalid(() => eraseAccount(prisma(), user.id, { password: user.password }), "errors.invalid"); // no confirm
    const wrong = await caught(() =>
      eraseAccount(prisma(), user.id, { password: "not the password", confirm: "on" }),
    );
    expect((wrong as Invalid).fieldErrors).toEqual({ password: "accounts.errors.currentPasswordWrong" });
    expect((await prisma().user.findUniqueOrThrow({ where: { id: user.id } })).erasedAt).toBeNull();

    await eraseAccount(prisma(), user.id, { password: user.password, confirm: "on" });

    const erased = await prisma().user.findUniqueOrThrow({ where: { id: user.id } });
    expect(erased.email).not.toBe(user.email);
    expect(erased.email).toMatch(/@invalid$/);
    expect(erased.email).not.toContain("example.org");
    expect(erased.displayName).toBe("");
    expect(erased.passwordHash).toBeNull();
    expect(erased.emailVerifiedAt).toBeNull();
    expect(erased.erasedAt).toBeInstanceOf(Date);
    expect(await prisma().user.count({ where: { email: user.email } })).toBe(0);
    expect(await prisma().session.count({ where: { userId: user.id } })).toBe(0);
    expect(await prisma().userRole.count({ where: { userId: user.id } })).toBe(0);
    expect(await prisma().follow.count({ where: { userId: user.id } })).toBe(0);

    // Content stays, attributed to the (now anonymous) account.
    const submission = await prisma().submission.findUniqueOrThrow({ where: { id: content.submissionId } });
    expect(submission.authorId).toBe(user.id);
    expect(submission.title).toBe("Περισσότερες κοινωνικές κατοικίες");
    expect(await prisma().consultation.count({ where: { id: content.consultationId } })).toBe(1);

    expect((await mailsTo(user.email)).map((m) => m.payload.template)).toContain("account_erased");
    await expectInvalid(
      () => login(deps(), { email: user.email, password: user.password }, { ip: freshIp() }),
      "accounts.errors.badCredentials",
    );
  });
});
