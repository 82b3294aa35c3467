/**
 * The `priority` queue: recompute priority scores. `recompute` (one submission) and `recompute-consultation`
 * (all of one, after a weights change) come through the outbox, debounced by their keys (see
 * schedulePriorityRecompute); `recompute-all` runs daily from a job scheduler, since recency moves on with
 * the days, and also catches up anything a lost job missed. Recomputing is idempotent: unchanged inputs
 * write nothing, so a job run twice does no harm.
 */
import { UnrecoverableError, type Job, type Queue, type Worker } from "bullmq";
import type { Redis } from "ioredis";
import {
  recomputeAll,
  recomputeConsultation,
  recomputePriority,
  type RecomputeResult,
} from "~/domain/priority/priority.server.ts";
import { InvalidJobPayload, parseJobPayload } from "~/jobs/queues.server.ts";
import type { Db } from "~/utils/db.server.ts";
import { createScheduledWorker } from "./lib/scheduled-worker.ts";

export const PRIORITY_QUEUE = "priority";
export const RECOMPUTE_ALL_SCHEDULER_ID = "priority-daily";
/** Shortly after midnight, UTC: the reference day of recency changes then. */
export const RECOMPUTE_ALL_PATTERN = "5 0 * * *";

/** Runs one job; a malformed job fails at once instead of being retried. */
export async function processPriorityJob(
  db: Db,
  job: Pick<Job, "name" | "data">,
  now: Date = new Date(),
): Promise<RecomputeResult> {
  let payload: unknown;
  try {
    payload = parseJobPayload(PRIORITY_QUEUE, job.name, job.data);
  } catch (error) {
    if (error instanceof InvalidJobPayload) throw new UnrecoverableError(error.message);
    throw error;
  }
  switch (job.name) {
    case "recompute":
      return recomputePriority(db, (payload as { submissionId: string }).submissionId, now);
    case "recompute-consultation":
      return recomputeConsultation(db, (payload as { consultationId: string }).consultationId, now);
    default:
      return recomputeAll(db, now);
  }
}

export interface PriorityWorkerOptions {
  db: Db;
  /** A worker connection (`maxRetriesPerRequest: null`); default: a new one on REDIS_URL. */
  connection?: Redis;
  /** BullMQ prefix; default REDIS_PREFIX. */
  prefix?: string;
  /** Set false to leave out the daily job scheduler (tests). */
  schedule?: boolean;
}

/** The BullMQ worker of the `priority` queue; once connected it upserts the daily `recompute-all`. */
export function createPriorityWorker(opts: PriorityWorkerOptions): Worker {
  return createScheduledWorker({
    queue: PRIORITY_QUEUE,
    process: (job) => processPriorityJob(opts.db, job),
    // Scores of different submissions are independent; two at a time keeps the database calm.
    concurrency: 2,
    connection: opts.connection,
    prefix: opts.prefix,
    schedule: opts.schedule === false ? undefined : { job: "recompute-all", upsert: schedulePriority },
  });
}

/** The daily `recompute-all` schedule, plus one catch-up run per day at start. */
function schedulePriority(queue: Queue): Promise<unknown> {
  // Catch up once a day at start too (a fresh install, a worker that was down at midnight): the job id
  // makes it one run per day however many workers start.
  queue
    .add("recompute-all", {}, { jobId: `recompute-all-start-${new Date().toISOString().slice(0, 10)}` })
    .catch(() => {});
  return queue.upsertJobScheduler(
    RECOMPUTE_ALL_SCHEDULER_ID,
    { pattern: RECOMPUTE_ALL_PATTERN, tz: "UTC" },
    {
      name: "recompute-all",
      data: {},
      opts: { attempts: 3, removeOnComplete: { count: 30 }, removeOnFail: { count: 100 } },
    },
  );
}
