/**
 * Vitest globalSetup of the integration and e2e projects: makes sure a migrated template database
 * `synochi_tpl_<hash of the migrations>` exists, and provides its name to the test files, which clone it
 * (tests/helpers/db.ts). The template is reused across runs while the migrations are unchanged.
 */
import pg from "pg";
import type { TestProject } from "vitest/node";
import { DEFAULT_MIGRATIONS_DIR, migrate, migrationsHash } from "../../scripts/migrate.ts";
import { describeServer, testAdminUrl, urlForDatabase } from "./pg-admin.ts";

declare module "vitest" {
  interface ProvidedContext {
    /** Name of the migrated template database to clone with CREATE DATABASE … TEMPLATE. */
    testTemplateDatabase: string;
    /** Connection string of the test server's maintenance database (for CREATE/DROP DATABASE). */
    testAdminUrl: string;
    /** The migrations folder the template was built from (TEST_MIGRATIONS_DIR, default prisma/migrations). */
    testMigrationsDir: string;
  }
}

/** Serialises template creation between concurrent test runs on one server. */
const TEMPLATE_LOCK_KEY = 0x53594e4f; // "SYNO"

/** Only the harness's own checks point this elsewhere; everything else uses prisma/migrations. */
export function testMigrationsDir(): string {
  return process.env.TEST_MIGRATIONS_DIR || DEFAULT_MIGRATIONS_DIR;
}

export function templateName(migrationsDir: string = testMigrationsDir()): string {
  return `synochi_tpl_${migrationsHash(migrationsDir).slice(0, 12)}`;
}

async function connectAdmin(adminUrl: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5_000 });
  client.on("error", () => {});
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => {});
    throw new Error(
      `PostgreSQL not reachable at ${describeServer(adminUrl)} (TEST_DATABASE_URL): ${(error as Error).message}.\n` +
        `Start PostgreSQL, set TEST_DATABASE_URL, or run the tests with \`npm test\`, which starts a throwaway server when none answers.`,
    );
  }
  return client;
}

/** Drops test databases left behind by runs that crashed: named t_<pid>_…, their pid gone, nobody connected. */
async function dropAbandonedTestDatabases(admin: pg.Client, adminUrl: string): Promise<void> {
  const host = new URL(adminUrl).hostname;
  if (!["127.0.0.1", "localhost", "::1", "[::1]", ""].includes(host)) return; // pids only mean something locally
  const { rows } = await admin.query<{ datname: string }>(
    `SELECT d.datname FROM pg_database d
      WHERE d.datname ~ '^t_[0-9]+_[0-9a-f]+$'
        AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.datname = d.datname)`,
  );
  for (const { datname } of rows) {
    const pid = Number(datname.split("_")[1]);
    let alive = true;
    try {
      process.kill(pid, 0);
    } catch (error) {
      alive = (error as NodeJS.ErrnoException).code === "EPERM";
    }
    if (!alive)
      await admin
        .query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(datname)} WITH (FORCE)`)
        .catch(() => {});
  }
}

const TEMPLATE_COMMENT = "synochi test template, created";
const STALE_TEMPLATE_MS = 24 * 60 * 60 * 1000;

/** Templates of other migration sets pile up while migrations change: drop those built over a day ago. */
async function dropStaleTemplates(admin: pg.Client, keep: string): Promise<void> {
  const { rows } = await admin.query<{ datname: string; comment: string | null }>(
    `SELECT datname, shobj_description(oid, 'pg_database') AS comment FROM pg_database
      WHERE datname ~ '^synochi_tpl_[0-9a-f]{12}$' AND datname <> $1`,
    [keep],
  );
  for (const { datname, comment } of rows) {
    if (!comment?.startsWith(TEMPLATE_COMMENT)) continue;
    const created = Date.parse(comment.slice(TEMPLATE_COMMENT.length).trim());
    if (Number.isNaN(created) || Date.now() - created < STALE_TEMPLATE_MS) continue;
    await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(datname)}`).catch(() => {});
  }
}

export async function ensureTemplateDatabase(
  adminUrl: string,
  migrationsDir: string = testMigrationsDir(),
): Promise<string> {
  const name = templateName(migrationsDir);
  const admin = await connectAdmin(adminUrl);
  try {
    await admin.query("SELECT pg_advisory_lock($1)", [TEMPLATE_LOCK_KEY]);
    try {
      await dropAbandonedTestDatabases(admin, adminUrl);
      const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
      if (exists.rowCount) return name;

      // Build under a temporary name and rename at the end, so a half-migrated template is never reused.
      const building = `${name}_building`;
      await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(building)} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(building)}`);
      try {
        await migrate(urlForDatabase(adminUrl, building), { migrationsDir });
      } catch (error) {
        await admin
          .query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(building)} WITH (FORCE)`)
          .catch(() => {});
        throw new Error(`Migrating the test template database failed: ${(error as Error).message}`);
      }
      await admin.query(
        `ALTER DATABASE ${admin.escapeIdentifier(building)} RENAME TO ${admin.escapeIdentifier(name)}`,
      );
      // Nobody may connect to the template: a connection would make CREATE DATABASE … TEMPLATE fail.
      await admin.query(`ALTER DATABASE ${admin.escapeIdentifier(name)} WITH ALLOW_CONNECTIONS false`);
      await admin.query(
        `COMMENT ON DATABASE ${admin.escapeIdentifier(name)} IS ${admin.escapeLiteral(`${TEMPLATE_COMMENT} ${new Date().toISOString()}`)}`,
      );
      await dropStaleTemplates(admin, name);
      return name;
    } finally {
      await admin.query("SELECT pg_advisory_unlock($1)", [TEMPLATE_LOCK_KEY]).catch(() => {});
    }
  } finally {
    await admin.end().catch(() => {});
  }
}

export default async function setup(project: TestProject): Promise<void> {
  const adminUrl = testAdminUrl();
  const migrationsDir = testMigrationsDir();
  const template = await ensureTemplateDatabase(adminUrl, migrationsDir);
  project.provide("testTemplateDatabase", template);
  project.provide("testAdminUrl", adminUrl);
  project.provide("testMigrationsDir", migrationsDir);
}
