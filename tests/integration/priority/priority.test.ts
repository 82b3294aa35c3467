/**
 * The priority score against a real PostgreSQL (and Redis for the worker): scores are computed from the
 * stored supports, comments, organisations, analyses, corrections and the strategy, and stored with their
 * components; an unchanged input writes nothing; changing the weights reorders the consultation's priority
 * listing; and a support reaches the score through the outbox, the relay and the priority worker, once
 * per burst (debounced).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recomputeConsultation, recomputePriority } from "~/domain/priority/priority.server.ts";
import {
  computePriority,
  explainPriority,
  PRIORITY_DEBOUNCE_MS,
  saveConsultationWeights,
  schedulePriorityRecompute,
} from "~/domain/priority/priority.server.ts";
import { listSubmissions } from "~/domain/submissions/submissions.server.ts";
import { supportSubmission } from "~/domain/submissions/submissions.server.ts";
import { redisConnection } from "~/jobs/queues.server.ts";
import { closePublisher } from "~/realtime/publish.server.ts";
import { newId } from "~/utils/ids.ts";
import { upsertGeographyAndTaxonomy } from "../../../prisma/seed.ts";
import { startOutboxRelay } from "../../../workers/outbox-relay.ts";
import { createPriorityWorker } from "../../../workers/priority.ts";
import { useTestDatabase } from "../../helpers/db.ts";
import { createUser } from "../../helpers/factories.ts";
import { useTestRedis } from "../../helpers/redis.ts";
import {
  addComment,
  addOrganisationMember,
  addSupports,
  createConsultation,
  createStrategy,
  createSubmission,
} from "./fixtures.ts";

const testDb = useTestDatabase();
const testRedis = useTestRedis();
const db = () => testDb().prisma;
let municipalities: string[] = [];

beforeAll(async () => {
  Object.assign(process.env, {
    NODE_ENV: "test",
    DATABASE_URL: testDb().url,
    REDIS_URL: testRedis.url,
    REDIS_PREFIX: testRedis.prefix,
    APP_URL: "http://synochi.test",
  });
  await upsertGeographyAndTaxonomy(db());
  municipalities = (await db().municipality.findMany({ orderBy: { id: "asc" }, take: 4 })).map((m) => m.id);
  groupKeys = (await db().targetGroup.findMany({ select: { key: true } })).map((g) => g.key);
});

afterAll(() => closePublisher());

const form = (fields: Record<string, string>) => new Map(Object.entries(fields));
let groupKeys: string[] = [];
/** A whole weights form: the components given, every target group at 1 unless given. */
const allWeights = (components: Record<string, number>, groups: Record<string, number> = {}) => {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(components)) out[`w.${k}`] = String(v);
  for (const k of groupKeys) out[`g.${k}`] = String(groups[k] ?? 1);
  return out;
};

async function staffAndConsultation(strategyThemes: string[] = ["housing", "housing"]) {
  const staff = await createUser(db(), { roles: ["citizen", "directorate"] });
  const strategy = await createStrategy(db(), staff.id, strategyThemes);
  const consultation = await createConsultation(db(), { createdById: staff.id, strategyVersionId: strategy });
  return { staff, consultation };
}

describe("computing and storing", () => {
  it("stores each submission's score with its components, from the people, the labels and the strategy", async () => {
    const { consultation } = await staffAndConsultation(["housing", "housing", "employment"]);
    const author = await createUser(db());
    const s = await createSubmission(db(), {
      consultationId: consultation.id,
      authorId: author.id,
      municipalityId: municipalities[0],
      analysis: {
        themes: [
          { key: "housing", confidence: 0.9 },
          { key: "health_care", confidence: 0.6 },
        ],
        targetGroups: [{ key: "homeless", confidence: 0.8 }],
        urgent: true,
        urgentConfidence: 0.75,
      },
    });
    const supporters = await addSupports(db(), s.id, 3);
    await addOrganisationMember(db(), supporters[0], municipalities[1]);
    await addOrganisationMember(db(), supporters[1], municipalities[1]);
    const critic = await createUser(db());
    await addComment(db(), s.id, critic.id, "against");
    const fan = await createUser(db());
    await addComment(db(), s.id, fan.id, "in_favour");
    await addComment(db(), s.id, author.id, "in_favour"); // the author's own stance does not count

    const result = await recomputePriority(db(), s.id);
    expect(result).toEqual({ written: 1, unchanged: 0, removed: 0 });
    const row = await db().priorityScore.findUniqueOrThrow({ where: { submissionId: s.id } });
    const stored = row.components as {
      components: { key: string; value: number; weight: number; contribution: number }[];
      detail: Record<string, unknown>;
      facets: Record<string, unknown>;
    };
    expect(stored.detail).toMatchObject({
      positives: 4, // 3 supports + 1 favourable commenter
      negatives: 1,
      municipalities: 2, // the submission's own + the organisations'
      organisations: 2,
      topTargetGroup: "homeless",
      urgent: { value: true, confidence: 0.75, source: "model" },
      hasStrategy: true,
    });
    expect(stored.detail.themes).toEqual([
      { key: "health_care", confidence: 0.6, coverage: 0 },
      { key: "housing", confidence: 0.9, coverage: 1 },
    ]);
    expect(stored.facets).toMatchObject({
      consultationId: consultation.id,
      themes: ["health_care", "housing"],
      targetGroups: ["homeless"],
      urgent: true,
      municipalityId: municipalities[0],
    });
    const sum = stored.components.reduce((a, c) => a + c.contribution, 0);
    expect(row.score).toBeCloseTo(sum, 6);
    expect(stored.components.find((c) => c.key === "urgency")!.value).toBe(0.75);
    expect(stored.components.find((c) => c.key === "strategyGap")!.value).toBeCloseTo(0.6 / 1.5, 6);

    const explained = await explainPriority(db(), s.id);
    expect(explained).toMatchObject({ rank: 1, total: 1, score: row.score });
    expect(explained!.names.group?.el).toBeTruthy();
  });

  it("writes nothing when the inputs did not change, and again when they do", async () => {
    const { consultation } = await staffAndConsultation();
    const author = await createUser(db());
    const s = await createSubmission(db(), { consultationId: consultation.id, authorId: author.id });
    const now = new Date();
    expect(await recomputePriority(db(), s.id, now)).toMatchObject({ written: 1 });
    const first = await db().priorityScore.findUniqueOrThrow({ where: { submissionId: s.id } });
    const later = new Date(now.getTime() + 1_000);
    expect(await recomputePriority(db(), s.id, later)).toEqual({ written: 0, unchanged: 1, removed: 0 });
    const same = await db().priorityScore.findUniqueOrThrow({ where: { submissionId: s.id } });
    expect(same.computedAt).toEqual(first.computedAt);
    expect(same.inputsHash).toBe(first.inputsHash);

    await addSupports(db(), s.id, 1);
    expect(await recomputePriority(db(), s.id, later)).toMatchObject({ written: 1 });
    const changed = await db().priorityScore.findUniqueOrThrow({ where: { submissionId: s.id } });
    expect(changed.score).toBeGreaterThan(first.score);
    expect(changed.inputsHash).not.toBe(first.inputsHash);

    // The same state gives the same result, computed twice.
    const a = await computePriority(db(), s.id, later);
    const b = await computePriority(db(), s.id, later);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });

  it("a person's correction wins over the model", async () => {
    const { consultation } = await staffAndConsultation();
    const author = await createUser(db());
    const moderator = await createUser(db(), { roles: ["citizen", "moderator"] });
    const s = await createSubmission(db(), {
      consultationId: consultation.id,
      authorId: author.id,
      analysis: { urgent: true, urgentConfidence: 0.8 },
    });
    await recomputePriority(db(), s.id);
    const urgency = async () =>
      (
        (await db().priorityScore.findUniqueOrThrow({ where: { submissionId: s.id } })).components as {
          components: { key: string; value: number }[];
        }
      ).components.find((c) => c.key === "urgency")!.value;
    expect(await urgency()).toBe(0.8);
    await db().labelCorrection.create({
      data: { id: newId(), submissionId: s.id, field: "urgent", value: false, correctedById: moderator.id },
    });
    expect(await recomputePriority(db(), s.id)).toMatchObject({ written: 1 });
    expect(await urgency()).toBe(0);
  });

  it("drops the score of a submission that is no longer published", async () => {
    const { consultation } = await staffAndConsultation();
    const author = await createUser(db());
    const s = await createSubmission(db(), { consultationId: consultation.id, authorId: author.id });
    await recomputePriority(db(), s.id);
    await db().submission.update({ where: { id: s.id }, data: { status: "hidden" } });
    expect(await recomputeConsultation(db(), consultation.id)).toMatchObject({ removed: 1 });
    expect(await db().priorityScore.count({ where: { submissionId: s.id } })).toBe(0);
  });
});

describe("weights", () => {
  it("changing them reorders the consultation's priority listing; the same weights give the same order", async () => {
    const { staff, consultation } = await staffAndConsultation();
    const author = await createUser(db());
    const popular = await createSubmission(db(), {
      consultationId: consultation.id,
      authorId: author.id,
      title: "Πολλές υποστηρίξεις",
    });
    await addSupports(db(), popular.id, 30);
    const urgent = await createSubmission(db(), {
      consultationId: consultation.id,
      authorId: author.id,
      title: "Επείγον χωρίς στέγη",
      analysis: { urgent: true, urgentConfidence: 0.95 },
    });
    // Two with identical inputs: the tie is broken by id.
    const twinA = await createSubmission(db(), { consultationId: consultation.id, authorId: author.id });
    const twinB = await createSubmission(db(), { consultationId: consultation.id, authorId: author.id });
    const list = async () =>
      (
        await listSubmissions(db(), { id: consultation.id, openForInput: true }, { sort: "priority" }, "seed")
      ).items.map((i) => i.id);
    const staffActor = { id: staff.id, roles: ["directorate"] as const, committees: [], emailVerified: true };

    await saveConsultationWeights(
      db(),
      staffActor,
      consultation.id,
      form(allWeights({ support: 10, breadth: 0, targetGroups: 0, urgency: 0, strategyGap: 0, recency: 0 })),
    );
    await recomputeConsultation(db(), consultation.id);
    const bySupport = await list();
    expect(bySupport[0]).toBe(popular.id);
    const twins = [twinA.id, twinB.id].sort();
    expect(bySupport.filter((id) => twins.includes(id))).toEqual(twins);

    await saveConsultationWeights(
      db(),
      staffActor,
      consultation.id,
      form(allWeights({ support: 0, breadth: 0, targetGroups: 0, urgency: 10, strategyGap: 0, recency: 0 })),
    );
    expect(await recomputeConsultation(db(), consultation.id)).toMatchObject({ written: 4 });
    const byUrgency = await list();
    expect(byUrgency[0]).toBe(urgent.id);
    expect(await list()).toEqual(byUrgency);

    // Saving scheduled a consultation-wide recompute through the outbox.
    const events = await db().outboxEvent.findMany({
      where: { queue: "priority", name: "recompute-consultation" },
    });
    expect(
      events.some((e) => (e.payload as { consultationId: string }).consultationId === consultation.id),
    ).toBe(true);
  });

  it("refuses bad weights with a translation key per field, and citizens", async () => {
    const { staff, consultation } = await staffAndConsultation();
    const staffActor = { id: staff.id, roles: ["directorate"] as const, committees: [], emailVerified: true };
    const bad = allWeights({
      support: 11,
      breadth: -1,
      targetGroups: 1,
      urgency: 1,
      strategyGap: 1,
      recency: 1,
    });
    bad["w.recency"] = "πολύ";
    await expect(saveConsultationWeights(db(), staffActor, consultation.id, form(bad))).rejects.toMatchObject(
      {
        status: 400,
        fieldErrors: {
          "w.support": "priority.errors.weightRange",
          "w.breadth": "priority.errors.weightRange",
          "w.recency": "priority.errors.weightNumber",
        },
      },
    );
    const citizen = { id: staff.id, roles: ["citizen"] as const, committees: [], emailVerified: true };
    await expect(
      saveConsultationWeights(db(), citizen, consultation.id, form(allWeights({ support: 1 }))),
    ).rejects.toMatchObject({ status: 403 });
  });
});

describe("debounced recompute through the worker", () => {
  it("a burst of supports becomes one recompute that sees them all", async () => {
    const { consultation } = await staffAndConsultation();
    const author = await createUser(db());
    const s = await createSubmission(db(), { consultationId: consultation.id, authorId: author.id });
    const connection = redisConnection({ worker: true, url: testRedis.url });
    const worker = createPriorityWorker({
      db: db(),
      connection,
      prefix: testRedis.prefix,
      schedule: false,
    });
    const relay = startOutboxRelay(db(), {
      listenUrl: false,
      intervalMs: 100,
      prefix: testRedis.prefix,
      redisUrl: testRedis.url,
      log: { info: () => {}, warn: () => {}, error: () => {} },
    });
    const completed: string[] = [];
    worker.on("completed", (job) => completed.push(String(job.id)));
    try {
      // Start right after a window opens, so the burst falls into one debounce window.
      const inWindow = Date.now() % PRIORITY_DEBOUNCE_MS;
      await new Promise((r) => setTimeout(r, PRIORITY_DEBOUNCE_MS - inWindow + 20));
      const started = Date.now();
      for (let i = 0; i < 5; i++) {
        const u = await createUser(db());
        await supportSubmission(
          db(),
          { id: u.id, roles: ["citizen"], committees: [], emailVerified: true },
          s.id,
        );
      }
      const keys = await db().outboxEvent.findMany({
        where: { queue: "priority", key: { startsWith: `priority:${s.id}:` } },
        select: { key: true },
      });
      expect(keys.length).toBe(1);
      let positives = 0;
      while (Date.now() - started < 15_000) {
        const row = await db().priorityScore.findUnique({ where: { submissionId: s.id } });
        positives = (row?.components as { detail?: { positives?: number } } | null)?.detail?.positives ?? 0;
        if (positives === 5) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(positives).toBe(5);
      const elapsed = Date.now() - started;
      // Not before its window closed (debounced), and soon after.
      expect(elapsed).toBeGreaterThanOrEqual(PRIORITY_DEBOUNCE_MS);
      expect(elapsed).toBeLessThan(PRIORITY_DEBOUNCE_MS * 3 + 3_000);
      expect(completed.filter((id) => id.startsWith(`priority.${s.id}.`))).toHaveLength(1);

      // Scheduled again with nothing changed: the job runs and writes nothing.
      const before = await db().priorityScore.findUniqueOrThrow({ where: { submissionId: s.id } });
      await schedulePriorityRecompute(db(), { submissionId: s.id });
      const deadline = Date.now() + 10_000;
      while (
        completed.filter((id) => id.startsWith(`priority.${s.id}.`)).length < 2 &&
        Date.now() < deadline
      ) {
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(completed.filter((id) => id.startsWith(`priority.${s.id}.`))).toHaveLength(2);
      const after = await db().priorityScore.findUniqueOrThrow({ where: { submissionId: s.id } });
      expect(after.computedAt).toEqual(before.computedAt);
    } finally {
      await relay.stop();
      await worker.close();
      connection.disconnect();
    }
  }, 40_000);
});
