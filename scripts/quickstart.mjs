#!/usr/bin/env node
// `npm run quickstart`: on a fresh clone, sets up and starts the whole platform with demo data on
// http://localhost:3000 — PostgreSQL (embedded, unless DATABASE_URL is set), Redis (a private redis-server,
// unless REDIS_URL is set), migrations, demo seed, Remix build, the app and the worker. Ctrl-C stops all of it.
// Env: DATABASE_URL, REDIS_URL (use existing servers), PORT (default 3000), QUICKSTART_PG_PORT (5433),
// QUICKSTART_REDIS_PORT (6380). Data lives in .data/ (pg, redis, mail).
// Plain ESM without TypeScript or dependencies at the top level: it runs before `npm install`.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  REDIS_INSTALL_HINT,
  checkPostgres,
  checkRedis,
  describeUrl,
  killGroup,
  portOpen,
  prefixLines,
  run,
  sleep,
  spawnGroup,
  startEmbeddedPostgres,
  shutdownRedis,
  startRedis,
  which,
} from "./lib/services.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(root);

const PORT = Number(process.env.PORT || 3000);
const PG_PORT = Number(process.env.QUICKSTART_PG_PORT || 5433);
const PG_PASSWORD = "postgres";
const REDIS_PORT = Number(process.env.QUICKSTART_REDIS_PORT || 6380);
const DATA = path.join(root, ".data");
const MAIL_DIR = path.join(DATA, "mail");
const bin = (name) => path.join(root, "node_modules", ".bin", name);

// Process groups of the app and worker, so that a run killed hard (kill -9) is cleaned up by the next one.
const CHILDREN_FILE = path.join(DATA, "quickstart-children.json");
const childPids = [];
const say = (message) => console.log(`[quickstart] ${message}`);
const stoppers = []; // { name, stop }, stopped in reverse order
let shuttingDown = false;

async function shutdown(code) {
  if (shuttingDown) return;
  shuttingDown = true;
  if (stoppers.length) say("stopping…");
  while (stoppers.length) {
    const { name, stop } = stoppers.pop();
    try {
      await stop();
      say(`stopped ${name}`);
    } catch (error) {
      console.error(`[quickstart] while stopping ${name}: ${error.message}`);
    }
  }
  rmSync(CHILDREN_FILE, { force: true });
  process.exit(code);
}

for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => void shutdown(0));
}

/** Reports, stops everything and exits 1; never returns. */
async function fail(message) {
  console.error(`[quickstart] ${message}`);
  await shutdown(1);
  await new Promise(() => {}); // a shutdown already under way will exit
}

async function step(title, command, args, env) {
  say(title);
  const { code } = await run(command, args, { env: { ...process.env, ...env } });
  if (code !== 0) await fail(`${title} failed (exit code ${code})`);
}

async function ensureDependencies() {
  if (existsSync(bin("tsx")) && existsSync(bin("remix"))) return;
  await step("node_modules is missing: npm install", "npm", ["install", "--no-audit", "--no-fund"]);
}

/** A server left running from .data/pg by a quickstart that was killed hard: stop it on exit like our own. */
function adoptPostgres(dataDir) {
  let lines = [];
  try {
    lines = readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n");
  } catch {
    return; // someone else's server with the same credentials: leave it alone
  }
  const pid = Number(lines[0]);
  if (!pid || Number(lines[3]) !== PG_PORT) return;
  stoppers.push({
    name: "PostgreSQL",
    stop: async () => {
      try {
        process.kill(pid, "SIGINT"); // fast shutdown
      } catch {
        return;
      }
      for (let i = 0; i < 100; i++) {
        try {
          process.kill(pid, 0);
        } catch {
          return;
        }
        await sleep(100);
      }
    },
  });
}

async function ensurePostgres() {
  if (process.env.DATABASE_URL) {
    say(`PostgreSQL: using DATABASE_URL (${describeUrl(process.env.DATABASE_URL)})`);
    return process.env.DATABASE_URL;
  }
  const serverUrl = `postgres://postgres:${PG_PASSWORD}@127.0.0.1:${PG_PORT}/postgres`;
  const appUrl = `postgres://postgres:${PG_PASSWORD}@127.0.0.1:${PG_PORT}/synochi`;
  if (await portOpen(PG_PORT)) {
    // Left running by an earlier quickstart that was killed hard? Reuse it if it is ours.
    if ((await checkPostgres(serverUrl)).ok) {
      say(`PostgreSQL: reusing the server already on port ${PG_PORT}`);
      adoptPostgres(path.join(DATA, "pg"));
      return appUrl;
    }
    await fail(
      `port ${PG_PORT} is taken by another program: stop it, set QUICKSTART_PG_PORT, or set DATABASE_URL`,
    );
  }
  const dataDir = path.join(DATA, "pg");
  const first = !existsSync(path.join(dataDir, "PG_VERSION"));
  say(
    `PostgreSQL: ${first ? "initialising" : "starting"} the embedded server (${path.relative(root, dataDir)}, port ${PG_PORT})`,
  );
  try {
    const pg = await startEmbeddedPostgres({
      dataDir,
      port: PG_PORT,
      persistent: true,
      password: PG_PASSWORD,
    });
    stoppers.push({ name: "PostgreSQL", stop: pg.stop });
  } catch (error) {
    await fail(error.message);
  }
  return appUrl;
}

async function ensureRedis() {
  if (process.env.REDIS_URL) {
    say(`Redis: using REDIS_URL (${describeUrl(process.env.REDIS_URL)})`);
    return process.env.REDIS_URL;
  }
  const url = `redis://127.0.0.1:${REDIS_PORT}`;
  if (await portOpen(REDIS_PORT)) {
    if ((await checkRedis(url)).ok) {
      say(`Redis: reusing the server already on port ${REDIS_PORT}`);
      stoppers.push({ name: "Redis", stop: () => shutdownRedis(url) });
      return url;
    }
    await fail(
      `port ${REDIS_PORT} is taken by another program: stop it, set QUICKSTART_REDIS_PORT, or set REDIS_URL`,
    );
  }
  if (!which("redis-server")) {
    await fail(`Redis is needed and redis-server is not installed: ${REDIS_INSTALL_HINT}; or set REDIS_URL`);
  }
  say(`Redis: starting a private redis-server (port ${REDIS_PORT}, .data/redis)`);
  try {
    const redis = await startRedis({ port: REDIS_PORT, dir: path.join(DATA, "redis") });
    stoppers.push({ name: "Redis", stop: redis.stop });
  } catch (error) {
    await fail(error.message);
  }
  return url;
}

/** Stops an app or worker left running by an earlier quickstart that was killed hard. */
async function stopLeftovers() {
  let pids = [];
  try {
    pids = JSON.parse(readFileSync(CHILDREN_FILE, "utf8"));
  } catch {
    return;
  }
  for (const pid of pids) {
    let cmdline = "";
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8"); // Linux; elsewhere leftovers are left alone
    } catch {
      continue;
    }
    if (!cmdline.includes("tsx")) continue; // the pid now belongs to something else
    say(`stopping the app/worker left running by an earlier quickstart (pid ${pid})`);
    killGroup(pid, "SIGTERM", { groupOnly: true });
    for (let i = 0; i < 50 && existsSync(`/proc/${pid}`); i++) await sleep(100);
    killGroup(pid, "SIGKILL", { groupOnly: true });
  }
  rmSync(CHILDREN_FILE, { force: true });
}

function startChild(name, script, env) {
  const proc = spawnGroup(bin("tsx"), [script], {
    cwd: root,
    env: { ...process.env, ...env },
    graceMs: 10_000,
  });
  childPids.push(proc.child.pid);
  mkdirSync(DATA, { recursive: true });
  writeFileSync(CHILDREN_FILE, JSON.stringify(childPids));
  prefixLines(proc.child.stdout, `[${name}] `);
  prefixLines(proc.child.stderr, `[${name}] `, process.stderr);
  stoppers.push({ name, stop: proc.stop });
  void proc.exit.then(({ code, signal }) => {
    if (!shuttingDown) void fail(`${name} exited unexpectedly (${code ?? signal}); see its output above`);
  });
  return proc;
}

async function waitForHealth(url, proc, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.hasExited()) return false;
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) return true;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  return false;
}

function demoAccounts() {
  const file = path.join(root, "prisma/demo-accounts.json");
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    console.error(`[quickstart] cannot read prisma/demo-accounts.json: ${error.message}`);
    return undefined;
  }
}

function printWelcome(url) {
  const accounts = demoAccounts();
  const lines = ["", `Synochi is running at ${url}`, ""];
  if (Array.isArray(accounts) && accounts.length) {
    lines.push("Demo accounts:");
    const width = Math.max(...accounts.map((a) => String(a.email).length));
    const pwWidth = Math.max(...accounts.map((a) => String(a.password).length));
    for (const a of accounts) {
      const roles = Array.isArray(a.roles) ? a.roles.join(", ") : String(a.roles ?? "");
      lines.push(
        `  ${String(a.email).padEnd(width)}  ${String(a.password).padEnd(pwWidth)}  ${roles}${a.note ? ` — ${a.note}` : ""}`,
      );
    }
  } else {
    lines.push("Demo accounts: none listed (prisma/demo-accounts.json is missing).");
  }
  lines.push(
    "",
    "E-mails are not sent in this setup: each one is written as a JSON file to",
    `  ${path.relative(root, MAIL_DIR) || MAIL_DIR}/  and shown at ${url}/dev/mail`,
    "",
    "Press Ctrl-C to stop everything.",
    "",
  );
  console.log(lines.join("\n"));
}

async function main() {
  // Before anything is initialised: without Redis nothing can run.
  if (!process.env.REDIS_URL && !which("redis-server") && !(await portOpen(REDIS_PORT))) {
    await fail(`Redis is needed and redis-server is not installed: ${REDIS_INSTALL_HINT}; or set REDIS_URL`);
  }
  await ensureDependencies();
  await stopLeftovers();
  const databaseUrl = await ensurePostgres();
  const redisUrl = await ensureRedis();
  mkdirSync(MAIL_DIR, { recursive: true });

  const env = {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    NODE_ENV: "production",
    COOKIE_SECURE: "false",
    ALLOW_MAIL_SINK: "true",
    MAIL_SINK_DIR: MAIL_DIR,
    PORT: String(PORT),
    APP_URL: process.env.APP_URL || `http://localhost:${PORT}`,
  };
  // The migration runner creates the database when it is missing.
  await step("applying migrations", bin("tsx"), ["scripts/migrate.ts"], env);
  if (existsSync(path.join(root, "prisma/seed.ts"))) {
    await step("loading the demo data (idempotent)", bin("tsx"), ["prisma/seed.ts"], env);
  } else {
    say("prisma/seed.ts not found: skipping the demo data");
  }
  await step("building the app (remix build)", bin("remix"), ["build"], env);

  if (await portOpen(PORT)) await fail(`port ${PORT} is already in use: stop that program or set PORT`);
  say("starting the worker and the app");
  startChild("worker", "workers/index.ts", env);
  const app = startChild("app", "server.ts", env);
  const url = `http://localhost:${PORT}`;
  if (!(await waitForHealth(`http://127.0.0.1:${PORT}`, app))) {
    await fail(`the app did not answer on ${url}/healthz; see its output above`);
  }
  printWelcome(url);
}

main().catch((error) => fail(error?.stack ?? String(error)));
