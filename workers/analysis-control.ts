/**
 * The `analysis-control` queue: upkeep of the analysis pipeline.
 *
 * - `reconcile` (a job scheduler every minute, also run when the worker starts and whenever its Redis
 *   connection comes back): finds published or pending submissions, and published comments, whose current
 *   version has no analysis, and enqueues them with the SAME job ids the outbox relay uses
 *   (`analyse.<id>.<version>`), so a job still queued is not added twice. What was lost with Redis, or with
 *   a crashed worker, is analysed again; the database's unique constraints keep it to one row each.
 * - `retrain`: trains from the dev files and every correction (in a thread), stores and activates a new model.
 */
import { Queue, UnrecoverableError, Worker, type Job } from "bullmq";
import type { Redis } from "ioredis";
import {
  commentsMissingAnalysis,
  CONTROL_QUEUE,
  RECONCILE_JOB,
  reconcilerStatusKey,
  RETRAIN_JOB,
  submissionsMissingAnalysis,
  type ReconcileResult,
} from "~/domain/analysis/analysis.server.ts";
import { retrainModel, type LoadedModel, type Trainer } from "~/domain/analysis/models.server.ts";
import {
  defaultJobOptions,
  InvalidJobPayload,
  jobIdForKey,
  parseJobPayload,
  queuePrefix,
  redisConnection,
} from "~/jobs/queues.server.ts";
import type { Db } from "~/utils/db.server.ts";

export const RECONCILE_SCHEDULER_ID = "reconcile-every-minute";
export const RECONCILE_EVERY_MS = 60_000;
/** Changes younger than this are left to their own jobs (normally on their way through the outbox). */
export const RECONCILE_GRACE_MS = 5_000;
const RECONCILE_LIMIT = 5_000;

export { CONTROL_QUEUE, RECONCILE_JOB, RETRAIN_JOB };

/** The job id the outbox relay gives the analysis of a submission / comment version. */
export const submissionJobId = (t: { submissionId: string; version: number }) =>
  jobIdForKey(`analyse:${t.submissionId}:${t.version}`);
export const commentJobId = (t: { commentId: string; version: number }) =>
  jobIdForKey(`analyse-comment:${t.commentId}:${t.version}`);

/** One reconciler run: enqueues every missing analysis that has no live job. */
export async function reconcileAnalyses(
  db: Db,
  analysisQueue: Queue,
  { graceMs = RECONCILE_GRACE_MS, limit = RECONCILE_LIMIT }: { graceMs?: number; limit?: number } = {},
): Promise<ReconcileResult> {
  const started = performance.now();
  const [subs, comments] = await Promise.all([
    submissionsMissingAnalysis(db, { graceMs, limit }),
    commentsMissingAnalysis(db, { graceMs, limit }),
  ]);
  const wanted = [
    ...subs.map((s) => ({ name: "submission", data: s, jobId: submissionJobId(s) })),
    ...comments.map((c) => ({ name: "comment", data: c, jobId: commentJobId(c) })),
  ];
  let enqueued = 0;
  let alreadyQueued = 0;
  let failed = 0;
  const toAdd: typeof wanted = [];
  for (let i = 0; i < wanted.length; i += 200) {
    const slice = wanted.slice(i, i + 200);
    const states = await Promise.all(slice.map((w) => analysisQueue.getJobState(w.jobId)));
    for (const [j, state] of states.entries()) {
      const w = slice[j];
      if (state === "unknown") toAdd.push(w);
      else if (state === "failed") failed++;
      else if (state === "completed") {
        // Completed yet missing (e.g. the database was restored): run it again under the same id.
        await analysisQueue.remove(w.jobId).catch(() => 0);
        toAdd.push(w);
      } else alreadyQueued++;
    }
  }
  for (let i = 0; i < toAdd.length; i += 500) {
    const added = await analysisQueue.addBulk(
      toAdd.slice(i, i + 500).map((w) => ({ name: w.name, data: w.data, opts: { jobId: w.jobId } })),
    );
    enqueued += added.length;
  }
  return {
    at: new Date().toISOString(),
    missingSubmissions: subs.length,
    missingComments: comments.length,
    enqueued,
    alreadyQueued,
    failed,
    ms: Math.round(performance.now() - started),
  };
}

/** Creates (or updates) the every-minute schedule of the reconciler. */
export async function scheduleReconcile(queue: Queue, everyMs = RECONCILE_EVERY_MS): Promise<void> {
  await queue.upsertJobScheduler(
    RECONCILE_SCHEDULER_ID,
    { every: everyMs },
    {
      name: RECONCILE_JOB,
      data: {},
      opts: { attempts: 1, removeOnComplete: { count: 100 }, removeOnFail: { count: 500 } },
    },
  );
}

export interface ControlWorkerOptions {
  db: Db;
  connection?: Redis;
  prefix?: string;
  /** Trains off the main thread (the pool's training thread). */
  trainer?: Trainer;
  /** Called with the new model after a retrain in this process. */
  onRetrained?: (model: LoadedModel) => void;
  everyMs?: number;
  log?: (line: string) => void;
}

/**
 * The BullMQ worker of `analysis-control`. Once connected it upserts the reconciler's schedule and runs the
 * reconciler; it does both again whenever the Redis connection comes back (Redis may have lost everything).
 */
export function createAnalysisControlWorker(opts: ControlWorkerOptions): Worker {
  const connection = opts.connection ?? redisConnection({ worker: true });
  const prefix = opts.prefix ?? queuePrefix();
  const log = opts.log ?? ((line: string) => console.log(line));
  const everyMs =
    opts.everyMs ??
    (Number.parseInt(process.env.ANALYSIS_RECONCILE_EVERY_MS ?? "", 10) || RECONCILE_EVERY_MS);
  const controlQueue = new Queue(CONTROL_QUEUE, { connection, prefix });
  const analysisQueue = new Queue("analysis", { connection, prefix, defaultJobOptions });
  controlQueue.on("error", () => {});
  analysisQueue.on("error", () => {});

  async function reconcile(): Promise<ReconcileResult> {
    const result = await reconcileAnalyses(opts.db, analysisQueue);
    await connection.set(reconcilerStatusKey(prefix), JSON.stringify(result)).catch(() => {});
    if (result.enqueued > 0 || result.failed > 0) {
      log(
        `analysis reconciler: ${result.missingSubmissions} submission(s) and ${result.missingComments} ` +
          `comment(s) without analysis; enqueued ${result.enqueued}, failed for good ${result.failed}`,
      );
    }
    return result;
  }

  async function processJob(job: Job) {
    try {
      if (job.name !== RECONCILE_JOB && job.name !== RETRAIN_JOB) {
        throw new InvalidJobPayload(CONTROL_QUEUE, job.name, [`unknown job "${job.name}"`]);
      }
      parseJobPayload(CONTROL_QUEUE, job.name, job.data);
    } catch (error) {
      if (error instanceof InvalidJobPayload) throw new UnrecoverableError(error.message);
      throw error;
    }
    if (job.name === RECONCILE_JOB) return reconcile();
    const { reason } = parseJobPayload(CONTROL_QUEUE, RETRAIN_JOB, job.data);
    const model = await retrainModel(opts.db, { reason: reason ?? "retrain job", trainer: opts.trainer });
    opts.onRetrained?.(model);
    log(`analysis: retrained model ${model.version} (${model.metrics.examples.corrections} correction(s))`);
    return { version: model.version, examples: model.metrics.examples };
  }

  const worker = new Worker(CONTROL_QUEUE, processJob, {
    connection,
    prefix,
    concurrency: 1,
    // Training takes a while (in a thread; the lock is renewed meanwhile).
    lockDuration: 120_000,
  });

  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  let again: NodeJS.Timeout | undefined;
  const onConnected = () => {
    if (closed) return;
    clearTimeout(retry);
    clearTimeout(again);
    Promise.all([scheduleReconcile(controlQueue, everyMs), reconcile()]).then(
      () => {
        // Once more when the grace period has passed: what changed just before the outage was left out.
        again = setTimeout(() => void reconcile().catch(() => {}), 2 * RECONCILE_GRACE_MS);
        again.unref();
      },
      (error: Error) => {
        log(`analysis reconciler: ${error.message}`);
        retry = setTimeout(onConnected, 5_000);
        retry.unref();
      },
    );
  };
  // "ready" fires on the first connection and after every reconnection.
  connection.on("ready", onConnected);
  if (connection.status === "ready") onConnected();
  worker.on("closing", () => {
    closed = true;
    clearTimeout(retry);
    clearTimeout(again);
    connection.off("ready", onConnected);
  });
  worker.on("closed", () => {
    void Promise.all([controlQueue.close(), analysisQueue.close()])
      .catch(() => {})
      .finally(() => {
        if (!opts.connection) connection.disconnect();
      });
  });
  return worker;
}
