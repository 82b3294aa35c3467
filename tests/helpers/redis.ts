/**
 * Redis isolation by key prefix: every test file gets its own prefix `t:<pid>:<random>` (give it to the app
 * and workers as REDIS_PREFIX, and to BullMQ as `prefix`), and cleanup deletes the keys under it.
 */
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll } from "vitest";

export const DEFAULT_TEST_REDIS_URL = "redis://127.0.0.1:6379";

/** The test Redis server, from TEST_REDIS_URL. */
export const redisUrl: string = process.env.TEST_REDIS_URL || DEFAULT_TEST_REDIS_URL;

/** This test file's key prefix (a module is loaded afresh for each test file). */
export const redisPrefix: string = newRedisPrefix();

export function newRedisPrefix(): string {
  return `t:${process.pid}:${randomBytes(4).toString("hex")}`;
}

/** A client on the test Redis; close it with `quit()`. */
export function createRedis(): Redis {
  // Fail fast with an error instead of reconnecting forever when the test Redis is down.
  const client = new Redis(redisUrl, {
    maxRetriesPerRequest: 1,
    retryStrategy: (times) => (times > 3 ? null : 100),
  });
  client.on("error", () => {});
  return client;
}

/** Deletes every key that starts with `prefix` (SCAN + UNLINK); returns how many were deleted. */
export async function cleanupRedis(prefix: string = redisPrefix): Promise<number> {
  if (!/^[A-Za-z0-9_:-]+$/.test(prefix) || prefix.length < 3) {
    throw new Error(`Refusing to clean up Redis keys under the prefix ${JSON.stringify(prefix)}`);
  }
  const client = createRedis();
  let deleted = 0;
  try {
    await client.ping().catch((error: Error) => {
      throw new Error(`Redis not reachable at ${redisUrl} (TEST_REDIS_URL): ${error.message}`);
    });
    let cursor = "0";
    do {
      const [next, keys] = await client.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
      cursor = next;
      if (keys.length > 0) deleted += await client.unlink(...keys);
    } while (cursor !== "0");
  } finally {
    client.disconnect();
  }
  return deleted;
}

/** Registers an afterAll that deletes this file's keys; returns `{ url, prefix }`. */
export function useTestRedis(): { url: string; prefix: string } {
  afterAll(async () => {
    await cleanupRedis(redisPrefix);
  });
  return { url: redisUrl, prefix: redisPrefix };
}
