/**
 * Submissions, supports and comments against a real PostgreSQL (own database) and Redis (own prefix):
 * the rules of posting, editing, withdrawing, supporting (also under concurrency), threading, voting and
 * sorting, the outbox events each write leaves, and what each refusal says.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  getThread,
  createComment,
  deleteComment,
  editComment,
  voteComment,
  wilsonLowerBound,
} from "~/domain/comments/comments.server.ts";
import {
  getPublicConsultation,
  listPublicConsultations,
  searchConsultations,
} from "~/domain/consultations/consultations.server.ts";
import {
  createSubmission,
  getSubmissionPage,
  listSubmissions,
  supportSubmission,
  updateSubmission,
  withdrawSubmission,
  withdrawSupport,
} from "~/domain/submissions/submissions.server.ts";
import type { PrismaClient } from "~/generated/prisma/client.ts";
import { closePublisher } from "~/realtime/publish.server.ts";
import type { CurrentUser } from "~/domain/accounts/auth.server.ts";
import { DomainError, Invalid, RateLimited } from "~/utils/errors.server.ts";
import { getDb } from "~/utils/db.server.ts";
import { newId } from "~/utils/ids.ts";
import { closeReadPool } from "~/utils/sql.server.ts";
import { useTestDatabase } from "../../helpers/db.ts";
import { createUser } from "../../helpers/factories.ts";
import { useTestRedis } from "../../helpers/redis.ts";

const testDb = useTestDatabase();
const testRedis = useTestRedis();
const db = (): PrismaClient => testDb().prisma;

function actor(id: string, overrides: Partial<CurrentUser> = {}): CurrentUser {
  return {
    id,
    roles: ["citizen"],
    committees: [],
    emailVerified: true,
    displayName: "x",
    ...overrides,
  } as CurrentUser;
}

const doc = (text: string) =>
  JSON.stringify({ type: "doc", content: [{ type: "paragraph", content: [{ type: "text", text }] }] });

async function expectError(promise: Promise<unknown>, key: string, field?: string) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  if (field) expect((error as Invalid).fieldErrors[field]).toBe(key);
  else expect((error as DomainError).messageKey).toBe(key);
}

let creatorId: string;
let alice: CurrentUser;
let bob: CurrentUser;
let carol: CurrentUser;
let openId: string;
let closedId: string;
let otherOpenId: string;

async function makeConsultation(phase: "open" | "closed" | "draft", extra: Record<string, unknown> = {}) {
  const id = newId();
  await db().consultation.create({
    data: {
      id,
      slug: `c-${id.slice(0, 8)}`,
      title: `Διαβούλευση ${id.slice(0, 4)}`,
      summary: "Περίληψη της διαβούλευσης",
      bodyJson: {},
      bodyHtml: "<p>Σώμα</p>",
      phase,
      createdById: creatorId,
      ...extra,
    },
  });
  return id;
}

const validFields = (title = "Θέρμανση για τα σχολεία της Πάτρας") => ({
  kind: "proposal",
  title,
  body: doc("Να εξασφαλιστεί πετρέλαιο θέρμανσης για όλα τα σχολεία πριν τον Δεκέμβριο."),
  bodyFormat: "json",
  targetGroups: [],
});

beforeAll(async () => {
  Object.assign(process.env, {
    NODE_ENV: "test",
    DATABASE_URL: testDb().url,
    REDIS_URL: testRedis.url,
    REDIS_PREFIX: testRedis.prefix,
    APP_URL: "http://synochi.test",
    COOKIE_SECURE: "false",
    SUBMISSIONS_MAX_PER_HOUR: "6",
    COMMENTS_MAX_PER_HOUR: "1000",
    SUBMISSION_EDIT_MINUTES: "60",
    COMMENT_EDIT_MINUTES: "15",
  });
  creatorId = (await createUser(db(), { roles: ["directorate"] })).id;
  alice = actor((await createUser(db(), { displayName: "Αλίκη" })).id);
  bob = actor((await createUser(db(), { displayName: "Βασίλης" })).id);
  carol = actor((await createUser(db(), { displayName: "Καρολίνα" })).id);
  openId = await makeConsultation("open");
  otherOpenId = await makeConsultation("open");
  closedId = await makeConsultation("closed");
});

afterAll(async () => {
  closePublisher();
  await closeReadPool();
  await getDb().$disconnect();
});

describe("posting a submission", () => {
  it("publishes it with a version-1 analysis event and a notify event in the outbox", async () => {
    const { id, status } = await createSubmission(db(), alice, openId, validFields());
    expect(status).toBe("published");
    const row = await db().submission.findUniqueOrThrow({ where: { id } });
    expect(row.bodyHtml).toBe(
      "<p>Να εξασφαλιστεί πετρέλαιο θέρμανσης για όλα τα σχολεία πριν τον Δεκέμβριο.</p>",
    );
    expect(row.bodyText).toContain("πετρέλαιο θέρμανσης");
    const events = await db().outboxEvent.findMany({ where: { key: { contains: id } } });
    expect(events.map((e) => e.key).sort()).toEqual([`analyse:${id}:1`, `notify:submission-created:${id}`]);
    const c = await db().consultation.findUniqueOrThrow({ where: { id: openId } });
    expect(c.submissionCount).toBe(1);
  });

  it("refuses a closed consultation, a draft and one whose closing date has passed", async () => {
    await expectError(createSubmission(db(), alice, closedId, validFields()), "submissions.errors.closed");
    const draftId = await makeConsultation("draft");
    await expectError(createSubmission(db(), alice, draftId, validFields()), "consultations.errors.notFound");
    const pastId = await makeConsultation("open", { closesAt: new Date(Date.now() - 60_000) });
    await expectError(createSubmission(db(), alice, pastId, validFields()), "submissions.errors.closed");
  });

  it("reports every invalid field at once", async () => {
    const error = (await createSubmission(db(), alice, openId, {
      kind: "rant",
      title: "abc",
      body: "",
      bodyFormat: "json",
      municipalityId: "no-such-place",
      targetGroups: ["nobody"],
    }).catch((e: unknown) => e)) as Invalid;
    expect(error).toBeInstanceOf(Invalid);
    expect(error.fieldErrors.kind).toBe("submissions.errors.kindRequired");
    expect(error.fieldErrors.title).toBe("submissions.errors.titleTooShort");
    expect(error.fieldErrors.body).toMatch(/^editor\.errors\./);
  });

  it("refuses invalid editor JSON, oversized text and unknown municipalities", async () => {
    await expectError(
      createSubmission(db(), alice, openId, { ...validFields(), body: "{not json" }),
      "editor.errors.invalid",
      "body",
    );
    await expectError(
      createSubmission(db(), alice, openId, { ...validFields(), body: doc("α".repeat(10_001)) }),
      "editor.errors.tooLong",
      "body",
    );
    await expectError(
      createSubmission(db(), alice, openId, { ...validFields(), municipalityId: "atlantis" }),
      "submissions.errors.unknownMunicipality",
      "municipalityId",
    );
  });

  it("only lets members post on behalf of an organisation", async () => {
    const orgId = newId();
    await db().organisation.create({ data: { id: orgId, name: `Φορέας ${orgId.slice(0, 6)}`, kind: "ngo" } });
    await expectError(
      createSubmission(db(), alice, openId, { ...validFields(), organisationId: orgId }),
      "submissions.errors.notYourOrganisation",
      "organisationId",
    );
  });

  it("refuses participants whose e-mail is not confirmed", async () => {
    const unverified = actor(bob.id, { emailVerified: false });
    await expectError(
      createSubmission(db(), unverified, openId, validFields()),
      "submissions.errors.verifyFirst",
    );
  });

  it("keeps pre-moderated submissions pending and out of the public list", async () => {
    const preId = await makeConsultation("open", { preModeration: true });
    const { id, status } = await createSubmission(
      db(),
      bob,
      preId,
      validFields("Στέγη για άστεγους στο Αγρίνιο"),
    );
    expect(status).toBe("pending_review");
    const list = await listSubmissions(db(), { id: preId, openForInput: true }, { sort: "newest" }, "seed");
    expect(list.items.map((s) => s.id)).not.toContain(id);
  });

  it("rate-limits posting per user", async () => {
    const quick = actor((await createUser(db())).id);
    const c = await makeConsultation("open");
    for (let i = 0; i < 6; i++)
      await createSubmission(db(), quick, c, validFields(`Πρόταση αριθμός ${i + 1}`));
    await expect(createSubmission(db(), quick, c, validFields("Μία ακόμη πρόταση"))).rejects.toBeInstanceOf(
      RateLimited,
    );
  });
});

describe("editing and withdrawing", () => {
  it("lets the author edit within the window, bumping the version and queuing a new analysis", async () => {
    const { id } = await createSubmission(db(), carol, otherOpenId, validFields("Αρχικός τίτλος πρότασης"));
    await updateSubmission(db(), carol, id, { ...validFields("Νέος τίτλος πρότασης"), kind: "need" });
    const row = await db().submission.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ title: "Νέος τίτλος πρότασης", kind: "need", version: 2 });
    expect(await db().outboxEvent.count({ where: { key: `analyse:${id}:2` } })).toBe(1);
  });

  it("refuses edits by others and after the window", async () => {
    const { id } = await createSubmission(db(), carol, otherOpenId, validFields("Πρόταση για επεξεργασία"));
    await expect(updateSubmission(db(), bob, id, validFields())).rejects.toMatchObject({ status: 403 });
    await db().submission.update({ where: { id }, data: { createdAt: new Date(Date.now() - 61 * 60_000) } });
    await expectError(updateSubmission(db(), carol, id, validFields()), "submissions.errors.editWindowOver");
  });

  it("withdraws with a reason and leaves the public count", async () => {
    const c = await makeConsultation("open");
    const { id } = await createSubmission(db(), carol, c, validFields("Πρόταση που θα αποσυρθεί"));
    await expectError(
      withdrawSubmission(db(), carol, id, { reason: "" }),
      "submissions.errors.reasonRequired",
      "reason",
    );
    await expect(withdrawSubmission(db(), bob, id, { reason: "όχι δική μου" })).rejects.toMatchObject({
      status: 403,
    });
    await withdrawSubmission(db(), carol, id, { reason: "Καλύφθηκε από άλλη πρόταση" });
    const row = await db().submission.findUniqueOrThrow({ where: { id } });
    expect(row.status).toBe("withdrawn");
    expect(row.withdrawalReason).toBe("Καλύφθηκε από άλλη πρόταση");
    expect((await db().consultation.findUniqueOrThrow({ where: { id: c } })).submissionCount).toBe(0);
    await expectError(
      withdrawSubmission(db(), carol, id, { reason: "ξανά" }),
      "submissions.errors.cannotWithdraw",
    );
  });
});

describe("supports", () => {
  it("counts exactly one support from 20 parallel requests by the same participant", async () => {
    const { id } = await createSubmission(
      db(),
      alice,
      otherOpenId,
      validFields("Πρόταση με πολλές υποστηρίξεις"),
    );
    const results = await Promise.all(Array.from({ length: 20 }, () => supportSubmission(db(), bob, id)));
    expect(results.filter((r) => r.added)).toHaveLength(1);
    const row = await db().submission.findUniqueOrThrow({ where: { id } });
    expect(row.supportCount).toBe(1);
    expect(await db().support.count({ where: { submissionId: id } })).toBe(1);
  });

  it("withdraws a support once and refuses own proposals, needs and closed consultations", async () => {
    const { id } = await createSubmission(db(), alice, otherOpenId, validFields("Πρόταση προς υποστήριξη"));
    await supportSubmission(db(), bob, id);
    await supportSubmission(db(), carol, id);
    expect((await withdrawSupport(db(), bob, id)).supportCount).toBe(1);
    expect((await withdrawSupport(db(), bob, id)).removed).toBe(false);
    await expectError(supportSubmission(db(), alice, id), "submissions.errors.ownProposal");
    const need = await createSubmission(db(), alice, otherOpenId, {
      ...validFields("Ανάγκη για στέγαση"),
      kind: "need",
    });
    await expectError(supportSubmission(db(), bob, need.id), "submissions.errors.supportProposalsOnly");
    await db().consultation.update({
      where: { id: otherOpenId },
      data: { closesAt: new Date(Date.now() - 1000) },
    });
    try {
      await expectError(supportSubmission(db(), bob, id), "submissions.errors.closed");
    } finally {
      await db().consultation.update({ where: { id: otherOpenId }, data: { closesAt: null } });
    }
  });

  it("queues a milestone notification when a proposal reaches 10 supports", async () => {
    const { id } = await createSubmission(
      db(),
      alice,
      otherOpenId,
      validFields("Πρόταση που κερδίζει έδαφος"),
    );
    for (let i = 0; i < 10; i++) {
      const u = actor((await createUser(db())).id);
      await supportSubmission(db(), u, id);
    }
    expect(await db().outboxEvent.count({ where: { key: `notify:support-milestone:${id}:10` } })).toBe(1);
  });
});

describe("comments", () => {
  let submissionId: string;
  beforeAll(async () => {
    const author = actor((await createUser(db())).id);
    submissionId = (await createSubmission(db(), author, otherOpenId, validFields("Πρόταση για συζήτηση")))
      .id;
  });

  it("threads replies to depth 3 and refuses a fourth level", async () => {
    const target = { submissionId };
    const c1 = await createComment(db(), bob, target, { body: "Συμφωνώ απόλυτα", alignment: "in_favour" });
    const c2 = await createComment(db(), alice, target, {
      body: "Ευχαριστώ!",
      alignment: "neutral",
      parentId: c1.id,
    });
    const c3 = await createComment(db(), carol, target, {
      body: "Διαφωνώ εν μέρει",
      alignment: "against",
      parentId: c2.id,
    });
    expect([c1.depth, c2.depth, c3.depth]).toEqual([1, 2, 3]);
    await expectError(
      createComment(db(), bob, target, { body: "Τέταρτο επίπεδο", alignment: "neutral", parentId: c3.id }),
      "comments.errors.tooDeep",
    );
    const row = await db().submission.findUniqueOrThrow({ where: { id: submissionId } });
    expect(row.commentCount).toBe(3);
    expect(await db().outboxEvent.count({ where: { key: `notify:comment-created:${c2.id}` } })).toBe(1);
  });

  it("refuses a parent from another thread or consultation (forged ids)", async () => {
    const other = await createSubmission(
      db(),
      carol,
      openId,
      validFields("Άλλη πρόταση σε άλλη διαβούλευση"),
    );
    const foreign = await createComment(
      db(),
      alice,
      { submissionId: other.id },
      { body: "Σχόλιο αλλού", alignment: "neutral" },
    );
    await expectError(
      createComment(
        db(),
        bob,
        { submissionId },
        { body: "Απάντηση", alignment: "neutral", parentId: foreign.id },
      ),
      "comments.errors.parentNotFound",
    );
    await expect(voteComment(db(), bob, foreign.id, { value: "up" }, { submissionId })).rejects.toMatchObject(
      {
        status: 404,
      },
    );
  });

  it("refuses empty, oversized and badly aligned comments", async () => {
    const target = { submissionId };
    await expectError(
      createComment(db(), bob, target, { body: "  ", alignment: "neutral" }),
      "comments.errors.bodyRequired",
      "body",
    );
    await expectError(
      createComment(db(), bob, target, { body: "α".repeat(5001), alignment: "neutral" }),
      "comments.errors.bodyTooLong",
      "body",
    );
    await expectError(
      createComment(db(), bob, target, { body: "Κείμενο", alignment: "maybe" }),
      "comments.errors.alignmentRequired",
      "alignment",
    );
  });

  it("counts votes exactly, one per participant, never on one's own comment", async () => {
    const c = await createComment(
      db(),
      alice,
      { submissionId },
      { body: "Ψηφίστε με", alignment: "neutral" },
    );
    const voters = await Promise.all(
      Array.from({ length: 8 }, async () => actor((await createUser(db())).id)),
    );
    await Promise.all(voters.map((v, i) => voteComment(db(), v, c.id, { value: i < 6 ? "up" : "down" })));
    await voteComment(db(), voters[0], c.id, { value: "up" }); // same vote again: still one
    await voteComment(db(), voters[1], c.id, { value: "down" }); // changed mind
    const row = await db().comment.findUniqueOrThrow({ where: { id: c.id } });
    expect([row.upvotes, row.downvotes]).toEqual([5, 3]);
    await expectError(voteComment(db(), alice, c.id, { value: "up" }), "comments.errors.ownComment");
  });

  it("edits within the window and soft-deletes, keeping replies in place", async () => {
    const target = { submissionId };
    const parent = await createComment(db(), bob, target, { body: "Αρχικό κείμενο", alignment: "against" });
    const reply = await createComment(db(), carol, target, {
      body: "Απάντηση",
      alignment: "neutral",
      parentId: parent.id,
    });
    const edited = await editComment(db(), bob, parent.id, { body: "Διορθωμένο κείμενο" });
    expect(edited.body).toBe("Διορθωμένο κείμενο");
    await expect(editComment(db(), carol, parent.id, { body: "όχι δικό μου" })).rejects.toMatchObject({
      status: 403,
    });
    await deleteComment(db(), bob, parent.id);
    const thread = await getThread(db(), target, "oldest");
    const placeholder = thread.comments.find((c) => c.id === parent.id);
    expect(placeholder).toMatchObject({ deleted: true, body: "", authorName: "" });
    expect(placeholder?.replies.map((r) => r.id)).toEqual([reply.id]);
    await db().comment.update({
      where: { id: reply.id },
      data: { createdAt: new Date(Date.now() - 16 * 60_000) },
    });
    await expectError(editComment(db(), carol, reply.id, { body: "Αργά" }), "comments.errors.editWindowOver");
  });

  it("comments on document articles and keeps their count", async () => {
    const articleId = newId();
    await db().consultationArticle.create({
      data: {
        id: articleId,
        consultationId: otherOpenId,
        number: 1,
        title: "Σκοπός",
        bodyJson: {},
        bodyHtml: "<p>α</p>",
      },
    });
    await createComment(db(), bob, { articleId }, { body: "Το άρθρο είναι σαφές", alignment: "in_favour" });
    expect(
      (await db().consultationArticle.findUniqueOrThrow({ where: { id: articleId } })).commentCount,
    ).toBe(1);
    await db().consultationArticle.update({ where: { id: articleId }, data: { lockedAt: new Date() } });
    await expectError(
      createComment(db(), bob, { articleId }, { body: "Κλειδωμένο", alignment: "neutral" }),
      "comments.errors.locked",
    );
  });

  it("sorts best by the Wilson lower bound, not by the raw ratio", async () => {
    expect(wilsonLowerBound(40, 5)).toBeGreaterThan(wilsonLowerBound(2, 0));
    expect(wilsonLowerBound(0, 0)).toBe(0);
    const author = actor((await createUser(db())).id);
    const s = await createSubmission(
      db(),
      author,
      otherOpenId,
      validFields("Πρόταση για ταξινόμηση σχολίων"),
    );
    const target = { submissionId: s.id };
    const few = await createComment(db(), bob, target, { body: "Λίγες ψήφοι", alignment: "neutral" });
    const many = await createComment(db(), carol, target, { body: "Πολλές ψήφοι", alignment: "neutral" });
    await db().comment.update({ where: { id: few.id }, data: { upvotes: 2, downvotes: 0 } });
    await db().comment.update({ where: { id: many.id }, data: { upvotes: 40, downvotes: 5 } });
    expect((await getThread(db(), target, "best")).comments.map((c) => c.id)).toEqual([many.id, few.id]);
    expect((await getThread(db(), target, "newest")).comments.map((c) => c.id)).toEqual([many.id, few.id]);
    expect((await getThread(db(), target, "oldest")).comments.map((c) => c.id)).toEqual([few.id, many.id]);
  });

  it("refuses comments once the consultation has closed", async () => {
    const c = await makeConsultation("open");
    const author = actor((await createUser(db())).id);
    const s = await createSubmission(db(), author, c, validFields("Πρόταση πριν το κλείσιμο"));
    await db().consultation.update({ where: { id: c }, data: { phase: "closed" } });
    await expectError(
      createComment(db(), bob, { submissionId: s.id }, { body: "Αργά", alignment: "neutral" }),
      "comments.errors.closed",
    );
  });
});

describe("listing", () => {
  it("sorts, filters and paginates, and keeps random order stable per seed", async () => {
    const c = await makeConsultation("open");
    const authors = await Promise.all(
      Array.from({ length: 4 }, async () => actor((await createUser(db())).id)),
    );
    const ids: string[] = [];
    for (let i = 0; i < 24; i++) {
      const author = authors[i % 4];
      const kind = i % 4 === 0 ? "need" : "proposal";
      ids.push(
        (await createSubmission(db(), author, c, { ...validFields(`Καταχώριση δοκιμής ${i}`), kind })).id,
      );
    }
    await db().submission.update({ where: { id: ids[5] }, data: { supportCount: 99 } });
    await db().submission.update({ where: { id: ids[7] }, data: { commentCount: 42 } });
    const consultation = { id: c, openForInput: true };
    const supported = await listSubmissions(db(), consultation, { sort: "supported" }, "s1");
    expect(supported.items[0].id).toBe(ids[5]);
    expect(supported).toMatchObject({ total: 24, pages: 2, page: 1 });
    expect((await listSubmissions(db(), consultation, { sort: "commented" }, "s1")).items[0].id).toBe(ids[7]);
    expect((await listSubmissions(db(), consultation, { sort: "newest" }, "s1")).items[0].id).toBe(ids[23]);
    const needs = await listSubmissions(db(), consultation, { kind: "need" }, "s1");
    expect(needs.total).toBe(6);
    expect(needs.items.every((s) => s.kind === "need")).toBe(true);
    const a = await listSubmissions(db(), consultation, {}, "seed-a");
    const again = await listSubmissions(db(), consultation, {}, "seed-a");
    const b = await listSubmissions(db(), consultation, {}, "seed-b");
    expect(a.sort).toBe("random");
    expect(again.items.map((s) => s.id)).toEqual(a.items.map((s) => s.id));
    expect(b.items.map((s) => s.id)).not.toEqual(a.items.map((s) => s.id));
    const page2 = await listSubmissions(db(), consultation, { page: 2 }, "seed-a");
    const all = new Set([...a.items, ...page2.items].map((s) => s.id));
    expect(all.size).toBe(24);
    // Once closed, random order gives way to most supported.
    expect((await listSubmissions(db(), { id: c, openForInput: false }, {}, "x")).sort).toBe("supported");
  });

  it("lists public consultations with phase counts and filters", async () => {
    const result = await searchConsultations(db(), { phase: "open" });
    expect(result.consultations.every((c) => c.phase === "open")).toBe(true);
    expect(result.phaseCounts.closed).toBeGreaterThanOrEqual(1);
    const home = await listPublicConsultations(db());
    expect(home.open.length).toBeGreaterThan(0);
    expect([...home.open, ...home.other].some((c) => c.phase === "draft")).toBe(false);
  });
});

describe("reading pages", () => {
  it("shows a consultation with its themes and document, and never a draft", async () => {
    const c = await makeConsultation("open");
    await db().theme.upsert({
      where: { key: "housing" },
      create: { key: "housing", nameEl: "Στέγαση", nameEn: "Housing", position: 1 },
      update: {},
    });
    await db().consultationTheme.create({ data: { consultationId: c, themeKey: "housing" } });
    await db().consultationArticle.create({
      data: {
        id: newId(),
        consultationId: c,
        number: 1,
        title: "Σκοπός",
        bodyJson: {},
        bodyHtml: "<p>α</p>",
      },
    });
    const row = await db().consultation.findUniqueOrThrow({ where: { id: c } });
    const page = await getPublicConsultation(db(), row.slug);
    expect(page).toMatchObject({ id: c, openForInput: true, regionalUnit: null, committee: null });
    expect(page.themes).toEqual([{ key: "housing", nameEl: "Στέγαση", nameEn: "Housing" }]);
    expect(page.articles).toMatchObject([{ number: 1, title: "Σκοπός", commentCount: 0 }]);
    const draft = await makeConsultation("draft");
    const draftSlug = (await db().consultation.findUniqueOrThrow({ where: { id: draft } })).slug;
    await expect(getPublicConsultation(db(), draftSlug)).rejects.toMatchObject({ status: 404 });
  });

  it("shows pending and hidden submissions to their author only, and redirects merged ones", async () => {
    const preId = await makeConsultation("open", { preModeration: true });
    const author = actor((await createUser(db())).id);
    const { id } = await createSubmission(db(), author, preId, validFields("Πρόταση σε αναμονή ελέγχου"));
    const own = await getSubmissionPage(db(), id, author);
    expect(own.redirectTo).toBeNull();
    expect(own.submission?.status).toBe("pending_review");
    expect(own.viewer).toMatchObject({ isAuthor: true, canEdit: true, canWithdraw: true, canSupport: false });
    expect(own.submission?.bodyJson).toContain('"type":"doc"');
    await expect(getSubmissionPage(db(), id, bob)).rejects.toMatchObject({ status: 404 });
    await expect(getSubmissionPage(db(), id, null)).rejects.toMatchObject({ status: 404 });

    const target = await createSubmission(db(), author, otherOpenId, validFields("Η πρόταση που μένει"));
    const merged = await createSubmission(
      db(),
      carol,
      otherOpenId,
      validFields("Η πρόταση που συγχωνεύεται"),
    );
    await db().submission.update({
      where: { id: merged.id },
      data: { status: "merged", mergedIntoId: target.id },
    });
    expect((await getSubmissionPage(db(), merged.id, null)).redirectTo).toBe(`/submissions/${target.id}`);

    await supportSubmission(db(), bob, target.id);
    const seenByBob = await getSubmissionPage(db(), target.id, bob);
    expect(seenByBob.viewer).toMatchObject({ supported: true, isAuthor: false, canSupport: true });
    expect(seenByBob.submission).toMatchObject({ supportCount: 1, bodyJson: "" });
    expect((await getSubmissionPage(db(), target.id, null)).viewer?.supported).toBe(false);
  });
});

describe("hot reads through prepared statements", () => {
  it("answer exactly as the same queries through Prisma", async () => {
    // The app's own client sends these reads as named prepared statements on a separate pool; any other
    // client runs them through Prisma. Both must read dates as UTC and numbers and JSON alike.
    const c = await makeConsultation("open", { closesAt: new Date("2031-05-04T21:30:00.000Z") });
    const author = actor((await createUser(db())).id);
    const s = await createSubmission(db(), author, c, validFields("Πρόταση για σύγκριση διαδρομών"));
    await createComment(
      db(),
      bob,
      { submissionId: s.id },
      { body: "Σχόλιο σύγκρισης", alignment: "against" },
    );
    const slug = (await db().consultation.findUniqueOrThrow({ where: { id: c } })).slug;
    for (let round = 0; round < 2; round++) {
      const viaPrisma = await getPublicConsultation(db(), slug);
      const viaPrepared = await getPublicConsultation(getDb(), slug);
      expect(viaPrepared).toEqual(viaPrisma);
      expect(viaPrepared.closesAt).toBe("2031-05-04T21:30:00.000Z");
      const consultation = { id: c, openForInput: true };
      expect(await listSubmissions(getDb(), consultation, {}, "seed")).toEqual(
        await listSubmissions(db(), consultation, {}, "seed"),
      );
      expect(await getSubmissionPage(getDb(), s.id, bob)).toEqual(await getSubmissionPage(db(), s.id, bob));
      expect(await getThread(getDb(), { submissionId: s.id }, "best")).toEqual(
        await getThread(db(), { submissionId: s.id }, "best"),
      );
    }
  });
});
