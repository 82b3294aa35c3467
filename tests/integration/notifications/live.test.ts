/**
 * On the real app and worker: a notification written by the notify handler (here in the test process, and
 * through the outbox, relay and worker) reaches the recipient's open socket as `notification:new`, and no one
 * else's; POST /follow with and without JavaScript; the /notifications page and its actions.
 */
import { io, type Socket } from "socket.io-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { addOutboxEvent } from "~/domain/outbox/outbox.server.ts";
import { isFollowing } from "~/domain/notifications/notifications.server.ts";
import el from "~/i18n/areas/notifications.el.json";
import { closePublisher } from "~/realtime/publish.server.ts";
import { newId } from "~/utils/ids.ts";
import { handleNotifyJob } from "../../../workers/notify.ts";
import { useTestDatabase } from "../../helpers/db.ts";
import { createSessionToken, createUser } from "../../helpers/factories.ts";
import { useTestRedis } from "../../helpers/redis.ts";
import { startApp, startWorker, type RunningApp, type RunningWorker } from "../../helpers/server.ts";
import { createComment, createConsultation, createSubmission } from "./fixtures.ts";

const testDb = useTestDatabase();
const testRedis = useTestRedis();
const prisma = () => testDb().prisma;

let app: RunningApp;
let worker: RunningWorker | undefined;
const sockets: Socket[] = [];

beforeAll(async () => {
  // The handler publishes through Redis with the app's prefix (startApp uses this file's prefix too).
  Object.assign(process.env, {
    NODE_ENV: "test",
    DATABASE_URL: testDb().url,
    REDIS_URL: testRedis.url,
    REDIS_PREFIX: testRedis.prefix,
  });
  app = await startApp({ databaseUrl: testDb().url });
});

afterEach(() => {
  for (const socket of sockets.splice(0)) socket.disconnect();
});

afterAll(async () => {
  closePublisher();
  await worker?.stop();
  await app?.stop();
});

async function signedInUser(displayName?: string) {
  const { id, email } = await createUser(prisma(), { displayName });
  return { id, email, session: await createSessionToken(prisma(), id) };
}

function connect(session: string): Socket {
  const socket = io(app.url, {
    transports: ["websocket"],
    extraHeaders: { Cookie: `synochi_session=${session}` },
    reconnection: false,
    forceNew: true,
    timeout: 5_000,
  });
  sockets.push(socket);
  return socket;
}

/** Resolves once the server has told the socket who it is (it has joined its user room by then). */
function ready(socket: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("No session:whoami within 5 s")), 5_000);
    socket.once("session:whoami", () => {
      clearTimeout(timer);
      resolve();
    });
    socket.once("connect_error", (error: Error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

type NewNotification = { id: string; type: string; unread: number };

function collect(socket: Socket): NewNotification[] {
  const received: NewNotification[] = [];
  socket.on("notification:new", (payload: NewNotification) => received.push(payload));
  return received;
}

async function waitFor<T>(check: () => T | undefined | false, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error("Timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function submissionWithAuthor() {
  const staff = await createUser(prisma(), { roles: ["directorate"] });
  const author = await signedInUser("Άννα");
  const consultation = await createConsultation(prisma(), { createdById: staff.id });
  const submission = await createSubmission(prisma(), {
    consultationId: consultation.id,
    authorId: author.id,
    title: "Κοινωνικές κατοικίες",
  });
  return { author, consultation, submission };
}

// ───────────────────────────── live delivery ─────────────────────────────

describe("live delivery", () => {
  it("delivers notification:new with the unread count to the recipient's socket only", async () => {
    const { author, submission } = await submissionWithAuthor();
    const commenter = await signedInUser("Βασίλης");
    const authorSocket = connect(author.session);
    const commenterSocket = connect(commenter.session);
    await Promise.all([ready(authorSocket), ready(commenterSocket)]);
    const forAuthor = collect(authorSocket);
    const forCommenter = collect(commenterSocket);

    const first = await createComment(prisma(), { authorId: commenter.id, submissionId: submission.id });
    const [created] = await handleNotifyJob(prisma(), "comment.created", { commentId: first.id });
    await waitFor(() => forAuthor.length === 1);
    expect(forAuthor[0]).toEqual({ id: created.id, type: "comment_on_yours", unread: 1 });

    const second = await createComment(prisma(), { authorId: commenter.id, submissionId: submission.id });
    await handleNotifyJob(prisma(), "comment.created", { commentId: second.id });
    await waitFor(() => forAuthor.length === 2);
    expect(forAuthor[1].unread).toBe(2);

    // Running a job again delivers nothing new.
    await handleNotifyJob(prisma(), "comment.created", { commentId: second.id });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(forAuthor).toHaveLength(2);
    expect(forCommenter).toEqual([]);
  });

  it("goes from an outbox event through the relay and the notify worker to the socket", async () => {
    worker = await startWorker({ databaseUrl: testDb().url });
    const { author, submission } = await submissionWithAuthor();
    const commenter = await signedInUser();
    const socket = connect(author.session);
    await ready(socket);
    const received = collect(socket);

    const comment = await createComment(prisma(), { authorId: commenter.id, submissionId: submission.id });
    await prisma().$transaction((tx) =>
      addOutboxEvent(tx, {
        key: `notify:comment-created:${comment.id}`,
        queue: "notify",
        name: "comment.created",
        payload: { commentId: comment.id },
      }),
    );
    await waitFor(() => received.length === 1, 15_000);
    expect(received[0]).toMatchObject({ type: "comment_on_yours", unread: 1 });
    expect(await prisma().notification.count({ where: { userId: author.id } })).toBe(1);
  });
});

// ───────────────────────────── HTTP ─────────────────────────────

async function csrfToken(): Promise<string> {
  const res = await fetch(`${app.url}/terms`, { redirect: "manual" });
  await res.arrayBuffer();
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith("synochi_csrf="));
  if (!cookie) throw new Error("No CSRF cookie");
  return cookie.split(";")[0].slice("synochi_csrf=".length);
}

async function post(path: string, fields: Record<string, string>, session?: string) {
  const token = await csrfToken();
  const cookies = [`synochi_csrf=${token}`, ...(session ? [`synochi_session=${session}`] : [])];
  return fetch(`${app.url}${path}`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: cookies.join("; ") },
    body: new URLSearchParams({ _csrf: token, ...fields }),
  });
}

function get(path: string, session?: string) {
  return fetch(`${app.url}${path}`, {
    redirect: "manual",
    headers: session ? { Cookie: `synochi_session=${session}` } : {},
  });
}

describe("POST /follow", () => {
  it("follows and unfollows without JavaScript, redirecting back with a notice", async () => {
    const { consultation } = await submissionWithAuthor();
    const u = await signedInUser();
    const target = { targetType: "consultation", targetId: consultation.id };
    const back = `/consultations/${consultation.slug}?sort=newest&notice=old`;

    const followed = await post("/follow", { ...target, intent: "follow", redirectTo: back }, u.session);
    expect(followed.status).toBe(302);
    expect(followed.headers.get("location")).toBe(
      `/consultations/${consultation.slug}?sort=newest&notice=followed`,
    );
    expect(await isFollowing(prisma(), u.id, target)).toBe(true);

    const unfollowed = await post("/follow", { ...target, intent: "unfollow", redirectTo: back }, u.session);
    expect(unfollowed.headers.get("location")).toBe(
      `/consultations/${consultation.slug}?sort=newest&notice=unfollowed`,
    );
    expect(await isFollowing(prisma(), u.id, target)).toBe(false);
  });

  it("answers a fetcher with data instead of a redirect", async () => {
    const { submission } = await submissionWithAuthor();
    const u = await signedInUser();
    const res = await post(
      "/follow.data",
      { targetType: "submission", targetId: submission.id, intent: "follow", mode: "fetch", redirectTo: "/" },
      u.session,
    );
    const body = await res.text();
    expect(res.status).toBe(200);
    expect(body).toContain("following");
    expect(await isFollowing(prisma(), u.id, { targetType: "submission", targetId: submission.id })).toBe(
      true,
    );
  });

  it("never redirects off-site", async () => {
    const { consultation } = await submissionWithAuthor();
    const u = await signedInUser();
    const res = await post(
      "/follow",
      {
        targetType: "consultation",
        targetId: consultation.id,
        intent: "follow",
        redirectTo: "//evil.example/x",
      },
      u.session,
    );
    expect(res.headers.get("location")).toBe("/?notice=followed");
  });

  it("sends a visitor to log in, then back to the page they were on", async () => {
    const { consultation } = await submissionWithAuthor();
    const back = `/consultations/${consultation.slug}`;
    const res = await post("/follow", {
      targetType: "consultation",
      targetId: consultation.id,
      intent: "follow",
      redirectTo: back,
    });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`/login?redirectTo=${encodeURIComponent(back)}`);
  });

  it("explains a refused follow in the reader's language, with a link back", async () => {
    const u = await signedInUser();
    const res = await post(
      "/follow",
      { targetType: "consultation", targetId: newId(), intent: "follow", redirectTo: "/consultations" },
      u.session,
    );
    const html = await res.text();
    expect(res.status).toBe(404);
    expect(html).toContain(el.notifications.errors.targetNotFound);
    expect(html).toContain('href="/consultations"');

    const bad = await post(
      "/follow",
      { targetType: "user", targetId: "x", intent: "follow", redirectTo: "/" },
      u.session,
    );
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain(el.notifications.errors.invalidTarget);
  });

  it("is refused without the CSRF field", async () => {
    const u = await signedInUser();
    const token = await csrfToken();
    const res = await fetch(`${app.url}/follow`, {
      method: "POST",
      redirect: "manual",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        Cookie: `synochi_csrf=${token}; synochi_session=${u.session}`,
      },
      body: new URLSearchParams({ targetType: "consultation", targetId: newId(), intent: "follow" }),
    });
    await res.arrayBuffer();
    expect(res.status).toBe(403);
  });
});

describe("/notifications", () => {
  it("sends a visitor to log in", async () => {
    const res = await get("/notifications");
    await res.arrayBuffer();
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/login?redirectTo=%2Fnotifications");
  });

  it("lists notifications without marking them read; marks all read on request; saves the digest choice", async () => {
    const { author, submission } = await submissionWithAuthor();
    const commenter = await signedInUser("Βασίλης");
    const comment = await createComment(prisma(), { authorId: commenter.id, submissionId: submission.id });
    await handleNotifyJob(prisma(), "comment.created", { commentId: comment.id });

    const page = await get("/notifications", author.session);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain("Βασίλης σχολίασε την κατάθεσή σας «Κοινωνικές κατοικίες»");
    expect(html).toContain(`href="/submissions/${submission.id}#comment-${comment.id}"`);
    expect(html).toContain(el.notifications.list.markAllRead);
    expect(await prisma().notification.count({ where: { userId: author.id, readAt: null } })).toBe(1);

    const readAll = await post("/notifications", { intent: "readAll" }, author.session);
    expect(readAll.status).toBe(200);
    expect(await readAll.text()).toContain(el.notifications.list.markedAllRead);
    expect(await prisma().notification.count({ where: { userId: author.id, readAt: null } })).toBe(0);

    const digest = await post("/notifications", { intent: "digest", digest: "none" }, author.session);
    expect(digest.status).toBe(200);
    expect(await digest.text()).toContain(el.notifications.digest.saved);
    expect((await prisma().user.findUniqueOrThrow({ where: { id: author.id } })).digest).toBe("none");

    const bad = await post("/notifications", { intent: "digest", digest: "hourly" }, author.session);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain(el.notifications.errors.invalidDigest);
  });

  it("shows an empty state", async () => {
    const u = await signedInUser();
    const html = await (await get("/notifications", u.session)).text();
    expect(html).toContain(el.notifications.list.empty);
  });
});
