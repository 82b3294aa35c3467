/**
 * `npm run bench:analysis` — the analysis pipeline's throughput and latency, and the categoriser's quality
 * (issue 4).
 *
 * 1. Creates its own database (synochi_bench_analysis_<pid>), migrates it, writes the reference data, 100
 *    authors, 20 open consultations and BENCH_JOBS (10,000) submissions with the dev files' texts; makes
 *    sure a model is stored (the worker would otherwise train one on its first start).
 * 2. Starts the real app (`tsx server-cluster.ts`, as `npm start`) and ONE real worker process
 *    (`tsx workers/index.ts`, as `npm run worker`) with their own Redis prefix.
 * 3. Throughput: with the `analysis` queue paused, enqueues one `submission` job per submission (the
 *    outbox's job ids), resumes the queue and times the drain until every analysis row is stored.
 * 4. Latency: Poisson arrivals at BENCH_RATE (50) submissions/s for BENCH_DURATION_S (30) s after a 5 s
 *    warm-up, each saved through the real create path (`createSubmission`: the row and its outbox event in
 *    one transaction); a socket.io client joined to the consultations' rooms times the arrival of
 *    `analysis:updated` from the moment the save returned. Enqueue→start from the queue's event stream
 *    (Redis server timestamps of `waiting` and `active`).
 * 5. Quality: 5-fold cross-validation of the categoriser on the dev files.
 * 6. Prints a report, then one JSON line. Drops the database and Redis keys however it ends.
 *
 * Environment: BENCH_DATABASE_URL, BENCH_REDIS_URL, SKIP_BUILD=1, BENCH_JOBS (10000), BENCH_RATE (50),
 * BENCH_DURATION_S (30), BENCH_WARMUP_S (5), BENCH_WEB_CONCURRENCY (CPUs), BENCH_SKIP_CV=1, BENCH_KEEP_DB=1.
 */
import { availableParallelism, cpus, loadavg, totalmem } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Queue, QueueEvents } from "bullmq";
import { Redis } from "ioredis";
import pg from "pg";
import { io, type Socket } from "socket.io-client";
import { lockAndBuild, startApp } from "./lib/app.ts";
import { insertSubmissions, seedAnalysisWorld, textFor } from "./lib/analysis-seed.ts";
import { startWorkerProcess } from "./lib/analysis-worker.ts";
import { machineLine } from "./lib/machine.ts";
import { checkRedis } from "./lib/redis.ts";
import { installSignalHandlers, onCleanup, runCleanup, wasInterrupted } from "./lib/cleanup.ts";
import { createBenchDatabase, DEFAULT_ADMIN_URL, dropDatabase } from "./lib/database.ts";
import { percentile, prng } from "./lib/load.ts";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`${name} must be a positive number (got ${JSON.stringify(raw)})`);
  }
  return value;
}

const config = {
  adminUrl: process.env.BENCH_DATABASE_URL || DEFAULT_ADMIN_URL,
  redisUrl: process.env.BENCH_REDIS_URL || process.env.REDIS_URL || "redis://127.0.0.1:6379",
  build: !["1", "true"].includes(process.env.SKIP_BUILD ?? ""),
  jobs: Math.round(envNumber("BENCH_JOBS", 10_000)),
  rate: envNumber("BENCH_RATE", 50),
  durationS: envNumber("BENCH_DURATION_S", 30),
  warmupS: envNumber("BENCH_WARMUP_S", 5),
  appProcesses: Math.round(envNumber("BENCH_WEB_CONCURRENCY", availableParallelism())),
  skipCv: ["1", "true"].includes(process.env.BENCH_SKIP_CV ?? ""),
  keepDatabase: ["1", "true"].includes(process.env.BENCH_KEEP_DB ?? ""),
};

const TARGETS = { analysesPerS: 500, submitToVisibleP95Ms: 1_000 };

const log = (line: string) => console.log(`[bench] ${line}`);
const round = (n: number, digits = 1) => (Number.isFinite(n) ? Number(n.toFixed(digits)) : null);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** A Redis stream id ("<ms>-<seq>") as the server's time in ms. */
const streamMs = (id: string) => Number(id.split("-")[0]);

/** Records the server time each job entered `waiting` and `active`, from the queue's event stream. */
function watchQueueEvents(url: string, prefix: string) {
  const waiting = new Map<string, number>();
  const active = new Map<string, number>();
  const events = new QueueEvents("analysis", {
    connection: new Redis(url, { maxRetriesPerRequest: null }),
    prefix,
  });
  events.on("waiting", ({ jobId }, id) => {
    if (!waiting.has(jobId)) waiting.set(jobId, streamMs(id));
  });
  events.on("active", ({ jobId }, id) => {
    if (!active.has(jobId)) active.set(jobId, streamMs(id));
  });
  onCleanup("close the queue events", () => events.close());
  return { waiting, active, ready: () => events.waitUntilReady() };
}

async function main(): Promise<void> {
  installSignalHandlers();
  process.chdir(repoRoot);
  const started = performance.now();
  const dbName = `synochi_bench_analysis_${process.pid}`;
  const prefix = `bench-analysis-${process.pid}`;
  log(machineLine());
  await checkRedis(config.redisUrl, prefix, log);

  // ── 1. Data and model ──
  const seeding = (async () => {
    let drop = () => dropDatabase(config.adminUrl, dbName).catch(() => {});
    onCleanup(`drop the database ${dbName}`, () => drop());
    const db = await createBenchDatabase(config.adminUrl, dbName, log);
    drop = config.keepDatabase
      ? async () => log(`kept database ${dbName} (BENCH_KEEP_DB=1): ${db.url}`)
      : db.drop;
    const world = await seedAnalysisWorld(db.url);
    const seedStart = performance.now();
    const ids = await insertSubmissions(db.url, world, config.jobs);
    log(`inserted ${ids.length} submissions in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);
    return { db, world, ids };
  })();
  if (config.build) log("building the app (npx remix build, under /tmp/synochi-build.lock)…");
  const building = lockAndBuild(repoRoot, config.build, log);
  seeding.catch(() => {});
  building.catch(() => {});
  const [{ db, world, ids }, lock] = await Promise.all([seeding, building]);

  // The bench process itself saves submissions through the domain code: it needs the app's environment.
  const appEnv = {
    DATABASE_URL: db.url,
    REDIS_URL: config.redisUrl,
    REDIS_PREFIX: prefix,
    SUBMISSIONS_MAX_PER_HOUR: "1000000",
    COMMENTS_MAX_PER_HOUR: "1000000",
  };
  Object.assign(process.env, {
    ...appEnv,
    NODE_ENV: "production",
    ALLOW_MAIL_SINK: "true",
    COOKIE_SECURE: "false",
    LOG_LEVEL: "warn",
  });
  const { ensureActiveModel } = await import("~/domain/analysis/models.server.ts");
  const { createSubmission } = await import("~/domain/submissions/submissions.server.ts");
  const { defaultJobOptions, closeQueues } = await import("~/jobs/queues.server.ts");
  const { closePublisher } = await import("~/realtime/publish.server.ts");
  // A pool large enough for 50 saves/s arriving while the machine is busy (each save is one transaction).
  const { PrismaPg } = await import("@prisma/adapter-pg");
  const { PrismaClient } = await import("~/generated/prisma/client.ts");
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: db.url, max: 40 }) });
  onCleanup("disconnect Prisma", async () => {
    closePublisher();
    await closeQueues();
    await prisma.$disconnect();
  });
  const modelStart = performance.now();
  const model = await ensureActiveModel(prisma);
  log(`model ${model.version} stored and active (${((performance.now() - modelStart) / 1000).toFixed(1)} s)`);

  // ── 2. Processes ──
  const app = await startApp(repoRoot, { ...appEnv, WEB_CONCURRENCY: String(config.appProcesses) }).finally(
    () => lock.release(),
  );
  log(`app (pid ${app.pid}, ${config.appProcesses} process(es)) on ${app.url}`);
  const workerStart = performance.now();
  const worker = await startWorkerProcess(repoRoot, appEnv);
  log(
    `worker (pid ${worker.pid}) took jobs after ${((performance.now() - workerStart) / 1000).toFixed(1)} s`,
  );

  const pgClient = new pg.Client({ connectionString: db.url });
  await pgClient.connect();
  onCleanup("close the pg client", () => pgClient.end());
  const countAnalyses = async () =>
    Number((await pgClient.query<{ n: string }>(`SELECT count(*) AS n FROM "SubmissionAnalysis"`)).rows[0].n);

  const queueConnection = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue("analysis", { connection: queueConnection, prefix, defaultJobOptions });
  onCleanup("close the queue", async () => {
    await queue.close();
    queueConnection.disconnect();
  });
  const events = watchQueueEvents(config.redisUrl, prefix);
  await events.ready();

  // ── 3. Throughput: drain of BENCH_JOBS jobs by one worker process ──
  await queue.pause();
  const enqueueStart = performance.now();
  for (let i = 0; i < ids.length; i += 1_000) {
    await queue.addBulk(
      ids.slice(i, i + 1_000).map((id) => ({
        name: "submission",
        data: { submissionId: id, version: 1 },
        opts: { jobId: `analyse.${id}.1` },
      })),
    );
  }
  log(
    `enqueued ${ids.length} jobs in ${((performance.now() - enqueueStart) / 1000).toFixed(1)} s (queue paused)`,
  );
  const drainStart = performance.now();
  await queue.resume();
  let stored = 0;
  const drainDeadline = drainStart + 600_000;
  while ((stored = await countAnalyses()) < ids.length && performance.now() < drainDeadline) await sleep(50);
  const drainS = (performance.now() - drainStart) / 1000;
  const analysesPerS = stored / drainS;
  const span = (
    await pgClient.query<{ s: number }>(
      `SELECT extract(epoch FROM max("createdAt") - min("createdAt"))::float8 AS s FROM "SubmissionAnalysis"`,
    )
  ).rows[0].s;
  const failedDrain = await queue.getFailedCount();
  log(
    `drain: ${stored} analyses in ${drainS.toFixed(2)} s = ${analysesPerS.toFixed(0)}/s ` +
      `(first to last stored row: ${span.toFixed(2)} s = ${(stored / span).toFixed(0)}/s); failed jobs ${failedDrain}`,
  );
  // What follows the analyses (urgent alerts, near-duplicate searches, priority recomputes) runs in its own
  // queues after them; let it finish so that the latency phase measures a steady state, and time it.
  const followStart = performance.now();
  const backlog = async () => {
    let n = 0;
    for (const name of ["analysis-followups", "priority"]) {
      const q = new Queue(name, { connection: queueConnection, prefix });
      const c = await q.getJobCounts("waiting", "active", "prioritized", "delayed");
      n += Object.values(c).reduce((a, b) => a + b, 0);
      await q.close();
    }
    const pending = await pgClient.query<{ n: string }>(
      `SELECT count(*) AS n FROM "OutboxEvent" WHERE "sentAt" IS NULL`,
    );
    return n + Number(pending.rows[0].n);
  };
  let left = await backlog();
  while (left > 0 && performance.now() - followStart < 240_000) {
    await sleep(500);
    left = await backlog();
  }
  const followUpsS = (performance.now() - followStart) / 1000;
  log(
    `follow-ups (alerts, near-duplicates, priority) finished ${followUpsS.toFixed(1)} s after the drain (${left} left)`,
  );
  await sleep(1_000);

  // ── 4. Latency: Poisson arrivals through the create path, timed to `analysis:updated` ──
  const socket: Socket = io(app.url, { transports: ["websocket"], forceNew: true });
  onCleanup("close the socket", () => {
    socket.disconnect();
  });
  const received = new Map<string, number>();
  socket.on("analysis:updated", (payload: { submissionId: string }) => {
    if (!received.has(payload.submissionId)) received.set(payload.submissionId, performance.now());
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("connect_error", reject);
  });
  for (const cid of world.consultationIds) {
    await new Promise<void>((resolve, reject) =>
      socket.emit("room:join", { room: `consultation:${cid}` }, (ack: { ok: boolean }) =>
        ack.ok ? resolve() : reject(new Error(`room:join consultation:${cid} refused`)),
      ),
    );
  }
  const actors = world.authorIds.map((id) => ({
    id,
    roles: ["citizen"] as const,
    committees: [],
    emailVerified: true,
  }));
  const random = prng(2026);
  const totalS = config.warmupS + config.durationS;
  const saved: { id: string; savedAt: number; scheduledAt: number; measured: boolean }[] = [];
  const errors: string[] = [];
  const inFlight: Promise<void>[] = [];
  const loopStart = performance.now();
  let next = 0;
  let n = 0;
  log(
    `open loop: ${config.rate} submissions/s (Poisson) for ${config.warmupS} s warm-up + ${config.durationS} s`,
  );
  for (;;) {
    next += (-Math.log(1 - random()) / config.rate) * 1000;
    if (next > totalS * 1000) break;
    const wait = loopStart + next - performance.now();
    if (wait > 0) await sleep(wait);
    const i = config.jobs + n++;
    const scheduledAt = loopStart + next;
    const measured = next >= config.warmupS * 1000;
    const text = textFor(world, i);
    inFlight.push(
      createSubmission(
        prisma,
        actors[i % actors.length],
        world.consultationIds[i % world.consultationIds.length],
        {
          kind: "proposal",
          title: text.slice(0, 80).trim(),
          body: text,
          bodyFormat: "text",
        },
      ).then(
        ({ id }) => {
          saved.push({ id, savedAt: performance.now(), scheduledAt, measured });
        },
        (error: Error) => {
          errors.push(error.message);
        },
      ),
    );
  }
  await Promise.all(inFlight);
  const waitDeadline = performance.now() + 30_000;
  while (saved.some((s) => !received.has(s.id)) && performance.now() < waitDeadline) await sleep(50);
  const measured = saved.filter((s) => s.measured);
  const latencies = measured.filter((s) => received.has(s.id)).map((s) => received.get(s.id)! - s.savedAt);
  const fromScheduled = measured
    .filter((s) => received.has(s.id))
    .map((s) => received.get(s.id)! - s.scheduledAt);
  const lost = measured.filter((s) => !received.has(s.id)).length;
  const startLags = measured
    .map((s) => {
      const jobId = `analyse.${s.id}.1`;
      const w = events.waiting.get(jobId);
      const a = events.active.get(jobId);
      return w === undefined || a === undefined ? NaN : a - w;
    })
    .filter(Number.isFinite);
  const saveLatency = measured.map((s) => s.savedAt - s.scheduledAt);
  log(
    `latency: ${measured.length} measured submissions, ${latencies.length} seen live, ${lost} not seen, ` +
      `${errors.length} save errors${errors.length ? ` (${errors.slice(0, 3).join("; ")})` : ""}`,
  );

  await Promise.all([worker.stop(), app.stop()]);

  // ── 5. Quality ──
  let cv: Record<string, number | null> = {
    themes_macro_f1: null,
    groups_micro_f1: null,
    kind_acc: null,
    urgent_p: null,
    urgent_r: null,
    muni_acc: null,
    offtopic_f1: null,
  };
  let cvS: number | null = null;
  if (!config.skipCv) {
    const { crossValidate, loadDevExamples } = await import("~/domain/analysis/categoriser/index.ts");
    const cvStart = performance.now();
    log("5-fold cross-validation on the dev files…");
    const m = crossValidate(loadDevExamples(), { folds: 5 });
    cvS = (performance.now() - cvStart) / 1000;
    cv = {
      themes_macro_f1: m.themes_macro_f1,
      groups_micro_f1: m.groups_micro_f1,
      kind_acc: m.kind_acc,
      urgent_p: m.urgent_p,
      urgent_r: m.urgent_r,
      muni_acc: m.muni_acc,
      offtopic_f1: m.offtopic_f1,
    };
  }

  // ── 6. Report ──
  const p = (values: number[], q: number) => round(percentile(values, q));
  const result = {
    analyses_per_s: round(analysesPerS),
    enqueue_to_start_p99_ms: p(startLags, 99),
    submit_to_visible_p95_ms: p(latencies, 95),
    cv,
    jobs: stored,
    drain_s: round(drainS, 2),
    analyses_per_s_first_to_last_row: round(stored / span),
    drain_failed_jobs: failedDrain,
    followups_after_drain_s: round(followUpsS),
    rate_per_s: config.rate,
    duration_s: config.durationS,
    submitted: measured.length,
    seen_live: latencies.length,
    not_seen: lost,
    save_errors: errors.length,
    enqueue_to_start_p50_ms: p(startLags, 50),
    enqueue_to_start_p95_ms: p(startLags, 95),
    submit_to_visible_p50_ms: p(latencies, 50),
    submit_to_visible_p99_ms: p(latencies, 99),
    submit_to_visible_max_ms: latencies.length ? round(Math.max(...latencies)) : null,
    scheduled_to_visible_p95_ms: p(fromScheduled, 95),
    save_p95_ms: p(saveLatency, 95),
    cv_s: cvS === null ? null : round(cvS),
    model_version: model.version,
    worker_threads: Number(process.env.ANALYSIS_THREADS) || availableParallelism(),
    app_processes: config.appProcesses,
    node: process.version,
    cpus: cpus().length,
    cpu_model: cpus()[0]?.model ?? null,
    mem_gib: round(totalmem() / 2 ** 30),
    load_avg_1m: round(loadavg()[0], 2),
    total_s: round((performance.now() - started) / 1000),
  };
  console.log("");
  console.log(
    [
      `Throughput (one worker process): ${result.analyses_per_s} analyses/s over ${result.jobs} jobs ` +
        `(target ≥ ${TARGETS.analysesPerS}: ${analysesPerS >= TARGETS.analysesPerS ? "met" : "NOT met"})`,
      `Enqueue → start at ${config.rate}/s: p50 ${result.enqueue_to_start_p50_ms} ms, p95 ${result.enqueue_to_start_p95_ms} ms, p99 ${result.enqueue_to_start_p99_ms} ms`,
      `Saved → analysis:updated on an open socket: p50 ${result.submit_to_visible_p50_ms} ms, p95 ${result.submit_to_visible_p95_ms} ms, ` +
        `p99 ${result.submit_to_visible_p99_ms} ms (target p95 ≤ ${TARGETS.submitToVisibleP95Ms}: ` +
        `${(result.submit_to_visible_p95_ms ?? Infinity) <= TARGETS.submitToVisibleP95Ms && lost === 0 ? "met" : "NOT met"}); ` +
        `${lost} not seen`,
      config.skipCv
        ? "Cross-validation skipped (BENCH_SKIP_CV=1)"
        : `5-fold CV: themes macro-F1 ${cv.themes_macro_f1}, groups micro-F1 ${cv.groups_micro_f1}, kind acc ${cv.kind_acc}, ` +
          `urgent P ${cv.urgent_p} R ${cv.urgent_r}, municipality acc ${cv.muni_acc}, off-topic F1 ${cv.offtopic_f1}`,
    ].join("\n"),
  );
  await runCleanup();
  console.log(JSON.stringify(result));
}

main()
  .catch(async (error: unknown) => {
    if (wasInterrupted()) return;
    console.error(
      `bench:analysis failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    await runCleanup();
    process.exitCode = 1;
  })
  .finally(() => {
    if (!wasInterrupted()) setTimeout(() => process.exit(), 100).unref();
  });
