/**
 * Search: one query across public consultations, their document articles, published submissions and
 * visible comments, with PostgreSQL full-text search (Greek Snowball stemmer over text normalised by
 * synochi_search_text: no accents, lower case, σ for ς), Greeklish queries read as Greek too, ranking with
 * title matches first, and highlighted snippets. Also the "similar submissions" suggestions shown while a
 * participant types a title.
 *
 * The SQL repeats the expressions of the indexes in prisma/migrations/20261123120000_search EXACTLY (the
 * `DOC` fragments below): PostgreSQL uses an expression index only for the identical expression.
 *
 * Speed (20,000 submissions and 200,000 comments must answer in well under 100 ms): the GIN indexes find
 * matches fast, but ranking needs each candidate's tsvector, which is computed from its text (the
 * expensive part: parsing and stemming cost about 0.2 µs per character). So each type collects at most
 * CANDIDATES matches (plus up to TITLE_CANDIDATES submissions matched by title), ranks only those, on
 * their title and the first RANK_CHARS characters of their body, reports "more than N" instead of
 * counting every match, and computes ts_headline (slower still) only for the PAGE_SIZE results shown, on
 * at most HEADLINE_CHARS characters. With those limits a search on that data set took 10–25 ms of
 * database time for common words (measured on a busy 2-core machine).
 */
import { Prisma } from "~/generated/prisma/client.ts";
import { escapeHtml } from "~/domain/richtext/richtext.server.ts";
import {
  greeklishToGreek,
  greeklishVariants,
  hasLatin,
  isStopword,
  normalizeGreek,
  tokenize,
} from "~/domain/text/greek.ts";
import type { DbOrTx } from "~/utils/db.server.ts";
import { SEARCH_TYPES, SIMILAR_LIMIT_MAX, type SearchFilter, type SearchType } from "./search.schema.ts";

export const PAGE_SIZE = 10;
/** Matches collected (and ranked) per type; more are reported as "more than CANDIDATES". */
export const CANDIDATES = 50;
/**
 * Matches of articles and comments read from the index before the visibility joins (a few may belong to
 * a draft consultation or a hidden submission and drop out there).
 */
const MATCHES = 3 * CANDIDATES;
/** Submissions whose title matches, collected apart so that the cap on body matches cannot crowd them out. */
export const TITLE_CANDIDATES = 25;
/** Words of a query used; the rest is ignored (a query is at most 200 characters anyway). */
export const MAX_QUERY_WORDS = 12;
/** Greek readings tried for each Greeklish word. */
const GREEKLISH_VARIANTS = 4;
/** Characters of a body that ranking reads (ranking parses and stems them; matching uses the whole text). */
const RANK_CHARS = 200;
/** Characters of a body that ts_headline reads for a snippet. */
const HEADLINE_CHARS = 5_000;

// ───────────────────────────── Query ─────────────────────────────

export interface ParsedQuery {
  /**
   * to_tsquery('greek', …) input for every word but the last, built only from normalised words (letters
   * and digits), so nothing the reader types can act as tsquery syntax: "(stegasi | στεγαση | …) & πατρα".
   * Null when the query has one word.
   */
  rest: string | null;
  /** The same for the last word. */
  last: string;
  /**
   * to_tsquery('simple', …) input matching the last word as typed as a prefix ("στεγ:*"), or null. Not
   * stemmed on purpose: the stem of a complete word as a prefix ('δημ':* for "δήμος") would also match
   * δημόσιος and δημιουργία.
   */
  prefix: string | null;
  /** Normalised words searched for (stop words dropped when other words remain). */
  words: string[];
  /** The Greek reading of a query with Greeklish words ("stegasi patra" → "στεγαση πατρα"), else null. */
  greeklish: string | null;
}

const isGreeklishToken = (word: string) => hasLatin(word) && /^[a-z0-9]+$/.test(word);

/** A word as typed and, for a Greeklish word, its likeliest Greek readings. */
function formsOf(word: string): string[] {
  return isGreeklishToken(word)
    ? [...new Set([word, ...greeklishVariants(word, GREEKLISH_VARIANTS)])]
    : [word];
}

const anyOf = (forms: string[]) => (forms.length > 1 ? `(${forms.join(" | ")})` : forms[0]);

/**
 * Turns what the reader typed into a tsquery: every word must match (AND), stemmed, so any grammatical
 * form matches; a Greeklish word matches as typed or as any of its likeliest Greek readings (OR); the
 * last word also matches as a prefix of a word when it has at least 3 letters and the query does not end
 * with a space (the reader may still be typing it). Returns null when the query has no word at all.
 */
export function parseQuery(q: string): ParsedQuery | null {
  const tokens = tokenize(q).slice(0, MAX_QUERY_WORDS);
  if (tokens.length === 0) return null;
  const significant = tokens.filter((t) => !isStopword(t));
  const words = significant.length > 0 ? significant : tokens;
  const lastWord = words[words.length - 1];
  const typingLast =
    lastWord === tokens[tokens.length - 1] && /[\p{L}\p{N}]$/u.test(q) && lastWord.length >= 3;
  return {
    rest:
      words.length > 1
        ? words
            .slice(0, -1)
            .map((w) => anyOf(formsOf(w)))
            .join(" & ")
        : null,
    last: anyOf(formsOf(lastWord)),
    prefix: typingLast ? anyOf(formsOf(lastWord).map((f) => `${f}:*`)) : null,
    words,
    greeklish: tokens.some(isGreeklishToken) ? greeklishToGreek(tokens.join(" ")) : null,
  };
}

// ───────────────────────────── SQL fragments (static text only) ─────────────────────────────

const sql = Prisma.sql;
const raw = Prisma.raw;

/** The full-text documents: exactly the expressions of the GIN indexes. */
const DOC = {
  consultation: raw(
    `to_tsvector('greek'::regconfig, "synochi_search_text"(k."title" || ' ' || k."summary" || ' ' || k."bodyHtml"))`,
  ),
  article: raw(`to_tsvector('greek'::regconfig, "synochi_search_text"(a."title" || ' ' || a."bodyHtml"))`),
  submission: raw(`to_tsvector('greek'::regconfig, "synochi_search_text"(s."title" || ' ' || s."bodyText"))`),
  submissionTitle: raw(`to_tsvector('greek'::regconfig, "synochi_search_text"(s."title"))`),
  comment: raw(`to_tsvector('greek'::regconfig, "synochi_search_text"(c."body"))`),
};

/** A tsvector for ranking only: the title and the start of the body (cheaper than the whole text). */
function rankDoc(title: Prisma.Sql | null, body: Prisma.Sql): Prisma.Sql {
  const text = title
    ? sql`${title} || ' ' || left(${body}, ${RANK_CHARS}::int)`
    : sql`left(${body}, ${RANK_CHARS}::int)`;
  return sql`to_tsvector('greek'::regconfig, "synochi_search_text"(${text}))`;
}

/** Title match: 1 or 0, added to ts_rank_cd (which is below 1 with normalisation 32) so titles come first. */
function titleHit(title: Prisma.Sql): Prisma.Sql {
  return sql`(to_tsvector('greek'::regconfig, "synochi_search_text"(${title})) @@ q.q)::int`;
}

// Visibility rules (the partial indexes carry the submission and comment parts).
const PUBLIC_CONSULTATION = raw(`k."phase" <> 'draft'`);
const PUBLISHED_SUBMISSION = raw(`s."status" = 'published'`);
const VISIBLE_COMMENT = raw(`c."status" = 'published' AND c."deletedAt" IS NULL AND c."hiddenAt" IS NULL`);

const greekQuery = (text: string) =>
  sql`to_tsquery('greek'::regconfig, "synochi_search_text"(${text}::text))`;

/** The tsquery as SQL: (rest) && (last || last-as-prefix). */
function tsqueryOf(parsed: ParsedQuery): Prisma.Sql {
  const last = parsed.prefix
    ? sql`(${greekQuery(parsed.last)} || to_tsquery('simple'::regconfig, "synochi_search_text"(${parsed.prefix}::text)))`
    : greekQuery(parsed.last);
  return parsed.rest ? sql`(${greekQuery(parsed.rest)} && ${last})` : last;
}

/**
 * `q.q`, the query's tsquery, computed once per statement. Materialised on purpose: the planner then does
 * not know the query while planning and estimates "a few matches", which keeps it on the GIN indexes and
 * nested loops for every query. Planned with the real query, its estimates for OR-ed Greeklish readings
 * and prefixes were far off (thousands of rows for a word found nowhere), and it switched to hash joins
 * over whole tables and parallel scans, several times slower.
 */
function queryCte(parsed: ParsedQuery): Prisma.Sql {
  return sql`WITH q AS MATERIALIZED (SELECT ${tsqueryOf(parsed)} AS q)`;
}

/**
 * One type's capped, ranked candidates: rows (type, id, createdAt, rank). Each table's matches are taken
 * from its index in a subquery of their own with a LIMIT, so the plan stays "index → first N rows" (the
 * joins that check visibility come after, on those rows only).
 */
function candidatesOf(type: SearchType): Prisma.Sql {
  switch (type) {
    case "consultation":
      return sql`(SELECT 'consultation' AS type, k."id", k."createdAt",
          ${titleHit(sql`k."title"`)} + ts_rank_cd(${rankDoc(sql`k."title"`, sql`k."summary"`)}, q.q, 32) AS rank
        FROM q, "Consultation" k
        WHERE ${DOC.consultation} @@ q.q AND ${PUBLIC_CONSULTATION}
        LIMIT ${CANDIDATES}::int)`;
    case "article":
      return sql`(SELECT 'article' AS type, a."id", k."createdAt",
          ${titleHit(sql`a."title"`)} + ts_rank_cd(${rankDoc(sql`a."title"`, sql`a."bodyHtml"`)}, q.q, 32) AS rank
        FROM q, (SELECT a.* FROM q, "ConsultationArticle" a WHERE ${DOC.article} @@ q.q
                  LIMIT ${MATCHES}::int) a
          JOIN "Consultation" k ON k."id" = a."consultationId"
        WHERE ${PUBLIC_CONSULTATION}
        LIMIT ${CANDIDATES}::int)`;
    case "submission":
      // Title matches are collected on their own first (a title match must never be cut off by the cap).
      return sql`(SELECT 'submission' AS type, s."id", s."createdAt",
          found."inTitle" + ts_rank_cd(${rankDoc(sql`s."title"`, sql`s."bodyText"`)}, q.q, 32) AS rank
        FROM q, (
          SELECT "id", max("inTitle") AS "inTitle" FROM (
            (SELECT s."id", 1 AS "inTitle" FROM q, "Submission" s
              WHERE ${DOC.submissionTitle} @@ q.q AND ${PUBLISHED_SUBMISSION}
              LIMIT ${TITLE_CANDIDATES}::int)
            UNION ALL
            (SELECT s."id", 0 AS "inTitle" FROM q, "Submission" s
              WHERE ${DOC.submission} @@ q.q AND ${PUBLISHED_SUBMISSION}
              LIMIT ${CANDIDATES}::int)
          ) hits GROUP BY "id"
        ) found
          JOIN "Submission" s ON s."id" = found."id"
          JOIN "Consultation" k ON k."id" = s."consultationId"
        WHERE ${PUBLIC_CONSULTATION})`;
    case "comment":
      return sql`(SELECT 'comment' AS type, c."id", c."createdAt",
          ts_rank_cd(${rankDoc(null, sql`c."body"`)}, q.q, 32) AS rank
        FROM q, (SELECT c."id", c."submissionId", c."articleId", c."body", c."createdAt" FROM q, "Comment" c
                  WHERE ${DOC.comment} @@ q.q AND ${VISIBLE_COMMENT}
                  LIMIT ${MATCHES}::int) c
          LEFT JOIN "Submission" s ON s."id" = c."submissionId"
          LEFT JOIN "ConsultationArticle" a ON a."id" = c."articleId"
          JOIN "Consultation" k ON k."id" = coalesce(s."consultationId", a."consultationId")
        WHERE (c."articleId" IS NOT NULL OR ${PUBLISHED_SUBMISSION}) AND ${PUBLIC_CONSULTATION}
        LIMIT ${CANDIDATES}::int)`;
  }
}

// ───────────────────────────── Snippets ─────────────────────────────

// Private-use characters mark the highlights: they survive HTML escaping and are unlikely in real text.
const MARK_START = "\uE000";
const MARK_END = "\uE001";
const SNIPPET_OPTIONS = `StartSel=${MARK_START}, StopSel=${MARK_END}, MaxWords=35, MinWords=15, ShortWord=3, MaxFragments=2, FragmentDelimiter=" … "`;
const TITLE_OPTIONS = `StartSel=${MARK_START}, StopSel=${MARK_END}, HighlightAll=true`;

/**
 * ts_headline parses its input as HTML-ish text (it drops what looks like a tag, and keeps entities as
 * they are), so every input is made entity-escaped text first: plain text is escaped, rendered HTML loses
 * its tags (its text is already escaped by the renderer). The output is then decoded once and escaped
 * again as a whole (see highlightToHtml): no markup from the database can reach the page.
 */
const escapedText = (col: Prisma.Sql) =>
  sql`replace(replace(replace(${col}, '&', '&amp;'), '<', '&lt;'), '>', '&gt;')`;
const htmlText = (col: Prisma.Sql) => sql`regexp_replace(${col}, '<[^>]*>', ' ', 'g')`;

function headline(text: Prisma.Sql, options: string): Prisma.Sql {
  return sql`ts_headline('synochi_greek_headline'::regconfig, left(${text}, ${HEADLINE_CHARS}::int), q.q, ${options}::text)`;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0" };

/** Decodes the entities of escaped text, in one pass (so "&amp;lt;" becomes "&lt;", not "<"). */
function decodeEntities(text: string): string {
  return text.replace(/&(?:#(\d{1,7})|#x([0-9a-f]{1,6})|([a-z]+));/gi, (whole, dec, hex, name) => {
    if (dec || hex) {
      const code = dec ? Number(dec) : parseInt(hex, 16);
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff)
        ? String.fromCodePoint(code)
        : whole;
    }
    return ENTITIES[(name as string).toLowerCase()] ?? whole;
  });
}

/**
 * ts_headline output → safe HTML: decode, escape everything, then turn each pair of markers into
 * <mark>…</mark> (stray markers, e.g. typed by someone, are dropped).
 */
export function highlightToHtml(headlineText: string): string {
  const escaped = escapeHtml(decodeEntities(headlineText).replace(/\s+/g, " ").trim());
  return escaped
    .replace(new RegExp(`${MARK_START}([^${MARK_START}${MARK_END}]*)${MARK_END}`, "g"), "<mark>$1</mark>")
    .replace(new RegExp(`[${MARK_START}${MARK_END}]`, "g"), "");
}

// ───────────────────────────── Search ─────────────────────────────

export interface SearchHit {
  type: SearchType;
  id: string;
  /** Where the result lives (comments: their page with #comment-<id>). */
  url: string;
  /** Plain title: the item's own, or for a comment the title of what it comments on. */
  title: string;
  /** The title as safe HTML with <mark> highlights (escaped plain title for comments). */
  titleHtml: string;
  /** A few lines around the matches as safe HTML with <mark> highlights. */
  snippetHtml: string;
  /** The consultation an article, submission or comment belongs to (null for a consultation). */
  consultationTitle: string | null;
  /** Article number, for articles and comments on an article. */
  articleNumber: number | null;
  /** What a comment is on. */
  commentOn: "submission" | "article" | null;
  createdAt: string;
}

export interface TypeCount {
  count: number;
  /** True when there are more matches than `count` (the count is capped). */
  more: boolean;
}

export interface SearchResults {
  query: string;
  filter: SearchFilter;
  /** The Greek reading searched for as well, when the query has Greeklish words. */
  greeklish: string | null;
  counts: Record<SearchType, TypeCount>;
  total: TypeCount;
  page: number;
  pageCount: number;
  hits: SearchHit[];
}

type Candidate = { type: SearchType; id: string; createdAt: Date; rank: number };

/** Every type's capped, ranked candidates in one statement. */
function candidatesQuery(parsed: ParsedQuery): Prisma.Sql {
  return sql`${queryCte(parsed)} ${Prisma.join(
    SEARCH_TYPES.map((type) => candidatesOf(type)),
    " UNION ALL ",
  )}`;
}

/**
 * The statement `search` runs to find and rank matches, for EXPLAIN (tests check that it uses the
 * indexes; run it to diagnose a slow query). Null when the query has no word.
 */
export function searchCandidatesSql(q: string): Prisma.Sql | null {
  const parsed = parseQuery(q);
  return parsed ? candidatesQuery(parsed) : null;
}

function emptyCounts(): Record<SearchType, TypeCount> {
  return {
    consultation: { count: 0, more: false },
    article: { count: 0, more: false },
    submission: { count: 0, more: false },
    comment: { count: 0, more: false },
  };
}

/**
 * Searches what the public can see. `filter` limits the results to one type (the counts still cover all
 * types); `page` is 1-based and clamped to the last page. An empty or word-less query gives no results.
 */
export async function search(
  db: DbOrTx,
  { q, filter = "all", page = 1 }: { q: string; filter?: SearchFilter; page?: number },
): Promise<SearchResults> {
  const parsed = parseQuery(q);
  const base: SearchResults = {
    query: q,
    filter,
    greeklish: parsed?.greeklish ?? null,
    counts: emptyCounts(),
    total: { count: 0, more: false },
    page: 1,
    pageCount: 0,
    hits: [],
  };
  if (!parsed) return base;

  const rows = await db.$queryRaw<Candidate[]>(candidatesQuery(parsed));

  const counts = emptyCounts();
  for (const row of rows) counts[row.type].count += 1;
  for (const type of SEARCH_TYPES) counts[type].more = counts[type].count >= CANDIDATES;
  const total = {
    count: SEARCH_TYPES.reduce((n, type) => n + counts[type].count, 0),
    more: SEARCH_TYPES.some((type) => counts[type].more),
  };

  const shown = rows
    .filter((r) => filter === "all" || r.type === filter)
    .sort(
      (a, b) =>
        Number(b.rank) - Number(a.rank) ||
        b.createdAt.getTime() - a.createdAt.getTime() ||
        (a.id < b.id ? -1 : 1),
    );
  const pageCount = Math.ceil(shown.length / PAGE_SIZE);
  const current = Math.min(Math.max(1, Math.trunc(page)), Math.max(1, pageCount));
  const pageRows = shown.slice((current - 1) * PAGE_SIZE, current * PAGE_SIZE);
  const hits = await loadHits(db, parsed, pageRows);
  return { ...base, counts, total, page: current, pageCount, hits };
}

type DetailRow = {
  id: string;
  title: string;
  titleHl: string | null;
  snippet: string | null;
  slug: string | null;
  consultationTitle: string | null;
  number: number | null;
  submissionId: string | null;
  createdAt: Date;
};

/** Titles, links and snippets of one page of results (ts_headline runs only here). */
async function loadHits(db: DbOrTx, parsed: ParsedQuery, page: Candidate[]): Promise<SearchHit[]> {
  if (page.length === 0) return [];
  const byType = new Map<SearchType, string[]>();
  for (const row of page) byType.set(row.type, [...(byType.get(row.type) ?? []), row.id]);
  const loaded = await Promise.all(
    [...byType].map(async ([type, ids]) => {
      const details = await db.$queryRaw<DetailRow[]>`${queryCte(parsed)} ${detailsOf(type, ids)}`;
      return details.map((d) => [`${type}:${d.id}`, toHit(type, d)] as const);
    }),
  );
  const hits = new Map(loaded.flat());
  return page.flatMap((row) => hits.get(`${row.type}:${row.id}`) ?? []);
}

function detailsOf(type: SearchType, ids: string[]): Prisma.Sql {
  const idList = Prisma.join(ids);
  switch (type) {
    case "consultation":
      return sql`SELECT k."id", k."title", k."slug", NULL AS "consultationTitle", NULL::int AS "number",
          NULL AS "submissionId", k."createdAt",
          ${headline(escapedText(sql`k."title"`), TITLE_OPTIONS)} AS "titleHl",
          ${headline(sql`${escapedText(sql`k."summary"`)} || ' ' || ${htmlText(sql`k."bodyHtml"`)}`, SNIPPET_OPTIONS)} AS "snippet"
        FROM q, "Consultation" k WHERE k."id" IN (${idList}) AND ${PUBLIC_CONSULTATION}`;
    case "article":
      return sql`SELECT a."id", a."title", k."slug", k."title" AS "consultationTitle", a."number",
          NULL AS "submissionId", k."createdAt",
          ${headline(escapedText(sql`a."title"`), TITLE_OPTIONS)} AS "titleHl",
          ${headline(htmlText(sql`a."bodyHtml"`), SNIPPET_OPTIONS)} AS "snippet"
        FROM q, "ConsultationArticle" a JOIN "Consultation" k ON k."id" = a."consultationId"
        WHERE a."id" IN (${idList}) AND ${PUBLIC_CONSULTATION}`;
    case "submission":
      return sql`SELECT s."id", s."title", NULL AS "slug", k."title" AS "consultationTitle", NULL::int AS "number",
          s."id" AS "submissionId", s."createdAt",
          ${headline(escapedText(sql`s."title"`), TITLE_OPTIONS)} AS "titleHl",
          ${headline(escapedText(sql`s."bodyText"`), SNIPPET_OPTIONS)} AS "snippet"
        FROM q, "Submission" s JOIN "Consultation" k ON k."id" = s."consultationId"
        WHERE s."id" IN (${idList}) AND ${PUBLISHED_SUBMISSION} AND ${PUBLIC_CONSULTATION}`;
    case "comment":
      return sql`SELECT c."id", coalesce(s."title", a."title") AS "title", k."slug", k."title" AS "consultationTitle",
          a."number", c."submissionId", c."createdAt", NULL AS "titleHl",
          ${headline(escapedText(sql`c."body"`), SNIPPET_OPTIONS)} AS "snippet"
        FROM q, "Comment" c
          LEFT JOIN "Submission" s ON s."id" = c."submissionId"
          LEFT JOIN "ConsultationArticle" a ON a."id" = c."articleId"
          JOIN "Consultation" k ON k."id" = coalesce(s."consultationId", a."consultationId")
        WHERE c."id" IN (${idList}) AND ${VISIBLE_COMMENT}
          AND (c."articleId" IS NOT NULL OR ${PUBLISHED_SUBMISSION}) AND ${PUBLIC_CONSULTATION}`;
  }
}

const consultationUrl = (slug: string) => `/consultations/${encodeURIComponent(slug)}`;
const articleUrl = (slug: string, number: number) => `${consultationUrl(slug)}/articles/${number}`;
const submissionUrl = (id: string) => `/submissions/${encodeURIComponent(id)}`;

function toHit(type: SearchType, d: DetailRow): SearchHit {
  let url: string;
  let commentOn: SearchHit["commentOn"] = null;
  switch (type) {
    case "consultation":
      url = consultationUrl(d.slug ?? "");
      break;
    case "article":
      url = articleUrl(d.slug ?? "", d.number ?? 0);
      break;
    case "submission":
      url = submissionUrl(d.id);
      break;
    case "comment":
      commentOn = d.submissionId ? "submission" : "article";
      url = `${d.submissionId ? submissionUrl(d.submissionId) : articleUrl(d.slug ?? "", d.number ?? 0)}#comment-${encodeURIComponent(d.id)}`;
      break;
  }
  return {
    type,
    id: d.id,
    url,
    title: d.title,
    titleHtml: d.titleHl ? highlightToHtml(d.titleHl) : escapeHtml(d.title),
    snippetHtml: d.snippet ? highlightToHtml(d.snippet) : "",
    consultationTitle: d.consultationTitle,
    articleNumber: d.number,
    commentOn,
    createdAt: d.createdAt.toISOString(),
  };
}

// ───────────────────────────── Similar submissions ─────────────────────────────

type SimilarRow = { id: string; title: string; supportCount: number; commentCount: number };

export interface SimilarSubmission {
  id: string;
  title: string;
  supportCount: number;
  commentCount: number;
  url: string;
}

/**
 * Published submissions of one consultation whose title looks like `text` (a title being typed), best
 * first. A title qualifies when it shares enough stemmed words with the text (all of one or two, at least
 * half of more; stop words left out; the last word may be unfinished and counts as a prefix) or, when no
 * title does, when it is alike letter by letter (pg_trgm similarity of the normalised titles ≥ 0.3: typos
 * in every word). Greeklish words count with their Greek readings. `excludeId` leaves out the submission
 * being edited.
 *
 * Words first, because they go through the exact title index and touch only titles that share a word;
 * trigram matches are lossy, so PostgreSQL re-reads and re-compares every title the trigram index
 * returns, several times slower.
 */
export async function findSimilarSubmissions(
  db: DbOrTx,
  {
    consultationId,
    text,
    excludeId,
    limit = 5,
  }: { consultationId: string; text: string; excludeId?: string; limit?: number },
): Promise<SimilarSubmission[]> {
  const tokens = tokenize(text).slice(0, MAX_QUERY_WORDS);
  const asGreek = (t: string) => (isGreeklishToken(t) ? normalizeGreek(greeklishToGreek(t)) : t);
  const normalised = tokens.map(asGreek).join(" ");
  const significant = tokens.filter((t) => t.length >= 2 && !isStopword(t));
  if (normalised.length < 3 || significant.length === 0) return [];
  const take = Math.min(Math.max(1, Math.trunc(limit)), SIMILAR_LIMIT_MAX);
  const scope = sql`s."consultationId" = ${consultationId} AND ${PUBLISHED_SUBMISSION}
    AND s."id" <> ${excludeId ?? ""}
    AND EXISTS (SELECT 1 FROM "Consultation" k WHERE k."id" = s."consultationId" AND ${PUBLIC_CONSULTATION})`;

  // The title shares a word: any Greek reading of any significant word, the last one also as a prefix.
  const last = significant[significant.length - 1];
  const typingLast = last === tokens[tokens.length - 1] && /[\p{L}\p{N}]$/u.test(text) && last.length >= 3;
  const words = greekQuery(significant.map((w) => anyOf(formsOf(w))).join(" | "));
  const anyWord = typingLast
    ? sql`(${words} || to_tsquery('simple'::regconfig, "synochi_search_text"(${anyOf(formsOf(last).map((f) => `${f}:*`))}::text)))`
    : words;
  // Stems the title must share: those of the Greek reading of every significant word.
  const stems = sql`tsvector_to_array(to_tsvector('greek'::regconfig, "synochi_search_text"(${significant.map(asGreek).join(" ")}::text)))`;
  let rows = await db.$queryRaw<SimilarRow[]>`
    SELECT "id", "title", "supportCount", "commentCount" FROM (
      SELECT s.*,
             similarity("synochi_search_text"(s."title"), "synochi_search_text"(${normalised}::text)) AS sim,
             (SELECT count(*) FROM unnest(${stems}) AS w(stem)
               WHERE EXISTS (SELECT 1 FROM unnest(tsvector_to_array(${DOC.submissionTitle})) AS l(lexeme)
                              WHERE starts_with(l.lexeme, w.stem))) AS shared,
             cardinality(${stems}) AS wanted
        FROM (SELECT s.* FROM "Submission" s WHERE ${scope} AND ${DOC.submissionTitle} @@ ${anyWord}
               LIMIT 200) s
    ) scored
    WHERE wanted > 0 AND shared >= least(wanted, greatest(2, ceil(wanted / 2.0)))
    ORDER BY greatest(sim, shared::float / wanted) DESC, "supportCount" DESC, "createdAt" DESC
    LIMIT ${take}::int`;
  if (rows.length === 0) {
    rows = await db.$queryRaw<SimilarRow[]>`
      SELECT s."id", s."title", s."supportCount", s."commentCount" FROM "Submission" s
       WHERE ${scope} AND "synochi_search_text"(s."title") % "synochi_search_text"(${normalised}::text)
       ORDER BY similarity("synochi_search_text"(s."title"), "synochi_search_text"(${normalised}::text)) DESC,
                s."supportCount" DESC, s."createdAt" DESC
       LIMIT ${take}::int`;
  }
  return rows.map((r) => ({
    id: r.id,
    title: r.title,
    supportCount: Number(r.supportCount),
    commentCount: Number(r.commentCount),
    url: submissionUrl(r.id),
  }));
}
