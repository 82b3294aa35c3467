/**
 * Emitting to socket rooms from anywhere (app requests, workers, scripts): through Redis with the
 * Socket.io emitter, so every app process that holds clients in the room delivers. Call only after the
 * database commit. A publish that fails (Redis down) is logged and dropped: clients catch up on reconnect
 * from the database, which stays the source of truth.
 */
import { Emitter } from "@socket.io/redis-emitter";
import type { Redis } from "ioredis";
import { getEnv } from "~/utils/env.server.ts";
import { createRedis } from "~/utils/redis.server.ts";
import type { ServerEvents } from "./events.ts";

const globalForEmitter = globalThis as unknown as { __synochiEmitter?: { redis: Redis; emitter: Emitter } };

function getEmitter(): Emitter {
  if (!globalForEmitter.__synochiEmitter) {
    // The emitter publishes with plain PUBLISH; an offline queue lets a publish issued during a brief
    // reconnect go out once the connection is back instead of failing.
    const redis = createRedis({ enableOfflineQueue: true, maxRetriesPerRequest: 1 });
    redis.on("error", () => {});
    // The emitter drops PUBLISH's promise: catch its rejection (Redis down) here, or it ends the process.
    const client = {
      publish: (channel: string, message: string | Buffer) =>
        redis.publish(channel, message).catch((error: Error) => {
          console.warn(`realtime: could not publish: ${error.message}`);
          return 0;
        }),
    };
    const emitter = new Emitter(client, { key: `${getEnv().REDIS_PREFIX}:socket.io` });
    globalForEmitter.__synochiEmitter = { redis, emitter };
  }
  return globalForEmitter.__synochiEmitter.emitter;
}

export function publish<E extends keyof ServerEvents>(
  room: string | string[],
  event: E,
  payload: Parameters<ServerEvents[E]>[0],
): void {
  try {
    getEmitter().to(room).emit(event, payload);
  } catch (error) {
    console.warn(`realtime: could not publish ${event}: ${(error as Error).message}`);
  }
}

/** Closes the emitter's Redis connection (tests, shutdown). */
export function closePublisher(): void {
  globalForEmitter.__synochiEmitter?.redis.disconnect();
  globalForEmitter.__synochiEmitter = undefined;
}
