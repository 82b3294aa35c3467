/**
 * The outbox relay: moves committed `OutboxEvent` rows to BullMQ.
 *
 * Rows are claimed with `FOR UPDATE SKIP LOCKED`, so any number of relays (one per worker process) share the
 * work without sending a row twice at once; each becomes a job whose id is derived from the row's key, and
 * BullMQ ignores an id it already has, so a row relayed again (a crash between the add and the commit) does
 * not run twice. When Redis is down the row stays pending with its attempts counted and is retried a
 * little later: nothing is lost.
 */
import pg from "pg";
import { OUTBOX_CHANNEL } from "~/domain/outbox/outbox.server.ts";
import { createJobProducer, jobIdForKey, RedisUnavailable, type AddJob } from "~/jobs/queues.server.ts";
import type { Db } from "~/utils/db.server.ts";
import { getEnv } from "~/utils/env.server.ts";

export interface RelayOptions {
  addJob: AddJob;
  /** Rows claimed per transaction (default 100). */
  batchSize?: number;
  /** First retry delay after a failure; doubles with every attempt (default 1 s). */
  retryBaseMs?: number;
  /** Longest retry delay (default 60 s). */
  retryMaxMs?: number;
}

export interface RelayResult {
  /** Rows claimed in this run. */
  claimed: number;
  /** Rows now in BullMQ (marked sent). */
  sent: number;
  /** Rows left pending after a failure. */
  failed: number;
  /** The first failure's message, if any. */
  error?: string;
}

interface ClaimedRow {
  id: bigint;
  key: string;
  queue: string;
  name: string;
  payload: unknown;
}

function messageOf(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.slice(0, 1_000);
}

/** Relays one batch of due rows. Throws only when PostgreSQL fails (then nothing was marked). */
export async function relayOutbox(db: Db, opts: RelayOptions): Promise<RelayResult> {
  const batchSize = opts.batchSize ?? 100;
  const retryBaseMs = opts.retryBaseMs ?? 1_000;
  const retryMaxMs = opts.retryMaxMs ?? 60_000;

  return db.$transaction(
    async (tx) => {
      // Timestamps are stored as UTC wall time (timestamp without time zone), as Prisma writes them.
      const rows = await tx.$queryRaw<ClaimedRow[]>`
        SELECT "id", "key", "queue", "name", "payload"
          FROM "OutboxEvent"
         WHERE "sentAt" IS NULL AND "availableAt" <= (now() AT TIME ZONE 'UTC')
         ORDER BY "id"
         LIMIT ${batchSize}
           FOR UPDATE SKIP LOCKED`;
      if (rows.length === 0) return { claimed: 0, sent: 0, failed: 0 };

      const results = await Promise.allSettled(
        rows.map((row) =>
          opts.addJob({
            queue: row.queue,
            name: row.name,
            payload: row.payload,
            jobId: jobIdForKey(row.key),
          }),
        ),
      );

      const sentIds: bigint[] = [];
      const failedByError = new Map<string, string[]>();
      results.forEach((result, i) => {
        const id = rows[i].id;
        if (result.status === "fulfilled") {
          sentIds.push(id);
        } else {
          const message = messageOf(result.reason);
          failedByError.set(message, [...(failedByError.get(message) ?? []), String(id)]);
        }
      });

      if (sentIds.length > 0) {
        await tx.$executeRaw`
          UPDATE "OutboxEvent" SET "sentAt" = (now() AT TIME ZONE 'UTC')
           WHERE "id" = ANY(${sentIds.map(String)}::bigint[])`;
      }
      for (const [message, ids] of failedByError) {
        // Exponential backoff per row: base · 2^(attempts so far), capped.
        await tx.$executeRaw`
          UPDATE "OutboxEvent"
             SET "attempts" = "attempts" + 1,
                 "lastError" = ${message},
                 "availableAt" = (now() AT TIME ZONE 'UTC')
                   + least(${retryBaseMs}::float8 * power(2, least("attempts", 30)), ${retryMaxMs}::float8)
                     * interval '1 millisecond'
           WHERE "id" = ANY(${ids}::bigint[])`;
      }
      const failed = rows.length - sentIds.length;
      return {
        claimed: rows.length,
        sent: sentIds.length,
        failed,
        ...(failed > 0 ? { error: failedByError.keys().next().value } : {}),
      };
    },
    // The adds happen while the rows are locked; they are bounded by the producer's own timeout.
    { maxWait: 10_000, timeout: 60_000 },
  );
}

// ───────────────────────────── The polling loop ─────────────────────────────

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

const consoleLogger: Logger = {
  info: (m) => console.log(m),
  warn: (m) => console.warn(m),
  error: (m) => console.error(m),
};

export interface OutboxRelayOptions extends Partial<RelayOptions> {
  /** Poll interval (default 250 ms). */
  intervalMs?: number;
  /** Where to LISTEN for `outbox` notifications (default DATABASE_URL); false to poll only. */
  listenUrl?: string | false;
  /** BullMQ prefix of the producer created when no `addJob` is given (default REDIS_PREFIX). */
  prefix?: string;
  /** Redis of the producer created when no `addJob` is given (default REDIS_URL). */
  redisUrl?: string;
  log?: Logger;
}

export interface OutboxRelayHandle {
  /** Runs the relay now (as a notification would). */
  wake(): void;
  /** Stops polling and listening; waits for a run in progress. */
  stop(): Promise<void>;
}

/**
 * Starts the relay loop: a run every `intervalMs`, at once on a PostgreSQL `outbox` notification, and again
 * straight away while batches come back full.
 */
export function startOutboxRelay(db: Db, opts: OutboxRelayOptions = {}): OutboxRelayHandle {
  const log = opts.log ?? consoleLogger;
  const intervalMs = opts.intervalMs ?? 250;
  const batchSize = opts.batchSize ?? 100;
  const producer = opts.addJob ? undefined : createJobProducer({ url: opts.redisUrl, prefix: opts.prefix });
  const addJob = opts.addJob ?? producer!.addJob;
  const listenUrl = opts.listenUrl === undefined ? getEnv().DATABASE_URL : opts.listenUrl;

  let stopped = false;
  let running: Promise<void> | undefined;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  let failing = false; // log transitions, not every failed poll
  let dbFailing = false;

  async function runUntilDrained(): Promise<void> {
    for (;;) {
      let result: RelayResult;
      try {
        result = await relayOutbox(db, { ...opts, addJob, batchSize });
        if (dbFailing) log.info("outbox relay: PostgreSQL reachable again");
        dbFailing = false;
      } catch (error) {
        if (!dbFailing) log.error(`outbox relay: cannot read the outbox: ${messageOf(error)}`);
        dbFailing = true;
        return;
      }
      if (result.failed > 0) {
        if (!failing) {
          const why = result.error ?? "";
          const hint = why.startsWith(RedisUnavailable.name) ? " (Redis down?)" : "";
          log.warn(`outbox relay: ${result.failed} event(s) kept pending${hint}: ${why}`);
        }
        failing = true;
      } else if (result.sent > 0 && failing) {
        log.info("outbox relay: relaying again");
        failing = false;
      }
      if (stopped || result.claimed < batchSize || result.sent === 0) return;
    }
  }

  function schedule(delay: number): void {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(tick, delay);
  }

  function tick(): void {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    clearTimeout(timer);
    running = runUntilDrained().finally(() => {
      running = undefined;
      if (again) {
        again = false;
        schedule(0);
      } else {
        schedule(dbFailing ? Math.max(intervalMs, 2_000) : intervalMs);
      }
    });
  }

  // LISTEN on a dedicated connection; polling covers any gap while it reconnects.
  let listener: pg.Client | undefined;
  let listenTimer: NodeJS.Timeout | undefined;
  async function listen(): Promise<void> {
    if (stopped || !listenUrl) return;
    const client = new pg.Client({ connectionString: listenUrl, connectionTimeoutMillis: 5_000 });
    const retry = () => {
      if (listener === client) listener = undefined;
      client.end().catch(() => {});
      if (!stopped) listenTimer = setTimeout(() => void listen(), 5_000);
    };
    client.on("error", retry);
    client.on("notification", () => tick());
    try {
      await client.connect();
      await client.query(`LISTEN ${client.escapeIdentifier(OUTBOX_CHANNEL)}`);
      if (stopped) {
        await client.end().catch(() => {});
        return;
      }
      listener = client;
      client.once("end", () => {
        if (listener === client && !stopped) retry();
      });
    } catch {
      retry();
    }
  }

  void listen();
  schedule(0);

  return {
    wake: tick,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      clearTimeout(listenTimer);
      await running;
      const client = listener;
      listener = undefined;
      await client?.end().catch(() => {});
      await producer?.close();
    },
  };
}
