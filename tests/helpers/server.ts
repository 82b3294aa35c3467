/**
 * Starts the REAL app (`tsx server.ts`) and worker (`tsx workers/index.ts`) as child processes for
 * integration and e2e tests. The app serves the Remix build in build/: `npm test` runs `remix build` first.
 *
 *   const db = useTestDatabase();
 *   let app: RunningApp;
 *   beforeAll(async () => { app = await startApp({ databaseUrl: db().url }) });
 *   afterAll(() => app?.stop());
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { redisPrefix, redisUrl } from "./redis.ts";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const tsxBin = path.join(repoRoot, "node_modules/.bin/tsx");
const OUTPUT_LIMIT = 64 * 1024;

export interface StartOptions {
  databaseUrl: string;
  /** Extra or overriding environment variables. */
  env?: Record<string, string>;
  /** Defaults to this test file's prefix from redis.ts, so its cleanup covers the app's keys too. */
  redisPrefix?: string;
  /** Where the mail sink writes; defaults to a fresh temp dir (removed by stop()). */
  mailDir?: string;
  /** Milliseconds to wait for readiness; default 30 000. */
  timeoutMs?: number;
}

export interface RunningApp {
  url: string;
  port: number;
  /** The process group id (the tsx process's pid), e.g. to SIGKILL the app in a reliability test. */
  pid: number;
  mailDir: string;
  /** What the process printed so far (stdout and stderr, the last 64 KiB of each). */
  output: () => string;
  stop: () => Promise<void>;
}

export interface RunningWorker {
  /** The process group id (the tsx process's pid), e.g. to SIGKILL the worker in a reliability test. */
  pid: number;
  mailDir: string;
  output: () => string;
  stop: () => Promise<void>;
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const running = new Set<ChildProcess>();
// If the test process dies without calling stop(), take the children (and their own children) with it.
process.once("exit", () => {
  for (const child of running) killGroup(child, "SIGKILL");
});

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal); // the whole group: tsx runs node as its own child
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

interface Spawned {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop: () => Promise<void>;
  onLine: (fn: (line: string) => void) => void;
}

function spawnTsx(script: string, env: Record<string, string>, label: string): Spawned {
  const child = spawn(tsxBin, [script], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  running.add(child);
  let out = "";
  let err = "";
  const lineListeners: ((line: string) => void)[] = [];
  const partial = { stdout: "", stderr: "" };
  const echo = process.env.TEST_SERVER_LOGS === "1";
  const feed = (stream: "stdout" | "stderr", chunk: string) => {
    if (stream === "stdout") out = (out + chunk).slice(-OUTPUT_LIMIT);
    else err = (err + chunk).slice(-OUTPUT_LIMIT);
    if (echo) process.stderr.write(chunk.replace(/^(?=.)/gm, `[${label}] `));
    const lines = (partial[stream] + chunk).split("\n");
    partial[stream] = lines.pop() ?? "";
    for (const line of lines) for (const fn of lineListeners) fn(line);
  };
  child.stdout!.setEncoding("utf8").on("data", (c: string) => feed("stdout", c));
  child.stderr!.setEncoding("utf8").on("data", (c: string) => feed("stderr", c));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    });
    child.once("error", (error) => {
      err += `\n${String(error)}`;
      running.delete(child);
      resolve({ code: -1, signal: null });
    });
  });
  const stop = async () => {
    killGroup(child, "SIGTERM");
    const timer = setTimeout(() => killGroup(child, "SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
    killGroup(child, "SIGKILL"); // any grandchild left behind in the group
  };
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    output: () => `--- stdout ---\n${out}\n--- stderr ---\n${err}`,
    exited,
    stop,
    onLine: (fn) => lineListeners.push(fn),
  };
}

function baseEnv(opts: StartOptions, mailDir: string): Record<string, string> {
  return {
    NODE_ENV: "test",
    DATABASE_URL: opts.databaseUrl,
    REDIS_URL: redisUrl,
    REDIS_PREFIX: opts.redisPrefix ?? redisPrefix,
    MAIL_SINK_DIR: mailDir,
    COOKIE_SECURE: "false",
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "warn",
  };
}

function tail(text: string, max = 4_000): string {
  return text.length > max ? `…${text.slice(-max)}` : text;
}

/** Starts `tsx server.ts` on a free port and waits until GET /healthz answers 200. */
export async function startApp(opts: StartOptions): Promise<RunningApp> {
  if (!existsSync(path.join(repoRoot, "build/index.js"))) {
    throw new Error(
      "build/index.js is missing: run `npx remix build` first (`npm test` does it before the tests).",
    );
  }
  const port = await freePort();
  const ownMailDir = opts.mailDir === undefined;
  const mailDir = opts.mailDir ?? mkdtempSync(path.join(tmpdir(), "synochi-mail-"));
  const url = `http://127.0.0.1:${port}`;
  const env = {
    ...baseEnv(opts, mailDir),
    PORT: String(port),
    HOST: "127.0.0.1",
    APP_URL: url,
    ...opts.env,
  };
  const proc = spawnTsx("server.ts", env, `app:${port}`);
  const stop = async () => {
    await proc.stop();
    if (ownMailDir) rmSync(mailDir, { recursive: true, force: true });
  };

  const timeoutMs = opts.timeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  let exitedEarly: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  void proc.exited.then((e) => (exitedEarly = e));
  let lastProblem = "";
  while (Date.now() < deadline) {
    if (exitedEarly) {
      await stop();
      throw new Error(
        `The app (tsx server.ts) exited with code ${exitedEarly.code ?? exitedEarly.signal} before /healthz answered.\n` +
          `stderr:\n${tail(proc.stderr())}\nstdout:\n${tail(proc.stdout(), 2_000)}`,
      );
    }
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) {
        return { url, port, pid: proc.child.pid!, mailDir, output: proc.output, stop };
      }
      lastProblem = `GET /healthz answered ${res.status}: ${tail(await res.text(), 500)}`;
    } catch (error) {
      lastProblem = `GET /healthz: ${(error as Error).message}`;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new Error(
    `The app (tsx server.ts) did not answer 200 on ${url}/healthz within ${timeoutMs} ms (${lastProblem}).\n` +
      `stderr:\n${tail(proc.stderr())}\nstdout:\n${tail(proc.stdout(), 2_000)}`,
  );
}

/** Starts `tsx workers/index.ts` and resolves when it prints a line containing "worker ready". */
export async function startWorker(opts: StartOptions): Promise<RunningWorker> {
  const ownMailDir = opts.mailDir === undefined;
  const mailDir = opts.mailDir ?? mkdtempSync(path.join(tmpdir(), "synochi-mail-"));
  const proc = spawnTsx("workers/index.ts", { ...baseEnv(opts, mailDir), ...opts.env }, "worker");
  const stop = async () => {
    await proc.stop();
    if (ownMailDir) rmSync(mailDir, { recursive: true, force: true });
  };
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const alreadyReady = () => /worker ready/i.test(proc.stdout()) || /worker ready/i.test(proc.stderr());
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `The worker (tsx workers/index.ts) did not print "worker ready" within ${timeoutMs} ms.`,
            ),
          ),
        timeoutMs,
      );
      proc.onLine((line) => {
        if (/worker ready/i.test(line)) {
          clearTimeout(timer);
          resolve();
        }
      });
      if (alreadyReady()) {
        clearTimeout(timer);
        resolve();
      }
      void proc.exited.then((e) => {
        clearTimeout(timer);
        reject(
          new Error(
            `The worker (tsx workers/index.ts) exited with code ${e.code ?? e.signal} before it was ready.`,
          ),
        );
      });
    });
  } catch (error) {
    await stop();
    throw new Error(
      `${(error as Error).message}\nstderr:\n${tail(proc.stderr())}\nstdout:\n${tail(proc.stdout(), 2_000)}`,
    );
  }
  return { pid: proc.child.pid!, mailDir, output: proc.output, stop };
}
