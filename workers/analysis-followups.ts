/**
 * The `analysis-followups` queue, job `after` {submissionId, version}: what follows a stored analysis but
 * need not hold up the analysis of the next ones — the urgent alert when the analysis says urgent (those jobs
 * are prioritised), the consultation's near-duplicate groups (a similarity search) and a debounced priority
 * recompute (the score reads the labels). The analysis worker adds these jobs after its commit, batch by
 * batch, and again when a retried job finds its analysis stored; every step is idempotent, so a job run twice
 * does no harm. (A job lost with Redis between the commit and the add: the next analysis in the consultation
 * finds the duplicates, similarity being mutual, and the daily recompute covers the priority; the alert of
 * such an urgent submission would be missed, a window of milliseconds.)
 */
import { UnrecoverableError, Worker, type Job } from "bullmq";
import type { Redis } from "ioredis";
import { publish } from "~/realtime/publish.server.ts";
import { rooms } from "~/realtime/rooms.ts";
import { updateDuplicateGroups } from "~/domain/analysis/duplicates.server.ts";
import { handleUrgentAnalysis } from "~/domain/analysis/urgency.server.ts";
import { schedulePriorityRecompute } from "~/domain/priority/priority.server.ts";
import { InvalidJobPayload, parseJobPayload, queuePrefix, redisConnection } from "~/jobs/queues.server.ts";
import type { Db } from "~/utils/db.server.ts";

export const FOLLOWUPS_QUEUE = "analysis-followups";
export const FOLLOWUP_JOB = "after";

/** The job id of the follow-ups of one analysed version (one job per version, however often it is added). */
export const followUpJobId = (t: { submissionId: string; version: number }) =>
  `followup.${t.submissionId}.${t.version}`;

export async function processFollowUpJob(db: Db, job: Pick<Job, "name" | "data">) {
  let target;
  try {
    if (job.name !== FOLLOWUP_JOB) {
      throw new InvalidJobPayload(FOLLOWUPS_QUEUE, job.name, [`unknown job "${job.name}"`]);
    }
    target = parseJobPayload(FOLLOWUPS_QUEUE, FOLLOWUP_JOB, job.data);
  } catch (error) {
    if (error instanceof InvalidJobPayload) throw new UnrecoverableError(error.message);
    throw error;
  }
  const analysis = await db.submissionAnalysis.findUnique({
    where: {
      submissionId_submissionVersion: {
        submissionId: target.submissionId,
        submissionVersion: target.version,
      },
    },
    select: { urgent: true, urgentConfidence: true, offTopic: true },
  });
  if (!analysis) return { group: null, urgent: false }; // nothing analysed (yet): nothing follows
  // Judged off-topic: it joins the moderators' queue as an automatic flag; open queues reload.
  if (analysis.offTopic) {
    publish(rooms.moderation(), "moderation:changed", {
      targetType: "submission",
      targetId: target.submissionId,
    });
  }
  if (analysis.urgent) {
    await handleUrgentAnalysis(db, {
      submissionId: target.submissionId,
      version: target.version,
      confidence: analysis.urgentConfidence ?? 0,
    });
  }
  const duplicates = await updateDuplicateGroups(db, target.submissionId);
  await schedulePriorityRecompute(db, { submissionId: target.submissionId });
  return { group: duplicates.groupId, urgent: analysis.urgent };
}

export interface FollowUpWorkerOptions {
  db: Db;
  connection?: Redis;
  prefix?: string;
  /**
   * Default ANALYSIS_FOLLOWUPS_CONCURRENCY, else 2 (similarity searches are PostgreSQL's CPU, not ours).
   * 0 runs no follow-ups in this process (others do), to keep it for analysis alone.
   */
  concurrency?: number;
}

/** ANALYSIS_FOLLOWUPS_CONCURRENCY (0 = none in this process), default 2. */
export function followUpConcurrency(): number {
  const n = Number.parseInt(process.env.ANALYSIS_FOLLOWUPS_CONCURRENCY ?? "", 10);
  return Number.isInteger(n) && n >= 0 ? n : 2;
}

export function createFollowUpWorker(opts: FollowUpWorkerOptions): Worker {
  const connection = opts.connection ?? redisConnection({ worker: true });
  const worker = new Worker(FOLLOWUPS_QUEUE, (job) => processFollowUpJob(opts.db, job), {
    connection,
    prefix: opts.prefix ?? queuePrefix(),
    concurrency: opts.concurrency ?? followUpConcurrency(),
  });
  if (!opts.connection) worker.on("closed", () => connection.disconnect());
  return worker;
}
