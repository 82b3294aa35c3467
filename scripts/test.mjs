#!/usr/bin/env node
// `npm test`: one command on a fresh machine. Installs dependencies if missing, finds (or starts throwaway)
// PostgreSQL and Redis, builds the Remix app (tests start the real server), runs Vitest, stops what it started, and
// prints as its very last line `tests: N passed, M failed`. Extra arguments go to Vitest:
//   npm test -- tests/integration/accounts
//   npm test -- --project unit
// Env: TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres), TEST_REDIS_URL (default
// redis://127.0.0.1:6379), SKIP_BUILD=1 to skip `remix build` (done unless only unit tests are selected).
// Plain ESM without TypeScript or dependencies at the top level: it runs before `npm install`.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  REDIS_INSTALL_HINT,
  checkPostgres,
  checkRedis,
  describeUrl,
  freePort,
  run,
  startRedis,
  startThrowawayPostgres,
  which,
} from "./lib/services.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(root);

const JSON_REPORT = ".cache/vitest.json";
const bin = (name) => path.join(root, "node_modules", ".bin", name);
const say = (message) => console.log(`[test] ${message}`);
const stoppers = [];
let vitestChild;

async function stopStarted() {
  while (stoppers.length) {
    const stop = stoppers.pop();
    await stop().catch((error) => console.error(`[test] while stopping: ${error.message}`));
  }
}

/** Prints the closing line (after everything else) and exits. */
async function finish(passed, failed, exitCode) {
  await stopStarted();
  console.log(`tests: ${passed} passed, ${failed} failed`);
  process.exit(exitCode ?? (failed > 0 ? 1 : 0));
}

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, async () => {
    vitestChild?.kill(signal);
    await stopStarted();
    process.exit(130);
  });
}

async function ensureDependencies() {
  if (existsSync(path.join(root, "node_modules", ".bin", "vitest"))) return true;
  say("node_modules is missing: running npm install");
  const { code } = await run("npm", ["install", "--no-audit", "--no-fund"]);
  return code === 0;
}

/** The generated Prisma client is gitignored; regenerate it when missing or older than the schema. */
async function ensurePrismaClient() {
  const client = path.join(root, "app/generated/prisma/client.ts");
  const schema = path.join(root, "prisma/schema.prisma");
  if (!existsSync(schema)) return true;
  if (existsSync(client) && statSync(client).mtimeMs >= statSync(schema).mtimeMs) return true;
  say("generating the Prisma client");
  const { code, output } = await run(bin("prisma"), ["generate"], {
    capture: true,
    env: {
      ...process.env,
      PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY || "/bin/true",
    },
  });
  if (code !== 0) console.error(output);
  return code === 0;
}

async function ensurePostgres() {
  const url = process.env.TEST_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/postgres";
  const check = await checkPostgres(url);
  if (check.ok) {
    process.env.TEST_DATABASE_URL = url;
    say(`PostgreSQL: ${describeUrl(url)}`);
    return true;
  }
  say(`PostgreSQL not reachable at ${describeUrl(url)} (${check.error}): starting a throwaway one`);
  try {
    const pg = await startThrowawayPostgres({
      dataDir: path.join(root, ".data/test-pg"),
      port: await freePort(),
      log: say,
    });
    stoppers.push(pg.stop);
    process.env.TEST_DATABASE_URL = pg.url;
    say(`PostgreSQL: ${describeUrl(pg.url)} (throwaway)`);
    return true;
  } catch (error) {
    console.error(`[test] could not start PostgreSQL: ${error.message}`);
    return false;
  }
}

async function ensureRedis() {
  const url = process.env.TEST_REDIS_URL || "redis://127.0.0.1:6379";
  const check = await checkRedis(url);
  if (check.ok) {
    process.env.TEST_REDIS_URL = url;
    say(`Redis: ${describeUrl(url)}`);
    return true;
  }
  if (!which("redis-server")) {
    console.error(
      `[test] Redis not reachable at ${describeUrl(url)} (${check.error}) and redis-server is not installed: ${REDIS_INSTALL_HINT}`,
    );
    return false;
  }
  say(`Redis not reachable at ${describeUrl(url)} (${check.error}): starting a throwaway redis-server`);
  try {
    const dir = path.join(root, ".data/test-redis");
    const redis = await startRedis({ port: await freePort(), dir });
    stoppers.push(async () => {
      await redis.stop();
      rmSync(dir, { recursive: true, force: true });
    });
    process.env.TEST_REDIS_URL = redis.url;
    say(`Redis: ${describeUrl(redis.url)} (throwaway)`);
    return true;
  } catch (error) {
    console.error(`[test] could not start redis-server: ${error.message}`);
    return false;
  }
}

/** Tests that start the app (integration via tests/helpers/server.ts, e2e) need the Remix build: build
 *  unless the arguments select only unit tests. */
function buildNeeded(args) {
  const projects = [];
  const filters = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--project") projects.push(args[++i] ?? "");
    else if (arg.startsWith("--project=")) projects.push(arg.slice("--project=".length));
    else if (!arg.startsWith("-")) filters.push(arg);
  }
  if (projects.length && projects.every((p) => p === "unit")) return false;
  if (filters.length && filters.every((f) => /^(\.\/)?(app|workers)\//.test(f))) return false;
  return true;
}

async function buildApp() {
  say("building the app (remix build)");
  const { code, output } = await run(bin("remix"), ["build"], { capture: true });
  if (code !== 0) {
    console.error(output.trim());
    console.error("[test] remix build failed: the tests that start the app need it");
  }
  return code === 0;
}

function runVitest(args) {
  return new Promise((resolve) => {
    rmSync(JSON_REPORT, { force: true });
    mkdirSync(path.dirname(JSON_REPORT), { recursive: true });
    const vitestArgs = [
      "run",
      "--reporter=default",
      "--reporter=json",
      `--outputFile=${JSON_REPORT}`,
      ...args,
    ];
    say(`vitest ${vitestArgs.join(" ")}`);
    const child = spawn(bin("vitest"), vitestArgs, { stdio: "inherit", env: process.env });
    vitestChild = child;
    child.once("error", (error) => {
      console.error(`[test] could not run vitest: ${error.message}`);
      resolve(1);
    });
    child.once("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

/** Totals from Vitest's JSON report; a todo counts as a failure (unfinished work must not look green). */
function readTotals(vitestExit) {
  if (!existsSync(JSON_REPORT)) {
    console.error(`[test] vitest wrote no ${JSON_REPORT} (it crashed or a global setup failed; see above)`);
    return { passed: 0, failed: 1 };
  }
  let report;
  try {
    report = JSON.parse(readFileSync(JSON_REPORT, "utf8"));
  } catch (error) {
    console.error(`[test] unreadable ${JSON_REPORT}: ${error.message}`);
    return { passed: 0, failed: 1 };
  }
  const passed = report.numPassedTests ?? 0;
  const failedTests = report.numFailedTests ?? 0;
  const todo = report.numTodoTests ?? 0;
  // A file that failed to load or whose hooks failed has status "failed" but may hold no failed test.
  const brokenFiles = (report.testResults ?? []).filter(
    (file) => file.status === "failed" && !(file.assertionResults ?? []).some((t) => t.status === "failed"),
  );
  for (const file of brokenFiles) {
    console.error(
      `[test] ${path.relative(root, file.name)} failed outside any test: ${(file.message ?? "").split("\n")[0]}`,
    );
  }
  let failed = failedTests + todo + brokenFiles.length;
  if (vitestExit !== 0 && failed === 0) {
    console.error(`[test] vitest exited with code ${vitestExit} (unhandled error, or no test files matched)`);
    failed = 1;
  }
  if (todo > 0 || brokenFiles.length > 0) {
    say(
      `failed = ${failedTests} failed test(s) + ${todo} todo + ${brokenFiles.length} file(s) that failed outside tests`,
    );
  }
  return { passed, failed };
}

async function main() {
  const args = process.argv.slice(2);
  if (!(await ensureDependencies())) return finish(0, 1, 1);
  if (!(await ensurePrismaClient())) return finish(0, 1, 1);
  if (!(await ensurePostgres())) return finish(0, 1, 1);
  if (!(await ensureRedis())) return finish(0, 1, 1);
  if (process.env.SKIP_BUILD !== "1" && buildNeeded(args)) {
    if (!(await buildApp())) return finish(0, 1, 1);
  }
  const vitestExit = await runVitest(args);
  const { passed, failed } = readTotals(vitestExit);
  return finish(passed, failed, failed > 0 || vitestExit !== 0 ? 1 : 0);
}

main().catch(async (error) => {
  console.error(error);
  await finish(0, 1, 1);
});
