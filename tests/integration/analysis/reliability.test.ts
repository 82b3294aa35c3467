/**
 * Reliability of the analysis pipeline during a burst of 1,000 submissions, on real processes: (a) Redis is
 * killed (SIGKILL) and restarted empty, (b) a worker is killed (SIGKILL) while it runs jobs and a new one
 * starts, (c) the app process is killed and restarted while people post through it. In each case, within
 * 60 s of recovery (counted from the end of the burst, which goes on through and after the failure) every
 * saved submission has exactly one analysis of its current version: none lost, none duplicated.
 *
 * These tests run their own `redis-server` (on a free port, in a temp dir, without persistence, so a kill
 * loses everything), never the shared one.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../helpers/db.ts";
import { createSessionToken } from "../../helpers/factories.ts";
import {
  freePort,
  startApp,
  startWorker,
  type RunningApp,
  type RunningWorker,
} from "../../helpers/server.ts";
import { postSubmission, seedWorld, TEXTS, type PipelineWorld } from "./pipeline-fixtures.ts";

const testDb = useTestDatabase();
const prisma = () => testDb().prisma;

const BURST = 1_000;
const RECOVERY_MS = 60_000;
const REDIS_SERVER = "/usr/bin/redis-server";

let redisPort: number;
let redisUrl: string;
let redisDir: string;
let redis: ChildProcess | undefined;
const prefix = `t-rel-${process.pid}`;
const started: (RunningApp | RunningWorker)[] = [];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function startRedis(): Promise<void> {
  redis = spawn(
    REDIS_SERVER,
    [
      "--port",
      String(redisPort),
      "--bind",
      "127.0.0.1",
      "--dir",
      redisDir,
      "--save",
      "",
      "--appendonly",
      "no",
    ],
    { stdio: "ignore" },
  );
  const client = new Redis(redisUrl, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on("error", () => {});
  for (let i = 0; i < 100; i++) {
    try {
      await client.connect();
      await client.ping();
      client.disconnect();
      return;
    } catch {
      client.disconnect();
      await sleep(100);
    }
  }
  throw new Error(`redis-server did not start on port ${redisPort}`);
}

function killRedis(): Promise<void> {
  const child = redis;
  redis = undefined;
  if (!child || child.exitCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGKILL");
  return exited;
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // already gone
  }
}

const env = () => ({
  REDIS_URL: redisUrl,
  SUBMISSIONS_MAX_PER_HOUR: "100000",
  // Every process of this file logs little; the reconciler runs every 10 s (default every minute).
  ANALYSIS_RECONCILE_EVERY_MS: "10000",
});

async function worker(): Promise<RunningWorker> {
  const w = await startWorker({
    databaseUrl: testDb().url,
    redisPrefix: prefix,
    env: env(),
    timeoutMs: 60_000,
  });
  started.push(w);
  return w;
}

async function app(): Promise<RunningApp> {
  const a = await startApp({ databaseUrl: testDb().url, redisPrefix: prefix, env: env(), timeoutMs: 60_000 });
  started.push(a);
  return a;
}

/** Per saved submission of the consultation: how many analyses of its current version, and of any version. */
async function analysisCounts(consultationId: string) {
  return prisma().$queryRaw<{ id: string; current: number; all: number }[]>`
    SELECT s.id,
           count(a.id) FILTER (WHERE a."submissionVersion" = s.version)::int AS current,
           count(a.id)::int AS all
      FROM "Submission" s
      LEFT JOIN "SubmissionAnalysis" a ON a."submissionId" = s.id
     WHERE s."consultationId" = ${consultationId}
     GROUP BY s.id`;
}

/** Waits until every saved submission of the consultation is analysed; returns ms waited. */
async function allAnalysed(consultationId: string, expected: number, ms = RECOVERY_MS): Promise<number> {
  const start = Date.now();
  for (;;) {
    const counts = await analysisCounts(consultationId);
    if (counts.length >= expected && counts.every((c) => c.current >= 1)) return Date.now() - start;
    if (Date.now() - start > ms) {
      const missing = counts.filter((c) => c.current === 0).length;
      throw new Error(`${missing} of ${counts.length} submissions still without analysis after ${ms} ms`);
    }
    await sleep(250);
  }
}

async function expectExactlyOnce(consultationId: string, expected: number): Promise<void> {
  const counts = await analysisCounts(consultationId);
  expect(counts.length).toBe(expected);
  expect(counts.filter((c) => c.current !== 1 || c.all !== 1)).toEqual([]);
}

/** Saves `n` submissions (row + outbox event) with `concurrency` at a time; calls `at(i)` after each. */
async function burst(world: PipelineWorld, n: number, at: (saved: number) => Promise<void> | void) {
  let saved = 0;
  let next = 0;
  const lane = async () => {
    while (next < n) {
      const i = next++;
      await postSubmission(prisma(), world, { text: `${TEXTS[i % TEXTS.length]} #${i}` });
      saved++;
      await at(saved);
    }
  };
  await Promise.all(Array.from({ length: 8 }, lane));
}

beforeAll(async () => {
  redisPort = await freePort();
  redisUrl = `redis://127.0.0.1:${redisPort}`;
  redisDir = mkdtempSync(path.join(tmpdir(), "synochi-redis-"));
  await startRedis();
});

afterAll(async () => {
  await Promise.all(started.map((p) => p.stop().catch(() => {})));
  await killRedis();
  rmSync(redisDir, { recursive: true, force: true });
});

describe("analysis reliability during a burst of 1,000 submissions", () => {
  it("(a) Redis killed and restarted empty: every submission analysed exactly once", async () => {
    const world = await seedWorld(prisma());
    const w = await worker();
    let restarted = 0;
    let outage: Promise<void> | undefined;
    await burst(world, BURST, (saved) => {
      if (saved === 300 && !outage) {
        outage = (async () => {
          await killRedis();
          await sleep(3_000); // the burst goes on meanwhile: outbox rows wait in PostgreSQL
          await startRedis();
          restarted = Date.now();
        })();
      }
    });
    await outage;
    // Recovered during the burst: from the later of the recovery and the burst's end, within 60 s.
    expect(restarted).toBeGreaterThan(0);
    const waited = await allAnalysed(world.consultationId, BURST, RECOVERY_MS);
    await expectExactlyOnce(world.consultationId, BURST);
    expect(waited).toBeGreaterThanOrEqual(0);
    await w.stop();
  }, 300_000);

  it("(b) a worker killed in the middle of its jobs and a new one started: exactly once", async () => {
    const world = await seedWorld(prisma());
    const first = await worker();
    const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
    connection.on("error", () => {});
    const queue = new Queue("analysis", { connection, prefix });
    let killedWithActive = -1;
    let killed: Promise<void> | undefined;
    let recovered = 0;
    await burst(world, BURST, async (saved) => {
      if (saved >= 400 && !killed) {
        const active = await queue.getActiveCount();
        if (active === 0 && saved < 900) return; // wait for a moment when it holds jobs
        killedWithActive = active;
        killGroup(first.pid);
        killed = (async () => {
          await worker();
          recovered = Date.now();
        })();
      }
    });
    await killed;
    expect(killedWithActive).toBeGreaterThan(0);
    expect(recovered).toBeGreaterThan(0);
    await allAnalysed(world.consultationId, BURST, RECOVERY_MS);
    await expectExactlyOnce(world.consultationId, BURST);
    await queue.close();
    connection.disconnect();
  }, 300_000);

  it("(c) the app restarted while people post through it: exactly once for every saved submission", async () => {
    const world = await seedWorld(prisma());
    let current = await app();
    await worker();
    const slug = `c-${world.consultationId.slice(0, 8)}`;
    const session = await createSessionToken(prisma(), world.authorId);
    const csrfOf = async (base: string) => {
      const res = await fetch(`${base}/terms`);
      await res.arrayBuffer();
      return /synochi_csrf=([^;]+)/.exec(res.headers.getSetCookie().join("\n"))?.[1] ?? "";
    };
    let csrf = await csrfOf(current.url);
    let accepted = 0;
    let refused = 0;
    let restarting: Promise<void> | undefined;
    let recovered = 0;
    let next = 0;
    const lane = async () => {
      while (next < BURST) {
        const i = next++;
        if (i === 300 && !restarting) {
          const old = current;
          restarting = (async () => {
            killGroup(old.pid);
            current = await app();
            csrf = await csrfOf(current.url);
            recovered = Date.now();
          })();
        }
        const text = `${TEXTS[i % TEXTS.length]} #${i}`;
        // A post that meets the app down is sent again once it is back (the page keeps the draft).
        for (let attempt = 1; ; attempt++) {
          try {
            const res = await fetch(`${current.url}/consultations/${slug}/submit`, {
              method: "POST",
              redirect: "manual",
              headers: {
                "Content-Type": "application/x-www-form-urlencoded",
                Cookie: `synochi_session=${session}; synochi_csrf=${csrf}`,
              },
              body: new URLSearchParams({
                _csrf: csrf,
                kind: "proposal",
                title: `Πρόταση ${i}: ${text.slice(0, 40)}`,
                body: text,
                bodyFormat: "text",
              }),
            });
            await res.arrayBuffer();
            if (res.status === 302 && /\/submissions\//.test(res.headers.get("location") ?? "")) accepted++;
            else refused++;
            break;
          } catch {
            if (attempt >= 5) {
              refused++;
              break;
            }
            await (restarting ?? sleep(200));
          }
        }
      }
    };
    await Promise.all(Array.from({ length: 6 }, lane));
    await restarting;
    const saved = await prisma().submission.count({ where: { consultationId: world.consultationId } });
    expect(saved).toBeGreaterThanOrEqual(accepted);
    expect(accepted).toBeGreaterThanOrEqual(BURST * 0.95);
    expect(recovered).toBeGreaterThan(0);
    await allAnalysed(world.consultationId, saved, RECOVERY_MS);
    await expectExactlyOnce(world.consultationId, saved);
    expect(refused + accepted).toBe(BURST);
  }, 300_000);
});
