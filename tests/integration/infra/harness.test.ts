import { readdirSync, existsSync, statSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { describe, expect, inject, it } from "vitest";
import { createTestDatabase, useTestDatabase } from "../../helpers/db.ts";
import { cleanupRedis, createRedis, newRedisPrefix, useTestRedis } from "../../helpers/redis.ts";

function migrationDirCount(): number {
  const dir = path.resolve(inject("testMigrationsDir"));
  if (!existsSync(dir)) return 0;
  return readdirSync(dir).filter((d) => !d.startsWith(".") && statSync(path.join(dir, d)).isDirectory())
    .length;
}

async function query<T extends pg.QueryResultRow>(
  url: string,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

describe("test database helper", () => {
  const db = useTestDatabase();

  it("gives each test file its own database cloned from the migrated template", async () => {
    const { name, url } = db();
    expect(name).toMatch(/^t_\d+_[0-9a-f]{8}$/);
    const [row] = await query<{ current_database: string }>(url, "SELECT current_database()");
    expect(row.current_database).toBe(name);
    expect(inject("testTemplateDatabase")).toMatch(/^synochi_tpl_[0-9a-f]{12}$/);
  });

  it("has every migration folder recorded as applied in _prisma_migrations", async () => {
    const rows = await query<{
      migration_name: string;
      finished_at: Date | null;
      applied_steps_count: number;
    }>(
      db().url,
      `SELECT migration_name, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    expect(rows).toHaveLength(migrationDirCount());
    for (const row of rows) {
      expect(row.finished_at).not.toBeNull();
      expect(row.applied_steps_count).toBe(1);
    }
  });

  it("isolates writes: a second database from the template does not see the first one's changes", async () => {
    await query(db().url, `CREATE TABLE harness_probe (id int); INSERT INTO harness_probe VALUES (1)`);
    const other = await createTestDatabase();
    try {
      const [row] = await query<{ t: string | null }>(
        other.url,
        `SELECT to_regclass('public.harness_probe')::text AS t`,
      );
      expect(row.t).toBeNull();
      // The Prisma client connects to the clone, not elsewhere.
      const [viaPrisma] = await other.prisma.$queryRawUnsafe<{ db: string }[]>(
        "SELECT current_database() AS db",
      );
      expect(viaPrisma.db).toBe(other.name);
    } finally {
      await other.drop();
    }
    const [gone] = await query<{ n: number }>(
      inject("testAdminUrl"),
      "SELECT count(*)::int AS n FROM pg_database WHERE datname = $1",
      [other.name],
    );
    expect(gone.n).toBe(0);
  });
});

describe("test redis helper", () => {
  const redis = useTestRedis();

  it("gives the file a unique prefix and cleanup deletes only its keys", async () => {
    expect(redis.prefix).toMatch(/^t:\d+:[0-9a-f]{8}$/);
    const otherPrefix = newRedisPrefix();
    expect(otherPrefix).not.toBe(redis.prefix);
    const client = createRedis();
    try {
      await client.set(`${redis.prefix}:a`, "1");
      await client.hset(`${redis.prefix}:bull:queue:1`, "k", "v");
      await client.set(`${otherPrefix}:a`, "2");
      expect(await cleanupRedis(redis.prefix)).toBe(2);
      expect(await client.exists(`${redis.prefix}:a`, `${redis.prefix}:bull:queue:1`)).toBe(0);
      expect(await client.get(`${otherPrefix}:a`)).toBe("2");
    } finally {
      await cleanupRedis(otherPrefix);
      client.disconnect();
    }
  });
});
