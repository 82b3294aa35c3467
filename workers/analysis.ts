/**
 * The `analysis` queue: every new or edited submission (job `submission` {submissionId, version}) and comment
 * (job `comment` {commentId, version}) is analysed by the active categoriser and stored exactly once
 * (app/domain/analysis/analysis.server.ts). Jobs running at the same moment are analysed together: one read,
 * one prediction batch in the thread pool, one INSERT. After a submission's analysis is stored (or found
 * stored by a retried job) its `analysis-followups` job (urgent alert, near-duplicate groups, priority
 * recompute; workers/analysis-followups.ts) is added, one addBulk per batch, urgent ones first.
 *
 * `startAnalysis` starts the whole thing for the worker process: the thread pool, the active model (trained
 * and stored on a first start, in a thread, without holding up the process), the analysis worker, the
 * reconciler and retraining (workers/analysis-control.ts) and the watch on the active model version.
 */
import { Queue, UnrecoverableError, Worker, type Job } from "bullmq";
import type { Redis } from "ioredis";
import {
  analyseComments,
  analyseSubmissions,
  VersionNotYetVisible,
  type CommentAnalyseResult,
  type CommentTarget,
  type Predictor,
  type SubmissionAnalyseResult,
  type SubmissionTarget,
} from "~/domain/analysis/analysis.server.ts";
import { ensureActiveModel, watchActiveModel, type ModelWatcher } from "~/domain/analysis/models.server.ts";
import {
  defaultJobOptions,
  InvalidJobPayload,
  parseJobPayload,
  queuePrefix,
  redisConnection,
} from "~/jobs/queues.server.ts";
import type { Db } from "~/utils/db.server.ts";
import { createBatcher } from "./analysis-batch.ts";
import { createAnalysisControlWorker } from "./analysis-control.ts";
import {
  createFollowUpWorker,
  FOLLOWUP_JOB,
  followUpConcurrency,
  FOLLOWUPS_QUEUE,
  followUpJobId,
} from "./analysis-followups.ts";
import { createPredictionPool, type PredictionPool } from "./analysis-pool.ts";

export const ANALYSIS_QUEUE = "analysis";

/** Whether an analysis result says urgent (a stored one, or one a retried job found stored). */
function isUrgent(r: SubmissionAnalyseResult): boolean {
  if (r.outcome === "stored") return r.stored.prediction.urgent.value;
  return r.outcome === "exists" && !!r.urgent?.value;
}

export interface AnalysisWorkerOptions {
  db: Db;
  /** The predictor in use (re-read for every batch, so a new model is picked up at once). */
  predictor: () => Predictor;
  /** A worker connection (`maxRetriesPerRequest: null`); default: a new one on REDIS_URL. */
  connection?: Redis;
  /** BullMQ prefix; default REDIS_PREFIX. */
  prefix?: string;
  /** Jobs at once (default ANALYSIS_CONCURRENCY or 64). */
  concurrency?: number;
  /** Largest batch (default 64). */
  batchSize?: number;
  /** Add the `analysis-followups` job of each analysed version (default true). */
  queueFollowUps?: boolean;
  /** Start taking jobs at once (default true); false to call `worker.run()` later. */
  autorun?: boolean;
}

function envInt(name: string, fallback: number): number {
  const n = Number.parseInt(process.env[name] ?? "", 10);
  return n > 0 ? n : fallback;
}

/** The BullMQ worker of the `analysis` queue. Closing it also closes the connection it created. */
export function createAnalysisWorker(opts: AnalysisWorkerOptions): Worker {
  const { db } = opts;
  const batchSize = opts.batchSize ?? 64;
  const submissions = createBatcher<SubmissionTarget, SubmissionAnalyseResult>(
    (targets) => analyseSubmissions(db, opts.predictor(), targets),
    { maxSize: batchSize },
  );
  const comments = createBatcher<CommentTarget, CommentAnalyseResult>(
    (targets) => analyseComments(db, opts.predictor(), targets),
    { maxSize: batchSize },
  );
  const connection = opts.connection ?? redisConnection({ worker: true });
  const prefix = opts.prefix ?? queuePrefix();
  const followUpQueue = new Queue(FOLLOWUPS_QUEUE, { connection, prefix, defaultJobOptions });
  followUpQueue.on("error", () => {});
  // One addBulk per batch of analysed versions (after their commit).
  // Urgent ones first: their alert is in the follow-up job (prioritised jobs: lower number first).
  const followUpAdds = createBatcher<SubmissionAnalyseResult, true>(
    async (results) => {
      await followUpQueue.addBulk(
        results.map((r) => ({
          name: FOLLOWUP_JOB,
          data: { submissionId: r.submissionId, version: r.version },
          opts: { jobId: followUpJobId(r), priority: isUrgent(r) ? 1 : 10 },
        })),
      );
      return results.map(() => true as const);
    },
    { maxSize: batchSize, maxWaitMs: 5 },
  );

  async function processJob(job: Job) {
    let payload;
    try {
      if (job.name === "submission") payload = parseJobPayload(ANALYSIS_QUEUE, "submission", job.data);
      else if (job.name === "comment") payload = parseJobPayload(ANALYSIS_QUEUE, "comment", job.data);
      else throw new InvalidJobPayload(ANALYSIS_QUEUE, job.name, [`unknown job "${job.name}"`]);
    } catch (error) {
      // A payload that can never succeed fails at once instead of being retried.
      if (error instanceof InvalidJobPayload) throw new UnrecoverableError(error.message);
      throw error;
    }
    if ("submissionId" in payload) {
      const result = await submissions.add(payload);
      if (opts.queueFollowUps !== false && (result.outcome === "stored" || result.outcome === "exists")) {
        await followUpAdds.add(result);
      }
      return { outcome: result.outcome };
    }
    const result = await comments.add(payload);
    return { outcome: result.outcome };
  }

  const worker = new Worker(ANALYSIS_QUEUE, processJob, {
    connection,
    prefix,
    concurrency: opts.concurrency ?? envInt("ANALYSIS_CONCURRENCY", 64),
    autorun: opts.autorun ?? true,
    // Jobs take milliseconds: a killed worker's jobs are taken over within ~20 s (lock expiry + check).
    lockDuration: 15_000,
    stalledInterval: 5_000,
    maxStalledCount: 5,
  });
  worker.on("closed", () => {
    void followUpQueue
      .close()
      .catch(() => {})
      .finally(() => {
        if (!opts.connection) connection.disconnect();
      });
  });
  return worker;
}

export { VersionNotYetVisible };

// ───────────────────────────── The worker process's analysis ─────────────────────────────

export interface StartAnalysisOptions {
  db: Db;
  /** Makes a worker connection (`maxRetriesPerRequest: null`) for each BullMQ worker. */
  connection: () => Redis;
  prefix: string;
  log?: (line: string) => void;
}

export interface RunningAnalysis {
  workers: Worker[];
  pool: PredictionPool;
  /** Resolves once a model is loaded and the analysis worker takes jobs. */
  started: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts analysis in the worker process. Returns at once with the BullMQ workers (so the process can report
 * itself ready); the analysis worker begins taking jobs once the active model is loaded in the threads (or,
 * on a first start, trained in a thread and stored).
 */
export function startAnalysis(opts: StartAnalysisOptions): RunningAnalysis {
  const { db } = opts;
  const log = opts.log ?? ((line: string) => console.log(line));
  const pool = createPredictionPool();
  let watcher: ModelWatcher | undefined;
  let stopped = false;

  const analysisWorker = createAnalysisWorker({
    db,
    predictor: () => pool,
    connection: opts.connection(),
    prefix: opts.prefix,
    autorun: false,
  });
  const control = createAnalysisControlWorker({
    db,
    connection: opts.connection(),
    prefix: opts.prefix,
    trainer: (examples) => pool.train(examples),
    onRetrained: (model) => watcher?.use(model),
    log,
  });

  const started = (async () => {
    for (let attempt = 1; ; attempt++) {
      try {
        const model = await ensureActiveModel(db, (examples) => pool.train(examples));
        await pool.load(model.data);
        log(`analysis: model ${model.version} loaded in ${pool.size} thread(s)`);
        watcher = watchActiveModel(db, model, {
          intervalMs: envInt("ANALYSIS_MODEL_POLL_MS", 30_000),
          onChange: async (next) => {
            await pool.load(next.data);
            log(`analysis: now using model ${next.version}`);
          },
          onError: (error) => log(`analysis: cannot check the active model: ${error.message}`),
        });
        break;
      } catch (error) {
        if (stopped) return;
        log(`analysis: cannot load a model (attempt ${attempt}): ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, Math.min(1_000 * 2 ** attempt, 30_000)));
      }
    }
    if (!stopped) void analysisWorker.run();
  })();

  const workers = [analysisWorker, control];
  if (followUpConcurrency() > 0) {
    workers.push(createFollowUpWorker({ db, connection: opts.connection(), prefix: opts.prefix }));
  }

  return {
    workers,
    pool,
    started,
    async stop() {
      stopped = true;
      watcher?.stop();
      await pool.close();
    },
  };
}
