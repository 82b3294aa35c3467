/**
 * The priority score: gathers each submission's inputs from the database, scores them with the pure
 * formulas of ./priority.ts, and stores the result in PriorityScore with a hash of the inputs, so that a
 * recompute whose inputs did not change writes nothing. Also: the consultation's weights (defaults +
 * the Directorate's overrides in Consultation.priorityWeights), the debounced recompute scheduling, the
 * explanation shown on a submission's page, the weights page's preview and the Directorate view.
 */
import { createHash } from "node:crypto";
import { can, type Actor } from "~/domain/accounts/policy.ts";
import { effectiveLabelsMany, type EffectiveLabels } from "~/domain/analysis/labels.server.ts";
import { addOutboxEvent } from "~/domain/outbox/outbox.server.ts";
import { Prisma } from "~/generated/prisma/client.ts";
import type { Db, DbOrTx } from "~/utils/db.server.ts";
import { Forbidden, Invalid, NotFound } from "~/utils/errors.server.ts";
import {
  ageInDays,
  compareRanked,
  COMPONENT_KEYS,
  dayOf,
  DEFAULT_COMPONENT_WEIGHTS,
  rescore,
  scorePriority,
  type ComponentKey,
  type PriorityInputs,
  type PriorityWeights,
  type Scored,
  type StoredComponents,
  PREVIEW_SIZE,
} from "./priority.ts";
import {
  componentField,
  directorateQuerySchema,
  groupField,
  storedWeightsSchema,
  weightSchema,
  type DirectorateQuery,
} from "./priority.schema.ts";

// ───────────────────────────── Weights ─────────────────────────────

/** The target groups with their default weights, in display order. */
export async function listTargetGroupWeights(db: DbOrTx) {
  return db.targetGroup.findMany({
    orderBy: { position: "asc" },
    select: { key: true, nameEl: true, nameEn: true, priorityWeight: true },
  });
}

/** Merges stored overrides over the defaults (component defaults, TargetGroup.priorityWeight). */
export function mergeWeights(
  stored: unknown,
  groupDefaults: { key: string; priorityWeight: number }[],
): PriorityWeights {
  const parsed = storedWeightsSchema.parse(stored ?? {});
  const components = { ...DEFAULT_COMPONENT_WEIGHTS };
  for (const k of COMPONENT_KEYS) {
    const v = parsed.components?.[k];
    if (typeof v === "number") components[k] = v;
  }
  const targetGroups: Record<string, number> = {};
  for (const g of groupDefaults) {
    const v = parsed.targetGroups?.[g.key];
    targetGroups[g.key] = typeof v === "number" ? v : g.priorityWeight;
  }
  return { components, targetGroups };
}

/** A consultation's effective weights. */
export async function getConsultationWeights(db: DbOrTx, consultationId: string): Promise<PriorityWeights> {
  const [c, groups] = await Promise.all([
    db.consultation.findUnique({ where: { id: consultationId }, select: { priorityWeights: true } }),
    listTargetGroupWeights(db),
  ]);
  if (!c) throw new NotFound("consultations.errors.notFound");
  return mergeWeights(c.priorityWeights, groups);
}

/**
 * Reads a weights form (`w.<component>`, `g.<targetGroup>`). Returns the weights, or throws Invalid with a
 * translation key per bad field; `values` echoes what was typed.
 */
export function readWeightsForm(
  form: { get(name: string): unknown },
  groupKeys: string[],
): { weights: PriorityWeights | null; values: Record<string, string>; errors: Record<string, string> } {
  const values: Record<string, string> = {};
  const errors: Record<string, string> = {};
  const read = (field: string): number => {
    const raw = form.get(field);
    values[field] = typeof raw === "string" ? raw : "";
    const r = weightSchema.safeParse(typeof raw === "string" ? raw : undefined);
    if (!r.success) {
      errors[field] = r.error.issues[0]?.message ?? "priority.errors.weightNumber";
      return 0;
    }
    return r.data;
  };
  const components = Object.fromEntries(COMPONENT_KEYS.map((k) => [k, read(componentField(k))])) as Record<
    ComponentKey,
    number
  >;
  const targetGroups = Object.fromEntries(groupKeys.map((k) => [k, read(groupField(k))]));
  if (Object.keys(errors).length === 0 && COMPONENT_KEYS.every((k) => components[k] === 0)) {
    errors[componentField("support")] = "priority.errors.allZero";
  }
  return { weights: Object.keys(errors).length ? null : { components, targetGroups }, values, errors };
}

/**
 * Saves a consultation's weights (Directorate and admins) and schedules the whole consultation's
 * recompute in the same transaction. Throws Invalid (field → key) for bad input.
 */
export async function saveConsultationWeights(
  db: Db,
  actor: Actor,
  consultationId: string,
  form: { get(name: string): unknown },
): Promise<PriorityWeights> {
  if (!can(actor, "directorate.access")) throw new Forbidden();
  const groups = await listTargetGroupWeights(db);
  const { weights, errors } = readWeightsForm(
    form,
    groups.map((g) => g.key),
  );
  if (!weights) throw new Invalid(errors, "priority.errors.invalid");
  await db.$transaction(async (tx) => {
    const { count } = await tx.consultation.updateMany({
      where: { id: consultationId },
      data: { priorityWeights: weights as unknown as Prisma.InputJsonValue },
    });
    if (count === 0) throw new NotFound("consultations.errors.notFound");
    await schedulePriorityRecompute(tx, { consultationId });
  });
  return weights;
}

/** Back to the defaults: forgets the consultation's overrides, then recomputes it. */
export async function resetConsultationWeights(db: Db, actor: Actor, consultationId: string): Promise<void> {
  if (!can(actor, "directorate.access")) throw new Forbidden();
  await db.$transaction(async (tx) => {
    const { count } = await tx.consultation.updateMany({
      where: { id: consultationId },
      data: { priorityWeights: Prisma.DbNull },
    });
    if (count === 0) throw new NotFound("consultations.errors.notFound");
    await schedulePriorityRecompute(tx, { consultationId });
  });
}

// ───────────────────────────── Inputs ─────────────────────────────

interface SubmissionRow {
  id: string;
  consultationId: string;
  kind: string;
  status: string;
  createdAt: Date;
  supportCount: number;
  municipalityId: string | null;
  authorId: string;
}

interface PeopleRow {
  sid: string;
  positives: number;
  negatives: number;
  municipalities: string[] | null;
  organisations: string[] | null;
}

/**
 * The people side of many submissions in one query. Participants are the author, the supporters and the
 * published commenters. Organisations: theirs (OrganisationMember) and the submission's own. Municipalities:
 * those of their organisations and those they declared on their own published submissions in the same
 * consultation (a person has no municipality of their own in the data model), and the submission's own.
 */
async function gatherPeople(db: DbOrTx, ids: string[]): Promise<Map<string, PeopleRow>> {
  const rows = await db.$queryRaw<PeopleRow[]>`
    WITH target AS (
      SELECT s.id AS sid, s."consultationId" AS cid, s."authorId" AS author, s."organisationId" AS oid,
             s."municipalityId" AS mid, s."supportCount" AS supports
        FROM "Submission" s WHERE s.id = ANY(${ids}::text[])
    ),
    people AS MATERIALIZED (
      SELECT t.sid, t.cid, t.author AS uid FROM target t
      UNION SELECT t.sid, t.cid, sp."userId" FROM target t JOIN "Support" sp ON sp."submissionId" = t.sid
      UNION SELECT t.sid, t.cid, c."authorId" FROM target t
              JOIN "Comment" c ON c."submissionId" = t.sid AND c.status = 'published'
    ),
    orgs AS (
      SELECT p.sid, om."organisationId" AS oid FROM people p
        JOIN "OrganisationMember" om ON om."userId" = p.uid
      UNION SELECT t.sid, t.oid FROM target t WHERE t.oid IS NOT NULL
    ),
    muns AS (
      SELECT o.sid, org."municipalityId" AS mid FROM orgs o
        JOIN "Organisation" org ON org.id = o.oid WHERE org."municipalityId" IS NOT NULL
      UNION SELECT p.sid, s2."municipalityId" FROM people p
        JOIN "Submission" s2 ON s2."authorId" = p.uid AND s2."consultationId" = p.cid
       WHERE s2.status = 'published' AND s2."municipalityId" IS NOT NULL
      UNION SELECT t.sid, t.mid FROM target t WHERE t.mid IS NOT NULL
    ),
    stance AS (
      SELECT t.sid,
             count(DISTINCT c."authorId") FILTER (WHERE c.alignment = 'in_favour')::int AS favour,
             count(DISTINCT c."authorId") FILTER (WHERE c.alignment = 'against')::int AS against
        FROM target t
        JOIN "Comment" c ON c."submissionId" = t.sid AND c.status = 'published' AND c."authorId" <> t.author
       GROUP BY t.sid
    )
    SELECT t.sid,
           (t.supports + coalesce(st.favour, 0))::int AS positives,
           coalesce(st.against, 0)::int AS negatives,
           m.municipalities,
           o.organisations
      FROM target t
      LEFT JOIN stance st ON st.sid = t.sid
      -- Grouped once, not a correlated subquery per submission (which re-ran the joins for each).
      LEFT JOIN (SELECT sid, array_agg(DISTINCT mid ORDER BY mid) AS municipalities FROM muns GROUP BY sid) m
             ON m.sid = t.sid
      LEFT JOIN (SELECT sid, array_agg(DISTINCT oid ORDER BY oid) AS organisations FROM orgs GROUP BY sid) o
             ON o.sid = t.sid`;
  return new Map(rows.map((r) => [r.sid, r]));
}

/** Measures per theme of each strategy version (null id → null: no strategy). */
async function measuresByTheme(
  db: DbOrTx,
  versionIds: string[],
): Promise<Map<string, Record<string, number>>> {
  const out = new Map<string, Record<string, number>>(versionIds.map((v) => [v, {}]));
  if (versionIds.length === 0) return out;
  const rows = await db.$queryRaw<{ versionId: string; themeKey: string; n: number }[]>`
    SELECT a."versionId", mt."themeKey", count(DISTINCT m.id)::int AS n
      FROM "StrategyAxis" a
      JOIN "StrategyMeasure" m ON m."axisId" = a.id
      JOIN "StrategyMeasureTheme" mt ON mt."measureId" = m.id
     WHERE a."versionId" = ANY(${versionIds}::text[])
     GROUP BY a."versionId", mt."themeKey"`;
  for (const r of rows) out.get(r.versionId)![r.themeKey] = r.n;
  return out;
}

const scored = (items: { key: string; confidence: number | null }[] | undefined): Scored[] =>
  (items ?? []).map((i) => ({ key: i.key, confidence: i.confidence ?? 1 }));

/** Target groups concerned: the effective labels', with the author's own choices at confidence 1. */
function targetGroupsOf(labels: EffectiveLabels | undefined, chosen: string[]): Scored[] {
  const byKey = new Map<string, number>();
  for (const g of scored(labels?.fields.target_groups?.items)) byKey.set(g.key, g.confidence);
  for (const key of chosen) byKey.set(key, 1);
  return [...byKey]
    .map(([key, confidence]) => ({ key, confidence }))
    .sort((a, b) => a.key.localeCompare(b.key));
}

function urgencyOf(labels: EffectiveLabels | undefined): PriorityInputs["urgent"] {
  const u = labels?.fields.urgent;
  if (!u) return { value: false, confidence: 0, source: "none" };
  if (u.source.type === "person") return { value: u.value, confidence: 1, source: "person" };
  return { value: u.value, confidence: u.confidence ?? 1, source: "model" };
}

/**
 * Everything the scores of these submissions depend on (published ones only; the others are left out).
 * A handful of queries for any number of ids.
 */
export async function gatherPriorityInputs(
  db: DbOrTx,
  submissionIds: string[],
  asOf: string,
): Promise<{ inputs: Map<string, PriorityInputs>; unpublished: string[] }> {
  const ids = [...new Set(submissionIds)];
  const inputs = new Map<string, PriorityInputs>();
  if (ids.length === 0) return { inputs, unpublished: [] };
  const subs: SubmissionRow[] = await db.submission.findMany({
    where: { id: { in: ids } },
    select: {
      id: true,
      consultationId: true,
      kind: true,
      status: true,
      createdAt: true,
      supportCount: true,
      municipalityId: true,
      authorId: true,
    },
  });
  const published = subs.filter((s) => s.status === "published");
  const unpublished = subs.filter((s) => s.status !== "published").map((s) => s.id);
  if (published.length === 0) return { inputs, unpublished };
  const pubIds = published.map((s) => s.id);
  const consultationIds = [...new Set(published.map((s) => s.consultationId))];
  const [people, labels, chosen, consultations] = await Promise.all([
    gatherPeople(db, pubIds),
    effectiveLabelsMany(db, pubIds),
    db.submissionTargetGroup.findMany({
      where: { submissionId: { in: pubIds } },
      select: { submissionId: true, targetGroupKey: true },
    }),
    db.consultation.findMany({
      where: { id: { in: consultationIds } },
      select: { id: true, strategyVersionId: true },
    }),
  ]);
  const versionOf = new Map(consultations.map((c) => [c.id, c.strategyVersionId]));
  const coverage = await measuresByTheme(db, [
    ...new Set(consultations.map((c) => c.strategyVersionId).filter((v): v is string => !!v)),
  ]);
  const chosenOf = new Map<string, string[]>();
  for (const c of chosen)
    chosenOf.set(c.submissionId, [...(chosenOf.get(c.submissionId) ?? []), c.targetGroupKey]);

  for (const s of published) {
    const p = people.get(s.id);
    const l = labels.get(s.id);
    const versionId = versionOf.get(s.consultationId) ?? null;
    const themes = scored(l?.fields.themes?.items).sort((a, b) => a.key.localeCompare(b.key));
    const targetGroups = targetGroupsOf(l, chosenOf.get(s.id) ?? []);
    const urgent = urgencyOf(l);
    inputs.set(s.id, {
      submissionId: s.id,
      positives: p?.positives ?? s.supportCount,
      negatives: p?.negatives ?? 0,
      municipalities: p?.municipalities ?? [],
      organisations: p?.organisations ?? [],
      targetGroups,
      themes,
      urgent,
      strategyMeasuresByTheme: versionId ? (coverage.get(versionId) ?? {}) : null,
      ageDays: ageInDays(s.createdAt, asOf),
      asOf,
      facets: {
        consultationId: s.consultationId,
        kind: s.kind,
        municipalityId: s.municipalityId ?? l?.fields.municipality?.value?.id ?? null,
        themes: themes.map((t) => t.key),
        targetGroups: targetGroups.map((g) => g.key),
        urgent: urgent.value,
      },
    });
  }
  return { inputs, unpublished };
}

/** The hash of everything a score depends on (inputs and weights, in a fixed key order). */
export function inputsHash(inputs: PriorityInputs, weights: PriorityWeights): string {
  const canonical = JSON.stringify({
    inputs,
    weights: {
      components: COMPONENT_KEYS.map((k) => weights.components[k]),
      targetGroups: Object.keys(weights.targetGroups)
        .sort()
        .map((k) => [k, weights.targetGroups[k]]),
    },
  });
  return createHash("sha256").update(canonical).digest("hex");
}

// ───────────────────────────── Computing and storing ─────────────────────────────

export interface ComputedPriority {
  submissionId: string;
  score: number;
  components: StoredComponents;
  inputsHash: string;
}

/**
 * The score of one published submission as of `now`'s day (null for one that is not published). Reads
 * only; the same database state on the same day always gives the same result.
 */
export async function computePriority(
  db: DbOrTx,
  submissionId: string,
  now: Date = new Date(),
): Promise<ComputedPriority | null> {
  return (await computeMany(db, [submissionId], now)).computed.get(submissionId) ?? null;
}

async function computeMany(db: DbOrTx, ids: string[], now: Date) {
  const { inputs, unpublished } = await gatherPriorityInputs(db, ids, dayOf(now));
  const weightsOf = new Map<string, PriorityWeights>();
  const groups = await listTargetGroupWeights(db);
  const consultationIds = [...new Set([...inputs.values()].map((i) => i.facets.consultationId))];
  const stored = await db.consultation.findMany({
    where: { id: { in: consultationIds } },
    select: { id: true, priorityWeights: true },
  });
  for (const c of stored) weightsOf.set(c.id, mergeWeights(c.priorityWeights, groups));
  const computed = new Map<string, ComputedPriority>();
  for (const [id, input] of inputs) {
    const weights = weightsOf.get(input.facets.consultationId)!;
    const { score, stored: components } = scorePriority(input, weights);
    computed.set(id, { submissionId: id, score, components, inputsHash: inputsHash(input, weights) });
  }
  return { computed, unpublished };
}

export interface RecomputeResult {
  written: number;
  unchanged: number;
  removed: number;
}

/**
 * Recomputes and stores the scores of these submissions: a score whose inputs hash is unchanged is not
 * written; a submission no longer published loses its score (it leaves the rankings).
 */
export async function recomputePriorities(
  db: Db,
  submissionIds: string[],
  now: Date = new Date(),
): Promise<RecomputeResult> {
  const result: RecomputeResult = { written: 0, unchanged: 0, removed: 0 };
  if (submissionIds.length === 0) return result;
  const { computed, unpublished } = await computeMany(db, submissionIds, now);
  if (unpublished.length > 0) {
    const { count } = await db.priorityScore.deleteMany({ where: { submissionId: { in: unpublished } } });
    result.removed = count;
  }
  const existing = new Map(
    (
      await db.priorityScore.findMany({
        where: { submissionId: { in: [...computed.keys()] } },
        select: { submissionId: true, inputsHash: true },
      })
    ).map((r) => [r.submissionId, r.inputsHash]),
  );
  const changed = [...computed.values()].filter((c) => existing.get(c.submissionId) !== c.inputsHash);
  result.unchanged = computed.size - changed.length;
  if (changed.length > 0) {
    // One statement for the whole batch (an upsert per row was most of a consultation's recompute time).
    // Timestamps are UTC wall time (timestamp without time zone), as Prisma writes them.
    const rows = changed.map((c) => ({
      submissionId: c.submissionId,
      score: c.score,
      components: c.components,
      inputsHash: c.inputsHash,
    }));
    result.written = await db.$executeRaw`
      INSERT INTO "PriorityScore" ("submissionId", score, components, "inputsHash", "computedAt")
      SELECT x."submissionId", x.score, x.components, x."inputsHash", ${now.toISOString()}::timestamp(3)
        FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
             AS x("submissionId" text, score float8, components jsonb, "inputsHash" text)
      ON CONFLICT ("submissionId") DO UPDATE
         SET score = EXCLUDED.score, components = EXCLUDED.components,
             "inputsHash" = EXCLUDED."inputsHash", "computedAt" = EXCLUDED."computedAt"`;
  }
  return result;
}

/** One submission: see `recomputePriorities`. */
export async function recomputePriority(db: Db, submissionId: string, now: Date = new Date()) {
  return recomputePriorities(db, [submissionId], now);
}

/** Every submission of a consultation, in batches (weights changed, or the daily recency refresh). */
export async function recomputeConsultation(
  db: Db,
  consultationId: string,
  now: Date = new Date(),
  batchSize = 500,
): Promise<RecomputeResult> {
  const total: RecomputeResult = { written: 0, unchanged: 0, removed: 0 };
  let after = "";
  for (;;) {
    // Published ones, and unpublished ones that still hold a score (to remove it).
    const rows = await db.submission.findMany({
      where: {
        consultationId,
        id: { gt: after },
        OR: [{ status: "published" }, { priority: { isNot: null } }],
      },
      orderBy: { id: "asc" },
      take: batchSize,
      select: { id: true },
    });
    if (rows.length === 0) break;
    const r = await recomputePriorities(
      db,
      rows.map((x) => x.id),
      now,
    );
    total.written += r.written;
    total.unchanged += r.unchanged;
    total.removed += r.removed;
    after = rows[rows.length - 1].id;
    if (rows.length < batchSize) break;
  }
  return total;
}

/** Every consultation past its draft (the daily job: recency moves on, missed recomputes are caught up). */
export async function recomputeAll(db: Db, now: Date = new Date()): Promise<RecomputeResult> {
  const total: RecomputeResult = { written: 0, unchanged: 0, removed: 0 };
  const consultations = await db.consultation.findMany({
    where: { phase: { not: "draft" } },
    orderBy: { id: "asc" },
    select: { id: true },
  });
  for (const c of consultations) {
    const r = await recomputeConsultation(db, c.id, now);
    total.written += r.written;
    total.unchanged += r.unchanged;
    total.removed += r.removed;
  }
  return total;
}

// ───────────────────────────── Scheduling ─────────────────────────────

/** Changes within one window of this length coalesce into one recompute. */
export const PRIORITY_DEBOUNCE_MS = 2_000;
/** Extra wait after a window closes, so transactions begun inside it have committed. */
export const PRIORITY_GRACE_MS = 1_000;

export type PriorityTarget = { submissionId: string } | { consultationId: string };

/**
 * Schedules a debounced recompute, inside the caller's transaction (through the outbox: nothing is lost
 * when Redis is down, nothing runs for a rolled-back change). Every change to a submission within one
 * PRIORITY_DEBOUNCE_MS window shares one outbox key, `priority:<id>:<window>` (so one job id), made
 * available when the window has closed plus a grace period: a burst of supports is one recompute, run at
 * most ~3 s after the first. The job recomputes from the current state, so it sees every change of its
 * window. A consultation-wide recompute (weights changed) works the same with its own key.
 */
export async function schedulePriorityRecompute(
  tx: DbOrTx,
  target: PriorityTarget,
  now: Date = new Date(),
): Promise<void> {
  const window = Math.floor(now.getTime() / PRIORITY_DEBOUNCE_MS);
  const availableAt = new Date((window + 1) * PRIORITY_DEBOUNCE_MS + PRIORITY_GRACE_MS);
  if ("submissionId" in target) {
    await addOutboxEvent(tx, {
      key: `priority:${target.submissionId}:${window}`,
      queue: "priority",
      name: "recompute",
      payload: { submissionId: target.submissionId },
      availableAt,
    });
  } else {
    await addOutboxEvent(tx, {
      key: `priority-consultation:${target.consultationId}:${window}`,
      queue: "priority",
      name: "recompute-consultation",
      payload: { consultationId: target.consultationId },
      availableAt,
    });
  }
}

/**
 * Above this many submissions to recompute after one status change, one consultation-wide recompute is
 * scheduled instead (it writes only the scores whose inputs changed).
 */
export const PRIORITY_FANOUT_MAX = 100;

/**
 * Schedules what a change of submissions' place in the rankings calls for, in the caller's transaction:
 * they entered or left the published set (approved, hidden, restored, withdrawn, merged away) or moved to
 * another consultation. Each submission is recomputed (one no longer published loses its score and leaves
 * the rankings). And since a submission's breadth counts the municipalities its participants declared on
 * their own published submissions in the same consultation, when a changed submission declares one, the
 * published submissions its author takes part in there (as author, supporter or commenter) are recomputed
 * too; `formerConsultationId` (a move) adds those of the consultation it left. Past PRIORITY_FANOUT_MAX
 * of them, their consultations are recomputed whole instead.
 */
export async function schedulePriorityAfterStatusChange(
  tx: DbOrTx,
  submissionIds: string[],
  opts: { formerConsultationId?: string; now?: Date } = {},
): Promise<void> {
  const ids = [...new Set(submissionIds)];
  if (ids.length === 0) return;
  const former = opts.formerConsultationId ?? null;
  const dependents = await tx.$queryRaw<{ id: string; consultationId: string }[]>`
    WITH changed AS (
      SELECT s."authorId" AS uid, k.cid
        FROM "Submission" s
       CROSS JOIN LATERAL unnest(ARRAY[s."consultationId", ${former}::text]) AS k(cid)
       WHERE s.id = ANY(${ids}::text[]) AND s."municipalityId" IS NOT NULL AND k.cid IS NOT NULL
    ),
    involved AS (
      SELECT d.id FROM changed x JOIN "Submission" d ON d."authorId" = x.uid AND d."consultationId" = x.cid
      UNION SELECT sp."submissionId" FROM changed x JOIN "Support" sp ON sp."userId" = x.uid
              JOIN "Submission" d ON d.id = sp."submissionId" AND d."consultationId" = x.cid
      UNION SELECT c."submissionId" FROM changed x
              JOIN "Comment" c ON c."authorId" = x.uid AND c.status = 'published' AND c."submissionId" IS NOT NULL
              JOIN "Submission" d ON d.id = c."submissionId" AND d."consultationId" = x.cid
    )
    SELECT d.id, d."consultationId" FROM involved i JOIN "Submission" d ON d.id = i.id
     WHERE d.status = 'published' AND NOT (d.id = ANY(${ids}::text[]))
     ORDER BY d.id`;
  for (const submissionId of ids) await schedulePriorityRecompute(tx, { submissionId }, opts.now);
  if (dependents.length > PRIORITY_FANOUT_MAX) {
    for (const consultationId of new Set(dependents.map((d) => d.consultationId)))
      await schedulePriorityRecompute(tx, { consultationId }, opts.now);
  } else {
    for (const d of dependents) await schedulePriorityRecompute(tx, { submissionId: d.id }, opts.now);
  }
}

// ───────────────────────────── Reading: explanation, preview ─────────────────────────────

function readStored(raw: unknown): StoredComponents | null {
  const s = raw as StoredComponents | null;
  return s && s.v === 1 && Array.isArray(s.components) ? s : null;
}

/**
 * "Why it is ranked here": the stored score, each component's value, weight and contribution with the
 * figures behind it, and the submission's place in its consultation (ties by id, as the listing).
 */
export async function explainPriority(db: DbOrTx, submissionId: string) {
  const row = await db.priorityScore.findUnique({
    where: { submissionId },
    select: {
      score: true,
      components: true,
      computedAt: true,
      submission: { select: { consultationId: true } },
    },
  });
  const stored = row ? readStored(row.components) : null;
  if (!row || !stored) return null;
  const [place] = await db.$queryRaw<{ rank: number; total: number }[]>`
    SELECT (count(*) FILTER (WHERE p.score > ${row.score} OR (p.score = ${row.score} AND s.id < ${submissionId})) + 1)::int AS rank,
           count(*)::int AS total
      FROM "PriorityScore" p JOIN "Submission" s ON s.id = p."submissionId"
     WHERE s."consultationId" = ${row.submission.consultationId} AND s.status = 'published'`;
  const themeKeys = stored.detail.themes.map((t) => t.key);
  const groupKey = stored.detail.topTargetGroup;
  const [themes, group] = await Promise.all([
    db.theme.findMany({
      where: { key: { in: themeKeys } },
      select: { key: true, nameEl: true, nameEn: true },
    }),
    groupKey
      ? db.targetGroup.findUnique({
          where: { key: groupKey },
          select: { key: true, nameEl: true, nameEn: true },
        })
      : null,
  ]);
  return {
    score: row.score,
    computedAt: row.computedAt.toISOString(),
    rank: place?.rank ?? 1,
    total: place?.total ?? 1,
    components: stored.components,
    detail: stored.detail,
    names: {
      themes: Object.fromEntries(themes.map((t) => [t.key, { el: t.nameEl, en: t.nameEn }])),
      group: group ? { el: group.nameEl, en: group.nameEn } : null,
    },
  };
}
export type PriorityExplanation = NonNullable<Awaited<ReturnType<typeof explainPriority>>>;

/**
 * The consultation's top PREVIEW_SIZE under candidate weights, computed from the stored components (no
 * recompute), each with its place under the saved weights, so the page shows how the ranking moves.
 */
export async function previewRanking(db: DbOrTx, consultationId: string, candidate: PriorityWeights) {
  const rows = await db.$queryRaw<{ id: string; title: string; score: number; components: unknown }[]>`
    SELECT s.id, s.title, p.score, p.components
      FROM "PriorityScore" p JOIN "Submission" s ON s.id = p."submissionId"
     WHERE s."consultationId" = ${consultationId} AND s.status = 'published'`;
  const current = rows.map((r) => ({ id: r.id, score: r.score })).sort(compareRanked);
  const currentRank = new Map(current.map((r, i) => [r.id, i + 1]));
  const next = rows
    .map((r) => {
      const stored = readStored(r.components);
      return { id: r.id, title: r.title, score: stored ? rescore(stored, candidate) : r.score };
    })
    .sort(compareRanked);
  return {
    total: rows.length,
    items: next.slice(0, PREVIEW_SIZE).map((r, i) => ({
      ...r,
      rank: i + 1,
      currentRank: currentRank.get(r.id) ?? null,
    })),
  };
}

// ───────────────────────────── The Directorate view and export ─────────────────────────────

export const DIRECTORATE_PAGE_SIZE = 25;
export const EXPORT_MAX_ROWS = 10_000;

/** The filter choices of the Directorate view. */
export async function directorateOptions(db: DbOrTx) {
  const [consultations, themes, targetGroups, municipalities] = await Promise.all([
    db.consultation.findMany({
      where: { phase: { not: "draft" } },
      orderBy: [{ createdAt: "desc" }, { id: "asc" }],
      select: { id: true, title: true },
    }),
    db.theme.findMany({ orderBy: { position: "asc" }, select: { key: true, nameEl: true, nameEn: true } }),
    db.targetGroup.findMany({
      orderBy: { position: "asc" },
      select: { key: true, nameEl: true, nameEn: true },
    }),
    db.municipality.findMany({
      orderBy: { nameEl: "asc" },
      select: { id: true, nameEl: true, nameEn: true },
    }),
  ]);
  return { consultations, themes, targetGroups, municipalities };
}
export type DirectorateOptions = Awaited<ReturnType<typeof directorateOptions>>;

/**
 * Parses the Directorate view's query string against the known choices: empty values mean "any", a bad
 * page falls back to 1, and an unknown theme, group, municipality, kind, urgency or consultation is Invalid
 * (a 400 with a translated message) rather than silently showing everything.
 */
export function parseDirectorateQuery(
  params: URLSearchParams,
  options: DirectorateOptions,
): DirectorateQuery {
  const raw: Record<string, string> = {};
  for (const name of ["consultation", "theme", "group", "municipality", "kind", "urgent", "page"]) {
    const v = params.get(name);
    if (v !== null && v.trim() !== "") raw[name] = v;
  }
  const parsed = directorateQuerySchema.safeParse(raw);
  if (!parsed.success) {
    const field = String(parsed.error.issues[0]?.path[0] ?? "query");
    throw new Invalid({ [field]: "priority.errors.badFilter" }, "priority.errors.badFilter");
  }
  const q = parsed.data;
  const unknown = (field: string) => {
    throw new Invalid({ [field]: "priority.errors.badFilter" }, "priority.errors.badFilter");
  };
  if (q.theme && !options.themes.some((t) => t.key === q.theme)) unknown("theme");
  if (q.group && !options.targetGroups.some((g) => g.key === q.group)) unknown("group");
  if (q.municipality && !options.municipalities.some((m) => m.id === q.municipality)) unknown("municipality");
  if (q.consultation && !options.consultations.some((c) => c.id === q.consultation)) unknown("consultation");
  return q;
}

function directorateFilterSql(q: DirectorateQuery): Prisma.Sql {
  const parts = [Prisma.sql`s.status = 'published'`, Prisma.sql`c.phase <> 'draft'`];
  const facets = Prisma.sql`(p.components -> 'facets')`;
  if (q.consultation) parts.push(Prisma.sql`s."consultationId" = ${q.consultation}`);
  if (q.kind) parts.push(Prisma.sql`s.kind = ${q.kind}::"SubmissionKind"`);
  if (q.theme) parts.push(Prisma.sql`${facets} -> 'themes' @> ${JSON.stringify([q.theme])}::jsonb`);
  if (q.group) parts.push(Prisma.sql`${facets} -> 'targetGroups' @> ${JSON.stringify([q.group])}::jsonb`);
  if (q.municipality) parts.push(Prisma.sql`${facets} ->> 'municipalityId' = ${q.municipality}`);
  if (q.urgent) parts.push(Prisma.sql`(${facets} ->> 'urgent')::boolean = ${q.urgent === "yes"}`);
  return Prisma.join(parts, " AND ");
}

interface DirectorateRowRaw {
  id: string;
  title: string;
  kind: string;
  createdAt: Date;
  supportCount: number;
  commentCount: number;
  score: number;
  components: unknown;
  consultationId: string;
  consultationTitle: string;
  consultationSlug: string;
  total: number;
}

export interface DirectorateRow {
  rank: number;
  id: string;
  title: string;
  kind: string;
  createdAt: string;
  supportCount: number;
  commentCount: number;
  score: number;
  consultation: { id: string; title: string; slug: string };
  themes: string[];
  targetGroups: string[];
  municipalityId: string | null;
  urgent: boolean;
  contributions: Record<ComponentKey, number>;
}

async function directorateRows(db: DbOrTx, q: DirectorateQuery, limit: number, offset: number) {
  const rows = await db.$queryRaw<DirectorateRowRaw[]>`
    SELECT s.id, s.title, s.kind::text AS kind, s."createdAt", s."supportCount", s."commentCount",
           p.score, p.components, c.id AS "consultationId", c.title AS "consultationTitle",
           c.slug AS "consultationSlug", count(*) OVER ()::int AS total
      FROM "PriorityScore" p
      JOIN "Submission" s ON s.id = p."submissionId"
      JOIN "Consultation" c ON c.id = s."consultationId"
     WHERE ${directorateFilterSql(q)}
     ORDER BY p.score DESC, s.id
     LIMIT ${limit} OFFSET ${offset}`;
  const items: DirectorateRow[] = rows.map((r, i) => {
    const stored = readStored(r.components);
    return {
      rank: offset + i + 1,
      id: r.id,
      title: r.title,
      kind: r.kind,
      createdAt: r.createdAt.toISOString(),
      supportCount: r.supportCount,
      commentCount: r.commentCount,
      score: r.score,
      consultation: { id: r.consultationId, title: r.consultationTitle, slug: r.consultationSlug },
      themes: stored?.facets.themes ?? [],
      targetGroups: stored?.facets.targetGroups ?? [],
      municipalityId: stored?.facets.municipalityId ?? null,
      urgent: stored?.facets.urgent ?? false,
      contributions: Object.fromEntries(
        COMPONENT_KEYS.map((k) => [k, stored?.components.find((c) => c.key === k)?.contribution ?? 0]),
      ) as Record<ComponentKey, number>,
    };
  });
  return { items, total: rows[0]?.total ?? 0 };
}

/** A page of prioritised submissions across consultations, best first (ties by id). */
export async function directorateList(db: DbOrTx, q: DirectorateQuery) {
  const page = q.page ?? 1;
  const { items, total: pageTotal } = await directorateRows(
    db,
    q,
    DIRECTORATE_PAGE_SIZE,
    (page - 1) * DIRECTORATE_PAGE_SIZE,
  );
  // Past the last page there are no rows to carry the count: count what the filters match.
  const total = items.length === 0 && page > 1 ? (await directorateRows(db, q, 1, 0)).total : pageTotal;
  return { items, total, page, pages: Math.max(1, Math.ceil(total / DIRECTORATE_PAGE_SIZE)) };
}

/** Every row the filters match (up to EXPORT_MAX_ROWS), in the view's order. */
export async function directorateExportRows(db: DbOrTx, q: DirectorateQuery) {
  return (await directorateRows(db, { ...q, page: undefined }, EXPORT_MAX_ROWS, 0)).items;
}

/** One CSV field: quoted when it holds a separator, quote or line break; a leading = + - @ is defused. */
export function csvField(value: string | number | boolean | null): string {
  let text = value === null ? "" : String(value);
  // Spreadsheets run cells starting with these as formulas (CSV injection).
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",;\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Rows to CSV text: header first, CRLF line ends (RFC 4180). */
export function toCsv(rows: (string | number | boolean | null)[][]): string {
  return rows.map((r) => r.map(csvField).join(",")).join("\r\n") + "\r\n";
}
