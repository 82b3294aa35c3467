/**
 * Storing automatic analyses: one `SubmissionAnalysis` per (submission, version) and one `CommentAnalysis` per
 * (comment, version), written exactly once whatever the number of jobs, workers and retries. Uniqueness rests
 * on the tables' unique constraints (INSERT … ON CONFLICT DO NOTHING), never on BullMQ job ids, which Redis
 * may lose or forget.
 *
 * The batch functions are what the analysis worker calls (one SELECT and one INSERT per batch of jobs);
 * `analyseSubmission` / `analyseComment` are the one-item forms. After the commit each stored submission
 * analysis is announced as `analysis:updated` in its consultation's room.
 */
import type { Redis } from "ioredis";
import type { Prediction } from "~/domain/analysis/analysis.types.ts";
import { Prisma } from "~/generated/prisma/client.ts";
import { publish as publishToRoom } from "~/realtime/publish.server.ts";
import { rooms } from "~/realtime/rooms.ts";
import type { Db, DbOrTx, Tx } from "~/utils/db.server.ts";
import { newId } from "~/utils/ids.ts";

// ───────────────────────────── Types ─────────────────────────────

/**
 * What the store needs of a categoriser: a `Categoriser` (app/domain/analysis/categoriser/) predicting in
 * this thread, or a batch predictor (the worker's thread pool). The version is stored with every analysis
 * and must be a stored `ClassifierModel.version`.
 */
export type Predictor =
  | { readonly version: string; predict(text: string): Prediction }
  | { predictMany(texts: string[]): Promise<{ version: string; predictions: Prediction[] }> };

async function predictAll(
  predictor: Predictor,
  texts: string[],
): Promise<{ version: string; predictions: Prediction[] }> {
  if (texts.length === 0) return { version: "", predictions: [] };
  if ("predictMany" in predictor) return predictor.predictMany(texts);
  return { version: predictor.version, predictions: texts.map((t) => predictor.predict(t)) };
}

export interface SubmissionTarget {
  submissionId: string;
  version: number;
}

export interface CommentTarget {
  commentId: string;
  version: number;
}

/**
 * - stored: this call wrote the analysis;
 * - exists: an analysis of this version was already there (a repeated or concurrent job);
 * - stale: the submission has moved on to a newer version (that version has its own job);
 * - missing: no such submission (deleted).
 */
export type AnalyseOutcome = "stored" | "exists" | "stale" | "missing";

export interface StoredSubmissionAnalysis {
  id: string;
  submissionId: string;
  version: number;
  consultationId: string;
  title: string;
  modelVersion: string;
  prediction: Prediction;
  municipalityId: string | null;
}

export type SubmissionAnalyseResult =
  | { outcome: "stored"; submissionId: string; version: number; stored: StoredSubmissionAnalysis }
  | {
      outcome: "exists";
      submissionId: string;
      version: number;
      /** The stored analysis's urgency (so a retried job can finish what its first run began). */
      urgent: { value: boolean; confidence: number } | null;
    }
  | { outcome: "stale" | "missing"; submissionId: string; version: number };

export type CommentAnalyseResult = {
  outcome: AnalyseOutcome;
  commentId: string;
  version: number;
};

/** A job whose version is ahead of the database: the edit's commit is not visible yet. Retried. */
export class VersionNotYetVisible extends Error {
  override name = "VersionNotYetVisible";
}

export interface AnalyseOptions {
  /** Live delivery of `analysis:updated` (default: the Redis emitter); false to publish nothing. */
  publish?: typeof publishToRoom | false;
  /**
   * Runs in the transaction that stores the analyses (e.g. to add outbox events for urgent alerts, so that
   * they exist exactly when the analysis does). Without it the INSERT runs on its own.
   */
  inTransaction?: (tx: Tx, stored: StoredSubmissionAnalysis[]) => Promise<void>;
}

// ───────────────────────────── Reference data ─────────────────────────────

interface MunicipalityCache {
  byName: Map<string, string>;
  loadedAt: number;
}
const municipalityCaches = new WeakMap<object, MunicipalityCache>();
const MUNICIPALITY_RELOAD_MS = 60_000;

/** The Municipality id of an official genitive name (`Municipality.nameEl`); cached per client. */
export async function municipalityIdOf(
  db: DbOrTx,
  nameEl: string | null | undefined,
): Promise<string | null> {
  if (!nameEl) return null;
  let cache = municipalityCaches.get(db);
  const stale = !cache || (!cache.byName.has(nameEl) && Date.now() - cache.loadedAt > MUNICIPALITY_RELOAD_MS);
  if (stale) {
    const rows = await db.municipality.findMany({ select: { id: true, nameEl: true } });
    cache = { byName: new Map(rows.map((m) => [m.nameEl, m.id])), loadedAt: Date.now() };
    municipalityCaches.set(db, cache);
  }
  return cache!.byName.get(nameEl) ?? null;
}

/** The text the categoriser reads for a submission (as retraining builds examples from corrections). */
export function submissionText(title: string, bodyText: string): string {
  return `${title}\n${bodyText}`;
}

const scored = (items: { key: string; confidence: number }[]) =>
  JSON.stringify(items.map((s) => ({ key: s.key, confidence: round(s.confidence) })));

function round(n: number): number {
  return Math.round(n * 10_000) / 10_000;
}

// ───────────────────────────── Submissions ─────────────────────────────

interface SubmissionRow {
  id: string;
  version: number;
  consultationId: string;
  title: string;
  bodyText: string;
  done: boolean;
  doneUrgent: boolean | null;
  doneUrgentConfidence: number | null;
}

function dedupe<T>(items: T[], key: (t: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const item of items) if (!seen.has(key(item))) seen.set(key(item), item);
  return [...seen.values()];
}

/**
 * Analyses a batch of (submission, version) pairs: one read, the predictions, one INSERT … ON CONFLICT DO
 * NOTHING. Returns one result per distinct target, in order; a target ahead of the database (its edit not
 * visible yet) gets a `VersionNotYetVisible` error in its slot, for its job to throw and be retried.
 */
export async function analyseSubmissions(
  db: Db,
  predictor: Predictor,
  targets: SubmissionTarget[],
  opts: AnalyseOptions = {},
): Promise<(SubmissionAnalyseResult | VersionNotYetVisible)[]> {
  const unique = dedupe(targets, (t) => `${t.submissionId}:${t.version}`);
  if (unique.length === 0) return [];
  const ids = unique.map((t) => t.submissionId);
  const versions = unique.map((t) => t.version);
  const rows = await db.$queryRaw<SubmissionRow[]>`
    SELECT s.id, s.version, s."consultationId", s.title, s."bodyText", a.id IS NOT NULL AS done,
           a.urgent AS "doneUrgent", a."urgentConfidence" AS "doneUrgentConfidence"
      FROM unnest(${ids}::text[], ${versions}::int[]) AS t(id, version)
      JOIN "Submission" s ON s.id = t.id
      LEFT JOIN "SubmissionAnalysis" a ON a."submissionId" = t.id AND a."submissionVersion" = t.version`;
  const rowOf = new Map(rows.map((r) => [r.id, r]));

  const results = new Map<string, SubmissionAnalyseResult | VersionNotYetVisible>();
  const toPredict: { target: SubmissionTarget; row: SubmissionRow }[] = [];
  for (const t of unique) {
    const key = `${t.submissionId}:${t.version}`;
    const row = rowOf.get(t.submissionId);
    if (!row) results.set(key, { outcome: "missing", ...t });
    else if (row.done) {
      const urgent =
        row.doneUrgent === null ? null : { value: row.doneUrgent, confidence: row.doneUrgentConfidence ?? 0 };
      results.set(key, { outcome: "exists", ...t, urgent });
    } else if (row.version > t.version) results.set(key, { outcome: "stale", ...t });
    else if (row.version < t.version) {
      results.set(
        key,
        new VersionNotYetVisible(
          `Submission ${t.submissionId} is at version ${row.version}, the job is for version ${t.version}`,
        ),
      );
    } else {
      toPredict.push({ target: t, row });
    }
  }
  const { version: modelVersion, predictions } = await predictAll(
    predictor,
    toPredict.map(({ row }) => submissionText(row.title, row.bodyText)),
  );
  const toStore: StoredSubmissionAnalysis[] = [];
  for (const [i, { target, row }] of toPredict.entries()) {
    const prediction = predictions[i];
    toStore.push({
      id: newId(),
      submissionId: target.submissionId,
      version: target.version,
      consultationId: row.consultationId,
      title: row.title,
      modelVersion,
      prediction,
      municipalityId: await municipalityIdOf(db, prediction.municipality?.name),
    });
  }

  if (toStore.length > 0) {
    const insert = async (client: DbOrTx) => {
      const inserted = await insertSubmissionAnalyses(client, toStore);
      return toStore.filter((s) => inserted.has(`${s.submissionId}:${s.version}`));
    };
    const stored = opts.inTransaction
      ? await db.$transaction(async (tx) => {
          const done = await insert(tx);
          if (done.length > 0) await opts.inTransaction!(tx, done);
          return done;
        })
      : await insert(db);
    const storedKeys = new Set(stored.map((s) => `${s.submissionId}:${s.version}`));
    for (const s of toStore) {
      const key = `${s.submissionId}:${s.version}`;
      results.set(
        key,
        storedKeys.has(key)
          ? { outcome: "stored", submissionId: s.submissionId, version: s.version, stored: s }
          : // Another worker stored it meanwhile; its run handles what follows.
            { outcome: "exists", submissionId: s.submissionId, version: s.version, urgent: null },
      );
    }
    const publish = opts.publish === undefined ? publishToRoom : opts.publish;
    if (publish) {
      for (const s of stored) {
        publish(rooms.consultation(s.consultationId), "analysis:updated", {
          submissionId: s.submissionId,
          consultationId: s.consultationId,
          version: s.version,
        });
      }
    }
  }
  return unique.map((t) => results.get(`${t.submissionId}:${t.version}`)!);
}

/** One INSERT for the batch; returns the `<submissionId>:<version>` keys this statement wrote. */
async function insertSubmissionAnalyses(db: DbOrTx, items: StoredSubmissionAnalysis[]): Promise<Set<string>> {
  const col = <T>(fn: (s: StoredSubmissionAnalysis) => T) => items.map(fn);
  const inserted = await db.$queryRaw<{ submissionId: string; submissionVersion: number }[]>`
    INSERT INTO "SubmissionAnalysis" (
      "id", "submissionId", "submissionVersion", "modelVersion", "themes", "targetGroups", "kind",
      "kindConfidence", "urgent", "urgentConfidence", "offTopic", "offTopicConfidence", "municipalityId",
      "municipalityConfidence", "createdAt")
    SELECT t.id, t.sid, t.v, t.mv, t.themes::jsonb, t.groups::jsonb, t.kind::"SubmissionKind",
           t.kc, t.urgent, t.uc, t.off, t.oc, t.muni, t.mc, (now() AT TIME ZONE 'UTC')
      FROM unnest(
        ${col((s) => s.id)}::text[], ${col((s) => s.submissionId)}::text[], ${col((s) => s.version)}::int[],
        ${col((s) => s.modelVersion)}::text[], ${col((s) => scored(s.prediction.themes))}::text[],
        ${col((s) => scored(s.prediction.targetGroups))}::text[], ${col((s) => s.prediction.kind.value)}::text[],
        ${col((s) => round(s.prediction.kind.confidence))}::float8[],
        ${col((s) => s.prediction.urgent.value)}::boolean[],
        ${col((s) => round(s.prediction.urgent.confidence))}::float8[],
        ${col((s) => s.prediction.offTopic.value)}::boolean[],
        ${col((s) => round(s.prediction.offTopic.confidence))}::float8[],
        ${col((s) => s.municipalityId)}::text[],
        ${col((s) => (s.municipalityId && s.prediction.municipality ? round(s.prediction.municipality.confidence) : null))}::float8[]
      ) AS t(id, sid, v, mv, themes, groups, kind, kc, urgent, uc, off, oc, muni, mc)
    ON CONFLICT ("submissionId", "submissionVersion") DO NOTHING
    RETURNING "submissionId", "submissionVersion"`;
  return new Set(inserted.map((r) => `${r.submissionId}:${r.submissionVersion}`));
}

/**
 * Analyses one version of one submission, at most once: skipped when that version is already analysed or the
 * submission has a newer version. Throws `VersionNotYetVisible` when the job is ahead of the database.
 */
export async function analyseSubmission(
  db: Db,
  predictor: Predictor,
  target: SubmissionTarget,
  opts: AnalyseOptions = {},
): Promise<SubmissionAnalyseResult> {
  const [result] = await analyseSubmissions(db, predictor, [target], opts);
  if (result instanceof Error) throw result;
  return result;
}

// ───────────────────────────── Comments ─────────────────────────────

interface CommentRow {
  id: string;
  version: number;
  body: string;
  done: boolean;
}

/** Analyses a batch of (comment, version) pairs (off-topic and urgency), one INSERT for the batch. */
export async function analyseComments(
  db: Db,
  predictor: Predictor,
  targets: CommentTarget[],
): Promise<(CommentAnalyseResult | VersionNotYetVisible)[]> {
  const unique = dedupe(targets, (t) => `${t.commentId}:${t.version}`);
  if (unique.length === 0) return [];
  const rows = await db.$queryRaw<CommentRow[]>`
    SELECT c.id, c.version, c.body,
           EXISTS (SELECT 1 FROM "CommentAnalysis" a
                    WHERE a."commentId" = c.id AND a."commentVersion" = t.version) AS done
      FROM unnest(${unique.map((t) => t.commentId)}::text[], ${unique.map((t) => t.version)}::int[])
           AS t(id, version)
      JOIN "Comment" c ON c.id = t.id`;
  const rowOf = new Map(rows.map((r) => [r.id, r]));
  const results = new Map<string, CommentAnalyseResult | VersionNotYetVisible>();
  const toPredict: { target: CommentTarget; body: string }[] = [];
  for (const t of unique) {
    const key = `${t.commentId}:${t.version}`;
    const row = rowOf.get(t.commentId);
    if (!row) results.set(key, { outcome: "missing", ...t });
    else if (row.done) results.set(key, { outcome: "exists", ...t });
    else if (row.version > t.version) results.set(key, { outcome: "stale", ...t });
    else if (row.version < t.version) {
      results.set(
        key,
        new VersionNotYetVisible(
          `Comment ${t.commentId} is at version ${row.version}, the job is for version ${t.version}`,
        ),
      );
    } else {
      toPredict.push({ target: t, body: row.body });
    }
  }
  const { version: modelVersion, predictions } = await predictAll(
    predictor,
    toPredict.map((p) => p.body),
  );
  const toStore = toPredict.map(({ target }, i) => ({ id: newId(), ...target, prediction: predictions[i] }));
  if (toStore.length > 0) {
    const inserted = await db.$queryRaw<{ commentId: string; commentVersion: number }[]>`
      INSERT INTO "CommentAnalysis" (
        "id", "commentId", "commentVersion", "modelVersion", "offTopic", "offTopicConfidence", "urgent",
        "createdAt")
      SELECT t.id, t.cid, t.v, ${modelVersion}, t.off, t.oc, t.urgent, (now() AT TIME ZONE 'UTC')
        FROM unnest(
          ${toStore.map((s) => s.id)}::text[], ${toStore.map((s) => s.commentId)}::text[],
          ${toStore.map((s) => s.version)}::int[], ${toStore.map((s) => s.prediction.offTopic.value)}::boolean[],
          ${toStore.map((s) => round(s.prediction.offTopic.confidence))}::float8[],
          ${toStore.map((s) => s.prediction.urgent.value)}::boolean[]
        ) AS t(id, cid, v, off, oc, urgent)
      ON CONFLICT ("commentId", "commentVersion") DO NOTHING
      RETURNING "commentId", "commentVersion"`;
    const done = new Set(inserted.map((r) => `${r.commentId}:${r.commentVersion}`));
    for (const s of toStore) {
      const key = `${s.commentId}:${s.version}`;
      results.set(key, {
        outcome: done.has(key) ? "stored" : "exists",
        commentId: s.commentId,
        version: s.version,
      });
    }
  }
  return unique.map((t) => results.get(`${t.commentId}:${t.version}`)!);
}

/** Analyses one version of one comment, at most once (as `analyseSubmission`). */
export async function analyseComment(
  db: Db,
  predictor: Predictor,
  target: CommentTarget,
): Promise<CommentAnalyseResult> {
  const [result] = await analyseComments(db, predictor, [target]);
  if (result instanceof Error) throw result;
  return result;
}

// ───────────────────────────── What is missing (the reconciler) ─────────────────────────────

/** Statuses whose current version must have an analysis. */
const ANALYSED_STATUSES = Prisma.sql`('published', 'pending_review')`;

/**
 * Submissions (published or pending review) whose current version has no analysis, oldest change first,
 * leaving out those changed in the last `graceMs` (their jobs are normally on their way).
 */
export async function submissionsMissingAnalysis(
  db: DbOrTx,
  { limit = 5_000, graceMs = 0 }: { limit?: number; graceMs?: number } = {},
): Promise<SubmissionTarget[]> {
  return db.$queryRaw<SubmissionTarget[]>`
    SELECT s.id AS "submissionId", s.version
      FROM "Submission" s
     WHERE s.status::text IN ${ANALYSED_STATUSES}
       AND s."updatedAt" <= (now() AT TIME ZONE 'UTC') - ${graceMs}::float8 * interval '1 millisecond'
       AND NOT EXISTS (SELECT 1 FROM "SubmissionAnalysis" a
                        WHERE a."submissionId" = s.id AND a."submissionVersion" = s.version)
     ORDER BY s."updatedAt"
     LIMIT ${limit}`;
}

/** Published comments whose current version has no analysis (as `submissionsMissingAnalysis`). */
export async function commentsMissingAnalysis(
  db: DbOrTx,
  { limit = 5_000, graceMs = 0 }: { limit?: number; graceMs?: number } = {},
): Promise<CommentTarget[]> {
  return db.$queryRaw<CommentTarget[]>`
    SELECT c.id AS "commentId", c.version
      FROM "Comment" c
     WHERE c.status = 'published'
       AND coalesce(c."editedAt", c."createdAt")
           <= (now() AT TIME ZONE 'UTC') - ${graceMs}::float8 * interval '1 millisecond'
       AND NOT EXISTS (SELECT 1 FROM "CommentAnalysis" a
                        WHERE a."commentId" = c.id AND a."commentVersion" = c.version)
     ORDER BY c."createdAt"
     LIMIT ${limit}`;
}

/** How many submissions and comments (as the reconciler counts them) have no analysis of their current version. */
export async function countMissingAnalyses(db: DbOrTx): Promise<{ submissions: number; comments: number }> {
  const [row] = await db.$queryRaw<{ submissions: bigint; comments: bigint }[]>`
    SELECT
      (SELECT count(*) FROM "Submission" s
        WHERE s.status::text IN ${ANALYSED_STATUSES}
          AND NOT EXISTS (SELECT 1 FROM "SubmissionAnalysis" a
                           WHERE a."submissionId" = s.id AND a."submissionVersion" = s.version)) AS submissions,
      (SELECT count(*) FROM "Comment" c
        WHERE c.status = 'published'
          AND NOT EXISTS (SELECT 1 FROM "CommentAnalysis" a
                           WHERE a."commentId" = c.id AND a."commentVersion" = c.version)) AS comments`;
  return { submissions: Number(row.submissions), comments: Number(row.comments) };
}

// ───────────────────────────── The upkeep queue (workers/analysis-control.ts) ─────────────────────────────

/** The queue of the reconciler (`reconcile`, every minute) and of retraining (`retrain`). */
export const CONTROL_QUEUE = "analysis-control";
export const RECONCILE_JOB = "reconcile";
export const RETRAIN_JOB = "retrain";

export interface ReconcileResult {
  at: string;
  /** Submissions / comments found without an analysis of their current version. */
  missingSubmissions: number;
  missingComments: number;
  /** Jobs added now. */
  enqueued: number;
  /** Already waiting, delayed or running. */
  alreadyQueued: number;
  /** Their job failed for good: left for an admin to retry from /admin/queues. */
  failed: number;
  ms: number;
}

/** The Redis key (under the prefix) holding the last reconciler run, for the admin page. */
export function reconcilerStatusKey(prefix: string): string {
  return `${prefix}:analysis:reconciler:last`;
}

/** The last reconciler run recorded in Redis, or null. */
export async function lastReconcile(redis: Redis, prefix: string): Promise<ReconcileResult | null> {
  const raw = await redis.get(reconcilerStatusKey(prefix));
  return raw ? (JSON.parse(raw) as ReconcileResult) : null;
}
