/**
 * The analysis store, models and reconciler against real PostgreSQL and Redis: one analysis per
 * (submission, version) however often and however concurrently its job runs; stale versions skipped;
 * municipality names mapped to Municipality rows; comments; the reconciler enqueueing what is missing under
 * the outbox's job ids; models stored, activated and retrained with people's corrections.
 */
import { Queue } from "bullmq";
import { beforeAll, describe, expect, it } from "vitest";
import {
  analyseComment,
  analyseSubmission,
  analyseSubmissions,
  countMissingAnalyses,
  VersionNotYetVisible,
} from "~/domain/analysis/analysis.server.ts";
import {
  deserializeCategoriser,
  trainedByThisAlgorithm,
  type Categoriser,
} from "~/domain/analysis/categoriser/index.ts";
import {
  activateModel,
  activeModelVersion,
  ensureActiveModel,
  listModels,
  retrainModel,
} from "~/domain/analysis/models.server.ts";
import { defaultJobOptions, jobIdForKey } from "~/jobs/queues.server.ts";
import { newId } from "~/utils/ids.ts";
import { reconcileAnalyses } from "../../../workers/analysis-control.ts";
import { processFollowUpJob } from "../../../workers/analysis-followups.ts";
import { createPredictionPool, type PredictionPool } from "../../../workers/analysis-pool.ts";
import { useTestDatabase } from "../../helpers/db.ts";
import { asOlderAlgorithm } from "../../helpers/models.ts";
import { createRedis, useTestRedis } from "../../helpers/redis.ts";
import {
  editSubmission,
  postComment,
  postSubmission,
  seedWorld,
  TEXTS,
  type PipelineWorld,
} from "./pipeline-fixtures.ts";

const testDb = useTestDatabase();
const testRedis = useTestRedis();
const prisma = () => testDb().prisma;

let world: PipelineWorld;
let categoriser: Categoriser;
const quiet = { publish: false as const };

beforeAll(async () => {
  Object.assign(process.env, {
    NODE_ENV: "test",
    DATABASE_URL: testDb().url,
    REDIS_URL: testRedis.url,
    REDIS_PREFIX: testRedis.prefix,
  });
  world = await seedWorld(prisma());
  // The dev-files model: trained once per machine, then loaded from .cache/models.
  const model = await ensureActiveModel(prisma());
  categoriser = deserializeCategoriser(model.data);
}, 240_000);

describe("storing analyses", () => {
  it("stores one analysis per version, however often and however concurrently the job runs", async () => {
    const s = await postSubmission(prisma(), world, { outbox: false });
    const first = await analyseSubmission(prisma(), categoriser, s, quiet);
    expect(first.outcome).toBe("stored");
    const again = await analyseSubmission(prisma(), categoriser, s, quiet);
    expect(again.outcome).toBe("exists");

    const t = await postSubmission(prisma(), world, { text: TEXTS[1], outbox: false });
    const outcomes = await Promise.all(
      Array.from({ length: 6 }, () => analyseSubmission(prisma(), categoriser, t, quiet)),
    );
    expect(outcomes.filter((o) => o.outcome === "stored")).toHaveLength(1);
    expect(await prisma().submissionAnalysis.count({ where: { submissionId: { in: [s.id, t.id] } } })).toBe(
      2,
    );

    // The same target twice in one batch is analysed once.
    const u = await postSubmission(prisma(), world, { text: TEXTS[2], outbox: false });
    const batch = await analyseSubmissions(prisma(), categoriser, [u, u, s], quiet);
    expect(batch.map((r) => (r instanceof Error ? "error" : r.outcome))).toEqual(["stored", "exists"]);
  });

  it("stores the labels with confidences, the model version and the municipality's row", async () => {
    const s = await postSubmission(prisma(), world, { text: TEXTS[0], outbox: false });
    await analyseSubmission(prisma(), categoriser, s, quiet);
    const row = await prisma().submissionAnalysis.findUniqueOrThrow({
      where: { submissionId_submissionVersion: { submissionId: s.id, submissionVersion: 1 } },
    });
    const prediction = categoriser.predict(`${TEXTS[0].slice(0, 60)}\n${TEXTS[0]}`);
    expect(row.modelVersion).toBe(categoriser.version);
    expect(row.themes).toEqual(
      prediction.themes.map((t) => ({ key: t.key, confidence: expect.any(Number) })),
    );
    expect(row.targetGroups).toEqual(
      prediction.targetGroups.map((t) => ({ key: t.key, confidence: expect.any(Number) })),
    );
    expect(row.kind).toBe(prediction.kind.value);
    expect(row.urgent).toBe(prediction.urgent.value);
    expect(row.offTopic).toBe(prediction.offTopic.value);
    // "Πάτρα" names the municipality of Patras (official name Πατρέων).
    expect(prediction.municipality?.name).toBe("Πατρέων");
    const patras = await prisma().municipality.findUniqueOrThrow({ where: { nameEl: "Πατρέων" } });
    expect(row.municipalityId).toBe(patras.id);
    expect(row.municipalityConfidence).toBeGreaterThan(0);
    // The theme filter of the consultation page finds it by key.
    const key = (row.themes as { key: string }[])[0]?.key;
    if (key) {
      const found = await prisma().$queryRaw<{ id: string }[]>`
        SELECT id FROM "SubmissionAnalysis" WHERE themes @> ${JSON.stringify([{ key }])}::jsonb AND id = ${row.id}`;
      expect(found).toHaveLength(1);
    }
  });

  it("skips a version that has been replaced; retries a version the database does not show yet", async () => {
    const s = await postSubmission(prisma(), world, { outbox: false });
    const v2 = await editSubmission(prisma(), s.id, TEXTS[3], { outbox: false });
    expect(v2).toBe(2);
    expect((await analyseSubmission(prisma(), categoriser, s, quiet)).outcome).toBe("stale");
    expect(
      (await analyseSubmission(prisma(), categoriser, { submissionId: s.id, version: 2 }, quiet)).outcome,
    ).toBe("stored");
    await expect(
      analyseSubmission(prisma(), categoriser, { submissionId: s.id, version: 3 }, quiet),
    ).rejects.toBeInstanceOf(VersionNotYetVisible);
    expect(await prisma().submissionAnalysis.findMany({ where: { submissionId: s.id } })).toEqual([
      expect.objectContaining({ submissionVersion: 2 }),
    ]);
    expect(
      (await analyseSubmission(prisma(), categoriser, { submissionId: newId(), version: 1 }, quiet)).outcome,
    ).toBe("missing");
  });

  it("analyses a comment once per version", async () => {
    const s = await postSubmission(prisma(), world, { outbox: false });
    const c = await postComment(prisma(), world.authorId, s.id, TEXTS[4]);
    const target = { commentId: c.id, version: 1 };
    const results = await Promise.all([1, 2, 3].map(() => analyseComment(prisma(), categoriser, target)));
    expect(results.filter((r) => r.outcome === "stored")).toHaveLength(1);
    const rows = await prisma().commentAnalysis.findMany({ where: { commentId: c.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0].modelVersion).toBe(categoriser.version);
  });

  it("predicts in worker threads as in this thread", async () => {
    const pool: PredictionPool = createPredictionPool({ size: 2 });
    try {
      const model = await ensureActiveModel(prisma());
      expect(await pool.load(model.data)).toBe(categoriser.version);
      const { version, predictions } = await pool.predictMany([...TEXTS, ...TEXTS, ...TEXTS]);
      expect(version).toBe(categoriser.version);
      expect(predictions).toEqual([...TEXTS, ...TEXTS, ...TEXTS].map((t) => categoriser.predict(t)));
    } finally {
      await pool.close();
    }
  }, 60_000);
});

describe("follow-ups of an analysis", () => {
  it("raise the urgent alert once, group near-duplicates and schedule the priority recompute", async () => {
    const text = "Η οικογένεια δίπλα μένει χωρίς θέρμανση και ρεύμα από χθες με δύο μωρά, βοηθήστε άμεσα.";
    const a = await postSubmission(prisma(), world, { text, outbox: false });
    const b = await postSubmission(prisma(), world, { text: `${text} Ευχαριστώ.`, outbox: false });
    await analyseSubmissions(prisma(), categoriser, [a, b], quiet);
    // Whatever the model said, this analysis says urgent.
    await prisma().submissionAnalysis.updateMany({
      where: { submissionId: a.id },
      data: { urgent: true, urgentConfidence: 0.9 },
    });
    const job = { name: "after", data: { submissionId: a.id, version: 1 } };
    const first = await processFollowUpJob(prisma(), job);
    expect(first.urgent).toBe(true);
    expect(first.group).not.toBeNull();
    const alerts = () =>
      prisma().notification.count({ where: { userId: world.staffId, type: "urgent_submission" } });
    expect(await alerts()).toBe(1);
    expect(await prisma().outboxEvent.count({ where: { queue: "priority", key: { contains: a.id } } })).toBe(
      1,
    );
    // A retried follow-up sends nothing again.
    await processFollowUpJob(prisma(), job);
    expect(await alerts()).toBe(1);
    const members = await prisma().nearDuplicateMember.findMany({ where: { groupId: first.group! } });
    expect(members.map((m) => m.submissionId).sort()).toEqual([a.id, b.id].sort());
  });
});

describe("the reconciler", () => {
  it("enqueues what has no analysis with the outbox's job ids, once, and counts what it found", async () => {
    const queue = new Queue("analysis", {
      connection: createRedis(),
      prefix: testRedis.prefix,
      defaultJobOptions,
    });
    try {
      const before = await countMissingAnalyses(prisma());
      const a = await postSubmission(prisma(), world, { outbox: false });
      const b = await postSubmission(prisma(), world, { outbox: false });
      const edited = await postSubmission(prisma(), world, { outbox: false });
      await analyseSubmission(prisma(), categoriser, edited, quiet);
      await editSubmission(prisma(), edited.id, TEXTS[5], { outbox: false }); // version 2 has none
      const c = await postComment(prisma(), world.authorId, a.id, TEXTS[1]);
      expect(await countMissingAnalyses(prisma())).toEqual({
        submissions: before.submissions + 3,
        comments: before.comments + 1,
      });

      const first = await reconcileAnalyses(prisma(), queue, { graceMs: 0 });
      expect(first.enqueued).toBe(first.missingSubmissions + first.missingComments);
      const ids = [
        jobIdForKey(`analyse:${a.id}:1`),
        jobIdForKey(`analyse:${b.id}:1`),
        jobIdForKey(`analyse:${edited.id}:2`),
        jobIdForKey(`analyse-comment:${c.id}:1`),
      ];
      for (const id of ids) expect(await queue.getJobState(id)).toBe("waiting");
      expect((await queue.getJob(ids[2]))?.data).toEqual({ submissionId: edited.id, version: 2 });
      expect((await queue.getJob(ids[3]))?.name).toBe("comment");

      // Run again (or while the relay adds the same ids): nothing is added twice.
      const second = await reconcileAnalyses(prisma(), queue, { graceMs: 0 });
      expect(second.enqueued).toBe(0);
      expect(second.alreadyQueued).toBe(first.enqueued);
      expect(await queue.getWaitingCount()).toBe(first.enqueued);

      // Fresh changes are left to their own jobs for a moment.
      await postSubmission(prisma(), world, { outbox: false });
      const third = await reconcileAnalyses(prisma(), queue, { graceMs: 60_000 });
      expect(third.enqueued).toBe(0);
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });
});

describe("models", () => {
  it("keeps one active model; retraining stores a new active version that includes corrections", async () => {
    const active = await activeModelVersion(prisma());
    expect(active).toBe(categoriser.version);
    const [stored] = await listModels(prisma());
    expect(stored.metrics.examples.dev).toBeGreaterThan(100);
    expect(stored.metrics.examples.corrections).toBe(0);

    // A moderator corrects the themes and confirms the urgency of two submissions.
    const s1 = await postSubmission(prisma(), world, { text: TEXTS[1], outbox: false });
    const s2 = await postSubmission(prisma(), world, { text: TEXTS[2], outbox: false });
    await analyseSubmissions(prisma(), categoriser, [s1, s2], quiet);
    await prisma().labelCorrection.createMany({
      data: [
        {
          id: newId(),
          submissionId: s1.id,
          field: "themes",
          value: ["health_care", "local_environment"],
          correctedById: world.staffId,
        },
        {
          id: newId(),
          submissionId: s2.id,
          field: "urgent",
          value: true,
          previousValue: true,
          correctedById: world.staffId,
        },
      ],
    });

    const retrained = await retrainModel(prisma(), { reason: "test" });
    expect(retrained.version).not.toBe(categoriser.version);
    expect(retrained.active).toBe(true);
    expect(retrained.metrics.examples.corrections).toBe(2);
    expect(retrained.metrics.reason).toBe("test");
    expect(await activeModelVersion(prisma())).toBe(retrained.version);
    expect(deserializeCategoriser(retrained.data).meta.trainedOn.examples).toBe(
      stored.metrics.examples.dev + 2,
    );
    const models = await listModels(prisma());
    expect(models.filter((m) => m.active).map((m) => m.version)).toEqual([retrained.version]);

    // Going back to the earlier model is one activation.
    await activateModel(prisma(), categoriser.version);
    expect(await activeModelVersion(prisma())).toBe(categoriser.version);
  }, 300_000);

  it("replaces an active model of a format this release cannot read (after an upgrade)", async () => {
    await prisma().classifierModel.create({
      data: {
        id: newId(),
        version: "cat-0-oldformat",
        metrics: { reason: "an older release" },
        data: new Uint8Array(Buffer.from("synochi-categoriser/0 not readable any more")),
        trainedAt: new Date(),
        active: false,
      },
    });
    await activateModel(prisma(), "cat-0-oldformat");
    const model = await ensureActiveModel(prisma());
    expect(model.version).not.toBe("cat-0-oldformat");
    expect(deserializeCategoriser(model.data).version).toBe(model.version);
    expect(await activeModelVersion(prisma())).toBe(model.version);
    await activateModel(prisma(), categoriser.version);
  }, 300_000);

  it("replaces an active model trained by an older algorithm, which it could read but featurises differently", async () => {
    const old = asOlderAlgorithm(categoriser.serialize());
    const readable = deserializeCategoriser(old);
    expect(trainedByThisAlgorithm(readable)).toBe(false);
    await prisma().classifierModel.create({
      data: {
        id: newId(),
        version: readable.version,
        metrics: { reason: "an older algorithm" },
        data: new Uint8Array(old),
        trainedAt: new Date(),
        active: false,
      },
    });
    await activateModel(prisma(), readable.version);
    const model = await ensureActiveModel(prisma());
    expect(model.version).not.toBe(readable.version);
    expect(trainedByThisAlgorithm(deserializeCategoriser(model.data))).toBe(true);
    expect(await activeModelVersion(prisma())).toBe(model.version);
    await activateModel(prisma(), categoriser.version);
  }, 300_000);
});
