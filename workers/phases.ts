/**
 * The `schedule` queue, job `phases`: once a minute, consultations whose dates have come change phase
 * (scheduled drafts open, due ones close). `advanceConsultationPhases` is the logic; this file is the thin
 * BullMQ wrapper plus the job scheduler that enqueues the job every minute (one schedule in Redis, however
 * many worker processes upsert it).
 */
import { UnrecoverableError, type Job, type Queue, type Worker } from "bullmq";
import type { Redis } from "ioredis";
import { advanceConsultationPhases, type PhaseAdvance } from "~/domain/consultations/manage.server.ts";
import { InvalidJobPayload, parseJobPayload } from "~/jobs/queues.server.ts";
import type { Db } from "~/utils/db.server.ts";
import { createScheduledWorker } from "./lib/scheduled-worker.ts";

export const SCHEDULE_QUEUE = "schedule";
export const PHASES_JOB = "phases";
export const PHASES_SCHEDULER_ID = "phases-every-minute";
export const PHASES_EVERY_MS = 60_000;

/** Runs one `phases` job; a malformed job fails at once instead of being retried. */
export async function processPhasesJob(
  db: Db,
  job: Pick<Job, "name" | "data">,
  now: Date = new Date(),
): Promise<PhaseAdvance> {
  try {
    if (job.name !== PHASES_JOB) {
      throw new InvalidJobPayload(SCHEDULE_QUEUE, job.name, [`unknown job "${job.name}"`]);
    }
    parseJobPayload(SCHEDULE_QUEUE, PHASES_JOB, job.data);
  } catch (error) {
    if (error instanceof InvalidJobPayload) throw new UnrecoverableError(error.message);
    throw error;
  }
  const result = await advanceConsultationPhases(db, now);
  if (result.opened.length || result.closed.length) {
    console.log(
      `phases: opened ${result.opened.map((c) => c.slug).join(", ") || "none"}; ` +
        `closed ${result.closed.map((c) => c.slug).join(", ") || "none"}`,
    );
  }
  return result;
}

/** Creates (or updates) the every-minute schedule of the `phases` job. */
export async function schedulePhases(queue: Queue, everyMs: number = PHASES_EVERY_MS): Promise<void> {
  await queue.upsertJobScheduler(
    PHASES_SCHEDULER_ID,
    { every: everyMs },
    {
      name: PHASES_JOB,
      data: {},
      // A missed minute is made up by the next one: no retries, little history.
      opts: { attempts: 1, removeOnComplete: { count: 100 }, removeOnFail: { count: 500 } },
    },
  );
}

export interface PhasesWorkerOptions {
  db: Db;
  /** A worker connection (`maxRetriesPerRequest: null`); default: a new one on REDIS_URL. */
  connection?: Redis;
  /** BullMQ prefix; default REDIS_PREFIX. */
  prefix?: string;
  everyMs?: number;
}

/**
 * The BullMQ worker of the `schedule` queue. Once it is connected it upserts the every-minute schedule
 * (retrying while Redis is unreachable); closing the worker closes the scheduling queue too.
 */
export function createPhasesWorker(opts: PhasesWorkerOptions): Worker {
  return createScheduledWorker({
    queue: SCHEDULE_QUEUE,
    process: (job) => processPhasesJob(opts.db, job),
    concurrency: 1,
    connection: opts.connection,
    prefix: opts.prefix,
    schedule: { job: PHASES_JOB, upsert: (queue) => schedulePhases(queue, opts.everyMs) },
  });
}
