/**
 * The real app as a child process: `tsx server.ts` in production mode, serving the Remix build in build/.
 *
 * Builds share one lock with the other users of this working tree (tests, other benchmarks):
 * `flock /tmp/synochi-build.lock`. We hold it from the build until our app has loaded build/index.js, so
 * nobody rewrites the build under our feet while the server imports it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { killGroup, onCleanup, trackChild } from "./cleanup.ts";

export const BUILD_LOCK = "/tmp/synochi-build.lock";
const OUTPUT_LIMIT = 64 * 1024;

function tail(text: string, max = 4_000): string {
  return text.length > max ? `…${text.slice(-max)}` : text;
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

export interface BuildLock {
  release: () => Promise<void>;
}

/**
 * Takes the build lock (waiting for other builds), runs `npx remix build` under it unless `build` is false,
 * and keeps holding the lock until release().
 */
export async function lockAndBuild(
  repoRoot: string,
  build: boolean,
  log: (line: string) => void,
): Promise<BuildLock> {
  const script = build
    ? "npx remix build 1>&2 || exit $?; echo __bench_locked__; read _ignored"
    : "echo __bench_locked__; read _ignored";
  const child = spawn("flock", [BUILD_LOCK, "sh", "-c", script], {
    cwd: repoRoot,
    stdio: ["pipe", "pipe", "pipe"],
    detached: true,
  });
  trackChild(child);
  let stderr = "";
  child.stderr!.setEncoding("utf8").on("data", (c: string) => (stderr = (stderr + c).slice(-OUTPUT_LIMIT)));
  const started = performance.now();
  const exited = new Promise<number | null>((resolve) => {
    child.once("exit", (code) => resolve(code));
    child.once("error", (error) => {
      stderr += `\n${String(error)}`;
      resolve(-1);
    });
  });
  const release = async () => {
    child.stdin!.end();
    const timer = setTimeout(() => killGroup(child, "SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
  };
  onCleanup("release the build lock", release);
  const locked = await new Promise<boolean>((resolve) => {
    child.stdout!.setEncoding("utf8").on("data", (c: string) => {
      if (c.includes("__bench_locked__")) resolve(true);
    });
    void exited.then(() => resolve(false));
  });
  if (!locked) {
    throw new Error(
      build
        ? `\`npx remix build\` failed (exit code ${await exited}):\n${tail(stderr)}`
        : `Could not take the build lock ${BUILD_LOCK}:\n${tail(stderr)}`,
    );
  }
  if (build) log(`remix build: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  if (!existsSync(path.join(repoRoot, "build/index.js"))) {
    await release();
    throw new Error("build/index.js is missing: run without SKIP_BUILD=1 (or `npx remix build`) first.");
  }
  return { release };
}

export interface RunningApp {
  url: string;
  pid: number;
  output: () => string;
  stop: () => Promise<void>;
}

/** Starts `tsx server-cluster.ts` (as `npm start` does) on a free port with `env` and waits until GET /healthz answers 200. */
export async function startApp(
  repoRoot: string,
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<RunningApp> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const mailDir = mkdtempSync(path.join(tmpdir(), "synochi-bench-mail-"));
  const child: ChildProcess = spawn(path.join(repoRoot, "node_modules/.bin/tsx"), ["server-cluster.ts"], {
    cwd: repoRoot,
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(port),
      HOST: "127.0.0.1",
      APP_URL: url,
      // Plain http on localhost: cookies without the Secure flag, as a browser would keep them.
      COOKIE_SECURE: "false",
      ALLOW_MAIL_SINK: "true",
      MAIL_SINK_DIR: mailDir,
      LOG_LEVEL: "warn",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  trackChild(child);
  let out = "";
  let err = "";
  child.stdout!.setEncoding("utf8").on("data", (c: string) => (out = (out + c).slice(-OUTPUT_LIMIT)));
  child.stderr!.setEncoding("utf8").on("data", (c: string) => (err = (err + c).slice(-OUTPUT_LIMIT)));
  let exitedEarly: string | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once("exit", (code, signal) => {
      exitedEarly = String(code ?? signal);
      resolve();
    });
    child.once("error", (error) => {
      err += `\n${String(error)}`;
      exitedEarly = "spawn error";
      resolve();
    });
  });
  const output = () => `--- stdout ---\n${tail(out, 2_000)}\n--- stderr ---\n${tail(err)}`;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    killGroup(child, "SIGTERM");
    const timer = setTimeout(() => killGroup(child, "SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
    killGroup(child, "SIGKILL"); // anything left in the group
    rmSync(mailDir, { recursive: true, force: true });
  };
  onCleanup("stop the app", stop);

  const deadline = Date.now() + timeoutMs;
  let lastProblem = "";
  while (Date.now() < deadline) {
    if (exitedEarly !== undefined) {
      await stop();
      throw new Error(
        `The app (tsx server.ts) exited (${exitedEarly}) before /healthz answered.\n${output()}`,
      );
    }
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) return { url, pid: child.pid!, output, stop };
      lastProblem = `GET /healthz answered ${res.status}: ${tail(await res.text(), 300)}`;
    } catch (error) {
      lastProblem = `GET /healthz: ${(error as Error).message}`;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await stop();
  throw new Error(
    `The app did not answer 200 on ${url}/healthz within ${timeoutMs} ms (${lastProblem}).\n${output()}`,
  );
}
