/**
 * Priority scores follow moderation and authors' status changes (real PostgreSQL): hiding, restoring,
 * merging, moving, withdrawing, approving and rejecting a submission, and hiding or restoring a comment,
 * each schedule the recompute through the outbox in their own transaction; running those jobs (as the
 * priority worker does) leaves the rankings right: unpublished submissions leave them, a merge target gains
 * its new supporters, a moved submission ranks in its new consultation, and submissions whose breadth
 * counted the author's municipality are recomputed too.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CurrentUser } from "~/domain/accounts/auth.server.ts";
import { deleteComment } from "~/domain/comments/comments.server.ts";
import {
  approveSubmission,
  blockUser,
  hideContent,
  mergeSubmissions,
  moveSubmission,
  rejectSubmission,
  restoreContent,
  unblockUser,
} from "~/domain/moderation/moderation.server.ts";
import {
  directorateList,
  PRIORITY_FANOUT_MAX,
  recomputeConsultation,
} from "~/domain/priority/priority.server.ts";
import { updateSubmission, withdrawSubmission } from "~/domain/submissions/submissions.server.ts";
import { closePublisher } from "~/realtime/publish.server.ts";
import { getDb } from "~/utils/db.server.ts";
import { newId } from "~/utils/ids.ts";
import { closeReadPool } from "~/utils/sql.server.ts";
import { upsertGeographyAndTaxonomy } from "../../../prisma/seed.ts";
import { processPriorityJob } from "../../../workers/priority.ts";
import { useTestDatabase } from "../../helpers/db.ts";
import { createUser } from "../../helpers/factories.ts";
import { useTestRedis } from "../../helpers/redis.ts";
import { actor, makeActor, setEnv } from "../moderation/fixtures.ts";
import { addComment, addSupports, createConsultation, createStrategy, createSubmission } from "./fixtures.ts";

const testDb = useTestDatabase();
const testRedis = useTestRedis();
const db = () => testDb().prisma;
const why = { reasonCode: "offensive", message: "Κανόνας 3 των όρων χρήσης." };

let moderator: CurrentUser;
let staffId: string;
let municipalities: string[] = [];

beforeAll(async () => {
  setEnv(testDb().url, testRedis);
  await upsertGeographyAndTaxonomy(db());
  municipalities = (await db().municipality.findMany({ orderBy: { id: "asc" }, take: 3 })).map((m) => m.id);
  moderator = await makeActor(db(), ["citizen", "moderator"]);
  staffId = (await createUser(db(), { roles: ["citizen", "directorate"] })).id;
});

afterAll(async () => {
  closePublisher();
  await closeReadPool();
  await getDb().$disconnect();
});

async function consultation(strategyThemes: string[] = ["housing"]) {
  const strategy = await createStrategy(db(), staffId, strategyThemes);
  return (await createConsultation(db(), { createdById: staffId, strategyVersionId: strategy })).id;
}

interface QueuedJob {
  name: string;
  payload: { submissionId?: string; consultationId?: string };
}

/**
 * Starts from an empty priority outbox, runs `change`, and returns the priority jobs it queued (the same
 * rows the relay hands to the worker).
 */
async function queuedBy(change: () => Promise<unknown>): Promise<QueuedJob[]> {
  await db().outboxEvent.deleteMany({ where: { queue: "priority" } });
  await change();
  const rows = await db().outboxEvent.findMany({ where: { queue: "priority" }, orderBy: { id: "asc" } });
  return rows.map((r) => ({ name: r.name, payload: r.payload as QueuedJob["payload"] }));
}

/** Runs the queued jobs as the priority worker would. */
async function run(jobs: QueuedJob[]): Promise<void> {
  for (const job of jobs) await processPriorityJob(db(), { name: job.name, data: job.payload });
}

const recomputesOf = (jobs: QueuedJob[]) =>
  jobs.filter((j) => j.name === "recompute").map((j) => j.payload.submissionId);

const ranking = async (consultationId: string) =>
  (await directorateList(db(), { consultation: consultationId })).items.map((i) => i.id);

/** A published submission in `consultationId` by a new citizen. */
async function byAnother(consultationId: string) {
  return createSubmission(db(), { consultationId, authorId: (await createUser(db())).id });
}

/** `userId` supports the submission (the count kept in step). */
async function supportBy(submissionId: string, userId: string) {
  await db().support.create({ data: { submissionId, userId } });
  await db().submission.update({ where: { id: submissionId }, data: { supportCount: { increment: 1 } } });
}

async function detailOf(submissionId: string) {
  const row = await db().priorityScore.findUniqueOrThrow({ where: { submissionId } });
  return (row.components as { detail: { positives: number; negatives: number; municipalities: number } })
    .detail;
}

describe("moderators hiding and restoring", () => {
  it("hiding a submission queues its recompute, which takes it out of the ranking; restoring brings it back", async () => {
    const c = await consultation();
    const author = await createUser(db());
    const s = await createSubmission(db(), { consultationId: c, authorId: author.id });
    const other = await createSubmission(db(), { consultationId: c, authorId: author.id });
    await recomputeConsultation(db(), c);
    expect((await ranking(c)).sort()).toEqual([s.id, other.id].sort());

    const hide = await queuedBy(() =>
      hideContent(db(), moderator, { targetType: "submission", targetId: s.id, ...why }),
    );
    expect(recomputesOf(hide)).toEqual([s.id]);
    await run(hide);
    expect(await db().priorityScore.count({ where: { submissionId: s.id } })).toBe(0);
    expect(await ranking(c)).toEqual([other.id]);

    const restore = await queuedBy(() =>
      restoreContent(db(), moderator, { targetType: "submission", targetId: s.id, ...why }),
    );
    expect(recomputesOf(restore)).toEqual([s.id]);
    await run(restore);
    expect((await ranking(c)).sort()).toEqual([s.id, other.id].sort());
  });

  it("hiding a submission that declares a municipality recomputes what its author took part in", async () => {
    const c = await consultation();
    const author = await createUser(db());
    const elsewhere = await consultation();
    // The author's own submission declares a municipality; they support and comment on others.
    const own = await createSubmission(db(), {
      consultationId: c,
      authorId: author.id,
      municipalityId: municipalities[0],
    });
    const supported = await byAnother(c);
    await supportBy(supported.id, author.id);
    const commented = await byAnother(c);
    await addComment(db(), commented.id, author.id);
    const unrelated = await byAnother(c);
    // Support in another consultation: that breadth does not count this consultation's submissions.
    const otherConsultation = await byAnother(elsewhere);
    await db().support.create({ data: { submissionId: otherConsultation.id, userId: author.id } });
    await recomputeConsultation(db(), c);
    expect((await detailOf(supported.id)).municipalities).toBe(1);
    expect((await detailOf(commented.id)).municipalities).toBe(1);

    const hide = await queuedBy(() =>
      hideContent(db(), moderator, { targetType: "submission", targetId: own.id, ...why }),
    );
    expect(recomputesOf(hide).sort()).toEqual([own.id, supported.id, commented.id].sort());
    expect(recomputesOf(hide)).not.toContain(unrelated.id);
    expect(recomputesOf(hide)).not.toContain(otherConsultation.id);
    await run(hide);
    expect((await detailOf(supported.id)).municipalities).toBe(0);
    expect((await detailOf(commented.id)).municipalities).toBe(0);
    // Nothing left stale: a full recompute finds nothing more to write.
    expect(await recomputeConsultation(db(), c)).toMatchObject({ written: 0, removed: 0 });
  });

  it("past PRIORITY_FANOUT_MAX dependents, queues one consultation-wide recompute instead", async () => {
    const c = await consultation();
    const author = await createUser(db());
    const own = await createSubmission(db(), {
      consultationId: c,
      authorId: author.id,
      municipalityId: municipalities[1],
    });
    const others = await createUser(db());
    const ids = Array.from({ length: PRIORITY_FANOUT_MAX + 1 }, () => newId());
    await db().submission.createMany({
      data: ids.map((id) => ({
        id,
        consultationId: c,
        authorId: others.id,
        kind: "proposal" as const,
        title: `Πρόταση ${id.slice(0, 6)}`,
        bodyJson: {},
        bodyHtml: "<p>Κείμενο</p>",
        bodyText: "Κείμενο",
        supportCount: 1,
      })),
    });
    await db().support.createMany({ data: ids.map((submissionId) => ({ submissionId, userId: author.id })) });
    await recomputeConsultation(db(), c);

    const hide = await queuedBy(() =>
      hideContent(db(), moderator, { targetType: "submission", targetId: own.id, ...why }),
    );
    expect(recomputesOf(hide)).toEqual([own.id]);
    expect(hide.filter((j) => j.name === "recompute-consultation").map((j) => j.payload)).toEqual([
      { consultationId: c },
    ]);
    await run(hide);
    expect((await detailOf(ids[0])).municipalities).toBe(0);
    expect(await ranking(c)).not.toContain(own.id);
  });

  it("hiding and restoring a comment recomputes the submission it is on", async () => {
    const c = await consultation();
    const s = await byAnother(c);
    const critic = await makeActor(db());
    await addComment(db(), s.id, critic.id, "against");
    const comment = await db().comment.findFirstOrThrow({ where: { submissionId: s.id } });
    await recomputeConsultation(db(), c);
    expect((await detailOf(s.id)).negatives).toBe(1);

    const hide = await queuedBy(() =>
      hideContent(db(), moderator, { targetType: "comment", targetId: comment.id, ...why }),
    );
    expect(recomputesOf(hide)).toEqual([s.id]);
    await run(hide);
    expect((await detailOf(s.id)).negatives).toBe(0);

    const restore = await queuedBy(() =>
      restoreContent(db(), moderator, { targetType: "comment", targetId: comment.id, ...why }),
    );
    expect(recomputesOf(restore)).toEqual([s.id]);
    await run(restore);
    expect((await detailOf(s.id)).negatives).toBe(1);
  });

  it("an author deleting their comment recomputes the submission it was on", async () => {
    const c = await consultation();
    const s = await byAnother(c);
    const critic = await makeActor(db());
    await addComment(db(), s.id, critic.id, "against");
    const comment = await db().comment.findFirstOrThrow({ where: { submissionId: s.id } });
    await recomputeConsultation(db(), c);
    expect((await detailOf(s.id)).negatives).toBe(1);

    const removal = await queuedBy(() => deleteComment(db(), critic, comment.id));
    expect(recomputesOf(removal)).toEqual([s.id]);
    await run(removal);
    expect((await detailOf(s.id)).negatives).toBe(0);
  });
});

describe("blocking a user with their content", () => {
  it("takes their submissions out of the ranking, recomputes what they took part in, and unblocking brings it back", async () => {
    const c = await consultation();
    const author = await createUser(db());
    const first = await createSubmission(db(), {
      consultationId: c,
      authorId: author.id,
      municipalityId: municipalities[0],
    });
    const second = await createSubmission(db(), { consultationId: c, authorId: author.id });
    const supported = await byAnother(c);
    await supportBy(supported.id, author.id);
    const commented = await byAnother(c);
    await addComment(db(), commented.id, author.id, "against");
    await recomputeConsultation(db(), c);
    expect((await detailOf(supported.id)).municipalities).toBe(1);
    expect((await detailOf(commented.id)).negatives).toBe(1);

    const block = await queuedBy(() =>
      blockUser(db(), moderator, { userId: author.id, hideContent: "on", ...why }),
    );
    expect(recomputesOf(block).sort()).toEqual([first.id, second.id, supported.id, commented.id].sort());
    await run(block);
    expect((await ranking(c)).sort()).toEqual([supported.id, commented.id].sort());
    expect((await detailOf(supported.id)).municipalities).toBe(0);
    expect((await detailOf(commented.id)).negatives).toBe(0);

    const unblock = await queuedBy(() => unblockUser(db(), moderator, { userId: author.id, ...why }));
    expect(recomputesOf(unblock).sort()).toEqual([first.id, second.id, supported.id, commented.id].sort());
    await run(unblock);
    expect((await ranking(c)).sort()).toEqual([first.id, second.id, supported.id, commented.id].sort());
    expect((await detailOf(supported.id)).municipalities).toBe(1);
    expect((await detailOf(commented.id)).negatives).toBe(1);
  });
});

describe("authors editing", () => {
  it("changing one's municipality recomputes what one takes part in; an edit without it does not", async () => {
    const c = await consultation();
    const author = await makeActor(db());
    const own = await createSubmission(db(), { consultationId: c, authorId: author.id });
    const supported = await byAnother(c);
    await supportBy(supported.id, author.id);
    await recomputeConsultation(db(), c);
    expect((await detailOf(supported.id)).municipalities).toBe(0);
    const fields = {
      kind: "proposal",
      title: "Θέρμανση στα σχολεία",
      body: "Πετρέλαιο πριν τον χειμώνα.",
      targetGroups: [],
    };

    const plain = await queuedBy(() => updateSubmission(db(), author, own.id, fields));
    expect(recomputesOf(plain)).toEqual([]);
    const moved = await queuedBy(() =>
      updateSubmission(db(), author, own.id, { ...fields, municipalityId: municipalities[1] }),
    );
    expect(recomputesOf(moved).sort()).toEqual([own.id, supported.id].sort());
    await run(moved);
    expect((await detailOf(supported.id)).municipalities).toBe(1);
  });
});

describe("merging and moving", () => {
  it("a merge recomputes the target, which gains the supporters, and takes the source out of the ranking", async () => {
    const c = await consultation();
    const source = await byAnother(c);
    const target = await byAnother(c);
    await addSupports(db(), source.id, 3);
    await addSupports(db(), target.id, 1);
    await recomputeConsultation(db(), c);
    const before = await db().priorityScore.findUniqueOrThrow({ where: { submissionId: target.id } });

    const merge = await queuedBy(() =>
      mergeSubmissions(db(), moderator, { sourceId: source.id, targetId: target.id, ...why }),
    );
    expect(recomputesOf(merge).sort()).toEqual([source.id, target.id].sort());
    await run(merge);
    expect((await detailOf(target.id)).positives).toBe(4);
    const after = await db().priorityScore.findUniqueOrThrow({ where: { submissionId: target.id } });
    expect(after.score).toBeGreaterThan(before.score);
    expect(await ranking(c)).toEqual([target.id]);
  });

  it("a move recomputes the submission in its new consultation, and what its author took part in on both sides", async () => {
    const from = await consultation(["housing"]);
    const to = await consultation(["employment"]);
    const author = await createUser(db());
    const s = await createSubmission(db(), {
      consultationId: from,
      authorId: author.id,
      municipalityId: municipalities[2],
    });
    const leftBehind = await byAnother(from);
    await db().support.create({ data: { submissionId: leftBehind.id, userId: author.id } });
    const joined = await byAnother(to);
    await addComment(db(), joined.id, author.id);
    await recomputeConsultation(db(), from);
    await recomputeConsultation(db(), to);
    expect((await detailOf(leftBehind.id)).municipalities).toBe(1);
    expect((await detailOf(joined.id)).municipalities).toBe(0);

    const move = await queuedBy(() =>
      moveSubmission(db(), moderator, { submissionId: s.id, consultationId: to, ...why }),
    );
    expect(recomputesOf(move).sort()).toEqual([s.id, leftBehind.id, joined.id].sort());
    await run(move);
    expect(await ranking(from)).toEqual([leftBehind.id]);
    expect((await ranking(to)).sort()).toEqual([s.id, joined.id].sort());
    const moved = await db().priorityScore.findUniqueOrThrow({ where: { submissionId: s.id } });
    expect((moved.components as { facets: { consultationId: string } }).facets.consultationId).toBe(to);
    expect((await detailOf(leftBehind.id)).municipalities).toBe(0);
    expect((await detailOf(joined.id)).municipalities).toBe(1);
  });
});

describe("authors and pre-moderation", () => {
  it("an author's withdrawal queues the recompute that takes the submission out of the ranking", async () => {
    const c = await consultation();
    const author = await makeActor(db());
    const s = await createSubmission(db(), { consultationId: c, authorId: author.id });
    await recomputeConsultation(db(), c);
    expect(await ranking(c)).toEqual([s.id]);

    const withdraw = await queuedBy(() =>
      withdrawSubmission(db(), actor(author.id), s.id, { reason: "Λύθηκε το θέμα." }),
    );
    expect(recomputesOf(withdraw)).toEqual([s.id]);
    await run(withdraw);
    expect(await ranking(c)).toEqual([]);
    expect(await db().priorityScore.count({ where: { submissionId: s.id } })).toBe(0);
  });

  it("approving a pending submission queues the recompute that ranks it; rejecting one leaves it out", async () => {
    const c = await consultation();
    await db().consultation.update({ where: { id: c }, data: { preModeration: true } });
    const approved = await byAnother(c);
    const rejected = await byAnother(c);
    await db().submission.updateMany({
      where: { id: { in: [approved.id, rejected.id] } },
      data: { status: "pending_review" },
    });
    await recomputeConsultation(db(), c);
    expect(await ranking(c)).toEqual([]);

    const approve = await queuedBy(() =>
      approveSubmission(db(), moderator, { submissionId: approved.id, ...why }),
    );
    expect(recomputesOf(approve)).toEqual([approved.id]);
    await run(approve);
    expect(await ranking(c)).toEqual([approved.id]);

    const reject = await queuedBy(() =>
      rejectSubmission(db(), moderator, { submissionId: rejected.id, ...why }),
    );
    expect(recomputesOf(reject)).toEqual([rejected.id]);
    await run(reject);
    expect(await ranking(c)).toEqual([approved.id]);
  });
});
