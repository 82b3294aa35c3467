import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "~/generated/prisma/client.ts";
import { getEnv } from "./env.server.ts";

export type Db = PrismaClient;
/** A Prisma transaction client, as passed to `db.$transaction(async (tx) => …)`. */
export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];
export type DbOrTx = Db | Tx;

export function createDb(connectionString: string): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString, max: 10 }) });
}

const globalForDb = globalThis as unknown as { __synochiDb?: PrismaClient };

/** The process-wide client (kept across dev rebuilds). */
export function getDb(): PrismaClient {
  globalForDb.__synochiDb ??= createDb(getEnv().DATABASE_URL);
  return globalForDb.__synochiDb;
}
