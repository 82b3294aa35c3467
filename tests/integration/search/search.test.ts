/**
 * Search against a real PostgreSQL (own database cloned from the migrated template): Greek stemming,
 * accents and case, Greeklish, prefixes, visibility (drafts, hidden/withdrawn submissions, deleted and
 * hidden comments are never found), ranking (titles first), escaped and highlighted snippets, types,
 * counts and pages, links, the indexes actually used, and the similar-submissions suggestions.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { Prisma } from "~/generated/prisma/client.ts";
import {
  CANDIDATES,
  PAGE_SIZE,
  findSimilarSubmissions,
  parseQuery,
  search,
  searchCandidatesSql,
  type SearchHit,
} from "~/domain/search/search.server.ts";
import { useTestDatabase } from "../../helpers/db.ts";
import { createUser } from "../../helpers/factories.ts";
import { createArticle, createComment, createConsultation, createSubmission } from "./fixtures.ts";

const testDb = useTestDatabase();
const db = () => testDb().prisma;

let authorId: string;
let openId: string;
let openSlug: string;

beforeAll(async () => {
  process.env.DATABASE_URL = testDb().url;
  authorId = (await createUser(db())).id;
  const open = await createConsultation(db(), authorId, { title: "Κοινωνική ένταξη στη Δυτική Ελλάδα" });
  openId = open.id;
  openSlug = open.slug;
});

const ids = (hits: SearchHit[]) => hits.map((h) => h.id);
const find = (q: string, filter: Parameters<typeof search>[1]["filter"] = "all", page = 1) =>
  search(db(), { q, filter, page });

describe("Greek-aware matching", () => {
  let title: string;
  let body: string;
  let unrelated: string;
  beforeAll(async () => {
    title = (await createSubmission(db(), openId, authorId, { title: "Στέγαση για άστεγες οικογένειες" })).id;
    body = (
      await createSubmission(db(), openId, authorId, {
        title: "Πρόγραμμα για οικογένειες",
        bodyText: "Το πρόβλημα της στέγασης στην Πάτρα είναι οξύ.",
      })
    ).id;
    unrelated = (await createSubmission(db(), openId, authorId, { title: "Θέρμανση σχολείων" })).id;
  });

  it("finds other grammatical forms of a word (Greek stemming)", async () => {
    for (const q of ["στέγαση", "στέγασης"]) {
      const { hits } = await find(q, "submission");
      expect(ids(hits)).toEqual(expect.arrayContaining([title, body]));
      expect(ids(hits)).not.toContain(unrelated);
    }
  });

  it("ignores accents and case", async () => {
    for (const q of ["ΣΤΕΓΑΣΗ", "στεγαση", "ΣτΈγΑσΗ"]) {
      expect(ids((await find(q, "submission")).hits)).toEqual(expect.arrayContaining([title, body]));
    }
  });

  it("reads a Greeklish query as Greek too, and says so", async () => {
    const result = await find("stegasi", "submission");
    expect(ids(result.hits)).toEqual(expect.arrayContaining([title, body]));
    expect(result.greeklish).toBe("στεγαση");
    expect((await find("στέγαση")).greeklish).toBeNull();
  });

  it("requires every word, leaving out Greek stop words", async () => {
    const both = await find("στέγαση και Πάτρα", "submission");
    expect(ids(both.hits)).toEqual([body]);
  });

  it("matches the last word as a prefix of what is being typed", async () => {
    expect(ids((await find("στεγ", "submission")).hits)).toEqual(expect.arrayContaining([title, body]));
    // A finished word with a space after it is not a prefix.
    expect(parseQuery("στεγ ")?.prefix).toBeNull();
  });

  it("finds words with dialytika, with or without them, and highlights them", async () => {
    const s = await createSubmission(db(), openId, authorId, {
      title: "Τοπικά προϊόντα στα σχολεία",
      bodyText: "Ευρωπαϊκά προγράμματα για προϊόντα.",
    });
    for (const q of ["προϊόντα", "προιοντα", "ευρωπαικα"]) {
      const { hits } = await find(q, "submission");
      expect(ids(hits)).toContain(s.id);
    }
    const hit = (await find("προιοντα", "submission")).hits.find((h) => h.id === s.id)!;
    expect(hit.titleHtml).toBe("Τοπικά <mark>προϊόντα</mark> στα σχολεία");
    expect(hit.snippetHtml).toContain("<mark>προϊόντα</mark>");
  });

  it("gives nothing for a query without words, and no error for tsquery syntax", async () => {
    expect((await find("  ;;; ")).total.count).toBe(0);
    for (const q of ["!", "a & | b", "'):*", "στέγαση:* & !", "(((", "<->", "\\"]) {
      await expect(find(q)).resolves.toBeDefined();
    }
  });
});

describe("visibility", () => {
  const WORD = "ζαχαροπλαστείο";
  const visible: string[] = [];
  const invisible: string[] = [];
  beforeAll(async () => {
    const draft = await createConsultation(db(), authorId, {
      title: `Διαβούλευση για ${WORD}`,
      phase: "draft",
    });
    invisible.push(draft.id);
    invisible.push((await createArticle(db(), draft.id, { number: 1, title: `Άρθρο ${WORD}` })).id);
    const draftSub = await createSubmission(db(), draft.id, authorId, { title: `Κατάθεση ${WORD}` });
    invisible.push(draftSub.id);
    invisible.push(
      (await createComment(db(), authorId, { submissionId: draftSub.id }, { body: `Σχόλιο ${WORD}` })).id,
    );

    const published = await createSubmission(db(), openId, authorId, { title: `Νέο ${WORD} στην πόλη` });
    visible.push(published.id);
    for (const status of ["hidden", "withdrawn", "pending_review", "merged"] as const) {
      const s = await createSubmission(db(), openId, authorId, { title: `Κρυφό ${WORD} ${status}`, status });
      invisible.push(s.id);
      invisible.push(
        (await createComment(db(), authorId, { submissionId: s.id }, { body: `Σχόλιο για ${WORD}` })).id,
      );
    }
    visible.push(
      (await createComment(db(), authorId, { submissionId: published.id }, { body: `Ωραίο ${WORD}` })).id,
    );
    invisible.push(
      (
        await createComment(
          db(),
          authorId,
          { submissionId: published.id },
          { body: `Διαγραμμένο ${WORD}`, status: "deleted", deletedAt: new Date() },
        )
      ).id,
    );
    invisible.push(
      (
        await createComment(
          db(),
          authorId,
          { submissionId: published.id },
          { body: `Κρυμμένο ${WORD}`, status: "hidden", hiddenAt: new Date() },
        )
      ).id,
    );
    // Soft-deleted but still marked published, and hidden but still marked published: both stay out.
    invisible.push(
      (
        await createComment(
          db(),
          authorId,
          { submissionId: published.id },
          { body: `Σβησμένο ${WORD}`, deletedAt: new Date() },
        )
      ).id,
    );
    invisible.push(
      (
        await createComment(
          db(),
          authorId,
          { submissionId: published.id },
          { body: `Αποκρυμμένο ${WORD}`, hiddenAt: new Date() },
        )
      ).id,
    );
    const article = await createArticle(db(), openId, { number: 7, title: `Το ${WORD} του δήμου` });
    visible.push(article.id);
    visible.push(
      (await createComment(db(), authorId, { articleId: article.id }, { body: `Για το ${WORD}` })).id,
    );
  });

  it("finds only what the public can see", async () => {
    const { hits, total } = await find(WORD);
    expect(ids(hits).sort()).toEqual([...visible].sort());
    expect(total).toEqual({ count: visible.length, more: false });
    for (const id of invisible) expect(ids(hits)).not.toContain(id);
  });

  it("finds a submission again once it is hidden, only after it is restored", async () => {
    const s = await createSubmission(db(), openId, authorId, { title: `Άλλο ${WORD} εδώ` });
    expect(ids((await find(WORD)).hits)).toContain(s.id);
    await db().submission.update({ where: { id: s.id }, data: { status: "hidden", hiddenAt: new Date() } });
    expect(ids((await find(WORD)).hits)).not.toContain(s.id);
    await db().submission.update({ where: { id: s.id }, data: { status: "published", hiddenAt: null } });
    expect(ids((await find(WORD)).hits)).toContain(s.id);
    await db().submission.update({ where: { id: s.id }, data: { status: "withdrawn" } });
  });
});

describe("ranking", () => {
  it("puts a title match before body matches, even repeated ones", async () => {
    const WORD = "ανακύκλωση";
    const inBody = await createSubmission(db(), openId, authorId, {
      title: "Πρόταση για το περιβάλλον",
      bodyText: `${WORD} ${WORD} παντού: η ${WORD} στα σχολεία, η ${WORD} στους δήμους.`,
      createdAt: new Date(Date.now() + 60_000),
    });
    const inTitle = await createSubmission(db(), openId, authorId, {
      title: `Κάδοι για ${WORD}`,
      bodyText: "Λίγο κείμενο.",
      createdAt: new Date(Date.now() - 60_000),
    });
    const comment = await createComment(
      db(),
      authorId,
      { submissionId: inBody.id },
      { body: `${WORD} τώρα` },
    );
    const { hits } = await find(WORD);
    expect(ids(hits)[0]).toBe(inTitle.id);
    expect(ids(hits)).toEqual(expect.arrayContaining([inBody.id, comment.id]));
  });
});

describe("snippets", () => {
  it("escapes everything but the highlights", async () => {
    const s = await createSubmission(db(), openId, authorId, {
      title: `<img src=x onerror=alert(1)> σκουπίδια "παντού"`,
      bodyText: `Κείμενο <script>alert("x")</script> για τα σκουπίδια & τα απόβλητα &amp; <b>έντονα</b>.`,
    });
    const c = await createComment(
      db(),
      authorId,
      { submissionId: s.id },
      {
        body: `Σχόλιο για σκουπίδια <iframe src="javascript:alert(1)"></iframe> \uE000x\uE001 \uE000`,
      },
    );
    const { hits } = await find("σκουπίδια");
    const sub = hits.find((h) => h.id === s.id)!;
    expect(sub.titleHtml).toBe(
      `&lt;img src=x onerror=alert(1)&gt; <mark>σκουπίδια</mark> &quot;παντού&quot;`,
    );
    expect(sub.snippetHtml).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    expect(sub.snippetHtml).toContain("<mark>σκουπίδια</mark> &amp; τα απόβλητα &amp;amp; &lt;b&gt;έντονα");
    const com = hits.find((h) => h.id === c.id)!;
    expect(com.snippetHtml).toContain("&lt;iframe src=&quot;javascript:alert(1)&quot;&gt;");
    for (const html of [sub.titleHtml, sub.snippetHtml, com.snippetHtml, com.titleHtml]) {
      expect(html.replace(/<\/?mark>/g, "")).not.toMatch(/[<>]/);
      expect(html).not.toMatch(/[\uE000\uE001]/);
    }
  });

  it("shows article and consultation bodies as text, without their tags", async () => {
    const k = await createConsultation(db(), authorId, {
      title: "Διαβούλευση για τα λεωφορεία",
      summary: "Συγκοινωνίες <και> δρομολόγια",
      bodyHtml: "<h2>Αρχή</h2><p>Τα <strong>λεωφορεία</strong> &amp; τα τρένα.</p>",
    });
    const { hits } = await find("λεωφορεία", "consultation");
    const hit = hits.find((h) => h.id === k.id)!;
    expect(hit.url).toBe(`/consultations/${k.slug}`);
    expect(hit.titleHtml).toBe("Διαβούλευση για τα <mark>λεωφορεία</mark>");
    expect(hit.snippetHtml).toContain("Συγκοινωνίες &lt;και&gt; δρομολόγια");
    expect(hit.snippetHtml).toContain("<mark>λεωφορεία</mark> &amp; τα τρένα");
    expect(hit.snippetHtml).not.toContain("strong");
  });
});

describe("types, counts, pages and links", () => {
  const WORD = "γυμναστήριο";
  let submissionId: string;
  let articleId: string;
  let articleCommentId: string;
  let commentIds: string[];
  beforeAll(async () => {
    const s = await createSubmission(db(), openId, authorId, { title: `Δημοτικό ${WORD}` });
    submissionId = s.id;
    const article = await createArticle(db(), openId, { number: 3, title: `Αθλητισμός και ${WORD}` });
    articleId = article.id;
    articleCommentId = (
      await createComment(db(), authorId, { articleId: article.id }, { body: `Ναι στο ${WORD}` })
    ).id;
    commentIds = [];
    for (let i = 0; i < PAGE_SIZE + 5; i++) {
      commentIds.push(
        (await createComment(db(), authorId, { submissionId: s.id }, { body: `Σχόλιο ${i} για ${WORD}` })).id,
      );
    }
  });

  it("counts every type and pages through the results, keeping the filter", async () => {
    const all = await find(WORD);
    expect(all.counts).toEqual({
      consultation: { count: 0, more: false },
      article: { count: 1, more: false },
      submission: { count: 1, more: false },
      comment: { count: PAGE_SIZE + 6, more: false },
    });
    expect(all.total).toEqual({ count: PAGE_SIZE + 8, more: false });
    expect(all.pageCount).toBe(2);
    expect(all.hits).toHaveLength(PAGE_SIZE);

    const comments1 = await find(WORD, "comment", 1);
    const comments2 = await find(WORD, "comment", 2);
    expect(comments1.counts).toEqual(all.counts);
    expect(comments1.hits.every((h) => h.type === "comment")).toBe(true);
    expect(comments2.hits).toHaveLength(6);
    expect(new Set([...ids(comments1.hits), ...ids(comments2.hits)])).toEqual(
      new Set([...commentIds, articleCommentId]),
    );
    // A page past the end shows the last one.
    expect((await find(WORD, "comment", 9)).page).toBe(2);
  });

  it("links each result to its page", async () => {
    const { hits } = await find(WORD, "all", 1);
    const more = (await find(WORD, "all", 2)).hits;
    const byId = new Map([...hits, ...more].map((h) => [h.id, h]));
    expect(byId.get(submissionId)?.url).toBe(`/submissions/${submissionId}`);
    expect(byId.get(articleId)?.url).toBe(`/consultations/${openSlug}/articles/3`);
    expect(byId.get(articleId)?.consultationTitle).toBe("Κοινωνική ένταξη στη Δυτική Ελλάδα");
    const onArticle = byId.get(articleCommentId)!;
    expect(onArticle.url).toBe(`/consultations/${openSlug}/articles/3#comment-${articleCommentId}`);
    expect(onArticle).toMatchObject({
      commentOn: "article",
      articleNumber: 3,
      title: `Αθλητισμός και ${WORD}`,
    });
    const onSubmission = byId.get(commentIds[0])!;
    expect(onSubmission.url).toBe(`/submissions/${submissionId}#comment-${commentIds[0]}`);
    expect(onSubmission).toMatchObject({ commentOn: "submission", title: `Δημοτικό ${WORD}` });
  });

  it("caps the matches it ranks and says there are more", async () => {
    const WORD2 = "κολυμβητήριο";
    const s = await createSubmission(db(), openId, authorId, { title: "Πισίνα" });
    await db().comment.createMany({
      data: Array.from({ length: CANDIDATES + 10 }, (_, i) => ({
        id: `${s.id.slice(0, 8)}-cap-${i}`,
        submissionId: s.id,
        authorId,
        body: `${WORD2} ${i}`,
      })),
    });
    const result = await find(WORD2);
    expect(result.counts.comment).toEqual({ count: CANDIDATES, more: true });
    expect(result.total.more).toBe(true);
  });
});

describe("indexes", () => {
  beforeAll(async () => {
    // Enough rows for the planner to prefer the indexes over scanning, as it will in production.
    await db().$executeRaw`
      INSERT INTO "Submission" ("id", "consultationId", "authorId", "kind", "title", "bodyJson", "bodyHtml", "bodyText", "updatedAt")
      SELECT 'fill-s-' || g, ${openId}, ${authorId}, 'need', 'Γέμισμα ' || g, '{}', '', 'Κείμενο γεμίσματος αριθμός ' || g, now()
        FROM generate_series(1, 3000) g`;
    await db().$executeRaw`
      INSERT INTO "Comment" ("id", "submissionId", "authorId", "body")
      SELECT 'fill-c-' || g, 'fill-s-' || (1 + g % 3000), ${authorId}, 'Σχόλιο γεμίσματος αριθμός ' || g
        FROM generate_series(1, 20000) g`;
    await db().$executeRaw`ANALYZE`;
  });

  const explain = async (q: string, forbidScans = false) => {
    const statement = Prisma.sql`EXPLAIN ${searchCandidatesSql(q)!}`;
    const plan = await db().$transaction(async (tx) => {
      if (forbidScans) {
        await tx.$executeRaw`SET LOCAL enable_seqscan = off`;
        await tx.$executeRaw`SET LOCAL enable_indexscan = off`;
      }
      return tx.$queryRaw<{ "QUERY PLAN": string }[]>(statement);
    });
    return plan.map((r) => r["QUERY PLAN"]).join("\n");
  };

  it("finds matching submissions and comments through their full-text indexes", async () => {
    for (const q of ["στέγαση Πάτρα", "stegasi", "ζαχαροπλαστείο"]) {
      const plan = await explain(q);
      for (const index of ["Submission_search_idx", "Submission_title_search_idx", "Comment_search_idx"]) {
        expect(plan, `${q}: ${index}`).toContain(index);
      }
      // No table scan that tests the text of every row (a scan to join a few rows by id is the planner's
      // choice on these small tables).
      expect(plan, q).not.toMatch(/Seq Scan on "(Submission|Comment)"[^\n]*\n\s+Filter: [^\n]*@@/);
    }
  });

  it("can answer from the indexes of consultations and articles (the planner scans a few rows instead)", async () => {
    // With scans forbidden, only an index whose expression is the query's can serve it: a mismatch would
    // leave a (disabled but used) Seq Scan in the plan.
    const plan = await explain("στέγαση Πάτρα", true);
    expect(plan).toContain("Consultation_search_idx");
    expect(plan).toContain("ConsultationArticle_search_idx");
    expect(plan).not.toMatch(/Seq Scan on "(Consultation|ConsultationArticle)" (k|a)\b/);
  });
});

describe("similar submissions", () => {
  let consultationId: string;
  let patras: string;
  let agrinio: string;
  beforeAll(async () => {
    consultationId = (await createConsultation(db(), authorId, { title: "Παιδική φροντίδα" })).id;
    const other = (await createConsultation(db(), authorId, { title: "Άλλη" })).id;
    patras = (
      await createSubmission(db(), consultationId, authorId, {
        title: "Περισσότεροι παιδικοί σταθμοί στην Πάτρα",
        supportCount: 12,
        commentCount: 3,
      })
    ).id;
    agrinio = (
      await createSubmission(db(), consultationId, authorId, { title: "Νέος παιδικός σταθμός στο Αγρίνιο" })
    ).id;
    await createSubmission(db(), consultationId, authorId, { title: "Θέρμανση στα σχολεία" });
    await createSubmission(db(), consultationId, authorId, {
      title: "Παιδικοί σταθμοί στην Πάτρα ανοιχτοί",
      status: "hidden",
    });
    await createSubmission(db(), other, authorId, { title: "Παιδικοί σταθμοί στην Πάτρα παντού" });
  });

  it("suggests published submissions of the same consultation with a similar title, best first", async () => {
    const found = await findSimilarSubmissions(db(), {
      consultationId,
      text: "Παιδικοί σταθμοί Πάτρας",
      limit: 5,
    });
    expect(found.map((s) => s.id)).toEqual([patras, agrinio]);
    expect(found[0]).toEqual({
      id: patras,
      title: "Περισσότεροι παιδικοί σταθμοί στην Πάτρα",
      supportCount: 12,
      commentCount: 3,
      url: `/submissions/${patras}`,
    });
  });

  it("finds them from Greeklish and from a title typed with typos", async () => {
    const greeklish = await findSimilarSubmissions(db(), { consultationId, text: "paidikoi stathmoi patra" });
    expect(greeklish.map((s) => s.id)).toContain(patras);
    const typo = await findSimilarSubmissions(db(), {
      consultationId,
      text: "Περισότεροι παιδικι σταθμοι στην Πατρα",
    });
    expect(typo[0]?.id).toBe(patras);
  });

  it("leaves out the submission being edited, unrelated titles and titles sharing a single word of many", async () => {
    const found = await findSimilarSubmissions(db(), {
      consultationId,
      text: "Περισσότεροι παιδικοί σταθμοί στην Πάτρα",
      excludeId: patras,
    });
    expect(found.map((s) => s.id)).not.toContain(patras);
    const unrelated = await findSimilarSubmissions(db(), {
      consultationId,
      text: "Σταθμός λεωφορείων και στάσεις ταξί",
    });
    expect(unrelated).toEqual([]);
  });

  it("gives nothing for a title too short or made of stop words, and respects the limit", async () => {
    expect(await findSimilarSubmissions(db(), { consultationId, text: "α" })).toEqual([]);
    expect(await findSimilarSubmissions(db(), { consultationId, text: "και για το στην" })).toEqual([]);
    expect(
      await findSimilarSubmissions(db(), { consultationId, text: "Παιδικοί σταθμοί", limit: 1 }),
    ).toHaveLength(1);
  });
});
