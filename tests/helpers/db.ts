/**
 * One database per test file, cloned from the migrated template (see global-setup.ts):
 *
 *   const db = useTestDatabase();
 *   it("…", async () => { await db().prisma.user.create(…) });
 */
import { randomBytes } from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { afterAll, beforeAll, inject } from "vitest";
import { PrismaClient } from "~/generated/prisma/client.ts";
import { describeServer, urlForDatabase } from "./pg-admin.ts";

export interface TestDatabase {
  /** Database name, t_<pid>_<random>. */
  name: string;
  /** Connection string of the new database (give it to the app as DATABASE_URL). */
  url: string;
  prisma: PrismaClient;
  /** Disconnects Prisma and drops the database, closing any other connection to it. */
  drop: () => Promise<void>;
}

function injected(): { adminUrl: string; template: string } {
  const template = inject("testTemplateDatabase");
  const adminUrl = inject("testAdminUrl");
  if (!template || !adminUrl) {
    throw new Error(
      "No test template database was provided: tests/helpers/db.ts works only in the `integration` and `e2e` " +
        "Vitest projects, whose globalSetup (tests/helpers/global-setup.ts) creates it.",
    );
  }
  return { adminUrl, template };
}

async function withAdmin<T>(adminUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5_000 });
  client.on("error", () => {});
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => {});
    throw new Error(`PostgreSQL not reachable at ${describeServer(adminUrl)}: ${(error as Error).message}`);
  }
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function createTestDatabase(): Promise<TestDatabase> {
  const { adminUrl, template } = injected();
  const name = `t_${process.pid}_${randomBytes(4).toString("hex")}`;
  await withAdmin(adminUrl, async (admin) => {
    for (let attempt = 1; ; attempt++) {
      try {
        await admin.query(
          `CREATE DATABASE ${admin.escapeIdentifier(name)} TEMPLATE ${admin.escapeIdentifier(template)}`,
        );
        return;
      } catch (error) {
        // 55006 object_in_use: "source database is being accessed by other users" — brief, retry.
        if ((error as { code?: string }).code !== "55006" || attempt >= 20) throw error;
        await sleep(50 * attempt);
      }
    }
  });

  const url = urlForDatabase(adminUrl, name);
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
  let dropped = false;
  const drop = async () => {
    if (dropped) return;
    dropped = true;
    await prisma.$disconnect().catch(() => {});
    await withAdmin(adminUrl, (admin) =>
      admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(name)} WITH (FORCE)`),
    );
  };
  return { name, url, prisma, drop };
}

/** Creates the file's database in beforeAll and drops it in afterAll; returns a getter for it. */
export function useTestDatabase(): () => TestDatabase {
  let db: TestDatabase | undefined;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });
  return () => {
    if (!db)
      throw new Error(
        "The test database exists only from beforeAll on: call the getter inside a test or hook.",
      );
    return db;
  };
}
