/**
 * `npm run bench:pages` — latency and throughput of the public pages under a realistic load (issue 3).
 *
 * 1. Creates its own database (synochi_bench_pages_<pid>), migrates it, runs the demo seed and bulk-inserts
 *    20 open consultations, 20,000 submissions and 200,000 threaded comments (one submission with exactly
 *    300 comments); builds the app (under the shared build lock) meanwhile.
 * 2. Starts the real app (`tsx server.ts`, NODE_ENV=production) with its own Redis prefix.
 * 3. Open loop: Poisson arrivals at 50 requests/s for 30 s (after a 5 s warm-up) over a mix of the
 *    consultation page, the submission page with 300 comments and a search; p50/p95/p99 and errors per page.
 * 4. Closed loop: each page's saturation throughput, and that of the trivial /status page (no database).
 * 5. Prints a table, then one JSON line. Drops the database and Redis keys however it ends.
 *
 * Environment: BENCH_DATABASE_URL (maintenance database URL, default postgres://postgres@127.0.0.1:5432/postgres),
 * BENCH_REDIS_URL (default $REDIS_URL or redis://127.0.0.1:6379), SKIP_BUILD=1, BENCH_RATE (50),
 * BENCH_DURATION_S (30), BENCH_WARMUP_S (5), BENCH_SAT_S (10), BENCH_SAT_CONCURRENCY (8),
 * BENCH_MAX_SOCKETS (64), BENCH_SUBMISSIONS (20000), BENCH_COMMENTS (200000), and BENCH_PAGES to measure
 * other pages, e.g. BENCH_PAGES="home=/,login=/login" (name=path|path|…, comma-separated), and
 * BENCH_KEEP_DB=1 to keep the seeded database for inspection (its URL is printed; drop it yourself).
 */
import { availableParallelism, cpus, loadavg, totalmem } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { lockAndBuild, startApp } from "./lib/app.ts";
import { machineLine } from "./lib/machine.ts";
import { checkRedis } from "./lib/redis.ts";
import { installSignalHandlers, onCleanup, runCleanup, wasInterrupted } from "./lib/cleanup.ts";
import { createBenchDatabase, DEFAULT_ADMIN_URL, dropDatabase } from "./lib/database.ts";
import {
  acceptCookies,
  closedLoop,
  createClient,
  openLoop,
  percentile,
  request,
  type Client,
  type Page,
  type PageStats,
} from "./lib/load.ts";
import { DEFAULT_SIZES, seedPagesDatabase, type SeededData } from "./lib/seed-pages.ts";

/** App processes, as `npm start` (server-cluster.ts) runs them: one per CPU unless BENCH_WEB_CONCURRENCY says. */
const APP_PROCESSES = Number.parseInt(process.env.BENCH_WEB_CONCURRENCY ?? "", 10) || availableParallelism();

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Common words of the seeded texts, and one in Greeklish (the search should transliterate it). */
const SEARCH_QUERIES = ["παιδιά", "επίδομα", "ηλικιωμένοι", "αναπηρία", "σχολείο", "δουλειά", "paidia"];
const TRIVIAL_PATH = "/status";

const TARGETS = { p95Ms: 100, p99Ms: 250, trivialRatio: 0.25 };

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
  rate: envNumber("BENCH_RATE", 50),
  durationS: envNumber("BENCH_DURATION_S", 30),
  warmupS: envNumber("BENCH_WARMUP_S", 5),
  saturationS: envNumber("BENCH_SAT_S", 10),
  concurrency: Math.round(envNumber("BENCH_SAT_CONCURRENCY", 8)),
  maxSockets: Math.round(envNumber("BENCH_MAX_SOCKETS", 64)),
  sizes: {
    ...DEFAULT_SIZES,
    submissions: Math.round(envNumber("BENCH_SUBMISSIONS", DEFAULT_SIZES.submissions)),
    comments: Math.round(envNumber("BENCH_COMMENTS", DEFAULT_SIZES.comments)),
  },
  customPages: process.env.BENCH_PAGES?.trim() || undefined,
  /** Keep the seeded database afterwards, e.g. to EXPLAIN a slow page's queries. */
  keepDatabase: ["1", "true"].includes(process.env.BENCH_KEEP_DB ?? ""),
};

const log = (line: string) => console.log(`[bench] ${line}`);

/** BENCH_PAGES="name=/a|/b,other=/c" → pages of equal weight. */
function parsePages(spec: string): Page[] {
  return spec.split(",").map((part) => {
    const [name, paths] = part.split("=");
    const list = (paths ?? "").split("|").filter((p) => p.startsWith("/"));
    if (!name || !/^[a-z0-9_-]+$/i.test(name) || list.length === 0) {
      throw new Error(`BENCH_PAGES: cannot read ${JSON.stringify(part)} (expected name=/path|/path)`);
    }
    return { name, paths: list, weight: 1 };
  });
}

function defaultPages(data: SeededData): Page[] {
  return [
    { name: "consultation", paths: data.consultationSlugs.map((s) => `/consultations/${s}`), weight: 1 },
    { name: "submission", paths: [`/submissions/${data.targetSubmissionId}`], weight: 1 },
    { name: "search", paths: SEARCH_QUERIES.map((q) => `/search?q=${encodeURIComponent(q)}`), weight: 1 },
  ];
}

/** Every path of every page must answer 2xx before we measure anything. */
async function preflight(client: Client, pages: Page[]): Promise<Record<string, number>> {
  const sizes: Record<string, number> = {};
  const problems: string[] = [];
  for (const page of [...pages, { name: "trivial", paths: [TRIVIAL_PATH], weight: 0 }]) {
    let bytes = 0;
    for (const p of page.paths) {
      const r = await request(client, p);
      if (r.error || r.status < 200 || r.status >= 300) {
        problems.push(`GET ${p} (${page.name}) → ${r.error ?? `HTTP ${r.status}`}`);
      }
      bytes += r.bytes;
    }
    sizes[page.name] = Math.round(bytes / page.paths.length);
  }
  if (problems.length > 0) {
    throw new Error(
      `Some pages do not answer 2xx:\n  ${problems.slice(0, 10).join("\n  ")}\n` +
        "Are their routes written and in the build (app/routes/consultations.$slug.tsx, " +
        "app/routes/submissions.$id.tsx, app/routes/search.tsx, app/routes/status.tsx)? " +
        'To measure other pages meanwhile: BENCH_PAGES="home=/,login=/login".',
    );
  }
  return sizes;
}

const round = (n: number, digits = 1) => (Number.isFinite(n) ? Number(n.toFixed(digits)) : null);

function summarise(stats: PageStats) {
  return {
    requests: stats.count,
    p50_ms: round(percentile(stats.latencies, 50)),
    p95_ms: round(percentile(stats.latencies, 95)),
    p99_ms: round(percentile(stats.latencies, 99)),
    max_ms: round(stats.latencies.length ? Math.max(...stats.latencies) : NaN),
    errors: stats.errors,
    ...(stats.errorSamples.length ? { error_samples: stats.errorSamples } : {}),
  };
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows
    .map((r, i) => {
      const line = r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c])));
      return i === 0 ? `${line.join("  ")}\n${widths.map((w) => "-".repeat(w)).join("  ")}` : line.join("  ");
    })
    .join("\n");
}

async function main(): Promise<void> {
  installSignalHandlers();
  process.chdir(repoRoot);
  const started = performance.now();
  const dbName = `synochi_bench_pages_${process.pid}`;
  const redisPrefix = `bench-pages-${process.pid}`;
  log(machineLine());

  await checkRedis(config.redisUrl, redisPrefix, log);

  // Seeding (PostgreSQL) and building (esbuild) overlap: different processes, both mostly CPU.
  const seeding = (async () => {
    // Registered first: an interruption while the database is being created must drop it too.
    // (Quietly: when the server was unreachable there is nothing to drop, and the error is already told.)
    let drop = () => dropDatabase(config.adminUrl, dbName).catch(() => {});
    onCleanup(`drop the database ${dbName} (DROP DATABASE ${dbName} WITH (FORCE))`, () => drop());
    const db = await createBenchDatabase(config.adminUrl, dbName, log);
    drop = config.keepDatabase
      ? async () => log(`kept database ${dbName} (BENCH_KEEP_DB=1): ${db.url}; drop it when done`)
      : db.drop;
    const data = await seedPagesDatabase(db.url, config.sizes, log);
    return { db, data };
  })();
  if (config.build) log("building the app (npx remix build, under /tmp/synochi-build.lock)…");
  const building = lockAndBuild(repoRoot, config.build, log);
  // The first failure ends the run at once (cleanup stops the other); the other's rejection is then moot.
  seeding.catch(() => {});
  building.catch(() => {});
  const [{ db, data }, lock] = await Promise.all([seeding, building]);
  log(
    `seeded in ${data.seconds.toFixed(1)} s: ${data.counts.openConsultations} open consultations, ` +
      `${data.counts.submissions} submissions, ${data.counts.comments} comments (${data.counts.targetComments} ` +
      `on the target submission), ${data.counts.supports} supports, ${data.counts.users} users`,
  );

  const app = await startApp(repoRoot, {
    DATABASE_URL: db.url,
    REDIS_URL: config.redisUrl,
    REDIS_PREFIX: redisPrefix,
    WEB_CONCURRENCY: String(APP_PROCESSES),
  }).finally(() => lock.release());
  log(`app (pid ${app.pid}, ${APP_PROCESSES} process(es) as \`npm start\` runs it) listening on ${app.url}`);

  const pages = config.customPages ? parsePages(config.customPages) : defaultPages(data);
  const newClient = async () => {
    const client = createClient(app.url, config.maxSockets);
    await acceptCookies(client, TRIVIAL_PATH);
    return client;
  };

  const probe = await newClient();
  const bytes = await preflight(probe, pages);
  probe.agent.destroy();
  log(
    `pages answer: ${Object.entries(bytes)
      .map(([name, n]) => `${name} ${(n / 1024).toFixed(0)} KiB`)
      .join(", ")}`,
  );

  // (a) Open loop.
  const loadClient = await newClient();
  log(`warm-up: ${config.rate} req/s for ${config.warmupS} s`);
  await openLoop(loadClient, pages, { rate: config.rate, durationS: config.warmupS, seed: 1 });
  log(`open loop: Poisson arrivals at ${config.rate} req/s for ${config.durationS} s`);
  const open = await openLoop(loadClient, pages, {
    rate: config.rate,
    durationS: config.durationS,
    seed: 2026,
  });
  loadClient.agent.destroy();

  // (b) Saturation, closed loop; the trivial route before and after the pages (the machine is noisy).
  const saturation = async (paths: string[]) => {
    const client = await newClient();
    try {
      return await closedLoop(client, paths, {
        concurrency: config.concurrency,
        durationS: config.saturationS,
        warmupS: 1,
      });
    } finally {
      client.agent.destroy();
    }
  };
  log(`saturation: ${config.concurrency} connections back to back, ${config.saturationS} s per page`);
  const trivialBefore = await saturation([TRIVIAL_PATH]);
  const saturated: Record<string, Awaited<ReturnType<typeof saturation>>> = {};
  for (const page of pages) saturated[page.name] = await saturation(page.paths);
  const trivialAfter = await saturation([TRIVIAL_PATH]);
  const trivialRps = (trivialBefore.rps + trivialAfter.rps) / 2;

  // Report.
  const pagesOut: Record<string, Record<string, unknown>> = {};
  for (const page of pages) {
    const sat = saturated[page.name];
    pagesOut[page.name] = {
      ...summarise(open.pages[page.name]),
      saturation_rps: round(sat.rps),
      saturation_errors: sat.stats.errors,
      ...(sat.stats.errorSamples.length ? { saturation_error_samples: sat.stats.errorSamples } : {}),
      saturation_p50_ms: round(percentile(sat.stats.latencies, 50)),
      vs_trivial: round(sat.rps / trivialRps, 3),
      bytes: bytes[page.name],
    };
  }
  const rows = [["page", "requests", "errors", "p50 ms", "p95 ms", "p99 ms", "max ms", "KiB", "sat. req/s"]];
  for (const page of pages) {
    const o = pagesOut[page.name];
    rows.push([
      page.name,
      String(o.requests),
      String(o.errors),
      String(o.p50_ms),
      String(o.p95_ms),
      String(o.p99_ms),
      String(o.max_ms),
      (bytes[page.name] / 1024).toFixed(0),
      String(o.saturation_rps),
    ]);
  }
  rows.push([
    `trivial ${TRIVIAL_PATH}`,
    "",
    String(trivialBefore.stats.errors + trivialAfter.stats.errors),
    "",
    "",
    "",
    "",
    (bytes.trivial / 1024).toFixed(0),
    `${round(trivialRps)} (${round(trivialBefore.rps)} / ${round(trivialAfter.rps)})`,
  ]);
  console.log("");
  console.log(
    `Open loop: ${open.offered} requests offered at ${config.rate} req/s (Poisson) over ${config.durationS} s, ` +
      `keep-alive; last response ${round(open.drainS)} s after the last arrival; ` +
      `client scheduler lag p99 ${round(open.p99LagMs)} ms, max ${round(open.maxLagMs)} ms. ` +
      `Saturation: ${config.concurrency} connections, ${config.saturationS} s each.`,
  );
  console.log(table(rows));

  const consultation = saturated.consultation;
  const ratio = consultation ? consultation.rps / trivialRps : undefined;
  const latencyOk = pages.every((p) => {
    const o = pagesOut[p.name];
    return o.errors === 0 && (o.p95_ms as number) <= TARGETS.p95Ms && (o.p99_ms as number) <= TARGETS.p99Ms;
  });
  console.log("");
  console.log(
    `Targets: p95 ≤ ${TARGETS.p95Ms} ms, p99 ≤ ${TARGETS.p99Ms} ms, no errors on every page: ` +
      `${latencyOk ? "met" : "NOT met"}` +
      (ratio !== undefined
        ? `; consultation saturation ${(ratio * 100).toFixed(1)}% of the trivial route's (target ≥ ${
            TARGETS.trivialRatio * 100
          }%): ${ratio >= TARGETS.trivialRatio ? "met" : "NOT met"}`
        : ""),
  );

  const result = {
    rate_rps: config.rate,
    duration_s: config.durationS,
    pages: pagesOut,
    trivial_saturation_rps: round(trivialRps),
    trivial_saturation_rps_before_after: [round(trivialBefore.rps), round(trivialAfter.rps)],
    consultation_vs_trivial: ratio !== undefined ? round(ratio, 3) : null,
    targets_met: {
      latency: latencyOk,
      consultation_vs_trivial: ratio !== undefined && ratio >= TARGETS.trivialRatio,
    },
    seed: {
      submissions: data.counts.submissions,
      comments: data.counts.comments,
      consultations: data.counts.openConsultations,
      target_submission_comments: data.counts.targetComments,
      supports: data.counts.supports,
      users: data.counts.users,
      seconds: round(data.seconds),
    },
    offered_requests: open.offered,
    offered_rps: round(open.offeredRps, 2),
    drain_s: round(open.drainS),
    scheduler_lag_p99_ms: round(open.p99LagMs),
    saturation_concurrency: config.concurrency,
    saturation_s: config.saturationS,
    node: process.version,
    app_processes: APP_PROCESSES,
    cpus: cpus().length,
    cpu_model: cpus()[0]?.model ?? null,
    mem_gib: round(totalmem() / 2 ** 30),
    load_avg_1m: round(loadavg()[0], 2),
    total_s: round((performance.now() - started) / 1000),
  };
  await runCleanup();
  console.log(JSON.stringify(result));
}

main()
  .catch(async (error: unknown) => {
    if (wasInterrupted()) return;
    console.error(`bench:pages failed: ${error instanceof Error ? error.message : String(error)}`);
    await runCleanup();
    process.exitCode = 1;
  })
  .finally(() => {
    // pg pools, ioredis and keep-alive sockets would keep the process alive otherwise.
    if (!wasInterrupted()) setTimeout(() => process.exit(), 100).unref();
  });
