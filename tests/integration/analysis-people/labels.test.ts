/**
 * Effective labels and people's corrections, against real PostgreSQL: a correction wins over the model, the
 * newest correction wins, confidences and sources are reported, only moderators, the Directorate and admins
 * may confirm or correct (nothing stored otherwise), bad values are refused with translated messages, and
 * corrections are kept for retraining.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CurrentUser } from "~/domain/accounts/auth.server.ts";
import {
  confirmLabel,
  correctLabel,
  correctedExamples,
  effectiveLabels,
  effectiveLabelsMany,
  listCorrections,
  publicLabels,
} from "~/domain/analysis/labels.server.ts";
import { createT } from "~/i18n/i18n.ts";
import { closePublisher } from "~/realtime/publish.server.ts";
import { Forbidden, Invalid } from "~/utils/errors.server.ts";
import { upsertGeographyAndTaxonomy } from "../../../prisma/seed.ts";
import { useTestDatabase } from "../../helpers/db.ts";
import { redisPrefix, redisUrl, useTestRedis } from "../../helpers/redis.ts";
import {
  MODEL_VERSION,
  errorOf,
  insertAnalysis,
  makeActor,
  makeConsultation,
  setEnv,
  submissionWith,
} from "./fixtures.ts";

const testDb = useTestDatabase();
useTestRedis();
const db = () => testDb().prisma;

let moderator: CurrentUser;
let directorate: CurrentUser;
let admin: CurrentUser;
let citizen: CurrentUser;
let author: CurrentUser;
let consultationId: string;
let n = 0;

async function submission(): Promise<string> {
  n += 1;
  return submissionWith(
    db(),
    author,
    consultationId,
    `Στέγη για όλους αριθμός ${n}`,
    "Χρειαζόμαστε κοινωνικές κατοικίες στην Πάτρα για οικογένειες που μένουν στο δρόμο.",
  );
}

beforeAll(async () => {
  setEnv(testDb().url, { url: redisUrl, prefix: redisPrefix });
  await upsertGeographyAndTaxonomy(db());
  moderator = await makeActor(db(), ["citizen", "moderator"]);
  directorate = await makeActor(db(), ["directorate"]);
  admin = await makeActor(db(), ["citizen", "admin"]);
  citizen = await makeActor(db());
  author = await makeActor(db());
  consultationId = await makeConsultation(db(), directorate.id);
});

afterAll(() => closePublisher());

describe("effective labels", () => {
  it("are empty before any analysis, then the model's answer with confidences and the model version", async () => {
    const id = await submission();
    const before = await effectiveLabels(db(), id);
    expect(before.analysedVersion).toBeNull();
    expect(Object.values(before.fields).every((f) => f === null)).toBe(true);

    const municipality = await db().municipality.findFirstOrThrow();
    await insertAnalysis(db(), id, {
      themes: [
        { key: "employment", confidence: 0.6 },
        { key: "housing", confidence: 0.9 },
        { key: "not_a_theme", confidence: 0.99 },
      ],
      kind: "need",
      kindConfidence: 0.72,
      municipalityId: municipality.id,
      municipalityConfidence: 0.97,
      urgent: true,
      urgentConfidence: 0.88,
    });
    const l = await effectiveLabels(db(), id);
    expect(l.analysedVersion).toBe(1);
    expect(l.stale).toBe(false);
    // Best first, unknown keys dropped.
    expect(l.fields.themes?.value).toEqual(["housing", "employment"]);
    expect(l.fields.themes?.items).toEqual([
      { key: "housing", confidence: 0.9 },
      { key: "employment", confidence: 0.6 },
    ]);
    expect(l.fields.kind).toMatchObject({ value: "need", confidence: 0.72 });
    expect(l.fields.kind?.source).toMatchObject({
      type: "model",
      modelVersion: MODEL_VERSION,
      analysedVersion: 1,
    });
    expect(l.fields.municipality?.value).toEqual({
      id: municipality.id,
      nameEl: municipality.nameEl,
      nameEn: municipality.nameEn,
    });
    expect(l.fields.urgent).toMatchObject({ value: true, confidence: 0.88 });
    // The public sees values only: no urgency, no off-topic, no confidences.
    expect(publicLabels(l)).toEqual({
      themes: ["housing", "employment"],
      targetGroups: ["homeless"],
      kind: "need",
      municipality: { id: municipality.id, nameEl: municipality.nameEl, nameEn: municipality.nameEn },
    });
  });

  it("a correction wins over the model, with who and when, and keeps winning after a re-analysis", async () => {
    const id = await submission();
    await insertAnalysis(db(), id, { kind: "need", kindConfidence: 0.8 });
    const change = await correctLabel(db(), moderator, id, "kind", "proposal");
    expect(change.labels.fields.kind).toMatchObject({ value: "proposal", confidence: null });
    const source = change.labels.fields.kind?.source;
    expect(source).toMatchObject({ type: "person", userId: moderator.id, confirmed: false });
    expect(source?.type === "person" && source.name).toBeTruthy();
    const row = await db().labelCorrection.findUniqueOrThrow({ where: { id: change.correctionId } });
    expect(row).toMatchObject({
      field: "kind",
      value: "proposal",
      previousValue: "need",
      correctedById: moderator.id,
    });
    expect(row.createdAt.getTime()).toBeGreaterThan(Date.now() - 60_000);
    // Other fields are still the model's.
    expect(change.labels.fields.themes?.source.type).toBe("model");

    // The author edits; a new analysis of version 2 says "need" again: the person's choice still wins.
    await db().submission.update({ where: { id }, data: { version: 2 } });
    expect((await effectiveLabels(db(), id)).stale).toBe(true);
    await insertAnalysis(db(), id, { version: 2, kind: "need", kindConfidence: 0.95 });
    const after = await effectiveLabels(db(), id);
    expect(after.stale).toBe(false);
    expect(after.analysedVersion).toBe(2);
    expect(after.fields.kind?.value).toBe("proposal");
  });

  it("the newest correction wins; a confirmation is a correction to the same value", async () => {
    const id = await submission();
    await insertAnalysis(db(), id, { themes: [{ key: "housing", confidence: 0.7 }] });
    await correctLabel(db(), directorate, id, "themes", ["employment", "housing"]);
    await new Promise((r) => setTimeout(r, 5));
    await correctLabel(db(), admin, id, "themes", ["education_training"]);
    let l = await effectiveLabels(db(), id);
    expect(l.fields.themes?.value).toEqual(["education_training"]);
    expect(l.fields.themes?.source).toMatchObject({ type: "person", userId: admin.id });

    await new Promise((r) => setTimeout(r, 5));
    const confirmed = await confirmLabel(db(), moderator, id, "themes");
    l = confirmed.labels;
    expect(l.fields.themes?.value).toEqual(["education_training"]);
    expect(l.fields.themes?.source).toMatchObject({ type: "person", userId: moderator.id, confirmed: true });
    // Confirming a model label turns it into a person's label with no confidence.
    const c = await confirmLabel(db(), moderator, id, "urgent");
    expect(c.labels.fields.urgent).toMatchObject({ value: false, confidence: null });
    expect(c.labels.fields.urgent?.source).toMatchObject({ type: "person", confirmed: true });

    const history = (await listCorrections(db())).filter((r) => r.submissionId === id);
    expect(history.map((r) => [r.field, r.value])).toEqual([
      ["themes", ["employment", "housing"]],
      ["themes", ["education_training"]],
      ["themes", ["education_training"]],
      ["urgent", false],
    ]);
    expect(history[1].previousValue).toEqual(["employment", "housing"]);
  });

  it("the batch version answers many submissions at once, the same as one by one", async () => {
    const a = await submission();
    const b = await submission();
    await insertAnalysis(db(), a, { kind: "opinion" });
    await correctLabel(db(), moderator, b, "off_topic", "true");
    const many = await effectiveLabelsMany(db(), [a, b, a, "00000000-0000-4000-8000-000000000000"]);
    expect([...many.keys()].sort()).toEqual([a, b].sort());
    expect(many.get(a)).toEqual(await effectiveLabels(db(), a));
    expect(many.get(b)?.fields.off_topic).toMatchObject({ value: true, source: { type: "person" } });
    expect(many.get(b)?.fields.kind).toBeNull();
  });

  it("stores municipality corrections by id and clears them with an empty value", async () => {
    const id = await submission();
    await insertAnalysis(db(), id);
    const m = await db().municipality.findFirstOrThrow({ orderBy: { nameEl: "desc" } });
    let l = (await correctLabel(db(), moderator, id, "municipality", m.id)).labels;
    expect(l.fields.municipality?.value).toMatchObject({ id: m.id, nameEl: m.nameEl });
    l = (await correctLabel(db(), moderator, id, "municipality", "")).labels;
    expect(l.fields.municipality).toMatchObject({ value: null, source: { type: "person" } });
  });

  it("schedules a priority recompute with every correction (through the outbox)", async () => {
    const id = await submission();
    await insertAnalysis(db(), id);
    await correctLabel(db(), moderator, id, "urgent", "true");
    const rows = await db().outboxEvent.findMany({
      where: { queue: "priority", key: { startsWith: `priority:${id}:` } },
    });
    expect(rows.length).toBe(1);
  });
});

describe("who may confirm or correct", () => {
  it("refuses citizens, the author and visitors, and stores nothing", async () => {
    const id = await submission();
    await insertAnalysis(db(), id);
    for (const who of [citizen, author, null]) {
      for (const attempt of [
        () => confirmLabel(db(), who, id, "kind"),
        () => correctLabel(db(), who, id, "kind", "opinion"),
      ]) {
        const error = await errorOf(attempt());
        expect(error).toBeInstanceOf(Forbidden);
        expect(error.messageKey).toBe("analysis.labels.errors.forbidden");
      }
    }
    expect(await db().labelCorrection.count({ where: { submissionId: id } })).toBe(0);
  });

  it("lets moderators, the Directorate and admins", async () => {
    const id = await submission();
    await insertAnalysis(db(), id);
    for (const who of [moderator, directorate, admin]) await confirmLabel(db(), who, id, "kind");
    expect(await db().labelCorrection.count({ where: { submissionId: id } })).toBe(3);
  });
});

describe("invalid values", () => {
  const cases: [string, unknown, string][] = [
    ["themes", ["housing", "astrology"], "analysis.labels.errors.theme"],
    ["target_groups", ["cats"], "analysis.labels.errors.targetGroup"],
    ["kind", "complaint", "analysis.labels.errors.kind"],
    ["urgent", "maybe", "analysis.labels.errors.boolean"],
    ["off_topic", undefined, "analysis.labels.errors.boolean"],
    ["municipality", "00000000-0000-4000-8000-000000000000", "analysis.labels.errors.municipality"],
    ["colour", "red", "analysis.labels.errors.field"],
  ];
  it("are refused with a message in both languages, and nothing is stored", async () => {
    const id = await submission();
    await insertAnalysis(db(), id);
    const el = createT("el");
    const en = createT("en");
    for (const [field, value, key] of cases) {
      const error = await errorOf(correctLabel(db(), moderator, id, field, value));
      expect(error, field).toBeInstanceOf(Invalid);
      expect(error.messageKey, field).toBe(key);
      expect(el(key)).not.toBe(key);
      expect(en(key)).not.toBe(key);
      expect(el(key)).not.toBe(en(key));
    }
    const none = await submission();
    const error = await errorOf(confirmLabel(db(), moderator, none, "kind"));
    expect(error.messageKey).toBe("analysis.labels.errors.nothingToConfirm");
    expect(await db().labelCorrection.count({ where: { submissionId: { in: [id, none] } } })).toBe(0);
  });

  it("an unknown submission is not found", async () => {
    const error = await errorOf(
      correctLabel(db(), moderator, "00000000-0000-4000-8000-000000000000", "kind", "need"),
    );
    expect(error.status).toBe(404);
  });
});

describe("corrections for retraining", () => {
  it("turn corrected submissions into labelled examples with the effective labels", async () => {
    const id = await submission();
    const m = await db().municipality.findFirstOrThrow();
    await insertAnalysis(db(), id, { themes: [{ key: "housing", confidence: 0.9 }], kind: "need" });
    await correctLabel(db(), moderator, id, "municipality", m.id);
    await correctLabel(db(), moderator, id, "target_groups", ["elderly"]);
    const example = (await correctedExamples(db())).find((e) => e.id === id);
    expect(example).toMatchObject({
      themes: ["housing"],
      target_groups: ["elderly"],
      kind: "need",
      urgent: false,
      municipality: m.nameEl,
      off_topic: false,
    });
    expect(example?.text).toContain("Στέγη για όλους");
    expect(example?.corrected.sort()).toEqual(["municipality", "target_groups"]);
    const later = await correctedExamples(db(), new Date(Date.now() + 60_000));
    expect(later).toEqual([]);
  });
});
