/**
 * Presence: how many sockets watch each live session, counted across every app process.
 *
 * Design (cheap for 1,000+ clients per session, safe when a process crashes):
 * - Each process counts its own watchers per session in memory (join/leave/disconnect only touch a Map,
 *   never Redis, so a burst of 1,000 joins costs nothing per join).
 * - Once a second, a process that saw a change writes its count for that session into one Redis hash per
 *   session (`<prefix>:presence:s:<sessionId>`, field = process id, value = count) and recomputes the
 *   total as the sum of the fields of *live* processes.
 * - A process is live while its heartbeat in a sorted set (`<prefix>:presence:procs`, score = last beat
 *   in ms) is younger than STALE_MS; every process beats every HEARTBEAT_MS. A crashed process stops
 *   beating: its fields are ignored (and removed) by the next sum, so its counts expire within ~15 s.
 * - The total goes out as `session:presence` to the session's room through the adapter (every process
 *   delivers to its own clients). At most one broadcast per session per second across all processes: a
 *   `SET … PX 1000 NX` token in Redis; a process that misses the token keeps the session dirty and tries
 *   again on its next tick, so the last change is always broadcast.
 * - Every heartbeat also re-sums the sessions this process holds, so a total that shrank because another
 *   process died is broadcast too.
 */
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import { getEnv } from "~/utils/env.server.ts";

export const PRESENCE_TICK_MS = 1_000;
const HEARTBEAT_MS = 5_000;
const STALE_MS = 15_000;
/** A session's hash disappears a day after its last write (sessions last hours). */
const HASH_TTL_SECONDS = 24 * 3600;

export interface PresenceTracker {
  /** This socket started watching `sessionId` (call once per socket and session). */
  join(sessionId: string): void;
  /** This socket stopped watching `sessionId` (leave or disconnect). */
  leave(sessionId: string): void;
  /** The current total across processes (live processes only). */
  total(sessionId: string): Promise<number>;
  /** Stops the timers and removes this process's counts from Redis. */
  close(): Promise<void>;
}

function keys() {
  const prefix = `${getEnv().REDIS_PREFIX}:presence`;
  return {
    procs: `${prefix}:procs`,
    session: (id: string) => `${prefix}:s:${id}`,
    token: (id: string) => `${prefix}:emit:${id}`,
    /** The total last broadcast for a session, by whichever process: what the clients show now. */
    sent: (id: string) => `${prefix}:sent:${id}`,
  };
}

/** The total of one session's hash, counting live processes only; stale fields are deleted. */
export async function presenceTotal(redis: Redis, sessionId: string, now = Date.now()): Promise<number> {
  const k = keys();
  const [fields, alive] = await Promise.all([
    redis.hgetall(k.session(sessionId)),
    redis.zrangebyscore(k.procs, now - STALE_MS, "+inf"),
  ]);
  const live = new Set(alive);
  let sum = 0;
  const stale: string[] = [];
  for (const [proc, value] of Object.entries(fields)) {
    if (live.has(proc)) sum += Math.max(0, Number(value) || 0);
    else stale.push(proc);
  }
  if (stale.length) await redis.hdel(k.session(sessionId), ...stale);
  return sum;
}

export function createPresenceTracker(
  redis: Redis,
  broadcast: (sessionId: string, watching: number) => void,
): PresenceTracker {
  const k = keys();
  const processId = `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
  const local = new Map<string, number>();
  const dirty = new Set<string>();
  let closed = false;
  let beaten = false;

  const beat = async () => {
    await redis.zadd(k.procs, Date.now(), processId);
    beaten = true;
    // Forget processes gone for long (their session fields are removed lazily by presenceTotal).
    await redis.zremrangebyscore(k.procs, "-inf", Date.now() - 10 * STALE_MS);
  };

  /** Writes this process's count of each dirty session, then broadcasts totals where it wins the token. */
  const flush = async () => {
    if (dirty.size && !beaten) await beat();
    for (const sessionId of [...dirty]) {
      const count = local.get(sessionId) ?? 0;
      const hash = k.session(sessionId);
      if (count > 0) await redis.multi().hset(hash, processId, count).expire(hash, HASH_TTL_SECONDS).exec();
      else await redis.hdel(hash, processId);
      const token = await redis.set(k.token(sessionId), processId, "PX", PRESENCE_TICK_MS, "NX");
      if (token !== "OK") continue; // another process broadcast this second: try again next tick
      dirty.delete(sessionId);
      const total = await presenceTotal(redis, sessionId);
      await redis.set(k.sent(sessionId), total, "EX", HASH_TTL_SECONDS);
      broadcast(sessionId, total);
    }
  };

  /** Re-sums the sessions this process holds: a total that changed elsewhere (a crash) gets broadcast. */
  const refresh = async () => {
    for (const [sessionId, count] of local) {
      await redis
        .multi()
        .hset(k.session(sessionId), processId, count)
        .expire(k.session(sessionId), HASH_TTL_SECONDS)
        .exec();
      const [total, sent] = await Promise.all([
        presenceTotal(redis, sessionId),
        redis.get(k.sent(sessionId)),
      ]);
      if (sent === null || Number(sent) !== total) dirty.add(sessionId);
    }
  };

  // Redis being down must not take the sockets down: presence just pauses and catches up afterwards.
  // One Redis round at a time, so close() can wait for the one under way (it must not write a count or a
  // heartbeat back after close removed them).
  // A tick that finds the previous round still running (Redis slow) is skipped, so rounds never pile up;
  // its sessions stay dirty for the next one. Heartbeats always queue.
  let running: Promise<void> = Promise.resolve();
  let pending = 0;
  const guard =
    (fn: () => Promise<void>, skipWhenBusy = false) =>
    () => {
      if (closed || (skipWhenBusy && pending > 0)) return;
      pending++;
      running = running
        .then(() => (closed ? undefined : fn()))
        .catch(() => {})
        .finally(() => pending--);
    };
  guard(beat)();
  const tick = setInterval(guard(flush, true), PRESENCE_TICK_MS);
  const heartbeat = setInterval(
    guard(async () => {
      await beat();
      await refresh();
    }),
    HEARTBEAT_MS,
  );
  tick.unref();
  heartbeat.unref();

  return {
    join(sessionId) {
      local.set(sessionId, (local.get(sessionId) ?? 0) + 1);
      dirty.add(sessionId);
    },
    leave(sessionId) {
      const next = (local.get(sessionId) ?? 0) - 1;
      if (next > 0) local.set(sessionId, next);
      else local.delete(sessionId);
      dirty.add(sessionId);
    },
    total: (sessionId) => presenceTotal(redis, sessionId),
    async close() {
      closed = true;
      clearInterval(tick);
      clearInterval(heartbeat);
      await running;
      // Leave no counts behind: the other processes' next sums no longer include this one.
      await Promise.all([
        ...[...local.keys()].map((id) => redis.hdel(k.session(id), processId)),
        redis.zrem(k.procs, processId),
      ]).catch(() => {});
    },
  };
}
