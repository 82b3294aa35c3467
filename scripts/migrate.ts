/**
 * Our own Prisma-compatible migration runner.
 *
 * `prisma migrate` needs a schema-engine binary that it downloads from the internet, which these machines
 * cannot reach. This runner applies `prisma/migrations/<timestamp>_<name>/migration.sql` in name order and
 * records them in `_prisma_migrations` with Prisma's own columns and checksums, so that on a machine with
 * internet `prisma migrate deploy` / `migrate dev` accept the history as theirs.
 *
 * CLI: `tsx scripts/migrate.ts [--dir prisma/migrations] [--no-create]` migrates $DATABASE_URL.
 */
import { createHash, randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import pg from "pg";

export const DEFAULT_MIGRATIONS_DIR = "prisma/migrations";

/** The same key Prisma's schema engine locks on, so our runner and `prisma migrate` exclude each other. */
const ADVISORY_LOCK_KEY = 72707369;

export interface MigrateOptions {
  /** Where the `<timestamp>_<name>/migration.sql` folders are; default `prisma/migrations` (from the cwd). */
  migrationsDir?: string;
  log?: (s: string) => void;
}

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

export class MigrationError extends Error {
  override name = "MigrationError";
}

/** sha256 hex of the file content, as Prisma computes it. */
export function checksumOf(sql: string): string {
  return createHash("sha256").update(sql, "utf8").digest("hex");
}

/** Prisma accepts a checksum computed with either line ending (git may rewrite them); so do we. */
function checksumMatches(sql: string, checksum: string): boolean {
  const lf = sql.replace(/\r\n/g, "\n");
  const crlf = lf.replace(/\n/g, "\r\n");
  return [sql, lf, crlf].some((variant) => checksumOf(variant) === checksum);
}

/** The migration folders in name order (Prisma's order). Files at the top level, e.g. migration_lock.toml, are skipped. */
export function readMigrations(migrationsDir: string = DEFAULT_MIGRATIONS_DIR): MigrationFile[] {
  const dir = path.resolve(migrationsDir);
  if (!existsSync(dir)) return [];
  const names = readdirSync(dir)
    .filter((entry) => !entry.startsWith(".") && statSync(path.join(dir, entry)).isDirectory())
    .sort();
  return names.map((name) => {
    const file = path.join(dir, name, "migration.sql");
    if (!existsSync(file)) {
      throw new MigrationError(`Migration folder ${path.join(migrationsDir, name)} has no migration.sql`);
    }
    const sql = readFileSync(file, "utf8");
    return { name, sql, checksum: checksumOf(sql) };
  });
}

/** A short hash over every migration's name and content: the test template database is named after it. */
export function migrationsHash(migrationsDir: string = DEFAULT_MIGRATIONS_DIR): string {
  const hash = createHash("sha256");
  for (const m of readMigrations(migrationsDir)) hash.update(`${m.name}\0${m.checksum}\0`);
  return hash.digest("hex");
}

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

function describeUrl(databaseUrl: string): string {
  try {
    const u = new URL(databaseUrl);
    return `${u.hostname}:${u.port || "5432"}${u.pathname}`;
  } catch {
    return "(unparseable DATABASE_URL)";
  }
}

async function connect(connectionString: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString });
  // An idle client whose server goes away emits 'error'; without a listener that would crash the process.
  client.on("error", () => {});
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => {});
    throw error;
  }
  return client;
}

/**
 * Applies every pending migration, each in its own transaction, under an advisory lock.
 * Returns the names of the migrations applied (empty when the database was up to date).
 */
export async function migrate(databaseUrl: string, opts: MigrateOptions = {}): Promise<string[]> {
  const log = opts.log ?? (() => {});
  const migrations = readMigrations(opts.migrationsDir ?? DEFAULT_MIGRATIONS_DIR);

  let client: pg.Client;
  try {
    client = await connect(databaseUrl);
  } catch (error) {
    throw new MigrationError(
      `Cannot connect to PostgreSQL at ${describeUrl(databaseUrl)}: ${(error as Error).message}`,
    );
  }

  const applied: string[] = [];
  try {
    // Two processes migrating at once (app replicas, parallel test setups): the second waits here.
    await client.query("SELECT pg_advisory_lock($1)", [ADVISORY_LOCK_KEY]);
    try {
      await client.query(CREATE_TABLE);
      const { rows } = await client.query<AppliedRow>(
        `SELECT migration_name, checksum, finished_at, rolled_back_at
           FROM "_prisma_migrations" ORDER BY started_at, migration_name`,
      );
      const live = rows.filter((r) => r.rolled_back_at === null);

      const failed = live.filter((r) => r.finished_at === null);
      if (failed.length > 0) {
        throw new MigrationError(
          `Migration ${failed.map((r) => r.migration_name).join(", ")} failed earlier and was never finished. ` +
            `Fix the database by hand, then mark it rolled back (UPDATE "_prisma_migrations" SET rolled_back_at = now() ` +
            `WHERE migration_name = '…') or applied (prisma migrate resolve).`,
        );
      }

      const done = new Map(live.map((r) => [r.migration_name, r]));
      const local = new Set(migrations.map((m) => m.name));
      for (const m of migrations) {
        const row = done.get(m.name);
        if (row && !checksumMatches(m.sql, row.checksum)) {
          throw new MigrationError(
            `Migration ${m.name} was modified after it was applied to ${describeUrl(databaseUrl)} ` +
              `(checksum in database ${row.checksum}, on disk ${m.checksum}). Applied migrations must not change: ` +
              `restore the file and put the change in a new migration.`,
          );
        }
      }
      for (const name of done.keys()) {
        if (!local.has(name))
          log(`warning: ${name} is applied in the database but missing from the migrations folder`);
      }

      for (const m of migrations) {
        if (done.has(m.name)) continue;
        const id = randomUUID();
        log(`applying ${m.name}`);
        await client.query("BEGIN");
        try {
          await client.query(m.sql);
          await client.query(
            `INSERT INTO "_prisma_migrations"
               (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count)
             VALUES ($1, $2, clock_timestamp(), $3, NULL, NULL, now(), 1)`,
            [id, m.checksum, m.name],
          );
          await client.query("COMMIT");
        } catch (error) {
          await client.query("ROLLBACK").catch(() => {});
          const e = error as Error & { position?: string };
          const where = e.position ? ` (at character ${e.position})` : "";
          throw new MigrationError(
            `Migration ${m.name} failed and was rolled back${where}: ${e.message}` +
              (applied.length ? `\nApplied before the failure: ${applied.join(", ")}` : ""),
          );
        }
        applied.push(m.name);
      }
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [ADVISORY_LOCK_KEY]).catch(() => {});
    }
  } finally {
    await client.end().catch(() => {});
  }
  return applied;
}

/** Connection string of the same server's maintenance database (`postgres`). */
export function maintenanceUrl(databaseUrl: string, database = "postgres"): string {
  const u = new URL(databaseUrl);
  u.pathname = `/${database}`;
  return u.toString();
}

export function databaseName(databaseUrl: string): string {
  const name = decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, ""));
  if (!name) throw new MigrationError(`DATABASE_URL ${describeUrl(databaseUrl)} names no database`);
  return name;
}

/** Creates the URL's database when it does not exist yet. Returns true when it created it. */
export async function createDatabaseIfMissing(databaseUrl: string): Promise<boolean> {
  const name = databaseName(databaseUrl);
  try {
    const probe = await connect(databaseUrl);
    await probe.end().catch(() => {});
    return false;
  } catch (error) {
    // 3D000 = invalid_catalog_name: the server is there but the database is not.
    if ((error as { code?: string }).code !== "3D000") {
      throw new MigrationError(
        `Cannot connect to PostgreSQL at ${describeUrl(databaseUrl)}: ${(error as Error).message}`,
      );
    }
  }
  let admin: pg.Client;
  try {
    admin = await connect(maintenanceUrl(databaseUrl));
  } catch {
    admin = await connect(maintenanceUrl(databaseUrl, "template1"));
  }
  try {
    await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)}`);
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === "42P04") return false; // created meanwhile by someone else
    throw error;
  } finally {
    await admin.end().catch(() => {});
  }
}

function parseArgs(argv: string[]): { migrationsDir: string; create: boolean } {
  let migrationsDir = DEFAULT_MIGRATIONS_DIR;
  let create = true;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--dir") migrationsDir = argv[++i] ?? migrationsDir;
    else if (arg.startsWith("--dir=")) migrationsDir = arg.slice("--dir=".length);
    else if (arg === "--no-create") create = false;
    else
      throw new MigrationError(
        `Unknown argument ${arg}. Usage: tsx scripts/migrate.ts [--dir DIR] [--no-create]`,
      );
  }
  return { migrationsDir, create };
}

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error("DATABASE_URL is not set (e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/synochi)");
    process.exit(1);
  }
  const { migrationsDir, create } = parseArgs(process.argv.slice(2));
  if (create && (await createDatabaseIfMissing(url))) {
    console.log(`created database ${databaseName(url)}`);
  }
  const applied = await migrate(url, { migrationsDir, log: (s) => console.log(s) });
  const total = readMigrations(migrationsDir).length;
  if (applied.length === 0) console.log(`database ${databaseName(url)} is up to date (${total} migrations)`);
  else console.log(`applied ${applied.length} migration(s) to ${databaseName(url)}: ${applied.join(", ")}`);
}

const invokedDirectly =
  process.argv[1] !== undefined &&
  (import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href ||
    fileURLToPath(import.meta.url) === path.resolve(process.argv[1]));

if (invokedDirectly) {
  main().catch((error: unknown) => {
    console.error(error instanceof MigrationError ? `migrate: ${error.message}` : error);
    process.exit(1);
  });
}
