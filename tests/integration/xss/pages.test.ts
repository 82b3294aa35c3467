/**
 * Known XSS payloads (app/domain/richtext/xss-payloads.ts) against the real server (`tsx server.ts`, own
 * database and Redis prefix): stored as submission titles, comment bodies, display names, organisation
 * names, consultation titles and summaries, article titles and notification texts (straight to the
 * database, plus some through the real forms with their CSRF token), and passed as URL query parameters.
 * Every page that shows them is fetched and checked as a browser would parse it: no script, element or
 * attribute that the same page with harmless text does not have, no event-handler attribute, no
 * scriptable URL in any href/src/action, every link http(s), mailto or same-site. Rich text with
 * javascript:/data: links posted through the submit form is refused with the localised message, and what
 * was typed comes back in the form.
 */
import { randomInt } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderDocToHtml, type RichTextDoc } from "~/domain/richtext/richtext.server.ts";
import {
  decodeHtmlEntities,
  tokenizeHtml,
  URL_ATTRIBUTES,
  urlScheme,
  xssMarkupPayloads,
  xssPayloads,
  xssUrlPayloads,
} from "~/domain/richtext/xss-payloads.ts";
import type { Prisma } from "~/generated/prisma/client.ts";
import { createT } from "~/i18n/i18n.ts";
import { newId } from "~/utils/ids.ts";
import { useTestDatabase } from "../../helpers/db.ts";
import { createSessionToken, createUser } from "../../helpers/factories.ts";
import { useTestRedis } from "../../helpers/redis.ts";
import { startApp, type RunningApp } from "../../helpers/server.ts";

const testDb = useTestDatabase();
useTestRedis();
const db = () => testDb().prisma;
const el = createT("el");

// PostgreSQL text cannot hold NUL; dropping it keeps the payload hostile ("java\0script:" → "javascript:").
const storable = (p: string) => p.replace(/\u0000/g, "");
const PAYLOADS = [...new Set(xssPayloads.map(storable))].filter((p) => p.trim() !== "");
const CLEAN = "Καθαρό κείμενο δοκιμής";

let app: RunningApp;
let viewerCookie: string;
let posterCookie: string;
let poster: { id: string };
let viewerId: string;

// ───────────────────────────── HTTP ─────────────────────────────

type Page = { status: number; html: string; type: string; location: string | null };

async function get(path: string, cookie?: string): Promise<Page> {
  const res = await fetch(`${app.url}${path}`, {
    redirect: "manual",
    headers: cookie ? { Cookie: cookie } : {},
  });
  return {
    status: res.status,
    html: await res.text(),
    type: res.headers.get("content-type") ?? "",
    location: res.headers.get("location"),
  };
}

/** A double-submit CSRF token: any value of the cookie's format, repeated in the form. */
function csrfToken(): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz234567";
  return Array.from({ length: 32 }, () => alphabet[randomInt(alphabet.length)]).join("");
}

async function post(path: string, fields: Record<string, string>, cookie: string): Promise<Page> {
  const token = csrfToken();
  const res = await fetch(`${app.url}${path}`, {
    method: "POST",
    redirect: "manual",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      Cookie: `${cookie}; synochi_csrf=${token}`,
    },
    body: new URLSearchParams({ ...fields, _csrf: token }),
  });
  return {
    status: res.status,
    html: await res.text(),
    type: res.headers.get("content-type") ?? "",
    location: res.headers.get("location"),
  };
}

/** Runs `fn` over `items`, `limit` at a time (the app is one process; a few in flight keep it busy). */
async function inPool<T, R>(items: T[], fn: (item: T, index: number) => Promise<R>, limit = 6): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i], i);
      }
    }),
  );
  return out;
}

const q = encodeURIComponent;

// ───────────────────────────── what a page may contain ─────────────────────────────

/** Elements whose number must not change when harmless text is replaced by a payload. */
const COUNTED = [
  "script",
  "iframe",
  "frame",
  "frameset",
  "object",
  "embed",
  "applet",
  "base",
  "meta",
  "link",
  "style",
  "svg",
  "path",
  "math",
  "template",
  "noscript",
  "title",
  "html",
  "head",
  "body",
  "img",
  "video",
  "audio",
  "source",
  "track",
  "portal",
  "animate",
  "set",
  "xml",
  "import",
  "isindex",
  "keygen",
  "marquee",
  "details",
];
/** What the server's rich-text renderer may add to a page (bodies differ between a page and its twin). */
const RICH_TEXT_TAGS = new Set(["p", "strong", "em", "a", "ul", "ol", "li", "h2", "h3", "h4", "br"]);
const SCRIPT_ATTRIBUTES = new Set(["src", "type", "async", "defer", "nonce", "crossorigin", "integrity"]);
/** The app's own inline scripts: Remix's scroll restoration, context, module imports and data stream. */
const OWN_INLINE_SCRIPT = /^(\(\(|window\.__remixContext\b|;?\s*import\b|;)/;

type Profile = { counts: Record<string, number>; tags: Set<string> };

function isOwnFlagForm(token: { name: string; attrs: [string, string][] }): boolean {
  return (
    token.name === "details" &&
    token.attrs.length === 1 &&
    token.attrs[0][0] === "class" &&
    token.attrs[0][1] === "flag-form"
  );
}

function profileOf(html: string): Profile {
  const counts: Record<string, number> = {};
  const tags = new Set<string>();
  for (const token of tokenizeHtml(html)) {
    if (token.kind !== "tag" || token.closing) continue;
    // The app's own report forms (one per item the viewer did not write) vary between a page and its twin;
    // an injected copy would still fail the attribute checks below.
    if (isOwnFlagForm(token)) continue;
    tags.add(token.name);
    counts[token.name] = (counts[token.name] ?? 0) + 1;
  }
  return { counts, tags };
}

/** A twin made of several clean pages: any of their elements is expected, counts must match the first. */
function mergeProfiles(...profiles: Profile[]): Profile {
  return { counts: profiles[0].counts, tags: new Set(profiles.flatMap((p) => [...p.tags])) };
}

/** As a browser reads a URL attribute: ASCII whitespace and controls anywhere are ignored. */
const stripped = (value: string) => value.replace(/[\u0000-\u0020\u007f-\u009f]/g, "");

function urlProblem(tag: string, attr: string, value: string): string | null {
  const v = stripped(value);
  if (/(javascript|vbscript|livescript|data):/i.test(v)) return "scriptable scheme";
  const scheme = urlScheme(value);
  if (scheme && !["http", "https", "mailto"].includes(scheme)) return `scheme ${scheme}:`;
  if (/^[/\\]{2}/.test(v)) return "protocol-relative URL";
  if (tag === "a" && attr === "href" && !/^(https?:\/\/[^/\\]|mailto:|\/(?![/\\])|#|\?)/i.test(v)) {
    return "link that is neither http(s), mailto nor a same-site path";
  }
  if (tag === "script" && attr === "src" && !/^\/build\//.test(v)) return "script from outside /build/";
  return null;
}

/**
 * Everything in `html` that could run script or was not in the clean twin: elements the twin does not
 * have (beyond rich-text markup), a different number of scripts/embeds/meta/… elements, event-handler or
 * malformed attributes, scriptable or foreign URLs, inline styles with code, inline scripts that are not
 * the framework's own.
 */
function problemsOf(html: string, twin: Profile): string[] {
  const problems: string[] = [];
  let scriptOpen = false;
  for (const token of tokenizeHtml(html)) {
    if (token.kind === "text") {
      if (scriptOpen && !OWN_INLINE_SCRIPT.test(token.text.trimStart())) {
        problems.push(`inline script that is not the app's: <script>${token.text.slice(0, 120)}`);
      }
      scriptOpen = false;
      continue;
    }
    if (token.kind !== "tag") continue;
    scriptOpen = false;
    if (token.closing) continue;
    const source = token.source.slice(0, 200);
    if (!twin.tags.has(token.name) && !RICH_TEXT_TAGS.has(token.name) && !isOwnFlagForm(token)) {
      problems.push(`element <${token.name}> the clean page does not have: ${source}`);
    }
    for (const [name, value] of token.attrs) {
      if (/^on/i.test(name)) problems.push(`event-handler attribute ${name}: ${source}`);
      else if (!/^[a-z][a-z0-9_.:-]*$/.test(name)) problems.push(`malformed attribute ${name}: ${source}`);
      if (URL_ATTRIBUTES.has(name)) {
        const problem = urlProblem(token.name, name, value);
        if (problem) problems.push(`${problem} in ${name}: ${source}`);
      }
      if (name === "style" && /javascript|expression|url\s*\(/i.test(value)) {
        problems.push(`style with code: ${source}`);
      }
      if (token.name === "script" && !SCRIPT_ATTRIBUTES.has(name)) {
        problems.push(`script attribute ${name}: ${source}`);
      }
      if (token.name === "meta" && name === "http-equiv") problems.push(`meta http-equiv: ${source}`);
    }
    if (token.name === "script" && !token.attrs.some(([name]) => name === "src")) scriptOpen = true;
  }
  const counts = profileOf(html).counts;
  for (const tag of new Set(COUNTED)) {
    if ((counts[tag] ?? 0) !== (twin.counts[tag] ?? 0)) {
      problems.push(`${counts[tag] ?? 0} <${tag}> elements, the clean page has ${twin.counts[tag] ?? 0}`);
    }
  }
  return problems;
}

/** The text a reader sees (script contents left out), entities decoded, whitespace and controls folded. */
function visibleText(html: string): string {
  const parts: string[] = [];
  let inScript = false;
  for (const token of tokenizeHtml(html)) {
    if (token.kind === "tag") inScript = !token.closing && token.name === "script";
    else if (token.kind === "text" && !inScript) parts.push(token.text);
  }
  return norm(decodeHtmlEntities(parts.join(" ")));
}

function norm(text: string): string {
  return text
    .replace(/[\u0000-\u001f\u007f]/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/** Checks a fetched page; returns labelled problems (an empty list when it is clean). */
function check(label: string, page: Page, twin: Profile, shows: string[] = [], okStatus = [200]): string[] {
  const problems: string[] = [];
  if (!okStatus.includes(page.status)) problems.push(`status ${page.status}`);
  if (!page.type.startsWith("text/html")) problems.push(`content type ${page.type}`);
  // A NUL is never the page's own (React 18's stream used to pad chunks with them, see entry.server.tsx).
  const nul = page.html.indexOf("\u0000");
  if (nul >= 0) problems.push(`NUL byte in the page: ${JSON.stringify(page.html.slice(nul - 40, nul + 40))}`);
  problems.push(...problemsOf(page.html, twin));
  if (shows.length > 0) {
    const text = visibleText(page.html);
    for (const expected of shows) {
      if (!text.includes(norm(expected))) problems.push(`does not show ${JSON.stringify(expected)}`);
    }
  }
  return problems.map((p) => `${label}: ${p}`);
}

// ───────────────────────────── data ─────────────────────────────

const textDoc = (text: string, href?: string): RichTextDoc => ({
  type: "doc",
  content: [
    {
      type: "paragraph",
      content: [
        { type: "text", text },
        ...(href ? [{ type: "text", text: " σύνδεσμος", marks: [{ type: "link", attrs: { href } }] }] : []),
      ],
    },
  ],
});

type Rows = {
  users: (Prisma.UserCreateManyInput & { id: string })[];
  organisations: Prisma.OrganisationCreateManyInput[];
  consultations: Prisma.ConsultationCreateManyInput[];
  articles: Prisma.ConsultationArticleCreateManyInput[];
  submissions: Prisma.SubmissionCreateManyInput[];
  comments: Prisma.CommentCreateManyInput[];
  notifications: Prisma.NotificationCreateManyInput[];
};

type Scenario = {
  text: string;
  userId: string;
  organisation: string;
  consultationId: string;
  slug: string;
  submissionId: string;
  articleId: string;
};

/**
 * One consultation (title, summary and body = `text`, two articles, the first titled `text`) with one
 * submission by a user named `text` on behalf of an organisation named `text`, titled `text`; a comment
 * (`text`) with a reply, a comment on the article, and two notifications for the viewer naming `text`.
 * Clean twins and payloads share this shape, so their pages differ only in the text.
 */
function scenarioRows(
  text: string,
  index: number,
  viewerId: string,
  staffId: string,
): { scenario: Scenario; rows: Rows } {
  const s: Scenario = {
    text,
    userId: newId(),
    organisation: newId(),
    consultationId: newId(),
    slug: `x-${index}-${newId().slice(0, 6)}`,
    submissionId: newId(),
    articleId: newId(),
  };
  // Stored documents are rendered by the server's own renderer; a payload that looks like a URL is also
  // stored as a link target (the renderer must drop what the validator would have refused).
  const body = textDoc(text, xssUrlPayloads.includes(text) ? text : undefined);
  const commentId = newId();
  const rows: Rows = {
    users: [
      {
        id: s.userId,
        email: `x-${s.userId}@example.org`,
        displayName: text,
        emailVerifiedAt: new Date(),
      },
    ],
    organisations: [{ id: s.organisation, name: `${text}`, kind: "ngo" as const }],
    consultations: [
      {
        id: s.consultationId,
        slug: s.slug,
        title: text,
        summary: text,
        bodyJson: body as unknown as Prisma.InputJsonValue,
        bodyHtml: renderDocToHtml(body),
        phase: "open" as const,
        opensAt: new Date(Date.now() - 86_400_000),
        closesAt: new Date(Date.now() + 30 * 86_400_000),
        submissionCount: 1,
        createdById: staffId,
      },
    ],
    articles: [
      {
        id: s.articleId,
        consultationId: s.consultationId,
        number: 1,
        title: text,
        bodyJson: body as unknown as Prisma.InputJsonValue,
        bodyHtml: renderDocToHtml(body),
        commentCount: 1,
      },
      {
        id: newId(),
        consultationId: s.consultationId,
        number: 2,
        title: "Δεύτερο άρθρο",
        bodyJson: textDoc("Δεύτερο άρθρο") as unknown as Prisma.InputJsonValue,
        bodyHtml: "<p>Δεύτερο άρθρο</p>",
      },
    ],
    submissions: [
      {
        id: s.submissionId,
        consultationId: s.consultationId,
        authorId: s.userId,
        organisationId: s.organisation,
        kind: "proposal" as const,
        title: text,
        bodyJson: body as unknown as Prisma.InputJsonValue,
        bodyHtml: renderDocToHtml(body),
        bodyText: text,
        commentCount: 2,
        supportCount: 3,
      },
    ],
    comments: [
      {
        id: commentId,
        submissionId: s.submissionId,
        authorId: s.userId,
        alignment: "against" as const,
        body: text,
        createdAt: new Date(Date.now() - 60_000),
      },
      {
        id: newId(),
        submissionId: s.submissionId,
        parentId: commentId,
        depth: 2,
        authorId: s.userId,
        alignment: "in_favour" as const,
        body: text,
      },
      { id: newId(), articleId: s.articleId, authorId: s.userId, alignment: "neutral" as const, body: text },
    ],
    notifications: [
      {
        id: newId(),
        userId: viewerId,
        type: "reply",
        payload: {
          url: `/submissions/${s.submissionId}#comment-${commentId}`,
          title: text,
          actorName: text,
          alignment: "against",
          submissionId: s.submissionId,
        },
      },
      {
        id: newId(),
        userId: viewerId,
        type: "followed_consultation_submission",
        payload: {
          url: `/submissions/${s.submissionId}`,
          title: text,
          actorName: text,
          consultationTitle: text,
          submissionId: s.submissionId,
        },
      },
    ],
  };
  return { scenario: s, rows };
}

async function insertScenarios(rowsList: Rows[]): Promise<void> {
  const comments = rowsList.flatMap((r) => r.comments);
  await db().$transaction([
    db().user.createMany({ data: rowsList.flatMap((r) => r.users) }),
    db().userRole.createMany({
      data: rowsList.flatMap((r) => r.users).map((u) => ({ userId: u.id, role: "citizen" as const })),
    }),
    db().organisation.createMany({ data: rowsList.flatMap((r) => r.organisations) }),
    db().consultation.createMany({ data: rowsList.flatMap((r) => r.consultations) }),
    db().consultationArticle.createMany({ data: rowsList.flatMap((r) => r.articles) }),
    db().submission.createMany({ data: rowsList.flatMap((r) => r.submissions) }),
    // Replies point at comments of the same batch: parents first.
    db().comment.createMany({ data: comments.filter((c) => !c.parentId) }),
    db().comment.createMany({ data: comments.filter((c) => c.parentId) }),
    db().notification.createMany({ data: rowsList.flatMap((r) => r.notifications) }),
  ]);
}

// ───────────────────────────── set-up ─────────────────────────────

let clean: Scenario;
let scenarios: Scenario[];
const twins: Record<string, Profile> = {};

const pages = {
  consultation: (s: Scenario) => `/consultations/${s.slug}`,
  submission: (s: Scenario) => `/submissions/${s.submissionId}`,
  article: (s: Scenario) => `/consultations/${s.slug}/articles/1`,
};

beforeAll(async () => {
  app = await startApp({
    databaseUrl: testDb().url,
    env: { SUBMISSIONS_MAX_PER_HOUR: "100000", COMMENTS_MAX_PER_HOUR: "100000" },
  });
  const staff = await createUser(db(), { roles: ["directorate"], displayName: "Διεύθυνση" });
  const viewer = await createUser(db(), { displayName: "Αναγνώστρια" });
  poster = await createUser(db(), { displayName: "Συντάκτρια" });
  viewerId = viewer.id;
  viewerCookie = `synochi_session=${await createSessionToken(db(), viewer.id)}`;
  posterCookie = `synochi_session=${await createSessionToken(db(), poster.id)}`;

  // The clean twin first: every page as it looks with harmless text, before any payload exists.
  const cleanBuilt = Array.from({ length: 12 }, (_, i) =>
    scenarioRows(`${CLEAN} ${i}`, i, viewer.id, staff.id),
  );
  await insertScenarios(cleanBuilt.map((b) => b.rows));
  clean = cleanBuilt[0].scenario;
  const twinOf = async (path: string, cookie?: string) => profileOf((await get(path, cookie)).html);
  twins.home = await twinOf("/");
  twins.homeSignedIn = await twinOf("/", viewerCookie);
  twins.index = await twinOf("/consultations");
  twins.indexSignedIn = await twinOf("/consultations", viewerCookie);
  twins.consultation = await twinOf(pages.consultation(clean), viewerCookie);
  twins.submission = await twinOf(pages.submission(clean), viewerCookie);
  twins.article = await twinOf(pages.article(clean), viewerCookie);
  twins.notifications = await twinOf("/notifications", viewerCookie);
  twins.login = await twinOf("/login");
  twins.search = mergeProfiles(
    await twinOf(`/search?q=${q("Καθαρό")}`),
    await twinOf(`/search?q=${q("ανύπαρκτηλέξη")}&type=comment`),
    await twinOf(`/search?q=${q("x".repeat(201))}`),
  );
  twins.submitError = await twinOf(`/consultations/${clean.slug}/submit`, posterCookie).then(async () =>
    profileOf(
      (
        await post(
          `/consultations/${clean.slug}/submit`,
          { kind: "proposal", title: "", body: JSON.stringify(textDoc(CLEAN)), bodyFormat: "json" },
          posterCookie,
        )
      ).html,
    ),
  );

  const built = PAYLOADS.map((text, i) => scenarioRows(text, 100 + i, viewer.id, staff.id));
  await insertScenarios(built.map((b) => b.rows));
  scenarios = built.map((b) => b.scenario);
}, 120_000);

afterAll(async () => {
  await app?.stop();
});

// ───────────────────────────── tests ─────────────────────────────

describe("the payload corpus", () => {
  it("has at least 100 distinct payloads, javascript: and data: links among them", () => {
    expect(PAYLOADS.length).toBeGreaterThanOrEqual(100);
    expect(PAYLOADS.some((p) => p.startsWith("javascript:"))).toBe(true);
    expect(PAYLOADS.some((p) => p.startsWith("data:"))).toBe(true);
    expect(xssMarkupPayloads.length + xssUrlPayloads.length).toBe(xssPayloads.length);
  });

  it("is caught by the checks when markup does get through (the checks are not blind)", () => {
    const page = (body: string) =>
      `<!DOCTYPE html><html><head><title>x</title></head><body>${body}</body></html>`;
    const twin = profileOf(page('<p><a href="/x">x</a></p>'));
    expect(problemsOf(page('<p><a href="/x">x</a></p>'), twin)).toEqual([]);
    for (const hostile of [
      "<script>alert(1)</script>",
      '<img src=x onerror="alert(1)">',
      '<a href="javascript:alert(1)">x</a>',
      '<a href="//evil.example/">x</a>',
      '<a href="/x" onclick="alert(1)">x</a>',
      '<p style="background:url(javascript:alert(1))">x</p>',
      "<svg/onload=alert(1)>",
    ]) {
      expect(problemsOf(page(`<p><a href="/x">x</a></p>${hostile}`), twin), hostile).not.toEqual([]);
    }
  });
});

describe("stored payloads", () => {
  it("do not survive as markup on the home page and the consultations index", async () => {
    const problems: string[] = [];
    const titles = scenarios.map((s) => s.text);
    for (const [path, cookie, twin] of [
      ["/", undefined, twins.home],
      ["/", viewerCookie, twins.homeSignedIn],
      ["/consultations", undefined, twins.index],
      ["/consultations", viewerCookie, twins.indexSignedIn],
    ] as const) {
      const page = await get(path, cookie);
      problems.push(...check(`${path}${cookie ? " (signed in)" : ""}`, page, twin));
      if (path === "/consultations") {
        const text = visibleText(page.html);
        for (const title of titles)
          if (!text.includes(norm(title))) problems.push(`${path}: misses ${title}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it(
    "do not survive as markup on consultation, submission and article pages",
    { timeout: 180_000 },
    async () => {
      const results = await inPool(scenarios, async (s) => {
        const byOrganisation = el("submissions.byOrganisation", { name: s.text, organisation: s.text });
        return [
          ...check(
            `consultation ${JSON.stringify(s.text)}`,
            await get(pages.consultation(s), viewerCookie),
            twins.consultation,
            [s.text, byOrganisation],
          ),
          ...check(
            `submission ${JSON.stringify(s.text)}`,
            await get(pages.submission(s), viewerCookie),
            twins.submission,
            [byOrganisation, s.text],
          ),
          ...check(
            `article ${JSON.stringify(s.text)}`,
            await get(pages.article(s), viewerCookie),
            twins.article,
            [el("consultations.article.label", { number: 1, title: s.text })],
          ),
        ];
      });
      expect(results.flat()).toEqual([]);
    },
  );

  it("do not survive as markup in the notifications list", { timeout: 60_000 }, async () => {
    const total = await db().notification.count({ where: { userId: viewerId } });
    const pagesCount = Math.ceil(total / 20);
    const fetched = await inPool(
      Array.from({ length: pagesCount }, (_, i) => i + 1),
      (n) => get(`/notifications?page=${n}`, viewerCookie),
    );
    const problems = fetched.flatMap((page, i) =>
      check(`/notifications?page=${i + 1}`, page, twins.notifications),
    );
    const text = fetched.map((p) => visibleText(p.html)).join(" ");
    for (const s of scenarios) {
      const sentence = el("notifications.types.reply", { actor: s.text, title: s.text });
      if (!text.includes(norm(sentence))) problems.push(`/notifications: misses ${JSON.stringify(sentence)}`);
    }
    expect(problems).toEqual([]);
  });

  it(
    "do not survive as markup in search results and their highlighted snippets",
    { timeout: 120_000 },
    async () => {
      const queries = [
        "alert",
        "script",
        "onerror",
        "javascript",
        "svg",
        "iframe",
        "xss",
        "img",
        "constructor",
      ];
      const types = ["all", "consultation", "article", "submission", "comment"];
      const urls = queries.flatMap((word) =>
        types.flatMap((type) => [1, 2].map((n) => `/search?q=${q(word)}&type=${type}&page=${n}`)),
      );
      const fetched = await inPool(urls, (url) => get(url));
      const problems = fetched.flatMap((page, i) => check(urls[i], page, twins.search));
      // Not vacuous: the payloads are found, and highlighted.
      const alert = fetched[urls.indexOf(`/search?q=alert&type=all&page=1`)];
      expect(alert.html).toContain("<mark>");
      expect(visibleText(alert.html)).toContain("alert(1)");
      expect(problems).toEqual([]);
    },
  );
});

describe("payloads in URL parameters", () => {
  it(
    "are not reflected as markup by any page that reads its query string",
    { timeout: 240_000 },
    async () => {
      const sub = clean.submissionId;
      const results = await inPool(PAYLOADS, async (p) => {
        const v = q(p);
        const label = (path: string) => `${path.split("?")[0]}?… with ${JSON.stringify(p)}`;
        const pagesToCheck: [string, string | undefined, Profile, number[]][] = [
          [`/search?q=${v}`, undefined, twins.search, [200, 400]],
          [`/search?q=alert&type=${v}&page=${v}`, undefined, twins.search, [200, 400]],
          [
            `/consultations?phase=${v}&theme=${v}&group=${v}&unit=${v}&municipality=${v}`,
            undefined,
            twins.index,
            [200],
          ],
          [
            `/consultations/${clean.slug}?sort=${v}&kind=${v}&page=${v}&theme=${v}&group=${v}&municipality=${v}&seed=${v}`,
            viewerCookie,
            twins.consultation,
            [200],
          ],
          [`/submissions/${sub}?sort=${v}&cpage=${v}`, viewerCookie, twins.submission, [200]],
          [
            `/consultations/${clean.slug}/articles/1?sort=${v}&cpage=${v}`,
            viewerCookie,
            twins.article,
            [200],
          ],
          [`/notifications?page=${v}`, viewerCookie, twins.notifications, [200]],
          [`/?notice=${v}`, undefined, twins.home, [200]],
          [`/login?redirectTo=${v}`, undefined, twins.login, [200]],
        ];
        const problems: string[] = [];
        for (const [path, cookie, twin, ok] of pagesToCheck) {
          const page = await get(path, cookie);
          // A filled list differs from the clean one only in its items; the index lists every consultation.
          problems.push(...check(label(path), page, twin, [], ok));
        }
        // JSON endpoints answer JSON (never HTML a browser would render), whatever they are given.
        for (const path of [
          `/api/similar?consultation=${clean.consultationId}&q=${v}&exclude=${v}`,
          `/api/similar?consultation=${v}&q=${v}`,
          `/consultations/${clean.slug}/updates?since=${v}&submission=${v}`,
        ]) {
          const page = await get(path);
          if (!page.type.startsWith("application/json"))
            problems.push(`${label(path)}: content type ${page.type}`);
          if (page.status >= 500) problems.push(`${label(path)}: status ${page.status}`);
        }
        return problems;
      });
      expect(results.flat()).toEqual([]);
    },
  );
});

describe("payloads through the real forms", () => {
  it(
    "as submission titles and rich-text bodies, comments and display names",
    { timeout: 120_000 },
    async () => {
      const problems: string[] = [];
      // Titles: what the title rules accept (5–200 characters) and free of control characters.
      const titles = xssMarkupPayloads
        .filter((p) => p.trim().length >= 5 && p.trim().length <= 200 && !/[\u0000-\u001f]/.test(p))
        .slice(0, 15);
      expect(titles.length).toBe(15);
      for (const title of titles) {
        const res = await post(
          `/consultations/${clean.slug}/submit`,
          { kind: "proposal", title, body: JSON.stringify(textDoc(title)), bodyFormat: "json" },
          posterCookie,
        );
        if (res.status !== 302 || !res.location?.startsWith("/submissions/")) {
          problems.push(`posting ${JSON.stringify(title)}: status ${res.status} → ${res.location}`);
          continue;
        }
        const path = res.location.split("?")[0];
        problems.push(
          ...check(`posted ${JSON.stringify(title)}`, await get(path, viewerCookie), twins.submission, [
            title.trim(),
          ]),
        );
      }

      // Comments on a clean submission and on a clean article, posted the way a form without JavaScript does.
      const comments = xssMarkupPayloads.filter((p) => !/[\u0000-\u001f]/.test(p)).slice(15, 30);
      for (const [i, body] of comments.entries()) {
        const target = i % 2 === 0 ? pages.submission(clean) : pages.article(clean);
        const res = await post(
          target,
          { intent: "comment", formId: "new", body, alignment: "against" },
          posterCookie,
        );
        if (res.status !== 200) problems.push(`commenting ${JSON.stringify(body)}: status ${res.status}`);
        problems.push(
          ...check(
            `after commenting ${JSON.stringify(body)}`,
            res,
            i % 2 === 0 ? twins.submission : twins.article,
          ),
        );
      }
      for (const [path, twin] of [
        [pages.submission(clean), twins.submission],
        [pages.article(clean), twins.article],
      ] as const) {
        const expected = comments.filter((_, i) => (i % 2 === 0) === (path === pages.submission(clean)));
        problems.push(
          ...check(
            `${path} with posted comments`,
            await get(path, viewerCookie),
            twin,
            expected.map((c) => c.trim()),
          ),
        );
      }

      // Display names: the account form refuses <>{}; what it accepts is shown next to a comment.
      const names = PAYLOADS.filter((p) => /^[^<>{}\u0000-\u001f]{2,50}$/u.test(p.trim())).slice(0, 6);
      expect(names.length).toBeGreaterThanOrEqual(4);
      for (const name of names) {
        const user = await createUser(db(), { displayName: "Προσωρινό όνομα" });
        const cookie = `synochi_session=${await createSessionToken(db(), user.id)}`;
        const saved = await post(
          "/account",
          { intent: "profile", displayName: name, locale: "el", digest: "daily" },
          cookie,
        );
        if (saved.status !== 302) {
          problems.push(`display name ${JSON.stringify(name)}: status ${saved.status}`);
          continue;
        }
        await post(
          pages.submission(clean),
          { intent: "comment", formId: "new", body: "Σχόλιο", alignment: "neutral" },
          cookie,
        );
      }
      problems.push(
        ...check(
          `${pages.submission(clean)} with hostile display names`,
          await get(pages.submission(clean), viewerCookie),
          twins.submission,
          names.map((n) => n.trim()),
        ),
      );
      expect(problems).toEqual([]);
    },
  );

  it(
    "refuses rich text with javascript:, data: and other non-http links, in Greek, keeping what was typed",
    { timeout: 120_000 },
    async () => {
      const problems: string[] = [];
      let refused = 0;
      for (const [i, href] of xssUrlPayloads.entries()) {
        const title = `Σύνδεσμος σε κατάθεση ${i}`;
        const text = `Δείτε εδώ τον οδηγό αριθμός ${i}.`;
        const res = await post(
          `/consultations/${clean.slug}/submit`,
          { kind: "proposal", title, body: JSON.stringify(textDoc(text, href)), bodyFormat: "json" },
          posterCookie,
        );
        const label = `link ${JSON.stringify(href)}`;
        const allowedScheme = /^(https?|mailto):/i.test(stripped(href));
        if (res.status === 400) {
          refused++;
          problems.push(...check(label, res, twins.submitError, [el("editor.errors.badLink"), text], [400]));
          // The title typed comes back in its field.
          const titleInput = tokenizeHtml(res.html).find(
            (t) =>
              t.kind === "tag" &&
              t.name === "input" &&
              t.attrs.some(([n, v]) => n === "name" && v === "title"),
          );
          const value =
            titleInput?.kind === "tag" ? titleInput.attrs.find(([n]) => n === "value")?.[1] : undefined;
          if (value !== title) problems.push(`${label}: title field holds ${JSON.stringify(value)}`);
          if ((await db().submission.count({ where: { title } })) !== 0)
            problems.push(`${label}: stored anyway`);
        } else if (res.status === 302 && allowedScheme) {
          // An http(s) or mailto link is fine; what the page then shows must still be safe.
          problems.push(
            ...check(label, await get(res.location!.split("?")[0], viewerCookie), twins.submission, [text]),
          );
        } else {
          problems.push(
            `${label}: status ${res.status}${allowedScheme ? "" : " (a link that is not http(s)/mailto must be refused)"}`,
          );
        }
      }
      expect(problems).toEqual([]);
      expect(refused).toBeGreaterThanOrEqual(
        xssUrlPayloads.filter((h) => /^(javascript|data|vbscript):/i.test(stripped(h))).length,
      );
    },
  );
});
