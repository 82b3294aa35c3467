/** The benchmark's own PostgreSQL database: created empty, migrated, dropped at the end. */
import pg from "pg";
import { migrate } from "../../scripts/migrate.ts";

export const DEFAULT_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres";

export interface BenchDatabase {
  name: string;
  url: string;
  drop: () => Promise<void>;
}

function describe(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || "5432"}${u.pathname}`;
  } catch {
    return JSON.stringify(url);
  }
}

export function urlForDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

async function withAdmin<T>(adminUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5_000 });
  client.on("error", () => {});
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => {});
    throw new Error(
      `PostgreSQL is not reachable at ${describe(adminUrl)} (set BENCH_DATABASE_URL to the URL of a ` +
        `maintenance database on a server where you may create databases): ${(error as Error).message}`,
    );
  }
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/** Drops `name` if it exists, closing any connection to it. */
export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  await withAdmin(adminUrl, (admin) =>
    admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(name)} WITH (FORCE)`),
  );
}

/** Creates `name` on the server of `adminUrl` and applies every migration to it. */
export async function createBenchDatabase(
  adminUrl: string,
  name: string,
  log: (line: string) => void,
): Promise<BenchDatabase> {
  await withAdmin(adminUrl, async (admin) => {
    // A database left by a killed run with the same pid is ours to replace.
    await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(name)} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)}`);
  });
  const url = urlForDatabase(adminUrl, name);
  let dropped = false;
  const drop = async () => {
    if (dropped) return;
    dropped = true;
    await dropDatabase(adminUrl, name);
    log(`dropped database ${name}`);
  };
  try {
    const applied = await migrate(url, {});
    log(`created database ${name}, applied ${applied.length} migration(s)`);
  } catch (error) {
    await drop();
    throw error;
  }
  return { name, url, drop };
}
