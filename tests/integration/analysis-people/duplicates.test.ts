/**
 * Near-duplicate grouping against real PostgreSQL (pg_trgm): similar submissions of one consultation end up in
 * one group (transitively), dissimilar ones and other consultations' stay out, a dismissed group stays
 * dismissed, and only moderators dismiss. The authors' "similar while typing" box finds the group's members.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CurrentUser } from "~/domain/accounts/auth.server.ts";
import {
  dismissDuplicateGroup,
  listDuplicateGroups,
  updateDuplicateGroups,
} from "~/domain/analysis/duplicates.server.ts";
import { findSimilarSubmissions } from "~/domain/search/search.server.ts";
import { closePublisher } from "~/realtime/publish.server.ts";
import { newId } from "~/utils/ids.ts";
import { useTestDatabase } from "../../helpers/db.ts";
import { redisPrefix, redisUrl, useTestRedis } from "../../helpers/redis.ts";
import { errorOf, makeActor, makeConsultation, setEnv, submissionWith } from "./fixtures.ts";

const testDb = useTestDatabase();
useTestRedis();
const db = () => testDb().prisma;

let moderator: CurrentUser;
let directorate: CurrentUser;
let authors: CurrentUser[];
/** The consultation of the first test, with its three-member group. */
let heatingConsultation = "";

const HEATING = [
  [
    "Θέρμανση στα σχολεία της Πάτρας",
    "Τα δημοτικά σχολεία της Πάτρας δεν έχουν θέρμανση τον χειμώνα και τα παιδιά κάνουν μάθημα με τα μπουφάν. Ζητάμε επισκευή των λεβήτων πριν τον Δεκέμβριο.",
  ],
  [
    "Θέρμανση στα σχολεία της Πάτρας τώρα",
    "Στα δημοτικά σχολεία της Πάτρας δεν υπάρχει θέρμανση τον χειμώνα και τα παιδιά κάνουν μάθημα με τα μπουφάν. Ζητάμε να επισκευαστούν οι λέβητες πριν τον Δεκέμβριο.",
  ],
  [
    "Χωρίς θέρμανση τα σχολεία της Πάτρας",
    "Τα σχολεία της Πάτρας δεν έχουν θέρμανση τον χειμώνα, τα παιδιά κάνουν μάθημα με τα μπουφάν. Ζητάμε επισκευή των λεβήτων πριν τον Δεκέμβριο!",
  ],
] as const;
const OTHER = [
  "Κοινωνικό παντοπωλείο με φρέσκα τρόφιμα",
  "Το κοινωνικό παντοπωλείο στο Αίγιο να δίνει και φρέσκα τρόφιμα, όχι μόνο μακαρόνια και όσπρια, σε συνεργασία με τους παραγωγούς της λαϊκής.",
] as const;

beforeAll(async () => {
  setEnv(testDb().url, { url: redisUrl, prefix: redisPrefix });
  moderator = await makeActor(db(), ["citizen", "moderator"]);
  directorate = await makeActor(db(), ["directorate"]);
  authors = [await makeActor(db()), await makeActor(db()), await makeActor(db()), await makeActor(db())];
});

afterAll(() => closePublisher());

async function groupsOf(consultationId: string) {
  return db().nearDuplicateGroup.findMany({
    where: { consultationId },
    include: { members: true },
    orderBy: { createdAt: "asc" },
  });
}

describe("updateDuplicateGroups", () => {
  it("puts three similar submissions in one group and leaves a dissimilar one out", async () => {
    const c = await makeConsultation(db(), directorate.id);
    heatingConsultation = c;
    const ids: string[] = [];
    for (const [i, [title, body]] of HEATING.entries()) {
      ids.push(await submissionWith(db(), authors[i], c, title, body));
    }
    const other = await submissionWith(db(), authors[3], c, OTHER[0], OTHER[1]);
    // As the analysis worker does, one by one after each analysis.
    for (const id of [...ids, other]) await updateDuplicateGroups(db(), id);
    // Running again changes nothing.
    for (const id of ids) await updateDuplicateGroups(db(), id);

    const groups = await groupsOf(c);
    expect(groups).toHaveLength(1);
    expect(groups[0].members.map((m) => m.submissionId).sort()).toEqual([...ids].sort());
    for (const m of groups[0].members) expect(m.similarity).toBeGreaterThanOrEqual(0.55);

    const listed = await listDuplicateGroups(db(), { consultationId: c });
    expect(listed).toHaveLength(1);
    expect(listed[0].members).toHaveLength(3);
    expect(ids).toContain(listed[0].primaryId);
    expect(listed[0].members.map((m) => m.id)).not.toContain(other);
  });

  it("does not group across consultations", async () => {
    const a = await makeConsultation(db(), directorate.id);
    const b = await makeConsultation(db(), directorate.id);
    const x = await submissionWith(db(), authors[0], a, HEATING[0][0], HEATING[0][1]);
    const y = await submissionWith(db(), authors[1], b, HEATING[1][0], HEATING[1][1]);
    expect((await updateDuplicateGroups(db(), x)).groupId).toBeNull();
    expect((await updateDuplicateGroups(db(), y)).groupId).toBeNull();
    expect(await groupsOf(a)).toHaveLength(0);
    expect(await groupsOf(b)).toHaveLength(0);
  });

  it("merges groups transitively when a submission is alike to members of both", async () => {
    const c = await makeConsultation(db(), directorate.id);
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const [title, body] = HEATING[i % 3];
      ids.push(await submissionWith(db(), authors[i], c, title, `${body} (${i})`));
    }
    // Two live groups left by earlier runs (e.g. analysed concurrently before the others existed).
    const old = new Date(Date.now() - 60_000);
    const g1 = newId();
    const g2 = newId();
    await db().nearDuplicateGroup.create({ data: { id: g1, consultationId: c, createdAt: old } });
    await db().nearDuplicateGroup.create({ data: { id: g2, consultationId: c } });
    await db().nearDuplicateMember.createMany({
      data: [
        { groupId: g1, submissionId: ids[0], similarity: 0.8 },
        { groupId: g1, submissionId: ids[1], similarity: 0.8 },
        { groupId: g2, submissionId: ids[2], similarity: 0.7 },
        { groupId: g2, submissionId: ids[3], similarity: 0.7 },
      ],
    });
    const bridge = await submissionWith(db(), authors[0], c, HEATING[1][0], HEATING[1][1]);
    const r = await updateDuplicateGroups(db(), bridge);
    expect(r.groupId).toBe(g1); // the oldest group absorbs the other
    const groups = await groupsOf(c);
    expect(groups.map((g) => g.id)).toEqual([g1]);
    expect(groups[0].members.map((m) => m.submissionId).sort()).toEqual([...ids, bridge].sort());
  });

  it("keeps a dismissed group dismissed and does not suggest its members together again", async () => {
    const c = await makeConsultation(db(), directorate.id);
    const ids: string[] = [];
    for (const [i, [title, body]] of HEATING.entries()) {
      ids.push(await submissionWith(db(), authors[i], c, title, body));
      await updateDuplicateGroups(db(), ids[i]);
    }
    const [group] = await groupsOf(c);
    await dismissDuplicateGroup(db(), moderator, group.id);
    expect(await listDuplicateGroups(db(), { consultationId: c })).toEqual([]);

    // Re-analyses (an edit, a retried job) of every member.
    for (const id of ids) await updateDuplicateGroups(db(), id);
    const after = await groupsOf(c);
    expect(after).toHaveLength(1);
    expect(after[0].id).toBe(group.id);
    expect(after[0].dismissedAt).not.toBeNull();
    expect(after[0].members.map((m) => m.submissionId).sort()).toEqual([...ids].sort());
    expect(await listDuplicateGroups(db(), { consultationId: c })).toEqual([]);
  });

  it("takes a withdrawn submission out of its group (and drops a group left with one member)", async () => {
    const c = await makeConsultation(db(), directorate.id);
    const a = await submissionWith(db(), authors[0], c, HEATING[0][0], HEATING[0][1]);
    const b = await submissionWith(db(), authors[1], c, HEATING[1][0], HEATING[1][1]);
    await updateDuplicateGroups(db(), b);
    expect(await groupsOf(c)).toHaveLength(1);
    await db().submission.update({
      where: { id: a },
      data: { status: "withdrawn", withdrawnAt: new Date() },
    });
    await updateDuplicateGroups(db(), a);
    expect(await groupsOf(c)).toHaveLength(0);
  });

  it("lets only moderators dismiss", async () => {
    const c = await makeConsultation(db(), directorate.id);
    const a = await submissionWith(db(), authors[0], c, HEATING[0][0], HEATING[0][1]);
    await submissionWith(db(), authors[1], c, HEATING[1][0], HEATING[1][1]);
    const { groupId } = await updateDuplicateGroups(db(), a);
    for (const who of [directorate, authors[0], null]) {
      const error = await errorOf(dismissDuplicateGroup(db(), who, groupId!));
      expect(error.status).toBe(403);
    }
    expect(
      (await db().nearDuplicateGroup.findUniqueOrThrow({ where: { id: groupId! } })).dismissedAt,
    ).toBeNull();
    const missing = await errorOf(
      dismissDuplicateGroup(db(), moderator, "00000000-0000-4000-8000-000000000000"),
    );
    expect(missing.status).toBe(404);
  });
});

describe("authors typing a title", () => {
  it("are shown the members of a duplicate group as similar submissions", async () => {
    const c = { id: heatingConsultation };
    const ids = (await listDuplicateGroups(db(), { consultationId: c.id })).flatMap((g) =>
      g.members.map((m) => m.id),
    );
    expect(ids.length).toBeGreaterThanOrEqual(3);
    const similar = await findSimilarSubmissions(db(), {
      consultationId: c.id,
      text: "Θέρμανση στα σχολεία",
    });
    for (const id of ids) expect(similar.map((s) => s.id)).toContain(id);
  });
});
