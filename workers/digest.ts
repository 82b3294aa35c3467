/**
 * The `digest` queue: a BullMQ job scheduler fires once a day (07:00, Athens time) and the job sends the
 * e-mail digests of users who chose them (`sendDigests` in the notifications domain: one outbox e-mail per
 * user and day, written with the "e-mailed" marks in one transaction, so a retried or repeated run sends
 * nothing twice). Any number of worker processes may upsert the same scheduler: it is one scheduler by id.
 */
import { Queue, UnrecoverableError, Worker, type Job } from "bullmq";
import type { Redis } from "ioredis";
import {
  DIGEST_SCHEDULES,
  sendDigests,
  type DigestResult,
  type DigestSchedule,
} from "~/domain/notifications/notifications.server.ts";
import { InvalidJobPayload, parseJobPayload, queuePrefix, redisConnection } from "~/jobs/queues.server.ts";
import type { Db } from "~/utils/db.server.ts";

export const DIGEST_TIME_ZONE = "Europe/Athens";

/** When each digest frequency runs (cron, in DIGEST_TIME_ZONE). */
export const DIGEST_CRON: Record<DigestSchedule, string> = {
  daily: "0 7 * * *",
};

export const digestSchedulerId = (frequency: DigestSchedule) => `digest-${frequency}`;

/** Creates or updates the repeatable job of every digest frequency. */
export async function scheduleDigests(queue: Queue): Promise<void> {
  for (const frequency of Object.keys(DIGEST_SCHEDULES) as DigestSchedule[]) {
    await queue.upsertJobScheduler(
      digestSchedulerId(frequency),
      { pattern: DIGEST_CRON[frequency], tz: DIGEST_TIME_ZONE },
      { name: "send", data: { frequency } },
    );
  }
}

/** Runs one BullMQ job; a payload that can never succeed fails at once instead of being retried. */
export async function processDigestJob(
  db: Db,
  job: Pick<Job, "name" | "data">,
  opts: { now?: Date } = {},
): Promise<DigestResult> {
  try {
    if (job.name !== "send") throw new InvalidJobPayload("digest", job.name, [`unknown job "${job.name}"`]);
    const { frequency } = parseJobPayload("digest", "send", job.data);
    return await sendDigests(db, { now: opts.now ?? new Date(), frequency });
  } catch (error) {
    if (error instanceof InvalidJobPayload) throw new UnrecoverableError(error.message);
    throw error;
  }
}

export interface DigestWorkerOptions {
  db: Db;
  /** A worker connection (`maxRetriesPerRequest: null`); default: a new one on REDIS_URL. */
  connection?: Redis;
  /** BullMQ prefix; default REDIS_PREFIX. */
  prefix?: string;
  /** Upsert the schedulers when the worker starts (default true). */
  schedule?: boolean;
}

/**
 * The BullMQ worker of the `digest` queue; it also (re)creates the schedulers, retrying on each reconnect
 * until that succeeded once (Redis may be down when the process starts). Closing it closes what it created.
 */
export function createDigestWorker(opts: DigestWorkerOptions): Worker {
  const connection = opts.connection ?? redisConnection({ worker: true });
  const prefix = opts.prefix ?? queuePrefix();
  const worker = new Worker("digest", (job) => processDigestJob(opts.db, job), {
    connection,
    prefix,
    concurrency: 1,
  });
  if (opts.schedule !== false) {
    const queue = new Queue("digest", { connection, prefix });
    queue.on("error", () => {}); // reported by the failing upsert
    let scheduled = false;
    let attempt: Promise<void> | undefined;
    const trySchedule = () => {
      if (scheduled || attempt) return;
      attempt = scheduleDigests(queue)
        .then(() => {
          scheduled = true;
        })
        .catch((error: Error) => console.warn(`worker digest: could not schedule digests: ${error.message}`))
        .finally(() => {
          attempt = undefined;
        });
    };
    trySchedule();
    worker.on("ready", trySchedule);
    worker.on("closing", () => {
      void queue.close().catch(() => {});
    });
  }
  if (!opts.connection) worker.on("closed", () => connection.disconnect());
  return worker;
}
