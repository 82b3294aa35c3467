/**
 * The Redis a benchmark uses: checked before anything is set up, and every key under the run's own prefix
 * deleted however the run ends.
 */
import { Redis } from "ioredis";
import { onCleanup } from "./cleanup.ts";

/** Fails fast when Redis is unreachable; registers the deletion of `<prefix>:*` as a cleanup step. */
export async function checkRedis(url: string, prefix: string, log: (line: string) => void): Promise<void> {
  const redis = new Redis(url, {
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
    lazyConnect: true,
    connectTimeout: 3_000,
  });
  let lastError: Error | undefined;
  redis.on("error", (error: Error) => (lastError = error));
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    const reason = (lastError ?? (error as Error)).message;
    throw new Error(`Redis is not reachable at ${url} (set BENCH_REDIS_URL): ${reason}`);
  } finally {
    redis.disconnect();
  }
  onCleanup(`delete the Redis keys ${prefix}:*`, async () => {
    const client = new Redis(url, { maxRetriesPerRequest: 1, retryStrategy: () => null });
    client.on("error", () => {});
    try {
      let cursor = "0";
      let deleted = 0;
      do {
        const [next, keys] = await client.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
        cursor = next;
        if (keys.length > 0) deleted += await client.unlink(...keys);
      } while (cursor !== "0");
      log(`deleted ${deleted} Redis key(s) under ${prefix}:`);
    } finally {
      client.disconnect();
    }
  });
}
