/**
 * Hot reads (the queries behind every consultation and submission page) as named prepared statements.
 * PostgreSQL then plans each query shape once per connection instead of on every execution; planning
 * cost more than running these queries. Writes and everything else go through Prisma.
 */
import { createHash } from "node:crypto";
import pg from "pg";
import type { Prisma } from "~/generated/prisma/client.ts";
import { getDb, type DbOrTx } from "./db.server.ts";
import { getEnv } from "./env.server.ts";

const TIMESTAMP_WITHOUT_TIME_ZONE = 1114;

// Prisma stores DateTime as UTC in `timestamp(3)` columns; read them as UTC whatever the process's zone.
const types = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === TIMESTAMP_WITHOUT_TIME_ZONE && format !== "binary") {
      return (value: string) => new Date(`${value.replace(" ", "T")}Z`);
    }
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

const globalForPool = globalThis as unknown as { __synochiReadPool?: pg.Pool };

function pool(): pg.Pool {
  if (!globalForPool.__synochiReadPool) {
    const p = new pg.Pool({ connectionString: getEnv().DATABASE_URL, max: 5, types });
    p.on("error", () => {}); // a dropped idle connection is replaced on the next query
    globalForPool.__synochiReadPool = p;
  }
  return globalForPool.__synochiReadPool;
}

/**
 * Runs a read-only query. With the app's own client it goes out as a prepared statement named after its
 * text; with any other client (a transaction, a test's client) it runs through that client.
 */
export async function hotRead<T>(db: DbOrTx, query: Prisma.Sql): Promise<T[]> {
  if (db !== getDb()) return db.$queryRaw<T[]>(query);
  const name = `hot_${createHash("sha1").update(query.text).digest("hex").slice(0, 20)}`;
  const result = await pool().query<T & pg.QueryResultRow>({ name, text: query.text, values: query.values });
  return result.rows;
}

export async function closeReadPool(): Promise<void> {
  await globalForPool.__synochiReadPool?.end();
  globalForPool.__synochiReadPool = undefined;
}
