/**
 * The analysis pipeline on the real app and worker processes: a submission saved with its outbox event is
 * analysed and `analysis:updated` reaches a socket in the consultation's room; a job that fails is shown on
 * /admin/queues with its error and is retried from there; the page and its actions are for admins only;
 * the reconciler, run from the page, analyses what has no analysis.
 */
import { Queue } from "bullmq";
import { io, type Socket } from "socket.io-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { defaultJobOptions, jobIdForKey } from "~/jobs/queues.server.ts";
import { rooms } from "~/realtime/rooms.ts";
import { useTestDatabase } from "../../helpers/db.ts";
import { createSessionToken, createUser } from "../../helpers/factories.ts";
import { createRedis, useTestRedis } from "../../helpers/redis.ts";
import { startApp, startWorker, type RunningApp, type RunningWorker } from "../../helpers/server.ts";
import { editSubmission, postSubmission, seedWorld, TEXTS, type PipelineWorld } from "./pipeline-fixtures.ts";

const testDb = useTestDatabase();
const testRedis = useTestRedis();
const prisma = () => testDb().prisma;

let app: RunningApp;
let worker: RunningWorker;
let world: PipelineWorld;
let queue: Queue;
const sockets: Socket[] = [];

type Cookies = Record<string, string>;
const FORM = "application/x-www-form-urlencoded";
const cookieHeader = (cookies: Cookies) =>
  Object.entries(cookies)
    .map(([k, v]) => `${k}=${v}`)
    .join("; ");

async function csrfToken(): Promise<string> {
  const res = await fetch(`${app.url}/terms`, { redirect: "manual" });
  await res.arrayBuffer();
  for (const raw of res.headers.getSetCookie()) {
    const m = /^synochi_csrf=([^;]+)/.exec(raw);
    if (m) return m[1];
  }
  throw new Error("No synochi_csrf cookie set");
}

async function signIn(roles: ("citizen" | "moderator" | "directorate" | "admin")[]): Promise<Cookies> {
  const { id } = await createUser(prisma(), { roles });
  return { synochi_session: await createSessionToken(prisma(), id), synochi_csrf: await csrfToken() };
}

const get = (path: string, cookies: Cookies = {}) =>
  fetch(`${app.url}${path}`, { redirect: "manual", headers: { Cookie: cookieHeader(cookies) } });

const post = (path: string, cookies: Cookies, fields: [string, string][]) =>
  fetch(`${app.url}${path}`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": FORM, Cookie: cookieHeader(cookies) },
    body: new URLSearchParams([["_csrf", cookies.synochi_csrf ?? ""], ...fields]),
  });

async function waitFor<T>(check: () => Promise<T | undefined | false> | T | undefined | false, ms = 20_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error("Timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const analysisOf = (submissionId: string, version: number) =>
  prisma().submissionAnalysis.findUnique({
    where: { submissionId_submissionVersion: { submissionId, submissionVersion: version } },
  });

beforeAll(async () => {
  world = await seedWorld(prisma());
  [app, worker] = await Promise.all([
    startApp({ databaseUrl: testDb().url }),
    startWorker({ databaseUrl: testDb().url }),
  ]);
  queue = new Queue("analysis", { connection: createRedis(), prefix: testRedis.prefix, defaultJobOptions });
}, 120_000);

afterEach(() => {
  for (const socket of sockets.splice(0)) socket.disconnect();
});

afterAll(async () => {
  await queue?.close();
  await Promise.all([app?.stop(), worker?.stop()]);
});

describe("from the outbox to an open page", () => {
  it("analyses a saved submission and tells the consultation's room", async () => {
    const socket = io(app.url, { transports: ["websocket"], reconnection: false, forceNew: true });
    sockets.push(socket);
    const updates: { submissionId: string; consultationId: string; version: number }[] = [];
    socket.on("analysis:updated", (payload: (typeof updates)[number]) => updates.push(payload));
    await new Promise<void>((resolve, reject) => {
      socket.once("connect_error", reject);
      socket.emit("room:join", { room: rooms.consultation(world.consultationId) }, (ack: { ok: boolean }) =>
        ack.ok ? resolve() : reject(new Error("room:join refused")),
      );
    });

    const s = await postSubmission(prisma(), world, { text: TEXTS[1] });
    const update = await waitFor(() => updates.find((u) => u.submissionId === s.id), 60_000);
    expect(update).toEqual({ submissionId: s.id, consultationId: world.consultationId, version: 1 });
    const row = await analysisOf(s.id, 1);
    expect(row?.modelVersion).toMatch(/\S/);

    // An edit is analysed again, as version 2.
    await editSubmission(prisma(), s.id, TEXTS[5]);
    await waitFor(() => updates.find((u) => u.submissionId === s.id && u.version === 2));
    expect(await prisma().submissionAnalysis.count({ where: { submissionId: s.id } })).toBe(2);
  }, 90_000);
});

describe("/admin/queues", () => {
  it("is for admins only, on the page and its actions", async () => {
    const anonymous = await get("/admin/queues");
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get("location")).toMatch(/^\/login/);
    for (const roles of [["citizen"], ["citizen", "moderator"], ["citizen", "directorate"]] as const) {
      const cookies = await signIn([...roles]);
      expect((await get("/admin/queues", cookies)).status).toBe(403);
      for (const intent of ["retryAll", "retrain", "reconcile"]) {
        expect((await post("/admin/queues", cookies, [["intent", intent]])).status).toBe(403);
      }
    }
    const admin = await signIn(["citizen", "admin"]);
    const res = await get("/admin/queues", admin);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('data-queue="analysis"');
    expect(html).toContain('data-queue="analysis-control"');
  });

  it("shows a failed job with its error; retrying it runs it again", async () => {
    const admin = await signIn(["citizen", "admin"]);
    // A job for a version the database does not have yet fails (here at its only attempt).
    const s = await postSubmission(prisma(), world, { text: TEXTS[0], outbox: false });
    const jobId = jobIdForKey(`analyse:${s.id}:2`);
    await queue.add("submission", { submissionId: s.id, version: 2 }, { jobId, attempts: 1 });
    await waitFor(async () => (await queue.getJobState(jobId)) === "failed");

    const page = await (await get("/admin/queues", admin)).text();
    expect(page).toContain(`data-job-id="${jobId}"`);
    expect(page).toContain(`Submission ${s.id} is at version 1, the job is for version 2`);
    expect(page).toMatch(/1 (από|of) 1/);

    // The edit arrives; the admin retries the job from the page.
    await editSubmission(prisma(), s.id, TEXTS[3], { outbox: false });
    const retried = await post("/admin/queues", admin, [
      ["intent", "retry"],
      ["queue", "analysis"],
      ["jobId", jobId],
    ]);
    expect(retried.status).toBe(302);
    expect(retried.headers.get("location")).toBe("/admin/queues?done=retry");
    await waitFor(() => analysisOf(s.id, 2));
    expect(await queue.getJobState(jobId)).toBe("completed");

    // Retrying a job that is not failed says so.
    const again = await post("/admin/queues", admin, [
      ["intent", "retry"],
      ["queue", "analysis"],
      ["jobId", jobId],
    ]);
    expect(again.status).toBe(400);
  }, 60_000);

  it("runs the reconciler for what has no analysis and shows its last run", async () => {
    const admin = await signIn(["citizen", "admin"]);
    // Saved while Redis lost its job (no outbox event here), a while ago.
    const lost = await postSubmission(prisma(), world, { text: TEXTS[2], outbox: false });
    await prisma().$executeRaw`
      UPDATE "Submission" SET "updatedAt" = "updatedAt" - interval '1 minute' WHERE id = ${lost.id}`;
    const before = await (await get("/admin/queues", admin)).text();
    expect(before).toMatch(/data-testid="missing-analyses">[^<]*1/);

    const res = await post("/admin/queues", admin, [["intent", "reconcile"]]);
    expect(res.status).toBe(302);
    await waitFor(() => analysisOf(lost.id, 1));
    const after = await (await get("/admin/queues", admin)).text();
    expect(after).toMatch(/data-testid="reconciler-last">[^<]*\d:\d{2}/);
  }, 60_000);
});
