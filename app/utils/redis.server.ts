import { Redis, type RedisOptions } from "ioredis";
import { getEnv } from "./env.server.ts";

/** A Redis connection for request-time use: fails fast instead of queueing commands while Redis is down. */
export function createRedis(options: RedisOptions = {}): Redis {
  return new Redis(getEnv().REDIS_URL, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    connectTimeout: 2000,
    lazyConnect: false,
    ...options,
  });
}

const globalForRedis = globalThis as unknown as { __synochiRedis?: Redis };

export function getRedis(): Redis {
  if (!globalForRedis.__synochiRedis) {
    const redis = createRedis();
    // Errors surface on the commands that fail; the connection itself retries in the background.
    redis.on("error", () => {});
    globalForRedis.__synochiRedis = redis;
  }
  return globalForRedis.__synochiRedis;
}

export function redisKey(...parts: string[]): string {
  return [getEnv().REDIS_PREFIX, ...parts].join(":");
}
