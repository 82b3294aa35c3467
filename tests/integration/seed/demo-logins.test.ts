/**
 * Every demo account the README and the quickstart print can log in with the documented password and has
 * the documented roles.
 */
import { readFileSync } from "node:fs";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { login } from "~/domain/accounts/accounts.server.ts";
import { seed } from "../../../prisma/seed.ts";
import { useTestDatabase } from "../../helpers/db.ts";
import { createRedis, useTestRedis } from "../../helpers/redis.ts";

type DemoAccount = { email: string; password: string; roles: string[] };
const accounts = JSON.parse(readFileSync("prisma/demo-accounts.json", "utf8")) as DemoAccount[];

const testDb = useTestDatabase();
const testRedis = useTestRedis();
let redis: Redis;

beforeAll(async () => {
  Object.assign(process.env, {
    NODE_ENV: "test",
    DATABASE_URL: testDb().url,
    REDIS_URL: testRedis.url,
    REDIS_PREFIX: testRedis.prefix,
    COOKIE_SECURE: "false",
    LOGIN_MAX_PER_IP: "1000",
  });
  redis = createRedis();
  await seed(testDb().prisma, { log: () => {} });
});

afterAll(() => redis?.disconnect());

describe("demo accounts", () => {
  it("covers every role", () => {
    const roles = new Set(accounts.flatMap((a) => a.roles));
    for (const role of ["citizen", "moderator", "directorate", "admin"]) expect(roles).toContain(role);
  });

  it.each(accounts.map((a) => [a.email, a] as const))(
    "%s logs in with the documented password",
    async (_e, account) => {
      const session = await login(
        { db: testDb().prisma, redis },
        { email: account.email, password: account.password },
        { ip: "198.51.100.7" },
      );
      expect(session.token).toMatch(/^[a-z2-7]{32}$/);
      const user = await testDb().prisma.user.findUniqueOrThrow({
        where: { email: account.email },
        select: { emailVerifiedAt: true, roles: { select: { role: true } } },
      });
      expect(user.emailVerifiedAt).not.toBeNull();
      expect(user.roles.map((r) => r.role).sort()).toEqual([...account.roles].sort());
    },
  );
});
