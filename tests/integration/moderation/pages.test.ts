/**
 * The moderation pages on the real server: the queue refuses citizens, a moderator claims a flagged
 * submission and hides it through the plain HTML forms (CSRF token from the cookie), the log and the public
 * transparency page show it, and the flag route refuses a second flag by the same person in Greek.
 */
import { io, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closePublisher } from "~/realtime/publish.server.ts";
import type { CurrentUser } from "~/domain/accounts/auth.server.ts";
import { newId } from "~/utils/ids.ts";
import moderationEl from "~/i18n/areas/moderation.el.json";
import { expectNoAxeViolations, newPage, useBrowser } from "../../helpers/browser.ts";
import { useTestDatabase } from "../../helpers/db.ts";
import { createSessionToken } from "../../helpers/factories.ts";
import { redisPrefix, redisUrl, useTestRedis } from "../../helpers/redis.ts";
import { startApp, type RunningApp } from "../../helpers/server.ts";
import { appeal } from "~/domain/moderation/moderation.server.ts";
import { makeActor, makeConsultation, makeSubmission, setEnv } from "./fixtures.ts";

const testDb = useTestDatabase();
useTestRedis();
const browser = useBrowser();

const FORM = "application/x-www-form-urlencoded";
const el = moderationEl.moderation;
let app: RunningApp;
let moderator: CurrentUser;
let citizen: CurrentUser;
let flagger: CurrentUser;
let submissionId: string;
/** Flagged in the live test, claimed for the axe check (so the action forms are on the page). */
let secondId: string;
/** Flagged up front; a second moderator claims it while the first watches the queue in chromium. */
let thirdId: string;
let otherModerator: CurrentUser;
let author: CurrentUser;
let consultationId: string;

type Cookies = Record<string, string>;
const cookieHeader = (cookies: Cookies) =>
  Object.entries(cookies)
    .map(([k, v]) => `${k}=${v}`)
    .join("; ");

/** Text as React writes it into HTML. */
const html = (text: string) =>
  text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#x27;");

async function csrfToken(): Promise<string> {
  const res = await fetch(`${app.url}/terms`, { redirect: "manual" });
  await res.arrayBuffer();
  for (const raw of res.headers.getSetCookie()) {
    const m = /^synochi_csrf=([^;]+)/.exec(raw);
    if (m) return m[1];
  }
  throw new Error("No synochi_csrf cookie set");
}

async function sessionOf(user: CurrentUser): Promise<Cookies> {
  return {
    synochi_session: await createSessionToken(testDb().prisma, user.id),
    synochi_csrf: await csrfToken(),
  };
}

const get = (path: string, cookies: Cookies = {}) =>
  fetch(`${app.url}${path}`, { redirect: "manual", headers: { Cookie: cookieHeader(cookies) } });

function post(path: string, cookies: Cookies, fields: [string, string][]) {
  const body = new URLSearchParams([["_csrf", cookies.synochi_csrf ?? ""], ...fields]);
  return fetch(`${app.url}${path}`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": FORM, Cookie: cookieHeader(cookies) },
    body,
  });
}

beforeAll(async () => {
  setEnv(testDb().url, { url: redisUrl, prefix: redisPrefix });
  const db = testDb().prisma;
  const directorate = await makeActor(db, ["directorate"]);
  moderator = await makeActor(db, ["citizen", "moderator"]);
  citizen = await makeActor(db);
  flagger = await makeActor(db);
  author = await makeActor(db);
  consultationId = await makeConsultation(db, directorate.id);
  submissionId = await makeSubmission(db, author, consultationId);
  secondId = await makeSubmission(db, author, consultationId);
  thirdId = await makeSubmission(db, author, consultationId);
  otherModerator = await makeActor(db, ["citizen", "moderator"]);
  await db.user.update({ where: { id: otherModerator.id }, data: { displayName: "Δήμητρα Επόπτρια" } });
  app = await startApp({ databaseUrl: testDb().url });
});

afterAll(async () => {
  await app?.stop();
  closePublisher();
});

describe("moderation pages", () => {
  it("refuses citizens the queue and the log", async () => {
    const cookies = await sessionOf(citizen);
    for (const path of ["/moderation", "/moderation/log"]) {
      const res = await get(path, cookies);
      await res.arrayBuffer();
      expect(res.status, path).toBe(403);
    }
  });

  it("takes a flag once and refuses a second one with the localised message", async () => {
    const cookies = await sessionOf(flagger);
    const fields: [string, string][] = [
      ["targetType", "submission"],
      ["targetId", submissionId],
      ["reason", "offensive"],
    ];
    const first = await post("/flag", cookies, fields);
    expect(first.status).toBe(200);
    expect(await first.text()).toContain(html(el.flag.sent));
    const second = await post("/flag", cookies, fields);
    expect(second.status).toBeGreaterThanOrEqual(400);
    expect(await second.text()).toContain(html(el.errors.alreadyFlagged));
    // "Other" needs an explanation: the field error comes back in Greek.
    const other = await post("/flag", await sessionOf(citizen), [
      ["targetType", "submission"],
      ["targetId", submissionId],
      ["reason", "other"],
    ]);
    expect(other.status).toBe(400);
    expect(await other.text()).toContain(html(el.errors.textRequired));
  });

  it("lets a moderator claim the flagged submission and hide it through the forms", async () => {
    const cookies = await sessionOf(moderator);
    const title = (await testDb().prisma.submission.findUniqueOrThrow({ where: { id: submissionId } })).title;
    const queue = await get("/moderation", cookies);
    expect(queue.status).toBe(200);
    const page = await queue.text();
    expect(page).toContain(html(title));
    expect(page).toContain(html(el.queue.unclaimed));

    const item: [string, string][] = [
      ["targetType", "submission"],
      ["targetId", submissionId],
    ];
    const claim = await post("/moderation", cookies, [...item, ["intent", "claim"]]);
    expect(claim.status).toBe(302);
    expect(claim.headers.get("location")).toContain("notice=claim");
    const claimed = await (await get("/moderation", cookies)).text();
    expect(claimed).toContain(html(el.queue.hide));

    // Without a rule the hide is refused, in Greek, with the typed message kept.
    const message = "Παραβίαση του κανόνα 3 των όρων χρήσης.";
    const refused = await post("/moderation", cookies, [...item, ["intent", "hide"], ["message", message]]);
    expect(refused.status).toBe(400);
    const refusedPage = await refused.text();
    expect(refusedPage).toContain(html(el.errors.invalidReasonCode));
    expect(refusedPage).toContain(html(message));

    const hide = await post("/moderation", cookies, [
      ...item,
      ["intent", "hide"],
      ["reasonCode", "offensive"],
      ["message", message],
    ]);
    expect(hide.status).toBe(302);
    const after = await testDb().prisma.submission.findUniqueOrThrow({ where: { id: submissionId } });
    expect(after.status).toBe("hidden");

    // Without a CSRF token nothing happens.
    const forged = await fetch(`${app.url}/moderation`, {
      method: "POST",
      redirect: "manual",
      headers: { "Content-Type": FORM, Cookie: cookieHeader(cookies) },
      body: new URLSearchParams([...item, ["intent", "release"]]),
    });
    await forged.arrayBuffer();
    expect(forged.status).toBe(403);

    const log = await get("/moderation/log?action=hide", cookies);
    expect(log.status).toBe(200);
    const logPage = await log.text();
    expect(logPage).toContain(html(message));
    const badFilter = await (await get("/moderation/log?from=notadate", cookies)).text();
    expect(badFilter).toContain(html(el.errors.invalidFilter));
  });

  it("approves a pending submission and lets a second moderator decide an appeal", async () => {
    const db = testDb().prisma;
    await db.consultation.update({ where: { id: consultationId }, data: { preModeration: true } });
    const pendingId = await makeSubmission(db, author, consultationId);
    await db.consultation.update({ where: { id: consultationId }, data: { preModeration: false } });
    expect((await db.submission.findUniqueOrThrow({ where: { id: pendingId } })).status).toBe(
      "pending_review",
    );
    const cookies = await sessionOf(moderator);
    const item: [string, string][] = [
      ["targetType", "submission"],
      ["targetId", pendingId],
      ["anchor", `pending-${pendingId}`],
    ];
    expect((await post("/moderation", cookies, [...item, ["intent", "claim"]])).status).toBe(302);
    const approve = await post("/moderation", cookies, [
      ...item,
      ["intent", "approve"],
      ["reasonCode", "approved"],
    ]);
    expect(approve.status).toBe(302);
    expect(approve.headers.get("location")).toBe(`/moderation?notice=approve#pending-${pendingId}`);
    expect((await db.submission.findUniqueOrThrow({ where: { id: pendingId } })).status).toBe("published");

    // The author appeals the hide; the moderator who hid it may not decide, another one may.
    const hideAction = await db.moderationAction.findFirstOrThrow({
      where: { action: "hide", targetId: submissionId },
    });
    const { appealId } = await appeal(db, author, {
      actionId: hideAction.id,
      text: "Η πρότασή μου δεν προσβάλλει κανέναν.",
    });
    const own = await (await get("/moderation", cookies)).text();
    expect(own).toContain(html(el.queue.ownDecision));
    const other = await sessionOf(otherModerator);
    const decision: [string, string][] = [
      ["targetType", "appeal"],
      ["targetId", appealId],
      ["intent", "decide"],
    ];
    const missing = await post("/moderation", other, [...decision, ["reason", "Έλεγχος"]]);
    expect(missing.status).toBe(400);
    const missingPage = await missing.text();
    expect(missingPage).toContain(html(el.errors.invalidDecision));
    expect(missingPage).toContain("Έλεγχος");
    const decided = await post("/moderation", other, [
      ...decision,
      ["uphold", "true"],
      ["reason", "Η τοποθέτηση δεν παραβιάζει τους όρους."],
    ]);
    expect(decided.status).toBe(302);
    expect((await db.appeal.findUniqueOrThrow({ where: { id: appealId } })).status).toBe("upheld");
    expect((await db.submission.findUniqueOrThrow({ where: { id: submissionId } })).status).toBe("published");
  });

  it("shows public transparency counts to visitors", async () => {
    const res = await get("/transparency");
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain(html(el.transparency.byAction));
    expect(page).toMatch(new RegExp(`${el.actions.hide}</th><td>1</td>`));
    expect(page).toMatch(new RegExp(`${html(el.flagReasons.offensive)}</th><td>1</td>`));
  });

  it("lets only moderators join the live room, and tells them about a new flag", async () => {
    const connect = async (user: CurrentUser) => {
      const { synochi_session } = await sessionOf(user);
      const socket = io(app.url, {
        transports: ["websocket"],
        extraHeaders: { Cookie: `synochi_session=${synochi_session}` },
        reconnection: false,
        forceNew: true,
      });
      await new Promise<void>((resolve, reject) => {
        socket.once("connect", resolve);
        socket.once("connect_error", reject);
      });
      return socket;
    };
    const join = (socket: Socket) =>
      new Promise<boolean>((resolve) =>
        socket.emit("room:join", { room: "moderation" }, (r: { ok: boolean }) => resolve(r.ok)),
      );
    const modSocket = await connect(moderator);
    const citizenSocket = await connect(citizen);
    try {
      expect(await join(citizenSocket)).toBe(false);
      expect(await join(modSocket)).toBe(true);
      const changed = new Promise<{ targetType: string; targetId: string }>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("No moderation:changed within 5 s")), 5_000);
        modSocket.once("moderation:changed", (payload: { targetType: string; targetId: string }) => {
          clearTimeout(timer);
          resolve(payload);
        });
      });
      let citizenHeard = false;
      citizenSocket.on("moderation:changed", () => (citizenHeard = true));
      const flag = await post("/flag", await sessionOf(flagger), [
        ["targetType", "submission"],
        ["targetId", secondId],
        ["reason", "spam"],
      ]);
      expect(flag.status).toBe(200);
      await flag.arrayBuffer();
      expect(await changed).toEqual({ targetType: "submission", targetId: secondId });
      expect(citizenHeard).toBe(false);
    } finally {
      modSocket.disconnect();
      citizenSocket.disconnect();
    }
  });

  it("has no axe violations on the queue, the log and the transparency page", async () => {
    const cookies = await sessionOf(moderator);
    // A claimed item puts the rule select, the message and the action buttons on the queue page.
    const claim = await post("/moderation", cookies, [
      ["targetType", "submission"],
      ["targetId", secondId],
      ["intent", "claim"],
    ]);
    expect(claim.status).toBe(302);
    const page = await newPage(browser());
    await page
      .context()
      .addCookies(Object.entries(cookies).map(([name, value]) => ({ name, value, url: app.url })));
    for (const path of ["/moderation", "/moderation/log", "/transparency"]) {
      const res = await page.goto(`${app.url}${path}`);
      expect(res?.status(), path).toBe(200);
      if (path === "/moderation") await page.getByRole("button", { name: el.queue.hide }).waitFor();
      await expectNoAxeViolations(page, path);
    }
    await page.context().close();
  });

  it("shows a claim by another moderator live, and announces it", async () => {
    const db = testDb().prisma;
    await db.flag.create({
      data: {
        id: newId(),
        targetType: "submission",
        targetId: thirdId,
        reason: "spam",
        reporterId: citizen.id,
      },
    });
    const cookies = await sessionOf(moderator);
    const page = await newPage(browser(), { locale: "el-GR" });
    await page
      .context()
      .addCookies(Object.entries(cookies).map(([name, value]) => ({ name, value, url: app.url })));
    await page.goto(`${app.url}/moderation`);
    await page.waitForFunction(
      () =>
        document.readyState === "complete" &&
        !!(window as unknown as { __remixRouter?: unknown }).__remixRouter,
    );
    const card = page.locator(`#submission-${thirdId}`);
    await card.getByText(el.queue.unclaimed).waitFor();
    const other = await sessionOf(otherModerator);
    // The socket joins the room just after hydration: renew the claim until the page has heard of it.
    await expect
      .poll(
        async () => {
          const res = await post("/moderation", other, [
            ["targetType", "submission"],
            ["targetId", thirdId],
            ["intent", "claim"],
          ]);
          await res.arrayBuffer();
          return card.getByText(/Δήμητρα Επόπτρια/).count();
        },
        { timeout: 10_000, interval: 300 },
      )
      .toBeGreaterThan(0);
    await page.getByRole("status").filter({ hasText: el.queue.changed }).waitFor();
    // Locked to the other moderator: no claim button and no action forms on that card.
    expect(await card.getByRole("button", { name: el.queue.claim }).count()).toBe(0);
    expect(await card.getByRole("button", { name: el.queue.hide }).count()).toBe(0);
    await page.context().close();
  });
});
